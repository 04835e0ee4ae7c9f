//! Profiles: each a name with an API URL and a default project (and a key, kept by
//! `secrets`), in `config.json` under the platform's config directory.
//!
//! Which profile a command uses: `--profile NAME`, else `FLEEK_PROFILE`, else `default`.
//! A profile named by the flag or the variable must exist (`auth login --profile NAME`
//! makes one); `default` may be absent, and then nothing comes from it.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::exit::{CliError, Exit};

/// The variable that names the profile.
pub(crate) const PROFILE_ENV: &str = "FLEEK_PROFILE";
/// The variable that names the default project.
pub(crate) const PROJECT_ENV: &str = "FLEEK_PROJECT_ID";
/// The variable that moves the config directory (tests, several setups side by side).
pub(crate) const CONFIG_DIR_ENV: &str = "FLEEK_CONFIG_DIR";
/// The profile used when none is named.
pub(crate) const DEFAULT_PROFILE: &str = "default";

/// Where a setting came from, for `auth status` and the messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// A command-line flag.
    Flag(&'static str),
    /// An environment variable.
    Env(&'static str),
    /// The profile's settings or stored key (the text says where).
    Profile(String),
    /// Neither: the built-in default.
    Default,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "the {flag} flag"),
            Source::Env(name) => write!(f, "the environment ({name})"),
            Source::Profile(place) => f.write_str(place),
            Source::Default => f.write_str("the default"),
        }
    }
}

/// One profile's settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) api_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) project: Option<String>,
}

/// `config.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Config {
    #[serde(default)]
    pub(crate) profiles: BTreeMap<String, Profile>,
}

/// The directory of `config.json` and the key file: `FLEEK_CONFIG_DIR`, or `fleek-agents`
/// in the platform's config directory (`~/.config` on Linux, `~/Library/Application
/// Support` on macOS, `%APPDATA%` on Windows).
pub(crate) fn config_dir() -> Result<PathBuf, CliError> {
    if let Some(dir) = std::env::var_os(CONFIG_DIR_ENV).filter(|dir| !dir.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::config_dir()
        .map(|dir| dir.join(super::BIN))
        .ok_or_else(|| {
            CliError::usage(format!(
                "no config directory is known for this user (no HOME?): set {CONFIG_DIR_ENV} \
                 to a directory of your own"
            ))
        })
}

impl Config {
    fn path() -> Result<PathBuf, CliError> {
        Ok(config_dir()?.join("config.json"))
    }

    /// The profiles saved so far; none when the file does not exist yet.
    pub(crate) fn load() -> Result<Config, CliError> {
        let path = Self::path()?;
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(unreadable(&path, &e.to_string())),
        };
        serde_json::from_str(&text).map_err(|e| unreadable(&path, &e.to_string()))
    }

    /// Writes the profiles back.
    pub(crate) fn save(&self) -> Result<(), CliError> {
        let path = Self::path()?;
        let text = serde_json::to_string_pretty(self).unwrap_or_default();
        write_private(&path, text.as_bytes())
    }

    /// The profile `chosen` names; an error when it was named and does not exist.
    pub(crate) fn profile(&self, chosen: &Chosen) -> Result<Option<&Profile>, CliError> {
        match self.profiles.get(&chosen.name) {
            Some(profile) => Ok(Some(profile)),
            None if chosen.source == Source::Default => Ok(None),
            None => {
                let known = if self.profiles.is_empty() {
                    "there are none yet".to_string()
                } else {
                    let names: Vec<&str> = self.profiles.keys().map(String::as_str).collect();
                    format!("the profiles are {}", names.join(", "))
                };
                Err(CliError::usage(format!(
                    "no profile named {:?} (from {}): {known}; create it with `{} auth login \
                     --profile {}`",
                    chosen.name,
                    chosen.source,
                    super::BIN,
                    chosen.name
                )))
            }
        }
    }
}

