//! Checking character files: the shape Eliza 0.1.9 requires, Eliza's rules on values, and
//! Fleek's stricter rules for deploying. Every problem is reported at once, with the JSON
//! path of the value and a sentence saying how to fix it.

use std::fmt;

use serde_json::Value;

use super::model::{Character, ClientName, ModelProvider};

/// Whose rule a problem breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rules {
    /// Eliza 0.1.9's character schema: the agent would not start.
    Eliza,
    /// Fleek's checks before deploying (those of Fleek's dashboard).
    Fleek,
}

/// One problem of a character file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Whose rule it breaks.
    pub rules: Rules,
    /// Where: a JSON path such as `$.messageExamples[0][1].content.text`.
    pub path: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl Problem {
    pub(crate) fn eliza(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            rules: Rules::Eliza,
            path: path.into(),
            message: message.into(),
        }
    }

    fn fleek(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            rules: Rules::Fleek,
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rules = match self.rules {
            Rules::Eliza => "Eliza",
            Rules::Fleek => "Fleek",
        };
        write!(f, "{} ({rules}): {}", self.path, self.message)
    }
}

/// Every problem [`Character::validate`] found.
///
/// ```
/// use fleek_api::character::{Character, Rules};
///
/// let c3po = Character::from_json(include_str!("../../tests/it/fixtures/c3po.character.json"))?;
/// let report = c3po.validate();
/// for problem in report.problems() {
///     println!("{problem}"); // "$.clients (Fleek): Fleek deploys characters with at least one client: ..."
/// }
/// assert_eq!(report.fleek()[0].path, "$.clients");
/// assert_eq!(report.fleek()[0].rules, Rules::Fleek);
/// # Ok::<(), fleek_api::character::CharacterError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    problems: Vec<Problem>,
}

impl Report {
    /// All problems, Eliza's first.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The problems that break Eliza's rules: the agent would not start.
    pub fn eliza(&self) -> Vec<&Problem> {
        self.of(Rules::Eliza)
    }

    /// The problems that break Fleek's deploy rules: Fleek would refuse it.
    pub fn fleek(&self) -> Vec<&Problem> {
        self.of(Rules::Fleek)
    }

    /// Whether the character can be deployed on Fleek: no problem at all.
    pub fn is_deployable(&self) -> bool {
        self.problems.is_empty()
    }

