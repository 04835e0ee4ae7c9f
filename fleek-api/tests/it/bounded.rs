//! Every loop that talks to the API again and again is bounded, and every failure after a
//! write names what exists. The servers here behave as the real service may: a log that
//! behaves as a journal (its last page hands back its own cursor while nothing new is
//! written), a `429`/`503` with `Retry-After`, status checks that fail after the agent was
//! created. Request counts are asserted, never durations: each test runs a loop for a
//! while and checks that it asked no more than its interval allows (the defect these guard
//! against asked thousands of times a second).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::common::{client_for, AGENT, PROJECT};
use fleek_api::deploy::{DeployEvent, DeployStage};
use fleek_api::{character::Character, ErrorKind};
use futures_util::StreamExt;
use serde_json::{json, Value};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers with `answer(n, request)`, `n` counting from 0, and counts the requests.
#[derive(Clone)]
struct Counted<F> {
    count: Arc<AtomicUsize>,
    answer: F,
}

impl<F> Counted<F> {
    fn new(answer: F) -> Self {
        Self {
            count: Arc::new(AtomicUsize::new(0)),
            answer,
        }
    }

    fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}

impl<F: Fn(usize, &Request) -> ResponseTemplate + Send + Sync + 'static> Respond for Counted<F> {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let n = self.count.fetch_add(1, Ordering::SeqCst);
        (self.answer)(n, request)
    }
}

fn cursor(request: &Request) -> String {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == "cursor")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn entry(id: u32) -> Value {
    json!({"id": format!("s=a65;i={id}"), "timestamp": 1739454949 + i64::from(id), "message": format!("line {id}"), "priority": 6})
}

/// A journal: the first page has two entries and points at `c1`; `c1` has one more and
/// names itself, as a journal's last page does while nothing new is written.
fn journal(_: usize, request: &Request) -> ResponseTemplate {
    let logs = format!("/api/v1/ai-agents/{AGENT}/logs");
    match cursor(request).as_str() {
        "" => ResponseTemplate::new(200).set_body_json(json!({
            "data": [entry(1), entry(2)], "next_page": format!("https://api.fleek.xyz{logs}?cursor=c1&size=25"), "prev_page": null
        })),
        _ => ResponseTemplate::new(200).set_body_json(json!({
            "data": [entry(3)], "next_page": format!("https://api.fleek.xyz{logs}?cursor=c1&size=25"), "prev_page": null
        })),
    }
}

async fn serve<F>(server: &MockServer, route: &str, responder: Counted<F>)
where
    F: Fn(usize, &Request) -> ResponseTemplate + Send + Sync + 'static,
{
    Mock::given(path(route.to_string()))
        .respond_with(responder)
        .mount(server)
        .await;
}

/// Reads from `stream` for `window`, returning what came.
async fn read_for<S: futures_util::Stream + Unpin>(
    stream: &mut S,
    window: Duration,
) -> Vec<S::Item> {
    let mut items = Vec::new();
    let _ = tokio::time::timeout(window, async {
        while let Some(item) = stream.next().await {
            items.push(item);
        }
    })
    .await;
    items
}

/// Serves `responder` as the agent's logs and follows them at `interval` for `window`.
async fn follow_for<F>(
    responder: Counted<F>,
    interval: Duration,
    window: Duration,
) -> Vec<Result<fleek_api::types::LogEntry, fleek_api::Error>>
where
    F: Fn(usize, &Request) -> ResponseTemplate + Send + Sync + 'static,
{
    let server = MockServer::start().await;
    serve(
        &server,
        &format!("/api/v1/ai-agents/{AGENT}/logs"),
        responder,
    )
    .await;
    let client = client_for(&server.uri());
    let stream = client.follow_logs(AGENT).interval(interval).stream();
    futures_util::pin_mut!(stream);
    read_for(&mut stream, window).await
}

#[tokio::test]
async fn the_follower_waits_its_interval_on_a_journal_that_hands_back_its_own_cursor() {
    let logs = Counted::new(journal);
    let items = follow_for(
        logs.clone(),
        Duration::from_millis(200),
        Duration::from_millis(1_000),
    )
    .await;
    let ids: Vec<String> = items
        .into_iter()
        .map(|e| e.expect("no error").id.to_string())
        .collect();
    assert_eq!(
        ids,
        ["s=a65;i=1", "s=a65;i=2", "s=a65;i=3"],
        "each entry once"
    );
    // Two pages at once, then one request per 200 ms at most: 2 + 5, and one for slack.
    let count = logs.count();
    assert!((3..=8).contains(&count), "{count} requests in one second");
}

