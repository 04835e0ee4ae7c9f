//! `fleek-agents logs`: every page, as lines or as the API's entries; `--follow` until
//! Ctrl-C, which ends it cleanly.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use httpmock::MockServer;
use serde_json::json;

use super::{check, fleek_agents, Run};
use crate::common::AGENT;

/// Two pages of log: the first points at the second with a `next_page` URL.
fn two_pages() -> MockServer {
    let server = MockServer::start();
    let next = format!(
        "{}/api/v1/ai-agents/{AGENT}/logs?cursor=c2",
        server.base_url()
    );
    server.mock(|when, then| {
        when.path(format!("/api/v1/ai-agents/{AGENT}/logs")).query_param("cursor", "c2");
        then.status(200).header("content-type", "application/json").body(
            json!({"data": [{"id": "s=2", "timestamp": 1739454950, "message": "second", "priority": 4, "unit": "eliza"}],
                   "next_page": null, "prev_page": null})
            .to_string(),
        );
    });
    server.mock(|when, then| {
        when.path(format!("/api/v1/ai-agents/{AGENT}/logs")).query_param_missing("cursor");
        then.status(200).header("content-type", "application/json").body(
            json!({"data": [{"id": "s=1", "timestamp": 1739454949, "message": "first  ", "priority": 6}],
                   "next_page": next, "prev_page": null})
            .to_string(),
        );
    });
    server
}

#[test]
fn every_page_is_printed() {
    let server = two_pages();
    let run = fleek_agents(&["logs", AGENT]).against(&server).run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "2025-02-13 13:55:49Z info    first\n2025-02-13 13:55:50Z warning second\n"
    );

    let run = fleek_agents(&["logs", AGENT, "--output", "json"])
        .against(&server)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let entries = run.json();
    assert_eq!(entries.as_array().map(Vec::len), Some(2));
    // As the API sent them, fields this version does not know included.
    assert_eq!(entries[1]["unit"], "eliza");
    assert_eq!(entries[0]["message"], "first  ");
}

#[test]
fn follow_prints_new_lines_until_ctrl_c_and_exits_cleanly() {
    let server = two_pages();
    let mut command = fleek_agents(&["logs", AGENT, "--follow", "--interval", "100ms"])
        .against(&server)
        .command();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    let mut lines = Vec::new();
    for _ in 0..2 {
        let mut line = String::new();
        stdout.read_line(&mut line).expect("a line");
        lines.push(line);
    }
    assert!(lines[0].ends_with("first\n"), "{lines:?}");
    assert!(lines[1].ends_with("second\n"), "{lines:?}");

    // Still following: a few polls later, nothing has ended it.
    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(500) {
        assert!(
            child.try_wait().expect("waits").is_none(),
            "it stopped on its own"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(interrupted.success());
    let output = child.wait_with_output().expect("ends");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).expect("reads");
    let mut run = Run::of(output);
    // stdout was read above, line by line: the rest of it is what came after.
    run.stdout_bytes = rest.clone().into_bytes();
    run.stdout = rest;
    check(&run);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "", "each entry printed once");
    assert_eq!(run.stderr, "");
}

#[test]
fn logs_of_an_unknown_agent_is_an_api_error() {
    let server = MockServer::start();
    server.mock(|_, then| {
        then.status(404)
            .header("content-type", "application/json")
            .body(r#"{"error": "AI Agent not found"}"#);
    });
    for follow in [false, true] {
        let mut args = vec!["logs", AGENT];
        if follow {
            args.push("--follow");
        }
        let run = fleek_agents(&args).against(&server).run();
        assert_eq!(run.code, 4, "follow={follow}: {}", run.stderr);
        assert!(run.stderr.contains("AI Agent not found"));
    }
}
