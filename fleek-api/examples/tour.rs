//! A tour of the whole API: `cargo run -p fleek-api --example tour`.
//!
//! Without `FLEEK_API_KEY` it starts the crate's simulator of Fleek on 127.0.0.1
//! (`fleek_api::sim`), says so, and walks every step: create an agent from a character
//! file, publish it and watch it go from `Created` through `Pending` to `Running`, read its
//! status and logs, send it a message through the proxy, stop, start and delete it; then
//! framework versions, plans, subscriptions and payment methods, and a subscription through
//! checkout for a project without a card.
//!
//! With `FLEEK_API_KEY` set it talks to the real API (or `FLEEK_API_URL`) and runs only the
//! calls that read, unless you pass `--write`: then it also creates, publishes, starts,
//! stops and deletes an agent, which may cost money. Steps that need a project read
//! `FLEEK_PROJECT_ID`.

use std::time::{Duration, Instant};

use fleek_api::sim::Simulator;
use fleek_api::{character::Character, deploy::DeployEvent, proxy::Message, Call, Client};
use futures_util::TryStreamExt;

type Failure = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match tour().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nThe tour stopped: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn tour() -> Result<(), Failure> {
    let write = std::env::args().any(|a| a == "--write");
    let (client, project, _server, writes) = match std::env::var("FLEEK_API_KEY") {
        Ok(_) => {
            let client = Client::from_env()?;
            println!(
                "Using the real API at {} (FLEEK_API_KEY is set).",
                base(&client)
            );
            if !write {
                println!("Read-only: pass --write to also create, run and delete an agent.");
            }
            let project = std::env::var("FLEEK_PROJECT_ID").ok();
            (client, project, None, write)
        }
        Err(_) => {
            let sim = Simulator::builder()
                .boot_time(Duration::from_secs(2))
                .start()
                .await?;
            println!(
                "FLEEK_API_KEY is not set: running against the crate's simulator of Fleek at \
                 {} (agents boot in 2 s there). Nothing leaves this machine.",
                sim.base_url()
            );
            let client = sim.client()?;
            (client, Some(PROJECT.to_string()), Some(sim), true)
        }
    };
    println!();

    if writes {
        match &project {
            Some(project) => agent_lifecycle(&client, project).await?,
            None => println!("(skipping the agent steps: set FLEEK_PROJECT_ID)"),
        }
    }
    read_only(&client, project.as_deref()).await?;
    if let (true, Some(project)) = (writes, &project) {
        subscribe(&client, project).await?;
    }
    println!("\nTour complete.");
    Ok(())
}

fn base(client: &Client) -> String {
    use fleek_api::ClientInfo;
    client.baseurl().to_string()
}

/// Runs one step, printing what it did, its result and its timing.
async fn step<T, F>(name: &str, f: F) -> Result<T, Failure>
where
    F: std::future::Future<Output = Result<(T, String), fleek_api::Error>>,
{
    let started = Instant::now();
    match f.await {
        Ok((value, summary)) => {
            println!("✓ {name:<28} {:>6.0?}  {summary}", started.elapsed());
            Ok(value)
        }
        Err(e) => {
            println!("✗ {name:<28} {:>6.0?}  {e}", started.elapsed());
            Err(e.into())
        }
    }
}

async fn agent_lifecycle(client: &Client, project: &str) -> Result<(), Failure> {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/nova.character.json");
    let character = Character::from_path(file)?;
    println!(
        "Character {:?} from {file}: {}",
        character.name,
        character.validate()
    );

    let mut agent_id = String::new();
    let started = Instant::now();
    let outcome = client
        .deploy(project, &character)
        .poll_interval(Duration::from_millis(300), Duration::from_secs(5))
        .run(|event| match event {
            DeployEvent::Drafted { agent, .. } => {
                agent_id = agent.id.clone();
                println!(
                    "✓ {:<28} {:>6.0?}  draft {} ({})",
                    "create_agent",
                    started.elapsed(),
                    agent.id,
                    agent.status
                );
            }
            DeployEvent::Published { agent } => {
                println!(
                    "✓ {:<28} {:>6.0?}  status {}",
                    "publish_agent",
                    started.elapsed(),
                    agent.status
                )
            }
            DeployEvent::Waiting {
                elapsed, status, ..
            } => println!(
                "… {:<28} {:>6.0?}  not running yet ({})",
                "get_agent_status",
                elapsed,
                status
                    .as_ref()
                    .map_or("unknown".to_string(), ToString::to_string)
            ),
            DeployEvent::Running { elapsed, .. } => {
                println!("✓ {:<28} {:>6.0?}  running", "deploy", elapsed)
            }
            other => println!("  {other:?}"),
        })
        .await;
    let agent_id = match outcome {
        Ok(id) => id,
        Err(e) => {
            println!("✗ deploy: {e}");
            return Err(e.into());
        }
    };

    step("get_agent_status", async {
        let status = client
            .get_agent_status()
            .agent_id(agent_id.as_str())
            .call()
            .await?;
        Ok(((), format!("running: {}", status.is_running())))
    })
    .await?;
    step("get_agent", async {
        let agent = client
            .get_agent()
            .agent_id(agent_id.as_str())
            .call()
            .await?;
        Ok((
            (),
            format!(
                "{} is {} on {}",
                agent.name,
                agent.status,
                agent.host.unwrap_or_default()
            ),
        ))
    })
    .await?;
    step("get_agent_logs().stream()", async {
        let entries: Vec<_> = client
            .get_agent_logs()
            .agent_id(agent_id.as_str())
            .size(30)
            .stream()
            .try_collect()
            .await?;
        let last = entries
            .last()
            .map(|e| e.message.trim().to_string())
            .unwrap_or_default();
        Ok(((), format!("{} entries; last: {last:?}", entries.len())))
    })
    .await?;
    let api = client.agent_api(agent_id.as_str());
    let eliza = step("proxy: GET agents", async {
        let agents = api.eliza_agents().await?;
        let first = agents.first().map(|a| a.id.clone()).unwrap_or_default();
        Ok((first, format!("{} Eliza agent(s)", agents.len())))
    })
    .await?;
    step("proxy: POST {id}/message", async {
        let replies = api
            .send_message(&eliza, &Message::new("What can you do?"))
            .await?;
        let text = replies
            .first()
            .map(|r| format!("{}: {}", r.user, r.text))
            .unwrap_or_default();
        Ok(((), text))
    })
    .await?;
    step("stop_agent", async {
        client
            .stop_agent()
            .agent_id(agent_id.as_str())
            .call()
            .await?;
        Ok(((), "stopped".to_string()))
    })
    .await?;
    step("start_agent", async {
        client
            .start_agent()
            .agent_id(agent_id.as_str())
            .call()
            .await?;
        Ok(((), "started again".to_string()))
    })
    .await?;
    step("delete_agent", async {
        let deleted = client
            .delete_agent()
            .agent_id(agent_id.as_str())
            .call()
            .await?;
        Ok(((), deleted.message.unwrap_or_else(|| "deleted".to_string())))
    })
    .await?;
    Ok(())
}

