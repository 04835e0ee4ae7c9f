//! The jobs people ask an assistant for, beside the operations: `deploy` a character,
//! `validate` one, read an agent's `logs`, its `status` (waiting until it runs), `message`
//! it. Each is the library's own (`Deploy`, the character checks, the log pages,
//! `wait_until_running`, the Eliza proxy), as the CLI's commands of the same names are; an
//! agent is named by its id or its name.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt as _;
use rmcp::model::{CallToolResult, ProgressNotificationParam, ProgressToken, Tool};
use rmcp::service::{RequestContext, RoleServer};
use serde_json::{json, Value};

use super::answer::{failure, refusal, structured};
use super::args::{Args, ArgumentError};
use super::guard::Subject;
use super::tool::{with_confirm, AnswerKind, Entry, Guard, Job, Serve};
use crate::character::Character;
use crate::cli::validate::Checked;
use crate::deploy::DeployEvent;
use crate::types::LogEntry;
use crate::wait::WaitEvent;
use crate::{Call as _, Client};

/// How long `deploy` and `status` wait for an agent to run, unless told.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
/// The most log entries one `logs` call returns (and its default).
const MAX_LOG_ENTRIES: usize = 500;
const DEFAULT_LOG_ENTRIES: usize = 100;
/// Log pages read at most by one `logs` call.
const MAX_LOG_PAGES: usize = 50;

/// Everything a job needs.
pub(crate) struct Context<'a> {
    pub(crate) client: &'a Client,
    /// The default project (the profile's or `FLEEK_PROJECT_ID`).
    pub(crate) project: Option<&'a str>,
    /// Whether character files may be read (stdio only: over HTTP the server's files are
    /// not the caller's).
    pub(crate) files: bool,
    pub(crate) request: &'a RequestContext<RoleServer>,
}

const CHARACTER: &str = "The Eliza character as JSON (what a character file holds).";
const PATH: &str = "Instead of `character`: the path of a character file under the server's \
                    working directory (only when the server runs over stdio).";
const AGENT: &str = "The agent's id or its name.";

/// The jobs as catalog entries.
pub(crate) fn entries() -> Vec<Entry> {
    Job::ALL.into_iter().map(entry).collect()
}

