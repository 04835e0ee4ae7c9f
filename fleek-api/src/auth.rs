//! Where the credentials may go: the API key and an agent's public token, each validated
//! once and never printed; which one each operation gets (the spec's `security`, passed in
//! by the hooks); the origin check; and the redirect policy that keeps them on the origin.

use std::fmt;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::redirect;

use crate::error::BuildError;

/// The name of the header that carries the API key.
pub const API_KEY_HEADER: &str = "x-api-key";

/// The name of the header that carries an agent's public token.
pub const AGENT_TOKEN_HEADER: &str = "x-agent-token";

/// A Fleek API token, ready to be sent in the `X-Api-Key` header.
///
/// The value is marked sensitive (HTTP/2 never indexes it, and `reqwest` hides it in its own
/// debug output) and this type's `Debug` prints `ApiKey(<redacted>)`: the key cannot leak
/// through logs by accident.
///
/// ```
/// let key = fleek_api::config::ApiKey::new("fk_live_0123456789")?;
/// assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
/// # Ok::<(), fleek_api::error::BuildError>(())
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

/// One agent's `publicToken` (a field of [`Agent`](crate::types::Agent)), sent in the
/// `X-Agent-Token` header in place of the API key.
///
/// It reaches only what the spec lets it reach: that agent's public view
/// (`get_public_agent`), its status (`get_agent_status`) and the proxy into it, as Fleek's chat
/// widget does for agents with `publicChat: true`. A client holding only this token refuses
/// every other operation before sending anything. Like [`ApiKey`], it is a sensitive header
/// value whose `Debug` prints `AgentToken(<redacted>)`.
///
/// ```
/// let token = fleek_api::config::AgentToken::new("pt_5f1c2e9a7b")?;
/// assert_eq!(format!("{token:?}"), "AgentToken(<redacted>)");
/// # Ok::<(), fleek_api::error::BuildError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct AgentToken(ApiKey);

impl AgentToken {
    /// Checks `token` and wraps it.
    ///
    /// # Errors
    /// [`BuildError::InvalidAgentToken`] when the token is empty, has leading or trailing
    /// whitespace, or holds characters a header cannot carry.
    pub fn new(token: impl AsRef<str>) -> Result<Self, BuildError> {
        Self::parse(token.as_ref()).map_err(BuildError::InvalidAgentToken)
    }

    pub(crate) fn parse(token: &str) -> Result<Self, &'static str> {
        ApiKey::parse(token).map(Self)
    }

    pub(crate) fn header_value(&self) -> HeaderValue {
        self.0.header_value()
    }
}

impl fmt::Debug for AgentToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AgentToken(<redacted>)")
    }
}

/// How many redirects a request follows, all within the API's origin.
const MAX_REDIRECTS: usize = 10;

/// The redirect policy of the clients this crate builds: redirects are followed (up to 10)
/// only within the origin of the request's first URL, and returned to the caller otherwise.
/// Use it when supplying your own client to [`ClientBuilder::http_client`](crate::ClientBuilder::http_client).
///
/// reqwest strips `Authorization` and cookies when a redirect crosses origins, but not a
/// custom header like `X-Api-Key`; following such a redirect would hand the key to whoever
/// the redirect names. A cross-origin redirect is returned to the caller instead.
pub fn redirect_policy() -> redirect::Policy {
    redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| same_origin(first, attempt.url()));
        if !same_origin {
            attempt.stop()
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    })
}

/// Whether two URLs share scheme, host and port, compared without allocating (this runs
/// twice per request).
pub(crate) fn same_origin(a: &reqwest::Url, b: &reqwest::Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// The spec's `security` of every operation: per operationId, the alternatives it accepts,
/// each the schemes it needs together (the generated `OPERATION_SECURITY`).
pub(crate) type Security<'s> = &'s [(&'s str, &'s [&'s [&'s str]])];

/// The spec's name of the API-key scheme.
const API_KEY_SCHEME: &str = "apiKey";
/// The spec's name of the agent-token scheme.
const AGENT_TOKEN_SCHEME: &str = "agentToken";

/// The credentials a client holds.
#[derive(Clone, Debug)]
pub(crate) struct Credentials {
    pub(crate) api_key: Option<ApiKey>,
    pub(crate) agent_token: Option<AgentToken>,
}

impl Credentials {
    fn header(&self, scheme: &str) -> Option<(&'static str, HeaderValue)> {
        match scheme {
            API_KEY_SCHEME => Some((API_KEY_HEADER, self.api_key.as_ref()?.header_value())),
            AGENT_TOKEN_SCHEME => Some((
                AGENT_TOKEN_HEADER,
                self.agent_token.as_ref()?.header_value(),
            )),
            _ => None,
        }
    }

    /// Adds to `headers` what `operation` needs: the first alternative of the spec's
    /// `security` that needs credentials and that this client holds, else nothing if the
    /// operation may be called without credentials (an empty alternative, or no `security`
    /// at all). Runs on every request, so it allocates nothing.
    ///
    /// # Errors
    /// What the operation needs and what this client holds, when it holds none of it.
    pub(crate) fn add_to(
        &self,
        headers: &mut HeaderMap,
        operation: &str,
        security: Security<'_>,
    ) -> Result<(), String> {
        let alternatives = requirements(operation, security);
        // The first alternative that needs credentials and whose every scheme is held.
        let held = alternatives.iter().find(|schemes| {
            !schemes.is_empty() && schemes.iter().all(|scheme| self.header(scheme).is_some())
        });
        if let Some(schemes) = held {
            for (name, value) in schemes.iter().filter_map(|scheme| self.header(scheme)) {
                headers.insert(HeaderName::from_static(name), value);
            }
            return Ok(());
        }
        // No alternative at all, or an empty one, means the operation needs no credential.
        if alternatives.is_empty() || alternatives.iter().any(|s| s.is_empty()) {
            return Ok(());
        }
        Err(self.refusal(operation, alternatives, security))
    }

    fn refusal(&self, operation: &str, alternatives: &[&[&str]], security: Security<'_>) -> String {
        let needs = alternatives
            .iter()
            .map(|schemes| {
                schemes
                    .iter()
                    .map(|s| describe(s))
                    .collect::<Vec<_>>()
                    .join(" and ")
            })
            .collect::<Vec<_>>()
            .join(" or ");
        let holds = match (&self.api_key, &self.agent_token) {
            (None, Some(_)) => {
                let reachable: Vec<&str> = security
                    .iter()
                    .filter(|(_, alternatives)| {
                        alternatives.iter().any(|s| s == &[AGENT_TOKEN_SCHEME])
                    })
                    .map(|(id, _)| *id)
                    .collect();
                format!(
                    "this client holds only an agent token, which reaches {}",
                    reachable.join(", ")
                )
            }
            _ => "this client holds none of it".to_string(),
        };
        format!(
            "{operation} needs {needs}; {holds}. Nothing was sent: build the client with \
             ClientBuilder::api_key (FLEEK_API_KEY)"
        )
    }
}

fn describe(scheme: &str) -> &str {
    match scheme {
        API_KEY_SCHEME => "the API key (X-Api-Key)",
        AGENT_TOKEN_SCHEME => "an agent token (X-Agent-Token)",
        other => other,
    }
}

/// The spec's `security` of an operation; the API key for one the table does not list
/// (hand-written calls name the spec operation of the endpoint they reach).
fn requirements<'s>(operation: &str, security: Security<'s>) -> &'s [&'s [&'s str]] {
    security
        .iter()
        .find(|(id, _)| *id == operation)
        .map_or(&[&[API_KEY_SCHEME]], |(_, alternatives)| *alternatives)
}
