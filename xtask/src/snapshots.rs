//! Pending insta snapshots (`*.snap.new`): listing, diffing, accepting, discarding.
//!
//! This is the part of `cargo insta review` the project needs, so that a fresh machine needs
//! no extra tool.

use std::fs;
use std::path::{Path, PathBuf};

use crate::{diff, root, Failure};

/// The directories under which snapshots live (insta puts them in a `snapshots` directory
/// beside each test module's file, at any depth); searched whole, so that a snapshot of a new
/// test module is never missed.
const SNAPSHOT_ROOTS: &[&str] = &["fleek-api-gen/tests", "fleek-api/tests"];

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

/// Every `.snap.new` file under the snapshot roots, in a stable order.
pub(crate) fn pending() -> Result<Vec<Pending>, Failure> {
    let mut found = Vec::new();
    for dir in SNAPSHOT_ROOTS {
        collect(&root().join(dir), &mut found)?;
    }
    found.sort_by(|a, b| a.new.cmp(&b.new));
    Ok(found)
}

fn collect(dir: &Path, found: &mut Vec<Pending>) -> Result<(), Failure> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            collect(&path, found)?;
        } else if let Some(accepted) = path.to_str().and_then(|p| p.strip_suffix(".new")) {
            if accepted.ends_with(".snap") {
                found.push(Pending {
                    accepted: PathBuf::from(accepted),
                    new: path,
                });
            }
        }
    }
    Ok(())
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
