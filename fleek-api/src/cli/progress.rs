//! Progress of a long wait (`deploy`, `status --wait`) on stderr: a spinner with the stage
//! and the time spent when stderr is a terminal, one plain line per stage when it is not (a
//! CI log keeps every line and no control codes). The spinner stops and its line is cleared
//! when the progress is dropped, however the command ends.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::streams::Stream;
use super::style::{paint, GREEN};

const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const TICK: Duration = Duration::from_millis(100);

pub(crate) struct Progress {
    started: Instant,
    err: Stream,
    /// The spinner, when stderr is a terminal.
    live: Option<Live>,
}

struct Live {
    stage: Arc<Mutex<String>>,
    ticker: tokio::task::JoinHandle<()>,
}

impl Progress {
    /// Starts showing progress at `stage` on `err` (standard error).
    pub(crate) fn start(stage: &str, err: &Stream) -> Self {
        let started = Instant::now();
        let err = err.clone();
        if !err.terminal {
            plain(&err, started, stage);
            return Self {
                started,
                err,
                live: None,
            };
        }
        let shared = Arc::new(Mutex::new(stage.to_string()));
        let stage = Arc::clone(&shared);
        let out = err.clone();
        let ticker = tokio::spawn(async move {
            let mut frame = 0;
            loop {
                let text = stage.lock().map(|s| s.clone()).unwrap_or_default();
                let spinner = paint(&FRAMES[frame % FRAMES.len()].to_string(), GREEN, out.color);
                let elapsed = started.elapsed().as_secs();
                // `\r` and "erase to the end of the line": the spinner redraws in place.
                let _ = out.write(format!("\r\x1b[K{spinner} {text} ({elapsed}s)").as_bytes());
                frame += 1;
                tokio::time::sleep(TICK).await;
            }
        });
        Self {
            started,
            err,
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
            None => plain(&self.err, self.started, stage),
        }
    }

    /// Prints a line that stays (a stage that is done), above the spinner.
    pub(crate) fn note(&self, line: &str) {
        match &self.live {
            Some(_) => {
                let _ = self.err.write(format!("\r\x1b[K{line}\n").as_bytes());
            }
            None => plain(&self.err, self.started, line),
        }
    }

    /// Time since the start.
    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(live) = self.live.take() {
            live.ticker.abort();
            let _ = self.err.write(b"\r\x1b[K");
        }
    }
}

fn plain(err: &Stream, started: Instant, line: &str) {
    let elapsed = started.elapsed().as_secs();
    let _ = err.write(format!("[{elapsed:>4}s] {line}\n").as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::streams::Streams;

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn on_a_terminal_a_spinner_redraws_the_stage_and_is_cleared_when_dropped() {
        let (streams, captured) = Streams::captured(true, true);
        let progress = Progress::start("waiting for agent a1 to run", &streams.err);
        tokio::time::sleep(TICK * 3).await;
        progress.stage("waiting for agent a1 to run (status: Pending)");
        tokio::time::sleep(TICK * 2).await;
        progress.note("published agent a1");
        drop(progress);
        let screen = captured.stderr();
        assert!(
            screen.starts_with("\r\x1b[K\x1b[32m⠋\x1b[0m waiting for agent a1 to run (0s)"),
            "{screen:?}"
        );
        assert!(screen.contains("(status: Pending)"), "{screen:?}");
        assert!(
            screen.contains("\r\x1b[Kpublished agent a1\n"),
            "{screen:?}"
        );
        assert!(
            screen.ends_with("\r\x1b[K"),
            "cleared when dropped: {screen:?}"
        );
        // Nothing is drawn after the drop.
        let len = screen.len();
        tokio::time::sleep(TICK * 5).await;
        assert_eq!(captured.stderr().len(), len);
        assert!(captured.stdout().is_empty());
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn off_a_terminal_each_stage_is_a_plain_line() {
        let (streams, captured) = Streams::captured(false, false);
        let progress = Progress::start("drafting Nova", &streams.err);
        progress.stage("publishing agent a1");
        progress.note("published agent a1");
        drop(progress);
        assert_eq!(
            captured.stderr(),
            "[   0s] drafting Nova\n[   0s] publishing agent a1\n[   0s] published agent a1\n"
        );
    }
}