#[tokio::test]
async fn the_follower_waits_on_pages_that_go_round_in_a_loop() {
    // `c1` points back at the first page: nothing new on either, so every request waits.
    let logs = Counted::new(|_, request: &Request| {
        // `cursor=` (empty) is the first page again.
        let next = if cursor(request).is_empty() {
            "/logs?cursor=c1"
        } else {
            "/logs?cursor="
        };
        ResponseTemplate::new(200).set_body_json(json!({"data": [entry(1)], "next_page": next}))
    });
    let items = follow_for(
        logs.clone(),
        Duration::from_millis(200),
        Duration::from_millis(1_000),
    )
    .await;
    let entries = items.iter().filter(|i| i.is_ok()).count();
    assert_eq!(entries, 1, "the one entry, once");
    let count = logs.count();
    assert!((2..=8).contains(&count), "{count} requests in one second");
}

#[tokio::test]
async fn the_follower_honours_retry_after() {
    // Every answer is a 429 asking for 1 s: with a 50 ms interval, the follower still asks
    // at most once a second (the test client does not retry by itself).
    let logs = Counted::new(|_, _: &Request| {
        ResponseTemplate::new(429)
            .insert_header("retry-after", "1")
            .set_body_string("slow down")
    });
    let items = follow_for(
        logs.clone(),
        Duration::from_millis(50),
        Duration::from_millis(1_500),
    )
    .await;
    let error = items[0].as_ref().expect_err("429");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
    let count = logs.count();
    assert!((1..=2).contains(&count), "{count} requests in 1.5 s");
}

#[tokio::test]
async fn a_log_walk_that_meets_its_own_cursor_ends_with_every_entry() {
    let server = MockServer::start().await;
    let logs = Counted::new(journal);
    serve(
        &server,
        &format!("/api/v1/ai-agents/{AGENT}/logs"),
        logs.clone(),
    )
    .await;
    let client = client_for(&server.uri());
    let entries: Vec<_> = client
        .get_agent_logs()
        .agent_id(AGENT)
        .stream()
        .collect()
        .await;
    assert_eq!(entries.len(), 3);
    assert!(entries.iter().all(Result::is_ok));
    assert_eq!(logs.count(), 2);
}

fn nova() -> Character {
    Character::from_json(&crate::common::nova().to_string()).expect("a valid character")
}

fn agent(status: &str) -> Value {
    json!({"id": AGENT, "projectId": PROJECT, "name": "Nova", "status": status,
           "characterFile": nova().to_config_string()})
}

