//! `cargo xtask schemathesis`: Schemathesis (PyPI, pinned below, installed into a virtual
//! environment under the target directory on first use) against `fleek-agents simulate`, in
//! its plain and its quirks profile:
//! generated requests for every operation, every check, with the exceptions (and their
//! reasons) in `openapi/schemathesis.toml`. Fails on any failure. The seed is fixed so that
//! a run can be repeated; `SCHEMATHESIS_SEED` picks another.

use std::process::{Child, Command, Stdio};

use crate::codegen::SPEC;
use crate::{run_command, Failure};

/// The pinned version.
const VERSION: &str = "4.32.5";
/// How many examples per operation and phase.
const EXAMPLES: &str = "50";

pub(crate) fn run() -> Result<(), Failure> {
    let st = install()?;
    let seed = std::env::var("SCHEMATHESIS_SEED").unwrap_or_else(|_| "1".into());
    // The plain profile, then the quirks profile (the guide's shapes, 201 and 204).
    for profile in [&[][..], &["--quirks"][..]] {
        let mut sim = Simulator::start(profile)?;
        let result = run_command(
            Command::new(&st)
                .args([
                    "--config-file",
                    "openapi/schemathesis.toml",
                    "run",
                    SPEC,
                    "--url",
                ])
                .arg(&sim.url)
                .args(["-H", &format!("X-Api-Key: {}", sim.key)])
                // Every check is on by default; naming them with `--checks` would override
                // the per-operation exceptions of the config file.
                .args(["--max-examples", EXAMPLES])
                .args(["--workers", "2", "--seed"])
                .arg(&seed),
        );
        sim.stop();
        result?;
        println!(
            "schemathesis {VERSION}: no failure against the simulator {profile:?} (seed {seed})"
        );
    }
    Ok(())
}

/// The `st` executable of the pinned version, installing it when missing.
fn install() -> Result<std::path::PathBuf, Failure> {
    let pin = format!("schemathesis=={VERSION}");
    Ok(crate::pip_tools("schemathesis", &[&pin])?.join("st"))
}

/// `fleek-agents simulate` on a free port, and what it printed.
struct Simulator {
    child: Child,
    url: String,
    key: String,
}

impl Simulator {
    /// `fleek-agents simulate` with `extra` arguments (a profile).
    fn start(extra: &[&str]) -> Result<Simulator, Failure> {
        let mut child = crate::cargo_run_cli(&[
            "--bin",
            "fleek-agents",
            "--",
            "simulate",
            // Agents run (nearly) as soon as they are published, so that a short scenario (create,
            // publish, then start, stop, the proxy) meets a running agent.
            "--boot-time",
            "1ms",
            // Every project with a saved card and a subscription: the billing operations
            // meet real ids (see openapi/schemathesis.toml).
            "--provisioned",
        ])
        .args(extra)
        .current_dir(crate::root())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("could not start fleek-agents simulate: {e}"))?;
        let announced = crate::simulator_env(&mut child);
        let mut sim = Simulator {
            child,
            url: String::new(),
            key: String::new(),
        };
        match announced {
            Ok((url, key)) => {
                sim.url = url;
                sim.key = key;
                Ok(sim)
            }
            Err(e) => {
                sim.stop();
                Err(e)
            }
        }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
