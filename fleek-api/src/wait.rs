//! Waiting until an agent runs: one waiter for [`Deploy`](crate::deploy::Deploy) (its last
//! stage),
//! `fleek-agents status --wait` and users ([`Client::wait_until_running`]).
//!
//! Each check is two requests at most: `get_agent_status` (does it run?), then, while it
//! does not, `get_agent` (its lifecycle state, which says whether it failed). Between checks
//! the waiter sleeps, starting at the first poll interval and growing by half up to the
//! largest. A check that fails for a reason that passes (a connection that broke, a timeout,
//! a `429` or `5xx` after the client's own retries) does not end the wait: the next check
//! comes after the interval, or after the server's `Retry-After` when that is longer, and the
//! failure is named if the wait times out. Any other failure ends it.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use futures_util::stream::{self, Stream, StreamExt};

use crate::call::Call;
use crate::error::{Error, ErrorKind};
use crate::generated::types::{self, AgentStatus};
use crate::generated::Client;

/// How long a wait lasts, by default (10 minutes).
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(600);

/// What a wait has seen: each check while the agent does not run, then how it ended.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum WaitEvent {
    /// The agent does not run yet.
    Waiting {
        /// The agent's id.
        agent_id: String,
        /// Time since the wait started.
        elapsed: Duration,
        /// The agent's lifecycle state, when it could be read.
        status: Option<AgentStatus>,
    },
    /// The agent runs. The last event.
    Running {
        /// The agent's id.
        agent_id: String,
        /// Time since the wait started.
        elapsed: Duration,
    },
    /// The agent failed to start. The last event.
    Failed {
        /// The agent's id.
        agent_id: String,
        /// Its state, `Failed`.
        status: AgentStatus,
        /// The last lines of its log, oldest first (at most 20).
        last_logs: Vec<types::LogEntry>,
    },
}

/// How many of the last log lines a [`WaitEvent::Failed`] carries.
const LAST_LOG_LINES: usize = 20;

/// How many log pages, of [`LOG_PAGE_SIZE`] entries, are read at most to find the last
/// lines of a failed agent: the walk ends at the log's last page (or at one that names
/// itself); this bounds it on a log that never ends.
const MAX_LOG_PAGES: usize = 200;

/// The page size asked for while looking for the last lines.
const LOG_PAGE_SIZE: u32 = 100;

/// Waits until an agent runs; see [`Client::wait_until_running`].
#[derive(Clone, Debug)]
#[must_use = "a wait does nothing until it is run"]
pub struct Wait<'a> {
    client: &'a Client,
    agent_id: String,
    timing: Timing,
}

/// How long a wait lasts and how often it checks: shared by [`Wait`] and the deployment.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Timing {
    pub(crate) timeout: Duration,
    first_poll: Duration,
    max_poll: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_WAIT_TIMEOUT,
            first_poll: Duration::from_secs(2),
            max_poll: Duration::from_secs(15),
        }
    }
}

impl Timing {
    /// Starts at `first`, grows by half each time, up to `max` (at least `first`).
    pub(crate) fn poll_interval(&mut self, first: Duration, max: Duration) {
        self.first_poll = first;
        self.max_poll = max.max(first);
    }
}

impl<'a> Wait<'a> {
    /// How long to wait (10 minutes by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timing.timeout = timeout;
        self
    }

    /// The wait between checks: starts at `first`, grows by half each time, up to `max`
    /// (2 s and 15 s by default; Fleek's dashboard checks every 5 s).
    pub fn poll_interval(mut self, first: Duration, max: Duration) -> Self {
        self.timing.poll_interval(first, max);
        self
    }

    /// The wait as a stream: a [`WaitEvent::Waiting`] per check while the agent does not
    /// run, then [`WaitEvent::Running`] or [`WaitEvent::Failed`], or an error: a timeout
    /// ([`ErrorKind::Timeout`], naming the agent, its last state and the last failed check),
    /// or a check that failed for good. Dropping it stops the wait.
    pub fn events(self) -> impl Stream<Item = Result<WaitEvent, Error>> + Send + 'a {
        let client = self.client;
        let poller = Poller::start(self.agent_id, self.timing);
        stream::unfold(Some(poller), move |poller| async move {
            let mut poller = poller?;
            match poller.step(client).await {
                Ok(event @ WaitEvent::Waiting { .. }) => Some((Ok(event), Some(poller))),
                Ok(last) => Some((Ok(last), None)),
                Err(error) => Some((Err(error), None)),
            }
        })
    }

    /// Waits, calling `on_event` for each event, and returns the last one:
    /// [`WaitEvent::Running`] or [`WaitEvent::Failed`].
    ///
    /// # Errors
    /// [`ErrorKind::Timeout`] when the agent did not run in time; a check's error when it
    /// cannot pass by waiting (a `401`, a `404`).
    pub async fn run(self, mut on_event: impl FnMut(&WaitEvent)) -> Result<WaitEvent, Error> {
        let events = self.events();
        futures_util::pin_mut!(events);
        while let Some(event) = events.next().await {
            let event = event?;
            on_event(&event);
            if !matches!(event, WaitEvent::Waiting { .. }) {
                return Ok(event);
            }
        }
        Err(Error::new(
            "get_agent_status",
            ErrorKind::Other,
            "the wait ended without an outcome",
        )
        .in_task("wait_until_running"))
    }
}