/// A Fleek whose writes succeed; `status` answers the status checks, `state` the agent.
async fn fleek<F>(state: &'static str, status: Counted<F>) -> (MockServer, Counted<F>)
where
    F: Fn(usize, &Request) -> ResponseTemplate + Send + Sync + Clone + 'static,
{
    let server = MockServer::start().await;
    let base = format!("/api/v1/ai-agents/{AGENT}");
    Mock::given(method("POST"))
        .and(path("/api/v2/ai-agents"))
        .respond_with(ResponseTemplate::new(201).set_body_json(agent("Draft")))
        .mount(&server)
        .await;
    for (verb, route) in [("POST", "/publish"), ("POST", "/start"), ("PUT", "")] {
        Mock::given(method(verb))
            .and(path(format!("{base}{route}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(agent(state)))
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(base.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(agent(state)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{base}/status")))
        .respond_with(status.clone())
        .mount(&server)
        .await;
    Mock::given(path_regex(".*"))
        .respond_with(ResponseTemplate::new(404).set_body_string("no such route"))
        .mount(&server)
        .await;
    (server, status)
}

fn fast(deploy: fleek_api::deploy::Deploy<'_>) -> fleek_api::deploy::Deploy<'_> {
    deploy.poll_interval(Duration::from_millis(10), Duration::from_millis(20))
}

async fn calls(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect()
}

#[tokio::test]
async fn status_checks_honour_retry_after_and_a_deploy_that_times_out_names_its_agent() {
    let status = Counted::new(|_, _: &Request| {
        ResponseTemplate::new(503)
            .insert_header("retry-after", "1")
            .set_body_string("busy")
    });
    let (server, status) = fleek("Pending", status).await;
    let client = client_for(&server.uri());
    let error = fast(client.deploy(PROJECT, &nova()))
        .timeout(Duration::from_millis(1_500))
        .run(|_| {})
        .await
        .expect_err("never runs");
    // A 10 ms interval, but the server asked for 1 s: two checks in 1.5 s.
    let count = status.count();
    assert!((1..=3).contains(&count), "{count} status checks");
    assert_eq!(error.stage(), DeployStage::Wait);
    assert_eq!(error.agent_id(), Some(AGENT));
    assert_eq!(error.kind(), ErrorKind::Timeout);
    let message = error.to_string();
    assert!(
        message.contains(&format!("Agent {AGENT} exists (published)")),
        "{message}"
    );
    assert!(message.contains("the last check failed"), "{message}");
    assert!(message.contains("503"), "{message}");
}

#[tokio::test]
async fn a_check_that_cannot_pass_by_waiting_ends_the_deploy_naming_the_agent() {
    let status = Counted::new(|_, _: &Request| ResponseTemplate::new(401).set_body_string("no"));
    let (server, status) = fleek("Pending", status).await;
    let client = client_for(&server.uri());
    let error = fast(client.deploy(PROJECT, &nova()))
        .run(|_| {})
        .await
        .expect_err("refused");
    assert_eq!(status.count(), 1);
    assert_eq!(error.stage(), DeployStage::Wait);
    assert_eq!(error.agent_id(), Some(AGENT));
    assert_eq!(error.error().status().map(|s| s.as_u16()), Some(401));
    // As a call error (for `?`), the message still names the agent.
    let as_error: fleek_api::Error = error.into();
    assert!(as_error.to_string().contains(AGENT), "{as_error}");
}

#[tokio::test]
async fn a_publish_that_fails_after_the_create_names_the_draft() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/ai-agents"))
        .respond_with(ResponseTemplate::new(201).set_body_json(agent("Draft")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/v1/ai-agents/{AGENT}/publish")))
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let error = fast(client.deploy(PROJECT, &nova()))
        .run(|_| {})
        .await
        .expect_err("publish fails");
    assert_eq!(error.stage(), DeployStage::Publish);
    assert_eq!(error.agent_id(), Some(AGENT));
    assert!(
        error.to_string().contains("as a draft, not published"),
        "{error}"
    );
    // Nothing exists before the create: an invalid character names no agent.
    let mut broken = crate::common::nova();
    broken["clients"] = json!([]);
    let broken = Character::from_json(&broken.to_string()).expect("loads");
    let error = client
        .deploy(PROJECT, &broken)
        .run(|_| {})
        .await
        .expect_err("refused");
    assert_eq!(error.stage(), DeployStage::Check);
    assert_eq!(error.agent_id(), None);
}

/// Resumes a deployment on an agent found in `state`, whose character is `character`;
/// returns the events and the calls made.
async fn resume(state: &'static str, character: &Character) -> (Vec<DeployEvent>, Vec<String>) {
    let status = Counted::new(|_, _: &Request| {
        ResponseTemplate::new(200).set_body_json(json!({"status": "true"}))
    });
    let (server, _) = fleek(state, status).await;
    let client = client_for(&server.uri());
    let mut events = Vec::new();
    let id = fast(client.deploy(PROJECT, character).agent_id(AGENT))
        .run(|e| events.push(e.clone()))
        .await
        .unwrap_or_else(|e| panic!("{state}: {e}"));
    assert_eq!(id, AGENT);
    (events, calls(&server).await)
}

fn call(verb: &str, route: &str) -> String {
    format!("{verb} /api/v1/ai-agents/{AGENT}{route}")
}

#[tokio::test]
async fn a_resumed_deploy_picks_up_wherever_the_agent_is() {
    let same = nova();
    let mut changed = crate::common::nova();
    changed["bio"] = json!(["Nova, now with a new bio."]);
    let changed = Character::from_json(&changed.to_string()).expect("loads");
    let (read, status) = (call("GET", ""), call("GET", "/status"));

    // A draft, unchanged: published, then waited for.
    let (_, calls) = resume("Draft", &same).await;
    assert_eq!(
        calls,
        [read.clone(), call("POST", "/publish"), status.clone()]
    );
    // Published or deploying: only waited for.
    for state in ["Created", "Pending"] {
        let (_, calls) = resume(state, &same).await;
        assert_eq!(calls, [read.clone(), status.clone()], "{state}");
    }
    // Running with the same character: nothing to do, nothing written.
    let (events, calls) = resume("Running", &same).await;
    assert_eq!(calls, std::slice::from_ref(&read));
    assert!(
        matches!(events.last(), Some(DeployEvent::Unchanged { agent_id }) if agent_id == AGENT)
    );
    // Running with another character: updated, published again, waited for.
    let (events, calls) = resume("Running", &changed).await;
    assert_eq!(
        calls,
        [
            read.clone(),
            call("PUT", ""),
            call("POST", "/publish"),
            status.clone()
        ]
    );
    assert!(matches!(
        &events[1],
        DeployEvent::Drafted { created: false, .. }
    ));
    // Stopped, unchanged: started.
    let (events, calls) = resume("Stopped", &same).await;
    assert_eq!(
        calls,
        [read.clone(), call("POST", "/start"), status.clone()]
    );
    assert!(events
        .iter()
        .any(|e| matches!(e, DeployEvent::Started { .. })));
    // Failed, unchanged: published again.
    let (_, calls) = resume("Failed", &same).await;
    assert_eq!(
        calls,
        [read.clone(), call("POST", "/publish"), status.clone()]
    );
}

#[tokio::test]
async fn a_state_this_version_does_not_know_is_refused_with_nothing_written() {
    let status = Counted::new(|_, _: &Request| ResponseTemplate::new(200));
    let (server, _) = fleek("Hibernating", status).await;
    let client = client_for(&server.uri());
    let error = fast(client.deploy(PROJECT, &nova()).agent_id(AGENT))
        .run(|_| {})
        .await
        .expect_err("refused");
    assert_eq!(error.stage(), DeployStage::Resume);
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert!(error.to_string().contains("Hibernating"), "{error}");
    assert_eq!(calls(&server).await, [call("GET", "")]);
}

#[tokio::test]
async fn a_failed_deploy_carries_the_last_lines_of_the_whole_log() {
    // 30 pages of 5 lines: the last 20 lines are those of pages 27 to 30, not of the first
    // pages; the walk asks 100 lines a page and ends at the last page.
    let status = Counted::new(|_, _: &Request| {
        ResponseTemplate::new(200).set_body_json(json!({"status": "false"}))
    });
    let (server, _) = fleek("Failed", status).await;
    let logs = Counted::new(|_, request: &Request| {
        let page: u32 = cursor(request).trim_start_matches('p').parse().unwrap_or(1);
        let data: Vec<Value> = (1..=5).map(|i| entry((page - 1) * 5 + i)).collect();
        let next = (page < 30).then(|| format!("/logs?cursor=p{}", page + 1));
        ResponseTemplate::new(200).set_body_json(json!({"data": data, "next_page": next}))
    });
    Mock::given(path(format!("/api/v1/ai-agents/{AGENT}/logs")))
        .respond_with(logs.clone())
        .with_priority(1)
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let mut failed = None;
    let _ = fast(client.deploy(PROJECT, &nova()))
        .run(|e| {
            if let DeployEvent::Failed { last_logs, .. } = e {
                failed = Some(last_logs.clone());
            }
        })
        .await;
    let lines: Vec<String> = failed
        .expect("a Failed event")
        .iter()
        .map(|e| e.message.clone())
        .collect();
    let expected: Vec<String> = (131..=150).map(|i| format!("line {i}")).collect();
    assert_eq!(lines, expected);
    assert_eq!(logs.count(), 30);
    let sizes: Vec<String> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path().ends_with("/logs"))
        .filter_map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "size")
                .map(|(_, v)| v.into_owned())
        })
        .collect();
    assert!(
        sizes.iter().all(|s| s == "100") && sizes.len() == 30,
        "{sizes:?}"
    );
}
