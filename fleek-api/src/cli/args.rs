//! Arguments several commands share, and reading them back from clap's matches.

use std::time::Duration;

use clap::{Arg, ArgMatches};

use super::exit::CliError;

/// The positional `<AGENT>` id most commands take.
pub(crate) fn agent(help: &'static str) -> Arg {
    Arg::new("agent")
        .value_name("AGENT")
        .required(true)
        .help(help)
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

/// A duration argument's value, or `default` when it was not given.
pub(crate) fn duration_or(matches: &ArgMatches, name: &str, default: Duration) -> Duration {
    matches
        .get_one::<Duration>(name)
        .copied()
        .unwrap_or(default)
}
