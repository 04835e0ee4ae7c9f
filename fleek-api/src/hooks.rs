//! The one `ClientHooks` implementation: every generated operation passes through it.

use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::HeaderName;

use crate::auth::{ApiKey, API_KEY_HEADER};
use crate::{Client, Error};

/// What the hand-written layer keeps inside the generated [`Client`].
#[derive(Clone, Debug)]
pub struct Inner {
    pub(crate) api_key: ApiKey,
    /// The configured API base URL: the key goes to its origin and nowhere else.
    pub(crate) base_url: reqwest::Url,
}

impl ClientHooks<Inner> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        // Every generated URL starts with the base URL, so this never refuses a real call;
        // it guarantees that no future code path can send the key to another origin.
        if request.url().origin() != self.inner.base_url.origin() {
            return Err(Error::InvalidRequest(format!(
                "{}: refusing to send the API key to {}, which is not the configured API origin",
                info.operation_id,
                request.url().origin().ascii_serialization()
            )));
        }
        request.headers_mut().insert(
            HeaderName::from_static(API_KEY_HEADER),
            self.inner.api_key.header_value(),
        );
        Ok(())
    }
}
