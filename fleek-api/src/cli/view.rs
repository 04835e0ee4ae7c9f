//! What people read of one thing, as gh's `view` does: `agent view` as a short summary
//! (the API's JSON with `--output json`), and `subscription list` saying that a project has
//! none where Fleek answers 404.

use super::exit::CliError;
use super::output::{Format, Output};
use crate::{Call as _, Client, ErrorKind};

/// `agent view` for people: the fields they look at, one per line; never the agent's
/// `publicToken` or its character file.
pub(crate) async fn agent(client: &Client, id: &str, output: &Output) -> Result<(), CliError> {
    let agent = client.get_agent().agent_id(id).call().await?;
    let yes_no = |value: Option<bool>| match value {
        Some(true) => "yes",
        Some(false) => "no",
        None => "-",
    };
    let dash = |value: Option<&str>| value.unwrap_or("-").to_string();
    let version = match (&agent.framework_name, &agent.framework_version) {
        (Some(name), Some(version)) if !version.starts_with(name.as_str()) => {
            format!("{name} {version}")
        }
        (_, Some(version)) => version.clone(),
        (Some(name), None) => name.clone(),
        (None, None) => "-".to_string(),
    };
    let rows = [
        ("id", agent.id.clone()),
        ("status", agent.status.to_string()),
        ("project", agent.project_id.clone()),
        ("version", version),
        ("host", dash(agent.host.as_deref())),
        ("created", dash(agent.created_at.as_deref())),
        ("updated", dash(agent.updated_at.as_deref())),
        ("public chat", yes_no(agent.public_chat).to_string()),
        ("TEE", yes_no(agent.tee).to_string()),
    ];
    output.line(&agent.name)?;
    for (label, value) in rows {
        output.line(&format!("  {label:<12} {value}"))?;
    }
    Ok(())
}

/// `subscription list`: Fleek's answer, or, where it answers 404 (which its dashboards read
/// as "no subscription"), an empty list: a sentence for people, `[]` for scripts.
pub(crate) async fn subscriptions(
    client: &Client,
    project: &str,
    output: &Output,
) -> Result<(), CliError> {
    let answer = client
        .list_subscriptions()
        .project_id(project)
        .call_raw()
        .await;
    match answer {
        Err(error)
            if error.kind() == ErrorKind::Status
                && error.status().map(|s| s.as_u16()) == Some(404) =>
        {
            match output.format {
                Format::Human => output.line(&format!("No subscriptions in project {project}.")),
                Format::Json => output.line("[]"),
                Format::JsonLines => Ok(()),
            }
        }
        other => output.show(std::future::ready(other)).await,
    }
}
