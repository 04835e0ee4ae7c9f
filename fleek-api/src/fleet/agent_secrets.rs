//! One agent's secrets on Fleek (`fleek-agents secret list|set|unset`): listed by name and
//! digest, never by value; set or unset in the agent's character; then sent, publishing
//! the agent again when it runs.

use std::fmt;

use serde::Serialize;

use super::saved::digest;
use crate::call::Call as _;
use crate::character::{Character, Secrets};
use crate::deploy::Deploy;
use crate::generated::types::{Agent, AgentStatus};
use crate::generated::Client;

/// An agent's secrets as Fleek returned them, to list or change. `Debug` shows their names,
/// never their values.
///
/// ```no_run
/// use fleek_api::character::{Secret, Secrets};
/// use fleek_api::fleet::AgentSecrets;
///
/// # async fn run(client: fleek_api::Client) -> Result<(), Box<dyn std::error::Error>> {
/// let mut secrets = AgentSecrets::read(&client, "cm6k5x0qj0003l708b2v1c9ep").await?;
/// for listed in secrets.list() {
///     println!("{} {}", listed.name, listed.digest);
/// }
/// let mut new = Secrets::default();
/// new.insert("OPENAI_API_KEY", Secret::new(std::env::var("OPENAI_API_KEY")?));
/// secrets.set(&new)?;
/// if secrets.runs() {
///     // Published again, which restarts it with them, and waited for.
///     secrets.deploy(&client).run(|_| {}).await?;
/// } else {
///     // Kept for when it next starts.
///     secrets.stage(&client).await?;
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct AgentSecrets {
    agent: Agent,
    character: Character,
    shown: bool,
}

impl fmt::Debug for AgentSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AgentSecrets")
            .field("agent", &self.agent.id)
            .field("names", &self.names())
            .field("shown", &self.shown)
            .finish()
    }
}

/// One secret as listed: its name and a digest of its value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Listed {
    /// The name (`OPENAI_API_KEY`).
    pub name: String,
    /// 16 hex digits of SHA-256 over the agent's id, the name and the value: the same
    /// value on the same agent has the same digest, so a change shows; it says nothing
    /// across agents, and cannot be looked up in a table of common values.
    pub digest: String,
}

/// Why the secrets cannot be changed as asked; nothing was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretsChangeError {
    /// Fleek's answer held no `settings.secrets` for the agent: the secrets it has (if
    /// any) are unknown, so setting one would drop the others.
    NotShown {
        /// The agent's name.
        agent: String,
        /// Its id.
        id: String,
    },
    /// Names to unset that the agent does not have.
    NotSet {
        /// The names asked for that are not set.
        missing: Vec<String>,
        /// The names the agent has.
        set: Vec<String>,
    },
}

impl fmt::Display for SecretsChangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretsChangeError::NotShown { agent, id } => write!(
                f,
                "Fleek's answer for agent {agent} ({id}) holds no settings.secrets, so the \
                 secrets it has are unknown and changing one would drop the others; nothing \
                 was sent. Give every secret the agent needs with --replace"
            ),
            SecretsChangeError::NotSet { missing, set } => write!(
                f,
                "not set on this agent: {}; it has {}; nothing was sent",
                missing.join(", "),
                if set.is_empty() {
                    "none".to_string()
                } else {
                    set.join(", ")
                }
            ),
        }
    }
}

impl std::error::Error for SecretsChangeError {}

impl AgentSecrets {
    /// Reads the agent and its character.
    ///
    /// # Errors
    /// The agent cannot be read, or its character file is not JSON (the error says so,
    /// without its text).
    pub async fn read(client: &Client, agent_id: &str) -> Result<Self, crate::Error> {
        let agent = client.get_agent().agent_id(agent_id).call().await?;
        Self::of(agent)
    }

    /// The secrets of an agent already read (with its character: `get_agent`'s answer).
    ///
    /// # Errors
    /// The character file is missing or not a character (the error says so, without its
    /// text).
    pub fn of(agent: Agent) -> Result<Self, crate::Error> {
        let text = agent.character_file.as_deref().unwrap_or_default();
        let character: Character = serde_json::from_str(text).map_err(|e| {
            crate::Error::new(
                "get_agent",
                crate::ErrorKind::Decode,
                format!(
                    "agent {} ({}): Fleek's answer holds no character file this version reads \
                 (line {}, column {}); its secrets cannot be listed or changed",
                    agent.name,
                    agent.id,
                    e.line(),
                    e.column()
                ),
            )
        })?;
        let shown = character
            .settings
            .as_ref()
            .is_some_and(|s| s.secrets.is_some());
        Ok(Self {
            agent,
            character,
            shown,
        })
    }

    /// The agent's id.
    pub fn agent_id(&self) -> &str {
        &self.agent.id
    }

    /// The agent's name.
    pub fn agent_name(&self) -> &str {
        &self.agent.name
    }

    /// Whether Fleek's answer held `settings.secrets` (possibly empty). When it did not,
    /// the agent's secrets are unknown: [`set`](Self::set) and [`unset`](Self::unset)
    /// refuse, and only [`replace`](Self::replace) may write them.
    pub fn shown(&self) -> bool {
        self.shown
    }

    /// Whether the agent runs (or is starting): a change then publishes it again, which
    /// restarts it.
    pub fn runs(&self) -> bool {
        matches!(
            self.agent.status,
            AgentStatus::Running | AgentStatus::Created | AgentStatus::Pending
        )
    }

