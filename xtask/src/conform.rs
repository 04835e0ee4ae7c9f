//! Whether a JSON value is what a schema of our spec says, and every place it is not: the
//! check `verify-live` runs on the real API's answers. It reads OpenAPI 3.0 schemas as the
//! spec writes them (`nullable`, `oneOf`, `x-extensible-enum`), and reports a field the
//! schema does not describe too, since the spec should describe what arrives.

use serde_json::Value;

use crate::openapi::resolve;

/// One place where a value departs from its schema, or a note that is not a departure (a
/// value an open enum does not list yet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Finding {
    /// A JSON path: `$.data[0].status`.
    pub(crate) path: String,
    pub(crate) message: String,
    /// A note (an open enum's new value) rather than a departure.
    pub(crate) note: bool,
}

/// Array items checked, at most: a departure in the items shows in the first ones.
const ITEMS: usize = 50;

/// Every finding for `value` against `schema`, from `path`.
pub(crate) fn check(doc: &Value, schema: &Value, value: &Value, path: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    walk(doc, schema, value, path, &mut out, 0);
    out
}

fn departure(out: &mut Vec<Finding>, path: &str, message: String) {
    out.push(Finding {
        path: path.to_string(),
        message,
        note: false,
    });
}

fn walk(doc: &Value, schema: &Value, value: &Value, path: &str, out: &mut Vec<Finding>, depth: u8) {
    if depth > 32 {
        return;
    }
    let schema = resolve(doc, schema);
    if value.is_null() {
        let typed = schema.get("type").is_some()
            || schema.get("oneOf").is_some()
            || schema.get("properties").is_some();
        if typed && schema["nullable"] != Value::Bool(true) {
            departure(out, path, "null, which the spec does not allow here".into());
        }
        return;
    }
    if let Some(members) = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
    {
        let fits = members
            .iter()
            .any(|m| check(doc, m, value, path).iter().all(|f| f.note));
        if !fits {
            departure(
                out,
                path,
                format!(
                    "{} fits none of the {} shapes the spec allows",
                    kind(value),
                    members.len()
                ),
            );
        }
        return;
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => object(doc, schema, value, path, out, depth),
        Some("array") => match value.as_array() {
            Some(items) => {
                for (i, item) in items.iter().take(ITEMS).enumerate() {
                    walk(
                        doc,
                        &schema["items"],
                        item,
                        &format!("{path}[{i}]"),
                        out,
                        depth + 1,
                    );
                }
            }
            None => departure(
                out,
                path,
                format!("{}, where the spec has an array", kind(value)),
            ),
        },
        Some("string") => string(schema, value, path, out),
        Some("integer") if !(value.is_i64() || value.is_u64()) => {
            departure(
                out,
                path,
                format!("{}, where the spec has an integer", kind(value)),
            );
        }
        Some("number") if !value.is_number() => {
            departure(
                out,
                path,
                format!("{}, where the spec has a number", kind(value)),
            );
        }
        Some("boolean") if !value.is_boolean() => {
            departure(
                out,
                path,
                format!("{}, where the spec has a boolean", kind(value)),
            );
        }
        _ => {}
    }
}

fn object(
    doc: &Value,
    schema: &Value,
    value: &Value,
    path: &str,
    out: &mut Vec<Finding>,
    depth: u8,
) {
    let Some(map) = value.as_object() else {
        departure(
            out,
            path,
            format!("{}, where the spec has an object", kind(value)),
        );
        return;
    };
    for name in schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !map.contains_key(name) {
            departure(
                out,
                &format!("{path}.{name}"),
                "missing, though the spec requires it".into(),
            );
        }
    }
    let properties = schema["properties"].as_object();
    let additional = schema.get("additionalProperties");
    for (name, field) in map {
        let at = format!("{path}.{name}");
        match properties.and_then(|p| p.get(name)) {
            Some(property) => walk(doc, property, field, &at, out, depth + 1),
            None => match additional {
                Some(Value::Bool(true)) => {}
                Some(extra) if extra.is_object() => walk(doc, extra, field, &at, out, depth + 1),
                _ => departure(out, &at, "a field the spec does not describe".into()),
            },
        }
    }
}

fn string(schema: &Value, value: &Value, path: &str, out: &mut Vec<Finding>) {
    let Some(text) = value.as_str() else {
        departure(
            out,
            path,
            format!("{}, where the spec has a string", kind(value)),
        );
        return;
    };
    if let Some(values) = schema["enum"].as_array() {
        if !values.iter().any(|v| v == value) {
            departure(out, path, format!("{text:?}, not among the spec's values"));
        }
    }
    if let Some(values) = schema["x-extensible-enum"].as_array() {
        if !values.iter().any(|v| v == value) {
            out.push(Finding {
                path: path.to_string(),
                message: format!(
                    "{text:?}, a value the spec's open list does not name yet: add it"
                ),
                note: true,
            });
        }
    }
    let min = schema["minLength"].as_u64().unwrap_or(0);
    if (text.chars().count() as u64) < min {
        departure(
            out,
            path,
            format!("shorter than the spec's minimum of {min}"),
        );
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "paths": {},
            "components": {"schemas": {
                "Status": {"type": "string", "x-extensible-enum": ["Running"]},
                "Slot": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
                "Agent": {
                    "type": "object",
                    "required": ["id", "status"],
                    "properties": {
                        "id": {"type": "string", "minLength": 1},
                        "status": {"$ref": "#/components/schemas/Status"},
                        "slot": {"$ref": "#/components/schemas/Slot"},
                        "host": {"type": "string", "nullable": true},
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "meta": {"type": "object", "additionalProperties": {"type": "string"}}
                    }
                }
            }}
        })
    }

    fn findings(value: Value) -> Vec<(String, bool)> {
        let doc = doc();
        let schema = json!({"$ref": "#/components/schemas/Agent"});
        check(&doc, &schema, &value, "$")
            .into_iter()
            .map(|f| (format!("{}: {}", f.path, f.message), f.note))
            .collect()
    }

    #[test]
    fn a_value_as_the_spec_says_has_no_finding() {
        let value = json!({"id": "a", "status": "Running", "slot": "3", "host": null,
                           "tags": ["x"], "meta": {"k": "v"}});
        assert_eq!(findings(value), vec![]);
    }

    #[test]
    fn each_departure_is_named_at_its_path() {
        let value = json!({"status": "Hibernating", "slot": 1.5, "host": 3, "tags": [1],
                           "meta": {"k": 1}, "surprise": true});
        let found = findings(value);
        let text: Vec<&str> = found.iter().map(|(t, _)| t.as_str()).collect();
        for expected in [
            "$.id: missing, though the spec requires it",
            "$.slot: a number fits none of the 2 shapes the spec allows",
            "$.host: a number, where the spec has a string",
            "$.tags[0]: a number, where the spec has a string",
            "$.meta.k: a number, where the spec has a string",
            "$.surprise: a field the spec does not describe",
        ] {
            assert!(text.contains(&expected), "{expected} in {text:#?}");
        }
        // A new value of an open enum is a note, not a departure.
        assert!(found.contains(&(
            "$.status: \"Hibernating\", a value the spec's open list does not name yet: add it"
                .to_string(),
            true
        )));
        let value = json!({"id": "", "status": "Running", "host": null});
        assert!(findings(value)[0]
            .0
            .contains("shorter than the spec's minimum of 1"));
        assert!(findings(json!(null))[0]
            .0
            .contains("null, which the spec does not allow"));
    }
}
