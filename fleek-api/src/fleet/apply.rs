//! Doing what a plan says, and only that: each action through the deploy machinery (which
//! waits until the agent runs), several at once, past a failed agent, each agent read again
//! just before it is written so that what changed since the plan is found, not overwritten.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::stream::{self, StreamExt as _};
use serde::Serialize;

use super::lock::{Lock, Origin};
use super::manifest::DesiredState;
use super::plan::{self, Action, ActionKind, Desired, Fleet, Plan};
use crate::call::Call as _;
use crate::deploy::DEFAULT_DEPLOY_TIMEOUT;
use crate::generated::types::AgentStatus;
use crate::generated::Client;

/// How many agents `apply` works on at once, by default. Most of an apply is waiting for
/// agents to boot, with a status read every 2 to 15 s each: 8 overlap those waits (an apply
/// of 50 agents is 5 to 8 times faster than one `deploy` after another, `cargo xtask
/// fleet-bench`) while sending the API a few requests a second at most.
pub const DEFAULT_PARALLELISM: usize = 8;

/// How one action ended.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    /// The agent's name.
    pub agent: String,
    /// What was to be done.
    pub action: ActionKind,
    /// The agent's id, when one exists (created, or found): also after a failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `None` when it was done; why not otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Outcome {
    /// Whether the action was done.
    pub fn succeeded(&self) -> bool {
        self.error.is_none()
    }
}

/// Applies a plan, as [`apply`] does; built with [`Applier::new`].
#[derive(Clone, Debug)]
#[must_use = "nothing is applied until `run` is awaited"]
pub struct Applier<'a> {
    client: &'a Client,
    fleet: &'a Fleet,
    plan: &'a Plan,
    parallelism: usize,
    timeout: Duration,
    poll: (Duration, Duration),
    in_flight: Arc<Mutex<BTreeSet<String>>>,
    finished: Arc<Mutex<Vec<Outcome>>>,
    stopping: Arc<std::sync::atomic::AtomicBool>,
}

impl<'a> Applier<'a> {
    /// Applies `plan`, made from `fleet`, with `client`.
    pub fn new(client: &'a Client, fleet: &'a Fleet, plan: &'a Plan) -> Self {
        Self {
            client,
            fleet,
            plan,
            parallelism: DEFAULT_PARALLELISM,
            timeout: DEFAULT_DEPLOY_TIMEOUT,
            poll: (Duration::from_secs(2), Duration::from_secs(15)),
            in_flight: Arc::default(),
            finished: Arc::default(),
            stopping: Arc::default(),
        }
    }

    /// How many agents at once (at least 1; [`DEFAULT_PARALLELISM`] by default).
    pub fn parallelism(mut self, n: usize) -> Self {
        self.parallelism = n.max(1);
        self
    }

    /// How long to wait for each agent to run (10 minutes by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The wait between status checks, as [`crate::deploy::Deploy::poll_interval`].
    pub fn poll_interval(mut self, first: Duration, max: Duration) -> Self {
        self.poll = (first, max);
        self
    }

    /// A handle that stops `run` from starting new actions (those under way go on), and
    /// says which are under way: for Ctrl-C.
    pub fn handle(&self) -> ApplyHandle {
        ApplyHandle {
            in_flight: self.in_flight.clone(),
            finished: self.finished.clone(),
            stopping: self.stopping.clone(),
        }
    }

