//! On a terminal (a pseudo-terminal from util-linux's `script`): colour, unless `NO_COLOR`
//! is set, and a spinner with the stage and the time spent; off one, colour only with
//! `CLICOLOR_FORCE`. (The spinner and the colouring themselves are also tested in-process,
//! on captured streams: `cli::progress` and `cli::output`.)

use std::process::Command;

use httpmock::MockServer;
use serde_json::json;

use super::{agent, typed};
use crate::common::{AGENT, KEY};
use fleek_api::mock::MockServerExt;

/// Runs `fleek-agents <args>` on a pseudo-terminal; stdout and stderr both arrive on it.
fn on_a_terminal(args: &str, server: &MockServer, no_color: bool) -> String {
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_fleek-agents"));
    let mut script = Command::new("script");
    script
        .args(["-qec", &command, "/dev/null"])
        .env("FLEEK_API_KEY", KEY)
        .env("FLEEK_API_URL", server.base_url())
        .env_remove("NO_COLOR");
    if no_color {
        script.env("NO_COLOR", "1");
    }
    let output = script.output().expect("util-linux's script runs");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(!text.contains(KEY), "{text}");
    assert!(!text.contains("panicked"), "{text}");
    text
}

fn agents() -> MockServer {
    let server = MockServer::start();
    server.list_agents(|_, then| {
        then.ok(&typed(
            json!({"data": [agent("Running")], "next_page": null, "prev_page": null}),
        ));
    });
    server
}

#[test]
fn tables_are_coloured_on_a_terminal_unless_no_color_is_set() {
    let server = agents();
    let coloured = on_a_terminal("agent list", &server, false);
    assert!(coloured.contains("\x1b[38;5;2mRunning"), "{coloured:?}");
    assert!(coloured.contains("\x1b[1mID"), "{coloured:?}");

    let plain = on_a_terminal("agent list", &server, true);
    assert!(plain.contains("Running"), "{plain:?}");
    assert!(!plain.contains('\x1b'), "{plain:?}");
}

#[test]
fn a_wait_shows_a_spinner_with_the_stage_and_the_time_spent() {
    let server = super::fleek("Pending", false);
    let screen = on_a_terminal(
        &format!("status {AGENT} --wait --timeout 1s"),
        &server,
        true,
    );
    // Redrawn in place: a frame, the stage, the seconds; then carriage return, erase the
    // line, the next frame.
    assert!(
        screen.contains(&format!("⠋ waiting for agent {AGENT} to run (0s)")),
        "{screen:?}"
    );
    assert!(screen.contains("\r\x1b[2K⠙ waiting"), "{screen:?}");
    assert!(
        screen.contains(&format!(
            "waiting for agent {AGENT} to run (status: Pending) (0s)"
        )),
        "{screen:?}"
    );
    assert!(screen.contains("did not run within 1.0s"), "{screen:?}");
}

#[test]
fn clicolor_force_colours_the_output_even_off_a_terminal() {
    let server = agents();
    let run = |env: &[(&str, &str)]| {
        let mut command = super::fleek_agents(&["agent", "list"])
            .against(&server)
            .command();
        for (name, value) in env {
            command.env(name, value);
        }
        let output = command.output().expect("runs");
        assert!(output.status.success());
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let forced = run(&[("CLICOLOR_FORCE", "1")]);
    assert!(forced.contains("\x1b[38;5;2mRunning"), "{forced:?}");
    assert!(
        !run(&[]).contains('\x1b'),
        "a pipe gets no colour by default"
    );
}
