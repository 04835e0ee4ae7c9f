//! `cargo xtask drift FILE`: what differs between our spec and Fleek's own OpenAPI document.
//!
//! Fleek serves its document from the live API (`/api/openapi.json`, `/api-docs/openapi.json`);
//! no copy is public, so a maintainer with network access saves it and runs this. Their
//! operations are kept when tagged `AI Agents` or on a path our spec covers (their tag for
//! subscriptions is not known); paths meet whatever their parameters are named, so `{key}`
//! and `{*key}` are one path. Each difference is printed as "only ours", "only theirs" or
//! "differs" — operations, parameters, the request body's fields, success and error
//! statuses, the success answer's fields, security — and the command fails unless every
//! one is explained in `openapi/drift-known.yaml`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use serde_json::Value;

use crate::openapi::{self, resolve, Operation};
use crate::{root, Failure};

/// Our spec, relative to the workspace root.
const OURS: &str = "openapi/fleek-api.yaml";
/// The differences our spec explains, relative to the workspace root.
const KNOWN: &str = "openapi/drift-known.yaml";
/// The tag of Fleek's document whose operations are compared.
const TAG: &str = "AI Agents";

/// Which side has something the other lacks, or that both have it differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    OnlyOurs,
    OnlyTheirs,
    Differs,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::OnlyOurs => "only ours",
            Kind::OnlyTheirs => "only theirs",
            Kind::Differs => "differs",
        })
    }
}

/// One difference.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Difference {
    pub(crate) kind: Kind,
    /// `METHOD /path` with parameters written `{}`.
    pub(crate) operation: String,
    /// What differs: `operation`, `query parameter cursor`, `request field tee`, ...
    pub(crate) what: String,
    /// Ours and theirs, for people.
    pub(crate) detail: String,
}

impl Difference {
    /// `kind: operation: what`, the text the known list matches.
    pub(crate) fn id(&self) -> String {
        format!("{}: {}: {}", self.kind, self.operation, self.what)
    }
}

/// A difference our spec explains: `difference` matches ids, `*` standing for any text.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct Known {
    pub(crate) difference: String,
    pub(crate) why: String,
}

/// `cargo xtask drift FILE`.
pub(crate) fn run(args: &[&str]) -> Result<(), Failure> {
    let [file] = args else {
        return Err(
            "usage: cargo xtask drift FILE (Fleek's OpenAPI document, JSON or YAML)".into(),
        );
    };
    let ours = openapi::load(&root().join(OURS))?;
    let theirs = openapi::load(Path::new(file))?;
    let known = known(&root().join(KNOWN))?;
    let report = report(&ours, &theirs, &known);
    print!("{}", report.text);
    if report.unexplained == 0 {
        Ok(())
    } else {
        Err(format!(
            "{} difference(s) from Fleek's document that {KNOWN} does not explain: correct the \
             spec, or explain each there",
            report.unexplained
        ))
    }
}

/// The known differences file.
pub(crate) fn known(path: &Path) -> Result<Vec<Known>, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// What `run` prints, and how many differences are not explained.
pub(crate) struct Report {
    pub(crate) text: String,
    pub(crate) unexplained: usize,
}

pub(crate) fn report(ours: &Value, theirs: &Value, known: &[Known]) -> Report {
    let differences = compare(ours, theirs);
    let mut text = String::new();
    let mut unexplained = 0;
    for d in &differences {
        let why = known
            .iter()
            .find(|k| matches(&k.difference, &d.id()))
            .map(|k| k.why.as_str());
        if why.is_none() {
            unexplained += 1;
        }
        text.push_str(&format!(
            "{:<12} {:<55} {} ({})\n",
            d.kind.to_string(),
            d.operation,
            d.what,
            d.detail
        ));
        if let Some(why) = why {
            text.push_str(&format!("{:<12} explained: {why}\n", ""));
        }
    }
    text.push_str(&format!(
        "{} difference(s): {} explained in {KNOWN}, {unexplained} not\n",
        differences.len(),
        differences.len() - unexplained
    ));
    Report { text, unexplained }
}

/// Whether `pattern` (with `*` for any text) matches all of `text`.
pub(crate) fn matches(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, rest) = match parts.split_first() {
        Some(split) => split,
        None => return text.is_empty(),
    };
    let Some(mut left) = text.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return left.is_empty();
    };
    for part in middle {
        match left.find(part) {
            Some(at) => left = &left[at + part.len()..],
            None => return false,
        }
    }
    left.ends_with(last)
}

