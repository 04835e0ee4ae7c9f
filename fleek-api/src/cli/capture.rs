//! The body of the last answer, as the server sent it: `--output json` prints the API's
//! JSON unchanged, while the generated client decodes it into typed values.
//!
//! A call run inside [`scope`] has its answer's body read whole by the client's `exec` hook
//! ([`keep`]), copied here, and handed on to the decoder as if just received. Outside a scope
//! (every library call), [`keep`] passes the answer through untouched.

use std::cell::RefCell;
use std::future::Future;

use bytes::Bytes;
use reqwest::ResponseBuilderExt as _;

tokio::task_local! {
    static BODY: RefCell<Option<Bytes>>;
}

/// Runs `call`, and returns its output with the body of the last answer it received.
pub(crate) async fn scope<F: Future>(call: F) -> (F::Output, Option<Bytes>) {
    BODY.scope(RefCell::new(None), async {
        let output = call.await;
        let body = BODY
            .try_with(|body| body.borrow_mut().take())
            .ok()
            .flatten();
        (output, body)
    })
    .await
}

/// Inside a [`scope`]: reads the body of `response`, keeps a copy, and returns an answer with
/// the same status, headers, URL and body. Outside one: `response` unchanged.
pub(crate) async fn keep(response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
    if BODY.try_with(|_| ()).is_err() {
        return Ok(response);
    }
    let status = response.status();
    let version = response.version();
    let url = response.url().clone();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    // Still inside the scope checked above (this runs within the scoped call).
    let _ = BODY.try_with(|kept| *kept.borrow_mut() = Some(body.clone()));
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
