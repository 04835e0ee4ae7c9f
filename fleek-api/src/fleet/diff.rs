//! What differs between two characters, by JSON path: semantic (key order and whitespace
//! never make a difference), lists item by item, and a secret's value never shown.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One difference at a JSON path. A secret's `before` and `after` are `"(secret)"`, or
/// absent: never its value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Where, e.g. `$.bio[2]` or `$.settings.secrets.OPENAI_API_KEY`.
    pub path: String,
    /// The value on Fleek (absent: none there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    /// The value the manifest asks for (absent: removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
    /// Why this is a change when the values cannot be compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

const SECRETS: &str = "$.settings.secrets";

/// How a secret's value is shown.
fn hidden() -> Value {
    Value::String("(secret)".to_string())
}

/// The differences between the character on Fleek (`live`) and the one asked for
/// (`desired`), secrets included, in path order.
pub fn characters(live: &Value, desired: &Value) -> Vec<Change> {
    let mut changes = Vec::new();
    let live_has_secrets = live
        .pointer("/settings/secrets")
        .and_then(Value::as_object)
        .is_some_and(|s| !s.is_empty());
    let desired_has_secrets = desired
        .pointer("/settings/secrets")
        .and_then(Value::as_object)
        .is_some_and(|s| !s.is_empty());
    if desired_has_secrets && !live_has_secrets && live.pointer("/settings/secrets").is_none() {
        // Fleek's answer carries no secrets at all: it cannot be compared, so it is never
        // "unchanged"; it is sent again.
        changes.push(Change {
            path: SECRETS.to_string(),
            before: None,
            after: Some(hidden()),
            note: Some(
                "Fleek's answer holds no secrets to compare with: they are sent again".to_string(),
            ),
        });
        let mut live = live.clone();
        let mut desired = desired.clone();
        for value in [&mut live, &mut desired] {
            if let Some(settings) = value.get_mut("settings").and_then(Value::as_object_mut) {
                settings.remove("secrets");
            }
        }
        walk("$", &live, &desired, &mut changes);
    } else {
        walk("$", live, desired, &mut changes);
    }
    changes
}

fn child(path: &str, key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", Value::String(key.to_string()))
    }
}

fn walk(path: &str, before: &Value, after: &Value, out: &mut Vec<Change>) {
    if before == after {
        return;
    }
    let secret =
        path.starts_with(&format!("{SECRETS}.")) || path.starts_with(&format!("{SECRETS}["));
    match (before, after) {
        (Value::Object(a), Value::Object(b)) if !secret => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let path = child(path, key);
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => walk(&path, x, y, out),
                    (x, y) => out.push(shown(&path, x, y)),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if !secret => {
            for index in 0..a.len().max(b.len()) {
                let path = format!("{path}[{index}]");
                match (a.get(index), b.get(index)) {
                    (Some(x), Some(y)) => walk(&path, x, y, out),
                    (x, y) => out.push(shown(&path, x, y)),
                }
            }
        }
        (x, y) => out.push(shown(path, Some(x), Some(y))),
    }
}

fn shown(path: &str, before: Option<&Value>, after: Option<&Value>) -> Change {
    let secret = path.starts_with(SECRETS);
    let show = |value: Option<&Value>| value.map(|v| if secret { hidden() } else { v.clone() });
    Change {
        path: path.to_string(),
        before: show(before),
        after: show(after),
        note: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_order_and_whitespace_make_no_difference() {
        let a: Value =
            serde_json::from_str(r#"{"name":"Nova","bio":["a","b"],"style":{"all":[],"chat":[]}}"#)
                .expect("JSON");
        let b: Value = serde_json::from_str("{ \"style\": {\"chat\": [], \"all\": []},\n  \"bio\": [\"a\", \"b\"], \"name\": \"Nova\" }").expect("JSON");
        assert!(characters(&a, &b).is_empty());
    }

    #[test]
    fn lists_differ_item_by_item_and_secrets_never_show() {
        let live =
            json!({"bio": ["a", "b"], "settings": {"secrets": {"KEY": "old-value", "GONE": "g"}}});
        let desired = json!({"bio": ["a", "c", "d"], "settings": {"secrets": {"KEY": "new-value", "NEW": "n"}}});
        let changes = characters(&live, &desired);
        let paths: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "$.bio[1]",
                "$.bio[2]",
                "$.settings.secrets.GONE",
                "$.settings.secrets.KEY",
                "$.settings.secrets.NEW"
            ]
        );
        assert_eq!(changes[0].before, Some(json!("b")));
        assert_eq!(changes[1].before, None);
        let text = serde_json::to_string(&changes).expect("JSON");
        for value in ["old-value", "new-value", "\"g\"", "\"n\""] {
            assert!(!text.contains(value), "{value} shown: {text}");
        }
    }

    #[test]
    fn an_answer_without_secrets_is_never_unchanged() {
        let live = json!({"name": "Nova", "settings": {"voice": {}}});
        let desired = json!({"name": "Nova", "settings": {"voice": {}, "secrets": {"KEY": "v"}}});
        let changes = characters(&live, &desired);
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert!(changes[0]
            .note
            .as_deref()
            .is_some_and(|n| n.contains("no secrets")));
        assert_eq!(changes[0].after, Some(json!("(secret)")));
    }
}
