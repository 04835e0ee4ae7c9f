//! What would change on Fleek: the manifest's agents (desired) against the project's
//! (live), read with the list's pages and one read per agent whose list entry lacks its
//! character.

use std::fmt;
use std::path::{Path, PathBuf};

use futures_util::TryStreamExt as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::diff::{self, Change};
use super::lock::Lock;
use super::manifest::{AgentSpec, DesiredState, Manifest};
use super::FleetError;
use crate::call::Call as _;
use crate::character::{Avatar, Character, EnvFile, Secrets};
use crate::generated::types::{Agent, AgentStatus};
use crate::generated::Client;

/// The version of the plan's JSON (`-o json`, saved plans): raised on any change a reader
/// would notice.
pub const PLAN_FORMAT_VERSION: u32 = 1;

/// A manifest with the files it names read: each agent as it should be.
#[derive(Clone, Debug)]
pub struct Fleet {
    /// Where the manifest is.
    pub path: PathBuf,
    /// The manifest.
    pub manifest: Manifest,
    /// Each agent, in name order.
    pub agents: Vec<Desired>,
    /// The agents it manages (`fleek-agents.lock` beside it): what `--prune` may delete.
    pub lock: Lock,
}

/// One agent as the manifest wants it, with its character read and its secrets merged in.
/// `Debug` shows the secrets' names, never their values.
#[derive(Clone, Debug)]
pub struct Desired {
    /// Its name on Fleek.
    pub name: String,
    /// What the manifest says of it.
    pub spec: AgentSpec,
    /// The character file, as given.
    pub character_path: PathBuf,
    /// The character to send: the file's, with the secrets in `settings.secrets`.
    pub character: Character,
    /// The secrets, read from their sources.
    pub secrets: Secrets,
    /// The avatar, read.
    pub avatar: Option<Avatar>,
}

impl Fleet {
    /// Reads the manifest and every file it names: character files (each checked against
    /// Eliza's and Fleek's rules), avatars, the dotenv file and each secret's source.
    ///
    /// # Errors
    /// [`FleetError::Manifest`] for the manifest itself; [`FleetError::Agents`] listing
    /// every agent whose files cannot be read or deployed, each with why.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, FleetError> {
        let path = path.as_ref().to_path_buf();
        let manifest = Manifest::read(&path)?;
        let dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        // A missing env-file is no error: in CI the variables come from the environment
        // instead, and a secret found in neither says so.
        let env_file = match &manifest.env_file {
            Some(file) if dir.join(file).exists() => Some(EnvFile::read(dir.join(file)).map_err(
                |e| FleetError::Manifest {
                    path: path.clone(),
                    line: None,
                    message: format!("env-file: {e}"),
                },
            )?),
            _ => None,
        };
        let mut agents = Vec::new();
        let mut problems = Vec::new();
        for (name, spec) in &manifest.agents {
            match desired(name, spec, &dir, env_file.as_ref()) {
                Ok(agent) => agents.push(agent),
                Err(problem) => problems.push((name.clone(), problem)),
            }
        }
        if !problems.is_empty() {
            return Err(FleetError::Agents(problems));
        }
        let lock = Lock::read(Lock::path_for(&path))?;
        Ok(Self {
            path,
            manifest,
            agents,
            lock,
        })
    }
}

fn desired(
    name: &str,
    spec: &AgentSpec,
    dir: &Path,
    env_file: Option<&EnvFile>,
) -> Result<Desired, String> {
    let character_path = dir.join(&spec.character);
    let character = Character::from_path(&character_path)
        .map_err(|e| format!("{}: {e}", character_path.display()))?;
    let report = character.validate();
    if !report.is_deployable() {
        return Err(format!(
            "{} cannot be deployed (`fleek-agents validate` lists why):\n{report}",
            character_path.display()
        ));
    }
    let mut secrets: Secrets = env_file
        .map(|f| f.character_secrets(&character.name).into_iter().collect())
        .unwrap_or_default();
    for (secret, source) in &spec.secrets {
        secrets
            .resolve(secret, &source.source(dir), env_file)
            .map_err(|e| e.to_string())?;
    }
    let avatar = match &spec.avatar {
        Some(file) => Some(
            Avatar::from_path(dir.join(file))
                .map_err(|e| format!("avatar {}: {e}", file.display()))?,
        ),
        None => None,
    };
    Ok(Desired {
        name: name.to_string(),
        spec: spec.clone(),
        character: secrets.merged_into(&character),
        character_path,
        secrets,
        avatar,
    })
}

