//! `status` (waiting until the agent runs, each check a progress notification) and
//! `message` (through the library's Eliza proxy; the replies are untrusted text).

use serde_json::json;

use super::{agent_id, timeout, Context, Outcome, Progress};
use crate::cli::mcp::answer::{failure, refusal, structured};
use crate::cli::mcp::args::Args;
use crate::wait::WaitEvent;
use crate::Call as _;

pub(super) async fn status(context: &Context<'_>, mut args: Args) -> Outcome {
    let agent = match agent_id(context, &mut args).await? {
        Ok(id) => id,
        Err(result) => return Ok(result),
    };
    let wait = args.take::<bool>("wait")?.unwrap_or(false);
    let timeout = timeout(&mut args)?;
    args.finish()?;
    if !wait {
        let status = match context
            .client
            .get_agent_status()
            .agent_id(agent.as_str())
            .call()
            .await
        {
            Ok(status) => status,
            Err(error) => return Ok(failure(&error)),
        };
        let lifecycle = match context
            .client
            .get_agent()
            .agent_id(agent.as_str())
            .call()
            .await
        {
            Ok(found) => found.status.as_str().to_string(),
            Err(error) => return Ok(failure(&error)),
        };
        return Ok(structured(
            json!({"agentId": agent, "running": status.is_running(), "status": lifecycle}),
            false,
            "",
        ));
    }
    let mut progress = Progress::new(context.request);
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    let waited = context
        .client
        .wait_until_running(agent.as_str())
        .timeout(timeout)
        .run(move |event| {
            if let WaitEvent::Waiting {
                status, elapsed, ..
            } = event
            {
                let _ = sender.send(format!(
                    "waiting for the agent to run ({}, {} s)",
                    status.as_ref().map_or("status unknown", |s| s.as_str()),
                    elapsed.as_secs()
                ));
            }
        });
    futures_util::pin_mut!(waited);
    let outcome = loop {
        tokio::select! {
            outcome = &mut waited => break outcome,
            Some(message) = receiver.recv() => progress.report(message).await,
            () = context.request.ct.cancelled() => return Ok(refusal("cancelled")),
        }
    };
    Ok(match outcome {
        Ok(WaitEvent::Running { elapsed, .. }) => structured(
            json!({"agentId": agent, "running": true, "status": "running", "seconds": elapsed.as_secs()}),
            false,
            "",
        ),
        Ok(WaitEvent::Failed { .. }) => refusal(format!(
            "agent {agent} failed to start: `logs` with agent {agent} shows why"
        )),
        Ok(_) => refusal("the wait ended without an outcome"),
        Err(error) => failure(&error),
    })
}

pub(super) async fn message(context: &Context<'_>, mut args: Args) -> Outcome {
    let agent = match agent_id(context, &mut args).await? {
        Ok(id) => id,
        Err(result) => return Ok(result),
    };
    let text: String = args.required("text")?;
    let eliza = args.text("elizaAgent")?;
    args.finish()?;
    let api = context.client.agent_api(agent.as_str());
    let eliza = match eliza {
        Some(id) => id,
        None => match api.eliza_agents().await {
            Ok(found) => match found.into_iter().next() {
                Some(first) => first.id,
                None => {
                    return Ok(refusal(
                        "the agent's runtime hosts no Eliza agent to talk to",
                    ))
                }
            },
            Err(error) => return Ok(failure(&error)),
        },
    };
    let replies = match api
        .send_message(&eliza, &crate::proxy::Message::new(text.as_str()))
        .await
    {
        Ok(replies) => replies,
        Err(error) => return Ok(failure(&error)),
    };
    let replies: Vec<String> = replies
        .into_iter()
        .map(|reply| format!("{}: {}", reply.user, reply.text))
        .collect();
    Ok(structured(
        json!(replies.join("\n")),
        true,
        &format!("agent {agent}'s replies"),
    ))
}
