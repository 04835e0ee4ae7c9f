//! The proxy into a running agent: multi-segment paths on the wire, refused paths that
//! send nothing, JSON and raw bodies both ways, and the Eliza helpers.

use crate::common::AGENT;
use crate::common::{only_request, respond, setup, KEY};
use bytes::Bytes;
use fleek_api::{
    proxy::{AgentPath, Body, Message},
    ErrorKind,
};
use reqwest::Method;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const ELIZA: &str = "b850bc30-45f8-0041-a00a-83df46d8555d";

#[tokio::test]
async fn a_message_goes_to_the_multi_segment_path_and_replies_decode() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path(format!(
            "/api/v1/ai-agents/{AGENT}/api/{ELIZA}/message"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"user": "Nova", "text": "Hello!", "action": "NONE"},
            {"user": "Nova", "text": "Anything else?"}
        ])))
        .mount(&server)
        .await;
    let api = client.agent_api(AGENT);
    let message = Message {
        user_id: Some("user-1234".into()),
        ..Message::new("Hi")
    };
    let replies = api.send_message(ELIZA, &message).await.expect("replies");
    assert_eq!(replies.len(), 2);
    assert_eq!(replies[0].action.as_deref(), Some("NONE"));
    assert_eq!(replies[1].text, "Anything else?");
    let request = only_request(&server).await;
    let sent: Value = serde_json::from_slice(&request.body).expect("JSON");
    assert_eq!(sent, json!({"text": "Hi", "userId": "user-1234"}));
    assert_eq!(request.headers["x-api-key"].as_bytes(), KEY.as_bytes());
    assert_eq!(request.headers["content-type"], "application/json");
}

#[tokio::test]
async fn the_eliza_agents_are_listed() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/ai-agents/{AGENT}/api/agents")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "agents": [{"id": ELIZA, "name": "Nova", "clients": ["direct"]}]
        })))
        .mount(&server)
        .await;
    let agents = client
        .agent_api(AGENT)
        .eliza_agents()
        .await
        .expect("listed");
    assert_eq!(agents.len(), 1);
    assert_eq!(agents[0].id, ELIZA);
    assert_eq!(agents[0].clients, ["direct"]);
}

#[tokio::test]
async fn one_eliza_agent_with_its_character() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/api/v1/ai-agents/{AGENT}/api/agents/{ELIZA}"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": ELIZA, "character": {"name": "Nova", "modelProvider": "openai"}
        })))
        .mount(&server)
        .await;
    let details = client
        .agent_api(AGENT)
        .eliza_agent(ELIZA)
        .await
        .expect("found");
    assert_eq!(details.id, ELIZA);
    assert_eq!(details.character["name"], "Nova");
}

#[tokio::test]
async fn an_unknown_eliza_agent_is_a_404_with_the_agents_body() {
    let (server, client) = setup().await;
    respond(
        &server,
        ResponseTemplate::new(404).set_body_json(json!({"error": "Agent not found"})),
    )
    .await;
    let error = client
        .agent_api(AGENT)
        .eliza_agent(ELIZA)
        .await
        .expect_err("404");
    assert_eq!(error.kind(), ErrorKind::Status);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.json(), Some(&json!({"error": "Agent not found"})));
    // The spec's operation, as for every call.
    assert_eq!(error.operation(), "proxy_get");
}

#[tokio::test]
async fn segments_are_encoded_one_by_one() {
    let (server, client) = setup().await;
    respond(&server, ResponseTemplate::new(200).set_body_string("ok")).await;
    let path = AgentPath::from_segments(["memories", "a b", "x/y?z#w", "100%"]).expect("valid");
    let response = client
        .agent_api("agent id")
        .send(Method::DELETE, &path, None)
        .await
        .expect("answered");
    assert_eq!(response.body, "ok");
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "DELETE");
    assert_eq!(
        request.url.path(),
        "/api/v1/ai-agents/agent%20id/api/memories/a%20b/x%2Fy%3Fz%23w/100%25"
    );
    assert_eq!(request.url.query(), None);
}

