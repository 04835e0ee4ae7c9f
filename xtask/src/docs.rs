//! `cargo xtask docs`: the spec rendered as the API's reference page.

use std::process::Command;

use serde_yaml::Value;

use crate::codegen::{CODE_SAMPLES, SPEC};
use crate::{node_tools, run_command, Failure};

/// `cargo xtask docs`: the spec as one static HTML page (Redocly's `build-docs`), written
/// under the target directory; nothing is opened. The page is built from a bundle of the
/// spec with each operation's generated samples as `x-codeSamples` (tabs in the reference),
/// so that the hand-written spec holds none.
pub(crate) fn run() -> Result<(), Failure> {
    let bin = node_tools()?;
    let dir = crate::target_dir().join("api-reference");
    let out = dir.join("index.html");
    let bundle = dir.join("fleek-api.bundled.yaml");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    std::fs::write(&bundle, with_samples()?).map_err(|e| format!("{}: {e}", bundle.display()))?;
    run_command(
        Command::new(bin.join("redocly"))
            .arg("build-docs")
            .arg(&bundle)
            .args(["--config", "openapi/redocly.yaml", "--output"])
            .arg(&out)
            .env("REDOCLY_TELEMETRY", "off")
            .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true"),
    )?;
    println!("API reference: {}", out.display());
    Ok(())
}

/// The spec with `x-codeSamples` on every operation, from `openapi/code-samples.json`.
fn with_samples() -> Result<String, Failure> {
    let read = |file: &str| {
        std::fs::read_to_string(crate::root().join(file)).map_err(|e| format!("{file}: {e}"))
    };
    let mut spec: Value = serde_yaml::from_str(&read(SPEC)?).map_err(|e| format!("{SPEC}: {e}"))?;
    let samples: Vec<serde_json::Value> =
        serde_json::from_str(&read(CODE_SAMPLES)?).map_err(|e| format!("{CODE_SAMPLES}: {e}"))?;
    let paths = spec
        .get_mut("paths")
        .and_then(Value::as_mapping_mut)
        .ok_or_else(|| format!("{SPEC} has no paths"))?;
    let mut placed = 0;
    for (_, item) in paths.iter_mut() {
        let Some(item) = item.as_mapping_mut() else {
            continue;
        };
        for (_, operation) in item.iter_mut() {
            let Some(operation) = operation.as_mapping_mut() else {
                continue;
            };
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            // The generator leaves out what it cannot fill from the spec's examples (the
            // proxy's `PUT`, `PATCH` and `DELETE`; see fleek-api-gen's `samples`).
            let Some(sample) = samples.iter().find(|s| s["operation"] == id) else {
                continue;
            };
            let tab = |label: &str, lang: &str, source: &serde_json::Value| {
                serde_yaml::to_value(serde_json::json!({
                    "lang": lang, "label": label, "source": source
                }))
            };
            let tabs = vec![
                tab("Rust", "Rust", &sample["rust"]).map_err(|e| e.to_string())?,
                tab("fleek-agents", "Shell", &sample["cli"]).map_err(|e| e.to_string())?,
                tab("curl", "Shell", &sample["curl"]).map_err(|e| e.to_string())?,
            ];
            operation.insert(Value::from("x-codeSamples"), Value::Sequence(tabs));
            placed += 1;
        }
    }
    println!("{placed} operations with code samples");
    serde_yaml::to_string(&spec).map_err(|e| e.to_string())
}
