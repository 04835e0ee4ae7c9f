//! The maintainers' commands. Run from anywhere in the repository:
//!
//! - `cargo xtask codegen` — regenerate every generated artifact from the spec
//!   (`fleek-api/src/generated.rs`, `generated_mock.rs`, `generated_enums.rs`, `cli/generated.rs`,
//!   `openapi/character.schema.json`), run
//!   the snapshot tests, and show every snapshot the change moved. `--accept` accepts them;
//!   `--check` changes nothing and fails when an artifact is stale or a snapshot differs
//!   (what CI runs).
//! - `cargo xtask lint-spec` — lint the spec with Redocly and Spectral (pinned in
//!   `openapi/package.json`), failing on any error or warning.
//! - `cargo xtask lint-ci` — shellcheck and actionlint over the release scripts, the
//!   workflows and the guide's CI job (docs/src/ci.md).
//! - `cargo xtask contract` — start Prism as a validating mock of the spec on 127.0.0.1 and
//!   drive every operation through the client against it.
//! - `cargo xtask docs` — render the spec into one static HTML page under the target
//!   directory (`CARGO_TARGET_DIR` when set, as every command here honours it).
//! - `cargo xtask drift FILE` — compare the spec with Fleek's own OpenAPI document and fail
//!   on any difference `openapi/drift-known.yaml` does not explain.
//! - `cargo xtask verify-live` — call every read-only operation of the real API (needs
//!   `FLEEK_API_KEY`) and check each answer against the spec.
//! - `cargo xtask footprint` — what `fleek-api` costs a consumer beside bare `reqwest`, and
//!   how much of that its dependencies cost: crates, cold build time, stripped size, in
//!   rounds.
//! - `cargo xtask modules` — print the import graph of `fleek-api`'s modules and fail on any
//!   cycle but `generated ↔ hooks`.
//! - `cargo xtask eliza-conformance` — judge the character files of `conformance/eliza/` with
//!   Eliza 0.1.9's own schema and with `fleek-agents validate`, and fail where they differ.
//! - `cargo xtask release-size` — `fleek-agents` built with each profile (`release`, `dist`):
//!   stripped size, and the time of `--help` and `validate`, in interleaved rounds.
//! - `cargo xtask dist` — the release archive of `fleek-agents` for one target, its checksum
//!   and the installers, as the release workflow makes them; `--check` tests them.
//! - `cargo xtask fleet-bench` — a fleet on the simulator: the shell loop of `deploy` beside
//!   `fleet apply`, and a no-op `fleet plan`: wall time and requests.
//! - `cargo xtask msrv` — fail when a crate `fleek-api` compiles declares a `rust-version`
//!   newer than `fleek-api`'s.