    fn of(&self, rules: Rules) -> Vec<&Problem> {
        self.problems.iter().filter(|p| p.rules == rules).collect()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.problems.is_empty() {
            return f.write_str("no problems");
        }
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

/// The shape Eliza requires, checked on raw JSON so that every problem is found at once
/// (a typed parse would stop at the first).
pub(crate) fn shape(value: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    let Some(object) = value.as_object() else {
        problems.push(Problem::eliza(
            "$",
            format!("a character file is a JSON object, not {}", kind(value)),
        ));
        return problems;
    };
    let field = |name: &str| object.get(name);
    let mut check = |name: &str, expected: Expect| {
        let path = format!("$.{name}");
        match field(name) {
            None if expected.required => problems.push(Problem::eliza(
                path,
                format!("`{name}` is missing: add {}", expected.example),
            )),
            None => {}
            Some(value) => expected.check(&path, value, &mut problems),
        }
    };
    check(
        "name",
        Expect::string(true, "the character's name, e.g. \"name\": \"Nova\""),
    );
    check(
        "modelProvider",
        Expect::string(
            true,
            "the model provider, e.g. \"modelProvider\": \"openai\"",
        ),
    );
    check("bio", Expect::bio());
    for (name, example) in [
        ("lore", "\"lore\": [] or a list of background facts"),
        (
            "postExamples",
            "\"postExamples\": [] or a list of example posts",
        ),
        (
            "topics",
            "a list of subjects, e.g. \"topics\": [\"web hosting\"]",
        ),
        (
            "adjectives",
            "a list of words, e.g. \"adjectives\": [\"helpful\"]",
        ),
        (
            "plugins",
            "\"plugins\": [] or a list of plugin package names",
        ),
        (
            "clients",
            "a list of clients, e.g. \"clients\": [\"direct\"]",
        ),
    ] {
        check(name, Expect::strings(true, example));
    }
    check("messageExamples", Expect::conversations());
    check("style", Expect::style());
    check("id", Expect::string(false, ""));
    check("system", Expect::string(false, ""));
    check("knowledge", Expect::array(false));
    check("settings", Expect::settings());
    problems
}

/// What one field must look like.
struct Expect {
    required: bool,
    example: &'static str,
    check: fn(&str, &Value, &mut Vec<Problem>),
}

impl Expect {
    fn check(&self, path: &str, value: &Value, problems: &mut Vec<Problem>) {
        (self.check)(path, value, problems)
    }

    fn string(required: bool, example: &'static str) -> Self {
        Self {
            required,
            example,
            check: |path, value, problems| {
                if !value.is_string() {
                    problems.push(wrong(path, "a string", value));
                }
            },
        }
    }

    fn strings(required: bool, example: &'static str) -> Self {
        Self {
            required,
            example,
            check: check_strings,
        }
    }

    fn array(required: bool) -> Self {
        Self {
            required,
            example: "a list",
            check: |path, value, problems| {
                if !value.is_array() {
                    problems.push(wrong(path, "a list", value));
                }
            },
        }
    }

    fn bio() -> Self {
        Self {
            required: true,
            example: "who the character is, e.g. \"bio\": [\"Nova answers questions.\"]",
            check: |path, value, problems| {
                if !value.is_string() {
                    check_strings(path, value, problems);
                }
            },
        }
    }

    fn conversations() -> Self {
        Self {
            required: true,
            example: "example conversations, e.g. \"messageExamples\": [[{\"user\": \
                      \"{{user1}}\", \"content\": {\"text\": \"Hi\"}}, {\"user\": \"Nova\", \
                      \"content\": {\"text\": \"Hello!\"}}]]",
            check: check_conversations,
        }
    }

    fn style() -> Self {
        Self {
            required: true,
            example: "writing rules, e.g. \"style\": {\"all\": [], \"chat\": [], \"post\": []}",
            check: |path, value, problems| {
                let Some(style) = value.as_object() else {
                    problems.push(wrong(
                        path,
                        "an object with `all`, `chat` and `post`",
                        value,
                    ));
                    return;
                };
                for part in ["all", "chat", "post"] {
                    let path = format!("{path}.{part}");
                    match style.get(part) {
                        None => problems.push(Problem::eliza(
                            path,
                            format!(
                                "`style.{part}` is missing: add \"{part}\": [] or a list of rules"
                            ),
                        )),
                        Some(value) => check_strings(&path, value, problems),
                    }
                }
            },
        }
    }

    fn settings() -> Self {
        Self {
            required: false,
            example: "",
            check: |path, value, problems| {
                let Some(settings) = value.as_object() else {
                    problems.push(wrong(path, "an object", value));
                    return;
                };
                let Some(secrets) = settings.get("secrets") else {
                    return;
                };
                let path = format!("{path}.secrets");
                let Some(secrets) = secrets.as_object() else {
                    problems.push(wrong(&path, "an object of names to strings", secrets));
                    return;
                };
                for (name, secret) in secrets {
                    if !secret.is_string() {
                        problems.push(wrong(&format!("{path}.{name}"), "a string", secret));
                    }
                }
            },
        }
    }
}

fn check_strings(path: &str, value: &Value, problems: &mut Vec<Problem>) {
    let Some(items) = value.as_array() else {
        problems.push(wrong(path, "a list of strings", value));
        return;
    };
    for (i, item) in items.iter().enumerate() {
        if !item.is_string() {
            problems.push(wrong(&format!("{path}[{i}]"), "a string", item));
        }
    }
}

fn check_conversations(path: &str, value: &Value, problems: &mut Vec<Problem>) {
    let Some(conversations) = value.as_array() else {
        problems.push(wrong(path, "a list of conversations", value));
        return;
    };
    for (i, conversation) in conversations.iter().enumerate() {
        let path = format!("{path}[{i}]");
        let Some(messages) = conversation.as_array() else {
            problems.push(wrong(&path, "a list of messages", conversation));
            continue;
        };
        for (j, message) in messages.iter().enumerate() {
            let path = format!("{path}[{j}]");
            let Some(message) = message.as_object() else {
                problems.push(wrong(
                    &path,
                    "a message object with `user` and `content`",
                    message,
                ));
                continue;
            };
            match message.get("user") {
                Some(Value::String(_)) => {}
                Some(other) => problems.push(wrong(&format!("{path}.user"), "a string", other)),
                None => problems.push(Problem::eliza(
                    format!("{path}.user"),
                    "`user` is missing: say who speaks, e.g. \"{{user1}}\" or the character's name",
                )),
            }
            match message.get("content") {
                Some(Value::Object(content)) => match content.get("text") {
                    Some(Value::String(_)) => {}
                    Some(other) => {
                        problems.push(wrong(&format!("{path}.content.text"), "a string", other))
                    }
                    None => problems.push(Problem::eliza(
                        format!("{path}.content.text"),
                        "`text` is missing: add what is said",
                    )),
                },
                Some(other) => problems.push(wrong(
                    &format!("{path}.content"),
                    "an object with `text`",
                    other,
                )),
                None => problems.push(Problem::eliza(
                    format!("{path}.content"),
                    "`content` is missing: add {\"text\": \"...\"}",
                )),
            }
        }
    }
}

fn wrong(path: &str, expected: &str, found: &Value) -> Problem {
    Problem::eliza(
        path,
        format!(
            "expected {expected}, found {}: replace it with {expected}",
            kind(found)
        ),
    )
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Eliza's rules on values and Fleek's deploy rules, on a character of the right shape.
pub(crate) fn character(c: &Character) -> Report {
    let mut problems = Vec::new();

    // Eliza.
    if c.name.trim().is_empty() {
        problems.push(Problem::eliza(
            "$.name",
            "the name is empty: give the character a name",
        ));
    }
    if let Some(id) = &c.id {
        if !is_uuid(id) {
            problems.push(Problem::eliza(
                "$.id",
                format!("{id:?} is not a UUID: remove `id` (Eliza derives one) or give a UUID"),
            ));
        }
    }
    if let ModelProvider::Other(name) = &c.model_provider {
        problems.push(Problem::eliza(
            "$.modelProvider",
            format!(
                "{name:?} is not a model provider Eliza 0.1.9 knows: use one of {}",
                known(ModelProvider::KNOWN)
            ),
        ));
    }
    for (i, client) in c.clients.iter().enumerate() {
        if let ClientName::Other(name) = client {
            problems.push(Problem::eliza(
                format!("$.clients[{i}]"),
                format!(
                    "{name:?} is not a client Eliza 0.1.9 knows: use one of {}",
                    known(ClientName::KNOWN)
                ),
            ));
        }
    }

    // Fleek, as its dashboard checks before deploying.
    if c.clients.is_empty() {
        problems.push(Problem::fleek(
            "$.clients",
            "Fleek deploys characters with at least one client: add one, e.g. \"direct\" \
             (chat through the API)",
        ));
    }
    if c.topics.is_empty() {
        problems.push(Problem::fleek(
            "$.topics",
            "Fleek deploys characters with at least one topic: add what the character talks \
             about",
        ));
    }
    if c.adjectives.is_empty() {
        problems.push(Problem::fleek(
            "$.adjectives",
            "Fleek deploys characters with at least one adjective: add a word that describes \
             the character",
        ));
    }
    if !c
        .message_examples
        .iter()
        .any(|conversation| conversation.len() >= 2)
    {
        problems.push(Problem::fleek(
            "$.messageExamples",
            "Fleek deploys characters with at least one example conversation of two messages \
             or more: add a message from {{user1}} and the character's answer",
        ));
    }
    let secrets = c.settings.as_ref().and_then(|s| s.secrets.as_ref());
    if let Some(username) = secrets.and_then(|s| s.get("TWITTER_USERNAME")) {
        if username.starts_with('@') {
            problems.push(Problem::fleek(
                "$.settings.secrets.TWITTER_USERNAME",
                format!(
                    "write the username without the @: {:?}",
                    username.trim_start_matches('@')
                ),
            ));
        }
    }
    if let Some(secret) = secrets.and_then(|s| s.get("TWITTER_2FA_SECRET")) {
        if secret.chars().count() < 16 {
            problems.push(Problem::fleek(
                "$.settings.secrets.TWITTER_2FA_SECRET",
                "the 2FA secret is shorter than 16 characters: copy the whole secret from X's \
                 two-factor settings (not a 6-digit code)",
            ));
        }
    }
    Report { problems }
}

fn known<T: fmt::Display>(values: &[T]) -> String {
    values
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `8-4-4-4-12` hexadecimal digits.
fn is_uuid(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(part, len)| part.len() == len && part.chars().all(|c| c.is_ascii_hexdigit()))
}

impl Character {
    /// Checks Eliza's rules and Fleek's stricter deploy rules; every problem at once.
    pub fn validate(&self) -> Report {
        character(self)
    }
}
