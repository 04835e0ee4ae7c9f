//! A plan saved to a file (`fleet plan --save FILE`) and applied later (`fleet apply
//! --plan FILE`): applied only while it still holds. It carries each secret as a salted
//! digest, never its value, so that the file may sit in a CI artifact.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::Digest as _;

use super::plan::{Fleet, Plan, PLAN_FORMAT_VERSION};

/// A plan as saved: the plan, and a salted digest of each agent's secrets as they were read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedPlan {
    /// [`PLAN_FORMAT_VERSION`].
    pub format_version: u32,
    /// The plan.
    pub plan: Plan,
    /// The salt of the digests (random per saved plan, so that a digest says nothing
    /// across plans).
    pub salt: String,
    /// Per agent, each secret's digest.
    pub secrets: BTreeMap<String, BTreeMap<String, String>>,
}

impl SavedPlan {
    /// The plan to save, with the digests of `fleet`'s secrets.
    pub fn new(plan: &Plan, fleet: &Fleet) -> Self {
        let salt = fresh_salt();
        let secrets = digests(fleet, &salt);
        Self {
            format_version: PLAN_FORMAT_VERSION,
            plan: plan.clone(),
            salt,
            secrets,
        }
    }

    /// What no longer holds: the plan made now from the live state (`fresh`) against the
    /// saved one, and the secrets read now against those planned. Empty when the saved plan
    /// may be applied; otherwise each difference, named (never a value).
    pub fn differences(&self, fresh: &Plan, fleet: &Fleet) -> Vec<String> {
        let mut out = Vec::new();
        if self.format_version != PLAN_FORMAT_VERSION {
            out.push(format!(
                "the plan was saved in format {}, this version reads {PLAN_FORMAT_VERSION}",
                self.format_version
            ));
            return out;
        }
        if fresh.project != self.plan.project {
            out.push(format!(
                "the plan is for project {}, not {}",
                self.plan.project, fresh.project
            ));
        }
        let names = |plan: &Plan| {
            plan.actions
                .iter()
                .map(|a| a.agent.clone())
                .chain(plan.unchanged.iter().cloned())
                .collect::<std::collections::BTreeSet<_>>()
        };
        for agent in names(&self.plan).union(&names(fresh)) {
            let saved = self.plan.actions.iter().find(|a| &a.agent == agent);
            let now = fresh.actions.iter().find(|a| &a.agent == agent);
            let describe = |action: Option<&super::plan::Action>| match action {
                Some(a) => format!("{} ({} changes)", a.action, a.changes.len()),
                None => "nothing".to_string(),
            };
            if saved != now {
                out.push(format!(
                    "{agent}: planned {}, now {}",
                    describe(saved),
                    describe(now)
                ));
            }
        }
        let now = digests(fleet, &self.salt);
        for agent in self
            .secrets
            .keys()
            .chain(now.keys())
            .collect::<std::collections::BTreeSet<_>>()
        {
            let (a, b) = (self.secrets.get(agent), now.get(agent));
            if a != b {
                let mut names: Vec<&String> = a
                    .into_iter()
                    .chain(b)
                    .flat_map(|m| m.keys())
                    .filter(|name| a.and_then(|m| m.get(*name)) != b.and_then(|m| m.get(*name)))
                    .collect();
                names.sort();
                names.dedup();
                let names: Vec<&str> = names.iter().map(|n| n.as_str()).collect();
                out.push(format!(
                    "{agent}: the secrets {} read now differ from those planned",
                    names.join(", ")
                ));
            }
        }
        out
    }
}

/// Each agent's secrets as salted SHA-256 digests (16 hex digits).
fn digests(fleet: &Fleet, salt: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    fleet
        .agents
        .iter()
        .filter(|agent| !agent.secrets.is_empty())
        .map(|agent| {
            let each = agent
                .secrets
                .names()
                .filter_map(|name| {
                    let value = agent.secrets.get(name)?;
                    Some((
                        name.to_string(),
                        digest(&[salt, &agent.name, name, value.expose()]),
                    ))
                })
                .collect();
            (agent.name.clone(), each)
        })
        .collect()
}

/// 16 hex digits of SHA-256 over `parts`, each ended by a NUL (so that no two lists of
/// parts hash alike): the digest a secret is shown as.
pub(super) fn digest(parts: &[&str]) -> String {
    let mut hash = sha2::Sha256::new();
    for part in parts {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hash.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A salt no one can guess across runs: the time, the process and an address, hashed.
fn fresh_salt() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let marker = 0u8;
    let mut hash = sha2::Sha256::new();
    hash.update(now.to_le_bytes());
    hash.update(std::process::id().to_le_bytes());
    hash.update((&marker as *const u8 as usize).to_le_bytes());
    hash.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
