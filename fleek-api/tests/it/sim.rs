//! The simulator (`fleek_api::sim`), driven through the client as a user's test would,
//! each expectation taken from what the sources say the real service does
//! (`FLEEK-API-NOTES.md`), not from the spec's examples.

use std::time::Duration;

use fleek_api::character::Character;
use fleek_api::proxy::Message;
use fleek_api::sim::{Fault, Rule, Simulator};
use fleek_api::types::AgentStatus;
use fleek_api::{Call, ErrorKind};
use futures_util::TryStreamExt;
use serde_json::{json, Value};

use crate::common::{nova, PROJECT};

async fn sim() -> Simulator {
    Simulator::builder()
        .boot_time(Duration::from_secs(4))
        .start()
        .await
        .expect("a simulator on 127.0.0.1")
}

fn character(value: Value) -> Character {
    serde_json::from_value(value).expect("a character")
}

/// The agent, read back.
async fn read(client: &fleek_api::Client, id: &str) -> fleek_api::types::Agent {
    client
        .get_agent()
        .agent_id(id)
        .call()
        .await
        .expect("the agent")
}

/// Whether the agent runs, as the status operation says.
async fn status_of(client: &fleek_api::Client, id: &str) -> fleek_api::types::AgentRunningStatus {
    client
        .get_agent_status()
        .agent_id(id)
        .call()
        .await
        .expect("its status")
}

/// The agent, published.
async fn publish(client: &fleek_api::Client, id: &str) -> fleek_api::types::Agent {
    client
        .publish_agent()
        .agent_id(id)
        .call()
        .await
        .expect("published")
}

/// A draft of Nova, through `create_agent`.
async fn draft(client: &fleek_api::Client) -> fleek_api::types::Agent {
    client
        .create_agent()
        .body_map(|b| {
            b.project_id(PROJECT)
                .name("Nova")
                .config(nova().to_string())
        })
        .call()
        .await
        .expect("created")
}

#[tokio::test]
async fn an_agent_goes_from_draft_to_running_on_the_simulators_clock() {
    let sim = sim().await;
    let client = sim.client().expect("a client");
    let agent = draft(&client).await;
    assert_eq!(agent.status, AgentStatus::Draft);
    assert!(agent.public_token.is_some() && agent.slot_number.is_some() && agent.host.is_some());

    let published = publish(&client, agent.id.as_str()).await;
    assert_eq!(published.status, AgentStatus::Created);
    let status = status_of(&client, agent.id.as_str()).await;
    assert!(!status.is_running());

    sim.advance(Duration::from_secs(2));
    let pending = read(&client, agent.id.as_str()).await;
    assert_eq!(pending.status, AgentStatus::Pending);
    sim.advance(Duration::from_secs(2));
    let running = read(&client, agent.id.as_str()).await;
    assert_eq!(running.status, AgentStatus::Running);
    let status = status_of(&client, agent.id.as_str()).await;
    assert!(status.is_running());

    let lines: Vec<String> = client
        .get_agent_logs()
        .agent_id(agent.id.as_str())
        .stream()
        .map_ok(|entry| entry.message)
        .try_collect()
        .await
        .expect("the log");
    assert!(
        lines.iter().any(|line| line.contains("started")),
        "{lines:?}"
    );
}

#[tokio::test]
async fn a_deployment_runs_end_to_end_and_a_character_fleek_refuses_ends_failed() {
    let sim = Simulator::builder()
        .boot_time(Duration::from_millis(300))
        .start()
        .await
        .expect("a simulator");
    let client = sim.client().expect("a client");
    let id = client
        .deploy(PROJECT, &character(nova()))
        .timeout(Duration::from_secs(30))
        .run(|_| {})
        .await
        .expect("deployed");
    let agent = read(&client, id.as_str()).await;
    assert_eq!(agent.status, AgentStatus::Running);

    // No topic: Fleek's rules refuse it; the agent fails and its log says why.
    let mut broken = nova();
    broken["topics"] = json!([]);
    let agent = client
        .create_agent()
        .body_map(|b| {
            b.project_id(PROJECT)
                .name("Nova")
                .config(broken.to_string())
        })
        .call()
        .await
        .expect("created");
    let failed = publish(&client, agent.id.as_str()).await;
    assert_eq!(failed.status, AgentStatus::Failed);
    let page = client
        .get_agent_logs()
        .agent_id(agent.id.as_str())
        .call()
        .await
        .expect("log");
    assert!(
        page.data.iter().any(|e| e.message.contains("topics")),
        "{:?}",
        page.data
    );
}

