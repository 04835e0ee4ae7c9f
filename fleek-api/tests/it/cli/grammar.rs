//! The noun-verb tree through the binary, against the simulator: agents named by id or by
//! name (unknown and ambiguous names listed, never guessed), the earlier spellings with
//! their note, `subscription list` for a project with none, `version`, and the completion
//! of agent names (from the API, from the cache, and never hanging on a slow API).

use std::io::Read;
use std::net::TcpListener;
use std::time::Duration;

use serde_json::Value;

use super::{fleek_agents, scratch, FleekAgents, Run};
use crate::common::{nova, PROJECT};
use fleek_api::cli::Exit;
use fleek_api::sim::Simulator;
use fleek_api::Call as _;

/// A simulator with agents of these names in `PROJECT`; their ids, in order.
async fn with_agents(names: &[&str]) -> (Simulator, Vec<String>) {
    let sim = Simulator::start().await.expect("the simulator starts");
    let client = sim.client().expect("a client");
    let mut ids = Vec::new();
    for name in names {
        let mut character = nova();
        character["name"] = Value::from(*name);
        let agent = client
            .create_agent()
            .body_map(|b| {
                b.project_id(PROJECT)
                    .name(name.to_string())
                    .config(character.to_string())
            })
            .call()
            .await
            .expect("created");
        ids.push(agent.id);
    }
    (sim, ids)
}

/// `fleek-agents` against `sim`, with `PROJECT` as the default project.
fn on(sim: &Simulator, args: &[&str]) -> FleekAgents {
    fleek_agents(args)
        .env("FLEEK_API_URL", sim.base_url())
        .env("FLEEK_API_KEY", sim.api_key())
        .env("FLEEK_PROJECT_ID", PROJECT)
}

