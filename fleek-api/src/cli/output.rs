//! What `fleek-agents` prints: tables for people, the API's JSON unchanged for scripts, and
//! colour only where it helps.

use std::any::Any;
use std::future::Future;
use std::io::{self, IsTerminal, Write};

use bytes::Bytes;

use super::capture::Slot;
use super::exit::{CliError, Exit};
use super::style::{paint, RED, YELLOW};
use super::tables;
use crate::{Error, ErrorKind};

/// `--output`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// Tables and sentences.
    Human,
    /// The API's JSON, one document per command (JSON lines for `logs --follow`).
    Json,
}

/// Where and how to print.
#[derive(Clone, Debug)]
pub(crate) struct Output {
    pub(crate) format: Format,
    /// Colour on stdout: a terminal, and `NO_COLOR` unset or empty.
    pub(crate) color: bool,
    /// Colour on stderr, by the same rule.
    pub(crate) color_stderr: bool,
    stdout_terminal: bool,
    /// Where the client keeps each answer's body (see `capture`).
    pub(crate) kept: Slot,
}

/// <https://no-color.org>: set and not empty means no colour.
fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

impl Output {
    pub(crate) fn new(format: Format) -> Self {
        let stdout_terminal = io::stdout().is_terminal();
        Self {
            format,
            color: stdout_terminal && !no_color(),
            color_stderr: io::stderr().is_terminal() && !no_color(),
            stdout_terminal,
            kept: Slot::default(),
        }
    }

    /// Runs a call and shows its answer: `--output json` prints the body as received;
    /// otherwise the known lists are tables and anything else is indented JSON.
    pub(crate) async fn show<T: Any>(
        &self,
        call: impl Future<Output = Result<T, Error>>,
    ) -> Result<(), CliError> {
        let (result, body) = self.kept.around(call).await;
        match result {
            Ok(value) => self.value(&value, body.as_deref()),
            // The answer was a success that this version's types do not read: a script
            // still gets what the API said, and the warning says why it may look new.
            Err(error) if error.kind() == ErrorKind::Decode && self.format == Format::Json => {
                let Some(body) = body else {
                    return Err(error.into());
                };
                self.warn(&format!(
                    "{error}\nprinted as received: the API's answer does not match the spec"
                ));
                self.json(&body)
            }
            Err(error) => Err(error.into()),
        }
    }

    fn value(&self, value: &dyn Any, body: Option<&[u8]>) -> Result<(), CliError> {
        if let Some(bytes) = value.downcast_ref::<Bytes>() {
            return self.raw(bytes);
        }
        if value.is::<()>() {
            return match self.format {
                Format::Json => Ok(()),
                Format::Human => self.line("done"),
            };
        }
        let body = body.unwrap_or_default();
        match self.format {
            Format::Json => self.json(body),
            Format::Human => match tables::of(value, self.color) {
                Some(table) => self.text(&table),
                None => self.text(&indented(body)),
            },
        }
    }

    /// A body that is not JSON (the attestation's quote, a proxied answer): to a file or a
    /// pipe as it is; on a terminal as text when it is text.
    pub(crate) fn raw(&self, bytes: &[u8]) -> Result<(), CliError> {
        if self.stdout_terminal {
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
        let mut stdout = io::stdout().lock();
        stdout.write_all(bytes)?;
        stdout.flush()?;
        Ok(())
    }

    /// A JSON body exactly as received, ending with a newline.
    pub(crate) fn json(&self, body: &[u8]) -> Result<(), CliError> {
        if body.is_empty() {
            return Ok(());
        }
        let mut stdout = io::stdout().lock();
        stdout.write_all(body)?;
        if !body.ends_with(b"\n") {
            stdout.write_all(b"\n")?;
        }
        stdout.flush()?;
        Ok(())
    }

    /// A value of the CLI's own (not an API answer) as one JSON document.
    pub(crate) fn document(&self, value: &serde_json::Value) -> Result<(), CliError> {
        self.line(&value.to_string())
    }

    /// Text that ends a line.
    pub(crate) fn line(&self, text: &str) -> Result<(), CliError> {
        let mut stdout = io::stdout().lock();
        writeln!(stdout, "{text}")?;
        stdout.flush()?;
        Ok(())
    }

    /// Text that may end with a newline already.
    fn text(&self, text: &str) -> Result<(), CliError> {
        self.line(text.strip_suffix('\n').unwrap_or(text))
    }

    /// A warning on stderr (never fails: a warning that cannot be written is dropped).
    pub(crate) fn warn(&self, message: &str) {
        let label = paint("warning:", YELLOW, self.color_stderr);
        let _ = writeln!(io::stderr().lock(), "{label} {message}");
    }

    /// A line on stderr as it is (a GitHub Actions workflow command, a resume hint).
    pub(crate) fn stderr(&self, line: &str) {
        let _ = writeln!(io::stderr().lock(), "{line}");
    }

    /// The error that ends the command, on stderr.
    pub(crate) fn error(&self, error: &CliError) {
        if error.message.is_empty() {
            return;
        }
        let label = paint("error:", RED, self.color_stderr);
        let _ = writeln!(io::stderr().lock(), "{label} {}", error.message);
    }
}

/// A JSON body re-indented for reading; any other body as text.
fn indented(body: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(value) => serde_json::to_string_pretty(&value).unwrap_or_default(),
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    }
}