#[tokio::test]
async fn a_deleted_agent_is_gone() {
    let sim = sim().await;
    let client = sim.client().expect("a client");
    let agent = draft(&client).await;
    client
        .delete_agent()
        .agent_id(agent.id.as_str())
        .call()
        .await
        .expect("deleted");
    let error = client
        .get_agent()
        .agent_id(agent.id.as_str())
        .call()
        .await
        .expect_err("gone");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    let error = client
        .delete_agent()
        .agent_id(agent.id.as_str())
        .call()
        .await
        .expect_err("gone");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn the_journal_pages_like_a_journal_and_grows_with_each_message() {
    let sim = Simulator::builder()
        .boot_time(Duration::ZERO)
        .start()
        .await
        .expect("a simulator");
    let client = sim.client().expect("a client");
    let agent = draft(&client).await;
    publish(&client, agent.id.as_str()).await;

    // One entry a page: the walk ends on the page that names itself.
    let entries: Vec<_> = client
        .get_agent_logs()
        .agent_id(agent.id.as_str())
        .size(1)
        .stream()
        .try_collect()
        .await
        .expect("the log");
    assert!(entries.len() >= 3, "{entries:?}");

    // The last page hands back its own cursor while nothing new is written...
    let first = client
        .get_agent_logs()
        .agent_id(agent.id.as_str())
        .size(100)
        .call()
        .await
        .expect("page");
    let cursor = first.next_cursor().expect("a cursor").expect("a next page");
    let again = client
        .get_agent_logs()
        .agent_id(agent.id.as_str())
        .cursor(cursor.clone())
        .call()
        .await
        .expect("page");
    assert!(again.data.is_empty());
    assert_eq!(again.next_cursor().expect("a cursor"), Some(cursor.clone()));

    // ...and a message to the agent writes a line that the same cursor then reads.
    let api = client.agent_api(agent.id.as_str());
    let eliza = api.eliza_agents().await.expect("Eliza's agents");
    let replies = api
        .send_message(
            &eliza[0].id,
            &Message {
                text: "Hello".into(),
                room_id: None,
                user_id: None,
                user_name: None,
            },
        )
        .await
        .expect("a reply");
    assert!(replies[0].text.contains("Hello"), "{replies:?}");
    let after = client
        .get_agent_logs()
        .agent_id(agent.id.as_str())
        .cursor(cursor)
        .call()
        .await
        .expect("page");
    assert_eq!(after.data.len(), 1, "{:?}", after.data);
    assert!(after.data[0].message.contains("Hello"));
}

#[tokio::test]
async fn the_agents_api_answers_only_while_it_runs() {
    let sim = sim().await;
    let client = sim.client().expect("a client");
    let agent = draft(&client).await;
    let api = client.agent_api(agent.id.as_str());
    let error = api.eliza_agents().await.expect_err("a draft does not run");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));

    publish(&client, agent.id.as_str()).await;
    sim.advance(Duration::from_secs(5));
    let agents = api.eliza_agents().await.expect("running");
    assert_eq!(agents[0].name, "Nova");
    // Eliza's own answers: 400 for an id that is not a UUID, 404 for an unknown one.
    let error = api.eliza_agent("not-a-uuid").await.expect_err("400");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    let error = api
        .eliza_agent("00000000-0000-4000-8000-000000000000")
        .await
        .expect_err("404");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(
        error.json().map(|j| j["error"].clone()),
        Some(json!("Agent not found"))
    );
}

