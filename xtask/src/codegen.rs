//! `cargo xtask codegen`: the spec → every generated artifact, then the snapshot tests.
//!
//! The artifacts: `fleek-api/src/generated.rs` (the client), `fleek-api/src/generated_mock.rs`
//! (the `mock` feature), `fleek-api/src/generated_enums.rs` (the open enums),
//! `fleek-api/src/cli/generated.rs` (the subcommands of the `cli`
//! feature's `fleek-agents`) and `openapi/character.schema.json` (from `fleek_api::character::Character`,
//! through the `character_schema` example, so that this tool never links the crate it
//! regenerates: a spec change that breaks the crate must not break the tool that undoes it).
//!
//! Only the snapshot tests run, with `--no-fail-fast`, so that every changed or new snapshot
//! is written and shown as a diff even when another test fails; the failures are listed after
//! the diffs. The whole suite is the README's test command.

use std::fs;
use std::process::{Command, Output};

use crate::{diff, root, snapshots, Failure};

pub(crate) const SPEC: &str = "openapi/fleek-api.yaml";
const GENERATED: &str = "fleek-api/src/generated.rs";
const GENERATED_MOCK: &str = "fleek-api/src/generated_mock.rs";
const GENERATED_CLI: &str = "fleek-api/src/cli/generated.rs";
const GENERATED_MCP: &str = "fleek-api/src/cli/mcp/generated.rs";
/// The MCP server's tools (definitions and policy), generated from the spec.
pub(crate) const MCP_TOOLS: &str = "fleek-api/src/cli/mcp/tools.json";
const GENERATED_ENUMS: &str = "fleek-api/src/generated_enums.rs";
const CHARACTER_SCHEMA: &str = "openapi/character.schema.json";
const SPEC_SCHEMA: &str = "fleek-api/src/sim/spec.schema.json";
/// Every operation's code samples (Rust, `fleek-agents`, `curl`), generated from the spec:
/// the reference renders them (`cargo xtask docs`) and the tests run them.
pub(crate) const CODE_SAMPLES: &str = "openapi/code-samples.json";
/// The Rust samples among them, compiled and run by the `samples` test.
const RUST_SAMPLES: &str = "fleek-api/tests/samples/generated.rs";

/// The tests that hold snapshots: (package, test binary, test name filters). Each runs as
/// its own `cargo test`, since a filter applies to every binary of one run. The `it`
/// filters: every operation's request, `fleek-agents`' help tree and its MCP server's tools.
const SNAPSHOT_TESTS: &[(&str, &str, &[&str])] = &[
    ("fleek-api-gen", "generate", &[]),
    (
        "fleek-api",
        "it",
        &[
            "requests::",
            "cli::help::the_help_tree",
            "cli::mcp::the_tool_list",
        ],
    ),
];

/// What `codegen` may change.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Write the generated artifacts; leave changed snapshots pending for review.
    Write,
    /// Write the generated artifacts and accept changed snapshots.
    Accept,
    /// Change nothing; fail if an artifact or a snapshot is out of date.
    Check,
}

pub(crate) fn run(mode: Mode) -> Result<(), Failure> {
    let spec_path = root().join(SPEC);
    let spec = fs::read_to_string(&spec_path)
        .map_err(|e| format!("cannot read {}: {e}", spec_path.display()))?;
    let generated = fleek_api_gen::generate(&spec).map_err(|e| format!("{SPEC}: {e}"))?;

    let mut stale = Vec::new();
    for (file, text) in [
        (GENERATED, &generated.client),
        (GENERATED_MOCK, &generated.mock),
        (GENERATED_CLI, &generated.cli),
        (GENERATED_ENUMS, &generated.enums),
        (SPEC_SCHEMA, &generated.json_schema),
        (CODE_SAMPLES, &generated.samples),
        (RUST_SAMPLES, &generated.rust_samples),
        (GENERATED_MCP, &generated.mcp),
        (MCP_TOOLS, &generated.mcp_tools),
    ] {
        stale.extend(write_generated(mode, file, text)?);
    }
    let schema = character_schema()?;
    stale.extend(write_generated(mode, CHARACTER_SCHEMA, &schema)?);

    let snapshots = snapshot_tests(mode);
    if !stale.is_empty() {
        return Err(format!(
            "{} is stale: the spec, the generator or the Character type changed since it was \
             generated. Run `cargo xtask codegen` and commit the result.",
            stale.join(", ")
        ));
    }
    snapshots
}

