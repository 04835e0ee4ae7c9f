//! The documentation's code blocks and links, checked against the code: the READMEs and
//! every chapter of the guide (`docs/src`). Rust blocks are doctests (`src/lib.rs` includes
//! each file that has one); every `fleek-agents` line of a shell block is parsed by the
//! tool's own command tree, flags and values included, and names no hidden alias; every
//! `cargo xtask` line names a command xtask has; TOML, YAML and JSON blocks parse; a block
//! marked `<!-- output: fleek-agents ... -->` is what that command prints today; every
//! relative link reaches a file, and every `#anchor` a heading there.

use std::path::{Path, PathBuf};

use fleek_api::cli::{command, command_with_project};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

/// Every Markdown file the documentation consists of, with its text.
fn documents() -> Vec<(PathBuf, String)> {
    let mut files = vec![root().join("README.md"), root().join("fleek-api/README.md")];
    let mut chapters: Vec<PathBuf> = std::fs::read_dir(root().join("docs/src"))
        .expect("docs/src")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    chapters.sort();
    files.extend(chapters);
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable");
            (path, text)
        })
        .collect()
}

/// A fenced block: its info string (`rust,no_run`), its text, its first line's number, and
/// the command whose output it shows when a `<!-- output: COMMAND -->` line precedes it.
struct Block {
    info: String,
    text: String,
    line: usize,
    output_of: Option<String>,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    let mut previous = "";
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match (&mut open, trimmed.strip_prefix("```")) {
            (None, Some(info)) => {
                open = Some(Block {
                    info: info.trim().to_string(),
                    text: String::new(),
                    line: n + 1,
                    output_of: previous
                        .strip_prefix("<!-- output: ")
                        .and_then(|rest| rest.strip_suffix(" -->"))
                        .map(str::to_string),
                })
            }
            (Some(_), Some(_)) => out.extend(open.take()),
            (Some(block), None) => {
                block.text.push_str(line);
                block.text.push('\n');
            }
            (None, None) => {}
        }
        previous = trimmed;
    }
    out
}

/// What `command` (a `fleek-agents` line) prints, run from the workspace root with no
/// credential, profile or terminal: its standard output, then its standard error.
fn output_of(command: &str) -> Result<String, String> {
    let argv = words(command);
    let (program, args) = argv.split_first().ok_or("an empty command")?;
    if program != "fleek-agents" {
        return Err(format!(
            "only fleek-agents output is checked, not {program}"
        ));
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fleek-agents"))
        .args(args)
        .current_dir(root())
        .env("FLEEK_KEYRING", "off")
        .env(
            "FLEEK_CONFIG_DIR",
            root().join("target/guide-output-config"),
        )
        .env_remove("FLEEK_API_KEY")
        .env_remove("FLEEK_API_URL")
        .env_remove("FLEEK_PROJECT_ID")
        .env_remove("FLEEK_PROFILE")
        .env_remove("COLUMNS")
        .env_remove("GITHUB_ACTIONS")
        .output()
        .map_err(|e| format!("fleek-agents: {e}"))?;
    Ok(format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    ))
}

/// `line` split into words as `sh` would (quotes, backslashes), up to a `#` comment.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.get_or_insert_with(String::new).push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (None, '\\') => {
                if let Some(next) = chars.next() {
                    word.get_or_insert_with(String::new).push(next);
                }
            }
            (None, '#') if word.is_none() => break,
            (None, c) if c.is_whitespace() => out.extend(word.take()),
            (None, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    out.extend(word);
    out
}

