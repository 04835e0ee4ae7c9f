//! `cargo xtask verify-live`: every read-only operation of the spec against the real API,
//! each answer checked against the spec's schema.
//!
//! It needs `FLEEK_API_KEY` and refuses to send anything without one. `FLEEK_API_URL` points
//! it elsewhere (a staging API, or a local server in this module's tests); the key is sent
//! to that origin only. It calls every `GET` of the spec but the proxy (whose answers are
//! the agent's own, not the spec's): first those without parameters, then those that need
//! an id, taking ids from earlier answers (the first agent of `list_agents`, the first
//! subscription, the first payment method) or from `FLEEK_AGENT_ID` and `FLEEK_PROJECT_ID`.
//! It prints one row per operation (status, findings) and then each finding at its JSON
//! path, and fails when any answer departs from the spec. A value an open enum does not list
//! yet is a note, not a departure.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use crate::conform::{self, Finding};
use crate::openapi::{self, Operation};
use crate::{root, Failure};

const SPEC: &str = "openapi/fleek-api.yaml";
const DEFAULT_URL: &str = "https://api.fleek.xyz";

/// What the command runs with, from the environment.
pub(crate) struct Config {
    pub(crate) key: Option<String>,
    pub(crate) base_url: String,
    /// Known values of path and query parameters, by parameter name.
    pub(crate) known: BTreeMap<String, String>,
}

impl Config {
    fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let mut known = BTreeMap::new();
        if let Some(project) = var("FLEEK_PROJECT_ID") {
            known.insert("projectId".to_string(), project);
        }
        if let Some(agent) = var("FLEEK_AGENT_ID") {
            known.insert("agentId".to_string(), agent);
        }
        Config {
            key: var("FLEEK_API_KEY"),
            base_url: var("FLEEK_API_URL").unwrap_or_else(|| DEFAULT_URL.to_string()),
            known,
        }
    }
}

/// `cargo xtask verify-live`.
pub(crate) fn run() -> Result<(), Failure> {
    let report = verify(&Config::from_env())?;
    print!("{}", report.text);
    if report.departures == 0 {
        Ok(())
    } else {
        Err(format!(
            "{} place(s) where the live API departs from {SPEC}: correct the spec (and \
             FLEEK-API-NOTES' sources), or report what looks like Fleek's bug",
            report.departures
        ))
    }
}

/// What was found, as printed.
pub(crate) struct Report {
    pub(crate) text: String,
    pub(crate) departures: usize,
}

/// One operation's outcome.
struct Row {
    operation: String,
    status: String,
    findings: Vec<Finding>,
}

pub(crate) fn verify(config: &Config) -> Result<Report, Failure> {
    let Some(key) = config.key.as_deref() else {
        return Err(
            "verify-live calls Fleek's real API and needs an API key: set FLEEK_API_KEY (create \
             one in the Fleek web app: Eliza page → Account settings → API tokens). Nothing \
             was sent. FLEEK_API_URL points it at another API; FLEEK_PROJECT_ID and \
             FLEEK_AGENT_ID choose what it reads."
                .into(),
        );
    };
    let spec = openapi::load(&root().join(SPEC))?;
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        // The key goes to the configured origin only: no redirect is followed.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("cannot build an HTTP client: {e}"))?;
    let base = config.base_url.trim_end_matches('/');
    let mut known = config.known.clone();

    let mut operations: Vec<Operation<'_>> = openapi::operations(&spec)
        .into_iter()
        .filter(|op| op.method == "GET" && !is_proxy(&spec, op))
        .collect();
    // Those that need no id first: their answers name the ids the others need.
    operations.sort_by_key(|op| op.path.matches('{').count());

    let mut rows = Vec::new();
    for op in &operations {
        let url = match url(&spec, op, base, &known) {
            Ok(url) => url,
            Err(missing) => {
                rows.push(Row {
                    operation: op.name(),
                    status: format!("skipped: no {missing} (set it, or have one to read)"),
                    findings: Vec::new(),
                });
                continue;
            }
        };
        rows.push(call(&http, &spec, op, &url, key, &mut known));
    }

    let mut text = format!("{:<32} {:<40} FINDINGS\n", "OPERATION", "STATUS");
    let mut departures = 0;
    for row in &rows {
        let count = row.findings.iter().filter(|f| !f.note).count();
        departures += count;
        let notes = row.findings.len() - count;
        text.push_str(&format!(
            "{:<32} {:<40} {count} departure(s), {notes} note(s)\n",
            row.operation, row.status
        ));
    }
    for row in rows.iter().filter(|r| !r.findings.is_empty()) {
        text.push_str(&format!("\n{}:\n", row.operation));
        for f in &row.findings {
            let what = if f.note { "note" } else { "departs" };
            text.push_str(&format!("  {what:<8} {}: {}\n", f.path, f.message));
        }
    }
    Ok(Report { text, departures })
}

