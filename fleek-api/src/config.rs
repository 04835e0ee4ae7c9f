//! Building a [`Client`]: the credentials, the base URL, timeouts, retries, and the HTTP
//! client under them.
//!
//! [`ClientBuilder`] and [`RetryPolicy`] also stand at the crate root.

use std::time::Duration;

use crate::auth::Credentials;
use crate::error::BuildError;
use crate::generated::Client;
use crate::hooks::Inner;

pub use crate::auth::{redirect_policy, AgentToken, ApiKey, AGENT_TOKEN_HEADER, API_KEY_HEADER};
pub use crate::retry::RetryPolicy;

/// Where Fleek's API lives.
pub const DEFAULT_BASE_URL: &str = "https://api.fleek.xyz";

/// The environment variable [`Client::from_env`] reads the API key from.
pub const API_KEY_ENV: &str = "FLEEK_API_KEY";

/// The environment variable [`Client::from_env`] reads the base URL from, when set.
pub const API_URL_ENV: &str = "FLEEK_API_URL";

/// How long opening a connection may take, by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long one attempt of a request may take in all (connect, send, answer, body), by
/// default. Retries each get this much again.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The `User-Agent` every request carries unless [`ClientBuilder::user_agent`] changes it.
pub const USER_AGENT: &str = concat!("fleek-api/", env!("CARGO_PKG_VERSION"));

