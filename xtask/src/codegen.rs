//! `cargo xtask codegen`: spec → `fleek-api/src/generated.rs`, then the snapshot tests.

use std::fs;
use std::process::Command;

use crate::{diff, root, run_command, snapshots, Failure};

pub(crate) const SPEC: &str = "openapi/fleek-api.yaml";
const GENERATED: &str = "fleek-api/src/generated.rs";
const GENERATED_MOCK: &str = "fleek-api/src/generated_mock.rs";

/// What `codegen` may change.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Write the generated code; leave changed snapshots pending for review.
    Write,
    /// Write the generated code and accept changed snapshots.
    Accept,
    /// Change nothing; fail if the generated code or a snapshot is out of date.
    Check,
}

pub(crate) fn run(mode: Mode) -> Result<(), Failure> {
    let spec_path = root().join(SPEC);
    let spec = fs::read_to_string(&spec_path)
        .map_err(|e| format!("cannot read {}: {e}", spec_path.display()))?;
    let generated = fleek_api_gen::generate(&spec).map_err(|e| format!("{SPEC}: {e}"))?;

    for (file, text) in [
        (GENERATED, &generated.client),
        (GENERATED_MOCK, &generated.mock),
    ] {
        write_generated(mode, file, text)?;
    }

    snapshot_tests(mode)
}

/// Writes (or, in `--check`, compares) one generated file.
fn write_generated(mode: Mode, file: &str, text: &str) -> Result<(), Failure> {
    let target = root().join(file);
    let current = fs::read_to_string(&target).unwrap_or_default();
    match (mode, current != text) {
        (_, false) => println!("{file} is up to date"),
        (Mode::Check, true) => {
            print!("{}", diff(&current, text, file, "regenerated"));
            return Err(format!(
                "{file} is stale: the spec or the generator changed since it was generated. \
                 Run `cargo xtask codegen` and commit the result."
            ));
        }
        (Mode::Write | Mode::Accept, true) => {
            fs::write(&target, text)
                .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
            println!("regenerated {file}");
        }
    }
    Ok(())
}

/// Runs every test that holds snapshots. Outside `--check`, changed snapshots are written
/// next to the old ones as `.snap.new` instead of failing the run, then listed with their
/// diffs (and accepted with `--accept`).
fn snapshot_tests(mode: Mode) -> Result<(), Failure> {
    snapshots::discard_pending()?;
    let mut cargo = Command::new(env!("CARGO"));
    cargo.args(["test", "--quiet", "-p", "fleek-api-gen", "-p", "fleek-api"]);
    match mode {
        Mode::Check => cargo
            .env("INSTA_UPDATE", "no")
            .env_remove("INSTA_FORCE_PASS")
            .env_remove("FLEEK_API_WRITE_SCHEMA"),
        Mode::Write | Mode::Accept => cargo
            .env("INSTA_UPDATE", "new")
            .env("INSTA_FORCE_PASS", "1")
            // The character JSON Schema in openapi/ is written by its own test.
            .env("FLEEK_API_WRITE_SCHEMA", "1"),
    };
    let tests = run_command(&mut cargo);

    let pending = snapshots::pending()?;
    for snapshot in &pending {
        print!("{}", snapshot.diff());
    }
    tests?;
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
            "{n} snapshot(s) changed (diffs above): review them, then run \
             `cargo xtask codegen --accept` and commit the .snap files"
        )),
    }
}
