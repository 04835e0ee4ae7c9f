//! Eliza 0.1.9's character schema (`CharacterSchema` in `@elizaos/core@0.1.9`, a zod schema),
//! field by field, checked on raw JSON so that every problem is found in one pass.
//!
//! The tables below follow the zod source in its order; `cargo xtask eliza-conformance` runs
//! Eliza's own schema and this one on a corpus of real character files and probes, and fails
//! when their verdicts differ. zod's rules, as they apply here: a field marked optional may be
//! absent but not `null`; objects allow fields they do not name; a union passes when one of
//! its options passes.

use serde_json::{Map, Value};

use super::model::{ClientName, ModelProvider};
use super::problem::Problem;

/// The Eliza release whose rules these are.
pub(crate) const ELIZA_VERSION: &str = "0.1.9";

/// Every problem Eliza 0.1.9's schema finds in `value`.
pub(crate) fn problems(value: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    match value {
        Value::Object(object) => fields(CHARACTER, "$", object, &mut out),
        other => out.push(Problem::eliza(
            "$",
            format!("a character file is a JSON object, not {}", kind(other)),
        )),
    }
    out
}

/// What a value must be.
#[derive(Clone, Copy)]
enum Rule {
    /// Anything (`z.any()`).
    Any,
    /// A string.
    Text,
    /// A boolean.
    Flag,
    /// A string in zod's UUID form; the text says how to fix a wrong one.
    Uuid(&'static str),
    /// One of the names Eliza knows.
    Known(Names),
    /// A list whose items follow the rule, and what it is called in a message.
    List(&'static Rule, &'static str),
    /// An object whose values are strings (`z.record(z.string())`).
    TextMap,
    /// An object with these fields (and any other), and what it is called in a message.
    Object(&'static [Field], &'static str),
    /// One of several rules; the text says what is expected, for when none fits at all.
    Either(&'static [Rule], &'static str),
}

/// Eliza's enums.
#[derive(Clone, Copy)]
enum Names {
    ModelProvider,
    Client,
}

/// A field of an object.
struct Field {
    name: &'static str,
    /// What to add when a required field is missing; `None` when the field is optional.
    required: Option<&'static str>,
    rule: Rule,
}

const fn required(name: &'static str, rule: Rule, add: &'static str) -> Field {
    Field {
        name,
        required: Some(add),
        rule,
    }
}

const fn optional(name: &'static str, rule: Rule) -> Field {
    Field {
        name,
        required: None,
        rule,
    }
}

const TEXTS: Rule = Rule::List(&Rule::Text, "a list of strings");
const ANYTHING: Rule = Rule::List(&Rule::Any, "a list");

const CONTENT: &[Field] = &[
    required("text", Rule::Text, "what is said, e.g. \"text\": \"Hi\""),
    optional("action", Rule::Text),
    optional("source", Rule::Text),
    optional("url", Rule::Text),
    optional(
        "inReplyTo",
        Rule::Uuid("give the UUID of the message it answers, or remove `inReplyTo`"),
    ),
    optional("attachments", ANYTHING),
];

const MESSAGE: &[Field] = &[
    required(
        "user",
        Rule::Text,
        "who speaks, e.g. \"user\": \"{{user1}}\" or the character's name",
    ),
    required(
        "content",
        Rule::Object(CONTENT, "an object with `text`"),
        "what is said, e.g. \"content\": {\"text\": \"Hi\"}",
    ),
];

const PLUGIN: &[Field] = &[
    required(
        "name",
        Rule::Text,
        "the plugin's name, e.g. \"name\": \"weather\"",
    ),
    required(
        "description",
        Rule::Text,
        "what the plugin does, e.g. \"description\": \"Answers with the weather\"",
    ),
    optional("actions", ANYTHING),
    optional("providers", ANYTHING),
    optional("evaluators", ANYTHING),
    optional("services", ANYTHING),
    optional("clients", ANYTHING),
];

const KNOWLEDGE_FILE: &[Field] = &[
    required("path", Rule::Text, "the file, e.g. \"path\": \"facts.md\""),
    optional("shared", Rule::Flag),
];

const KNOWLEDGE_DIRECTORY: &[Field] = &[
    required(
        "directory",
        Rule::Text,
        "the directory, e.g. \"directory\": \"knowledge\"",
    ),
    optional("shared", Rule::Flag),
];

const VOICE: &[Field] = &[optional("model", Rule::Text), optional("url", Rule::Text)];

const SETTINGS: &[Field] = &[
    optional("secrets", Rule::TextMap),
    optional("voice", Rule::Object(VOICE, "an object")),
    optional("model", Rule::Text),
    optional("embeddingModel", Rule::Text),
];

const CLIENT_CONFIG: &[Field] = &[
    optional("shouldIgnoreBotMessages", Rule::Flag),
    optional("shouldIgnoreDirectMessages", Rule::Flag),
];

const CLIENT_CONFIGS: &[Field] = &[
    optional("discord", Rule::Object(CLIENT_CONFIG, "an object")),
    optional("telegram", Rule::Object(CLIENT_CONFIG, "an object")),
];

const STYLE: &[Field] = &[
    required("all", TEXTS, "\"all\": [] or a list of rules"),
    required("chat", TEXTS, "\"chat\": [] or a list of rules"),
    required("post", TEXTS, "\"post\": [] or a list of rules"),
];

const TWITTER_PROFILE: &[Field] = &[
    required("username", Rule::Text, "the X username, without the @"),
    required("screenName", Rule::Text, "the X display name"),
    required("bio", Rule::Text, "the X profile's bio"),
    optional("nicknames", TEXTS),
];

const NFT: &[Field] = &[optional("prompt", Rule::Text)];

const CHARACTER: &[Field] = &[
    optional(
        "id",
        Rule::Uuid("remove `id` (Eliza derives one from the name) or give a UUID"),
    ),
    required(
        "name",
        Rule::Text,
        "the character's name, e.g. \"name\": \"Nova\"",
    ),
    optional("system", Rule::Text),
    required(
        "modelProvider",
        Rule::Known(Names::ModelProvider),
        "the model provider, e.g. \"modelProvider\": \"openai\"",
    ),
    optional("modelEndpointOverride", Rule::Text),
    optional("templates", Rule::TextMap),
    required(
        "bio",
        Rule::Either(&[Rule::Text, TEXTS], "a string or a list of strings"),
        "who the character is, e.g. \"bio\": [\"Nova answers questions.\"]",
    ),
    required("lore", TEXTS, "\"lore\": [] or a list of background facts"),
    required(
        "messageExamples",
        Rule::List(
            &Rule::List(
                &Rule::Object(MESSAGE, "a message object with `user` and `content`"),
                "a list of messages",
            ),
            "a list of conversations",
        ),
        "example conversations, e.g. \"messageExamples\": [[{\"user\": \"{{user1}}\", \
         \"content\": {\"text\": \"Hi\"}}, {\"user\": \"Nova\", \"content\": {\"text\": \
         \"Hello!\"}}]]",
    ),
    required(
        "postExamples",
        TEXTS,
        "\"postExamples\": [] or a list of example posts",
    ),
    required(
        "topics",
        TEXTS,
        "a list of subjects, e.g. \"topics\": [\"web hosting\"]",
    ),
    required(
        "adjectives",
        TEXTS,
        "a list of words, e.g. \"adjectives\": [\"helpful\"]",
    ),
    optional(
        "knowledge",
        Rule::List(
            &Rule::Either(
                &[
                    Rule::Text,
                    Rule::Object(KNOWLEDGE_FILE, "an object with `path`"),
                    Rule::Object(KNOWLEDGE_DIRECTORY, "an object with `directory`"),
                ],
                "a text, a file ({\"path\": \"facts.md\"}) or a directory ({\"directory\": \
                 \"knowledge\"})",
            ),
            "a list of knowledge entries",
        ),
    ),
    required(
        "clients",
        Rule::List(&Rule::Known(Names::Client), "a list of client names"),
        "a list of clients, e.g. \"clients\": [\"direct\"]",
    ),
    required(
        "plugins",
        Rule::Either(
            &[
                TEXTS,
                Rule::List(
                    &Rule::Object(PLUGIN, "a plugin object with `name` and `description`"),
                    "a list of plugin objects",
                ),
            ],
            "a list of plugin package names, or a list of plugin objects (each with `name` \
             and `description`)",
        ),
        "\"plugins\": [] or a list of plugin package names",
    ),
    optional("settings", Rule::Object(SETTINGS, "an object")),
    optional("clientConfig", Rule::Object(CLIENT_CONFIGS, "an object")),
    required(
        "style",
        Rule::Object(STYLE, "an object with `all`, `chat` and `post`"),
        "writing rules, e.g. \"style\": {\"all\": [], \"chat\": [], \"post\": []}",
    ),
    optional(
        "twitterProfile",
        Rule::Object(
            TWITTER_PROFILE,
            "an object with `username`, `screenName` and `bio`",
        ),
    ),
    optional("nft", Rule::Object(NFT, "an object")),
    optional("extends", TEXTS),
];

impl Rule {
    fn check(self, path: &str, value: &Value, out: &mut Vec<Problem>) {
        match self {
            Rule::Any => {}
            Rule::Text => {
                if !value.is_string() {
                    out.push(wrong(path, "a string", value));
                }
            }
            Rule::Flag => {
                if !value.is_boolean() {
                    out.push(wrong(path, "true or false", value));
                }
            }
            Rule::Uuid(fix) => match value {
                Value::String(text) if is_uuid(text) => {}
                Value::String(text) => out.push(Problem::eliza(
                    path,
                    format!("{text:?} is not a UUID: {fix}"),
                )),
                other => out.push(wrong(path, "a UUID string", other)),
            },
            Rule::Known(names) => match value {
                Value::String(name) if names.knows(name) => {}
                Value::String(name) => out.push(Problem::eliza(
                    path,
                    format!(
                        "{name:?} is not a {} Eliza {ELIZA_VERSION} knows: use one of {}",
                        names.noun(),
                        names.list()
                    ),
                )),
                other => out.push(wrong(path, "a string", other)),
            },
            Rule::List(item, what) => match value {
                Value::Array(items) => {
                    for (i, value) in items.iter().enumerate() {
                        item.check(&format!("{path}[{i}]"), value, out);
                    }
                }
                other => out.push(wrong(path, what, other)),
            },
            Rule::TextMap => match value {
                Value::Object(map) => {
                    for (name, value) in map {
                        if !value.is_string() {
                            out.push(wrong(&format!("{path}.{name}"), "a string", value));
                        }
                    }
                }
                other => out.push(wrong(path, "an object of names to strings", other)),
            },
            Rule::Object(expected, what) => match value {
                Value::Object(object) => fields(expected, path, object, out),
                other => out.push(wrong(path, what, other)),
            },
            Rule::Either(options, what) => {
                let mut tried = Vec::with_capacity(options.len());
                for option in options {
                    let mut found = Vec::new();
                    option.check(path, value, &mut found);
                    if found.is_empty() {
                        return;
                    }
                    tried.push(found);
                }
                // None passes. The option that fits the value (a list of strings for a list
                // that starts with a string, a file for an object with `path`) says most
                // precisely what to fix; else the only option of the value's kind (a list of
                // strings for a list, when the union has one list); else say what is
                // expected.
                let only_of_kind = || {
                    let mut of_kind = options
                        .iter()
                        .enumerate()
                        .filter(|(_, option)| option.is_kind_of(value));
                    match (of_kind.next(), of_kind.next()) {
                        (Some((i, _)), None) => Some(i),
                        _ => None,
                    }
                };
                match options
                    .iter()
                    .position(|option| option.fits(value))
                    .or_else(only_of_kind)
                {
                    Some(i) => out.append(&mut tried[i]),
                    None => out.push(unfit(path, options, what, value)),
                }
            }
        }
    }

