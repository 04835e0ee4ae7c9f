//! `cargo xtask msrv`: does every crate `fleek-api` compiles (with every feature) declare a
//! minimum Rust version no newer than `fleek-api`'s `rust-version`?
//!
//! Clippy's `incompatible_msrv` lint checks this crate's own use of the standard library
//! against `rust-version`; this checks the dependencies, as pinned by `Cargo.lock`. Neither
//! compiles with the old toolchain (which cannot be installed here): a crate that declares
//! no `rust-version` is listed, not judged.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

use crate::{root, Failure};

const PACKAGE: &str = "fleek-api";

/// `1.88`, `1.85.0` → (1, 88, 0).
fn version(text: &str) -> Option<(u64, u64, u64)> {
    let mut parts = text.trim().split('.').map(str::parse::<u64>);
    let major = parts.next()?.ok()?;
    let minor = parts.next().unwrap_or(Ok(0)).ok()?;
    let patch = parts.next().unwrap_or(Ok(0)).ok()?;
    Some((major, minor, patch))
}

pub(crate) fn run() -> Result<(), Failure> {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--all-features",
            "--locked",
        ])
        .current_dir(root())
        .output()
        .map_err(|e| format!("could not start cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let metadata: Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cargo metadata printed something that is not JSON: {e}"))?;

    let packages: BTreeMap<&str, &Value> = metadata["packages"]
        .as_array()
        .ok_or("cargo metadata lists no packages")?
        .iter()
        .filter_map(|p| Some((p["id"].as_str()?, p)))
        .collect();
    let root_id = packages
        .iter()
        .find(|(_, p)| p["name"] == PACKAGE && p["source"].is_null())
        .map(|(id, _)| *id)
        .ok_or("cargo metadata does not list fleek-api")?;
    let ours = packages[root_id]["rust_version"]
        .as_str()
        .and_then(version)
        .ok_or("fleek-api declares no rust-version")?;

    // The crates a build of fleek-api compiles: normal and build dependencies, transitively.
    let nodes: BTreeMap<&str, &Value> = metadata["resolve"]["nodes"]
        .as_array()
        .ok_or("cargo metadata has no resolve graph")?
        .iter()
        .filter_map(|n| Some((n["id"].as_str()?, n)))
        .collect();
    let mut reached = BTreeSet::new();
    let mut queue = vec![root_id];
    while let Some(id) = queue.pop() {
        let Some(node) = nodes.get(id) else { continue };
        for dep in node["deps"].as_array().into_iter().flatten() {
            let compiled = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|kind| kind["kind"].is_null() || kind["kind"] == "build");
            if let (true, Some(pkg)) = (compiled, dep["pkg"].as_str()) {
                if reached.insert(pkg) {
                    queue.push(pkg);
                }
            }
        }
    }

    let mut newer = Vec::new();
    let mut undeclared = Vec::new();
    for id in &reached {
        let Some(package) = packages.get(id) else {
            continue;
        };
        let name = format!(
            "{} {}",
            package["name"].as_str().unwrap_or("?"),
            package["version"].as_str().unwrap_or("?")
        );
        match package["rust_version"].as_str() {
            Some(declared) => match version(declared) {
                Some(v) if v > ours => newer.push(format!("{name} needs Rust {declared}")),
                Some(_) => {}
                None => undeclared.push(name),
            },
            None => undeclared.push(name),
        }
    }
    let (major, minor, _) = ours;
    println!(
        "{} crates compiled with every feature; {} declare a rust-version no newer than \
         {major}.{minor}; {} declare none",
        reached.len(),
        reached.len() - newer.len() - undeclared.len(),
        undeclared.len()
    );
    if !undeclared.is_empty() {
        println!("  without rust-version: {}", undeclared.join(", "));
    }
    if newer.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "these dependencies need a newer Rust than fleek-api's rust-version {major}.{minor}: \
             raise rust-version (a breaking change for users on older toolchains: say so in the \
             CHANGELOG) or pin an older version in Cargo.lock:\n  {}",
            newer.join("\n  ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::version;

    #[test]
    fn versions_compare_as_numbers() {
        assert_eq!(version("1.88"), Some((1, 88, 0)));
        assert_eq!(version("1.85.1"), Some((1, 85, 1)));
        assert!(version("1.100") > version("1.88"));
        assert_eq!(version("nightly"), None);
    }
}