#[tokio::test]
async fn credentials_are_checked_as_the_spec_says() {
    let sim = sim().await;
    let client = sim.client().expect("a client");
    let agent = draft(&client).await;
    let token = agent.public_token.clone().expect("a token");

    let stranger = fleek_api::Client::builder()
        .api_key("fk_not_the_key_0123456789")
        .base_url(sim.base_url())
        .build()
        .expect("a client");
    let error = stranger.list_agents().call().await.expect_err("401");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));

    let public = fleek_api::Client::builder()
        .agent_token(&token)
        .base_url(sim.base_url())
        .build()
        .expect("a client");
    // Only for an agent that allows public chat.
    let error = public
        .get_agent_status()
        .agent_id(agent.id.as_str())
        .call()
        .await
        .expect_err("401");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    client
        .update_agent()
        .agent_id(agent.id.as_str())
        .body_map(|b| b.public_chat(true))
        .call()
        .await
        .expect("updated");
    public
        .get_agent_status()
        .agent_id(agent.id.as_str())
        .call()
        .await
        .expect("the token works");
    public
        .get_public_agent()
        .agent_id(agent.id.as_str())
        .call()
        .await
        .expect("the token works");
    // Not for another agent.
    let other = draft(&client).await;
    let error = public
        .get_agent_status()
        .agent_id(other.id.as_str())
        .call()
        .await
        .expect_err("401");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
}

#[tokio::test]
async fn a_partial_update_changes_only_what_it_sends() {
    let sim = sim().await;
    let client = sim.client().expect("a client");
    let agent = draft(&client).await;
    let updated = client
        .update_agent()
        .agent_id(agent.id.as_str())
        .body_map(|b| b.name("Orion".to_string()))
        .call()
        .await
        .expect("updated");
    assert_eq!(updated.name, "Orion");
    assert_eq!(updated.character_file, agent.character_file);
    assert_eq!(updated.project_id, agent.project_id);
}

#[tokio::test]
async fn faults_fail_the_next_requests_and_the_client_retries_through_them() {
    let sim = sim().await;
    let client = sim.client().expect("a client");
    sim.fault(Rule::next(
        "list_agents",
        1,
        Fault::Status {
            status: 503,
            retry_after: Some(0),
        },
    ));
    client
        .list_agents()
        .call()
        .await
        .expect("retried past the 503");

    sim.fault(Rule::next(
        "create_agent",
        1,
        Fault::Status {
            status: 500,
            retry_after: None,
        },
    ));
    let error = client
        .create_agent()
        .body_map(|b| {
            b.project_id(PROJECT)
                .name("Nova")
                .config(nova().to_string())
        })
        .call()
        .await
        .expect_err("a create is not retried");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    // Nothing was created by the failed request.
    let agents = client.list_agents().call().await.expect("listed");
    assert!(agents.data.is_empty());

    sim.fault(Rule::next("get_agent", 5, Fault::Drop));
    let error = client
        .get_agent()
        .agent_id("cm0000000000000000000000")
        .call()
        .await
        .expect_err("dropped");
    assert_eq!(error.kind(), ErrorKind::Connection, "{error}");
}

