//! `fleek-agents simulate`: the library's simulator (`fleek_api::sim`) as a process, for
//! tests in other languages and for trying things by hand.
//!
//! ```text
//! $ eval "$(fleek-agents simulate --state sim.json &)"   # or copy the two lines
//! FLEEK_API_URL=http://127.0.0.1:41823
//! FLEEK_API_KEY=fk_sim_0123456789abcdef
//! ```

use std::path::PathBuf;

use clap::{value_parser, Arg, Command};

use super::duration;

pub(crate) fn command() -> Command {
    Command::new("simulate")
        .about("Run a simulated Fleek on 127.0.0.1 until Ctrl-C")
        .long_about(
            "Run a simulated Fleek on 127.0.0.1 until Ctrl-C: agents with their lifecycle, \
             logs, the proxy into a stand-in of Eliza, subscriptions, faults (see the \
             library's `fleek_api::sim`). Prints FLEEK_API_URL=... and FLEEK_API_KEY=... on \
             stdout for a shell or a test to take over; admin routes under /_sim/ reset the \
             state, set faults and advance the clock. With --state, the state is loaded at \
             start (when the file exists) and saved at Ctrl-C.",
        )
        .arg(
            Arg::new("port")
                .long("port")
                .value_name("N")
                .value_parser(value_parser!(u16))
                .help("The port on 127.0.0.1 [default: a free one]"),
        )
        .arg(
            Arg::new("state")
                .long("state")
                .value_name("FILE")
                .value_parser(value_parser!(PathBuf))
                .help("Load the state from FILE when it exists, and save it there at Ctrl-C"),
        )
        .arg(
            Arg::new("quirks")
                .long("quirks")
                .action(clap::ArgAction::SetTrue)
                .help("Answer as Fleek's guide shows it where it disagrees with Fleek's clients (character_file, a string slotNumber, 201/204 on writes, ...)"),
        )
        .arg(
            Arg::new("provisioned")
                .long("provisioned")
                .action(clap::ArgAction::SetTrue)
                .help("Give every project a saved card and an active subscription when a billing operation first sees it"),
        )
        .arg(
            Arg::new("examples")
                .long("examples")
                .action(clap::ArgAction::SetTrue)
                .help("Make the spec's example agent, project, card and subscription exist, so that requests copied from the reference work as printed"),
        )
        .arg(
            Arg::new("boot-time")
                .long("boot-time")
                .value_name("DURATION")
                .value_parser(duration::parse)
                .help("How long an agent takes from publish to running [default: 3s]"),
        )
}

/// Without the `sim` feature the command is there (one command tree for every build) and
/// says how to get it.
#[cfg(not(feature = "sim"))]
pub(crate) async fn run(
    _: &clap::ArgMatches,
    _: &super::output::Output,
) -> Result<(), super::exit::CliError> {
    Err(super::exit::CliError::usage(
        "this fleek-agents was built without the simulator: install it with \
         `cargo install fleek-api --features cli,sim`",
    ))
}

#[cfg(feature = "sim")]
pub(crate) use with_sim::run;

#[cfg(feature = "sim")]
mod with_sim {
    use std::io::Write as _;
    use std::path::PathBuf;
    use std::time::Duration;

    use clap::ArgMatches;

    use super::super::args;
    use super::super::exit::{CliError, Exit};
    use super::super::output::Output;
    use crate::config::{API_KEY_ENV, API_URL_ENV};
    use crate::sim::Simulator;

    pub(crate) async fn run(matches: &ArgMatches, output: &Output) -> Result<(), CliError> {
        let mut builder = Simulator::builder().boot_time(args::duration_or(
            matches,
            "boot-time",
            Duration::from_secs(3),
        ));
        builder = builder
            .quirks(matches.get_flag("quirks"))
            .provisioned(matches.get_flag("provisioned"))
            .examples(matches.get_flag("examples"));
        if let Some(port) = matches.get_one::<u16>("port") {
            builder = builder.port(*port);
        }
        let state_file = matches.get_one::<PathBuf>("state");
        if let Some(path) = state_file.filter(|path| path.exists()) {
            let text = std::fs::read_to_string(path).map_err(|e| {
                CliError::usage(format!(
                    "cannot read the state file {}: {e}",
                    path.display()
                ))
            })?;
            let state = serde_json::from_str(&text).map_err(|e| {
                CliError::usage(format!(
                    "the state file {} is not JSON ({e}): give a file a simulator saved, or a new path",
                    path.display()
                ))
            })?;
            builder = builder.state(state);
        }
        let sim = builder.start().await.map_err(|e| {
            let exit = if e.kind() == std::io::ErrorKind::InvalidData {
                Exit::Usage
            } else {
                Exit::Failure
            };
            CliError::new(exit, format!("cannot start the simulator: {e}"))
        })?;
        output.line(&format!(
            "{API_URL_ENV}={}\n{API_KEY_ENV}={}",
            sim.base_url(),
            sim.api_key()
        ))?;
        let _ = std::io::stdout().flush();
        output.stderr(&format!(
            "simulating Fleek at {}; Ctrl-C stops it{}",
            sim.base_url(),
            state_file.map_or(String::new(), |path| format!(
                " and saves the state to {}",
                path.display()
            ))
        ));
        tokio::signal::ctrl_c()
            .await
            .map_err(|e| CliError::new(Exit::Failure, format!("cannot wait for Ctrl-C: {e}")))?;
        let state = sim.state();
        sim.shutdown().await;
        if let Some(path) = state_file {
            let text = serde_json::to_string_pretty(&state).unwrap_or_default();
            std::fs::write(path, text).map_err(|e| {
                CliError::new(
                    Exit::Failure,
                    format!("cannot save the state to {}: {e}", path.display()),
                )
            })?;
            output.stderr(&format!("saved the state to {}", path.display()));
        }
        Ok(())
    }
}
