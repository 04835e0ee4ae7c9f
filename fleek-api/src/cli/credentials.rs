//! The client `fleek-agents` calls with: the key from `FLEEK_API_KEY` or `--api-key-file`,
//! never from the command line, where every process listing would show it.

use std::path::PathBuf;

use clap::ArgMatches;

use super::exit::CliError;
use crate::config::API_KEY_ENV;
use crate::error::BuildError;
use crate::{Client, ClientBuilder};

/// Where to create a key, in every message about a missing one.
const CREATE_A_KEY: &str = "create one in the Fleek web app, under Account settings → API tokens";

/// A client from the environment and the global flags.
pub(crate) fn client(global: &ArgMatches) -> Result<Client, CliError> {
    let mut builder = ClientBuilder::from_env();
    if let Some(path) = global.get_one::<PathBuf>("api-key-file") {
        let text = std::fs::read_to_string(path).map_err(|e| {
            CliError::usage(format!(
                "cannot read the API key file {}: {e}",
                path.display()
            ))
        })?;
        let key = text.trim();
        if key.is_empty() {
            return Err(CliError::usage(format!(
                "the API key file {} is empty: write the key in it ({CREATE_A_KEY})",
                path.display()
            )));
        }
        builder = builder.api_key(key);
    }
    if let Some(url) = global.get_one::<String>("api-url") {
        builder = builder.base_url(url.as_str());
    }
    builder.build().map_err(|error| match error {
        BuildError::MissingApiKey => CliError::usage(format!(
            "no API key: set {API_KEY_ENV} or pass --api-key-file <path> ({CREATE_A_KEY})"
        )),
        other => CliError::usage(other.to_string()),
    })
}
