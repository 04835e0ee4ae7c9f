//! The client against a bare `reqwest::Client` + `serde_json`, same loopback server, same
//! payloads, same process, interleaved in rounds (the side that goes first alternates):
//!
//! - `get_agent`: one agent;
//! - `log_page_1000`: one page of 1,000 log entries;
//! - `stream_100k_logs`: 100,000 log entries across 1,000 pages of 100.
//!
//! For each, every round's median per call on both sides and their ratio, then the median
//! of the rounds with the spread (lowest–highest round). A single round is noise on a shared
//! machine; the median of rounds, read with its spread, is the figure. After the timings it
//! prints the peak heap growth while streaming 10, 100 and 1,000 pages: streaming keeps one
//! page in memory at a time, so the three should match.
//!
//! Run with `cargo bench -p fleek-api` (`-- --rounds N`, or `-- --quick` for a smoke run).

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fleek_api::{types, types::Agent, Call, Client, RetryPolicy};
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::runtime::Runtime;

/// Counts live heap bytes and their peak, for the memory figure.
struct CountingAllocator;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the counters are
// only arithmetic on the side.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const KEY: &str = "fk_bench_0123456789";
const AGENT: &str = "cm7b2q3vx0001la08zk4h2mto";
const PAGES: usize = 1_000;
const PER_PAGE: usize = 100;

/// Bodies the server answers with, by path and `cursor` query.
struct Routes {
    agent: Vec<u8>,
    big_page: Vec<u8>,
    stream_pages: Vec<Vec<u8>>,
}

fn log_entry(n: usize) -> serde_json::Value {
    serde_json::json!({
        "id": format!("s=a6542de1ed8c4c5c98a9080c5dc1e96d;i={n};b=5956ed0f842c4e01a08da7328fc9a960"),
        "timestamp": 1_739_454_949 + n,
        "message": format!("[2025-02-13 12:15:{:02}] INFO Agent Nova handled message {n}", n % 60),
        "priority": 6
    })
}

fn routes(base: &str) -> Routes {
    let agent = serde_json::json!({
        "id": AGENT, "projectId": "cm6k5x0qj0003l708b2v1c9ep", "name": "Nova", "avatar": null,
        "status": "Running",
        "character_file": "{\"name\":\"Nova\",\"modelProvider\":\"openai\",\"clients\":[\"direct\"],\"bio\":[\"Nova answers questions about hosting on Fleek.\"],\"lore\":[],\"messageExamples\":[],\"postExamples\":[],\"topics\":[\"web hosting\"],\"adjectives\":[\"helpful\"],\"plugins\":[],\"style\":{\"all\":[],\"chat\":[],\"post\":[]}}",
        "host": "203.0.113.24", "slotNumber": "3", "createdBy": "cm6k5wz1p0000l708u3q1d7xa",
        "createdAt": "2025-02-13T12:15:49.123Z", "updatedAt": "2025-02-13T12:20:03.481Z",
        "deletedAt": null, "publicChat": false, "tee": true, "frameworkName": "eliza",
        "frameworkVersion": "eliza-0.1.9"
    });
    let big_page = serde_json::json!({
        "data": (0..1_000).map(log_entry).collect::<Vec<_>>(),
        "next_page": null, "prev_page": null
    });
    let stream_pages = (0..PAGES)
        .map(|page| {
            let next = (page + 1 < PAGES).then(|| {
                format!(
                    "{base}/api/v1/ai-agents/stream/logs?cursor={}&size={PER_PAGE}",
                    page + 1
                )
            });
            let body = serde_json::json!({
                "data": (page * PER_PAGE..(page + 1) * PER_PAGE).map(log_entry).collect::<Vec<_>>(),
                "next_page": next, "prev_page": null
            });
            serde_json::to_vec(&body).unwrap_or_default()
        })
        .collect();
    Routes {
        agent: serde_json::to_vec(&agent).unwrap_or_default(),
        big_page: serde_json::to_vec(&big_page).unwrap_or_default(),
        stream_pages,
    }
}

impl Routes {
    fn answer(&self, target: &str) -> &[u8] {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let params: HashMap<&str, &str> =
            query.split('&').filter_map(|p| p.split_once('=')).collect();
        if path == format!("/api/v1/ai-agents/{AGENT}") {
            &self.agent
        } else if path == format!("/api/v1/ai-agents/{AGENT}/logs") {
            &self.big_page
        } else if path == "/api/v1/ai-agents/stream/logs" {
            let page: usize = params
                .get("cursor")
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            self.stream_pages
                .get(page)
                .map_or(b"{}".as_slice(), Vec::as_slice)
        } else {
            b"{}"
        }
    }
}

