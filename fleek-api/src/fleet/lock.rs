//! `fleek-agents.lock`: the agents a manifest manages — those `fleet apply` created and
//! those `fleet import` adopted — so that `fleet apply --prune` deletes only those.
//!
//! Why a file committed beside the manifest, not a mark on Fleek: Fleek's agents carry no
//! labels or metadata, and the only free-form place, the character file, is the user's: it
//! is sent to the running agent, edits in the dashboard replace it, and it is copied from
//! agent to agent, so a hand-made agent built from an imported character would carry the
//! mark and be pruned. A committed file is reviewed in pull requests, works from a fresh CI
//! checkout, and can only err towards keeping an agent: one missing from it is never
//! deleted. When `apply` creates agents in CI, commit the file back (the example workflow
//! does), or `--prune` will not know them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::FleetError;

/// The lock's version: raised on any change an older reader would misread.
pub const LOCK_VERSION: u32 = 1;

/// How an agent came to be managed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// `fleet apply` created it.
    Created,
    /// `fleet import` adopted it.
    Imported,
}

impl Origin {
    fn describe(self) -> &'static str {
        match self {
            Origin::Created => "created by fleet apply",
            Origin::Imported => "adopted by fleet import",
        }
    }
}

/// One agent the manifest manages.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Managed {
    /// Its project.
    pub project: String,
    /// Its id.
    pub id: String,
    /// Its name when it was recorded.
    pub name: String,
    /// How it came to be managed.
    pub origin: Origin,
}

impl Managed {
    /// `created by fleet apply` or `adopted by fleet import`.
    pub fn describe(&self) -> &'static str {
        self.origin.describe()
    }
}

/// The lock file: every agent a manifest manages, in every project it was applied to (one
/// manifest may serve a staging and a production project).
///
/// ```
/// use fleek_api::fleet::{Lock, Origin};
///
/// let mut lock = Lock::empty("fleek-agents.lock");
/// assert!(lock.record("prj", "Nova", "a1", Origin::Created));
/// assert!(!lock.record("prj", "Nova", "a1", Origin::Created), "recorded once");
/// assert!(lock.manages("prj", "a1"));
/// assert!(!lock.manages("other", "a1"));
/// let text = lock.to_text();
/// assert_eq!(Lock::parse(&text, "fleek-agents.lock")?, lock);
/// # Ok::<(), fleek_api::fleet::FleetError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lock {
    /// Where it is read from and written to.
    pub path: PathBuf,
    managed: BTreeSet<Managed>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LockFile {
    version: u32,
    #[serde(default)]
    managed: Vec<Managed>,
}

impl Lock {
    /// The lock of a manifest: beside it, with its name and `.lock` (`fleek-agents.toml`
    /// → `fleek-agents.lock`).
    pub fn path_for(manifest: &Path) -> PathBuf {
        manifest.with_extension("lock")
    }

