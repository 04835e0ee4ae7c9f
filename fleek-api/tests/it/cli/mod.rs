//! `fleek-agents`, run as a user runs it: the built binary, against a mock Fleek on
//! 127.0.0.1 (the crate's own `mock` helpers). Every run is checked for what must never
//! happen, whatever the command: the key in the output, a panic, colour codes off a terminal.

mod agent;
mod auth;
mod bounded;
mod ci_job;
mod confirm;
mod debug;
mod deploy;
mod exit_codes;
mod fleet;
mod grammar;
mod guide;
mod help;
mod lists;
mod logs;
mod mcp;
mod operations;
mod samples;
mod secrets;
mod simulate;
mod terminal;
mod validate;

use std::path::{Path, PathBuf};
use std::process::Command;

use fleek_api::mock::MockServerExt;
use httpmock::MockServer;
use serde_json::{json, Value};

use crate::common::{AGENT, KEY, PROJECT};

/// One run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stdout_bytes: Vec<u8>,
    pub stderr: String,
}

impl Run {
    /// A finished process's exit code and output.
    pub fn of(output: std::process::Output) -> Self {
        Run {
            code: output
                .status
                .code()
                .expect("the binary exits, not killed by a signal"),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stdout_bytes: output.stdout,
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Asserts the exit code is `expected`'s, showing stderr when it is not.
    pub fn assert_exit(&self, expected: fleek_api::cli::Exit) {
        assert_eq!(
            fleek_api::cli::Exit::from_code(self.code),
            Some(expected),
            "exit code {}: {}",
            self.code,
            self.stderr
        );
    }

    /// stdout as JSON lines, one value a line.
    pub fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|line| {
                serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("not one JSON value a line ({e}): {line}"))
            })
            .collect()
    }

    /// stdout as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {}", self.stdout))
    }
}

/// `fleek-agents <args>` with a clean environment: the test key in `FLEEK_API_KEY`, no
/// `FLEEK_API_URL` (every test that calls sets one), no `NO_COLOR`, `CLICOLOR` or
/// `CLICOLOR_FORCE`, no profile, project, agent token or trace from the environment, an
/// empty config directory of its own, and never the system keyring.
pub struct FleekAgents(Command);

pub fn fleek_agents(args: &[&str]) -> FleekAgents {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fleek-agents"));
    command.args(args);
    for name in [
        "FLEEK_API_KEY",
        "FLEEK_API_URL",
        "NO_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "RUST_BACKTRACE",
        "FLEEK_PROFILE",
        "FLEEK_PROJECT_ID",
        "FLEEK_AGENT_TOKEN",
        "FLEEK_DEBUG",
    ] {
        command.env_remove(name);
    }
    command.env("FLEEK_API_KEY", KEY);
    command.env("FLEEK_KEYRING", "off");
    command.env("FLEEK_CONFIG_DIR", config_dir());
    FleekAgents(command)
}

impl FleekAgents {
    pub fn against(mut self, server: &MockServer) -> Self {
        self.0.env("FLEEK_API_URL", server.base_url());
        self
    }

    pub fn without_key(mut self) -> Self {
        self.0.env_remove("FLEEK_API_KEY");
        self
    }

    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.0.env(name, value);
        self
    }

    pub fn env_remove(mut self, name: &str) -> Self {
        self.0.env_remove(name);
        self
    }

    pub fn current_dir(mut self, dir: &Path) -> Self {
        self.0.current_dir(dir);
        self
    }

    /// More arguments after those given.
    pub fn with_args(mut self, args: &[&str]) -> Self {
        self.0.args(args);
        self
    }

    pub fn command(self) -> Command {
        self.0
    }

    /// Runs with `input` on standard input (a pipe, not a terminal).
    pub fn run_with_input(mut self, input: &str) -> Run {
        use std::io::Write;
        use std::process::Stdio;
        let mut child = self
            .0
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        child
            .stdin
            .take()
            .expect("a pipe")
            .write_all(input.as_bytes())
            .expect("written");
        let run = Run::of(child.wait_with_output().expect("the binary ends"));
        check(&run);
        run
    }

    /// Runs, and asserts that it succeeded.
    pub fn succeeds(self) -> Run {
        let run = self.run();
        run.assert_exit(fleek_api::cli::Exit::Success);
        run
    }

    pub fn run(mut self) -> Run {
        let run = Run::of(self.0.output().expect("the binary runs"));
        check(&run);
        run
    }
}

