//! Character files: round trips that lose nothing, every problem of a broken file with its
//! path, Fleek's deploy rules, and the published JSON Schema.

use fleek_api::character::{Bio, Character, CharacterError, ClientName, ModelProvider, Rules};
use serde_json::{json, Value};

const C3PO: &str = include_str!("fixtures/c3po.character.json");

/// A character that passes every rule.
fn nova() -> Value {
    json!({
        "name": "Nova",
        "modelProvider": "openai",
        "clients": ["direct"],
        "plugins": [],
        "bio": ["Nova answers questions about hosting on Fleek."],
        "lore": [],
        "messageExamples": [[
            {"user": "{{user1}}", "content": {"text": "Hi!"}},
            {"user": "Nova", "content": {"text": "Hello! How can I help?", "action": "NONE"}}
        ]],
        "postExamples": [],
        "topics": ["web hosting"],
        "adjectives": ["helpful"],
        "style": {"all": ["concise"], "chat": [], "post": []}
    })
}

fn parse(value: &Value) -> Result<Character, CharacterError> {
    Character::from_json(&value.to_string())
}

#[test]
fn c3po_round_trips_unchanged() {
    let original: Value = serde_json::from_str(C3PO).expect("JSON");
    let character = Character::from_json(C3PO).expect("an Eliza character");
    assert_eq!(character.name, "C-3PO");
    assert_eq!(character.model_provider, ModelProvider::Anthropic);
    assert!(matches!(character.bio, Bio::Lines(ref lines) if lines.len() == 4));
    assert!(character.extra.contains_key("twitterSpaces"));
    let written: Value = serde_json::from_str(&character.to_config_string()).expect("JSON");
    assert_eq!(written, original);
    // Compact: the API stores the text.
    assert!(!character.to_config_string().contains('\n'));
}

#[test]
fn unknown_fields_at_every_level_survive_a_round_trip() {
    let mut file = nova();
    file["twitterProfile"] = json!({"id": "1", "username": "nova"});
    file["clientConfig"] = json!({"discord": {"shouldIgnoreBotMessages": true}});
    file["settings"] = json!({"secrets": {"OPENAI_API_KEY": "sk-x"}, "voice": {"model": "en_US"}, "modelConfig": {"temperature": 0.4}});
    file["style"]["tone"] = json!(["warm"]);
    file["messageExamples"][0][0]["extra"] = json!(1);
    file["messageExamples"][0][1]["content"]["attachments"] = json!([{"url": "x"}]);
    file["modelProvider"] = json!("brand-new-provider");
    file["clients"] = json!(["direct", "matrix"]);
    file["bio"] = json!("One line bio.");
    file["knowledge"] = json!(["a fact", {"path": "docs/a.md", "shared": true}]);
    file["id"] = json!("b850bc30-45f8-0041-a00a-83df46d8555d");
    let character = parse(&file).expect("an Eliza character");
    assert_eq!(
        character.model_provider,
        "brand-new-provider"
            .parse::<ModelProvider>()
            .unwrap_or_else(|e| match e {})
    );
    assert!(matches!(&character.clients[1], ClientName::Other(name) if name == "matrix"));
    assert_eq!(character.bio, Bio::Text("One line bio.".into()));
    let written: Value = serde_json::from_str(&character.to_config_string()).expect("JSON");
    assert_eq!(written, file);
}

#[test]
fn c3po_passes_eliza_and_fails_fleek_naming_clients_and_topics() {
    let report = Character::from_json(C3PO).expect("parses").validate();
    assert!(report.eliza().is_empty(), "{report}");
    let paths: Vec<_> = report.fleek().iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["$.clients", "$.topics"], "{report}");
    assert!(!report.is_deployable());
}

#[test]
fn a_good_character_has_no_problems() {
    let report = parse(&nova()).expect("parses").validate();
    assert!(report.is_deployable(), "{report}");
    assert_eq!(report.to_string(), "no problems");
}

