//! The quirks profile: the answers as Fleek's guide shows them where it disagrees with
//! Fleek's own clients (`FLEEK-API-NOTES.md`), for testing code against both. Each quirk is
//! one the spec allows, so a quirky answer still passes the simulator's own check:
//!
//! - the character file spelled `character_file` and `slotNumber` as a string (the guide's
//!   list, get and update examples);
//! - timestamps with microseconds;
//! - a project's one subscription sent as an object, not a list;
//! - a payment method's expiry month and year as strings;
//! - a delete answered with the guide's `{"message"}` alone (Fleek's dashboard reads an `id`);
//! - `201 Created` for a create and a publish, `204 No Content` (no body) for a start and a
//!   stop (whose body no source documents), where the plain profile answers 200.

use axum::http::StatusCode;
use serde_json::Value;

/// What the quirks profile makes of one success answer of `operation`.
pub(crate) fn apply(
    operation: &str,
    status: StatusCode,
    body: Value,
) -> (StatusCode, Option<Value>) {
    let status = match operation {
        "create_agent" | "create_agent_legacy" | "publish_agent" | "create_subscription" => {
            StatusCode::CREATED
        }
        "start_agent" | "stop_agent" => return (StatusCode::NO_CONTENT, None),
        _ => status,
    };
    let body = match operation {
        "list_agents" => map_items(body, "data", agent),
        "list_subscriptions" => match body {
            Value::Array(mut one) if one.len() == 1 => one.pop().unwrap_or(Value::Null),
            other => other,
        },
        "list_payment_methods" => map_items(body, "data", payment_method),
        "get_payment_method" => payment_method(body),
        "delete_agent" => match body {
            Value::Object(mut object) => {
                object.remove("id");
                Value::Object(object)
            }
            other => other,
        },
        operation if operation.ends_with("_agent") || operation == "create_agent_legacy" => {
            agent(body)
        }
        _ => body,
    };
    (status, Some(body))
}

fn map_items(mut page: Value, field: &str, f: fn(Value) -> Value) -> Value {
    if let Some(items) = page.get_mut(field).and_then(Value::as_array_mut) {
        let taken = std::mem::take(items);
        *items = taken.into_iter().map(f).collect();
    }
    page
}

/// An agent as the guide's examples show one.
fn agent(mut value: Value) -> Value {
    let Some(object) = value.as_object_mut() else {
        return value;
    };
    if let Some(file) = object.remove("characterFile") {
        object.insert("character_file".into(), file);
    }
    if let Some(slot) = object.get("slotNumber").and_then(Value::as_i64) {
        object.insert("slotNumber".into(), Value::String(slot.to_string()));
    }
    for field in ["createdAt", "updatedAt"] {
        if let Some(time) = object.get(field).and_then(Value::as_str) {
            // `...:49.000Z` → `...:49.000123Z`.
            let micro = time.replace(".000Z", ".000123Z");
            object.insert(field.into(), Value::String(micro));
        }
    }
    value
}

/// A payment method as the guide shows one: the expiry as strings.
fn payment_method(mut value: Value) -> Value {
    if let Some(object) = value.as_object_mut() {
        for field in ["expiryMonth", "expiryYear"] {
            if let Some(number) = object.get(field).and_then(Value::as_i64) {
                object.insert(field.into(), Value::String(format!("{number:02}")));
            }
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_agent_reads_as_the_guide_shows_it() {
        let plain = json!({"id": "a1", "characterFile": "{}", "slotNumber": 7,
                           "createdAt": "2025-02-13T13:55:49.000Z"});
        let (status, body) = apply("get_agent", StatusCode::OK, plain);
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            body,
            Some(
                json!({"id": "a1", "character_file": "{}", "slotNumber": "7",
                        "createdAt": "2025-02-13T13:55:49.000123Z"})
            )
        );
        let (status, body) = apply("stop_agent", StatusCode::OK, json!({"id": "a1"}));
        assert_eq!((status, body), (StatusCode::NO_CONTENT, None));
        let deleted = json!({"id": "a1", "message": "AI Agent deleted successfully"});
        let (_, body) = apply("delete_agent", StatusCode::OK, deleted);
        assert_eq!(
            body,
            Some(json!({"message": "AI Agent deleted successfully"}))
        );
        let (_, body) = apply("list_subscriptions", StatusCode::OK, json!([{"id": "s1"}]));
        assert_eq!(body, Some(json!({"id": "s1"})));
    }
}