    /// Does every action of the plan, [`parallelism`](Self::parallelism) at a time, going on
    /// past a failed one; returns each action's outcome, in the plan's order (actions not
    /// started because of [`ApplyHandle::stop`] are left out).
    pub async fn run(self) -> Vec<Outcome> {
        let this = &self;
        let mut outcomes: Vec<(usize, Outcome)> =
            stream::iter(self.plan.actions.iter().enumerate())
                .map(|(index, action)| async move {
                    if this.stopping.load(std::sync::atomic::Ordering::SeqCst) {
                        return None;
                    }
                    this.lock().insert(action.agent.clone());
                    let outcome = this.one(action).await;
                    this.lock().remove(&action.agent);
                    this.finished
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .push(outcome.clone());
                    Some((index, outcome))
                })
                .buffer_unordered(self.parallelism)
                .filter_map(|outcome| async move { outcome })
                .collect()
                .await;
        outcomes.sort_by_key(|(index, _)| *index);
        outcomes.into_iter().map(|(_, outcome)| outcome).collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeSet<String>> {
        self.in_flight
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn one(&self, action: &Action) -> Outcome {
        let mut outcome = Outcome {
            agent: action.agent.clone(),
            action: action.action,
            id: action.id.clone(),
            error: None,
        };
        if action.action == ActionKind::Delete {
            outcome.error = self.delete(action).await.err();
            return outcome;
        }
        let Some(agent) = self.fleet.agents.iter().find(|a| a.name == action.agent) else {
            outcome.error = Some(format!(
                "the plan names {}, which the manifest no longer lists: plan again",
                action.agent
            ));
            return outcome;
        };
        match self.act(action, agent, &mut outcome.id).await {
            Ok(()) => {}
            Err(error) => outcome.error = Some(error),
        }
        outcome
    }

    /// Reads the agent again, then does the action; `id` is set once the agent exists.
    async fn act(
        &self,
        action: &Action,
        agent: &Desired,
        id: &mut Option<String>,
    ) -> Result<(), String> {
        let project = self.plan.project.as_str();
        // Read again just before writing: a create that someone else made since the plan
        // (another apply) is found, and an agent that vanished is named.
        if action.action == ActionKind::Create {
            let (live, _) = plan::live_agents(self.client, project)
                .await
                .map_err(|e| e.to_string())?;
            if let Some(existing) = plan::find(&live, agent)? {
                tracing::info!(agent = %agent.name, id = %existing.id, "created since the plan; deployed to it");
                *id = Some(existing.id.clone());
            }
        } else {
            let planned = action.id.clone().unwrap_or_default();
            match self
                .client
                .get_agent()
                .agent_id(planned.as_str())
                .call()
                .await
            {
                Ok(found) => *id = Some(found.id),
                Err(e) if e.status().is_some_and(|s| s.as_u16() == 404) => {
                    return Err(format!(
                        "agent {} ({planned}) is gone since the plan: nothing was done; plan again",
                        agent.name
                    ))
                }
                Err(e) => return Err(e.to_string()),
            }
        }
        match (action.action, agent.spec.state) {
            (ActionKind::Stop, _) => self.stop(id.as_deref().unwrap_or_default()).await,
            (_, DesiredState::Running) => self.deploy(agent, id).await,
            (_, DesiredState::Stopped) => {
                self.draft(agent, id).await?;
                let now = self
                    .client
                    .get_agent()
                    .agent_id(id.as_deref().unwrap_or_default())
                    .call()
                    .await
                    .map_err(|e| e.to_string())?;
                if matches!(
                    now.status,
                    AgentStatus::Running | AgentStatus::Created | AgentStatus::Pending
                ) {
                    self.stop(&now.id).await?;
                }
                Ok(())
            }
        }
    }

    /// Create or update, publish, wait: [`crate::deploy::Deploy`].
    async fn deploy(&self, agent: &Desired, id: &mut Option<String>) -> Result<(), String> {
        let mut deploy = self
            .client
            .deploy(self.plan.project.as_str(), &agent.character)
            .name(agent.name.as_str())
            .timeout(self.timeout)
            .poll_interval(self.poll.0, self.poll.1);
        if let Some(existing) = id.as_deref() {
            deploy = deploy.agent_id(existing);
        }
        if let Some(version) = &agent.spec.framework_version {
            deploy = deploy.framework_version(version.as_str());
        }
        if let Some(tee) = agent.spec.tee {
            deploy = deploy.tee(tee);
        }
        if let Some(public) = agent.spec.public_chat {
            deploy = deploy.public_chat(public);
        }
        if let Some(avatar) = &agent.avatar {
            deploy = deploy.avatar(avatar.clone());
        }
        match deploy.run(|_| {}).await {
            Ok(deployed) => {
                *id = Some(deployed);
                Ok(())
            }
            Err(e) => {
                if let Some(existing) = e.agent_id() {
                    *id = Some(existing.to_string());
                }
                Err(e.to_string())
            }
        }
    }

    /// Create as a draft, or update without publishing: an agent that should not run.
    async fn draft(&self, agent: &Desired, id: &mut Option<String>) -> Result<(), String> {
        let created;
        let agent_id = match id.as_deref() {
            Some(existing) => existing,
            None => {
                let mut create = self
                    .client
                    .create_agent_from_character(self.plan.project.as_str(), &agent.character)
                    .name(agent.name.as_str());
                if let Some(version) = &agent.spec.framework_version {
                    create = create.framework_version(version.as_str());
                }
                if let Some(avatar) = &agent.avatar {
                    create = create.avatar(avatar.clone());
                }
                created = create.send().await.map_err(|e| e.to_string())?;
                *id = Some(created.id.clone());
                created.id.as_str()
            }
        };
        self.client
            .update_agent()
            .agent_id(agent_id)
            .body_map(|b| {
                b.name(Some(agent.name.clone()))
                    .config(Some(agent.character.to_config_string()))
                    .framework_version(agent.spec.framework_version.clone())
                    .avatar(agent.avatar.as_ref().map(|a| a.base64().to_string()))
                    .tee(agent.spec.tee)
                    .public_chat(agent.spec.public_chat)
            })
            .call()
            .await
            .map(|_| ())
            .map_err(|e| format!("agent {agent_id} exists, but its update failed: {e}"))
    }

    /// Deletes an agent the manifest no longer lists, read again first: one already gone
    /// is what was wanted; one renamed since the plan is left alone, named.
    async fn delete(&self, action: &Action) -> Result<(), String> {
        let id = action.id.as_deref().unwrap_or_default();
        match self.client.get_agent().agent_id(id).call().await {
            Ok(found) if found.name != action.agent => {
                return Err(format!(
                    "agent {id} is named {} now, not {} as planned: not deleted; plan again",
                    found.name, action.agent
                ))
            }
            Ok(_) => {}
            Err(e) if e.status().is_some_and(|s| s.as_u16() == 404) => {
                tracing::info!(agent = %action.agent, %id, "already deleted since the plan");
                return Ok(());
            }
            Err(e) => return Err(e.to_string()),
        }
        self.client
            .delete_agent()
            .agent_id(id)
            .call()
            .await
            .map(|_| ())
            .map_err(|e| format!("agent {id}: deleting it failed: {e}"))
    }

    async fn stop(&self, id: &str) -> Result<(), String> {
        self.client
            .stop_agent()
            .agent_id(id)
            .call()
            .await
            .map_err(|e| format!("agent {id}: stopping it failed: {e}"))
    }
}

/// Stops an [`Applier`] from starting new actions, and tells which are under way.
#[derive(Clone, Debug)]
pub struct ApplyHandle {
    in_flight: Arc<Mutex<BTreeSet<String>>>,
    finished: Arc<Mutex<Vec<Outcome>>>,
    stopping: Arc<std::sync::atomic::AtomicBool>,
}

impl ApplyHandle {
    /// No new action starts after this.
    pub fn stop(&self) {
        self.stopping
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// The outcomes of the actions finished so far, in the order they finished: after
    /// Ctrl-C, what was done (for [`super::Lock::note`]).
    pub fn finished(&self) -> Vec<Outcome> {
        self.finished
            .lock()
            .map(|done| done.clone())
            .unwrap_or_default()
    }

    /// The agents being worked on now, by name.
    pub fn in_flight(&self) -> Vec<String> {
        self.in_flight
            .lock()
            .map(|set| set.iter().cloned().collect())
            .unwrap_or_default()
    }
}

/// Applies `plan` with the defaults of [`Applier`].
pub async fn apply(client: &Client, fleet: &Fleet, plan: &Plan) -> Vec<Outcome> {
    Applier::new(client, fleet, plan).run().await
}

// Here rather than in `lock`, which knows nothing of plans and outcomes: the lock is read
// by the plan, and written from what an apply did.
impl Lock {
    /// Records what an apply of `plan` did: each agent it created as managed (also one
    /// created whose wait then failed: it exists), each it deleted forgotten, and the
    /// plan's [`gone`](Plan::gone) ids forgotten. `true` when the lock changed (write it).
    pub fn note(&mut self, plan: &Plan, outcomes: &[Outcome]) -> bool {
        let mut changed = false;
        for id in &plan.gone {
            changed |= self.forget(&plan.project, id);
        }
        for outcome in outcomes {
            let Some(id) = outcome.id.as_deref() else {
                continue;
            };
            match outcome.action {
                ActionKind::Create => {
                    changed |= self.record(&plan.project, &outcome.agent, id, Origin::Created);
                }
                ActionKind::Delete if outcome.succeeded() => {
                    changed |= self.forget(&plan.project, id);
                }
                _ => {}
            }
        }
        changed
    }
}