impl Client {
    /// Waits until an agent runs (or fails, or the timeout passes), checking its status
    /// with a growing interval; see [`Wait`].
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use fleek_api::wait::WaitEvent;
    ///
    /// # async fn run(client: fleek_api::Client) -> Result<(), fleek_api::Error> {
    /// let last = client
    ///     .wait_until_running("cm7b2q3vx0001la08zk4h2mto")
    ///     .timeout(Duration::from_secs(300))
    ///     .run(|event| println!("{event:?}"))
    ///     .await?;
    /// if let WaitEvent::Failed { last_logs, .. } = last {
    ///     println!("it failed: {last_logs:?}");
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn wait_until_running(&self, agent_id: impl Into<String>) -> Wait<'_> {
        Wait {
            client: self,
            agent_id: agent_id.into(),
            timing: Timing::default(),
        }
    }
}

/// The state of a wait between checks, for [`Wait`] and the deployment's last stage.
#[derive(Debug)]
pub(crate) struct Poller {
    agent_id: String,
    started: Instant,
    timeout: Duration,
    delay: Duration,
    max_poll: Duration,
    /// Whether a check was made: the first one is not waited for.
    checked: bool,
    /// How long the server asked to be left alone after the last check.
    asked: Option<Duration>,
    last_status: Option<AgentStatus>,
    last_error: Option<Error>,
}

impl Poller {
    pub(crate) fn start(agent_id: String, timing: Timing) -> Self {
        Self {
            agent_id,
            started: Instant::now(),
            timeout: timing.timeout,
            delay: timing.first_poll,
            max_poll: timing.max_poll,
            checked: false,
            asked: None,
            last_status: None,
            last_error: None,
        }
    }

    /// The agent waited for.
    pub(crate) fn agent_id(&self) -> &str {
        &self.agent_id
    }

    /// Sleeps as the rule says, then checks once: `Waiting`, `Running` or `Failed`, or the
    /// error that ends the wait (a timeout included).
    pub(crate) async fn step(&mut self, client: &Client) -> Result<WaitEvent, Error> {
        if self.checked {
            let pause = self.delay.max(self.asked.take().unwrap_or_default());
            let left = self.timeout.saturating_sub(self.started.elapsed());
            tokio::time::sleep(pause.min(left)).await;
            self.delay = self.delay.mul_f64(1.5).min(self.max_poll);
        }
        self.checked = true;
        match self.check(client).await {
            Ok(Some(last)) => return Ok(last),
            Ok(None) => self.last_error = None,
            Err(error) if error.is_retryable() => {
                tracing::debug!(agent_id = %self.agent_id, %error, "a status check failed; waiting");
                self.asked = error.retry_after();
                self.last_error = Some(error);
            }
            Err(error) => return Err(error),
        }
        if self.started.elapsed() >= self.timeout {
            return Err(self.timed_out());
        }
        Ok(WaitEvent::Waiting {
            agent_id: self.agent_id.clone(),
            elapsed: self.started.elapsed(),
            status: self.last_status.clone(),
        })
    }

    /// `Running` or `Failed` when the agent got there, `None` while it is on its way.
    async fn check(&mut self, client: &Client) -> Result<Option<WaitEvent>, Error> {
        let agent_id = self.agent_id.as_str();
        let running = client
            .get_agent_status()
            .agent_id(agent_id)
            .call()
            .await?
            .is_running();
        if running {
            self.last_status = Some(AgentStatus::Running);
            return Ok(Some(WaitEvent::Running {
                agent_id: agent_id.to_string(),
                elapsed: self.started.elapsed(),
            }));
        }
        let status = client.get_agent().agent_id(agent_id).call().await?.status;
        self.last_status = Some(status.clone());
        if status == AgentStatus::Failed {
            return Ok(Some(WaitEvent::Failed {
                agent_id: agent_id.to_string(),
                status,
                last_logs: last_logs(client, agent_id).await,
            }));
        }
        Ok(None)
    }

    fn timed_out(&mut self) -> Error {
        let status = self
            .last_status
            .as_ref()
            .map_or_else(|| "unknown".to_string(), ToString::to_string);
        let mut detail = format!(
            "agent {} did not run within {:?}; its status is {status}",
            self.agent_id, self.timeout
        );
        if let Some(error) = &self.last_error {
            detail.push_str(&format!("; the last check failed: {error}"));
        }
        detail.push_str(
            ". It may still start: check get_agent_status later, or delete_agent to remove it",
        );
        // The operation it polled; the task is the wait.
        let error = Error::new("get_agent_status", ErrorKind::Timeout, detail)
            .in_task("wait_until_running");
        match self.last_error.take() {
            Some(last) => error.with_source(last),
            None => error,
        }
    }
}

/// The last lines of the agent's log: every page is read to the last one (at most
/// [`MAX_LOG_PAGES`]), keeping the last [`LAST_LOG_LINES`] entries. What is readable of it:
/// a failure here leaves the list shorter, it does not hide the agent's failure.
async fn last_logs(client: &Client, agent_id: &str) -> Vec<types::LogEntry> {
    let mut last = VecDeque::with_capacity(LAST_LOG_LINES);
    let pages = client
        .get_agent_logs()
        .agent_id(agent_id)
        .size(LOG_PAGE_SIZE)
        .pages()
        .take(MAX_LOG_PAGES);
    futures_util::pin_mut!(pages);
    while let Some(Ok(page)) = pages.next().await {
        for entry in page.data {
            if last.len() == LAST_LOG_LINES {
                last.pop_front();
            }
            last.push_back(entry);
        }
    }
    last.into()
}
