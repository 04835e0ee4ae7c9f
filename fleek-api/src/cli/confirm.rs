//! Confirmations before what cannot be taken back: `delete-agent`, `stop-agent`,
//! `cancel-subscription`, and `deploy --agent` over a running agent. On a terminal the
//! command asks, naming what will go; without one it refuses unless `--yes` was given, so
//! that a script never deletes by accident and never hangs on a question.

use std::io::{BufRead, IsTerminal};

use clap::{Arg, ArgAction, ArgMatches, Command};

use super::exit::CliError;
use super::output::Output;

/// The generated commands that ask first, with the argument naming what they act on.
const GENERATED: [(&str, &str, &str); 3] = [
    (
        "delete-agent",
        "agent-id",
        "delete the agent {}, with its logs and settings",
    ),
    ("stop-agent", "agent-id", "stop the agent {}"),
    (
        "cancel-subscription",
        "subscription-id",
        "cancel the subscription {}",
    ),
];

/// `--yes`.
fn yes() -> Arg {
    Arg::new("yes")
        .long("yes")
        .short('y')
        .action(ArgAction::SetTrue)
        .help("Do it without asking (needed when there is no terminal to ask on)")
}

/// The tree with `--yes` on every command that asks first.
pub(crate) fn with_yes(mut tree: Command) -> Command {
    for name in GENERATED.iter().map(|(name, ..)| *name).chain(["deploy"]) {
        tree = tree.mut_subcommand(name, |sub| sub.arg(yes()));
    }
    tree
}

/// What the generated command `name` would take away, when it is one that asks first.
pub(crate) fn what_goes(name: &str, matches: &ArgMatches) -> Option<String> {
    let (_, arg, what) = GENERATED.iter().find(|(command, ..)| *command == name)?;
    let id = matches
        .get_raw(arg)
        .and_then(|mut values| values.next())
        .map(|value| value.to_string_lossy().into_owned())
        .unwrap_or_default();
    Some(what.replace("{}", &id))
}

/// Asks whether to `what` (a sentence starting with a verb) and goes on only on a yes.
pub(crate) fn confirm(what: &str, matches: &ArgMatches, output: &Output) -> Result<(), CliError> {
    if matches.get_flag("yes") {
        return Ok(());
    }
    let terminal = std::io::stdin().is_terminal() && output.streams.err.terminal;
    ask(what, terminal, &mut std::io::stdin().lock(), output)
}

/// [`confirm`] with the terminal and the input given, for tests.
fn ask(
    what: &str,
    terminal: bool,
    input: &mut dyn BufRead,
    output: &Output,
) -> Result<(), CliError> {
    if !terminal {
        return Err(CliError::usage(format!(
            "this would {what}, and there is no terminal to ask on: nothing was done; pass \
             --yes to do it anyway"
        )));
    }
    let mut question = what.to_string();
    if let Some(first) = question.get(..1) {
        question.replace_range(..1, &first.to_uppercase());
    }
    output.prompt(&format!("{question}? [y/N] "));
    let mut answer = String::new();
    input
        .read_line(&mut answer)
        .map_err(|e| CliError::usage(format!("cannot read the answer: {e}")))?;
    match answer.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(CliError::usage(
            "cancelled: nothing was done (the answer was not yes; --yes skips the question)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::output::Format;
    use crate::cli::streams::Streams;

    #[test]
    fn only_a_yes_goes_on_and_the_question_names_what_goes() {
        for (answer, goes) in [
            ("y\n", true),
            ("YES\n", true),
            ("n\n", false),
            ("\n", false),
            ("", false),
        ] {
            let (streams, captured) = Streams::captured(true, false);
            let output = Output::new(Format::Human, streams);
            let result = ask("delete the agent a1", true, &mut answer.as_bytes(), &output);
            assert_eq!(result.is_ok(), goes, "{answer:?}");
            assert_eq!(captured.stderr(), "Delete the agent a1? [y/N] ");
            if let Err(error) = result {
                assert_eq!(error.exit, crate::cli::Exit::Usage);
                assert!(error.message.contains("nothing was done"));
            }
        }
    }

    #[test]
    fn without_a_terminal_nothing_is_asked_and_nothing_done() {
        let (streams, captured) = Streams::captured(false, false);
        let output = Output::new(Format::Human, streams);
        let error =
            ask("stop the agent a1", false, &mut "y\n".as_bytes(), &output).expect_err("refused");
        assert!(error.message.contains("--yes"), "{}", error.message);
        assert!(captured.stderr().is_empty());
    }

    #[test]
    fn every_command_that_asks_exists_and_names_its_argument() {
        let tree = crate::cli::command();
        for (name, arg, _) in GENERATED {
            let command = tree.find_subcommand(name).expect(name);
            assert!(
                command.get_arguments().any(|a| a.get_id() == arg),
                "{name} {arg}"
            );
            assert!(
                command.get_arguments().any(|a| a.get_id() == "yes"),
                "{name}"
            );
        }
    }
}
