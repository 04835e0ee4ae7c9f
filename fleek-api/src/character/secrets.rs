//! A character's secrets kept out of its file: each value read from the environment, a
//! file or a dotenv file when a request is built, merged into `settings.secrets` of that
//! request's character only, and never shown (`Debug` names the secrets, never a value).
//!
//! Also: which values of a character file look like live secrets, for `validate`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde_json::Value;

use super::model::{Character, Settings};

/// One secret's value. `Debug` and `Display` never show it; [`Secret::expose`] does, for
/// the one place that needs it (the request).
///
/// ```
/// use fleek_api::character::Secret;
/// let secret = Secret::new("sk-live-1234");
/// assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
/// assert_eq!(secret.expose(), "sk-live-1234");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// A secret with this value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Where a secret's value comes from: `env:VAR` or `file:PATH`.
///
/// ```
/// use fleek_api::character::SecretSource;
/// assert_eq!("env:OPENAI_API_KEY".parse(), Ok(SecretSource::Env("OPENAI_API_KEY".into())));
/// assert_eq!("file:secrets/twitter".parse(), Ok(SecretSource::File("secrets/twitter".into())));
/// assert!("sk-live".parse::<SecretSource>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretSource {
    /// An environment variable, then the same name in the dotenv file if one is given
    /// (the environment wins, as in docker compose).
    Env(String),
    /// A file whose content is the value (one trailing line break removed).
    File(PathBuf),
}

impl FromStr for SecretSource {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.split_once(':') {
            Some(("env", var)) if is_env_name(var) => Ok(SecretSource::Env(var.to_string())),
            Some(("env", var)) => Err(format!(
                "env:{var}: an environment variable's name is letters, digits and _ (not \
                 starting with a digit)"
            )),
            Some(("file", path)) if !path.is_empty() => Ok(SecretSource::File(path.into())),
            _ => Err(format!(
                "{:?} is not a source: give env:VAR or file:PATH (the value itself never goes \
                 on a command line)",
                // Never echo what may be the value itself.
                if text.len() > 12 {
                    "<the text given>"
                } else {
                    "<short text>"
                }
            )),
        }
    }
}

fn is_env_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Why a secret could not be read. The messages name the secret and its source, never a
/// value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// The environment variable is not set, and no dotenv file given has it.
    #[error(
        "secret {secret}: the environment variable {var} is not set{}; set it, or put \
         {var}=... in the dotenv file",
        match .env_file { Some(path) => format!(" and {} has no {var}", path.display()), None => String::new() }
    )]
    MissingEnv {
        /// The secret's name.
        secret: String,
        /// The variable.
        var: String,
        /// The dotenv file that was also read.
        env_file: Option<PathBuf>,
    },
    /// The file could not be read.
    #[error("secret {secret}: cannot read {}: {source}", path.display())]
    File {
        /// The secret's name.
        secret: String,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A dotenv file could not be read, or a line of it is not `NAME=value`.
    #[error("{}{}: {message}", path.display(), match .line { Some(n) => format!(":{n}"), None => String::new() })]
    EnvFile {
        /// The file.
        path: PathBuf,
        /// The line (from 1), when one is at fault.
        line: Option<usize>,
        /// What is wrong and how to fix it.
        message: String,
    },
}

/// A dotenv file (`NAME=value` lines), as docker compose and Eliza read one: `#` comments,
/// blank lines, `export NAME=value`, values in single quotes (taken as they are) or double
/// quotes (`\n`, `\"`, `\\` understood), and unquoted values up to a ` #` comment.
///
/// Eliza's convention `CHARACTER.<NAME>.<KEY>=value` gives the character named `<NAME>`
/// (upper-cased, spaces as `_`) the secret `<KEY>`: see [`EnvFile::character_secrets`].
///
/// ```
/// use fleek_api::character::EnvFile;
/// let env = EnvFile::parse("# keys\nOPENAI_API_KEY=sk-1\nCHARACTER.NOVA_BOT.TWITTER_PASSWORD='p w'\n", ".env")?;
/// assert_eq!(env.get("OPENAI_API_KEY").map(|s| s.expose()), Some("sk-1"));
/// let nova = env.character_secrets("Nova Bot");
/// assert_eq!(nova["TWITTER_PASSWORD"].expose(), "p w");
/// assert!(!format!("{env:?}").contains("sk-1"));
/// # Ok::<(), fleek_api::character::SecretError>(())
/// ```
#[derive(Clone)]
pub struct EnvFile {
    path: PathBuf,
    vars: BTreeMap<String, Secret>,
}

