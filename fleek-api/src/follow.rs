//! Following an agent's logs as they are written, like `tail -f`.

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use futures_util::stream::{self, Stream};

use crate::error::Error;
use crate::paginate::fetch_logs;
use crate::{types, Client};

/// How often [`Client::follow_logs`] asks for new entries, by default.
pub const DEFAULT_FOLLOW_INTERVAL: Duration = Duration::from_secs(2);

/// Follows an agent's logs; see [`Client::follow_logs`].
#[derive(Clone, Debug)]
#[must_use = "a log follower does nothing until its stream is polled"]
pub struct LogFollower<'a> {
    client: &'a Client,
    agent_id: String,
    size: Option<u32>,
    cursor: Option<String>,
    interval: Duration,
}

impl<'a> LogFollower<'a> {
    /// Entries per page.
    pub fn size(mut self, size: u32) -> Self {
        self.size = Some(size);
        self
    }

    /// Starts at this cursor (from a `next_page` URL seen earlier) instead of the first page.
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(cursor.into());
        self
    }

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
            client: self.client,
            agent_id: self.agent_id,
            size: self.size,
            interval: self.interval,
            cursor: self.cursor,
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
    client: &'a Client,
    agent_id: String,
    size: Option<u32>,
    interval: Duration,
    /// The cursor of the page being watched (`None`: the first page).
    cursor: Option<String>,
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
            let page =
                fetch_logs(self.client, &self.agent_id, self.size, self.cursor.clone()).await?;
            let next = page.next_cursor();
            for entry in page.data {
                if self.seen.insert(entry.id.to_string()) {
                    self.ready.push_back(entry);
                }
            }
            // The entries are queued before a bad `next_page` is reported: nothing is lost.
            if let Some(next) = next? {
                // Everything on this page has been taken; the next page is all new.
                self.cursor = Some(next);
                self.seen.clear();
                self.wait = false;
            } else if !self.ready.is_empty() {
                self.wait = false;
            }
        }
    }
}

impl Client {
    /// Follows an agent's logs: every entry there is, then new entries as they are written,
    /// each exactly once. See [`LogFollower::stream`].
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use futures_util::StreamExt;
    ///
    /// # async fn run(client: fleek_api::Client) {
    /// let logs = client
    ///     .follow_logs("cm7b2q3vx0001la08zk4h2mto")
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
    pub fn follow_logs(&self, agent_id: impl Into<String>) -> LogFollower<'_> {
        LogFollower {
            client: self,
            agent_id: agent_id.into(),
            size: None,
            cursor: None,
            interval: DEFAULT_FOLLOW_INTERVAL,
        }
    }
}
