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
    /// yields the entries it has not yielded yet (an entry is known by its `id`; the last
    /// [`REMEMBERED`] ids are remembered); when the last page gains a `next_page`, it moves
    /// on. Every request is bounded: after one that brought nothing new, the next waits the
    /// interval, whatever `next_page` says (a journal's last page names its own cursor
    /// while nothing is written, and one that names an older page would go round in a
    /// loop). A failed request (after the client's retries) is yielded as an `Err` item and
    /// the next poll carries on from the same place after the interval, or after the
    /// server's `Retry-After` when that is longer, so a caller may log the error and keep
    /// reading.
    pub fn stream(self) -> impl Stream<Item = Result<types::LogEntry, Error>> + Send + 'a {
        let state = Follow {
            request: self.request,
            cursor: None,
            interval: self.interval,
            seen: Recent::default(),
            ready: VecDeque::new(),
            pause: None,
        };
        stream::unfold(state, |mut state| async move {
            let item = state.next().await;
            Some((item, state))
        })
    }
}

/// How many entry ids a [`LogFollower`] remembers, so that an entry it has yielded is not
/// yielded again when a page comes back (memory stays bounded however long it follows).
pub const REMEMBERED: usize = 10_000;

/// The ids of the last [`REMEMBERED`] entries yielded.
#[derive(Default)]
struct Recent {
    ids: HashSet<String>,
    order: VecDeque<String>,
}

impl Recent {
    /// Whether `id` is new; it is remembered from now on.
    fn insert(&mut self, id: String) -> bool {
        if self.ids.contains(&id) {
            return false;
        }
        if self.order.len() == REMEMBERED {
            if let Some(oldest) = self.order.pop_front() {
                self.ids.remove(&oldest);
            }
        }
        self.ids.insert(id.clone());
        self.order.push_back(id);
        true
    }
}

struct Follow<'a> {
    /// The request for the page being watched.
    request: builder::GetAgentLogs<'a>,
    /// That page's cursor (`None`: the first page).
    cursor: Option<String>,
    interval: Duration,
    seen: Recent,
    ready: VecDeque<types::LogEntry>,
    /// How long to wait before the next request.
    pause: Option<Duration>,
}

impl Follow<'_> {
    async fn next(&mut self) -> Result<types::LogEntry, Error> {
        loop {
            if let Some(entry) = self.ready.pop_front() {
                return Ok(entry);
            }
            if let Some(pause) = self.pause.take() {
                tokio::time::sleep(pause).await;
            }
            // Until a request brings something new, the next one waits.
            self.pause = Some(self.interval);
            let page = match self.request.clone().call().await {
                Ok(page) => page,
                Err(error) => {
                    if let Some(asked) = error.retry_after() {
                        self.pause = Some(asked.max(self.interval));
                    }
                    return Err(error);
                }
            };
            let next = <builder::GetAgentLogs<'_> as Paged>::next_cursor(&page);
            for entry in <builder::GetAgentLogs<'_> as Paged>::into_items(page) {
                if self.seen.insert(entry.id.to_string()) {
                    self.ready.push_back(entry);
                }
            }
            let brought_news = !self.ready.is_empty();
            // The entries are queued before a bad `next_page` is reported: nothing is lost.
            let next = next.inspect_err(|error| {
                tracing::warn!(%error, "a log page's next page cannot be followed");
            })?;
            match next {
                // A page that names itself is the last one, for now: watch it.
                Some(next) if Some(&next) != self.cursor.as_ref() => {
                    self.request = self.request.clone().with_cursor(next.clone());
                    self.cursor = Some(next);
                    if brought_news {
                        self.pause = None;
                    }
                }
                _ if brought_news => self.pause = None,
                _ => {}
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
