//! The CLI's loops are bounded and its deployments name what exists: `logs` on a journal
//! that hands back its own cursor ends; `logs --follow` and `status --wait` ask no more
//! often than their interval; a `deploy` that fails or is interrupted after the create
//! prints the agent and the command that resumes it; `-o json` progress is one object per
//! event; under GitHub Actions, character problems are annotations. Request counts are
//! asserted, never durations.

use std::process::Stdio;
use std::time::Duration;

use httpmock::{Mock, MockServer};
use serde_json::{json, Value};

use super::{agent, agent_id, check, fleek, fleek_agents, nova, scratch, typed, write_json, Run};
use crate::common::{AGENT, PROJECT};
use fleek_api::cli::Exit;
use fleek_api::mock::MockServerExt;

/// A journal: the first page points at `c1`, whose page names itself.
fn journal(server: &MockServer) -> (Mock<'_>, Mock<'_>) {
    let logs = format!("/api/v1/ai-agents/{AGENT}/logs");
    let next = format!("{}{logs}?cursor=c1", server.base_url());
    let last = server.mock(|when, then| {
        when.path(logs.clone()).query_param("cursor", "c1");
        then.status(200).header("content-type", "application/json").body(
            json!({"data": [{"id": "s=2", "timestamp": 1739454950, "message": "second", "priority": 6}],
                   "next_page": next.clone(), "prev_page": null})
            .to_string(),
        );
    });
    let first = server.mock(|when, then| {
        when.path(logs.clone()).query_param_missing("cursor");
        then.status(200).header("content-type", "application/json").body(
            json!({"data": [{"id": "s=1", "timestamp": 1739454949, "message": "first", "priority": 6}],
                   "next_page": next.clone(), "prev_page": null})
            .to_string(),
        );
    });
    (first, last)
}

/// Runs the command for `window`, then interrupts it (Ctrl-C) and returns what it did.
fn interrupted_after(mut command: std::process::Command, window: Duration) -> Run {
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    std::thread::sleep(window);
    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(interrupted.success());
    let run = Run::of(child.wait_with_output().expect("ends"));
    check(&run);
    run
}

#[test]
fn logs_ends_on_a_journal_page_that_names_itself() {
    let server = MockServer::start();
    let (first, last) = journal(&server);
    let run = fleek_agents(&["logs", AGENT]).against(&server).run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(lines[0].ends_with("first") && lines[1].ends_with("second"));
    first.assert_calls(1);
    last.assert_calls(1);

    let run = fleek_agents(&["logs", AGENT, "-o", "json"])
        .against(&server)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json().as_array().map(Vec::len), Some(2));
    last.assert_calls(2);
}

#[test]
fn logs_follow_asks_no_more_often_than_its_interval_on_a_journal() {
    let server = MockServer::start();
    let (first, last) = journal(&server);
    let command = fleek_agents(&["logs", AGENT, "--follow", "--interval", "300ms"])
        .against(&server)
        .command();
    let run = interrupted_after(command, Duration::from_millis(1_500));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout.lines().count(),
        2,
        "each entry once: {}",
        run.stdout
    );
    first.assert_calls(1);
    // One request at once, then one per 300 ms at most over 1.5 s: 6, and one for slack.
    let calls = last.calls();
    assert!(
        (2..=7).contains(&calls),
        "{calls} requests of the last page"
    );
}

#[test]
fn status_wait_honours_retry_after_and_prints_json_lines() {
    let server = MockServer::start();
    let busy = server.mock(|when, then| {
        when.path(format!("/api/v1/ai-agents/{AGENT}/status"));
        then.status(503).header("retry-after", "1").body("busy");
    });
    let command = fleek_agents(&["status", AGENT, "--wait", "--timeout", "10m", "-o", "json"])
        .against(&server)
        .command();
    let run = interrupted_after(command, Duration::from_millis(1_500));
    // The client retries a 503 by itself (3 attempts by default, honouring Retry-After),
    // then the waiter waits the 3 s interval: over 1.5 s, at most the first call's attempts.
    let calls = busy.calls();
    assert!((1..=3).contains(&calls), "{calls} status checks");
    run.assert_exit(Exit::Interrupted);
    assert!(
        run.stderr.contains(&format!(
            "interrupted while waiting for agent {AGENT} to run"
        )),
        "{}",
        run.stderr
    );

    // A wait that ends: one JSON object per check, then the result.
    let server = fleek("Running", true);
    let run = fleek_agents(&["status", AGENT, "--wait", "-o", "json"])
        .against(&server)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines = run.json_lines();
    let last = lines.last().expect("a result");
    assert_eq!(last["event"], "result");
    assert_eq!(last["running"], true);
}

/// A Fleek whose create succeeds and whose publish fails.
fn fleek_that_fails_to_publish() -> MockServer {
    let server = MockServer::start();
    server.create_agent(|_, then| {
        then.success(201, &typed(agent("Draft")));
    });
    server.publish_agent(|when, then| {
        when.agent_id(&agent_id());
        then.into_inner().status(500).body("boom");
    });
    server
}

