//! The integration tests of `fleek-api`, in one binary (each module a domain). Every test
//! runs against a local server on 127.0.0.1; nothing needs the internet or a Fleek account.
//! `tests/env.rs` is separate: it changes the process's environment.
//!
//! Two mock servers serve here. The deployment tests (`deploy`) and the tour use the
//! crate's own typed helpers (`fleek_api::mock`, on `httpmock`), as a user's tests would.
//! The wire tests use `wiremock`, because they inspect every request exactly as it arrived
//! (all its headers, its raw body, the order of requests across routes) through its
//! request journal, which `httpmock` (without its recording feature) does not keep.

mod common;

mod action;
mod agent_token;
mod bounded;
mod call;
mod character;
mod cli;
mod client;
mod contract;
mod deploy;
mod eliza_rules;
mod errors;
mod fleet;
mod logs;
mod mock;
mod operations;
mod paging;
mod proxy;
mod requests;
mod retry;
mod schemas;
mod secrets;
mod shapes;
mod sim;
mod statuses;
mod support;