mod codegen;
mod conform;
mod contract;
mod dist;
mod dist_check;
mod docs;
mod drift;
mod eliza_conformance;
mod fleet_bench;
mod footprint;
mod lint;
mod lint_ci;
mod man;
mod mcp_clients;
mod modules;
mod msrv;
mod openapi;
mod release_size;
mod schemathesis;
mod sim_bench;
mod snapshots;
mod stats;
mod verify_live;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen [--check | --accept]   regenerate fleek-api's generated files and the character
                                 schema from openapi/fleek-api.yaml and run the snapshot tests;
                                 --accept accepts changed snapshots; --check changes nothing
                                 and fails if anything is stale or pending
  lint-spec                      lint the spec with Redocly and Spectral (pinned versions)
  lint-ci                        shellcheck the installer, the Action's script and .ci/run;
                                 actionlint the workflows and the guide's CI job (pinned,
                                 installed in a venv under the target dir)
  contract                       run every operation against Prism, a validating mock of the spec
  docs [--check] [--screenshot]  build the guide (docs/, mdBook) and the reference (the spec,
                                 Redocly) into one site, <target dir>/site; --check opens it
                                 in headless Chromium (every operation and its samples, every
                                 page and link); --screenshot also writes the guide's picture
                                 of one operation (docs/src/images/reference-operation.png)
  drift FILE                     compare the spec with Fleek's own OpenAPI document (JSON or
                                 YAML, saved from the live API); fail on any difference
                                 openapi/drift-known.yaml does not explain
  verify-live                    call every read-only operation of the real API (needs
                                 FLEEK_API_KEY; FLEEK_API_URL, FLEEK_PROJECT_ID and
                                 FLEEK_AGENT_ID are optional) and check each answer against
                                 the spec; fail on any departure
  modules                        print fleek-api's module import graph; fail on a cycle
                                 other than generated <-> hooks
  msrv                           fail if a crate fleek-api compiles (every feature) declares a
                                 rust-version newer than fleek-api's
  eliza-conformance              judge conformance/eliza/ (real character files and probes)
                                 with Eliza 0.1.9's own schema (pinned @elizaos/core, run by
                                 node) and with `fleek-agents validate`; fail where they differ
  schemathesis                   run Schemathesis (pinned; installed in a venv under the target
                                 dir) against `fleek-agents simulate`; fail on any failure
  mcp-clients [--measure [N]]    `fleek-agents mcp` driven by the Python MCP SDK and the MCP
                                 Inspector (pinned) against the simulator; --measure: the size
                                 of tools/list, start-up, a list_agents round trip beside a
                                 bare HTTP client, interleaved
  sim-bench [--rounds N]         the simulator beside Prism's mock of the spec, interleaved:
                                 start to first answer, get_agent req/s, resident memory
  fleet-bench [--rounds N] [--agents N]
                                 N agents (50) on the simulator: the shell loop of deploy beside
                                 fleet apply, then a fleet plan with nothing to do; wall time
                                 and requests served, in alternating rounds
  release-size [--rounds N] [--profiles a,b]
                                 build fleek-agents (cli, and cli,sim) with each profile
                                 (release and dist by default), strip it; its size, and the
                                 time of --help and validate, in interleaved rounds
  dist [--target T] [--build-with cargo|cross] [--base-url URL] [--tag vX.Y.Z] [--check]
                                 build fleek-agents (dist profile, cli,sim) for a target and
                                 pack the release archive, its .sha256 and the installers into
                                 <target dir>/distrib, as the release workflow does; --check
                                 tests the archive, the installer (against a mirror on
                                 127.0.0.1: good, corrupted, unknown version) and the Action
  man                            write a man page per fleek-agents command (clap_mangen) into
                                 <target>/man
  footprint [--tls T] [--rounds N]
                                 build a tiny fleek-api consumer, a tiny bare-reqwest one and
                                 the bare one with fleek-api's dependencies, from empty target
                                 dirs; compare crates, cold build time and stripped size
                                 (T: aws-lc-rs, ring, native-tls or all)";

/// A failed command: what went wrong, for the maintainer.
type Failure = String;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["codegen"] => codegen::run(codegen::Mode::Write),
        ["codegen", "--accept"] => codegen::run(codegen::Mode::Accept),
        ["codegen", "--check"] => codegen::run(codegen::Mode::Check),
        ["lint-spec"] => lint::run(),
        ["lint-ci"] => lint_ci::run(),
        ["contract"] => contract::run(),
        ["docs"] => docs::run(docs::Mode::Build),
        ["docs", "--check"] => docs::run(docs::Mode::Check),
        ["docs", "--screenshot"] => docs::run(docs::Mode::Screenshot),
        ["modules"] => modules::run(),
        ["msrv"] => msrv::run(),
        ["drift", rest @ ..] => drift::run(rest),
        ["verify-live"] => verify_live::run(),
        ["footprint", rest @ ..] => footprint::run(rest),
        ["eliza-conformance"] => eliza_conformance::run(),
        ["man"] => man::run(),
        ["schemathesis"] => schemathesis::run(),
        ["mcp-clients", rest @ ..] => mcp_clients::run(rest),
        ["sim-bench", rest @ ..] => sim_bench::run(rest),
        ["fleet-bench", rest @ ..] => fleet_bench::run(rest),
        ["release-size", rest @ ..] => release_size::run(rest),
        ["dist", rest @ ..] => dist::run(rest),
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown arguments {args:?}\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {failure}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: xtask's manifest lives one level below it.
pub(crate) fn root() -> PathBuf {
    // `cargo xtask` (cargo run) sets CARGO_MANIFEST_DIR when it runs the binary: that one,
    // not the one compiled in, which names whichever checkout built the binary first when
    // two checkouts share a target directory (cargo does not rebuild for a moved checkout).
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The target directory: `CARGO_TARGET_DIR` when set, else the workspace's `target/`.
pub(crate) fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root().join(dir)
            }
        }
        None => root().join("target"),
    }
}