#[test]
fn a_deploy_that_fails_after_the_create_names_the_agent_and_how_to_resume() {
    let server = fleek_that_fails_to_publish();
    let dir = scratch("deploy-named");
    let file = write_json(&dir, "nova.json", &nova());
    let run = fleek_agents(&["deploy", &file, "--project", PROJECT, "--name", "Nova Bot"])
        .against(&server)
        .run();
    run.assert_exit(Exit::Api);
    assert!(
        run.stderr
            .contains(&format!("Agent {AGENT} exists (as a draft, not published)")),
        "{}",
        run.stderr
    );
    let resume = format!(
        "resume with: fleek-agents deploy {file} --project {PROJECT} --name 'Nova Bot' --agent {AGENT}"
    );
    assert!(run.stderr.contains(&resume), "{}", run.stderr);

    // With -o json, the result object says the same to a machine.
    let run = fleek_agents(&["deploy", &file, "--project", PROJECT, "-o", "json"])
        .against(&server)
        .run();
    let last: Value =
        serde_json::from_str(run.stdout.lines().last().expect("a result")).expect("JSON");
    assert_eq!(last["result"], "error");
    assert_eq!(last["stage"], "publish");
    assert_eq!(last["agentId"], AGENT);
}

#[test]
fn an_interrupted_deploy_names_the_agent_and_exits_130() {
    // The agent never runs: Ctrl-C during the wait.
    let server = fleek("Pending", false);
    let dir = scratch("deploy-interrupted");
    let file = write_json(&dir, "nova.json", &nova());
    let command = fleek_agents(&["deploy", &file, "--project", PROJECT])
        .against(&server)
        .command();
    let run = interrupted_after(command, Duration::from_millis(1_500));
    run.assert_exit(Exit::Interrupted);
    assert!(
        run.stderr.contains(&format!(
            "interrupted while waiting for the agent to run: agent {AGENT} exists"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("--agent {AGENT}")),
        "{}",
        run.stderr
    );
}

#[test]
fn a_deploy_to_a_running_unchanged_agent_has_nothing_to_do() {
    let server = MockServer::start();
    let mut running = agent("Running");
    running["characterFile"] = json!(fleek_api::character::Character::from_json(
        &nova().to_string()
    )
    .expect("valid")
    .to_config_string());
    let read = server.get_agent(|when, then| {
        when.agent_id(&agent_id());
        then.ok(&typed(running.clone()));
    });
    let writes = server.mock(|when, then| {
        when.method("PUT");
        then.status(500);
    });
    let dir = scratch("deploy-unchanged");
    let file = write_json(&dir, "nova.json", &nova());
    let run = fleek_agents(&["deploy", &file, "--project", PROJECT, "--agent", AGENT])
        .against(&server)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("nothing to do"), "{}", run.stderr);
    // Read twice: by the CLI, to know whether to ask before replacing a running agent (it
    // does not ask: nothing would change), and by the deploy itself.
    read.assert_calls(2);
    writes.assert_calls(0);
}

#[test]
fn under_github_actions_each_character_problem_is_an_annotation() {
    let dir = scratch("annotations");
    let mut broken = nova();
    broken["clients"] = json!([]);
    broken["modelProvider"] = json!("not-a-provider");
    let file = write_json(&dir, "broken.json", &broken);
    for command in [
        vec!["validate", file.as_str()],
        vec!["deploy", file.as_str(), "--project", PROJECT],
    ] {
        let run = fleek_agents(&command).env("GITHUB_ACTIONS", "true").run();
        run.assert_exit(Exit::Invalid);
        let annotations: Vec<&str> = run
            .stderr
            .lines()
            .filter(|l| l.starts_with("::error file="))
            .collect();
        assert!(annotations.len() >= 2, "{command:?}: {}", run.stderr);
        assert!(
            annotations.iter().any(|a| a.contains("$.modelProvider")),
            "{annotations:?}"
        );
        // Off GitHub Actions, none.
        let run = fleek_agents(&command).run();
        assert!(!run.stderr.contains("::error"), "{}", run.stderr);
    }
}

#[test]
fn logs_prints_what_it_read_before_a_next_page_it_cannot_follow() {
    let server = MockServer::start();
    let page = server.mock(|when, then| {
        when.path(format!("/api/v1/ai-agents/{AGENT}/logs"));
        then.status(200).header("content-type", "application/json").body(
            json!({"data": [{"id": "s=1", "timestamp": 1739454949, "message": "first", "priority": 6}],
                   "next_page": "https://api.fleek.xyz/logs?size=25", "prev_page": null})
            .to_string(),
        );
    });
    let run = fleek_agents(&["logs", AGENT]).against(&server).run();
    run.assert_exit(Exit::Failure);
    assert!(run.stdout.ends_with("first\n"), "{}", run.stdout);
    assert!(
        run.stderr.contains("has no cursor parameter"),
        "{}",
        run.stderr
    );
    // In JSON, the entries read so far, then the error.
    let run = fleek_agents(&["logs", AGENT, "-o", "json"])
        .against(&server)
        .run();
    run.assert_exit(Exit::Failure);
    assert_eq!(run.json()[0]["message"], "first");
    page.assert_calls(2);
}
