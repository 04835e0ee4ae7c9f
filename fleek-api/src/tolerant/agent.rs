//! The agent, read tolerantly.
//!
//! This type replaces the one progenitor would generate from the spec's `Agent` schema
//! (`fleek-api-gen` sets the replacement): Fleek sends the character file as `characterFile`
//! from some operations and `character_file` from others, and one Rust struct cannot carry
//! two fields of the same name.

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::generated_enums::AgentStatus;

/// An AI agent: an Eliza character deployed, or about to be deployed, on Fleek.
///
/// Unknown fields are ignored, an unknown status is kept as [`AgentStatus::Other`], and the
/// character file is read from either spelling the API uses.
///
/// ```
/// let agent: fleek_api::types::Agent = serde_json::from_str(r#"{
///     "id": "a1", "projectId": "p1", "name": "Nova", "status": "Running",
///     "character_file": "{\"name\":\"Nova\"}", "slotNumber": "3", "newField": 1
/// }"#)?;
/// assert_eq!(agent.character_file.as_deref(), Some(r#"{"name":"Nova"}"#));
/// assert!(agent.status.is_active());
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// Its `Debug` never shows the character file (whose `settings.secrets` hold the agent's
/// credentials) or the `publicToken`, only whether each is there:
///
/// ```
/// let agent: fleek_api::types::Agent = serde_json::from_str(r#"{
///     "id": "a1", "projectId": "p1", "name": "Nova", "status": "Running",
///     "characterFile": "{\"settings\":{\"secrets\":{\"OPENAI_API_KEY\":\"sk-live\"}}}",
///     "publicToken": "pt_live"
/// }"#)?;
/// let shown = format!("{agent:?}");
/// assert!(!shown.contains("sk-live") && !shown.contains("pt_live"), "{shown}");
/// assert!(shown.contains("public_token: Some(<redacted>)"), "{shown}");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase", from = "wire::Agent")]
pub struct Agent {
    /// The agent's id.
    pub id: String,
    /// The id of the project the agent belongs to.
    pub project_id: String,
    /// The agent's display name.
    pub name: String,
    /// The avatar image, base64-encoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// The agent's lifecycle state.
    pub status: AgentStatus,
    /// The Eliza character file, as a JSON text: read from `characterFile` or
    /// `character_file`, whichever the API sent; written as `characterFile`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub character_file: Option<String>,
    /// The address of the machine the agent runs on, once deployed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The deployment slot, sent as a string or a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot_number: Option<SlotNumber>,
    /// The id of the user who created the agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// When the agent was created (ISO 8601, as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// When the agent was last changed (ISO 8601, as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// When the agent was deleted, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<String>,
    /// The agent's public credential, for [`ClientBuilder::agent_token`](crate::ClientBuilder::agent_token):
    /// it reaches this agent's public view, status and proxy. Treat it as a secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_token: Option<String>,
    /// Whether anyone may chat with the agent on its public page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_chat: Option<bool>,
    /// Whether the agent runs in a trusted execution environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tee: Option<bool>,
    /// The agent framework, e.g. `eliza`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework_name: Option<String>,
    /// The framework version, e.g. `eliza-0.1.9`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework_version: Option<String>,
}

impl std::fmt::Debug for Agent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::redact::RedactedOption;
        f.debug_struct("Agent")
            .field("id", &self.id)
            .field("project_id", &self.project_id)
            .field("name", &self.name)
            .field(
                "avatar",
                &self.avatar.as_ref().map(|a| format!("<{} bytes>", a.len())),
            )
            .field("status", &self.status)
            .field("character_file", &RedactedOption(&self.character_file))
            .field("host", &self.host)
            .field("slot_number", &self.slot_number)
            .field("created_by", &self.created_by)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .field("deleted_at", &self.deleted_at)
            .field("public_token", &RedactedOption(&self.public_token))
            .field("public_chat", &self.public_chat)
            .field("tee", &self.tee)
            .field("framework_name", &self.framework_name)
            .field("framework_version", &self.framework_version)
            .finish()
    }
}

mod wire {
    //! The agent as it arrives, with both spellings of the character file.

    use serde::Deserialize;

