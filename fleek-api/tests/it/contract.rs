//! The contract test: every operation through the client against Prism, an independent
//! implementation of the spec that rejects requests the spec does not allow and answers
//! with the spec's examples. `cargo xtask contract` starts Prism and runs these with
//! `FLEEK_CONTRACT_URL` set; a plain `cargo test` skips them (they are `#[ignore]`d).

use crate::common::{AGENT, PROJECT, SUBSCRIPTION};
use fleek_api::{types, Call, Client, RetryPolicy};
use serde_json::Value;

fn prism() -> Client {
    let url = std::env::var("FLEEK_CONTRACT_URL")
        .expect("FLEEK_CONTRACT_URL names the Prism mock server; run `cargo xtask contract`");
    Client::builder()
        .api_key(crate::common::KEY)
        .base_url(url)
        .retry(RetryPolicy::none())
        .build()
        .expect("a valid configuration")
}

fn body<T: serde::de::DeserializeOwned>(operation: &str) -> T {
    serde_json::from_value(crate::common::request_example(operation)).expect("the example fits")
}

/// The decoded answer, written back, against the spec's example (the character file's
/// spelling aside: the client writes `characterFile`).
fn same_as_example<T: serde::Serialize>(operation: &str, decoded: &T) -> Result<(), String> {
    let written =
        crate::common::without_nulls(serde_json::to_value(decoded).map_err(|e| e.to_string())?);
    let example = crate::common::without_nulls(crate::common::response_example(operation));
    let normalize = |value: Value| {
        value
            .to_string()
            .replace("\"character_file\"", "\"characterFile\"")
    };
    let (written, example) = (normalize(written), normalize(example));
    // Object keys may come in another order; compare as values.
    let written: Value = serde_json::from_str(&written).map_err(|e| e.to_string())?;
    let example: Value = serde_json::from_str(&example).map_err(|e| e.to_string())?;
    if written == example {
        Ok(())
    } else {
        Err(format!(
            "decoded {written} differs from the example {example}"
        ))
    }
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn every_operation_is_accepted_by_prism_and_its_answer_decodes() {
    let client = prism();
    let mut failures = Vec::new();
    let mut ran = 0;
    macro_rules! check {
        ($operation:literal, $call:expr, json) => {{
            ran += 1;
            match $call.await {
                Ok(decoded) => {
                    if let Err(e) = same_as_example($operation, &decoded) {
                        failures.push(format!("{}: {e}", $operation));
                    }
                }
                Err(e) => failures.push(format!("{}: {e}", $operation)),
            }
        }};
        ($operation:literal, $call:expr, any) => {{
            ran += 1;
            if let Err(e) = $call.await {
                failures.push(format!("{}: {e}", $operation));
            }
        }};
    }
    check!(
        "list_agents",
        client
            .list_agents()
            .size(25)
            .project_id(PROJECT)
            .cursor("c")
            .call(),
        json
    );
    check!(
        "create_agent",
        client
            .create_agent()
            .body(body::<types::CreateAgentRequest>("create_agent"))
            .call(),
        json
    );
    let legacy = client
        .create_agent_legacy()
        .body(body::<types::LegacyCreateAgentRequest>(
            "create_agent_legacy",
        ))
        .call();
    check!("create_agent_legacy", legacy, json);
    check!(
        "publish_agent",
        client.publish_agent().agent_id(AGENT).call(),
        json
    );
    check!("get_agent", client.get_agent().agent_id(AGENT).call(), json);
    check!(
        "update_agent",
        client
            .update_agent()
            .agent_id(AGENT)
            .body(body::<types::UpdateAgentRequest>("update_agent"))
            .call(),
        json
    );
    check!(
        "delete_agent",
        client.delete_agent().agent_id(AGENT).call(),
        json
    );
    check!(
        "get_agent_logs",
        client.get_agent_logs().agent_id(AGENT).size(30).call(),
        json
    );
    check!(
        "get_agent_status",
        client.get_agent_status().agent_id(AGENT).call(),
        json
    );
    check!(
        "start_agent",
        client.start_agent().agent_id(AGENT).call(),
        any
    );
    check!(
        "stop_agent",
        client.stop_agent().agent_id(AGENT).call(),
        any
    );
    check!(
        "get_agent_attestation",
        client.get_agent_attestation().agent_id(AGENT).call(),
        any
    );
    check!(
        "proxy_get",
        client.proxy_get().agent_id(AGENT).key("agents").call(),
        any
    );
    check!(
        "proxy_post",
        client
            .proxy_post()
            .agent_id(AGENT)
            .key("message")
            .body(crate::common::request_example("proxy_post"))
            .call(),
        any
    );
    check!(
        "proxy_put",
        client
            .proxy_put()
            .agent_id(AGENT)
            .key("settings")
            .body(crate::common::request_example("proxy_put"))
            .call(),
        any
    );
    check!(
        "proxy_patch",
        client
            .proxy_patch()
            .agent_id(AGENT)
            .key("settings")
            .body(crate::common::request_example("proxy_patch"))
            .call(),
        any
    );
    check!(
        "proxy_delete",
        client.proxy_delete().agent_id(AGENT).key("memories").call(),
        any
    );
    check!("list_plans", client.list_plans().call(), json);
    check!(
        "list_subscriptions",
        client.list_subscriptions().project_id(PROJECT).call(),
        json
    );
    check!(
        "create_subscription",
        client
            .create_subscription()
            .body(body::<types::CreateSubscriptionRequest>(
                "create_subscription"
            ))
            .call(),
        json
    );
    check!(
        "update_subscription_quantity",
        client
            .update_subscription_quantity()
            .subscription_id(SUBSCRIPTION)
            .body(body::<types::UpdateSubscriptionQuantityRequest>(
                "update_subscription_quantity"
            ))
            .call(),
        json
    );
    check!(
        "cancel_subscription",
        client
            .cancel_subscription()
            .subscription_id(SUBSCRIPTION)
            .call(),
        json
    );
    check!(
        "list_payment_methods",
        client.list_payment_methods().project_id(PROJECT).call(),
        json
    );
    check!(
        "create_payment_portal_session",
        client
            .create_payment_portal_session()
            .body(body::<types::PaymentPortalRequest>(
                "create_payment_portal_session"
            ))
            .call(),
        json
    );
    check!(
        "get_subscription",
        client
            .get_subscription()
            .subscription_id(SUBSCRIPTION)
            .call(),
        json
    );
    check!(
        "set_subscription_quantity",
        client
            .set_subscription_quantity()
            .subscription_id(SUBSCRIPTION)
            .body(body::<types::SetSubscriptionQuantityRequest>(
                "set_subscription_quantity"
            ))
            .call(),
        json
    );
    check!(
        "create_checkout_session",
        client
            .create_checkout_session()
            .body(body::<types::CheckoutRequest>("create_checkout_session"))
            .call(),
        json
    );
    check!(
        "get_payment_method",
        client
            .get_payment_method()
            .payment_method_id("pm_IxuwEtErgYZejkQl")
            .call(),
        json
    );
    check!(
        "list_framework_versions",
        client.list_framework_versions().call(),
        json
    );
    check!(
        "get_public_agent",
        client.get_public_agent().agent_id(AGENT).call(),
        json
    );
    assert_eq!(
        ran,
        crate::common::operation_ids().len(),
        "every operation of the spec"
    );
    assert!(
        failures.is_empty(),
        "{} of {ran} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn prism_rejects_what_the_spec_does_not_allow() {
    // Proof that Prism validates: the same call without the key, and with a body the spec
    // refuses, are turned away.
    let url = std::env::var("FLEEK_CONTRACT_URL").expect("set by `cargo xtask contract`");
    let http = reqwest::Client::new();
    let no_key = http
        .get(format!("{url}/api/v1/plans"))
        .send()
        .await
        .expect("answer");
    assert_eq!(no_key.status(), 401);
    let bad_body = http
        .post(format!("{url}/api/v2/ai-agents"))
        .header("x-api-key", crate::common::KEY)
        .json(&serde_json::json!({"name": "no project, no config"}))
        .send()
        .await
        .expect("answer");
    assert_eq!(bad_body.status(), 422);
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn an_agent_token_client_is_accepted_where_the_spec_says() {
    let url = std::env::var("FLEEK_CONTRACT_URL").expect("set by `cargo xtask contract`");
    let client = Client::builder()
        .agent_token("pt_5f1c2e9a7b")
        .base_url(&url)
        .retry(RetryPolicy::none())
        .build()
        .expect("a valid configuration");
    let agent = client
        .get_public_agent()
        .agent_id(AGENT)
        .call()
        .await
        .expect("Prism accepts X-Agent-Token");
    same_as_example("get_public_agent", &agent).expect("the example");
    let status = client
        .get_agent_status()
        .agent_id(AGENT)
        .call()
        .await
        .expect("Prism accepts X-Agent-Token");
    assert!(status.is_running());
    client
        .proxy_get()
        .agent_id(AGENT)
        .key("agents")
        .call()
        .await
        .expect("Prism accepts X-Agent-Token");
    // Attestation takes no credential at all.
    client
        .get_agent_attestation()
        .agent_id(AGENT)
        .call()
        .await
        .expect("Prism accepts no credential");
    // And Prism itself refuses the token where the spec does not list it.
    let refused = reqwest::Client::new()
        .get(format!("{url}/api/v1/plans"))
        .header("x-agent-token", "pt_5f1c2e9a7b")
        .send()
        .await
        .expect("answer");
    assert_eq!(refused.status(), 401);
}
