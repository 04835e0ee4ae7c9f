//! Calling a running agent's own HTTP API through Fleek's proxy,
//! `/api/v1/ai-agents/{agentId}/api/{*key}`, with any method.
//!
//! The generated `proxy_*` methods and this module send a path of several segments with its
//! `/` intact (the spec marks the key `x-wildcard`), encoding each segment and refusing any
//! path that could leave the agent's prefix and reach other Fleek endpoints with the user's
//! key: both check it with [`AgentPath`].

use bytes::Bytes;
use progenitor_client::OperationInfo;
use reqwest::header::{HeaderMap, ACCEPT, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind};
use crate::generated::Client;
pub use crate::path::{AgentPath, PathError};

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
fn refused(method: &Method) -> impl FnOnce(PathError) -> Error + '_ {
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

/// A running agent's own API, reached through Fleek's proxy; see [`Client::agent_api`].
#[derive(Clone, Debug)]
pub struct AgentApi<'a> {
    client: &'a Client,
    agent_id: String,
}

impl AgentApi<'_> {
    /// Sends `method` to `path` inside the agent's API, with an optional body and its
    /// content type, and returns the agent's answer whatever its status.
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
        body: Option<(Bytes, &str)>,
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
        if let Some((bytes, content_type)) = body {
            request = request.header(CONTENT_TYPE, content_type).body(bytes);
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
    /// As [`send`](Self::send), plus a bad path, an error status, or an answer that does
    /// not decode.
    pub async fn json<B, T>(&self, method: Method, path: &str, body: Option<&B>) -> Result<T, Error>
    where
        B: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let path = AgentPath::parse(path).map_err(refused(&method))?;
        self.json_at(method, &path, body).await
    }

    /// [`json`](Self::json) on a path already checked and encoded: it is sent as it is,
    /// never parsed (and so encoded) again.
    async fn json_at<B, T>(
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
            Some(body) => Some((
                Bytes::from(serde_json::to_vec(body).map_err(|e| {
                    Error::new(
                        spec_operation(&method),
                        ErrorKind::InvalidArgument,
                        e.to_string(),
                    )
                })?),
                "application/json",
            )),
            None => None,
        };
        let response = self.send(method, path, body).await?;
        if !response.status.is_success() {
            return Err(
                Error::new(response.operation, ErrorKind::Status, format!("{path}"))
                    .with_status(response.status)
                    .with_body(response.body, false),
            );
        }
        response.json()
    }

    /// `GET path` with a JSON answer.
    ///
    /// # Errors
    /// As [`json`](Self::json).
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        self.json::<(), T>(Method::GET, path, None).await
    }

    /// `POST path` with a JSON body and a JSON answer.
    ///
    /// # Errors
    /// As [`json`](Self::json).
    pub async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, Error> {
        self.json(Method::POST, path, Some(body)).await
    }

    /// The Eliza agents the runtime hosts (`GET agents`).
    ///
    /// # Errors
    /// As [`json`](Self::json).
    pub async fn eliza_agents(&self) -> Result<Vec<ElizaAgent>, Error> {
        let list: ElizaAgentList = self.get("agents").await?;
        Ok(list.agents)
    }

    /// One of the runtime's Eliza agents with its character (`GET agents/{id}`); an unknown
    /// id is a 404 status error whose JSON body is `{"error": "Agent not found"}`.
    ///
    /// # Errors
    /// As [`json`](Self::json).
    pub async fn eliza_agent(&self, eliza_agent_id: &str) -> Result<ElizaAgentDetails, Error> {
        let path =
            AgentPath::from_segments(["agents", eliza_agent_id]).map_err(refused(&Method::GET))?;
        self.json_at::<(), _>(Method::GET, &path, None).await
    }

    /// Sends a message to one of the runtime's Eliza agents (`POST {id}/message`) and
    /// returns its replies.
    ///
    /// # Errors
    /// As [`json`](Self::json); an unknown Eliza agent id is a 404 status error.
    pub async fn send_message(
        &self,
        eliza_agent_id: &str,
        message: &Message,
    ) -> Result<Vec<Reply>, Error> {
        // Fleek's Eliza fork takes the character's name as the id too: `Nova Bot` is one
        // segment, encoded once.
        let path = AgentPath::from_segments([eliza_agent_id, "message"])
            .map_err(refused(&Method::POST))?;
        self.json_at(Method::POST, &path, Some(message)).await
    }
}

impl Client {
    /// A running agent's own API, through Fleek's proxy.
    ///
    /// ```no_run
    /// use fleek_api::proxy::Message;
    ///
    /// # async fn run(client: fleek_api::Client) -> Result<(), fleek_api::Error> {
    /// let api = client.agent_api("cm7b2q3vx0001la08zk4h2mto");
    /// let eliza = &api.eliza_agents().await?[0];
    /// for reply in api.send_message(&eliza.id, &Message::new("What can you do?")).await? {
    ///     println!("{}: {}", reply.user, reply.text);
    /// }
    /// let raw: serde_json::Value = api.get("agents").await?;
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

#[derive(Deserialize)]
struct ElizaAgentList {
    agents: Vec<ElizaAgent>,
}

/// An Eliza agent inside a runtime (`GET agents` of Eliza 0.1.9).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct ElizaAgent {
    /// The Eliza agent's id (a UUID), used in message paths.
    pub id: String,
    /// Its character's name.
    pub name: String,
    /// The clients it runs (`direct`, `twitter`, ...).
    #[serde(default)]
    pub clients: Vec<String>,
}

/// An Eliza agent with its character (`GET agents/{id}` of Eliza 0.1.9).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct ElizaAgentDetails {
    /// The Eliza agent's id.
    pub id: String,
    /// Its character, as the runtime loaded it (see [`Character`](crate::character::Character) to
    /// read it typed).
    pub character: serde_json::Value,
}

/// A message to an Eliza agent (`POST {id}/message` of Eliza 0.1.9).
///
/// ```
/// let message = fleek_api::proxy::Message { user_name: Some("Ada".into()), ..fleek_api::proxy::Message::new("Hi") };
/// assert_eq!(serde_json::to_value(&message)?, serde_json::json!({"text": "Hi", "userName": "Ada"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// What the user says.
    pub text: String,
    /// The conversation; Eliza makes one up when it is missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_id: Option<String>,
    /// Who speaks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The speaker's display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
}

impl Message {
    /// A message with just its text.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            room_id: None,
            user_id: None,
            user_name: None,
        }
    }
}

/// One reply of an Eliza agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Reply {
    /// Who replies (the character's name).
    pub user: String,
    /// The reply.
    pub text: String,
    /// The action the agent took, if any (`NONE`, `CONTINUE`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
}