fn is_proxy(spec: &Value, op: &Operation<'_>) -> bool {
    op.parameters(spec)
        .iter()
        .any(|p| p["x-wildcard"] == Value::Bool(true))
}

/// The operation's URL with its path parameters and required query parameters filled in, or
/// the name of the first one no value is known for.
fn url(
    spec: &Value,
    op: &Operation<'_>,
    base: &str,
    known: &BTreeMap<String, String>,
) -> Result<String, String> {
    let mut path = op.path.clone();
    let mut query = Vec::new();
    for p in op.parameters(spec) {
        let name = p["name"].as_str().unwrap_or_default();
        let required = p["required"] == Value::Bool(true);
        let value = known.get(name);
        match (p["in"].as_str(), value) {
            (Some("path"), Some(v)) => {
                let encoded: String = form_urlencoded::byte_serialize(v.as_bytes()).collect();
                path = path.replace(&format!("{{{name}}}"), &encoded.replace('+', "%20"));
            }
            (Some("query"), Some(v)) if required => query.push((name.to_string(), v.clone())),
            (Some("path"), None) => return Err(name.to_string()),
            (Some("query"), None) if required => return Err(name.to_string()),
            _ => {}
        }
    }
    let mut url = format!("{base}{path}");
    if !query.is_empty() {
        url.push('?');
        url.push_str(
            &form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&query)
                .finish(),
        );
    }
    Ok(url)
}

