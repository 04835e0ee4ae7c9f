//! Progress of a long wait (`deploy`, `status --wait`) on stderr: a spinner with the stage
//! and the time spent when stderr is a terminal, one plain line per stage when it is not (a
//! CI log keeps every line and no control codes).

use std::io::{self, IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::style::{paint, GREEN};

const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const TICK: Duration = Duration::from_millis(100);

pub(crate) struct Progress {
    started: Instant,
    /// The spinner, when stderr is a terminal.
    live: Option<Live>,
}

struct Live {
    stage: Arc<Mutex<String>>,
    ticker: tokio::task::JoinHandle<()>,
}

impl Progress {
    /// Starts showing progress at `stage`.
    pub(crate) fn start(stage: &str, color: bool) -> Self {
        let started = Instant::now();
        if !io::stderr().is_terminal() {
            plain(started, stage);
            return Self {
                started,
                live: None,
            };
        }
        let shared = Arc::new(Mutex::new(stage.to_string()));
        let stage = Arc::clone(&shared);
        let ticker = tokio::spawn(async move {
            let mut frame = 0;
            loop {
                let text = stage.lock().map(|s| s.clone()).unwrap_or_default();
                let spinner = paint(&FRAMES[frame % FRAMES.len()].to_string(), GREEN, color);
                let elapsed = started.elapsed().as_secs();
                // `\r` and "erase to the end of the line": the spinner redraws in place.
                let _ = write!(io::stderr().lock(), "\r\x1b[K{spinner} {text} ({elapsed}s)");
                frame += 1;
                tokio::time::sleep(TICK).await;
            }
        });
        Self {
            started,
            live: Some(Live {
                stage: shared,
                ticker,
            }),
        }
    }

    /// Moves to a new stage.
    pub(crate) fn stage(&self, stage: &str) {
        match &self.live {
            Some(live) => {
                if let Ok(mut current) = live.stage.lock() {
                    *current = stage.to_string();
                }
            }
            None => plain(self.started, stage),
        }
    }

    /// Prints a line that stays (a stage that is done), above the spinner.
    pub(crate) fn note(&self, line: &str) {
        match &self.live {
            Some(_) => {
                let _ = writeln!(io::stderr().lock(), "\r\x1b[K{line}");
            }
            None => plain(self.started, line),
        }
    }

    /// Time since the start.
    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Stops the spinner and clears its line.
    pub(crate) fn finish(self) {
        if let Some(live) = self.live {
            live.ticker.abort();
            let _ = write!(io::stderr().lock(), "\r\x1b[K");
        }
    }
}

fn plain(started: Instant, line: &str) {
    let elapsed = started.elapsed().as_secs();
    let _ = writeln!(io::stderr().lock(), "[{elapsed:>4}s] {line}");
}
