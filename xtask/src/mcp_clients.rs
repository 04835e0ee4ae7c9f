//! `cargo xtask mcp-clients`: `fleek-agents mcp` driven by clients no one here wrote,
//! against the simulator:
//!
//! - the official Python SDK (PyPI `mcp`, pinned below, in a venv under the target
//!   directory) runs `conformance/mcp/clients.py`: stdio and Streamable HTTP, reads, guarded
//!   writes with and without elicitation (on the 2026-07-28 protocol and an earlier one),
//!   resources, progress, a read-only server, the token and the `Origin` check;
//! - the MCP Inspector's CLI (npm, pinned in `conformance/mcp/package.json`): its portability
//!   check of every tool's schemas (`--strict`: no error and no warning), a read, a resource,
//!   a guarded write refused, and the same over HTTP with the token.
//!
//! `cargo xtask mcp-clients --measure [ROUNDS]` measures a release build instead
//! (`conformance/mcp/measure.py` says what and how).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::{root, run_command, target_dir, Failure};

/// The pinned Python SDK.
const PYTHON_SDK: &str = "mcp==2.3.0";
/// The spec's example agent, which `simulate --examples` makes.
const EXAMPLE_AGENT: &str = "cm7b2q3vx0001la08zk4h2mto";

pub(crate) fn run(args: &[&str]) -> Result<(), Failure> {
    let python = python()?;
    match args {
        [] => {
            let binary = build(false)?;
            run_command(
                Command::new(&python)
                    .arg("conformance/mcp/clients.py")
                    .arg(&binary)
                    .arg("fleek-api/tests/it/fixtures/c3po.character.json"),
            )?;
            inspector(&binary)
        }
        ["--measure", rest @ ..] => {
            let rounds = match rest {
                [] => "15".to_string(),
                [rounds] => rounds.to_string(),
                _ => return Err("usage: cargo xtask mcp-clients --measure [ROUNDS]".into()),
            };
            // Measured as users run it: a release build.
            let binary = build(true)?;
            run_command(
                Command::new(&python)
                    .arg("conformance/mcp/measure.py")
                    .arg(&binary)
                    .arg(rounds),
            )
        }
        _ => Err(format!(
            "unknown arguments {args:?}: mcp-clients [--measure [ROUNDS]]"
        )),
    }
}

/// `fleek-agents` with the server and the simulator, built once (`release`: optimised).
fn build(release: bool) -> Result<PathBuf, Failure> {
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo
        .args([
            "build",
            "--quiet",
            "-p",
            "fleek-api",
            "--features",
            "cli,sim,mcp",
        ])
        .args(["--bin", "fleek-agents"]);
    if release {
        cargo.arg("--release");
    }
    run_command(&mut cargo)?;
    let profile = if release { "release" } else { "debug" };
    Ok(target_dir().join(profile).join("fleek-agents"))
}

/// The venv's python, with the pinned SDK installed when missing.
fn python() -> Result<PathBuf, Failure> {
    Ok(crate::pip_tools("mcp-clients", &[PYTHON_SDK])?.join("python"))
}

/// The Inspector, installed from `conformance/mcp/package-lock.json` when missing.
fn inspector_bin() -> Result<PathBuf, Failure> {
    Ok(crate::npm_tools("conformance/mcp", &["mcp-inspector"])?.join("mcp-inspector"))
}