    /// The agent's state.
    pub fn status(&self) -> &AgentStatus {
        &self.agent.status
    }

    fn names(&self) -> Vec<String> {
        self.secrets().map(|(name, _)| name.clone()).collect()
    }

    fn secrets(&self) -> impl Iterator<Item = (&String, &String)> {
        self.character
            .settings
            .iter()
            .flat_map(|s| s.secrets.iter())
            .flatten()
    }

    /// Each secret by name with its digest, in name order; empty when none is set or
    /// Fleek did not show them ([`shown`](Self::shown)).
    pub fn list(&self) -> Vec<Listed> {
        self.secrets()
            .map(|(name, value)| Listed {
                name: name.clone(),
                digest: digest(&[&self.agent.id, name, value]),
            })
            .collect()
    }

    /// Sets `secrets` (over any of the same name), keeping the others.
    ///
    /// # Errors
    /// [`SecretsChangeError::NotShown`] when the agent's secrets are unknown.
    pub fn set(&mut self, secrets: &Secrets) -> Result<(), SecretsChangeError> {
        self.known()?;
        self.character = secrets.merged_into(&self.character);
        Ok(())
    }

    /// Makes `secrets` the agent's only secrets, whatever it had: for an agent whose
    /// secrets Fleek does not show.
    pub fn replace(&mut self, secrets: &Secrets) {
        if let Some(settings) = self.character.settings.as_mut() {
            settings.secrets = None;
        }
        self.character = secrets.merged_into(&self.character);
        self.shown = true;
    }

    /// Removes the secrets named.
    ///
    /// # Errors
    /// [`SecretsChangeError::NotShown`] when the agent's secrets are unknown;
    /// [`SecretsChangeError::NotSet`] naming those it does not have (none is removed then).
    pub fn unset(&mut self, names: &[String]) -> Result<(), SecretsChangeError> {
        self.known()?;
        let set = self.names();
        let missing: Vec<String> = names
            .iter()
            .filter(|name| !set.contains(name))
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(SecretsChangeError::NotSet { missing, set });
        }
        if let Some(secrets) = self
            .character
            .settings
            .as_mut()
            .and_then(|s| s.secrets.as_mut())
        {
            secrets.retain(|name, _| !names.contains(name));
        }
        Ok(())
    }

    fn known(&self) -> Result<(), SecretsChangeError> {
        if self.shown {
            Ok(())
        } else {
            Err(SecretsChangeError::NotShown {
                agent: self.agent.name.clone(),
                id: self.agent.id.clone(),
            })
        }
    }

    /// The character to send, with the secrets as changed.
    pub fn character(&self) -> &Character {
        &self.character
    }

    /// A [`Deploy`] of the changed character to the agent: updated, published again (which
    /// restarts it with the new secrets) and waited for. For an agent that
    /// [`runs`](Self::runs); [`stage`](Self::stage) the others, which publishing would start.
    pub fn deploy<'a>(&self, client: &'a Client) -> Deploy<'a> {
        client
            .deploy(self.agent.project_id.to_string(), &self.character)
            .agent_id(self.agent.id.as_str())
            .name(self.agent.name.as_str())
    }

    /// Sends the changed character without publishing: the agent gets the secrets when it
    /// next starts.
    ///
    /// # Errors
    /// The update failed.
    pub async fn stage(&self, client: &Client) -> Result<(), crate::Error> {
        client
            .update_agent()
            .agent_id(self.agent.id.as_str())
            .body_map(|b| b.config(Some(self.character.to_config_string())))
            .call()
            .await
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(id: &str, secrets: serde_json::Value) -> AgentSecrets {
        let character = serde_json::json!({
            "name": "Nova", "bio": ["b"], "lore": ["l"], "messageExamples": [], "postExamples": [],
            "topics": [], "adjectives": [], "style": {"all": [], "chat": [], "post": []},
            "clients": [], "plugins": [], "modelProvider": "openai",
            "settings": {"secrets": secrets}
        });
        let agent: Agent = serde_json::from_value(serde_json::json!({
            "id": id, "name": "Nova", "projectId": "p", "status": "Running",
            "characterFile": character.to_string(),
            "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"
        }))
        .expect("an agent");
        AgentSecrets::of(agent).expect("its secrets")
    }

    #[test]
    fn debug_and_digests_never_show_a_value_and_say_nothing_across_agents() {
        let value = "sk-unit-live-0000";
        let one = agent("a1", serde_json::json!({"KEY": value}));
        let two = agent("a2", serde_json::json!({"KEY": value}));
        assert!(!format!("{one:?}").contains(value), "{one:?}");
        assert!(format!("{one:?}").contains("KEY"));
        let (d1, d2) = (&one.list()[0].digest, &two.list()[0].digest);
        assert_ne!(d1, d2, "one value, two agents: two digests");
        assert!(!d1.contains(value));
    }

    #[test]
    fn unset_refuses_names_not_set_and_removes_nothing_then() {
        let mut secrets = agent("a1", serde_json::json!({"A": "1", "B": "2"}));
        let error = secrets
            .unset(&["A".to_string(), "C".to_string()])
            .expect_err("C is not set");
        assert_eq!(
            error,
            SecretsChangeError::NotSet {
                missing: vec!["C".to_string()],
                set: vec!["A".to_string(), "B".to_string()]
            }
        );
        assert_eq!(secrets.list().len(), 2);
        secrets.unset(&["A".to_string()]).expect("A is set");
        assert_eq!(secrets.list().len(), 1);
    }
}
