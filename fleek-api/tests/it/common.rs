//! Shared by the integration tests: the ids they use, a loopback server, a client pointed
//! at it, the spec (parsed once) and its examples, and a stable text rendering of a request
//! for snapshots.

use std::sync::OnceLock;

use fleek_api::{ByteStream, Client};
use futures_util::StreamExt;
use serde_json::Value;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The key every test client sends; snapshots show a placeholder instead.
pub const KEY: &str = "fk_test_S3CR3T_0123456789abcdef";

/// The ids the spec's examples use.
pub const AGENT: &str = "cm7b2q3vx0001la08zk4h2mto";
pub const PROJECT: &str = "cm6k5x0qj0003l708b2v1c9ep";
pub const SUBSCRIPTION: &str = "sub_9WgRMUCEFZDhHTzLISMgFEwp";

/// A mock server on 127.0.0.1 and a client whose base URL is that server. The client does
/// not retry, so that every test sees exactly the requests it caused.
pub async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = client_for(&server.uri());
    (server, client)
}

pub fn client_for(base_url: &str) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .retry(fleek_api::RetryPolicy::none())
        .build()
        .expect("a valid test configuration")
}

/// Answers every request with `response`.
pub async fn respond(server: &MockServer, response: ResponseTemplate) {
    Mock::given(wiremock::matchers::any())
        .respond_with(response)
        .mount(server)
        .await;
}

/// The spec, as JSON, parsed once for the whole test binary.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text = include_str!("../../../openapi/fleek-api.yaml");
        serde_yaml::from_str(text).expect("the spec is YAML")
    })
}

/// Every operationId of the spec, in document order.
pub fn operation_ids() -> Vec<String> {
    let spec = spec();
    let mut ids = Vec::new();
    for item in spec["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().expect("item").values() {
            if let Some(id) = operation["operationId"].as_str() {
                ids.push(id.to_string());
            }
        }
    }
    ids
}

/// The operation with this operationId.
pub fn operation(id: &str) -> &'static Value {
    for item in spec()["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().expect("path item").values() {
            if operation["operationId"] == id {
                return operation;
            }
        }
    }
    panic!("no operation {id} in the spec")
}

/// The example of the 2XX JSON response of an operation.
pub fn response_example(id: &str) -> Value {
    let example = &operation(id)["responses"]["2XX"]["content"]["application/json"]["example"];
    assert!(!example.is_null(), "{id} has no 2XX JSON example");
    example.clone()
}

/// The example of an operation's JSON request body (following a `$ref` to a shared body).
pub fn request_example(id: &str) -> Value {
    let body = &operation(id)["requestBody"];
    let body = match body["$ref"].as_str() {
        Some(reference) => {
            let name = reference.rsplit('/').next().expect("a named body");
            &spec()["components"]["requestBodies"][name]
        }
        None => body,
    };
    let example = &body["content"]["application/json"]["example"];
    assert!(!example.is_null(), "{id} has no request body example");
    example.clone()
}

/// `value` without the object members that are `null`: the generated types leave out an
/// absent optional field rather than writing `null`.
pub fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// Asserts that `decoded`, written back as JSON, says what `example` says.
pub fn assert_same_json<T: serde::Serialize>(decoded: &T, example: Value) {
    let written = serde_json::to_value(decoded).expect("serializes");
    assert_eq!(without_nulls(written), without_nulls(example));
}

/// Every request the server received, in order.
pub async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording is on")
}

/// The one request the server received.
pub async fn only_request(server: &MockServer) -> Request {
    let mut requests = received(server).await;
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

/// A request as text, for snapshots: method, path and query exactly as sent, every header
/// but `host` (whose port changes from run to run), and the body (JSON pretty-printed).
/// The API key must be the configured one and is shown as a placeholder; the crate's
/// version in the user agent is too, so that a version bump changes no snapshot.
pub fn render(request: &Request) -> String {
    let mut out = format!("{} {}", request.method, request.url.path());
    if let Some(query) = request.url.query() {
        out.push('?');
        out.push_str(query);
    }
    out.push('\n');
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .filter(|(name, _)| name.as_str() != "host")
        .map(|(name, value)| {
            let value = value.to_str().unwrap_or("<not text>").to_string();
            if name.as_str() == "x-api-key" {
                assert_eq!(value, KEY, "the configured key is sent");
                (name.to_string(), "<the configured API key>".to_string())
            } else if name.as_str() == "user-agent" {
                assert_eq!(value, fleek_api::config::USER_AGENT);
                (name.to_string(), "fleek-api/<version>".to_string())
            } else {
                (name.to_string(), value)
            }
        })
        .collect();
    headers.sort();
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\n"));
    }
    if !request.body.is_empty() {
        out.push('\n');
        match serde_json::from_slice::<Value>(&request.body) {
            Ok(json) => out.push_str(&serde_json::to_string_pretty(&json).expect("prints")),
            Err(_) => out.push_str(&String::from_utf8_lossy(&request.body)),
        }
        out.push('\n');
    }
    out
}

/// Reads a whole byte stream.
pub async fn read(stream: ByteStream) -> Vec<u8> {
    let mut stream = stream.into_inner();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk.expect("the body arrives"));
    }
    bytes
}

/// A client for `base_url` with a fast retry policy: up to `attempts` sends, waits of a
/// millisecond or two.
pub fn retrying_client(base_url: &str, attempts: u32) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .retry(
            fleek_api::RetryPolicy::default()
                .with_max_attempts(attempts)
                .with_base_delay(std::time::Duration::from_millis(1))
                .with_max_delay(std::time::Duration::from_secs(2)),
        )
        .build()
        .expect("a valid test configuration")
}

/// A TCP server on 127.0.0.1 that reads each request's head, then closes the connection
/// without answering: the request reached the server, and no answer came. Counts the
/// requests it read.
pub struct HangUpServer {
    pub url: String,
    pub requests: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl HangUpServer {
    pub async fn start() -> Self {
        use std::sync::atomic::Ordering;
        use tokio::io::AsyncReadExt;

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let requests = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = requests.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let counter = counter.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while let Ok(n) = socket.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                        head.extend_from_slice(&buf[..n]);
                        if head.windows(4).any(|w| w == b"\r\n\r\n") {
                            counter.fetch_add(1, Ordering::SeqCst);
                            break;
                        }
                    }
                    drop(socket);
                });
            }
        });
        Self { url, requests }
    }

    pub fn count(&self) -> usize {
        self.requests.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// A base URL where nothing listens: a port that was just bound and freed.
pub fn nothing_listening() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// Everything `tracing` writes while `f` runs, as text.
pub async fn traced<F: std::future::Future>(f: F) -> (F::Output, String) {
    use tracing::instrument::WithSubscriber;

    #[derive(Clone, Default)]
    struct Buffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .expect("not poisoned")
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let output = f.with_subscriber(subscriber).await;
    let text = String::from_utf8_lossy(&buffer.0.lock().expect("not poisoned")).to_string();
    (output, text)
}

/// A valid character that Fleek would deploy, as JSON.
pub fn nova() -> Value {
    serde_json::json!({
        "name": "Nova", "modelProvider": "openai", "clients": ["direct"], "plugins": [],
        "bio": ["Nova answers questions."], "lore": [], "postExamples": [],
        "messageExamples": [[{"user": "{{user1}}", "content": {"text": "Hi"}},
                             {"user": "Nova", "content": {"text": "Hello!"}}]],
        "topics": ["hosting"], "adjectives": ["helpful"],
        "style": {"all": [], "chat": [], "post": []}
    })
}
