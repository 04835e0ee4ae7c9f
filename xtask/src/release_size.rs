//! `cargo xtask release-size [--rounds N] [--profiles a,b]`: what a build profile buys
//! `fleek-agents`, measured. Builds the binary with each profile (`release`, Cargo's
//! defaults, beside `dist`, the profile release archives are built with) for `cli` and for
//! `cli,sim`, strips each copy, then times `--help` and `validate <character>` of every
//! binary in interleaved rounds (the order rotates every round) and prints each binary's
//! stripped size and the median time with its range. A benchmark, not a test: the machine
//! is shared and noisy, so read the ranges.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::{root, run_command, target_dir, Failure};

/// The feature sets measured: the CLI alone, and the CLI with the simulator (what a
/// release archive holds).
const FEATURES: [&str; 2] = ["cli", "cli,sim"];

/// Runs of each command per binary per round.
const RUNS: usize = 10;

struct Binary {
    label: String,
    path: PathBuf,
    bytes: u64,
    help: Vec<f64>,
    validate: Vec<f64>,
}

pub(crate) fn run(args: &[&str]) -> Result<(), Failure> {
    let mut rounds = 5;
    let mut profiles = vec!["release".to_string(), "dist".to_string()];
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match *arg {
            "--rounds" => rounds = crate::stats::rounds(&mut args)?,
            "--profiles" => {
                profiles = args
                    .next()
                    .ok_or("--profiles takes a comma-separated list")?
                    .split(',')
                    .map(str::to_string)
                    .collect();
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let out = target_dir().join("release-size");
    fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut binaries = Vec::new();
    for features in FEATURES {
        for profile in &profiles {
            binaries.push(build(profile, features, &out)?);
        }
    }
    let character = root().join("fleek-api/tests/it/fixtures/c3po.character.json");
    for round in 0..rounds {
        let n = binaries.len();
        for i in 0..n {
            let binary = &mut binaries[(i + round) % n];
            for _ in 0..RUNS {
                binary.help.push(time(&binary.path, &["--help"])?);
                binary.validate.push(time(
                    &binary.path,
                    &["validate", &character.display().to_string()],
                )?);
            }
        }
    }
    report(&binaries, rounds);
    Ok(())
}

/// Builds `fleek-agents` with `profile` and `features`, and strips a copy.
fn build(profile: &str, features: &str, out: &Path) -> Result<Binary, Failure> {
    let started = Instant::now();
    run_command(
        Command::new(env!("CARGO"))
            .current_dir(root())
            .args(["build", "--quiet", "--locked", "--profile", profile])
            .args([
                "-p",
                "fleek-api",
                "--bin",
                "fleek-agents",
                "--features",
                features,
            ]),
    )?;
    let built = target_dir()
        .join(if profile == "dev" { "debug" } else { profile })
        .join("fleek-agents");
    let label = format!("{features}, {profile}");
    let path = out.join(format!(
        "fleek-agents-{}-{profile}",
        features.replace(',', "-")
    ));
    fs::copy(&built, &path).map_err(|e| format!("{}: {e}", built.display()))?;
    run_command(Command::new("strip").arg(&path))?;
    let bytes = fs::metadata(&path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .len();
    eprintln!(
        "built {label} in {:.0} s: {:.1} MB stripped",
        started.elapsed().as_secs_f64(),
        mb(bytes)
    );
    Ok(Binary {
        label,
        path,
        bytes,
        help: Vec::new(),
        validate: Vec::new(),
    })
}

/// Milliseconds one run takes, from spawn to exit (its output thrown away).
fn time(binary: &Path, args: &[&str]) -> Result<f64, Failure> {
    let started = Instant::now();
    Command::new(binary)
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    Ok(started.elapsed().as_secs_f64() * 1000.0)
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

fn report(binaries: &[Binary], rounds: usize) {
    println!(
        "\nstripped size, and median (min–max) ms over {rounds} interleaved rounds of {RUNS} runs:"
    );
    println!(
        "{:<22} {:>9} {:>26} {:>26}",
        "binary", "size", "--help", "validate c3po"
    );
    for binary in binaries {
        let (help, help_min, help_max) = crate::stats::median(binary.help.clone());
        let (val, val_min, val_max) = crate::stats::median(binary.validate.clone());
        println!(
            "{:<22} {:>6.1} MB {:>11.2} ({help_min:.2}–{help_max:.2}) {:>11.2} ({val_min:.2}–{val_max:.2})",
            binary.label,
            mb(binary.bytes),
            help,
            val
        );
    }
    for features in FEATURES {
        let of = |profile: &str| {
            binaries
                .iter()
                .find(|b| b.label == format!("{features}, {profile}"))
        };
        if let (Some(base), Some(dist)) = (of("release"), of("dist")) {
            println!(
                "{features}: dist is {:.0}% smaller than release",
                100.0 * (1.0 - dist.bytes as f64 / base.bytes as f64)
            );
        }
    }
}
