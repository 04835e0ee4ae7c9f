//! Failure paths of the generated `send()`: every one is a typed error that keeps what the
//! server sent, never a panic. (`call.rs` covers the same paths through `call()`.)

use crate::common::AGENT;
use crate::common::{only_request, read, respond, setup};
use fleek_api::error::GeneratedError as Error;
use serde_json::json;
use wiremock::{MockServer, ResponseTemplate};

/// Sends `get_agent` to a server that answers `response`.
async fn get_agent_answered_with(
    response: ResponseTemplate,
) -> Result<fleek_api::ResponseValue<fleek_api::types::Agent>, Error> {
    let (server, client) = setup().await;
    respond(&server, response).await;
    client.get_agent().agent_id(AGENT).send().await
}

/// The status and the whole body of an error response.
async fn status_and_body(error: Error) -> (u16, Vec<u8>) {
    match error {
        Error::ErrorResponse(response) => {
            let status = response.status().as_u16();
            (status, read(response.into_inner()).await)
        }
        other => panic!("expected an error response, got {other}"),
    }
}

#[tokio::test]
async fn a_4xx_with_a_json_body_keeps_status_and_body() {
    let body = json!({"message": "AI Agent not found", "code": "NOT_FOUND"});
    let error = get_agent_answered_with(ResponseTemplate::new(404).set_body_json(&body))
        .await
        .expect_err("404 is an error");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    let (status, bytes) = status_and_body(error).await;
    assert_eq!(status, 404);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&bytes).expect("JSON"),
        body
    );
}

