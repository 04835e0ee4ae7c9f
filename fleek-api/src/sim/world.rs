//! The simulated service's state: agents with their lifecycle and journal, and the
//! billing of each project. Every change happens under one lock (`Simulator` holds it), so a
//! request sees the state before or after another one, never halfway.
//!
//! Time is the simulator's clock (real time plus what a test advanced), read once per
//! request: a lifecycle step whose time has come is taken when the state is next read
//! (`settle`), so no background task is needed and an advanced clock takes effect at once.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::tolerant::Agent;
use crate::types::AgentStatus;

/// One agent and what the simulator keeps beside what the API shows.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Record {
    pub(crate) agent: Agent,
    /// The journal: every line the agent wrote, oldest first.
    pub(crate) journal: Vec<Line>,
    /// The lifecycle steps to come and when (on the simulator's clock) each is taken.
    pub(crate) steps: VecDeque<(AgentStatus, Duration)>,
}

/// One journal line.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Line {
    pub(crate) timestamp: i64,
    pub(crate) priority: u8,
    pub(crate) message: String,
}

/// A subscription, as the API shows it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Subscription {
    pub(crate) project: String,
    pub(crate) value: Value,
}

/// Everything the simulated service holds.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct World {
    /// Agents by id, in creation order of their ids (ids grow).
    pub(crate) agents: BTreeMap<String, Record>,
    /// Subscriptions by id.
    pub(crate) subscriptions: BTreeMap<String, Subscription>,
    /// Saved payment methods by project.
    pub(crate) payment_methods: BTreeMap<String, Vec<Value>>,
    /// The last id handed out.
    pub(crate) serial: u64,
    /// Whether each project starts with a saved card and an active subscription
    /// ([`crate::sim::SimulatorBuilder::provisioned`]).
    #[serde(default)]
    pub(crate) provisioned: bool,
    /// The projects already given theirs.
    #[serde(default)]
    pub(crate) provisioned_projects: BTreeSet<String>,
}

/// The product a provisioned project is subscribed to (the spec's example product).
pub(crate) const PROVISIONED_PRODUCT: &str = "prod_RXPrGVnrVm8Dbg";

/// Times of the lifecycle.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Delays {
    /// From publish (or start) to running.
    pub(crate) boot: Duration,
}

impl World {
    /// An empty world, as configured as this one (a reset).
    pub(crate) fn emptied(&self) -> World {
        World {
            provisioned: self.provisioned,
            ..World::default()
        }
    }

    /// A new id that looks like Fleek's (a cuid: `cm` and 23 more characters).
    pub(crate) fn id(&mut self, prefix: &str) -> String {
        self.serial += 1;
        format!("{prefix}{:0>23}", format!("{:x}sim", self.serial))
    }

    /// Takes every lifecycle step whose time has come; `now` is the simulator's clock and
    /// `unix` the same instant in Unix seconds.
    pub(crate) fn settle(&mut self, now: Duration, unix: i64) {
        for record in self.agents.values_mut() {
            while record.steps.front().is_some_and(|(_, at)| *at <= now) {
                let Some((status, _)) = record.steps.pop_front() else {
                    break;
                };
                let name = record.agent.name.clone();
                match &status {
                    AgentStatus::Pending => {
                        record.log(unix, 6, format!("Pulling the Eliza image for {name}"));
                    }
                    AgentStatus::Running => {
                        record.log(unix, 6, format!("Starting agent {name}"));
                        record.log(
                            unix,
                            6,
                            format!("Agent {name} started; listening on port 3000"),
                        );
                    }
                    _ => {}
                }
                record.agent.status = status;
            }
        }
    }
}

impl Record {
    pub(crate) fn log(&mut self, timestamp: i64, priority: u8, message: String) {
        self.journal.push(Line {
            timestamp,
            priority,
            message,
        });
    }

    /// Starts the way to `Running`: `first` (`Created` after a publish, `Pending` after a
    /// start) now, `Pending` halfway, `Running` after the boot time.
    pub(crate) fn boot(&mut self, now: Duration, first: AgentStatus, delays: Delays) {
        self.agent.status = first;
        self.steps = VecDeque::from([
            (AgentStatus::Pending, now + delays.boot / 2),
            (AgentStatus::Running, now + delays.boot),
        ]);
    }

    /// The agent as the API shows it.
    pub(crate) fn shown(&self) -> Value {
        serde_json::to_value(&self.agent).unwrap_or(Value::Null)
    }
}

/// The journald-like cursor of the entry at `index`: opaque to clients, as Fleek's are.
pub(crate) fn cursor(agent: &str, index: usize) -> String {
    format!("s={};i={index:x}", &agent[agent.len().saturating_sub(8)..])
}

/// The index a cursor of `agent` points at.
pub(crate) fn index_of(agent: &str, cursor: &str) -> Option<usize> {
    let (seat, index) = cursor.split_once(";i=")?;
    if seat != format!("s={}", &agent[agent.len().saturating_sub(8)..]) {
        return None;
    }
    usize::from_str_radix(index, 16).ok()
}

/// The plans the simulator sells (prices in cents, as the dashboard reads them).
pub(crate) fn plans() -> Value {
    json!([
        {"id": "plan_sim_starter", "name": "Starter", "description": "One agent", "price": 2000,
         "createdAt": "2025-01-06T18:27:40Z", "updatedAt": "2025-01-06T18:27:40Z", "metadata": {}},
        {"id": "plan_sim_pro", "name": "Pro", "description": null, "price": 5000,
         "createdAt": "2025-01-06T18:27:40Z", "updatedAt": "2025-01-06T18:27:40Z",
         "metadata": {"agents": "5"}}
    ])
}

/// The framework versions the simulator runs.
pub(crate) fn framework_versions() -> Value {
    json!({"name": "eliza", "versions": ["eliza-0.1.9", "v2.beta.28"]})
}