    /// Whether the value is of the JSON kind this rule takes, whatever is inside it.
    fn is_kind_of(self, value: &Value) -> bool {
        match self {
            Rule::Any => true,
            Rule::Text | Rule::Uuid(_) | Rule::Known(_) => value.is_string(),
            Rule::Flag => value.is_boolean(),
            Rule::TextMap | Rule::Object(..) => value.is_object(),
            Rule::List(..) => value.is_array(),
            Rule::Either(options, _) => options.iter().any(|option| option.is_kind_of(value)),
        }
    }

    /// Whether the value is of the kind this rule is about, wrong details aside.
    fn fits(self, value: &Value) -> bool {
        match self {
            Rule::Any => true,
            Rule::Text | Rule::Uuid(_) | Rule::Known(_) => value.is_string(),
            Rule::Flag => value.is_boolean(),
            Rule::TextMap => value.is_object(),
            Rule::List(item, _) => value
                .as_array()
                .is_some_and(|items| items.first().is_none_or(|first| item.fits(first))),
            Rule::Object(fields, _) => value.as_object().is_some_and(|object| {
                // An object fits by its first required field: `{"path"}` is a file,
                // `{"directory"}` a directory.
                fields
                    .iter()
                    .find(|field| field.required.is_some())
                    .is_none_or(|field| object.contains_key(field.name))
            }),
            Rule::Either(options, _) => options.iter().any(|option| option.fits(value)),
        }
    }
}

fn fields(expected: &[Field], path: &str, object: &Map<String, Value>, out: &mut Vec<Problem>) {
    for field in expected {
        let path = format!("{path}.{}", field.name);
        match (object.get(field.name), field.required) {
            (Some(value), _) => field.rule.check(&path, value, out),
            (None, Some(add)) => out.push(Problem::eliza(
                path,
                format!("`{}` is missing: add {add}", field.name),
            )),
            (None, None) => {}
        }
    }
}

impl Names {
    fn knows(self, name: &str) -> bool {
        match self {
            Names::ModelProvider => ModelProvider::KNOWN.iter().any(|p| p.as_str() == name),
            Names::Client => ClientName::KNOWN.iter().any(|c| c.as_str() == name),
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Names::ModelProvider => "model provider",
            Names::Client => "client",
        }
    }

