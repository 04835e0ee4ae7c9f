//! `fleek_api::fleet` end to end on the simulator: plan and apply many agents; a second
//! apply that writes nothing; faults the real service shows (a publish that fails, an
//! answer lost after a create, an agent deleted behind the plan's back); names two agents
//! share; secrets that never reach a plan; and, for many generated manifests, that `apply`
//! then `plan` plans nothing.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};

use crate::cli::scratch;
use crate::common::{nova, PROJECT};
use fleek_api::fleet::{self, ActionKind, Applier, Fleet, Plan, SavedPlan};
use fleek_api::sim::{Fault, Rule, Simulator};
use fleek_api::Call as _;

const SECRET: &str = "sk-fleet-live-7q8w9e0r";

async fn simulator() -> Simulator {
    Simulator::builder()
        .boot_time(Duration::from_millis(30))
        .start()
        .await
        .expect("the simulator starts")
}

/// One agent of a generated manifest.
#[derive(Clone, Debug)]
struct Spec {
    name: String,
    running: bool,
    bio: String,
    secret: Option<String>,
    public_chat: Option<bool>,
}

impl Spec {
    fn new(name: &str) -> Self {
        Spec {
            name: name.to_string(),
            running: true,
            bio: format!("{name} answers questions."),
            secret: None,
            public_chat: None,
        }
    }
}

/// Writes a manifest of `specs` and their character files into `dir`.
fn write_fleet(dir: &Path, specs: &[Spec]) -> PathBuf {
    let mut manifest = format!("project = \"{PROJECT}\"\n");
    for spec in specs {
        let mut character = nova();
        character["name"] = Value::from(spec.name.clone());
        character["bio"] = json!([spec.bio]);
        let file = format!("{}.character.json", spec.name.to_lowercase());
        std::fs::write(dir.join(&file), character.to_string()).expect("written");
        manifest.push_str(&format!(
            "\n[agents.{}]\ncharacter = \"{file}\"\n",
            spec.name
        ));
        if !spec.running {
            manifest.push_str("state = \"stopped\"\n");
        }
        if let Some(public) = spec.public_chat {
            manifest.push_str(&format!("public-chat = {public}\n"));
        }
        if let Some(secret) = &spec.secret {
            let secret_file = format!("{}.secret", spec.name.to_lowercase());
            std::fs::write(dir.join(&secret_file), secret).expect("written");
            manifest.push_str(&format!(
                "secrets = {{ OPENAI_API_KEY = {{ file = \"{secret_file}\" }} }}\n"
            ));
        }
    }
    let path = dir.join("fleek-agents.toml");
    std::fs::write(&path, manifest).expect("written");
    path
}

fn load(path: &Path) -> Fleet {
    Fleet::load(path).expect("the manifest loads")
}

async fn apply(sim: &Simulator, fleet: &Fleet, plan: &Plan) -> Vec<fleet::Outcome> {
    let client = sim.client().expect("a client");
    Applier::new(&client, fleet, plan)
        .poll_interval(Duration::from_millis(10), Duration::from_millis(40))
        .timeout(Duration::from_secs(20))
        .run()
        .await
}

async fn plan(sim: &Simulator, fleet: &Fleet) -> Plan {
    let client = sim.client().expect("a client");
    fleet::plan(&client, PROJECT, fleet).await.expect("a plan")
}