#[tokio::test]
async fn bad_requests_get_a_clear_answer_and_leave_the_state_alone() {
    let sim = sim().await;
    let http = reqwest::Client::new();
    let key = sim.api_key().to_string();
    let url = |path: &str| format!("{}{path}", sim.base_url());
    let send = |request: reqwest::RequestBuilder| {
        let key = key.clone();
        async move {
            let response = request
                .header("x-api-key", key)
                .send()
                .await
                .expect("answered");
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            (status, body)
        }
    };
    let (status, body) = send(http.post(url("/api/v2/ai-agents")).body("{not json")).await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = send(
        http.post(url("/api/v2/ai-agents"))
            .json(&json!({"projectId": PROJECT, "name": 7, "config": "{}"})),
    )
    .await;
    assert_eq!(status, 400);
    // A sentence naming the operation and the field.
    assert!(
        body.starts_with("create_agent: ") && body.contains("`/name`"),
        "{body}"
    );
    let (status, _) = send(
        http.post(url("/api/v2/ai-agents"))
            .body(vec![b' '; 5 * 1024 * 1024]),
    )
    .await;
    assert_eq!(status, 413);
    let (status, body) = send(http.get(url("/api/v1/nothing-here"))).await;
    assert_eq!(status, 404, "{body}");
    let (status, _) = send(http.get(url("/api/v1/ai-agents?size=0"))).await;
    assert_eq!(status, 400);
    assert_eq!(sim.state()["world"]["agents"], json!({}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundreds_of_concurrent_requests_leave_a_whole_state() {
    let sim = sim().await;
    let client = sim.client().expect("a client");
    let creates = (0..200).map(|_| {
        let client = client.clone();
        async move { draft(&client).await.id }
    });
    let ids = futures_util::future::join_all(creates).await;
    let unique: std::collections::BTreeSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), 200);
    let listed: Vec<_> = client
        .list_agents()
        .size(7)
        .stream()
        .try_collect()
        .await
        .expect("listed");
    assert_eq!(listed.len(), 200);
    assert_eq!(
        sim.state()["world"]["agents"].as_object().map(|a| a.len()),
        Some(200)
    );
}

#[tokio::test]
async fn subscriptions_need_a_payment_method_and_a_project_without_one_is_a_404() {
    let sim = sim().await;
    let client = sim.client().expect("a client");
    let error = client
        .list_subscriptions()
        .project_id(PROJECT)
        .call()
        .await
        .expect_err("404");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    let error = client
        .create_subscription()
        .body_map(|b| {
            b.project_id(PROJECT)
                .product(fleek_api::types::SubscriptionProduct {
                    id: "prod_sim".into(),
                    quantity: std::num::NonZeroU32::MIN,
                })
        })
        .call()
        .await
        .expect_err("no card");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(402));
    let checkout = client
        .create_checkout_session()
        .body_map(|b| {
            b.project_id(PROJECT)
                .plan_id("plan_sim_starter".to_string())
        })
        .call()
        .await
        .expect("a checkout URL");
    assert!(checkout.url.starts_with(sim.base_url()), "{}", checkout.url);
}

#[tokio::test]
async fn a_provisioned_simulator_gives_each_project_a_card_and_a_subscription_once() {
    let sim = fleek_api::sim::Simulator::builder()
        .provisioned(true)
        .start()
        .await
        .expect("the simulator starts");
    let client = sim.client().expect("a client");
    for project in [PROJECT, "any-other-project"] {
        let cards = client
            .list_payment_methods()
            .project_id(project)
            .call()
            .await
            .expect("cards");
        assert_eq!(cards.data.len(), 1, "{project}");
        let card = client
            .get_payment_method()
            .payment_method_id(cards.data[0].id.as_str())
            .call()
            .await
            .expect("the card");
        assert_eq!(card.id, cards.data[0].id);
        let created = client
            .create_subscription()
            .body_map(|b| {
                b.project_id(project)
                    .product(fleek_api::types::SubscriptionProduct {
                        id: "prod_sim".into(),
                        quantity: std::num::NonZeroU32::MIN,
                    })
            })
            .call()
            .await
            .expect("a card is saved: subscribed");
        let listed = client
            .list_subscriptions()
            .project_id(project)
            .call()
            .await
            .expect("listed");
        let fleek_api::types::SubscriptionList::Array(listed) = listed else {
            panic!("the plain profile answers a list: {listed:?}");
        };
        let ids: Vec<String> = listed.iter().map(|s| s.id.to_string()).collect();
        assert_eq!(
            ids.len(),
            2,
            "the provisioned one and the new one, once: {ids:?}"
        );
        assert!(ids.contains(&created.id.to_string()), "{ids:?}");
    }
    // A reset keeps the simulator provisioned.
    sim.reset();
    let cards = client
        .list_payment_methods()
        .project_id(PROJECT)
        .call()
        .await
        .expect("cards");
    assert_eq!(cards.data.len(), 1);
}

