//! `call()` on every kind of operation, and the crate's `Error` for every failure a server
//! or a caller can cause: operation, status, body, JSON, advice, never the key.

use std::time::Duration;

use crate::common::AGENT;
use crate::common::{respond, setup, traced, KEY};
use fleek_api::{error::MAX_ERROR_BODY, Call, Client, ErrorKind};
use serde_json::json;
use wiremock::ResponseTemplate;

async fn get_agent_error(response: ResponseTemplate) -> fleek_api::Error {
    let (server, client) = setup().await;
    respond(&server, response).await;
    failed_get_agent(&client).await
}

/// `get_agent`'s error, checked for what every error must carry and must not.
async fn failed_get_agent(client: &Client) -> fleek_api::Error {
    let error = client
        .get_agent()
        .agent_id(AGENT)
        .call()
        .await
        .expect_err("fails");
    assert_eq!(error.operation(), "get_agent");
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains(KEY), "{text}");
    }
    error
}

#[tokio::test]
async fn call_returns_the_decoded_body() {
    let (server, client) = setup().await;
    respond(
        &server,
        ResponseTemplate::new(200).set_body_json(crate::common::response_example("get_agent")),
    )
    .await;
    let agent = client
        .get_agent()
        .agent_id(AGENT)
        .call()
        .await
        .expect("decodes");
    assert_eq!(agent.id, AGENT);
}

#[tokio::test]
async fn call_returns_raw_bodies_as_bytes_and_empty_ones_as_unit() {
    let (server, client) = setup().await;
    respond(
        &server,
        ResponseTemplate::new(200)
            .set_body_raw(vec![4u8, 0, 2, 0, 255], "application/octet-stream"),
    )
    .await;
    let quote = client
        .get_agent_attestation()
        .agent_id(AGENT)
        .call()
        .await
        .expect("bytes");
    assert_eq!(quote.as_ref(), &[4u8, 0, 2, 0, 255]);
    let () = client
        .start_agent()
        .agent_id(AGENT)
        .call()
        .await
        .expect("no body");
}