/// A keep-alive HTTP/1.1 server on 127.0.0.1 that answers GETs from `Routes`.
async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let routes = Arc::new(routes(&base));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let routes = routes.clone();
            tokio::spawn(async move {
                let _ = socket.set_nodelay(true);
                let mut buffer = Vec::with_capacity(4096);
                let mut chunk = [0u8; 4096];
                loop {
                    let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => {
                                buffer.extend_from_slice(&chunk[..n]);
                                continue;
                            }
                        }
                    };
                    let head = String::from_utf8_lossy(&buffer[..end]).to_string();
                    buffer.drain(..end + 4);
                    let target = head.split(' ').nth(1).unwrap_or("/");
                    let body = routes.answer(target);
                    let header = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                        body.len()
                    );
                    if socket.write_all(header.as_bytes()).await.is_err()
                        || socket.write_all(body).await.is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    base
}

fn client(base: &str) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(base)
        .retry(RetryPolicy::none())
        .build()
        .expect("client")
}

async fn bare_get<T: serde::de::DeserializeOwned>(http: &reqwest::Client, url: String) -> T {
    let body = http
        .get(url)
        .header("x-api-key", KEY)
        .header("accept", "application/json")
        .send()
        .await
        .expect("answer")
        .bytes()
        .await
        .expect("body");
    serde_json::from_slice(&body).expect("decodes")
}

/// How many rounds, and how many calls per side in each round.
struct Plan {
    rounds: usize,
    get_agent: usize,
    log_page: usize,
    stream: usize,
}

impl Plan {
    const fn new(rounds: usize, get_agent: usize, log_page: usize, stream: usize) -> Self {
        Plan {
            rounds,
            get_agent,
            log_page,
            stream,
        }
    }

    /// The full run, or: `--quick` (a smoke run); `--only-agent`, `--only-page` or
    /// `--only-stream` (that scenario alone, a few times, for an instruction counter such as `valgrind --tool=callgrind`,
    /// whose counts repeat where timings do not); `--rounds N`.
    fn from_args() -> Self {
        let args: Vec<String> = std::env::args().collect();
        let has = |flag: &str| args.iter().any(|a| a == flag);
        let mut plan = if has("--quick") {
            Plan::new(3, 200, 20, 1)
        } else if has("--only-agent") {
            Plan::new(1, 200, 0, 0)
        } else if has("--only-page") {
            Plan::new(1, 0, 30, 0)
        } else if has("--only-stream") {
            Plan::new(1, 0, 0, 1)
        } else {
            Plan::new(9, 2_000, 200, 3)
        };
        if let Some(i) = args.iter().position(|a| a == "--rounds") {
            if let Some(n) = args.get(i + 1).and_then(|n| n.parse().ok()) {
                plan.rounds = n;
            }
        }
        plan
    }
}

