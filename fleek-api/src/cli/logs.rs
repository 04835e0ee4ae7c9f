//! `fleek-agents logs <agent> [--follow]`: an agent's log, or its tail as it is written.

use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command};
use futures_util::future::{self, Either};
use futures_util::StreamExt;

use super::exit::CliError;
use super::output::{Format, Output};
use super::pages::{self, Reach};
use super::{args, duration};
use crate::logs::DEFAULT_FOLLOW_INTERVAL;
use crate::types::LogEntry;
use crate::{Client, ErrorKind};

pub(crate) fn command() -> Command {
    Command::new("logs")
        .about("Print an agent's log; with --follow, keep printing new lines until Ctrl-C")
        .long_about(
            "Print an agent's log, every page of it, oldest first as the API lists it. With \
             --follow, keep asking for new lines and print each once, until Ctrl-C. With \
             --output json, the entries are one JSON array as the API sent them; with \
             --follow, one entry per line (JSON lines).",
        )
        .arg(args::agent())
        .arg(
            Arg::new("follow")
                .long("follow")
                .short('f')
                .action(ArgAction::SetTrue)
                .help("Keep printing new lines until interrupted"),
        )
        .arg(
            Arg::new("interval")
                .long("interval")
                .value_name("DURATION")
                .value_parser(duration::parse)
                .help("With --follow, how often to ask for new lines [default: 2s]"),
        )
}

/// `agent` is the agent's id, resolved from what was typed (`resolve::agent`).
pub(crate) async fn run(
    client: &Client,
    agent: &str,
    matches: &ArgMatches,
    output: &Output,
) -> Result<(), CliError> {
    if matches.get_flag("follow") {
        let interval = args::duration_or(matches, "interval", DEFAULT_FOLLOW_INTERVAL);
        follow(client, agent, interval, output).await
    } else {
        all(client, agent, output).await
    }
}

/// Every page, printed as it arrives; in JSON, the entries of all pages as one array, each
/// exactly as received (with `-o jsonl`, one entry per line as pages arrive).
///
/// The walk is the list commands' `--all` (`pages::walk`): a last page that names itself
/// ends it (a journal does that while nothing new is written), and one already read stops
/// it with an error. When it stops early, what was read is printed first (in JSON, the
/// entries so far), then why.
async fn all(client: &Client, agent: &str, output: &Output) -> Result<(), CliError> {
    let request = client.get_agent_logs().agent_id(agent);
    let mut entries = Vec::new();
    let stopped = pages::walk(request, Reach::ALL, |page, items| {
        match output.format {
            Format::Human => {
                for entry in &page.value.data {
                    output.line(&line(entry))?;
                }
            }
            Format::JsonLines => {
                for item in &items {
                    output.line(&item.to_string())?;
                }
            }
            Format::Json => entries.extend(items),
        }
        Ok(())
    })
    .await?;
    if output.format == Format::Json {
        output.document(&serde_json::Value::Array(entries))?;
    }
    match stopped {
        Some(error) => Err(error.into()),
        None => Ok(()),
    }
}

/// New entries until Ctrl-C, which ends the command as a success.
async fn follow(
    client: &Client,
    agent: &str,
    interval: Duration,
    output: &Output,
) -> Result<(), CliError> {
    let entries = client.follow_logs(agent).interval(interval).stream();
    futures_util::pin_mut!(entries);
    let interrupted = tokio::signal::ctrl_c();
    futures_util::pin_mut!(interrupted);
    loop {
        let next = match future::select(entries.next(), interrupted.as_mut()).await {
            Either::Left((next, _)) => next,
            Either::Right(_) => return Ok(()),
        };
        match next {
            Some(Ok(entry)) => match output.format {
                Format::Human => output.line(&line(&entry))?,
                Format::Json | Format::JsonLines => {
                    output.line(&serde_json::to_string(&entry).unwrap_or_default())?
                }
            },
            // The agent or the key is wrong: asking again will not help.
            Some(Err(error)) if error.kind() == ErrorKind::Status => return Err(error.into()),
            // A network failure: the follower carries on from where it was.
            Some(Err(error)) => output.warn(&format!("{error}; trying again")),
            None => return Ok(()),
        }
    }
}

/// One entry as a log line: `2025-02-13 13:55:49Z info    message`.
pub(crate) fn line(entry: &LogEntry) -> String {
    let level = match entry.priority {
        Some(0) => "emerg",
        Some(1) => "alert",
        Some(2) => "crit",
        Some(3) => "error",
        Some(4) => "warning",
        Some(5) => "notice",
        Some(6) => "info",
        Some(7) => "debug",
        _ => "-",
    };
    format!(
        "{} {level:<7} {}",
        utc(entry.timestamp),
        entry.message.trim_end()
    )
}

/// Seconds since the Unix epoch as `YYYY-MM-DD HH:MM:SSZ`.
fn utc(seconds: i64) -> String {
    let (date, time) = crate::civil::civil(seconds);
    format!("{date} {time}Z")
}

#[cfg(test)]
mod tests {
    use super::utc;

    #[test]
    fn timestamps_read_as_utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00Z");
        assert_eq!(utc(1_739_454_949), "2025-02-13 13:55:49Z");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00Z");
        assert_eq!(utc(-1), "1969-12-31 23:59:59Z");
    }
}
