//! Following an agent's logs as they are written, like `tail -f`.

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use futures_util::stream::{self, Stream};

use crate::call::Call;
use crate::error::Error;
use crate::generated::{builder, types, Client};
use crate::paging::Paged;

/// How often [`Client::follow_logs`] asks for new entries, by default.
pub const DEFAULT_FOLLOW_INTERVAL: Duration = Duration::from_secs(2);

/// Follows an agent's logs; see [`Client::follow_logs`] and
/// [`GetAgentLogs::follow`](crate::builder::GetAgentLogs::follow).
#[derive(Clone, Debug)]
#[must_use = "a log follower does nothing until its stream is polled"]
pub struct LogFollower<'a> {
    request: builder::GetAgentLogs<'a>,
    interval: Duration,
}

impl<'a> LogFollower<'a> {
    /// How long to wait, on the last page, before asking again. 2 s by default.
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The entries, each exactly once, in the order the API lists them; the stream never
    /// ends by itself. Drop it to stop: nothing keeps running.
    ///
    /// It walks the pages to the last one, then asks for that page again every interval and
    /// yields the entries it has not yielded yet (an entry is known by its `id`); when the
    /// last page fills and gains a `next_page`, it moves on. A failed request (after the
    /// client's retries) is yielded as an `Err` item and the next poll carries on from the
    /// same place, so a caller may log the error and keep reading.
    pub fn stream(self) -> impl Stream<Item = Result<types::LogEntry, Error>> + Send + 'a {
        let state = Follow {
            request: self.request,
            interval: self.interval,
            seen: HashSet::new(),
            ready: VecDeque::new(),
            wait: false,
        };
        stream::unfold(state, |mut state| async move {
            let item = state.next().await;
            Some((item, state))
        })
    }
}

struct Follow<'a> {
    /// The request for the page being watched.
    request: builder::GetAgentLogs<'a>,
    interval: Duration,
    /// The ids already yielded from that page.
    seen: HashSet<String>,
    ready: VecDeque<types::LogEntry>,
    /// Whether the last request found nothing new, so the next one waits first.
    wait: bool,
}

impl Follow<'_> {
    async fn next(&mut self) -> Result<types::LogEntry, Error> {
        loop {
            if let Some(entry) = self.ready.pop_front() {
                return Ok(entry);
            }
            if self.wait {
                tokio::time::sleep(self.interval).await;
            }
            // Until this request succeeds, a failure means: wait, then ask again.
            self.wait = true;
            let page = self.request.clone().call().await?;
            let next = <builder::GetAgentLogs<'_> as Paged>::next_cursor(&page);
            for entry in <builder::GetAgentLogs<'_> as Paged>::into_items(page) {
                if self.seen.insert(entry.id.to_string()) {
                    self.ready.push_back(entry);
                }
            }
            // The entries are queued before a bad `next_page` is reported: nothing is lost.
            if let Some(next) = next? {
                // Everything on this page has been taken; the next page is all new.
                self.request = self.request.clone().with_cursor(next);
                self.seen.clear();
                self.wait = false;
            } else if !self.ready.is_empty() {
                self.wait = false;
            }
        }
    }
}

impl<'a> builder::GetAgentLogs<'a> {
    /// Follows the logs this request reads: every entry from its page on (the first page
    /// unless a `cursor` is set), then new entries as they are written, each exactly once.
    /// The request's `size` is kept on every page. See [`LogFollower::stream`].
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use futures_util::StreamExt;
    ///
    /// # async fn run(client: fleek_api::Client) {
    /// let logs = client
    ///     .get_agent_logs()
    ///     .agent_id("cm7b2q3vx0001la08zk4h2mto")
    ///     .size(50)
    ///     .follow()
    ///     .interval(Duration::from_secs(5))
    ///     .stream();
    /// futures_util::pin_mut!(logs);
    /// while let Some(entry) = logs.next().await {
    ///     match entry {
    ///         Ok(entry) => println!("{} {}", entry.timestamp, entry.message),
    ///         Err(e) => eprintln!("{e}"),
    ///     }
    /// }
    /// # }
    /// ```
    pub fn follow(self) -> LogFollower<'a> {
        LogFollower {
            request: self,
            interval: DEFAULT_FOLLOW_INTERVAL,
        }
    }
}

impl Client {
    /// Follows an agent's logs from the first page: shorthand for
    /// `client.get_agent_logs().agent_id(agent_id).follow()`, which also takes a `size` and
    /// a starting `cursor`. See [`LogFollower::stream`].
    ///
    /// ```no_run
    /// use futures_util::TryStreamExt;
    ///
    /// # async fn run(client: fleek_api::Client) -> Result<(), fleek_api::Error> {
    /// let logs = client.follow_logs("cm7b2q3vx0001la08zk4h2mto").stream();
    /// futures_util::pin_mut!(logs);
    /// while let Some(entry) = logs.try_next().await? {
    ///     println!("{}", entry.message);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn follow_logs(&self, agent_id: impl Into<String>) -> LogFollower<'_> {
        self.get_agent_logs().agent_id(agent_id.into()).follow()
    }
}
