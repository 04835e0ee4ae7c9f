//! Every code sample the reference shows (`openapi/code-samples.json`, generated from the
//! spec by `cargo xtask codegen`), run as printed by `sh` against a simulator where the
//! spec's example ids exist (`Simulator::builder().examples(true)`): the `curl` ones with
//! the system's curl, the `fleek-agents` ones with this build on `PATH`. A sample that no
//! longer works fails here, naming its operation.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use super::{config_dir, scratch};
use fleek_api::sim::Simulator;

const SAMPLES: &str = include_str!("../../../../openapi/code-samples.json");
const SPEC: &str = include_str!("../../../../openapi/fleek-api.yaml");

/// Runs `script` with `sh` in `dir`, the simulator's URL and key in the environment and
/// this build's `fleek-agents` first on `PATH`; `Err` with what it printed otherwise.
fn run(script: &str, dir: &Path, sim: &Simulator) -> Result<(), String> {
    let binary = Path::new(env!("CARGO_BIN_EXE_fleek-agents"));
    let bin_dir = binary.parent().expect("the binary's directory");
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .args(["-e", "-c", script])
        .current_dir(dir)
        .env("PATH", path)
        .env("FLEEK_API_URL", sim.base_url())
        .env("FLEEK_API_KEY", sim.api_key())
        .env("FLEEK_KEYRING", "off")
        .env("FLEEK_CONFIG_DIR", config_dir())
        .env_remove("FLEEK_PROJECT_ID")
        .env_remove("FLEEK_PROFILE")
        .output()
        .map_err(|e| format!("sh: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_curl_and_fleek_agents_sample_runs_as_printed() {
    let samples: Vec<Value> = serde_json::from_str(SAMPLES).expect("the samples");
    // Every operation has its samples, but the proxy's `PUT`, `PATCH` and `DELETE`: the
    // spec gives the path inside the agent an example for `GET` and `POST` only (Eliza's
    // API has no `PUT` or `PATCH` route, and its one `DELETE` stops the agent).
    for line in SPEC.lines() {
        let Some(id) = line.trim().strip_prefix("operationId: ") else {
            continue;
        };
        let has = samples.iter().any(|s| s["operation"] == id);
        let proxy_write = ["proxy_put", "proxy_patch", "proxy_delete"].contains(&id);
        assert_eq!(
            has, !proxy_write,
            "{id}: samples in openapi/code-samples.json"
        );
    }
    let mut failures = Vec::new();
    for sample in &samples {
        let operation = sample["operation"].as_str().expect("an operation");
        for kind in ["curl", "cli"] {
            let script = sample[kind].as_str().expect("a script");
            assert!(
                !script.contains("'<") && !script.contains("/<"),
                "{operation} {kind}: a placeholder, not the spec's example:\n{script}"
            );
            // A fresh simulator each, the example agent booted: each sample meets the
            // state the reference describes, whatever the one before it did.
            let sim = Simulator::builder()
                .boot_time(Duration::from_millis(1))
                .examples(true)
                .start()
                .await
                .expect("the simulator starts");
            sim.advance(Duration::from_secs(1));
            let dir = scratch(&format!("sample-{operation}-{kind}"));
            let script = script.to_string();
            let result = tokio::task::block_in_place(|| run(&script, &dir, &sim));
            if let Err(why) = result {
                failures.push(format!("{operation} ({kind}):\n{script}\n→ {why}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} samples failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
