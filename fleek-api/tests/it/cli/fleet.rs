//! `fleek-agents fleet plan|apply|schema` through the binary, against the simulator: what
//! people and scripts see (symbols, the summary line, `-o json`, the exit codes), a
//! question before a running agent is restarted, a saved plan that no longer holds, a
//! manifest mistake with its line, the GitHub step summary, and no secret anywhere.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use super::{fleek_agents, scratch, FleekAgents, Run};
use crate::common::{nova, PROJECT};
use fleek_api::cli::Exit;
use fleek_api::sim::Simulator;

const SECRET: &str = "sk-cli-fleet-1x2y3z";

async fn simulator() -> Simulator {
    Simulator::builder()
        .boot_time(Duration::from_millis(30))
        .start()
        .await
        .expect("the simulator starts")
}

fn on(sim: &Simulator, dir: &Path, args: &[&str]) -> FleekAgents {
    fleek_agents(args)
        .env("FLEEK_API_URL", sim.base_url())
        .env("FLEEK_API_KEY", sim.api_key())
        .env("FLEET_TEST_KEY", SECRET)
        .current_dir(dir)
}

async fn run(command: FleekAgents) -> Run {
    let run = tokio::task::spawn_blocking(move || command.run())
        .await
        .expect("the run ends");
    assert!(
        !run.stdout.contains(SECRET) && !run.stderr.contains(SECRET),
        "a secret was printed:\n{}\n{}",
        run.stdout,
        run.stderr
    );
    run
}

