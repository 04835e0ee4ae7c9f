//! A stateful simulator of Fleek's AI Agents API (feature `sim`): a local server on
//! 127.0.0.1 that keeps state across calls and behaves as the sources describe the real
//! service, for end-to-end tests of code that deploys, watches and talks to agents, with no
//! account and no waiting.
//!
//! - **Lifecycle**: a created agent is a `Draft` with an id, a `publicToken`, a slot and a
//!   host; `publish` makes it `Created`, then `Pending`, then `Running` after the boot time
//!   (3 s unless configured; [`Simulator::advance`] moves the clock instead of sleeping). A
//!   character that breaks Fleek's deploy rules ends `Failed`, with log lines saying why.
//!   Start, stop, partial updates and delete (404 from then on) change the state too.
//! - **Logs** accumulate (boot lines, one per message) and page like a journal: opaque
//!   cursors, full `next_page` URLs, and a last page that hands back its own cursor while
//!   nothing new is written.
//! - **The proxy** reaches a stand-in of Eliza's server (`GET agents`, `GET agents/{id}`,
//!   `POST {id}/message`) while the agent runs.
//! - **Credentials** as the spec's `security` says: the simulator's key in `X-Api-Key`, or
//!   where accepted that agent's `publicToken` in `X-Agent-Token` (only with `publicChat`).
//! - **Faults** ([`Rule`]): a status, a dropped connection or a delay, for an operation,
//!   for the next N requests or a seeded fraction of them.
//! - Routing comes from the spec: an operation the simulator has no handler for answers 501
//!   naming it; a path of no operation answers 404; a body over 4 MiB answers 413.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use fleek_api::sim::Simulator;
//! use fleek_api::Call;
//!
//! let sim = Simulator::start().await?;
//! let client = sim.client()?;
//! let agents = client.list_agents().call().await?;
//! assert!(agents.data.is_empty());
//! # Ok(())
//! # }
//! ```
//!
//! Admin routes under `/_sim/` (never an API path): `GET /_sim/state` (the whole state as
//! JSON), `POST /_sim/reset`, `POST /_sim/faults` (a [`Rule`] as JSON), `DELETE
//! /_sim/faults`, `POST /_sim/clock` (`{"advance_ms": 5000}`), `GET /_sim/requests` (the
//! operationId of every request served, as [`Simulator::requests`]) and `DELETE
//! /_sim/requests`, and the hosted pages whose
//! URLs checkout and the payment portal answer (`/_sim/hosted/...`): visiting one completes
//! it (the portal saves a card; checkout saves one and subscribes the project).

mod call;
mod eliza;
mod examples;
mod faults;
mod http;
mod operations;
mod quirks;
mod schema;
mod world;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};

pub use examples::{EXAMPLE_AGENT, EXAMPLE_PAYMENT_METHOD, EXAMPLE_PROJECT, EXAMPLE_SUBSCRIPTION};
use faults::Faults;
pub use faults::{Fault, Rule, Times};
use world::{Delays, World};

use crate::{Client, ClientBuilder};

/// The key a simulator accepts unless another is set.
pub const DEFAULT_KEY: &str = "fk_sim_0123456789abcdef";

/// What the server's tasks share.
pub(crate) struct Shared {
    pub(crate) world: Mutex<World>,
    pub(crate) key: String,
    pub(crate) base_url: String,
    pub(crate) clock: Clock,
    pub(crate) delays: Delays,
    pub(crate) faults: Mutex<Faults>,
    /// Answers as Fleek's guide shows them (see `quirks`).
    pub(crate) quirks: bool,
    /// The operation of every request served, in order (see [`Simulator::requests`]).
    pub(crate) log: Mutex<Vec<&'static str>>,
}

/// The simulator's clock: real time since the start, plus what tests advanced it by.
pub(crate) struct Clock {
    started: Instant,
    unix_at_start: i64,
    advanced: Mutex<Duration>,
}

