//! Tolerant types: hand-written in place of the ones progenitor would generate from the
//! spec (`fleek_api_gen::REPLACEMENTS` says which and why), so that what Fleek really sends
//! decodes. They need nothing from the generated client, which uses them, but the open
//! enums of `generated_enums` (which need nothing in turn); users find them in
//! [`types`](crate::types), beside the generated ones.

mod agent;

pub use agent::{Agent, SlotNumber};
