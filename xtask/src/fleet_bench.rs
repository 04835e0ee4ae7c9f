//! `cargo xtask fleet-bench [--rounds N] [--agents N]`: a fleet of agents deployed to the
//! simulator (`fleek-agents simulate`, release build, each agent taking 500 ms to boot)
//! two ways, taking turns in rounds (the order alternates): the shell loop of
//! `fleek-agents deploy` a user writes today, and `fleek-agents fleet apply` of a manifest
//! of the same agents; then a `fleet plan` that has nothing to do. For each: the wall time
//! (median and range over the rounds) and the requests the simulator served (reads and
//! writes, from its request log). A benchmark, not a test.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::sim_bench::{start_simulator, Server};
use crate::stats::median;
use crate::{target_dir, Failure};

const PROJECT: &str = "cm6k5x0qj0003l708b2v1c9ep";

/// What one run measured.
struct Measured {
    seconds: f64,
    reads: usize,
    writes: usize,
}

pub(crate) fn run(args: &[&str]) -> Result<(), Failure> {
    let (mut rounds, mut agents) = (3, 50);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match *arg {
            "--rounds" => rounds = crate::stats::rounds(&mut args)?,
            "--agents" => {
                agents = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or("--agents takes a whole number above 0")?
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let binary = crate::sim_bench::build_release_cli()?;
    let dir = target_dir().join("fleet-bench");
    write_fleet(&dir, agents)?;
    let (server, _) = start_simulator(&binary, &["--boot-time", "500ms"])?;
    let http = reqwest::blocking::Client::new();
    let (mut shell, mut apply, mut plan) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let order: [bool; 2] = if round % 2 == 0 {
            [true, false]
        } else {
            [false, true]
        };
        for loop_first in order {
            reset(&http, &server)?;
            if loop_first {
                shell.push(measure(&http, &server, || {
                    shell_loop(&binary, &server, &dir, agents)
                })?);
            } else {
                apply.push(measure(&http, &server, || {
                    fleek_agents(&binary, &server, &dir, &["fleet", "apply", "--yes"])
                })?);
                plan.push(measure(&http, &server, || {
                    fleek_agents(
                        &binary,
                        &server,
                        &dir,
                        &["fleet", "plan", "--detailed-exitcode"],
                    )
                })?);
            }
        }
        println!("round {}/{rounds} done", round + 1);
    }
    report(agents, &shell, &apply, &plan);
    Ok(())
}

/// `agents` characters and a manifest of them in `dir`.
fn write_fleet(dir: &Path, agents: usize) -> Result<(), Failure> {
    std::fs::create_dir_all(dir.join("characters")).map_err(|e| e.to_string())?;
    let mut manifest = format!("project = \"{PROJECT}\"\n");
    for i in 0..agents {
        let name = format!("Agent{i:03}");
        let character = serde_json::json!({
            "name": name, "modelProvider": "openai", "clients": ["direct"], "plugins": [],
            "bio": [format!("{name} answers questions.")], "lore": [], "postExamples": [],
            "messageExamples": [[{"user": "{{user1}}", "content": {"text": "Hi"}},
                                 {"user": name, "content": {"text": "Hello!"}}]],
            "topics": ["hosting"], "adjectives": ["helpful"],
            "style": {"all": [], "chat": [], "post": []}
        });
        let file = format!("characters/{}.character.json", name.to_lowercase());
        std::fs::write(dir.join(&file), character.to_string()).map_err(|e| e.to_string())?;
        manifest.push_str(&format!("\n[agents.{name}]\ncharacter = \"{file}\"\n"));
    }
    std::fs::write(dir.join("fleek-agents.toml"), manifest).map_err(|e| e.to_string())
}

fn reset(http: &reqwest::blocking::Client, server: &Server) -> Result<(), Failure> {
    for (method, path) in [
        (reqwest::Method::POST, "reset"),
        (reqwest::Method::DELETE, "requests"),
    ] {
        http.request(method, format!("{}/_sim/{path}", server.url))
            .send()
            .and_then(|r| r.error_for_status())
            .map_err(|e| format!("/_sim/{path}: {e}"))?;
    }
    Ok(())
}

/// Times `work` and counts the requests the simulator served meanwhile.
fn measure(
    http: &reqwest::blocking::Client,
    server: &Server,
    work: impl FnOnce() -> Result<(), Failure>,
) -> Result<Measured, Failure> {
    http.delete(format!("{}/_sim/requests", server.url))
        .send()
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    work()?;
    let seconds = started.elapsed().as_secs_f64();
    let served: Vec<String> = http
        .get(format!("{}/_sim/requests", server.url))
        .send()
        .and_then(|r| r.json())
        .map_err(|e| format!("/_sim/requests: {e}"))?;
    let reads = served
        .iter()
        .filter(|op| op.starts_with("get_") || op.starts_with("list_"))
        .count();
    Ok(Measured {
        seconds,
        reads,
        writes: served.len() - reads,
    })
}

/// The loop a user writes today: one `deploy` per character file, one after the other.
fn shell_loop(binary: &Path, server: &Server, dir: &Path, agents: usize) -> Result<(), Failure> {
    let script = format!(
        "for f in characters/*.character.json; do \"$FLEEK_AGENTS\" deploy \"$f\" --project {PROJECT} >/dev/null || exit 1; done; test $(ls characters | wc -l) -eq {agents}"
    );
    let status = Command::new("sh")
        .args(["-c", &script])
        .current_dir(dir)
        .env("FLEEK_AGENTS", binary)
        .envs(environment(server))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the deploy loop failed ({status})"))
    }
}

fn fleek_agents(binary: &Path, server: &Server, dir: &Path, args: &[&str]) -> Result<(), Failure> {
    let output = Command::new(binary)
        .args(args)
        .current_dir(dir)
        .envs(environment(server))
        .output()
        .map_err(|e| e.to_string())?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "fleek-agents {args:?} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

fn environment(server: &Server) -> Vec<(&'static str, String)> {
    vec![
        ("FLEEK_API_URL", server.url.clone()),
        ("FLEEK_API_KEY", server.key.clone()),
        ("FLEEK_KEYRING", "off".to_string()),
        (
            "FLEEK_CONFIG_DIR",
            target_dir()
                .join("fleet-bench/config")
                .display()
                .to_string(),
        ),
    ]
}

fn report(agents: usize, shell: &[Measured], apply: &[Measured], plan: &[Measured]) {
    let line = |label: &str, runs: &[Measured]| {
        let (m, lo, hi) = median(runs.iter().map(|r| r.seconds).collect());
        let reads: Vec<usize> = runs.iter().map(|r| r.reads).collect();
        let writes: Vec<usize> = runs.iter().map(|r| r.writes).collect();
        println!("| {label} | {m:.2} s ({lo:.2}–{hi:.2}) | {reads:?} | {writes:?} |");
        m
    };
    println!(
        "\n{agents} agents, {} rounds (requests: one count per round)\n",
        shell.len()
    );
    println!("| run | wall time, median (min–max) | reads | writes |");
    println!("| --- | --- | --- | --- |");
    let looped = line("shell loop of `deploy`", shell);
    let applied = line("`fleet apply`", apply);
    line("`fleet plan`, nothing to do", plan);
    println!(
        "\n`fleet apply` is {:.1}× faster than the loop (medians)",
        looped / applied
    );
}
