//! Paged list operations as `Stream`s, lazily, one page in memory at a time.
//!
//! Which operations are paged, and how, comes from the spec: each list operation carries
//! `x-pagination: {items, next, cursor}`, and `fleek-api-gen` implements `Paged` for its
//! builder and gives the builder `pages()` and `stream()`:
//!
//! ```no_run
//! use futures_util::TryStreamExt;
//!
//! # async fn run(client: fleek_api::Client) -> Result<(), fleek_api::Error> {
//! let agents = client.list_agents().project_id("cm6k5x0qj0003l708b2v1c9ep").size(25).stream();
//! futures_util::pin_mut!(agents);
//! while let Some(agent) = agents.try_next().await? {
//!     println!("{} {}", agent.name, agent.status);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The request's filters and `size` are kept on every page: the stream clones the request
//! and sets only the cursor.

use futures_util::stream::{self, Stream, TryStreamExt};

use crate::call::{Call, Raw};
use crate::error::{Error, ErrorKind};

/// The `cursor` query parameter of a `next_page` URL (absolute, or relative to the API).
///
/// ```
/// let url = "https://api.fleek.xyz/api/v1/ai-agents/a1/logs?cursor=czph&size=30";
/// assert_eq!(fleek_api::paging::cursor_from_url(url).as_deref(), Some("czph"));
/// assert_eq!(fleek_api::paging::cursor_from_url("/api/v1/ai-agents?cursor=Y2&size=5").as_deref(), Some("Y2"));
/// assert_eq!(fleek_api::paging::cursor_from_url("https://api.fleek.xyz/api/v1/ai-agents"), None);
/// ```
pub fn cursor_from_url(url: &str) -> Option<String> {
    query_parameter(url, "cursor")
}