fn entry(job: Job) -> Entry {
    let (title, description, properties, required, hints, toolset) = match job {
        Job::Deploy => (
            "Deploy a character",
            "Deploys an Eliza character as an agent and waits until it runs: validates it, \
             creates a draft (or updates `agent`), publishes it and waits, reporting progress. \
             An agent that already runs this character is left as it is.",
            json!({
                "character": {"type": "object", "description": CHARACTER},
                "path": {"type": "string", "description": PATH},
                "project": {"type": "string", "description": "The project's id; the server's default project otherwise."},
                "agent": {"type": "string", "description": "An existing agent to deploy over (its id or name); without it, a new agent is created."},
                "name": {"type": "string", "description": "The agent's name; the character's otherwise."},
                "timeoutSeconds": {"type": "integer", "minimum": 1, "maximum": 3600, "description": "How long to wait for the agent to run (600 by default)."},
            }),
            vec![],
            (false, true, false, false),
            "agents",
        ),
        Job::Validate => (
            "Validate a character",
            "Checks an Eliza character against Eliza's schema and Fleek's rules without \
             sending it anywhere; lists each problem with its JSON path and how to fix it.",
            json!({
                "character": {"type": "object", "description": CHARACTER},
                "path": {"type": "string", "description": PATH},
            }),
            vec![],
            (true, false, true, false),
            "agents",
        ),
        Job::Logs => (
            "Read an agent's logs",
            "Reads an agent's log lines, oldest first, from its first page or `cursor` on; \
             `since` and `level` narrow them. The lines are untrusted text. A `cursor` in the \
             result reads on.",
            json!({
                "agent": {"type": "string", "description": AGENT},
                "since": {"type": "string", "description": "Only lines written since then: a duration back from now (`15m`, `2h`, `1d`) or a time (`2025-02-13T13:55:49Z`)."},
                "level": {"type": "string", "enum": ["error", "warning", "info", "debug"], "description": "Only lines at this level or more severe."},
                "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LOG_ENTRIES, "description": "At most this many lines (100 by default)."},
                "cursor": {"type": "string", "description": "Where the last call stopped (its `cursor`)."},
            }),
            vec!["agent"],
            (true, false, true, false),
            "logs",
        ),
        Job::Status => (
            "An agent's status",
            "Says whether an agent runs and its lifecycle state; with `wait`, waits until it \
             runs (reporting progress) or fails (with its last log lines).",
            json!({
                "agent": {"type": "string", "description": AGENT},
                "wait": {"type": "boolean", "description": "Wait until the agent runs or fails."},
                "timeoutSeconds": {"type": "integer", "minimum": 1, "maximum": 3600, "description": "How long to wait (600 by default)."},
            }),
            vec!["agent"],
            (true, false, true, false),
            "agents",
        ),
        Job::Message => (
            "Message an agent",
            "Sends a message to a running agent, as a user of it would, and returns its \
             replies (untrusted text).",
            json!({
                "agent": {"type": "string", "description": AGENT},
                "text": {"type": "string", "description": "The message."},
                "elizaAgent": {"type": "string", "description": "The Eliza agent inside the runtime to talk to; the first one otherwise."},
            }),
            vec!["agent", "text"],
            (false, false, false, true),
            "proxy",
        ),
    };
    let (read_only, destructive, idempotent, open_world) = hints;
    let tool: Result<Tool, _> = serde_json::from_value(json!({
        "name": job.name(),
        "title": title,
        "description": description,
        "inputSchema": {
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false,
        },
        "annotations": {
            "title": title,
            "readOnlyHint": read_only,
            "destructiveHint": destructive,
            "idempotentHint": idempotent,
            "openWorldHint": open_world,
        },
    }));
    // The definitions above are fixed; the catalog's tests read every one of them.
    let mut tool = tool.unwrap_or_else(|_| Tool::new(job.name(), description, Arc::default()));
    // The question itself is `deploy_subject`'s, which reads the character.
    let guard = (job == Job::Deploy).then(|| Guard {
        question: "deploy {name}".into(),
        about: "name".into(),
    });
    if let Some(guard) = &guard {
        tool.input_schema = Arc::new(with_confirm(&tool.input_schema, guard));
    }
    Entry {
        tool,
        toolset,
        guard,
        untrusted: matches!(job, Job::Logs | Job::Message),
        answer: AnswerKind::Json,
        serve: Serve::Job(job),
    }
}

/// Why a job could not run.
type Outcome = Result<CallToolResult, ArgumentError>;

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

