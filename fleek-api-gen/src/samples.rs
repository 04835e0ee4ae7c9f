//! Code samples for every operation, from the spec alone: a `curl` command and a
//! `fleek-agents` command, each filled with the spec's own examples (path and query
//! parameters, the request body). The reference renders them (`x-codeSamples`, added to
//! the bundled spec `cargo xtask docs` builds) and a test runs each against a simulator
//! where the examples' ids exist; no sample is written by hand.
//!
//! Both samples read the API's origin and key from `FLEEK_API_URL` and `FLEEK_API_KEY`.

use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent};
use serde_json::{json, Value};

use crate::commands::Placement;
use crate::extensions::is_wildcard;

/// One parameter with its example.
struct Example {
    name: String,
    value: String,
    wildcard: bool,
}

/// The samples of every operation, in the spec's order, as pretty JSON.
pub(crate) fn document(spec: &OpenAPI) -> Result<String, crate::Error> {
    let placements = crate::commands::placements(spec)?;
    let mut all = Vec::new();
    for (path, item) in spec.paths.iter() {
        let Some(item) = item.as_item() else {
            continue;
        };
        for (method, op) in item.iter() {
            let Some(id) = op.operation_id.as_deref() else {
                continue;
            };
            // The proxy's writes have no sample yet: the spec's one example of the path
            // inside the agent (`agents`) is a `GET` route, and OpenAPI gives a path-level
            // parameter one example for every method.
            if id.starts_with("proxy_") && !method.eq_ignore_ascii_case("get") {
                continue;
            }
            let placement = placements
                .iter()
                .find(|(placed, _)| placed == id)
                .map(|(_, p)| p)
                .ok_or_else(|| crate::Error::operation(id, "has no placement"))?;
            let components = spec.components.as_ref();
            let mut path_params = Vec::new();
            let mut query = Vec::new();
            for parameter in item.parameters.iter().chain(&op.parameters) {
                let Some(parameter) = crate::refs::parameter(parameter, components) else {
                    continue;
                };
                match parameter {
                    Parameter::Path { parameter_data, .. } => {
                        // Without an example, a placeholder the reader fills in.
                        let value = example(spec, parameter)
                            .unwrap_or_else(|| format!("<{}>", parameter_data.name));
                        path_params.push(Example {
                            name: parameter_data.name.clone(),
                            value,
                            wildcard: is_wildcard(parameter_data),
                        });
                    }
                    Parameter::Query { parameter_data, .. }
                        if parameter_data.required || parameter_data.name == "projectId" =>
                    {
                        if let Some(value) = example(spec, parameter) {
                            query.push(Example {
                                name: parameter_data.name.clone(),
                                value,
                                wildcard: false,
                            });
                        }
                    }
                    _ => {}
                }
            }
            let body = op
                .request_body
                .as_ref()
                .and_then(|body| {
                    crate::refs::resolve(body, components, "requestBodies", |c| &c.request_bodies)
                        .ok()
                })
                .and_then(|body| body.content.get("application/json"))
                .and_then(|media| media.example.clone());
            // Per operation: `curl` (`sh`, reading FLEEK_API_URL and FLEEK_API_KEY) and
            // `fleek-agents` (after a heredoc writing `body.json` when it takes a body).
            all.push(json!({
                "operation": id,
                "curl": curl(method, path, &path_params, &query, body.as_ref()),
                "cli": cli(method, placement, &path_params, &query, body.as_ref()),
            }));
        }
    }
    serde_json::to_string_pretty(&all)
        .map(|text| text + "\n")
        .map_err(|e| crate::Error::Output(e.to_string()))
}

/// A parameter's example: its own, or its schema's (followed through a `$ref`).
fn example(spec: &OpenAPI, parameter: &Parameter) -> Option<String> {
    let data = parameter.parameter_data_ref();
    let value = data.example.clone().or_else(|| match &data.format {
        ParameterSchemaOrContent::Schema(schema) => {
            crate::refs::schema(schema, spec.components.as_ref())
                .and_then(|s| s.schema_data.example.clone())
        }
        ParameterSchemaOrContent::Content(_) => None,
    })?;
    Some(match value {
        Value::String(text) => text,
        other => other.to_string(),
    })
}

/// `text` in single quotes for `sh`.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn curl(
    method: &str,
    path: &str,
    path_params: &[Example],
    query: &[Example],
    body: Option<&Value>,
) -> String {
    let mut url = path.to_string();
    for param in path_params {
        // A wildcard keeps its `/`; every other value is one segment (the examples are
        // URL-safe ids).
        let value = if param.wildcard {
            param.value.clone()
        } else {
            param.value.replace('/', "%2F")
        };
        url = url.replace(&format!("{{{}}}", param.name), &value);
    }
    if !query.is_empty() {
        let pairs: Vec<String> = query
            .iter()
            .map(|q| format!("{}={}", q.name, q.value))
            .collect();
        url = format!("{url}?{}", pairs.join("&"));
    }
    let mut lines = vec![
        format!(
            "curl --fail-with-body -X {} \"$FLEEK_API_URL{url}\"",
            method.to_uppercase()
        ),
        "  -H \"X-Api-Key: $FLEEK_API_KEY\"".to_string(),
    ];
    if let Some(body) = body {
        lines.push("  -H 'Content-Type: application/json'".to_string());
        lines.push(format!("  -d {}", quoted(&body.to_string())));
    }
    lines.join(" \\\n")
}

fn cli(
    method: &str,
    placement: &Placement,
    path_params: &[Example],
    query: &[Example],
    body: Option<&Value>,
) -> String {
    let mut words = vec![
        "fleek-agents".to_string(),
        placement.noun.clone(),
        placement.verb.clone(),
    ];
    // The subject first, then, for the proxy (`agent api <agent> <METHOD> <PATH>`), what
    // the hand-written command takes.
    if let Some(subject) = path_params.iter().find(|p| !p.wildcard) {
        words.push(quoted(&subject.value));
    }
    if placement.hand_written && placement.verb == "api" {
        words.push(method.to_uppercase());
        if let Some(path) = path_params.iter().find(|p| p.wildcard) {
            words.push(quoted(&path.value));
        }
    }
    for q in query {
        words.push(format!("--{}", crate::commands::kebab(&q.name)));
        words.push(quoted(&q.value));
    }
    let mut text = String::new();
    let proxy = placement.hand_written && placement.verb == "api";
    if let (true, Some(body)) = (proxy, body) {
        // `agent api` takes its body inline.
        words.push("--data".to_string());
        words.push(quoted(&body.to_string()));
    } else if let Some(body) = body {
        let pretty = serde_json::to_string_pretty(body).unwrap_or_default();
        text.push_str(&format!("cat > body.json <<'EOF'\n{pretty}\nEOF\n"));
        words.push("--json-body".to_string());
        words.push("body.json".to_string());
    }
    if placement.confirm.is_some() {
        words.push("--yes".to_string());
    }
    text.push_str(&words.join(" "));
    text
}
