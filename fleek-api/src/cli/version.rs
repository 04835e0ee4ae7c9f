//! `fleek-agents version` (and `--version`): the tool's version, the commit it was built
//! from where the build says (a release build sets `FLEEK_AGENTS_COMMIT`; a build from
//! crates.io or a checkout does not, and says so), and the version of the spec its
//! commands were generated from.

use clap::Command;

use super::exit::CliError;
use super::output::{Format, Output};
use crate::ClientInfo as _;

/// The commit, when the build set `FLEEK_AGENTS_COMMIT` (no build script reads git: every
/// user of the library would compile one).
const COMMIT: Option<&str> = option_env!("FLEEK_AGENTS_COMMIT");

pub(crate) fn command() -> Command {
    Command::new("version")
        .about("Print the version, the commit and the spec version")
        .long_about(
            "Print the tool's version, the commit it was built from (release builds say; a \
             build from crates.io or a checkout does not know it) and the version of Fleek's \
             API document its commands were generated from. With -o json, one object.",
        )
}

/// The spec's `info.version`.
fn spec_version() -> &'static str {
    crate::Client::api_version()
}

/// `--version`'s text after the name.
pub(crate) fn long() -> String {
    format!(
        "{}\ncommit: {}\nspec: {}",
        env!("CARGO_PKG_VERSION"),
        COMMIT.unwrap_or("unknown (not a release build)"),
        spec_version()
    )
}

pub(crate) fn run(output: &Output) -> Result<(), CliError> {
    match output.format {
        Format::Human => output.line(&format!("{} {}", super::BIN, long())),
        Format::Json | Format::JsonLines => output.document(&serde_json::json!({
            "version": env!("CARGO_PKG_VERSION"),
            "commit": COMMIT,
            "spec": spec_version(),
        })),
    }
}