/// Every difference, sorted.
pub(crate) fn compare(ours: &Value, theirs: &Value) -> Vec<Difference> {
    let our_ops: BTreeMap<String, Operation<'_>> = openapi::operations(ours)
        .into_iter()
        .map(|op| (op.key(), op))
        .collect();
    let our_paths: BTreeSet<String> = our_ops
        .values()
        .map(|op| openapi::normalize(&op.path))
        .collect();
    let their_ops: BTreeMap<String, Operation<'_>> = openapi::operations(theirs)
        .into_iter()
        .filter(|op| tagged(op.op) || our_paths.contains(&openapi::normalize(&op.path)))
        .map(|op| (op.key(), op))
        .collect();

    let mut out = Vec::new();
    for (key, op) in &our_ops {
        if !their_ops.contains_key(key) {
            out.push(diff(Kind::OnlyOurs, key, "operation", op.name()));
        }
    }
    for (key, theirs_op) in &their_ops {
        match our_ops.get(key) {
            None => out.push(diff(Kind::OnlyTheirs, key, "operation", theirs_op.name())),
            Some(ours_op) => {
                let sides = Sides {
                    ours,
                    theirs,
                    key,
                    out: &mut out,
                };
                compare_operation(sides, ours_op, theirs_op);
            }
        }
    }
    out.sort();
    out
}

fn tagged(op: &Value) -> bool {
    op.get("tags")
        .and_then(Value::as_array)
        .is_some_and(|tags| tags.iter().any(|t| t == TAG))
}

fn diff(
    kind: Kind,
    operation: &str,
    what: impl Into<String>,
    detail: impl Into<String>,
) -> Difference {
    Difference {
        kind,
        operation: operation.to_string(),
        what: what.into(),
        detail: detail.into(),
    }
}

/// Both documents and where differences of one operation go.
struct Sides<'a, 'o> {
    ours: &'a Value,
    theirs: &'a Value,
    key: &'a str,
    out: &'o mut Vec<Difference>,
}

impl Sides<'_, '_> {
    fn push(&mut self, kind: Kind, what: impl Into<String>, detail: impl Into<String>) {
        self.out.push(diff(kind, self.key, what, detail));
    }

    /// Two maps of `name → description`, compared: only ours, only theirs, differs.
    fn compare_maps(
        &mut self,
        what: &str,
        ours: &BTreeMap<String, String>,
        theirs: &BTreeMap<String, String>,
    ) {
        for (name, mine) in ours {
            match theirs.get(name) {
                None => self.push(Kind::OnlyOurs, format!("{what} {name}"), mine.clone()),
                Some(other) if other != mine => self.push(
                    Kind::Differs,
                    format!("{what} {name}"),
                    format!("ours {mine}, theirs {other}"),
                ),
                Some(_) => {}
            }
        }
        for (name, other) in theirs {
            if !ours.contains_key(name) {
                self.push(Kind::OnlyTheirs, format!("{what} {name}"), other.clone());
            }
        }
    }
}

fn compare_operation(mut sides: Sides<'_, '_>, ours: &Operation<'_>, theirs: &Operation<'_>) {
    // Path parameters by position (their names may differ), wildcard or not.
    let (our_path, their_path) = (
        path_parameters(sides.ours, ours),
        path_parameters(sides.theirs, theirs),
    );
    for (i, (mine, other)) in our_path.iter().zip(&their_path).enumerate() {
        if mine != other {
            sides.push(
                Kind::Differs,
                format!("path parameter {}", i + 1),
                format!("ours {mine}, theirs {other}"),
            );
        }
    }
    // Other parameters by place and name.
    let (a, b) = (
        other_parameters(sides.ours, ours),
        other_parameters(sides.theirs, theirs),
    );
    sides.compare_maps("parameter", &a, &b);
    // The request body's fields.
    let (a, b) = (
        request_fields(sides.ours, ours.op),
        request_fields(sides.theirs, theirs.op),
    );
    sides.compare_maps("request field", &a, &b);
    // Statuses: a range covers the codes in it.
    let (a, b) = (statuses(ours.op), statuses(theirs.op));
    for code in &a {
        if !covered(code, &b) {
            sides.push(
                Kind::OnlyOurs,
                format!("status {code}"),
                "a documented answer",
            );
        }
    }
    for code in &b {
        if !covered(code, &a) {
            sides.push(
                Kind::OnlyTheirs,
                format!("status {code}"),
                "a documented answer",
            );
        }
    }
    // The success answer's fields.
    let (a, b) = (
        answer_fields(sides.ours, ours.op),
        answer_fields(sides.theirs, theirs.op),
    );
    sides.compare_maps("answer field", &a, &b);
    // Security: the credentials each alternative sends.
    let (a, b) = (
        security(sides.ours, ours.op),
        security(sides.theirs, theirs.op),
    );
    if a != b {
        sides.push(
            Kind::Differs,
            "security",
            format!("ours {}, theirs {}", a.join(" or "), b.join(" or ")),
        );
    }
}

