//! A client that holds only an agent's public token (`X-Agent-Token`): it reaches the
//! operations whose spec accepts the token, refuses every other one before sending, and
//! keeps the token secret and at the API's origin.

use fleek_api::{error::BuildError, Call, Client, ErrorKind};
use serde_json::json;
use wiremock::{MockServer, ResponseTemplate};

use crate::common::AGENT;
use crate::common::{only_request, respond, response_example, KEY};

const TOKEN: &str = "pt_5f1c2e9a7b_S3CR3T";

fn token_client(base_url: &str) -> Client {
    Client::builder()
        .agent_token(TOKEN)
        .base_url(base_url)
        .retry(fleek_api::RetryPolicy::none())
        .build()
        .expect("a valid configuration")
}

/// The operations whose spec `security` lists `agentToken`, read from the spec itself.
fn accepting_the_token() -> Vec<String> {
    let spec = crate::common::spec();
    let mut ids = Vec::new();
    for item in spec["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().expect("item").values() {
            let accepts = operation["security"]
                .as_array()
                .is_some_and(|s| s.iter().any(|r| r.get("agentToken").is_some()));
            if let (true, Some(id)) = (accepts, operation["operationId"].as_str()) {
                ids.push(id.to_string());
            }
        }
    }
    ids
}

#[tokio::test]
async fn every_operation_gets_the_token_or_is_refused_before_sending() {
    let accepting = accepting_the_token();
    for expected in [
        "get_public_agent",
        "get_agent_status",
        "proxy_get",
        "proxy_post",
        "proxy_put",
        "proxy_patch",
        "proxy_delete",
    ] {
        assert!(accepting.iter().any(|id| id == expected), "{expected}");
    }
    for id in crate::common::operation_ids() {
        let server = MockServer::start().await;
        respond(&server, ResponseTemplate::new(200)).await;
        let client = token_client(&server.uri());
        let result = fleek_api::mock::send_example(&client, &id)
            .await
            .expect("the spec has examples for every operation");
        let requests = crate::common::received(&server).await;
        if accepting.contains(&id) {
            assert_eq!(requests.len(), 1, "{id} is sent");
            let headers = &requests[0].headers;
            assert_eq!(
                headers.get("x-agent-token").map(|v| v.as_bytes()),
                Some(TOKEN.as_bytes()),
                "{id} carries the token"
            );
            assert!(headers.get("x-api-key").is_none(), "{id}");
        } else if id == "get_agent_attestation" {
            // Credentials are optional here, and the token is not among them.
            assert_eq!(requests.len(), 1, "{id} is sent");
            assert!(requests[0].headers.get("x-agent-token").is_none());
            assert!(requests[0].headers.get("x-api-key").is_none());
        } else {
            assert!(requests.is_empty(), "{id} must not be sent");
            let message = result.expect_err("refused");
            assert!(
                message.contains(&format!("{id} needs the API key")),
                "{message}"
            );
        }
    }
}

#[tokio::test]
async fn a_refusal_is_a_missing_credentials_error_that_says_what_to_do() {
    let server = MockServer::start().await;
    let client = token_client(&server.uri());
    let error = client
        .get_agent()
        .agent_id(AGENT)
        .call()
        .await
        .expect_err("refused");
    assert_eq!(error.kind(), ErrorKind::MissingCredentials);
    assert_eq!(error.operation(), "get_agent");
    let text = error.to_string();
    assert!(text.contains("holds only an agent token"), "{text}");
    assert!(text.contains("get_agent_status"), "{text}");
    assert!(text.contains("ClientBuilder::api_key"), "{text}");
    assert!(!text.contains(TOKEN), "{text}");
    assert!(crate::common::received(&server).await.is_empty());
}

#[tokio::test]
async fn the_token_reaches_status_public_view_and_the_hand_written_proxy() {
    let server = MockServer::start().await;
    respond(
        &server,
        ResponseTemplate::new(200).set_body_json(response_example("get_agent_status")),
    )
    .await;
    let client = token_client(&server.uri());
    let running = client
        .get_agent_status()
        .agent_id(AGENT)
        .call()
        .await
        .expect("the status decodes");
    assert!(running.is_running());
    let request = only_request(&server).await;
    assert_eq!(
        request.headers.get("x-agent-token").map(|v| v.as_bytes()),
        Some(TOKEN.as_bytes())
    );

    let server = MockServer::start().await;
    respond(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({"agents": []})),
    )
    .await;
    let client = token_client(&server.uri());
    let _: serde_json::Value = client
        .agent_api(AGENT)
        .get(&fleek_api::proxy::AgentPath::parse("agents").expect("valid"))
        .await
        .expect("the proxy answers");
    let request = only_request(&server).await;
    assert_eq!(
        request.headers.get("x-agent-token").map(|v| v.as_bytes()),
        Some(TOKEN.as_bytes())
    );
}

#[tokio::test]
async fn with_both_credentials_the_key_is_preferred() {
    let server = MockServer::start().await;
    respond(
        &server,
        ResponseTemplate::new(200).set_body_json(response_example("get_public_agent")),
    )
    .await;
    let client = Client::builder()
        .api_key(KEY)
        .agent_token(TOKEN)
        .base_url(server.uri())
        .build()
        .expect("builds");
    client
        .get_public_agent()
        .agent_id(AGENT)
        .call()
        .await
        .expect("decodes");
    let request = only_request(&server).await;
    assert!(request.headers.get("x-api-key").is_some());
    assert!(request.headers.get("x-agent-token").is_none());
}

#[tokio::test]
async fn the_token_never_goes_to_another_origin() {
    let elsewhere = MockServer::start().await;
    respond(&elsewhere, ResponseTemplate::new(200)).await;
    let server = MockServer::start().await;
    respond(
        &server,
        ResponseTemplate::new(302).insert_header(
            "location",
            format!("{}/api/v1/ai-agents/{AGENT}/status", elsewhere.uri()),
        ),
    )
    .await;
    let client = token_client(&server.uri());
    let error = client
        .get_agent_status()
        .agent_id(AGENT)
        .call()
        .await
        .expect_err("the redirect comes back to the caller");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(302));
    assert!(!error.to_string().contains(TOKEN));
    assert!(crate::common::received(&elsewhere).await.is_empty());
}

#[test]
fn the_token_is_never_printed() {
    let builder = Client::builder().agent_token(TOKEN);
    let debug = format!("{builder:?}");
    assert!(!debug.contains(TOKEN), "{debug}");
    assert!(debug.contains("AgentToken(<redacted>)"), "{debug}");
    let token = fleek_api::config::AgentToken::new(TOKEN).expect("valid");
    assert_eq!(format!("{token:?}"), "AgentToken(<redacted>)");
}

#[test]
fn a_bad_token_or_no_credential_at_all_is_a_build_error() {
    let error = Client::builder()
        .agent_token(" pt_1")
        .build()
        .map(|_| ())
        .expect_err("refused");
    assert!(matches!(error, BuildError::InvalidAgentToken(_)), "{error}");
    let error = Client::builder().build().map(|_| ()).expect_err("refused");
    assert!(matches!(error, BuildError::MissingApiKey));
    assert!(error.to_string().contains("agent_token"), "{error}");
}