    use super::super::SlotNumber;
    use crate::generated_enums::AgentStatus;

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub(super) struct Agent {
        id: String,
        project_id: String,
        name: String,
        avatar: Option<String>,
        status: AgentStatus,
        character_file: Option<String>,
        #[serde(rename = "character_file")]
        character_file_snake: Option<String>,
        host: Option<String>,
        slot_number: Option<SlotNumber>,
        created_by: Option<String>,
        created_at: Option<String>,
        updated_at: Option<String>,
        deleted_at: Option<String>,
        public_token: Option<String>,
        public_chat: Option<bool>,
        tee: Option<bool>,
        framework_name: Option<String>,
        framework_version: Option<String>,
    }

    impl From<Agent> for super::Agent {
        fn from(wire: Agent) -> Self {
            Self {
                id: wire.id,
                project_id: wire.project_id,
                name: wire.name,
                avatar: wire.avatar,
                status: wire.status,
                character_file: wire.character_file.or(wire.character_file_snake),
                host: wire.host,
                slot_number: wire.slot_number,
                created_by: wire.created_by,
                created_at: wire.created_at,
                updated_at: wire.updated_at,
                deleted_at: wire.deleted_at,
                public_token: wire.public_token,
                public_chat: wire.public_chat,
                tee: wire.tee,
                framework_name: wire.framework_name,
                framework_version: wire.framework_version,
            }
        }
    }
}

/// The deployment slot an agent occupies: the guide sends it as a string, Fleek's dashboard
/// types it as a number; both arrive.
///
/// ```
/// use fleek_api::types::SlotNumber;
///
/// let slot: SlotNumber = serde_json::from_str("\"3\"")?;
/// assert_eq!(slot, SlotNumber::String("3".into()));
/// assert_eq!(serde_json::from_str::<SlotNumber>("3")?.to_string(), "3");
/// # Ok::<(), serde_json::Error>(())
/// ```
// `Deserialize` is written out below: serde's `untagged` would buffer every value first.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(untagged)]
pub enum SlotNumber {
    /// Sent as a number.
    Int64(i64),
    /// Sent as a string.
    String(String),
}

impl<'de> Deserialize<'de> for SlotNumber {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl serde::de::Visitor<'_> for Visitor {
            type Value = SlotNumber;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a slot number: an integer or a string")
            }

            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<SlotNumber, E> {
                Ok(SlotNumber::Int64(n))
            }

            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<SlotNumber, E> {
                i64::try_from(n)
                    .map(SlotNumber::Int64)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(n), &self))
            }

            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<SlotNumber, E> {
                Ok(SlotNumber::String(s.to_string()))
            }

            fn visit_string<E: serde::de::Error>(self, s: String) -> Result<SlotNumber, E> {
                Ok(SlotNumber::String(s))
            }
        }

        deserializer.deserialize_any(Visitor)
    }
}

impl std::fmt::Display for SlotNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Int64(n) => n.fmt(f),
            Self::String(s) => s.fmt(f),
        }
    }
}

impl From<i64> for SlotNumber {
    fn from(value: i64) -> Self {
        Self::Int64(value)
    }
}

#[cfg(test)]
mod tests {
    use super::SlotNumber;

    #[test]
    fn a_slot_number_is_an_integer_or_a_string_and_nothing_else() {
        let read = |json: &str| serde_json::from_str::<SlotNumber>(json);
        assert_eq!(read("3").ok(), Some(SlotNumber::Int64(3)));
        assert_eq!(read("-1").ok(), Some(SlotNumber::Int64(-1)));
        assert_eq!(read("\"3\"").ok(), Some(SlotNumber::String("3".into())));
        assert_eq!(
            read("\"a\\u0062\"").ok(),
            Some(SlotNumber::String("ab".into()))
        );
        for bad in ["18446744073709551615", "1.5", "null", "true", "[3]", "{}"] {
            let error = read(bad).expect_err(bad).to_string();
            assert!(error.contains("an integer or a string"), "{bad}: {error}");
        }
        // What serializes reads back.
        for slot in [SlotNumber::Int64(7), SlotNumber::String("7".into())] {
            let json = serde_json::to_string(&slot).unwrap_or_default();
            assert_eq!(read(&json).ok(), Some(slot));
        }
    }
}
