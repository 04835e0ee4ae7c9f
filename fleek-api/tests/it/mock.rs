//! The `mock` feature, used the way a consumer's own tests would: a typed mock per
//! operation, the client against it, and the mock's own count of what it received.
use fleek_api::mock::MockServerExt;
use fleek_api::{
    types,
    types::{Agent, AgentStatus},
    Call, Client, ErrorKind,
};
use httpmock::MockServer;
use serde_json::json;

fn agent(id: &str, status: &str) -> Agent {
    serde_json::from_value(json!({"id": id, "projectId": "p1", "name": "Nova", "status": status}))
        .expect("an agent")
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key("test-key")
        .base_url(server.base_url())
        .retry(fleek_api::RetryPolicy::none())
        .build()
        .expect("a client")
}

#[tokio::test]
async fn a_consumer_test_reads_like_the_api() {
    let server = MockServer::start_async().await;
    let running = agent("a1", "Running");
    let get = server.get_agent(|when, then| {
        when.agent_id(&"a1".parse().expect("valid"));
        then.ok(&running);
    });
    let fetched = client(&server)
        .get_agent()
        .agent_id("a1")
        .call()
        .await
        .expect("served");
    assert_eq!(fetched, running);
    get.assert_async().await;

    // Another id does not match this mock: httpmock answers 404, and the client says so.
    let error = client(&server)
        .get_agent()
        .agent_id("a2")
        .call()
        .await
        .expect_err("no mock");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(get.calls_async().await, 1);
}

#[tokio::test]
async fn query_parameters_and_bodies_are_matched_by_type() {
    let server = MockServer::start_async().await;
    let page = types::AgentPage {
        data: vec![agent("a1", "Draft")],
        next_page: None,
        prev_page: None,
    };
    let list = server.list_agents(|when, then| {
        when.size(std::num::NonZeroU32::new(10))
            .project_id(&"p1".parse::<types::ProjectId>().expect("valid"));
        then.ok(&page);
    });
    let body: types::CreateAgentRequest = serde_json::from_value(json!({
        "projectId": "p1", "name": "Nova", "config": "{\"name\":\"Nova\"}"
    }))
    .expect("a body");
    let create = server.create_agent(|when, then| {
        when.body(&body);
        then.ok(&agent("a9", "Draft"));
    });
    let client = client(&server);
    let listed = client
        .list_agents()
        .size(10)
        .project_id("p1")
        .call()
        .await
        .expect("listed");
    assert_eq!(listed.data[0].status, AgentStatus::Draft);
    let created = client
        .create_agent()
        .body(body.clone())
        .call()
        .await
        .expect("created");
    assert_eq!(created.id, "a9");
    list.assert_async().await;
    create.assert_async().await;
}

#[tokio::test]
async fn error_answers_are_typed_too() {
    let server = MockServer::start_async().await;
    server.delete_agent(|when, then| {
        when.agent_id(&"a1".parse().expect("valid"));
        then.unauthorized(json!({"message": "Unauthorized"}));
    });
    let error = client(&server)
        .delete_agent()
        .agent_id("a1")
        .call()
        .await
        .expect_err("401");
    assert_eq!(error.kind(), ErrorKind::Status);
    assert_eq!(error.json(), Some(&json!({"message": "Unauthorized"})));
}
