//! The errors: [`Error`] for calls (with [`ErrorKind`], both also at the crate root), and
//! [`BuildError`] for building a client. Local checks have their own errors beside them:
//! [`CharacterError`](crate::character::CharacterError),
//! [`AvatarError`](crate::character::AvatarError), [`PathError`](crate::proxy::PathError).

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use reqwest::StatusCode;

use progenitor_client::ByteStream;

use crate::refusal::{Failure, Refusal};

/// At most this much of an error body is kept (64 KiB); the rest is dropped and
/// [`Error::body_truncated`] says so.
pub const MAX_ERROR_BODY: usize = 64 * 1024;

/// The error of progenitor's own `send()`, before [`Call::call`](crate::Call::call) turns it
/// into an [`Error`]; hidden from the docs with `send()` itself.
#[doc(hidden)]
pub type GeneratedError = progenitor_client::Error<ByteStream>;

/// Why a [`Client`](crate::Client) could not be built. Each message says what to do.
///
/// ```
/// use fleek_api::{error::BuildError, Client};
///
/// let error = Client::builder().api_key("fk_live_1").base_url("ftp://example.com").build();
/// assert!(matches!(error, Err(BuildError::InvalidBaseUrl { .. })));
/// let error = Client::builder().build().map(|_| ()).unwrap_err();
/// assert!(error.to_string().contains("FLEEK_API_KEY"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No API key (and no agent token) was given.
    #[error(
        "no API key was given: create a token in the Fleek web app (Account settings → API \
         tokens) and set FLEEK_API_KEY, or pass it to `ClientBuilder::api_key` (or, to reach \
         one public agent only, pass its token to `ClientBuilder::agent_token`)"
    )]
    MissingApiKey,
    /// The agent token cannot be sent in a header.
    #[error(
        "the agent token is not valid ({0}): copy the agent's publicToken again, without \
         quotes or spaces"
    )]
    InvalidAgentToken(&'static str),
    /// The API key cannot be sent in a header.
    #[error(
        "the API key is not valid ({0}): copy the token again from the Fleek web app, without \
         quotes or spaces"
    )]
    InvalidApiKey(&'static str),
    /// The base URL is not an absolute `http` or `https` URL.
    #[error(
        "the base URL {url:?} is not valid ({reason}): give an absolute http(s) URL without \
         query or fragment, such as https://api.fleek.xyz"
    )]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The TLS configuration could not be set up (the `rustls-ring` feature's platform
    /// certificate verifier).
    #[error("TLS could not be set up: {0}")]
    Tls(String),
    /// A setting of the HTTP client was given beside
    /// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client), which would not
    /// apply it.
    #[error(
        "`ClientBuilder::{setting}` does not apply to a client given with `http_client`: set \
         it on that reqwest::Client instead, and remove it from the ClientBuilder"
    )]
    NotApplied {
        /// The setting: `timeout`, `connect_timeout` or `user_agent`.
        setting: &'static str,
    },
    /// The HTTP client could not be set up (for example, no TLS backend could start).
    #[error("the HTTP client could not be set up: {0}")]
    Http(#[from] reqwest::Error),
}

/// What kind of failure an [`Error`] is; see the example on [`Error`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An argument was refused before anything was sent (an empty id, a proxy path that
    /// would leave the agent's API).
    InvalidArgument,
    /// The server answered with a status that is not success: see [`Error::status`] and
    /// [`Error::body`].
    Status,
    /// The server answered success, but the body did not decode.
    Decode,
    /// No answer came in time.
    Timeout,
    /// The server could not be reached, or the connection broke.
    Connection,
    /// The client holds no credential the operation accepts (an agent-token client calling
    /// an operation that needs the API key); nothing was sent.
    MissingCredentials,
    /// A request or its answer would have crossed to another origin than the configured
    /// API (an HTTP client supplied with [`ClientBuilder::http_client`](crate::ClientBuilder::http_client)
    /// followed a redirect away): the key stays with the API, and such an answer is not
    /// read.
    OffOrigin,
    /// Anything else (a refused redirect, a failure of the supplied HTTP client).
    Other,
}

