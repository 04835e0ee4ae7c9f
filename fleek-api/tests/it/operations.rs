//! Every operation of the spec, through the generated client, against a loopback server:
//! the request on the wire is snapshotted (method, path, query, headers with the key masked,
//! body), request bodies are the spec's own examples, and the spec's response example for
//! the operation must decode and say the same thing when written back.

use crate::common::{
    assert_same_json, only_request, read, request_example, respond, response_example, setup, KEY,
};
use crate::common::{AGENT, PROJECT, SUBSCRIPTION};
use fleek_api::{types, Call};
use serde_json::{json, Value};
use wiremock::ResponseTemplate;

/// Serves the spec's 2XX example of `operation`, as 200.
fn example_response(operation: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(response_example(operation))
}

/// The hand-written `Agent` writes the character file as `characterFile` whichever spelling
/// it read; the example is compared in that spelling.
fn as_written_agent(mut example: Value) -> Value {
    if let Some(map) = example.as_object_mut() {
        if let Some(text) = map.remove("character_file") {
            map.insert("characterFile".into(), text);
        }
    }
    example
}

fn body<T: serde::de::DeserializeOwned>(operation: &str) -> T {
    serde_json::from_value(request_example(operation)).expect("the request example fits the type")
}

/// Asserts that the JSON body sent is exactly the spec's request example.
fn assert_sent_example(request: &wiremock::Request, operation: &str) {
    let sent: Value = serde_json::from_slice(&request.body).expect("a JSON body was sent");
    assert_eq!(sent, request_example(operation));
}

#[tokio::test]
async fn list_agents() {
    let (server, client) = setup().await;
    respond(&server, example_response("list_agents")).await;
    let page = client
        .list_agents()
        .size(25)
        .cursor("Y203YjJxM3Z4")
        .project_id(PROJECT)
        .send()
        .await
        .expect("the example decodes")
        .into_inner();
    let mut example = response_example("list_agents");
    for agent in example["data"].as_array_mut().expect("data") {
        *agent = as_written_agent(agent.take());
    }
    assert_same_json(&page, example);
    assert_eq!(page.data[0].status, fleek_api::types::AgentStatus::Created);
    only_request(&server).await;
}

#[tokio::test]
async fn create_agent() {
    let (server, client) = setup().await;
    respond(&server, example_response("create_agent")).await;
    let agent = client
        .create_agent()
        .body(body::<types::CreateAgentRequest>("create_agent"))
        .send()
        .await
        .expect("the example decodes")
        .into_inner();
    assert_same_json(&agent, response_example("create_agent"));
    assert_eq!(agent.status, fleek_api::types::AgentStatus::Draft);
    let request = only_request(&server).await;
    assert_sent_example(&request, "create_agent");
}

#[tokio::test]
async fn create_agent_legacy() {
    let (server, client) = setup().await;
    respond(&server, example_response("create_agent_legacy")).await;
    let agent = client
        .create_agent_legacy()
        .body(body::<types::LegacyCreateAgentRequest>(
            "create_agent_legacy",
        ))
        .call()
        .await
        .expect("the example decodes");
    assert_same_json(&agent, response_example("create_agent_legacy"));
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/api/v1/ai-agents");
    assert_sent_example(&request, "create_agent_legacy");
}

#[tokio::test]
async fn publish_agent() {
    let (server, client) = setup().await;
    respond(&server, example_response("publish_agent")).await;
    let agent = client
        .publish_agent()
        .agent_id(AGENT)
        .send()
        .await
        .expect("the example decodes")
        .into_inner();
    assert_same_json(&agent, response_example("publish_agent"));
    let request = only_request(&server).await;
    assert!(request.body.is_empty(), "publish sends no body");
}

