//! The settings a command calls the API with, each from the first place that has it:
//! a flag, then the environment, then the profile, then the default.
//!
//! | setting     | flag                          | environment         | profile            |
//! |-------------|-------------------------------|---------------------|--------------------|
//! | API key     | `--api-key-file PATH`         | `FLEEK_API_KEY`     | `auth login`'s key |
//! | agent token | `--agent-token-file PATH`     | `FLEEK_AGENT_TOKEN` | —                  |
//! | API URL     | `--api-url URL`               | `FLEEK_API_URL`     | `api_url`          |
//! | project     | `--project`, `--project-id`   | `FLEEK_PROJECT_ID`  | `project`          |
//!
//! No secret is ever taken from the command line, where every process listing shows it.
//! The project is a default of the command tree (see `Settings::project`), so clap's own
//! flag wins over it.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::ArgMatches;

use super::exit::CliError;
use super::profiles::{default_project, Chosen, Config, Profile, Source};
use super::secrets::{self, SystemKeyring};
use crate::config::{API_KEY_ENV, API_URL_ENV, DEFAULT_BASE_URL};
use crate::error::BuildError;
use crate::{Client, ClientBuilder};

/// The variable that holds an agent's `publicToken`.
pub(crate) const AGENT_TOKEN_ENV: &str = "FLEEK_AGENT_TOKEN";

/// Where to create a key, in every message about a missing one.
const CREATE_A_KEY: &str = "create one in the Fleek web app, under Account settings → API tokens";

/// What is known before the command line is parsed: the profile and its settings. Errors
/// wait until a command needs the profile, so that `--help` and `auth login --profile new`
/// work whatever the state of the config.
pub(crate) struct Settings {
    chosen: Result<Chosen, String>,
    config: Result<Config, String>,
}

impl Settings {
    pub(crate) fn load(args: &[OsString]) -> Settings {
        Settings {
            chosen: Chosen::from(args).map_err(|e| e.message),
            config: Config::load().map_err(|e| e.message),
        }
    }

    /// The profile named, and why.
    pub(crate) fn chosen(&self) -> Result<&Chosen, CliError> {
        self.chosen.as_ref().map_err(|m| CliError::usage(m.clone()))
    }

    /// The saved profiles.
    pub(crate) fn config(&self) -> Result<&Config, CliError> {
        self.config.as_ref().map_err(|m| CliError::usage(m.clone()))
    }

    /// The chosen profile's settings: `None` for an absent `default`, an error for an
    /// absent profile that was named.
    pub(crate) fn profile(&self) -> Result<Option<&Profile>, CliError> {
        self.config()?.profile(self.chosen()?)
    }

    /// The chosen profile's API URL, if it has one.
    pub(crate) fn api_url(&self) -> Option<String> {
        self.profile()
            .ok()
            .flatten()
            .and_then(|p| p.api_url.clone())
    }

    /// The chosen profile's key from the credentials file: never from the system keyring,
    /// which may ask to be unlocked (shell completion must never ask).
    pub(crate) fn file_key(&self) -> Option<String> {
        let chosen = self.chosen.as_ref().ok()?;
        let file = secrets::key_file().ok()?;
        secrets::load(&secrets::NoKeyring, &file, &chosen.name)
            .ok()
            .flatten()
            .map(|(key, _)| key)
    }

    /// The default project, for the command tree: `FLEEK_PROJECT_ID`, else the profile's.
    pub(crate) fn project(&self) -> Option<(String, Source)> {
        let chosen = self.chosen.as_ref().ok()?;
        let profile = self
            .config
            .as_ref()
            .ok()
            .and_then(|config| config.profiles.get(&chosen.name));
        default_project(profile, chosen)
    }
}

/// Every setting a client is built from, with where it came from.
pub(crate) struct Resolved {
    pub(crate) key: Option<(String, Source)>,
    pub(crate) agent_token: Option<(String, Source)>,
    pub(crate) api_url: (String, Source),
}

impl std::fmt::Debug for Resolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resolved")
            .field("key", &self.key.as_ref().map(|(_, source)| source))
            .field("agent_token", &self.agent_token.as_ref().map(|(_, s)| s))
            .field("api_url", &self.api_url)
            .finish()
    }
}

