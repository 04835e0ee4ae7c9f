//! Calling a running agent's own HTTP API through Fleek's proxy,
//! `/api/v1/ai-agents/{agentId}/api/{*key}`, with any method: the transport here (a checked
//! [`AgentPath`], a [`Body`], the answer), and Eliza's own API built on it in `eliza`
//! ([`Message`], [`Reply`], [`ElizaAgent`], and the [`AgentApi`] methods that use them).
//!
//! The generated `proxy_*` methods and this module send a path of several segments with its
//! `/` intact (the spec marks the key `x-wildcard`), encoding each segment and refusing any
//! path that could leave the agent's prefix and reach other Fleek endpoints with the user's
//! key: both check it with [`AgentPath`].

use bytes::Bytes;
use progenitor_client::OperationInfo;
use reqwest::header::{HeaderMap, ACCEPT, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Error, ErrorKind};
use crate::generated::Client;
pub use crate::path::{AgentPath, PathError};

mod eliza;
pub use eliza::{ElizaAgent, ElizaAgentDetails, Message, Reply};

/// The spec's operation for a proxy call with `method`.
fn spec_operation(method: &Method) -> &'static str {
    match *method {
        Method::POST => "proxy_post",
        Method::PUT => "proxy_put",
        Method::PATCH => "proxy_patch",
        Method::DELETE => "proxy_delete",
        _ => "proxy_get",
    }
}

/// A call refused because of its path: nothing was sent; the [`PathError`] is the source.
pub(crate) fn refused(method: &Method) -> impl FnOnce(PathError) -> Error + '_ {
    move |e| {
        Error::new(
            spec_operation(method),
            ErrorKind::InvalidArgument,
            e.to_string(),
        )
        .with_source(e)
    }
}

/// What the agent answered through the proxy.
///
/// ```no_run
/// use fleek_api::proxy::AgentPath;
///
/// # async fn run(client: fleek_api::Client) -> Result<(), Box<dyn std::error::Error>> {
/// let path = AgentPath::parse("agents")?;
/// let answer = client.agent_api("cm7b2q3vx0001la08zk4h2mto").send(reqwest::Method::GET, &path, None).await?;
/// println!("{} {}", answer.status, String::from_utf8_lossy(&answer.body));
/// let agents: serde_json::Value = answer.json()?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct ProxyResponse {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body, whole.
    pub body: Bytes,
    /// The spec's operation the call was (`proxy_get`, `proxy_post`, ...), for errors.
    pub(crate) operation: &'static str,
}

impl ProxyResponse {
    /// The body decoded as JSON.
    ///
    /// # Errors
    /// [`ErrorKind::Decode`] (keeping the body) when it is not JSON of that shape.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|e| {
            Error::new(self.operation, ErrorKind::Decode, e.to_string())
                .with_status(self.status)
                .with_body(self.body.clone(), false)
                .with_source(e)
        })
    }
}

/// A request body and its content type.
///
/// ```
/// use fleek_api::proxy::Body;
///
/// let body = Body::json(&serde_json::json!({"text": "Hi"}))?;
/// assert_eq!(body.content_type(), "application/json");
/// assert_eq!(body.bytes().as_ref(), br#"{"text":"Hi"}"#);
/// let form = Body::new("a=1", "application/x-www-form-urlencoded");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Body {
    bytes: Bytes,
    content_type: String,
}

impl Body {
    /// A body of these bytes, sent with this `Content-Type`.
    pub fn new(bytes: impl Into<Bytes>, content_type: impl Into<String>) -> Self {
        Self {
            bytes: bytes.into(),
            content_type: content_type.into(),
        }
    }

    /// A value as JSON, sent as `application/json`.
    ///
    /// # Errors
    /// When the value does not serialize (a map with keys that are not strings).
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<Self, serde_json::Error> {
        Ok(Self::new(serde_json::to_vec(value)?, "application/json"))
    }

    /// The bytes sent.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The `Content-Type` sent with them.
    pub fn content_type(&self) -> &str {
        &self.content_type
    }
}

/// A running agent's own API, reached through Fleek's proxy; see [`Client::agent_api`].
#[derive(Clone, Debug)]
pub struct AgentApi<'a> {
    client: &'a Client,
    agent_id: String,
}

