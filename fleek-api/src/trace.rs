//! A trace of every HTTP exchange with its credentials redacted: `tracing` events at
//! `TRACE` level with the target `fleek_api::http`, for `fleek-agents --debug` and for any
//! program that wants to see what was said on the wire.
//!
//! Three events per call, each only when a subscriber listens at that level (the check is
//! one atomic load otherwise): `request` (method, URL, headers, the first bytes of the
//! body), `response` (status, time, headers) or `failed` (no answer), and `body` (the
//! first bytes of the answer).
//! Credential headers (`X-Api-Key`, `X-Agent-Token`, `Authorization`, cookies) read
//! `[redacted]`, and so does every JSON string whose key names a secret (`publicToken`, a
//! character's `OPENAI_API_KEY`, ...), in plain and in escaped (string-in-string) JSON.
//!
//! Any subscriber sees them; with `tracing-subscriber`'s `fmt` and its `env-filter`:
//!
//! ```text
//! tracing_subscriber::fmt().with_env_filter("fleek_api::http=trace").init();
//! ```

use std::fmt::Write as _;
use std::time::Duration;

use reqwest::header::HeaderMap;

/// How many bytes of each body the trace shows.
pub const BODY_PREFIX: usize = 512;

/// The headers whose values are never shown.
const SECRET_HEADERS: [&str; 6] = [
    "x-api-key",
    "x-agent-token",
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// Whether anyone listens: the events below are built only then.
fn enabled() -> bool {
    tracing::enabled!(target: "fleek_api::http", tracing::Level::TRACE)
}

/// The request about to be sent.
pub(crate) fn request(request: &reqwest::Request) {
    if !enabled() {
        return;
    }
    let body = request
        .body()
        .and_then(reqwest::Body::as_bytes)
        .map(redact_body)
        .unwrap_or_default();
    tracing::trace!(
        target: "fleek_api::http",
        method = %request.method(),
        url = %request.url(),
        headers = %redact_headers(request.headers()),
        body = %body,
        "request"
    );
}

/// The answer's status line and headers.
pub(crate) fn response(status: reqwest::StatusCode, elapsed: Duration, headers: &HeaderMap) {
    if !enabled() {
        return;
    }
    tracing::trace!(
        target: "fleek_api::http",
        status = status.as_u16(),
        elapsed_ms = elapsed.as_millis() as u64,
        headers = %redact_headers(headers),
        "response"
    );
}

/// An attempt that got no answer.
pub(crate) fn failed(elapsed: Duration, error: &reqwest::Error) {
    if !enabled() {
        return;
    }
    tracing::trace!(
        target: "fleek_api::http",
        elapsed_ms = elapsed.as_millis() as u64,
        error = %error,
        "failed"
    );
}

/// The answer's body, once read.
pub(crate) fn body(operation: &str, body: &[u8]) {
    if !enabled() {
        return;
    }
    tracing::trace!(
        target: "fleek_api::http",
        operation,
        bytes = body.len(),
        body = %redact_body(body),
        "body"
    );
}

/// Headers one per line, `name: value`, credentials as `[redacted]`.
pub fn redact_headers(headers: &HeaderMap) -> String {
    let mut out = String::new();
    for (name, value) in headers {
        let value = if SECRET_HEADERS.contains(&name.as_str()) {
            "[redacted]".into()
        } else {
            String::from_utf8_lossy(value.as_bytes())
        };
        let _ = writeln!(out, "{name}: {value}");
    }
    out
}

/// The first [`BODY_PREFIX`] bytes of a body as text, secrets redacted (see [`redact_json`]).
///
/// ```
/// let body = br#"{"id":"a1","publicToken":"pt_5f1c2e9a7b"}"#;
/// assert_eq!(fleek_api::trace::redact_body(body), r#"{"id":"a1","publicToken":"[redacted]"}"#);
/// ```
pub fn redact_body(body: &[u8]) -> String {
    let cut = body.len().min(BODY_PREFIX);
    let mut text = String::from_utf8_lossy(&body[..cut]).into_owned();
    text = redact_json(&text);
    if body.len() > cut {
        let _ = write!(text, "… ({} bytes in all)", body.len());
    }
    text
}

/// Whether a JSON key names a secret.
fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    [
        "token",
        "key",
        "secret",
        "password",
        "authorization",
        "cookie",
    ]
    .iter()
    .any(|word| key.contains(word))
}

