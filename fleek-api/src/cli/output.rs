//! What `fleek-agents` prints: tables for people, the API's JSON unchanged for scripts, and
//! colour only where it helps.

use std::any::Any;
use std::future::Future;

use bytes::Bytes;

use super::exit::{CliError, Exit};
use super::streams::Streams;
use super::style::{paint, RED, YELLOW};
use super::tables;
use crate::{Error, ErrorKind, Raw};

/// `--output`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// Tables and sentences.
    Human,
    /// The API's JSON, one document per command (JSON lines for `logs --follow`).
    Json,
    /// One JSON value per line: the items of a list one by one as pages arrive, any other
    /// answer as one line.
    JsonLines,
}

impl Format {
    /// `--output`'s value.
    pub(crate) fn parse(value: &str) -> Format {
        match value {
            "json" => Format::Json,
            "jsonl" => Format::JsonLines,
            _ => Format::Human,
        }
    }

    /// JSON of either kind.
    pub(crate) fn is_json(self) -> bool {
        matches!(self, Format::Json | Format::JsonLines)
    }
}

/// Where and how to print.
#[derive(Clone)]
pub(crate) struct Output {
    pub(crate) format: Format,
    /// Colour on stdout (see `Streams::system`).
    pub(crate) color: bool,
    /// Colour on stderr, by the same rule.
    pub(crate) color_stderr: bool,
    /// Where it all goes.
    pub(crate) streams: Streams,
}

impl Output {
    pub(crate) fn new(format: Format, streams: Streams) -> Self {
        Self {
            format,
            color: streams.out.color,
            color_stderr: streams.err.color,
            streams,
        }
    }

    /// Runs a call and shows its answer: `--output json` prints the body as received;
    /// otherwise the known lists are tables and anything else is indented JSON.
    pub(crate) async fn show<T: Any>(
        &self,
        call: impl Future<Output = Result<Raw<T>, Error>>,
    ) -> Result<(), CliError> {
        let raw = call.await?;
        match raw.value() {
            Ok(value) => self.decoded(&value, raw.body()),
            // The answer was a success that this version's types do not read: a script
            // still gets what the API said, and the warning says why it may look new.
            Err(error) if error.kind() == ErrorKind::Decode && self.format.is_json() => {
                self.warn(&format!(
                    "{error}\nprinted as received: the API's answer does not match the spec"
                ));
                self.json(raw.body())
            }
            Err(error) => Err(error.into()),
        }
    }

    /// A decoded answer and the body it was read from.
    pub(crate) fn decoded(&self, value: &dyn Any, body: &[u8]) -> Result<(), CliError> {
        if let Some(bytes) = value.downcast_ref::<Bytes>() {
            return self.raw(bytes);
        }
        if value.is::<()>() {
            return match self.format {
                Format::Json | Format::JsonLines => Ok(()),
                Format::Human => self.line("done"),
            };
        }
        match self.format {
            Format::Json | Format::JsonLines => self.json(body),
            Format::Human => match tables::of(value, self.color) {
                Some(table) => self.text(&table),
                None => self.text(&indented(body)),
            },
        }
    }

    /// A body that is not JSON (the attestation's quote, a proxied answer): to a file or a
    /// pipe as it is; on a terminal as text when it is text.
    pub(crate) fn raw(&self, bytes: &[u8]) -> Result<(), CliError> {
        if self.streams.out.terminal {
            return match std::str::from_utf8(bytes) {
                Ok(text) => self.text(&indented(text.as_bytes())),
                Err(_) => Err(CliError::new(
                    Exit::Usage,
                    format!(
                        "the answer is {} bytes of binary data: redirect the output to a file \
                         (`> quote.bin`)",
                        bytes.len()
                    ),
                )),
            };
        }
        self.streams.out.write(bytes)?;
        Ok(())
    }

