//! The API key: validated once, sent as a sensitive header, never printed.

use std::fmt;

use reqwest::header::HeaderValue;

use crate::config::BuildError;

/// The name of the header that carries the API key.
pub const API_KEY_HEADER: &str = "x-api-key";

/// A Fleek API token, ready to be sent in the `X-Api-Key` header.
///
/// The value is marked sensitive (HTTP/2 never indexes it, and `reqwest` hides it in its own
/// debug output) and this type's `Debug` prints `ApiKey(<redacted>)`: the key cannot leak
/// through logs by accident.
///
/// ```
/// let key = fleek_api::ApiKey::new("fk_live_0123456789")?;
/// assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
/// # Ok::<(), fleek_api::BuildError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(HeaderValue);

impl ApiKey {
    /// Checks `key` and wraps it.
    ///
    /// # Errors
    /// [`BuildError::InvalidApiKey`] when the key is empty, has leading or trailing
    /// whitespace, or holds characters a header cannot carry (anything but visible ASCII).
    pub fn new(key: impl AsRef<str>) -> Result<Self, BuildError> {
        Self::parse(key.as_ref()).map_err(BuildError::InvalidApiKey)
    }

    /// The check behind [`new`](Self::new): the key, or what is wrong with it.
    pub(crate) fn parse(key: &str) -> Result<Self, &'static str> {
        let problem = if key.trim().is_empty() {
            Some("it is empty")
        } else if key.trim() != key {
            Some("it starts or ends with whitespace")
        } else if !key.bytes().all(|b| b.is_ascii_graphic()) {
            Some("it holds characters other than visible ASCII")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(problem);
        }
        let mut value = HeaderValue::from_str(key).map_err(|_| "it is not a header value")?;
        value.set_sensitive(true);
        Ok(Self(value))
    }

    pub(crate) fn header_value(&self) -> HeaderValue {
        self.0.clone()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}
