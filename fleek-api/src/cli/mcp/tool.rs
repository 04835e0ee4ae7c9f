//! What a tool is to the server: its definition and its policy (`Entry`), how its answer
//! becomes a result, what is asked before it is called, and who serves it. Types only, so
//! that the catalog, the jobs, the guard and the answers import them and not each other.

use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use serde::Deserialize;
use serde_json::Value;

/// How an answer becomes a result (the generator's `answer`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum AnswerKind {
    Json,
    Items,
    Value,
    Binary,
    None,
}

/// What the server asks before a guarded tool.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub(crate) struct Guard {
    /// The question; `{arg}` is an argument's value (the agent's name for `agentId`).
    pub(crate) question: String,
    /// The argument naming what it is about, whose value (the agent's name for an agent)
    /// the `confirm` argument repeats.
    pub(crate) about: String,
}

/// Who serves a tool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Serve {
    /// The generated call of the operation of the same name.
    Operation,
    /// A hand-written job.
    Job(Job),
}

/// One tool with its policy.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub(crate) tool: Tool,
    pub(crate) toolset: &'static str,
    pub(crate) guard: Option<Guard>,
    pub(crate) untrusted: bool,
    pub(crate) answer: AnswerKind,
    pub(crate) serve: Serve,
}

impl Entry {
    pub(crate) fn name(&self) -> &str {
        &self.tool.name
    }

    fn annotations(&self) -> ToolAnnotations {
        self.tool.annotations.clone().unwrap_or_default()
    }

    pub(crate) fn read_only(&self) -> bool {
        self.annotations().read_only_hint == Some(true)
    }
}

/// The `confirm` argument a guarded tool takes when the client cannot ask the person.
pub(crate) fn with_confirm(schema: &JsonObject, guard: &Guard) -> JsonObject {
    let mut schema = schema.clone();
    let what = if guard.about == "agentId" || guard.about == "agent" {
        "the agent's name".to_string()
    } else {
        format!("the value of `{}`", guard.about)
    };
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        properties.insert(
            "confirm".into(),
            serde_json::json!({
                "type": "string",
                "description": format!(
                    "Only after the user has agreed to this call: {what}, repeated. Needed \
                     when this client cannot ask the user itself."
                ),
            }),
        );
    }
    schema
}

/// A hand-written tool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Job {
    Deploy,
    Validate,
    Logs,
    Status,
    Message,
}

impl Job {
    pub(crate) const ALL: [Job; 5] = [
        Job::Deploy,
        Job::Validate,
        Job::Logs,
        Job::Status,
        Job::Message,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Job::Deploy => "deploy",
            Job::Validate => "validate",
            Job::Logs => "logs",
            Job::Status => "status",
            Job::Message => "message",
        }
    }
}
