//! An agent from a character file in one call: draft, publish, wait until it runs, with
//! progress reported as it happens.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use futures_util::stream::{self, Stream, StreamExt};

use crate::call::Call;
use crate::character::{Avatar, Character};
use crate::error::{Error, ErrorKind};
use crate::generated::types::{self, Agent, AgentStatus};
use crate::generated::Client;

/// How long [`Deploy`] waits for the agent to run, by default (10 minutes).
pub const DEFAULT_DEPLOY_TIMEOUT: Duration = Duration::from_secs(600);

/// How many of the last log lines a [`DeployEvent::Failed`] carries.
const LAST_LOG_LINES: usize = 20;

/// How many log pages are read to find the last lines of a failed agent.
const MAX_LOG_PAGES: usize = 20;

/// What a deployment has done so far. Each event says what exists on Fleek at that point,
/// so a caller that stops listening (drops the stream) knows what it leaves behind.
///
/// ```no_run
/// use futures_util::StreamExt;
/// use fleek_api::{character::Character, deploy::DeployEvent};
///
/// # async fn run(client: fleek_api::Client, character: Character) -> Result<(), fleek_api::Error> {
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
    /// The agent does not run yet.
    Waiting {
        /// The agent's id.
        agent_id: String,
        /// Time since the deployment started.
        elapsed: Duration,
        /// The agent's lifecycle state, when it could be read.
        status: Option<AgentStatus>,
    },
    /// The agent runs. The last event.
    Running {
        /// The agent's id.
        agent_id: String,
        /// Time since the deployment started.
        elapsed: Duration,
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
    timeout: Duration,
    first_poll: Duration,
    max_poll: Duration,
}

impl<'a> Deploy<'a> {
    /// The agent's display name; the character's name by default.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Updates this existing agent's draft instead of creating an agent.
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
    /// `get_agent_attestation`). The create body does not take it, so a new draft gets it
    /// through `update_agent` before it is published, as Fleek's dashboard does.
    pub fn tee(mut self, tee: bool) -> Self {
        self.tee = Some(tee);
        self
    }

    /// How long to wait for the agent to run once published (10 minutes by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The wait between status checks: starts at `first`, grows by half each time, up to
    /// `max` (2 s and 15 s by default; Fleek's dashboard checks every 5 s).
    pub fn poll_interval(mut self, first: Duration, max: Duration) -> Self {
        self.first_poll = first;
        self.max_poll = max.max(first);
        self
    }