/// Every JSON string value whose key names a secret, replaced by `[redacted]`: in JSON
/// (`"publicToken": "pt_1"`) and in JSON carried inside a JSON string
/// (`"config": "{\"secrets\":{\"OPENAI_API_KEY\":\"sk-1\"}}"`). Text cut mid-value is
/// redacted to its end.
///
/// ```
/// use fleek_api::trace::redact_json;
/// assert_eq!(redact_json(r#"{"OPENAI_API_KEY": "sk-1", "name": "Nova"}"#), r#"{"OPENAI_API_KEY": "[redacted]", "name": "Nova"}"#);
/// assert_eq!(redact_json(r#"{"config":"{\"apiKey\":\"sk-1\"}"}"#), r#"{"config":"{\"apiKey\":\"[redacted]\"}"}"#);
/// ```
pub fn redact_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('"') {
        // The quote may be escaped (`\"`): the key and its value are then escaped alike.
        let escaped = rest[..start].ends_with('\\');
        let quote = if escaped { "\\\"" } else { "\"" };
        let after = &rest[start + 1..];
        let Some(key_end) = after.find(quote) else {
            break;
        };
        let key = &after[..key_end];
        let tail = &after[key_end + quote.len()..];
        let trimmed = tail.trim_start();
        let value = trimmed
            .strip_prefix(':')
            .map(str::trim_start)
            .and_then(|value| value.strip_prefix(quote));
        match value {
            Some(value) if is_secret_key(key) && !key.contains('"') => {
                out.push_str(&rest[..start + 1]);
                out.push_str(key);
                // Up to the value's opening quote, as it was.
                let value_start = text_offset(after, value);
                out.push_str(&after[key_end..value_start]);
                out.push_str("[redacted]");
                match closing(value, escaped) {
                    Some(end) => rest = &value[end..],
                    None => return out,
                }
            }
            _ => {
                out.push_str(&rest[..start + 1]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Where `inner` (a slice of `outer`) starts in `outer`.
fn text_offset(outer: &str, inner: &str) -> usize {
    inner.as_ptr() as usize - outer.as_ptr() as usize
}

/// The offset of the quote that ends a string value: `"` not escaped, or `\"` in escaped
/// JSON.
fn closing(value: &str, escaped: bool) -> Option<usize> {
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if escaped => {
                if bytes.get(i + 1) == Some(&b'"') {
                    return Some(i);
                }
                // `\\\"` and the like: an escaped backslash inside the escaped string.
                i += 2;
            }
            b'\\' => i += 2,
            b'"' if !escaped => return Some(i),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_headers_are_redacted_and_the_rest_kept() {
        let mut headers = HeaderMap::new();
        headers.insert("x-api-key", "fk_S3CR3T".parse().expect("valid"));
        headers.insert("X-Agent-Token", "pt_S3CR3T".parse().expect("valid"));
        headers.insert("content-type", "application/json".parse().expect("valid"));
        let text = redact_headers(&headers);
        assert!(!text.contains("S3CR3T"), "{text}");
        assert!(text.contains("x-api-key: [redacted]"), "{text}");
        assert!(text.contains("content-type: application/json"), "{text}");
    }

    #[test]
    fn secrets_in_bodies_are_redacted_plain_escaped_and_cut() {
        let cases = [
            (
                r#"{"publicToken":"pt_1","id":"a"}"#,
                r#"{"publicToken":"[redacted]","id":"a"}"#,
            ),
            (
                r#"{"a":"x\"y","token":"t\"1"}"#,
                r#"{"a":"x\"y","token":"[redacted]"}"#,
            ),
            (
                r#"{"config":"{\"settings\":{\"secrets\":{\"OPENAI_API_KEY\":\"sk-1\"}}}"}"#,
                r#"{"config":"{\"settings\":{\"secrets\":{\"OPENAI_API_KEY\":\"[redacted]\"}}}"}"#,
            ),
            (
                r#"{"name":"Nova","publicToken":"pt_cut_he"#,
                r#"{"name":"Nova","publicToken":"[redacted]"#,
            ),
            (
                r#"{"keys":["not","a","string"]}"#,
                r#"{"keys":["not","a","string"]}"#,
            ),
            ("not json at all", "not json at all"),
        ];
        for (body, redacted) in cases {
            assert_eq!(redact_json(body), redacted, "{body}");
        }
        let long = format!(r#"{{"publicToken":"pt_1","pad":"{}"}}"#, "x".repeat(2000));
        let shown = redact_body(long.as_bytes());
        assert!(
            shown.starts_with(r#"{"publicToken":"[redacted]""#),
            "{shown}"
        );
        assert!(
            shown.ends_with(&format!("({} bytes in all)", long.len())),
            "{shown}"
        );
    }
}
