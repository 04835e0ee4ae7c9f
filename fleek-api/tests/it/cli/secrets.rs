//! Secrets kept out of character files: `deploy --secret NAME=env:VAR|file:PATH` and
//! `--env-file` (Eliza's `CHARACTER.<NAME>.<KEY>` entries included) put them into the
//! request's character only, against the simulator; no output shows a value, `--debug`
//! included; a source that cannot be read sends nothing. `validate` flags a value that looks
//! live (a warning; an error with `--strict`; a GitHub annotation under Actions).

use std::time::Duration;

use serde_json::{json, Value};

use super::{fleek_agents, scratch, write_json, FleekAgents, Run};
use crate::common::{nova, PROJECT};
use fleek_api::cli::Exit;
use fleek_api::sim::Simulator;
use fleek_api::Call as _;

const FROM_ENV: &str = "sk-from-env-0a1b2c3d4e";
const FROM_FILE: &str = "file-secret-5f6g7h8i";
const FROM_DOTENV: &str = "dotenv-pass-9j0k1l2m";

fn on(sim: &Simulator, args: &[&str]) -> FleekAgents {
    fleek_agents(args)
        .env("FLEEK_API_URL", sim.base_url())
        .env("FLEEK_API_KEY", sim.api_key())
}

async fn run(command: FleekAgents) -> Run {
    tokio::task::spawn_blocking(move || command.run())
        .await
        .expect("the run ends")
}