/// What to do to one agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionKind {
    /// Create it, publish it and wait until it runs (or leave it a draft when it should be
    /// stopped).
    Create,
    /// Change its character or settings: publishes it again, which restarts it (an agent
    /// that should be stopped is updated without publishing, and stopped).
    Update,
    /// Start it (publish a draft or a failed agent; start a stopped one) and wait.
    Start,
    /// Stop it.
    Stop,
    /// Delete it: an agent the manifest manages (`fleek-agents.lock`) and no longer lists,
    /// with `--prune` only.
    Delete,
}

impl ActionKind {
    /// The plan's symbol for it, as Terraform's.
    pub fn symbol(self) -> &'static str {
        match self {
            ActionKind::Create => "+",
            ActionKind::Update => "~",
            ActionKind::Start => ">",
            ActionKind::Stop => "|",
            ActionKind::Delete => "-",
        }
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ActionKind::Create => "create",
            ActionKind::Update => "update",
            ActionKind::Start => "start",
            ActionKind::Stop => "stop",
            ActionKind::Delete => "delete",
        })
    }
}

/// One action of a plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    /// What to do.
    pub action: ActionKind,
    /// The agent's name.
    pub agent: String,
    /// Its id, when it exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Its state on Fleek, when it exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// What differs (for an update), by JSON path; settings as `name`, `frameworkVersion`,
    /// `tee`, `publicChat`, `avatar`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    /// For an update of an agent that should be stopped: stop it after (it runs now).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub then_stop: bool,
    /// The state the manifest asks for (none for a delete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired: Option<DesiredState>,
    /// For a delete: how the agent came to be managed (`created by fleet apply`, `adopted
    /// by fleet import`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<String>,
}

/// An agent of the project that the manifest does not list: left alone (unless the
/// manifest manages it and the plan prunes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unlisted {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its state.
    pub status: String,
}

/// What applying the manifest would do, and what it would leave alone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// [`PLAN_FORMAT_VERSION`].
    #[serde(rename = "format_version")]
    pub format_version: u32,
    /// The project.
    pub project: String,
    /// What to do, in the manifest's order.
    pub actions: Vec<Action>,
    /// The agents already as the manifest wants them, by name.
    pub unchanged: Vec<String>,
    /// The project's agents the manifest does not list and does not manage: never touched.
    pub unlisted: Vec<Unlisted>,
    /// Agents the manifest manages (`fleek-agents.lock`) but no longer lists, kept because
    /// the plan does not prune (with pruning they are `delete` actions instead).
    #[serde(default)]
    pub orphaned: Vec<Unlisted>,
    /// Whether the plan deletes the agents the manifest manages and no longer lists.
    #[serde(default)]
    pub pruned: bool,
    /// Ids in the lock whose agents are no longer on Fleek: forgotten when the lock is next
    /// written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gone: Vec<String>,
    /// How many reads the plan took: the list's pages, and the agents read one by one.
    pub reads: Reads,
}

/// The requests a plan sent (all of them reads).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reads {
    /// Pages of `list_agents`.
    pub pages: usize,
    /// `get_agent` calls, for agents whose list entry had no character.
    pub agents: usize,
}

impl Plan {
    /// Whether applying it would change anything.
    pub fn has_changes(&self) -> bool {
        !self.actions.is_empty()
    }

    /// How many actions of a kind.
    pub fn count(&self, kind: ActionKind) -> usize {
        self.actions.iter().filter(|a| a.action == kind).count()
    }

