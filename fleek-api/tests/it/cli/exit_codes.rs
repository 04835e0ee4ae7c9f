//! One exit code per class of failure, with the library's message and advice.

use std::net::TcpListener;

use httpmock::MockServer;

use super::{agent_id, fleek_agents};
use crate::common::AGENT;
use fleek_api::cli::Exit;
use fleek_api::mock::MockServerExt;

fn class(code: i32) -> Exit {
    Exit::from_code(code).unwrap_or_else(|| panic!("{code} is not a documented exit code"))
}

#[test]
fn a_wrong_command_line_is_a_usage_error() {
    for args in [
        &["--no-such-flag"][..],
        &["no-such-command"],
        &["get-agent"],
        &["agent", "list", "--size", "zero"],
        &["logs", AGENT, "--interval", "soon"],
        &["agent", "api", AGENT, "TRACE", "agents"],
        &[],
    ] {
        let run = fleek_agents(args).run();
        assert_eq!(class(run.code), Exit::Usage, "{args:?}: {}", run.stderr);
        assert!(!run.stderr.is_empty(), "{args:?} says why");
    }
}

#[test]
fn a_missing_key_names_the_variable_and_where_to_create_one() {
    let run = fleek_agents(&["plan", "list"]).without_key().run();
    assert_eq!(class(run.code), Exit::Usage);
    assert!(run.stderr.contains("FLEEK_API_KEY"), "{}", run.stderr);
    assert!(run.stderr.contains("--api-key-file"));
    assert!(run.stderr.contains("Account settings → API tokens"));
}

#[test]
fn an_error_status_is_an_api_error_with_the_status_and_body() {
    let server = MockServer::start();
    server.get_agent(|when, then| {
        when.agent_id(&agent_id());
        then.not_found(serde_json::json!({"error": "AI Agent not found"}));
    });
    let run = fleek_agents(&["agent", "view", AGENT])
        .against(&server)
        .run();
    assert_eq!(class(run.code), Exit::Api);
    assert!(
        run.stderr
            .starts_with("error: get_agent failed (404 Not Found)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("AI Agent not found"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn an_unreachable_api_is_a_network_error() {
    // A port that was free a moment ago: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let run = fleek_agents(&["plan", "list"])
        .env("FLEEK_API_URL", &format!("http://127.0.0.1:{port}"))
        .run();
    assert_eq!(class(run.code), Exit::Network, "{}", run.stderr);
    assert!(run.stderr.contains("list_plans failed"), "{}", run.stderr);
}

#[test]
fn an_answer_that_does_not_decode_is_a_failure_but_json_output_still_shows_it() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.path("/api/v1/plans");
        then.status(200)
            .header("content-type", "application/json")
            .body(r#"{"plans": "not a list"}"#);
    });
    let run = fleek_agents(&["plan", "list"]).against(&server).run();
    assert_eq!(class(run.code), Exit::Failure, "{}", run.stderr);
    assert!(
        run.stderr.contains("not a list"),
        "the body is kept: {}",
        run.stderr
    );

    let run = fleek_agents(&["plan", "list", "-o", "json"])
        .against(&server)
        .run();
    assert_eq!(class(run.code), Exit::Success, "{}", run.stderr);
    assert_eq!(run.stdout, "{\"plans\": \"not a list\"}\n");
    assert!(run.stderr.contains("printed as received"), "{}", run.stderr);
}

#[test]
fn an_answer_that_is_not_json_is_a_failure_not_a_panic() {
    let server = MockServer::start();
    server.mock(|_, then| {
        then.status(200)
            .header("content-type", "text/html")
            .body("<html>maintenance</html>");
    });
    let run = fleek_agents(&["agent", "view", AGENT])
        .against(&server)
        .run();
    assert_eq!(class(run.code), Exit::Failure, "{}", run.stderr);
    assert!(run.stderr.contains("maintenance"), "{}", run.stderr);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::Read;
    use std::process::Stdio;

    let server = MockServer::start();
    let entries: Vec<_> = (0..5000)
        .map(|i| serde_json::json!({"id": i, "timestamp": 1739454949, "message": format!("line {i}")}))
        .collect();
    server.mock(|_, then| {
        then.status(200)
            .header("content-type", "application/json")
            .json_body(serde_json::json!({"data": entries, "next_page": null}));
    });
    let mut command = fleek_agents(&["logs", AGENT]).against(&server).command();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut stdout = child.stdout.take().expect("piped");
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout);
    let output = child.wait_with_output().expect("ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}
