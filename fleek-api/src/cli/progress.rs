//! Progress of a long wait (`deploy`, `status --wait`) on stderr: a spinner with the stage
//! and the time spent when stderr is a terminal, one plain line per stage when it is not (a
//! CI log keeps every line and no control codes). The spinner stops and its line is cleared
//! when the progress is dropped, however the command ends.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle, TermLike};

use super::streams::Stream;
use super::style::{paint, GREEN};

const FRAMES: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const TICK: Duration = Duration::from_millis(100);
/// The width of a terminal that does not say (a pseudo-terminal may report none).
const DEFAULT_WIDTH: u16 = 80;

/// Progress on stderr: `indicatif`'s spinner on a terminal (lines cut to the terminal's
/// width, redrawn in place), plain lines elsewhere.
pub(crate) struct Progress {
    started: Instant,
    err: Stream,
    /// The spinner, when stderr is a terminal.
    live: Option<ProgressBar>,
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
        // The frames are painted here, by the same colour rule as the rest of the output
        // (indicatif's own styling asks the terminal again); the last string is the one
        // shown when finished, and nothing is left on screen then.
        let mut frames: Vec<String> = FRAMES
            .iter()
            .map(|frame| paint(frame, GREEN, err.color))
            .collect();
        frames.push(String::new());
        let frames: Vec<&str> = frames.iter().map(String::as_str).collect();
        let style = ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner())
            .tick_strings(&frames);
        let target = ProgressDrawTarget::term_like(Box::new(Terminal(err.clone())));
        let bar = ProgressBar::with_draw_target(None, target).with_style(style);
        bar.set_message(stage.to_string());
        bar.enable_steady_tick(TICK);
        Self {
            started,
            err,
            live: Some(bar),
        }
    }

    /// Moves to a new stage.
    pub(crate) fn stage(&self, stage: &str) {
        match &self.live {
            Some(bar) => bar.set_message(stage.to_string()),
            None => plain(&self.err, self.started, stage),
        }
    }

    /// Prints a line that stays (a stage that is done), above the spinner.
    pub(crate) fn note(&self, line: &str) {
        match &self.live {
            Some(bar) => bar.println(line),
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
        if let Some(bar) = self.live.take() {
            bar.finish_and_clear();
        }
    }
}

/// stderr as indicatif draws on it: through the same [`Stream`] as everything else, so a
/// test that captures the streams sees the spinner.
struct Terminal(Stream);

impl std::fmt::Debug for Terminal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Terminal")
    }
}

impl TermLike for Terminal {
    fn width(&self) -> u16 {
        self.0.width.filter(|w| *w > 0).unwrap_or(DEFAULT_WIDTH)
    }

    fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
        self.escape(n, 'A')
    }

    fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
        self.escape(n, 'B')
    }

    fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
        self.escape(n, 'C')
    }

    fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
        self.escape(n, 'D')
    }

    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.0.write(format!("{s}\n").as_bytes())
    }

    fn write_str(&self, s: &str) -> std::io::Result<()> {
        self.0.write(s.as_bytes())
    }

    fn clear_line(&self) -> std::io::Result<()> {
        self.0.write(b"\r\x1b[2K")
    }

    fn flush(&self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Terminal {
    /// A cursor movement of `n` (none for 0, which terminals read as 1).
    fn escape(&self, n: usize, direction: char) -> std::io::Result<()> {
        if n == 0 {
            return Ok(());
        }
        self.0.write(format!("\x1b[{n}{direction}").as_bytes())
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

    /// Waits (up to 5 s) until the captured stderr holds `text`.
    fn until(captured: &crate::cli::streams::Captured, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let screen = captured.stderr();
            if screen.contains(text) || Instant::now() > deadline {
                return screen;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn on_a_terminal_a_spinner_redraws_the_stage_and_is_cleared_when_dropped() {
        let (streams, captured) = Streams::captured(true, true);
        let progress = Progress::start("waiting for agent a1 to run", &streams.err);
        let screen = until(&captured, "waiting for agent a1 to run (0s)");
        assert!(
            screen.contains("\x1b[32m⠋\x1b[0m waiting for agent a1 to run (0s)"),
            "{screen:?}"
        );
        progress.stage("waiting for agent a1 to run (status: Pending)");
        let screen = until(&captured, "(status: Pending)");
        assert!(screen.contains("(status: Pending) (0s)"), "{screen:?}");
        progress.note("published agent a1");
        let screen = until(&captured, "published agent a1");
        // The note takes a whole line (padded to the width, so the terminal wraps after it),
        // and the spinner is drawn again under it.
        assert!(
            screen.contains("\r\x1b[2Kpublished agent a1 "),
            "{screen:?}"
        );
        let before = captured.stderr().len();
        drop(progress);
        // Cleared when dropped, and nothing drawn after.
        let screen = captured.stderr();
        assert!(
            screen[before..].contains("\r\x1b[2K"),
            "{:?}",
            &screen[before..]
        );
        std::thread::sleep(TICK * 3);
        assert_eq!(captured.stderr(), screen);
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