#[tokio::test]
async fn a_401_keeps_status_and_body() {
    let error = get_agent_answered_with(
        ResponseTemplate::new(401).set_body_json(json!({"message": "Unauthorized"})),
    )
    .await
    .expect_err("401 is an error");
    let (status, bytes) = status_and_body(error).await;
    assert_eq!(status, 401);
    assert_eq!(bytes, br#"{"message":"Unauthorized"}"#);
}

#[tokio::test]
async fn a_4xx_with_a_text_body_keeps_status_and_body() {
    let error = get_agent_answered_with(
        ResponseTemplate::new(400).set_body_string("name must not be empty"),
    )
    .await
    .expect_err("400 is an error");
    let (status, bytes) = status_and_body(error).await;
    assert_eq!(status, 400);
    assert_eq!(bytes, b"name must not be empty");
}

#[tokio::test]
async fn a_500_keeps_status_and_body() {
    let error = get_agent_answered_with(
        ResponseTemplate::new(500).set_body_string("<html>Internal Server Error</html>"),
    )
    .await
    .expect_err("500 is an error");
    assert!(error.is_retryable() || error.status().map(|s| s.as_u16()) == Some(500));
    let (status, bytes) = status_and_body(error).await;
    assert_eq!(status, 500);
    assert_eq!(bytes, b"<html>Internal Server Error</html>");
}

#[tokio::test]
async fn a_503_is_marked_retryable() {
    let error = get_agent_answered_with(ResponseTemplate::new(503))
        .await
        .expect_err("503 is an error");
    assert!(error.is_retryable());
    let (status, bytes) = status_and_body(error).await;
    assert_eq!((status, bytes.len()), (503, 0));
}

#[tokio::test]
async fn malformed_json_keeps_the_body_and_the_parse_error() {
    let sent = br#"{"id": "a1", "name": "#.to_vec();
    let error = get_agent_answered_with(
        ResponseTemplate::new(200).set_body_raw(sent.clone(), "application/json"),
    )
    .await
    .expect_err("a truncated body does not decode");
    match error {
        Error::InvalidResponsePayload(bytes, parse) => {
            assert_eq!(bytes.as_ref(), sent.as_slice());
            assert!(parse.is_eof(), "{parse}");
        }
        other => panic!("expected InvalidResponsePayload, got {other}"),
    }
}

#[tokio::test]
async fn an_empty_success_body_reads_as_an_empty_object_which_is_no_agent() {
    // Any 2xx with nothing in it (a 204, say) reads as `{}`: a delete succeeds on it, but
    // an agent needs its fields, so `get_agent` fails to decode, keeping the empty body.
    let error = get_agent_answered_with(ResponseTemplate::new(200))
        .await
        .expect_err("an empty body is not an agent");
    match error {
        Error::InvalidResponsePayload(bytes, parse) => {
            assert!(bytes.is_empty());
            assert!(parse.is_data(), "{parse}");
            assert!(parse.to_string().contains("missing field `id`"), "{parse}");
        }
        other => panic!("expected InvalidResponsePayload, got {other}"),
    }
}

#[tokio::test]
async fn json_of_the_wrong_shape_keeps_the_body() {
    let sent = br#"{"agents": []}"#.to_vec();
    let error = get_agent_answered_with(
        ResponseTemplate::new(200).set_body_raw(sent.clone(), "application/json"),
    )
    .await
    .expect_err("not an agent");
    match error {
        Error::InvalidResponsePayload(bytes, parse) => {
            assert_eq!(bytes.as_ref(), sent.as_slice());
            assert!(parse.is_data(), "{parse}");
            assert!(parse.to_string().contains("missing field `id`"), "{parse}");
        }
        other => panic!("expected InvalidResponsePayload, got {other}"),
    }
}

#[tokio::test]
async fn a_2xx_the_spec_does_not_name_is_a_success_whose_body_is_decoded() {
    // No source shows Fleek's success codes: a 202 is read as success, so a body that is not
    // an agent is a decode error that keeps the body, not an unexpected status.
    let error = get_agent_answered_with(
        ResponseTemplate::new(202).set_body_string("accepted, come back later"),
    )
    .await
    .expect_err("the body is not an agent");
    match error {
        Error::InvalidResponsePayload(bytes, _) => {
            assert_eq!(bytes.as_ref(), b"accepted, come back later");
        }
        other => panic!("expected InvalidResponsePayload, got {other}"),
    }
}

#[tokio::test]
async fn a_status_outside_every_documented_range_keeps_the_response() {
    // 300 is neither success nor an error range, and not a redirect reqwest follows.
    let error = get_agent_answered_with(ResponseTemplate::new(300).set_body_string("choose one"))
        .await
        .expect_err("300 is not documented");
    match error {
        Error::UnexpectedResponse(response) => {
            assert_eq!(response.status(), 300);
            assert_eq!(response.text().await.expect("body"), "choose one");
        }
        other => panic!("expected UnexpectedResponse, got {other}"),
    }
}

#[tokio::test]
async fn an_invalid_argument_is_refused_before_anything_is_sent() {
    let (server, client) = setup().await;
    respond(&server, ResponseTemplate::new(200)).await;
    let error = client
        .get_agent()
        .agent_id("")
        .send()
        .await
        .expect_err("an empty id is refused");
    assert!(matches!(error, Error::InvalidRequest(_)), "{error}");
    assert!(error.to_string().contains("agent_id"), "{error}");
    let received = crate::common::received(&server).await;
    assert!(received.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_server_that_is_not_there_is_a_communication_error() {
    // Bind a port, then free it: nothing listens there any more.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let client = crate::common::client_for(&format!("http://127.0.0.1:{port}"));
    let error = client
        .get_agent()
        .agent_id(AGENT)
        .send()
        .await
        .expect_err("connection refused");
    assert!(matches!(error, Error::CommunicationError(_)), "{error}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed() {
    let elsewhere = MockServer::start().await;
    respond(&elsewhere, ResponseTemplate::new(200)).await;
    let (server, client) = setup().await;
    respond(
        &server,
        ResponseTemplate::new(302).insert_header(
            "location",
            format!("{}/api/v1/ai-agents/{AGENT}", elsewhere.uri()),
        ),
    )
    .await;
    let error = client
        .get_agent()
        .agent_id(AGENT)
        .send()
        .await
        .expect_err("the redirect comes back to the caller");
    match error {
        Error::UnexpectedResponse(response) => assert_eq!(response.status(), 302),
        other => panic!("expected UnexpectedResponse, got {other}"),
    }
    only_request(&server).await;
    let leaked = crate::common::received(&elsewhere).await;
    assert!(leaked.is_empty(), "the other origin never saw the key");
}

#[tokio::test]
async fn a_redirect_within_the_api_origin_is_followed_with_the_key() {
    let (server, client) = setup().await;
    wiremock::Mock::given(wiremock::matchers::path(format!(
        "/api/v1/ai-agents/{AGENT}"
    )))
    .respond_with(ResponseTemplate::new(307).insert_header("location", "/moved"))
    .mount(&server)
    .await;
    wiremock::Mock::given(wiremock::matchers::path("/moved"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(crate::common::response_example("get_agent")),
        )
        .mount(&server)
        .await;
    let agent = client
        .get_agent()
        .agent_id(AGENT)
        .send()
        .await
        .expect("followed")
        .into_inner();
    assert_eq!(agent.id, AGENT);
    let requests = crate::common::received(&server).await;
    assert_eq!(requests.len(), 2);
    for request in requests {
        assert_eq!(
            request.headers.get("x-api-key").map(|v| v.as_bytes()),
            Some(crate::common::KEY.as_bytes())
        );
    }
}

/// `Error::operation()` promises an `operationId` of the spec: every operation name the
/// hand-written code gives an error (`Error::new("...")`, `from_reqwest("...")`, and the like,
/// on the line or the next) is one of the spec's.
#[test]
fn every_operation_the_hand_written_code_names_is_the_specs() {
    let spec: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../openapi/fleek-api.yaml"
        ))
        .expect("the spec"),
    )
    .expect("YAML");
    let mut operations = std::collections::BTreeSet::new();
    for (_, item) in spec["paths"].as_mapping().expect("paths") {
        for (_, operation) in item.as_mapping().expect("a path item") {
            if let Some(id) = operation.get("operationId").and_then(|id| id.as_str()) {
                operations.insert(id.to_string());
            }
        }
    }
    assert!(operations.contains("get_agent_status"), "{operations:?}");

    let constructors = [
        "Error::new(",
        "from_reqwest(",
        "from_failure(",
        "from_progenitor(",
        "undecodable(",
    ];
    let mut named = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("a directory") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if !name.ends_with(".rs") || name.starts_with("generated") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("source");
            let lines: Vec<&str> = text.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                if !constructors.iter().any(|c| line.contains(c)) {
                    continue;
                }
                // The first argument, on this line or the next: a string literal, if it is one.
                let here = line
                    .split_once('(')
                    .map(|(_, rest)| rest.trim())
                    .unwrap_or("");
                let first = if here.is_empty() {
                    lines.get(i + 1).map(|l| l.trim()).unwrap_or("")
                } else {
                    here
                };
                if let Some(rest) = first.strip_prefix('"') {
                    let literal = rest.split('"').next().unwrap_or_default().to_string();
                    named.push((format!("{}:{}", path.display(), i + 1), literal));
                }
            }
        }
    }
    assert!(!named.is_empty(), "the scan finds the literals it checks");
    for (at, literal) in named {
        assert!(
            operations.contains(&literal),
            "{at}: {literal:?} is not an operationId of the spec"
        );
    }
}