    fn list(self) -> String {
        let names: Vec<&str> = match self {
            Names::ModelProvider => ModelProvider::KNOWN.iter().map(|p| p.as_str()).collect(),
            Names::Client => ClientName::KNOWN.iter().map(|c| c.as_str()).collect(),
        };
        names.join(", ")
    }
}

/// A union none of whose options fits the value: what it takes, and, for a list, the first
/// item no option's items take.
fn unfit(path: &str, options: &[Rule], what: &str, value: &Value) -> Problem {
    let items = options.iter().filter_map(|option| match option {
        Rule::List(item, _) => Some(*item),
        _ => None,
    });
    let odd = value.as_array().and_then(|values| {
        values
            .iter()
            .enumerate()
            .find(|(_, value)| items.clone().all(|item| !item.fits(value)))
    });
    match odd {
        Some((i, item)) => Problem::eliza(
            path,
            format!(
                "expected {what}; item [{i}] is {}: make every item of one kind",
                kind(item)
            ),
        ),
        None => wrong(path, what, value),
    }
}

pub(crate) fn wrong(path: &str, expected: &str, found: &Value) -> Problem {
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

/// zod's UUID form: `8-4-4-4-12` hexadecimal digits.
fn is_uuid(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(part, len)| part.len() == len && part.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn paths(value: Value) -> Vec<String> {
        problems(&value).into_iter().map(|p| p.path).collect()
    }

    #[test]
    fn a_union_with_no_fitting_option_says_what_it_takes() {
        let found = problems(&json!({"bio": 7}));
        let bio = found.iter().find(|p| p.path == "$.bio").unwrap();
        assert!(
            bio.message.contains("a string or a list of strings"),
            "{bio}"
        );
    }

    #[test]
    fn a_union_reports_the_option_that_fits() {
        let found = paths(json!({"plugins": [{"name": "x"}], "knowledge": [{"path": 1}, {}]}));
        assert!(
            found.contains(&"$.plugins[0].description".to_string()),
            "{found:?}"
        );
        assert!(
            found.contains(&"$.knowledge[0].path".to_string()),
            "{found:?}"
        );
        assert!(found.contains(&"$.knowledge[1]".to_string()), "{found:?}");
    }

    #[test]
    fn a_mixed_plugin_list_is_refused_at_the_item_of_the_other_kind() {
        let found = paths(json!({"plugins": ["a", {"name": "b", "description": "c"}]}));
        assert!(found.contains(&"$.plugins[1]".to_string()), "{found:?}");
    }

    #[test]
    fn zod_uuid_form() {
        assert!(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
        assert!(is_uuid("123E4567-E89B-12D3-A456-426614174000"));
        assert!(!is_uuid("123e4567e89b12d3a456426614174000"));
        assert!(!is_uuid("123e4567-e89b-12d3-a456-42661417400g"));
    }
}
