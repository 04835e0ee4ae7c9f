//! Reading OpenAPI documents as plain JSON values, for the commands that compare a document
//! with ours (`drift`) or answers with it (`verify-live`): loading YAML or JSON, following
//! local `$ref`s, walking operations, and matching paths whatever their parameters are named.

use std::path::Path;

use serde_json::Value;

use crate::Failure;

/// The HTTP methods an OpenAPI path item can hold.
pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A document, YAML or JSON (YAML reads JSON too).
pub(crate) fn load(path: &Path) -> Result<Value, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// A document from its text, YAML or JSON.
pub(crate) fn parse(text: &str) -> Result<Value, String> {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(_) => serde_yaml::from_str(text).map_err(|e| format!("neither JSON nor YAML: {e}"))?,
    };
    if value.get("paths").is_some_and(Value::is_object) {
        Ok(value)
    } else {
        Err("not an OpenAPI document: it has no `paths` object".into())
    }
}

/// `value`, or what its local `$ref` (`#/...`) points to, followed up to 16 times.
pub(crate) fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..16 {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return value;
        };
        let Some(pointer) = reference.strip_prefix('#') else {
            return value;
        };
        match doc.pointer(pointer) {
            Some(target) => value = target,
            None => return &Value::Null,
        }
    }
    value
}

/// One operation of a document.
pub(crate) struct Operation<'a> {
    /// `GET`, `POST`, ...
    pub(crate) method: String,
    /// The path as written, e.g. `/api/v1/ai-agents/{agentId}`.
    pub(crate) path: String,
    /// The operation object.
    pub(crate) op: &'a Value,
    /// The path item (for its parameters).
    pub(crate) item: &'a Value,
}

impl Operation<'_> {
    /// `METHOD /path` with every parameter written `{}`: the same operation in two documents
    /// whatever they name its parameters (`{key}` and `{*key}` meet).
    pub(crate) fn key(&self) -> String {
        format!("{} {}", self.method, normalize(&self.path))
    }

    /// The operationId, or `METHOD /path`.
    pub(crate) fn name(&self) -> String {
        self.op
            .get("operationId")
            .and_then(Value::as_str)
            .map_or_else(|| format!("{} {}", self.method, self.path), str::to_string)
    }

    /// Its parameters, the path item's first, each resolved; the operation's own replace the
    /// path item's of the same name and place.
    pub(crate) fn parameters<'d>(&self, doc: &'d Value) -> Vec<&'d Value>
    where
        Self: 'd,
    {
        let mut out: Vec<&Value> = Vec::new();
        for list in [self.item.get("parameters"), self.op.get("parameters")] {
            for parameter in list.and_then(Value::as_array).into_iter().flatten() {
                let parameter = resolve(doc, parameter);
                let id = |p: &Value| (p.get("in").cloned(), p.get("name").cloned());
                out.retain(|p| id(p) != id(parameter));
                out.push(parameter);
            }
        }
        out
    }
}

/// Every operation of `doc`, in document order.
pub(crate) fn operations(doc: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        let item = resolve(doc, item);
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push(Operation {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    op,
                    item,
                });
            }
        }
    }
    out
}

/// A path with every `{parameter}` (wildcards `{*name}` too) written `{}`.
pub(crate) fn normalize(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

/// The schema of an operation's JSON success answer: its `2XX`, or its lowest 2xx code.
pub(crate) fn success_schema<'a>(doc: &'a Value, op: &'a Value) -> Option<&'a Value> {
    let responses = op.get("responses")?.as_object()?;
    let mut codes: Vec<&String> = responses
        .keys()
        .filter(|code| code.starts_with('2'))
        .collect();
    codes.sort_by_key(|code| (code.as_str() != "2XX", code.as_str()));
    let response = resolve(doc, responses.get(codes.first()?.as_str())?);
    let schema = response.pointer("/content/application~1json/schema")?;
    Some(resolve(doc, schema))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_meet_whatever_their_parameters_are_named() {
        assert_eq!(
            normalize("/api/v1/ai-agents/{agentId}/api/{*key}"),
            normalize("/api/v1/ai-agents/{id}/api/{key}")
        );
        assert_eq!(normalize("/a/{b}/c"), "/a/{}/c");
        assert_ne!(normalize("/a/{b}"), normalize("/a/b"));
    }

    #[test]
    fn references_are_followed_and_a_dangling_one_is_null() {
        let doc = serde_json::json!({
            "paths": {},
            "components": {"schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"type": "string"}}}
        });
        let a = serde_json::json!({"$ref": "#/components/schemas/A"});
        assert_eq!(resolve(&doc, &a)["type"], "string");
        let missing = serde_json::json!({"$ref": "#/components/schemas/C"});
        assert!(resolve(&doc, &missing).is_null());
    }

    #[test]
    fn text_that_is_not_a_document_is_refused() {
        assert!(parse("{}").is_err());
        assert!(parse("paths: {}").is_ok());
        assert!(parse(r#"{"paths": {}}"#).is_ok());
        assert!(parse(":\n  - [").is_err());
    }
}
