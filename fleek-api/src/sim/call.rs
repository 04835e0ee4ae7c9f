//! What a handler reads and answers: the request ([`Call`]), what it knows besides
//! ([`Context`]), and a refusal ([`Refusal`]) or an answer. Shared by the router (`http`) and
//! the handlers (`operations`), which import this module and not each other's.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::world::Delays;
use super::Shared;

/// One request, as the handlers read it.
pub(crate) struct Call {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    /// The path's parameters by the names the spec gives them (`agentId`, `key`, ...).
    pub(crate) params: Vec<(&'static str, String)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Call {
    pub(crate) fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(key, _)| *key == name)
            .map_or("", |(_, value)| value.as_str())
    }

    /// A query parameter that is a project id: never empty, as the spec's `ProjectId`.
    pub(crate) fn project(&self) -> Result<Option<&str>, Refusal> {
        match self.query("projectId") {
            Some("") => Err(bad("`projectId` is empty; a project's id never is")),
            other => Ok(other),
        }
    }

    /// The `projectId` query parameter where the spec requires it.
    pub(crate) fn required_project(&self) -> Result<&str, Refusal> {
        self.project()?
            .ok_or_else(|| bad("the query parameter `projectId` is required"))
    }

    fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The JSON body as `T`; a body that breaks the spec is a 400 naming where.
    fn json<T: DeserializeOwned>(&self) -> Result<T, Refusal> {
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let path = e.path().to_string();
            bad(&format!(
                "the body does not match the spec at `{path}`: {}",
                e.inner()
            ))
        })
    }
}

/// The answer of an error: a sentence in plain text, starting with the operation. Fleek
/// documents no error body (the spec keeps it as bytes), so the simulator does not invent a
/// JSON shape for one.
pub(crate) fn error(status: StatusCode, operation: &str, message: &str) -> Response {
    let text = if operation.is_empty() {
        message.to_string()
    } else {
        format!("{operation}: {message}")
    };
    (
        status,
        [("content-type", "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

/// What a handler knows besides the request and the state.
pub(crate) struct Context<'a> {
    pub(crate) shared: &'a Shared,
    /// The simulator's clock, and the same instant in Unix seconds.
    pub(crate) now: Duration,
    pub(crate) unix: i64,
}

impl Context<'_> {
    pub(crate) fn delays(&self) -> Delays {
        self.shared.delays
    }

    /// `path` (starting with `/`) as a full URL on the simulator.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.shared.base_url)
    }
}

/// A request the service refuses: the status and why, answered as [`error`] with the
/// operation's name once the handler is done.
#[derive(Debug)]
pub(crate) struct Refusal {
    status: StatusCode,
    message: String,
}

impl Refusal {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Refusal {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn answer(self, operation: &str) -> Response {
        error(self.status, operation, &self.message)
    }
}

pub(crate) fn not_found(what: &str) -> Refusal {
    Refusal::new(StatusCode::NOT_FOUND, format!("no {what} has this id"))
}

pub(crate) fn bad(message: &str) -> Refusal {
    Refusal::new(StatusCode::BAD_REQUEST, message)
}

pub(crate) fn conflict(message: &str) -> Refusal {
    Refusal::new(StatusCode::CONFLICT, message)
}

pub(crate) fn json_ok(value: Value) -> Response {
    (StatusCode::OK, axum::Json(value)).into_response()
}

/// The request's JSON body as `T`; see [`Call::json`].
pub(crate) fn body<T: DeserializeOwned>(call: &Call) -> Result<T, Refusal> {
    call.json()
}

pub(crate) fn param<'c>(call: &'c Call, name: &str) -> &'c str {
    call.param(name)
}

pub(crate) fn query<'c>(call: &'c Call, name: &str) -> Option<&'c str> {
    call.query(name)
}