fn assert_no_secret(run: &Run) {
    for value in [FROM_ENV, FROM_FILE, FROM_DOTENV] {
        assert!(
            !run.stdout.contains(value) && !run.stderr.contains(value),
            "{value} was printed:\n{}\n{}",
            run.stdout,
            run.stderr
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_merges_secrets_from_the_environment_a_file_and_a_dotenv_file_and_shows_none() {
    let sim = Simulator::builder()
        .boot_time(Duration::from_millis(100))
        .start()
        .await
        .expect("the simulator starts");
    let dir = scratch("deploy-secrets");
    let character = write_json(&dir, "nova.character.json", &nova());
    let on_disk = std::fs::read_to_string(&character).expect("the file");
    std::fs::write(dir.join("twitter.txt"), format!("{FROM_FILE}\n")).expect("written");
    std::fs::write(
        dir.join(".env"),
        format!("# Eliza's convention\nCHARACTER.NOVA.TWITTER_PASSWORD='{FROM_DOTENV}'\n"),
    )
    .expect("written");
    let twitter = dir.join("twitter.txt").display().to_string();
    let env_file = dir.join(".env").display().to_string();
    let secret_file = format!("TWITTER_EMAIL=file:{twitter}");

    // Created, then deployed again to the same agent: the same secrets, so nothing to do.
    for (format, agent) in [("human", None), ("json", Some("Nova"))] {
        let mut args = vec![
            "--debug",
            "deploy",
            &character,
            "--project",
            PROJECT,
            "--secret",
            "OPENAI_API_KEY=env:NOVA_TEST_OPENAI_KEY",
            "--secret",
            &secret_file,
            "--env-file",
            &env_file,
            "--timeout",
            "30s",
            "-o",
            format,
            "--yes",
        ];
        if let Some(agent) = agent {
            args.extend(["--agent", agent]);
        }
        let deployed = run(on(&sim, &args).env("NOVA_TEST_OPENAI_KEY", FROM_ENV)).await;
        deployed.assert_exit(Exit::Success);
        assert_no_secret(&deployed);
        assert!(
            deployed
                .stderr
                .contains("secrets given: OPENAI_API_KEY, TWITTER_EMAIL, TWITTER_PASSWORD"),
            "{}",
            deployed.stderr
        );
    }
    // The file on disk is as it was; Fleek's copy has the three secrets.
    assert_eq!(
        std::fs::read_to_string(&character).expect("the file"),
        on_disk
    );
    let client = sim.client().expect("a client");
    let agents = client
        .list_agents()
        .project_id(PROJECT)
        .call()
        .await
        .expect("listed");
    assert_eq!(agents.data.len(), 1);
    let agent = client
        .get_agent()
        .agent_id(agents.data[0].id.as_str())
        .call()
        .await
        .expect("read");
    let file: Value =
        serde_json::from_str(agent.character_file.as_deref().expect("a character")).expect("JSON");
    assert_eq!(
        file["settings"]["secrets"],
        json!({"OPENAI_API_KEY": FROM_ENV, "TWITTER_EMAIL": FROM_FILE, "TWITTER_PASSWORD": FROM_DOTENV})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_that_cannot_be_read_sends_nothing_and_says_which() {
    let sim = Simulator::start().await.expect("the simulator starts");
    let dir = scratch("deploy-secret-missing");
    let character = write_json(&dir, "nova.character.json", &nova());
    let refused = run(on(
        &sim,
        &[
            "deploy",
            &character,
            "--project",
            PROJECT,
            "--secret",
            "OPENAI_API_KEY=env:NOVA_TEST_SURELY_UNSET",
        ],
    ))
    .await;
    refused.assert_exit(Exit::Usage);
    assert!(
        refused.stderr.contains(
            "secret OPENAI_API_KEY: the environment variable NOVA_TEST_SURELY_UNSET is not set"
        ) && refused.stderr.contains("nothing was sent"),
        "{}",
        refused.stderr
    );
    let value = run(on(
        &sim,
        &[
            "deploy",
            &character,
            "--project",
            PROJECT,
            "--secret",
            &format!("OPENAI_API_KEY={FROM_ENV}"),
        ],
    ))
    .await;
    value.assert_exit(Exit::Usage);
    assert_no_secret(&value);
    assert!(
        value.stderr.contains("give env:VAR or file:PATH"),
        "{}",
        value.stderr
    );
    assert!(
        sim.requests().is_empty(),
        "nothing was sent: {:?}",
        sim.requests()
    );
}

#[test]
fn validate_flags_a_live_looking_secret_as_a_warning_or_with_strict_an_error() {
    let dir = scratch("validate-live-secret");
    let mut leaky = nova();
    leaky["settings"] = json!({"secrets": {"OPENAI_API_KEY": FROM_ENV, "DISCORD_TOKEN": "<your token>", "EMPTY": ""}});
    let leaky = write_json(&dir, "leaky.character.json", &leaky);

    let warned = fleek_agents(&["validate", &leaky])
        .env("GITHUB_ACTIONS", "true")
        .succeeds();
    assert_no_secret(&warned);
    assert!(
        warned
            .stdout
            .contains("$.settings.secrets.OPENAI_API_KEY holds what looks like a live secret"),
        "{}",
        warned.stdout
    );
    assert!(
        !warned.stdout.contains("DISCORD_TOKEN") && !warned.stdout.contains("EMPTY"),
        "{}",
        warned.stdout
    );
    assert!(
        warned.stderr.contains(&format!(
            "::warning file={leaky},title=live secret::$.settings.secrets.OPENAI_API_KEY"
        )),
        "{}",
        warned.stderr
    );

    let strict = fleek_agents(&["validate", "--strict", &leaky])
        .env("GITHUB_ACTIONS", "true")
        .run();
    strict.assert_exit(Exit::Invalid);
    assert_no_secret(&strict);
    assert!(strict.stderr.contains("::error file="), "{}", strict.stderr);
    assert!(
        strict
            .stderr
            .contains("hold what looks like a live secret (--strict)"),
        "{}",
        strict.stderr
    );

    let json = fleek_agents(&["validate", &leaky, "-o", "json"]).succeeds();
    assert_eq!(
        json.json()[0]["liveSecrets"],
        json!(["$.settings.secrets.OPENAI_API_KEY"])
    );

    let clean = write_json(&dir, "clean.character.json", &nova());
    fleek_agents(&["validate", "--strict", &clean]).succeeds();
}

/// The agent's character as Fleek holds it.
async fn character_on_fleek(sim: &Simulator, id: &str) -> Value {
    let agent = sim
        .client()
        .expect("a client")
        .get_agent()
        .agent_id(id)
        .call()
        .await
        .expect("read");
    serde_json::from_str(agent.character_file.as_deref().unwrap_or("null")).expect("JSON")
}

fn digest_of(list: &Run, name: &str) -> String {
    list.stdout
        .lines()
        .find_map(|line| line.strip_prefix(name))
        .map(|rest| rest.trim().to_string())
        .unwrap_or_else(|| panic!("{name} not listed:\n{}", list.stdout))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secret_list_set_and_unset_show_digests_only_and_publish_a_running_agent_again() {
    let sim = Simulator::builder()
        .boot_time(Duration::from_millis(50))
        .start()
        .await
        .expect("the simulator starts");
    let dir = scratch("agent-secrets");
    let character = write_json(&dir, "nova.character.json", &nova());
    std::fs::write(dir.join("twitter.txt"), format!("{FROM_FILE}\n")).expect("written");
    let twitter = format!(
        "TWITTER_PASSWORD=file:{}",
        dir.join("twitter.txt").display()
    );
    let deployed = run(on(
        &sim,
        &[
            "deploy",
            &character,
            "--project",
            PROJECT,
            "--secret",
            "OPENAI_API_KEY=env:SECRET_TEST_KEY",
        ],
    )
    .env("SECRET_TEST_KEY", FROM_ENV))
    .await;
    deployed.assert_exit(Exit::Success);
    let id = deployed.stdout.trim().to_string();
    let with_project = |args: &[&str]| on(&sim, args).env("FLEEK_PROJECT_ID", PROJECT);

    let listed = run(with_project(&["secret", "list", "Nova"])).await;
    listed.assert_exit(Exit::Success);
    assert_no_secret(&listed);
    assert!(listed.stdout.starts_with("NAME"), "{}", listed.stdout);
    let openai = digest_of(&listed, "OPENAI_API_KEY");
    assert!(
        openai.len() == 16 && openai.chars().all(|c| c.is_ascii_hexdigit()),
        "{openai}"
    );
    let json = run(with_project(&["secrets", "list", "Nova", "-o", "json"])).await;
    json.assert_exit(Exit::Success);
    assert_eq!(json.json()["shown"], true);
    assert_eq!(json.json()["secrets"][0]["digest"], openai.as_str());

    // A running agent is restarted by the change: asked first, nothing sent without --yes.
    let refused = run(with_project(&["secret", "set", "Nova", &twitter])).await;
    refused.assert_exit(Exit::Usage);
    assert!(
        refused.stderr.contains("and restart it"),
        "{}",
        refused.stderr
    );
    assert!(character_on_fleek(&sim, &id).await["settings"]["secrets"]
        .get("TWITTER_PASSWORD")
        .is_none());

    let set = run(with_project(&[
        "--debug", "secret", "set", "Nova", &twitter, "--yes",
    ]))
    .await;
    set.assert_exit(Exit::Success);
    assert_no_secret(&set);
    assert!(
        set.stdout.contains("it runs with them (published again in"),
        "{}",
        set.stdout
    );
    let secrets = character_on_fleek(&sim, &id).await["settings"]["secrets"].clone();
    assert_eq!(
        secrets,
        json!({"OPENAI_API_KEY": FROM_ENV, "TWITTER_PASSWORD": FROM_FILE})
    );
    let listed = run(with_project(&["secret", "list", "Nova"])).await;
    assert_eq!(
        digest_of(&listed, "OPENAI_API_KEY"),
        openai,
        "an unchanged value keeps its digest"
    );

    let changed = run(with_project(&[
        "secret",
        "set",
        "Nova",
        "OPENAI_API_KEY=env:SECRET_TEST_KEY",
        "--yes",
    ])
    .env("SECRET_TEST_KEY", FROM_DOTENV))
    .await;
    changed.assert_exit(Exit::Success);
    let listed = run(with_project(&["secret", "list", "Nova"])).await;
    assert_ne!(
        digest_of(&listed, "OPENAI_API_KEY"),
        openai,
        "a new value, a new digest"
    );

    // A value typed where a source belongs is refused without being repeated.
    let literal = run(with_project(&[
        "secret",
        "set",
        "Nova",
        &format!("OPENAI_API_KEY={FROM_ENV}"),
        "--yes",
    ]))
    .await;
    literal.assert_exit(Exit::Usage);
    assert_no_secret(&literal);

    let missing = run(with_project(&["secret", "unset", "Nova", "NOPE", "--yes"])).await;
    missing.assert_exit(Exit::Usage);
    assert!(
        missing
            .stderr
            .contains("not set on this agent: NOPE; it has OPENAI_API_KEY, TWITTER_PASSWORD"),
        "{}",
        missing.stderr
    );
    let unset = run(with_project(&[
        "secret",
        "unset",
        "Nova",
        "TWITTER_PASSWORD",
        "--yes",
    ]))
    .await;
    unset.assert_exit(Exit::Success);
    let secrets = character_on_fleek(&sim, &id).await["settings"]["secrets"].clone();
    assert_eq!(secrets, json!({"OPENAI_API_KEY": FROM_DOTENV}));

    // A stopped agent is only updated: it takes them when it next starts, still stopped.
    sim.client()
        .expect("a client")
        .stop_agent()
        .agent_id(id.as_str())
        .call()
        .await
        .expect("stopped");
    let staged = run(with_project(&["secret", "set", "Nova", &twitter])).await;
    staged.assert_exit(Exit::Success);
    assert!(
        staged
            .stdout
            .contains("it takes them when it next starts (it is Stopped)"),
        "{}",
        staged.stdout
    );
    let agent = sim
        .client()
        .expect("a client")
        .get_agent()
        .agent_id(id.as_str())
        .call()
        .await
        .expect("read");
    assert_eq!(agent.status.to_string(), "Stopped");
    assert_eq!(
        character_on_fleek(&sim, &id).await["settings"]["secrets"]["TWITTER_PASSWORD"],
        FROM_FILE
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_fleek_does_not_show_are_never_dropped_by_a_set_unless_replaced() {
    let sim = Simulator::builder()
        .boot_time(Duration::from_millis(50))
        .start()
        .await
        .expect("the simulator starts");
    // An agent whose character holds no settings.secrets: its secrets are unknown.
    let created = sim
        .client()
        .expect("a client")
        .create_agent_from_character(
            PROJECT,
            &serde_json::from_value(nova()).expect("a character"),
        )
        .send()
        .await
        .expect("created");
    let with_project = |args: &[&str]| {
        on(&sim, args)
            .env("FLEEK_PROJECT_ID", PROJECT)
            .env("SECRET_TEST_KEY", FROM_ENV)
    };
    let listed = run(with_project(&["secret", "list", &created.id])).await;
    listed.assert_exit(Exit::Success);
    assert!(
        listed.stderr.contains("holds no settings.secrets"),
        "{}",
        listed.stderr
    );
    let refused = run(with_project(&[
        "secret",
        "set",
        &created.id,
        "OPENAI_API_KEY=env:SECRET_TEST_KEY",
    ]))
    .await;
    refused.assert_exit(Exit::Usage);
    assert!(
        refused.stderr.contains("--replace") && refused.stderr.contains("nothing was sent"),
        "{}",
        refused.stderr
    );
    let replaced = run(with_project(&[
        "secret",
        "set",
        &created.id,
        "OPENAI_API_KEY=env:SECRET_TEST_KEY",
        "--replace",
    ]))
    .await;
    replaced.assert_exit(Exit::Success);
    assert_no_secret(&replaced);
    assert_eq!(
        character_on_fleek(&sim, &created.id).await["settings"]["secrets"],
        json!({"OPENAI_API_KEY": FROM_ENV})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agents_answer_shows_its_secrets_only_as_secret_and_its_token_only_in_json() {
    let sim = Simulator::builder()
        .boot_time(Duration::from_millis(50))
        .start()
        .await
        .expect("the simulator starts");
    let dir = scratch("agent-answers-conceal");
    let character = write_json(&dir, "nova.character.json", &nova());
    let deployed = run(on(
        &sim,
        &[
            "deploy",
            &character,
            "--project",
            PROJECT,
            "--secret",
            "OPENAI_API_KEY=env:SECRET_TEST_KEY",
        ],
    )
    .env("SECRET_TEST_KEY", FROM_ENV))
    .await;
    deployed.assert_exit(Exit::Success);
    let id = deployed.stdout.trim().to_string();
    let token = sim
        .client()
        .expect("a client")
        .get_agent()
        .agent_id(id.as_str())
        .call()
        .await
        .expect("read")
        .public_token
        .expect("a publicToken");
    let with_project = |args: &[&str]| on(&sim, args).env("FLEEK_PROJECT_ID", PROJECT);
    for args in [
        &["agent", "view", "Nova", "-o", "json"][..],
        &["agent", "list", "--project-id", PROJECT, "-o", "json"][..],
        &["agent", "list", "--project-id", PROJECT, "-o", "jsonl"][..],
        &["agent", "publish", "Nova"][..],
    ] {
        let shown = run(with_project(args)).await;
        shown.assert_exit(Exit::Success);
        assert_no_secret(&shown);
        assert!(
            shown.stdout.contains("OPENAI_API_KEY") && shown.stdout.contains("(secret)"),
            "{args:?}: the secret's name stays, its value does not:\n{}",
            shown.stdout
        );
        let human = !args.contains(&"-o");
        assert_eq!(
            shown.stdout.contains(token.as_str()),
            !human,
            "{args:?}: the token only in JSON:\n{}",
            shown.stdout
        );
    }
}
