//! Eliza character files as a typed value: load, inspect, change, save.
//!
//! Every Fleek agent is an Eliza character file sent as a JSON string; the rules checked here
//! are Eliza 0.1.9's (the framework version of Fleek's guide), whatever version runs it. [`Character`]
//! types the fields Eliza requires and the common optional ones; every other field is kept
//! in [`Character::extra`] (and likewise inside the nested objects), so a file survives a
//! load-then-save round trip with nothing lost.
//!
//! [`Character::validate`] checks Eliza's rules and, separately, Fleek's stricter deploy
//! rules, each problem with its JSON path and how to fix it; an [`Avatar`] is a checked
//! image for the agent. Each local check has its own error: [`CharacterError`],
//! [`AvatarError`], [`SecretError`].
//!
//! Secrets stay out of character files: [`Secrets`] reads each value from its
//! [`SecretSource`] (the environment, a file) or an [`EnvFile`] when a request is built, and
//! [`Secrets::merged_into`] puts them into that request's character only; [`live_secrets`]
//! finds values in a file that look live.

mod avatar;
mod eliza;
mod fleek;
mod load;
mod model;
mod problem;
mod secrets;
mod validate;

// For `fleek-agents validate` and `deploy`.
#[cfg(feature = "cli")]
pub(crate) use eliza::ELIZA_VERSION;
#[cfg(feature = "cli")]
pub(crate) use load::read_json;

pub use avatar::{Avatar, AvatarError, ImageType, MAX_AVATAR_BYTES};
pub use load::CharacterError;
pub use model::{
    Bio, Character, ClientName, Extra, MessageContent, MessageExample, ModelProvider, Plugin,
    PluginObject, Settings, Style,
};
pub use problem::{Problem, Rules};
pub use secrets::{
    is_placeholder, live_secrets, EnvFile, Secret, SecretError, SecretSource, Secrets,
};
pub use validate::Report;
