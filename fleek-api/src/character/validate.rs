//! Checking a character file: Eliza 0.1.9's schema (`eliza`) and Fleek's deploy rules
//! (`fleek`), every problem at once, in one [`Report`].

use std::fmt;

use super::model::Character;
use super::problem::{Problem, Rules};
use super::{eliza, fleek};

/// Every problem [`Character::validate`] found.
///
/// ```
/// use fleek_api::character::{Character, Rules};
///
/// let c3po = Character::from_json(include_str!("../../tests/it/fixtures/c3po.character.json"))?;
/// let report = c3po.validate();
/// for problem in report.problems() {
///     println!("{problem}"); // "$.clients (Fleek): Fleek deploys characters with at least one client: ..."
/// }
/// assert_eq!(report.fleek()[0].path, "$.clients");
/// assert_eq!(report.fleek()[0].rules, Rules::Fleek);
/// # Ok::<(), fleek_api::character::CharacterError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    problems: Vec<Problem>,
}

impl Report {
    /// All problems, Eliza's first.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The problems that break Eliza's rules: the agent would not start.
    pub fn eliza(&self) -> Vec<&Problem> {
        self.of(Rules::Eliza)
    }

    /// The problems that break Fleek's deploy rules: Fleek would refuse it.
    pub fn fleek(&self) -> Vec<&Problem> {
        self.of(Rules::Fleek)
    }

    /// Whether the character can be deployed on Fleek: no problem at all.
    pub fn is_deployable(&self) -> bool {
        self.problems.is_empty()
    }

    fn of(&self, rules: Rules) -> Vec<&Problem> {
        self.problems.iter().filter(|p| p.rules == rules).collect()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.problems.is_empty() {
            return f.write_str("no problems");
        }
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl Report {
    /// Judges raw JSON, as read from a character file: Eliza 0.1.9's schema and Fleek's
    /// deploy rules, every problem in one pass. Unlike [`Character::from_value`], it needs no
    /// particular shape: a file with a missing field still has its other fields judged.
    ///
    /// ```
    /// use fleek_api::character::Report;
    ///
    /// let file = serde_json::json!({"name": "Nova", "clients": ["direct", "fax"], "plugins": [7]});
    /// let report = Report::of_json(&file);
    /// let paths: Vec<&str> = report.eliza().iter().map(|p| p.path.as_str()).collect();
    /// assert!(paths.contains(&"$.modelProvider"), "a missing field");
    /// assert!(paths.contains(&"$.clients[1]"), "and, in the same pass, an unknown client");
    /// assert!(paths.contains(&"$.plugins"), "a list of names or of plugin objects");
    /// ```
    pub fn of_json(value: &serde_json::Value) -> Self {
        let mut problems = eliza::problems(value);
        problems.extend(fleek::problems(value));
        Report { problems }
    }
}

impl Character {
    /// Checks Eliza 0.1.9's rules and Fleek's stricter deploy rules; every problem at once.
    ///
    /// The character is judged as the JSON it saves as ([`Report::of_json`]), so a value
    /// this type keeps but Eliza refuses (an unknown client, a plugin list that mixes names
    /// and objects, a malformed field in [`extra`](Character::extra)) is reported.
    pub fn validate(&self) -> Report {
        match serde_json::to_value(self) {
            Ok(value) => Report::of_json(&value),
            // A struct of strings, lists and JSON values always serializes; were it not to,
            // say so rather than pass it.
            Err(error) => Report {
                problems: vec![Problem::eliza("$", error.to_string())],
            },
        }
    }
}
