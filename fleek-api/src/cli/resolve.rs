//! What a person typed for an agent, made its id: the library's `lookup`, with its errors
//! as the CLI reports them (an unknown or ambiguous name is a usage error that lists the
//! candidates). Every command about one agent goes through it.

use super::exit::CliError;

/// The id `text` names: itself, or the one agent of that name in `project`.
pub(crate) async fn agent(
    client: &crate::Client,
    text: &str,
    project: Option<&str>,
) -> Result<String, CliError> {
    client
        .find_agent(text, project)
        .await
        .map_err(|error| match error {
            crate::lookup::LookupError::Api(error) => error.into(),
            other => CliError::usage(other.to_string()),
        })
}
