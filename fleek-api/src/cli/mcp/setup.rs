//! `--print-config` (what each client needs to start the server) and `--list` (the tools
//! offered, their annotations, and what their list costs a conversation).

use std::fmt::Write as _;

use clap::ArgMatches;
use serde_json::json;

use super::tool::Entry;
use crate::cli::exit::CliError;
use crate::cli::Session;

/// The flags of this invocation that choose the tools, to start the server the same way.
fn chosen_flags(session: &Session<'_>, matches: &ArgMatches) -> Vec<String> {
    let mut args = vec!["mcp".to_string()];
    if let Some(profile) = session.global.get_one::<String>("profile") {
        args.extend(["--profile".to_string(), profile.clone()]);
    }
    if matches.get_flag("read-only") {
        args.push("--read-only".into());
    }
    for flag in ["toolsets", "tools", "exclude-tools"] {
        if let Some(values) = matches.get_many::<String>(flag) {
            let values: Vec<&str> = values.map(String::as_str).collect();
            args.push(format!("--{flag}={}", values.join(",")));
        }
    }
    args
}

/// The configuration `client` reads, for this binary and these flags. No credential is in
/// it: the server finds them as every command does (`fleek-agents auth login` once).
pub(crate) fn config(
    client: &str,
    session: &Session<'_>,
    matches: &ArgMatches,
) -> Result<String, CliError> {
    let command = std::env::current_exe()
        .map(|path| path.display().to_string())
        .unwrap_or_else(|_| "fleek-agents".into());
    let args = chosen_flags(session, matches);
    let server = json!({"command": command, "args": args});
    let text = match client {
        "claude-code" => {
            let quoted: Vec<String> = std::iter::once(command.clone())
                .chain(args.iter().cloned())
                .map(|word| shell_quote(&word))
                .collect();
            return Ok(format!("claude mcp add fleek -- {}", quoted.join(" ")));
        }
        "vscode" => {
            json!({"servers": {"fleek": {"type": "stdio", "command": command, "args": args}}})
        }
        // Claude Desktop and Cursor read the same shape.
        _ => json!({"mcpServers": {"fleek": server}}),
    };
    Ok(serde_json::to_string_pretty(&text).unwrap_or_default())
}

fn shell_quote(word: &str) -> String {
    if word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./=,:".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The size of the `tools/list` answer for `tools`, in bytes.
pub(crate) fn list_bytes(tools: &[Entry]) -> usize {
    let tools: Vec<&rmcp::model::Tool> = tools.iter().map(|entry| &entry.tool).collect();
    serde_json::to_string(&json!({"tools": tools})).map_or(0, |text| text.len())
}

/// One line per tool: its name, toolset and annotations; then the size of the list.
pub(crate) fn list(tools: &[Entry]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<30} {:<8} {:<9} {:<11} {:<10} {:<10} {:<4} UNTRUSTED",
        "TOOL", "TOOLSET", "READ-ONLY", "DESTRUCTIVE", "IDEMPOTENT", "OPEN-WORLD", "ASKS"
    );
    let yes = |flag: Option<bool>| match flag {
        Some(true) => "yes",
        Some(false) => "no",
        None => "?",
    };
    for entry in tools {
        let hints = entry.tool.annotations.clone().unwrap_or_default();
        let _ = writeln!(
            out,
            "{:<30} {:<8} {:<9} {:<11} {:<10} {:<10} {:<4} {}",
            entry.name(),
            entry.toolset,
            yes(hints.read_only_hint),
            yes(hints.destructive_hint),
            yes(hints.idempotent_hint),
            yes(hints.open_world_hint),
            if entry.guard.is_some() { "yes" } else { "no" },
            if entry.untrusted { "yes" } else { "no" },
        );
    }
    let bytes = list_bytes(tools);
    let _ = write!(
        out,
        "{} tools; their list (tools/list) is {bytes} bytes, about {} tokens at 4 bytes each",
        tools.len(),
        bytes.div_ceil(4)
    );
    out
}
