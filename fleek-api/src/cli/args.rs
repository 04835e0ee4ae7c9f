//! Arguments several commands share, and reading them back from clap's matches.

use std::time::Duration;

use clap::{Arg, ArgMatches};

use super::exit::CliError;

/// What `<AGENT>` takes, in every command about one agent.
pub(crate) const AGENT_HELP: &str =
    "The agent: its id, or its exact name in the project (`agent list` shows both)";

/// The positional `<AGENT>` every command about one agent takes first: an id, or a name
/// (resolved by `resolve::agent`), completed from the API.
pub(crate) fn agent() -> Arg {
    super::complete::agents(
        Arg::new("agent")
            .value_name("AGENT")
            .required(true)
            .help(AGENT_HELP),
    )
}

/// The value of an operation's subject argument, resolved by the caller (an agent's name
/// made its id), in the type the operation takes.
pub(crate) fn subject<T>(subject: Option<&str>) -> Result<Option<T>, CliError>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    subject
        .map(|text| {
            text.parse::<T>()
                .map_err(|e| CliError::usage(format!("{text:?}: {e}")))
        })
        .transpose()
}

/// A required argument's value. clap refuses a command line without it, so the error is
/// only a net for a command whose definition forgot `required(true)`.
pub(crate) fn required<'m, T: Clone + Send + Sync + 'static>(
    matches: &'m ArgMatches,
    name: &str,
) -> Result<&'m T, CliError> {
    matches
        .get_one::<T>(name)
        .ok_or_else(|| CliError::usage(format!("`{name}` is required")))
}

/// An argument's value as typed, if it was given (or has a default); `None` for an
/// argument the command does not have.
pub(crate) fn raw(matches: &ArgMatches, id: &str) -> Option<String> {
    matches
        .try_get_raw(id)
        .ok()
        .flatten()
        .and_then(|mut values| values.next())
        .map(|value| value.to_string_lossy().into_owned())
}

/// A duration argument's value, or `default` when it was not given.
pub(crate) fn duration_or(matches: &ArgMatches, name: &str, default: Duration) -> Duration {
    matches
        .get_one::<Duration>(name)
        .copied()
        .unwrap_or(default)
}