#[test]
fn bad_json_reports_line_and_column() {
    let text = "{\n  \"name\": \"Nova\",\n  \"bio\": [\"a\",]\n}";
    match Character::from_json(text) {
        Err(
            ref error @ CharacterError::Syntax {
                line,
                column,
                ref message,
                ..
            },
        ) => {
            assert_eq!((line, column), (3, 15), "{message}");
            assert!(!message.contains("line"), "{message}");
            let source = std::error::Error::source(error).expect("the parser's error is kept");
            assert!(source.to_string().contains("line 3"), "{source}");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

/// Shape problems: (what to break, the problems expected as "path: start of message").
#[test]
fn broken_files_list_every_problem_with_its_path() {
    type Edit = fn(&mut Value);
    let cases: Vec<(&str, Edit, Vec<&str>)> = vec![
        (
            "not an object",
            |v| *v = json!([1, 2]),
            vec!["$: a character file is a JSON object, not a list"],
        ),
        (
            "three required fields missing",
            |v| {
                let o = v.as_object_mut().expect("object");
                o.remove("name");
                o.remove("topics");
                o.remove("style");
            },
            vec![
                "$.name: `name` is missing: add the character's name",
                "$.topics: `topics` is missing: add a list of subjects",
                "$.style: `style` is missing: add writing rules",
            ],
        ),
        (
            "wrong types",
            |v| {
                v["name"] = json!(42);
                v["bio"] = json!({"text": "x"});
                v["adjectives"] = json!(["ok", 3, null]);
                v["clients"] = json!("direct");
            },
            vec![
                "$.name: expected a string, found a number",
                "$.bio: expected a string or a list of strings, found an object",
                "$.adjectives[1]: expected a string, found a number",
                "$.adjectives[2]: expected a string, found null",
                "$.clients: expected a list of client names, found a string",
            ],
        ),
        (
            "bad message examples",
            |v| {
                v["messageExamples"] = json!([
                    [{"user": "{{user1}}"}, {"content": {"text": 1}}],
                    "hello",
                    [7]
                ]);
            },
            vec![
                "$.messageExamples[0][0].content: `content` is missing",
                "$.messageExamples[0][1].user: `user` is missing",
                "$.messageExamples[0][1].content.text: expected a string, found a number",
                "$.messageExamples[1]: expected a list of messages, found a string",
                "$.messageExamples[2][0]: expected a message object",
            ],
        ),
        (
            "bad style and settings",
            |v| {
                v["style"] = json!({"all": [], "chat": "short"});
                v["settings"] = json!({"secrets": {"TWITTER_USERNAME": 5}});
            },
            // In the order of Eliza's schema, which has `settings` before `style`.
            vec![
                "$.settings.secrets.TWITTER_USERNAME: expected a string, found a number",
                "$.style.chat: expected a list of strings, found a string",
                "$.style.post: `post` is missing",
            ],
        ),
    ];
    for (name, edit, expected) in cases {
        let mut file = nova();
        edit(&mut file);
        let problems = match parse(&file) {
            Err(CharacterError::Shape(problems)) => problems,
            other => panic!("{name}: expected shape problems, got {other:?}"),
        };
        let found: Vec<String> = problems
            .iter()
            .map(|p| format!("{}: {}", p.path, p.message))
            .collect();
        assert_eq!(found.len(), expected.len(), "{name}: {found:#?}");
        for (found, expected) in found.iter().zip(&expected) {
            assert!(
                found.starts_with(expected),
                "{name}: {found:?} should start with {expected:?}"
            );
        }
        assert!(problems.iter().all(|p| p.rules == Rules::Eliza), "{name}");
    }
}

/// Rule problems of well-shaped files: (what to break, the problems expected).
#[test]
fn eliza_and_fleek_rules_list_every_problem() {
    type Edit = fn(&mut Value);
    type Expected = Vec<(Rules, &'static str, &'static str)>;
    let cases: Vec<(&str, Edit, Expected)> = vec![
        (
            "empty lists Fleek needs",
            |v| {
                v["clients"] = json!([]);
                v["topics"] = json!([]);
                v["adjectives"] = json!([]);
                v["messageExamples"] = json!([[{"user": "{{user1}}", "content": {"text": "Hi"}}]]);
            },
            vec![
                (Rules::Fleek, "$.clients", "at least one client"),
                (Rules::Fleek, "$.topics", "at least one topic"),
                (Rules::Fleek, "$.adjectives", "at least one adjective"),
                (Rules::Fleek, "$.messageExamples", "two messages or more"),
            ],
        ),
        (
            "twitter secrets",
            |v| {
                v["settings"] = json!({"secrets": {"TWITTER_USERNAME": "@nova", "TWITTER_2FA_SECRET": "123456"}});
            },
            vec![
                (
                    Rules::Fleek,
                    "$.settings.secrets.TWITTER_USERNAME",
                    "without the @: \"nova\"",
                ),
                (
                    Rules::Fleek,
                    "$.settings.secrets.TWITTER_2FA_SECRET",
                    "shorter than 16",
                ),
            ],
        ),
        (
            "values Eliza 0.1.9 does not know",
            |v| {
                v["name"] = json!("  ");
                v["id"] = json!("nova-1");
                v["modelProvider"] = json!("skynet");
                v["clients"] = json!(["direct", "myspace"]);
            },
            vec![
                (Rules::Eliza, "$.id", "\"nova-1\" is not a UUID"),
                (
                    Rules::Eliza,
                    "$.modelProvider",
                    "\"skynet\" is not a model provider",
                ),
                (Rules::Eliza, "$.clients[1]", "\"myspace\" is not a client"),
                // Eliza 0.1.9's schema takes an empty name; Fleek names the agent after it.
                (Rules::Fleek, "$.name", "the name is empty"),
            ],
        ),
    ];
    for (name, edit, expected) in cases {
        let mut file = nova();
        edit(&mut file);
        let report = parse(&file).expect("well shaped").validate();
        let problems = report.problems();
        assert_eq!(problems.len(), expected.len(), "{name}: {report}");
        for (problem, (rules, path, text)) in problems.iter().zip(&expected) {
            assert_eq!(problem.rules, *rules, "{name}: {problem}");
            assert_eq!(problem.path, *path, "{name}: {problem}");
            assert!(
                problem.message.contains(text),
                "{name}: {problem} should say {text:?}"
            );
        }
    }
}

#[test]
fn a_missing_file_is_an_io_error_naming_it() {
    let error = Character::from_path("/nonexistent/nova.json").expect_err("missing");
    assert!(matches!(error, CharacterError::Io { .. }));
    assert!(
        error.to_string().contains("/nonexistent/nova.json"),
        "{error}"
    );
}

#[test]
fn the_json_schema_requires_what_eliza_requires() {
    // `cargo xtask codegen` writes it to openapi/character.schema.json; `--check` compares.
    let schema = Character::json_schema_text();
    let value: Value = serde_json::from_str(&schema).expect("JSON");
    for field in ["name", "modelProvider", "bio", "clients", "style"] {
        assert!(
            value["required"]
                .as_array()
                .expect("required")
                .contains(&json!(field)),
            "{field}"
        );
    }
}
