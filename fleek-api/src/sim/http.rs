//! The simulator's HTTP side: every request is routed by the spec's own table
//! (`OPERATION_ROUTES`), checked for its credential by the spec's `security`
//! (`OPERATION_SECURITY`), given the faults set for it, then answered by the operation's
//! handler from the state. An operation of the spec without a handler answers 501 naming
//! it; a path of no operation answers 404.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::faults::Fault;
use super::world::{Delays, Record};
use super::Shared;
use crate::generated::{OPERATION_ROUTES, OPERATION_SECURITY};

/// The most a request body may hold (a character file with a base64 avatar fits many
/// times over); a larger one is answered 413.
pub(crate) const MAX_BODY: usize = 4 * 1024 * 1024;

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
    fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(key, _)| *key == name)
            .map_or("", |(_, value)| value.as_str())
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

/// The answer of an error: `{"message", "operation"}`. Fleek documents no error body; this
/// one is the simulator's own.
pub(crate) fn error(status: StatusCode, operation: &str, message: &str) -> Response {
    (
        status,
        axum::Json(json!({"message": message, "operation": operation})),
    )
        .into_response()
}

/// The operation a method and path name, with its path parameters.
pub(crate) fn route(
    method: &Method,
    path: &str,
) -> Option<(&'static str, Vec<(&'static str, String)>)> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    OPERATION_ROUTES
        .iter()
        .filter(|(m, _, _)| *m == method.as_str())
        .find_map(|(_, template, operation)| {
            matches(template, &segments).map(|params| (*operation, params))
        })
}

/// The parameters of `segments` under `template`; the proxy's last parameter (`{key}`)
/// takes every segment left (the spec's `x-wildcard`).
fn matches(template: &'static str, segments: &[&str]) -> Option<Vec<(&'static str, String)>> {
    let parts: Vec<&'static str> = template.trim_start_matches('/').split('/').collect();
    let mut params = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if let Some(name) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            if name == "key" && i == parts.len() - 1 {
                let rest = segments.get(i..)?;
                if rest.is_empty() || rest.iter().any(|s| s.is_empty()) {
                    return None;
                }
                params.push((name, rest.join("/")));
                return Some(params);
            }
            let value = segments.get(i).filter(|s| !s.is_empty())?;
            let decoded = percent_encoding::percent_decode_str(value)
                .decode_utf8()
                .ok()?
                .into_owned();
            params.push((name, decoded));
        } else if segments.get(i) != Some(part) {
            return None;
        }
    }
    (segments.len() == parts.len()).then_some(params)
}

/// Whether the request holds a credential the operation accepts; `agent` is the agent the
/// path names, for its token.
fn authorized(shared: &Shared, call: &Call, agent: Option<&Record>) -> bool {
    let alternatives = OPERATION_SECURITY
        .iter()
        .find(|(id, _)| *id == call.operation)
        .map_or(&[][..], |(_, alternatives)| *alternatives);
    if alternatives.is_empty() || alternatives.iter().any(|schemes| schemes.is_empty()) {
        return true;
    }
    let header = |name: &str| call.headers.get(name).and_then(|v| v.to_str().ok());
    alternatives.iter().any(|schemes| {
        schemes.iter().all(|scheme| match *scheme {
            "apiKey" => header("x-api-key") == Some(shared.key.as_str()),
            // Only that agent's token, and only while it allows public chat.
            "agentToken" => agent.is_some_and(|record| {
                record.agent.public_chat == Some(true)
                    && record.agent.public_token.is_some()
                    && header("x-agent-token") == record.agent.public_token.as_deref()
            }),
            _ => false,
        })
    })
}

/// Answers one request.
pub(crate) async fn answer(shared: Arc<Shared>, call: Call) -> Response {
    // A fault set for this operation comes first, as a failing network or load balancer
    // would come before the service.
    let fault = shared
        .faults
        .lock()
        .map(|mut f| f.take(call.operation))
        .ok()
        .flatten();
    match fault {
        Some(Fault::Status {
            status,
            retry_after,
        }) => {
            let mut response = error(
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                call.operation,
                "a fault set on the simulator",
            );
            if let Some(seconds) = retry_after {
                if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                    response.headers_mut().insert("retry-after", value);
                }
            }
            return response;
        }
        Some(Fault::Drop) => return dropped(),
        Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
        None => {}
    }
    let now = shared.clock.now();
    let unix = shared.clock.unix();
    let Ok(mut world) = shared.world.lock() else {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            call.operation,
            "the simulator's state is unusable",
        );
    };
    world.settle(now, unix);
    let agent_id = call.param("agentId").to_string();
    let record = world.agents.get(&agent_id);
    if !authorized(&shared, &call, record) {
        return error(
            StatusCode::UNAUTHORIZED,
            call.operation,
            "no credential this operation accepts: X-Api-Key with the simulator's key, or \
             where the spec allows it the agent's publicToken in X-Agent-Token",
        );
    }
    let context = Context {
        shared: &shared,
        now,
        unix,
    };
    super::operations::serve(&context, &mut world, &call).unwrap_or_else(|| {
        error(
            StatusCode::NOT_IMPLEMENTED,
            call.operation,
            &format!("the simulator does not serve {} yet", call.operation),
        )
    })
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

/// An answer whose body breaks off: the client sees the connection fail mid-answer.
fn dropped() -> Response {
    let body = Body::from_stream(futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "a dropped connection set on the simulator",
        ))
    }));
    Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "application/json")
        .body(body)
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_routed_by_the_specs_table() {
        let routed = |method: Method, path: &str| route(&method, path);
        let (operation, params) = routed(Method::GET, "/api/v1/ai-agents/a1").expect("routed");
        assert_eq!(
            (operation, params),
            ("get_agent", vec![("agentId", "a1".to_string())])
        );
        let (operation, params) =
            routed(Method::POST, "/api/v1/ai-agents/a1/api/Nova%20Bot/message").expect("routed");
        assert_eq!(operation, "proxy_post");
        assert_eq!(params[1], ("key", "Nova%20Bot/message".to_string()));
        assert_eq!(
            routed(Method::GET, "/api/v1/ai-agents/a1/logs").map(|r| r.0),
            Some("get_agent_logs")
        );
        assert_eq!(routed(Method::PATCH, "/api/v1/ai-agents/a1"), None);
        assert_eq!(routed(Method::GET, "/api/v1/ai-agents/a1/api/"), None);
        assert_eq!(routed(Method::GET, "/api/v1/nothing"), None);
        assert_eq!(routed(Method::GET, "/api/v1/ai-agents//logs"), None);
    }
}