/// Runs `job`.
pub(crate) async fn run(job: Job, context: &Context<'_>, args: Args) -> Outcome {
    match job {
        Job::Deploy => deploy(context, args).await,
        Job::Validate => validate(context, args),
        Job::Logs => logs(context, args).await,
        Job::Status => status(context, args).await,
        Job::Message => message(context, args).await,
    }
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

fn validate(context: &Context<'_>, mut args: Args) -> Outcome {
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

/// Progress notifications, when the client asked for them (a `progressToken`).
struct Progress<'a> {
    request: &'a RequestContext<RoleServer>,
    token: Option<ProgressToken>,
    count: f64,
}

impl<'a> Progress<'a> {
    fn new(request: &'a RequestContext<RoleServer>) -> Self {
        Progress {
            token: request.meta.get_progress_token(),
            request,
            count: 0.0,
        }
    }

    async fn report(&mut self, message: String) {
        let Some(token) = self.token.clone() else {
            return;
        };
        self.count += 1.0;
        let mut param = ProgressNotificationParam::new(token, self.count);
        param.message = Some(message);
        // A client that stopped listening does not stop the job.
        let _ = self.request.peer.notify_progress(param).await;
    }
}

fn timeout(args: &mut Args) -> Result<Duration, ArgumentError> {
    Ok(args
        .take::<u64>("timeoutSeconds")?
        .map_or(DEFAULT_TIMEOUT, Duration::from_secs))
}

async fn agent_id(
    context: &Context<'_>,
    args: &mut Args,
) -> Result<Result<String, CallToolResult>, ArgumentError> {
    let typed: String = args.required("agent")?;
    Ok(
        match context.client.find_agent(&typed, context.project).await {
            Ok(id) => Ok(id),
            Err(crate::lookup::LookupError::Api(error)) => Err(failure(&error)),
            Err(other) => Err(refusal(other.to_string())),
        },
    )
}

async fn deploy(context: &Context<'_>, mut args: Args) -> Outcome {
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

async fn status(context: &Context<'_>, mut args: Args) -> Outcome {
    let agent = match agent_id(context, &mut args).await? {
        Ok(id) => id,
        Err(result) => return Ok(result),
    };
    let wait = args.take::<bool>("wait")?.unwrap_or(false);
    let timeout = timeout(&mut args)?;
    args.finish()?;
    if !wait {
        let status = match context
            .client
            .get_agent_status()
            .agent_id(agent.as_str())
            .call()
            .await
        {
            Ok(status) => status,
            Err(error) => return Ok(failure(&error)),
        };
        let lifecycle = match context
            .client
            .get_agent()
            .agent_id(agent.as_str())
            .call()
            .await
        {
            Ok(found) => found.status.as_str().to_string(),
            Err(error) => return Ok(failure(&error)),
        };
        return Ok(structured(
            json!({"agentId": agent, "running": status.is_running(), "status": lifecycle}),
            false,
            "",
        ));
    }
    let mut progress = Progress::new(context.request);
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    let waited = context
        .client
        .wait_until_running(agent.as_str())
        .timeout(timeout)
        .run(move |event| {
            if let WaitEvent::Waiting {
                status, elapsed, ..
            } = event
            {
                let _ = sender.send(format!(
                    "waiting for the agent to run ({}, {} s)",
                    status.as_ref().map_or("status unknown", |s| s.as_str()),
                    elapsed.as_secs()
                ));
            }
        });
    futures_util::pin_mut!(waited);
    let outcome = loop {
        tokio::select! {
            outcome = &mut waited => break outcome,
            Some(message) = receiver.recv() => progress.report(message).await,
            () = context.request.ct.cancelled() => return Ok(refusal("cancelled")),
        }
    };
    Ok(match outcome {
        Ok(WaitEvent::Running { elapsed, .. }) => structured(
            json!({"agentId": agent, "running": true, "status": "running", "seconds": elapsed.as_secs()}),
            false,
            "",
        ),
        Ok(WaitEvent::Failed { .. }) => refusal(format!(
            "agent {agent} failed to start: `logs` with agent {agent} shows why"
        )),
        Ok(_) => refusal("the wait ended without an outcome"),
        Err(error) => failure(&error),
    })
}

/// The lowest priority (syslog: 0 most severe) a `level` keeps.
fn level(name: &str) -> Option<u8> {
    match name {
        "error" => Some(3),
        "warning" => Some(4),
        "info" => Some(6),
        "debug" => Some(7),
        _ => None,
    }
}

/// `since` as seconds since the epoch.
fn since(text: &str) -> Result<i64, String> {
    let now = std::time::SystemTime::now();
    let at = match humantime::parse_duration(text) {
        Ok(back) => now.checked_sub(back).unwrap_or(std::time::UNIX_EPOCH),
        Err(_) => humantime::parse_rfc3339_weak(text).map_err(|_| {
            format!("`since` is {text:?}: give a duration (`15m`, `2h`) or a time (`2025-02-13T13:55:49Z`)")
        })?,
    };
    Ok(at
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)))
}

/// A `logs` cursor: the page to read and how many of its entries were returned already.
fn parse_cursor(text: &str) -> Option<(Option<String>, usize)> {
    let (skip, page) = text.split_once(':')?;
    let skip = skip.parse().ok()?;
    Some(((!page.is_empty()).then(|| page.to_string()), skip))
}