#[tokio::test]
async fn the_specs_example_ids_exist_in_a_simulator_started_with_examples() {
    use fleek_api::sim::{
        EXAMPLE_AGENT, EXAMPLE_PAYMENT_METHOD, EXAMPLE_PROJECT, EXAMPLE_SUBSCRIPTION,
    };
    let sim = fleek_api::sim::Simulator::builder()
        .boot_time(Duration::from_millis(20))
        .examples(true)
        .start()
        .await
        .expect("the simulator starts");
    assert!(
        sim.requests().is_empty(),
        "seeding leaves no request behind"
    );
    let client = sim.client().expect("a client");
    let agent = client
        .get_agent()
        .agent_id(EXAMPLE_AGENT)
        .call()
        .await
        .expect("the example agent");
    assert_eq!(
        (agent.name.as_str(), agent.project_id.as_str()),
        ("Nova", EXAMPLE_PROJECT)
    );
    sim.advance(Duration::from_secs(1));
    assert!(client
        .get_agent_status()
        .agent_id(EXAMPLE_AGENT)
        .call()
        .await
        .expect("its status")
        .is_running());
    let subscription = client
        .get_subscription()
        .subscription_id(EXAMPLE_SUBSCRIPTION)
        .call()
        .await;
    assert!(subscription.is_ok(), "{subscription:?}");
    let card = client
        .get_payment_method()
        .payment_method_id(EXAMPLE_PAYMENT_METHOD)
        .call()
        .await
        .expect("the example card");
    assert_eq!(card.id, EXAMPLE_PAYMENT_METHOD);
    let page = client
        .list_agents()
        .project_id(EXAMPLE_PROJECT)
        .call()
        .await
        .expect("listed");
    assert_eq!(page.data.len(), 1);
}

/// The status of a call that failed with one.
fn failed<T>(result: Result<T, fleek_api::Error>) -> Option<u16> {
    result.err().and_then(|e| e.status()).map(|s| s.as_u16())
}

