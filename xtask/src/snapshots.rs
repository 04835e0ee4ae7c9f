//! Pending insta snapshots (`*.snap.new`): listing, diffing, accepting, discarding.
//!
//! This is the part of `cargo insta review` the project needs, so that a fresh machine needs
//! no extra tool.

use std::fs;
use std::path::{Path, PathBuf};

use crate::{diff, root, Failure};

/// The directories that hold snapshots.
const SNAPSHOT_DIRS: &[&str] = &[
    "fleek-api-gen/tests/snapshots",
    "fleek-api/tests/it/snapshots",
];

pub(crate) struct Pending {
    new: PathBuf,
    accepted: PathBuf,
}

impl Pending {
    /// The change this snapshot makes, as a unified diff (metadata header included, since
    /// insta keeps it in the file).
    pub(crate) fn diff(&self) -> String {
        let old = fs::read_to_string(&self.accepted).unwrap_or_default();
        let new = fs::read_to_string(&self.new).unwrap_or_default();
        let name = relative(&self.accepted);
        if old.is_empty() {
            format!("new snapshot {name}:\n{new}\n")
        } else {
            diff(&old, &new, &name, &format!("{name}.new"))
        }
    }

    pub(crate) fn accept(&self) -> Result<(), Failure> {
        fs::rename(&self.new, &self.accepted)
            .map_err(|e| format!("cannot accept {}: {e}", self.new.display()))
    }
}

/// Every `.snap.new` file under the snapshot directories, in a stable order.
pub(crate) fn pending() -> Result<Vec<Pending>, Failure> {
    let mut found = Vec::new();
    for dir in SNAPSHOT_DIRS {
        let dir = root().join(dir);
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry
                .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
                .path();
            if let Some(accepted) = path.to_str().and_then(|p| p.strip_suffix(".new")) {
                if accepted.ends_with(".snap") {
                    found.push(Pending {
                        accepted: PathBuf::from(accepted),
                        new: path,
                    });
                }
            }
        }
    }
    found.sort_by(|a, b| a.new.cmp(&b.new));
    Ok(found)
}

/// Removes leftovers of an earlier run, so that what is listed afterwards is this run's.
pub(crate) fn discard_pending() -> Result<(), Failure> {
    for snapshot in pending()? {
        fs::remove_file(&snapshot.new)
            .map_err(|e| format!("cannot remove {}: {e}", snapshot.new.display()))?;
    }
    Ok(())
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}