#[tokio::test]
async fn get_agent() {
    let (server, client) = setup().await;
    respond(&server, example_response("get_agent")).await;
    let agent = client
        .get_agent()
        .agent_id(AGENT)
        .send()
        .await
        .expect("the example decodes")
        .into_inner();
    assert_same_json(&agent, as_written_agent(response_example("get_agent")));
    assert!(agent.character_file.is_some(), "read from `character_file`");
    only_request(&server).await;
}

#[tokio::test]
async fn update_agent() {
    let (server, client) = setup().await;
    respond(&server, example_response("update_agent")).await;
    let agent = client
        .update_agent()
        .agent_id(AGENT)
        .body(body::<types::UpdateAgentRequest>("update_agent"))
        .send()
        .await
        .expect("the example decodes")
        .into_inner();
    assert_same_json(&agent, as_written_agent(response_example("update_agent")));
    let request = only_request(&server).await;
    assert_sent_example(&request, "update_agent");
}

#[tokio::test]
async fn update_agent_sends_only_the_fields_that_change() {
    let (server, client) = setup().await;
    respond(&server, example_response("update_agent")).await;
    client
        .update_agent()
        .agent_id(AGENT)
        .body_map(|body| body.public_chat(Some(true)))
        .send()
        .await
        .expect("the example decodes");
    let request = only_request(&server).await;
    let sent: Value = serde_json::from_slice(&request.body).expect("JSON");
    assert_eq!(sent, json!({"publicChat": true}));
}

#[tokio::test]
async fn delete_agent() {
    let (server, client) = setup().await;
    respond(&server, example_response("delete_agent")).await;
    let deleted = client
        .delete_agent()
        .agent_id(AGENT)
        .send()
        .await
        .expect("the example decodes")
        .into_inner();
    assert_same_json(&deleted, response_example("delete_agent"));
    only_request(&server).await;
}

#[tokio::test]
async fn get_agent_logs() {
    let (server, client) = setup().await;
    respond(&server, example_response("get_agent_logs")).await;
    let page = client
        .get_agent_logs()
        .agent_id(AGENT)
        .size(30)
        .cursor("czphNjU0MmRlMWVkOGM0YzVjOThhOTA4MGM1ZGMxZTk2ZDtpPTE3Njc0")
        .send()
        .await
        .expect("the example decodes")
        .into_inner();
    assert_same_json(&page, response_example("get_agent_logs"));
    assert_eq!(page.data.len(), 2);
    only_request(&server).await;
}

#[tokio::test]
async fn get_agent_status() {
    let (server, client) = setup().await;
    respond(&server, example_response("get_agent_status")).await;
    let status = client
        .get_agent_status()
        .agent_id(AGENT)
        .send()
        .await
        .expect("the example decodes")
        .into_inner();
    assert_same_json(&status, response_example("get_agent_status"));
    assert_eq!(
        status.status,
        types::AgentRunningStatusStatus::String("true".into())
    );
    only_request(&server).await;
}

#[tokio::test]
async fn start_agent() {
    let (server, client) = setup().await;
    respond(&server, ResponseTemplate::new(200)).await;
    let response = client
        .start_agent()
        .agent_id(AGENT)
        .send()
        .await
        .expect("a bodiless 200 is success");
    assert_eq!(response.status(), 200);
    let request = only_request(&server).await;
    assert!(request.body.is_empty(), "start sends no body");
}

#[tokio::test]
async fn stop_agent() {
    let (server, client) = setup().await;
    // The guide documents no body; one that arrives anyway is ignored, not an error.
    respond(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({"status": "Stopped"})),
    )
    .await;
    let response = client
        .stop_agent()
        .agent_id(AGENT)
        .send()
        .await
        .expect("a 200 with an unexpected body is still success");
    assert_eq!(response.status(), 200);
    only_request(&server).await;
}

