//! Pagination streams: every page, lazily, with `size` and filters kept on every page.

use std::collections::HashMap;

use crate::common::setup;
use crate::common::AGENT;
use futures_util::{StreamExt, TryStreamExt};
use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, Request, Respond, ResponseTemplate};

/// Serves pages keyed by the request's `cursor` parameter (`""` for none).
struct Pages(HashMap<&'static str, Value>);

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let cursor = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "cursor")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        match self.0.get(cursor.as_str()) {
            Some(page) => ResponseTemplate::new(200).set_body_json(page),
            None => ResponseTemplate::new(404).set_body_string(format!("no page {cursor}")),
        }
    }
}

fn agent(id: &str) -> Value {
    json!({"id": id, "projectId": "p1", "name": id, "status": "Running"})
}

fn agent_pages(base: &str) -> Pages {
    Pages(HashMap::from([
        (
            "",
            json!({"data": [agent("a1"), agent("a2")],
                   "next_page": format!("{base}/api/v1/ai-agents?cursor=c2&size=2&projectId=p1"),
                   "prev_page": null}),
        ),
        (
            "c2",
            json!({"data": [agent("a3"), agent("a4")],
                   "next_page": "/api/v1/ai-agents?size=2&cursor=c3", "prev_page": "x"}),
        ),
        (
            "c3",
            json!({"data": [agent("a5")], "next_page": null, "prev_page": "y"}),
        ),
    ]))
}

#[tokio::test]
async fn every_agent_of_every_page_with_size_and_project_kept() {
    let (server, client) = setup().await;
    Mock::given(any())
        .respond_with(agent_pages(&server.uri()))
        .mount(&server)
        .await;
    let agents: Vec<_> = client
        .list_agents()
        .size(2)
        .project_id("p1")
        .stream()
        .try_collect()
        .await
        .expect("three pages");
    let ids: Vec<_> = agents.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["a1", "a2", "a3", "a4", "a5"]);
    let requests = crate::common::received(&server).await;
    let queries: Vec<_> = requests
        .iter()
        .map(|r| r.url.query().unwrap_or(""))
        .collect();
    assert_eq!(
        queries,
        [
            "projectId=p1&size=2",
            "cursor=c2&projectId=p1&size=2",
            "cursor=c3&projectId=p1&size=2"
        ]
    );
}

#[tokio::test]
async fn pages_are_fetched_only_when_needed() {
    let (server, client) = setup().await;
    Mock::given(any())
        .respond_with(agent_pages(&server.uri()))
        .mount(&server)
        .await;
    let stream = client.list_agents().size(2).stream();
    futures_util::pin_mut!(stream);
    let first = stream.next().await.expect("an item").expect("ok");
    assert_eq!(first.id, "a1");
    assert_eq!(crate::common::received(&server).await.len(), 1);
    let _second = stream.next().await;
    assert_eq!(crate::common::received(&server).await.len(), 1);
    let third = stream.next().await.expect("an item").expect("ok");
    assert_eq!(third.id, "a3");
    assert_eq!(crate::common::received(&server).await.len(), 2);
}

#[tokio::test]
async fn page_level_access_keeps_the_cursor_with_the_caller() {
    let (server, client) = setup().await;
    Mock::given(any())
        .respond_with(agent_pages(&server.uri()))
        .mount(&server)
        .await;
    let first = client.list_agents().size(2).send().await.expect("page");
    let cursor = first.next_cursor().expect("valid").expect("more");
    assert_eq!(cursor, "c2");
    let second = client
        .list_agents()
        .size(2)
        .cursor(cursor)
        .send()
        .await
        .expect("page");
    assert_eq!(second.data[0].id, "a3");
    let pages: Vec<_> = client
        .list_agents()
        .pages()
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[2].next_cursor().expect("valid"), None);
}

#[tokio::test]
async fn an_error_ends_the_stream_after_being_yielded() {
    let (server, client) = setup().await;
    let mut pages = agent_pages(&server.uri());
    pages.0.remove("c3");
    Mock::given(any()).respond_with(pages).mount(&server).await;
    let items: Vec<_> = client.list_agents().stream().collect().await;
    assert_eq!(items.len(), 5, "four agents, then the error");
    let error = items[4].as_ref().expect_err("page c3 is missing");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.operation(), "list_agents");
}

