//! Retries, counted on the wire: which requests are sent again, how often, and after what.

use std::time::{Duration, Instant};

use crate::common::AGENT;
use crate::common::{nothing_listening, retrying_client, traced, HangUpServer};
use fleek_api::{types, Call, ErrorKind};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn requests(server: &MockServer) -> usize {
    crate::common::received(server).await.len()
}

/// A server that answers `status` `failures` times, then serves `success`.
async fn flaky(status: u16, failures: u64, success: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status))
        .up_to_n_times(failures)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(success)
        .mount(&server)
        .await;
    server
}

fn agent_json() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(crate::common::response_example("get_agent"))
}

#[tokio::test]
async fn a_get_is_retried_on_every_transient_status_until_it_succeeds() {
    for status in [408, 429, 500, 502, 503, 504] {
        let server = flaky(status, 2, agent_json()).await;
        let client = retrying_client(&server.uri(), 3);
        let agent = client.get_agent().agent_id(AGENT).call().await;
        assert!(agent.is_ok(), "{status}: {agent:?}");
        assert_eq!(requests(&server).await, 3, "{status}");
    }
}

#[tokio::test]
async fn retries_stop_at_the_policy_limit_and_the_last_error_is_returned() {
    let server = flaky(503, 100, agent_json()).await;
    let client = retrying_client(&server.uri(), 4);
    let error = client
        .get_agent()
        .agent_id(AGENT)
        .call()
        .await
        .expect_err("always 503");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests(&server).await, 4);
}

#[tokio::test]
async fn a_client_error_is_not_retried() {
    for status in [400, 401, 403, 404, 409, 422] {
        let server = flaky(status, 100, agent_json()).await;
        let client = retrying_client(&server.uri(), 5);
        let error = client
            .get_agent()
            .agent_id(AGENT)
            .call()
            .await
            .expect_err("fails");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(requests(&server).await, 1, "{status}");
    }
}

#[tokio::test]
async fn put_and_delete_are_retried() {
    let server = flaky(502, 1, agent_json()).await;
    let client = retrying_client(&server.uri(), 3);
    client
        .update_agent()
        .agent_id(AGENT)
        .body_map(|b| b.name(Some("Nova".into())))
        .call()
        .await
        .expect("second attempt succeeds");
    assert_eq!(requests(&server).await, 2);

    let server = flaky(
        500,
        1,
        ResponseTemplate::new(200).set_body_json(json!({"id": AGENT})),
    )
    .await;
    let client = retrying_client(&server.uri(), 3);
    client
        .delete_agent()
        .agent_id(AGENT)
        .call()
        .await
        .expect("retried");
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn operations_that_are_not_idempotent_are_never_resent_after_an_answer() {
    let server = flaky(503, 100, ResponseTemplate::new(200)).await;
    let client = retrying_client(&server.uri(), 5);
    let portal = types::PaymentPortalRequest {
        project_id: "p1".parse().expect("valid"),
    };
    let results = [
        client.publish_agent().agent_id(AGENT).call().await.err(),
        client.start_agent().agent_id(AGENT).call().await.err(),
        client.stop_agent().agent_id(AGENT).call().await.err(),
        client
            .create_agent()
            .body_map(|b| b.project_id("p1").name("Nova").config("{}"))
            .call()
            .await
            .err(),
        client
            .create_subscription()
            .body_map(|b| {
                b.project_id("p1").product(types::SubscriptionProduct {
                    id: "prod_1".into(),
                    quantity: std::num::NonZeroU32::MIN,
                })
            })
            .call()
            .await
            .err(),
        client
            .update_subscription_quantity()
            .subscription_id("sub_1")
            .body_map(|b| b.project_id("p1").update_by(1))
            .call()
            .await
            .err(),
        client
            .proxy_post()
            .agent_id(AGENT)
            .key("message")
            .body(json!({}))
            .call()
            .await
            .err(),
        client
            .proxy_patch()
            .agent_id(AGENT)
            .key("x")
            .body(json!({}))
            .call()
            .await
            .err(),
    ];
    for error in &results {
        let error = error.as_ref().expect("503 fails");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error}");
    }
    // Eight calls, eight requests: none was sent twice.
    assert_eq!(requests(&server).await, results.len());
    // The payment portal session is a PUT, but no source says whether a second call opens a
    // second session: the spec marks it `x-idempotent: false`, and it is not re-sent either.
    let error = client
        .create_payment_portal_session()
        .body(portal)
        .call()
        .await
        .expect_err("503");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests(&server).await, results.len() + 1);
}

#[tokio::test]
async fn a_post_whose_connection_broke_after_sending_is_not_resent() {
    let server = HangUpServer::start().await;
    let client = retrying_client(&server.url, 5);
    let error = client
        .publish_agent()
        .agent_id(AGENT)
        .call()
        .await
        .expect_err("no answer");
    assert_eq!(error.kind(), ErrorKind::Connection, "{error}");
    assert_eq!(server.count(), 1, "the request reached the server once");
}

#[tokio::test]
async fn a_get_whose_connection_broke_is_resent() {
    let server = HangUpServer::start().await;
    let client = retrying_client(&server.url, 3);
    let error = client
        .get_agent()
        .agent_id(AGENT)
        .call()
        .await
        .expect_err("no answer");
    assert_eq!(error.kind(), ErrorKind::Connection, "{error}");
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn a_post_that_could_not_connect_is_retried() {
    let client = retrying_client(&nothing_listening(), 3);
    let (result, trace) = traced(client.publish_agent().agent_id(AGENT).call()).await;
    let error = result.expect_err("nothing listens");
    assert_eq!(error.kind(), ErrorKind::Connection, "{error}");
    assert_eq!(trace.matches("retrying").count(), 2, "{trace}");
}

#[tokio::test]
async fn retry_after_in_seconds_is_waited_for() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(agent_json())
        .mount(&server)
        .await;
    let client = retrying_client(&server.uri(), 3);
    let started = Instant::now();
    client
        .get_agent()
        .agent_id(AGENT)
        .call()
        .await
        .expect("second attempt");
    // A lower bound only: the client waited at least what the server asked.
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_waited_for() {
    let server = MockServer::start().await;
    let at = std::time::SystemTime::now() + Duration::from_secs(2);
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(503).insert_header("retry-after", httpdate::fmt_http_date(at)),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(agent_json())
        .mount(&server)
        .await;
    let client = retrying_client(&server.uri(), 3);
    client
        .get_agent()
        .agent_id(AGENT)
        .call()
        .await
        .expect("second attempt");
    let arrivals = crate::common::received(&server).await;
    assert_eq!(arrivals.len(), 2);
    // HTTP dates have one-second resolution: the retry came no earlier than a second before
    // the date named.
    assert!(std::time::SystemTime::now() + Duration::from_secs(1) >= at);
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_returns_the_error_at_once() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .mount(&server)
        .await;
    let client = retrying_client(&server.uri(), 5);
    let error = client
        .get_agent()
        .agent_id(AGENT)
        .call()
        .await
        .expect_err("429");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert!(error.to_string().contains("slow down"), "{error}");
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn retries_can_be_switched_off() {
    let server = flaky(503, 100, agent_json()).await;
    let client = crate::common::client_for(&server.uri());
    assert_eq!(client.retry_policy().max_attempts(), 1);
    client
        .get_agent()
        .agent_id(AGENT)
        .call()
        .await
        .expect_err("503");
    assert_eq!(requests(&server).await, 1);
}
