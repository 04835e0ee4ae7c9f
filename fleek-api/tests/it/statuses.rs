//! Any 2xx is a success. No source shows which success status Fleek sends, and every client
//! of the API tests `response.ok`: a `201 Created` on a create or a `204 No Content` on a
//! start or a delete is what many server frameworks answer, and the call must not fail when
//! the API did what was asked. An empty 2xx body reads as `{}`: a delete succeeds on it; an
//! agent cannot be read from it, and the error says so with the status it came with.

use crate::common::{setup, AGENT, PROJECT};
use fleek_api::{types, Call, Error as ApiError, ErrorKind};
use futures_util::StreamExt;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CODES: [u16; 3] = [200, 201, 204];

fn agent(status: &str) -> Value {
    json!({"id": AGENT, "projectId": PROJECT, "name": "Nova", "status": status})
}

/// `code` with `body` as JSON; a 204 carries no body, as HTTP requires.
fn answer(code: u16, body: Value) -> ResponseTemplate {
    let template = ResponseTemplate::new(code);
    if code == 204 {
        template
    } else {
        template.set_body_json(body)
    }
}

async fn serve(server: &MockServer, verb: &str, route: String, template: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(template)
        .mount(server)
        .await;
}

fn create_body() -> types::CreateAgentRequest {
    types::CreateAgentRequest::builder()
        .project_id(PROJECT)
        .name("Nova")
        .config(crate::common::nova().to_string())
        .try_into()
        .expect("a valid body")
}

/// 204 on a create is an empty body where an agent is needed: a decode error that keeps the
/// status, so the caller knows the API answered success.
fn assert_no_agent_in_204(error: &ApiError) {
    assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(204), "{error}");
    assert!(error.to_string().contains("missing field `id`"), "{error}");
}

#[tokio::test]
async fn create_succeeds_on_200_and_201_through_call_and_send() {
    for code in CODES {
        let (server, client) = setup().await;
        serve(
            &server,
            "POST",
            "/api/v2/ai-agents".into(),
            answer(code, agent("Draft")),
        )
        .await;

        let called = client.create_agent().body(create_body()).call().await;
        let sent = client.create_agent().body(create_body()).send().await;
        if code == 204 {
            assert_no_agent_in_204(&called.expect_err("no agent in a 204"));
            match sent.expect_err("no agent in a 204") {
                progenitor_client::Error::InvalidResponsePayload(body, e) => {
                    assert!(body.is_empty());
                    assert!(e.to_string().contains("missing field `id`"), "{e}");
                }
                other => panic!("{code}: expected InvalidResponsePayload, got {other}"),
            }
        } else {
            assert_eq!(called.expect("a 2xx is success").id, AGENT, "{code}");
            let sent = sent.expect("a 2xx is success");
            assert_eq!(sent.status().as_u16(), code);
            assert_eq!(sent.into_inner().id, AGENT);
        }
    }
}

#[tokio::test]
async fn start_succeeds_on_200_201_and_204_through_call_and_send() {
    for code in CODES {
        let (server, client) = setup().await;
        let route = format!("/api/v1/ai-agents/{AGENT}/start");
        serve(&server, "POST", route, answer(code, json!({"ok": true}))).await;
        client
            .start_agent()
            .agent_id(AGENT)
            .call()
            .await
            .unwrap_or_else(|e| panic!("{code}: {e}"));
        let sent = client
            .start_agent()
            .agent_id(AGENT)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(sent.status().as_u16(), code);
    }
}

#[tokio::test]
async fn delete_succeeds_on_200_201_and_204_through_call_and_send() {
    for code in CODES {
        let (server, client) = setup().await;
        let route = format!("/api/v1/ai-agents/{AGENT}");
        let said = json!({"message": "AI Agent deleted successfully"});
        serve(&server, "DELETE", route, answer(code, said)).await;
        let deleted = client
            .delete_agent()
            .agent_id(AGENT)
            .call()
            .await
            .unwrap_or_else(|e| panic!("{code}: {e}"));
        let sent = client
            .delete_agent()
            .agent_id(AGENT)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(sent.status().as_u16(), code);
        if code == 204 {
            assert_eq!(deleted.message, None);
            assert_eq!(deleted.id, None);
        } else {
            assert_eq!(
                deleted.message.as_deref(),
                Some("AI Agent deleted successfully")
            );
        }
    }
}

#[tokio::test]
async fn a_page_answered_201_is_read_and_a_204_page_is_an_error_with_its_status() {
    let (server, client) = setup().await;
    let page = json!({"data": [agent("Running")], "next_page": null, "prev_page": null});
    serve(
        &server,
        "GET",
        "/api/v1/ai-agents".into(),
        answer(201, page),
    )
    .await;
    let items: Vec<_> = client.list_agents().size(25).stream().collect().await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].as_ref().expect("a 201 page is read").id, AGENT);

    // A 204 has no `data`: the walk ends with one error naming the status, not a panic or
    // an endless loop.
    let (server, client) = setup().await;
    serve(
        &server,
        "GET",
        "/api/v1/ai-agents".into(),
        answer(204, Value::Null),
    )
    .await;
    let items: Vec<_> = client.list_agents().stream().collect().await;
    assert_eq!(items.len(), 1);
    let error = items[0].as_ref().expect_err("no page in a 204");
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(204));
    assert!(
        error.to_string().contains("missing field `data`"),
        "{error}"
    );
}