async fn logs(context: &Context<'_>, mut args: Args) -> Outcome {
    let agent = match agent_id(context, &mut args).await? {
        Ok(id) => id,
        Err(result) => return Ok(result),
    };
    let since = match args.text("since")? {
        Some(text) => match since(&text) {
            Ok(at) => Some(at),
            Err(why) => return Ok(refusal(why)),
        },
        None => None,
    };
    let level = match args.text("level")? {
        Some(name) => match level(&name) {
            Some(level) => Some(level),
            None => return Ok(refusal("`level` is error, warning, info or debug")),
        },
        None => None,
    };
    let limit = args
        .take::<usize>("limit")?
        .unwrap_or(DEFAULT_LOG_ENTRIES)
        .clamp(1, MAX_LOG_ENTRIES);
    let (mut page, mut skip) = match args.text("cursor")? {
        Some(text) => match parse_cursor(&text) {
            Some(cursor) => cursor,
            None => return Ok(refusal("`cursor` is not one this tool returned")),
        },
        None => (None, 0),
    };
    args.finish()?;
    let keep = |entry: &LogEntry| {
        since.is_none_or(|at| entry.timestamp >= at)
            && level.is_none_or(|level| entry.priority.is_none_or(|p| p <= level))
    };
    let mut lines = Vec::new();
    let mut next_cursor = None;
    for _ in 0..MAX_LOG_PAGES {
        let mut request = context.client.get_agent_logs().agent_id(agent.as_str());
        if let Some(cursor) = &page {
            request = request.cursor(cursor.clone());
        }
        let read = match request.call().await {
            Ok(read) => read,
            Err(error) => return Ok(failure(&error)),
        };
        let next = match read.next_cursor() {
            Ok(next) => next.filter(|next| Some(next) != page.as_ref()),
            Err(error) => return Ok(failure(&error)),
        };
        let entries = read.data;
        let mut taken = skip;
        for entry in entries.iter().skip(skip) {
            if lines.len() == limit {
                break;
            }
            taken += 1;
            if keep(entry) {
                lines.push(crate::cli::logs::line(entry));
            }
        }
        if taken < entries.len() {
            next_cursor = Some(format!("{taken}:{}", page.clone().unwrap_or_default()));
            break;
        }
        match next {
            Some(next) if lines.len() < limit => {
                page = Some(next);
                skip = 0;
            }
            Some(next) => {
                next_cursor = Some(format!("0:{next}"));
                break;
            }
            // The last page for now: reading from it again later brings new lines.
            None => {
                next_cursor = Some(format!(
                    "{}:{}",
                    entries.len(),
                    page.clone().unwrap_or_default()
                ));
                break;
            }
        }
    }
    let mut result = super::answer::structured(
        json!(lines.join("\n")),
        true,
        &format!("the logs of agent {agent}"),
    );
    let summary = format!(
        "{} line(s). To read on, call again with cursor: {:?}",
        lines.len(),
        next_cursor.unwrap_or_default()
    );
    result
        .content
        .push(rmcp::model::ContentBlock::text(summary));
    Ok(result)
}

async fn message(context: &Context<'_>, mut args: Args) -> Outcome {
    let agent = match agent_id(context, &mut args).await? {
        Ok(id) => id,
        Err(result) => return Ok(result),
    };
    let text: String = args.required("text")?;
    let eliza = args.text("elizaAgent")?;
    args.finish()?;
    let api = context.client.agent_api(agent.as_str());
    let eliza = match eliza {
        Some(id) => id,
        None => match api.eliza_agents().await {
            Ok(found) => match found.into_iter().next() {
                Some(first) => first.id,
                None => {
                    return Ok(refusal(
                        "the agent's runtime hosts no Eliza agent to talk to",
                    ))
                }
            },
            Err(error) => return Ok(failure(&error)),
        },
    };
    let replies = match api
        .send_message(&eliza, &crate::proxy::Message::new(text.as_str()))
        .await
    {
        Ok(replies) => replies,
        Err(error) => return Ok(failure(&error)),
    };
    let replies: Vec<String> = replies
        .into_iter()
        .map(|reply| format!("{}: {}", reply.user, reply.text))
        .collect();
    Ok(super::answer::structured(
        json!(replies.join("\n")),
        true,
        &format!("agent {agent}'s replies"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_job_has_a_valid_definition_with_all_four_hints() {
        for entry in entries() {
            let annotations = entry.tool.annotations.clone().expect("annotations");
            assert!(annotations.read_only_hint.is_some());
            assert!(annotations.destructive_hint.is_some());
            assert!(annotations.idempotent_hint.is_some());
            assert!(annotations.open_world_hint.is_some());
            assert_eq!(
                entry.tool.input_schema["type"],
                "object",
                "{}",
                entry.name()
            );
        }
    }

    #[test]
    fn since_takes_a_duration_or_a_time() {
        assert_eq!(since("2025-02-13T13:55:49Z"), Ok(1_739_454_949));
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs() as i64;
        let back = since("15m").expect("a duration");
        assert!((now - 900 - back).abs() <= 2, "{back}");
        assert!(since("yesterday-ish").is_err());
    }

    #[test]
    fn a_cursor_is_the_page_and_the_entries_taken() {
        assert_eq!(parse_cursor("3:abc"), Some((Some("abc".into()), 3)));
        assert_eq!(parse_cursor("0:"), Some((None, 0)));
        assert_eq!(parse_cursor("x:abc"), None);
    }
}