    /// A JSON body as received, ending with a newline; with `-o jsonl`, on one line. An
    /// agent's character shows its secrets only as `(secret)` ([`conceal`]).
    pub(crate) fn json(&self, body: &[u8]) -> Result<(), CliError> {
        if body.is_empty() {
            return Ok(());
        }
        if let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(body) {
            if conceal(&mut value, None) {
                return self.document(&value);
            }
        }
        if self.format == Format::JsonLines && body.trim_ascii_end().contains(&b'\n') {
            if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
                return self.document(&value);
            }
        }
        if body.ends_with(b"\n") {
            self.streams.out.write(body)?;
        } else {
            self.streams.out.write(&[body, b"\n"].concat())?;
        }
        Ok(())
    }

    /// A value of the CLI's own (not an API answer) as one JSON document.
    pub(crate) fn document(&self, value: &serde_json::Value) -> Result<(), CliError> {
        self.line(&value.to_string())
    }

    /// Text that ends a line.
    pub(crate) fn line(&self, text: &str) -> Result<(), CliError> {
        self.streams.out.write(format!("{text}\n").as_bytes())?;
        Ok(())
    }

    /// Text that may end with a newline already.
    fn text(&self, text: &str) -> Result<(), CliError> {
        self.line(text.strip_suffix('\n').unwrap_or(text))
    }

    /// A warning on stderr (never fails: a warning that cannot be written is dropped).
    pub(crate) fn warn(&self, message: &str) {
        let label = paint("warning:", YELLOW, self.color_stderr);
        let _ = self
            .streams
            .err
            .write(format!("{label} {message}\n").as_bytes());
    }

    /// A question on stderr, the answer to be typed after it.
    pub(crate) fn prompt(&self, question: &str) {
        let _ = self.streams.err.write(question.as_bytes());
    }

    /// A line on stderr as it is (a GitHub Actions workflow command, a resume hint).
    pub(crate) fn stderr(&self, line: &str) {
        let _ = self.streams.err.write(format!("{line}\n").as_bytes());
    }

    /// The error that ends the command, on stderr.
    pub(crate) fn error(&self, error: &CliError) {
        if error.message.is_empty() {
            return;
        }
        let label = paint("error:", RED, self.color_stderr);
        let _ = self
            .streams
            .err
            .write(format!("{label} {}\n", error.message).as_bytes());
    }
}

/// A JSON body re-indented for reading; any other body as text.
fn indented(body: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut value) => {
            conceal(&mut value, Some("(hidden: `-o json` shows it)"));
            serde_json::to_string_pretty(&value).unwrap_or_default()
        }
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    }
}

/// What shows a secret in an answer, hidden: each value of `settings.secrets` in an
/// agent's character file (`characterFile` or `character_file`, a JSON string) becomes
/// `(secret)`, and, where `token` says what to put instead, an agent's `publicToken` too
/// (`-o json` keeps it: the one way the CLI gives it to a script that sets up a chat page).
/// Whether anything was hidden.
pub(crate) fn conceal(value: &mut serde_json::Value, token: Option<&str>) -> bool {
    use serde_json::Value;
    let mut hidden = false;
    match value {
        Value::Object(map) => {
            for (key, field) in map.iter_mut() {
                match (key.as_str(), &mut *field) {
                    ("characterFile" | "character_file", Value::String(text)) => {
                        if let Ok(mut character) = serde_json::from_str::<Value>(text) {
                            let secrets = character
                                .pointer_mut("/settings/secrets")
                                .and_then(Value::as_object_mut);
                            if let Some(secrets) = secrets.filter(|s| !s.is_empty()) {
                                for secret in secrets.values_mut() {
                                    *secret = Value::from("(secret)");
                                }
                                *text = character.to_string();
                                hidden = true;
                            }
                        }
                    }
                    ("publicToken", Value::String(text)) if token.is_some() => {
                        *text = token.unwrap_or_default().to_string();
                        hidden = true;
                    }
                    _ => hidden |= conceal(field, token),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                hidden |= conceal(item, token);
            }
        }
        _ => {}
    }
    hidden
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_and_errors_are_coloured_only_where_colour_is_wanted() {
        let (streams, captured) = Streams::captured(true, true);
        let output = Output::new(Format::Human, streams);
        output.warn("slow");
        output.error(&CliError::usage("bad flag"));
        assert_eq!(
            captured.stderr(),
            "\x1b[33mwarning:\x1b[0m slow\n\x1b[31merror:\x1b[0m bad flag\n"
        );
        let (streams, captured) = Streams::captured(false, false);
        let output = Output::new(Format::Human, streams);
        output.warn("slow");
        assert_eq!(captured.stderr(), "warning: slow\n");
    }

    #[test]
    fn binary_data_is_refused_on_a_terminal_and_written_whole_elsewhere() {
        let (streams, captured) = Streams::captured(true, false);
        let output = Output::new(Format::Human, streams);
        let error = output
            .raw(&[0xff, 0x00, 0x9f])
            .expect_err("binary on a terminal");
        assert_eq!(error.exit, Exit::Usage);
        assert!(captured.stdout().is_empty());
        let (streams, captured) = Streams::captured(false, false);
        Output::new(Format::Human, streams)
            .raw(b"quote")
            .expect("written");
        assert_eq!(captured.stdout(), "quote");
    }
}
