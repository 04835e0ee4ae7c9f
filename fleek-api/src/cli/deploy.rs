//! `fleek-agents deploy <character.json> --project <id>`: validate, draft, publish, wait.

use std::path::PathBuf;
use std::time::Instant;

use clap::{value_parser, Arg, ArgAction, ArgMatches, Command};
use futures_util::future::{self, Either};
use futures_util::StreamExt;
use serde_json::json;

use super::exit::{CliError, Exit};
use super::output::{Format, Output};
use super::progress::Progress;
use super::validate::{self, Checked};
use super::{args, duration};
use crate::character::{Avatar, EnvFile, SecretSource, Secrets, ELIZA_VERSION};
use crate::deploy::{DeployEvent, DeployStage, DEFAULT_DEPLOY_TIMEOUT};
use crate::types::LogEntry;

pub(crate) fn command() -> Command {
    Command::new("deploy")
        .about("Validate a character file, then draft, publish and wait until the agent runs")
        .long_about(
            "Validate a character file (every problem is listed, and nothing is sent while \
             there is one), then create the agent's draft, publish it and wait until it runs. \
             With --agent, take that agent from wherever it is: a draft is published, a \
             published agent waited for, a running one updated and published again only when \
             its character or settings differ (otherwise nothing is done). Progress goes to \
             stderr; the agent's id to stdout. Once an agent exists, any failure or Ctrl-C \
             (exit 130) names it with the command that resumes the deployment. With -o json, \
             one JSON object per event on stdout, then a result object. Under GitHub Actions \
             each character problem is also an ::error annotation. When the agent fails to \
             start, its last log lines are printed. Secrets stay out of the character file: \
             --secret NAME=env:VAR (or file:PATH) and --env-file put them into \
             settings.secrets of the request only, and no output shows a value.",
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
                .value_name("PROJECT")
                .required(true)
                .help("The Fleek project to deploy into"),
        )
        .arg(
            Arg::new("agent")
                .long("agent")
                .value_name("AGENT")
                .help("Deploy to this agent (its id, or its exact name in the project) instead of creating one, resuming from its state"),
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
        .arg(
            Arg::new("secret")
                .long("secret")
                .value_name("NAME=SOURCE")
                .action(ArgAction::Append)
                // Parsed in `secrets_of`, not by clap, whose error would echo the text:
                // which, typed by mistake, may be the secret itself.
                .help("A secret for settings.secrets, read when the request is built: NAME=env:VAR or NAME=file:PATH (repeat for more); never the value itself"),
        )
        .arg(
            Arg::new("env-file")
                .long("env-file")
                .value_name("FILE")
                .value_parser(value_parser!(PathBuf))
                .help("A dotenv file: where env: sources look after the environment, and whose CHARACTER.<NAME>.<KEY> entries become the character's secrets (Eliza's convention)"),
        )
}

/// `--secret NAME=SOURCE`. Errors never repeat the text.
fn parse_secret(text: &str) -> Result<(String, SecretSource), String> {
    let Some((name, source)) = text.split_once('=') else {
        return Err("expected NAME=env:VAR or NAME=file:PATH".to_string());
    };
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err("the secret's NAME is letters, digits and _".to_string());
    }
    Ok((name.to_string(), source.parse()?))
}

/// The secrets `--secret` and `--env-file` give the character named `character`: the
/// dotenv file's `CHARACTER.<NAME>.<KEY>` entries, then each `--secret` (over them).
pub(crate) fn secrets_of(matches: &ArgMatches, character: &str) -> Result<Secrets, CliError> {
    let env_file = match matches.get_one::<PathBuf>("env-file") {
        Some(path) => {
            Some(EnvFile::read(path).map_err(|e| CliError::usage(format!("--env-file: {e}")))?)
        }
        None => None,
    };
    let mut secrets: Secrets = env_file
        .as_ref()
        .map(|file| file.character_secrets(character).into_iter().collect())
        .unwrap_or_default();
    if let Some(given) = matches.get_many::<String>("secret") {
        for text in given {
            let (name, source) = parse_secret(text)
                .map_err(|e| CliError::usage(format!("--secret: {e}; nothing was sent")))?;
            secrets
                .resolve(&name, &source, env_file.as_ref())
                .map_err(|e| CliError::usage(format!("--secret: {e}; nothing was sent")))?;
        }
    }
    Ok(secrets)
}

