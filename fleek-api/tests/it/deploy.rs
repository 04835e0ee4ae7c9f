//! Deploying a character against a mock Fleek (the crate's own `mock` helpers) that starts
//! the agent slowly, fails it, or never finishes; framework versions and TEE; avatars; and
//! what dropping a deployment leaves behind.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{AGENT, PROJECT};
use fleek_api::{
    character::{Avatar, AvatarError, Character, MAX_AVATAR_BYTES},
    deploy::DeployEvent,
    mock::MockServerExt,
    types::{self, AgentStatus},
    ErrorKind,
};
use futures_util::StreamExt;
use httpmock::{HttpMockRequest, HttpMockResponse, MockServer};
use serde_json::{json, Value};

fn nova() -> Character {
    Character::from_json(&crate::common::nova().to_string()).expect("a valid character")
}

fn agent(status: &str) -> Value {
    json!({"id": AGENT, "projectId": PROJECT, "name": "Nova", "status": status})
}

/// One request as the mock Fleek saw it: `METHOD /path` and its JSON body (`null` if none).
#[derive(Clone, Debug)]
struct Seen {
    call: String,
    body: Value,
}

type Log = Arc<Mutex<Vec<Seen>>>;

/// Records each request in `log`, then answers `status` with the JSON `body()` makes.
fn answer(
    log: &Log,
    status: u16,
    body: impl Fn() -> Value + Send + Sync + 'static,
) -> impl Fn(&HttpMockRequest) -> HttpMockResponse + Send + Sync + 'static {
    let log = log.clone();
    move |request| {
        log.lock().expect("not poisoned").push(Seen {
            call: format!("{} {}", request.method_str(), request.uri().path()),
            body: serde_json::from_slice(request.body_ref()).unwrap_or(Value::Null),
        });
        // A 204 carries no body, as HTTP requires.
        let body = if status == 204 {
            String::new()
        } else {
            body().to_string()
        };
        HttpMockResponse::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(body)
            .build()
    }
}

/// A mock Fleek built from the crate's own `mock` helpers, one per operation the deployment
/// uses. Each answer is computed when a request comes (`then.into_inner().respond_with`), so
/// that the mock can record the order of calls and start the agent after a few checks.
struct Fleek {
    client: fleek_api::Client,
    log: Log,
    // Kept alive for the client; dropped with the fixture.
    _server: MockServer,
}

impl Fleek {
    /// Drafts, publishes, reports `state` for the agent, says it runs after `starting`
    /// status checks, and lists `versions` as the framework versions (no such route when
    /// empty). Anything else is recorded and answered 404.
    async fn start(state: &'static str, starting: usize, versions: &[&str]) -> Self {
        Self::answering(state, starting, versions, 200, 200).await
    }

    /// As [`Fleek::start`], with the success status of the create and of the publish.
    async fn answering(
        state: &'static str,
        starting: usize,
        versions: &[&str],
        created: u16,
        published: u16,
    ) -> Self {
        let server = MockServer::start_async().await;
        let log = Log::default();
        let id: types::AgentId = AGENT.parse().expect("a valid id");
        let draft = || agent("Draft");
        server.create_agent(|_, then| {
            then.into_inner().respond_with(answer(&log, created, draft));
        });
        server.update_agent(|when, then| {
            when.agent_id(&id);
            then.into_inner().respond_with(answer(&log, 200, draft));
        });
        server.publish_agent(|when, then| {
            when.agent_id(&id);
            then.into_inner()
                .respond_with(answer(&log, published, || agent("Created")));
        });
        let checks = Arc::new(AtomicUsize::new(0));
        server.get_agent_status(|when, then| {
            when.agent_id(&id);
            then.into_inner().respond_with(answer(&log, 200, move || {
                let running = checks.fetch_add(1, Ordering::SeqCst) >= starting;
                json!({"status": running.to_string()})
            }));
        });
        server.get_agent(|when, then| {
            when.agent_id(&id);
            then.into_inner()
                .respond_with(answer(&log, 200, move || agent(state)));
        });
        server.get_agent_logs(|when, then| {
            when.agent_id(&id);
            then.into_inner().respond_with(answer(&log, 200, || {
                let entries: Vec<_> = (1..=25)
                    .map(|i| json!({"id": i, "timestamp": 1739454949 + i, "message": format!("line {i}")}))
                    .collect();
                json!({"data": entries, "next_page": null, "prev_page": null})
            }));
        });
        if !versions.is_empty() {
            let list = json!({"name": "eliza", "versions": versions});
            server.list_framework_versions(|_, then| {
                then.into_inner()
                    .respond_with(answer(&log, 200, move || list.clone()));
            });
        }
        // Registered last, so it answers only what no operation above matches.
        server.mock(|_, then| {
            then.respond_with(answer(&log, 404, || json!({"error": "no such route"})));
        });
        Self {
            client: crate::common::client_for(&server.base_url()),
            log,
            _server: server,
        }
    }

