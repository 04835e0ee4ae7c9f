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