/// Configures and builds a [`Client`].
///
/// Defaults: Fleek's production URL ([`DEFAULT_BASE_URL`]), a connect timeout of 10 s
/// ([`DEFAULT_CONNECT_TIMEOUT`]), 30 s for each attempt in all ([`DEFAULT_TIMEOUT`]), the
/// user agent `fleek-api/<version>`, the default [`RetryPolicy`], TLS through rustls (or
/// the platform's TLS with the `native-tls` feature), and redirects followed only within the
/// API's origin.
///
/// ```
/// use std::time::Duration;
/// use fleek_api::{ClientInfo as _, RetryPolicy};
///
/// let client = fleek_api::Client::builder()
///     .api_key("fk_live_0123456789")
///     .base_url("https://api.fleek.xyz")
///     .timeout(Duration::from_secs(60))
///     .retry(RetryPolicy::default().with_max_attempts(5))
///     .build()?;
/// assert_eq!(client.baseurl(), "https://api.fleek.xyz");
/// assert_eq!(client.retry_policy().max_attempts(), 5);
/// # Ok::<(), fleek_api::error::BuildError>(())
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct ClientBuilder {
    api_key: Option<Result<ApiKey, &'static str>>,
    agent_token: Option<Result<AgentToken, &'static str>>,
    base_url: Option<String>,
    // `None` until set, so that `build` can refuse one set beside `http_client`, where it
    // would not apply.
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
    operation_timeout: Option<Duration>,
    retry: RetryPolicy,
    http_client: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// A builder with no API key and the defaults above.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder with the API key from `FLEEK_API_KEY` and, when `FLEEK_API_URL` is set,
    /// the base URL from it. A missing key is reported by [`build`](Self::build).
    pub fn from_env() -> Self {
        let mut builder = Self::new();
        match std::env::var(API_KEY_ENV) {
            Ok(key) => builder = builder.api_key(key),
            Err(std::env::VarError::NotUnicode(_)) => {
                builder.api_key = Some(Err("FLEEK_API_KEY is not valid UTF-8"));
            }
            Err(std::env::VarError::NotPresent) => {}
        }
        if let Some(url) = std::env::var_os(API_URL_ENV) {
            builder = builder.base_url(url.to_string_lossy());
        }
        builder
    }

    /// The API token to send in `X-Api-Key`. Required, unless the client is to reach one
    /// public agent only with its [`agent_token`](Self::agent_token).
    pub fn api_key(mut self, key: impl AsRef<str>) -> Self {
        self.api_key = Some(ApiKey::parse(key.as_ref()));
        self
    }

    /// An agent's `publicToken`, sent in `X-Agent-Token` to the operations whose spec
    /// accepts it ([`AgentToken`]: `get_public_agent`, `get_agent_status` and the proxy).
    /// A client with only this token refuses every other operation before sending; with an
    /// API key too, the key is preferred wherever it is accepted.
    ///
    /// ```
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use fleek_api::{Call, Client, ErrorKind};
    ///
    /// let client = Client::builder().agent_token("pt_5f1c2e9a7b").build()?;
    /// let agent = "cm7b2q3vx0001la08zk4h2mto";
    /// let running = client.get_agent_status().agent_id(agent).call().await?.is_running();
    /// let refused = client.get_agent().agent_id(agent).call().await.unwrap_err();
    /// assert_eq!(refused.kind(), ErrorKind::MissingCredentials);
    /// # let _ = running;
    /// # Ok(())
    /// # }
    /// ```
    pub fn agent_token(mut self, token: impl AsRef<str>) -> Self {
        self.agent_token = Some(AgentToken::parse(token.as_ref()));
        self
    }

    /// The API's base URL, e.g. a local test server. Defaults to [`DEFAULT_BASE_URL`].
    /// The API key is sent to this URL's origin and nowhere else.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// How long opening a connection may take; [`DEFAULT_CONNECT_TIMEOUT`] by default.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long one attempt of a request may take in all, body included;
    /// [`DEFAULT_TIMEOUT`] by default. Each retry gets this much again: see
    /// [`operation_timeout`](Self::operation_timeout) for a deadline on the whole call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How long a whole call may take, every attempt and every wait between them included;
    /// none by default (the per-attempt [`timeout`](Self::timeout) and the
    /// [`RetryPolicy`] bound it). A call that passes it fails with
    /// [`ErrorKind::Timeout`](crate::ErrorKind::Timeout). It applies with a supplied
    /// [`http_client`](Self::http_client) too.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let client = fleek_api::Client::builder()
    ///     .api_key("fk_live_0123456789")
    ///     .timeout(Duration::from_secs(10))
    ///     .operation_timeout(Duration::from_secs(25))
    ///     .build()?;
    /// # Ok::<(), fleek_api::error::BuildError>(())
    /// ```
    pub fn operation_timeout(mut self, deadline: Duration) -> Self {
        self.operation_timeout = Some(deadline);
        self
    }

    /// The `User-Agent` header; `fleek-api/<version>` ([`USER_AGENT`]) by default.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// How failed requests are retried; [`RetryPolicy::none`] switches retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Uses this HTTP client instead of building one: for proxies, custom TLS roots,
    /// connection pools shared with other code. Set the timeouts and the user agent on
    /// `client`: [`build`](Self::build) refuses [`timeout`](Self::timeout),
    /// [`connect_timeout`](Self::connect_timeout) and [`user_agent`](Self::user_agent) beside
    /// it, which it could not apply ([`operation_timeout`](Self::operation_timeout) applies).
    ///
    /// Build `client` with `.redirect(fleek_api::config::redirect_policy())`: a client that follows
    /// redirects to other origins would hand them the API key. A response that arrives from
    /// another origin anyway is turned into an error.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Checks the settings and builds the client.
    ///
    /// # Errors
    /// [`BuildError::MissingApiKey`] (neither a key nor an agent token),
    /// [`BuildError::InvalidApiKey`], [`BuildError::InvalidAgentToken`],
    /// [`BuildError::InvalidBaseUrl`], [`BuildError::NotApplied`] (a setting of the HTTP
    /// client beside [`http_client`](Self::http_client)), or [`BuildError::Http`] when the
    /// HTTP client cannot start.
    pub fn build(self) -> Result<Client, BuildError> {
        let api_key = self
            .api_key
            .transpose()
            .map_err(BuildError::InvalidApiKey)?;
        let agent_token = self
            .agent_token
            .transpose()
            .map_err(BuildError::InvalidAgentToken)?;
        if api_key.is_none() && agent_token.is_none() {
            return Err(BuildError::MissingApiKey);
        }
        let base_url = parse_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let http = match self.http_client {
            Some(client) => {
                let set = [
                    ("timeout", self.timeout.is_some()),
                    ("connect_timeout", self.connect_timeout.is_some()),
                    ("user_agent", self.user_agent.is_some()),
                ];
                if let Some((setting, _)) = set.iter().find(|(_, set)| *set) {
                    return Err(BuildError::NotApplied { setting });
                }
                client
            }
            None => {
                let builder = reqwest::Client::builder()
                    .redirect(redirect_policy())
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                    .user_agent(self.user_agent.unwrap_or_else(|| USER_AGENT.to_string()));
                // With `rustls-ring` reqwest has no crypto provider of its own: this client
                // gets ring, and nothing process-wide is installed.
                #[cfg(feature = "rustls-ring")]
                let builder = builder.tls_backend_preconfigured(ring_tls()?);
                builder.build()?
            }
        };
        // The generated code appends paths that start with `/`.
        let base = base_url.as_str().trim_end_matches('/').to_string();
        Ok(Client::new_with_client(
            &base,
            http,
            Inner {
                credentials: Credentials {
                    api_key,
                    agent_token,
                },
                base_url,
                retry: self.retry,
                operation_timeout: self.operation_timeout,
            },
        ))
    }
}