/// Each path parameter, in path order: `wildcard` or `one segment`.
fn path_parameters(doc: &Value, op: &Operation<'_>) -> Vec<&'static str> {
    let parameters = op.parameters(doc);
    op.path
        .split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| {
            let (name, star) = match name.strip_prefix('*') {
                Some(name) => (name, true),
                None => (name, false),
            };
            let marked = parameters.iter().any(|p| {
                p["in"] == "path" && p["name"] == name && p["x-wildcard"] == Value::Bool(true)
            });
            if star || marked {
                "wildcard"
            } else {
                "one segment"
            }
        })
        .collect()
}

/// Query, header and cookie parameters: `in name` → `required type`.
fn other_parameters(doc: &Value, op: &Operation<'_>) -> BTreeMap<String, String> {
    op.parameters(doc)
        .into_iter()
        .filter(|p| p["in"] != "path")
        .map(|p| {
            let place = p["in"].as_str().unwrap_or("?");
            let name = p["name"].as_str().unwrap_or("?");
            let required = if p["required"] == Value::Bool(true) {
                "required"
            } else {
                "optional"
            };
            (
                format!("{place} {name}"),
                format!("{required} {}", type_of(doc, &p["schema"])),
            )
        })
        .collect()
}

fn request_fields(doc: &Value, op: &Value) -> BTreeMap<String, String> {
    let body = resolve(doc, &op["requestBody"]);
    let mut out = BTreeMap::new();
    if let Some(schema) = body.pointer("/content/application~1json/schema") {
        fields(doc, schema, "", &mut out, 0);
    }
    out
}

fn answer_fields(doc: &Value, op: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(schema) = openapi::success_schema(doc, op) {
        fields(doc, schema, "", &mut out, 0);
    }
    out
}

/// The fields of a schema, `a.b` and `list[].c`, each `required|optional type`, to a depth
/// of four.
fn fields(
    doc: &Value,
    schema: &Value,
    prefix: &str,
    out: &mut BTreeMap<String, String>,
    depth: u8,
) {
    if depth > 4 {
        return;
    }
    let schema = resolve(doc, schema);
    if let Some(items) = schema.get("items") {
        fields(doc, items, &format!("{prefix}[]"), out, depth + 1);
    }
    // Each shape a `oneOf` allows contributes its fields.
    for key in ["oneOf", "anyOf", "allOf"] {
        for member in schema[key].as_array().into_iter().flatten() {
            fields(doc, member, prefix, out, depth + 1);
        }
    }
    let required: BTreeSet<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        let needed = if required.contains(name.as_str()) {
            "required"
        } else {
            "optional"
        };
        out.insert(path.clone(), format!("{needed} {}", type_of(doc, property)));
        fields(doc, property, &path, out, depth + 1);
    }
}

/// A schema's type for comparison: `string`, `integer|string` (a `oneOf`), `boolean|null`.
pub(crate) fn type_of(doc: &Value, schema: &Value) -> String {
    let schema = resolve(doc, schema);
    let mut types: BTreeSet<String> = BTreeSet::new();
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        types.insert(t.to_string());
    }
    for key in ["oneOf", "anyOf"] {
        for member in schema[key].as_array().into_iter().flatten() {
            types.insert(type_of(doc, member));
        }
    }
    if schema["nullable"] == Value::Bool(true) {
        types.insert("null".into());
    }
    if types.is_empty() {
        "any".into()
    } else {
        types.into_iter().collect::<Vec<_>>().join("|")
    }
}

