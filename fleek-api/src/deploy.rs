//! An agent from a character file in one call: draft, publish, wait until it runs, with
//! progress reported as it happens; or, given an existing agent, take it from wherever it
//! is. Every failure after something was written says what exists ([`DeployError`]).

use std::fmt;
use std::time::Duration;

use futures_util::stream::{self, Stream, StreamExt, TryStreamExt};

use crate::call::Call;
use crate::character::{Avatar, Character};
use crate::error::{Error, ErrorKind};
use crate::generated::types::{self, Agent, AgentStatus};
use crate::generated::Client;
use crate::wait::{Poller, Timing, WaitEvent};

/// How long [`Deploy`] waits for the agent to run, by default (10 minutes).
pub const DEFAULT_DEPLOY_TIMEOUT: Duration = crate::wait::DEFAULT_WAIT_TIMEOUT;

/// What a deployment has done so far. Each event says what exists on Fleek at that point,
/// so a caller that stops listening (drops the stream) knows what it leaves behind.
///
/// ```no_run
/// use futures_util::StreamExt;
/// use fleek_api::{character::Character, deploy::DeployEvent};
///
/// # async fn run(client: fleek_api::Client, character: Character) -> Result<(), fleek_api::deploy::DeployError> {
/// let events = client.deploy("cm6k5x0qj0003l708b2v1c9ep", &character).events();
/// futures_util::pin_mut!(events);
/// while let Some(event) = events.next().await {
///     match event? {
///         DeployEvent::Drafted { agent, .. } => println!("draft {} exists", agent.id),
///         DeployEvent::Failed { last_logs, .. } => println!("failed: {last_logs:?}"),
///         other => println!("{other:?}"),
///     }
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum DeployEvent {
    /// The agent given to [`Deploy::agent_id`] as it was found; what happens next depends
    /// on its state (see [`Deploy::agent_id`]).
    Resumed {
        /// The agent, as read.
        agent: Agent,
    },
    /// The draft exists: created, or updated when an agent id was given.
    Drafted {
        /// The draft.
        agent: Agent,
        /// Whether it was created by this deployment (rather than updated).
        created: bool,
    },
    /// The draft is published: Fleek is deploying it.
    Published {
        /// The published agent.
        agent: Agent,
    },
    /// A stopped agent whose character and settings had not changed was started.
    Started {
        /// The agent's id.
        agent_id: String,
    },
    /// The agent does not run yet.
    Waiting {
        /// The agent's id.
        agent_id: String,
        /// Time since the wait started.
        elapsed: Duration,
        /// The agent's lifecycle state, when it could be read.
        status: Option<AgentStatus>,
    },
    /// The agent runs. The last event.
    Running {
        /// The agent's id.
        agent_id: String,
        /// Time since the wait started.
        elapsed: Duration,
    },
    /// The agent already runs with this character and these settings: nothing was sent.
    /// The last event.
    Unchanged {
        /// The agent's id.
        agent_id: String,
    },
    /// The agent failed to start. The last event.
    Failed {
        /// The agent's id.
        agent_id: String,
        /// Its state, `Failed`.
        status: AgentStatus,
        /// The last lines of its log, oldest first (at most 20).
        last_logs: Vec<types::LogEntry>,
    },
}

/// A wait's events are the deployment's last ones.
impl From<WaitEvent> for DeployEvent {
    fn from(event: WaitEvent) -> Self {
        match event {
            WaitEvent::Waiting {
                agent_id,
                elapsed,
                status,
            } => DeployEvent::Waiting {
                agent_id,
                elapsed,
                status,
            },
            WaitEvent::Running { agent_id, elapsed } => DeployEvent::Running { agent_id, elapsed },
            WaitEvent::Failed {
                agent_id,
                status,
                last_logs,
            } => DeployEvent::Failed {
                agent_id,
                status,
                last_logs,
            },
        }
    }
}

/// How far a deployment got: where a [`DeployError`] stopped it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DeployStage {
    /// Checking the character and the framework version: nothing was sent yet.
    Check,
    /// Reading the agent given to [`Deploy::agent_id`].
    Resume,
    /// Creating the draft, or updating the agent's.
    Draft,
    /// Publishing the draft.
    Publish,
    /// Starting a stopped agent.
    Start,
    /// Waiting until the agent runs.
    Wait,
}