impl AgentApi<'_> {
    /// Sends `method` to `path` inside the agent's API, with an optional [`Body`], and
    /// returns the agent's answer whatever its status.
    ///
    /// The request goes through the client's hooks: the key, retries (by method, as for the
    /// generated operations) and tracing.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`] for an empty agent id; connection failures and
    /// timeouts as for any operation.
    pub async fn send(
        &self,
        method: Method,
        path: &AgentPath,
        body: Option<Body>,
    ) -> Result<ProxyResponse, Error> {
        // Errors name the spec's proxy operation for this method. Methods the spec does not
        // list reach the same path and share its security; their own method still decides
        // idempotency.
        let operation = spec_operation(&method);
        if self.agent_id.is_empty() {
            return Err(Error::new(
                operation,
                ErrorKind::InvalidArgument,
                "the agent id is empty",
            ));
        }
        let url = format!(
            "{}/api/v1/ai-agents/{}/api/{}",
            self.client.baseurl,
            crate::path::segment(&self.agent_id),
            path.as_encoded()
        );
        let mut request = self
            .client
            .client
            .request(method.clone(), url)
            .header(ACCEPT, "application/json, */*;q=0.5");
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, body.content_type)
                .body(body.bytes);
        }
        let request = request
            .build()
            .map_err(|e| Error::from_reqwest(operation, e))?;
        // The hooks read the spec's tables (credentials, idempotency) by operation.
        let info = OperationInfo {
            operation_id: operation,
        };
        // The path every generated operation takes, so one failure has one kind everywhere.
        let response = match crate::hooks::send::<()>(self.client, request, &info).await {
            Ok(response) => response,
            Err(failure) => return Err(Error::from_failure(operation, failure).await),
        };
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| Error::from_reqwest(operation, e))?;
        crate::trace::body(operation, &body);
        Ok(ProxyResponse {
            status,
            headers,
            body,
            operation,
        })
    }

    /// Sends a request with an optional JSON body and decodes a JSON answer; a status that
    /// is not success is an [`ErrorKind::Status`] error with the agent's body.
    ///
    /// # Errors
    /// As [`send`](Self::send), plus a body that does not serialize, an error status, or
    /// an answer that does not decode.
    pub async fn json<B, T>(
        &self,
        method: Method,
        path: &AgentPath,
        body: Option<&B>,
    ) -> Result<T, Error>
    where
        B: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let body = match body {
            Some(body) => Some(Body::json(body).map_err(|e| {
                Error::new(
                    spec_operation(&method),
                    ErrorKind::InvalidArgument,
                    e.to_string(),
                )
                .with_source(e)
            })?),
            None => None,
        };
        let response = self.send(method, path, body).await?;
        if !response.status.is_success() {
            return Err(
                Error::new(response.operation, ErrorKind::Status, format!("{path}"))
                    .with_status(response.status)
                    .with_headers(&response.headers)
                    .with_body(response.body, false),
            );
        }
        response.json()
    }

    /// `GET path` with a JSON answer.
    ///
    /// # Errors
    /// As [`json`](Self::json).
    pub async fn get<T: DeserializeOwned>(&self, path: &AgentPath) -> Result<T, Error> {
        self.json::<(), T>(Method::GET, path, None).await
    }

    /// `POST path` with a JSON body and a JSON answer.
    ///
    /// # Errors
    /// As [`json`](Self::json).
    pub async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &AgentPath,
        body: &B,
    ) -> Result<T, Error> {
        self.json(Method::POST, path, Some(body)).await
    }
}

impl Client {
    /// A running agent's own API, through Fleek's proxy.
    ///
    /// ```no_run
    /// use fleek_api::proxy::{AgentPath, Message};
    ///
    /// # async fn run(client: fleek_api::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let api = client.agent_api("cm7b2q3vx0001la08zk4h2mto");
    /// let eliza = &api.eliza_agents().await?[0];
    /// for reply in api.send_message(&eliza.id, &Message::new("What can you do?")).await? {
    ///     println!("{}: {}", reply.user, reply.text);
    /// }
    /// // Any route of the agent's API: the path is checked once, then sent as it is.
    /// let agents = AgentPath::parse("agents")?;
    /// let raw: serde_json::Value = api.get(&agents).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn agent_api(&self, agent_id: impl Into<String>) -> AgentApi<'_> {
        AgentApi {
            client: self,
            agent_id: agent_id.into(),
        }
    }
}
