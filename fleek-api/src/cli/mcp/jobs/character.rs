//! `deploy` and `validate`: a character given as JSON (or, over stdio, a file under the
//! working directory), checked by the library's rules; deployed through `Deploy`, each of its
//! events a progress notification.

use std::path::{Path, PathBuf};

use futures_util::StreamExt as _;
use serde_json::{json, Value};

use super::{agent_id, timeout, Context, Outcome, Progress};
use crate::character::Character;
use crate::cli::mcp::answer::{refusal, structured};
use crate::cli::mcp::args::Args;
use crate::cli::mcp::guard::Subject;
use crate::cli::validate::Checked;
use crate::deploy::DeployEvent;

/// What `deploy` asks, and what `confirm` repeats: the agent's name.
pub(crate) fn deploy_subject(context: &Context<'_>, args: &Args) -> Result<Subject, String> {
    let character = character_of(context, args)?;
    let name = args
        .peek("name")
        .and_then(Value::as_str)
        .map_or(character.name, str::to_string);
    let question = match args.peek("agent").and_then(Value::as_str) {
        Some(agent) => format!("deploy {name:?} over the agent {agent}, replacing what it runs"),
        None => {
            let project = args
                .peek("project")
                .and_then(Value::as_str)
                .or(context.project)
                .unwrap_or("the default project");
            format!("deploy {name:?} as a new agent in the project {project}")
        }
    };
    Ok(Subject {
        question,
        expected: name,
    })
}

/// The character from `character` or `path`.
fn character_of(context: &Context<'_>, args: &Args) -> Result<Character, String> {
    let checked = checked(context, args)?;
    match checked.character {
        Some(character) if checked.is_ok() => Ok(character),
        _ => Err(format!(
            "the character cannot be deployed; nothing was sent: {}",
            problems(&checked)
        )),
    }
}

fn checked(context: &Context<'_>, args: &Args) -> Result<Checked, String> {
    match (
        args.peek("character"),
        args.peek("path").and_then(Value::as_str),
    ) {
        (Some(value), None) if value.is_object() => Ok(Checked::of_value(value.clone())),
        (Some(_), None) => Err("`character` is the character as a JSON object".into()),
        (None, Some(path)) => Ok(Checked::of(&local_file(context, path)?)),
        (Some(_), Some(_)) => Err("give `character` or `path`, not both".into()),
        (None, None) => Err("give the character (`character`, as JSON)".into()),
    }
}

/// `path`, when the server may read it: over stdio, and under its working directory.
fn local_file(context: &Context<'_>, path: &str) -> Result<PathBuf, String> {
    if !context.files {
        return Err("`path` is read only when the server runs over stdio: give `character`".into());
    }
    let here = std::env::current_dir()
        .and_then(|dir| dir.canonicalize())
        .map_err(|e| format!("the working directory cannot be read: {e}"))?;
    let file = here
        .join(Path::new(path))
        .canonicalize()
        .map_err(|e| format!("{path}: {e}"))?;
    if !file.starts_with(&here) {
        return Err(format!(
            "{path} is outside the server's working directory ({}); only files under it are read",
            here.display()
        ));
    }
    Ok(file)
}

fn problems(checked: &Checked) -> String {
    if let Some(why) = &checked.unreadable {
        return why.clone();
    }
    checked
        .problems
        .iter()
        .map(|p| format!("{}: {}", p.path, p.message))
        .collect::<Vec<_>>()
        .join("; ")
}

pub(super) fn validate(context: &Context<'_>, mut args: Args) -> Outcome {
    let checked = match checked(context, &args) {
        Ok(checked) => checked,
        Err(why) => return Ok(refusal(why)),
    };
    args.take::<Value>("character")?;
    args.take::<String>("path")?;
    args.finish()?;
    Ok(structured(
        json!({
            "valid": checked.is_ok(),
            "unreadable": checked.unreadable,
            "problems": checked.problems,
            "liveSecrets": checked.live_secrets,
        }),
        false,
        "",
    ))
}

pub(super) async fn deploy(context: &Context<'_>, mut args: Args) -> Outcome {
    let character = match character_of(context, &args) {
        Ok(character) => character,
        Err(why) => return Ok(refusal(why)),
    };
    args.take::<Value>("character")?;
    args.take::<String>("path")?;
    let project = match args
        .text("project")?
        .or(context.project.map(str::to_string))
    {
        Some(project) => project,
        None => {
            return Ok(refusal(
                "no project: give `project`, or start the server with a default project \
                 (FLEEK_PROJECT_ID or the profile's)",
            ))
        }
    };
    let name = args.text("name")?;
    let timeout = timeout(&mut args)?;
    let agent = match args.has("agent") {
        true => match agent_id(context, &mut args).await? {
            Ok(id) => Some(id),
            Err(result) => return Ok(result),
        },
        false => {
            args.take::<String>("agent")?;
            None
        }
    };
    args.finish()?;
    let mut deploy = context
        .client
        .deploy(project.as_str(), &character)
        .timeout(timeout);
    if let Some(agent) = &agent {
        deploy = deploy.agent_id(agent.as_str());
    }
    if let Some(name) = &name {
        deploy = deploy.name(name.as_str());
    }
    let mut progress = Progress::new(context.request);
    let events = deploy.events();
    futures_util::pin_mut!(events);
    loop {
        let next = tokio::select! {
            next = events.next() => next,
            () = context.request.ct.cancelled() => {
                return Ok(refusal("cancelled; the deployment may have gone part of the way: `status` tells"));
            }
        };
        let event = match next {
            Some(Ok(event)) => event,
            Some(Err(error)) => {
                let mut message = error.to_string();
                if let Some(id) = error.agent_id() {
                    message.push_str(&format!(
                        "; the agent is {id}: `logs` shows why, `deploy` with agent {id} tries again"
                    ));
                }
                return Ok(refusal(message));
            }
            None => return Ok(refusal("the deployment ended without an outcome")),
        };
        match event {
            DeployEvent::Running { agent_id, elapsed } => {
                return Ok(structured(
                    json!({"result": "running", "agentId": agent_id, "seconds": elapsed.as_secs()}),
                    false,
                    "",
                ))
            }
            DeployEvent::Unchanged { agent_id } => {
                return Ok(structured(
                    json!({"result": "unchanged", "agentId": agent_id}),
                    false,
                    "",
                ))
            }
            DeployEvent::Failed { agent_id, .. } => {
                return Ok(refusal(format!(
                    "agent {agent_id} failed to start: `logs` with agent {agent_id} shows why"
                )))
            }
            other => progress.report(describe(&other)).await,
        }
    }
}

fn describe(event: &DeployEvent) -> String {
    match event {
        DeployEvent::Resumed { agent } => format!("found agent {}", agent.id),
        DeployEvent::Drafted {
            agent,
            created: true,
        } => format!("created the draft {}", agent.id),
        DeployEvent::Drafted { agent, .. } => format!("updated agent {}", agent.id),
        DeployEvent::Published { agent } => format!("published agent {}", agent.id),
        DeployEvent::Started { agent_id } => format!("started agent {agent_id}"),
        DeployEvent::Waiting {
            agent_id,
            elapsed,
            status,
        } => format!(
            "waiting for agent {agent_id} to run ({}, {} s)",
            status.as_ref().map_or("status unknown", |s| s.as_str()),
            elapsed.as_secs()
        ),
        other => format!("{other:?}"),
    }
}