fn writes(requests: &[&str]) -> Vec<String> {
    requests
        .iter()
        .filter(|op| {
            !matches!(
                **op,
                "list_agents" | "get_agent" | "get_agent_status" | "list_framework_versions"
            )
        })
        .map(|op| op.to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_agents_are_created_then_a_second_apply_writes_nothing_and_the_plan_only_reads() {
    let sim = simulator().await;
    let dir = scratch("fleet-many");
    let mut specs: Vec<Spec> = (0..12)
        .map(|i| Spec::new(&format!("Agent{i:02}")))
        .collect();
    specs[3].running = false;
    specs[5].secret = Some(SECRET.to_string());
    specs[7].public_chat = Some(true);
    let fleet = load(&write_fleet(&dir, &specs));

    let first = plan(&sim, &fleet).await;
    assert_eq!(first.count(ActionKind::Create), 12, "{}", first.summary());
    let outcomes = apply(&sim, &fleet, &first).await;
    assert!(outcomes.iter().all(|o| o.succeeded()), "{outcomes:#?}");
    assert!(
        outcomes.iter().all(|o| o.id.is_some()),
        "every agent named: {outcomes:#?}"
    );

    sim.clear_requests();
    let again = plan(&sim, &fleet).await;
    assert!(!again.has_changes(), "{again:#?}");
    assert_eq!(again.unchanged.len(), 12);
    let requests = sim.requests();
    assert!(
        writes(&requests).is_empty(),
        "a plan only reads: {requests:?}"
    );
    assert!(
        requests.len() <= again.reads.pages + again.reads.agents && again.reads.pages >= 1,
        "{requests:?} {:?}",
        again.reads
    );
    sim.clear_requests();
    assert!(apply(&sim, &fleet, &again).await.is_empty());
    assert!(
        sim.requests().is_empty(),
        "an empty plan applies nothing: {:?}",
        sim.requests()
    );

    let client = sim.client().expect("a client");
    let agents = client.list_agents().project_id(PROJECT).stream();
    let agents: Vec<_> = futures_util::TryStreamExt::try_collect::<Vec<_>>(agents)
        .await
        .expect("listed");
    assert_eq!(agents.len(), 12);
    for agent in &agents {
        let expected = if agent.name == "Agent03" {
            "Draft"
        } else {
            "Running"
        };
        assert_eq!(agent.status.to_string(), expected, "{}", agent.name);
    }
    let with_secret = agents
        .iter()
        .find(|a| a.name == "Agent05")
        .expect("Agent05");
    let read = client
        .get_agent()
        .agent_id(with_secret.id.as_str())
        .call()
        .await
        .expect("read");
    assert!(read
        .character_file
        .as_deref()
        .is_some_and(|c| c.contains(SECRET)));
    let public = agents
        .iter()
        .find(|a| a.name == "Agent07")
        .expect("Agent07");
    assert_eq!(public.public_chat, Some(true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_publish_fails_that_agent_only_and_the_next_apply_finishes_it() {
    let sim = simulator().await;
    let dir = scratch("fleet-503");
    let specs: Vec<Spec> = ["Alpha", "Beta", "Gamma"]
        .iter()
        .map(|n| Spec::new(n))
        .collect();
    let fleet = load(&write_fleet(&dir, &specs));
    let first = plan(&sim, &fleet).await;
    // A publish is not idempotent, so it is not retried: one 503 fails that agent.
    sim.fault(Rule::next(
        "publish_agent",
        1,
        Fault::Status {
            status: 503,
            retry_after: Some(0),
        },
    ));
    let outcomes = apply(&sim, &fleet, &first).await;
    let failed: Vec<_> = outcomes.iter().filter(|o| !o.succeeded()).collect();
    assert_eq!(failed.len(), 1, "{outcomes:#?}");
    assert!(
        failed[0].id.is_some(),
        "the failed agent is named by its id: {failed:#?}"
    );
    assert!(
        failed[0]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("503")),
        "{failed:#?}"
    );
    assert_eq!(outcomes.iter().filter(|o| o.succeeded()).count(), 2);

    sim.clear_faults();
    let next = plan(&sim, &fleet).await;
    assert_eq!(
        next.actions.len(),
        1,
        "only the failed agent is left: {}",
        next.summary()
    );
    assert_eq!(next.actions[0].agent, failed[0].agent);
    assert_eq!(next.actions[0].action, ActionKind::Start);
    assert!(apply(&sim, &fleet, &next)
        .await
        .iter()
        .all(|o| o.succeeded()));
    assert!(!plan(&sim, &fleet).await.has_changes());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_to_a_create_makes_no_second_agent() {
    let sim = simulator().await;
    let dir = scratch("fleet-lost");
    let fleet = load(&write_fleet(&dir, &[Spec::new("Lone")]));
    let first = plan(&sim, &fleet).await;
    sim.fault(Rule::next("create_agent", 1, Fault::LoseAnswer));
    let outcomes = apply(&sim, &fleet, &first).await;
    // Whether it ends done or failed, the draft the lost answer made is the only agent, and
    // the outcome names it.
    let state = sim.state();
    let agents = state["world"]["agents"]
        .as_object()
        .map(|a| a.len())
        .expect("the agents");
    assert_eq!(agents, 1, "{outcomes:#?} {state}");
    assert!(outcomes[0].id.is_some(), "{outcomes:#?}");
    sim.clear_faults();
    let next = plan(&sim, &fleet).await;
    if next.has_changes() {
        assert!(
            next.actions.iter().all(|a| a.action != ActionKind::Create),
            "{next:#?}"
        );
        apply(&sim, &fleet, &next).await;
    }
    assert!(!plan(&sim, &fleet).await.has_changes());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_changed_behind_the_plans_back_is_named_not_overwritten() {
    let sim = simulator().await;
    let dir = scratch("fleet-behind");
    let mut specs: Vec<Spec> = ["One", "Two"].iter().map(|n| Spec::new(n)).collect();
    let fleet = load(&write_fleet(&dir, &specs));
    apply(&sim, &fleet, &plan(&sim, &fleet).await).await;
    for spec in &mut specs {
        spec.bio = format!("{} has news.", spec.name);
    }
    let fleet = load(&write_fleet(&dir, &specs));
    let update = plan(&sim, &fleet).await;
    assert_eq!(update.count(ActionKind::Update), 2);
    let gone = update.actions[0].id.clone().expect("an id");
    sim.client()
        .expect("a client")
        .delete_agent()
        .agent_id(gone.as_str())
        .call()
        .await
        .expect("deleted");
    sim.clear_requests();
    let outcomes = apply(&sim, &fleet, &update).await;
    let error = outcomes[0]
        .error
        .as_deref()
        .expect("the vanished agent fails");
    assert!(
        error.contains("gone since the plan") && error.contains(&gone),
        "{error}"
    );
    assert!(outcomes[1].succeeded(), "{outcomes:#?}");
    assert!(
        !writes(&sim.requests()).iter().any(|w| w == "create_agent"),
        "nothing recreated"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_agents_of_one_name_stop_the_plan_unless_the_manifest_pins_one() {
    let sim = simulator().await;
    let client = sim.client().expect("a client");
    let mut ids = Vec::new();
    for _ in 0..2 {
        let mut character = nova();
        character["name"] = "Twin".into();
        let agent = client
            .create_agent()
            .body_map(|b| {
                b.project_id(PROJECT)
                    .name("Twin".to_string())
                    .config(character.to_string())
            })
            .call()
            .await
            .expect("created");
        ids.push(agent.id);
    }
    let dir = scratch("fleet-twins");
    let path = write_fleet(&dir, &[Spec::new("Twin")]);
    let fleet = load(&path);
    let error = fleet::plan(&client, PROJECT, &fleet)
        .await
        .expect_err("ambiguous")
        .to_string();
    assert!(
        error.contains(&ids[0]) && error.contains(&ids[1]) && error.contains("id = "),
        "{error}"
    );

    let pinned = std::fs::read_to_string(&path).expect("read") + &format!("id = \"{}\"\n", ids[1]);
    std::fs::write(&path, pinned).expect("written");
    let plan = fleet::plan(&client, PROJECT, &load(&path))
        .await
        .expect("a plan");
    assert_eq!(plan.actions.len(), 1);
    assert_eq!(plan.actions[0].id.as_deref(), Some(ids[1].as_str()));
    assert_eq!(plan.unlisted.len(), 1, "the other twin is left alone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_never_reach_a_plan_or_a_saved_plan_and_a_saved_plan_refuses_new_ones() {
    let sim = simulator().await;
    let dir = scratch("fleet-secrets");
    let mut spec = Spec::new("Keeper");
    spec.secret = Some(SECRET.to_string());
    let fleet = load(&write_fleet(&dir, std::slice::from_ref(&spec)));
    apply(&sim, &fleet, &plan(&sim, &fleet).await).await;
    spec.secret = Some(format!("{SECRET}-rotated"));
    let fleet = load(&write_fleet(&dir, std::slice::from_ref(&spec)));
    let rotated = plan(&sim, &fleet).await;
    assert_eq!(rotated.count(ActionKind::Update), 1, "{rotated:#?}");
    let saved = SavedPlan::new(&rotated, &fleet);
    for text in [
        serde_json::to_string(&rotated).expect("JSON"),
        serde_json::to_string(&saved).expect("JSON"),
        format!("{rotated:?} {saved:?} {fleet:?}"),
    ] {
        assert!(!text.contains(SECRET), "a secret was shown: {text}");
    }
    assert!(saved.differences(&rotated, &fleet).is_empty());
    spec.secret = Some(format!("{SECRET}-again"));
    let changed = load(&write_fleet(&dir, std::slice::from_ref(&spec)));
    let differences = saved.differences(&plan(&sim, &changed).await, &changed);
    assert!(
        differences
            .iter()
            .any(|d| d.contains("Keeper: the secrets OPENAI_API_KEY")),
        "{differences:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_without_secrets_is_an_update_never_unchanged() {
    let sim = simulator().await;
    let client = sim.client().expect("a client");
    // On Fleek without secrets; in the manifest with one.
    let created = client
        .create_agent_from_character(
            PROJECT,
            &serde_json::from_value(nova()).expect("a character"),
        )
        .send()
        .await
        .expect("created");
    let dir = scratch("fleet-nosecrets");
    let mut spec = Spec::new("Nova");
    spec.running = false;
    spec.bio = "Nova answers questions.".to_string();
    spec.secret = Some(SECRET.to_string());
    let fleet = load(&write_fleet(&dir, &[spec]));
    let plan = plan(&sim, &fleet).await;
    assert_eq!(plan.actions.len(), 1, "{plan:#?}");
    let action = &plan.actions[0];
    assert_eq!(
        (action.action, action.id.as_deref()),
        (ActionKind::Update, Some(created.id.as_str()))
    );
    assert!(
        action
            .changes
            .iter()
            .any(|c| c.note.as_deref().is_some_and(|n| n.contains("no secrets"))),
        "{action:#?}"
    );
}

/// A small seeded generator (xorshift64*), so that the manifests are the same every run.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn for_any_manifest_apply_then_plan_plans_nothing() {
    let sim = simulator().await;
    let dir = scratch("fleet-property");
    let mut random = Seeded(0x5EED_F1EE7);
    let names = ["Ada", "Bo", "Cy", "Di", "Ed", "Fay"];
    // Each round changes the manifest at random from the state the last one left: agents
    // come and go from the manifest, runs and stops, new bios, secrets, public chat.
    let mut specs: Vec<Spec> = Vec::new();
    // Made by hand: whatever the manifest does, pruning never touches it.
    create_by_hand(&sim, "Handmade").await;
    for round in 0..12 {
        let kept: Vec<&str> = names
            .iter()
            .copied()
            .filter(|_| random.below(4) != 0)
            .collect();
        let mut next = Vec::new();
        for name in kept {
            let old = specs.iter().find(|s| s.name == name).cloned();
            let mut spec = old.unwrap_or_else(|| Spec::new(name));
            spec.running = random.below(3) != 0;
            if random.below(2) == 0 {
                spec.bio = format!("{name}, round {round}.");
            }
            if random.below(3) == 2 {
                spec.secret = Some(format!("sk-{round}-{}", random.next()));
            }
            spec.public_chat = [None, Some(true), Some(false)][random.below(3) as usize];
            next.push(spec);
        }
        specs = next;
        let prune = random.below(2) == 0;
        let mut fleet = load(&write_fleet(&dir, &specs));
        let client = sim.client().expect("a client");
        let planned = fleet::plan_with(&client, PROJECT, &fleet, prune)
            .await
            .expect("a plan");
        let outcomes = apply_and_record(&sim, &mut fleet, &planned).await;
        assert!(
            outcomes.iter().all(|o| o.succeeded()),
            "round {round}: {outcomes:#?}"
        );
        sim.clear_requests();
        let fleet = load(&dir.join("fleek-agents.toml"));
        let after = fleet::plan_with(&client, PROJECT, &fleet, prune)
            .await
            .expect("a plan");
        assert!(
            !after.has_changes(),
            "round {round}: {specs:#?}\n{after:#?}"
        );
        assert!(writes(&sim.requests()).is_empty(), "round {round}");
        let names = names_on_fleek(&sim).await;
        assert!(
            names.contains(&"Handmade".to_string()),
            "round {round}: {names:?}"
        );
        if prune {
            let mut wanted: Vec<String> = specs.iter().map(|s| s.name.clone()).collect();
            wanted.push("Handmade".to_string());
            wanted.sort();
            assert_eq!(names, wanted, "round {round}: pruned to the manifest");
        }
    }
}

/// Applies `plan` and records what it created and deleted in the lock, as the CLI does.
async fn apply_and_record(sim: &Simulator, fleet: &mut Fleet, plan: &Plan) -> Vec<fleet::Outcome> {
    let outcomes = apply(sim, fleet, plan).await;
    if fleet.lock.note(plan, &outcomes) {
        fleet.lock.write().expect("the lock is written");
    }
    outcomes
}

/// An agent made outside the manifest, as in the dashboard.
async fn create_by_hand(sim: &Simulator, name: &str) -> fleek_api::types::Agent {
    let mut character = nova();
    character["name"] = Value::from(name);
    sim.client()
        .expect("a client")
        .create_agent_from_character(
            PROJECT,
            &serde_json::from_value(character).expect("a character"),
        )
        .name(name)
        .send()
        .await
        .expect("created by hand")
}

async fn names_on_fleek(sim: &Simulator) -> Vec<String> {
    let client = sim.client().expect("a client");
    let agents = client.list_agents().project_id(PROJECT).stream();
    let agents: Vec<_> = futures_util::TryStreamExt::try_collect::<Vec<_>>(agents)
        .await
        .expect("listed");
    let mut names: Vec<String> = agents.into_iter().map(|a| a.name).collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_deletes_only_what_the_manifest_created_and_never_a_hand_made_agent() {
    let sim = simulator().await;
    let client = sim.client().expect("a client");
    let dir = scratch("fleet-prune");
    let specs = [Spec::new("Ada"), Spec::new("Bo"), Spec::new("Cy")];
    let mut fleet = load(&write_fleet(&dir, &specs));
    let first = plan(&sim, &fleet).await;
    let outcomes = apply_and_record(&sim, &mut fleet, &first).await;
    assert!(outcomes.iter().all(|o| o.succeeded()), "{outcomes:#?}");
    let lock = std::fs::read_to_string(dir.join("fleek-agents.lock")).expect("a lock");
    for outcome in &outcomes {
        assert!(
            lock.contains(outcome.id.as_deref().expect("an id")),
            "{lock}"
        );
    }

    // Made by hand in the dashboard, one of them with the name of an agent the manifest
    // will drop: neither is the manifest's to delete.
    let handmade = create_by_hand(&sim, "Handmade").await;
    // Cy is deleted by hand: the lock forgets it on the next apply.
    let cy = outcomes
        .iter()
        .find(|o| o.agent == "Cy")
        .and_then(|o| o.id.clone())
        .expect("Cy");
    client
        .delete_agent()
        .agent_id(cy.as_str())
        .call()
        .await
        .expect("deleted by hand");

    let mut fleet = load(&write_fleet(&dir, &specs[..1]));
    let kept = plan(&sim, &fleet).await;
    assert!(!kept.has_changes(), "pruning is off by default: {kept:#?}");
    assert_eq!(
        kept.orphaned
            .iter()
            .map(|u| u.name.as_str())
            .collect::<Vec<_>>(),
        ["Bo"]
    );
    assert_eq!(
        kept.unlisted
            .iter()
            .map(|u| u.id.as_str())
            .collect::<Vec<_>>(),
        [handmade.id.as_str()]
    );
    assert_eq!(kept.gone, std::slice::from_ref(&cy));

    let pruning = fleet::plan_with(&client, PROJECT, &fleet, true)
        .await
        .expect("a plan");
    assert_eq!(pruning.count(ActionKind::Delete), 1, "{pruning:#?}");
    let delete = &pruning.actions[0];
    assert_eq!((delete.agent.as_str(), delete.action.symbol()), ("Bo", "-"));
    assert_eq!(delete.managed.as_deref(), Some("created by fleet apply"));
    assert!(
        pruning.summary().contains("1 to delete"),
        "{}",
        pruning.summary()
    );
    sim.clear_requests();
    let outcomes = apply_and_record(&sim, &mut fleet, &pruning).await;
    assert!(outcomes.iter().all(|o| o.succeeded()), "{outcomes:#?}");
    assert_eq!(writes(&sim.requests()), ["delete_agent"]);
    assert_eq!(names_on_fleek(&sim).await, ["Ada", "Handmade"]);
    let lock = std::fs::read_to_string(dir.join("fleek-agents.lock")).expect("a lock");
    assert!(
        lock.contains("name = \"Ada\"") && !lock.contains("\"Bo\"") && !lock.contains(&cy),
        "{lock}"
    );

    let fleet = load(&dir.join("fleek-agents.toml"));
    let again = fleet::plan_with(&client, PROJECT, &fleet, true)
        .await
        .expect("a plan");
    assert!(!again.has_changes() && again.gone.is_empty(), "{again:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prune_of_an_agent_renamed_since_the_plan_leaves_it_alone() {
    let sim = simulator().await;
    let client = sim.client().expect("a client");
    let dir = scratch("fleet-prune-renamed");
    let mut fleet = load(&write_fleet(&dir, &[Spec::new("Ada"), Spec::new("Bo")]));
    let first = plan(&sim, &fleet).await;
    apply_and_record(&sim, &mut fleet, &first).await;
    let fleet = load(&write_fleet(&dir, &[Spec::new("Ada")]));
    let pruning = fleet::plan_with(&client, PROJECT, &fleet, true)
        .await
        .expect("a plan");
    let bo = pruning.actions[0].id.clone().expect("Bo's id");
    client
        .update_agent()
        .agent_id(bo.as_str())
        .body_map(|b| b.name(Some("Bo, kept by hand".to_string())))
        .call()
        .await
        .expect("renamed");
    let outcomes = apply(&sim, &fleet, &pruning).await;
    let why = outcomes[0].error.as_deref().expect("refused");
    assert!(
        why.contains("named Bo, kept by hand now") && why.contains("plan again"),
        "{why}"
    );
    assert_eq!(names_on_fleek(&sim).await, ["Ada", "Bo, kept by hand"]);
}
