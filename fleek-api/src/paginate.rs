//! Walking paginated lists as `Stream`s, lazily, one page in memory at a time.
//!
//! The agent list and the logs answer `{"data", "next_page", "prev_page"}` where `next_page`
//! is a URL whose `cursor` query parameter fetches the next page; payment methods answer
//! `{"data", "next", "prev"}` where `next` is the cursor itself. Page-level access stays
//! with the generated methods (`list_agents().cursor(..)`) and the `next_cursor()` of each
//! page type.

use std::future::Future;

use futures_util::stream::{self, Stream, TryStreamExt};

use crate::error::{Error, ErrorKind};
use crate::{types, Agent, Call, Client};

/// The `cursor` query parameter of a `next_page` URL (absolute, or relative to the API).
///
/// ```
/// let url = "https://api.fleek.xyz/api/v1/ai-agents/a1/logs?cursor=czph&size=30";
/// assert_eq!(fleek_api::cursor_from_url(url).as_deref(), Some("czph"));
/// assert_eq!(fleek_api::cursor_from_url("/api/v1/ai-agents?cursor=Y2&size=5").as_deref(), Some("Y2"));
/// assert_eq!(fleek_api::cursor_from_url("https://api.fleek.xyz/api/v1/ai-agents"), None);
/// ```
pub fn cursor_from_url(url: &str) -> Option<String> {
    // A relative URL is resolved against any base: only its query matters.
    let base = reqwest::Url::parse("https://api.fleek.xyz/").ok()?;
    let url = base.join(url).ok()?;
    url.query_pairs()
        .find(|(name, _)| name == "cursor")
        .map(|(_, value)| value.into_owned())
}

/// The cursor of the page after one whose `next_page` is `next_page`: `Ok(None)` on the last
/// page, an error when the URL carries no cursor (following it could loop forever).
fn next_cursor_of(
    operation: &'static str,
    next_page: Option<&str>,
) -> Result<Option<String>, Error> {
    match next_page {
        None => Ok(None),
        Some(url) => cursor_from_url(url).map(Some).ok_or_else(|| {
            Error::new(
                operation,
                ErrorKind::Decode,
                format!("next_page {url:?} has no cursor parameter; pagination cannot continue"),
            )
        }),
    }
}

impl types::AgentPage {
    /// The cursor of the next page, `Ok(None)` on the last page.
    ///
    /// # Errors
    /// When `next_page` is a URL without a `cursor` parameter.
    pub fn next_cursor(&self) -> Result<Option<String>, Error> {
        next_cursor_of("list_agents", self.next_page.as_deref())
    }
}

impl types::LogPage {
    /// The cursor of the next page, `Ok(None)` on the last page.
    ///
    /// # Errors
    /// When `next_page` is a URL without a `cursor` parameter.
    pub fn next_cursor(&self) -> Result<Option<String>, Error> {
        next_cursor_of("get_agent_logs", self.next_page.as_deref())
    }
}

impl types::PaymentMethodPage {
    /// The cursor of the next page (`next`), `None` on the last page.
    pub fn next_cursor(&self) -> Option<&str> {
        self.next.as_deref().filter(|c| !c.is_empty())
    }
}

/// Pages fetched one at a time: `fetch(cursor)` returns a page and what comes after it (the
/// next cursor, or why there can be none). Stops after the last page, after an error, or
/// when the API hands back a cursor it already gave (which would loop forever). A page
/// whose successor cannot be found is still yielded, before the error.
pub(crate) fn pages<'a, P, F, Fut>(
    operation: &'static str,
    start: Option<String>,
    fetch: F,
) -> impl Stream<Item = Result<P, Error>> + Send + 'a
where
    P: Send + 'a,
    F: Fn(Option<String>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<(P, Result<Option<String>, Error>), Error>> + Send + 'a,
{
    enum Next {
        Fetch(Option<String>),
        Fail(Error),
        Done,
    }
    struct State<F> {
        next: Next,
        previous: Option<String>,
        fetch: F,
    }
    let state = State {
        next: Next::Fetch(start),
        previous: None,
        fetch,
    };
    stream::unfold(state, move |mut state| async move {
        let cursor = match std::mem::replace(&mut state.next, Next::Done) {
            Next::Done => return None,
            Next::Fail(error) => return Some((Err(error), state)),
            Next::Fetch(cursor) => cursor,
        };
        match (state.fetch)(cursor.clone()).await {
            Ok((page, Ok(Some(next))))
                if Some(&next) == cursor.as_ref() || Some(&next) == state.previous.as_ref() =>
            {
                state.next = Next::Fail(Error::new(
                    operation,
                    ErrorKind::Decode,
                    format!("the API returned cursor {next:?} twice; stopping to avoid a loop"),
                ));
                Some((Ok(page), state))
            }
            Ok((page, Ok(next))) => {
                state.previous = cursor;
                state.next = match next {
                    Some(next) => Next::Fetch(Some(next)),
                    None => Next::Done,
                };
                Some((Ok(page), state))
            }
            Ok((page, Err(error))) => {
                state.next = Next::Fail(error);
                Some((Ok(page), state))
            }
            Err(error) => Some((Err(error), state)),
        }
    })
}

/// Walks every agent, page by page; see [`Client::all_agents`].
#[derive(Clone, Debug)]
#[must_use = "a pager does nothing until its stream is polled"]
pub struct AgentPager<'a> {
    client: &'a Client,
    size: Option<u32>,
    project_id: Option<String>,
}

impl<'a> AgentPager<'a> {
    /// Agents per page (kept on every page).
    pub fn size(mut self, size: u32) -> Self {
        self.size = Some(size);
        self
    }

