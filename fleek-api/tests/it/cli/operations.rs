//! A sample of the generated commands: parameters and bodies reach the request, tables for
//! people, and the API's JSON exactly as received with `--output json`.

use httpmock::MockServer;
use serde_json::json;

use super::{agent, agent_id, fleek_agents, scratch, typed, write_json};
use crate::common::{response_example, AGENT, KEY, PROJECT};
use fleek_api::mock::MockServerExt;
use fleek_api::types;

/// The list of agents as the API might send it: its own spacing, its own key order, and a
/// field this version does not know.
const RAW_PAGE: &str = r#"{ "prev_page":null, "data":[{"status":"Running","id":"cm7b2q3vx0001la08zk4h2mto","name":"Nova","projectId":"cm6k5x0qj0003l708b2v1c9ep","newField":{"x":1}}],"next_page":null }"#;

#[test]
fn list_agents_is_a_table_for_people_and_the_json_as_received_for_scripts() {
    let server = MockServer::start();
    let mock = server.list_agents(|when, then| {
        let project: types::ProjectId = PROJECT.parse().expect("a valid id");
        when.project_id(&project)
            .size(std::num::NonZeroU32::new(5).expect("5"));
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .body(RAW_PAGE);
    });
    let args = ["agent", "list", "--project", PROJECT, "--size", "5"];

    let run = fleek_agents(&args).against(&server).run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("ID "), "{}", run.stdout);
    assert!(lines[0].contains("STATUS"));
    assert!(lines[1].starts_with(AGENT));
    assert!(lines[1].contains("Running"));

    let mut json_args = args.to_vec();
    json_args.extend(["--output", "json"]);
    let run = fleek_agents(&json_args).against(&server).run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, format!("{RAW_PAGE}\n"), "byte for byte");
    assert_eq!(run.json()["data"][0]["newField"]["x"], 1);
    mock.assert_calls(2);
}

#[test]
fn an_operation_takes_its_subject_first_and_view_is_a_summary_for_people() {
    let server = MockServer::start();
    let mock = server.get_agent(|when, then| {
        when.agent_id(&agent_id());
        then.ok(&typed(agent("Running")));
    });
    let run = fleek_agents(&["agent", "view", AGENT, "-o", "json"])
        .against(&server)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["status"], "Running");
    mock.assert();

    // Without `--output json`, a summary: the name, then one field a line.
    let run = fleek_agents(&["agent", "view", AGENT])
        .against(&server)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "Nova", "{}", run.stdout);
    for (label, value) in [("id", AGENT), ("status", "Running"), ("TEE", "-")] {
        assert!(
            lines
                .iter()
                .any(|l| l.trim_start().starts_with(label) && l.contains(value)),
            "{label}: {}",
            run.stdout
        );
    }
    assert!(!run.stdout.contains('{'), "no JSON: {}", run.stdout);

    let run = fleek_agents(&["agent", "view"]).against(&server).run();
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("<AGENT>"), "{}", run.stderr);
}

#[test]
fn a_body_comes_from_flags_or_from_a_json_file() {
    let server = MockServer::start();
    let body: types::CreateAgentRequest = typed(json!({
        "projectId": PROJECT, "name": "Nova", "config": "{\"name\":\"Nova\"}"
    }));
    let mock = server.create_agent(|when, then| {
        when.body(&body);
        then.ok(&typed(agent("Draft")));
    });
    let run = fleek_agents(&[
        "agent",
        "create",
        "--project",
        PROJECT,
        "--name",
        "Nova",
        "--config",
        "{\"name\":\"Nova\"}",
    ])
    .against(&server)
    .run();
    assert_eq!(run.code, 0, "{}", run.stderr);

    let dir = scratch("json-body");
    let file = write_json(
        &dir,
        "body.json",
        &serde_json::to_value(&body).expect("json"),
    );
    let run = fleek_agents(&["agent", "create", "--json-body", &file])
        .against(&server)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    mock.assert_calls(2);

    let missing = dir.join("missing.json").display().to_string();
    let run = fleek_agents(&["agent", "create", "--json-body", &missing])
        .against(&server)
        .run();
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("failed to read"), "{}", run.stderr);
    std::fs::write(dir.join("bad.json"), "{\"name\": 1}").expect("writes");
    let bad = dir.join("bad.json").display().to_string();
    let run = fleek_agents(&["agent", "create", "--json-body", &bad])
        .against(&server)
        .run();
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("failed to parse"), "{}", run.stderr);
    mock.assert_calls(2);
}

#[test]
fn an_operation_without_a_body_says_done() {
    let server = MockServer::start();
    let mock = server.start_agent(|when, then| {
        when.agent_id(&agent_id());
        then.ok();
    });
    let run = fleek_agents(&["agent", "start", AGENT])
        .against(&server)
        .run();
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "done\n"),
        "{}",
        run.stderr
    );
    let run = fleek_agents(&["agent", "start", AGENT, "-o", "json"])
        .against(&server)
        .run();
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
    mock.assert_calls(2);
}

#[test]
fn the_attestation_is_written_as_raw_bytes() {
    let server = MockServer::start();
    let quote: Vec<u8> = (0..=255u8).rev().collect();
    let body = quote.clone();
    server.mock(|when, then| {
        when.path(format!("/api/v1/ai-agents/{AGENT}/attestation"));
        then.status(200)
            .header("content-type", "application/octet-stream")
            .body(body);
    });
    let run = fleek_agents(&["agent", "attestation", AGENT])
        .against(&server)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout_bytes, quote);
}

#[test]
fn plans_subscriptions_and_payment_methods_are_tables() {
    let server = MockServer::start();
    server.list_plans(|_, then| {
        then.ok(&typed::<Vec<types::Plan>>(response_example("list_plans")));
    });
    server.list_subscriptions(|_, then| {
        then.ok(&typed(response_example("list_subscriptions")));
    });
    server.list_payment_methods(|_, then| {
        then.ok(&typed(response_example("list_payment_methods")));
    });
    let run = fleek_agents(&["plan", "list"]).against(&server).run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("ID "), "{}", run.stdout);
    assert!(run.stdout.contains("PRICE"));
    let run = fleek_agents(&["subscription", "list", "--project", PROJECT])
        .against(&server)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("PERIOD ENDS"), "{}", run.stdout);
    let run = fleek_agents(&["payment-method", "list", "--project", PROJECT])
        .against(&server)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("LAST 4"), "{}", run.stdout);
}

#[test]
fn the_key_goes_only_to_the_api_and_can_come_from_a_file() {
    let server = MockServer::start();
    let mock = server.mock(|when, then| {
        when.header("x-api-key", "fk_from_a_file");
        then.status(200)
            .header("content-type", "application/json")
            .body("[]");
    });
    let dir = scratch("key-file");
    std::fs::write(dir.join("key"), "fk_from_a_file\n").expect("writes");
    let key_file = dir.join("key").display().to_string();
    let run = fleek_agents(&["plan", "list", "--api-key-file", &key_file])
        .without_key()
        .against(&server)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("fk_from_a_file"));
    mock.assert();

    std::fs::write(dir.join("empty"), "\n").expect("writes");
    let empty = dir.join("empty").display().to_string();
    let run = fleek_agents(&["plan", "list", "--api-key-file", &empty])
        .against(&server)
        .run();
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is empty"), "{}", run.stderr);

    // The key is never an argument.
    let run = fleek_agents(&["plan", "list", "--api-key", KEY]).run();
    assert_eq!(run.code, 2);
}
