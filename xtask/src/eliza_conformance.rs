//! `cargo xtask eliza-conformance`: judges every character file of `conformance/eliza/` (a
//! corpus of real files from public repositories, and probes written for each rule) with
//! Eliza 0.1.9's own schema (`CharacterSchema` of the pinned `@elizaos/core@0.1.9`, run by
//! `judge.mjs` under node) and with `fleek-agents validate -o json`, and fails where they
//! differ:
//!
//! - the verdict: the crate finds a problem of Eliza's rules exactly when Eliza refuses;
//! - the paths: every path Eliza names is one of the crate's (for a union Eliza names the
//!   union, e.g. `$.plugins`; the crate may name the part of it that is wrong,
//!   `$.plugins[1]`);
//! - the enums: Eliza's model providers and clients are `conformance/eliza/enums.json`, which
//!   the crate's unit tests compare with its own lists; and a probe per name checks that the
//!   crate takes each one.
//!
//! The npm install (about 360 MB) is cached under the target directory, keyed by the
//! lockfile, so only the first run downloads it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

use crate::{root, run_command, target_dir, Failure};

const DIR: &str = "conformance/eliza";

/// What `judge.mjs` writes.
#[derive(Deserialize)]
struct Judged {
    enums: Enums,
    verdicts: Vec<Verdict>,
}

#[derive(Deserialize, serde::Serialize, PartialEq, Debug)]
#[serde(rename_all = "camelCase")]
struct Enums {
    model_provider: Vec<String>,
    clients: Vec<String>,
}

#[derive(Deserialize)]
struct Verdict {
    file: PathBuf,
    valid: bool,
    issues: Vec<Issue>,
}

#[derive(Deserialize)]
struct Issue {
    path: String,
    code: String,
    message: String,
}

/// One file as `fleek-agents validate -o json` reports it.
#[derive(Deserialize)]
struct Checked {
    file: PathBuf,
    eliza: bool,
    error: Option<String>,
    problems: Vec<Problem>,
}

#[derive(Deserialize)]
struct Problem {
    rules: String,
    path: String,
    message: String,
}

pub(crate) fn run() -> Result<(), Failure> {
    let root = root();
    let work = target_dir().join("eliza-conformance");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    install(&root.join(DIR), &work)?;

    let enums: Enums = read_json(&root.join(DIR).join("enums.json"))?;
    let mut files = sources_checked(&root.join(DIR).join("corpus"))?;
    files.extend(json_files(&root.join(DIR).join("probes"))?);
    files.extend(name_probes(
        &root.join(DIR).join("probes/ok-base.json"),
        &enums,
        &work,
    )?);

    let judged = judge(&work, &files)?;
    if judged.enums != enums {
        return Err(format!(
            "Eliza's enums differ from {DIR}/enums.json (which the crate's tests compare with \
             its own lists):\n  Eliza: {:?}\n  file:  {enums:?}",
            judged.enums
        ));
    }
    let checked = validate(&files)?;

    let mut failures = Vec::new();
    let (mut valid, mut refused) = (0, 0);
    for verdict in &judged.verdicts {
        let name = verdict
            .file
            .strip_prefix(&root)
            .unwrap_or(&verdict.file)
            .display()
            .to_string();
        let Some(ours) = checked.get(&verdict.file) else {
            failures.push(format!("{name}: fleek-agents validate did not report it"));
            continue;
        };
        if let Some(error) = &ours.error {
            failures.push(format!("{name}: fleek-agents could not check it: {error}"));
            continue;
        }
        let ours_eliza: Vec<&Problem> = ours
            .problems
            .iter()
            .filter(|p| p.rules == "eliza")
            .collect();
        if verdict.valid {
            valid += 1;
        } else {
            refused += 1;
        }
        if ours.eliza != verdict.valid {
            failures.push(format!(
                "{name}: Eliza {}, the crate {}\n{}",
                if verdict.valid {
                    "takes it"
                } else {
                    "refuses it"
                },
                if ours.eliza { "takes it" } else { "refuses it" },
                explain(verdict, &ours_eliza)
            ));
            continue;
        }
        for issue in &verdict.issues {
            let named = ours_eliza.iter().any(|p| {
                p.path == issue.path
                    || (issue.code == "invalid_union" && is_inside(&p.path, &issue.path))
            });
            if !named {
                failures.push(format!(
                    "{name}: Eliza names {} ({}: {}), the crate does not\n{}",
                    issue.path,
                    issue.code,
                    issue.message,
                    explain(verdict, &ours_eliza)
                ));
            }
        }
    }
    println!(
        "eliza-conformance: {} files ({valid} Eliza takes, {refused} it refuses): {}",
        judged.verdicts.len(),
        if failures.is_empty() {
            "the crate agrees on every verdict and names every path Eliza names".to_string()
        } else {
            format!("{} disagreements", failures.len())
        }
    );
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n\n"))
    }
}

