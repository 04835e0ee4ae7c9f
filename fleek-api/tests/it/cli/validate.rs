//! `fleek-agents validate`: offline, no key, every problem with its path and its rules.

use super::{fleek_agents, nova, scratch, write_json};

const C3PO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/it/fixtures/c3po.character.json"
);

#[test]
fn the_real_character_passes_elizas_rules_and_not_fleeks() {
    let run = fleek_agents(&["validate", C3PO]).without_key().run();
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("Eliza's rules: pass; Fleek's rules: 2 problems"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("$.clients (Fleek): "), "{}", run.stdout);
    assert!(run.stdout.contains("$.topics (Fleek): "), "{}", run.stdout);
    assert!(
        run.stderr.contains("1 of 1 character files"),
        "{}",
        run.stderr
    );

    let run = fleek_agents(&["validate", C3PO, "--output", "json"])
        .without_key()
        .run();
    assert_eq!(run.code, 3);
    let report = &run.json()[0];
    assert_eq!(report["eliza"], true);
    assert_eq!(report["fleek"], false);
    let paths: Vec<&str> = report["problems"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|p| {
            assert_eq!(p["rules"], "fleek");
            assert!(!p["message"].as_str().expect("text").is_empty());
            p["path"].as_str().expect("a path")
        })
        .collect();
    assert_eq!(paths, ["$.clients", "$.topics"]);
}

#[test]
fn every_file_is_checked_and_the_exit_code_says_whether_all_pass() {
    let dir = scratch("validate-many");
    let good = write_json(&dir, "nova.json", &nova());
    let run = fleek_agents(&["validate", &good]).without_key().run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run
        .stdout
        .contains("Eliza's rules: pass; Fleek's rules: pass"));

    let mut broken = nova();
    broken["bio"] = serde_json::json!(42);
    broken.as_object_mut().expect("an object").remove("style");
    let broken = write_json(&dir, "broken.json", &broken);
    std::fs::write(dir.join("not.json"), "{ nope").expect("writes");
    let not_json = dir.join("not.json").display().to_string();
    let missing = dir.join("missing.json").display().to_string();

    let run = fleek_agents(&["validate", &good, &broken, &not_json, &missing])
        .without_key()
        .run();
    assert_eq!(run.code, 3);
    assert!(run.stdout.contains("$.bio (Eliza)"), "{}", run.stdout);
    assert!(run.stdout.contains("$.style (Eliza)"), "{}", run.stdout);
    assert!(run
        .stdout
        .contains("not.json: cannot check: the character file is not JSON"));
    assert!(run
        .stdout
        .contains("missing.json: cannot check: cannot read"));
    assert!(
        run.stderr.contains("3 of 4 character files"),
        "{}",
        run.stderr
    );
}

#[test]
fn no_file_is_a_usage_error() {
    let run = fleek_agents(&["validate"]).without_key().run();
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("CHARACTER.JSON"), "{}", run.stderr);
}

#[test]
fn a_file_that_does_not_load_has_every_problem_of_both_rules_listed_at_once() {
    // A missing field, a client Eliza 0.1.9 does not know, a plugin object without its
    // description, and an empty topic list: once, all four.
    let dir = scratch("validate-one-pass");
    let mut file = nova();
    let object = file.as_object_mut().expect("an object");
    object.remove("lore");
    object.insert("clients".into(), serde_json::json!(["direct", "fax"]));
    object.insert("plugins".into(), serde_json::json!([{"name": "weather"}]));
    object.insert("topics".into(), serde_json::json!([]));
    let path = write_json(&dir, "several.json", &file);
    let run = fleek_agents(&["validate", &path, "-o", "json"])
        .without_key()
        .run();
    assert_eq!(run.code, 3, "{}", run.stderr);
    let problems: Vec<(String, String)> = run.json()[0]["problems"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|p| {
            (
                p["rules"].as_str().expect("rules").into(),
                p["path"].as_str().expect("a path").into(),
            )
        })
        .collect();
    let expected = [
        ("eliza", "$.lore"),
        ("eliza", "$.clients[1]"),
        ("eliza", "$.plugins[0].description"),
        ("fleek", "$.topics"),
    ];
    assert_eq!(
        problems,
        expected.map(|(r, p)| (r.to_string(), p.to_string())),
        "{}",
        run.stdout
    );
}
