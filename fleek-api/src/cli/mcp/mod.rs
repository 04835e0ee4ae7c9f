//! `fleek-agents mcp`: the user's Fleek account for AI assistants, as a Model Context
//! Protocol server (feature `mcp`).
//!
//! Its tools are the spec's operations (generated: `tools.json`, `generated.rs`) and the
//! jobs (`jobs.rs`); the credentials are the CLI's own (`Session::client`: flag,
//! environment, profile, keyring), never a tool's argument. Over stdio by default; over
//! Streamable HTTP on 127.0.0.1 with `--http`. Nothing but the protocol goes to stdout.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{value_parser, Arg, ArgAction, ArgMatches, Command};

use super::exit::CliError;
use super::output::Output;
use super::Session;

#[cfg(feature = "mcp")]
mod answer;
#[cfg(feature = "mcp")]
mod args;
#[cfg(feature = "mcp")]
mod catalog;
#[cfg(feature = "mcp")]
#[allow(clippy::all, clippy::pedantic)]
mod generated;
#[cfg(feature = "mcp")]
mod guard;
#[cfg(feature = "mcp")]
mod http;
#[cfg(feature = "mcp")]
mod jobs;
#[cfg(feature = "mcp")]
mod server;
#[cfg(feature = "mcp")]
mod setup;
#[cfg(feature = "mcp")]
mod untrusted;

pub(crate) fn command() -> Command {
    Command::new("mcp")
        .about("Serve your Fleek agents to an AI assistant (Model Context Protocol)")
        .long_about(
            "Serve your Fleek agents to an AI assistant (Claude, Cursor, VS Code) as a Model \
             Context Protocol server: a tool per API operation and the jobs (deploy, validate, \
             logs, status, message), each annotated as read-only, destructive, idempotent or \
             not; the agents' characters and logs as resources. Tools that delete, stop, \
             overwrite or cost money ask the user first (or need `confirm` repeating the \
             agent's name where the client cannot ask). Logs and agents' replies come back \
             marked as untrusted text. Credentials as every command finds them; none is a tool \
             argument or in a result. Over stdio unless --http.",
        )
        .arg(
            Arg::new("http")
                .long("http")
                .value_name("ADDR")
                .num_args(0..=1)
                .default_missing_value("127.0.0.1:8039")
                .value_parser(value_parser!(SocketAddr))
                .help("Serve Streamable HTTP on ADDR (127.0.0.1:8039 when none) instead of stdio; prints a bearer token every request must carry"),
        )
        .arg(
            Arg::new("token-file")
                .long("token-file")
                .value_name("FILE")
                .requires("http")
                .value_parser(value_parser!(PathBuf))
                .help("With --http: the bearer token is this file's first line instead of a new one"),
        )
        .arg(
            Arg::new("allow-origin")
                .long("allow-origin")
                .value_name("ORIGIN")
                .requires("http")
                .action(ArgAction::Append)
                .help("With --http: accept requests from this browser origin (http://localhost:6274); none by default"),
        )
        .arg(
            Arg::new("read-only")
                .long("read-only")
                .action(ArgAction::SetTrue)
                .help("Offer and call only tools that change nothing (wins over every other choice)"),
        )
        .arg(
            Arg::new("toolsets")
                .long("toolsets")
                .value_name("LIST")
                .value_delimiter(',')
                .help("The toolsets to offer: agents, logs, proxy, billing, or all [default: agents,logs]"),
        )
        .arg(
            Arg::new("tools")
                .long("tools")
                .value_name("LIST")
                .value_delimiter(',')
                .help("Offer these tools too, whatever their toolset"),
        )
        .arg(
            Arg::new("exclude-tools")
                .long("exclude-tools")
                .value_name("LIST")
                .value_delimiter(',')
                .help("Never offer these tools"),
        )
        .arg(
            Arg::new("list")
                .long("list")
                .action(ArgAction::SetTrue)
                .help("Print the tools these flags offer, with their annotations, and exit"),
        )
        .arg(
            Arg::new("print-config")
                .long("print-config")
                .value_name("CLIENT")
                .value_parser(["claude", "claude-code", "cursor", "vscode"])
                .help("Print the configuration CLIENT needs to start this server, and exit"),
        )
}

/// Without the `mcp` feature the command is there (one command tree for every build) and
/// says how to get it.
#[cfg(not(feature = "mcp"))]
pub(crate) async fn run(_: &Session<'_>, _: &ArgMatches, _: &Output) -> Result<(), CliError> {
    Err(CliError::usage(
        "this fleek-agents was built without the MCP server: install it with \
         `cargo install fleek-api --features cli,mcp`",
    ))
}

/// Runs the server, or `--list` / `--print-config`.
#[cfg(feature = "mcp")]
pub(crate) async fn run(
    session: &Session<'_>,
    matches: &ArgMatches,
    output: &Output,
) -> Result<(), CliError> {
    let list = |id: &str| -> Vec<String> {
        matches
            .get_many::<String>(id)
            .into_iter()
            .flatten()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let selection = catalog::Selection {
        read_only: matches.get_flag("read-only"),
        toolsets: matches
            .get_many::<String>("toolsets")
            .map(|_| list("toolsets")),
        tools: list("tools"),
        exclude: list("exclude-tools"),
    };
    let all = catalog::all().map_err(|e| CliError::new(super::exit::Exit::Failure, e))?;
    let names: Vec<String> = all.iter().map(|e| e.name().to_string()).collect();
    let tools = selection.apply(all).map_err(CliError::usage)?;
    if let Some(client) = matches.get_one::<String>("print-config") {
        return output.line(&setup::config(client, session, matches)?);
    }
    if matches.get_flag("list") {
        return output.line(&setup::list(&tools));
    }
    let client = session.client()?;
    let transport =
        if matches.contains_id("http") && matches.get_one::<SocketAddr>("http").is_some() {
            server::Transport::Http
        } else {
            server::Transport::Stdio
        };
    let server = server::Server::new(
        client,
        session.project(),
        tools,
        names,
        selection.read_only,
        transport,
    );
    match matches.get_one::<SocketAddr>("http") {
        Some(addr) => {
            let (token, printed) = match matches.get_one::<PathBuf>("token-file") {
                Some(path) => (http::token_from(path)?, false),
                None => (http::new_token()?, true),
            };
            http::serve(server, *addr, token, printed, list("allow-origin"), output).await
        }
        None => stdio(server).await,
    }
}

/// Serves over stdin and stdout until the client closes them.
#[cfg(feature = "mcp")]
async fn stdio(server: server::Server) -> Result<(), CliError> {
    use rmcp::ServiceExt as _;
    let failed = |e: &dyn std::fmt::Display| {
        CliError::new(
            super::exit::Exit::Failure,
            format!("the MCP session failed: {e}"),
        )
    };
    let running = server
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| failed(&e))?;
    running.waiting().await.map_err(|e| failed(&e))?;
    Ok(())
}
