//! `fleek-agents.toml`: the agents a project should have, read and checked.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::FleetError;
use crate::character::SecretSource;

/// The manifest's usual file name, read from the current directory when no other is named
/// (as `fly.toml`, `compose.yaml` and `wrangler.toml` are).
pub const MANIFEST_FILE: &str = "fleek-agents.toml";

/// A fleet manifest: the project, and each agent by name.
///
/// ```
/// let manifest = fleek_api::fleet::Manifest::parse(r#"
/// project = "cm6k5x0qj0003l708b2v1c9ep"
/// env-file = ".env"
///
/// [agents.Nova]
/// character = "characters/nova.character.json"
/// secrets = { OPENAI_API_KEY = { env = "OPENAI_API_KEY" } }
///
/// [agents.Orion]
/// character = "characters/orion.character.json"
/// state = "stopped"
/// "#, "fleek-agents.toml")?;
/// assert_eq!(manifest.agents.len(), 2);
/// # Ok::<(), fleek_api::fleet::FleetError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(
    title = "fleek-agents.toml",
    description = "The agents a Fleek project should have, for `fleek-agents fleet plan` and `fleet apply`."
)]
pub struct Manifest {
    /// The Fleek project. A `--project` flag and `FLEEK_PROJECT_ID` come first; the
    /// profile's default project comes after.
    #[serde(default)]
    pub project: Option<String>,
    /// A dotenv file (relative to the manifest) where `env` sources look after the
    /// environment, and whose `CHARACTER.<NAME>.<KEY>` entries become that agent's secrets.
    /// When it does not exist (in CI, where the environment has the variables), it is
    /// skipped.
    #[serde(default)]
    pub env_file: Option<PathBuf>,
    /// The agents, by their name on Fleek.
    #[serde(default)]
    pub agents: BTreeMap<String, AgentSpec>,
}

/// One agent of the manifest.
#[derive(Clone, Debug, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AgentSpec {
    /// The Eliza character file, relative to the manifest. Keep `settings.secrets` out of
    /// it: give them below.
    pub character: PathBuf,
    /// Whether the agent should run (the default) or be stopped.
    #[serde(default)]
    pub state: DesiredState,
    /// The Eliza version to run (`fleek-agents framework list`); Fleek's choice when unset.
    #[serde(default)]
    pub framework_version: Option<String>,
    /// Whether it runs in a trusted execution environment; left as it is when unset.
    #[serde(default)]
    pub tee: Option<bool>,
    /// Whether anyone may chat with it with its public token; left as it is when unset.
    #[serde(default)]
    pub public_chat: Option<bool>,
    /// An avatar image (PNG, JPEG, GIF or WebP), relative to the manifest.
    #[serde(default)]
    pub avatar: Option<PathBuf>,
    /// The agent's id, when two agents of the project share its name (the plan stops and
    /// lists them otherwise), or to adopt one of another name.
    #[serde(default)]
    pub id: Option<String>,
    /// Secrets for `settings.secrets`, by name, each read when a request is built.
    #[serde(default)]
    pub secrets: BTreeMap<String, SecretSpec>,
}

/// Whether an agent should run.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum DesiredState {
    /// Running: created, published and started as needed.
    #[default]
    Running,
    /// Stopped (or never published): stopped if it runs; its character is still kept up
    /// to date, without publishing.
    Stopped,
}

/// Where one secret comes from.
#[derive(Clone, Debug, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum SecretSpec {
    /// `{ env = "VAR" }`: the environment, then the manifest's `env-file`.
    Env {
        /// The variable.
        env: String,
    },
    /// `{ file = "path" }`: a file's content, relative to the manifest.
    File {
        /// The file.
        file: PathBuf,
    },
}

impl SecretSpec {
    /// As a [`SecretSource`], a file taken relative to `dir`.
    pub fn source(&self, dir: &Path) -> SecretSource {
        match self {
            SecretSpec::Env { env } => SecretSource::Env(env.clone()),
            SecretSpec::File { file } => SecretSource::File(dir.join(file)),
        }
    }
}