/// A shell block's commands: continuation lines joined, split at `;`, `|` and `&&`.
fn commands(block: &str) -> Vec<String> {
    block
        .replace("\\\n", " ")
        .lines()
        .flat_map(|line| {
            // A comment ends the line; `#` inside a word (a URL's fragment) does not.
            let code = match line.find(" #") {
                Some(at) => &line[..at],
                None => line,
            };
            code.split(';')
                .flat_map(|part| part.split("&&"))
                .flat_map(|part| part.split('|'))
                .map(|part| part.trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|command| !command.is_empty())
        .collect()
}

/// A `fleek-agents` command line, parsed by the tool's command tree as it would be run by
/// a user with a default project (the guide's reader, after `auth login --project`): `Err`
/// with clap's message, or naming a hidden (deprecated) command it uses.
fn parses(line: &str) -> Result<(), String> {
    let argv = words(line);
    let tree = command_with_project("cm6k5x0qj0003l708b2v1c9ep");
    let matches = match tree.try_get_matches_from(&argv) {
        Ok(matches) => matches,
        // `--help` and `--version` are lines a reader runs too.
        Err(e)
            if matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
            ) =>
        {
            return Ok(())
        }
        Err(e) => return Err(e.render().to_string()),
    };
    let mut node = command();
    let mut matched = &matches;
    while let Some((name, sub)) = matched.subcommand() {
        let next = node
            .find_subcommand(name)
            .cloned()
            .ok_or_else(|| format!("no command {name}"))?;
        if next.is_hide_set() {
            return Err(format!("uses the deprecated `{name}`"));
        }
        node = next;
        matched = sub;
    }
    if node.has_subcommands() {
        return Err(format!("stops at the noun `{}`", node.get_name()));
    }
    Ok(())
}

#[test]
fn every_code_block_is_tested_by_its_kind() {
    let lib = std::fs::read_to_string(root().join("fleek-api/src/lib.rs")).expect("lib.rs");
    let xtask = std::fs::read_to_string(root().join("xtask/src/main.rs")).expect("xtask");
    let mut problems = Vec::new();
    let mut counts = std::collections::BTreeMap::new();
    for (path, text) in documents() {
        let name = path
            .strip_prefix(root())
            .expect("in the workspace")
            .display()
            .to_string();
        for block in blocks(&text) {
            let at = format!("{name}:{}", block.line);
            let kind = block.info.split(',').next().unwrap_or("").to_string();
            *counts.entry(kind.clone()).or_insert(0) += 1;
            match kind.as_str() {
                "rust" => {
                    // src/lib.rs includes the crate's README as `../README.md`, the others
                    // from the workspace root.
                    let included = if name == "fleek-api/README.md" {
                        "\"../README.md\"".to_string()
                    } else {
                        format!("\"../../{name}\"")
                    };
                    if !lib.contains(&format!("include_str!({included})")) {
                        problems.push(format!("{at}: Rust, but {name} is not a doctest"));
                    }
                    if block.info.contains("ignore") {
                        problems.push(format!("{at}: an ignored Rust block is not tested"));
                    }
                }
                "sh" => {
                    for line in commands(&block.text) {
                        if line.starts_with("fleek-agents ") {
                            if let Err(why) = parses(&line) {
                                problems.push(format!("{at}: `{line}`: {why}"));
                            }
                        } else if let Some(rest) = line.strip_prefix("cargo xtask ") {
                            let verb = rest.split_whitespace().next().unwrap_or("");
                            if !xtask.contains(&format!("[\"{verb}\"")) {
                                problems.push(format!("{at}: `{line}`: xtask has no {verb}"));
                            }
                        }
                    }
                }
                "toml" => {
                    if let Err(e) = toml::from_str::<toml::Table>(&block.text) {
                        problems.push(format!("{at}: TOML that does not parse: {e}"));
                    }
                }
                "yaml" => {
                    if let Err(e) = serde_yaml::from_str::<serde_yaml::Value>(&block.text) {
                        problems.push(format!("{at}: YAML that does not parse: {e}"));
                    }
                }
                "json" => {
                    if let Err(e) = serde_json::from_str::<serde_json::Value>(&block.text) {
                        problems.push(format!("{at}: JSON that does not parse: {e}"));
                    }
                }
                // A command's output, run again here and compared; without the marker,
                // a transcript quoted in the prose (read, not run).
                "text" => {
                    if let Some(command) = &block.output_of {
                        match output_of(command) {
                            Ok(printed) if printed == block.text => {
                                *counts.entry("output".to_string()).or_insert(0) += 1;
                            }
                            Ok(printed) => problems
                                .push(format!("{at}: `{command}` prints, today:\n{printed}")),
                            Err(why) => problems.push(format!("{at}: {why}")),
                        }
                    }
                }
                other => problems.push(format!("{at}: a ```{other} block no test checks")),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Each kind is there: a check that reads the wrong files would find none.
    for kind in ["rust", "sh", "toml", "yaml", "output"] {
        assert!(
            counts.get(kind).copied().unwrap_or(0) > 0,
            "no {kind} blocks: {counts:?}"
        );
    }
}

/// A heading's anchor, as mdBook and GitHub make it.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The lines of `text` outside its fenced blocks (the fences included, which hold neither
/// headings nor links).
fn prose(text: &str) -> impl Iterator<Item = &str> {
    let mut in_code = false;
    text.lines().filter(move |line| {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        !in_code
    })
}

fn anchors(text: &str) -> Vec<String> {
    prose(text)
        .filter_map(|line| line.strip_prefix('#'))
        .map(|heading| slug(heading.trim_start_matches('#')))
        .collect()
}

#[test]
fn every_link_reaches_a_file_and_a_heading() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for (path, text) in documents() {
        let dir = path.parent().expect("a directory");
        for line in prose(&text) {
            for target in line
                .split("](")
                .skip(1)
                .filter_map(|rest| rest.split(')').next())
            {
                let target = target.split_whitespace().next().unwrap_or("");
                if target.contains("://") || target.starts_with("mailto:") {
                    continue;
                }
                checked += 1;
                let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
                // The reference is built beside the guide by `cargo xtask docs`.
                if file == "reference/index.html" {
                    continue;
                }
                let resolved = if file.is_empty() {
                    path.clone()
                } else {
                    dir.join(file)
                };
                if !resolved.exists() {
                    problems.push(format!("{}: {target}: no such file", path.display()));
                    continue;
                }
                if !anchor.is_empty() && resolved.extension().is_some_and(|e| e == "md") {
                    let there = std::fs::read_to_string(&resolved).expect("readable");
                    if !anchors(&there).iter().any(|a| a == anchor) {
                        problems.push(format!("{}: {target}: no such heading", path.display()));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked > 20, "only {checked} links checked");
}

#[test]
fn the_word_splitter_reads_as_sh() {
    assert_eq!(
        words(r#"fleek-agents message Nova "What can you do?" # a comment"#),
        ["fleek-agents", "message", "Nova", "What can you do?"]
    );
    assert_eq!(words("a 'b c' d\\ e"), ["a", "b c", "d e"]);
    assert_eq!(
        commands("a; b | c && d\ne \\\n f"),
        ["a", "b", "c", "d", "e   f"]
    );
    assert!(parses("fleek-agents agent list --bogus").is_err());
    assert!(parses("fleek-agents agent").is_err());
    assert!(parses("fleek-agents agent list --all").is_ok());
}
