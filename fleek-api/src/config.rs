//! Building a [`Client`]: the API key, the base URL, and the HTTP client under them.

use reqwest::redirect;

use crate::auth::ApiKey;
use crate::hooks::Inner;
use crate::Client;

/// Where Fleek's API lives.
pub const DEFAULT_BASE_URL: &str = "https://api.fleek.xyz";

/// How many redirects a request follows, all within the API's origin.
const MAX_REDIRECTS: usize = 10;

/// Why a [`Client`] could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No API key was given.
    #[error(
        "no API key was given: create a token in the Fleek web app (Account settings → API \
         tokens) and pass it to `ClientBuilder::api_key`"
    )]
    MissingApiKey,
    /// The API key cannot be sent in a header.
    #[error(
        "the API key is not valid ({0}): copy the token again from the Fleek web app, without \
         quotes or spaces"
    )]
    InvalidApiKey(&'static str),
    /// The base URL is not an absolute `http` or `https` URL.
    #[error(
        "the base URL {url:?} is not valid ({reason}): give an absolute http(s) URL without \
         query or fragment, such as {DEFAULT_BASE_URL}"
    )]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP client could not be set up (for example, no TLS backend could start).
    #[error("the HTTP client could not be set up: {0}")]
    Http(#[from] reqwest::Error),
}

/// Configures and builds a [`Client`].
///
/// ```
/// use fleek_api::ClientInfo as _;
///
/// let client = fleek_api::Client::builder()
///     .api_key("fk_live_0123456789")
///     .base_url("https://api.fleek.xyz")
///     .build()?;
/// assert_eq!(client.baseurl(), "https://api.fleek.xyz");
/// # Ok::<(), fleek_api::BuildError>(())
/// ```
#[derive(Debug, Default, Clone)]
#[must_use]
pub struct ClientBuilder {
    api_key: Option<Result<ApiKey, &'static str>>,
    base_url: Option<String>,
}

impl ClientBuilder {
    /// A builder with no API key and Fleek's production URL.
    pub fn new() -> Self {
        Self::default()
    }

    /// The API token to send in `X-Api-Key`. Required.
    pub fn api_key(mut self, key: impl AsRef<str>) -> Self {
        self.api_key = Some(ApiKey::new(key).map_err(|e| match e {
            BuildError::InvalidApiKey(reason) => reason,
            _ => "not a header value",
        }));
        self
    }

    /// The API's base URL, e.g. a local test server. Defaults to [`DEFAULT_BASE_URL`].
    /// The API key is sent to this URL's origin and nowhere else.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Checks the settings and builds the client.
    ///
    /// # Errors
    /// [`BuildError::MissingApiKey`], [`BuildError::InvalidApiKey`],
    /// [`BuildError::InvalidBaseUrl`], or [`BuildError::Http`] when the HTTP client cannot
    /// start.
    pub fn build(self) -> Result<Client, BuildError> {
        let api_key = match self.api_key {
            None => return Err(BuildError::MissingApiKey),
            Some(key) => key.map_err(BuildError::InvalidApiKey)?,
        };
        let base_url = parse_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let http = reqwest::Client::builder()
            .redirect(same_origin_redirects())
            .build()?;
        // The generated code appends paths that start with `/`.
        let base = base_url.as_str().trim_end_matches('/').to_string();
        Ok(Client::new_with_client(
            &base,
            http,
            Inner { api_key, base_url },
        ))
    }
}

impl Client {
    /// Starts configuring a client; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }
}

fn parse_base_url(url: &str) -> Result<reqwest::Url, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidBaseUrl {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    let parsed = reqwest::Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("it has a query or a fragment"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid("it carries credentials; pass the API key instead"));
    }
    Ok(parsed)
}

/// Follows redirects only within the origin of the request's first URL.
///
/// reqwest strips `Authorization` and cookies when a redirect crosses origins, but not a
/// custom header like `X-Api-Key`; following such a redirect would hand the key to whoever
/// the redirect names. A cross-origin redirect is returned to the caller instead.
fn same_origin_redirects() -> redirect::Policy {
    redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if !same_origin {
            attempt.stop()
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    })
}