/// One side's calls in one round: each call's duration.
async fn time_calls<F, Fut>(calls: usize, mut call: F) -> Vec<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future,
{
    let mut times = Vec::with_capacity(calls);
    for _ in 0..calls {
        let started = Instant::now();
        black_box(call().await);
        times.push(started.elapsed());
    }
    times
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn micros(times: &[Duration]) -> Vec<f64> {
    times.iter().map(|t| t.as_secs_f64() * 1e6).collect()
}

/// Runs one scenario: in each round both sides make `calls` calls, the side that goes first
/// alternating, and each side's median call time is that round's figure. Prints every
/// round, then the median of the rounds and their spread for each side and for the ratio.
async fn scenario<A, AF, B, BF>(name: &str, rounds: usize, calls: usize, mut client: A, mut bare: B)
where
    A: FnMut() -> AF,
    AF: std::future::Future,
    B: FnMut() -> BF,
    BF: std::future::Future,
{
    if calls == 0 {
        return;
    }
    // One warm-up call each: connections open, buffers grow.
    black_box(client().await);
    black_box(bare().await);
    println!("\n{name}: {rounds} rounds of {calls} calls per side, median µs per call");
    println!("  round   fleek-api   bare reqwest   ratio");
    let (mut ours, mut theirs, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 1..=rounds {
        let (a, b) = if round % 2 == 1 {
            let a = time_calls(calls, &mut client).await;
            let b = time_calls(calls, &mut bare).await;
            (a, b)
        } else {
            let b = time_calls(calls, &mut bare).await;
            let a = time_calls(calls, &mut client).await;
            (a, b)
        };
        let (a, b) = (median(&mut micros(&a)), median(&mut micros(&b)));
        println!("  {round:>5}   {a:>9.1}   {b:>12.1}   {:.3}", a / b);
        ours.push(a);
        theirs.push(b);
        ratios.push(a / b);
    }
    let spread = |values: &[f64]| {
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (min, max)
    };
    let (a_min, a_max) = spread(&ours);
    let (b_min, b_max) = spread(&theirs);
    let (r_min, r_max) = spread(&ratios);
    println!(
        "  median of rounds: fleek-api {:.1} µs ({a_min:.1}–{a_max:.1}), bare reqwest {:.1} µs \
         ({b_min:.1}–{b_max:.1}), ratio {:.3} ({r_min:.3}–{r_max:.3})",
        median(&mut ours.clone()),
        median(&mut theirs.clone()),
        median(&mut ratios.clone()),
    );
}

fn main() {
    let plan = Plan::from_args();
    let runtime = Runtime::new().expect("tokio runtime");
    let base = runtime.block_on(serve());
    let client = client(&base);
    // The bare client gets the same reqwest settings the crate's builder applies (timeouts,
    // user agent), so that the comparison measures the layer, not a configuration.
    let http = reqwest::Client::builder()
        .connect_timeout(fleek_api::config::DEFAULT_CONNECT_TIMEOUT)
        .timeout(fleek_api::config::DEFAULT_TIMEOUT)
        .user_agent(fleek_api::config::USER_AGENT)
        .redirect(fleek_api::config::redirect_policy())
        .build()
        .expect("reqwest client");
    println!(
        "{} against bare reqwest + serde_json on one loopback keep-alive server; \
         {} rounds, the side that goes first alternating",
        fleek_api::config::USER_AGENT,
        plan.rounds
    );

    runtime.block_on(async {
        scenario(
            "get_agent (one agent)",
            plan.rounds,
            plan.get_agent,
            || async {
                client
                    .get_agent()
                    .agent_id(AGENT)
                    .call()
                    .await
                    .expect("agent")
            },
            // Like the client, the bare side builds the URL from the agent ID on every call.
            || bare_get::<Agent>(&http, format!("{base}/api/v1/ai-agents/{AGENT}")),
        )
        .await;
        scenario(
            "log_page_1000 (one page of 1,000 log entries)",
            plan.rounds,
            plan.log_page,
            || async {
                client
                    .get_agent_logs()
                    .agent_id(AGENT)
                    .size(1_000)
                    .call()
                    .await
                    .expect("page")
            },
            || {
                bare_get::<types::LogPage>(
                    &http,
                    format!("{base}/api/v1/ai-agents/{AGENT}/logs?size=1000"),
                )
            },
        )
        .await;
        scenario(
            "stream_100k_logs (100,000 entries, 1,000 pages of 100)",
            plan.rounds,
            plan.stream,
            || stream_with_client(&client, PAGES),
            || stream_bare(&http, &base),
        )
        .await;
    });

    // Twice over, so that the first pass's one-off allocations (connection pool, buffers)
    // are not counted as growth.
    println!();
    let pages_measured: &[usize] = if plan.stream == 0 {
        &[]
    } else {
        &[10, 100, 1_000, 10, 100, 1_000]
    };
    for &pages in pages_measured {
        let (count, peak) = runtime.block_on(async {
            let before = LIVE.load(Ordering::Relaxed);
            PEAK.store(before, Ordering::Relaxed);
            let count = stream_with_client(&client, pages).await;
            (count, PEAK.load(Ordering::Relaxed).saturating_sub(before))
        });
        println!(
            "stream memory: {pages} pages, {count} entries, peak heap growth {:.1} KiB",
            peak as f64 / 1024.0
        );
    }
}

/// Streams the first `pages` pages through the client; returns the entries seen.
async fn stream_with_client(client: &Client, pages: usize) -> usize {
    let stream = client
        .get_agent_logs()
        .agent_id("stream")
        .size(PER_PAGE as u32)
        .stream()
        .take(pages * PER_PAGE);
    futures_util::pin_mut!(stream);
    let mut count = 0;
    while let Some(entry) = stream.next().await {
        black_box(entry.expect("entry"));
        count += 1;
    }
    count
}

/// The same walk by hand: fetch, decode, take the cursor from `next_page`, repeat.
async fn stream_bare(http: &reqwest::Client, base: &str) -> usize {
    let mut count = 0;
    let mut url = Some(format!(
        "{base}/api/v1/ai-agents/stream/logs?size={PER_PAGE}"
    ));
    while let Some(next) = url.take() {
        let page: types::LogPage = bare_get(http, next).await;
        for entry in page.data {
            black_box(entry);
            count += 1;
        }
        url = page.next_page;
    }
    count
}
