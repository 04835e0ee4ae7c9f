//! Paths inside a running agent's API, checked and encoded: [`AgentPath`], used by the
//! hand-written proxy (`crate::proxy`) and by the generated `proxy_*` operations, whose key
//! the spec marks `x-wildcard` (see `fleek-api-gen`'s `sends`). It imports nothing of the
//! generated code, which calls [`wildcard`].

use std::fmt;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Characters kept as they are in a path segment: RFC 3986's unreserved set. Everything
/// else, `/`, `?`, `#` and `%` included, is percent-encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Why a path cannot be sent through the proxy: it could leave the agent's API.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "proxy path {path:?} refused: {reason}; give a path inside the agent's API such as \
     `agents` or `<elizaAgentId>/message`"
)]
pub struct PathError {
    path: String,
    reason: String,
}

impl PathError {
    fn new(path: &str, reason: impl Into<String>) -> Self {
        Self {
            path: path.to_string(),
            reason: reason.into(),
        }
    }

    /// The path (or segment) refused.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Why it was refused.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// A checked path inside an agent's API, e.g. `agents` or `<elizaAgentId>/message`.
///
/// ```
/// use fleek_api::proxy::AgentPath;
///
/// let path = AgentPath::parse("b850bc30/message")?;
/// assert_eq!(path.as_encoded(), "b850bc30/message");
/// let path = AgentPath::from_segments(["agents", "a b/c"])?;
/// assert_eq!(path.as_encoded(), "agents/a%20b%2Fc");
/// for bad in ["", "/", "a//b", "../plans", "a/./b", "x?y=1", "x#top", "https://evil.example/"] {
///     assert!(AgentPath::parse(bad).is_err(), "{bad}");
/// }
/// # Ok::<(), fleek_api::proxy::PathError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AgentPath(String);

impl AgentPath {
    /// Checks a `/`-separated path (one leading `/` is allowed) and encodes each segment.
    ///
    /// # Errors
    /// A [`PathError`] for an empty path or segment, a `.` or `..` segment, a `?`, `#` or
    /// `\`, or an absolute URL.
    pub fn parse(path: &str) -> Result<Self, PathError> {
        if path.contains("://") || path.starts_with("//") {
            return Err(PathError::new(path, "it is an absolute URL"));
        }
        for (c, what) in [('?', "a query"), ('#', "a fragment"), ('\\', "a backslash")] {
            if path.contains(c) {
                return Err(PathError::new(path, format!("it holds {what} ({c})")));
            }
        }
        let path = path.strip_prefix('/').unwrap_or(path);
        Self::from_segments(path.split('/'))
    }

    /// Encodes each segment, taken literally: a `/`, `?` or `#` inside a segment is data and
    /// is percent-encoded.
    ///
    /// # Errors
    /// A [`PathError`] for no segments, an empty segment, or a `.` or `..` segment.
    pub fn from_segments<I, S>(segments: I) -> Result<Self, PathError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut encoded = Vec::new();
        for segment in segments {
            let segment = segment.as_ref();
            match segment {
                "" => return Err(PathError::new(segment, "a segment is empty")),
                "." | ".." => {
                    return Err(PathError::new(segment, "`.` and `..` segments are refused"))
                }
                _ => encoded.push(utf8_percent_encode(segment, SEGMENT).to_string()),
            }
        }
        if encoded.is_empty() {
            return Err(PathError::new("", "the path is empty"));
        }
        Ok(Self(encoded.join("/")))
    }

    /// The path as it goes on the wire.
    pub fn as_encoded(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AgentPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One path segment, percent-encoded: everything but RFC 3986's unreserved characters.
pub(crate) fn segment(segment: &str) -> percent_encoding::PercentEncode<'_> {
    utf8_percent_encode(segment, SEGMENT)
}

/// A wildcard path parameter as the generated operations send it: checked and encoded as
/// [`AgentPath::parse`] does, or the reason it is refused (before anything is sent).
pub(crate) fn wildcard(key: &str) -> Result<String, String> {
    AgentPath::parse(key)
        .map(|path| path.0)
        .map_err(|e| e.to_string())
}
