//! Following logs: each entry exactly once across polls, errors survived, and nothing left
//! running once the stream is dropped.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::common::setup;
use crate::common::AGENT;
use futures_util::StreamExt;
use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, Request, Respond, ResponseTemplate};

fn entry(id: u32) -> Value {
    json!({"id": id, "timestamp": 1739454949 + id, "message": format!("line {id}")})
}

fn page(ids: &[u32], next: Option<&str>) -> ResponseTemplate {
    let data: Vec<_> = ids.iter().map(|&id| entry(id)).collect();
    let next = next.map(|c| format!("/api/v1/ai-agents/{AGENT}/logs?cursor={c}"));
    ResponseTemplate::new(200)
        .set_body_json(json!({"data": data, "next_page": next, "prev_page": null}))
}

/// Answers the n-th request with the n-th step, checking the cursor it was asked for; the
/// last step repeats.
struct Script {
    steps: Vec<(Option<&'static str>, ResponseTemplate)>,
    calls: Arc<AtomicUsize>,
}

impl Respond for Script {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        let (cursor, response) = &self.steps[n.min(self.steps.len() - 1)];
        let asked = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "cursor")
            .map(|(_, v)| v.into_owned());
        if asked.as_deref() != *cursor {
            return ResponseTemplate::new(400).set_body_string(format!(
                "step {n}: expected cursor {cursor:?}, got {asked:?}"
            ));
        }
        response.clone()
    }
}

#[tokio::test]
async fn each_entry_once_across_polls_and_pages() {
    let (server, client) = setup().await;
    let calls = Arc::new(AtomicUsize::new(0));
    Mock::given(any())
        .respond_with(Script {
            steps: vec![
                (None, page(&[1, 2], None)),
                (None, page(&[1, 2], None)),
                (None, page(&[1, 2, 3], None)),
                (None, ResponseTemplate::new(500).set_body_string("hiccup")),
                (None, page(&[1, 2, 3, 4], Some("c2"))),
                (Some("c2"), page(&[5], None)),
                (Some("c2"), page(&[5], None)),
                (Some("c2"), page(&[5, 6], None)),
            ],
            calls: calls.clone(),
        })
        .mount(&server)
        .await;
    let logs = client
        .follow_logs(AGENT)
        .interval(Duration::from_millis(5))
        .stream();
    futures_util::pin_mut!(logs);
    let mut ids = Vec::new();
    let mut errors = 0;
    while ids.len() < 6 {
        match logs.next().await.expect("the stream does not end") {
            Ok(entry) => ids.push(entry.id.to_string()),
            Err(error) => {
                assert_eq!(error.status().map(|s| s.as_u16()), Some(500), "{error}");
                errors += 1;
            }
        }
    }
    assert_eq!(ids, ["1", "2", "3", "4", "5", "6"]);
    assert_eq!(
        errors, 1,
        "the 500 was yielded once, then following went on"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 8);
}

#[tokio::test]
async fn dropping_the_stream_stops_polling() {
    let (server, client) = setup().await;
    Mock::given(any())
        .respond_with(page(&[1], None))
        .mount(&server)
        .await;
    {
        let logs = client
            .follow_logs(AGENT)
            .interval(Duration::from_millis(5))
            .stream();
        futures_util::pin_mut!(logs);
        let first = logs.next().await.expect("an item").expect("ok");
        assert_eq!(first.message, "line 1");
    }
    let after_drop = crate::common::received(&server).await.len();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let later = crate::common::received(&server).await.len();
    assert_eq!(after_drop, later, "no request after the stream was dropped");
}

#[tokio::test]
async fn following_can_start_at_a_known_cursor_with_a_page_size() {
    let (server, client) = setup().await;
    Mock::given(any())
        .respond_with(page(&[41, 42], None))
        .mount(&server)
        .await;
    let logs = client
        .get_agent_logs()
        .agent_id(AGENT)
        .cursor("c40")
        .size(50)
        .follow()
        .stream();
    futures_util::pin_mut!(logs);
    let first = logs.next().await.expect("an item").expect("ok");
    assert_eq!(first.message, "line 41");
    let request = &crate::common::received(&server).await[0];
    assert_eq!(request.url.query(), Some("cursor=c40&size=50"));
}
