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
//! At the root stand the names every user touches: [`Client`], [`ClientBuilder`], [`Call`],
//! [`Error`], [`ErrorKind`], [`RetryPolicy`], and [`types`], every type of the API (the
//! generated ones and the tolerant [`types::Agent`], [`types::AgentStatus`],
//! [`types::SubscriptionStatus`]). The rest lives in modules named for their domain:
//!
//! - [`config`]: the builder's settings, credentials ([`config::ApiKey`],
//!   [`config::AgentToken`]) and the redirect policy that keeps them on the API's origin;
//! - [`error`]: [`Error`] for calls, [`error::BuildError`] for building a client;
//! - [`paging`]: how paged operations (`x-pagination` in the spec) stream with `.stream()`
//!   and `.pages()` on their builders;
//! - [`logs`]: following an agent's logs ([`Client::follow_logs`]);
//! - [`proxy`]: the running agent's own API ([`Client::agent_api`]), with checked paths;
//! - [`character`]: Eliza character files, typed and validated, and avatars;
//! - [`deploy`]: a character to a running agent in one call, with progress events;
//! - `mock` (feature `mock`): typed `httpmock` helpers for your tests;
//! - `sim` (feature `sim`): a stateful simulator of Fleek on 127.0.0.1, for end-to-end tests;
//! - `cli` (feature `cli`): the `fleek-agents` command-line tool.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
// On docs.rs (`--cfg docsrs`, see `[package.metadata.docs.rs]`), every item behind a feature
// is badged with it.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod accessors;
mod auth;
mod call;
pub mod character;
#[cfg(any(feature = "cli", feature = "sim"))]
mod civil;
#[cfg(feature = "cli")]
pub mod cli;
pub mod config;
pub mod deploy;
pub mod error;
#[cfg(feature = "fleet")]
pub mod fleet;
// progenitor orders a `4XX` range before a `401` inside the same match; the range answers
// first either way, so the specific arm is unreachable but harmless. progenitor writes no
// docs for builder setters and builder structs (each operation's method carries the
// operation's description and its parameters'), so `missing_docs` is for the hand-written
// layer only. The file is formatted by the generator (prettyplease), not rustfmt, so that
// `codegen --check` compares bytes.
#[allow(unreachable_patterns, missing_docs)]
#[rustfmt::skip]
mod generated;
mod generated_enums;
mod hooks;
pub mod logs;
pub mod lookup;
#[cfg(feature = "mock")]
pub mod mock;
mod open_enum;
pub mod paging;
mod path;
pub mod proxy;
mod redact;
mod refusal;
mod retry;
#[cfg(feature = "sim")]
pub mod sim;
mod tolerant;
pub mod trace;
pub mod wait;

pub use call::{Call, Raw};
pub use config::ClientBuilder;
// The generated module exports progenitor's error type as `Error` too; the crate's own
// `Error` shadows it, and `error::GeneratedError` names progenitor's.
pub use error::{Error, ErrorKind};
pub use generated::{builder, prelude, types, ByteStream, Client, ClientInfo, ResponseValue};
pub use open_enum::Unknown;
pub use retry::RetryPolicy;

// The READMEs' examples compile as doctests: the crate's (its crates.io page), and the
// repository's, which is not in the package (`fleek_api_workspace` is set by the workspace's
// `.cargo/config.toml`).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct CrateReadmeDoctests;

#[cfg(all(doctest, fleek_api_workspace))]
#[doc = include_str!("../../README.md")]
struct RepositoryReadmeDoctests;

// The guide's chapters with Rust in them (`docs/src/`, not in the package either): each
// block compiles, and runs unless it is marked `no_run` (those call Fleek itself).
#[cfg(all(doctest, fleek_api_workspace))]
#[doc = include_str!("../../docs/src/client.md")]
struct GuideClientDoctests;

#[cfg(all(doctest, fleek_api_workspace))]
#[doc = include_str!("../../docs/src/deploying.md")]
struct GuideDeployingDoctests;

#[cfg(all(doctest, fleek_api_workspace))]
#[doc = include_str!("../../docs/src/testing.md")]
struct GuideTestingDoctests;

#[cfg(all(doctest, fleek_api_workspace))]
#[doc = include_str!("../../docs/src/getting-started.md")]
struct GuideGettingStartedDoctests;