    /// A lock that records nothing yet, to be written to `path`.
    pub fn empty(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            managed: BTreeSet::new(),
        }
    }

    /// Reads the lock at `path`; one that does not exist records nothing.
    ///
    /// # Errors
    /// [`FleetError::Manifest`] naming the lock when it cannot be read or parsed.
    pub fn read(path: impl Into<PathBuf>) -> Result<Self, FleetError> {
        let path = path.into();
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::empty(path)),
            Err(e) => Err(FleetError::Manifest {
                path,
                line: None,
                message: format!("cannot read the lock: {e}"),
            }),
        }
    }

    /// Parses a lock's text.
    ///
    /// # Errors
    /// [`FleetError::Manifest`] naming the file and line, and what to do.
    pub fn parse(text: &str, path: impl Into<PathBuf>) -> Result<Self, FleetError> {
        let path = path.into();
        let file: LockFile = toml::from_str(text).map_err(|e| FleetError::Manifest {
            line: e
                .span()
                .map(|span| text[..span.start.min(text.len())].lines().count().max(1)),
            message: format!(
                "{}; this file is written by fleek-agents: restore it from git rather than \
                 editing it",
                e.message()
            ),
            path: path.clone(),
        })?;
        if file.version != LOCK_VERSION {
            return Err(FleetError::Manifest {
                path,
                line: None,
                message: format!(
                    "lock version {} is not {LOCK_VERSION}, the one this fleek-agents reads: \
                     use the fleek-agents that wrote it",
                    file.version
                ),
            });
        }
        Ok(Self {
            path,
            managed: file.managed.into_iter().collect(),
        })
    }

    /// Whether the agent `id` of `project` is managed.
    pub fn manages(&self, project: &str, id: &str) -> bool {
        self.get(project, id).is_some()
    }

    /// The record of agent `id` of `project`.
    pub fn get(&self, project: &str, id: &str) -> Option<&Managed> {
        self.managed
            .iter()
            .find(|m| m.project == project && m.id == id)
    }

    /// Every agent managed in `project`.
    pub fn managed(&self, project: &str) -> impl Iterator<Item = &Managed> {
        let project = project.to_string();
        self.managed.iter().filter(move |m| m.project == project)
    }

    /// Records an agent as managed; `false` when it already was (its first record stays).
    pub fn record(&mut self, project: &str, name: &str, id: &str, origin: Origin) -> bool {
        if self.manages(project, id) {
            return false;
        }
        self.managed.insert(Managed {
            project: project.to_string(),
            id: id.to_string(),
            name: name.to_string(),
            origin,
        })
    }

    /// Forgets an agent (deleted); `false` when it was not recorded.
    pub fn forget(&mut self, project: &str, id: &str) -> bool {
        let before = self.managed.len();
        self.managed
            .retain(|m| !(m.project == project && m.id == id));
        self.managed.len() != before
    }

    /// The file's text: a header saying what it is, then one table per agent, sorted.
    pub fn to_text(&self) -> String {
        let quoted = |text: &str| serde_json::Value::String(text.to_string()).to_string();
        let mut text = format!(
            "# Written by fleek-agents (`fleet apply`, `fleet import`): the agents this manifest\n\
             # manages. Commit it: `fleet apply --prune` deletes only agents listed here that the\n\
             # manifest no longer lists.\nversion = {LOCK_VERSION}\n"
        );
        for m in &self.managed {
            let origin = match m.origin {
                Origin::Created => "created",
                Origin::Imported => "imported",
            };
            text.push_str(&format!(
                "\n[[managed]]\nproject = {}\nid = {}\nname = {}\norigin = \"{origin}\"\n",
                quoted(&m.project),
                quoted(&m.id),
                quoted(&m.name)
            ));
        }
        text
    }

    /// Writes the lock to its path.
    ///
    /// # Errors
    /// The file cannot be written.
    pub fn write(&self) -> std::io::Result<()> {
        std::fs::write(&self.path, self.to_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_survives_its_own_text_with_any_name() {
        let mut lock = Lock::empty("x.lock");
        lock.record("p", "Nova \"the\" \\ one\n", "a1", Origin::Imported);
        lock.record("q", "Orion", "a2", Origin::Created);
        let mut again = Lock::parse(&lock.to_text(), "x.lock").unwrap();
        assert_eq!(again, lock);
        assert!(again.forget("p", "a1"));
        assert!(!again.forget("p", "a1"));
        assert_eq!(again.managed("q").count(), 1);
        assert_eq!(again.managed("p").count(), 0);
    }

    #[test]
    fn a_damaged_lock_is_refused_with_its_line() {
        let text = "version = 1\n\n[[managed]]\nproject = \"p\"\nid = 7\n";
        let Err(FleetError::Manifest { line, message, .. }) = Lock::parse(text, "x.lock") else {
            panic!("accepted");
        };
        assert_eq!(line, Some(5), "{message}");
        assert!(message.contains("restore it from git"), "{message}");
        let Err(FleetError::Manifest { message, .. }) = Lock::parse("version = 2\n", "x.lock")
        else {
            panic!("accepted");
        };
        assert!(message.contains("lock version 2"), "{message}");
    }

    #[test]
    fn the_lock_of_a_manifest_sits_beside_it() {
        assert_eq!(
            Lock::path_for(Path::new("ops/fleek-agents.toml")),
            PathBuf::from("ops/fleek-agents.lock")
        );
        assert_eq!(
            Lock::path_for(Path::new("prod.toml")),
            PathBuf::from("prod.lock")
        );
    }
}