    /// Only the agents of this project (kept on every page).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Every page, fetched when the previous one has been consumed.
    pub fn pages(self) -> impl Stream<Item = Result<types::AgentPage, Error>> + Send + 'a {
        let Self {
            client,
            size,
            project_id,
        } = self;
        pages("list_agents", None, move |cursor| {
            let project_id = project_id.clone();
            async move {
                let mut request = client.list_agents();
                if let Some(size) = size {
                    request = request.size(size);
                }
                if let Some(project_id) = project_id {
                    request = request.project_id(project_id);
                }
                if let Some(cursor) = cursor {
                    request = request.cursor(cursor);
                }
                let page = request.call().await?;
                let next = page.next_cursor();
                Ok((page, next))
            }
        })
    }

    /// Every agent, one page in memory at a time.
    pub fn stream(self) -> impl Stream<Item = Result<Agent, Error>> + Send + 'a {
        self.pages()
            .map_ok(|page| stream::iter(page.data.into_iter().map(Ok)))
            .try_flatten()
    }
}

/// Walks an agent's logs, page by page; see [`Client::all_logs`].
#[derive(Clone, Debug)]
#[must_use = "a pager does nothing until its stream is polled"]
pub struct LogPager<'a> {
    client: &'a Client,
    agent_id: String,
    size: Option<u32>,
    cursor: Option<String>,
}

impl<'a> LogPager<'a> {
    /// Entries per page (kept on every page).
    pub fn size(mut self, size: u32) -> Self {
        self.size = Some(size);
        self
    }

    /// Starts at this cursor instead of the first page.
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(cursor.into());
        self
    }

    /// Every page, fetched when the previous one has been consumed.
    pub fn pages(self) -> impl Stream<Item = Result<types::LogPage, Error>> + Send + 'a {
        let Self {
            client,
            agent_id,
            size,
            cursor,
        } = self;
        pages("get_agent_logs", cursor, move |cursor| {
            let agent_id = agent_id.clone();
            async move {
                let page = fetch_logs(client, &agent_id, size, cursor).await?;
                let next = page.next_cursor();
                Ok((page, next))
            }
        })
    }

    /// Every log entry, one page in memory at a time.
    pub fn stream(self) -> impl Stream<Item = Result<types::LogEntry, Error>> + Send + 'a {
        self.pages()
            .map_ok(|page| stream::iter(page.data.into_iter().map(Ok)))
            .try_flatten()
    }
}

/// One page of logs.
pub(crate) async fn fetch_logs(
    client: &Client,
    agent_id: &str,
    size: Option<u32>,
    cursor: Option<String>,
) -> Result<types::LogPage, Error> {
    let mut request = client.get_agent_logs().agent_id(agent_id);
    if let Some(size) = size {
        request = request.size(size);
    }
    if let Some(cursor) = cursor {
        request = request.cursor(cursor);
    }
    request.call().await
}

/// Walks a project's payment methods, page by page; see [`Client::all_payment_methods`].
#[derive(Clone, Debug)]
#[must_use = "a pager does nothing until its stream is polled"]
pub struct PaymentMethodPager<'a> {
    client: &'a Client,
    project_id: String,
}

impl<'a> PaymentMethodPager<'a> {
    /// Every page, fetched when the previous one has been consumed.
    pub fn pages(self) -> impl Stream<Item = Result<types::PaymentMethodPage, Error>> + Send + 'a {
        let Self { client, project_id } = self;
        pages("list_payment_methods", None, move |cursor| {
            let project_id = project_id.clone();
            async move {
                let mut request = client.list_payment_methods().project_id(project_id);
                if let Some(cursor) = cursor {
                    request = request.cursor(cursor);
                }
                let page = request.call().await?;
                let next = Ok(page.next_cursor().map(str::to_string));
                Ok((page, next))
            }
        })
    }

    /// Every payment method, one page in memory at a time.
    pub fn stream(self) -> impl Stream<Item = Result<types::PaymentMethod, Error>> + Send + 'a {
        self.pages()
            .map_ok(|page| stream::iter(page.data.into_iter().map(Ok)))
            .try_flatten()
    }
}

impl Client {
    /// Every agent of the account, as a stream that fetches the next page only when the
    /// previous one has been consumed.
    ///
    /// ```no_run
    /// use futures_util::TryStreamExt;
    ///
    /// # async fn run(client: fleek_api::Client) -> Result<(), fleek_api::Error> {
    /// let agents = client.all_agents().project_id("cm6k5x0qj0003l708b2v1c9ep").size(25).stream();
    /// futures_util::pin_mut!(agents);
    /// while let Some(agent) = agents.try_next().await? {
    ///     println!("{} {}", agent.name, agent.status);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn all_agents(&self) -> AgentPager<'_> {
        AgentPager {
            client: self,
            size: None,
            project_id: None,
        }
    }

    /// Every log entry of an agent, from the first page to the last, as a stream that fetches
    /// the next page only when the previous one has been consumed. To keep watching for new
    /// entries, see [`Client::follow_logs`].
    pub fn all_logs(&self, agent_id: impl Into<String>) -> LogPager<'_> {
        LogPager {
            client: self,
            agent_id: agent_id.into(),
            size: None,
            cursor: None,
        }
    }

    /// Every payment method of a project, as a stream that fetches the next page only when
    /// the previous one has been consumed.
    pub fn all_payment_methods(&self, project_id: impl Into<String>) -> PaymentMethodPager<'_> {
        PaymentMethodPager {
            client: self,
            project_id: project_id.into(),
        }
    }
}