#[tokio::test]
async fn get_agent_attestation() {
    let (server, client) = setup().await;
    // A TDX quote starts with a little-endian version 4 header; the bytes are opaque here.
    let quote: Vec<u8> = [4u8, 0, 2, 0, 0x81, 0, 0, 0]
        .into_iter()
        .chain((0..=255u8).cycle().take(1024))
        .collect();
    respond(
        &server,
        ResponseTemplate::new(200).set_body_raw(quote.clone(), "application/octet-stream"),
    )
    .await;
    let response = client
        .get_agent_attestation()
        .agent_id(AGENT)
        .send()
        .await
        .expect("bytes arrive");
    assert_eq!(read(response.into_inner()).await, quote);
    only_request(&server).await;
}

/// The Eliza answer the proxy tests serve: `GET agents`.
fn eliza_agents() -> Value {
    json!({"agents": [{"id": "b850bc30-45f8-0041-a00a-83df46d8555d", "name": "Nova",
                       "clients": ["direct"]}]})
}

#[tokio::test]
async fn proxy_get() {
    let (server, client) = setup().await;
    respond(
        &server,
        ResponseTemplate::new(200).set_body_json(eliza_agents()),
    )
    .await;
    let response = client
        .proxy_get()
        .agent_id(AGENT)
        .key("agents")
        .send()
        .await
        .expect("the answer arrives");
    let answer: Value = serde_json::from_slice(&read(response.into_inner()).await).expect("JSON");
    assert_eq!(answer, eliza_agents());
    only_request(&server).await;
}

#[tokio::test]
async fn proxy_get_sends_a_key_of_several_segments_with_its_slashes() {
    // Fleek's proxy path is `{*key}`: `agents/<id>` must arrive as two segments, each
    // encoded (a space in the name), not as `agents%2F<id>`.
    let (server, client) = setup().await;
    respond(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({"id": "b850bc30", "character": {}})),
    )
    .await;
    client
        .proxy_get()
        .agent_id(AGENT)
        .key("agents/b850bc30-45f8-0041-a00a-3a1f1a7c2b11")
        .call()
        .await
        .expect("the answer arrives");
    let request = only_request(&server).await;
    assert_eq!(
        request.url.path(),
        format!("/api/v1/ai-agents/{AGENT}/api/agents/b850bc30-45f8-0041-a00a-3a1f1a7c2b11")
    );
}

#[tokio::test]
async fn proxy_post_sends_three_segments_each_encoded() {
    // The Unreal Engine plugin's `Agents/<id>/set`, with a segment that needs encoding.
    let (server, client) = setup().await;
    respond(&server, ResponseTemplate::new(200).set_body_json(json!({}))).await;
    client
        .proxy_post()
        .agent_id(AGENT)
        .key("Agents/Nova Bot/set")
        .body(json!({"name": "Nova"}))
        .call()
        .await
        .expect("the answer arrives");
    let request = only_request(&server).await;
    assert_eq!(
        request.url.path(),
        format!("/api/v1/ai-agents/{AGENT}/api/Agents/Nova%20Bot/set")
    );
}

#[tokio::test]
async fn proxy_keys_that_would_leave_the_agent_are_refused_before_sending() {
    let (server, client) = setup().await;
    for key in [
        "../../../plans",
        "agents/../../plans",
        "a//b",
        "agents/",
        "",
        "agents?x=1",
        "a#b",
        "https://evil.example/x",
    ] {
        let error = client
            .proxy_get()
            .agent_id(AGENT)
            .key(key)
            .call()
            .await
            .expect_err(key);
        assert_eq!(
            error.kind(),
            fleek_api::ErrorKind::InvalidArgument,
            "{key}: {error}"
        );
        // An empty key is refused by its type (`ProxyPath` has `minLength: 1`), the others
        // by the wildcard's rules.
        let refusal = if key.is_empty() {
            "ProxyPath"
        } else {
            "refused"
        };
        assert!(error.to_string().contains(refusal), "{key}: {error}");
    }
    assert!(
        crate::common::received(&server).await.is_empty(),
        "a refused key sends nothing"
    );
}