/// `cargo run --quiet -p fleek-api --features cli,sim` and `target` (`--bin fleek-agents`,
/// `--example man`): what the CLI says, built as users build it with the simulator (one
/// feature set for every such run, so that they share one build).
fn cargo_run_cli(target: &[&str]) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .args(["run", "--quiet", "-p", "fleek-api", "--features", "cli,sim"])
        .args(target);
    command
}

/// A unified diff of `old` and `new`, for the terminal.
fn diff(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string()
}

/// Runs a command in the workspace root, failing with its name when it fails.
fn run_command(command: &mut std::process::Command) -> Result<(), Failure> {
    let status = command
        .current_dir(root())
        .status()
        .map_err(|e| format!("could not start {command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed ({status})"))
    }
}

/// The pinned npm tools (`openapi/package.json`), installed from the lockfile when missing;
/// returns their `bin` directory.
fn node_tools() -> Result<PathBuf, Failure> {
    npm_tools("openapi", &["redocly", "spectral", "prism"])
}

/// The npm tools pinned in `<prefix>/package-lock.json`, installed with `npm ci` unless
/// every one of `tools` is there; returns their `bin` directory.
pub(crate) fn npm_tools(prefix: &str, tools: &[&str]) -> Result<PathBuf, Failure> {
    let bin = root().join(prefix).join("node_modules/.bin");
    if !tools.iter().all(|tool| bin.join(tool).exists()) {
        run_command(std::process::Command::new("npm").args([
            "ci",
            "--prefix",
            prefix,
            "--no-audit",
            "--no-fund",
            "--loglevel",
            "error",
        ]))?;
    }
    Ok(bin)
}

/// The PyPI packages `pins` (`name==version`), installed with pip into a venv under the
/// target directory named after them (a new pin is a new venv), unless it is complete;
/// returns the venv's `bin` directory.
pub(crate) fn pip_tools(name: &str, pins: &[&str]) -> Result<PathBuf, Failure> {
    let key: Vec<String> = pins.iter().map(|pin| pin.replace("==", "-")).collect();
    let venv = target_dir().join(format!("{name}-venv-{}", key.join("-")));
    let bin = venv.join("bin");
    let marker = bin.join(".installed");
    if !marker.exists() {
        run_command(
            std::process::Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv),
        )?;
        run_command(
            std::process::Command::new(bin.join("pip"))
                .args(["install", "--quiet"])
                .args(pins),
        )?;
        std::fs::write(&marker, pins.join("\n"))
            .map_err(|e| format!("cannot mark {} installed: {e}", venv.display()))?;
    }
    Ok(bin)
}

/// The `FLEEK_API_URL=` and `FLEEK_API_KEY=` lines `fleek-agents simulate` prints first.
pub(crate) fn simulator_env(child: &mut std::process::Child) -> Result<(String, String), Failure> {
    use std::io::BufRead as _;
    let stdout = child
        .stdout
        .take()
        .ok_or("fleek-agents simulate has no stdout")?;
    let mut lines = std::io::BufReader::new(stdout).lines();
    let mut read = |prefix: &str| -> Result<String, Failure> {
        let line = lines
            .next()
            .ok_or_else(|| format!("fleek-agents simulate printed no {prefix} line"))?
            .map_err(|e| format!("reading fleek-agents simulate: {e}"))?;
        line.strip_prefix(prefix)
            .map(str::to_string)
            .ok_or_else(|| format!("expected {prefix}..., got {line:?}"))
    };
    Ok((read("FLEEK_API_URL=")?, read("FLEEK_API_KEY=")?))
}