/// Every operation of the spec, driven through the client to a 2xx (the proxy's own
/// answers excepted: the agent's API decides them), in the plain and in the quirks profile.
/// The simulator checks each of its success answers against the spec's schemas and answers
/// 500 for one that breaks them, so a pass means every answer fits the spec; the client
/// reading the quirky answers means it reads both spellings of what the guide and Fleek's
/// clients disagree on.
#[tokio::test]
async fn every_operation_answers_within_the_spec_in_both_profiles() {
    for quirks in [false, true] {
        let mut called: Vec<&str> = Vec::new();
        let sim = Simulator::builder()
            .boot_time(Duration::ZERO)
            .quirks(quirks)
            .start()
            .await
            .expect("a simulator");
        let client = sim.client().expect("a client");
        macro_rules! call {
            ($op:literal, $request:expr) => {{
                called.push($op);
                match $request.call().await {
                    Ok(value) => value,
                    Err(e) => panic!("{} (quirks: {quirks}): {e}", $op),
                }
            }};
        }
        call!("list_framework_versions", client.list_framework_versions());
        let plans = call!("list_plans", client.list_plans());
        call!(
            "create_agent_legacy",
            client
                .create_agent_legacy()
                .body_map(|b| b.project_id(PROJECT).name("Old").config(nova().to_string()))
        );
        let agent = call!(
            "create_agent",
            client.create_agent().body_map(|b| b
                .project_id(PROJECT)
                .name("Nova")
                .config(nova().to_string()))
        );
        let id = agent.id.as_str();
        call!(
            "update_agent",
            client
                .update_agent()
                .agent_id(id)
                .body_map(|b| b.public_chat(true))
        );
        call!("publish_agent", client.publish_agent().agent_id(id));
        let agent = call!("get_agent", client.get_agent().agent_id(id));
        assert_eq!(agent.status, AgentStatus::Running);
        assert!(agent.character_file.is_some(), "read under either spelling");
        let raw = client
            .get_agent()
            .agent_id(id)
            .call_raw()
            .await
            .expect("the answer");
        let raw: Value = serde_json::from_slice(raw.body()).expect("JSON");
        assert_eq!(raw.get("character_file").is_some(), quirks, "{raw}");
        assert_eq!(raw["slotNumber"].is_string(), quirks, "{raw}");
        call!("get_agent_status", client.get_agent_status().agent_id(id));
        call!("get_public_agent", client.get_public_agent().agent_id(id));
        call!(
            "get_agent_attestation",
            client.get_agent_attestation().agent_id(id)
        );
        call!("get_agent_logs", client.get_agent_logs().agent_id(id));
        call!("list_agents", client.list_agents());
        call!("proxy_get", client.proxy_get().agent_id(id).key("agents"));
        let eliza = client.agent_api(id).eliza_agents().await.expect("agents")[0]
            .id
            .clone();
        call!(
            "proxy_post",
            client
                .proxy_post()
                .agent_id(id)
                .key(format!("{eliza}/message"))
                .body(json!({"text": "Hi"}))
        );
        // Eliza has no PUT, PATCH or DELETE on `agents`: its 404 passes through.
        for (op, status) in [
            (
                "proxy_put",
                failed(
                    client
                        .proxy_put()
                        .agent_id(id)
                        .key("agents")
                        .body(json!({}))
                        .call()
                        .await,
                ),
            ),
            (
                "proxy_patch",
                failed(
                    client
                        .proxy_patch()
                        .agent_id(id)
                        .key("agents")
                        .body(json!({}))
                        .call()
                        .await,
                ),
            ),
            (
                "proxy_delete",
                failed(
                    client
                        .proxy_delete()
                        .agent_id(id)
                        .key("agents")
                        .call()
                        .await,
                ),
            ),
        ] {
            called.push(op);
            assert_eq!(status, Some(404), "{op}");
        }
        call!("stop_agent", client.stop_agent().agent_id(id));
        call!("start_agent", client.start_agent().agent_id(id));

        // Billing: a card saved through the hosted portal, then a subscription.
        let portal = call!(
            "create_payment_portal_session",
            client
                .create_payment_portal_session()
                .body_map(|b| b.project_id(PROJECT))
        );
        reqwest::get(&portal.url)
            .await
            .expect("the portal")
            .error_for_status()
            .expect("completed");
        let cards = call!(
            "list_payment_methods",
            client.list_payment_methods().project_id(PROJECT)
        );
        call!(
            "get_payment_method",
            client
                .get_payment_method()
                .payment_method_id(cards.data[0].id.as_str())
        );
        let product = fleek_api::types::SubscriptionProduct {
            id: plans[0].id.clone(),
            quantity: std::num::NonZeroU32::MIN,
        };
        let subscription = call!(
            "create_subscription",
            client
                .create_subscription()
                .body_map(|b| b.project_id(PROJECT).product(product.clone()))
        );
        let sub = subscription.id.as_str();
        call!(
            "update_subscription_quantity",
            client
                .update_subscription_quantity()
                .subscription_id(sub)
                .body_map(|b| b.project_id(PROJECT).update_by(2))
        );
        let three = fleek_api::types::SubscriptionProduct {
            quantity: std::num::NonZeroU32::new(3).expect("3"),
            ..product
        };
        call!(
            "set_subscription_quantity",
            client
                .set_subscription_quantity()
                .subscription_id(sub)
                .body_map(|b| b.project_id(PROJECT).product(three))
        );
        call!(
            "get_subscription",
            client.get_subscription().subscription_id(sub)
        );
        call!(
            "list_subscriptions",
            client.list_subscriptions().project_id(PROJECT)
        );
        call!(
            "create_checkout_session",
            client
                .create_checkout_session()
                .body_map(|b| b.project_id(PROJECT).plan_id(plans[0].id.clone()))
        );
        let cancelled = call!(
            "cancel_subscription",
            client.cancel_subscription().subscription_id(sub)
        );
        assert_eq!(
            cancelled.status.as_str(),
            "Active",
            "active until the period ends"
        );
        call!("delete_agent", client.delete_agent().agent_id(id));

        let mut all = crate::common::operation_ids();
        all.sort();
        let mut called: Vec<String> = called.iter().map(|s| s.to_string()).collect();
        called.sort();
        called.dedup();
        assert_eq!(called, all, "every operation of the spec, once");
    }
}