impl Client {
    /// Starts configuring a client; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from the environment: the API key from `FLEEK_API_KEY`
    /// (required) and the base URL from `FLEEK_API_URL` (optional).
    ///
    /// # Errors
    /// [`BuildError::MissingApiKey`] when `FLEEK_API_KEY` is not set,
    /// [`BuildError::InvalidApiKey`] when it is empty or not a valid header value, and
    /// [`BuildError::InvalidBaseUrl`] for a bad `FLEEK_API_URL`.
    pub fn from_env() -> Result<Self, BuildError> {
        ClientBuilder::from_env().build()
    }

    /// The retry policy this client applies.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Whether this client holds a credential that `operation` (an operationId of the
    /// spec) accepts, so that calling it will not be refused before anything is sent. A
    /// client with only an agent token can call `get_agent_status`, `get_public_agent` and
    /// the proxy, and nothing else. An operation the spec does not have needs none.
    ///
    /// ```
    /// # fn main() -> Result<(), fleek_api::error::BuildError> {
    /// let client = fleek_api::Client::builder().agent_token("pt_5f1c2e9a7b").build()?;
    /// assert!(client.can_call("get_agent_status"));
    /// assert!(!client.can_call("get_agent"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn can_call(&self, operation: &str) -> bool {
        let mut headers = reqwest::header::HeaderMap::new();
        self.inner
            .credentials
            .add_to(
                &mut headers,
                operation,
                crate::generated::OPERATION_SECURITY,
            )
            .is_ok()
    }
}

/// rustls with the ring provider and the platform's certificate verifier.
#[cfg(feature = "rustls-ring")]
fn ring_tls() -> Result<rustls::ClientConfig, BuildError> {
    use std::sync::Arc;

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone())
        .map_err(|e| BuildError::Tls(e.to_string()))?;
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| BuildError::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "rustls-ring")]
    #[test]
    fn a_ring_client_builds_without_a_process_wide_provider() {
        let client = ClientBuilder::new().api_key("k").build();
        assert!(client.is_ok(), "{:?}", client.err());
        assert!(rustls::crypto::CryptoProvider::get_default().is_none());
    }

    #[test]
    fn a_bad_base_url_error_names_the_default_one() {
        // `error` cannot import this module (it would close an import cycle), so its message
        // spells the default URL itself; this keeps the two in step.
        let error = parse_base_url("ftp://example.com").expect_err("refused");
        assert!(error.to_string().contains(DEFAULT_BASE_URL), "{error}");
    }
}