#[tokio::test]
async fn a_404_keeps_status_body_and_json_and_says_to_check_the_id() {
    let error = get_agent_error(
        ResponseTemplate::new(404).set_body_json(json!({"message": "AI Agent not found"})),
    )
    .await;
    assert_eq!(error.kind(), ErrorKind::Status);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(
        error.body(),
        Some(br#"{"message":"AI Agent not found"}"#.as_slice())
    );
    assert_eq!(
        error.json(),
        Some(&json!({"message": "AI Agent not found"}))
    );
    let text = error.to_string();
    assert!(
        text.starts_with("get_agent failed (404 Not Found)"),
        "{text}"
    );
    assert!(text.contains("check the id"), "{text}");
    assert!(text.contains("AI Agent not found"), "{text}");
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn list_subscriptions_404_says_the_project_has_none() {
    let (server, client) = setup().await;
    respond(
        &server,
        ResponseTemplate::new(404).set_body_string("Not Found"),
    )
    .await;
    let error = client
        .list_subscriptions()
        .project_id("cm6k5x0qj0003l708b2v1c9ep")
        .call()
        .await
        .expect_err("a 404 is an error of the client");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    let text = error.to_string();
    assert!(text.contains("has no subscription"), "{text}");
    assert!(!text.contains("check the id (agent"), "{text}");
}
#[tokio::test]
async fn a_401_or_403_says_to_check_the_key() {
    for status in [401, 403] {
        let error = get_agent_error(ResponseTemplate::new(status).set_body_string("nope")).await;
        assert!(error.to_string().contains("check FLEEK_API_KEY"), "{error}");
        assert_eq!(error.json(), None, "text is not JSON");
        assert_eq!(error.body(), Some(b"nope".as_slice()));
    }
}

#[tokio::test]
async fn a_429_says_to_slow_down_and_a_5xx_to_try_later() {
    let error = get_agent_error(ResponseTemplate::new(429)).await;
    assert!(error.to_string().contains("slow down"), "{error}");
    assert!(error.is_retryable());
    let error = get_agent_error(ResponseTemplate::new(500).set_body_string("boom")).await;
    assert!(error.to_string().contains("try again later"), "{error}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_body_that_does_not_decode_keeps_the_status_and_the_body() {
    for body in [
        &b"{\"id\": "[..],
        b"",
        b"<html>oops</html>",
        b"{\"agents\": []}",
    ] {
        let error = get_agent_error(
            ResponseTemplate::new(200).set_body_raw(body.to_vec(), "application/json"),
        )
        .await;
        assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
        assert_eq!(error.body(), Some(body));
        assert!(std::error::Error::source(&error).is_some());
        assert!(error.to_string().contains("did not decode"), "{error}");
    }
}

#[tokio::test]
async fn a_huge_error_body_is_capped() {
    let body = "x".repeat(MAX_ERROR_BODY * 3);
    let error = get_agent_error(ResponseTemplate::new(502).set_body_string(body)).await;
    assert_eq!(error.body().map(<[u8]>::len), Some(MAX_ERROR_BODY));
    assert!(error.body_truncated());
    assert!(
        error.to_string().len() < 2_000,
        "the message quotes an excerpt"
    );
}

#[tokio::test]
async fn an_invalid_argument_sends_nothing() {
    let (server, client) = setup().await;
    let error = client
        .get_agent()
        .agent_id("")
        .call()
        .await
        .expect_err("empty id");
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert!(error.to_string().contains("nothing was sent"), "{error}");
    assert!(crate::common::received(&server).await.is_empty());
}

#[tokio::test]
async fn a_slow_server_is_a_timeout() {
    let server = wiremock::MockServer::start().await;
    respond(
        &server,
        ResponseTemplate::new(200).set_delay(Duration::from_secs(5)),
    )
    .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .retry(fleek_api::RetryPolicy::none())
        .build()
        .expect("builds");
    let error = client
        .get_agent()
        .agent_id(AGENT)
        .call()
        .await
        .expect_err("too slow");
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert!(
        error.to_string().contains("ClientBuilder::timeout"),
        "{error}"
    );
    assert!(error.is_retryable());
}

#[tokio::test]
async fn nothing_listening_is_a_connection_error() {
    let client = crate::common::client_for(&crate::common::nothing_listening());
    let error = client.list_plans().call().await.expect_err("refused");
    assert_eq!(error.kind(), ErrorKind::Connection, "{error}");
    assert_eq!(error.status(), None);
    assert!(error.to_string().contains("check the network"), "{error}");
}

#[tokio::test]
async fn a_cross_origin_redirect_says_why_it_was_not_followed() {
    let (server, client) = setup().await;
    respond(
        &server,
        ResponseTemplate::new(301).insert_header("location", "https://elsewhere.example/x"),
    )
    .await;
    let error = client.list_plans().call().await.expect_err("not followed");
    assert_eq!(error.kind(), ErrorKind::Other);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(301));
    assert!(error.to_string().contains("elsewhere.example"), "{error}");
    assert!(error.to_string().contains("API key stays"), "{error}");
}

#[tokio::test]
async fn a_supplied_http_client_that_follows_redirects_elsewhere_is_caught() {
    let elsewhere = wiremock::MockServer::start().await;
    respond(
        &elsewhere,
        ResponseTemplate::new(200).set_body_json(json!([])),
    )
    .await;
    let (server, _) = setup().await;
    respond(
        &server,
        ResponseTemplate::new(302).insert_header("location", elsewhere.uri()),
    )
    .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .http_client(reqwest::Client::new())
        .build()
        .expect("builds");
    let error = client.list_plans().call().await.expect_err("caught");
    assert!(error.to_string().contains("redirect_policy"), "{error}");
    // Its own kind: not a missing credential (what every hook refusal used to be).
    assert_eq!(error.kind(), ErrorKind::OffOrigin, "{error}");
    assert_eq!(error.operation(), "list_plans");
    // The hand-written proxy takes the same path, so the same failure has the same kind.
    let error = client
        .agent_api(AGENT)
        .get::<serde_json::Value>(&fleek_api::proxy::AgentPath::parse("agents").expect("valid"))
        .await
        .expect_err("caught");
    assert_eq!(error.kind(), ErrorKind::OffOrigin, "{error}");
    // And a raw body operation (decoded by another helper) too.
    let error = client
        .get_agent_attestation()
        .agent_id(AGENT)
        .call()
        .await
        .expect_err("caught");
    assert_eq!(error.kind(), ErrorKind::OffOrigin, "{error}");
    // With the crate's own policy, the other origin is never asked.
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .http_client(
            reqwest::Client::builder()
                .redirect(fleek_api::config::redirect_policy())
                .build()
                .expect("builds"),
        )
        .build()
        .expect("builds");
    let before = crate::common::received(&elsewhere).await.len();
    client.list_plans().call().await.expect_err("not followed");
    let after = crate::common::received(&elsewhere).await.len();
    assert_eq!(before, after);
}

#[tokio::test]
async fn each_request_is_traced_without_the_key() {
    let (server, client) = setup().await;
    respond(
        &server,
        ResponseTemplate::new(200).set_body_json(crate::common::response_example("get_agent")),
    )
    .await;
    let (result, trace) = traced(client.get_agent().agent_id(AGENT).call()).await;
    result.expect("decodes");
    assert!(!trace.contains(KEY), "{trace}");
    let close = trace
        .lines()
        .find(|l| l.contains("fleek_api.request") && l.contains("close"))
        .unwrap_or_else(|| panic!("no span close in {trace}"));
    for field in [
        "operation=\"get_agent\"",
        "method=GET",
        &format!("path=\"/api/v1/ai-agents/{AGENT}\""),
        "attempt=1",
        "status=200",
        "duration_ms=",
    ] {
        assert!(close.contains(field), "{field} missing from {close}");
    }
}

#[tokio::test]
async fn retries_are_traced_with_their_attempt_numbers() {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    respond(&server, ResponseTemplate::new(200).set_body_json(json!([]))).await;
    let client = crate::common::retrying_client(&server.uri(), 3);
    let (result, trace) = traced(client.list_plans().call()).await;
    result.expect("second attempt");
    assert!(trace.contains("retrying"), "{trace}");
    let close = trace
        .lines()
        .find(|l| l.contains("close"))
        .unwrap_or_else(|| panic!("no span close in {trace}"));
    assert!(close.contains("attempt=2"), "{close}");
    assert!(close.contains("status=200"), "{close}");
}

#[tokio::test]
async fn a_body_cut_short_is_a_connection_error() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    // Answers 200 with a length of 1,000 bytes, sends 10, and hangs up.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        if let Ok((mut socket, _)) = listener.accept().await {
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"id\": \"a")
                .await;
        }
    });
    let error = failed_get_agent(&crate::common::client_for(&url)).await;
    assert_eq!(error.kind(), ErrorKind::Connection, "{error}");
    assert!(std::error::Error::source(&error).is_some());
}