impl Clock {
    fn new() -> Self {
        Clock {
            started: Instant::now(),
            unix_at_start: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64),
            advanced: Mutex::new(Duration::ZERO),
        }
    }

    pub(crate) fn now(&self) -> Duration {
        let advanced = self.advanced.lock().map_or(Duration::ZERO, |a| *a);
        self.started.elapsed() + advanced
    }

    pub(crate) fn unix(&self) -> i64 {
        self.unix_at_start + self.now().as_secs() as i64
    }

    /// Sets what was advanced so that the clock reads `at` now: a saved state's step times
    /// stay right when it is loaded again.
    fn resume_at(&self, at: Duration) {
        if let Ok(mut advanced) = self.advanced.lock() {
            *advanced = at.saturating_sub(self.started.elapsed());
        }
    }

    fn advance(&self, by: Duration) {
        if let Ok(mut advanced) = self.advanced.lock() {
            *advanced += by;
        }
    }
}

/// How to start a [`Simulator`].
#[derive(Clone, Debug)]
pub struct SimulatorBuilder {
    boot: Duration,
    seed: u64,
    key: String,
    port: u16,
    state: Option<Value>,
    quirks: bool,
    provisioned: bool,
    examples: bool,
}

impl Default for SimulatorBuilder {
    fn default() -> Self {
        SimulatorBuilder {
            boot: Duration::from_secs(3),
            seed: 1,
            key: DEFAULT_KEY.to_string(),
            port: 0,
            state: None,
            quirks: false,
            provisioned: false,
            examples: false,
        }
    }
}

impl SimulatorBuilder {
    /// How long an agent takes from publish (or start) to `Running`: `Pending` halfway.
    pub fn boot_time(mut self, boot: Duration) -> Self {
        self.boot = boot;
        self
    }

    /// The seed of the generator that draws fault fractions.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The API key the simulator accepts.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.key = key.into();
        self
    }

    /// The port on 127.0.0.1 (0, the default, takes a free one).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Answers as Fleek's guide shows them where it disagrees with Fleek's own clients:
    /// `character_file` and a string `slotNumber` on agents, timestamps with microseconds,
    /// one subscription as an object, a card's expiry as strings, a delete answered with a
    /// `message` and no `id`, and 201 or 204 (no body) instead of 200 on writes whose body
    /// no source documents. Every quirk is one the spec allows.
    pub fn quirks(mut self, on: bool) -> Self {
        self.quirks = on;
        self
    }

    /// Gives every project, when first seen by a billing operation, a saved card and an
    /// active subscription (to the spec's example product), as a paying customer's project
    /// has: `create_subscription`, the subscription operations and `get_payment_method`
    /// then meet real ids, as a test generator following the spec's links needs.
    pub fn provisioned(mut self, on: bool) -> Self {
        self.provisioned = on;
        self
    }

    /// Makes the resources the spec's examples name exist: agent [`EXAMPLE_AGENT`] (Nova,
    /// published: running once booted) in project [`EXAMPLE_PROJECT`], with the card
    /// [`EXAMPLE_PAYMENT_METHOD`] and the subscription [`EXAMPLE_SUBSCRIPTION`], so that a
    /// request copied from the reference works as printed.
    pub fn examples(mut self, on: bool) -> Self {
        self.examples = on;
        self
    }

    /// Starts from a state saved with [`Simulator::state`] (or `GET /_sim/state`): its
    /// agents, subscriptions and clock.
    pub fn state(mut self, state: Value) -> Self {
        self.state = Some(state);
        self
    }

    /// Starts serving on 127.0.0.1.
    ///
    /// # Errors
    /// When the port cannot be bound, or a state given with [`state`](Self::state) is not
    /// one a simulator saved (`ErrorKind::InvalidData`, saying where).
    pub async fn start(self) -> std::io::Result<Simulator> {
        let clock = Clock::new();
        let mut world = match &self.state {
            None => World::default(),
            Some(state) => {
                let world = World::deserialize(&state["world"]).map_err(|e| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("not a state a simulator saved: {e}"),
                    )
                })?;
                let at = state["clock_ms"].as_u64().unwrap_or(0);
                clock.resume_at(Duration::from_millis(at));
                world
            }
        };
        world.provisioned |= self.provisioned;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            world: Mutex::new(world),
            key: self.key,
            base_url: format!("http://{addr}"),
            clock,
            delays: Delays { boot: self.boot },
            faults: Mutex::new(Faults::new(self.seed)),
            log: Mutex::new(Vec::new()),
            quirks: self.quirks,
        });
        let app = Router::new()
            .route("/_sim/state", get(admin_state))
            .route("/_sim/reset", post(admin_reset))
            .route("/_sim/faults", post(admin_fault).delete(admin_clear_faults))
            .route("/_sim/clock", post(admin_clock))
            .route(
                "/_sim/requests",
                get(admin_requests).delete(admin_clear_requests),
            )
            .route("/_sim/hosted/{page}", get(hosted).post(hosted))
            .fallback(api)
            .with_state(Arc::clone(&shared));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = stopped.await;
        });
        let task = tokio::spawn(async move {
            if let Err(e) = server.await {
                tracing::warn!(error = %e, "the simulator stopped");
            }
        });
        let simulator = Simulator {
            shared,
            addr,
            stop: Some(stop),
            task: Some(task),
        };
        if self.examples {
            examples::seed(&simulator).await?;
        }
        Ok(simulator)
    }
}