/// A failed call: which operation, what kind of failure, and everything the server sent.
///
/// Its `Display` says what went wrong and what to do about it. The status, the raw body
/// (up to [`MAX_ERROR_BODY`]) and the body parsed as JSON (when it is JSON) stay available.
///
/// ```
/// # async fn run(client: fleek_api::Client) {
/// use fleek_api::{Call, ErrorKind};
///
/// match client.get_agent().agent_id("cm7b2q3vx0001la08zk4h2mto").call().await {
///     Ok(agent) => println!("{} is {}", agent.name, agent.status),
///     Err(e) if e.status().map(|s| s.as_u16()) == Some(404) => println!("no such agent"),
///     Err(e) if e.kind() == ErrorKind::Timeout => println!("slow network: {e}"),
///     Err(e) => println!("{e}; body: {:?}", e.json()),
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct Error(Box<Details>);

/// Boxed so that `Result<T, Error>` stays one pointer wide on the error side.
#[derive(Debug)]
struct Details {
    operation: Cow<'static, str>,
    /// The task of several calls that failed (`deploy`, `wait_until_running`), when the
    /// error is one; `operation` is then the last spec operation it called.
    task: Option<&'static str>,
    kind: ErrorKind,
    status: Option<StatusCode>,
    body: Option<Bytes>,
    body_truncated: bool,
    json: Option<serde_json::Value>,
    retry_after: Option<Duration>,
    headers: Option<reqwest::header::HeaderMap>,
    detail: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    pub(crate) fn new(
        operation: impl Into<Cow<'static, str>>,
        kind: ErrorKind,
        detail: impl Into<String>,
    ) -> Self {
        Self(Box::new(Details {
            operation: operation.into(),
            task: None,
            kind,
            status: None,
            body: None,
            body_truncated: false,
            json: None,
            retry_after: None,
            headers: None,
            detail: detail.into(),
            source: None,
        }))
    }

    /// Names the task of several calls the error ended (`deploy`, `wait_until_running`).
    pub(crate) fn in_task(mut self, task: &'static str) -> Self {
        self.0.task = Some(task);
        self
    }

    pub(crate) fn with_status(mut self, status: StatusCode) -> Self {
        self.0.status = Some(status);
        self
    }

    /// Keeps the answer's headers, and its `Retry-After` (seconds or an HTTP date) read.
    pub(crate) fn with_headers(mut self, headers: &reqwest::header::HeaderMap) -> Self {
        self.0.retry_after = headers
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(crate::retry::parse_retry_after);
        self.0.headers = Some(headers.clone());
        self
    }

    pub(crate) fn with_body(mut self, body: Bytes, truncated: bool) -> Self {
        crate::trace::body(self.operation(), &body);
        if !truncated && !body.is_empty() {
            self.0.json = serde_json::from_slice(&body).ok();
        }
        self.0.body = Some(body);
        self.0.body_truncated = truncated;
        self
    }

    /// Keeps a body that was read whole, cut at [`MAX_ERROR_BODY`].
    pub(crate) fn with_whole_body(self, body: Bytes) -> Self {
        let truncated = body.len() > MAX_ERROR_BODY;
        let kept = body.slice(..body.len().min(MAX_ERROR_BODY));
        self.with_body(kept, truncated)
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.0.source = Some(Box::new(source));
        self
    }

    /// An error from a failed request that never got an answer.
    pub(crate) fn from_reqwest(operation: impl Into<Cow<'static, str>>, e: reqwest::Error) -> Self {
        let kind = if e.is_timeout() {
            ErrorKind::Timeout
        } else if e.is_connect() || e.is_request() || e.is_body() || e.is_decode() {
            // reqwest reports a body that broke off while being read as a decode error (this
            // crate decodes JSON itself and enables no content encodings).
            ErrorKind::Connection
        } else {
            ErrorKind::Other
        };
        let status = e.status();
        // The URL may carry query parameters a caller would rather not log; the operation
        // names what was called. reqwest drops it from the error itself, source included.
        let e = e.without_url();
        let mut error = Error::new(operation, kind, with_causes(&e)).with_source(e);
        error.0.status = status;
        error
    }

    /// An error answer: its status and (capped) body.
    pub(crate) async fn from_response(
        operation: impl Into<Cow<'static, str>>,
        response: reqwest::Response,
    ) -> Self {
        let status = response.status();
        let retry = Error::new(operation, ErrorKind::Status, "").with_headers(response.headers());
        let (body, truncated) = read_capped(response.bytes_stream(), MAX_ERROR_BODY).await;
        retry.with_status(status).with_body(body, truncated)
    }

