//! `cargo xtask sim-bench [--rounds N]`: the simulator (`fleek-agents simulate`, release
//! build) beside Prism's mock of the same spec (pinned in `openapi/package.json`), in
//! interleaved rounds on this machine: the time from start to the first answer, `get_agent`
//! requests per second over keep-alive connections, and the resident memory after that
//! load. Medians with their spread (min–max over the rounds), and the ratios.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{node_tools, run_command, Failure};

/// How long each load lasts.
const LOAD: Duration = Duration::from_secs(3);
/// Concurrent keep-alive connections in a load.
const CONNECTIONS: usize = 4;
/// The agent Prism answers for (the spec's example id); the simulator's is created first.
const EXAMPLE_AGENT: &str = "cm7b2q3vx0001la08zk4h2mto";

/// One server under test.
pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) url: String,
    pub(crate) key: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What one round measured of one server.
#[derive(Clone, Copy)]
struct Round {
    start: Duration,
    per_second: f64,
    rss_kib: u64,
}

pub(crate) fn run(args: &[&str]) -> Result<(), Failure> {
    let rounds: usize = match args {
        [] => 3,
        ["--rounds", n] => n
            .parse()
            .map_err(|_| format!("--rounds takes a number, not {n}"))?,
        other => {
            return Err(format!(
                "unknown arguments {other:?}: sim-bench [--rounds N]"
            ))
        }
    };
    let simulator = build_release_cli()?;
    let prism = node_tools()?.join("prism");
    let (mut sim, mut mock) = (Vec::new(), Vec::new());
    for round in 1..=rounds {
        // Interleaved, so that what the machine does meanwhile falls on both alike.
        sim.push(measure(|| start_simulator(&simulator, &[]), true)?);
        mock.push(measure(|| start_prism(&prism), false)?);
        println!("round {round}/{rounds} done");
    }
    report(&sim, &mock);
    Ok(())
}

fn measure(
    start: impl Fn() -> Result<(Server, Duration), Failure>,
    create: bool,
) -> Result<Round, Failure> {
    let (server, start) = start()?;
    let client = reqwest::blocking::Client::builder()
        .pool_max_idle_per_host(CONNECTIONS)
        .build()
        .map_err(|e| format!("a client: {e}"))?;
    let agent = if create {
        let created: serde_json::Value = client
            .post(format!("{}/api/v2/ai-agents", server.url))
            .header("x-api-key", &server.key)
            .json(&serde_json::json!({"projectId": "p1", "name": "Nova", "config": "{}"}))
            .send()
            .and_then(|r| r.error_for_status())
            .and_then(|r| r.json())
            .map_err(|e| format!("creating an agent: {e}"))?;
        created["id"].as_str().unwrap_or_default().to_string()
    } else {
        EXAMPLE_AGENT.to_string()
    };
    let address = server
        .url
        .strip_prefix("http://")
        .ok_or("the server's URL is not http://")?
        .to_string();
    let request = format!(
        "GET /api/v1/ai-agents/{agent} HTTP/1.1\r\nhost: {address}\r\naccept: application/json\r\nx-api-key: {}\r\n\r\n",
        server.key
    );
    let deadline = Instant::now() + LOAD;
    let counts: Vec<Result<u64, Failure>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..CONNECTIONS)
            .map(|_| {
                let (address, request) = (&address, &request);
                scope.spawn(move || keep_alive_load(address, request, deadline))
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|_| Err("a load thread panicked".into()))
            })
            .collect()
    });
    let mut total = 0;
    for count in counts {
        total += count?;
    }
    let rss_kib = rss_kib(server.child.id());
    Ok(Round {
        start,
        per_second: total as f64 / LOAD.as_secs_f64(),
        rss_kib,
    })
}

/// One keep-alive connection sending `request` until `deadline`: the number of 2xx answers.
/// A bare HTTP/1.1 exchange (status line, `content-length` body), so that the load costs
/// the machine as little as possible and the server is what is measured.
fn keep_alive_load(address: &str, request: &str, deadline: Instant) -> Result<u64, Failure> {
    use std::io::{Read, Write};
    let stream = std::net::TcpStream::connect(address).map_err(|e| format!("connect: {e}"))?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream);
    let mut n = 0u64;
    let mut line = String::new();
    while Instant::now() < deadline {
        writer
            .write_all(request.as_bytes())
            .map_err(|e| format!("send: {e}"))?;
        line.clear();
        reader
            .read_line(&mut line)
            .map_err(|e| format!("status: {e}"))?;
        if !line.starts_with("HTTP/1.1 2") {
            return Err(format!("get_agent answered {}", line.trim_end()));
        }
        let mut length = 0usize;
        loop {
            line.clear();
            reader
                .read_line(&mut line)
                .map_err(|e| format!("headers: {e}"))?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().map_err(|_| "a bad content-length")?;
                }
            }
        }
        let mut body = vec![0; length];
        reader
            .read_exact(&mut body)
            .map_err(|e| format!("body: {e}"))?;
        n += 1;
    }
    Ok(n)
}

