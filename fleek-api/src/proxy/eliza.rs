//! Eliza 0.1.9's own HTTP API (its `direct` client) as Fleek's proxy reaches it: the agents
//! a runtime hosts, one agent with its character, and messages. Built on the transport of
//! [`proxy`](super): each call is a checked [`AgentPath`] and a JSON body.

use reqwest::Method;
#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{refused, AgentApi, AgentPath};
use crate::error::Error;

impl AgentApi<'_> {
    /// The Eliza agents the runtime hosts (`GET agents`).
    ///
    /// # Errors
    /// As [`json`](Self::json).
    pub async fn eliza_agents(&self) -> Result<Vec<ElizaAgent>, Error> {
        let path = AgentPath::parse("agents").map_err(refused(&Method::GET))?;
        let list: ElizaAgentList = self.get(&path).await?;
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
        self.json::<(), _>(Method::GET, &path, None).await
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
        self.json(Method::POST, &path, Some(message)).await
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
