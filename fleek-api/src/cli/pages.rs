//! `--all` and `--limit` on the generated list commands, and the walk over pages they share
//! with `logs`.
//!
//! The walk is the library's (`paging::raw_pages`): a last page that names itself ends it,
//! a page already read stops it with an error, so no walk can go round forever. What was
//! read before a walk stops is printed first, then why it stopped.

use std::any::Any;

use clap::{Arg, ArgAction, ArgMatches};
use futures_util::StreamExt;
use serde_json::Value;

use super::exit::CliError;
use super::output::{Format, Output};
use crate::paging::{raw_pages, Paged, RawPage};

/// `--all` and `--limit N`, for a paged operation's command.
pub(crate) fn args() -> [Arg; 2] {
    [
        Arg::new("all")
            .long("all")
            .action(ArgAction::SetTrue)
            .help("Follow the pages to the last one: one table, one JSON array, or JSON lines as pages arrive"),
        Arg::new("limit")
            .long("limit")
            .value_name("N")
            .value_parser(limit)
            .help("Show at most N items, following pages as far as needed"),
    ]
}

/// `--limit`: a count of at least 1.
fn limit(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err(
            "--limit is the most items to show and must be at least 1; leave it \
                      out for one page, or use --all for every page"
                .to_string(),
        ),
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "--limit takes a whole number of items, not {text:?}"
        )),
    }
}

/// How far a walk goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Reach {
    /// Follow `next` pages (otherwise one page, or as many as `limit` needs).
    pub(crate) all: bool,
    /// The most items to take.
    pub(crate) limit: Option<usize>,
}

impl Reach {
    /// Every item of every page.
    pub(crate) const ALL: Reach = Reach {
        all: true,
        limit: None,
    };

    fn of(matches: &ArgMatches) -> Reach {
        Reach {
            all: matches.get_flag("all"),
            limit: matches.get_one::<usize>("limit").copied(),
        }
    }

    /// Whether it goes beyond the page asked for.
    fn follows(self) -> bool {
        self.all || self.limit.is_some()
    }
}

/// Walks the pages from `request` within `reach`, handing each page and its items (as the
/// API sent them, cut to the limit) to `each`. `Ok(Some(error))` when the walk stopped
/// early on an API or paging error; `Err` when `each` failed.
pub(crate) async fn walk<P>(
    request: P,
    reach: Reach,
    mut each: impl FnMut(&RawPage<P::Output>, Vec<Value>) -> Result<(), CliError>,
) -> Result<Option<crate::Error>, CliError>
where
    P: Paged,
    P::Output: Send,
{
    let pages = raw_pages(request);
    futures_util::pin_mut!(pages);
    let mut left = reach.limit;
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(page) => page,
            Err(error) => return Ok(Some(error)),
        };
        let mut items = raw_items(page.raw.body(), P::ITEMS);
        if let Some(left) = &mut left {
            items.truncate(*left);
            *left -= items.len();
        }
        each(&page, items)?;
        let done = match left {
            Some(left) => left == 0,
            None => !reach.all,
        };
        if done {
            break;
        }
    }
    Ok(None)
}

/// Shows a paged operation's answer: the page asked for, as any answer is shown, or with
/// `--all`/`--limit` (or `-o jsonl`) the items of the pages walked.
pub(crate) async fn show<P>(
    request: P,
    matches: &ArgMatches,
    output: &Output,
) -> Result<(), CliError>
where
    P: Paged,
    P::Output: Any + Send + serde::de::DeserializeOwned,
{
    let reach = Reach::of(matches);
    if !reach.follows() && output.format != Format::JsonLines {
        return output.show(request.call_raw()).await;
    }
    let reach = if reach.follows() {
        reach
    } else {
        // `-o jsonl` on one page: that page's items.
        Reach {
            all: false,
            limit: None,
        }
    };
    let mut all = Vec::new();
    let mut last: Option<Value> = None;
    let stopped = walk(request, reach, |page, mut items| {
        for item in &mut items {
            super::output::conceal(item, None);
        }
        match output.format {
            Format::JsonLines => {
                for item in &items {
                    output.line(&item.to_string())?;
                }
            }
            Format::Json | Format::Human => {
                all.extend(items);
                last = serde_json::from_slice(page.raw.body()).ok();
            }
        }
        Ok(())
    })
    .await?;
    match output.format {
        Format::JsonLines => {}
        Format::Json => output.document(&Value::Array(all))?,
        Format::Human => {
            // One page holding every item read, and no next page: one table.
            let mut page = match last {
                Some(Value::Object(page)) => page,
                _ => serde_json::Map::new(),
            };
            page.insert(P::ITEMS.to_string(), Value::Array(all));
            page.insert(P::NEXT.to_string(), Value::Null);
            let body = Value::Object(page);
            match serde_json::from_value::<P::Output>(body.clone()) {
                Ok(value) => output.decoded(&value, body.to_string().as_bytes())?,
                Err(_) => output.line(&serde_json::to_string_pretty(&body).unwrap_or_default())?,
            }
        }
    }
    match stopped {
        Some(error) => Err(error.into()),
        None => Ok(()),
    }
}

/// The items of a page as the API sent them.
pub(crate) fn raw_items(body: &[u8], field: &str) -> Vec<Value> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(mut page)) => match page.remove(field) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_is_a_count_of_at_least_one() {
        assert_eq!(limit("3"), Ok(3));
        let zero = limit("0").expect_err("0 refused");
        assert!(
            zero.contains("at least 1") && zero.contains("--all"),
            "{zero}"
        );
        assert!(limit("-1").is_err());
        assert!(limit("many").is_err());
    }

    #[test]
    fn items_are_read_from_the_named_field_as_sent() {
        let body = br#"{"data":[{"id":"a","extra":1.50},{"id":"b"}],"next_page":null}"#;
        let items = raw_items(body, "data");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0]["extra"], serde_json::json!(1.5));
        assert!(raw_items(b"not json", "data").is_empty());
        assert!(raw_items(br#"{"data":{}}"#, "data").is_empty());
    }
}