/// A running simulator; it stops when dropped (or with [`shutdown`](Self::shutdown)).
pub struct Simulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Simulator {
    /// A simulator with the defaults (a free port, a 3 s boot time, [`DEFAULT_KEY`]).
    ///
    /// # Errors
    /// When no port on 127.0.0.1 can be bound.
    pub async fn start() -> std::io::Result<Simulator> {
        SimulatorBuilder::default().start().await
    }

    /// Options: boot time, seed, key, port.
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder::default()
    }

    /// `http://127.0.0.1:<port>`: the base URL a client uses.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The API key the simulator accepts.
    pub fn api_key(&self) -> &str {
        &self.shared.key
    }

    /// A client of the simulator, with its key.
    ///
    /// # Errors
    /// Only if the key set with [`SimulatorBuilder::api_key`] is not a valid header value.
    pub fn client(&self) -> Result<Client, crate::error::BuildError> {
        ClientBuilder::new()
            .api_key(self.api_key())
            .base_url(self.base_url())
            .build()
    }

    /// Moves the simulator's clock forward: lifecycle steps due by then are taken at the
    /// next request.
    pub fn advance(&self, by: Duration) {
        self.shared.clock.advance(by);
    }

    /// Adds a fault rule.
    pub fn fault(&self, rule: Rule) {
        if let Ok(mut faults) = self.shared.faults.lock() {
            faults.add(rule);
        }
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        if let Ok(mut faults) = self.shared.faults.lock() {
            faults.clear();
        }
    }

    /// The operationId of every request of a spec operation served so far, in order,
    /// faulted ones included: what a test counts to say which calls a client made (a plan
    /// that only reads, a second apply that writes nothing).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use fleek_api::{sim::Simulator, Call as _};
    /// let sim = Simulator::start().await?;
    /// sim.client()?.list_framework_versions().call().await?;
    /// assert_eq!(sim.requests(), ["list_framework_versions"]);
    /// sim.clear_requests();
    /// assert!(sim.requests().is_empty());
    /// # Ok(()) }
    /// ```
    pub fn requests(&self) -> Vec<&'static str> {
        self.shared
            .log
            .lock()
            .map(|log| log.clone())
            .unwrap_or_default()
    }

    /// Forgets the requests [`requests`](Self::requests) lists.
    pub fn clear_requests(&self) {
        if let Ok(mut log) = self.shared.log.lock() {
            log.clear();
        }
    }

    /// Forgets every agent, subscription and payment method.
    pub fn reset(&self) {
        if let Ok(mut world) = self.shared.world.lock() {
            *world = world.emptied();
        }
    }

    /// The whole state as JSON (what `GET /_sim/state` answers); a simulator started with
    /// [`SimulatorBuilder::state`] from it goes on from there.
    pub fn state(&self) -> Value {
        dump(&self.shared)
    }

    /// Stops serving and waits until the server is down.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn dump(shared: &Shared) -> Value {
    let now = shared.clock.now();
    let unix = shared.clock.unix();
    let world = match shared.world.lock() {
        Ok(mut world) => {
            world.settle(now, unix);
            serde_json::to_value(&*world).unwrap_or(Value::Null)
        }
        Err(_) => Value::Null,
    };
    let faults = shared
        .faults
        .lock()
        .map(|f| serde_json::to_value(f.rules()).unwrap_or(Value::Null))
        .unwrap_or(Value::Null);
    json!({"world": world, "faults": faults, "clock_ms": now.as_millis() as u64})
}

async fn admin_state(State(shared): State<Arc<Shared>>) -> Response {
    axum::Json(dump(&shared)).into_response()
}

