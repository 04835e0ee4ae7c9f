//! `logs`: an agent's log lines from its first page or a cursor on, narrowed by `since` and
//! `level`, as untrusted text with a cursor to read on.

use serde_json::json;

use super::{agent_id, Context, Outcome};
use crate::cli::mcp::answer::{failure, refusal, structured};
use crate::cli::mcp::args::Args;
use crate::types::LogEntry;
use crate::Call as _;

/// The most log entries one `logs` call returns (and its default).
pub(super) const MAX_LOG_ENTRIES: usize = 500;
const DEFAULT_LOG_ENTRIES: usize = 100;
/// Log pages read at most by one `logs` call.
const MAX_LOG_PAGES: usize = 50;

/// The lowest priority (syslog: 0 most severe) a `level` keeps.
fn level(name: &str) -> Option<u8> {
    match name {
        "error" => Some(3),
        "warning" => Some(4),
        "info" => Some(6),
        "debug" => Some(7),
        _ => None,
    }
}

/// `since` as seconds since the epoch.
fn since(text: &str) -> Result<i64, String> {
    let now = std::time::SystemTime::now();
    let at = match humantime::parse_duration(text) {
        Ok(back) => now.checked_sub(back).unwrap_or(std::time::UNIX_EPOCH),
        Err(_) => humantime::parse_rfc3339_weak(text).map_err(|_| {
            format!("`since` is {text:?}: give a duration (`15m`, `2h`) or a time (`2025-02-13T13:55:49Z`)")
        })?,
    };
    Ok(at
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)))
}

/// A `logs` cursor: the page to read and how many of its entries were returned already.
fn parse_cursor(text: &str) -> Option<(Option<String>, usize)> {
    let (skip, page) = text.split_once(':')?;
    let skip = skip.parse().ok()?;
    Some(((!page.is_empty()).then(|| page.to_string()), skip))
}

pub(super) async fn logs(context: &Context<'_>, mut args: Args) -> Outcome {
    let agent = match agent_id(context, &mut args).await? {
        Ok(id) => id,
        Err(result) => return Ok(result),
    };
    let since = match args.text("since")? {
        Some(text) => match since(&text) {
            Ok(at) => Some(at),
            Err(why) => return Ok(refusal(why)),
        },
        None => None,
    };
    let level = match args.text("level")? {
        Some(name) => match level(&name) {
            Some(level) => Some(level),
            None => return Ok(refusal("`level` is error, warning, info or debug")),
        },
        None => None,
    };
    let limit = args
        .take::<usize>("limit")?
        .unwrap_or(DEFAULT_LOG_ENTRIES)
        .clamp(1, MAX_LOG_ENTRIES);
    let (mut page, mut skip) = match args.text("cursor")? {
        Some(text) => match parse_cursor(&text) {
            Some(cursor) => cursor,
            None => return Ok(refusal("`cursor` is not one this tool returned")),
        },
        None => (None, 0),
    };
    args.finish()?;
    let keep = |entry: &LogEntry| {
        since.is_none_or(|at| entry.timestamp >= at)
            && level.is_none_or(|level| entry.priority.is_none_or(|p| p <= level))
    };
    let mut lines = Vec::new();
    let mut next_cursor = None;
    for _ in 0..MAX_LOG_PAGES {
        let mut request = context.client.get_agent_logs().agent_id(agent.as_str());
        if let Some(cursor) = &page {
            request = request.cursor(cursor.clone());
        }
        let read = match request.call().await {
            Ok(read) => read,
            Err(error) => return Ok(failure(&error)),
        };
        let next = match read.next_cursor() {
            Ok(next) => next.filter(|next| Some(next) != page.as_ref()),
            Err(error) => return Ok(failure(&error)),
        };
        let entries = read.data;
        let mut taken = skip;
        for entry in entries.iter().skip(skip) {
            if lines.len() == limit {
                break;
            }
            taken += 1;
            if keep(entry) {
                lines.push(crate::cli::logs::line(entry));
            }
        }
        if taken < entries.len() {
            next_cursor = Some(format!("{taken}:{}", page.clone().unwrap_or_default()));
            break;
        }
        match next {
            Some(next) if lines.len() < limit => {
                page = Some(next);
                skip = 0;
            }
            Some(next) => {
                next_cursor = Some(format!("0:{next}"));
                break;
            }
            // The last page for now: reading from it again later brings new lines.
            None => {
                next_cursor = Some(format!(
                    "{}:{}",
                    entries.len(),
                    page.clone().unwrap_or_default()
                ));
                break;
            }
        }
    }
    let mut result = structured(
        json!(lines.join("\n")),
        true,
        &format!("the logs of agent {agent}"),
    );
    let summary = format!(
        "{} line(s). To read on, call again with cursor: {:?}",
        lines.len(),
        // Past the last page read: the next one, from its start.
        next_cursor.unwrap_or_else(|| format!("{skip}:{}", page.unwrap_or_default()))
    );
    result
        .content
        .push(rmcp::model::ContentBlock::text(summary));
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_a_duration_or_a_time() {
        assert_eq!(since("2025-02-13T13:55:49Z"), Ok(1_739_454_949));
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs() as i64;
        let back = since("15m").expect("a duration");
        assert!((now - 900 - back).abs() <= 2, "{back}");
        assert!(since("yesterday-ish").is_err());
    }

    #[test]
    fn a_cursor_is_the_page_and_the_entries_taken() {
        assert_eq!(parse_cursor("3:abc"), Some((Some("abc".into()), 3)));
        assert_eq!(parse_cursor("0:"), Some((None, 0)));
        assert_eq!(parse_cursor("x:abc"), None);
    }
}
