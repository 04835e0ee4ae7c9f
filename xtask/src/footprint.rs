//! `cargo xtask footprint`: what `fleek-api` costs a consumer, beside bare `reqwest`.
//!
//! Three tiny release binaries that fetch one agent:
//! - `fleek`: through `fleek-api` with its default features (or the backend's);
//! - `bare`: through bare `reqwest` (json, the same TLS backend) with serde and tokio;
//! - `deps`: the bare one, also linking a crate that has exactly `fleek-api`'s dependencies
//!   (read from `cargo metadata`) and no code. It splits the difference in two: what the
//!   dependencies cost, and what the crate's own code costs.
//!
//! Each is built from an empty target directory, the three taking turns in rounds (the
//! order rotates every round), and the table gives the crates compiled, the cold build time
//! (each round's, then the fastest and the median) and the stripped binary's size, with the
//! ratios to bare reqwest. All use this workspace's `Cargo.lock`, so they compile the same
//! versions.
//!
//! `--tls aws-lc-rs|ring|native-tls|all` picks the backend (aws-lc-rs by default, the
//! crate's default); `--rounds N` (2 by default). A round takes minutes on a small machine.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::{root, Failure};

/// A TLS backend: its name, `fleek-api`'s features, bare reqwest's dependency lines, and
/// the optional dependencies of `fleek-api` that its feature turns on.
struct Tls {
    name: &'static str,
    fleek_features: &'static str,
    bare_dependencies: &'static str,
    bare_setup: &'static str,
    fleek_optional: &'static [&'static str],
}

const BACKENDS: &[Tls] = &[
    Tls {
        name: "aws-lc-rs",
        fleek_features: "default-features = true",
        bare_dependencies: r#"reqwest = { version = "0.13", default-features = false, features = ["json", "rustls"] }"#,
        bare_setup: "",
        fleek_optional: &[],
    },
    Tls {
        name: "ring",
        fleek_features: r#"default-features = false, features = ["rustls-ring"]"#,
        bare_dependencies: r#"reqwest = { version = "0.13", default-features = false, features = ["json", "rustls-no-provider"] }
rustls = { version = "0.23", default-features = false, features = ["ring", "std"] }"#,
        bare_setup: "    let _ = rustls::crypto::ring::default_provider().install_default();\n",
        fleek_optional: &["rustls", "rustls-platform-verifier"],
    },
    Tls {
        name: "native-tls",
        fleek_features: r#"default-features = false, features = ["native-tls"]"#,
        bare_dependencies: r#"reqwest = { version = "0.13", default-features = false, features = ["json", "native-tls"] }"#,
        bare_setup: "",
        fleek_optional: &[],
    },
];

const FLEEK_MAIN: &str = r#"use fleek_api::Call;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).unwrap_or_else(|| "https://api.fleek.xyz".into());
    let client = fleek_api::Client::builder().api_key("key").base_url(url).build()?;
    let agent = client.get_agent().agent_id("a1").call().await?;
    println!("{} {}", agent.name, agent.status);
    Ok(())
}
"#;

const BARE_MAIN: &str = r#"#[derive(serde::Deserialize)]
struct Agent {
    name: String,
    status: String,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
SETUP    let url = std::env::args().nth(1).unwrap_or_else(|| "https://api.fleek.xyz".into());
    let client = reqwest::Client::builder().build()?;
    let agent: Agent = client
        .get(format!("{url}/api/v1/ai-agents/a1"))
        .header("x-api-key", "key")
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    println!("{} {}", agent.name, agent.status);
    Ok(())
}
"#;

const PROFILE: &str = "[profile.release]\nstrip = true\n\n[workspace]\n";

/// One consumer's measures.
#[derive(Default)]
struct Measures {
    crates: usize,
    seconds: Vec<f64>,
    bytes: u64,
}

