//! `fleek-agents status <agent> [--wait]`: whether an agent runs, or wait until it does.

use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command};
use serde_json::json;

use super::exit::{CliError, Exit};
use super::output::{Format, Output};
use super::progress::Progress;
use super::style::{paint, GREEN, RED, YELLOW};
use super::{args, duration};
use crate::deploy::DEFAULT_DEPLOY_TIMEOUT;
use crate::types::AgentStatus;
use crate::{Call, Client};

/// How often `--wait` asks.
const POLL: Duration = Duration::from_secs(3);

pub(crate) fn command() -> Command {
    Command::new("status")
        .about("Show an agent's state and whether it runs; with --wait, wait until it runs")
        .long_about(
            "Show an agent's lifecycle state (Draft, Created, Pending, Running, Stopped, \
             Failed) and whether its runtime answers that it runs. With --wait, ask every \
             3 s until it runs (exit 0), fails (exit 7) or --timeout passes (exit 6).",
        )
        .arg(args::agent("The agent's id"))
        .arg(
            Arg::new("wait")
                .long("wait")
                .action(ArgAction::SetTrue)
                .help("Wait until the agent runs"),
        )
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .value_name("DURATION")
                .value_parser(duration::parse)
                .help("With --wait, how long to wait: 90s, 10m, 1h [default: 10m]"),
        )
}

/// What `status` reads.
struct State {
    status: AgentStatus,
    running: bool,
}

async fn read(client: &Client, agent: &str) -> Result<State, CliError> {
    let running = client
        .get_agent_status()
        .agent_id(agent)
        .call()
        .await?
        .is_running();
    let status = client.get_agent().agent_id(agent).call().await?.status;
    Ok(State { status, running })
}

pub(crate) async fn run(
    client: &Client,
    matches: &ArgMatches,
    output: &Output,
) -> Result<(), CliError> {
    let agent = args::required::<String>(matches, "agent")?;
    let state = if matches.get_flag("wait") {
        let timeout = args::duration_or(matches, "timeout", DEFAULT_DEPLOY_TIMEOUT);
        wait(client, agent, timeout, output).await?
    } else {
        read(client, agent).await?
    };
    match output.format {
        Format::Json => output.document(&json!({
            "id": agent,
            "status": state.status.as_str(),
            "running": state.running,
        })),
        Format::Human => {
            let color = match state.status {
                AgentStatus::Running => GREEN,
                AgentStatus::Failed => RED,
                _ => YELLOW,
            };
            let runs = if state.running {
                "it runs"
            } else {
                "it does not run"
            };
            output.line(&format!(
                "agent {agent}: {}; {runs}",
                paint(state.status.as_str(), color, output.color)
            ))
        }
    }
}

async fn wait(
    client: &Client,
    agent: &str,
    timeout: Duration,
    output: &Output,
) -> Result<State, CliError> {
    let progress = Progress::start(
        &format!("waiting for agent {agent} to run"),
        output.color_stderr,
    );
    let outcome = loop {
        let state = match read(client, agent).await {
            Ok(state) => state,
            Err(error) => break Err(error),
        };
        if state.running {
            break Ok(state);
        }
        if state.status == AgentStatus::Failed {
            break Err(CliError::new(
                Exit::AgentFailed,
                format!("agent {agent} failed to start; read why with `fleek-agents logs {agent}`"),
            ));
        }
        if progress.elapsed() >= timeout {
            break Err(CliError::new(
                Exit::Timeout,
                format!(
                    "agent {agent} did not run within {}; its status is {}",
                    duration::show(timeout),
                    state.status
                ),
            ));
        }
        progress.stage(&format!(
            "waiting for agent {agent} to run (status: {})",
            state.status
        ));
        tokio::time::sleep(POLL.min(timeout.saturating_sub(progress.elapsed()))).await;
    };
    progress.finish();
    outcome
}