/// A secret from `--<flag> PATH`: the file's text, trimmed; an empty or unreadable file is
/// the command line's mistake.
fn secret_file(
    global: &ArgMatches,
    flag: &'static str,
    what: &str,
) -> Result<Option<(String, Source)>, CliError> {
    let Some(path) = global.get_one::<PathBuf>(flag) else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::usage(format!(
            "cannot read the {what} file {} (--{flag}): {e}",
            path.display()
        ))
    })?;
    let secret = text.trim();
    if secret.is_empty() {
        return Err(CliError::usage(format!(
            "the {what} file {} (--{flag}) is empty: write the {what} in it",
            path.display()
        )));
    }
    Ok(Some((secret.to_string(), Source::Flag(flag_name(flag)))))
}

fn flag_name(flag: &'static str) -> &'static str {
    match flag {
        "api-key-file" => "--api-key-file",
        "agent-token-file" => "--agent-token-file",
        _ => "a flag",
    }
}

/// A variable's value, when set and not empty.
fn env(name: &'static str) -> Option<(String, Source)> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
        .map(|value| (value.trim().to_string(), Source::Env(name)))
}

/// Every setting, from the flags, the environment and the profile.
pub(crate) fn resolve(global: &ArgMatches, settings: &Settings) -> Result<Resolved, CliError> {
    // A profile that was named must exist, wherever the other settings come from.
    let profile = settings.profile()?;
    let chosen = settings.chosen()?;
    let mut key = match secret_file(global, "api-key-file", "API key")? {
        Some(key) => Some(key),
        None => env(API_KEY_ENV),
    };
    if key.is_none() {
        let file = secrets::key_file()?;
        key = secrets::load(&SystemKeyring, &file, &chosen.name)?.map(|(key, place)| {
            (
                key,
                Source::Profile(format!("the profile {:?} ({place})", chosen.name)),
            )
        });
    }
    let agent_token = match secret_file(global, "agent-token-file", "agent token")? {
        Some(token) => Some(token),
        None => env(AGENT_TOKEN_ENV),
    };
    let api_url = if let Some(url) = global.get_one::<String>("api-url") {
        (url.clone(), Source::Flag("--api-url"))
    } else if let Some(url) = env(API_URL_ENV) {
        url
    } else if let Some(url) = profile.and_then(|p| p.api_url.clone()) {
        (
            url,
            Source::Profile(format!("the profile {:?}", chosen.name)),
        )
    } else {
        (DEFAULT_BASE_URL.to_string(), Source::Default)
    };
    Ok(Resolved {
        key,
        agent_token,
        api_url,
    })
}

impl Resolved {
    /// The secrets in use, for the trace to hide.
    pub(crate) fn secrets(&self) -> Vec<String> {
        [&self.key, &self.agent_token]
            .into_iter()
            .flatten()
            .map(|(secret, _)| secret.clone())
            .collect()
    }
}

/// The client of resolved settings.
pub(crate) fn build(resolved: &Resolved) -> Result<Client, CliError> {
    builder(resolved).build().map_err(|error| match error {
        BuildError::MissingApiKey => CliError::usage(format!(
            "no API key: run `{} auth login`, set {API_KEY_ENV}, or pass --api-key-file <path> \
             ({CREATE_A_KEY})",
            super::BIN
        )),
        other => CliError::usage(other.to_string()),
    })
}

fn builder(resolved: &Resolved) -> ClientBuilder {
    let mut builder = ClientBuilder::new().base_url(resolved.api_url.0.as_str());
    if let Some((key, _)) = &resolved.key {
        builder = builder.api_key(key);
    }
    if let Some((token, _)) = &resolved.agent_token {
        builder = builder.agent_token(token);
    }
    builder
}

/// A secret shown as its first characters at most: enough to tell two keys apart, too
/// little to use.
pub(crate) fn masked(secret: &str) -> String {
    let shown: String = if secret.chars().count() >= 16 {
        secret.chars().take(4).collect()
    } else {
        String::new()
    };
    format!("{shown}****")
}

#[cfg(test)]
mod tests {
    use super::masked;

    #[test]
    fn a_masked_secret_shows_at_most_four_characters_of_a_long_one() {
        assert_eq!(masked("fk_test_S3CR3T_0123456789abcdef"), "fk_t****");
        assert_eq!(masked("short"), "****");
    }
}
