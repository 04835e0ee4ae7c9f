//! Confirmations before what cannot be taken back or costs money: the operations whose
//! spec entry says what to ask (`x-command`'s `confirm`: delete, stop, cancel, subscribe,
//! change a quantity), and `deploy --agent` over a running agent. On a terminal the command
//! asks, naming what will go; without one it refuses unless `--yes` was given, so that a
//! script never deletes by accident and never hangs on a question.

use std::io::{BufRead, IsTerminal};

use clap::{Arg, ArgAction, ArgMatches, Command};

use super::exit::CliError;
use super::output::Output;

/// `--yes`.
pub(crate) fn yes() -> Arg {
    Arg::new("yes")
        .long("yes")
        .short('y')
        .action(ArgAction::SetTrue)
        .help("Do it without asking (needed when there is no terminal to ask on)")
}

/// The tree with `--yes` on the hand-written commands that ask first (the generated ones
/// get it where they are placed).
pub(crate) fn with_yes(tree: Command) -> Command {
    tree.mut_subcommand("deploy", |sub| sub.arg(yes()))
}

/// The spec's question with its blanks filled: `{}` with `subject`, `{arg}` with that
/// argument's value as typed (`?` when it was not given).
pub(crate) fn question(template: &str, subject: &str, matches: &ArgMatches) -> String {
    let mut text = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        text.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        if name.is_empty() {
            text.push_str(subject);
        } else {
            let value = super::args::raw(matches, name);
            text.push_str(value.as_deref().unwrap_or("?"));
        }
        rest = &rest[open + close + 1..];
    }
    text.push_str(rest);
    text
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
    fn a_question_fills_its_blanks() {
        let command = Command::new("x").arg(Arg::new("update-by").long("update-by"));
        let matches = command.get_matches_from(["x", "--update-by=-2"]);
        assert_eq!(
            question("change {} by {update-by} ({other})", "sub_1", &matches),
            "change sub_1 by -2 (?)"
        );
    }
}