/// Resident memory of a process (`VmRSS`), in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// `fleek-agents` (`cli,sim`) built with the release profile, for the benchmarks that
/// run it: `<target dir>/release/fleek-agents`.
pub(crate) fn build_release_cli() -> Result<std::path::PathBuf, Failure> {
    run_command(Command::new(env!("CARGO")).args([
        "build",
        "--quiet",
        "--release",
        "-p",
        "fleek-api",
        "--features",
        "cli,sim",
        "--bin",
        "fleek-agents",
    ]))?;
    Ok(crate::target_dir().join("release/fleek-agents"))
}

/// `fleek-agents simulate` with `extra` arguments, and the time to its first answer.
pub(crate) fn start_simulator(
    binary: &std::path::Path,
    extra: &[&str],
) -> Result<(Server, Duration), Failure> {
    // Built before the clock starts: its own start is not the server's.
    let client = reqwest::blocking::Client::new();
    let started = Instant::now();
    let mut child = Command::new(binary)
        .args(["simulate"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", binary.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let mut value = |prefix: &str| -> Result<String, Failure> {
        let line = lines
            .next()
            .ok_or("the simulator printed nothing")?
            .map_err(|e| e.to_string())?;
        line.strip_prefix(prefix)
            .map(str::to_string)
            .ok_or_else(|| format!("expected {prefix}, got {line:?}"))
    };
    let url = value("FLEEK_API_URL=")?;
    let key = value("FLEEK_API_KEY=")?;
    let server = Server { child, url, key };
    let start = first_answer(&client, &server, started)?;
    Ok((server, start))
}

fn start_prism(prism: &std::path::Path) -> Result<(Server, Duration), Failure> {
    let port = crate::contract::free_port()?;
    let client = reqwest::blocking::Client::new();
    let started = Instant::now();
    let child = crate::contract::prism_mock(prism, port)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start prism: {e}"))?;
    let server = Server {
        child,
        url: format!("http://127.0.0.1:{port}"),
        key: "fk_bench_0123456789abcdef".into(),
    };
    let start = first_answer(&client, &server, started)?;
    Ok((server, start))
}

/// The time from `started` to the first HTTP answer (any status) to `GET /api/v1/plans`.
fn first_answer(
    client: &reqwest::blocking::Client,
    server: &Server,
    started: Instant,
) -> Result<Duration, Failure> {
    while started.elapsed() < Duration::from_secs(120) {
        let answered = client
            .get(format!("{}/api/v1/plans", server.url))
            .header("x-api-key", &server.key)
            .timeout(Duration::from_secs(2))
            .send()
            .is_ok();
        if answered {
            return Ok(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    Err(format!("{} did not answer within 120 s", server.url))
}

fn report(sim: &[Round], mock: &[Round]) {
    let row = |name: &str, unit: &str, of: &dyn Fn(&Round) -> f64, lower_is_better: bool| {
        let (s, s_min, s_max) = crate::stats::median(sim.iter().map(of).collect());
        let (m, m_min, m_max) = crate::stats::median(mock.iter().map(of).collect());
        let ratio = if lower_is_better { m / s } else { s / m };
        println!(
            "{name:<24} simulator {s:>10.1} {unit} ({s_min:.1}–{s_max:.1})   prism {m:>10.1} {unit} ({m_min:.1}–{m_max:.1})   {ratio:.1}× in the simulator's favour"
        );
    };
    println!("\nmedian (min–max) over {} interleaved rounds:", sim.len());
    row(
        "start to first answer",
        "ms",
        &|r| r.start.as_secs_f64() * 1000.0,
        true,
    );
    row("get_agent, keep-alive", "req/s", &|r| r.per_second, false);
    row(
        "resident memory",
        "MiB",
        &|r| r.rss_kib as f64 / 1024.0,
        true,
    );
}