impl fmt::Debug for EnvFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvFile")
            .field("path", &self.path)
            .field("vars", &crate::redact::SecretNames(&self.vars))
            .finish()
    }
}

impl EnvFile {
    /// Reads and parses a dotenv file.
    ///
    /// # Errors
    /// [`SecretError::EnvFile`] when it cannot be read or a line is not `NAME=value`.
    pub fn read(path: impl AsRef<Path>) -> Result<Self, SecretError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| SecretError::EnvFile {
            path: path.to_path_buf(),
            line: None,
            message: format!("cannot read it: {e}"),
        })?;
        Self::parse(&text, path)
    }

    /// Parses dotenv text; `path` names it in errors.
    ///
    /// # Errors
    /// [`SecretError::EnvFile`] naming the first line that is not `NAME=value`.
    pub fn parse(text: &str, path: impl AsRef<Path>) -> Result<Self, SecretError> {
        let path = path.as_ref().to_path_buf();
        let mut vars = BTreeMap::new();
        for (index, raw) in text.lines().enumerate() {
            let fail = |message: String| SecretError::EnvFile {
                path: path.clone(),
                line: Some(index + 1),
                message,
            };
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
            let Some((name, value)) = line.split_once('=') else {
                return Err(fail("expected NAME=value".to_string()));
            };
            let name = name.trim();
            let valid = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-');
            if !valid {
                return Err(fail(format!(
                    "{name:?} is not a variable name (letters, digits, _, . and -)"
                )));
            }
            let value = unquote(value.trim()).map_err(fail)?;
            vars.insert(name.to_string(), Secret(value));
        }
        Ok(Self { path, vars })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The value of a variable.
    pub fn get(&self, name: &str) -> Option<&Secret> {
        self.vars.get(name)
    }

    /// The secrets Eliza's `CHARACTER.<NAME>.<KEY>` entries give the character named
    /// `character_name` (matched as Eliza matches it: upper-cased, spaces as `_`).
    pub fn character_secrets(&self, character_name: &str) -> BTreeMap<String, Secret> {
        let prefix = format!(
            "CHARACTER.{}.",
            character_name.to_uppercase().replace(' ', "_")
        );
        self.vars
            .iter()
            .filter_map(|(name, value)| {
                name.strip_prefix(&prefix)
                    .filter(|key| !key.is_empty())
                    .map(|key| (key.to_string(), value.clone()))
            })
            .collect()
    }
}

/// A dotenv value without its quotes.
fn unquote(value: &str) -> Result<String, String> {
    if let Some(rest) = value.strip_prefix('\'') {
        return match rest.find('\'') {
            Some(end)
                if rest[end + 1..].trim().is_empty() || rest[end + 1..].trim().starts_with('#') =>
            {
                Ok(rest[..end].to_string())
            }
            Some(_) => Err("text after the closing quote".to_string()),
            None => Err("the single quote is not closed on this line".to_string()),
        };
    }
    if let Some(rest) = value.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => {
                    let after: String = chars.collect();
                    let after = after.trim();
                    return if after.is_empty() || after.starts_with('#') {
                        Ok(out)
                    } else {
                        Err("text after the closing quote".to_string())
                    };
                }
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(other) => out.push(other),
                    None => break,
                },
                other => out.push(other),
            }
        }
        return Err("the double quote is not closed on this line".to_string());
    }
    // Unquoted: up to a comment that follows a space.
    Ok(match value.find(" #") {
        Some(at) => value[..at].trim_end().to_string(),
        None => value.to_string(),
    })
}

/// Secrets by name, resolved from their sources: what a request merges into its
/// character's `settings.secrets`. `Debug` shows the names only.
///
/// ```
/// use fleek_api::character::{Character, Secret, Secrets};
/// # let character: Character = serde_json::from_str(include_str!("../../tests/it/fixtures/c3po.character.json"))?;
/// let mut secrets = Secrets::default();
/// secrets.insert("OPENAI_API_KEY", Secret::new("sk-live"));
/// let sent = secrets.merged_into(&character);
/// assert_eq!(sent.settings.as_ref().and_then(|s| s.secrets.as_ref()).map(|s| s["OPENAI_API_KEY"].as_str()), Some("sk-live"));
/// assert!(!format!("{secrets:?}").contains("sk-live"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secrets(BTreeMap<String, Secret>);

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Secrets")
            .field(&crate::redact::SecretNames(&self.0))
            .finish()
    }
}

