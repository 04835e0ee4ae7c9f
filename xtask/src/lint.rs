//! `cargo xtask lint-spec`: Redocly and Spectral, at the versions pinned in
//! `openapi/package-lock.json`, with warnings counted as failures.

use std::process::Command;

use crate::codegen::SPEC;
use crate::{node_tools, root, run_command, Failure};

pub(crate) fn run() -> Result<(), Failure> {
    let bin = node_tools()?;

    // Redocly exits 0 on warnings; its JSON report counts them.
    run_command(
        Command::new(bin.join("redocly"))
            .args(["lint", SPEC, "--config", "openapi/redocly.yaml"])
            .env("REDOCLY_TELEMETRY", "off")
            .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true"),
    )?;
    let report = Command::new(bin.join("redocly"))
        .args([
            "lint",
            SPEC,
            "--config",
            "openapi/redocly.yaml",
            "--format",
            "json",
        ])
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .current_dir(root())
        .output()
        .map_err(|e| format!("could not start redocly: {e}"))?;
    let totals: serde_json::Value = serde_json::from_slice(&report.stdout)
        .map_err(|e| format!("redocly's JSON report did not parse: {e}"))?;
    let count = |key: &str| totals["totals"][key].as_u64().unwrap_or(u64::MAX);
    let (errors, warnings) = (count("errors"), count("warnings"));
    if errors != 0 || warnings != 0 {
        return Err(format!(
            "redocly found {errors} error(s) and {warnings} warning(s) (listed above)"
        ));
    }

    run_command(Command::new(bin.join("spectral")).args([
        "lint",
        SPEC,
        "--ruleset",
        "openapi/.spectral.yaml",
        "--fail-severity",
        "warn",
    ]))?;
    println!("lint-spec: Redocly and Spectral found no errors and no warnings");
    Ok(())
}