fn call(
    http: &reqwest::blocking::Client,
    spec: &Value,
    op: &Operation<'_>,
    url: &str,
    key: &str,
    known: &mut BTreeMap<String, String>,
) -> Row {
    let mut row = Row {
        operation: op.name(),
        status: String::new(),
        findings: Vec::new(),
    };
    let answer = http
        .get(url)
        .header("X-Api-Key", key)
        .header("Accept", "application/json")
        .send()
        .and_then(|response| {
            let status = response.status();
            response.bytes().map(|body| (status, body))
        });
    let (status, body) = match answer {
        Ok(answer) => answer,
        Err(e) => {
            // reqwest's error names the URL, never the key.
            row.status = format!("no answer: {}", e.without_url());
            row.findings.push(Finding {
                path: "$".into(),
                message: "no answer".into(),
                note: false,
            });
            return row;
        }
    };
    row.status = status.to_string();
    let codes: Vec<String> = op.op["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(code, _)| code.to_uppercase())
        .collect();
    let code = status.as_u16().to_string();
    let documented = codes
        .iter()
        .any(|c| *c == code || (c.ends_with("XX") && c[..1] == code[..1]));
    if !documented {
        row.findings.push(Finding {
            path: "$".into(),
            message: format!("status {code}, which the spec does not document"),
            note: false,
        });
    }
    if !status.is_success() {
        return row;
    }
    let Some(schema) = openapi::success_schema(spec, op.op) else {
        return row; // Not JSON in the spec (the attestation): any body will do.
    };
    match serde_json::from_slice::<Value>(&body) {
        Ok(value) => {
            row.findings
                .extend(conform::check(spec, schema, &value, "$"));
            learn(&op.name(), &value, known);
        }
        Err(e) => row.findings.push(Finding {
            path: "$".into(),
            message: format!(
                "not JSON ({e}): {:?}",
                String::from_utf8_lossy(&body[..body.len().min(120)])
            ),
            note: false,
        }),
    }
    row
}

/// The ids later operations need, from the answers that list them.
fn learn(operation: &str, value: &Value, known: &mut BTreeMap<String, String>) {
    let first = |list: &Value| list.as_array().and_then(|items| items.first()).cloned();
    let found = match operation {
        "list_agents" => first(&value["data"]).map(|agent| {
            vec![
                ("agentId", agent["id"].clone()),
                ("projectId", agent["projectId"].clone()),
            ]
        }),
        "list_subscriptions" => first(value)
            .or_else(|| Some(value.clone()))
            .map(|subscription| vec![("subscriptionId", subscription["id"].clone())]),
        "list_payment_methods" => {
            first(&value["data"]).map(|method| vec![("paymentMethodId", method["id"].clone())])
        }
        _ => None,
    };
    for (name, id) in found.into_iter().flatten() {
        if let Some(id) = id.as_str() {
            known
                .entry(name.to_string())
                .or_insert_with(|| id.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;
    use std::sync::{Arc, Mutex};

    /// Each request's path and `x-api-key`, as the server saw them.
    type Seen = Arc<Mutex<Vec<(String, String)>>>;

    /// A server on 127.0.0.1 that answers off-spec shapes by path, and records each request's
    /// path and its `x-api-key`.
    fn off_spec_api() -> (String, Seen) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(64) {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut first = String::new();
                reader.read_line(&mut first).expect("request line");
                let mut key = String::new();
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).expect("header");
                    if line.trim().is_empty() {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("x-api-key:") {
                        key = v.trim().to_string();
                    }
                }
                let path = first.split(' ').nth(1).unwrap_or("").to_string();
                log.lock().expect("log").push((path.clone(), key));
                let (status, body) = answer(&path);
                let reply = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: \
                     {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes());
            }
        });
        (url, seen)
    }

    fn answer(path: &str) -> (&'static str, String) {
        let agent = "/api/v1/ai-agents/a1";
        let body = match path.split('?').next().unwrap_or("") {
            "/api/v1/ai-agents" => serde_json::json!({
                "data": [{"id": "a1", "projectId": "p 1", "name": "Nova", "status": "Hibernating",
                          "slotNumber": "3", "surprise": 1}],
                "next_page": null, "prev_page": null
            })
            .to_string(),
            p if p == agent => r#"{"projectId": "p 1", "name": "Nova", "status": "Running"}"#.into(),
            p if p == format!("{agent}/status") => r#"{"status": 1}"#.into(),
            p if p == format!("{agent}/logs") => {
                r#"{"data": [{"id": 1, "timestamp": 1739454949, "message": "up"}], "next_page": null}"#.into()
            }
            "/api/v1/plans" => "plans are coming".into(),
            "/api/v1/subscriptions" => return ("302 Found", "{}".into()),
            _ => return ("404 Not Found", r#"{"error": "none"}"#.into()),
        };
        ("200 OK", body)
    }

    #[test]
    fn without_a_key_nothing_is_sent_and_the_refusal_says_what_to_set() {
        let (url, seen) = off_spec_api();
        let config = Config {
            key: None,
            base_url: url,
            known: BTreeMap::new(),
        };
        let error = verify(&config).err().expect("refused");
        assert!(error.contains("set FLEEK_API_KEY"), "{error}");
        assert!(seen.lock().expect("log").is_empty());
    }

    #[test]
    fn every_read_only_operation_is_called_and_each_departure_named() {
        let (url, seen) = off_spec_api();
        let config = Config {
            key: Some("fk_live_S3CR3T".into()),
            base_url: url,
            known: BTreeMap::new(),
        };
        let report = verify(&config).expect("runs");
        let text = &report.text;
        for expected in [
            "departs  $.data[0].surprise: a field the spec does not describe",
            "note     $.data[0].status: \"Hibernating\", a value the spec's open list does not name yet",
            "departs  $.id: missing, though the spec requires it",
            "departs  $.status: a number fits none of the 2 shapes the spec allows",
            "departs  $: not JSON",
            "departs  $: status 302, which the spec does not document",
        ] {
            assert!(text.contains(expected), "{expected}\n{text}");
        }
        assert!(report.departures >= 5, "{text}");
        // The ids came from list_agents: the agent's operations were called with them, and
        // the project id was encoded.
        let seen = seen.lock().expect("log").clone();
        let paths: Vec<&str> = seen.iter().map(|(p, _)| p.as_str()).collect();
        assert!(paths.contains(&"/api/v1/ai-agents/a1/logs"), "{paths:?}");
        assert!(
            paths.contains(&"/api/v1/subscriptions?projectId=p+1"),
            "{paths:?}"
        );
        assert!(
            !paths.iter().any(|p| p.contains("/a1/api/")),
            "no proxy call: {paths:?}"
        );
        assert!(
            seen.iter().all(|(_, key)| key == "fk_live_s3cr3t"),
            "{seen:?}"
        );
        // Every GET but the five proxy methods' one has a row.
        assert!(text.contains("list_framework_versions"), "{text}");
        assert!(text.contains("get_payment_method"), "{text}");
    }
}
