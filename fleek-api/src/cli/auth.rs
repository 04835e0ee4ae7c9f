//! `fleek-agents auth login|status|logout`: keep a key once per profile instead of in an
//! environment variable, see which credential a command would use, and forget it.

use std::io::{IsTerminal, Read};

use clap::{Arg, ArgAction, ArgMatches, Command};
use serde_json::json;

use super::credentials::{self, masked, Settings};
use super::exit::{CliError, Exit};
use super::output::Output;
use super::profiles::Source;
use super::secrets::{self, SystemKeyring};
use crate::config::{API_URL_ENV, DEFAULT_BASE_URL};
use crate::{Call, ClientBuilder};

pub(crate) fn command() -> Command {
    Command::new("auth")
        .about("Log in once per profile, see which credential is used, log out")
        .long_about(
            "Log in once per profile, see which credential is used, log out.\n\n\
             `auth login` checks the key with a read-only call, then keeps it in the \
             system keyring; where there is none (a headless Linux box), in a file in \
             the config directory readable by you only, and says so. Each profile \
             (--profile NAME or FLEEK_PROFILE; `default` otherwise) keeps a key, an API \
             URL and a default project.\n\n\
             Every setting comes from the first of: a flag, the environment \
             (FLEEK_API_KEY, FLEEK_API_URL, FLEEK_PROJECT_ID), the profile, the default.",
        )
        .subcommand_required(true)
        .subcommand(
            Command::new("login")
                .about("Check an API key and keep it for the profile")
                .arg(
                    Arg::new("with-token")
                        .long("with-token")
                        .action(ArgAction::SetTrue)
                        .help("Read the key from standard input instead of a prompt"),
                )
                .arg(
                    Arg::new("project")
                        .long("project")
                        .value_name("ID")
                        .help("The profile's default project"),
                )
                .arg(
                    Arg::new("insecure-storage")
                        .long("insecure-storage")
                        .action(ArgAction::SetTrue)
                        .help("Keep the key in a file readable by you only, not in the system keyring"),
                ),
        )
        .subcommand(
            Command::new("status")
                .about("Say which credential, API URL and project a command would use, and where each comes from"),
        )
        .subcommand(Command::new("logout").about("Forget the profile's key"))
}

pub(crate) async fn run(
    session: &super::Session<'_>,
    matches: &ArgMatches,
    output: &Output,
) -> Result<(), CliError> {
    let (global, settings) = (session.global, session.settings);
    match matches.subcommand() {
        Some(("login", sub)) => login(session, sub, output).await,
        Some(("status", _)) => status(global, settings, output),
        Some(("logout", _)) => logout(settings, output),
        _ => Err(CliError::usage("see `fleek-agents auth --help`")),
    }
}

/// The key, from standard input (`--with-token`) or a prompt that does not echo.
fn read_key(matches: &ArgMatches) -> Result<String, CliError> {
    let key = if matches.get_flag("with-token") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| {
            CliError::usage(format!("cannot read the key from standard input: {e}"))
        })?;
        text
    } else if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Paste your Fleek API key (it is not shown): ")
            .map_err(|e| CliError::usage(format!("cannot read the key: {e}")))?
    } else {
        return Err(CliError::usage(
            "there is no terminal to ask for the key: pipe it in with --with-token \
             (`fleek-agents auth login --with-token < key.txt`)",
        ));
    };
    let key = key.trim().to_string();
    if key.is_empty() {
        return Err(CliError::usage(
            "no key was given: paste the key (create one in the Fleek web app, under Account \
             settings → API tokens)",
        ));
    }
    Ok(key)
}