    /// A success answer whose body did not decode: its status, headers and (capped) body,
    /// and where in the JSON decoding stopped (`serde_path_to_error`'s path, `.` for the top
    /// level).
    pub(crate) fn undecodable(
        operation: impl Into<Cow<'static, str>>,
        status: StatusCode,
        headers: &reqwest::header::HeaderMap,
        body: Bytes,
        path: &str,
        e: serde_json::Error,
    ) -> Self {
        let at = match path {
            "." => "the top level".to_string(),
            path => format!("`{path}`"),
        };
        Error::new(operation, ErrorKind::Decode, format!("at {at}: {e}"))
            .with_status(status)
            .with_headers(headers)
            .with_whole_body(body)
            .with_source(e)
    }

    /// Turns an error of a generated method into an [`Error`], reading what is left of the
    /// body. `success` is the status a body that fails to decode arrived with, when the caller
    /// knows it (progenitor's error does not keep it). Hidden from the docs with `send()`.
    #[doc(hidden)]
    pub async fn from_generated(
        operation: impl Into<Cow<'static, str>>,
        success: Option<u16>,
        error: GeneratedError,
    ) -> Self {
        Self::from_progenitor(operation, success, error).await
    }

    /// [`Error::from_generated`] for any error body type progenitor generates.
    pub(crate) async fn from_progenitor<E: ErrorBody>(
        operation: impl Into<Cow<'static, str>>,
        success: Option<u16>,
        error: progenitor_client::Error<E>,
    ) -> Self {
        let operation = operation.into();
        match error {
            progenitor_client::Error::InvalidRequest(detail) => {
                Error::new(operation, ErrorKind::InvalidArgument, detail)
            }
            progenitor_client::Error::CommunicationError(e)
            | progenitor_client::Error::ResponseBodyError(e)
            | progenitor_client::Error::InvalidUpgrade(e) => Error::from_reqwest(operation, e),
            progenitor_client::Error::ErrorResponse(response) => {
                let status = response.status();
                let error =
                    Error::new(operation, ErrorKind::Status, "").with_headers(response.headers());
                let (body, truncated) = response.into_inner().into_body().await;
                error.with_status(status).with_body(body, truncated)
            }
            progenitor_client::Error::InvalidResponsePayload(body, e) => {
                let mut error = Error::new(operation, ErrorKind::Decode, e.to_string())
                    .with_whole_body(body)
                    .with_source(e);
                error.0.status = success.and_then(|s| StatusCode::from_u16(s).ok());
                error
            }
            progenitor_client::Error::UnexpectedResponse(response) => {
                let redirect = response.status().is_redirection();
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                let mut error = Error::from_response(operation, response).await;
                if redirect {
                    error.0.kind = ErrorKind::Other;
                    error.0.detail = format!(
                        "a redirect to another origin ({}) was not followed, so that the API \
                         key stays with the configured API; check the base URL",
                        location.as_deref().unwrap_or("no location")
                    );
                }
                error
            }
            // The crate's refusals reach here typed (`from_failure`); a `Custom` error is
            // one that progenitor's `send()` made from a refusal, and says only its message.
            progenitor_client::Error::Custom(detail) => {
                Error::new(operation, ErrorKind::Other, detail)
            }
        }
    }

    /// A request that `hooks::send` refused (its kind is the refusal's), or one that failed
    /// to build or send.
    pub(crate) async fn from_failure<E: ErrorBody>(
        operation: impl Into<Cow<'static, str>>,
        failure: Failure<progenitor_client::Error<E>>,
    ) -> Self {
        match failure {
            Failure::Refused(refusal) => {
                let kind = match refusal {
                    Refusal::NoCredential(_) => ErrorKind::MissingCredentials,
                    Refusal::OffOriginRequest { .. } | Refusal::OffOriginAnswer { .. } => {
                        ErrorKind::OffOrigin
                    }
                };
                Error::new(operation, kind, refusal.to_string())
            }
            Failure::Sending(error) => Error::from_progenitor(operation, None, error).await,
            Failure::Deadline(after) => Error::new(
                operation,
                ErrorKind::Timeout,
                crate::refusal::deadline(after),
            ),
        }
    }

    /// The operation that failed, e.g. `get_agent`: always an `operationId` of the spec (for
    /// a task of several calls, the last it called; see [`task`](Self::task)).
    pub fn operation(&self) -> &str {
        &self.0.operation
    }

    /// The task of several calls this error ended, when it is one: `deploy` (see
    /// [`Deploy`](crate::deploy::Deploy)) or `wait_until_running` (see
    /// [`Wait`](crate::wait::Wait)).
    pub fn task(&self) -> Option<&str> {
        self.0.task
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        self.0.status
    }

