//! Fleets as code: a manifest of the agents a project should have (`fleek-agents.toml`),
//! a plan of what would change on Fleek, and applying it (feature `fleet`, which the `cli`
//! feature turns on).
//!
//! ```no_run
//! use fleek_api::fleet::{self, Fleet};
//!
//! # async fn run(client: fleek_api::Client) -> Result<(), Box<dyn std::error::Error>> {
//! let fleet = Fleet::load("fleek-agents.toml")?;
//! let project = fleet.manifest.project.clone().unwrap_or_default();
//! let plan = fleet::plan(&client, &project, &fleet).await?;
//! println!("{}", plan.summary());
//! for outcome in fleet::apply(&client, &fleet, &plan).await {
//!     match &outcome.error {
//!         None => println!("{} {}: done", outcome.action, outcome.agent),
//!         Some(why) => println!("{} {}: failed: {why}", outcome.action, outcome.agent),
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! A plan only reads (the list's pages, and one read per agent whose list entry lacks its
//! character); it compares characters by JSON path (key order and whitespace never make a
//! difference, lists item by item), never shows a secret's value, and, when Fleek's answer
//! holds no secrets to compare with, counts them as changed rather than "unchanged".
//! Applying does what the plan says and only that, reading each agent again just before
//! writing it. [`import`] writes a manifest from the agents a project already has.
//!
//! Agents the manifest does not list are left alone. [`plan_with`] can prune: delete the
//! agents the manifest manages — recorded in `fleek-agents.lock` beside it when `apply`
//! created them or `import` adopted them ([`Lock`] says why a committed file) — and no
//! longer lists; never an agent the lock does not record.

mod agent_secrets;
mod apply;
mod diff;
mod import;
mod lock;
mod manifest;
mod plan;
mod saved;

use std::fmt;
use std::path::PathBuf;

pub use agent_secrets::{AgentSecrets, Listed, SecretsChangeError};
pub use apply::{apply, Applier, ApplyHandle, Outcome, DEFAULT_PARALLELISM};
pub use diff::Change;
pub use import::{import, Imported};
pub use lock::{Lock, Managed, Origin, LOCK_VERSION};
pub use manifest::{AgentSpec, DesiredState, Manifest, SecretSpec, MANIFEST_FILE};
pub use plan::{
    plan, plan_with, Action, ActionKind, Desired, Fleet, Plan, Reads, Unlisted, PLAN_FORMAT_VERSION,
};
pub use saved::SavedPlan;

/// Why a fleet could not be read or planned. No message holds a secret's value.
#[derive(Debug)]
#[non_exhaustive]
pub enum FleetError {
    /// The manifest cannot be read, or says something it may not.
    Manifest {
        /// The manifest.
        path: PathBuf,
        /// The line (from 1), when one is at fault.
        line: Option<usize>,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// Agents of the manifest whose files cannot be read or deployed, or that cannot be
    /// matched with the project's: each name, and why.
    Agents(Vec<(String, String)>),
    /// The project could not be read.
    Api(crate::Error),
}

impl fmt::Display for FleetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FleetError::Manifest {
                path,
                line: Some(line),
                message,
            } => write!(f, "{}:{line}: {message}", path.display()),
            FleetError::Manifest { path, message, .. } => {
                write!(f, "{}: {message}", path.display())
            }
            FleetError::Agents(problems) => {
                write!(
                    f,
                    "{} of the manifest's agents cannot be planned; nothing was changed:",
                    problems.len()
                )?;
                for (name, why) in problems {
                    write!(f, "\n  {name}: {}", why.replace('\n', "\n    "))?;
                }
                Ok(())
            }
            FleetError::Api(error) => write!(f, "reading the project failed: {error}"),
        }
    }
}

impl std::error::Error for FleetError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FleetError::Api(error) => Some(error),
            _ => None,
        }
    }
}