/// An Eliza reply to `POST {id}/message`.
fn eliza_replies() -> Value {
    json!([{"user": "Nova", "text": "I answer questions about hosting on Fleek.", "action": "NONE"}])
}

#[tokio::test]
async fn proxy_post() {
    let (server, client) = setup().await;
    respond(
        &server,
        ResponseTemplate::new(200).set_body_json(eliza_replies()),
    )
    .await;
    let response = client
        .proxy_post()
        .agent_id(AGENT)
        .key("message")
        .body(request_example("proxy_post"))
        .send()
        .await
        .expect("the answer arrives");
    let answer: Value = serde_json::from_slice(&read(response.into_inner()).await).expect("JSON");
    assert_eq!(answer, eliza_replies());
    let request = only_request(&server).await;
    assert_sent_example(&request, "proxy_post");
}

#[tokio::test]
async fn proxy_put() {
    let (server, client) = setup().await;
    respond(&server, ResponseTemplate::new(200).set_body_string("ok")).await;
    let response = client
        .proxy_put()
        .agent_id(AGENT)
        .key("settings")
        .body(json!({"temperature": 0.2}))
        .send()
        .await
        .expect("the answer arrives");
    assert_eq!(read(response.into_inner()).await, b"ok");
    only_request(&server).await;
}

#[tokio::test]
async fn proxy_patch() {
    let (server, client) = setup().await;
    respond(
        &server,
        ResponseTemplate::new(200).set_body_string("patched"),
    )
    .await;
    let response = client
        .proxy_patch()
        .agent_id(AGENT)
        .key("settings")
        .body(json!({"verbose": true}))
        .send()
        .await
        .expect("the answer arrives");
    assert_eq!(read(response.into_inner()).await, b"patched");
    only_request(&server).await;
}

#[tokio::test]
async fn proxy_delete() {
    let (server, client) = setup().await;
    respond(&server, ResponseTemplate::new(200)).await;
    let response = client
        .proxy_delete()
        .agent_id(AGENT)
        .key("memories")
        .send()
        .await
        .expect("the answer arrives");
    assert!(read(response.into_inner()).await.is_empty());
    only_request(&server).await;
}

#[tokio::test]
async fn list_plans() {
    let (server, client) = setup().await;
    respond(&server, example_response("list_plans")).await;
    let plans = client
        .list_plans()
        .send()
        .await
        .expect("the example decodes")
        .into_inner();
    assert_same_json(&plans, response_example("list_plans"));
    assert_eq!(plans[0].price, 2000);
    only_request(&server).await;
}

#[tokio::test]
async fn list_subscriptions() {
    let (server, client) = setup().await;
    respond(&server, example_response("list_subscriptions")).await;
    let subscriptions = client
        .list_subscriptions()
        .project_id(PROJECT)
        .send()
        .await
        .expect("the example decodes")
        .into_inner();
    assert_same_json(&subscriptions, response_example("list_subscriptions"));
    only_request(&server).await;
}

#[tokio::test]
async fn create_subscription() {
    let (server, client) = setup().await;
    respond(&server, example_response("create_subscription")).await;
    let subscription = client
        .create_subscription()
        .body(body::<types::CreateSubscriptionRequest>(
            "create_subscription",
        ))
        .send()
        .await
        .expect("the example decodes")
        .into_inner();
    assert_same_json(&subscription, response_example("create_subscription"));
    let request = only_request(&server).await;
    // `planId: null` is left out rather than sent as null; the API treats both alike.
    let mut expected = request_example("create_subscription");
    expected.as_object_mut().expect("object").remove("planId");
    let sent: Value = serde_json::from_slice(&request.body).expect("JSON");
    assert_eq!(sent, expected);
}

