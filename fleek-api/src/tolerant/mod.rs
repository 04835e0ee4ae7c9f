//! Tolerant types: hand-written in place of the ones progenitor would generate from the
//! spec (`fleek_api_gen::REPLACEMENTS` says which and why), so that what Fleek really sends
//! decodes. They need nothing from the generated code, which uses them; users find them in
//! [`types`](crate::types), beside the generated ones.

mod agent;
mod status;

pub use agent::{Agent, SlotNumber};
pub(crate) use status::open_enum;
pub use status::{AgentStatus, SubscriptionStatus};
