//! A manifest from the agents a project already has (`fleet import`): each agent pinned by
//! its id, its character written beside the manifest without its secrets, each secret
//! replaced by an `env` reference (the value is never written).

use std::fmt::Write as _;

use serde_json::Value;

use super::plan::live_agents;
use super::FleetError;
use crate::call::Call as _;
use crate::generated::types::AgentStatus;
use crate::generated::Client;

/// What `import` found: the manifest's text and the character files to write beside it.
/// `Debug` shows no secret: none is in it.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    /// The manifest (`fleek-agents.toml`).
    pub manifest: String,
    /// Each character file: its path relative to the manifest, and its JSON.
    pub characters: Vec<(String, String)>,
    /// The environment variables the manifest's secrets read, by agent: set them (or put
    /// them in `.env`) before `fleet plan`.
    pub env: Vec<(String, String)>,
    /// Agents left out, each with why (a name another agent already has).
    pub skipped: Vec<String>,
    /// The project.
    pub project: String,
    /// The agents imported, as (name, id): adopted, for the lock
    /// ([`Imported::adopt`]).
    pub agents: Vec<(String, String)>,
}

impl Imported {
    /// Records the imported agents in `lock` as adopted: `fleet apply --prune` may delete
    /// them once the manifest no longer lists them. `true` when the lock changed.
    pub fn adopt(&self, lock: &mut super::Lock) -> bool {
        let mut changed = false;
        for (name, id) in &self.agents {
            changed |= lock.record(&self.project, name, id, super::Origin::Imported);
        }
        changed
    }
}

/// Reads the project's agents and writes a manifest of them (see [`Imported`]).
///
/// # Errors
/// [`FleetError::Api`] when the project cannot be read.
pub async fn import(client: &Client, project: &str) -> Result<Imported, FleetError> {
    let (mut agents, _) = live_agents(client, project).await?;
    agents.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    let mut imported = Imported {
        manifest: format!(
            "# Written by `fleek-agents fleet import`: the agents of project {project}.\n\
             # Each is pinned by its id; secrets are read from the environment (or .env).\n\
             project = {}\nenv-file = \".env\"\n",
            quoted(project)
        ),
        characters: Vec::new(),
        env: Vec::new(),
        skipped: Vec::new(),
        project: project.to_string(),
        agents: Vec::new(),
    };
    let mut names: Vec<String> = Vec::new();
    for listed in agents {
        if names.contains(&listed.name) {
            imported.skipped.push(format!(
                "{} ({}): another agent has this name; rename one on Fleek, then import again",
                listed.name, listed.id
            ));
            continue;
        }
        names.push(listed.name.clone());
        imported
            .agents
            .push((listed.name.clone(), listed.id.clone()));
        let agent = match listed.character_file {
            Some(_) => listed,
            None => client
                .get_agent()
                .agent_id(listed.id.as_str())
                .call()
                .await
                .map_err(FleetError::Api)?,
        };
        let mut character: Value = agent
            .character_file
            .as_deref()
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or(Value::Null);
        // The secrets' names stay; their values never leave Fleek.
        let secrets: Vec<String> = character
            .get_mut("settings")
            .and_then(Value::as_object_mut)
            .and_then(|settings| settings.remove("secrets"))
            .and_then(|s| s.as_object().map(|m| m.keys().cloned().collect()))
            .unwrap_or_default();
        let mut file = format!("characters/{}.character.json", slug(&agent.name, &agent.id));
        if imported.characters.iter().any(|(taken, _)| *taken == file) {
            file = format!("characters/{}.character.json", agent.id);
        }
        imported.characters.push((
            file.clone(),
            serde_json::to_string_pretty(&character).unwrap_or_default() + "\n",
        ));
        let manifest = &mut imported.manifest;
        let _ = write!(
            manifest,
            "\n[agents.{}]\nid = {}\ncharacter = {}\n",
            quoted(&agent.name),
            quoted(&agent.id),
            quoted(&file)
        );
        let running = matches!(
            agent.status,
            AgentStatus::Running | AgentStatus::Created | AgentStatus::Pending
        );
        if !running {
            manifest.push_str("state = \"stopped\"\n");
        }
        if let Some(version) = &agent.framework_version {
            let _ = writeln!(manifest, "framework-version = {}", quoted(version));
        }
        if let Some(tee) = agent.tee {
            let _ = writeln!(manifest, "tee = {tee}");
        }
        if let Some(public) = agent.public_chat {
            let _ = writeln!(manifest, "public-chat = {public}");
        }
        if !secrets.is_empty() {
            manifest.push_str("[agents.");
            manifest.push_str(&quoted(&agent.name));
            manifest.push_str(".secrets]\n");
            for secret in secrets {
                let var = env_name(&agent.name, &secret);
                let _ = writeln!(
                    manifest,
                    "{} = {{ env = {} }}",
                    quoted(&secret),
                    quoted(&var)
                );
                imported.env.push((agent.name.clone(), var));
            }
        }
    }
    Ok(imported)
}

/// A TOML basic string (JSON's escapes are TOML's).
fn quoted(text: &str) -> String {
    Value::String(text.to_string()).to_string()
}

/// A file name for an agent: its name in lower case, letters and digits, then its id's end.
fn slug(name: &str, id: &str) -> String {
    let base: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let base = base.trim_matches('-');
    if base.is_empty() {
        id.to_string()
    } else {
        base.to_string()
    }
}

/// `NOVA_OPENAI_API_KEY`: the agent's name and the secret's, as one variable name.
fn env_name(agent: &str, secret: &str) -> String {
    let mut name: String = format!("{agent}_{secret}")
        .to_uppercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    name
}