impl fmt::Display for DeployStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DeployStage::Check => "checking the character",
            DeployStage::Resume => "reading the agent",
            DeployStage::Draft => "drafting",
            DeployStage::Publish => "publishing",
            DeployStage::Start => "starting",
            DeployStage::Wait => "waiting for the agent to run",
        })
    }
}

/// A deployment that stopped: at which stage, which agent exists (if one does), and why.
///
/// Once a draft exists, every error names it, so that the caller resumes with
/// [`Deploy::agent_id`] instead of creating a second agent.
///
/// ```no_run
/// # async fn run(client: fleek_api::Client, character: fleek_api::character::Character) {
/// use fleek_api::deploy::DeployStage;
///
/// match client.deploy("cm6k5x0qj0003l708b2v1c9ep", &character).run(|_| {}).await {
///     Ok(agent_id) => println!("{agent_id} runs"),
///     Err(e) => match e.agent_id() {
///         Some(agent_id) => println!("{agent_id} exists ({}); resume it: {e}", e.stage()),
///         None => println!("nothing was created: {e}"),
///     },
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct DeployError {
    stage: DeployStage,
    agent_id: Option<String>,
    error: Error,
}

impl DeployError {
    fn new(stage: DeployStage, agent_id: Option<&str>, error: Error) -> Self {
        Self {
            stage,
            agent_id: agent_id.map(str::to_string),
            error,
        }
    }

    /// Where the deployment stopped.
    pub fn stage(&self) -> DeployStage {
        self.stage
    }

    /// The agent that exists on Fleek after this failure (created, or given to
    /// [`Deploy::agent_id`]), or `None` when nothing was created.
    pub fn agent_id(&self) -> Option<&str> {
        self.agent_id.as_deref()
    }

    /// What kind of failure stopped it (the cause's kind).
    pub fn kind(&self) -> ErrorKind {
        self.error.kind()
    }

    /// The failure itself: the call that failed, with its status and body.
    pub fn error(&self) -> &Error {
        &self.error
    }

    /// The failure itself, owned.
    pub fn into_error(self) -> Error {
        self.error
    }
}

/// Whether a failed write may still have happened: the answer was lost (the connection
/// broke, or the wait ran out) or the service failed (5xx) after perhaps acting.
fn may_have_written(error: &Error) -> bool {
    match error.kind() {
        ErrorKind::Connection | ErrorKind::Timeout => true,
        ErrorKind::Status => error.status().is_some_and(|s| s.is_server_error()),
        _ => false,
    }
}