#[tokio::test]
async fn paths_that_could_leave_the_agent_are_refused_and_nothing_is_sent() {
    let (server, client) = setup().await;
    respond(&server, ResponseTemplate::new(200).set_body_json(json!({}))).await;
    let api = client.agent_api(AGENT);
    for bad in [
        "",
        "/",
        "..",
        "../../plans",
        "agents/../../../plans",
        "./agents",
        "agents/.",
        "a//b",
        "agents/",
        "agents?x=1",
        "agents#frag",
        "https://evil.example/steal",
        "//evil.example/steal",
        "agents\\..\\plans",
    ] {
        // Refused when the path is checked: the transport takes only checked paths.
        let error = AgentPath::parse(bad).expect_err(bad);
        assert!(error.to_string().contains("refused"), "{bad}: {error}");
    }
    // The Eliza helpers check theirs the same way, and send nothing.
    let error = api.eliza_agent("..").await.expect_err("refused");
    assert_eq!(error.kind(), ErrorKind::InvalidArgument, "{error}");
    let error = client
        .agent_api("")
        .get::<Value>(&agents())
        .await
        .expect_err("empty agent id");
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert!(crate::common::received(&server).await.is_empty());
}

#[tokio::test]
async fn raw_bodies_go_both_ways_with_any_method() {
    let (server, client) = setup().await;
    respond(
        &server,
        ResponseTemplate::new(201)
            .set_body_raw(vec![0u8, 159, 146, 150], "application/octet-stream")
            .insert_header("x-agent", "nova"),
    )
    .await;
    let path = AgentPath::parse("/uploads/voice").expect("one leading slash is fine");
    let response = client
        .agent_api(AGENT)
        .send(
            Method::PUT,
            &path,
            Some(Body::new(
                Bytes::from_static(b"\x01\x02\x03"),
                "application/octet-stream",
            )),
        )
        .await
        .expect("answered");
    assert_eq!(response.status, 201);
    assert_eq!(response.headers["x-agent"], "nova");
    assert_eq!(response.body.as_ref(), &[0u8, 159, 146, 150]);
    let request = only_request(&server).await;
    assert_eq!(
        request.url.path(),
        format!("/api/v1/ai-agents/{AGENT}/api/uploads/voice")
    );
    assert_eq!(request.body, b"\x01\x02\x03");
    assert_eq!(request.headers["content-type"], "application/octet-stream");
    // An answer that is not JSON, asked for as JSON, keeps its bytes.
    let error = response.json::<Value>().expect_err("not JSON");
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.body(), Some([0u8, 159, 146, 150].as_slice()));
}

#[tokio::test]
async fn a_message_is_not_resent_after_a_503() {
    let server = wiremock::MockServer::start().await;
    respond(&server, ResponseTemplate::new(503)).await;
    let client = crate::common::retrying_client(&server.uri(), 5);
    let error = client
        .agent_api(AGENT)
        .send_message(ELIZA, &Message::new("Hi"))
        .await
        .expect_err("503");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(crate::common::received(&server).await.len(), 1);
    // A GET through the proxy is retried like any GET.
    client
        .agent_api(AGENT)
        .get::<Value>(&agents())
        .await
        .expect_err("503");
    assert_eq!(crate::common::received(&server).await.len(), 6);
}

#[tokio::test]
async fn an_eliza_id_or_name_with_a_space_is_encoded_once() {
    // Fleek's Eliza fork takes the character's name as the agent id on the message route;
    // `Nova Bot` must arrive as `Nova%20Bot`, not `Nova%2520Bot`.
    let (server, client) = setup().await;
    respond(&server, ResponseTemplate::new(200).set_body_json(json!([]))).await;
    let api = client.agent_api(AGENT);
    api.send_message("Nova Bot", &Message::new("Hi"))
        .await
        .expect("replies");
    let _ = api.eliza_agent("a b").await;
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| r.url.path().to_string())
        .collect();
    assert_eq!(
        paths,
        [
            format!("/api/v1/ai-agents/{AGENT}/api/Nova%20Bot/message"),
            format!("/api/v1/ai-agents/{AGENT}/api/agents/a%20b"),
        ]
    );
}

/// `agents`, checked.
fn agents() -> AgentPath {
    AgentPath::parse("agents").expect("a valid path")
}