/// Writes (or, in `--check`, compares byte for byte) one generated file; in `--check`,
/// returns its name when it differs, after printing the diff.
fn write_generated(mode: Mode, file: &str, text: &str) -> Result<Option<String>, Failure> {
    let target = root().join(file);
    let current = fs::read_to_string(&target).unwrap_or_default();
    match (mode, current != text) {
        (_, false) => println!("{file} is up to date"),
        (Mode::Check, true) => {
            print!("{}", diff(&current, text, file, "regenerated"));
            return Ok(Some(file.to_string()));
        }
        (Mode::Write | Mode::Accept, true) => {
            fs::write(&target, text)
                .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
            println!("regenerated {file}");
        }
    }
    Ok(None)
}

/// `fleek_api::Character::json_schema_text()`, printed by the `character_schema` example.
fn character_schema() -> Result<String, Failure> {
    let output = cargo()
        .args(["run", "--quiet", "-p", "fleek-api", "--features", "schema"])
        .args(["--example", "character_schema"])
        .output()
        .map_err(|e| format!("could not start cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "the character_schema example failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| "the character_schema example printed something that is not UTF-8".into())
}

/// `cargo` in the workspace root. (Tests and examples of `fleek-api` build it with its `mock`
/// feature, through its dev-dependency on itself, so one build of the crate serves every
/// step.)
fn cargo() -> Command {
    let mut command = Command::new(env!("CARGO"));
    command.current_dir(root());
    command
}

/// Runs the tests that hold snapshots, all of them even when one fails. Outside `--check`,
/// changed snapshots are written next to the old ones as `.snap.new` instead of failing the
/// run, then shown as diffs (and accepted with `--accept`). Failing tests are listed after
/// the diffs.
fn snapshot_tests(mode: Mode) -> Result<(), Failure> {
    snapshots::discard_pending()?;
    let mut failed = String::new();
    for (package, test, filters) in SNAPSHOT_TESTS {
        let mut command = cargo();
        command.args([
            "test",
            "--quiet",
            "--no-fail-fast",
            "-p",
            package,
            "--test",
            test,
        ]);
        if !filters.is_empty() {
            command.arg("--").args(*filters);
        }
        match mode {
            Mode::Check => command
                .env("INSTA_UPDATE", "no")
                .env_remove("INSTA_FORCE_PASS"),
            Mode::Write | Mode::Accept => command
                .env("INSTA_UPDATE", "new")
                .env("INSTA_FORCE_PASS", "1"),
        };
        // Failures are listed with their messages; backtraces would bury them.
        command.env("RUST_BACKTRACE", "0");
        println!("running the snapshot tests: {}", describe(&command));
        let output = command
            .output()
            .map_err(|e| format!("could not start cargo: {e}"))?;
        if !output.status.success() {
            failed.push_str(&failures(&output));
        }
    }

    let pending = snapshots::pending()?;
    for snapshot in &pending {
        print!("{}", snapshot.diff());
    }
    if !failed.is_empty() {
        print!("{failed}");
        return Err(format!(
            "snapshot tests failed (listed above, after {} snapshot diff(s))",
            pending.len()
        ));
    }
    match (mode, pending.len()) {
        (_, 0) => {
            println!("snapshots: all match");
            Ok(())
        }
        (Mode::Accept, n) => {
            for snapshot in &pending {
                snapshot.accept()?;
            }
            println!("snapshots: accepted {n}");
            Ok(())
        }
        (Mode::Write | Mode::Check, n) => Err(format!(
            "{n} snapshot(s) changed or new (diffs above): review them, then run \
             `cargo xtask codegen --accept` and commit the .snap files"
        )),
    }
}

/// The command as a maintainer would type it (`cargo`, not the toolchain's full path).
fn describe(command: &Command) -> String {
    let program = std::path::Path::new(command.get_program());
    std::iter::once(program.file_name().unwrap_or(program.as_os_str()))
        .chain(command.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a failed test run said: each failing test's output and the list of failures, or the
/// whole error output when nothing ran (a build error).
fn failures(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut report = String::from("\nfailing tests:\n");
    let mut keep = false;
    for line in stdout.lines() {
        if line == "failures:" {
            keep = true;
        } else if line.starts_with("test result:") {
            keep = false;
        }
        if keep
            && !line
                .trim_start()
                .starts_with("note: run with `RUST_BACKTRACE")
        {
            report.push_str(line);
            report.push('\n');
        }
    }
    if !stdout.contains("failures:") {
        report.push_str(&stderr);
    }
    report
}