/// Asks before a deploy replaces a running agent's character or settings (it restarts
/// with the new ones). An agent that cannot be read is left to the deploy, which says why.
async fn confirm_over_running(
    client: &crate::Client,
    deploy: &crate::deploy::Deploy<'_>,
    agent: &str,
    path: &std::path::Path,
    matches: &ArgMatches,
    output: &Output,
) -> Result<(), CliError> {
    if matches.get_flag("yes") {
        return Ok(());
    }
    let Ok(current) = crate::Call::call(client.get_agent().agent_id(agent)).await else {
        return Ok(());
    };
    // A running agent that already has this character is left as it is: nothing to ask.
    if current.status != crate::types::AgentStatus::Running || !deploy.differs(&current) {
        return Ok(());
    }
    super::confirm::confirm(
        &format!(
            "replace the character of the running agent {} ({agent}) with {} and restart it",
            current.name,
            path.display()
        ),
        matches,
        output,
    )
}

/// The warning for a framework version other than the Eliza whose rules `validate` checks:
/// the character passed 0.1.9's schema, which another version may not share.
fn other_eliza(version: &str) -> Option<String> {
    let checked = format!("eliza-{ELIZA_VERSION}");
    (version != checked).then(|| {
        format!(
            "warning: the character was checked against Eliza {ELIZA_VERSION}'s rules; \
             --framework-version {version} may judge it otherwise"
        )
    })
}

