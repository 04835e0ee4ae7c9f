//! `status`, `message` and `api`: a running agent, read and talked to.

use httpmock::MockServer;
use serde_json::json;

use super::{fleek, fleek_agents, scratch, write_json};
use crate::common::AGENT;
use fleek_api::cli::Exit;

#[test]
fn status_says_the_state_and_whether_it_runs() {
    let server = fleek("Running", true);
    let run = fleek_agents(&["status", AGENT]).against(&server).run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, format!("agent {AGENT}: Running; it runs\n"));
    let run = fleek_agents(&["status", AGENT, "-o", "json"])
        .against(&server)
        .run();
    assert_eq!(
        run.json(),
        json!({"id": AGENT, "status": "Running", "running": true})
    );
    let run = fleek_agents(&["status", AGENT, "--wait"])
        .against(&server)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn status_wait_ends_with_the_agents_failure_or_a_timeout() {
    let run = fleek_agents(&["status", AGENT, "--wait"])
        .against(&fleek("Failed", false))
        .run();
    run.assert_exit(Exit::AgentFailed);
    assert!(run.stderr.contains("fleek-agents logs"), "{}", run.stderr);

    let run = fleek_agents(&["status", AGENT, "--wait", "--timeout", "1s"])
        .against(&fleek("Pending", false))
        .run();
    run.assert_exit(Exit::Timeout);
    assert!(
        run.stderr
            .contains("did not run within 1.0s; its status is Pending"),
        "{}",
        run.stderr
    );
}

/// A running Eliza runtime behind Fleek's proxy.
fn runtime() -> MockServer {
    let server = MockServer::start();
    let base = format!("/api/v1/ai-agents/{AGENT}/api");
    server.mock(|when, then| {
        when.method("GET").path(format!("{base}/agents"));
        then.status(200).header("content-type", "application/json").body(
            json!({"agents": [{"id": "b850bc30-45f8-0041-a00a-83df46d8555d", "name": "Nova", "clients": ["direct"]}]})
                .to_string(),
        );
    });
    server.mock(|when, then| {
        when.method("POST")
            .path(format!(
                "{base}/b850bc30-45f8-0041-a00a-83df46d8555d/message"
            ))
            .json_body(json!({"text": "What can you do?", "userName": "Ada"}));
        then.status(200)
            .header("content-type", "application/json")
            .body(r#"[{"user":"Nova","text":"I answer questions.","action":"NONE"}]"#);
    });
    server
}

#[test]
fn message_goes_to_the_first_eliza_agent_and_prints_its_replies() {
    let server = runtime();
    let args = ["message", AGENT, "What can you do?", "--user-name", "Ada"];
    let run = fleek_agents(&args).against(&server).run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "Nova: I answer questions.\n");
    let mut json_args = args.to_vec();
    json_args.extend(["-o", "json"]);
    let run = fleek_agents(&json_args).against(&server).run();
    assert_eq!(run.json()[0]["action"], "NONE");
}

#[test]
fn api_sends_a_raw_request_and_refuses_a_path_that_leaves_the_agent() {
    let server = runtime();
    let run = fleek_agents(&["agent", "api", AGENT, "get", "agents", "-o", "json"])
        .against(&server)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["agents"][0]["name"], "Nova");

    let run = fleek_agents(&[
        "agent",
        "api",
        AGENT,
        "POST",
        "b850bc30-45f8-0041-a00a-83df46d8555d/message",
        "--data",
        r#"{"text": "What can you do?", "userName": "Ada"}"#,
    ])
    .against(&server)
    .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("I answer questions."));

    let catch_all = server.mock(|_, then| {
        then.status(500);
    });
    for path in [
        "../../plans",
        "https://example.com/x",
        "a//b",
        "agents?all=1",
    ] {
        let run = fleek_agents(&["agent", "api", AGENT, "GET", path])
            .against(&server)
            .run();
        assert_eq!(
            Exit::from_code(run.code),
            Some(Exit::Usage),
            "{path}: {}",
            run.stderr
        );
    }
    let run = fleek_agents(&["agent", "api", AGENT, "POST", "agents", "--data", "{oops"])
        .against(&server)
        .run();
    run.assert_exit(Exit::Usage);
    assert!(run.stderr.contains("--data is not JSON"), "{}", run.stderr);
    catch_all.assert_calls(0);

    let run = fleek_agents(&["agent", "api", AGENT, "GET", "nowhere"])
        .against(&server)
        .run();
    run.assert_exit(Exit::Api);
}

#[test]
fn the_deprecated_proxy_commands_send_keys_of_several_segments_with_their_slashes() {
    // `proxy-post` and the others are hidden aliases now (`agent api` serves the proxy);
    // they keep working until they go.
    // Fleek's proxy path is `{*key}`: `--key <id>/message` must reach Eliza's
    // `/:agentId/message` route, not `<id>%2Fmessage`.
    let server = runtime();
    let dir = scratch("proxy-segments");
    let body = write_json(
        &dir,
        "message.json",
        &json!({"text": "What can you do?", "userName": "Ada"}),
    );
    let run = fleek_agents(&[
        "proxy-post",
        "--agent-id",
        AGENT,
        "--key",
        "b850bc30-45f8-0041-a00a-83df46d8555d/message",
        "--json-body",
        &body,
        "-o",
        "json",
    ])
    .against(&server)
    .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()[0]["text"], "I answer questions.");

    // Three segments, one of which needs encoding (the Unreal plugin's `Agents/<id>/set`).
    let set = server.mock(|when, then| {
        when.method("POST").path(format!(
            "/api/v1/ai-agents/{AGENT}/api/Agents/Nova%20Bot/set"
        ));
        then.status(204);
    });
    let run = fleek_agents(&[
        "proxy-post",
        "--agent-id",
        AGENT,
        "--key",
        "Agents/Nova Bot/set",
        "--json-body",
        &body,
    ])
    .against(&server)
    .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    set.assert();

    // A key that would leave the agent is refused before anything is sent.
    let catch_all = server.mock(|_, then| {
        then.status(500);
    });
    let run = fleek_agents(&["proxy-get", "--agent-id", AGENT, "--key", "../../plans"])
        .against(&server)
        .run();
    run.assert_exit(Exit::Usage);
    assert!(run.stderr.contains("refused"), "{}", run.stderr);
    catch_all.assert_calls(0);
}
