//! `fleek-agents simulate`: a simulated Fleek as a process. Its two lines hand the URL and
//! the key to the other commands, which then deploy, wait, read logs and talk to an agent
//! as they would on Fleek; Ctrl-C saves the state, and a new run goes on from it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use super::{check, fleek_agents, scratch, FleekAgents, Run};
use crate::common::{nova, PROJECT};
use fleek_api::cli::Exit;

/// A running `fleek-agents simulate` and the URL and key it printed.
struct Simulate {
    child: Child,
    url: String,
    key: String,
}

fn simulate(state: &std::path::Path) -> Simulate {
    let mut child = fleek_agents(&[
        "simulate",
        "--boot-time",
        "200ms",
        "--state",
        &state.display().to_string(),
    ])
    .command()
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    let mut read = |prefix: &str| {
        let mut line = String::new();
        stdout.read_line(&mut line).expect("a line");
        line.trim_end()
            .strip_prefix(prefix)
            .unwrap_or_else(|| panic!("{prefix}...: {line:?}"))
            .to_string()
    };
    let url = read("FLEEK_API_URL=");
    let key = read("FLEEK_API_KEY=");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    Simulate { child, url, key }
}

impl Simulate {
    fn run(&self, args: &[&str]) -> FleekAgents {
        fleek_agents(args)
            .env("FLEEK_API_URL", &self.url)
            .env("FLEEK_API_KEY", &self.key)
    }

    /// Ctrl-C; the process's exit code and stderr.
    fn interrupt(self) -> Run {
        let interrupted = std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(interrupted.success());
        let run = Run::of(self.child.wait_with_output().expect("ends"));
        check(&run);
        run
    }
}

#[test]
fn the_other_commands_work_against_it_and_its_state_outlives_it() {
    let dir = scratch("simulate");
    let state = dir.join("sim.json");
    let sim = simulate(&state);
    let config = nova().to_string();
    let created = sim
        .run(&[
            "agent",
            "create",
            "--project",
            PROJECT,
            "--name",
            "Nova",
            "--config",
            &config,
            "-o",
            "json",
        ])
        .succeeds();
    let id = created.json()["id"].as_str().expect("an id").to_string();
    sim.run(&["agent", "publish", &id]).succeeds();
    sim.run(&["status", &id, "--wait", "--timeout", "30s"])
        .succeeds();
    let reply = sim.run(&["message", &id, "Hello there"]).succeeds();
    assert!(reply.stdout.contains("Hello there"), "{}", reply.stdout);
    let logs = sim.run(&["logs", &id]).succeeds();
    assert!(logs.stdout.contains("started"), "{}", logs.stdout);
    assert!(logs.stdout.contains("Hello there"), "{}", logs.stdout);

    let stopped = sim.interrupt();
    stopped.assert_exit(Exit::Success);
    assert!(
        stopped.stderr.contains("saved the state"),
        "{}",
        stopped.stderr
    );
    let saved = std::fs::read_to_string(&state).expect("saved");
    assert!(saved.contains(&id));

    // A new run goes on from the saved state.
    let again = simulate(&state);
    let agent = again.run(&["agent", "view", &id, "-o", "json"]).succeeds();
    assert_eq!(agent.json()["status"], "Running");
    again.interrupt().assert_exit(Exit::Success);
}

#[test]
fn a_state_file_that_is_not_a_saved_state_is_a_usage_error() {
    let dir = scratch("simulate-bad-state");
    let state = dir.join("sim.json");
    std::fs::write(&state, "{\"world\": {\"agents\": 7}}").expect("written");
    let run = fleek_agents(&["simulate", "--state", &state.display().to_string()]).run();
    run.assert_exit(Exit::Usage);
    assert!(
        run.stderr.contains("not a state a simulator saved"),
        "{}",
        run.stderr
    );
}

#[test]
fn deploy_follow_and_message_run_as_on_fleek() {
    let dir = scratch("simulate-deploy");
    let sim = simulate(&dir.join("sim.json"));
    let character = super::write_json(&dir, "nova.json", &nova());
    let deployed = sim
        .run(&["deploy", &character, "--project", PROJECT, "-o", "json"])
        .succeeds();
    let lines = deployed.json_lines();
    let result = lines.last().expect("a result");
    assert_eq!(result["event"], "result", "{lines:?}");
    assert_eq!(result["result"], "running", "{lines:?}");
    let id = result["agentId"]
        .as_str()
        .expect("the agent's id")
        .to_string();
    // Deployed again unchanged: nothing to do, and nothing to confirm.
    let again = sim
        .run(&["deploy", &character, "--project", PROJECT, "--agent", &id])
        .succeeds();
    assert!(again.stderr.contains("nothing to do"), "{}", again.stderr);

    // `logs --follow` prints what is there, then a line the next message writes.
    let mut follow = sim
        .run(&["logs", &id, "--follow", "--interval", "100ms"])
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("follows");
    let mut stdout = BufReader::new(follow.stdout.take().expect("piped"));
    let mut seen = String::new();
    while !seen.contains("started") {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).expect("a line") > 0,
            "ended early: {seen}"
        );
        seen.push_str(&line);
    }
    sim.run(&["message", &id, "Are you there?"]).succeeds();
    while !seen.contains("Are you there?") {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).expect("a line") > 0,
            "ended early: {seen}"
        );
        seen.push_str(&line);
    }
    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &follow.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(interrupted.success());
    assert!(follow.wait().expect("ends").success());
    sim.interrupt().assert_exit(Exit::Success);
}
