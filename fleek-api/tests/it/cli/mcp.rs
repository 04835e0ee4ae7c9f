//! `fleek-agents mcp` seen from outside: its stdout carries the protocol and nothing else
//! (the stdio transport breaks on a stray line), no secret reaches a result, and the list
//! of tools is a reviewed snapshot (`cargo xtask codegen` shows a spec change to it).
//! Clients no one here wrote drive it too: `cargo xtask mcp-clients`.

use std::time::Duration;

use serde_json::{json, Value};

use super::{fleek_agents, Run};
use crate::common::{nova, PROJECT};
use fleek_api::sim::Simulator;
use fleek_api::Call as _;

const SECRET: &str = "sk-mcp-test-7q8r9s";

fn request(id: u64, method: &str, params: Value) -> String {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string()
}

/// One session over stdio: `lines` in, then the input closes; the server answers what it
/// was sent before it ends.
async fn session(sim: &Simulator, args: &[&str], lines: &[String]) -> Run {
    let mut input = lines.join("\n");
    input.push('\n');
    let command = fleek_agents(args)
        .env("FLEEK_API_URL", sim.base_url())
        .env("FLEEK_API_KEY", sim.api_key())
        .env("FLEEK_PROJECT_ID", PROJECT);
    tokio::task::spawn_blocking(move || command.run_with_input(&input))
        .await
        .expect("the session ends")
}

fn initialize() -> Vec<String> {
    vec![
        request(
            1,
            "initialize",
            json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "it", "version": "1"},
            }),
        ),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string(),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdout_carries_only_the_protocol_and_no_secret_reaches_it() {
    let sim = Simulator::builder()
        .boot_time(Duration::from_millis(30))
        .start()
        .await
        .expect("the simulator starts");
    let client = sim.client().expect("a client");
    let mut character = nova();
    character["settings"] = json!({"secrets": {"OPENAI_API_KEY": SECRET}});
    let agent = client
        .create_agent()
        .body_map(|b| {
            b.project_id(PROJECT)
                .name("Nova".to_string())
                .config(character.to_string())
        })
        .call()
        .await
        .expect("created");
    let agent = client
        .publish_agent()
        .agent_id(agent.id.as_str())
        .call()
        .await
        .expect("published");
    let token = agent.public_token.clone().unwrap_or_default();
    let mut lines = initialize();
    lines.push(request(2, "tools/list", json!({})));
    lines.push(request(
        3,
        "tools/call",
        json!({"name": "list_agents", "arguments": {}}),
    ));
    lines.push(request(
        4,
        "tools/call",
        json!({"name": "get_agent", "arguments": {"agentId": agent.id}}),
    ));
    lines.push(request(
        5,
        "resources/read",
        json!({"uri": format!("fleek://agents/{}/character", agent.id)}),
    ));
    lines.push(request(
        6,
        "tools/call",
        json!({"name": "no_such_tool", "arguments": {}}),
    ));
    // --debug traces every HTTP exchange: to stderr, never into the protocol.
    let run = session(&sim, &["mcp", "--debug"], &lines).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("GET"),
        "the trace is on: {}",
        run.stderr
    );
    let mut answered = Vec::new();
    for line in run.stdout.lines() {
        let message: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("a line of stdout is not JSON-RPC ({e}): {line}"));
        assert_eq!(message["jsonrpc"], "2.0", "{line}");
        if let Some(id) = message["id"].as_u64() {
            answered.push(id);
        }
    }
    answered.sort_unstable();
    assert_eq!(answered, [1, 2, 3, 4, 5, 6], "{}", run.stdout);
    assert!(
        !run.stdout.contains(SECRET),
        "a secret reached the client: {}",
        run.stdout
    );
    assert!(!token.is_empty());
    assert!(
        !run.stdout.contains(&token),
        "the publicToken reached the client"
    );
    assert!(
        run.stdout.contains("(present; not shown)"),
        "{}",
        run.stdout
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_server_lists_no_write_and_refuses_one_sent_anyway() {
    let sim = Simulator::builder()
        .examples(true)
        .start()
        .await
        .expect("the simulator starts");
    let mut lines = initialize();
    lines.push(request(2, "tools/list", json!({})));
    lines.push(request(
        3,
        "tools/call",
        json!({"name": "delete_agent", "arguments": {"agentId": fleek_api::sim::EXAMPLE_AGENT, "confirm": "x"}}),
    ));
    let run = session(&sim, &["mcp", "--read-only", "--toolsets", "all"], &lines).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let messages: Vec<Value> = run
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let listed = messages
        .iter()
        .find(|m| m["id"] == 2)
        .expect("tools/list answered");
    let tools = listed["result"]["tools"].as_array().expect("tools");
    assert!(tools.len() >= 10, "{tools:?}");
    for tool in tools {
        assert_eq!(
            tool["annotations"]["readOnlyHint"], true,
            "{}",
            tool["name"]
        );
    }
    let refused = messages
        .iter()
        .find(|m| m["id"] == 3)
        .expect("the call answered");
    assert_eq!(refused["result"]["isError"], true, "{refused}");
    assert!(refused.to_string().contains("read-only"), "{refused}");
    let still = sim
        .client()
        .expect("a client")
        .get_agent()
        .agent_id(fleek_api::sim::EXAMPLE_AGENT)
        .call()
        .await;
    assert!(still.is_ok(), "the agent is still there");
    sim.shutdown().await;
}

#[test]
fn the_tool_list_is_a_reviewed_snapshot() {
    let run = fleek_agents(&["mcp", "--list", "--toolsets", "all"]).succeeds();
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn print_config_names_this_binary_and_no_credential() {
    let run = fleek_agents(&["mcp", "--print-config", "vscode", "--read-only"]).succeeds();
    let config = run.json();
    let server = &config["servers"]["fleek"];
    assert_eq!(server["type"], "stdio");
    assert!(server["command"]
        .as_str()
        .expect("a path")
        .ends_with("fleek-agents"));
    assert_eq!(server["args"], json!(["mcp", "--read-only"]));
    assert!(!run.stdout.contains(crate::common::KEY));
    let claude =
        fleek_agents(&["mcp", "--print-config", "claude-code", "--profile", "work"]).succeeds();
    assert!(
        claude.stdout.starts_with("claude mcp add fleek -- "),
        "{}",
        claude.stdout
    );
    assert!(
        claude.stdout.trim_end().ends_with("mcp --profile work"),
        "{}",
        claude.stdout
    );
}

#[test]
fn an_unknown_toolset_is_a_usage_error() {
    let run = fleek_agents(&["mcp", "--list", "--toolsets", "agnets"]).run();
    run.assert_exit(fleek_api::cli::Exit::Usage);
    assert!(run.stderr.contains("agnets"), "{}", run.stderr);
}