/// The query parameter `name` of a URL, absolute or relative.
fn query_parameter(url: &str, name: &str) -> Option<String> {
    // Only the query matters, so it is read without parsing the whole URL: a full parse
    // costs more than the rest of a page's request. The query runs from the first `?` to the
    // fragment's `#` (a `?` after the `#` belongs to the fragment), and is decoded as
    // `Url::query_pairs` decodes it.
    let url = url.split_once('#').map_or(url, |(url, _)| url);
    let (_, query) = url.split_once('?')?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// What a page's next-page field holds (the spec's `format: uri` tells which).
#[derive(Clone, Copy, Debug)]
pub(crate) enum NextField {
    /// A URL whose query parameter of this name is the cursor.
    Url(&'static str),
    /// The cursor itself.
    Cursor,
}

/// A page's next-page field, whether the spec makes it optional or not.
pub(crate) trait AsNext {
    fn as_next(&self) -> Option<&str>;
}

impl AsNext for Option<String> {
    fn as_next(&self) -> Option<&str> {
        self.as_deref()
    }
}

impl AsNext for String {
    fn as_next(&self) -> Option<&str> {
        Some(self)
    }
}

/// The cursor of the page after one whose next-page field is `value`: `Ok(None)` on the last
/// page (`null`, absent or empty), an error when a URL carries no cursor (following it could
/// loop forever).
pub(crate) fn next_cursor(
    operation: &'static str,
    next: NextField,
    value: Option<&str>,
) -> Result<Option<String>, Error> {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    match next {
        NextField::Cursor => Ok(Some(value.to_string())),
        NextField::Url(parameter) => query_parameter(value, parameter).map(Some).ok_or_else(|| {
            Error::new(
                operation,
                ErrorKind::Decode,
                format!(
                    "the next page {value:?} has no {parameter} parameter; paging cannot continue"
                ),
            )
        }),
    }
}

/// Where a walk goes after reading the page at `current`, whose next cursor is `next`;
/// `seen` holds the cursors of the pages read before it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// On, to the page at this cursor.
    To(String),
    /// The walk is over: no next page, or a next page that names the page just read. A
    /// journal hands back its own cursor on its last page while nothing new is written;
    /// asking again at once would repeat the same page forever.
    End,
    /// The next page names a page already read: following it would go round in a loop.
    Loop(String),
}

/// The rule every walk over pages follows (the streams, the CLI's lists and `logs`); see
/// [`Step`]. A cycle of any length ends the walk, so every walk is bounded by the number of
/// distinct cursors the API hands out.
pub(crate) fn step(
    next: Option<String>,
    current: Option<&str>,
    seen: &std::collections::HashSet<String>,
) -> Step {
    match next {
        None => Step::End,
        Some(next) if Some(next.as_str()) == current => {
            tracing::debug!(cursor = %next, "the last page names itself; the walk ends here");
            Step::End
        }
        Some(next) if seen.contains(&next) => Step::Loop(next),
        Some(next) => Step::To(next),
    }
}

/// A paged operation's builder; implemented by `fleek-api-gen` for every operation with
/// `x-pagination`.
pub(crate) trait Paged: Call + Clone + Send + Sized {
    /// The operationId, for errors.
    const OPERATION: &'static str;
    /// The page's field that holds the items, as the JSON names it (read by the CLI's
    /// `--all`).
    #[cfg_attr(not(feature = "cli"), allow(dead_code))]
    const ITEMS: &'static str;
    /// The page's field that names the next page, as the JSON names it.
    #[cfg_attr(not(feature = "cli"), allow(dead_code))]
    const NEXT: &'static str;
    /// One element of a page.
    type Item: Send;
    /// The same request for the page at `cursor`.
    fn with_cursor(self, cursor: String) -> Self;
    /// The cursor of the page after `page`, `Ok(None)` on the last page.
    fn next_cursor(page: &Self::Output) -> Result<Option<String>, Error>;
    /// The page's items.
    fn into_items(page: Self::Output) -> Vec<Self::Item>;
}

/// One page of a walk: as received (for callers that print the API's own bytes) and
/// decoded.
pub(crate) struct RawPage<T> {
    /// Read by the CLI, which prints what the API sent.
    #[cfg_attr(not(feature = "cli"), allow(dead_code))]
    pub(crate) raw: Raw<T>,
    pub(crate) value: T,
}

/// Every page from `first` on, as received and decoded, each fetched when the previous one
/// has been read. Stops after the last page (a page whose next page names itself is the
/// last: see [`Step`]), after an error, or, with an error, when the API hands back the
/// cursor of a page already read (which would loop forever). A page whose successor cannot
/// be found is still yielded, before the error.
pub(crate) fn raw_pages<'a, P>(
    first: P,
) -> impl Stream<Item = Result<RawPage<P::Output>, Error>> + Send + 'a
where
    P: Paged + 'a,
    P::Output: Send,
{
    /// What the walk does next.
    enum Walk<P> {
        Fetch(P, Option<String>),
        Fail(Error),
        Done,
    }
    struct State<P> {
        next: Walk<P>,
        seen: std::collections::HashSet<String>,
    }
    let state = State {
        next: Walk::Fetch(first, None),
        seen: std::collections::HashSet::new(),
    };
    stream::unfold(state, |mut state| async move {
        let (request, cursor) = match std::mem::replace(&mut state.next, Walk::Done) {
            Walk::Done => return None,
            Walk::Fail(error) => return Some((Err(error), state)),
            Walk::Fetch(request, cursor) => (request, cursor),
        };
        let page = match request.clone().call_raw().await {
            Ok(raw) => raw.value().map(|value| RawPage { raw, value }),
            Err(error) => Err(error),
        };
        let page = match page {
            Ok(page) => page,
            Err(error) => return Some((Err(error), state)),
        };
        state.next = match P::next_cursor(&page.value) {
            Ok(next) => match step(next, cursor.as_deref(), &state.seen) {
                Step::To(next) => {
                    state.seen.extend(cursor);
                    Walk::Fetch(request.with_cursor(next.clone()), Some(next))
                }
                Step::End => Walk::Done,
                Step::Loop(next) => Walk::Fail(looped(P::OPERATION, &next)),
            },
            Err(error) => {
                tracing::warn!(operation = P::OPERATION, %error, "the walk over pages stops");
                Walk::Fail(error)
            }
        };
        Some((Ok(page), state))
    })
}