    /// The body the server sent, up to [`MAX_ERROR_BODY`] bytes.
    pub fn body(&self) -> Option<&[u8]> {
        self.0.body.as_deref()
    }

    /// Whether the body kept is not the whole body: it was longer than [`MAX_ERROR_BODY`]
    /// and was cut, or the connection broke while it was read.
    pub fn body_truncated(&self) -> bool {
        self.0.body_truncated
    }

    /// How long the server asked to be left alone (its `Retry-After`, in seconds or as an
    /// HTTP date, on a `429` or `503` say), when it said. The crate's own loops (the log
    /// follower, the waits of deploy and `wait_until_running`) wait at least this long
    /// before asking again; callers who loop should too.
    ///
    /// ```
    /// # fn check(error: &fleek_api::Error) {
    /// if let Some(pause) = error.retry_after() {
    ///     println!("asked to wait {pause:?}");
    /// }
    /// # }
    /// ```
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    /// The headers of the answer, when the server answered.
    pub fn headers(&self) -> Option<&reqwest::header::HeaderMap> {
        self.0.headers.as_ref()
    }

    /// The id the server gave the request, for support, when it sent one: the first of the
    /// headers `x-request-id`, `x-amzn-requestid` and `cf-ray` (no source shows which, if
    /// any, Fleek sends).
    ///
    /// ```
    /// # fn report(error: &fleek_api::Error) {
    /// if let Some(id) = error.request_id() {
    ///     eprintln!("quote request id {id} to Fleek's support");
    /// }
    /// # }
    /// ```
    pub fn request_id(&self) -> Option<&str> {
        let headers = self.0.headers.as_ref()?;
        REQUEST_ID_HEADERS
            .iter()
            .find_map(|name| headers.get(*name)?.to_str().ok())
    }

    /// The body parsed as JSON, when it is whole JSON.
    pub fn json(&self) -> Option<&serde_json::Value> {
        self.0.json.as_ref()
    }

    /// Whether the same call may succeed later (a timeout, a connection error, or status
    /// 408, 429, 500, 502, 503 or 504). Idempotent calls were already retried by the
    /// client's [`RetryPolicy`](crate::RetryPolicy) before this error was returned.
    pub fn is_retryable(&self) -> bool {
        match self.0.kind {
            ErrorKind::Timeout | ErrorKind::Connection => true,
            ErrorKind::Status => self.0.status.is_some_and(crate::retry::is_retryable_status),
            _ => false,
        }
    }

