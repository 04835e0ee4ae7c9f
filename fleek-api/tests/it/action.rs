//! The GitHub Action's metadata (`action.yml` at the repository's root), checked against
//! the published JSON Schema for action metadata (SchemaStore's, vendored under
//! `.github/schemas/`), and against itself: every input and step output it refers to
//! exists. `cargo xtask dist --check` runs its steps; `cargo xtask lint-ci` lints the
//! workflows that use it.

use std::collections::BTreeSet;

use serde_json::Value;

fn repository_file(path: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn action() -> Value {
    serde_yaml::from_str(&repository_file("action.yml")).expect("action.yml is YAML")
}

#[test]
fn action_yml_fits_the_published_schema_for_action_metadata() {
    let schema: Value =
        serde_json::from_str(&repository_file(".github/schemas/github-action.json"))
            .expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let action = action();
    let errors: Vec<String> = validator
        .iter_errors(&action)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    // The check can fail: a step with neither `run` nor `uses` does not fit.
    let mut broken = action.clone();
    broken["runs"]["steps"][0] = serde_json::json!({"shell": "bash"});
    assert!(!validator.is_valid(&broken));
}

/// Every `${{ inputs.x }}` and `${{ steps.y.outputs.z }}` in `text`.
fn references<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
    text.match_indices(prefix)
        .map(|(at, _)| {
            let rest = &text[at + prefix.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .collect()
}

#[test]
fn action_yml_refers_only_to_inputs_and_outputs_it_declares() {
    let text = repository_file("action.yml");
    let action = action();
    let inputs: BTreeSet<&str> = action["inputs"]
        .as_object()
        .expect("inputs")
        .keys()
        .map(String::as_str)
        .collect();
    for input in references(&text, "inputs.") {
        assert!(
            inputs.contains(input),
            "action.yml uses an undeclared input {input}"
        );
    }
    let script = repository_file("install/action.sh");
    let steps = action["runs"]["steps"].as_array().expect("steps");
    for reference in references(&text, "steps.") {
        let (id, output) = reference
            .split_once(".outputs.")
            .unwrap_or_else(|| panic!("steps.{reference} is not a step's output"));
        let step = steps
            .iter()
            .find(|s| s["id"] == id)
            .unwrap_or_else(|| panic!("no step {id}"));
        let run = step["run"].as_str().expect("a run step");
        let verb = run.rsplit(' ').next().expect("a verb");
        // action.sh writes each output as `echo "<name>=...` in the function of that verb.
        let body = script
            .split(&format!("\n{verb}() {{"))
            .nth(1)
            .and_then(|rest| rest.split("\n}").next())
            .unwrap_or_else(|| panic!("action.sh has no function {verb}"));
        assert!(
            body.contains(&format!("echo \"{output}=")),
            "action.sh {verb} writes no output {output}"
        );
    }
    // Each input is documented in the guide's section on the Action (docs/src/ci.md).
    let readme = repository_file("docs/src/ci.md");
    for input in &inputs {
        assert!(
            readme.contains(&format!("`{input}`")),
            "the README does not document the Action's input {input}"
        );
    }
}