impl fmt::Display for DeployError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the deployment stopped while {}: {}",
            self.stage, self.error
        )?;
        if let Some(agent_id) = &self.agent_id {
            let state = match self.stage {
                DeployStage::Check | DeployStage::Resume => "as it was",
                DeployStage::Draft => "as a draft",
                DeployStage::Publish => "as a draft, not published",
                DeployStage::Start => "stopped",
                DeployStage::Wait => "published",
            };
            write!(
                f,
                ". Agent {agent_id} exists ({state}): deploy again with its id \
                 (`Deploy::agent_id`, `fleek-agents deploy --agent {agent_id}`) to resume \
                 instead of creating another"
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for DeployError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// A [`DeployError`] as a call error: its message (which names the agent) and kind, with
/// the cause as its source; for `?` in functions that return [`Error`].
impl From<DeployError> for Error {
    fn from(e: DeployError) -> Self {
        let operation = e.error().operation().to_string();
        Error::new(operation, e.kind(), e.to_string())
            .in_task("deploy")
            .with_source(e)
    }
}

/// Creates (or updates) an agent from a character, publishes it and waits until it runs;
/// see [`Client::deploy`].
#[derive(Clone, Debug)]
#[must_use = "a deployment does nothing until it is run"]
pub struct Deploy<'a> {
    client: &'a Client,
    project_id: String,
    character: Character,
    name: Option<String>,
    agent_id: Option<String>,
    avatar: Option<Avatar>,
    framework_version: Option<String>,
    tee: Option<bool>,
    public_chat: Option<bool>,
    timing: Timing,
}

impl<'a> Deploy<'a> {
    /// The agent's display name; the character's name by default.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Deploys to this existing agent instead of creating one, taking it from wherever it
    /// is ([`DeployEvent::Resumed`] says what was found):
    ///
    /// - a `Draft` is updated when its character or settings differ, then published;
    /// - a `Created` or `Pending` agent (published, deploying) is only waited for;
    /// - a `Running` agent is updated and published again only when its character or
    ///   settings differ; otherwise nothing is sent ([`DeployEvent::Unchanged`]);
    /// - a `Stopped` agent is updated and published when they differ, started otherwise;
    /// - a `Failed` agent is updated when they differ, and published again;
    /// - a state this version does not know is refused, with nothing sent.
    ///
    /// The settings compared are the name, and the avatar, framework version and TEE when
    /// they are set here.
    pub fn agent_id(mut self, agent_id: impl Into<String>) -> Self {
        self.agent_id = Some(agent_id.into());
        self
    }

    /// The agent's avatar.
    pub fn avatar(mut self, avatar: Avatar) -> Self {
        self.avatar = Some(avatar);
        self
    }

    /// The Eliza framework version to run, one of those `list_framework_versions` returns;
    /// Fleek chooses when it is not set. It is checked against that list before anything is
    /// changed (when the list can be read), and an unknown version is refused naming the
    /// valid ones. On an existing agent ([`agent_id`](Self::agent_id)) this moves it to that
    /// version.
    pub fn framework_version(mut self, version: impl Into<String>) -> Self {
        self.framework_version = Some(version.into());
        self
    }

    /// Whether the agent runs in a trusted execution environment (see
    /// `get_agent_attestation`). A new draft gets it through `update_agent` before it is
    /// published, as Fleek's dashboard does.
    pub fn tee(mut self, tee: bool) -> Self {
        self.tee = Some(tee);
        self
    }

    /// Secrets to put into the character's `settings.secrets` for this deployment's
    /// requests only (over any of the same name in the file): the character given to
    /// [`Client::deploy`] is not changed, and `Debug` of the deployment shows no value.
    ///
    /// ```no_run
    /// use fleek_api::character::{Character, EnvFile, SecretSource, Secrets};
    ///
    /// # async fn run(client: fleek_api::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let character = Character::from_path("nova.character.json")?;
    /// let env = EnvFile::read(".env")?;
    /// let mut secrets: Secrets = env.character_secrets(&character.name).into_iter().collect();
    /// secrets.resolve("OPENAI_API_KEY", &SecretSource::Env("OPENAI_API_KEY".into()), Some(&env))?;
    /// let agent_id = client
    ///     .deploy("cm6k5x0qj0003l708b2v1c9ep", &character)
    ///     .secrets(&secrets)
    ///     .run(|_| {})
    ///     .await?;
    /// # let _ = agent_id;
    /// # Ok(())
    /// # }
    /// ```
    pub fn secrets(mut self, secrets: &crate::character::Secrets) -> Self {
        self.character = secrets.merged_into(&self.character);
        self
    }

    /// Whether anyone may chat with the agent with its public token (`publicChat`). Set,
    /// like [`tee`](Self::tee), with an update before a new draft is published; on an
    /// existing agent, a difference is a change to deploy.
    pub fn public_chat(mut self, public: bool) -> Self {
        self.public_chat = Some(public);
        self
    }

    /// How long to wait for the agent to run once published (10 minutes by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timing.timeout = timeout;
        self
    }

    /// The wait between status checks: starts at `first`, grows by half each time, up to
    /// `max` (2 s and 15 s by default; Fleek's dashboard checks every 5 s). See
    /// [`Wait`](crate::wait::Wait), which the deployment's last stage is.
    pub fn poll_interval(mut self, first: Duration, max: Duration) -> Self {
        self.timing.poll_interval(first, max);
        self
    }

    /// The deployment as a stream of events, ending with [`DeployEvent::Running`],
    /// [`DeployEvent::Unchanged`], [`DeployEvent::Failed`] or a [`DeployError`] (which names
    /// the agent once one exists). Nothing is sent until the stream is polled; dropping it
    /// stops the deployment where it is, and the events so far say what exists.
    pub fn events(self) -> impl Stream<Item = Result<DeployEvent, DeployError>> + Send + 'a {
        stream::unfold(Some(Stage::Start(Box::new(self))), |stage| async move {
            let (item, next) = stage?.advance().await;
            Some((item, next))
        })
    }

    /// Runs the deployment, calling `on_event` for each event, and returns the agent's id
    /// once it runs (or already ran, unchanged).
    ///
    /// # Errors
    /// A [`DeployError`] naming the stage and, once one exists, the agent: of kind
    /// [`ErrorKind::InvalidArgument`] (nothing sent) when the character breaks Eliza's or
    /// Fleek's rules; [`ErrorKind::Other`] when the agent failed to start (with its last log
    /// lines); [`ErrorKind::Timeout`] when it did not run in time; any error of the calls.
    pub async fn run(self, mut on_event: impl FnMut(&DeployEvent)) -> Result<String, DeployError> {
        let events = self.events();
        futures_util::pin_mut!(events);
        while let Some(event) = events.next().await {
            let event = event?;
            on_event(&event);
            match event {
                DeployEvent::Running { agent_id, .. } | DeployEvent::Unchanged { agent_id } => {
                    return Ok(agent_id)
                }
                DeployEvent::Failed {
                    agent_id,
                    last_logs,
                    ..
                } => {
                    let lines: Vec<_> = last_logs.iter().map(|l| l.message.as_str()).collect();
                    let error = Error::new(
                        "get_agent_status",
                        ErrorKind::Other,
                        format!(
                            "agent {agent_id} failed to start; its last log lines:\n{}",
                            lines.join("\n")
                        ),
                    )
                    .in_task("deploy");
                    return Err(DeployError::new(DeployStage::Wait, Some(&agent_id), error));
                }
                _ => {}
            }
        }
        let error = Error::new(
            "get_agent_status",
            ErrorKind::Other,
            "the deployment ended without an outcome",
        )
        .in_task("deploy");
        Err(DeployError::new(DeployStage::Wait, None, error))
    }
}