    /// `Plan: 1 to create, 2 to update, 0 to start, 0 to stop, 0 to delete; 3 unchanged.`
    pub fn summary(&self) -> String {
        format!(
            "Plan: {} to create, {} to update, {} to start, {} to stop, {} to delete; {} unchanged.",
            self.count(ActionKind::Create),
            self.count(ActionKind::Update),
            self.count(ActionKind::Start),
            self.count(ActionKind::Stop),
            self.count(ActionKind::Delete),
            self.unchanged.len()
        )
    }
}

/// The project's agents, read with every page of the list.
pub(crate) async fn live_agents(
    client: &Client,
    project: &str,
) -> Result<(Vec<Agent>, usize), FleetError> {
    let pages: Vec<Vec<Agent>> = client
        .list_agents()
        .project_id(project)
        .pages()
        .map_ok(|page| page.data)
        .try_collect()
        .await
        .map_err(FleetError::Api)?;
    let count = pages.len();
    Ok((pages.into_iter().flatten().collect(), count))
}

/// The agent of the project the manifest's entry means: by its pinned id, else by its
/// name; `None` when there is none; an error when two share the name.
pub(crate) fn find<'a>(live: &'a [Agent], agent: &Desired) -> Result<Option<&'a Agent>, String> {
    if let Some(id) = &agent.spec.id {
        return match live.iter().find(|a| &a.id == id) {
            Some(found) => Ok(Some(found)),
            None => Err(format!(
                "the manifest pins id {id}, which is not an agent of this project: fix the id, \
                 or remove it to match by name"
            )),
        };
    }
    let named: Vec<&Agent> = live.iter().filter(|a| a.name == agent.name).collect();
    match named.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => Err(format!(
            "{} agents of the project are named {}: {}; pin the one the manifest means with \
             id = \"...\"",
            many.len(),
            agent.name,
            many.iter()
                .map(|a| a.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// What differs between the agent on Fleek and the manifest's.
pub(crate) fn changes(live: &Agent, agent: &Desired) -> Vec<Change> {
    let theirs = live
        .character_file
        .as_deref()
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .unwrap_or(Value::Null);
    let ours = serde_json::to_value(&agent.character).unwrap_or(Value::Null);
    let mut changes = diff::characters(&theirs, &ours);
    let mut setting = |path: &str, before: Option<Value>, after: Value| {
        if before.as_ref() != Some(&after) {
            changes.push(Change {
                path: path.to_string(),
                before,
                after: Some(after),
                note: None,
            });
        }
    };
    setting(
        "name",
        Some(Value::from(live.name.clone())),
        Value::from(agent.name.clone()),
    );
    if let Some(version) = &agent.spec.framework_version {
        setting(
            "frameworkVersion",
            live.framework_version.clone().map(Value::from),
            Value::from(version.clone()),
        );
    }
    if let Some(tee) = agent.spec.tee {
        setting("tee", live.tee.map(Value::from), Value::from(tee));
    }
    if let Some(public) = agent.spec.public_chat {
        setting(
            "publicChat",
            live.public_chat.map(Value::from),
            Value::from(public),
        );
    }
    if let Some(avatar) = &agent.avatar {
        if live.avatar.as_deref() != Some(avatar.base64()) {
            changes.push(Change {
                path: "avatar".to_string(),
                before: live.avatar.as_ref().map(|_| Value::from("(an image)")),
                after: Some(Value::from(format!(
                    "a new image ({:?})",
                    avatar.image_type()
                ))),
                note: None,
            });
        }
    }
    changes
}

/// The action one agent needs, or `None` when it is as the manifest wants it.
pub(crate) fn action_for(live: Option<&Agent>, agent: &Desired) -> Option<Action> {
    let action = |action, live: Option<&Agent>, changes, then_stop| Action {
        action,
        agent: agent.name.clone(),
        id: live.map(|a| a.id.clone()),
        status: live.map(|a| a.status.to_string()),
        changes,
        then_stop,
        desired: Some(agent.spec.state),
        managed: None,
    };
    let Some(found) = live else {
        return Some(action(ActionKind::Create, None, Vec::new(), false));
    };
    let changes = changes(found, agent);
    let runs = matches!(
        found.status,
        AgentStatus::Running | AgentStatus::Created | AgentStatus::Pending
    );
    match (agent.spec.state, changes.is_empty()) {
        (_, false) => {
            let then_stop = agent.spec.state == DesiredState::Stopped && runs;
            Some(action(ActionKind::Update, live, changes, then_stop))
        }
        (DesiredState::Running, true) if runs => None,
        (DesiredState::Running, true) => Some(action(ActionKind::Start, live, changes, false)),
        (DesiredState::Stopped, true) if runs => {
            Some(action(ActionKind::Stop, live, changes, false))
        }
        (DesiredState::Stopped, true) => None,
    }
}

/// Plans the fleet against the project: reads only (the list's pages, and one read per
/// agent whose list entry has no character). Agents the manifest does not list are left
/// alone; [`plan_with`] can prune those it manages.
///
/// # Errors
/// [`FleetError::Api`] when the project cannot be read; [`FleetError::Agents`] when a
/// manifest entry cannot be matched (two agents share its name, or its pinned id is not
/// there), each named.
pub async fn plan(client: &Client, project: &str, fleet: &Fleet) -> Result<Plan, FleetError> {
    plan_with(client, project, fleet, false).await
}

/// [`plan`], and with `prune` a `delete` action for each agent the manifest manages
/// ([`Fleet::lock`]: created by `apply`, adopted by `import`) and no longer lists. An
/// agent the lock does not record is never deleted, whatever its name.
///
/// # Errors
/// As [`plan`].
pub async fn plan_with(
    client: &Client,
    project: &str,
    fleet: &Fleet,
    prune: bool,
) -> Result<Plan, FleetError> {
    let (mut live, pages) = live_agents(client, project).await?;
    let mut reads = Reads { pages, agents: 0 };
    let mut actions = Vec::new();
    let mut unchanged = Vec::new();
    let mut problems = Vec::new();
    let mut matched = Vec::new();
    for agent in &fleet.agents {
        let found = match find(&live, agent) {
            Ok(found) => found.map(|a| a.id.clone()),
            Err(problem) => {
                problems.push((agent.name.clone(), problem));
                continue;
            }
        };
        if let Some(id) = &found {
            matched.push(id.clone());
            // A list entry without its character is read whole.
            if let Some(entry) = live.iter_mut().find(|a| &a.id == id) {
                if entry.character_file.is_none() {
                    *entry = client
                        .get_agent()
                        .agent_id(id.as_str())
                        .call()
                        .await
                        .map_err(FleetError::Api)?;
                    reads.agents += 1;
                }
            }
        }
        let entry = found
            .as_ref()
            .and_then(|id| live.iter().find(|a| &a.id == id));
        match action_for(entry, agent) {
            Some(action) => actions.push(action),
            None => unchanged.push(agent.name.clone()),
        }
    }
    if !problems.is_empty() {
        return Err(FleetError::Agents(problems));
    }
    let mut others: Vec<&Agent> = live.iter().filter(|a| !matched.contains(&a.id)).collect();
    others.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    let (mut unlisted, mut orphaned) = (Vec::new(), Vec::new());
    for agent in others {
        let entry = Unlisted {
            id: agent.id.clone(),
            name: agent.name.clone(),
            status: agent.status.to_string(),
        };
        match fleet.lock.get(project, &agent.id) {
            None => unlisted.push(entry),
            Some(managed) if prune => actions.push(Action {
                action: ActionKind::Delete,
                agent: agent.name.clone(),
                id: Some(agent.id.clone()),
                status: Some(entry.status),
                changes: Vec::new(),
                then_stop: false,
                desired: None,
                managed: Some(managed.describe().to_string()),
            }),
            Some(_) => orphaned.push(entry),
        }
    }
    let gone = fleet
        .lock
        .managed(project)
        .filter(|m| !live.iter().any(|a| a.id == m.id))
        .map(|m| m.id.clone())
        .collect();
    Ok(Plan {
        format_version: PLAN_FORMAT_VERSION,
        project: project.to_string(),
        actions,
        unchanged,
        unlisted,
        orphaned,
        pruned: prune,
        gone,
        reads,
    })
}
