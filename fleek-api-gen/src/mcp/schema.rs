//! Tools' schemas from the spec's: references inlined, inputs without unions or type lists,
//! answers read tolerantly and wrapped into an object where they are not one.

use serde_json::{json, Map, Value};

use crate::json_schema::resolve;

/// How deep references may nest before a schema counts as recursive.
const MAX_DEPTH: usize = 12;

/// The first paragraph of a description, on one line: tools' descriptions cost every
/// conversation tokens, and the rest is the reference's.
pub(super) fn first_paragraph(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A parameter's schema, wherever the spec keeps it (the operation, the path item, a
/// `components.parameters` entry).
pub(super) fn parameter_schema(
    document: &Value,
    path: &str,
    method: &str,
    name: &str,
    components: &Value,
) -> Value {
    let item = &document["paths"][path];
    item[method]["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(item["parameters"].as_array().into_iter().flatten())
        .filter_map(|p| resolve(p, components, "parameters"))
        .find(|p| p["name"] == name)
        .map(|p| p["schema"].clone())
        .unwrap_or_else(|| json!({"type": "string"}))
}

/// A schema a tool takes: references inlined; `nullable` dropped (a model need not send
/// `null`); no union and no type array, or an error.
pub(super) fn input_schema(
    schema: &Value,
    components: &Value,
    depth: usize,
) -> Result<Value, String> {
    inline(schema, components, depth, false)
}

/// A schema answers are checked against: references inlined, `nullable` kept as an `anyOf`
/// with `null`, unions kept.
fn answer_schema(schema: &Value, components: &Value) -> Result<Value, String> {
    inline(schema, components, 0, true)
}

fn inline(schema: &Value, components: &Value, depth: usize, answer: bool) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err("its schema nests deeper than a tool's schema can (recursive?)".into());
    }
    let Some(object) = schema.as_object() else {
        return Ok(schema.clone());
    };
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or_default();
        let target = &components["schemas"][name];
        if target.is_null() {
            return Err(format!("{reference} points to nothing"));
        }
        return inline(target, components, depth + 1, answer);
    }
    let mut out = Map::new();
    for (key, value) in object {
        if matches!(
            key.as_str(),
            "nullable" | "example" | "examples" | "readOnly" | "writeOnly"
        ) || key.starts_with("x-")
        {
            continue;
        }
        // Answers are read tolerantly (as the client crate reads them): a client that checks
        // them against the schema must not refuse one the crate would take. Their
        // descriptions stay in the reference: the list of tools is sent with every
        // conversation, and the answer shows its own fields.
        if answer
            && matches!(
                key.as_str(),
                "required"
                    | "pattern"
                    | "format"
                    | "minLength"
                    | "maxLength"
                    | "minimum"
                    | "maximum"
                    | "minItems"
                    | "maxItems"
                    | "additionalProperties"
                    | "description"
                    | "title"
                    | "deprecated"
                    | "default"
            )
        {
            continue;
        }
        let value = match key.as_str() {
            "description" => json!(first_paragraph(value.as_str().unwrap_or_default())),
            "properties" => Value::Object(
                value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, schema)| {
                        Ok((name.clone(), inline(schema, components, depth + 1, answer)?))
                    })
                    .collect::<Result<_, String>>()?,
            ),
            "items" | "not" => inline(value, components, depth + 1, answer)?,
            "additionalProperties" if value.is_object() => {
                inline(value, components, depth + 1, answer)?
            }
            "oneOf" | "anyOf" | "allOf" if !answer => {
                return Err(format!("`{key}` in a tool's input (clients refuse unions)"));
            }
            "oneOf" | "anyOf" | "allOf" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|schema| inline(schema, components, depth + 1, answer))
                    .collect::<Result<_, String>>()?,
            ),
            "type" if value.is_array() && !answer => {
                return Err("a type array in a tool's input (clients refuse them)".into());
            }
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    // An answer the server sends on may hold what the spec says may be missing.
    if answer && object.get("nullable").and_then(Value::as_bool) == Some(true) {
        if let Some(values) = out.get_mut("enum").and_then(Value::as_array_mut) {
            values.push(Value::Null);
        }
        // `anyOf` with `null`, not a type list, which single-`type` dialects (Gemini's)
        // refuse.
        return Ok(json!({"anyOf": [Value::Object(out), {"type": "null"}]}));
    }
    // Open enums (`x-extensible-enum`) take values the spec does not list yet.
    Ok(Value::Object(out))
}

/// The tool's `outputSchema`, an object, and how the answer becomes one: `json` (an object
/// as it is), `items` (a list, wrapped), `value` (another JSON value, wrapped), `binary`
/// (base64, with its length and type) or `none` (no body: no schema).
pub(super) fn output_schema(
    response: &Value,
    components: &Value,
) -> Result<(Option<Value>, &'static str), String> {
    let content = &response["content"];
    if let Some(schema) = content.get("application/json").map(|c| &c["schema"]) {
        let schema = answer_schema(schema, components)?;
        let is_object = schema["type"] == "object" && schema.get("oneOf").is_none();
        if is_object {
            return Ok((Some(schema), "json"));
        }
        let key = if schema["type"] == "array" {
            "items"
        } else {
            "value"
        };
        return Ok((
            Some(json!({
                "type": "object",
                "properties": { key: schema },
                "required": [key],
            })),
            key,
        ));
    }
    if content.as_object().is_some_and(|c| !c.is_empty()) {
        return Ok((
            Some(json!({
                "type": "object",
                "properties": {
                    "contentType": {"type": "string"},
                    "bytes": {"type": "integer", "description": "The answer's length in bytes."},
                    "base64": {"type": "string", "description": "The answer, base64-encoded."},
                    "text": {"type": "string", "description": "The answer as text, when it is UTF-8."},
                },
                "required": ["contentType", "bytes", "base64"],
            })),
            "binary",
        ));
    }
    Ok((None, "none"))
}
