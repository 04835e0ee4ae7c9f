//! What `hooks::send` refuses, as types: a [`Refusal`] travels inside a [`Failure`] to
//! `Error::from_failure`, which gives each its own `ErrorKind`; only progenitor's own
//! `send()`, whose error type is progenitor's, turns one into a message.

use std::fmt;

/// Why `hooks::send` refused a request (nothing was sent) or an answer (it is not read).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// No credential the operation's `security` accepts is held; nothing was sent.
    NoCredential(String),
    /// The request was addressed outside the configured API origin; nothing was sent.
    OffOriginRequest { operation: String, origin: String },
    /// The answer came from outside the configured API origin: a supplied HTTP client
    /// followed a redirect there.
    OffOriginAnswer { operation: String, origin: String },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NoCredential(detail) => f.write_str(detail),
            Refusal::OffOriginRequest { operation, origin } => write!(
                f,
                "{operation}: refusing to send the API key to {origin}, which is not the \
                 configured API origin"
            ),
            Refusal::OffOriginAnswer { operation, origin } => write!(
                f,
                "{operation}: the HTTP client followed a redirect to {origin}, outside the \
                 configured API origin; build it with `fleek_api::config::redirect_policy()`"
            ),
        }
    }
}

/// A failed `hooks::send`: refused by this module, or failed as progenitor reports it (`P` is
/// progenitor's `Error<E>`).
#[derive(Debug)]
pub(crate) enum Failure<P> {
    /// Refused here.
    Refused(Refusal),
    /// Failed to build or send.
    Sending(P),
    /// No answer within the whole call's deadline (`ClientBuilder::operation_timeout`),
    /// retries included.
    Deadline(std::time::Duration),
}

impl<E> From<progenitor_client::Error<E>> for Failure<progenitor_client::Error<E>> {
    fn from(error: progenitor_client::Error<E>) -> Self {
        Failure::Sending(error)
    }
}

impl<E> From<reqwest::Error> for Failure<progenitor_client::Error<E>> {
    fn from(error: reqwest::Error) -> Self {
        Failure::Sending(progenitor_client::Error::CommunicationError(error))
    }
}

impl<E> From<reqwest::header::InvalidHeaderValue> for Failure<progenitor_client::Error<E>> {
    fn from(error: reqwest::header::InvalidHeaderValue) -> Self {
        Failure::Sending(error.into())
    }
}

/// For progenitor's own `send()`, whose error type is progenitor's: a refusal becomes its
/// `Custom` error, with the refusal's message. `call()` keeps the refusal typed.
impl<E> From<Failure<progenitor_client::Error<E>>> for progenitor_client::Error<E> {
    fn from(failure: Failure<progenitor_client::Error<E>>) -> Self {
        match failure {
            Failure::Refused(refusal) => progenitor_client::Error::Custom(refusal.to_string()),
            Failure::Deadline(after) => progenitor_client::Error::Custom(deadline(after)),
            Failure::Sending(error) => error,
        }
    }
}

/// What a passed deadline says.
pub(crate) fn deadline(after: std::time::Duration) -> String {
    format!(
        "no answer within the operation timeout of {after:?}, retries included \
         (ClientBuilder::operation_timeout)"
    )
}
