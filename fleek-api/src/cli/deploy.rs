//! `fleek-agents deploy <character.json> --project <id>`: validate, draft, publish, wait.

use std::path::PathBuf;

use clap::{value_parser, Arg, ArgAction, ArgMatches, Command};
use futures_util::StreamExt;
use serde_json::json;

use super::exit::{CliError, Exit};
use super::output::{Format, Output};
use super::progress::Progress;
use super::validate::Checked;
use super::{args, duration};
use crate::character::Avatar;
use crate::deploy::{DeployEvent, DEFAULT_DEPLOY_TIMEOUT};
use crate::types::LogEntry;

pub(crate) fn command() -> Command {
    Command::new("deploy")
        .about("Validate a character file, then draft, publish and wait until the agent runs")
        .long_about(
            "Validate a character file (every problem is listed, and nothing is sent while \
             there is one), then create the agent's draft (or update --agent's), publish it \
             and wait until it runs. Progress goes to stderr; the agent's id to stdout. When \
             the agent fails to start, its last log lines are printed.",
        )
        .arg(
            Arg::new("character")
                .value_name("CHARACTER.JSON")
                .required(true)
                .value_parser(value_parser!(PathBuf))
                .help("The Eliza character file"),
        )
        .arg(
            Arg::new("project")
                .long("project")
                .value_name("ID")
                .required(true)
                .help("The Fleek project to deploy into"),
        )
        .arg(
            Arg::new("agent")
                .long("agent")
                .value_name("ID")
                .help("Update this agent instead of creating one"),
        )
        .arg(
            Arg::new("name")
                .long("name")
                .help("The agent's name on Fleek (default: the character's name)"),
        )
        .arg(
            Arg::new("avatar")
                .long("avatar")
                .value_name("FILE")
                .value_parser(value_parser!(PathBuf))
                .help("An avatar image (PNG, JPEG, GIF or WebP)"),
        )
        .arg(
            Arg::new("framework-version")
                .long("framework-version")
                .value_name("VERSION")
                .help("The Eliza version to run, one of `list-framework-versions` (default: Fleek's choice)"),
        )
        .arg(
            Arg::new("tee")
                .long("tee")
                .action(ArgAction::SetTrue)
                .help("Run the agent in a trusted execution environment"),
        )
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .value_name("DURATION")
                .value_parser(duration::parse)
                .help("How long to wait for the agent to run: 90s, 10m, 1h [default: 10m]"),
        )
}

pub(crate) async fn run(
    global: &ArgMatches,
    matches: &ArgMatches,
    output: &Output,
) -> Result<(), CliError> {
    let path = args::required::<PathBuf>(matches, "character")?;
    let checked = Checked::of(path);
    let character = match checked.character {
        Some(ref character) if checked.is_ok() => character.clone(),
        _ => {
            output.warn(&checked.report(path, output.color_stderr));
            return Err(CliError::new(
                Exit::Invalid,
                format!(
                    "{} cannot be deployed; nothing was sent. Fix the problems above (`fleek-agents validate` checks again)",
                    path.display()
                ),
            ));
        }
    };
    let avatar = match matches.get_one::<PathBuf>("avatar") {
        Some(file) => Some(
            Avatar::from_path(file)
                .map_err(|e| CliError::usage(format!("--avatar {}: {e}", file.display())))?,
        ),
        None => None,
    };
    let client = super::credentials::client(global)?;
    let project = args::required::<String>(matches, "project")?;
    let timeout = args::duration_or(matches, "timeout", DEFAULT_DEPLOY_TIMEOUT);

    let mut deploy = client.deploy(project.as_str(), &character).timeout(timeout);
    if let Some(agent) = matches.get_one::<String>("agent") {
        deploy = deploy.agent_id(agent.as_str());
    }
    if let Some(name) = matches.get_one::<String>("name") {
        deploy = deploy.name(name.as_str());
    }
    if let Some(avatar) = avatar {
        deploy = deploy.avatar(avatar);
    }
    if let Some(version) = matches.get_one::<String>("framework-version") {
        deploy = deploy.framework_version(version.as_str());
    }
    if matches.get_flag("tee") {
        deploy = deploy.tee(true);
    }

    let progress = Progress::start(
        &format!("drafting {} in project {project}", character.name),
        output.color_stderr,
    );
    let events = deploy.events();
    futures_util::pin_mut!(events);
    let mut outcome = Err(CliError::new(
        Exit::Failure,
        "the deployment ended without an outcome",
    ));
    while let Some(event) = events.next().await {
        let event = match event {
            Ok(event) => event,
            Err(error) => {
                outcome = Err(error.into());
                break;
            }
        };
        match event {
            DeployEvent::Drafted { agent, created } => {
                let verb = if created { "created" } else { "updated" };
                progress.note(&format!("{verb} the draft of agent {}", agent.id));
                progress.stage(&format!("publishing agent {}", agent.id));
            }
            DeployEvent::Published { agent } => {
                progress.note(&format!("published agent {}", agent.id));
                progress.stage(&format!("waiting for agent {} to run", agent.id));
            }
            DeployEvent::Waiting {
                agent_id, status, ..
            } => {
                let status = status.map_or_else(|| "unknown".to_string(), |s| s.to_string());
                progress.stage(&format!(
                    "waiting for agent {agent_id} to run (status: {status})"
                ));
            }
            DeployEvent::Running { agent_id, elapsed } => {
                outcome = Ok((agent_id, elapsed));
                break;
            }
            DeployEvent::Failed {
                agent_id,
                last_logs,
                ..
            } => {
                outcome = Err(failed(&agent_id, &last_logs));
                break;
            }
        }
    }
    let took = progress.elapsed();
    progress.finish();
    let (agent_id, _) = outcome?;
    match output.format {
        Format::Human => output.line(&format!(
            "agent {agent_id} runs (deployed in {})",
            duration::show(took)
        )),
        Format::Json => output.document(&json!({
            "agentId": agent_id,
            "status": "Running",
            "seconds": took.as_secs_f64(),
        })),
    }
}

/// The failure of an agent that did not start, with its last log lines.
pub(crate) fn failed(agent_id: &str, last_logs: &[LogEntry]) -> CliError {
    let mut message = format!("agent {agent_id} failed to start");
    if last_logs.is_empty() {
        message.push_str("; its log is empty or could not be read");
    } else {
        message.push_str("; its last log lines:");
        for entry in last_logs {
            message.push_str("\n  ");
            message.push_str(&super::logs::line(entry));
        }
    }
    message.push_str(&format!(
        "\nFix the character and deploy again with --agent {agent_id}, or read more with \
         `fleek-agents logs {agent_id}`"
    ));
    CliError::new(Exit::AgentFailed, message)
}
