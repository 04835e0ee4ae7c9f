//! The body of an answer, as the server sent it: `--output json` prints the API's JSON
//! unchanged, while the generated client decodes it into typed values.
//!
//! The CLI's client carries a [`Slot`] (in its `Inner`); the client's `exec` hook
//! reads each answer's body whole into it ([`keep`]) and hands the answer on to the decoder
//! as if just received. A client without a slot (every library client) passes answers
//! through untouched: the hook's whole cost is one check of an `Option`.

use std::future::Future;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use reqwest::ResponseBuilderExt as _;

/// Where the client keeps the body of its last answer.
#[derive(Clone, Debug, Default)]
pub(crate) struct Slot(Arc<Mutex<Option<Bytes>>>);

impl Slot {
    fn put(&self, body: Bytes) {
        if let Ok(mut kept) = self.0.lock() {
            *kept = Some(body);
        }
    }

    fn take(&self) -> Option<Bytes> {
        self.0.lock().ok().and_then(|mut kept| kept.take())
    }

    /// Runs `call` and returns its output with the body of the last answer it received.
    pub(crate) async fn around<F: Future>(&self, call: F) -> (F::Output, Option<Bytes>) {
        // A body left by an earlier call is not this call's.
        self.take();
        let output = call.await;
        (output, self.take())
    }
}

/// Reads the body of `response` into `slot`, and returns an answer with the same status,
/// headers, URL and body.
pub(crate) async fn keep(
    slot: &Slot,
    response: reqwest::Response,
) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    let version = response.version();
    let url = response.url().clone();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    slot.put(body.clone());
    let mut rebuilt = http::Response::builder()
        .status(status)
        .version(version)
        .url(url);
    if let Some(map) = rebuilt.headers_mut() {
        *map = headers;
    }
    Ok(match rebuilt.body(body.clone()) {
        Ok(rebuilt) => reqwest::Response::from(rebuilt),
        // The builder fails only on parts given as text; these are typed.
        Err(_) => reqwest::Response::from(http::Response::new(body)),
    })
}
