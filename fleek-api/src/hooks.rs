//! The one `ClientHooks` implementation: every request, generated or hand-written, passes
//! through it. It adds the credential, retries, and traces. It reads the spec's tables from
//! the generated code and hands them to the credential and retry rules, which stay pure.

use std::time::Instant;

use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::RETRY_AFTER;
use tracing::Instrument;

use crate::auth::{same_origin, Credentials};
use crate::generated::{Client, IDEMPOTENCY_OVERRIDES, OPERATION_SECURITY};
use crate::retry::{Decision, Outcome, RetryPolicy};

/// What the hand-written layer keeps inside the generated [`Client`]: the credentials, where
/// they may go, and the retry policy. Built by [`ClientBuilder`](crate::ClientBuilder).
#[derive(Clone, Debug)]
pub struct Inner {
    pub(crate) credentials: Credentials,
    /// The configured API base URL: the key goes to its origin and nowhere else.
    pub(crate) base_url: reqwest::Url,
    pub(crate) retry: RetryPolicy,
    /// The CLI's copy of each answer's body (`cli::capture`); `None` for library clients.
    #[cfg(feature = "cli")]
    pub(crate) kept_body: Option<crate::cli::capture::Slot>,
}

impl ClientHooks<Inner> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        // Every URL this crate builds starts with the base URL, so this never refuses a real
        // call; it guarantees that no code path can send the key to another origin.
        if !same_origin(request.url(), &self.inner.base_url) {
            return Err(progenitor_client::Error::InvalidRequest(format!(
                "{}: refusing to send the API key to {}, which is not the configured API origin",
                info.operation_id,
                request.url().origin().ascii_serialization()
            )));
        }
        // The credential the spec's `security` accepts for this operation; none held is an
        // error before anything is sent (`Custom` is this hook's own error).
        self.inner
            .credentials
            .add_to(request.headers_mut(), info.operation_id, OPERATION_SECURITY)
            .map_err(progenitor_client::Error::Custom)
    }

    // Without the `cli` feature, `result` is returned as it was bound.
    #[allow(clippy::let_and_return)]
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let span = tracing::info_span!(
            "fleek_api.request",
            operation = info.operation_id,
            method = %request.method(),
            path = request.url().path(),
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let spec_says = IDEMPOTENCY_OVERRIDES
            .iter()
            .find(|(id, _)| *id == info.operation_id)
            .map(|(_, idempotent)| *idempotent);
        let idempotent = crate::retry::is_idempotent(spec_says, request.method());
        // With no subscriber listening the span is disabled: its fields were never built,
        // and the request runs without entering it on every poll.
        let result = if span.is_disabled() {
            self.send_with_retries(request, idempotent, None).await
        } else {
            let recorded = span.clone();
            self.send_with_retries(request, idempotent, Some(recorded))
                .instrument(span)
                .await
        };
        // `fleek-agents --output json` prints the body as received.
        #[cfg(feature = "cli")]
        let result = match (result, &self.inner.kept_body) {
            (Ok(response), Some(slot)) => crate::cli::capture::keep(slot, response).await,
            (result, _) => result,
        };
        result
    }

    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        // The crate's own HTTP client never follows a redirect to another origin; one
        // supplied with `ClientBuilder::http_client` might have.
        match result {
            Ok(response) if !same_origin(response.url(), &self.inner.base_url) => {
                Err(progenitor_client::Error::Custom(format!(
                    "{}: the HTTP client followed a redirect to {}, outside the configured API \
                     origin; build it with `fleek_api::config::redirect_policy()`",
                    info.operation_id,
                    response.url().origin().ascii_serialization()
                )))
            }
            _ => Ok(()),
        }
    }
}

impl Client {
    /// Sends `request`, again as the retry policy allows, recording the outcome on `span`
    /// when a subscriber listens.
    async fn send_with_retries(
        &self,
        request: reqwest::Request,
        idempotent: bool,
        span: Option<tracing::Span>,
    ) -> reqwest::Result<reqwest::Response> {
        let started = Instant::now();
        let mut request = request;
        let mut attempt = 0;
        loop {
            attempt += 1;
            // A copy for a possible retry (none when no retry is left); a streaming body cannot
            // be copied and is sent once.
            let copy = if attempt < self.inner.retry.max_attempts() {
                request.try_clone()
            } else {
                None
            };
            let attempt_started = Instant::now();
            let result = self.client.execute(request).await;
            let elapsed = attempt_started.elapsed();
            let outcome_status;
            let retry_after;
            let outcome = match &result {
                Ok(response) => {
                    outcome_status = response.status();
                    retry_after = response
                        .headers()
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string);
                    Outcome::Status(outcome_status, retry_after.as_deref())
                }
                Err(e) if e.is_connect() => Outcome::NotConnected,
                Err(_) => Outcome::Failed,
            };
            let decision = self.inner.retry.decide(idempotent, attempt, outcome);
            match &result {
                Ok(response) => tracing::debug!(
                    attempt,
                    status = response.status().as_u16(),
                    elapsed_ms = elapsed.as_millis() as u64,
                    "answered"
                ),
                Err(e) => tracing::debug!(
                    attempt,
                    elapsed_ms = elapsed.as_millis() as u64,
                    error = %e,
                    "failed"
                ),
            }
            if let (Decision::RetryAfter(wait), Some(copy)) = (decision, copy) {
                tracing::info!(attempt, wait_ms = wait.as_millis() as u64, "retrying");
                drop(result);
                tokio::time::sleep(wait).await;
                request = copy;
                continue;
            }
            if let Some(span) = &span {
                span.record("attempt", attempt);
                span.record("duration_ms", started.elapsed().as_millis() as u64);
                if let Ok(response) = &result {
                    span.record("status", response.status().as_u16());
                }
            }
            return result;
        }
    }
}