    /// Every request so far, in order.
    fn seen(&self) -> Vec<Seen> {
        self.log.lock().expect("not poisoned").clone()
    }

    /// `METHOD /path` of every request so far, in order.
    fn calls(&self) -> Vec<String> {
        self.seen().into_iter().map(|s| s.call).collect()
    }
}

fn fast(deploy: fleek_api::deploy::Deploy<'_>) -> fleek_api::deploy::Deploy<'_> {
    deploy.poll_interval(Duration::from_millis(5), Duration::from_millis(20))
}

#[tokio::test]
async fn a_slow_start_reports_each_step_until_the_agent_runs() {
    let fleek = Fleek::start("Pending", 3, &[]).await;
    let client = &fleek.client;
    let character = nova();
    let mut events = Vec::new();
    let agent_id = fast(client.deploy(PROJECT, &character))
        .run(|event| events.push(event.clone()))
        .await
        .expect("runs");
    assert_eq!(agent_id, AGENT);
    assert!(
        matches!(&events[0], DeployEvent::Drafted { created: true, agent } if agent.id == AGENT)
    );
    assert!(matches!(&events[1], DeployEvent::Published { .. }));
    let waits: Vec<_> = events[2..events.len() - 1]
        .iter()
        .map(|e| match e {
            DeployEvent::Waiting { status, .. } => status.clone(),
            other => panic!("expected Waiting, got {other:?}"),
        })
        .collect();
    assert_eq!(waits, vec![Some(AgentStatus::Pending); 3]);
    assert!(
        matches!(events.last(), Some(DeployEvent::Running { agent_id, .. }) if agent_id == AGENT)
    );

    let create = &fleek.seen()[0].body;
    assert_eq!(create["projectId"], PROJECT);
    assert_eq!(create["name"], "Nova");
    // No version chosen: Fleek chooses, and none is sent.
    assert!(create.get("frameworkVersion").is_none());
    assert_eq!(create["config"], character.to_config_string());
    assert!(create.get("avatar").is_none());
    assert_eq!(
        fleek.calls()[1],
        format!("POST /api/v1/ai-agents/{AGENT}/publish")
    );
}

#[tokio::test]
async fn a_failed_agent_ends_with_its_last_log_lines() {
    let fleek = Fleek::start("Failed", usize::MAX, &[]).await;
    let client = &fleek.client;
    let character = nova();
    let events: Vec<_> = fast(client.deploy(PROJECT, &character))
        .events()
        .collect()
        .await;
    match events.last() {
        Some(Ok(DeployEvent::Failed {
            agent_id,
            status,
            last_logs,
        })) => {
            assert_eq!(agent_id, AGENT);
            assert_eq!(*status, AgentStatus::Failed);
            let lines: Vec<_> = last_logs.iter().map(|l| l.message.as_str()).collect();
            let expected: Vec<String> = (6..=25).map(|i| format!("line {i}")).collect();
            assert_eq!(lines, expected);
        }
        other => panic!("expected Failed, got {other:?}"),
    }
    let error = fast(client.deploy(PROJECT, &character))
        .run(|_| {})
        .await
        .expect_err("failed");
    assert!(error.to_string().contains("failed to start"), "{error}");
    assert!(error.to_string().contains("line 25"), "{error}");
}

#[tokio::test]
async fn a_deployment_that_never_finishes_times_out_naming_the_state() {
    let fleek = Fleek::start("Pending", usize::MAX, &[]).await;
    let client = &fleek.client;
    let character = nova();
    let error = fast(client.deploy(PROJECT, &character))
        .timeout(Duration::from_millis(150))
        .run(|_| {})
        .await
        .expect_err("times out");
    assert_eq!(error.kind(), ErrorKind::Timeout);
    let text = error.to_string();
    assert!(text.contains(AGENT), "{text}");
    assert!(text.contains("its status is Pending"), "{text}");
    assert!(text.contains("delete_agent"), "{text}");
    // The call error names only spec operations: the one the wait polled; the task is
    // named apart, and the advice for a slow network is not given for a slow agent.
    let error = error.into_error();
    assert_eq!(error.operation(), "get_agent_status");
    assert_eq!(error.task(), Some("wait_until_running"));
    let text = error.to_string();
    assert!(text.starts_with("wait_until_running failed"), "{text}");
    assert!(!text.contains("ClientBuilder::timeout"), "{text}");
    // As a call error for `?`, a deployment error keeps the failed call's operation too.
    let error = fast(client.deploy(PROJECT, &character))
        .timeout(Duration::from_millis(150))
        .run(|_| {})
        .await
        .expect_err("times out");
    let error = fleek_api::Error::from(error);
    assert_eq!(error.operation(), "get_agent_status");
    assert_eq!(error.task(), Some("deploy"));
    assert!(error.to_string().starts_with("deploy failed"), "{error}");
}

#[tokio::test]
async fn a_character_fleek_would_refuse_is_refused_before_anything_is_sent() {
    let fleek = Fleek::start("Running", 0, &[]).await;
    let client = &fleek.client;
    let c3po = Character::from_json(include_str!("fixtures/c3po.character.json")).expect("parses");
    let error = client
        .deploy(PROJECT, &c3po)
        .run(|_| {})
        .await
        .expect_err("refused");
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert!(error.to_string().contains("$.clients"), "{error}");
    assert!(error.to_string().contains("$.topics"), "{error}");
    assert!(fleek.calls().is_empty());
}

#[tokio::test]
async fn an_existing_agent_is_updated_then_published() {
    let fleek = Fleek::start("Running", 0, &[]).await;
    let client = &fleek.client;
    let character = nova();
    let mut events = Vec::new();
    fast(
        client
            .deploy(PROJECT, &character)
            .agent_id(AGENT)
            .name("Nova II"),
    )
    .run(|e| events.push(e.clone()))
    .await
    .expect("runs");
    // The agent is read first: it runs, under another name, so it is updated.
    assert!(matches!(&events[0], DeployEvent::Resumed { agent } if agent.id == AGENT));
    assert!(matches!(
        &events[1],
        DeployEvent::Drafted { created: false, .. }
    ));
    let seen = fleek.seen();
    assert_eq!(seen[0].call, format!("GET /api/v1/ai-agents/{AGENT}"));
    assert_eq!(seen[1].call, format!("PUT /api/v1/ai-agents/{AGENT}"));
    let update = &seen[1].body;
    assert_eq!(
        *update,
        json!({"name": "Nova II", "config": character.to_config_string(), "projectId": PROJECT})
    );
}

#[tokio::test]
async fn a_framework_version_fleek_offers_is_sent_and_moves_an_existing_agent() {
    let fleek = Fleek::start("Running", 0, &["eliza-0.1.9", "v2.beta.28"]).await;
    let client = &fleek.client;
    let character = nova();
    fast(
        client
            .deploy(PROJECT, &character)
            .agent_id(AGENT)
            .framework_version("v2.beta.28")
            .tee(true),
    )
    .run(|_| {})
    .await
    .expect("runs");
    assert_eq!(
        fleek.calls()[..3],
        [
            "GET /api/v1/machines/images/eliza".to_string(),
            format!("GET /api/v1/ai-agents/{AGENT}"),
            format!("PUT /api/v1/ai-agents/{AGENT}")
        ]
    );
    let update = &fleek.seen()[2].body;
    assert_eq!(update["frameworkVersion"], "v2.beta.28");
    assert_eq!(update["tee"], true);
    assert_eq!(update["projectId"], PROJECT);
}

#[tokio::test]
async fn an_unknown_framework_version_is_refused_naming_the_valid_ones() {
    let fleek = Fleek::start("Running", 0, &["eliza-0.1.9", "v2.beta.28"]).await;
    let client = &fleek.client;
    let character = nova();
    let error = fast(
        client
            .deploy(PROJECT, &character)
            .framework_version("eliza-9.9"),
    )
    .run(|_| {})
    .await
    .expect_err("refused");
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    let text = error.to_string();
    assert!(text.contains("\"eliza-9.9\""), "{text}");
    assert!(text.contains("eliza-0.1.9, v2.beta.28"), "{text}");
    assert_eq!(
        fleek.calls(),
        ["GET /api/v1/machines/images/eliza"],
        "nothing but the list was asked"
    );
}

#[tokio::test]
async fn when_the_versions_cannot_be_read_the_api_judges_the_version() {
    // No route for the list: it answers 404, and the deployment goes on with the version.
    let fleek = Fleek::start("Running", 0, &[]).await;
    let client = &fleek.client;
    let character = nova();
    fast(
        client
            .deploy(PROJECT, &character)
            .framework_version("eliza-0.1.9"),
    )
    .run(|_| {})
    .await
    .expect("runs");
    let seen = fleek.seen();
    assert_eq!(
        seen[0].call, "GET /api/v1/machines/images/eliza",
        "asked, and 404"
    );
    let create = seen
        .iter()
        .find(|s| s.call == "POST /api/v2/ai-agents")
        .expect("the draft was created");
    assert_eq!(create.body["frameworkVersion"], "eliza-0.1.9");
}

#[tokio::test]
async fn a_new_draft_gets_tee_through_an_update_before_it_is_published() {
    let fleek = Fleek::start("Running", 0, &[]).await;
    let client = &fleek.client;
    let character = nova();
    fast(client.deploy(PROJECT, &character).tee(true))
        .run(|_| {})
        .await
        .expect("runs");
    assert_eq!(
        fleek.calls()[..3],
        [
            "POST /api/v2/ai-agents".to_string(),
            format!("PUT /api/v1/ai-agents/{AGENT}"),
            format!("POST /api/v1/ai-agents/{AGENT}/publish"),
        ]
    );
    let seen = fleek.seen();
    assert!(
        seen[0].body.get("tee").is_none(),
        "the create body does not take it"
    );
    assert_eq!(seen[1].body, json!({"tee": true}));
}

#[tokio::test]
async fn dropping_the_deployment_after_the_draft_sends_nothing_more() {
    let fleek = Fleek::start("Pending", usize::MAX, &[]).await;
    let client = &fleek.client;
    let character = nova();
    {
        let events = fast(client.deploy(PROJECT, &character)).events();
        futures_util::pin_mut!(events);
        match events.next().await {
            Some(Ok(DeployEvent::Drafted { agent, .. })) => assert_eq!(agent.id, AGENT),
            other => panic!("expected Drafted, got {other:?}"),
        }
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(fleek.calls(), ["POST /api/v2/ai-agents"]);
}

#[tokio::test]
async fn a_draft_from_a_character_carries_its_avatar() {
    let fleek = Fleek::start("Draft", 0, &[]).await;
    let client = &fleek.client;
    let png = [b"\x89PNG\r\n\x1a\n".as_slice(), &[0u8; 32]].concat();
    let file = std::env::temp_dir().join(format!("fleek-avatar-{}.png", std::process::id()));
    std::fs::write(&file, &png).expect("writable");
    let avatar = Avatar::from_path(&file).expect("a PNG");
    std::fs::remove_file(&file).ok();
    let draft = client
        .create_agent_from_character(PROJECT, &nova())
        .name("Nova the Bold")
        .avatar(avatar.clone())
        .send()
        .await
        .expect("drafted");
    assert_eq!(draft.status, AgentStatus::Draft);
    let seen = fleek.seen();
    assert_eq!(seen.len(), 1, "a draft only: nothing published");
    let body = &seen[0].body;
    assert_eq!(body["avatar"], avatar.base64());
    assert_eq!(body["name"], "Nova the Bold");
}

#[test]
fn avatars_are_size_and_type_checked() {
    let dir = std::env::temp_dir();
    let big = dir.join(format!("fleek-big-{}.png", std::process::id()));
    let file = std::fs::File::create(&big).expect("creatable");
    file.set_len(MAX_AVATAR_BYTES as u64 + 1).expect("sized");
    let error = Avatar::from_path(&big).expect_err("too big");
    std::fs::remove_file(&big).ok();
    assert!(
        matches!(error, AvatarError::TooLarge { size } if size == MAX_AVATAR_BYTES as u64 + 1),
        "{error}"
    );
    assert!(error.to_string().contains("resize"), "{error}");

    let error = Avatar::from_bytes(b"%PDF-1.7 not an image".to_vec()).expect_err("not an image");
    assert!(
        error.to_string().contains("PNG, JPEG, GIF or WebP"),
        "{error}"
    );
    assert!(matches!(error, AvatarError::UnknownFormat));
    let error = Avatar::from_path("/nonexistent/avatar.png").expect_err("missing");
    assert!(
        error.to_string().contains("/nonexistent/avatar.png"),
        "{error}"
    );
    let io = std::error::Error::source(&error).expect("the I/O error is kept");
    assert!(io.downcast_ref::<std::io::Error>().is_some(), "{io}");
    assert!(matches!(
        Avatar::from_bytes(Vec::new()),
        Err(AvatarError::Empty)
    ));
    for image in [
        b"\xFF\xD8\xFF\xE0\0\x10JFIF".to_vec(),
        b"GIF89a\x01\0\x01\0".to_vec(),
        b"RIFF\x24\0\0\0WEBPVP8 ".to_vec(),
    ] {
        Avatar::from_bytes(image).expect("an image");
    }
}

#[tokio::test]
async fn a_create_answered_201_and_a_publish_answered_201_or_204_deploy() {
    // No source shows Fleek's success codes. A publish that answers 204 says nothing of the
    // agent: the deployment reads it and goes on.
    for published in [201, 204] {
        let fleek = Fleek::answering("Running", 1, &[], 201, published).await;
        let mut events = Vec::new();
        let agent_id = fast(fleek.client.deploy(PROJECT, &nova()))
            .run(|event| events.push(event.clone()))
            .await
            .unwrap_or_else(|e| panic!("publish {published}: {e}"));
        assert_eq!(agent_id, AGENT);
        assert!(
            matches!(&events[1], DeployEvent::Published { agent } if agent.id == AGENT),
            "{published}: {events:?}"
        );
        let calls = fleek.calls();
        let read_after_publish = calls.get(2) == Some(&format!("GET /api/v1/ai-agents/{AGENT}"));
        assert_eq!(read_after_publish, published == 204, "{calls:?}");
    }
}

#[tokio::test]
async fn a_create_answered_204_ends_the_deployment_saying_the_api_sent_no_agent() {
    let fleek = Fleek::answering("Running", 1, &[], 204, 200).await;
    let error = fast(fleek.client.deploy(PROJECT, &nova()))
        .run(|_| {})
        .await
        .expect_err("no agent to publish");
    assert_eq!(error.error().operation(), "create_agent");
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.error().status().map(|s| s.as_u16()), Some(204));
    assert_eq!(fleek.calls(), vec!["POST /api/v2/ai-agents".to_string()]);
}