    /// The deployment as a stream of events, ending with [`DeployEvent::Running`],
    /// [`DeployEvent::Failed`] or an error (a timeout error names the agent and its state).
    /// Nothing is sent until the stream is polled; dropping it stops the deployment where
    /// it is, and the events so far say what exists.
    pub fn events(self) -> impl Stream<Item = Result<DeployEvent, Error>> + Send + 'a {
        stream::unfold(Some(Stage::Start(self)), |stage| async move {
            let (item, next) = stage?.advance().await;
            Some((item, next))
        })
    }

    /// Runs the deployment, calling `on_event` for each event, and returns the running
    /// agent's id.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`] (nothing sent) when the character breaks Eliza's or
    /// Fleek's rules; [`ErrorKind::Other`] when the agent failed to start (with its last log
    /// lines); [`ErrorKind::Timeout`] when it did not run in time; any error of the calls.
    pub async fn run(self, mut on_event: impl FnMut(&DeployEvent)) -> Result<String, Error> {
        let events = self.events();
        futures_util::pin_mut!(events);
        while let Some(event) = events.next().await {
            let event = event?;
            on_event(&event);
            match event {
                DeployEvent::Running { agent_id, .. } => return Ok(agent_id),
                DeployEvent::Failed {
                    agent_id,
                    last_logs,
                    ..
                } => {
                    let lines: Vec<_> = last_logs.iter().map(|l| l.message.as_str()).collect();
                    return Err(Error::new(
                        "deploy",
                        ErrorKind::Other,
                        format!(
                            "agent {agent_id} failed to start; its last log lines:\n{}",
                            lines.join("\n")
                        ),
                    ));
                }
                _ => {}
            }
        }
        Err(Error::new(
            "deploy",
            ErrorKind::Other,
            "the deployment ended without an outcome",
        ))
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
    Start(Deploy<'a>),
    Publish(Deploy<'a>, String),
    Wait {
        deploy: Deploy<'a>,
        agent_id: String,
        started: Instant,
        delay: Duration,
        checked_once: bool,
    },
}

impl<'a> Stage<'a> {
    /// Takes one step: the event it produced and the stage after it (`None`: the end).
    async fn advance(self) -> (Result<DeployEvent, Error>, Option<Stage<'a>>) {
        match self {
            Stage::Start(deploy) => match deploy.draft().await {
                Ok((agent, created)) => {
                    let id = agent.id.clone();
                    (
                        Ok(DeployEvent::Drafted { agent, created }),
                        Some(Stage::Publish(deploy, id)),
                    )
                }
                Err(e) => (Err(e), None),
            },
            Stage::Publish(deploy, agent_id) => match deploy.publish(&agent_id).await {
                Ok(agent) => {
                    let delay = deploy.first_poll;
                    (
                        Ok(DeployEvent::Published { agent }),
                        Some(Stage::Wait {
                            deploy,
                            agent_id,
                            started: Instant::now(),
                            delay,
                            checked_once: false,
                        }),
                    )
                }
                Err(e) => (Err(e), None),
            },
            Stage::Wait {
                deploy,
                agent_id,
                started,
                delay,
                checked_once,
            } => {
                if checked_once {
                    let left = deploy.timeout.saturating_sub(started.elapsed());
                    tokio::time::sleep(delay.min(left)).await;
                }
                match deploy.check(&agent_id, started).await {
                    Ok(Some(event)) => (Ok(event), None),
                    Ok(None) if started.elapsed() >= deploy.timeout => {
                        let status = deploy.status(&agent_id).await;
                        (Err(timed_out(&agent_id, deploy.timeout, status)), None)
                    }
                    Ok(None) => {
                        let status = deploy.status(&agent_id).await;
                        let next_delay = delay.mul_f64(1.5).min(deploy.max_poll);
                        (
                            Ok(DeployEvent::Waiting {
                                agent_id: agent_id.clone(),
                                elapsed: started.elapsed(),
                                status,
                            }),
                            Some(Stage::Wait {
                                deploy,
                                agent_id,
                                started,
                                delay: next_delay,
                                checked_once: true,
                            }),
                        )
                    }
                    Err(e) => (Err(e), None),
                }
            }
        }
    }
}

fn timed_out(agent_id: &str, timeout: Duration, status: Option<AgentStatus>) -> Error {
    let status = status.map_or_else(|| "unknown".to_string(), |s| s.to_string());
    Error::new(
        "deploy",
        ErrorKind::Timeout,
        format!(
            "agent {agent_id} is published but did not run within {timeout:?}; its status is \
             {status}. It may still start: check get_agent_status later, or delete_agent to \
             remove it"
        ),
    )
}

impl Deploy<'_> {
    /// Creates the draft, or updates the given agent's draft.
    async fn draft(&self) -> Result<(Agent, bool), Error> {
        let report = self.character.validate();
        if !report.is_deployable() {
            return Err(Error::new(
                "deploy",
                ErrorKind::InvalidArgument,
                format!("the character cannot be deployed; fix these first:\n{report}"),
            ));
        }
        if let Some(version) = &self.framework_version {
            self.check_framework_version(version).await?;
        }
        let name = self
            .name
            .clone()
            .unwrap_or_else(|| self.character.name.clone());
        let config = self.character.to_config_string();
        let avatar = self.avatar.as_ref().map(|a| a.base64().to_string());
        let version = self.framework_version.clone();
        match &self.agent_id {
            Some(agent_id) => {
                // Fleek's dashboard updates a draft with `config`; the guide's
                // `characterFile` names the same thing. When it deploys it also sends the
                // project, the framework version and `tee`.
                let project_id: types::ProjectId = self.project_id.parse().map_err(|e| {
                    Error::new(
                        "deploy",
                        ErrorKind::InvalidArgument,
                        format!("project id {:?}: {e}", self.project_id),
                    )
                })?;
                let agent = self
                    .client
                    .update_agent()
                    .agent_id(agent_id.as_str())
                    .body_map(|b| {
                        b.name(Some(name))
                            .config(Some(config))
                            .avatar(avatar)
                            .framework_version(version)
                            .tee(self.tee)
                            .project_id(Some(project_id))
                    })
                    .call()
                    .await?;
                Ok((agent, false))
            }
            None => {
                let mut agent = self
                    .client
                    .create_agent()
                    .body_map(|b| {
                        b.project_id(self.project_id.as_str())
                            .name(name)
                            .config(config)
                            .avatar(avatar)
                            .framework_version(version)
                    })
                    .call()
                    .await?;
                if let Some(tee) = self.tee {
                    agent = self
                        .client
                        .update_agent()
                        .agent_id(agent.id.as_str())
                        .body_map(|b| b.tee(Some(tee)))
                        .call()
                        .await?;
                }
                Ok((agent, true))
            }
        }
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
            "deploy",
            ErrorKind::InvalidArgument,
            format!(
                "framework version {version:?} is not one Fleek offers; the valid ones are {}",
                known.versions.join(", ")
            ),
        ))
    }

    /// `Running` or `Failed` when the agent got there, `None` while it is on its way.
    async fn check(&self, agent_id: &str, started: Instant) -> Result<Option<DeployEvent>, Error> {
        let running = self
            .client
            .get_agent_status()
            .agent_id(agent_id)
            .call()
            .await?
            .is_running();
        if running {
            return Ok(Some(DeployEvent::Running {
                agent_id: agent_id.to_string(),
                elapsed: started.elapsed(),
            }));
        }
        let agent = self.client.get_agent().agent_id(agent_id).call().await?;
        if agent.status == AgentStatus::Failed {
            return Ok(Some(DeployEvent::Failed {
                agent_id: agent_id.to_string(),
                status: agent.status,
                last_logs: self.last_logs(agent_id).await,
            }));
        }
        Ok(None)
    }

    /// The agent's state, for progress and timeout messages; `None` when it cannot be read.
    async fn status(&self, agent_id: &str) -> Option<AgentStatus> {
        let agent = self
            .client
            .get_agent()
            .agent_id(agent_id)
            .call()
            .await
            .ok()?;
        Some(agent.status)
    }

    /// The last lines of the agent's log (what is readable of it: a failure here leaves the
    /// list shorter, it does not hide the agent's failure).
    async fn last_logs(&self, agent_id: &str) -> Vec<types::LogEntry> {
        let mut last = VecDeque::with_capacity(LAST_LOG_LINES);
        let pages = self
            .client
            .get_agent_logs()
            .agent_id(agent_id)
            .pages()
            .take(MAX_LOG_PAGES);
        futures_util::pin_mut!(pages);
        while let Some(Ok(page)) = pages.next().await {
            for entry in page.data {
                if last.len() == LAST_LOG_LINES {
                    last.pop_front();
                }
                last.push_back(entry);
            }
        }
        last.into()
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
        Ok(self.deploy.draft().await?.0)
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
            timeout: DEFAULT_DEPLOY_TIMEOUT,
            first_poll: Duration::from_secs(2),
            max_poll: Duration::from_secs(15),
        }
    }
}
