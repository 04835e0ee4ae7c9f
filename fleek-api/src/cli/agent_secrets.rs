//! `fleek-agents secret list|set|unset <agent>`: an agent's secrets by name and digest
//! (never a value), changed, then published again when it runs — the library's
//! `fleet::AgentSecrets` on the command line.

use std::path::PathBuf;

use clap::{value_parser, Arg, ArgAction, ArgMatches, Command};
use serde_json::json;

use super::exit::CliError;
use super::output::Output;
use super::{args, confirm, deploy, duration, resolve};
use crate::character::Secrets;
use crate::deploy::DEFAULT_DEPLOY_TIMEOUT;
use crate::fleet::AgentSecrets;

pub(crate) fn command() -> Command {
    let stage = Arg::new("stage")
        .long("stage")
        .action(ArgAction::SetTrue)
        .help("Only send the change: a running agent takes it when it is next published (`agent publish`)");
    let timeout = Arg::new("timeout")
        .long("timeout")
        .value_name("DURATION")
        .value_parser(duration::parse)
        .help("How long to wait for a running agent to run again [default: 10m]");
    Command::new("secret")
        .visible_alias("secrets")
        .about("An agent's secrets (settings.secrets): list by digest, set, unset")
        .long_about(
            "An agent's secrets, the settings.secrets of its character. `list` shows each \
             name with a digest of its value (never the value): the same value on the same \
             agent keeps its digest, so a change shows. `set` and `unset` change them and, \
             when the agent runs, publish it again, which restarts it with them, and wait \
             until it runs (asking first on a terminal; --yes in CI); an agent that does not \
             run gets them when it next starts. Values come from the environment or a file, \
             never from the command line, where shell history keeps them.",
        )
        .subcommand_required(true)
        .subcommand(
            Command::new("list")
                .about("List an agent's secrets: names and digests, never values")
                .arg(args::agent()),
        )
        .subcommand(
            Command::new("set")
                .about("Set secrets on an agent, then publish it again when it runs")
                .arg(args::agent())
                .arg(
                    Arg::new("secret")
                        .value_name("NAME=SOURCE")
                        .action(ArgAction::Append)
                        // Checked by `deploy::secrets_of`, not by clap, whose error would
                        // echo the text: which, typed by mistake, may be the secret itself.
                        .help("NAME=env:VAR or NAME=file:PATH (repeat for more); never the value itself"),
                )
                .arg(
                    Arg::new("env-file")
                        .long("env-file")
                        .value_name("FILE")
                        .value_parser(value_parser!(PathBuf))
                        .help("A dotenv file: where env: sources look after the environment, and whose CHARACTER.<NAME>.<KEY> entries for this agent's character are set too"),
                )
                .arg(
                    Arg::new("replace")
                        .long("replace")
                        .action(ArgAction::SetTrue)
                        .help("Make these the agent's only secrets (needed when Fleek does not show the ones it has)"),
                )
                .arg(stage.clone())
                .arg(timeout.clone())
                .arg(confirm::yes()),
        )
        .subcommand(
            Command::new("unset")
                .about("Remove secrets from an agent, then publish it again when it runs")
                .arg(args::agent())
                .arg(
                    Arg::new("name")
                        .value_name("NAME")
                        .required(true)
                        .action(ArgAction::Append)
                        .help("A secret's name (repeat for more)"),
                )
                .arg(stage)
                .arg(timeout)
                .arg(confirm::yes()),
        )
}

pub(crate) async fn run(
    session: &super::Session<'_>,
    matches: &ArgMatches,
    output: &Output,
) -> Result<(), CliError> {
    let Some((verb, sub)) = matches.subcommand() else {
        return Err(CliError::usage("secret takes list, set or unset"));
    };
    let client = session.client()?;
    let typed = args::required::<String>(sub, "agent")?;
    let id = resolve::agent(&client, typed, session.project().as_deref()).await?;
    let mut secrets = AgentSecrets::read(&client, &id).await?;
    let changed: Vec<String> = match verb {
        "list" => return list(&secrets, output),
        "set" => {
            let given = deploy::secrets_of(sub, &secrets.character().name)?;
            if given.is_empty() {
                return Err(CliError::usage(
                    "no secret given: NAME=env:VAR, NAME=file:PATH, or --env-file with CHARACTER.<NAME>.<KEY> entries for this agent",
                ));
            }
            set(&mut secrets, &given, sub.get_flag("replace"))?;
            given.names().map(str::to_string).collect()
        }
        _ => {
            let names: Vec<String> = sub
                .get_many::<String>("name")
                .map(|names| names.cloned().collect())
                .unwrap_or_default();
            secrets
                .unset(&names)
                .map_err(|e| CliError::usage(e.to_string()))?;
            names
        }
    };
    send(&client, &secrets, verb, &changed, sub, output).await
}

fn set(secrets: &mut AgentSecrets, given: &Secrets, replace: bool) -> Result<(), CliError> {
    if replace {
        secrets.replace(given);
        Ok(())
    } else {
        secrets
            .set(given)
            .map_err(|e| CliError::usage(e.to_string()))
    }
}

fn list(secrets: &AgentSecrets, output: &Output) -> Result<(), CliError> {
    let listed = secrets.list();
    if output.format.is_json() {
        return output.document(&json!({
            "agent": secrets.agent_name(),
            "id": secrets.agent_id(),
            "shown": secrets.shown(),
            "secrets": listed,
        }));
    }
    if !secrets.shown() {
        output.warn(&format!(
            "Fleek's answer for {} holds no settings.secrets: it has none, or Fleek does not show them",
            secrets.agent_name()
        ));
        return Ok(());
    }
    if listed.is_empty() {
        return output.line(&format!("{} has no secrets", secrets.agent_name()));
    }
    let width = listed
        .iter()
        .map(|l| l.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    output.line(&format!("{:<width$}  DIGEST", "NAME"))?;
    for secret in &listed {
        output.line(&format!("{:<width$}  {}", secret.name, secret.digest))?;
    }
    Ok(())
}

/// Sends the changed character: published again (and waited for) when the agent runs,
/// after asking; otherwise only updated.
async fn send(
    client: &crate::Client,
    secrets: &AgentSecrets,
    verb: &str,
    changed: &[String],
    matches: &ArgMatches,
    output: &Output,
) -> Result<(), CliError> {
    let (name, id) = (secrets.agent_name(), secrets.agent_id());
    let what = format!("{verb} {} on {name} ({id})", changed.join(", "));
    let publish = secrets.runs() && !matches.get_flag("stage");
    let result = if publish {
        confirm::confirm(
            &format!("{what} and restart it (publish it again)"),
            matches,
            output,
        )?;
        output.stderr(&format!(
            "{what}: publishing it again and waiting until it runs"
        ));
        let started = std::time::Instant::now();
        secrets
            .deploy(client)
            .timeout(args::duration_or(
                matches,
                "timeout",
                DEFAULT_DEPLOY_TIMEOUT,
            ))
            .run(|_| {})
            .await?;
        format!(
            "{what}: it runs with them (published again in {:.1}s)",
            started.elapsed().as_secs_f64()
        )
    } else {
        secrets.stage(client).await?;
        if secrets.runs() {
            format!("{what}: staged; the running agent takes them when it is next published (`fleek-agents agent publish {id}`)")
        } else {
            format!(
                "{what}: it takes them when it next starts (it is {})",
                secrets.status()
            )
        }
    };
    if output.format.is_json() {
        output.document(&json!({
            "agent": name,
            "id": id,
            verb: changed,
            "published": publish,
        }))
    } else {
        output.line(&result)
    }
}
