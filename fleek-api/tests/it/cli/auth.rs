//! `auth login|status|logout`, profiles and the agent token, through the binary: where a
//! key is kept, which setting wins (flag > environment > profile > default), and what a
//! command may send with only an agent token. The system keyring is never used here
//! (`FLEEK_KEYRING=off`, set by the harness): the file fallback is what a headless CI box
//! gets, and the keyring's refusals are tested in-process (`cli::secrets`).

use std::path::{Path, PathBuf};

use httpmock::{Method, Mock, MockServer};
use serde_json::json;

use super::{fleek_agents, scratch, FleekAgents, Run};
use crate::common::{AGENT, KEY, PROJECT};
use fleek_api::cli::Exit;

const TOKEN: &str = "pt_S3CR3T_agent_token_5f1c2e9a7b";

/// A Fleek whose agent list answers only `key`, and records the project asked for.
fn fleek_for<'a>(server: &'a MockServer, key: &str) -> Mock<'a> {
    server.mock(|when, then| {
        when.method(Method::GET)
            .path("/api/v1/ai-agents")
            .header("x-api-key", key);
        then.status(200)
            .header("content-type", "application/json")
            .body(json!({"data": [], "next_page": null, "prev_page": null}).to_string());
    })
}

fn refusing(server: &MockServer) -> Mock<'_> {
    server.mock(|when, then| {
        when.method(Method::GET).path("/api/v1/ai-agents");
        then.status(401)
            .header("content-type", "application/json")
            .body(r#"{"message":"Unauthorized"}"#);
    })
}

/// `fleek-agents` with `dir` as its config directory and no key in the environment.
fn in_config(dir: &Path, args: &[&str]) -> FleekAgents {
    fleek_agents(args)
        .without_key()
        .env("FLEEK_CONFIG_DIR", &dir.display().to_string())
}

/// `auth login --with-token` against `server`, with `extra` arguments.
fn login(dir: &Path, server: &MockServer, extra: &[&str]) -> FleekAgents {
    let url = server.base_url();
    let mut args = vec!["auth", "login", "--with-token", "--api-url", &url];
    args.extend_from_slice(extra);
    in_config(dir, &args)
}

fn no_secret(run: &Run) {
    for text in [&run.stdout, &run.stderr] {
        assert!(!text.contains(TOKEN), "the agent token is shown: {text}");
    }
}

#[test]
fn login_keeps_the_key_for_later_commands_and_logout_forgets_it() {
    let dir = scratch("auth-login");
    let server = MockServer::start();
    let check = fleek_for(&server, KEY);
    let run = login(&dir, &server, &[]).run_with_input(&format!("{KEY}\n"));
    run.assert_exit(Exit::Success);
    // Without a keyring: a file readable by the user only, and a warning that says where.
    let file = dir.join("credentials.json");
    assert!(
        run.stderr.contains("no system keyring")
            && run.stderr.contains(&file.display().to_string()),
        "{}",
        run.stderr
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file)
            .expect("the key file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    check.assert_calls(1);

    // A later command uses the kept key and the profile's URL.
    let run = in_config(&dir, &["agent", "list"]).run();
    run.assert_exit(Exit::Success);
    check.assert_calls(2);

    // Status says where each setting comes from, and never the key.
    let run = in_config(&dir, &["auth", "status"]).run();
    run.assert_exit(Exit::Success);
    assert!(run.stdout.contains("fk_t****"), "{}", run.stdout);
    assert!(run.stdout.contains("credentials.json"), "{}", run.stdout);
    assert!(run.stdout.contains(&server.base_url()), "{}", run.stdout);

    let run = in_config(&dir, &["auth", "logout"]).run();
    run.assert_exit(Exit::Success);
    assert!(run.stdout.contains("removed"), "{}", run.stdout);
    let run = in_config(&dir, &["agent", "list"]).run();
    run.assert_exit(Exit::Usage);
    assert!(run.stderr.contains("auth login"), "{}", run.stderr);
    check.assert_calls(2);
}

#[test]
fn a_refused_key_is_not_kept() {
    let dir = scratch("auth-refused");
    let server = MockServer::start();
    let check = refusing(&server);
    let run = login(&dir, &server, &[]).run_with_input(KEY);
    run.assert_exit(Exit::Api);
    assert!(run.stderr.contains("nothing was stored"), "{}", run.stderr);
    assert!(!dir.join("credentials.json").exists());
    check.assert_calls(1);
}

#[test]
fn login_without_a_terminal_or_a_token_asks_for_with_token() {
    let dir = scratch("auth-no-terminal");
    let run = in_config(&dir, &["auth", "login"]).run_with_input("");
    run.assert_exit(Exit::Usage);
    assert!(run.stderr.contains("--with-token"), "{}", run.stderr);
    let run = in_config(&dir, &["auth", "login", "--with-token"]).run_with_input("  \n");
    run.assert_exit(Exit::Usage);
    assert!(run.stderr.contains("no key"), "{}", run.stderr);
}

/// Two profiles, each with its own Fleek, key and project.
fn two_profiles(dir: &Path, work: &MockServer, home: &MockServer) {
    for (name, server, key, project) in [
        ("work", work, KEY, PROJECT),
        (
            "home",
            home,
            "fk_home_0123456789abcdef",
            "cm6k5x0qj0003l708home0000",
        ),
    ] {
        let mut check = fleek_for(server, key);
        let run =
            login(dir, server, &["--profile", name, "--project", project]).run_with_input(key);
        run.assert_exit(Exit::Success);
        // Gone, so that the lists below are answered by the mocks that check the project.
        check.delete();
    }
}

/// Agents of `project` asked of `server` with `key`.
fn listing<'a>(server: &'a MockServer, key: &str, project: &str) -> Mock<'a> {
    server.mock(|when, then| {
        when.method(Method::GET)
            .path("/api/v1/ai-agents")
            .header("x-api-key", key)
            .query_param("projectId", project);
        then.status(200)
            .header("content-type", "application/json")
            .body(json!({"data": [], "next_page": null, "prev_page": null}).to_string());
    })
}

