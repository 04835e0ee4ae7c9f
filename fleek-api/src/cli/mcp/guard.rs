//! Asking before a tool that deletes, stops, cancels, overwrites or costs money.
//!
//! A client that can ask its user (MCP elicitation) is asked to: as an input request in the
//! result (protocol 2026-07-28, where a server may no longer send requests of its own) or
//! as an `elicitation/create` request (earlier versions). A client that cannot ask gets a
//! refusal that says what the call would do, and the call goes through only when it is
//! made again with a `confirm` argument repeating the agent's name (the subscription's id,
//! the project's id): something a model has to have been told, not something it guesses.

use rmcp::model::{
    CallToolRequestParams, ElicitRequest, ElicitRequestParams, ElicitationAction, InputRequest,
    InputRequests, InputRequiredResult, ProtocolVersion,
};
use rmcp::service::{RequestContext, RoleServer};
use serde_json::{json, Value};

use super::tool::Guard;

/// The key of the one input request this server makes.
const CONFIRM: &str = "confirm";

/// What to do with a guarded call.
pub(crate) enum Verdict {
    /// Call it.
    Go,
    /// Return this to the client, which asks its user and calls again.
    Ask(InputRequiredResult),
    /// Do not call it; tell the model why and what to do.
    Refuse(String),
}

/// What the call is about: the question, filled in, and the text `confirm` must repeat.
pub(crate) struct Subject {
    pub(crate) question: String,
    pub(crate) expected: String,
}

impl Subject {
    /// `guard`'s question with `{arg}` filled from `arguments` and `{about}` with `name`
    /// (the agent's name, where the server could read it).
    pub(crate) fn new(
        guard: &Guard,
        arguments: &serde_json::Map<String, Value>,
        name: Option<String>,
    ) -> Self {
        let value = |key: &str| -> Option<String> {
            arguments.get(key).map(|v| match v {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            })
        };
        let expected = name
            .clone()
            .or_else(|| value(&guard.about))
            .unwrap_or_default();
        let mut question = guard.question.clone();
        let shown = match (&name, value(&guard.about)) {
            (Some(name), Some(id)) if *name != id => format!("{name:?} ({id})"),
            (Some(name), _) => format!("{name:?}"),
            (None, _) => expected.clone(),
        };
        question = question.replace(&format!("{{{}}}", guard.about), &shown);
        for (key, _) in arguments {
            if let Some(text) = value(key) {
                question = question.replace(&format!("{{{key}}}"), &text);
            }
        }
        Subject { question, expected }
    }
}

/// Whether to call, ask or refuse: `given` is the `confirm` argument.
pub(crate) async fn check(
    subject: &Subject,
    given: Option<String>,
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
) -> Verdict {
    let can_ask = context
        .client_capabilities()
        .is_some_and(|capabilities| capabilities.elicitation.is_some());
    let sentence = capitalised(&subject.question);
    if can_ask {
        let modern = context
            .protocol_version()
            .is_some_and(|version| version >= ProtocolVersion::V_2026_07_28);
        if modern {
            return match request
                .input_responses
                .as_ref()
                .and_then(|r| r.get(CONFIRM))
            {
                Some(response) => judge(response),
                None => {
                    let form = match form(&sentence) {
                        Ok(form) => form,
                        Err(why) => return Verdict::Refuse(why),
                    };
                    let mut requests = InputRequests::new();
                    requests.insert(
                        CONFIRM.to_string(),
                        InputRequest::Elicitation(ElicitRequest::new(form)),
                    );
                    Verdict::Ask(InputRequiredResult::from_input_requests(requests))
                }
            };
        }
        let form = match form(&sentence) {
            Ok(form) => form,
            Err(why) => return Verdict::Refuse(why),
        };
        return match context.peer.create_elicitation(form).await {
            Ok(result) => judge(&json!({"action": result.action, "content": result.content})),
            Err(error) => Verdict::Refuse(format!(
                "{sentence}? The user could not be asked ({error}); nothing was done"
            )),
        };
    }
    match given {
        Some(given) if given.trim() == subject.expected && !subject.expected.is_empty() => {
            Verdict::Go
        }
        Some(given) => Verdict::Refuse(format!(
            "`confirm` is {given:?}, not {:?}: nothing was done. {sentence}? Ask the user; only \
             if they agree, call again with confirm: {:?}",
            subject.expected, subject.expected
        )),
        None => Verdict::Refuse(format!(
            "{sentence}? This needs the user's consent and nothing was done. Ask the user; \
             only if they agree, call again with the same arguments and confirm: {:?}",
            subject.expected
        )),
    }
}

/// The form the client shows its user: one yes-or-no question.
fn form(sentence: &str) -> Result<ElicitRequestParams, String> {
    let schema = json!({
        "type": "object",
        "properties": {
            CONFIRM: {
                "type": "boolean",
                "title": "Go ahead",
                "description": format!("{sentence}?"),
            }
        },
        "required": [CONFIRM],
    });
    let requested_schema = serde_json::from_value(schema)
        .map_err(|e| format!("the confirmation form cannot be made ({e}); nothing was done"))?;
    Ok(ElicitRequestParams::FormElicitationParams {
        meta: None,
        message: format!("{sentence}?"),
        requested_schema,
    })
}

/// The user's answer: accepted with `confirm: true`, or not.
fn judge(response: &Value) -> Verdict {
    let accepted = serde_json::from_value::<ElicitationAction>(response["action"].clone())
        .is_ok_and(|action| action == ElicitationAction::Accept);
    if accepted && response["content"][CONFIRM] == json!(true) {
        Verdict::Go
    } else {
        Verdict::Refuse("the user did not agree; nothing was done".into())
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard() -> Guard {
        Guard {
            question: "delete the agent {agentId}, with its logs and settings".into(),
            about: "agentId".into(),
        }
    }

    #[test]
    fn the_question_names_the_agent_and_confirm_repeats_its_name() {
        let arguments = json!({"agentId": "cm1"})
            .as_object()
            .cloned()
            .unwrap_or_default();
        let subject = Subject::new(&guard(), &arguments, Some("Nova".into()));
        assert_eq!(
            subject.question,
            "delete the agent \"Nova\" (cm1), with its logs and settings"
        );
        assert_eq!(subject.expected, "Nova");
        let unnamed = Subject::new(&guard(), &arguments, None);
        assert_eq!(unnamed.expected, "cm1");
    }

    #[test]
    fn the_form_is_one_yes_or_no_question() {
        assert!(form("Stop the agent").is_ok());
    }

    #[test]
    fn only_an_accepted_yes_lets_the_call_through() {
        assert!(matches!(
            judge(&json!({"action": "accept", "content": {"confirm": true}})),
            Verdict::Go
        ));
        for answer in [
            json!({"action": "accept", "content": {"confirm": false}}),
            json!({"action": "decline"}),
            json!({"action": "cancel"}),
            json!({"action": "accept"}),
        ] {
            assert!(matches!(judge(&answer), Verdict::Refuse(_)), "{answer}");
        }
    }
}
