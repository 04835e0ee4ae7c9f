//! `fleek-agents status <agent> [--wait]`: whether an agent runs, or wait until it does.

use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command};
use futures_util::future::{self, Either};
use serde_json::json;

use super::exit::{CliError, Exit};
use super::output::{Format, Output};
use super::progress::Progress;
use super::style::{paint, GREEN, RED, YELLOW};
use super::{args, duration};
use crate::deploy::DEFAULT_DEPLOY_TIMEOUT;
use crate::types::AgentStatus;
use crate::wait::WaitEvent;
use crate::{Call, Client, ErrorKind};

/// How often `--wait` asks.
const POLL: Duration = Duration::from_secs(3);

pub(crate) fn command() -> Command {
    Command::new("status")
        .about("Show an agent's state and whether it runs; with --wait, wait until it runs")
        .long_about(
            "Show an agent's lifecycle state (Draft, Created, Pending, Running, Stopped, \
             Failed) and whether its runtime answers that it runs. With --wait, ask every \
             3 s until it runs (exit 0), fails (exit 7) or --timeout passes (exit 6); a check \
             that fails for a passing reason (a broken connection, 429, 5xx) is tried again \
             after 3 s or the server's Retry-After. With --wait and -o json, one JSON object \
             per check on stdout, then the result object.",
        )
        .arg(args::agent())
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
    /// The lifecycle status; unknown with only an agent token, which reaches the running
    /// status and not the agent.
    status: Option<AgentStatus>,
    running: bool,
}

async fn read(client: &Client, agent: &str) -> Result<State, CliError> {
    let running = client
        .get_agent_status()
        .agent_id(agent)
        .call()
        .await?
        .is_running();
    let status = if client.can_call("get_agent") {
        Some(client.get_agent().agent_id(agent).call().await?.status)
    } else {
        None
    };
    Ok(State { status, running })
}

/// `agent` is the agent's id, resolved from what was typed (`resolve::agent`).
pub(crate) async fn run(
    client: &Client,
    agent: &str,
    matches: &ArgMatches,
    output: &Output,
) -> Result<(), CliError> {
    let state = if matches.get_flag("wait") {
        if !client.can_call("get_agent") {
            return Err(CliError::usage(
                "--wait reads the agent's lifecycle status, which needs the API key (run \
                 `fleek-agents auth login` or set FLEEK_API_KEY); with only an agent token, \
                 `status` without --wait says whether the agent runs",
            ));
        }
        let timeout = args::duration_or(matches, "timeout", DEFAULT_DEPLOY_TIMEOUT);
        wait(client, agent, timeout, output).await?
    } else {
        read(client, agent).await?
    };
    match output.format {
        // After `--wait`'s events (JSON lines), the result is one more line; alone, it is
        // the whole document.
        Format::Json | Format::JsonLines if matches.get_flag("wait") => output.line(
            &json!({
                "event": "result",
                "id": agent,
                "status": state.status.as_ref().map(AgentStatus::as_str),
                "running": state.running,
            })
            .to_string(),
        ),
        Format::Json | Format::JsonLines => output.document(&json!({
            "id": agent,
            "status": state.status.as_ref().map(AgentStatus::as_str),
            "running": state.running,
        })),
        Format::Human => {
            let runs = if state.running {
                "it runs"
            } else {
                "it does not run"
            };
            match &state.status {
                Some(status) => {
                    let color = match status {
                        AgentStatus::Running => GREEN,
                        AgentStatus::Failed => RED,
                        _ => YELLOW,
                    };
                    output.line(&format!(
                        "agent {agent}: {}; {runs}",
                        paint(status.as_str(), color, output.color)
                    ))
                }
                None => output.line(&format!(
                    "agent {agent}: {runs} (an agent token shows no more; the API key also \
                     shows its lifecycle status)"
                )),
            }
        }
    }
}

/// Waits with the library's waiter ([`Client::wait_until_running`]): a check every 3 s,
/// failed checks that pass by waiting (a broken connection, a `429` or `5xx`) retried after
/// the interval or the server's `Retry-After`. With `-o json`, one JSON object per check on
/// stdout as it happens; the result object follows.
async fn wait(
    client: &Client,
    agent: &str,
    timeout: Duration,
    output: &Output,
) -> Result<State, CliError> {
    let progress = Progress::start(
        &format!("waiting for agent {agent} to run"),
        &output.streams.err,
    );
    let mut last_status: Option<AgentStatus> = None;
    // In a block, so that the wait (which borrows the progress and the last status) ends
    // before they are used.
    let outcome = {
        let waited = client
            .wait_until_running(agent)
            .timeout(timeout)
            .poll_interval(POLL, POLL)
            .run(|event| {
                if let WaitEvent::Waiting {
                    status, elapsed, ..
                } = event
                {
                    last_status.clone_from(status);
                    let shown = status.as_ref().map_or("unknown", AgentStatus::as_str);
                    progress.stage(&format!(
                        "waiting for agent {agent} to run (status: {shown})"
                    ));
                    if output.format.is_json() {
                        let line = json!({
                            "event": "waiting",
                            "id": agent,
                            "status": status.as_ref().map(AgentStatus::as_str),
                            "elapsed": elapsed.as_secs_f64(),
                        });
                        let _ = output.line(&line.to_string());
                    }
                }
            });
        futures_util::pin_mut!(waited);
        let interrupted = tokio::signal::ctrl_c();
        futures_util::pin_mut!(interrupted);
        match future::select(waited, interrupted).await {
            Either::Left((outcome, _)) => Some(outcome),
            Either::Right(_) => None,
        }
    };
    drop(progress); // stops the spinner and clears its line
    let outcome = match outcome {
        Some(outcome) => outcome,
        // Nothing was changed; the last state seen is what is known.
        None => {
            return Err(CliError::new(
                Exit::Interrupted,
                format!(
                    "interrupted while waiting for agent {agent} to run; its status was {}",
                    last_status.map_or_else(|| "unknown".to_string(), |s| s.to_string())
                ),
            ))
        }
    };
    match outcome {
        Ok(WaitEvent::Running { .. }) => Ok(State {
            status: Some(AgentStatus::Running),
            running: true,
        }),
        Ok(WaitEvent::Failed { last_logs, .. }) => Err(super::deploy::failed(agent, &last_logs)),
        Ok(_) => Err(CliError::new(
            Exit::Failure,
            "the wait ended without an outcome",
        )),
        Err(error) if error.kind() == ErrorKind::Timeout => Err(CliError::new(
            Exit::Timeout,
            format!(
                "agent {agent} did not run within {}; its status is {}",
                duration::show(timeout),
                last_status.map_or_else(|| "unknown".to_string(), |s| s.to_string())
            ),
        )),
        Err(error) => Err(error.into()),
    }
}