#[test]
fn a_flag_beats_the_environment_which_beats_the_profile() {
    let dir = scratch("auth-profiles");
    let (work, home) = (MockServer::start(), MockServer::start());
    two_profiles(&dir, &work, &home);
    let home_key = "fk_home_0123456789abcdef";
    let home_project = "cm6k5x0qj0003l708home0000";

    // The profile by flag, by environment, the flag winning.
    let at_work = listing(&work, KEY, PROJECT);
    in_config(&dir, &["--profile", "work", "agent", "list"]).succeeds();
    at_work.assert_calls(1);
    let at_home = listing(&home, home_key, home_project);
    in_config(&dir, &["agent", "list"])
        .env("FLEEK_PROFILE", "home")
        .succeeds();
    at_home.assert_calls(1);
    in_config(&dir, &["agent", "list", "--profile", "work"])
        .env("FLEEK_PROFILE", "home")
        .succeeds();
    at_work.assert_calls(2);

    // The project: flag > FLEEK_PROJECT_ID > profile.
    let other = "cm6k5x0qj0003l708other000";
    let by_env = listing(&work, KEY, other);
    in_config(&dir, &["--profile", "work", "agent", "list"])
        .env("FLEEK_PROJECT_ID", other)
        .succeeds();
    by_env.assert_calls(1);
    let by_flag = listing(&work, KEY, "cm6k5x0qj0003l708flag0000");
    in_config(
        &dir,
        &[
            "--profile",
            "work",
            "agent",
            "list",
            "--project",
            "cm6k5x0qj0003l708flag0000",
        ],
    )
    .env("FLEEK_PROJECT_ID", other)
    .succeeds();
    by_flag.assert_calls(1);

    // The key and URL: the environment beats the profile.
    let env_key = "fk_env_0123456789abcdef0";
    let by_env_key = listing(&home, env_key, PROJECT);
    in_config(&dir, &["--profile", "work", "agent", "list"])
        .env("FLEEK_API_KEY", env_key)
        .env("FLEEK_API_URL", &home.base_url())
        .succeeds();
    by_env_key.assert_calls(1);
    at_work.assert_calls(2);
}

#[test]
fn a_profile_that_does_not_exist_is_a_usage_error_that_says_how_to_make_it() {
    let dir = scratch("auth-unknown");
    let server = MockServer::start();
    let check = fleek_for(&server, KEY);
    for run in [
        in_config(&dir, &["--profile", "nope", "agent", "list"])
            .env("FLEEK_API_KEY", KEY)
            .env("FLEEK_API_URL", &server.base_url())
            .run(),
        in_config(&dir, &["agent", "list"])
            .env("FLEEK_PROFILE", "nope")
            .env("FLEEK_API_KEY", KEY)
            .env("FLEEK_API_URL", &server.base_url())
            .run(),
    ] {
        run.assert_exit(Exit::Usage);
        assert!(
            run.stderr.contains("auth login --profile nope"),
            "{}",
            run.stderr
        );
    }
    let run = in_config(&dir, &["--profile", "not a name", "agent", "list"]).run();
    run.assert_exit(Exit::Usage);
    check.assert_calls(0);
}

