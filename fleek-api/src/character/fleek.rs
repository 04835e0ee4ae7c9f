//! Fleek's rules before it deploys a character, stricter than Eliza's (those of Fleek's
//! dashboard), checked on raw JSON beside Eliza's so that both are reported in one pass. A
//! field of the wrong kind is Eliza's problem and is left to it.

use serde_json::{Map, Value};

use super::problem::Problem;

/// Every problem Fleek's deploy rules find in `value`.
pub(crate) fn problems(value: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    let Some(character) = value.as_object() else {
        return out;
    };
    if let Some(Value::String(name)) = character.get("name") {
        // Eliza 0.1.9 takes an empty name; the agent is named after it, and deploy sends it
        // as the agent's name.
        if name.trim().is_empty() {
            out.push(Problem::fleek(
                "$.name",
                "the name is empty: give the character a name (Fleek names the agent after it)",
            ));
        }
    }
    if is_empty_list(character, "clients") {
        out.push(Problem::fleek(
            "$.clients",
            "Fleek deploys characters with at least one client: add one, e.g. \"direct\" \
             (chat through the API)",
        ));
    }
    if is_empty_list(character, "topics") {
        out.push(Problem::fleek(
            "$.topics",
            "Fleek deploys characters with at least one topic: add what the character talks \
             about",
        ));
    }
    if is_empty_list(character, "adjectives") {
        out.push(Problem::fleek(
            "$.adjectives",
            "Fleek deploys characters with at least one adjective: add a word that describes \
             the character",
        ));
    }
    if let Some(Value::Array(conversations)) = character.get("messageExamples") {
        let two_or_more = |c: &Value| c.as_array().is_some_and(|messages| messages.len() >= 2);
        if !conversations.iter().any(two_or_more) {
            out.push(Problem::fleek(
                "$.messageExamples",
                "Fleek deploys characters with at least one example conversation of two \
                 messages or more: add a message from {{user1}} and the character's answer",
            ));
        }
    }
    let secret = |name: &str| {
        character
            .get("settings")?
            .get("secrets")?
            .get(name)?
            .as_str()
    };
    if let Some(username) = secret("TWITTER_USERNAME") {
        if username.starts_with('@') {
            out.push(Problem::fleek(
                "$.settings.secrets.TWITTER_USERNAME",
                format!(
                    "write the username without the @: {:?}",
                    username.trim_start_matches('@')
                ),
            ));
        }
    }
    if let Some(code) = secret("TWITTER_2FA_SECRET") {
        if code.chars().count() < 16 {
            out.push(Problem::fleek(
                "$.settings.secrets.TWITTER_2FA_SECRET",
                "the 2FA secret is shorter than 16 characters: copy the whole secret from X's \
                 two-factor settings (not a 6-digit code)",
            ));
        }
    }
    out
}

fn is_empty_list(character: &Map<String, Value>, name: &str) -> bool {
    matches!(character.get(name), Some(Value::Array(items)) if items.is_empty())
}