/// The admin routes, as a test in another language uses them: faults, the clock, the
/// state, a reset; never mixed up with the API's paths.
#[tokio::test]
async fn the_admin_routes_set_faults_advance_the_clock_dump_and_reset() {
    let sim = sim().await;
    let client = sim.client().expect("a client");
    let http = reqwest::Client::new();
    let admin = |path: &str| format!("{}/_sim/{path}", sim.base_url());

    let fault = json!({"operation": "list_agents",
                       "fault": {"kind": "status", "status": 429, "retry_after": 7},
                       "times": {"next": 1}});
    let set = http
        .post(admin("faults"))
        .json(&fault)
        .send()
        .await
        .expect("sent");
    assert_eq!(set.status().as_u16(), 204);
    let limited = http
        .get(format!("{}/api/v1/ai-agents", sim.base_url()))
        .header("x-api-key", sim.api_key())
        .send()
        .await
        .expect("answered");
    assert_eq!(limited.status().as_u16(), 429);
    assert_eq!(limited.headers()["retry-after"], "7");
    let bad = http
        .post(admin("faults"))
        .json(&json!({"fault": "no"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(bad.status().as_u16(), 400);

    let agent = draft(&client).await;
    publish(&client, agent.id.as_str()).await;
    let advanced = http
        .post(admin("clock"))
        .json(&json!({"advance_ms": 5000}))
        .send()
        .await
        .expect("sent");
    assert_eq!(advanced.status().as_u16(), 204);
    let state: Value = http
        .get(admin("state"))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        state["world"]["agents"][agent.id.as_str()]["agent"]["status"],
        "Running"
    );

    let reset = http.post(admin("reset")).send().await.expect("sent");
    assert_eq!(reset.status().as_u16(), 204);
    let error = client
        .get_agent()
        .agent_id(agent.id.as_str())
        .call()
        .await
        .expect_err("forgotten");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
}

/// A deployment resumed as the notes describe Fleek's states: a stopped agent is started,
/// and a flaky status endpoint (503 with `Retry-After`, twice) is waited out.
#[tokio::test]
async fn a_deployment_resumes_a_stopped_agent_through_a_flaky_status() {
    let sim = Simulator::builder()
        .boot_time(Duration::from_millis(200))
        .start()
        .await
        .expect("a simulator");
    let client = sim.client().expect("a client");
    let nova = character(nova());
    let id = client
        .deploy(PROJECT, &nova)
        .run(|_| {})
        .await
        .expect("deployed");
    client
        .stop_agent()
        .agent_id(id.as_str())
        .call()
        .await
        .expect("stopped");
    sim.fault(Rule::next(
        "get_agent_status",
        2,
        Fault::Status {
            status: 503,
            retry_after: Some(0),
        },
    ));
    let mut events = Vec::new();
    let again = client
        .deploy(PROJECT, &nova)
        .agent_id(id.as_str())
        .timeout(Duration::from_secs(30))
        .run(|event| events.push(format!("{event:?}")))
        .await
        .expect("resumed");
    assert_eq!(again, id);
    assert!(
        events.iter().any(|e| e.starts_with("Started")),
        "{events:?}"
    );
    let agent = read(&client, id.as_str()).await;
    assert_eq!(agent.status, AgentStatus::Running);
}

/// A create whose answer is lost (the service made the agent; the client saw the
/// connection break): the deployment names the draft it most likely made, so that a retry
/// resumes it instead of making a second agent; the retry then runs it.
#[tokio::test]
async fn a_lost_create_answer_names_the_draft_and_a_retry_resumes_it() {
    let sim = Simulator::builder()
        .boot_time(Duration::from_millis(200))
        .start()
        .await
        .expect("a simulator");
    let client = sim.client().expect("a client");
    sim.fault(Rule::next("create_agent", 1, Fault::LoseAnswer));
    let nova = character(nova());
    let error = client
        .deploy(PROJECT, &nova)
        .run(|_| {})
        .await
        .expect_err("the answer was lost");
    let agents = sim.state()["world"]["agents"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    assert_eq!(agents.len(), 1, "the create happened");
    let made = agents.keys().next().expect("one").clone();
    assert_eq!(error.agent_id(), Some(made.as_str()), "{error}");
    assert!(
        error.to_string().contains(&format!("--agent {made}")),
        "{error}"
    );

    let id = client
        .deploy(PROJECT, &nova)
        .agent_id(made.as_str())
        .run(|_| {})
        .await
        .expect("resumed");
    assert_eq!(id, made);
    assert_eq!(
        sim.state()["world"]["agents"].as_object().map(|a| a.len()),
        Some(1),
        "no second agent"
    );
}
