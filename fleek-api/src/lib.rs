//! A client for [Fleek](https://fleek.xyz)'s AI Agents API: create Eliza agents from character
//! files, publish, start and stop them, read their logs, status and TEE attestation, call into
//! a running agent through the proxy, and manage subscriptions and payment methods.
//!
//! The operations are generated from the OpenAPI document in this repository
//! (`openapi/fleek-api.yaml`); each method's documentation is the operation's description.
//! Every operation is a builder: set its parameters, then [`call()`](Call::call) for the
//! decoded body, or `send()` for progenitor's [`ResponseValue`] with status and headers.
//!
//! ```no_run
//! use fleek_api::Call;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = fleek_api::Client::from_env()?;
//! let page = client.list_agents().size(10).call().await?;
//! for agent in &page.data {
//!     println!("{} {}", agent.name, agent.status);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Around the generated operations sit a small hand-written layer:
//!
//! - [`ClientBuilder`]: key, base URL, timeouts, user agent, [`RetryPolicy`], own HTTP client;
//!   [`Client::from_env`];
//! - [`Error`]: the operation, status, raw body and JSON body of every failure, with advice;
//! - paged operations (`list_agents`, `get_agent_logs`, `list_payment_methods`, as the
//!   spec's `x-pagination` says) have `.stream()` and `.pages()` on their builders;
//!   [`Client::follow_logs`]: tail an agent's logs;
//! - [`Client::agent_api`]: the proxy into a running agent, with checked multi-segment
//!   [`AgentPath`]s and Eliza helpers;
//! - tolerant types: [`Agent`], [`AgentStatus`], [`SubscriptionStatus`];
//! - [`Character`]: Eliza character files, typed, validated ([`Character::validate`]);
//!   [`Client::create_agent_from_character`] and [`Client::deploy`] with progress events;
//! - with the `mock` feature, `fleek_api::mock`: typed `httpmock` helpers for your tests.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod agent;
mod auth;
mod avatar;
mod call;
mod character;
mod config;
mod deploy;
mod error;
mod follow;
// progenitor orders a `4XX` range before a `401` inside the same match; the range answers
// first either way, so the specific arm is unreachable but harmless. progenitor writes no
// docs for builder setters and builder structs (each operation's method carries the
// operation's description and its parameters'), so `missing_docs` is for the hand-written
// layer only. The file is formatted by the generator (prettyplease), not rustfmt, so that
// `codegen --check` compares bytes.
#[allow(unreachable_patterns, missing_docs)]
#[rustfmt::skip]
mod generated;
mod hooks;
#[cfg(feature = "mock")]
pub mod mock;
mod open_enum;
mod paging;
mod proxy;
mod retry;
mod subscription;
mod validate;

pub use agent::Agent;
pub use auth::{AgentToken, ApiKey, AGENT_TOKEN_HEADER, API_KEY_HEADER};
pub use avatar::{Avatar, ImageType, MAX_AVATAR_BYTES};
pub use call::Call;
pub use character::{
    Bio, Character, CharacterError, ClientName, Extra, MessageContent, MessageExample,
    ModelProvider, Settings, Style,
};
pub use config::{
    redirect_policy, BuildError, ClientBuilder, API_KEY_ENV, API_URL_ENV, DEFAULT_BASE_URL,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, USER_AGENT,
};
pub use deploy::{CreateFromCharacter, Deploy, DeployEvent, DEFAULT_DEPLOY_TIMEOUT};
// The generated module exports progenitor's error type as `Error`; the crate's own `Error`
// shadows it, and `GeneratedError` names progenitor's.
pub use error::{Error, ErrorKind, GeneratedError, MAX_ERROR_BODY};
pub use follow::{LogFollower, DEFAULT_FOLLOW_INTERVAL};
pub use generated::*;
pub use hooks::Inner;
pub use open_enum::{AgentStatus, SubscriptionStatus};
pub use paging::cursor_from_url;
pub use proxy::{
    AgentApi, AgentPath, ElizaAgent, ElizaAgentDetails, Message, ProxyResponse, Reply,
};
pub use retry::RetryPolicy;
pub use validate::{Problem, Report, Rules};

// The README's examples compile as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