/// A manifest of Nova (running, with a secret) and Orion (stopped) in `dir`.
fn write_fleet(dir: &Path, nova_bio: &str) {
    for (name, bio) in [("Nova", nova_bio), ("Orion", "Orion watches.")] {
        let mut character = nova();
        character["name"] = Value::from(name);
        character["bio"] = serde_json::json!([bio]);
        std::fs::write(
            dir.join(format!("{}.character.json", name.to_lowercase())),
            character.to_string(),
        )
        .expect("written");
    }
    std::fs::write(
        dir.join("fleek-agents.toml"),
        format!(
            "project = \"{PROJECT}\"\n\n[agents.Nova]\ncharacter = \"nova.character.json\"\n\
             secrets = {{ OPENAI_API_KEY = {{ env = \"FLEET_TEST_KEY\" }} }}\n\n\
             [agents.Orion]\ncharacter = \"orion.character.json\"\nstate = \"stopped\"\n"
        ),
    )
    .expect("written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_apply_and_plan_again_as_people_and_scripts_see_them() {
    let sim = simulator().await;
    let dir = scratch("cli-fleet");
    write_fleet(&dir, "Nova answers questions.");

    let plan = run(on(&sim, &dir, &["fleet", "plan", "--detailed-exitcode"])).await;
    plan.assert_exit(Exit::Changes);
    assert!(
        plan.stdout
            .contains("+ Nova   create, publish and wait until it runs"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("+ Orion  create (as a draft: it should not run)"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains(
            "Plan: 2 to create, 0 to update, 0 to start, 0 to stop, 0 to delete; 0 unchanged."
        ),
        "{}",
        plan.stdout
    );

    let json = run(on(&sim, &dir, &["fleet", "plan", "-o", "json"])).await;
    json.assert_exit(Exit::Success);
    let document = json.json();
    assert_eq!(document["format_version"], 1);
    assert_eq!(document["actions"][0]["action"], "create");

    let summary = dir.join("summary.md");
    let applied = run(on(&sim, &dir, &["--debug", "fleet", "apply"])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary.display().to_string()))
    .await;
    applied.assert_exit(Exit::Success);
    assert!(
        applied.stdout.contains("Apply: 2 done, 0 failed."),
        "{}",
        applied.stdout
    );
    let table = std::fs::read_to_string(&summary).expect("a step summary");
    assert!(
        table.contains("| Nova | create |") && table.contains("| done |"),
        "{table}"
    );

    let again = run(on(&sim, &dir, &["fleet", "plan", "--detailed-exitcode"])).await;
    again.assert_exit(Exit::Success);
    assert!(again.stdout.contains("No changes"), "{}", again.stdout);

    // A change to a running agent restarts it: asked first, refused without a terminal.
    write_fleet(&dir, "Nova knows more now.");
    let changed = run(on(&sim, &dir, &["fleet", "plan"])).await;
    assert!(
        changed
            .stdout
            .contains("~ Nova  update and publish again, which restarts it (it is Running)"),
        "{}",
        changed.stdout
    );
    assert!(
        changed
            .stdout
            .contains("$.bio[0]: \"Nova answers questions.\" → \"Nova knows more now.\""),
        "{}",
        changed.stdout
    );
    let refused = run(on(&sim, &dir, &["fleet", "apply"])).await;
    refused.assert_exit(Exit::Usage);
    assert!(
        refused
            .stderr
            .contains("this would restart Nova, and there is no terminal")
            && refused.stderr.contains("--yes"),
        "{}",
        refused.stderr
    );

    // A saved plan is refused once the secrets it was made with changed.
    let saved = dir.join("plan.json");
    run(on(
        &sim,
        &dir,
        &["fleet", "plan", "--save", &saved.display().to_string()],
    ))
    .await
    .assert_exit(Exit::Success);
    let text = std::fs::read_to_string(&saved).expect("saved");
    assert!(!text.contains(SECRET), "{text}");
    let stale = run(on(
        &sim,
        &dir,
        &[
            "fleet",
            "apply",
            "--yes",
            "--plan",
            &saved.display().to_string(),
        ],
    )
    .env("FLEET_TEST_KEY", "sk-cli-fleet-rotated"))
    .await;
    stale.assert_exit(Exit::Failure);
    assert!(
        stale
            .stderr
            .contains("Nova: the secrets OPENAI_API_KEY read now differ"),
        "{}",
        stale.stderr
    );
    let applied = run(on(
        &sim,
        &dir,
        &[
            "fleet",
            "apply",
            "--yes",
            "--plan",
            &saved.display().to_string(),
        ],
    ))
    .await;
    applied.assert_exit(Exit::Success);
    assert!(
        applied.stdout.contains("✓ update Nova"),
        "{}",
        applied.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manifest_mistake_names_its_line_and_a_missing_secret_names_the_agent() {
    let sim = simulator().await;
    let dir = scratch("cli-fleet-bad");
    write_fleet(&dir, "Nova answers questions.");
    let manifest = dir.join("fleek-agents.toml");
    let text = std::fs::read_to_string(&manifest).expect("read");
    std::fs::write(
        &manifest,
        text.replace("state = \"stopped\"", "status = \"stopped\""),
    )
    .expect("written");
    let bad = run(on(&sim, &dir, &["fleet", "plan"])).await;
    bad.assert_exit(Exit::Usage);
    assert!(
        bad.stderr
            .contains("fleek-agents.toml:9: unknown field `status`"),
        "{}",
        bad.stderr
    );

    write_fleet(&dir, "Nova answers questions.");
    let missing = run(on(&sim, &dir, &["fleet", "plan"]).env_remove("FLEET_TEST_KEY")).await;
    missing.assert_exit(Exit::Invalid);
    assert!(
        missing.stderr.contains(
            "Nova: secret OPENAI_API_KEY: the environment variable FLEET_TEST_KEY is not set"
        ),
        "{}",
        missing.stderr
    );
    assert!(
        sim.requests().is_empty(),
        "nothing was sent: {:?}",
        sim.requests()
    );

    let elsewhere = scratch("cli-fleet-none");
    let none = run(on(&sim, &elsewhere, &["fleet", "plan"])).await;
    none.assert_exit(Exit::Usage);
    assert!(
        none.stderr.contains("there is no manifest here"),
        "{}",
        none.stderr
    );
}

#[test]
fn the_published_schema_is_the_one_the_binary_prints() {
    let printed = fleek_agents(&["fleet", "schema"]).succeeds().stdout;
    let published = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../fleek-agents.schema.json"),
    )
    .expect("fleek-agents.schema.json at the repository's root");
    assert!(
        printed.trim() == published.trim(),
        "fleek-agents.schema.json is stale: regenerate it: cargo run -p fleek-api --features cli -- fleet schema > fleek-agents.schema.json"
    );
}

/// Copies `examples/fleet` (what the README points to) into `dir`.
fn copy_example(dir: &Path) {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/fleet");
    std::fs::create_dir_all(dir.join("characters")).expect("a directory");
    for file in [
        "fleek-agents.toml",
        "characters/nova.character.json",
        "characters/orion.character.json",
    ] {
        std::fs::copy(example.join(file), dir.join(file)).expect("copied");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_fleet_validates_plans_and_applies_as_its_workflow_runs_it() {
    let sim = simulator().await;
    let dir = scratch("cli-fleet-example");
    copy_example(&dir);
    // The workflow's steps, in order, with CI's secrets in the environment.
    run(on(
        &sim,
        &dir,
        &[
            "validate",
            "--strict",
            "characters/nova.character.json",
            "characters/orion.character.json",
        ],
    ))
    .await
    .assert_exit(Exit::Success);
    let plan = run(on(&sim, &dir, &["fleet", "plan"]).env("OPENAI_API_KEY", SECRET)).await;
    plan.assert_exit(Exit::Success);
    assert!(plan.stdout.contains("Plan: 2 to create"), "{}", plan.stdout);
    run(on(&sim, &dir, &["fleet", "apply", "--yes"]).env("OPENAI_API_KEY", SECRET))
        .await
        .assert_exit(Exit::Success);
    let again = run(
        on(&sim, &dir, &["fleet", "plan", "--detailed-exitcode"]).env("OPENAI_API_KEY", SECRET)
    )
    .await;
    again.assert_exit(Exit::Success);
    // Without the secret (a pull request from a fork), the plan says which is missing.
    let without = run(on(&sim, &dir, &["fleet", "plan"]).env_remove("OPENAI_API_KEY")).await;
    without.assert_exit(Exit::Invalid);
    assert!(
        without.stderr.contains("OPENAI_API_KEY is not set"),
        "{}",
        without.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_starts_nothing_new_and_names_what_was_under_way() {
    // Slow boots, one agent at a time: the interrupt lands while the first one is waited for.
    let sim = Simulator::builder()
        .boot_time(Duration::from_secs(30))
        .start()
        .await
        .expect("the simulator starts");
    let dir = scratch("cli-fleet-interrupt");
    write_fleet(&dir, "Nova answers questions.");
    let manifest = dir.join("fleek-agents.toml");
    let text = std::fs::read_to_string(&manifest).expect("read");
    std::fs::write(&manifest, text.replace("state = \"stopped\"\n", "")).expect("written");
    let mut command = on(
        &sim,
        &dir,
        &["fleet", "apply", "--yes", "--parallelism", "1"],
    )
    .command();
    let run = tokio::task::spawn_blocking(move || {
        let child = command
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("starts");
        std::thread::sleep(Duration::from_millis(1500));
        let interrupted = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(interrupted.success());
        Run::of(child.wait_with_output().expect("ends"))
    })
    .await
    .expect("the run ends");
    run.assert_exit(Exit::Interrupted);
    assert!(
        run.stderr.contains("no further agent was started")
            && run
                .stderr
                .contains("Under way when stopped (perhaps half-done): Nova"),
        "{}",
        run.stderr
    );
    let created = sim
        .requests()
        .iter()
        .filter(|op| **op == "create_agent")
        .count();
    assert_eq!(created, 1, "Orion was never started: {:?}", sim.requests());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_writes_a_manifest_without_secrets_that_plans_nothing() {
    let sim = simulator().await;
    // A project made by hand: Nova running with a secret, Orion a draft.
    let made = scratch("cli-fleet-import-made");
    write_fleet(&made, "Nova answers questions.");
    run(on(&sim, &made, &["fleet", "apply", "--yes"]))
        .await
        .assert_exit(Exit::Success);

    let dir = scratch("cli-fleet-import");
    let imported = run(on(&sim, &dir, &["fleet", "import", "--project", PROJECT])).await;
    imported.assert_exit(Exit::Success);
    assert!(
        imported.stdout.contains("wrote ./fleek-agents.toml"),
        "{}",
        imported.stdout
    );
    assert!(
        imported.stderr.contains("NOVA_OPENAI_API_KEY (Nova)"),
        "{}",
        imported.stderr
    );
    for file in [
        "fleek-agents.toml",
        "characters/nova.character.json",
        "characters/orion.character.json",
    ] {
        let text = std::fs::read_to_string(dir.join(file)).expect(file);
        assert!(!text.contains(SECRET), "{file} holds the secret:\n{text}");
    }
    let manifest = std::fs::read_to_string(dir.join("fleek-agents.toml")).expect("the manifest");
    assert!(
        manifest.contains("\"OPENAI_API_KEY\" = { env = \"NOVA_OPENAI_API_KEY\" }"),
        "{manifest}"
    );
    assert!(manifest.contains("state = \"stopped\""), "{manifest}");

    // With the secret in the environment, the imported manifest is the project as it is.
    let plan = run(on(&sim, &dir, &["fleet", "plan", "--detailed-exitcode"])
        .env("NOVA_OPENAI_API_KEY", SECRET))
    .await;
    plan.assert_exit(Exit::Success);
    assert!(plan.stdout.contains("2 unchanged"), "{}", plan.stdout);

    // The imported agents are adopted: dropped from the manifest, --prune may delete them.
    let lock = std::fs::read_to_string(dir.join("fleek-agents.lock")).expect("a lock");
    assert_eq!(lock.matches("origin = \"imported\"").count(), 2, "{lock}");
    let manifest = manifest
        .split("\n[agents.\"Orion\"]")
        .next()
        .expect("Nova's part");
    std::fs::write(dir.join("fleek-agents.toml"), manifest).expect("written");
    let pruning =
        run(on(&sim, &dir, &["fleet", "plan", "--prune"]).env("NOVA_OPENAI_API_KEY", SECRET)).await;
    pruning.assert_exit(Exit::Success);
    assert!(
        pruning.stdout.contains(
            "- Orion  delete: no longer in the manifest (adopted by fleet import; it is Draft)"
        ),
        "{}",
        pruning.stdout
    );

    // A second import overwrites nothing unless told to.
    let again = run(on(&sim, &dir, &["fleet", "import", "--project", PROJECT])).await;
    again.assert_exit(Exit::Usage);
    assert!(
        again.stderr.contains("nothing was written") && again.stderr.contains("--force"),
        "{}",
        again.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_records_what_it_creates_and_prune_deletes_only_that_after_asking() {
    let sim = simulator().await;
    let dir = scratch("cli-fleet-prune");
    write_fleet(&dir, "Nova answers questions.");
    let applied = run(on(&sim, &dir, &["fleet", "apply", "--yes"])).await;
    applied.assert_exit(Exit::Success);
    assert!(
        applied.stderr.contains("fleek-agents.lock: commit it"),
        "{}",
        applied.stderr
    );
    let lock = std::fs::read_to_string(dir.join("fleek-agents.lock")).expect("a lock");
    assert_eq!(lock.matches("origin = \"created\"").count(), 2, "{lock}");
    // Made by hand, and named as the manifest never named an agent: never pruned.
    let hand = run(on(
        &sim,
        &dir,
        &[
            "deploy",
            "orion.character.json",
            "--project",
            PROJECT,
            "--name",
            "Vega",
        ],
    ))
    .await;
    hand.assert_exit(Exit::Success);

    // Orion leaves the manifest: kept, and said so, until --prune.
    let manifest = std::fs::read_to_string(dir.join("fleek-agents.toml")).expect("the manifest");
    let manifest = manifest
        .split("\n[agents.Orion]")
        .next()
        .expect("Nova's part");
    std::fs::write(dir.join("fleek-agents.toml"), manifest).expect("written");
    let kept = run(on(&sim, &dir, &["fleet", "plan", "--detailed-exitcode"])).await;
    kept.assert_exit(Exit::Success);
    assert!(
        kept.stdout
            .contains("No longer in the manifest, kept (--prune deletes them): Orion (")
            && kept
                .stdout
                .contains("Not in the manifest, left alone: Vega ("),
        "{}",
        kept.stdout
    );
    let pruning = run(on(
        &sim,
        &dir,
        &[
            "fleet",
            "plan",
            "--prune",
            "--detailed-exitcode",
            "-o",
            "json",
        ],
    ))
    .await;
    pruning.assert_exit(Exit::Changes);
    let document = pruning.json();
    assert_eq!(document["pruned"], true);
    assert_eq!(
        document["actions"].as_array().map(Vec::len),
        Some(1),
        "{document}"
    );
    assert_eq!(document["actions"][0]["action"], "delete");
    assert_eq!(document["actions"][0]["agent"], "Orion");

    let refused = run(on(&sim, &dir, &["fleet", "apply", "--prune"])).await;
    refused.assert_exit(Exit::Usage);
    assert!(
        refused.stderr.contains("this would delete Orion"),
        "{}",
        refused.stderr
    );
    let saved = dir.join("plan.json");
    run(on(
        &sim,
        &dir,
        &["fleet", "plan", "--save", &saved.display().to_string()],
    ))
    .await
    .assert_exit(Exit::Success);
    let mixed = run(on(
        &sim,
        &dir,
        &[
            "fleet",
            "apply",
            "--plan",
            &saved.display().to_string(),
            "--prune",
            "--yes",
        ],
    ))
    .await;
    mixed.assert_exit(Exit::Usage);
    assert!(
        mixed.stderr.contains("was saved without it"),
        "{}",
        mixed.stderr
    );

    let pruned = run(on(&sim, &dir, &["fleet", "apply", "--prune", "--yes"])).await;
    pruned.assert_exit(Exit::Success);
    assert!(pruned.stdout.contains("delete Orion"), "{}", pruned.stdout);
    let lock = std::fs::read_to_string(dir.join("fleek-agents.lock")).expect("a lock");
    assert!(
        lock.contains("\"Nova\"") && !lock.contains("\"Orion\""),
        "{lock}"
    );
    let after = run(on(
        &sim,
        &dir,
        &["fleet", "plan", "--prune", "--detailed-exitcode"],
    ))
    .await;
    after.assert_exit(Exit::Success);
    assert!(
        after.stdout.contains("left alone: Vega ("),
        "{}",
        after.stdout
    );
}