/// Runs the binary off the runtime's threads, so that the simulator keeps answering.
async fn run(command: FleekAgents) -> Run {
    tokio::task::spawn_blocking(move || command.run())
        .await
        .expect("the run ends")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_is_named_by_its_id_or_by_its_exact_name() {
    let (sim, ids) = with_agents(&["Nova", "Orion", "Orion"]).await;

    let by_name = run(on(&sim, &["agent", "view", "Nova", "-o", "json"])).await;
    assert_eq!(by_name.code, 0, "{}", by_name.stderr);
    assert_eq!(by_name.json()["id"], ids[0].as_str());
    let by_id = run(on(&sim, &["agent", "view", &ids[0], "-o", "json"])).await;
    assert_eq!(by_id.json()["id"], ids[0].as_str());
    // The hand-written commands, at the top and under `agent`, take names too.
    for args in [
        &["status", "Nova"][..],
        &["agent", "status", "Nova"],
        &["logs", "Nova"],
    ] {
        let done = run(on(&sim, args)).await;
        assert_eq!(done.code, 0, "{args:?}: {}", done.stderr);
    }

    // Names are exact: no guess, and the error lists what there is.
    let unknown = run(on(&sim, &["agent", "view", "nova"])).await;
    unknown.assert_exit(Exit::Usage);
    assert!(
        unknown.stderr.contains("no agent is named \"nova\""),
        "{}",
        unknown.stderr
    );
    assert!(unknown.stderr.contains("Nova, Orion"), "{}", unknown.stderr);

    // Two agents of one name: both listed, with their ids, and nothing is done.
    let ambiguous = run(on(&sim, &["agent", "delete", "Orion", "--yes"])).await;
    ambiguous.assert_exit(Exit::Usage);
    for id in &ids[1..] {
        assert!(
            ambiguous.stderr.contains(id.as_str()),
            "{}",
            ambiguous.stderr
        );
    }
    let left = run(on(&sim, &["agent", "list", "-o", "json"])).await;
    assert_eq!(left.json()["data"].as_array().map(Vec::len), Some(3));

    // By id, the same delete goes through.
    let deleted = run(on(&sim, &["agent", "delete", &ids[2], "--yes"])).await;
    assert_eq!(deleted.code, 0, "{}", deleted.stderr);
    let left = run(on(&sim, &["agent", "list", "-o", "json"])).await;
    assert_eq!(left.json()["data"].as_array().map(Vec::len), Some(2));
    // Now the name is one agent's.
    let one = run(on(&sim, &["agent", "view", "Orion", "-o", "json"])).await;
    assert_eq!(one.json()["id"], ids[1].as_str());
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_earlier_spellings_work_and_say_what_replaces_them() {
    let (sim, ids) = with_agents(&["Nova"]).await;
    // Running, so that its own API answers through the proxy.
    let client = sim.client().expect("a client");
    client
        .publish_agent()
        .agent_id(ids[0].as_str())
        .call()
        .await
        .expect("published");
    sim.advance(Duration::from_secs(60));
    for (args, new) in [
        (
            vec!["get-agent", "--agent-id", &ids[0], "-o", "json"],
            "agent view <AGENT>",
        ),
        (vec!["list-agents", "-o", "json"], "agent list"),
        (
            vec!["agent", "list", "--project-id", PROJECT, "-o", "json"],
            "--project <PROJECT>",
        ),
        (
            vec!["api", &ids[0], "GET", "agents", "-o", "json"],
            "agent api",
        ),
    ] {
        let done = run(on(&sim, &args)).await;
        assert_eq!(done.code, 0, "{args:?}: {}", done.stderr);
        assert!(
            done.stderr.contains("is deprecated and goes in 0.4.0") && done.stderr.contains(new),
            "{args:?}: {}",
            done.stderr
        );
        assert!(done.stdout.starts_with('{'), "{args:?}: {}", done.stdout);
    }
    // The new spelling says nothing on stderr.
    let quiet = run(on(&sim, &["agent", "list", "--project", PROJECT])).await;
    assert_eq!(quiet.code, 0, "{}", quiet.stderr);
    assert_eq!(quiet.stderr, "");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_project_without_subscriptions_has_none_and_that_is_no_error() {
    let (sim, _) = with_agents(&[]).await;
    let people = run(on(&sim, &["subscription", "list"])).await;
    assert_eq!(people.code, 0, "{}", people.stderr);
    assert_eq!(
        people.stdout.trim(),
        format!("No subscriptions in project {PROJECT}.")
    );
    let scripts = run(on(&sim, &["subscription", "list", "-o", "json"])).await;
    assert_eq!(scripts.code, 0, "{}", scripts.stderr);
    assert_eq!(scripts.json(), serde_json::json!([]));
    sim.shutdown().await;
}

#[test]
fn version_prints_the_version_the_commit_and_the_spec_version() {
    let version = env!("CARGO_PKG_VERSION");
    let spec = crate::common::spec()["info"]["version"]
        .as_str()
        .expect("the spec's version")
        .to_string();
    let run = fleek_agents(&["version"]).run();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        format!("fleek-agents {version}"),
        "{}",
        run.stdout
    );
    // A test build is no release build: it says so rather than guess a commit.
    assert_eq!(lines[1], "commit: unknown (not a release build)");
    assert_eq!(lines[2], format!("spec: {spec}"));
    let long = fleek_agents(&["--version"]).run();
    assert_eq!(long.stdout, run.stdout, "--version says the same");
    let run = fleek_agents(&["version", "-o", "json"]).run();
    assert_eq!(
        run.json(),
        serde_json::json!({"version": version, "commit": null, "spec": spec})
    );
}

/// What the shell gets for `fleek-agents <words>` and a TAB (fish's protocol: one
/// candidate a line, its description after a tab).
fn complete(command: FleekAgents, words: &[&str], cache: &std::path::Path) -> Vec<String> {
    let mut args = vec!["--", "fleek-agents"];
    args.extend(words);
    let run = command
        .env("COMPLETE", "fish")
        .env("FLEEK_CACHE_DIR", &cache.display().to_string())
        .with_args(&args)
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "", "completion never writes to stderr");
    run.stdout.lines().map(str::to_string).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tab_completes_agent_names_and_ids_from_the_api_then_from_a_short_cache() {
    let (sim, ids) = with_agents(&["Nova", "Orion"]).await;
    let cache = scratch("complete-cache");
    let got = {
        let command = on(&sim, &[]);
        let cache = cache.clone();
        tokio::task::spawn_blocking(move || complete(command, &["agent", "view", ""], &cache))
            .await
            .expect("ends")
    };
    assert!(got.contains(&format!("Nova\t{} Draft", ids[0])), "{got:?}");
    assert!(got.iter().any(|c| c.starts_with("Orion\t")), "{got:?}");
    let got = {
        let command = on(&sim, &[]);
        let cache = cache.clone();
        tokio::task::spawn_blocking(move || complete(command, &["logs", "Or"], &cache))
            .await
            .expect("ends")
    };
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("Orion\t"), "{got:?}");

    // The simulator is gone: the names come from the cache, which holds no key.
    let (url, key) = (sim.base_url().to_string(), sim.api_key().to_string());
    let command = on(&sim, &[]);
    sim.shutdown().await;
    let got = complete(command, &["agent", "stop", "No"], &cache);
    assert_eq!(got, vec![format!("Nova\t{} Draft", ids[0])]);
    let cached = std::fs::read_dir(&cache)
        .expect("a cache")
        .map(|entry| std::fs::read_to_string(entry.expect("an entry").path()).expect("text"))
        .collect::<String>();
    assert!(!cached.contains(&key), "{cached}");
    assert!(!cached.contains(&url), "{cached}");
}

#[test]
fn tab_never_hangs_on_a_slow_api_nor_asks_without_a_key() {
    // A server that accepts and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(4).flatten() {
            let mut stream = stream;
            let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
            let mut buffer = [0; 1024];
            let _ = stream.read(&mut buffer);
            held.push(stream);
        }
    });
    let cache = scratch("complete-slow");
    let slow = fleek_agents(&[])
        .env("FLEEK_API_URL", &url)
        .env("FLEEK_COMPLETE_TIMEOUT_MS", "300");
    let started = std::time::Instant::now();
    let got = complete(slow, &["agent", "view", ""], &cache);
    // A guard against a hang, not a measure of speed: the wait is 0.3 s.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert!(
        got.iter().all(|c| c.starts_with('-')),
        "only flags: {got:?}"
    );

    // No key anywhere: no names, no prompt (stdin is closed), nothing on stderr.
    let got = complete(
        fleek_agents(&[]).without_key(),
        &["agent", "view", ""],
        &cache,
    );
    assert!(
        got.iter().all(|c| c.starts_with('-')),
        "only flags: {got:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_resumes_an_agent_named_by_its_name() {
    let sim = Simulator::builder()
        .boot_time(Duration::from_millis(200))
        .start()
        .await
        .expect("the simulator starts");
    let client = sim.client().expect("a client");
    let draft = client
        .create_agent()
        .body_map(|b| {
            b.project_id(PROJECT)
                .name("Nova".to_string())
                .config(nova().to_string())
        })
        .call()
        .await
        .expect("created");
    let dir = scratch("deploy-by-name");
    let file = super::write_json(&dir, "nova.character.json", &nova());
    let done = run(on(
        &sim,
        &["deploy", &file, "--project", PROJECT, "--agent", "Nova"],
    ))
    .await;
    assert_eq!(done.code, 0, "{}", done.stderr);
    let agents: Vec<_> = client
        .list_agents()
        .project_id(PROJECT)
        .call()
        .await
        .expect("listed")
        .data;
    assert_eq!(agents.len(), 1, "no second agent");
    assert_eq!(agents[0].id, draft.id);
    assert_eq!(agents[0].status.to_string(), "Running");
    sim.shutdown().await;
}
