//! The integration tests of `fleek-api`, in one binary (each module a domain). Every test
//! runs against a local server on 127.0.0.1; nothing needs the internet or a Fleek account.
//! `tests/env.rs` is separate: it changes the process's environment.

mod common;

mod agent_token;
mod call;
mod character;
mod client;
mod contract;
mod deploy;
mod errors;
mod logs;
mod mock;
mod operations;
mod paging;
mod proxy;
mod requests;
mod retry;
mod shapes;