fn unreadable(path: &Path, why: &str) -> CliError {
    CliError::usage(format!(
        "cannot read the profiles in {}: {why}; fix or delete the file",
        path.display()
    ))
}

/// Writes `bytes` to `path` (making its directory), readable and writable by the user
/// only: it may hold a key.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let fail = |e: std::io::Error| {
        CliError::new(
            Exit::Failure,
            format!("cannot write {}: {e}", path.display()),
        )
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        // A file made earlier with wider permissions is narrowed before it is written.
        if path.exists() {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(fail)?;
        }
    }
    let mut file = options.open(path).map_err(fail)?;
    std::io::Write::write_all(&mut file, bytes).map_err(fail)
}

/// The profile a command uses, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Chosen {
    pub(crate) name: String,
    pub(crate) source: Source,
}

impl Chosen {
    /// From the command line (read before clap parses it, because the profile's project
    /// becomes a default of the command tree), then `FLEEK_PROFILE`, then `default`.
    pub(crate) fn from(args: &[OsString]) -> Result<Chosen, CliError> {
        let (name, source) = if let Some(name) = flag_value(args, "--profile") {
            (name, Source::Flag("--profile"))
        } else if let Some(name) = std::env::var_os(PROFILE_ENV).filter(|v| !v.is_empty()) {
            (
                name.to_string_lossy().into_owned(),
                Source::Env(PROFILE_ENV),
            )
        } else {
            (DEFAULT_PROFILE.to_string(), Source::Default)
        };
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(CliError::usage(format!(
                "the profile name {name:?} (from {source}) is not valid: use letters, digits, \
                 '-' and '_'"
            )));
        }
        Ok(Chosen { name, source })
    }
}

/// The value of `--flag VALUE` or `--flag=VALUE`, before any `--`.
fn flag_value(args: &[OsString], flag: &str) -> Option<String> {
    let mut args = args.iter().skip(1).map(|arg| arg.to_string_lossy());
    let mut found = None;
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        if arg == flag {
            found = args.next().map(|value| value.into_owned());
        } else if let Some(value) = arg.strip_prefix(flag).and_then(|v| v.strip_prefix('=')) {
            found = Some(value.to_string());
        }
    }
    found
}

/// The default project: `FLEEK_PROJECT_ID`, else the profile's.
pub(crate) fn default_project(
    profile: Option<&Profile>,
    chosen: &Chosen,
) -> Option<(String, Source)> {
    if let Some(project) = std::env::var(PROJECT_ENV).ok().filter(|p| !p.is_empty()) {
        return Some((project, Source::Env(PROJECT_ENV)));
    }
    profile
        .and_then(|profile| profile.project.clone())
        .map(|project| {
            (
                project,
                Source::Profile(format!("the profile {:?}", chosen.name)),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_profile_flag_is_read_in_both_spellings_and_not_after_a_double_dash() {
        let read = |words: &[&str]| flag_value(&args(words), "--profile");
        assert_eq!(
            read(&["x", "--profile", "work", "list-agents"]).as_deref(),
            Some("work")
        );
        assert_eq!(
            read(&["x", "list-agents", "--profile=home"]).as_deref(),
            Some("home")
        );
        assert_eq!(read(&["x", "api", "--", "--profile", "no"]), None);
        assert_eq!(read(&["x", "list-agents"]), None);
    }

    #[test]
    fn a_named_profile_must_exist_and_the_default_may_not() {
        let config = Config::default();
        let named = Chosen {
            name: "work".into(),
            source: Source::Flag("--profile"),
        };
        let error = config.profile(&named).expect_err("unknown profile");
        assert_eq!(error.exit, Exit::Usage);
        assert!(
            error.message.contains("auth login --profile work"),
            "{}",
            error.message
        );
        let default = Chosen {
            name: DEFAULT_PROFILE.into(),
            source: Source::Default,
        };
        assert_eq!(config.profile(&default).expect("no error"), None);
    }
}