impl Manifest {
    /// Reads a manifest.
    ///
    /// # Errors
    /// [`FleetError::Manifest`] naming the file, the line and column, and a fix.
    pub fn read(path: impl AsRef<Path>) -> Result<Self, FleetError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| FleetError::Manifest {
            path: path.to_path_buf(),
            line: None,
            message: if e.kind() == std::io::ErrorKind::NotFound {
                format!(
                    "there is no manifest here: write one (`fleek-agents fleet import` writes \
                     one from a project's agents), or name it with -f FILE ({e})"
                )
            } else {
                format!("cannot read it: {e}")
            },
        })?;
        Self::parse(&text, path)
    }

    /// Parses manifest text; `path` names it in errors.
    ///
    /// # Errors
    /// [`FleetError::Manifest`]: not TOML, an unknown key, a value of the wrong kind (with
    /// the line and column, and what is expected), or an agent with an empty name.
    pub fn parse(text: &str, path: impl AsRef<Path>) -> Result<Self, FleetError> {
        let path = path.as_ref();
        let manifest: Manifest = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|span| line_of(text, span.start));
            FleetError::Manifest {
                path: path.to_path_buf(),
                line,
                message: fix_for(e.message()),
            }
        })?;
        for (name, spec) in &manifest.agents {
            if name.trim().is_empty() {
                return Err(FleetError::Manifest {
                    path: path.to_path_buf(),
                    line: None,
                    message: "an agent has an empty name: the key of [agents.<name>] is its name on Fleek".to_string(),
                });
            }
            for secret in spec.secrets.keys() {
                if secret.is_empty()
                    || !secret
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    return Err(FleetError::Manifest {
                        path: path.to_path_buf(),
                        line: text.find(secret.as_str()).map(|at| line_of(text, at)),
                        message: format!("agent {name}: secret {secret:?}: a secret's name is letters, digits and _"),
                    });
                }
            }
        }
        Ok(manifest)
    }

    /// The JSON Schema of the manifest, for editors (published as
    /// `fleek-agents.schema.json`; `fleek-agents fleet schema` prints it).
    pub fn json_schema() -> schemars::schema::RootSchema {
        schemars::schema_for!(Manifest)
    }
}

/// The line (from 1) of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// toml's message, with the fix for the mistakes people make.
fn fix_for(message: &str) -> String {
    let message = message.trim();
    if message.contains("unknown field") {
        format!("{message}; see `fleek-agents fleet schema` for every key")
    } else if message.contains("unknown variant") {
        format!("{message} (state is \"running\" or \"stopped\")")
    } else if message.contains("did not match any variant of untagged enum SecretSpec") {
        "a secret is { env = \"VAR\" } or { file = \"path\" }, never the value itself".to_string()
    } else if message.contains("duplicate key") {
        format!("{message}: each agent is listed once (its name is the key)")
    } else {
        message.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        Manifest::parse(text, "fleet.toml")
            .expect_err("refused")
            .to_string()
    }

    #[test]
    fn a_mistake_is_named_with_the_file_its_line_and_a_fix() {
        let unknown = error("[agents.Nova]\ncharacter = \"n.json\"\nstatus = \"running\"\n");
        assert!(
            unknown.starts_with("fleet.toml:3: unknown field `status`"),
            "{unknown}"
        );
        assert!(unknown.contains("fleet schema"), "{unknown}");
        let state = error("[agents.Nova]\ncharacter = \"n.json\"\nstate = \"paused\"\n");
        assert!(
            state.starts_with("fleet.toml:3: ") && state.contains("\"running\" or \"stopped\""),
            "{state}"
        );
        let value =
            error("[agents.Nova]\ncharacter = \"n.json\"\nsecrets = { KEY = \"sk-live-123\" }\n");
        assert!(
            value.contains("never the value itself") && !value.contains("sk-live-123"),
            "{value}"
        );
        let twice = error("[agents.Nova]\ncharacter = \"a\"\n[agents.Nova]\ncharacter = \"b\"\n");
        assert!(
            twice.starts_with("fleet.toml:3: ") && twice.contains("listed once"),
            "{twice}"
        );
        let missing = error("[agents.Nova]\ntee = true\n");
        assert!(missing.contains("missing field `character`"), "{missing}");
    }

    #[test]
    fn the_schema_names_every_key() {
        let schema = serde_json::to_string(&Manifest::json_schema()).expect("JSON");
        for key in [
            "project",
            "env-file",
            "agents",
            "character",
            "state",
            "framework-version",
            "tee",
            "public-chat",
            "avatar",
            "secrets",
        ] {
            assert!(schema.contains(&format!("\"{key}\"")), "{key}");
        }
    }
}
