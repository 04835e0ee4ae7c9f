//! `fleek-agents message` and `fleek-agents api`: the running agent's own API, through
//! Fleek's proxy, with the library's path checks.

use clap::{Arg, ArgMatches, Command};
use reqwest::Method;

use super::args;
use super::exit::CliError;
use super::output::{Format, Output};
use crate::error::{Error, ErrorKind};
use crate::proxy::{AgentApi, AgentPath, Body, Message, ProxyResponse, Reply};
use crate::Client;

pub(crate) fn message_command() -> Command {
    Command::new("message")
        .about("Send a message to a running agent and print its replies")
        .long_about(
            "Send a message to a running agent through Fleek's proxy and print its replies. \
             The message goes to the first Eliza agent the runtime hosts, or to --eliza-agent. \
             With --output json, the replies are printed as the agent sent them.",
        )
        .arg(args::agent())
        .arg(
            Arg::new("text")
                .value_name("TEXT")
                .required(true)
                .help("What to say"),
        )
        .arg(
            Arg::new("eliza-agent")
                .long("eliza-agent")
                .value_name("ID")
                .help("The Eliza agent inside the runtime (default: the first one)"),
        )
        .arg(
            Arg::new("user-name")
                .long("user-name")
                .value_name("NAME")
                .help("Who speaks"),
        )
}

pub(crate) fn api_command() -> Command {
    Command::new("api")
        .about("Send a raw request to a running agent's API through Fleek's proxy")
        .long_about(
            "Send a raw request to a running agent's API through Fleek's proxy and print the \
             answer. The path is inside the agent's API (such as `agents`, or \
             `<elizaAgentId>/message`); a path that would leave it (`..`, `//`, a scheme) is \
             refused before anything is sent.",
        )
        .arg(args::agent())
        .arg(
            Arg::new("method")
                .value_name("METHOD")
                .required(true)
                .value_parser(["GET", "POST", "PUT", "PATCH", "DELETE"])
                .ignore_case(true)
                .help("The HTTP method"),
        )
        .arg(
            Arg::new("path")
                .value_name("PATH")
                .required(true)
                .help("The path inside the agent's API"),
        )
        .arg(
            Arg::new("data")
                .long("data")
                .short('d')
                .value_name("JSON")
                .help("A JSON body to send"),
        )
}

/// The answer, or an error with the agent's status and body when it is not a success.
fn success(response: ProxyResponse, path: &AgentPath) -> Result<ProxyResponse, CliError> {
    if response.status.is_success() {
        return Ok(response);
    }
    Err(Error::new(
        response.operation,
        ErrorKind::Status,
        format!("the agent answered {path}"),
    )
    .with_status(response.status)
    .with_body(response.body, false)
    .into())
}

fn path(text: &str) -> Result<AgentPath, CliError> {
    AgentPath::parse(text).map_err(|e| CliError::usage(e.to_string()))
}

/// `agent` is the agent's id, resolved from what was typed (`resolve::agent`).
pub(crate) async fn message(
    client: &Client,
    agent: &str,
    matches: &ArgMatches,
    output: &Output,
) -> Result<(), CliError> {
    let api: AgentApi<'_> = client.agent_api(agent);
    let eliza_agent = match matches.get_one::<String>("eliza-agent") {
        Some(id) => id.clone(),
        None => api
            .eliza_agents()
            .await?
            .into_iter()
            .next()
            .map(|agent| agent.id)
            .ok_or_else(|| {
                CliError::from(Error::new(
                    "proxy_get",
                    ErrorKind::Other,
                    "the agent's runtime hosts no Eliza agent to talk to",
                ))
            })?,
    };
    let mut message = Message::new(args::required::<String>(matches, "text")?.as_str());
    message.user_name = matches.get_one::<String>("user-name").cloned();
    let body = Body::json(&message)
        .map_err(|e| CliError::usage(format!("the message cannot be sent as JSON: {e}")))?;
    let path = AgentPath::from_segments([eliza_agent.as_str(), "message"])
        .map_err(|e| CliError::usage(e.to_string()))?;
    let response = api.send(Method::POST, &path, Some(body)).await?;
    let response = success(response, &path)?;
    match output.format {
        Format::Json | Format::JsonLines => output.json(&response.body),
        Format::Human => {
            let replies: Vec<Reply> = response.json()?;
            if replies.is_empty() {
                return output.line("(no reply)");
            }
            for reply in replies {
                output.line(&format!("{}: {}", reply.user, reply.text))?;
            }
            Ok(())
        }
    }
}

/// `agent` is the agent's id, resolved from what was typed (`resolve::agent`).
pub(crate) async fn api(
    client: &Client,
    agent: &str,
    matches: &ArgMatches,
    output: &Output,
) -> Result<(), CliError> {
    let method = args::required::<String>(matches, "method")?.to_ascii_uppercase();
    let method = Method::from_bytes(method.as_bytes())
        .map_err(|_| CliError::usage(format!("{method} is not an HTTP method")))?;
    let path = path(args::required::<String>(matches, "path")?)?;
    let body = match matches.get_one::<String>("data") {
        Some(data) => {
            serde_json::from_str::<serde_json::Value>(data)
                .map_err(|e| CliError::usage(format!("--data is not JSON: {e}")))?;
            Some(Body::new(data.clone(), "application/json"))
        }
        None => None,
    };
    let response = client.agent_api(agent).send(method, &path, body).await?;
    let response = success(response, &path)?;
    match output.format {
        Format::Json | Format::JsonLines => output.json(&response.body),
        Format::Human => output.raw(&response.body),
    }
}