#[tokio::test]
async fn a_next_page_without_a_cursor_or_one_that_goes_back_stops_with_an_error() {
    // No cursor to follow, or the cursor of the page before: both would loop.
    for next in ["/api/v1/ai-agents?size=2", "/api/v1/ai-agents?cursor=c1"] {
        let (server, client) = setup().await;
        let pages = Pages(HashMap::from([
            (
                "",
                json!({"data": [agent("a1")], "next_page": "/api/v1/ai-agents?cursor=c1"}),
            ),
            (
                "c1",
                json!({"data": [agent("a2")], "next_page": "/api/v1/ai-agents?cursor=c2"}),
            ),
            ("c2", json!({"data": [agent("a3")], "next_page": next})),
        ]));
        Mock::given(any()).respond_with(pages).mount(&server).await;
        let items: Vec<_> = client.list_agents().stream().collect().await;
        assert_eq!(items.len(), 4, "{next}: three agents, then the error");
        let error = items[3].as_ref().expect_err("stops");
        assert!(error.to_string().contains("cursor"), "{next}: {error}");
        assert_eq!(crate::common::received(&server).await.len(), 3, "{next}");
    }
}

#[tokio::test]
async fn a_last_page_that_names_itself_ends_the_walk_after_one_request() {
    // A journal's last page hands back its own cursor while nothing new is written: the
    // walk ends there, every entry kept, instead of asking for the same page forever.
    let (server, client) = setup().await;
    let pages = Pages(HashMap::from([
        (
            "",
            json!({"data": [agent("a1")], "next_page": "/api/v1/ai-agents?cursor=c1"}),
        ),
        (
            "c1",
            json!({"data": [agent("a2")], "next_page": "/api/v1/ai-agents?cursor=c1"}),
        ),
    ]));
    Mock::given(any()).respond_with(pages).mount(&server).await;
    let items: Vec<_> = client.list_agents().stream().collect().await;
    let ids: Vec<String> = items
        .into_iter()
        .map(|item| item.expect("no error").id)
        .collect();
    assert_eq!(ids, ["a1", "a2"]);
    assert_eq!(crate::common::received(&server).await.len(), 2);
}

fn entry(id: u32) -> Value {
    json!({"id": format!("s=x;i={id}"), "timestamp": 1739454949 + id, "message": format!("line {id}"), "priority": 6})
}

#[tokio::test]
async fn every_log_entry_of_every_page() {
    let (server, client) = setup().await;
    Mock::given(any())
        .respond_with(Pages(HashMap::from([
            ("", json!({"data": [entry(1), entry(2)], "next_page": "https://api.fleek.xyz/api/v1/ai-agents/a/logs?cursor=l2&size=2"})),
            ("l2", json!({"data": [entry(3)], "next_page": null})),
        ])))
        .mount(&server)
        .await;
    let entries: Vec<_> = client
        .get_agent_logs()
        .agent_id(AGENT)
        .size(2)
        .stream()
        .try_collect()
        .await
        .expect("two pages");
    let messages: Vec<_> = entries.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages, ["line 1", "line 2", "line 3"]);
    for request in crate::common::received(&server).await {
        assert_eq!(
            request.url.path(),
            format!("/api/v1/ai-agents/{AGENT}/logs")
        );
        assert!(request.url.query().unwrap_or("").contains("size=2"));
    }
}

#[tokio::test]
async fn every_payment_method_follows_next() {
    let (server, client) = setup().await;
    let card = |id: &str| json!({"id": id, "brand": "visa", "last4": "4014", "country": "US", "expiryMonth": "9", "expiryYear": "2034"});
    Mock::given(any())
        .respond_with(Pages(HashMap::from([
            (
                "",
                json!({"data": [card("pm_1"), card("pm_2")], "next": "pm_2", "prev": null}),
            ),
            (
                "pm_2",
                json!({"data": [card("pm_3")], "next": null, "prev": "pm_1"}),
            ),
        ])))
        .mount(&server)
        .await;
    let cards: Vec<_> = client
        .list_payment_methods()
        .project_id("p1")
        .stream()
        .try_collect()
        .await
        .expect("two pages");
    let ids: Vec<_> = cards.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["pm_1", "pm_2", "pm_3"]);
    for request in crate::common::received(&server).await {
        assert!(request.url.query().unwrap_or("").contains("projectId=p1"));
    }
}