/// A process that is killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `fleek-agents simulate --examples` and the URL and key it printed.
fn simulator(binary: &Path) -> Result<(Running, String, String), Failure> {
    let mut child = Command::new(binary)
        .args(["simulate", "--examples", "--boot-time", "100ms"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start the simulator: {e}"))?;
    let announced = crate::simulator_env(&mut child);
    let running = Running(child);
    let (url, key) = announced?;
    Ok((running, url, key))
}

/// One Inspector CLI run; its stdout and stderr, and whether it succeeded.
fn inspect(bin: &Path, home: &Path, args: &[&str]) -> Result<(bool, String, String), Failure> {
    let output = Command::new(bin)
        .arg("--cli")
        .args(args)
        // Its catalog and settings go to a home of its own.
        .env("HOME", home)
        .current_dir(root())
        .output()
        .map_err(|e| format!("could not start the MCP Inspector: {e}"))?;
    Ok((
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    ))
}

fn expect(what: &str, holds: bool, detail: &str) -> Result<(), Failure> {
    if holds {
        println!("ok inspector: {what}");
        Ok(())
    } else {
        Err(format!("inspector: {what}: {detail}"))
    }
}

fn inspector(binary: &Path) -> Result<(), Failure> {
    let bin = inspector_bin()?;
    let home = target_dir().join("mcp-inspector-home");
    std::fs::create_dir_all(&home).map_err(|e| format!("{}: {e}", home.display()))?;
    let (_sim, url, key) = simulator(binary)?;
    let binary = binary.display().to_string();
    let env = [
        "-e".to_string(),
        format!("FLEEK_API_URL={url}"),
        "-e".to_string(),
        format!("FLEEK_API_KEY={key}"),
        "-e".to_string(),
        "FLEEK_KEYRING=off".to_string(),
    ];
    let env: Vec<&str> = env.iter().map(String::as_str).collect();
    let stdio = |method: &[&str], server: &[&str]| -> Result<(bool, String, String), Failure> {
        let mut args: Vec<&str> = env.clone();
        args.extend(method);
        args.push(&binary);
        args.extend(server);
        inspect(&bin, &home, &args)
    };

    let (ok, out, err) = stdio(
        &["--method", "tools/list", "--strict"],
        &["mcp", "--toolsets", "all"],
    )?;
    let listed: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
    let count = listed["tools"].as_array().map_or(0, Vec::len);
    expect(
        "lists every tool",
        ok && count > 30,
        &format!("{count} tools; {err}"),
    )?;
    expect(
        "finds no portability problem in any tool's schemas (--strict)",
        !err.contains("Warning") && !err.contains("Error"),
        &err,
    )?;

    let (ok, out, err) = stdio(
        &["--method", "tools/call", "--tool-name", "list_agents"],
        &["mcp"],
    )?;
    expect(
        "calls list_agents",
        ok && out.contains("structuredContent") && out.contains(EXAMPLE_AGENT),
        &format!("{out}{err}"),
    )?;

    let uri = format!("fleek://agents/{EXAMPLE_AGENT}/character");
    let (ok, out, err) = stdio(&["--method", "resources/read", "--uri", &uri], &["mcp"])?;
    expect(
        "reads a character resource",
        ok && out.contains("\"contents\""),
        &format!("{out}{err}"),
    )?;

    let agent_arg = format!("agentId={EXAMPLE_AGENT}");
    let (ok, out, _) = stdio(
        &["--method", "tools/call", "--tool-name", "delete_agent"],
        &["mcp", "--tool-arg", &agent_arg],
    )?;
    expect(
        "is refused delete_agent without the user's consent",
        !ok && out.contains("\"isError\": true") && out.contains("confirm"),
        &out,
    )?;
    let (ok, out, err) = stdio(
        &["--method", "tools/call", "--tool-name", "get_agent"],
        &["mcp", "--tool-arg", &agent_arg],
    )?;
    expect(
        "finds the agent still there",
        ok && out.contains(EXAMPLE_AGENT),
        &format!("{out}{err}"),
    )?;

    // Over HTTP, with the token it printed.
    let mut server = Command::new(&binary)
        .args(["mcp", "--http", "127.0.0.1:0"])
        .env("FLEEK_API_URL", &url)
        .env("FLEEK_API_KEY", &key)
        .env("FLEEK_KEYRING", "off")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start fleek-agents mcp --http: {e}"))?;
    let stderr = server.stderr.take().ok_or("the server has no stderr")?;
    let _server = Running(server);
    let (mut endpoint, mut token) = (None, None);
    for line in BufReader::new(stderr).lines() {
        let line = line.map_err(|e| format!("reading the server: {e}"))?;
        if let Some((_, rest)) = line.split_once("serving ") {
            endpoint = Some(rest.trim().to_string());
        }
        if let Some((_, rest)) = line.split_once("bearer token ") {
            token = Some(rest.trim().to_string());
        }
        if endpoint.is_some() && token.is_some() {
            break;
        }
    }
    let (endpoint, token) = endpoint
        .zip(token)
        .ok_or("the HTTP server did not say where it serves")?;
    let header = format!("Authorization: Bearer {token}");
    let (ok, out, err) = inspect(
        &bin,
        &home,
        &[
            "--method",
            "tools/list",
            "--transport",
            "http",
            "--server-url",
            &endpoint,
            "--header",
            &header,
        ],
    )?;
    expect(
        "lists the tools over HTTP with the token",
        ok && out.contains("list_agents"),
        &format!("{out}{err}"),
    )?;
    let (ok, _, _) = inspect(
        &bin,
        &home,
        &[
            "--method",
            "tools/list",
            "--transport",
            "http",
            "--server-url",
            &endpoint,
        ],
    )?;
    expect(
        "is refused over HTTP without the token",
        !ok,
        "it was let in",
    )?;
    println!("mcp-clients: the Python SDK and the MCP Inspector agree with fleek-agents mcp");
    Ok(())
}