/// Whether `path` is `union` or inside it (`$.plugins[1]` inside `$.plugins`).
fn is_inside(path: &str, union: &str) -> bool {
    path.strip_prefix(union)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

fn explain(verdict: &Verdict, ours: &[&Problem]) -> String {
    let mut text = String::from("  Eliza:");
    for issue in &verdict.issues {
        text.push_str(&format!(
            "\n    {} ({}): {}",
            issue.path, issue.code, issue.message
        ));
    }
    text.push_str("\n  crate:");
    for problem in ours {
        text.push_str(&format!("\n    {}: {}", problem.path, problem.message));
    }
    text
}

/// `npm ci` of the pinned Eliza into `work`, unless the installed lockfile is the same.
fn install(dir: &Path, work: &Path) -> Result<(), Failure> {
    let lock = std::fs::read(dir.join("package-lock.json"))
        .map_err(|e| format!("{DIR}/package-lock.json: {e}"))?;
    let stamp = work.join("node_modules/.installed-lock.json");
    if std::fs::read(&stamp).is_ok_and(|installed| installed == lock) {
        return Ok(());
    }
    for file in ["package.json", "package-lock.json", "judge.mjs"] {
        std::fs::copy(dir.join(file), work.join(file))
            .map_err(|e| format!("copying {file} to {}: {e}", work.display()))?;
    }
    println!("eliza-conformance: installing @elizaos/core@0.1.9 (once, about 360 MB)");
    // `--ignore-scripts`: nothing of Eliza's needs to build; `sharp`, which Eliza imports
    // without listing it, is pinned beside it.
    run_command(Command::new("npm").args([
        "ci",
        "--prefix",
        &work.display().to_string(),
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        "--loglevel",
        "error",
    ]))?;
    std::fs::write(&stamp, lock).map_err(|e| format!("{}: {e}", stamp.display()))
}

fn judge(work: &Path, files: &[PathBuf]) -> Result<Judged, Failure> {
    // The script's copy in `work` is refreshed on each run, so that an edit is used.
    std::fs::copy(root().join(DIR).join("judge.mjs"), work.join("judge.mjs"))
        .map_err(|e| format!("copying judge.mjs: {e}"))?;
    let out = work.join("verdicts.json");
    let status = Command::new("node")
        .arg(work.join("judge.mjs"))
        .arg(&out)
        .args(files)
        .current_dir(work)
        // Eliza logs its settings to standard output when it loads.
        .stdout(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("could not start node: {e}"))?;
    if !status.success() {
        return Err(format!("node judge.mjs failed ({status})"));
    }
    read_json(&out)
}

/// Runs `fleek-agents validate -o json` on every file; its verdicts by file.
fn validate(files: &[PathBuf]) -> Result<BTreeMap<PathBuf, Checked>, Failure> {
    let output = crate::cargo_run_cli(&[
        "--bin",
        "fleek-agents",
        "--",
        "--output",
        "json",
        "validate",
    ])
    .args(files)
    .current_dir(root())
    .output()
    .map_err(|e| format!("could not start cargo: {e}"))?;
    // Exit 3 means some file has a problem, which most probes do.
    if !matches!(output.status.code(), Some(0 | 3)) {
        return Err(format!(
            "fleek-agents validate failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let checked: Vec<Checked> = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("fleek-agents validate -o json printed no JSON array: {e}"))?;
    Ok(checked.into_iter().map(|c| (c.file.clone(), c)).collect())
}

/// The corpus's files, each of which must have its source in `SOURCES.tsv` (and each source
/// its file).
fn sources_checked(corpus: &Path) -> Result<Vec<PathBuf>, Failure> {
    let sources = std::fs::read_to_string(corpus.join("SOURCES.tsv"))
        .map_err(|e| format!("{DIR}/corpus/SOURCES.tsv: {e}"))?;
    let mut listed = Vec::new();
    for (i, line) in sources.lines().enumerate().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields.as_slice() {
            [file, repository, path, commit]
                if repository.contains('/') && !path.is_empty() && commit.len() == 40 =>
            {
                listed.push(corpus.join(file));
            }
            _ => {
                return Err(format!(
                    "{DIR}/corpus/SOURCES.tsv line {}: expected file, repository, path and a \
                     40-digit commit, separated by tabs",
                    i + 1
                ))
            }
        }
    }
    let mut found = Vec::new();
    for entry in std::fs::read_dir(corpus).map_err(|e| format!("{}: {e}", corpus.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        if entry.path().is_dir() {
            found.extend(json_files(&entry.path())?);
        }
    }
    found.sort();
    listed.sort();
    if found != listed {
        let unlisted: Vec<_> = found.iter().filter(|f| !listed.contains(f)).collect();
        let missing: Vec<_> = listed.iter().filter(|f| !found.contains(f)).collect();
        return Err(format!(
            "{DIR}/corpus/SOURCES.tsv does not match the corpus: files without a source \
             {unlisted:?}, sources without a file {missing:?}"
        ));
    }
    Ok(found)
}

fn json_files(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// A probe per model provider and per client Eliza knows: the base probe with that name.
fn name_probes(base: &Path, enums: &Enums, work: &Path) -> Result<Vec<PathBuf>, Failure> {
    let base: serde_json::Value = read_json(base)?;
    let dir = work.join("name-probes");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files = Vec::new();
    let edits = enums
        .model_provider
        .iter()
        .map(|p| ("modelProvider", p, serde_json::json!(p)))
        .chain(
            enums
                .clients
                .iter()
                .map(|c| ("clients", c, serde_json::json!([c]))),
        );
    for (field, name, value) in edits {
        let mut probe = base.clone();
        probe[field] = value;
        let file = dir.join(format!("{field}-{name}.json"));
        std::fs::write(&file, probe.to_string()).map_err(|e| format!("{}: {e}", file.display()))?;
        files.push(file);
    }
    Ok(files)
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, Failure> {
    let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::is_inside;

    #[test]
    fn a_path_inside_a_union() {
        assert!(is_inside("$.plugins", "$.plugins"));
        assert!(is_inside("$.plugins[1]", "$.plugins"));
        assert!(is_inside("$.plugins[0].name", "$.plugins"));
        assert!(!is_inside("$.pluginsExtra", "$.plugins"));
        assert!(!is_inside("$.bio", "$.plugins"));
    }
}