/// Subscribes a project to the first plan: through a hosted checkout page when it has no
/// saved card (`create_subscription` needs one). With a card the tour stops short of
/// subscribing, which would charge it.
async fn subscribe(client: &Client, project: &str) -> Result<(), Failure> {
    let plans = client.list_plans().call().await?;
    let Some(plan) = plans.first() else {
        println!("(no plan to subscribe to)");
        return Ok(());
    };
    if !saved_cards(client, project).await?.is_empty() {
        println!(
            "(the project has a saved card: create_subscription would subscribe it to {} \
             directly and charge it, so the tour stops here)",
            plan.name
        );
        return Ok(());
    }
    step("create_checkout_session", async {
        let session = client
            .create_checkout_session()
            .body(
                fleek_api::types::CheckoutRequest::builder()
                    .project_id(project)
                    .product(Some(fleek_api::types::SubscriptionProduct {
                        id: plan.id.clone(),
                        quantity: std::num::NonZeroU32::MIN,
                    })),
            )
            .call()
            .await?;
        Ok((
            (),
            format!("no saved card: pay for {} at {}", plan.name, session.url),
        ))
    })
    .await?;
    Ok(())
}

/// Every saved payment method of the project, all pages.
async fn saved_cards(
    client: &Client,
    project: &str,
) -> Result<Vec<fleek_api::types::PaymentMethod>, fleek_api::Error> {
    client
        .list_payment_methods()
        .project_id(project)
        .stream()
        .try_collect()
        .await
}

async fn read_only(client: &Client, project: Option<&str>) -> Result<(), Failure> {
    step("list_framework_versions", async {
        let framework = client.list_framework_versions().call().await?;
        Ok(((), framework.versions.join(", ")))
    })
    .await?;
    step("list_agents().stream()", async {
        let agents: Vec<_> = client.list_agents().size(25).stream().try_collect().await?;
        Ok(((), format!("{} agent(s)", agents.len())))
    })
    .await?;
    step("list_plans", async {
        let plans = client.list_plans().call().await?;
        let text: Vec<_> = plans
            .iter()
            .map(|p| format!("{} ({:.2} USD)", p.name, p.price as f64 / 100.0))
            .collect();
        Ok(((), text.join(", ")))
    })
    .await?;
    let Some(project) = project else {
        println!("(skipping subscriptions and payment methods: set FLEEK_PROJECT_ID)");
        return Ok(());
    };
    step("list_subscriptions", async {
        // A project without a subscription is a 404, which Fleek's dashboard reads as none.
        let list = match client.list_subscriptions().project_id(project).call().await {
            Err(e) if e.status().map(|s| s.as_u16()) == Some(404) => {
                return Ok(((), "none (404)".to_string()));
            }
            other => other?,
        };
        let subscriptions = match list {
            fleek_api::types::SubscriptionList::Array(all) => all,
            fleek_api::types::SubscriptionList::Subscription(one) => vec![one],
        };
        let text: Vec<_> = subscriptions
            .iter()
            .map(|s| format!("{} {}", s.id, s.status))
            .collect();
        Ok(((), text.join(", ")))
    })
    .await?;
    step("list_payment_methods().stream()", async {
        let cards = saved_cards(client, project).await?;
        let text: Vec<_> = cards
            .iter()
            .map(|c| {
                format!(
                    "{} …{}",
                    c.brand.clone().unwrap_or_default(),
                    c.last4.clone().unwrap_or_default()
                )
            })
            .collect();
        if text.is_empty() {
            return Ok(((), "no saved card".to_string()));
        }
        Ok(((), text.join(", ")))
    })
    .await?;
    Ok(())
}

const PROJECT: &str = "cm6k5x0qj0003l708b2v1c9ep";