pub(crate) async fn run(
    session: &super::Session<'_>,
    matches: &ArgMatches,
    output: &Output,
) -> Result<(), CliError> {
    let path = args::required::<PathBuf>(matches, "character")?;
    let checked = Checked::of(path);
    let character = match checked.character {
        Some(ref character) if checked.is_ok() => character.clone(),
        _ => {
            output.warn(&checked.report(path, output.color_stderr));
            validate::annotate(output, [(path.as_path(), &checked)], false);
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
    for secret in &checked.live_secrets {
        output.warn(&format!(
            "{}: {secret} looks like a live secret; keep it out of the file and give it with \
             --secret or --env-file",
            path.display()
        ));
    }
    // Merged into the copy this request sends; the file on disk keeps none of them.
    let secrets = secrets_of(matches, &character.name)?;
    if !secrets.is_empty() {
        let names: Vec<&str> = secrets.names().collect();
        output.stderr(&format!("secrets given: {}", names.join(", ")));
    }
    let character = secrets.merged_into(&character);
    let client = session.client()?;
    let project = args::required::<String>(matches, "project")?;
    let timeout = args::duration_or(matches, "timeout", DEFAULT_DEPLOY_TIMEOUT);

    let agent = match matches.get_one::<String>("agent") {
        Some(typed) => Some(super::resolve::agent(&client, typed, Some(project)).await?),
        None => None,
    };
    let mut deploy = client.deploy(project.as_str(), &character).timeout(timeout);
    if let Some(agent) = &agent {
        deploy = deploy.agent_id(agent.as_str());
    }
    if let Some(name) = matches.get_one::<String>("name") {
        deploy = deploy.name(name.as_str());
    }
    if let Some(avatar) = avatar {
        deploy = deploy.avatar(avatar);
    }
    if let Some(version) = matches.get_one::<String>("framework-version") {
        if let Some(warning) = other_eliza(version) {
            output.warn(&warning);
        }
        deploy = deploy.framework_version(version.as_str());
    }
    if matches.get_flag("tee") {
        deploy = deploy.tee(true);
    }
    if let Some(agent) = &agent {
        confirm_over_running(&client, &deploy, agent, path, matches, output).await?;
    }

    let progress = Progress::start(
        &format!("drafting {} in project {project}", character.name),
        &output.streams.err,
    );
    let mut run = Run {
        output,
        started: Instant::now(),
        agent: agent.clone(),
        stage: DeployStage::Check,
    };
    let events = deploy.events();
    futures_util::pin_mut!(events);
    let interrupted = tokio::signal::ctrl_c();
    futures_util::pin_mut!(interrupted);
    let outcome = loop {
        let next = match future::select(events.next(), interrupted.as_mut()).await {
            Either::Left((next, _)) => next,
            Either::Right(_) => {
                drop(progress); // stops the spinner and clears its line
                return Err(run.interrupted(matches));
            }
        };
        match next {
            Some(Ok(event)) => {
                if let Some(end) = run.event(event, &progress)? {
                    break end;
                }
            }
            Some(Err(error)) => {
                run.result(&json!({
                    "result": "error",
                    "stage": format!("{:?}", error.stage()).to_lowercase(),
                    "agentId": error.agent_id(),
                    "message": error.error().to_string(),
                }))?;
                let resume = error.agent_id().map(|id| resume_hint(matches, id));
                let mut failure = CliError::from(error);
                if let Some(resume) = resume {
                    failure.message.push('\n');
                    failure.message.push_str(&resume);
                }
                break Err(failure);
            }
            None => {
                break Err(CliError::new(
                    Exit::Failure,
                    "the deployment ended without an outcome",
                ))
            }
        }
    };
    let took = progress.elapsed();
    drop(progress); // stops the spinner and clears its line
    let (agent_id, unchanged) = outcome?;
    // For people a sentence on stderr; on stdout the id alone, so that a script can write
    // `id=$(fleek-agents deploy ...)`.
    match output.format {
        Format::Human => {
            output.stderr(&if unchanged {
                format!(
                    "agent {agent_id} already runs with this character and these settings; \
                     nothing to do"
                )
            } else {
                format!(
                    "agent {agent_id} runs (deployed in {})",
                    duration::show(took)
                )
            });
            output.line(&agent_id)
        }
        Format::Json | Format::JsonLines => run.result(&json!({
            "result": if unchanged { "unchanged" } else { "running" },
            "agentId": agent_id,
            "status": "Running",
            "seconds": took.as_secs_f64(),
        })),
    }
}

/// One deployment as the command follows it: progress for people, one JSON object per
/// event for machines (`-o json`), and what exists, for the messages that end it early.
struct Run<'o> {
    output: &'o Output,
    started: Instant,
    /// The agent that exists, once one does.
    agent: Option<String>,
    stage: DeployStage,
}

impl Run<'_> {
    /// One event as JSON lines on stdout (`-o json`).
    fn json(&self, event: &str, fields: serde_json::Value) -> Result<(), CliError> {
        if !self.output.format.is_json() {
            return Ok(());
        }
        let mut object = json!({
            "event": event,
            "stage": format!("{:?}", self.stage).to_lowercase(),
            "agentId": self.agent,
            "elapsed": self.started.elapsed().as_secs_f64(),
        });
        if let (Some(object), serde_json::Value::Object(fields)) = (object.as_object_mut(), fields)
        {
            object.extend(fields);
        }
        self.output.line(&object.to_string())
    }

    /// The final object of `-o json`.
    fn result(&self, fields: &serde_json::Value) -> Result<(), CliError> {
        self.json("result", fields.clone())
    }

    /// Follows one event; the outcome once it is the last one.
    #[allow(clippy::type_complexity)]
    fn event(
        &mut self,
        event: DeployEvent,
        progress: &Progress,
    ) -> Result<Option<Result<(String, bool), CliError>>, CliError> {
        match event {
            DeployEvent::Resumed { agent } => {
                self.agent = Some(agent.id.clone());
                self.stage = DeployStage::Resume;
                progress.note(&format!("found agent {} ({})", agent.id, agent.status));
                self.json("resumed", json!({"status": agent.status.as_str()}))?;
            }
            DeployEvent::Drafted { agent, created } => {
                self.agent = Some(agent.id.clone());
                self.stage = DeployStage::Publish;
                let verb = if created { "created" } else { "updated" };
                progress.note(&format!("{verb} the draft of agent {}", agent.id));
                progress.stage(&format!("publishing agent {}", agent.id));
                self.json("drafted", json!({"created": created}))?;
            }
            DeployEvent::Published { agent } => {
                self.stage = DeployStage::Wait;
                progress.note(&format!("published agent {}", agent.id));
                progress.stage(&format!("waiting for agent {} to run", agent.id));
                self.json("published", json!({}))?;
            }
            DeployEvent::Started { agent_id } => {
                self.stage = DeployStage::Wait;
                progress.note(&format!("started agent {agent_id}"));
                progress.stage(&format!("waiting for agent {agent_id} to run"));
                self.json("started", json!({}))?;
            }
            DeployEvent::Waiting {
                agent_id, status, ..
            } => {
                self.stage = DeployStage::Wait;
                let status = status.map_or_else(|| "unknown".to_string(), |s| s.to_string());
                progress.stage(&format!(
                    "waiting for agent {agent_id} to run (status: {status})"
                ));
                self.json("waiting", json!({"status": status}))?;
            }
            DeployEvent::Running { agent_id, .. } => {
                self.json("running", json!({}))?;
                return Ok(Some(Ok((agent_id, false))));
            }
            DeployEvent::Unchanged { agent_id } => {
                self.json("unchanged", json!({}))?;
                return Ok(Some(Ok((agent_id, true))));
            }
            DeployEvent::Failed {
                agent_id,
                last_logs,
                ..
            } => {
                let lines: Vec<String> = last_logs.iter().map(super::logs::line).collect();
                self.json("failed", json!({"lastLogs": lines}))?;
                self.result(&json!({"result": "failed", "agentId": agent_id}))?;
                return Ok(Some(Err(failed(&agent_id, &last_logs))));
            }
        }
        Ok(None)
    }

    /// Ctrl-C: what exists and how to resume, on stderr; exit 130.
    fn interrupted(&self, matches: &ArgMatches) -> CliError {
        let _ = self.result(&json!({
            "result": "interrupted",
        }));
        let message = match &self.agent {
            Some(id) => format!(
                "interrupted while {}: agent {id} exists\n{}",
                self.stage,
                resume_hint(matches, id)
            ),
            None => format!("interrupted while {}: no agent was created", self.stage),
        };
        CliError::new(Exit::Interrupted, message)
    }
}

/// The command that resumes this deployment on agent `id`: the same arguments, with
/// `--agent <id>`.
fn resume_hint(matches: &ArgMatches, id: &str) -> String {
    let mut words = vec!["fleek-agents".to_string(), "deploy".to_string()];
    if let Some(path) = matches.get_one::<PathBuf>("character") {
        words.push(path.display().to_string());
    }
    for flag in ["project", "name", "framework-version"] {
        if let Some(value) = matches.get_one::<String>(flag) {
            words.push(format!("--{flag}"));
            words.push(value.clone());
        }
    }
    if let Some(avatar) = matches.get_one::<PathBuf>("avatar") {
        words.push("--avatar".into());
        words.push(avatar.display().to_string());
    }
    if matches.get_flag("tee") {
        words.push("--tee".into());
    }
    words.push("--agent".into());
    words.push(id.to_string());
    let command: Vec<String> = words.iter().map(|w| shell_word(w)).collect();
    format!("resume with: {}", command.join(" "))
}

/// A word as a POSIX shell reads it back: as it is when it is safe, single-quoted otherwise.
fn shell_word(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:@,+%".contains(c));
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
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
