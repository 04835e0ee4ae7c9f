//! Confirmations: what cannot be taken back is asked on a terminal, refused without one
//! unless `--yes` is given, and nothing is sent before the answer.

use httpmock::{Method, Mock, MockServer};
use serde_json::json;

use super::{agent, fleek, fleek_agents, nova, on_a_terminal, scratch, write_json};
use crate::common::{AGENT, PROJECT};
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
        (vec!["agent", "delete", AGENT], &delete),
        (vec!["agent", "stop", AGENT], &stop),
        (
            vec!["subscription", "cancel", "sub_9WgRMUCEFZDhHTzLISMgFEwp"],
            &cancel,
        ),
        // The deprecated spelling asks just the same.
        (vec!["delete-agent", "--agent-id", AGENT], &delete),
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
    let run = fleek_agents(&["agent", "delete", AGENT, "--yes"])
        .against(&server)
        .run();
    run.assert_exit(Exit::Success);
    delete.assert_calls(1);
}

#[test]
fn on_a_terminal_the_question_names_what_goes_and_only_yes_goes_on() {
    let server = MockServer::start();
    let delete = deleting(&server);
    let screen = on_a_terminal(
        &format!("delete-agent --agent-id {AGENT}"),
        &[("FLEEK_API_URL", &server.base_url())],
        "n\n",
    );
    assert!(
        screen.contains(&format!("Delete the agent {AGENT}")),
        "{screen:?}"
    );
    assert!(screen.contains("cancelled"), "{screen:?}");
    delete.assert_calls(0);
    on_a_terminal(
        &format!("delete-agent --agent-id {AGENT}"),
        &[("FLEEK_API_URL", &server.base_url())],
        "y\n",
    );
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