/// Whether a call failed only because its 2xx answer had no body where one was needed.
fn said_nothing(e: &Error) -> bool {
    e.kind() == ErrorKind::Decode
        && e.status().is_some_and(|status| status.is_success())
        && e.body()
            .is_none_or(|body| body.iter().all(u8::is_ascii_whitespace))
}

/// Where a deployment is.
enum Stage<'a> {
    Start(Box<Deploy<'a>>),
    /// The agent was read: update it if it differs, then go on from its state.
    Resumed(Box<Deploy<'a>>, Box<Agent>),
    Publish(Box<Deploy<'a>>, String),
    /// A stopped agent, unchanged: start it.
    Restart(Box<Deploy<'a>>, String),
    Wait(Box<Deploy<'a>>, Box<Poller>),
}

/// One step's outcome: the event (or error) and the stage after it (`None`: the end).
type Advanced<'a> = (Result<DeployEvent, DeployError>, Option<Stage<'a>>);

impl<'a> Stage<'a> {
    /// Takes one step.
    async fn advance(self) -> Advanced<'a> {
        match self {
            Stage::Start(deploy) => deploy.start().await,
            Stage::Resumed(deploy, agent) => deploy.resumed(*agent).await,
            Stage::Publish(deploy, agent_id) => match deploy.publish(&agent_id).await {
                Ok(agent) => {
                    let poller = deploy.poller(&agent_id);
                    (
                        Ok(DeployEvent::Published { agent }),
                        Some(Stage::Wait(deploy, poller)),
                    )
                }
                Err(e) => (
                    Err(DeployError::new(DeployStage::Publish, Some(&agent_id), e)),
                    None,
                ),
            },
            Stage::Restart(deploy, agent_id) => {
                match deploy
                    .client
                    .start_agent()
                    .agent_id(agent_id.as_str())
                    .call()
                    .await
                {
                    Ok(()) => {
                        let poller = deploy.poller(&agent_id);
                        (
                            Ok(DeployEvent::Started { agent_id }),
                            Some(Stage::Wait(deploy, poller)),
                        )
                    }
                    Err(e) => (
                        Err(DeployError::new(DeployStage::Start, Some(&agent_id), e)),
                        None,
                    ),
                }
            }
            Stage::Wait(deploy, mut poller) => match poller.step(deploy.client).await {
                Ok(event @ WaitEvent::Waiting { .. }) => {
                    (Ok(event.into()), Some(Stage::Wait(deploy, poller)))
                }
                Ok(last) => (Ok(last.into()), None),
                Err(e) => {
                    let agent_id = poller.agent_id().to_string();
                    (
                        Err(DeployError::new(DeployStage::Wait, Some(&agent_id), e)),
                        None,
                    )
                }
            },
        }
    }
}

impl<'a> Deploy<'a> {
    fn poller(&self, agent_id: &str) -> Box<Poller> {
        Box::new(Poller::start(agent_id.to_string(), self.timing))
    }

    /// Checks, then creates the draft, or reads the agent to resume.
    async fn start(self: Box<Self>) -> Advanced<'a> {
        if let Err(e) = self.check().await {
            return (Err(DeployError::new(DeployStage::Check, None, e)), None);
        }
        match self.agent_id.clone() {
            Some(agent_id) => match self
                .client
                .get_agent()
                .agent_id(agent_id.as_str())
                .call()
                .await
            {
                Ok(agent) => (
                    Ok(DeployEvent::Resumed {
                        agent: agent.clone(),
                    }),
                    Some(Stage::Resumed(self, Box::new(agent))),
                ),
                Err(e) => (
                    Err(DeployError::new(DeployStage::Resume, Some(&agent_id), e)),
                    None,
                ),
            },
            None => match self.create().await {
                Ok(agent) => {
                    let id = agent.id.clone();
                    (
                        Ok(DeployEvent::Drafted {
                            agent,
                            created: true,
                        }),
                        Some(Stage::Publish(self, id)),
                    )
                }
                Err((e, created)) => (
                    Err(DeployError::new(DeployStage::Draft, created.as_deref(), e)),
                    None,
                ),
            },
        }
    }

    /// Goes on from the state the agent was found in (see [`Deploy::agent_id`]).
    async fn resumed(self: Box<Self>, agent: Agent) -> Advanced<'a> {
        let differs = self.differs(&agent);
        let next = match agent.status {
            AgentStatus::Created | AgentStatus::Pending => {
                let poller = self.poller(&agent.id);
                Stage::Wait(self, poller)
            }
            AgentStatus::Running if !differs => {
                return (Ok(DeployEvent::Unchanged { agent_id: agent.id }), None)
            }
            AgentStatus::Stopped if !differs => Stage::Restart(self, agent.id),
            AgentStatus::Draft | AgentStatus::Failed if !differs => Stage::Publish(self, agent.id),
            AgentStatus::Draft
            | AgentStatus::Failed
            | AgentStatus::Running
            | AgentStatus::Stopped => {
                return match self.update(&agent.id).await {
                    Ok(updated) => (
                        Ok(DeployEvent::Drafted {
                            agent: updated,
                            created: false,
                        }),
                        Some(Stage::Publish(self, agent.id)),
                    ),
                    Err(e) => (
                        Err(DeployError::new(DeployStage::Draft, Some(&agent.id), e)),
                        None,
                    ),
                };
            }
            other => {
                let error = Error::new(
                    "get_agent",
                    ErrorKind::InvalidArgument,
                    format!(
                        "agent {} is {other}, a state this version does not know how to go on \
                         from; nothing was changed",
                        agent.id
                    ),
                );
                let stopped = DeployError::new(DeployStage::Resume, Some(&agent.id), error);
                return (Err(stopped), None);
            }
        };
        // Nothing to update: the next step is taken now, so that this one has an event.
        Box::pin(next.advance()).await
    }

    /// Whether the agent's character or settings differ from this deployment's.
    pub(crate) fn differs(&self, agent: &Agent) -> bool {
        let ours = serde_json::to_value(&self.character).ok();
        let theirs = agent
            .character_file
            .as_deref()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok());
        let name = self.name.as_deref().unwrap_or(&self.character.name);
        ours.is_none()
            || ours != theirs
            || agent.name != name
            || self
                .avatar
                .as_ref()
                .is_some_and(|a| agent.avatar.as_deref() != Some(a.base64()))
            || self
                .framework_version
                .as_ref()
                .is_some_and(|v| agent.framework_version.as_ref() != Some(v))
            || self.tee.is_some_and(|tee| agent.tee != Some(tee))
            || self
                .public_chat
                .is_some_and(|public| agent.public_chat != Some(public))
    }

    /// Checks the character and the framework version; nothing is sent but the list of
    /// versions.
    /// The first operation the deployment would send: what an argument refused before
    /// sending is an error of.
    fn first_operation(&self) -> &'static str {
        match self.agent_id {
            Some(_) => "get_agent",
            None => "create_agent",
        }
    }

    async fn check(&self) -> Result<(), Error> {
        let report = self.character.validate();
        if !report.is_deployable() {
            return Err(Error::new(
                self.first_operation(),
                ErrorKind::InvalidArgument,
                format!("the character cannot be deployed; fix these first:\n{report}"),
            )
            .in_task("deploy"));
        }
        if let Some(version) = &self.framework_version {
            self.check_framework_version(version).await?;
        }
        Ok(())
    }

    /// Creates the draft; a failure after it was created names it.
    async fn create(&self) -> Result<Agent, (Error, Option<String>)> {
        let agent = self
            .client
            .create_agent()
            .body_map(|b| {
                b.project_id(self.project_id.as_str())
                    .name(self.display_name())
                    .config(self.character.to_config_string())
                    .avatar(self.avatar.as_ref().map(|a| a.base64().to_string()))
                    .framework_version(self.framework_version.clone())
            })
            .call()
            .await;
        let agent = match agent {
            Ok(agent) => agent,
            Err(e) => {
                let found = if may_have_written(&e) {
                    self.lone_draft().await
                } else {
                    None
                };
                return Err((e, found));
            }
        };
        if self.tee.is_none() && self.public_chat.is_none() {
            return Ok(agent);
        }
        // The create body of the guide's era has no `tee` (nor `publicChat`); Fleek's
        // dashboard sets it with an update before it publishes.
        self.client
            .update_agent()
            .agent_id(agent.id.as_str())
            .body_map(|b| b.tee(self.tee).public_chat(self.public_chat))
            .call()
            .await
            .map_err(|e| (e, Some(agent.id.clone())))
    }

    /// After a create whose answer was lost, the one draft of this name in the project, which
    /// the create most likely made: named, so that a retry resumes it instead of making a
    /// second. None when there is no such draft, or more than one (then nothing can be said
    /// for sure), or when the project cannot be read.
    async fn lone_draft(&self) -> Option<String> {
        let name = self.display_name();
        let drafts: Vec<Agent> = self
            .client
            .list_agents()
            .project_id(self.project_id.as_str())
            .stream()
            .try_filter(|agent| {
                std::future::ready(agent.name == name && agent.status == AgentStatus::Draft)
            })
            .take(2)
            .try_collect()
            .await
            .ok()?;
        match drafts.as_slice() {
            [one] => {
                tracing::warn!(agent = %one.id, "the create's answer was lost; its draft is named");
                Some(one.id.clone())
            }
            _ => None,
        }
    }

    /// Updates the agent's draft with this deployment's character and settings.
    async fn update(&self, agent_id: &str) -> Result<Agent, Error> {
        // Fleek's dashboard updates a draft with `config`; the guide's `characterFile` names
        // the same thing. When it deploys it also sends the project, the framework version
        // and `tee`.
        let project_id: types::ProjectId = self.project_id.parse().map_err(|e| {
            Error::new(
                "update_agent",
                ErrorKind::InvalidArgument,
                format!("project id {:?}: {e}", self.project_id),
            )
            .in_task("deploy")
        })?;
        self.client
            .update_agent()
            .agent_id(agent_id)
            .body_map(|b| {
                b.name(Some(self.display_name()))
                    .config(Some(self.character.to_config_string()))
                    .avatar(self.avatar.as_ref().map(|a| a.base64().to_string()))
                    .framework_version(self.framework_version.clone())
                    .tee(self.tee)
                    .public_chat(self.public_chat)
                    .project_id(Some(project_id))
            })
            .call()
            .await
    }

    fn display_name(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| self.character.name.clone())
    }

    /// Publishes the draft. A success with nothing in it (a `204`: no source shows which 2xx
    /// Fleek answers with) says the publish was taken without the agent: it is read instead.
    async fn publish(&self, agent_id: &str) -> Result<Agent, Error> {
        match self.client.publish_agent().agent_id(agent_id).call().await {
            Err(e) if said_nothing(&e) => self.client.get_agent().agent_id(agent_id).call().await,
            answer => answer,
        }
    }

    /// Refuses a framework version that `list_framework_versions` does not list. When the
    /// list cannot be read, the API itself judges the version.
    async fn check_framework_version(&self, version: &str) -> Result<(), Error> {
        let Ok(known) = self.client.list_framework_versions().call().await else {
            return Ok(());
        };
        if known.versions.iter().any(|v| v == version) {
            return Ok(());
        }
        Err(Error::new(
            self.first_operation(),
            ErrorKind::InvalidArgument,
            format!(
                "framework version {version:?} is not one Fleek offers; the valid ones are {}",
                known.versions.join(", ")
            ),
        )
        .in_task("deploy"))
    }
}