async fn login(
    session: &super::Session<'_>,
    matches: &ArgMatches,
    output: &Output,
) -> Result<(), CliError> {
    let (global, settings) = (session.global, session.settings);
    let chosen = settings.chosen()?;
    let mut config = settings.config()?.clone();
    let mut profile = config
        .profiles
        .get(&chosen.name)
        .cloned()
        .unwrap_or_default();
    // The URL to check the key against, and to keep when it was given.
    let given_url = global
        .get_one::<String>("api-url")
        .cloned()
        .or_else(|| std::env::var(API_URL_ENV).ok().filter(|u| !u.is_empty()));
    let api_url = given_url
        .clone()
        .or_else(|| profile.api_url.clone())
        .unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
    let key = read_key(matches)?;
    session.trace(vec![key.clone()]);

    // A read-only call: a key the API refuses is not kept.
    let client = ClientBuilder::new()
        .api_key(&key)
        .base_url(api_url.as_str())
        .build()
        .map_err(|e| CliError::usage(e.to_string()))?;
    if let Err(error) = client.list_agents().size(1).call().await {
        let refused = matches!(error.status().map(|s| s.as_u16()), Some(401 | 403));
        let mut failure = CliError::from(error);
        failure.message = if refused {
            format!(
                "the API refused the key; nothing was stored. Check it, or create a new one: {}",
                failure.message
            )
        } else {
            format!(
                "the key could not be checked; nothing was stored: {}",
                failure.message
            )
        };
        return Err(failure);
    }

    let file = secrets::key_file()?;
    let stored = secrets::store(
        &SystemKeyring,
        &file,
        &chosen.name,
        &key,
        matches.get_flag("insecure-storage"),
    )?;
    if let Some(warning) = &stored.warning {
        output.warn(warning);
    }
    if given_url.is_some() {
        profile.api_url = given_url;
    }
    if let Some(project) = matches.get_one::<String>("project") {
        profile.project = Some(project.clone());
    }
    config.profiles.insert(chosen.name.clone(), profile);
    config.save()?;
    if output.format.is_json() {
        return output.document(&json!({
            "profile": chosen.name,
            "stored_in": stored.place.to_string(),
            "api_url": api_url,
        }));
    }
    output.line(&format!(
        "Logged in: the key of the profile {:?} is in {}.",
        chosen.name, stored.place
    ))
}

fn status(global: &ArgMatches, settings: &Settings, output: &Output) -> Result<(), CliError> {
    let chosen = settings.chosen()?;
    let resolved = credentials::resolve(global, settings)?;
    let project = settings.project();
    let shown = |setting: &Option<(String, Source)>, secret: bool| match setting {
        Some((value, source)) => {
            let value = if secret { masked(value) } else { value.clone() };
            (Some(value), Some(source.to_string()))
        }
        None => (None, None),
    };
    let (key, key_source) = shown(&resolved.key, true);
    let (token, token_source) = shown(&resolved.agent_token, true);
    let (project, project_source) = shown(&project, false);
    if output.format.is_json() {
        output.document(&json!({
            "profile": {"name": chosen.name, "from": chosen.source.to_string()},
            "api_url": {"value": resolved.api_url.0, "from": resolved.api_url.1.to_string()},
            "api_key": {"value": key, "from": key_source},
            "agent_token": {"value": token, "from": token_source},
            "project": {"value": project, "from": project_source},
        }))?;
    } else {
        let line = |name: &str, value: Option<String>, from: Option<String>| match (value, from) {
            (Some(value), Some(from)) => format!("{name:<12} {value} (from {from})"),
            _ => format!("{name:<12} not set"),
        };
        let text = [
            line(
                "profile",
                Some(chosen.name.clone()),
                Some(chosen.source.to_string()),
            ),
            line(
                "API URL",
                Some(resolved.api_url.0.clone()),
                Some(resolved.api_url.1.to_string()),
            ),
            line("API key", key, key_source),
            line("agent token", token, token_source),
            line("project", project, project_source),
        ]
        .join("\n");
        output.line(&text)?;
    }
    if resolved.key.is_none() && resolved.agent_token.is_none() {
        return Err(CliError::new(
            Exit::Usage,
            format!(
                "no credential: run `{} auth login`, or set FLEEK_API_KEY",
                super::BIN
            ),
        ));
    }
    Ok(())
}

fn logout(settings: &Settings, output: &Output) -> Result<(), CliError> {
    let chosen = settings.chosen()?;
    let file = secrets::key_file()?;
    let removed = secrets::remove(&SystemKeyring, &file, &chosen.name)?;
    if removed.is_empty() {
        output.line(&format!(
            "No key was stored for the profile {:?}.",
            chosen.name
        ))?;
    } else {
        let places: Vec<String> = removed.iter().map(ToString::to_string).collect();
        output.line(&format!(
            "Logged out: the key of the profile {:?} was removed from {}.",
            chosen.name,
            places.join(" and ")
        ))?;
    }
    if std::env::var_os(crate::config::API_KEY_ENV).is_some() {
        output.warn("FLEEK_API_KEY is still set in this environment, and commands will use it");
    }
    Ok(())
}