impl Secrets {
    /// Adds (or replaces) a secret.
    pub fn insert(&mut self, name: impl Into<String>, secret: Secret) {
        self.0.insert(name.into(), secret);
    }

    /// Reads one secret from its source and adds it; a dotenv file, when given, is where
    /// an `env:` source looks after the environment.
    ///
    /// # Errors
    /// [`SecretError::MissingEnv`] or [`SecretError::File`], naming the secret.
    pub fn resolve(
        &mut self,
        name: &str,
        source: &SecretSource,
        env_file: Option<&EnvFile>,
    ) -> Result<(), SecretError> {
        let value = match source {
            SecretSource::Env(var) => match std::env::var(var) {
                Ok(value) => Secret(value),
                Err(_) => env_file.and_then(|f| f.get(var)).cloned().ok_or_else(|| {
                    SecretError::MissingEnv {
                        secret: name.to_string(),
                        var: var.clone(),
                        env_file: env_file.map(|f| f.path.clone()),
                    }
                })?,
            },
            SecretSource::File(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| SecretError::File {
                    secret: name.to_string(),
                    path: path.clone(),
                    source,
                })?;
                let text = text
                    .strip_suffix('\n')
                    .map(|t| t.strip_suffix('\r').unwrap_or(t))
                    .unwrap_or(&text);
                Secret(text.to_string())
            }
        };
        self.0.insert(name.to_string(), value);
        Ok(())
    }

    /// The secrets' names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// One secret.
    pub fn get(&self, name: &str) -> Option<&Secret> {
        self.0.get(name)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// A copy of `character` with these secrets in `settings.secrets` (over any of the same
    /// name the file had): the character a request sends. The file's own copy is unchanged.
    pub fn merged_into(&self, character: &Character) -> Character {
        let mut character = character.clone();
        if self.0.is_empty() {
            return character;
        }
        let settings = character.settings.get_or_insert_with(|| Settings {
            secrets: None,
            extra: Default::default(),
        });
        let secrets = settings.secrets.get_or_insert_with(BTreeMap::new);
        for (name, value) in &self.0 {
            secrets.insert(name.clone(), value.0.clone());
        }
        character
    }
}

impl FromIterator<(String, Secret)> for Secrets {
    fn from_iter<I: IntoIterator<Item = (String, Secret)>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

/// The JSON paths of the values under `settings.secrets` of a character file (as raw JSON)
/// that look like live secrets: non-empty, and not a placeholder (see [`is_placeholder`]).
/// A file that holds one should not be committed: give the value from the environment or
/// a file instead (`deploy --secret NAME=env:VAR`).
///
/// ```
/// use fleek_api::character::live_secrets;
/// let file = serde_json::json!({"settings": {"secrets": {
///     "OPENAI_API_KEY": "sk-proj-8f3Kq2", "TWITTER_PASSWORD": "", "DISCORD_TOKEN": "<your token>"}}});
/// assert_eq!(live_secrets(&file), ["$.settings.secrets.OPENAI_API_KEY"]);
/// ```
pub fn live_secrets(character: &Value) -> Vec<String> {
    let Some(secrets) = character
        .get("settings")
        .and_then(|s| s.get("secrets"))
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    secrets
        .iter()
        .filter(|(_, value)| value.as_str().is_some_and(|v| !is_placeholder(v)))
        .map(|(name, _)| key_path("$.settings.secrets", name))
        .collect()
}

/// `prefix.key`, or `prefix["key"]` for a key that is not a plain name.
fn key_path(prefix: &str, key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        format!("{prefix}.{key}")
    } else {
        format!("{prefix}[{}]", Value::String(key.to_string()))
    }
}

