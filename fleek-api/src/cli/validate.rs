//! `fleek-agents validate <character.json>...`: every problem of each file, offline.

use std::path::{Path, PathBuf};

use clap::{value_parser, Arg, ArgAction, ArgMatches, Command};
use serde_json::json;

use super::exit::{CliError, Exit};
use super::output::{Format, Output};
use super::style::{paint, GREEN, RED, YELLOW};
use crate::character::{live_secrets, read_json, Character, Problem, Report, Rules, ELIZA_VERSION};

pub(crate) fn command() -> Command {
    Command::new("validate")
        .about("Check character files against Eliza's and Fleek's rules (offline, no key)")
        .long_about(format!(
            "Check character files against Eliza's rules (the agent would not start) and \
             Fleek's rules (Fleek would refuse to deploy it). Eliza's rules are those of Eliza \
             {ELIZA_VERSION}'s character schema (`CharacterSchema` of `@elizaos/core@{ELIZA_VERSION}`), \
             field by field; fields it does not name are allowed. Every problem is listed in \
             one pass with its JSON path and how to fix it. A value under settings.secrets \
             that looks live (not empty, not a placeholder such as <your key> or $VAR) is a \
             warning, an error with --strict: keep secrets out of files people commit \
             (deploy --secret NAME=env:VAR). Needs no API key and no network; exits with 3 \
             when any file has a problem, so it serves as a CI lint."
        ))
        .arg(
            Arg::new("strict")
                .long("strict")
                .action(ArgAction::SetTrue)
                .help("A value that looks like a live secret fails the check (exit 3)"),
        )
        .arg(
            Arg::new("files")
                .value_name("CHARACTER.JSON")
                .required(true)
                .action(ArgAction::Append)
                .value_parser(value_parser!(PathBuf))
                .help("The character files"),
        )
}

/// What one file's check found.
pub(crate) struct Checked {
    /// The character, when the file is one.
    pub(crate) character: Option<Character>,
    /// Every problem: the file's shape, then Eliza's rules, then Fleek's.
    pub(crate) problems: Vec<Problem>,
    /// Why the file could not be checked at all (unreadable, not JSON).
    pub(crate) unreadable: Option<String>,
    /// The JSON paths of the secrets whose values look live.
    pub(crate) live_secrets: Vec<String>,
}

impl Checked {
    pub(crate) fn of(path: &Path) -> Self {
        match read_json(path) {
            Ok(value) => Self::of_value(value),
            Err(error) => Checked {
                character: None,
                problems: Vec::new(),
                unreadable: Some(error.to_string()),
                live_secrets: Vec::new(),
            },
        }
    }

    /// A character given as JSON. Judged as raw JSON, so that one with a missing field
    /// still has every other problem, Fleek's included, listed in the same pass.
    pub(crate) fn of_value(value: serde_json::Value) -> Self {
        Checked {
            problems: Report::of_json(&value).problems().to_vec(),
            live_secrets: live_secrets(&value),
            character: Character::from_value(value).ok(),
            unreadable: None,
        }
    }

    fn passes(&self, rules: Rules) -> bool {
        self.unreadable.is_none() && self.problems.iter().all(|p| p.rules != rules)
    }

    pub(crate) fn is_ok(&self) -> bool {
        self.unreadable.is_none() && self.problems.is_empty()
    }

    /// The report for people: a verdict per set of rules, then each problem.
    pub(crate) fn report(&self, path: &Path, color: bool) -> String {
        let name = path.display();
        if let Some(reason) = &self.unreadable {
            return format!("{name}: {} {reason}", paint("cannot check:", RED, color));
        }
        let verdict = |rules: Rules, label: &str| {
            let count = self.problems.iter().filter(|p| p.rules == rules).count();
            match count {
                0 => format!("{label} {}", paint("pass", GREEN, color)),
                1 => format!("{label} {}", paint("1 problem", RED, color)),
                n => format!("{label} {}", paint(&format!("{n} problems"), RED, color)),
            }
        };
        let mut out = format!(
            "{name}: {}; {}",
            verdict(Rules::Eliza, "Eliza's rules:"),
            verdict(Rules::Fleek, "Fleek's rules:")
        );
        for problem in &self.problems {
            out.push_str(&format!("\n  - {problem}"));
        }
        for path in &self.live_secrets {
            out.push_str(&format!(
                "\n  - {} {}",
                paint("secret:", YELLOW, color),
                live_secret_message(path)
            ));
        }
        out
    }