pub(crate) fn run(args: &[&str]) -> Result<(), Failure> {
    let mut rounds = 2;
    let mut backends: Vec<&Tls> = vec![&BACKENDS[0]];
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match *arg {
            "--rounds" => rounds = crate::stats::rounds(&mut args)?,
            "--tls" => {
                let name = args.next().ok_or("--tls takes a backend name")?;
                backends = match *name {
                    "all" => BACKENDS.iter().collect(),
                    name => vec![BACKENDS.iter().find(|b| b.name == name).ok_or_else(|| {
                        format!("no TLS backend {name}: aws-lc-rs, ring, native-tls or all")
                    })?],
                };
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let base = crate::target_dir().join("footprint");
    let lock = root().join("Cargo.lock");
    let fleek_api = root().join("fleek-api");
    let mut report = String::new();
    for tls in backends {
        let dir = base.join(tls.name);
        let tokio = r#"tokio = { version = "1", features = ["macros", "rt"] }"#;
        let bare_dependencies = format!(
            "{}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n{tokio}",
            tls.bare_dependencies
        );
        let bare_main = BARE_MAIN.replace("SETUP", tls.bare_setup);
        let fleek = consumer(
            &dir.join("fleek"),
            &format!(
                "fleek-api = {{ path = {:?}, {} }}\n{tokio}",
                fleek_api.display(),
                tls.fleek_features
            ),
            FLEEK_MAIN,
            &lock,
        )?;
        let bare = consumer(&dir.join("bare"), &bare_dependencies, &bare_main, &lock)?;
        let deps_crate = dependencies_only(&dir.join("fleek-api-dependencies"), tls)?;
        let deps = consumer(
            &dir.join("deps"),
            &format!(
                "{bare_dependencies}\nfleek-api-dependencies = {{ path = {:?} }}",
                deps_crate.display()
            ),
            &format!("use fleek_api_dependencies as _;\n{bare_main}"),
            &lock,
        )?;
        let mut sides = [
            (fleek, Measures::default()),
            (bare, Measures::default()),
            (deps, Measures::default()),
        ];
        for round in 0..rounds {
            // The order rotates: each side goes first, second and third in turn.
            for turn in 0..sides.len() {
                let (crate_dir, measures) = &mut sides[(round + turn) % 3];
                let seconds = cold_build(crate_dir)?;
                println!(
                    "{} round {}: {} built in {seconds:.1} s",
                    tls.name,
                    round + 1,
                    crate_dir
                        .file_name()
                        .and_then(|n| n.to_str())
                        .unwrap_or("?")
                );
                measures.seconds.push(seconds);
            }
        }
        for (crate_dir, measures) in &mut sides {
            measures.crates = crates(crate_dir)?;
            measures.bytes = fs::metadata(crate_dir.join("target/release/consumer"))
                .map_err(|e| format!("no binary in {}: {e}", crate_dir.display()))?
                .len();
        }
        let [(_, ours), (_, theirs), (_, deps)] = &sides;
        report.push_str(&table(tls.name, ours, theirs, deps));
    }
    print!("{report}");
    Ok(())
}

/// A library crate with `fleek-api`'s normal dependencies (those the backend's feature
/// turns on included) as `cargo metadata` reports them, and no code.
fn dependencies_only(dir: &Path, tls: &Tls) -> Result<PathBuf, Failure> {
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--no-deps", "--format-version", "1", "--quiet"])
        .current_dir(root())
        .output()
        .map_err(|e| format!("could not start cargo metadata: {e}"))?;
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cargo metadata printed no JSON: {e}"))?;
    let package = metadata["packages"]
        .as_array()
        .and_then(|packages| packages.iter().find(|p| p["name"] == "fleek-api"))
        .ok_or("cargo metadata lists no fleek-api package")?;
    let mut lines = Vec::new();
    for dependency in package["dependencies"].as_array().into_iter().flatten() {
        let name = dependency["name"].as_str().unwrap_or_default();
        let normal = dependency["kind"].is_null();
        let optional = dependency["optional"].as_bool().unwrap_or(false);
        if !normal || (optional && !tls.fleek_optional.contains(&name)) {
            continue;
        }
        let features: Vec<String> = dependency["features"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str())
            .map(|f| format!("{f:?}"))
            .collect();
        lines.push(format!(
            "{name} = {{ version = {:?}, default-features = {}, features = [{}] }}",
            dependency["req"].as_str().unwrap_or("*"),
            dependency["uses_default_features"]
                .as_bool()
                .unwrap_or(true),
            features.join(", ")
        ));
    }
    if lines.is_empty() {
        return Err("fleek-api has no dependencies in cargo metadata".into());
    }
    write_crate(
        dir,
        &format!(
            "[package]\nname = \"fleek-api-dependencies\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n{}\n",
            lines.join("\n")
        ),
        ("lib.rs", "//! fleek-api's dependencies, and no code.\n"),
    )?;
    Ok(dir.to_path_buf())
}

/// Writes `Cargo.toml` and one source file, `src/<name>`, into `dir`.
fn write_crate(dir: &Path, manifest: &str, (name, source): (&str, &str)) -> Result<(), Failure> {
    let write = |path: PathBuf, text: &str| {
        fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    fs::create_dir_all(dir.join("src"))
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    write(dir.join("Cargo.toml"), manifest)?;
    write(dir.join("src").join(name), source)
}

/// Writes a consumer crate (its target directory left alone until the build empties it).
fn consumer(dir: &Path, dependencies: &str, main: &str, lock: &Path) -> Result<PathBuf, Failure> {
    write_crate(
        dir,
        &format!(
            "[package]\nname = \"consumer\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n{dependencies}\n\n{PROFILE}"
        ),
        ("main.rs", main),
    )?;
    fs::copy(lock, dir.join("Cargo.lock")).map_err(|e| format!("cannot copy the lockfile: {e}"))?;
    Ok(dir.to_path_buf())
}

/// A release build from an empty target directory, in seconds.
fn cold_build(dir: &Path) -> Result<f64, Failure> {
    let target = dir.join("target");
    if target.exists() {
        fs::remove_dir_all(&target)
            .map_err(|e| format!("cannot empty {}: {e}", target.display()))?;
    }
    let started = Instant::now();
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .status()
        .map_err(|e| format!("could not start cargo: {e}"))?;
    if !status.success() {
        return Err(format!("the build in {} failed ({status})", dir.display()));
    }
    Ok(started.elapsed().as_secs_f64())
}

/// How many crates the consumer compiles (its normal dependency tree, itself included).
fn crates(dir: &Path) -> Result<usize, Failure> {
    let output = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--edges",
            "normal,build",
            "--prefix",
            "none",
            "--quiet",
        ])
        .current_dir(dir)
        .output()
        .map_err(|e| format!("could not start cargo tree: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let mut names: Vec<&str> = text
        .lines()
        .map(|line| line.trim_end_matches(" (*)"))
        .filter(|line| !line.is_empty())
        .collect();
    names.sort_unstable();
    names.dedup();
    Ok(names.len())
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

fn table(tls: &str, ours: &Measures, theirs: &Measures, deps: &Measures) -> String {
    let fastest = |m: &Measures| m.seconds.iter().copied().fold(f64::INFINITY, f64::min);
    let rounds = |m: &Measures| {
        m.seconds
            .iter()
            .map(|s| format!("{s:.1}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mb = |m: &Measures| m.bytes as f64 / 1_000_000.0;
    let row = |what: &str, value: &dyn Fn(&Measures) -> f64, unit: &str, digits: usize| {
        format!(
            "| {what} | {:.digits$}{unit} | {:.digits$}{unit} | {:.digits$}{unit} | {:.3}× | {:.3}× |\n",
            value(ours),
            value(theirs),
            value(deps),
            value(ours) / value(theirs),
            value(deps) / value(theirs),
        )
    };
    let mut out = format!(
        "\nTLS {tls}: a consumer fetching one agent, release, stripped\n\
         | | fleek-api | bare reqwest | bare + fleek-api's dependencies | fleek-api / bare | dependencies / bare |\n\
         | --- | --- | --- | --- | --- | --- |\n"
    );
    out.push_str(&row("crates compiled", &|m| m.crates as f64, "", 0));
    out.push_str(&row("cold build, fastest round", &fastest, " s", 1));
    out.push_str(&row(
        "cold build, median of rounds",
        &|m| median(&m.seconds),
        " s",
        1,
    ));
    out.push_str(&format!(
        "| cold build, each round | {} s | {} s | {} s | | |\n",
        rounds(ours),
        rounds(theirs),
        rounds(deps)
    ));
    out.push_str(&row("stripped binary", &mb, " MB", 2));
    out
}