async fn admin_requests(State(shared): State<Arc<Shared>>) -> Response {
    let log = shared.log.lock().map(|log| log.clone()).unwrap_or_default();
    axum::Json(log).into_response()
}

async fn admin_clear_requests(State(shared): State<Arc<Shared>>) -> Response {
    if let Ok(mut log) = shared.log.lock() {
        log.clear();
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn admin_reset(State(shared): State<Arc<Shared>>) -> Response {
    if let Ok(mut world) = shared.world.lock() {
        *world = world.emptied();
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn admin_fault(State(shared): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    match serde_json::from_slice::<Rule>(&body) {
        Ok(rule) => {
            if let Ok(mut faults) = shared.faults.lock() {
                faults.add(rule);
            }
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => call::error(
            StatusCode::BAD_REQUEST,
            "_sim/faults",
            &format!("not a fault rule: {e}"),
        ),
    }
}

async fn admin_clear_faults(State(shared): State<Arc<Shared>>) -> Response {
    if let Ok(mut faults) = shared.faults.lock() {
        faults.clear();
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn admin_clock(State(shared): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    let advance = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("advance_ms").and_then(Value::as_u64));
    match advance {
        Some(ms) => {
            shared.clock.advance(Duration::from_millis(ms));
            StatusCode::NO_CONTENT.into_response()
        }
        None => call::error(
            StatusCode::BAD_REQUEST,
            "_sim/clock",
            "send {\"advance_ms\": <milliseconds>}",
        ),
    }
}

/// A hosted page (checkout, or the payment portal) completed, as if the user had paid or
/// saved a card there: the portal saves a card for the project; checkout saves one and
/// subscribes the project to its first product.
async fn hosted(
    State(shared): State<Arc<Shared>>,
    axum::extract::Path(page): axum::extract::Path<String>,
    uri: axum::http::Uri,
) -> Response {
    let project = uri
        .query()
        .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "project"))
        .map(|(_, v)| v.into_owned())
        .filter(|p| !p.is_empty());
    let Some(project) = project else {
        return call::error(
            StatusCode::BAD_REQUEST,
            "_sim/hosted",
            "no `project` query parameter",
        );
    };
    let unix = shared.clock.unix();
    let Ok(mut world) = shared.world.lock() else {
        return call::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "_sim/hosted",
            "unusable state",
        );
    };
    let answer = match page.as_str() {
        "create_payment_portal_session" => {
            json!({"card": operations::save_card(&mut world, &project)})
        }
        "create_checkout_session" => {
            let card = operations::save_card(&mut world, &project);
            let subscription = operations::subscribe(&mut world, project, "prod_sim", 1, unix);
            json!({"card": card, "subscription": subscription})
        }
        other => {
            return call::error(
                StatusCode::NOT_FOUND,
                "_sim/hosted",
                &format!("no hosted page {other}"),
            )
        }
    };
    axum::Json(answer).into_response()
}

/// The answer to a method and path of no operation: 405 with `Allow` for a path of the API
/// (another method), 404 for any other.
fn unrouted(method: &axum::http::Method, path: &str) -> Response {
    let allowed = http::allowed(path).join(", ");
    if allowed.is_empty() {
        return call::error(
            StatusCode::NOT_FOUND,
            "",
            &format!("no operation of the API is {method} {path}"),
        );
    }
    let mut response = call::error(
        StatusCode::METHOD_NOT_ALLOWED,
        "",
        &format!("{path} takes {allowed}, not {method}"),
    );
    if let Ok(value) = axum::http::HeaderValue::from_str(&allowed) {
        response.headers_mut().insert("allow", value);
    }
    response
}

/// Every API request: routed by the spec's table, then answered.
async fn api(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Some((operation, params)) = http::route(&parts.method, parts.uri.path()) else {
        return unrouted(&parts.method, parts.uri.path());
    };
    let body = match axum::body::to_bytes(Body::new(body), http::MAX_BODY).await {
        Ok(body) => body,
        Err(_) => {
            return call::error(
                StatusCode::PAYLOAD_TOO_LARGE,
                operation,
                &format!("the body is over {} bytes, or broke off", http::MAX_BODY),
            )
        }
    };
    let query = parts
        .uri
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    http::answer(
        shared,
        call::Call {
            operation,
            method: parts.method,
            params,
            query,
            headers: parts.headers,
            body,
        },
    )
    .await
}
