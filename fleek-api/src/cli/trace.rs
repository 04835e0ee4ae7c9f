//! `--debug` (or `FLEEK_DEBUG=1`): every HTTP exchange on stderr, as the library's
//! `fleek_api::http` trace events tell it (credential headers and secret JSON values
//! already redacted there), with the key and the agent token in use also replaced
//! wherever they would appear, as a second guard.
//!
//! ```text
//! > GET https://api.fleek.xyz/api/v1/ai-agents?size=1
//! > x-api-key: [redacted]
//! < 200 (84 ms)
//! < content-type: application/json
//! < body (412 bytes): {"data":[...
//! ```

use std::fmt::Write as _;
use std::io::Write as _;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// The variable that turns the trace on.
pub(crate) const DEBUG_ENV: &str = "FLEEK_DEBUG";

/// Whether `--debug` or `FLEEK_DEBUG` (anything but empty, `0` or `false`) asks for it.
pub(crate) fn wanted(flag: bool) -> bool {
    flag || std::env::var(DEBUG_ENV).is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// Starts printing the trace, hiding `secrets` (the key and the agent token in use). The
/// first call wins: one process traces with one set of secrets.
pub(crate) fn install(secrets: Vec<String>) {
    let secrets = secrets.into_iter().filter(|s| !s.is_empty()).collect();
    let _ = tracing::subscriber::set_global_default(Printer { secrets });
}

/// Prints `fleek_api::http` events to stderr; ignores everything else.
struct Printer {
    secrets: Vec<String>,
}

/// The fields of one event.
#[derive(Default)]
struct Fields {
    text: Vec<(&'static str, String)>,
}

impl Fields {
    fn get(&self, name: &str) -> &str {
        self.text
            .iter()
            .find(|(field, _)| *field == name)
            .map_or("", |(_, value)| value.as_str())
    }
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.text.push((field.name(), format!("{value:?}")));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.text.push((field.name(), value.to_string()));
    }
}

impl Printer {
    fn render(fields: &Fields) -> String {
        let mut out = String::new();
        let lines = |out: &mut String, mark: &str, text: &str| {
            for line in text.lines() {
                let _ = writeln!(out, "{mark} {line}");
            }
        };
        match fields.get("message") {
            "request" => {
                let _ = writeln!(out, "> {} {}", fields.get("method"), fields.get("url"));
                lines(&mut out, ">", fields.get("headers"));
                if !fields.get("body").is_empty() {
                    let _ = writeln!(out, "> body: {}", fields.get("body"));
                }
            }
            "response" => {
                let _ = writeln!(
                    out,
                    "< {} ({} ms)",
                    fields.get("status"),
                    fields.get("elapsed_ms")
                );
                lines(&mut out, "<", fields.get("headers"));
            }
            "failed" => {
                let _ = writeln!(
                    out,
                    "< no answer ({} ms): {}",
                    fields.get("elapsed_ms"),
                    fields.get("error")
                );
            }
            "body" => {
                let _ = writeln!(
                    out,
                    "< body ({} bytes): {}",
                    fields.get("bytes"),
                    fields.get("body")
                );
            }
            _ => {}
        }
        out
    }

    fn hide(&self, mut text: String) -> String {
        for secret in &self.secrets {
            text = text.replace(secret.as_str(), "[redacted]");
        }
        text
    }
}

impl Subscriber for Printer {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target() == "fleek_api::http"
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        // No span is enabled (see `enabled`), so none is ever made.
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let text = self.hide(Self::render(&fields));
        let _ = anstream::stderr().write_all(text.as_bytes());
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchanges_read_like_curl_and_secrets_in_use_are_hidden() {
        let fields = Fields {
            text: vec![
                ("message", "request".into()),
                ("method", "GET".into()),
                (
                    "url",
                    "http://127.0.0.1:1/api/v1/ai-agents?cursor=pt_S3CR3T".into(),
                ),
                (
                    "headers",
                    "x-api-key: [redacted]\naccept: application/json\n".into(),
                ),
                ("body", String::new()),
            ],
        };
        let printer = Printer {
            secrets: vec!["pt_S3CR3T".into()],
        };
        let text = printer.hide(Printer::render(&fields));
        assert_eq!(
            text,
            "> GET http://127.0.0.1:1/api/v1/ai-agents?cursor=[redacted]\n> x-api-key: [redacted]\n> accept: application/json\n"
        );
    }
}
