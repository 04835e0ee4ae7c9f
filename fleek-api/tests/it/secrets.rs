//! No `Debug` of a type that holds a secret prints it: a character file (its
//! `settings.secrets`), as a request body carries it or a character holds it, and an
//! agent's `publicToken`.

use fleek_api::types;
use serde_json::json;

const SECRET: &str = "sk-live-0123456789abcdef";
const TOKEN: &str = "pt_live_0123456789";

/// A whole character (Eliza's shape) with a secret in its settings, as JSON text.
fn character() -> String {
    let mut character = crate::common::nova();
    character["settings"] = json!({"secrets": {"OPENAI_API_KEY": SECRET}});
    character.to_string()
}

fn assert_hidden(what: &str, shown: &str) {
    assert!(
        !shown.contains(SECRET) && !shown.contains(TOKEN),
        "{what}: {shown}"
    );
    assert!(
        shown.contains("<redacted>"),
        "{what} says something is there: {shown}"
    );
}

#[test]
fn request_bodies_and_their_builders_never_print_the_character_file() {
    let create = types::CreateAgentRequest::builder()
        .project_id("cm6k5x0qj0003l708b2v1c9ep")
        .name("Nova")
        .config(character());
    assert_hidden("the create builder", &format!("{create:?}"));
    let create: types::CreateAgentRequest = create.try_into().expect("a body");
    assert_hidden("the create body", &format!("{create:?}"));
    // The other fields still show.
    assert!(format!("{create:?}").contains("Nova"));

    let update = types::UpdateAgentRequest::builder()
        .config(Some(character()))
        .character_file(Some(character()));
    assert_hidden("the update builder", &format!("{update:?}"));
    let update: types::UpdateAgentRequest = update.try_into().expect("a body");
    assert_hidden("the update body", &format!("{update:?}"));

    let legacy: types::LegacyCreateAgentRequest = types::LegacyCreateAgentRequest::builder()
        .project_id("cm6k5x0qj0003l708b2v1c9ep")
        .name("Nova")
        .config(character())
        .try_into()
        .expect("a body");
    assert_hidden("the legacy body", &format!("{legacy:?}"));
}

#[test]
fn an_agent_and_a_character_never_print_their_secrets() {
    let agent: types::Agent = serde_json::from_value(json!({
        "id": "cm7b2q3vx0001la08zk4h2mto", "projectId": "p1", "name": "Nova",
        "status": "Running", "characterFile": character(), "publicToken": TOKEN
    }))
    .expect("an agent");
    assert_hidden("the agent", &format!("{agent:?}"));
    let page = types::AgentPage::builder().data(vec![agent]);
    assert_hidden("a page of agents", &format!("{page:?}"));

    let character = fleek_api::character::Character::from_json(&character()).expect("read");
    let shown = format!("{character:?}");
    assert_hidden("the character", &shown);
    assert!(
        shown.contains("OPENAI_API_KEY"),
        "the secret's name shows: {shown}"
    );
}
