//! Where `fleek-agents` writes: standard output and standard error, whether each is a
//! terminal, and whether each wants colour. Built once ([`Streams::system`]) and handed to
//! every command and to the progress display, so a test can hand in its own
//! ([`Streams::captured`]) and see what a terminal would, in-process.

use std::io::{self, IsTerminal, Write};
use std::sync::{Arc, Mutex};

/// One output stream: where it goes, whether it is a terminal, whether it wants colour.
#[derive(Clone)]
pub(crate) struct Stream {
    sink: Arc<Mutex<dyn Write + Send>>,
    pub(crate) terminal: bool,
    pub(crate) color: bool,
    /// The terminal's width in columns, when it is one that says.
    pub(crate) width: Option<u16>,
}

impl Stream {
    /// Writes `bytes` whole and flushes; a poisoned lock (a panic while writing) is an
    /// error, not a panic.
    pub(crate) fn write(&self, bytes: &[u8]) -> io::Result<()> {
        let mut sink = self
            .sink
            .lock()
            .map_err(|_| io::Error::other("the output stream is unusable"))?;
        sink.write_all(bytes)?;
        sink.flush()
    }
}

/// Standard output and standard error.
#[derive(Clone)]
pub(crate) struct Streams {
    pub(crate) out: Stream,
    pub(crate) err: Stream,
}

impl Streams {
    /// The process's own: a terminal as the system says; colour as `anstream` decides it for
    /// each (a terminal, unless `NO_COLOR` is set; always with `CLICOLOR_FORCE`; never for
    /// `TERM=dumb`).
    pub(crate) fn system() -> Self {
        let stdout = io::stdout();
        let stderr = io::stderr();
        Self {
            out: Stream {
                terminal: stdout.is_terminal(),
                color: wants_color(anstream::AutoStream::choice(&stdout)),
                width: terminal_size::terminal_size_of(&stdout).map(|(w, _)| w.0),
                sink: Arc::new(Mutex::new(stdout)),
            },
            err: Stream {
                terminal: stderr.is_terminal(),
                color: wants_color(anstream::AutoStream::choice(&stderr)),
                width: terminal_size::terminal_size_of(&stderr).map(|(w, _)| w.0),
                sink: Arc::new(Mutex::new(stderr)),
            },
        }
    }

    /// Streams that keep what is written, as a terminal (`terminal`) with or without
    /// colour would get it; the [`Captured`] reads it back.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn captured(terminal: bool, color: bool) -> (Self, Captured) {
        let out = Arc::new(Mutex::new(Vec::new()));
        let err = Arc::new(Mutex::new(Vec::new()));
        let stream = |sink: &Arc<Mutex<Vec<u8>>>| Stream {
            sink: Arc::clone(sink) as Arc<Mutex<dyn Write + Send>>,
            terminal,
            color,
            width: None,
        };
        (
            Self {
                out: stream(&out),
                err: stream(&err),
            },
            Captured { out, err },
        )
    }
}

fn wants_color(choice: anstream::ColorChoice) -> bool {
    !matches!(choice, anstream::ColorChoice::Never)
}

/// What captured [`Streams`] were given.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct Captured {
    out: Arc<Mutex<Vec<u8>>>,
    err: Arc<Mutex<Vec<u8>>>,
}

#[cfg_attr(not(test), allow(dead_code))]
impl Captured {
    pub(crate) fn stdout(&self) -> String {
        Self::text(&self.out)
    }

    pub(crate) fn stderr(&self) -> String {
        Self::text(&self.err)
    }

    fn text(buffer: &Arc<Mutex<Vec<u8>>>) -> String {
        buffer
            .lock()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default()
    }
}