#[test]
fn the_agent_token_reaches_the_public_operations_and_nothing_else() {
    let server = MockServer::start();
    let status = server.mock(|when, then| {
        when.method(Method::GET)
            .path(format!("/api/v1/ai-agents/{AGENT}/status"))
            .header("x-agent-token", TOKEN)
            .header_missing("x-api-key");
        then.status(200)
            .header("content-type", "application/json")
            .body(r#"{"status":"true"}"#);
    });
    let agent = server.mock(|when, then| {
        when.path(format!("/api/v1/ai-agents/{AGENT}"));
        then.status(200);
    });
    let from_env = |args: &[&str]| {
        fleek_agents(args)
            .without_key()
            .env("FLEEK_AGENT_TOKEN", TOKEN)
            .against(&server)
            .run()
    };
    let run = from_env(&["get-agent-status", "--agent-id", AGENT]);
    run.assert_exit(Exit::Success);
    no_secret(&run);
    status.assert_calls(1);

    // An operation that needs the key: exit 2, naming the key, nothing sent.
    let run = from_env(&["agent", "view", AGENT]);
    run.assert_exit(Exit::Usage);
    assert!(run.stderr.contains("needs the API key"), "{}", run.stderr);
    assert!(run.stderr.contains("auth login"), "{}", run.stderr);
    no_secret(&run);
    agent.assert_calls(0);

    // From a file.
    let dir = scratch("agent-token-file");
    let file = dir.join("token");
    std::fs::write(&file, format!("{TOKEN}\n")).expect("written");
    let run = fleek_agents(&[
        "--agent-token-file",
        &file.display().to_string(),
        "get-agent-status",
        "--agent-id",
        AGENT,
    ])
    .without_key()
    .against(&server)
    .run();
    run.assert_exit(Exit::Success);
    status.assert_calls(2);
}

#[test]
fn an_empty_or_unreadable_token_file_is_a_usage_error() {
    let dir = scratch("agent-token-bad");
    let empty: PathBuf = dir.join("empty");
    std::fs::write(&empty, "\n").expect("written");
    let missing = dir.join("missing");
    for (path, says) in [(&empty, "is empty"), (&missing, "cannot read")] {
        let run = fleek_agents(&[
            "--agent-token-file",
            &path.display().to_string(),
            "get-agent-status",
            "--agent-id",
            AGENT,
        ])
        .without_key()
        .run();
        run.assert_exit(Exit::Usage);
        assert!(run.stderr.contains(says), "{}", run.stderr);
    }
}

#[test]
fn the_default_project_fills_a_required_project_flag() {
    let server = MockServer::start();
    let create = server.mock(|when, then| {
        when.method(Method::POST)
            .path("/api/v2/ai-agents")
            .json_body_includes(json!({"projectId": PROJECT}).to_string());
        then.status(200)
            .header("content-type", "application/json")
            .body(super::agent("Draft").to_string());
    });
    fleek_agents(&["agent", "create", "--name", "Nova", "--config", "{}"])
        .env("FLEEK_PROJECT_ID", PROJECT)
        .against(&server)
        .succeeds();
    create.assert_calls(1);
    // Without one, the flag is required, as before.
    let run = fleek_agents(&["agent", "create", "--name", "Nova", "--config", "{}"])
        .against(&server)
        .run();
    run.assert_exit(Exit::Usage);
    assert!(run.stderr.contains("--project"), "{}", run.stderr);
    create.assert_calls(1);
}

#[test]
fn status_with_only_the_agent_token_says_whether_it_runs_and_wait_needs_the_key() {
    let server = MockServer::start();
    let status = server.mock(|when, then| {
        when.method(Method::GET)
            .path(format!("/api/v1/ai-agents/{AGENT}/status"))
            .header("x-agent-token", TOKEN);
        then.status(200)
            .header("content-type", "application/json")
            .body(r#"{"status":"true"}"#);
    });
    let with_token = |args: &[&str]| {
        fleek_agents(args)
            .without_key()
            .env("FLEEK_AGENT_TOKEN", TOKEN)
            .against(&server)
            .run()
    };
    let run = with_token(&["status", AGENT]);
    run.assert_exit(Exit::Success);
    assert!(run.stdout.contains("it runs"), "{}", run.stdout);
    let run = with_token(&["status", AGENT, "-o", "json"]);
    run.assert_exit(Exit::Success);
    assert_eq!(run.json()["running"], true);
    assert!(run.json()["status"].is_null());
    status.assert_calls(2);

    // --wait reads the agent too: refused before anything is sent.
    let run = with_token(&["status", AGENT, "--wait"]);
    run.assert_exit(Exit::Usage);
    assert!(run.stderr.contains("needs the API key"), "{}", run.stderr);
    status.assert_calls(2);
}

#[test]
fn on_a_terminal_login_asks_for_the_key_without_showing_it() {
    let dir = scratch("auth-prompt");
    let server = MockServer::start();
    let key = "fk_typed_S3CR3T_0123456789";
    let check = fleek_for(&server, key);
    let screen = super::on_a_terminal(
        &format!("auth login --api-url {}", server.base_url()),
        &[("FLEEK_CONFIG_DIR", &dir.display().to_string())],
        &format!("{key}\n"),
    );
    assert!(screen.contains("Paste your Fleek API key"), "{screen:?}");
    assert!(!screen.contains(key), "the key was echoed: {screen:?}");
    assert!(screen.contains("Logged in"), "{screen:?}");
    check.assert_calls(1);
}
