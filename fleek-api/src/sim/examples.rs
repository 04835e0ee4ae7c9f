//! The spec's example resources, made real ([`super::SimulatorBuilder::examples`]): the
//! agent, project, subscription and card the reference's examples name exist, so that a
//! request copied from the reference works against the simulator as printed.

use serde_json::json;

use super::operations::{save_card, subscribe};
use super::Simulator;
use crate::call::Call as _;
use crate::character::Character;

/// The spec's example project (`ProjectId`'s example).
pub const EXAMPLE_PROJECT: &str = "cm6k5x0qj0003l708b2v1c9ep";
/// The spec's example agent (`AgentId`'s example): Nova, published.
pub const EXAMPLE_AGENT: &str = "cm7b2q3vx0001la08zk4h2mto";
/// The spec's example subscription (`SubscriptionId`'s example).
pub const EXAMPLE_SUBSCRIPTION: &str = "sub_9WgRMUCEFZDhHTzLISMgFEwp";
/// The spec's example payment method (`paymentMethodId`'s example).
pub const EXAMPLE_PAYMENT_METHOD: &str = "pm_IxuwEtErgYZejkQl";
/// The spec's example product.
const EXAMPLE_PRODUCT: &str = "prod_RXPrGVnrVm8Dbg";

fn failed(what: &str, e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(format!("seeding the spec's examples: {what}: {e}"))
}

/// Creates and publishes Nova through the API, as a user would, then gives it, a card and a
/// subscription the spec's example ids.
/// Nothing when a saved state holds them already.
pub(super) async fn seed(sim: &Simulator) -> std::io::Result<()> {
    let seeded = sim
        .shared
        .world
        .lock()
        .map(|world| world.agents.contains_key(EXAMPLE_AGENT))
        .unwrap_or(false);
    if seeded {
        return Ok(());
    }
    let client = sim.client().map_err(|e| failed("a client", e))?;
    let character: Character = serde_json::from_value(json!({
        "name": "Nova", "modelProvider": "openai", "clients": ["direct"], "plugins": [],
        "bio": ["Nova answers questions about hosting on Fleek."], "lore": [],
        "messageExamples": [[{"user": "{{user1}}", "content": {"text": "Hi!"}},
                             {"user": "Nova", "content": {"text": "Hello! How can I help?"}}]],
        "postExamples": [], "topics": ["web hosting"], "adjectives": ["helpful"],
        "style": {"all": ["concise"], "chat": [], "post": []}
    }))
    .map_err(|e| failed("the character", e))?;
    let created = client
        .create_agent_from_character(EXAMPLE_PROJECT, &character)
        .name("Nova")
        .send()
        .await
        .map_err(|e| failed("create_agent", e))?;
    client
        .publish_agent()
        .agent_id(created.id.as_str())
        .call()
        .await
        .map_err(|e| failed("publish_agent", e))?;
    let unix = sim.shared.clock.unix();
    let mut world = sim
        .shared
        .world
        .lock()
        .map_err(|_| failed("the state", "a request panicked"))?;
    if let Some(mut record) = world.agents.remove(&created.id) {
        record.agent.id = EXAMPLE_AGENT.to_string();
        world.agents.insert(EXAMPLE_AGENT.to_string(), record);
    }
    save_card(&mut world, EXAMPLE_PROJECT);
    if let Some(card) = world
        .payment_methods
        .get_mut(EXAMPLE_PROJECT)
        .and_then(|cards| cards.last_mut())
    {
        card["id"] = json!(EXAMPLE_PAYMENT_METHOD);
    }
    let subscription = subscribe(
        &mut world,
        EXAMPLE_PROJECT.to_string(),
        EXAMPLE_PRODUCT,
        1,
        unix,
    );
    let made = subscription["id"].as_str().unwrap_or_default().to_string();
    if let Some(mut record) = world.subscriptions.remove(&made) {
        record.value["id"] = json!(EXAMPLE_SUBSCRIPTION);
        world
            .subscriptions
            .insert(EXAMPLE_SUBSCRIPTION.to_string(), record);
    }
    drop(world);
    sim.clear_requests();
    Ok(())
}
