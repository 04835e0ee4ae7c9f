//! The jobs people ask an assistant for, beside the operations: `deploy` a character,
//! `validate` one, read an agent's `logs`, its `status` (waiting until it runs), `message`
//! it. Each is the library's own (`Deploy`, the character checks, the log pages,
//! `wait_until_running`, the Eliza proxy), as the CLI's commands of the same names are; an
//! agent is named by its id or its name.

mod agent;
mod character;
mod logs;

use std::sync::Arc;
use std::time::Duration;

use rmcp::model::{CallToolResult, ProgressNotificationParam, ProgressToken, Tool};
use rmcp::service::{RequestContext, RoleServer};
use serde_json::json;

use super::answer::{failure, refusal};
use super::args::{Args, ArgumentError};
use super::tool::{with_confirm, AnswerKind, Entry, Guard, Job, Serve};
use crate::Client;

pub(crate) use character::deploy_subject;

/// How long `deploy` and `status` wait for an agent to run, unless told.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

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
                "limit": {"type": "integer", "minimum": 1, "maximum": logs::MAX_LOG_ENTRIES, "description": "At most this many lines (100 by default)."},
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

/// Runs `job`.
pub(crate) async fn run(job: Job, context: &Context<'_>, args: Args) -> Outcome {
    match job {
        Job::Deploy => character::deploy(context, args).await,
        Job::Validate => character::validate(context, args),
        Job::Logs => logs::logs(context, args).await,
        Job::Status => agent::status(context, args).await,
        Job::Message => agent::message(context, args).await,
    }
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
}
