//! One problem of a character file: its JSON path, whose rule it breaks, and how to fix it.

use std::fmt;

use serde::Serialize;

/// Whose rule a problem breaks; serialized as `"eliza"` or `"fleek"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rules {
    /// Eliza 0.1.9's character schema (`CharacterSchema` of `@elizaos/core@0.1.9`): the
    /// agent would not start.
    Eliza,
    /// Fleek's checks before deploying (those of Fleek's dashboard).
    Fleek,
}

/// One problem of a character file; serialized as `{"rules", "path", "message"}` (what
/// `fleek-agents validate -o json` prints).
///
/// ```
/// let report = fleek_api::character::Report::of_json(&serde_json::json!({"name": 7}));
/// let first = serde_json::to_value(&report.problems()[0])?;
/// assert_eq!(first["rules"], "eliza");
/// assert_eq!(first["path"], "$.name");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Whose rule it breaks.
    pub rules: Rules,
    /// Where: a JSON path such as `$.messageExamples[0][1].content.text`.
    pub path: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl Problem {
    pub(crate) fn eliza(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            rules: Rules::Eliza,
            path: path.into(),
            message: message.into(),
        }
    }

    pub(crate) fn fleek(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            rules: Rules::Fleek,
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rules = match self.rules {
            Rules::Eliza => "Eliza",
            Rules::Fleek => "Fleek",
        };
        write!(f, "{} ({rules}): {}", self.path, self.message)
    }
}