    /// Each problem as a GitHub Actions annotation (`::error file=...::...`), so that it shows
    /// on the pull request; printed when `GITHUB_ACTIONS=true`.
    pub(crate) fn annotations(&self, path: &Path, strict: bool) -> Vec<String> {
        let file = escape_property(&path.display().to_string());
        if let Some(reason) = &self.unreadable {
            return vec![format!(
                "::error file={file},title=cannot check::{}",
                escape_data(reason)
            )];
        }
        self.problems
            .iter()
            .map(|p| {
                let title = match p.rules {
                    Rules::Eliza => "Eliza's rules",
                    Rules::Fleek => "Fleek's rules",
                };
                format!(
                    "::error file={file},title={}::{}",
                    escape_property(title),
                    escape_data(&format!("{}: {}", p.path, p.message))
                )
            })
            .chain(self.live_secrets.iter().map(|secret| {
                format!(
                    "::{} file={file},title=live secret::{}",
                    if strict { "error" } else { "warning" },
                    escape_data(&live_secret_message(secret))
                )
            }))
            .collect()
    }

    fn document(&self, path: &Path) -> serde_json::Value {
        json!({
            "file": path.display().to_string(),
            "eliza": self.passes(Rules::Eliza),
            "fleek": self.passes(Rules::Fleek),
            "error": self.unreadable,
            "problems": self.problems,
            "liveSecrets": self.live_secrets,
        })
    }
}

/// What to say of a secret whose value looks live (never the value).
fn live_secret_message(path: &str) -> String {
    let name = path.rsplit('.').next().unwrap_or(path);
    format!(
        "{path} holds what looks like a live secret: keep it out of files people commit; \
         give it when deploying (--secret {name}=env:{name}, or an --env-file)"
    )
}

/// Whether the command runs under GitHub Actions, whose runner turns `::error` lines into
/// annotations on the pull request.
pub(crate) fn on_github_actions() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

/// A workflow command's message, escaped as GitHub's runner expects.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value (`file=`, `title=`), escaped.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Prints the annotations of every file checked to stderr (stdout stays the command's
/// output), under GitHub Actions only.
pub(crate) fn annotate<'a>(
    output: &Output,
    checked: impl IntoIterator<Item = (&'a Path, &'a Checked)>,
    strict: bool,
) {
    if !on_github_actions() {
        return;
    }
    for (path, result) in checked {
        for line in result.annotations(path, strict) {
            output.stderr(&line);
        }
    }
}

pub(crate) fn run(matches: &ArgMatches, output: &Output) -> Result<(), CliError> {
    let files: Vec<&PathBuf> = matches
        .get_many::<PathBuf>("files")
        .map(Iterator::collect)
        .unwrap_or_default();
    let checked: Vec<(&PathBuf, Checked)> =
        files.into_iter().map(|f| (f, Checked::of(f))).collect();
    match output.format {
        Format::Human => {
            for (path, result) in &checked {
                output.line(&result.report(path, output.color))?;
            }
        }
        Format::Json | Format::JsonLines => output.document(&serde_json::Value::Array(
            checked.iter().map(|(p, c)| c.document(p)).collect(),
        ))?,
    }
    let strict = matches.get_flag("strict");
    annotate(
        output,
        checked.iter().map(|(p, c)| (p.as_path(), c)),
        strict,
    );
    let failed = checked
        .iter()
        .filter(|(_, c)| !c.is_ok() || (strict && !c.live_secrets.is_empty()))
        .count();
    if failed == 0 {
        return Ok(());
    }
    if checked.iter().all(|(_, c)| c.is_ok()) {
        return Err(CliError::new(
            Exit::Invalid,
            format!(
                "{failed} of {} character files hold what looks like a live secret (--strict)",
                checked.len()
            ),
        ));
    }
    Err(CliError::new(
        Exit::Invalid,
        format!(
            "{failed} of {} character files cannot be deployed as they are",
            checked.len()
        ),
    ))
}