#[tokio::test]
async fn update_subscription_quantity() {
    let (server, client) = setup().await;
    respond(&server, example_response("update_subscription_quantity")).await;
    let subscription = client
        .update_subscription_quantity()
        .subscription_id(SUBSCRIPTION)
        .body(body::<types::UpdateSubscriptionQuantityRequest>(
            "update_subscription_quantity",
        ))
        .send()
        .await
        .expect("the example decodes")
        .into_inner();
    assert_same_json(
        &subscription,
        response_example("update_subscription_quantity"),
    );
    let request = only_request(&server).await;
    assert_sent_example(&request, "update_subscription_quantity");
}

#[tokio::test]
async fn cancel_subscription() {
    let (server, client) = setup().await;
    respond(&server, example_response("cancel_subscription")).await;
    let subscription = client
        .cancel_subscription()
        .subscription_id(SUBSCRIPTION)
        .send()
        .await
        .expect("the example decodes")
        .into_inner();
    assert_same_json(&subscription, response_example("cancel_subscription"));
    assert_eq!(
        subscription.status,
        fleek_api::types::SubscriptionStatus::Active
    );
    only_request(&server).await;
}

#[tokio::test]
async fn list_payment_methods() {
    let (server, client) = setup().await;
    respond(&server, example_response("list_payment_methods")).await;
    let page = client
        .list_payment_methods()
        .project_id(PROJECT)
        .cursor("pm_IxuwEtErgYZejkQl")
        .send()
        .await
        .expect("the example decodes")
        .into_inner();
    assert_same_json(&page, response_example("list_payment_methods"));
    only_request(&server).await;
}

#[tokio::test]
async fn create_payment_portal_session() {
    let (server, client) = setup().await;
    respond(&server, example_response("create_payment_portal_session")).await;
    let session = client
        .create_payment_portal_session()
        .body(body::<types::PaymentPortalRequest>(
            "create_payment_portal_session",
        ))
        .send()
        .await
        .expect("the example decodes")
        .into_inner();
    assert_same_json(&session, response_example("create_payment_portal_session"));
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "PUT", "the corrected method");
    assert_sent_example(&request, "create_payment_portal_session");
}

#[tokio::test]
async fn get_subscription() {
    let (server, client) = setup().await;
    respond(&server, example_response("get_subscription")).await;
    let details = client
        .get_subscription()
        .subscription_id(SUBSCRIPTION)
        .call()
        .await
        .expect("the example decodes");
    assert_same_json(&details, response_example("get_subscription"));
    let subscription = details.subscription().expect("a plain subscription");
    assert_eq!(
        subscription.status,
        fleek_api::types::SubscriptionStatus::Trialing
    );
    assert_eq!(
        subscription.trial_end_date.as_deref(),
        Some("2025-01-16T00:00:00")
    );
    let request = only_request(&server).await;
    assert_eq!(
        request.url.path(),
        format!("/api/v1/subscriptions/{SUBSCRIPTION}")
    );
}

#[tokio::test]
async fn get_subscription_in_an_items_envelope() {
    // Fleek's request mocks answer with an envelope of subscriptions, each with its plan.
    let (server, client) = setup().await;
    let plan = &response_example("list_plans")[0];
    let envelope = json!({"items": [{"id": SUBSCRIPTION, "status": "Active", "plan": plan}]});
    respond(
        &server,
        ResponseTemplate::new(200).set_body_json(envelope.clone()),
    )
    .await;
    let details = client
        .get_subscription()
        .subscription_id(SUBSCRIPTION)
        .call()
        .await
        .expect("the envelope decodes");
    assert_same_json(&details, envelope);
    let subscription = details.subscription().expect("the first of the envelope");
    assert_eq!(subscription.id, SUBSCRIPTION);
    assert_eq!(
        subscription.plan.as_ref().map(|p| p.price),
        Some(plan["price"].as_i64().expect("a price"))
    );
}

