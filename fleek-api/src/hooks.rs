//! The one path every request takes, generated or hand-written: [`send`] checks the origin,
//! adds the credential, sends with retries inside a tracing span, and checks where the
//! answer came from. The generated operations call it (the generator rewrites progenitor's
//! hook calls into it, and fails if one is left), and so does the proxy. It reads the spec's
//! tables from the generated code and hands them to the credential and retry rules, which
//! stay pure; its refusals are a typed [`Refusal`] (`refusal.rs`).

use std::time::Instant;

use progenitor_client::OperationInfo;
use reqwest::header::RETRY_AFTER;
use tracing::Instrument;

use crate::auth::{same_origin, Credentials};
use crate::generated::{Client, IDEMPOTENCY_OVERRIDES, OPERATION_SECURITY};
use crate::refusal::{Failure, Refusal};
use crate::retry::{Outcome, RetryPolicy};

/// What the hand-written layer keeps inside the generated [`Client`]: the credentials, where
/// they may go, and the retry policy. Built by [`ClientBuilder`](crate::ClientBuilder).
#[derive(Clone, Debug)]
pub struct Inner {
    pub(crate) credentials: Credentials,
    /// The configured API base URL: the key goes to its origin and nowhere else.
    pub(crate) base_url: reqwest::Url,
    pub(crate) retry: RetryPolicy,
    /// The deadline of a whole call, retries included (`ClientBuilder::operation_timeout`).
    pub(crate) operation_timeout: Option<std::time::Duration>,
}

/// Sends `request` for the operation `info` names: origin check, credential, retries,
/// tracing, and the answer's origin.
pub(crate) async fn send<E>(
    client: &Client,
    mut request: reqwest::Request,
    info: &OperationInfo,
) -> Result<reqwest::Response, Failure<progenitor_client::Error<E>>> {
    let inner = &client.inner;
    // Every URL this crate builds starts with the base URL, so this never refuses a real
    // call; it guarantees that no code path can send the key to another origin.
    if !same_origin(request.url(), &inner.base_url) {
        return Err(Failure::Refused(Refusal::OffOriginRequest {
            operation: info.operation_id.to_string(),
            origin: request.url().origin().ascii_serialization(),
        }));
    }
    // The credential the spec's `security` accepts for this operation; none held is a
    // refusal before anything is sent.
    inner
        .credentials
        .add_to(request.headers_mut(), info.operation_id, OPERATION_SECURITY)
        .map_err(|detail| Failure::Refused(Refusal::NoCredential(detail)))?;

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
    // With no subscriber listening the span is disabled: its fields were never built, and
    // the request runs without entering it on every poll.
    let sending = async {
        if span.is_disabled() {
            with_retries(client, request, idempotent, None).await
        } else {
            let recorded = span.clone();
            with_retries(client, request, idempotent, Some(recorded))
                .instrument(span)
                .await
        }
    };
    let response = match inner.operation_timeout {
        Some(deadline) => match tokio::time::timeout(deadline, sending).await {
            Ok(result) => result?,
            Err(_) => return Err(Failure::Deadline(deadline)),
        },
        None => sending.await?,
    };
    // The crate's own HTTP client never follows a redirect to another origin; one supplied
    // with `ClientBuilder::http_client` might have.
    if !same_origin(response.url(), &inner.base_url) {
        return Err(Failure::Refused(Refusal::OffOriginAnswer {
            operation: info.operation_id.to_string(),
            origin: response.url().origin().ascii_serialization(),
        }));
    }
    Ok(response)
}

/// Sends `request` by the retry policy, sleeping on tokio's clock, recording the outcome on
/// `span` when a subscriber listens.
async fn with_retries(
    client: &Client,
    request: reqwest::Request,
    idempotent: bool,
    span: Option<tracing::Span>,
) -> reqwest::Result<reqwest::Response> {
    let started = Instant::now();
    let (result, attempts) = crate::retry::run(
        &client.inner.retry,
        idempotent,
        request,
        // A streaming body cannot be copied and is sent once.
        reqwest::Request::try_clone,
        |request| traced(client, request),
        outcome,
        tokio::time::sleep,
    )
    .await;
    if let Some(span) = &span {
        span.record("attempt", attempts);
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        if let Ok(response) = &result {
            span.record("status", response.status().as_u16());
        }
    }
    result
}

/// One attempt, with its debug event.
async fn traced(client: &Client, request: reqwest::Request) -> reqwest::Result<reqwest::Response> {
    crate::trace::request(&request);
    let started = Instant::now();
    let result = client.client.execute(request).await;
    let elapsed = started.elapsed();
    let elapsed_ms = elapsed.as_millis() as u64;
    match &result {
        Ok(response) => {
            crate::trace::response(response.status(), elapsed, response.headers());
            tracing::debug!(status = response.status().as_u16(), elapsed_ms, "answered")
        }
        Err(e) => {
            crate::trace::failed(elapsed, e);
            tracing::debug!(elapsed_ms, error = %e, "failed")
        }
    }
    result
}

/// What the retry policy needs to know of one attempt's result.
fn outcome(result: &reqwest::Result<reqwest::Response>) -> Outcome<'_> {
    match result {
        Ok(response) => Outcome::Status(
            response.status(),
            response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok()),
        ),
        Err(e) if e.is_connect() => Outcome::NotConnected,
        Err(_) => Outcome::Failed,
    }
}
