//! `fleek-agents deploy`: validate first, then draft, publish and wait, with progress as
//! plain lines off a terminal, and the right exit code for each ending.

use httpmock::MockServer;
use serde_json::json;

use super::{fleek, fleek_agents, nova, scratch, typed, write_json};
use crate::common::{AGENT, PROJECT};
use fleek_api::cli::Exit;
use fleek_api::mock::MockServerExt;

#[test]
fn a_valid_character_is_drafted_published_and_runs() {
    let server = fleek("Running", true);
    let dir = scratch("deploy-ok");
    let file = write_json(&dir, "nova.json", &nova());
    let run = fleek_agents(&["deploy", &file, "--project", PROJECT])
        .against(&server)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    // stdout is the id alone (`id=$(fleek-agents deploy ...)`); the sentence is on stderr.
    assert_eq!(run.stdout, format!("{AGENT}\n"));
    let mut lines: Vec<&str> = run.stderr.lines().collect();
    let last = lines.pop().unwrap_or_default();
    assert!(
        last.starts_with(&format!("agent {AGENT} runs (deployed in ")),
        "{}",
        run.stderr
    );
    // Off a terminal, each stage is a plain line (no spinner, no control codes).
    let stages: Vec<&str> = lines.iter().map(|l| &l[8..]).collect();
    assert_eq!(
        stages,
        [
            format!("drafting Nova in project {PROJECT}"),
            format!("created the draft of agent {AGENT}"),
            format!("publishing agent {AGENT}"),
            format!("published agent {AGENT}"),
            format!("waiting for agent {AGENT} to run"),
        ],
        "{}",
        run.stderr
    );

    let run = fleek_agents(&[
        "deploy",
        &file,
        "--project",
        PROJECT,
        "--agent",
        AGENT,
        "--yes",
        "-o",
        "json",
    ])
    .against(&server)
    .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    // One JSON object per event as it happens, then the result.
    let lines = run.json_lines();
    let events: Vec<&str> = lines.iter().filter_map(|l| l["event"].as_str()).collect();
    assert_eq!(
        events,
        ["resumed", "drafted", "published", "running", "result"]
    );
    assert!(lines
        .iter()
        .all(|l| l["agentId"] == AGENT && l["elapsed"].is_f64()));
    let result = &lines[lines.len() - 1];
    assert_eq!(result["result"], "running");
    assert_eq!(result["status"], "Running");
    assert!(run
        .stderr
        .contains(&format!("updated the draft of agent {AGENT}")));
}

#[test]
fn a_character_with_problems_is_refused_and_nothing_is_sent() {
    let server = MockServer::start();
    let catch_all = server.mock(|_, then| {
        then.status(500);
    });
    let c3po = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/it/fixtures/c3po.character.json"
    );
    let run = fleek_agents(&["deploy", c3po, "--project", PROJECT])
        .against(&server)
        .run();
    run.assert_exit(Exit::Invalid);
    assert!(run.stderr.contains("$.clients (Fleek)"), "{}", run.stderr);
    assert!(run.stderr.contains("nothing was sent"), "{}", run.stderr);
    catch_all.assert_calls(0);

    // Validation comes before the key: a bad file is reported even without one.
    let run = fleek_agents(&["deploy", c3po, "--project", PROJECT])
        .without_key()
        .run();
    run.assert_exit(Exit::Invalid);
}

#[test]
fn an_agent_that_fails_to_start_prints_its_last_log_lines() {
    let server = fleek("Failed", false);
    let dir = scratch("deploy-failed");
    let file = write_json(&dir, "nova.json", &nova());
    let run = fleek_agents(&["deploy", &file, "--project", PROJECT])
        .against(&server)
        .run();
    run.assert_exit(Exit::AgentFailed);
    assert!(run
        .stderr
        .contains(&format!("agent {AGENT} failed to start")));
    assert!(
        run.stderr
            .contains("2025-02-13 13:55:50Z error   OPENAI_API_KEY is not set"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn an_agent_that_does_not_run_in_time_is_a_timeout() {
    let server = fleek("Pending", false);
    let dir = scratch("deploy-timeout");
    let file = write_json(&dir, "nova.json", &nova());
    let run = fleek_agents(&["deploy", &file, "--project", PROJECT, "--timeout", "1s"])
        .against(&server)
        .run();
    run.assert_exit(Exit::Timeout);
    assert!(
        run.stderr.contains("did not run within 1s"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("status: Pending"), "{}", run.stderr);
}

#[test]
fn a_bad_avatar_or_framework_version_is_refused() {
    let server = fleek("Running", true);
    server.list_framework_versions(|_, then| {
        then.ok(&typed(
            json!({"name": "eliza", "versions": ["eliza-0.1.9"]}),
        ));
    });
    let dir = scratch("deploy-args");
    let file = write_json(&dir, "nova.json", &nova());
    std::fs::write(dir.join("avatar.txt"), "not an image").expect("writes");
    let avatar = dir.join("avatar.txt").display().to_string();
    let run = fleek_agents(&["deploy", &file, "--project", PROJECT, "--avatar", &avatar])
        .against(&server)
        .run();
    run.assert_exit(Exit::Usage);
    assert!(run.stderr.contains("--avatar"), "{}", run.stderr);

    let run = fleek_agents(&[
        "deploy",
        &file,
        "--project",
        PROJECT,
        "--framework-version",
        "v9",
    ])
    .against(&server)
    .run();
    run.assert_exit(Exit::Usage);
    assert!(
        run.stderr.contains("eliza-0.1.9"),
        "names the valid ones: {}",
        run.stderr
    );
}

#[test]
fn another_framework_version_is_warned_that_the_rules_checked_were_0_1_9s() {
    let server = fleek("Running", true);
    server.list_framework_versions(|_, then| {
        then.ok(&typed(
            json!({"name": "eliza", "versions": ["eliza-0.1.9", "v2.beta.28"]}),
        ));
    });
    let dir = scratch("deploy-framework");
    let file = write_json(&dir, "nova.json", &nova());
    let deploy = |version: &str| {
        fleek_agents(&[
            "deploy",
            &file,
            "--project",
            PROJECT,
            "--framework-version",
            version,
        ])
        .against(&server)
        .run()
    };
    let run = deploy("v2.beta.28");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "the character was checked against Eliza 0.1.9's rules; --framework-version \
             v2.beta.28 may judge it otherwise"
        ),
        "{}",
        run.stderr
    );
    let run = deploy("eliza-0.1.9");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("checked against"), "{}", run.stderr);
}