/// The statuses an operation documents: `200`, `2XX`, `default`.
fn statuses(op: &Value) -> Vec<String> {
    op["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(code, _)| code.to_uppercase())
        .collect()
}

/// Whether `code` is in `list`, or meets a status of its class there: a range (`2XX`) covers
/// the codes in it (`201`), and a code is covered by its range, since neither contradicts the
/// other (no source shows Fleek's codes; see the spec's *Success statuses*).
fn covered(code: &str, list: &[String]) -> bool {
    let class = |c: &str| c.chars().next().filter(|_| c.len() == 3);
    let is_range = |c: &str| c.ends_with("XX");
    list.iter().any(|other| {
        other == code
            || (class(other) == class(code)
                && class(code).is_some()
                && (is_range(other) || is_range(code)))
    })
}

/// The alternatives of an operation's security (its own, or the document's), each as the
/// credentials it sends: `header X-Api-Key`, `http bearer`, `none`.
fn security(doc: &Value, op: &Value) -> Vec<String> {
    let requirements = op.get("security").or_else(|| doc.get("security"));
    let mut out: Vec<String> = requirements
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|alternative| {
            let mut parts: Vec<String> = alternative
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, _)| {
                    let scheme = &doc["components"]["securitySchemes"][name];
                    match scheme["type"].as_str() {
                        Some("apiKey") => format!(
                            "{} {}",
                            scheme["in"].as_str().unwrap_or("?"),
                            scheme["name"].as_str().unwrap_or("?").to_ascii_lowercase()
                        ),
                        Some("http") => {
                            format!("http {}", scheme["scheme"].as_str().unwrap_or("?"))
                        }
                        Some(other) => other.to_string(),
                        None => format!("unknown scheme {name}"),
                    }
                })
                .collect();
            parts.sort();
            if parts.is_empty() {
                "none".to_string()
            } else {
                parts.join(" + ")
            }
        })
        .collect();
    if out.is_empty() {
        out.push("none".into());
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_whole_ids_with_stars_for_any_text() {
        assert!(matches(
            "only ours: *: status 401",
            "only ours: GET /a/{}: status 401"
        ));
        assert!(matches("a*c*e", "abcde"));
        assert!(matches("exact", "exact"));
        assert!(!matches("exact", "exactly"));
        assert!(!matches("*: status 401", "only ours: GET /a: status 4011"));
        assert!(matches("*", ""));
    }

    #[test]
    fn the_fixture_shows_the_known_facts_and_only_what_is_explained() {
        let ours = openapi::load(&root().join(OURS)).expect("our spec");
        let theirs = openapi::load(&root().join("xtask/tests/fixtures/fleek-openapi.json"))
            .expect("the fixture");
        let ids: Vec<String> = compare(&ours, &theirs).iter().map(Difference::id).collect();
        // Their portal is a POST, ours a PUT: both sides show it.
        for id in [
            "only ours: PUT /api/v1/payment-methods/manage: operation",
            "only theirs: POST /api/v1/payment-methods/manage: operation",
        ] {
            assert!(ids.contains(&id.to_string()), "{id} in {ids:#?}");
        }
        // `{*key}` and our `x-wildcard` key are the same wildcard: the proxy does not differ.
        assert!(
            !ids.iter()
                .any(|id| id.contains("/api/{}") && id.contains("path parameter")),
            "{ids:#?}"
        );
        // Operations only Fleek's clients show are ours only, and explained.
        assert!(ids.contains(&"only ours: GET /api/v1/ai-agents/{}/public: operation".to_string()));
        let known = known(&root().join(KNOWN)).expect("the known list");
        let report = report(&ours, &theirs, &known);
        assert_eq!(report.unexplained, 0, "{}", report.text);
    }

    #[test]
    fn an_unexplained_difference_fails_naming_it() {
        let ours = openapi::load(&root().join(OURS)).expect("our spec");
        let mut theirs = openapi::load(&root().join("xtask/tests/fixtures/fleek-openapi.json"))
            .expect("the fixture");
        // Their create body gains a field ours lacks, and their proxy key is one segment.
        theirs["components"]["schemas"]["CreateAgentDto"]["properties"]["color"] =
            serde_json::json!({"type": "string"});
        let proxy = theirs["paths"]
            .as_object_mut()
            .and_then(|paths| paths.remove("/api/v1/ai-agents/{agentId}/api/{*key}"))
            .expect("the fixture's proxy");
        theirs["paths"]["/api/v1/ai-agents/{agentId}/api/{key}"] = proxy;
        let known = known(&root().join(KNOWN)).expect("the known list");
        let report = report(&ours, &theirs, &known);
        assert!(report.unexplained >= 2, "{}", report.text);
        assert!(
            report.text.contains("only theirs  POST /api/v2/ai-agents")
                && report.text.contains("request field color"),
            "{}",
            report.text
        );
        assert!(
            report
                .text
                .contains("path parameter 2 (ours wildcard, theirs one segment)"),
            "{}",
            report.text
        );
    }
}
