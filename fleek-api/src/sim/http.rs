//! The simulator's HTTP side: every request is routed by the spec's own table
//! (`OPERATION_ROUTES`), checked for its credential by the spec's `security`
//! (`OPERATION_SECURITY`), given the faults set for it, then answered by the operation's
//! handler from the state. An operation of the spec without a handler answers 501 naming
//! it; a path of no operation answers 404.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use super::call::{error, Call, Context, Refusal};
use super::faults::Fault;
use super::world::Record;
use super::Shared;
use crate::generated::{OPERATION_ROUTES, OPERATION_SECURITY};

/// The most a request body may hold (a character file with a base64 avatar fits many
/// times over); a larger one is answered 413.
pub(crate) const MAX_BODY: usize = 4 * 1024 * 1024;

/// The operation a method and path name, with its path parameters.
pub(crate) fn route(
    method: &Method,
    path: &str,
) -> Option<(&'static str, Vec<(&'static str, String)>)> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    OPERATION_ROUTES
        .iter()
        .filter(|(m, _, _)| *m == method.as_str())
        .filter_map(|(_, template, operation)| {
            matches(template, &segments).map(|params| (literals(template), *operation, params))
        })
        .max_by_key(|(literals, _, _)| *literals)
        .map(|(_, operation, params)| (operation, params))
}

/// The methods the spec has for `path` (for a 405's `Allow`), none when no operation has
/// the path.
pub(crate) fn allowed(path: &str) -> Vec<&'static str> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let matching: Vec<(&'static str, usize)> = OPERATION_ROUTES
        .iter()
        .filter(|(_, template, _)| matches(template, &segments).is_some())
        .map(|(method, template, _)| (*method, literals(template)))
        .collect();
    // `/payment-methods/manage` is its own path, not a payment method's id: the templates
    // with the most literal segments are the path's.
    let most = matching.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let mut methods: Vec<&'static str> = matching
        .into_iter()
        .filter(|(_, n)| *n == most)
        .map(|(method, _)| method)
        .collect();
    methods.dedup();
    methods
}

/// How many segments of `template` are literal (not parameters).
fn literals(template: &str) -> usize {
    template
        .split('/')
        .filter(|part| !part.starts_with('{'))
        .count()
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
    if let Ok(mut log) = shared.log.lock() {
        log.push(call.operation);
    }
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
        Some(Fault::Delay { by }) => tokio::time::sleep(by).await,
        Some(Fault::LoseAnswer) => {
            let _done = locked(&shared, &call);
            return dropped();
        }
        None => {}
    }
    let response = locked(&shared, &call);
    let response = if shared.quirks {
        quirky(call.operation, response).await
    } else {
        response
    };
    check_answer(call.operation, response).await
}

/// A success answer as the quirks profile gives it (see `quirks`).
async fn quirky(operation: &str, response: Response) -> Response {
    if !response.status().is_success() || !is_json(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            operation,
            "unreadable answer",
        );
    };
    let Ok(value) = serde_json::from_slice(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let (status, value) = super::quirks::apply(operation, parts.status, value);
    parts.status = status;
    match value {
        Some(value) => Response::from_parts(parts, Body::from(value.to_string())),
        None => {
            parts.headers.remove("content-type");
            Response::from_parts(parts, Body::empty())
        }
    }
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// The answer from the state, under its lock (held by no `await`).
fn locked(shared: &Shared, call: &Call) -> Response {
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
    if !authorized(shared, call, record) {
        return error(
            StatusCode::UNAUTHORIZED,
            call.operation,
            "no credential this operation accepts: X-Api-Key with the simulator's key, or \
             where the spec allows it the agent's publicToken in X-Agent-Token",
        );
    }
    if let Err(refusal) = check_request(call) {
        return refusal.answer(call.operation);
    }
    let context = Context { shared, now, unix };
    super::operations::serve(&context, &mut world, call).unwrap_or_else(|| {
        error(
            StatusCode::NOT_IMPLEMENTED,
            call.operation,
            &format!("the simulator does not serve {} yet", call.operation),
        )
    })
}

/// A JSON request body against the operation's schema: a 400 that names where it breaks
/// the spec, before any handler sees it.
fn check_request(call: &Call) -> Result<(), Refusal> {
    if call.body.is_empty() {
        return Ok(());
    }
    let schemas =
        super::schema::schemas().map_err(|e| Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, e))?;
    let is_json = call
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("application/json"));
    if !is_json {
        return Ok(());
    }
    let body: serde_json::Value = serde_json::from_slice(&call.body).map_err(|e| {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            format!("the body is not JSON: {e}"),
        )
    })?;
    schemas.check_request(call.operation, &body).map_err(|why| {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            format!("the body does not match the spec {why}"),
        )
    })
}

/// A JSON success answer against the operation's schema: one that breaks the spec is the
/// simulator's bug, answered 500 saying so rather than sent as if Fleek had said it.
async fn check_answer(operation: &str, response: Response) -> Response {
    if !response.status().is_success() || !is_json(&response) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, operation, &e.to_string()),
    };
    let verdict = match (super::schema::schemas(), serde_json::from_slice(&bytes)) {
        (Ok(schemas), Ok(value)) => schemas.check_answer(operation, &value),
        (Err(e), _) => Err(e.to_string()),
        (_, Err(e)) => Err(format!("not JSON: {e}")),
    };
    match verdict {
        Ok(()) => Response::from_parts(parts, Body::from(bytes)),
        Err(why) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            operation,
            &format!("the simulator's answer breaks the spec {why} (a bug of the simulator)"),
        ),
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
