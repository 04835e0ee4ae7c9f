//! `--debug` and `FLEEK_DEBUG`: each exchange on stderr, and no credential in any of it.

use httpmock::{Method, MockServer};
use serde_json::json;

use super::{agent, fleek_agents};
use crate::common::{AGENT, KEY};
use fleek_api::cli::Exit;

const TOKEN: &str = "pt_S3CR3T_agent_token_5f1c2e9a7b";

/// An agent with its public token, as the API sends it to its owner.
fn public() -> serde_json::Value {
    let mut agent = agent("Running");
    agent["publicToken"] = json!(TOKEN);
    agent
}

fn fleek() -> MockServer {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(Method::GET).path("/api/v1/ai-agents");
        then.status(200)
            .header("content-type", "application/json")
            .header("x-request-id", "req-42")
            .body(json!({"data": [public()], "next_page": null, "prev_page": null}).to_string());
    });
    server.mock(|when, then| {
        when.method(Method::GET)
            .path(format!("/api/v1/ai-agents/{AGENT}/public"));
        then.status(200)
            .header("content-type", "application/json")
            .body(public().to_string());
    });
    server
}

#[test]
fn the_trace_shows_each_exchange_with_every_credential_redacted() {
    let server = fleek();
    for (args, env) in [
        (vec!["--debug", "agent", "list"], None),
        (vec!["agent", "list"], Some("1")),
    ] {
        let mut command = fleek_agents(&args).against(&server);
        if let Some(value) = env {
            command = command.env("FLEEK_DEBUG", value);
        }
        let run = command.run();
        run.assert_exit(Exit::Success);
        let trace = &run.stderr;
        assert!(
            trace.contains(&format!("> GET {}/api/v1/ai-agents", server.base_url())),
            "{trace}"
        );
        assert!(trace.contains("> x-api-key: [redacted]"), "{trace}");
        assert!(trace.contains("< 200 ("), "{trace}");
        assert!(trace.contains("< x-request-id: req-42"), "{trace}");
        assert!(trace.contains(r#""publicToken":"[redacted]""#), "{trace}");
        assert!(!trace.contains(TOKEN) && !trace.contains(KEY), "{trace}");
    }
    // Off by default, and with FLEEK_DEBUG=0.
    let run = fleek_agents(&["agent", "list"])
        .env("FLEEK_DEBUG", "0")
        .against(&server)
        .run();
    assert!(!run.stderr.contains("> GET"), "{}", run.stderr);
}

#[test]
fn with_the_agent_token_neither_credential_appears() {
    let server = fleek();
    let run = fleek_agents(&["--debug", "agent", "public", AGENT])
        .without_key()
        .env("FLEEK_AGENT_TOKEN", TOKEN)
        .against(&server)
        .run();
    run.assert_exit(Exit::Success);
    assert!(
        run.stderr.contains("> x-agent-token: [redacted]"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(r#""publicToken":"[redacted]""#),
        "{}",
        run.stderr
    );
    // The trace never shows it; stdout is the answer that was asked for, token included.
    assert!(!run.stderr.contains(TOKEN), "{}", run.stderr);
}
