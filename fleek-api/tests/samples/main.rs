//! Every operation's Rust sample, compiled as the reference prints it
//! (`generated.rs`, written by `cargo xtask codegen` from the spec) and run against a
//! simulator where the spec's example ids exist. A sample that no longer compiles fails
//! the build of this test; one that no longer runs fails it naming its operation.
//!
//! The samples read `FLEEK_API_URL` and `FLEEK_API_KEY` from the process's environment, as
//! a user's program would, so they run one after the other from this `main` (no test
//! harness, whose threads would share that environment), each with a fresh simulator.

#[rustfmt::skip]
mod generated;

use std::process::ExitCode;
use std::time::Duration;

use fleek_api::sim::Simulator;

/// A fresh simulator with the spec's examples, its example agent booted, on a runtime of
/// its own (each sample's `#[tokio::main]` builds another on this thread).
fn simulator() -> Result<(tokio::runtime::Runtime, Simulator), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| format!("a runtime: {e}"))?;
    let sim = runtime
        .block_on(
            Simulator::builder()
                .boot_time(Duration::from_millis(1))
                .examples(true)
                .start(),
        )
        .map_err(|e| format!("the simulator: {e}"))?;
    sim.advance(Duration::from_secs(1));
    Ok((runtime, sim))
}

fn main() -> ExitCode {
    // An argument filters by operation, as a harness's would.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let mut failures = Vec::new();
    let mut ran = 0;
    for (operation, run) in generated::SAMPLES {
        if filter.as_deref().is_some_and(|f| !operation.contains(f)) {
            continue;
        }
        let (runtime, sim) = match simulator() {
            Ok(started) => started,
            Err(why) => {
                eprintln!("{why}");
                return ExitCode::FAILURE;
            }
        };
        // Set before the sample reads it, while no other thread of this process reads the
        // environment (the simulator's workers do not).
        std::env::set_var("FLEEK_API_URL", sim.base_url());
        std::env::set_var("FLEEK_API_KEY", sim.api_key());
        ran += 1;
        match run() {
            Ok(()) => println!("sample {operation} ... ok"),
            Err(e) => {
                println!("sample {operation} ... FAILED");
                failures.push(format!("{operation}: {e}"));
            }
        }
        drop(sim);
        runtime.shutdown_timeout(Duration::from_secs(1));
    }
    println!(
        "\n{} Rust samples: {} passed, {} failed",
        ran,
        ran - failures.len(),
        failures.len()
    );
    if failures.is_empty() && ran > 0 {
        ExitCode::SUCCESS
    } else {
        for failure in &failures {
            eprintln!("{failure}");
        }
        ExitCode::FAILURE
    }
}