#[tokio::test]
async fn progenitors_send_reports_a_refusal_as_its_custom_error_and_call_keeps_it_typed() {
    // The invariant `Error::from_progenitor` states: a `Custom` error comes only from a
    // refusal that `send()` turned into progenitor's type.
    let server = wiremock::MockServer::start().await;
    let client = Client::builder()
        .agent_token("pt_5f1c2e9a7b_S3CR3T")
        .base_url(server.uri())
        .build()
        .expect("builds");
    match client.list_plans().send().await {
        Err(progenitor_client::Error::Custom(message)) => {
            assert!(
                message.contains("list_plans needs the API key"),
                "{message}"
            )
        }
        other => panic!("expected progenitor's Custom error, got {other:?}"),
    }
    let error = client.list_plans().call().await.expect_err("refused");
    assert_eq!(error.kind(), ErrorKind::MissingCredentials);
    assert!(crate::common::received(&server).await.is_empty());
}

#[tokio::test]
async fn call_raw_gives_the_answer_as_received_and_decodes_it_on_demand() {
    let (server, client) = setup().await;
    // Spacing, field order and a field the types do not know: all kept in the body.
    let mut example = crate::common::response_example("list_subscriptions");
    if let Some(object) = example.as_object_mut() {
        object.insert("newField".into(), json!(1));
    }
    let sent = format!(
        "{}\n",
        serde_json::to_string_pretty(&example).expect("JSON")
    );
    let sent = sent.as_str();
    respond(
        &server,
        ResponseTemplate::new(201)
            .insert_header("x-request-id", "req_1")
            .set_body_raw(sent, "application/json"),
    )
    .await;
    let raw = client
        .list_subscriptions()
        .project_id("p1")
        .call_raw()
        .await
        .expect("a success");
    assert_eq!(raw.status().as_u16(), 201);
    assert_eq!(raw.headers()["x-request-id"], "req_1");
    assert_eq!(raw.body().as_ref(), sent.as_bytes());
    raw.value().expect("decodes from the same bytes");

    // A success that does not decode is still had as received; its value says why not.
    let (server, client) = setup().await;
    respond(
        &server,
        ResponseTemplate::new(200).set_body_raw("{\"status\": 7}", "application/json"),
    )
    .await;
    let raw = client
        .get_agent()
        .agent_id(AGENT)
        .call_raw()
        .await
        .expect("a success");
    assert_eq!(raw.body().as_ref(), b"{\"status\": 7}");
    let error = raw.value().expect_err("not an agent");
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));

    // Not a success: the same error as `call()`.
    let (server, client) = setup().await;
    respond(
        &server,
        ResponseTemplate::new(404).set_body_json(json!({"error": "Agent not found"})),
    )
    .await;
    let error = client
        .get_agent()
        .agent_id(AGENT)
        .call_raw()
        .await
        .expect_err("404");
    assert_eq!(error.kind(), ErrorKind::Status);
    assert_eq!(error.json(), Some(&json!({"error": "Agent not found"})));

    // A raw body and no body.
    let (server, client) = setup().await;
    respond(
        &server,
        ResponseTemplate::new(200).set_body_raw(vec![1u8, 2, 3], "application/octet-stream"),
    )
    .await;
    let raw = client
        .get_agent_attestation()
        .agent_id(AGENT)
        .call_raw()
        .await
        .expect("bytes");
    assert_eq!(raw.value().expect("bytes").as_ref(), &[1, 2, 3]);
    let (server, client) = setup().await;
    respond(&server, ResponseTemplate::new(204)).await;
    let raw = client
        .stop_agent()
        .agent_id(AGENT)
        .call_raw()
        .await
        .expect("no body");
    assert_eq!(raw.status().as_u16(), 204);
    raw.value().expect("nothing to decode");
}
