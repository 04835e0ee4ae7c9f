//! A stand-in for the Eliza 0.1.9 server behind the proxy, with its routes as Fleek's fork
//! serves them: `GET agents`, `GET agents/{id}` (400 for an id that is not a UUID, 404
//! `{"error": "Agent not found"}` for an unknown one), and `POST {id}/message` (by the
//! agent's id or its name), which replies and writes a log line (`[]` for an empty text;
//! the plain text `Agent not found` for an unknown agent). Anything else is 404, as
//! Express answers it.

use axum::body::Bytes;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::world::Record;

/// The Eliza agent id of a Fleek agent: a UUID derived from its id, stable across calls.
pub(crate) fn eliza_id(agent: &str) -> String {
    // FNV-1a over the id, twice with different seeds: 128 bits, formatted as a UUID.
    let hash = |seed: u64| {
        agent.bytes().fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
    };
    let (a, b) = (hash(0xcbf2_9ce4_8422_2325), hash(0x8422_2325_cbf2_9ce4));
    let hex = format!("{a:016x}{b:016x}");
    format!(
        "{}-{}-4{}-8{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

fn json(status: StatusCode, value: Value) -> Response {
    (status, axum::Json(value)).into_response()
}

fn character(record: &Record) -> Value {
    record
        .agent
        .character_file
        .as_deref()
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_else(|| json!({"name": record.agent.name}))
}

fn is_uuid(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The stand-in's answer to `method` on `path` (the proxy's `key`) with `body`.
pub(crate) fn answer(
    record: &mut Record,
    method: &Method,
    path: &str,
    body: &Bytes,
    unix: i64,
) -> Response {
    let id = eliza_id(&record.agent.id);
    let segments: Vec<&str> = path.split('/').collect();
    match (method, segments.as_slice()) {
        (&Method::GET, ["agents"]) => {
            let clients = character(record)["clients"].clone();
            json(
                StatusCode::OK,
                json!({"agents": [{"id": id, "name": record.agent.name,
                                   "clients": if clients.is_array() { clients } else { json!([]) }}]}),
            )
        }
        (&Method::GET, ["agents", other]) if !is_uuid(other) => json(
            StatusCode::BAD_REQUEST,
            json!({"error": "Invalid AgentId format. Expected to be a UUID: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"}),
        ),
        (&Method::GET, ["agents", other]) if *other == id => json(
            StatusCode::OK,
            json!({"id": id, "character": character(record)}),
        ),
        (&Method::GET, ["agents", _]) => {
            json(StatusCode::NOT_FOUND, json!({"error": "Agent not found"}))
        }
        (&Method::POST, [other, "message"]) if *other == id || *other == record.agent.name => {
            let message: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
            let Some(text) = message.get("text").and_then(Value::as_str) else {
                return json(
                    StatusCode::BAD_REQUEST,
                    json!({"error": "Text is required"}),
                );
            };
            record.log(unix, 6, format!("[{}] message: {text}", record.agent.name));
            json(
                StatusCode::OK,
                json!([{"user": record.agent.name, "text": format!("You said: {text}"), "action": "NONE"}]),
            )
        }
        // Eliza's message route answers an unknown agent in plain text.
        (&Method::POST, [_, "message"]) => text(StatusCode::NOT_FOUND, "Agent not found"),
        _ => text(StatusCode::NOT_FOUND, &format!("Cannot {method} /{path}")),
    }
}

fn text(status: StatusCode, body: &str) -> Response {
    (
        status,
        [("content-type", "text/html; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agents_eliza_id_is_a_stable_uuid() {
        let id = eliza_id("cm7b2q3vx0001la08zk4h2mto");
        assert!(is_uuid(&id), "{id}");
        assert_eq!(id, eliza_id("cm7b2q3vx0001la08zk4h2mto"));
        assert_ne!(id, eliza_id("cm7b2q3vx0002la08zk4h2mto"));
    }
}