#[tokio::test]
async fn set_subscription_quantity() {
    let (server, client) = setup().await;
    respond(&server, example_response("set_subscription_quantity")).await;
    let subscription = client
        .set_subscription_quantity()
        .subscription_id(SUBSCRIPTION)
        .body(body::<types::SetSubscriptionQuantityRequest>(
            "set_subscription_quantity",
        ))
        .call()
        .await
        .expect("the example decodes");
    assert_same_json(&subscription, response_example("set_subscription_quantity"));
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "PUT");
    assert_sent_example(&request, "set_subscription_quantity");
}

#[tokio::test]
async fn create_checkout_session() {
    let (server, client) = setup().await;
    respond(&server, example_response("create_checkout_session")).await;
    let session = client
        .create_checkout_session()
        .body(body::<types::CheckoutRequest>("create_checkout_session"))
        .call()
        .await
        .expect("the example decodes");
    assert_same_json(&session, response_example("create_checkout_session"));
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/api/v1/subscriptions/checkout");
    assert_sent_example(&request, "create_checkout_session");
}

#[tokio::test]
async fn create_checkout_session_with_a_plan() {
    // The platform dashboard's body: a plan instead of a product.
    let (server, client) = setup().await;
    respond(&server, example_response("create_checkout_session")).await;
    client
        .create_checkout_session()
        .body(
            types::CheckoutRequest::builder()
                .project_id(PROJECT)
                .plan_id(Some("prod_RXPrGVnrVm8Dbg".to_string())),
        )
        .call()
        .await
        .expect("the example decodes");
    let sent: Value = serde_json::from_slice(&only_request(&server).await.body).expect("JSON");
    assert_eq!(
        sent,
        json!({"projectId": PROJECT, "planId": "prod_RXPrGVnrVm8Dbg"})
    );
}

#[tokio::test]
async fn get_payment_method() {
    let (server, client) = setup().await;
    respond(&server, example_response("get_payment_method")).await;
    let card = client
        .get_payment_method()
        .payment_method_id("pm_IxuwEtErgYZejkQl")
        .call()
        .await
        .expect("the example decodes");
    assert_same_json(&card, response_example("get_payment_method"));
    assert_eq!(card.last4.as_deref(), Some("4014"));
    let request = only_request(&server).await;
    assert_eq!(
        request.url.path(),
        "/api/v1/payment-methods/pm_IxuwEtErgYZejkQl"
    );
}

#[tokio::test]
async fn list_framework_versions() {
    let (server, client) = setup().await;
    respond(&server, example_response("list_framework_versions")).await;
    let versions = client
        .list_framework_versions()
        .call()
        .await
        .expect("the example decodes");
    assert_same_json(&versions, response_example("list_framework_versions"));
    assert!(versions.versions.iter().any(|v| v == "eliza-0.1.9"));
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/api/v1/machines/images/eliza");
}

#[tokio::test]
async fn get_public_agent() {
    let (server, client) = setup().await;
    respond(&server, example_response("get_public_agent")).await;
    let agent = client
        .get_public_agent()
        .agent_id(AGENT)
        .call()
        .await
        .expect("the example decodes");
    assert_same_json(&agent, response_example("get_public_agent"));
    assert_eq!(agent.name, "Nova");
    let request = only_request(&server).await;
    assert_eq!(
        request.url.path(),
        format!("/api/v1/ai-agents/{AGENT}/public")
    );
}

#[test]
fn every_operation_in_the_spec_has_a_test_here() {
    let source = include_str!("operations.rs");
    let missing: Vec<String> = crate::common::operation_ids()
        .into_iter()
        .filter(|id| !source.contains(&format!("async fn {id}() {{")))
        .collect();
    assert!(
        missing.is_empty(),
        "operations without a test in fleek-api/tests/it/operations.rs: {}. Add an \
         `async fn <operationId>()` test there for each, like the others: it sends the \
         operation to a loopback server, checks the request and decodes the spec's response \
         example",
        missing.join(", ")
    );
    assert!(!KEY.is_empty());
}