/// What must hold for every run.
pub fn check(run: &Run) {
    let stdout_is_text = std::str::from_utf8(&run.stdout_bytes).is_ok();
    for (name, text, is_text) in [
        ("stdout", &run.stdout, stdout_is_text),
        ("stderr", &run.stderr, true),
    ] {
        assert!(!text.contains(KEY), "the API key is in {name}: {text}");
        assert!(!text.contains("panicked"), "a panic: {text}");
        assert!(!text.contains("RUST_BACKTRACE"), "a backtrace hint: {text}");
        // A binary answer (the attestation) may hold the byte 0x1b.
        if is_text {
            assert!(
                !text.contains('\x1b'),
                "colour codes off a terminal in {name}: {text:?}"
            );
        }
    }
}

/// A mock Fleek that drafts and publishes, answers `running` to status checks, and reports
/// the agent as `state`.
pub fn fleek(state: &str, running: bool) -> MockServer {
    let server = MockServer::start();
    server.create_agent(|_, then| {
        then.ok(&typed(agent("Draft")));
    });
    server.update_agent(|when, then| {
        when.agent_id(&agent_id());
        then.ok(&typed(agent("Draft")));
    });
    server.publish_agent(|when, then| {
        when.agent_id(&agent_id());
        then.ok(&typed(agent("Created")));
    });
    server.get_agent_status(|when, then| {
        when.agent_id(&agent_id());
        then.ok(&typed(json!({"status": running.to_string()})));
    });
    server.get_agent(|when, then| {
        when.agent_id(&agent_id());
        then.ok(&typed(agent(state)));
    });
    server.get_agent_logs(|when, then| {
        when.agent_id(&agent_id());
        then.ok(&typed(json!({"data": [
            {"id": 1, "timestamp": 1739454949, "message": "Starting Nova", "priority": 6},
            {"id": 2, "timestamp": 1739454950, "message": "OPENAI_API_KEY is not set", "priority": 3}
        ], "next_page": null, "prev_page": null})));
    });
    server
}

/// An agent as the API answers it.
pub fn agent(status: &str) -> Value {
    json!({"id": AGENT, "projectId": PROJECT, "name": "Nova", "status": status,
           "frameworkVersion": "eliza-0.1.9", "createdAt": "2025-02-13T13:55:49.000Z"})
}

pub fn typed<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a valid example")
}

pub fn agent_id() -> fleek_api::types::AgentId {
    AGENT.parse().expect("a valid id")
}

pub use crate::common::nova;

/// `fleek-agents <args>` on a pseudo-terminal (util-linux's `script`), with the test key,
/// `env` and a config directory of its own, `typed` typed once the program is waiting for
/// it; what the terminal showed, stdout and stderr together.
pub fn on_a_terminal(args: &str, env: &[(&str, &str)], typed: &str) -> String {
    use std::io::Write;
    use std::process::Stdio;
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_fleek-agents"));
    let mut script = Command::new("script");
    script
        .args(["-qec", &command, "/dev/null"])
        .env("FLEEK_API_KEY", KEY)
        .env("FLEEK_KEYRING", "off")
        .env("FLEEK_CONFIG_DIR", config_dir())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    for (name, value) in env {
        script.env(name, value);
    }
    let mut child = script.spawn().expect("util-linux's script runs");
    // Typed once the question is up: what arrives before it could be read by no one.
    std::thread::sleep(std::time::Duration::from_millis(500));
    child
        .stdin
        .as_mut()
        .expect("a pipe")
        .write_all(typed.as_bytes())
        .expect("typed");
    let output = child.wait_with_output().expect("script ends");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(!text.contains("panicked"), "{text}");
    text
}

/// A fresh, not yet created config directory for one run.
fn config_dir() -> PathBuf {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::env::temp_dir().join(format!("fleek-agents-config-{}-{run}", std::process::id()))
}

/// A fresh directory for one test's files.
pub fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fleek-agents-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// Writes `value` as `name` in `dir`, and returns its path as text.
pub fn write_json(dir: &Path, name: &str, value: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, value.to_string()).expect("writes");
    path.display().to_string()
}