/// Creates an agent draft from a character; see [`Client::create_agent_from_character`].
#[derive(Clone, Debug)]
#[must_use = "nothing is created until `send` is awaited"]
pub struct CreateFromCharacter<'a> {
    deploy: Deploy<'a>,
}

impl CreateFromCharacter<'_> {
    /// The agent's display name; the character's name by default.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.deploy.name = Some(name.into());
        self
    }

    /// The agent's avatar.
    pub fn avatar(mut self, avatar: Avatar) -> Self {
        self.deploy.avatar = Some(avatar);
        self
    }

    /// The Eliza framework version; see [`Deploy::framework_version`].
    pub fn framework_version(mut self, version: impl Into<String>) -> Self {
        self.deploy.framework_version = Some(version.into());
        self
    }

    /// Checks the character (Eliza's and Fleek's rules), then creates the draft.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`] (nothing sent) listing the character's problems;
    /// any error of `create_agent`.
    pub async fn send(self) -> Result<Agent, Error> {
        self.deploy.check().await?;
        // No TEE is set here, so nothing is sent after the create: its error is the call's.
        self.deploy.create().await.map_err(|(e, _)| e)
    }
}

impl Client {
    /// Creates an agent draft from a character: the character is checked first, then sent
    /// as `config`, with an optional avatar and framework version.
    ///
    /// ```no_run
    /// use fleek_api::{character::{Avatar, Character}};
    ///
    /// # async fn run(client: fleek_api::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let character = Character::from_path("nova.character.json")?;
    /// let draft = client
    ///     .create_agent_from_character("cm6k5x0qj0003l708b2v1c9ep", &character)
    ///     .avatar(Avatar::from_path("nova.png")?)
    ///     .send()
    ///     .await?;
    /// println!("draft {}", draft.id);
    /// # Ok(())
    /// # }
    /// ```
    pub fn create_agent_from_character(
        &self,
        project_id: impl Into<String>,
        character: &Character,
    ) -> CreateFromCharacter<'_> {
        CreateFromCharacter {
            deploy: self.deploy(project_id, character),
        }
    }

    /// Deploys a character: creates the draft (or updates an existing agent's), publishes
    /// it, and waits until it runs, reporting progress.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use fleek_api::{character::Character, deploy::DeployEvent};
    ///
    /// # async fn run(client: fleek_api::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let character = Character::from_path("nova.character.json")?;
    /// let agent_id = client
    ///     .deploy("cm6k5x0qj0003l708b2v1c9ep", &character)
    ///     .timeout(Duration::from_secs(300))
    ///     .run(|event| match event {
    ///         DeployEvent::Drafted { agent, .. } => println!("draft {}", agent.id),
    ///         DeployEvent::Waiting { elapsed, .. } => println!("waiting {elapsed:?}"),
    ///         other => println!("{other:?}"),
    ///     })
    ///     .await?;
    /// println!("{agent_id} runs");
    /// # Ok(())
    /// # }
    /// ```
    pub fn deploy(&self, project_id: impl Into<String>, character: &Character) -> Deploy<'_> {
        Deploy {
            client: self,
            project_id: project_id.into(),
            character: character.clone(),
            name: None,
            agent_id: None,
            avatar: None,
            framework_version: None,
            tee: None,
            public_chat: None,
            timing: Timing::default(),
        }
    }
}
