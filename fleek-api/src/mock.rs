//! Typed mocks of the API for your own tests (the `mock` feature): an [`httpmock`]
//! `MockServer` learns one method per operation, whose `when` and `then` take the
//! operation's own parameter and body types.
//!
//! ```
//! use fleek_api::mock::MockServerExt;
//! use fleek_api::{types::AgentStatus, Call, Client};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = httpmock::MockServer::start_async().await;
//! let agent: fleek_api::types::Agent = serde_json::from_value(serde_json::json!({
//!     "id": "a1", "projectId": "p1", "name": "Nova", "status": "Running"
//! }))?;
//! let mock = server.get_agent(|when, then| {
//!     when.agent_id(&"a1".parse().expect("a valid id"));
//!     then.ok(&agent);
//! });
//!
//! let client = Client::builder().api_key("test-key").base_url(server.base_url()).build()?;
//! let fetched = client.get_agent().agent_id("a1").call().await?;
//! assert_eq!(fetched.status, AgentStatus::Running);
//! mock.assert_async().await;
//! # Ok(())
//! # }
//! ```
//!
//! The helpers are generated from the spec by `cargo xtask codegen` (progenitor's mock
//! generator), like the client, so they change with it. [`send_example`] sends any operation
//! with the spec's own example parameters and body, for tests that need a realistic request.

#[rustfmt::skip]
#[path = "generated_mock.rs"]
#[allow(missing_docs, clippy::all)]
mod generated;

pub use generated::*;
