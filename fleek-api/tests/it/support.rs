//! What an error keeps for support: the answer's headers and request id, the JSON path of a
//! body that does not decode, no URL anywhere in it; and the settings `build()` refuses or
//! applies around them (a supplied HTTP client, the whole call's deadline).

use std::time::Duration;

use crate::common::{respond, setup, AGENT, KEY};
use fleek_api::error::BuildError;
use fleek_api::{Call, Client, ErrorKind, RetryPolicy};
use serde_json::json;
use wiremock::ResponseTemplate;

#[tokio::test]
async fn an_error_answer_keeps_its_headers_and_request_id() {
    let (server, client) = setup().await;
    respond(
        &server,
        ResponseTemplate::new(404)
            .insert_header("x-request-id", "req_7f3a")
            .insert_header("content-type", "application/json")
            .set_body_json(json!({"error": "Agent not found"})),
    )
    .await;
    let error = client
        .get_agent()
        .agent_id(AGENT)
        .call()
        .await
        .expect_err("404");
    assert_eq!(error.request_id(), Some("req_7f3a"));
    let headers = error.headers().expect("the answer's headers");
    assert_eq!(headers["content-type"], "application/json");
    assert!(error.to_string().contains("request id req_7f3a"), "{error}");
}

#[tokio::test]
async fn a_body_that_does_not_decode_names_the_json_path_and_keeps_the_headers() {
    let (server, client) = setup().await;
    let mut agent = crate::common::response_example("get_agent");
    agent["status"] = json!(7);
    respond(
        &server,
        ResponseTemplate::new(200)
            .insert_header("cf-ray", "8e1f-AMS")
            .set_body_json(&agent),
    )
    .await;
    let error = client
        .get_agent()
        .agent_id(AGENT)
        .call()
        .await
        .expect_err("a number is no status");
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(error.to_string().contains("at `status`"), "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(error.request_id(), Some("8e1f-AMS"));

    // Trailing text after the value is refused at the top level.
    let (server, client) = setup().await;
    respond(
        &server,
        ResponseTemplate::new(200).set_body_raw("[] []", "application/json"),
    )
    .await;
    let error = client.list_plans().call().await.expect_err("trailing");
    assert!(error.to_string().contains("at the top level"), "{error}");
}

#[tokio::test]
async fn a_connection_error_carries_no_url_in_its_message_or_its_sources() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry(RetryPolicy::none())
        .build()
        .expect("builds");
    let error = client
        .list_agents()
        .project_id("secret-project")
        .call()
        .await
        .expect_err("nothing listens");
    assert_eq!(error.kind(), ErrorKind::Connection);
    let mut texts = vec![error.to_string()];
    let mut source = std::error::Error::source(&error);
    while let Some(inner) = source {
        texts.push(inner.to_string());
        texts.push(format!("{inner:?}"));
        source = inner.source();
    }
    assert!(texts.len() > 2, "{texts:?}");
    for text in &texts {
        assert!(!text.contains("secret-project"), "{text}");
        assert!(!text.contains("/api/v1"), "{text}");
    }
}

#[test]
fn a_supplied_http_client_beside_the_settings_it_would_ignore_is_refused() {
    let with = |builder: fleek_api::ClientBuilder| {
        builder
            .api_key(KEY)
            .http_client(reqwest::Client::new())
            .build()
            .map(|_| ())
    };
    for (builder, setting) in [
        (Client::builder().timeout(Duration::from_secs(5)), "timeout"),
        (
            Client::builder().connect_timeout(Duration::from_secs(5)),
            "connect_timeout",
        ),
        (Client::builder().user_agent("mine/1"), "user_agent"),
    ] {
        match with(builder) {
            Err(error @ BuildError::NotApplied { .. }) => {
                assert!(error.to_string().contains(setting), "{error}")
            }
            other => panic!("{setting}: expected NotApplied, got {other:?}"),
        }
    }
    // What does apply beside it builds.
    with(Client::builder().operation_timeout(Duration::from_secs(5))).expect("applies");
    with(Client::builder().retry(RetryPolicy::none())).expect("applies");
}

#[tokio::test]
async fn the_whole_call_has_a_deadline_retries_included() {
    let (server, _) = setup().await;
    respond(&server, ResponseTemplate::new(503)).await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .retry(
            RetryPolicy::default()
                .with_max_attempts(50)
                .with_base_delay(Duration::from_millis(100))
                .with_max_delay(Duration::from_millis(100)),
        )
        .operation_timeout(Duration::from_millis(300))
        .build()
        .expect("builds");
    let error = client
        .list_plans()
        .call()
        .await
        .expect_err("never answers well");
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert!(error.to_string().contains("operation timeout"), "{error}");
    let sent = crate::common::received(&server).await.len();
    assert!(
        (1..50).contains(&sent),
        "stopped by the deadline, not by max_attempts: {sent} requests"
    );
}