/// Every page from `first` on, decoded; see [`raw_pages`].
pub(crate) fn pages<'a, P>(first: P) -> impl Stream<Item = Result<P::Output, Error>> + Send + 'a
where
    P: Paged + 'a,
    P::Output: Send,
{
    raw_pages(first).map_ok(|page| page.value)
}

/// The error of a walk that would go round in a loop.
pub(crate) fn looped(operation: &'static str, cursor: &str) -> Error {
    tracing::warn!(
        operation,
        cursor,
        "the next page names a page already read; the walk stops"
    );
    Error::new(
        operation,
        ErrorKind::Decode,
        format!(
            "the API's next page (cursor {cursor:?}) is a page already read; stopping here \
             rather than going round in a loop (what was read before is kept; to see where \
             the API repeats, read the pages one at a time with their cursors)"
        ),
    )
}

/// Every item of every page from `first` on; see [`pages`].
pub(crate) fn items<'a, P>(first: P) -> impl Stream<Item = Result<P::Item, Error>> + Send + 'a
where
    P: Paged + 'a,
    P::Output: Send,
{
    pages(first)
        .map_ok(|page| stream::iter(P::into_items(page).into_iter().map(Ok)))
        .try_flatten()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::{query_parameter, step, Step};

    #[test]
    fn a_walk_ends_on_a_page_that_names_itself_and_stops_on_a_cycle_of_any_length() {
        let none = HashSet::new();
        assert_eq!(step(None, Some("a"), &none), Step::End);
        assert_eq!(
            step(Some("b".into()), Some("a"), &none),
            Step::To("b".into())
        );
        assert_eq!(step(Some("b".into()), None, &none), Step::To("b".into()));
        assert_eq!(step(Some("a".into()), Some("a"), &none), Step::End);
        let read: HashSet<String> = ["a".to_string(), "b".to_string()].into();
        assert_eq!(
            step(Some("a".into()), Some("c"), &read),
            Step::Loop("a".into())
        );
    }

    /// The query read as a full URL parse reads it.
    fn parsed(url: &str, name: &str) -> Option<String> {
        let base = reqwest::Url::parse("https://api.fleek.xyz/").ok()?;
        let url = base.join(url).ok()?;
        url.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    }

    #[test]
    fn a_query_parameter_reads_as_a_full_url_parse_reads_it() {
        let urls = [
            "https://api.fleek.xyz/api/v1/ai-agents/a1/logs?cursor=czph&size=30",
            "https://api.fleek.xyz/api/v1/ai-agents/a1/logs?size=30&cursor=czph",
            "/api/v1/ai-agents?cursor=Y2&size=5",
            "?cursor=Y2",
            "https://api.fleek.xyz/logs?cursor=s%3Da65%3Bi%3D1%3Bb%3D59&size=30",
            "https://api.fleek.xyz/logs?cursor=a+b%2Bc",
            "https://api.fleek.xyz/logs?cursor=&size=30",
            "https://api.fleek.xyz/logs?cursor=1&cursor=2",
            "https://api.fleek.xyz/logs?cursor=1#cursor=2",
            "https://api.fleek.xyz/logs#frag?cursor=2",
            "https://api.fleek.xyz/logs?cursors=1&xcursor=2",
            "https://api.fleek.xyz/logs?cursor",
            "https://api.fleek.xyz/logs?size=30",
            "https://api.fleek.xyz/logs",
            "https://api.fleek.xyz/logs?cursor=%E2%9C%93",
        ];
        for url in urls {
            assert_eq!(
                query_parameter(url, "cursor"),
                parsed(url, "cursor"),
                "{url}"
            );
        }
        assert_eq!(
            query_parameter("https://x/l?cursor=s%3Da65%3Bi%3D1", "cursor").as_deref(),
            Some("s=a65;i=1")
        );
        assert_eq!(query_parameter("https://x/l#f?cursor=2", "cursor"), None);
    }
}
