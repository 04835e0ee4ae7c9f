//! `call()`: any generated operation, returning its decoded body or an [`Error`].
//!
//! `fleek-api-gen` implements [`Call`] for every operation's builder (in `generated.rs`),
//! choosing one of the functions below by the operation's response type.

use std::future::Future;

use bytes::Bytes;

use progenitor_client::ResponseValue;

use crate::error::{Error, ErrorBody};
use crate::refusal::Failure;

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
///
/// It is implemented for every operation's builder, and sealed: only this crate implements
/// it, so methods can be added to it without breaking anyone.
pub trait Call: sealed::Sealed {
    /// The decoded body.
    type Output;

    /// Sends the request and decodes the answer.
    fn call(self) -> impl Future<Output = Result<Self::Output, Error>> + Send;

    /// Sends the request and returns the success answer as received — status, headers and
    /// body bytes — to decode or not ([`Raw::value`]). A status that is not success is an
    /// [`Error`], as for [`call`](Self::call).
    ///
    /// ```no_run
    /// # async fn run(client: fleek_api::Client) -> Result<(), fleek_api::Error> {
    /// use fleek_api::Call;
    /// let raw = client.list_plans().call_raw().await?;
    /// println!("{} {:?}", raw.status(), raw.headers().get("content-type"));
    /// println!("{}", String::from_utf8_lossy(raw.body()));
    /// let plans = raw.value()?; // decoded from the same bytes
    /// # Ok(())
    /// # }
    /// ```
    fn call_raw(self) -> impl Future<Output = Result<Raw<Self::Output>, Error>> + Send;
}

/// A success answer as received, for [`Call::call_raw`]: its status, headers and body, and
/// the operation's value decoded from them on demand.
pub struct Raw<T> {
    operation: &'static str,
    status: reqwest::StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Bytes,
    decode: Decoder<T>,
}

/// How a [`Raw`] body becomes the operation's value.
pub(crate) type Decoder<T> =
    fn(&'static str, reqwest::StatusCode, &reqwest::header::HeaderMap, &Bytes) -> Result<T, Error>;

impl<T> Raw<T> {
    /// The status (a success).
    pub fn status(&self) -> reqwest::StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.headers
    }

    /// The body, exactly as received.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body decoded as [`call`](Call::call) decodes it.
    ///
    /// # Errors
    /// [`ErrorKind::Decode`](crate::ErrorKind::Decode) when it does not decode, keeping the
    /// status, the headers, the body and the JSON path where decoding stopped.
    pub fn value(&self) -> Result<T, Error> {
        (self.decode)(self.operation, self.status, &self.headers, &self.body)
    }
}

impl<T> std::fmt::Debug for Raw<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Raw")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &self.body)
            .finish()
    }
}

/// What every generated `call_raw()` (and so `call()`) does with what `response()` gave:
/// a success answer read whole with the operation's decoder; any other answer as
/// `answer` (progenitor's match on the spec's statuses) makes it an error; a refusal or a
/// failure to send as [`Error::from_failure`] says.
pub(crate) async fn raw_of<T, V, E, A>(
    operation: &'static str,
    sent: Result<reqwest::Response, Failure<progenitor_client::Error<E>>>,
    answer: impl FnOnce(reqwest::Response) -> A,
    decode: Decoder<T>,
) -> Result<Raw<T>, Error>
where
    E: ErrorBody,
    A: Future<Output = Result<ResponseValue<V>, progenitor_client::Error<E>>>,
{
    match sent {
        Ok(response) if response.status().is_success() => raw(operation, response, decode).await,
        Ok(response) => Err(status_error(operation, answer(response).await).await),
        Err(failure) => Err(Error::from_failure(operation, failure).await),
    }
}

/// A success answer read whole, for [`Call::call_raw`].
pub(crate) async fn raw<T>(
    operation: &'static str,
    mut response: reqwest::Response,
    decode: Decoder<T>,
) -> Result<Raw<T>, Error> {
    let status = response.status();
    // Moved out, not copied: reading the body needs only the stream.
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await.map_err(|e| {
        Error::from_reqwest(operation, e)
            .with_status(status)
            .with_headers(&headers)
    })?;
    crate::trace::body(operation, &body);
    Ok(Raw {
        operation,
        status,
        headers,
        body,
        decode,
    })
}

/// A JSON value, as [`parse`] decodes it.
pub(crate) fn decode_json<T: serde::de::DeserializeOwned>(
    operation: &'static str,
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &Bytes,
) -> Result<T, Error> {
    parse(body)
        .map_err(|e| Error::undecodable(operation, status, headers, body.clone(), &e.path, e.error))
}

/// The body itself.
pub(crate) fn decode_bytes(
    _: &'static str,
    _: reqwest::StatusCode,
    _: &reqwest::header::HeaderMap,
    body: &Bytes,
) -> Result<Bytes, Error> {
    Ok(body.clone())
}

/// Nothing (any body is ignored, as [`empty`] does).
pub(crate) fn decode_empty(
    _: &'static str,
    _: reqwest::StatusCode,
    _: &reqwest::header::HeaderMap,
    _: &Bytes,
) -> Result<(), Error> {
    Ok(())
}

/// The error of an answer whose status is not success (`answer` matched it against the
/// spec's statuses); for [`Call::call_raw`].
pub(crate) async fn status_error<T, E: ErrorBody>(
    operation: &'static str,
    answer: Result<ResponseValue<T>, progenitor_client::Error<E>>,
) -> Error {
    match answer {
        Err(e) => Error::from_progenitor(operation, None, e).await,
        // `answer` makes an error of every status that is not success; were it not to,
        // say so rather than pass a value that was not asked for.
        Ok(value) => Error::new(
            operation,
            crate::ErrorKind::Other,
            format!("status {} was read as a success", value.status()),
        ),
    }
}

/// The seal of [`Call`]: the generator implements `Sealed` beside each `Call` impl.
pub(crate) mod sealed {
    /// Implemented by the operations' builders only.
    pub trait Sealed {}
}

/// A JSON success body: an empty one (a `204 No Content`, or any 2xx with nothing in it)
/// reads as `{}`. No source shows which 2xx Fleek answers with, and clients of the API accept
/// any, so an operation whose answer has no required field (a delete) succeeds on an empty
/// body, and one that needs fields fails to decode, keeping the status. A failure names the
/// JSON path where decoding stopped.
fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Undecodable> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    // The plain parse first: tracking the path costs on every value (a 1,000-entry page
    // decodes 1.7× slower with it), and is needed only to say where a failure is.
    serde_json::from_slice(body).map_err(|error| Undecodable {
        path: path_of::<T>(body),
        error,
    })
}

/// Where decoding `body` as `T` stops (`.` for the top level: trailing characters, or
/// nothing found).
fn path_of<T: serde::de::DeserializeOwned>(body: &[u8]) -> String {
    let mut json = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut json) {
        Err(e) => e.path().to_string(),
        Ok(_) => ".".into(),
    }
}

/// Why a body did not decode: where (`serde_path_to_error`'s path, `.` for the top level)
/// and what the parser said.
#[derive(Debug)]
pub(crate) struct Undecodable {
    pub(crate) path: String,
    pub(crate) error: serde_json::Error,
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
        Err(e) => Err(progenitor_client::Error::InvalidResponsePayload(
            full, e.error,
        )),
    }
}
