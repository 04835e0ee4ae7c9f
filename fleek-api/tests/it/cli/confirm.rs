//! Confirmations: what cannot be taken back is asked on a terminal, refused without one
//! unless `--yes` is given, and nothing is sent before the answer.

use std::process::{Command, Stdio};

use httpmock::{Method, Mock, MockServer};
use serde_json::json;

use super::{agent, fleek, fleek_agents, nova, scratch, write_json};
use crate::common::{AGENT, KEY, PROJECT};
use fleek_api::cli::Exit;

fn deleting(server: &MockServer) -> Mock<'_> {
    server.mock(|when, then| {
        when.method(Method::DELETE)
            .path(format!("/api/v1/ai-agents/{AGENT}"));
        then.status(200)
            .header("content-type", "application/json")
            .body(json!({"id": AGENT}).to_string());
    })
}

#[test]
fn without_a_terminal_destructive_commands_need_yes() {
    let server = MockServer::start();
    let delete = deleting(&server);
    let stop = server.mock(|when, then| {
        when.method(Method::POST)
            .path(format!("/api/v1/ai-agents/{AGENT}/stop"));
        then.status(200)
            .header("content-type", "application/json")
            .body(agent("Stopped").to_string());
    });
    let cancel = server.mock(|when, then| {
        when.method(Method::DELETE).path_includes("/subscriptions/");
        then.status(200)
            .header("content-type", "application/json")
            .body("{}");
    });
    for (args, mock) in [
        (vec!["delete-agent", "--agent-id", AGENT], &delete),
        (vec!["stop-agent", "--agent-id", AGENT], &stop),
        (
            vec![
                "cancel-subscription",
                "--subscription-id",
                "sub_9WgRMUCEFZDhHTzLISMgFEwp",
            ],
            &cancel,
        ),
    ] {
        let run = fleek_agents(&args).against(&server).run();
        run.assert_exit(Exit::Usage);
        assert!(
            run.stderr.contains("--yes") && run.stderr.contains("nothing was done"),
            "{}",
            run.stderr
        );
        mock.assert_calls(0);
    }
    let run = fleek_agents(&["delete-agent", "--agent-id", AGENT, "--yes"])
        .against(&server)
        .run();
    run.assert_exit(Exit::Success);
    delete.assert_calls(1);
}

/// `fleek-agents <args>` on a pseudo-terminal (util-linux's `script`), `answer` typed.
fn on_a_terminal(args: &str, server: &MockServer, answer: &str) -> String {
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_fleek-agents"));
    let mut script = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("FLEEK_API_KEY", KEY)
        .env("FLEEK_API_URL", server.base_url())
        .env("FLEEK_KEYRING", "off")
        .env("FLEEK_CONFIG_DIR", scratch("confirm-terminal"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("util-linux's script runs");
    // Typed once the question is up: the terminal keeps what arrives before.
    std::thread::sleep(std::time::Duration::from_millis(500));
    std::io::Write::write_all(script.stdin.as_mut().expect("a pipe"), answer.as_bytes())
        .expect("typed");
    let output = script.wait_with_output().expect("script ends");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(!text.contains(KEY), "{text}");
    text
}

#[test]
fn on_a_terminal_the_question_names_what_goes_and_only_yes_goes_on() {
    let server = MockServer::start();
    let delete = deleting(&server);
    let screen = on_a_terminal(&format!("delete-agent --agent-id {AGENT}"), &server, "n\n");
    assert!(
        screen.contains(&format!("Delete the agent {AGENT}")),
        "{screen:?}"
    );
    assert!(screen.contains("cancelled"), "{screen:?}");
    delete.assert_calls(0);
    on_a_terminal(&format!("delete-agent --agent-id {AGENT}"), &server, "y\n");
    delete.assert_calls(1);
}

#[test]
fn deploy_over_a_running_agent_asks_first() {
    let server = fleek("Running", true);
    let dir = scratch("confirm-deploy");
    let character = write_json(&dir, "nova.json", &nova());
    let run = fleek_agents(&["deploy", &character, "--project", PROJECT, "--agent", AGENT])
        .against(&server)
        .run();
    run.assert_exit(Exit::Usage);
    assert!(run.stderr.contains("running agent Nova"), "{}", run.stderr);
    let run = fleek_agents(&[
        "deploy",
        &character,
        "--project",
        PROJECT,
        "--agent",
        AGENT,
        "--yes",
    ])
    .against(&server)
    .run();
    run.assert_exit(Exit::Success);
}