    fn advice(&self) -> &'static str {
        match (self.0.kind, self.0.status.map(|s| s.as_u16())) {
            (ErrorKind::Status, Some(401 | 403)) => {
                "the credential was refused: check FLEEK_API_KEY, or create a new token in the \
                 Fleek web app (Account settings → API tokens); an agent token reaches only its \
                 agent's status, public view and proxy"
            }
            // The one 404 whose meaning a source shows (the spec's `NoSubscriptions`).
            (ErrorKind::Status, Some(404)) if self.0.operation == "list_subscriptions" => {
                "the project has no subscription (Fleek's dashboard reads this 404 as an empty \
                 list); otherwise check the project id"
            }
            (ErrorKind::Status, Some(404)) => {
                "not found: check the id (agent, subscription, payment method or project)"
            }
            (ErrorKind::Status, Some(429)) => {
                "too many requests: slow down, or raise the RetryPolicy's delays"
            }
            (ErrorKind::Status, Some(400..=499)) => "the request was refused: the body says why",
            (ErrorKind::Status, Some(500..=599)) => "Fleek failed to answer: try again later",
            (ErrorKind::Status, _) => "unexpected status",
            (ErrorKind::Decode, _) => {
                "the answer did not decode: the API may have changed; the body is kept in the \
                 error"
            }
            // A task's own deadline says what timed out in its detail.
            (ErrorKind::Timeout, _) if self.0.task.is_some() => "",
            (ErrorKind::Timeout, _) => {
                "no answer in time: try again, or raise ClientBuilder::timeout"
            }
            (ErrorKind::Connection, _) => {
                "could not talk to the API: check the network and the base URL"
            }
            (ErrorKind::InvalidArgument, _) => "nothing was sent: fix the argument",
            (ErrorKind::MissingCredentials, _) => "no credential for this operation",
            (ErrorKind::OffOrigin, _) => "the API key stays with the configured API origin",
            (ErrorKind::Other, _) => "",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed", self.0.task.unwrap_or(&self.0.operation))?;
        if let Some(status) = self.0.status {
            write!(f, " ({status})")?;
        }
        let advice = self.advice();
        if !advice.is_empty() {
            write!(f, ": {advice}")?;
        }
        if !self.0.detail.is_empty() {
            write!(f, ": {}", self.0.detail)?;
        }
        if let Some(body) = &self.0.body {
            if !body.is_empty() {
                write!(f, "; body: {}", excerpt(body, 300))?;
            }
        }
        if let Some(id) = self.request_id() {
            write!(f, "; request id {id}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// The headers a request id is read from, in this order.
const REQUEST_ID_HEADERS: [&str; 3] = ["x-request-id", "x-amzn-requestid", "cf-ray"];

/// What is kept of an error response's body, whatever type progenitor gave it: a raw body
/// (`ByteStream`, read up to [`MAX_ERROR_BODY`]), no body (`()`), or a JSON type (written
/// back as JSON; `fleek-api-gen` implements this trait for each such type it generates).
pub(crate) trait ErrorBody: Send {
    /// The body and whether it was cut at [`MAX_ERROR_BODY`].
    fn into_body(self) -> impl Future<Output = (Bytes, bool)> + Send;
}

impl ErrorBody for ByteStream {
    async fn into_body(self) -> (Bytes, bool) {
        read_capped(self.into_inner(), MAX_ERROR_BODY).await
    }
}

impl ErrorBody for () {
    async fn into_body(self) -> (Bytes, bool) {
        (Bytes::new(), false)
    }
}

/// The body of a decoded JSON error, written back as JSON.
// Called by generated code only when an operation's error body is JSON, which no operation
// of the Fleek spec has today.
#[allow(dead_code)]
pub(crate) fn json_error_body<T: serde::Serialize>(value: &T) -> (Bytes, bool) {
    // Serializing a value that was just deserialized does not fail; an empty body is the
    // honest answer if it ever did.
    let mut body = serde_json::to_vec(value).unwrap_or_default();
    let truncated = body.len() > MAX_ERROR_BODY;
    body.truncate(MAX_ERROR_BODY);
    (Bytes::from(body), truncated)
}

/// Reads at most `cap` bytes of a body stream; the flag says whether more was left.
pub(crate) async fn read_capped<S, E>(mut stream: S, cap: usize) -> (Bytes, bool)
where
    S: futures_util::Stream<Item = Result<Bytes, E>> + Unpin,
{
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        // A body cut short by a read error is marked as cut, as one cut at `cap` is: what
        // is kept is not the whole body.
        let Ok(chunk) = chunk else {
            return (Bytes::from(body), true);
        };
        let room = cap - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return (Bytes::from(body), true);
        }
        body.extend_from_slice(&chunk);
    }
    (Bytes::from(body), false)
}

/// The first `max` characters of a body, for messages.
fn excerpt(body: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(max).collect();
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

/// reqwest's message followed by its causes ("error sending request: tcp connect error:
/// Connection refused").
fn with_causes(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(inner) = cause {
        let inner_text = inner.to_string();
        if !text.contains(&inner_text) {
            text.push_str(": ");
            text.push_str(&inner_text);
        }
        cause = inner.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(chunks: Vec<Result<&'static [u8], &'static str>>, cap: usize) -> (Bytes, bool) {
        let stream = futures_util::stream::iter(
            chunks
                .into_iter()
                .map(|chunk| chunk.map(Bytes::from_static)),
        );
        let waker = std::task::Waker::noop();
        let mut context = std::task::Context::from_waker(waker);
        let mut future = std::pin::pin!(read_capped(stream, cap));
        loop {
            if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut context) {
                return output;
            }
        }
    }

    #[test]
    fn a_body_cut_by_a_read_error_is_marked_as_cut() {
        let (body, cut) = read(vec![Ok(b"{\"err"), Err("connection reset")], 100);
        assert_eq!((body.as_ref(), cut), (b"{\"err".as_slice(), true));
    }

    #[test]
    fn a_body_is_cut_at_the_cap_and_kept_whole_below_it() {
        assert_eq!(
            read(vec![Ok(b"abcdef")], 4),
            (Bytes::from_static(b"abcd"), true)
        );
        assert_eq!(
            read(vec![Ok(b"ab"), Ok(b"cd")], 4),
            (Bytes::from_static(b"abcd"), false)
        );
    }
}
