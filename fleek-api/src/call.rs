//! `call()`: any generated operation, returning its decoded body or an [`Error`].
//!
//! `fleek-api-gen` implements [`Call`] for every operation's builder (in `generated.rs`),
//! choosing one of the functions below by the operation's response type.

use std::future::Future;

use bytes::Bytes;
use futures_util::StreamExt;

use progenitor_client::{ByteStream, ResponseValue};

use crate::error::{Error, ErrorBody};

/// Sends an operation and returns its body, with failures as [`Error`]s.
///
/// `send()` returns progenitor's `ResponseValue` (body, status and headers) and its error
/// type; `call()` returns just the body — JSON decoded, raw bodies as [`Bytes`], nothing for
/// operations without one — and an [`Error`] that names the operation and keeps what the
/// server sent.
///
/// ```no_run
/// # async fn run(client: fleek_api::Client) -> Result<(), fleek_api::Error> {
/// use fleek_api::Call;
/// let plans = client.list_plans().call().await?;
/// let quote = client.get_agent_attestation().agent_id("cm7b2q3vx0001la08zk4h2mto").call().await?;
/// println!("{} plans; attestation of {} bytes", plans.len(), quote.len());
/// # Ok(())
/// # }
/// ```
pub trait Call {
    /// The decoded body.
    type Output;

    /// Sends the request and decodes the answer.
    fn call(self) -> impl Future<Output = Result<Self::Output, Error>> + Send;
}

/// A JSON body.
pub(crate) async fn json<T, E: ErrorBody>(
    operation: &'static str,
    result: Result<ResponseValue<T>, progenitor_client::Error<E>>,
) -> Result<T, Error> {
    match result {
        Ok(value) => Ok(value.into_inner()),
        Err(e) => Err(Error::from_progenitor(operation, None, e).await),
    }
}

/// A JSON success body: an empty one (a `204 No Content`, or any 2xx with nothing in it)
/// reads as `{}`. No source shows which 2xx Fleek answers with, and clients of the API accept
/// any, so an operation whose answer has no required field (a delete) succeeds on an empty
/// body, and one that needs fields fails to decode, keeping the status.
fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::from_slice(b"{}")
    } else {
        serde_json::from_slice(body)
    }
}

/// A 2xx answer's JSON body, decoded as [`parse`] does, as the `ResponseValue` the generated
/// `send()` returns (its success arm calls this for every 2xx).
pub(crate) async fn success<T: serde::de::DeserializeOwned, E>(
    response: reqwest::Response,
) -> Result<ResponseValue<T>, progenitor_client::Error<E>> {
    let status = response.status();
    let headers = response.headers().clone();
    let full = response
        .bytes()
        .await
        .map_err(progenitor_client::Error::ResponseBodyError)?;
    match parse(&full) {
        Ok(inner) => Ok(ResponseValue::new(inner, status, headers)),
        Err(e) => Err(progenitor_client::Error::InvalidResponsePayload(full, e)),
    }
}

/// A JSON body that came with a 2xx status, decoded from its bytes as [`parse`] does (no
/// `ResponseValue`, so no copy of the headers). A failure keeps that status.
pub(crate) async fn decode<T: serde::de::DeserializeOwned>(
    operation: &'static str,
    response: reqwest::Response,
) -> Result<T, Error> {
    let status = response.status().as_u16();
    let failed =
        |e: progenitor_client::Error<()>| Error::from_progenitor(operation, Some(status), e);
    let full = match response.bytes().await {
        Ok(full) => full,
        Err(e) => return Err(failed(progenitor_client::Error::ResponseBodyError(e)).await),
    };
    match parse(&full) {
        Ok(value) => Ok(value),
        Err(e) => Err(failed(progenitor_client::Error::InvalidResponsePayload(full, e)).await),
    }
}

/// No body (any body that came is ignored).
pub(crate) async fn empty<E: ErrorBody>(
    operation: &'static str,
    result: Result<ResponseValue<()>, progenitor_client::Error<E>>,
) -> Result<(), Error> {
    json(operation, result).await
}

/// A raw body, read whole.
pub(crate) async fn bytes<E: ErrorBody>(
    operation: &'static str,
    result: Result<ResponseValue<ByteStream>, progenitor_client::Error<E>>,
) -> Result<Bytes, Error> {
    let value = match result {
        Ok(value) => value,
        Err(e) => return Err(Error::from_progenitor(operation, None, e).await),
    };
    let mut stream = value.into_inner().into_inner();
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| Error::from_reqwest(operation, e))?;
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}
