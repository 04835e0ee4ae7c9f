//! Shell completion through clap's dynamic completion (`COMPLETE=<shell> fleek-agents`):
//! the command tree as usual, and agent names and ids where a command takes an agent, read
//! from the API.
//!
//! A TAB must never hang or ask: the names come from a cache of at most
//! [`CACHE_FOR`] old, else from one walk over the project's agents bounded by [`WAIT`];
//! the key comes only from `FLEEK_API_KEY`, `--api-key-file` or the credentials file, never
//! from the system keyring, which may pop up an unlock dialog. Without a key, or when the
//! API is slow or failing, there are simply no names.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use clap::Arg;
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};

use super::credentials::Settings;
use crate::config::{API_KEY_ENV, API_URL_ENV, DEFAULT_BASE_URL};

/// How long cached names are used.
const CACHE_FOR: Duration = Duration::from_secs(30);

/// The longest a TAB waits for the API (`FLEEK_COMPLETE_TIMEOUT_MS` changes it).
const WAIT: Duration = Duration::from_millis(1500);

/// The variable that sets how long a TAB waits, in milliseconds.
const WAIT_ENV: &str = "FLEEK_COMPLETE_TIMEOUT_MS";

/// The variable clap's completion scripts set.
pub(crate) const VAR: &str = "COMPLETE";

/// `arg` with agent names and ids completed.
pub(crate) fn agents(arg: Arg) -> Arg {
    arg.add(ArgValueCompleter::new(complete_agents))
}

/// Answers a completion request when the shell made one (`COMPLETE` is set), and exits;
/// otherwise returns at once.
pub(crate) fn handle() {
    clap_complete::CompleteEnv::with_factory(super::command)
        .var(VAR)
        .complete();
}

/// The shell code that registers completion for `shell` (`completions <shell>`).
pub(crate) fn registration(shell: &str) -> Result<Vec<u8>, String> {
    let shells = clap_complete::env::Shells::builtins();
    let completer = shells
        .completer(shell)
        .ok_or_else(|| format!("no completion for the shell {shell}"))?;
    let mut script = Vec::new();
    completer
        .write_registration(VAR, super::BIN, super::BIN, super::BIN, &mut script)
        .map_err(|e| e.to_string())?;
    Ok(script)
}

/// One agent as completion shows it.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Known {
    id: String,
    name: String,
    status: String,
}

/// The names cached for one API and project.
#[derive(Debug, Serialize, Deserialize)]
struct Cache {
    /// Seconds since the Unix epoch when the names were read.
    at: u64,
    agents: Vec<Known>,
}

fn complete_agents(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(current) = current.to_str() else {
        return Vec::new();
    };
    let args: Vec<OsString> = std::env::args_os().collect();
    let Some(place) = Place::of(&args) else {
        return Vec::new();
    };
    let agents = match place.cached() {
        Some(agents) => agents,
        None => match place.fetch() {
            Some(agents) => {
                place.store(&agents);
                agents
            }
            None => return Vec::new(),
        },
    };
    let mut candidates: Vec<CompletionCandidate> = agents
        .iter()
        .filter(|agent| agent.name.starts_with(current))
        .map(|agent| {
            CompletionCandidate::new(&agent.name)
                .help(Some(format!("{} {}", agent.id, agent.status).into()))
        })
        .collect();
    candidates.extend(
        agents
            .iter()
            .filter(|agent| !current.is_empty() && agent.id.starts_with(current))
            .map(|agent| CompletionCandidate::new(&agent.id).help(Some(agent.name.clone().into()))),
    );
    candidates
}

/// Where the names come from: the API, its key and the project.
struct Place {
    url: String,
    key: String,
    project: Option<String>,
}

impl Place {
    /// The settings as a command would resolve them, without the keyring; `None` without a
    /// key.
    fn of(args: &[OsString]) -> Option<Place> {
        let settings = Settings::load(args);
        let flag = |name: &str| -> Option<String> {
            let mut words = args.iter().filter_map(|a| a.to_str());
            while let Some(word) = words.next() {
                if word == name {
                    return words.next().map(str::to_string);
                }
                if let Some(value) = word.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
                    return Some(value.to_string());
                }
            }
            None
        };
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let key = match flag("--api-key-file") {
            Some(path) => std::fs::read_to_string(path)
                .ok()
                .map(|k| k.trim().to_string()),
            None => env(API_KEY_ENV),
        }
        .or_else(|| settings.file_key())?;
        let url = flag("--api-url")
            .or_else(|| env(API_URL_ENV))
            .or_else(|| settings.api_url())
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
        let project = flag("--project")
            .or_else(|| flag("--project-id"))
            .or_else(|| settings.project().map(|(project, _)| project));
        Some(Place { url, key, project })
    }

    /// The cache file of this API and project (never holding the key).
    fn cache_file(&self) -> Option<PathBuf> {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (&self.url, &self.project).hash(&mut hasher);
        let dir = std::env::var_os("FLEEK_CACHE_DIR")
            .map(PathBuf::from)
            .or_else(|| dirs::cache_dir().map(|d| d.join(super::BIN)))?;
        Some(dir.join(format!("agents-{:016x}.json", hasher.finish())))
    }

    fn cached(&self) -> Option<Vec<Known>> {
        let text = std::fs::read_to_string(self.cache_file()?).ok()?;
        let cache: Cache = serde_json::from_str(&text).ok()?;
        let age = now().checked_sub(cache.at)?;
        (age <= CACHE_FOR.as_secs()).then_some(cache.agents)
    }

    fn store(&self, agents: &[Known]) {
        let Some(file) = self.cache_file() else {
            return;
        };
        let cache = Cache {
            at: now(),
            agents: agents.to_vec(),
        };
        if let (Some(dir), Ok(text)) = (file.parent(), serde_json::to_vec(&cache)) {
            // A cache that cannot be written only makes the next TAB ask again.
            let _ = std::fs::create_dir_all(dir);
            let _ = super::profiles::write_private(&file, &text);
        }
    }

    /// Every agent of the project, or `None` when they cannot be had within the wait.
    fn fetch(&self) -> Option<Vec<Known>> {
        let wait = std::env::var(WAIT_ENV)
            .ok()
            .and_then(|ms| ms.parse().ok())
            .map_or(WAIT, Duration::from_millis);
        let client = crate::ClientBuilder::new()
            .base_url(self.url.as_str())
            .api_key(&self.key)
            .timeout(wait)
            .retry(crate::RetryPolicy::none())
            .build()
            .ok()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        runtime.block_on(async {
            let mut request = client.list_agents();
            if let Some(project) = &self.project {
                request = request.project_id(project.as_str());
            }
            let walk = request
                .stream()
                .map_ok(|agent| Known {
                    id: agent.id,
                    name: agent.name,
                    status: agent.status.to_string(),
                })
                .try_collect::<Vec<_>>();
            tokio::time::timeout(wait, walk).await.ok()?.ok()
        })
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
