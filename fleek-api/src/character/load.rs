//! Reading character files: JSON syntax, then the shape Eliza requires, every problem at
//! once.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::eliza;
use super::model::Character;
use super::problem::Problem;

/// Why a character file could not be read.
///
/// ```
/// use fleek_api::character::{Character, CharacterError};
///
/// match Character::from_json("{\"name\": 7}") {
///     Err(CharacterError::Shape(problems)) => {
///         assert_eq!(problems[0].path, "$.name");
///         assert!(problems.len() > 5, "every missing field is listed");
///     }
///     other => panic!("{other:?}"),
/// }
/// assert!(matches!(Character::from_json("{"), Err(CharacterError::Syntax { line: 1, .. })));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CharacterError {
    /// The file could not be read; the I/O error is the [`source`](std::error::Error::source).
    #[error("cannot read the character file {}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// The text is not JSON.
    #[error("the character file is not JSON: {message} at line {line}, column {column}")]
    Syntax {
        /// What the parser expected.
        message: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// The JSON does not have the shape of an Eliza character; every problem is listed.
    #[error("the character file does not have the shape Eliza requires:\n{}", ProblemList(.0))]
    Shape(Vec<Problem>),
}

struct ProblemList<'a>(&'a [Problem]);

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "  - {problem}")?;
        }
        Ok(())
    }
}

impl Character {
    /// Reads a character from JSON text, reporting every problem of shape at once.
    ///
    /// # Errors
    /// [`CharacterError::Syntax`] with line and column when the text is not JSON;
    /// [`CharacterError::Shape`] listing each missing field or value of the wrong type, with
    /// its JSON path, when it is not an Eliza character.
    pub fn from_json(text: &str) -> Result<Self, CharacterError> {
        Self::from_value(parse_json(text)?)
    }

    /// Reads a character from a parsed JSON value; see [`from_json`](Self::from_json).
    ///
    /// A value of the right shape loads even where Eliza would refuse a value in it (an
    /// unknown client or model provider is kept as `Other`); [`validate`](Self::validate)
    /// reports those.
    ///
    /// # Errors
    /// [`CharacterError::Shape`] listing every problem Eliza 0.1.9's schema finds, when the
    /// value does not have the shape of a character.
    pub fn from_value(value: Value) -> Result<Self, CharacterError> {
        // Judged before the typed parse, which stops at its first problem: the error lists
        // them all, those a typed value could hold (an unknown client) included.
        let problems = eliza::problems(&value);
        serde_json::from_value(value).map_err(|e| {
            CharacterError::Shape(if problems.is_empty() {
                // The schema passed what the model refuses: say what the parser said rather
                // than nothing. `cargo xtask eliza-conformance` loads every file Eliza takes.
                vec![Problem::eliza("$", e.to_string())]
            } else {
                problems
            })
        })
    }

    /// Reads a character file.
    ///
    /// # Errors
    /// [`CharacterError::Io`] when the file cannot be read, otherwise as
    /// [`from_json`](Self::from_json).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, CharacterError> {
        Self::from_value(read_json(path.as_ref())?)
    }
}

/// A character file's JSON, before any judgement of its shape.
pub(crate) fn read_json(path: &Path) -> Result<Value, CharacterError> {
    let text = std::fs::read_to_string(path).map_err(|source| CharacterError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_json(&text)
}

fn parse_json(text: &str) -> Result<Value, CharacterError> {
    serde_json::from_str(text).map_err(|e| CharacterError::Syntax {
        message: syntax_message(&e),
        line: e.line(),
        column: e.column(),
        source: e,
    })
}

/// serde_json's message without the " at line L column C" it appends (kept separately).
fn syntax_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}