/// Whether a secret's value is clearly not a real one: empty, a reference to a variable
/// (`$VAR`, `${VAR}`), a marker (`<...>`, `{{...}}`, `[...]`), one character repeated
/// (`xxxx`, `****`), or words people write in its place (`your-key-here`, `changeme`,
/// `placeholder`, `example`, `dummy`, `todo`, `redacted`, `none`, `null`).
pub fn is_placeholder(value: &str) -> bool {
    let value = value.trim();
    if value.is_empty() {
        return true;
    }
    let marked = |open: &str, close: &str| value.starts_with(open) && value.ends_with(close);
    if value.starts_with('$')
        || marked("<", ">")
        || marked("{{", "}}")
        || marked("[", "]")
        || marked("%", "%")
    {
        return true;
    }
    let mut chars = value.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first)
        || value
            .chars()
            .all(|c| matches!(c, '.' | '*' | '-' | '_' | 'x' | 'X'))
    {
        return true;
    }
    let lower = value.to_lowercase();
    const WORDS: [&str; 13] = [
        "your",
        "changeme",
        "change_me",
        "change-me",
        "placeholder",
        "example",
        "dummy",
        "todo",
        "redacted",
        "replace",
        "insert",
        "xxx",
        "fake",
    ];
    WORDS.iter().any(|w| lower.contains(w))
        || lower.contains("...")
        || matches!(lower.as_str(), "none" | "null" | "undefined" | "n/a")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_not_live_and_keys_are() {
        for placeholder in [
            "",
            " ",
            "$OPENAI_API_KEY",
            "${TOKEN}",
            "<your key>",
            "{{ secret }}",
            "xxxx",
            "****",
            "YOUR_API_KEY",
            "your-key-here",
            "changeme",
            "sk-...",
            "null",
            "TODO",
        ] {
            assert!(is_placeholder(placeholder), "{placeholder:?}");
        }
        for live in ["sk-proj-8f3Kq2ZtW", "hunter2", "ghp_a1B2c3D4", "p@ssw0rd!"] {
            assert!(!is_placeholder(live), "{live:?}");
        }
    }

    #[test]
    fn a_dotenv_file_reads_as_compose_reads_it() {
        let env = EnvFile::parse(
            "\n# a comment\nexport A=1\nB = two words # note\nC='single # kept'\nD=\"line\\nnext \\\"q\\\"\"\nE=\n",
            ".env",
        )
        .expect("parses");
        let get = |name| env.get(name).map(Secret::expose);
        assert_eq!(get("A"), Some("1"));
        assert_eq!(get("B"), Some("two words"));
        assert_eq!(get("C"), Some("single # kept"));
        assert_eq!(get("D"), Some("line\nnext \"q\""));
        assert_eq!(get("E"), Some(""));
    }

    #[test]
    fn a_bad_dotenv_line_is_named_with_its_number_and_never_its_value() {
        let error = EnvFile::parse("A=1\nB='sk-unclosed\n", ".env").expect_err("refused");
        let text = error.to_string();
        assert!(text.starts_with(".env:2: "), "{text}");
        assert!(!text.contains("sk-unclosed"), "{text}");
        let error = EnvFile::parse("just words\n", "x.env").expect_err("refused");
        assert_eq!(error.to_string(), "x.env:1: expected NAME=value");
    }

    #[test]
    fn env_sources_fall_back_to_the_dotenv_file_and_name_what_is_missing() {
        let env = EnvFile::parse("FLEEK_TEST_ONLY_IN_FILE=from-file\n", ".env").expect("parses");
        let mut secrets = Secrets::default();
        secrets
            .resolve(
                "OPENAI_API_KEY",
                &SecretSource::Env("FLEEK_TEST_ONLY_IN_FILE".into()),
                Some(&env),
            )
            .expect("found in the file");
        assert_eq!(
            secrets.get("OPENAI_API_KEY").map(Secret::expose),
            Some("from-file")
        );
        let error = secrets
            .resolve(
                "X",
                &SecretSource::Env("FLEEK_TEST_SURELY_UNSET_VAR".into()),
                Some(&env),
            )
            .expect_err("missing");
        assert_eq!(
            error.to_string(),
            "secret X: the environment variable FLEEK_TEST_SURELY_UNSET_VAR is not set and \
             .env has no FLEEK_TEST_SURELY_UNSET_VAR; set it, or put \
             FLEEK_TEST_SURELY_UNSET_VAR=... in the dotenv file"
        );
    }

    #[test]
    fn a_source_that_is_no_source_is_refused_without_echoing_it() {
        let error = "sk-live-abcdefghijklmnop"
            .parse::<SecretSource>()
            .expect_err("refused");
        assert!(!error.contains("sk-live"), "{error}");
        assert!("env:1BAD".parse::<SecretSource>().is_err());
        assert!("file:".parse::<SecretSource>().is_err());
    }
}
