//! The `--help` tree, snapshotted: a spec change that adds, renames or re-documents an
//! operation shows up here in `cargo xtask codegen`'s diff.

use fleek_api::cli::command;

/// Every listed command's `--help`, depth first, at a fixed width (the hidden, deprecated
/// aliases are left out: they print what they always did).
fn help_tree() -> String {
    let mut root = command().term_width(100);
    root.build();
    let mut out = String::new();
    render(&mut root, "fleek-agents", &mut out);
    out
}

fn render(command: &mut clap::Command, path: &str, out: &mut String) {
    out.push_str(&format!("===== {path} --help\n"));
    out.push_str(&command.render_long_help().to_string());
    out.push('\n');
    let names: Vec<String> = command
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set())
        .map(|sub| sub.get_name().to_string())
        .filter(|name| name != "help")
        .collect();
    for name in names {
        if let Some(sub) = command.find_subcommand_mut(&name) {
            render(sub, &format!("{path} {name}"), out);
        }
    }
}

#[test]
fn the_help_tree() {
    insta::assert_snapshot!(help_tree());
}

#[test]
fn every_operation_of_the_spec_has_a_place_in_the_tree() {
    let root = command();
    for id in crate::common::operation_ids() {
        let operation = crate::common::operation(&id);
        let place = &operation["x-command"];
        let (noun, verb) = (
            place["noun"].as_str().expect("a noun"),
            place["verb"].as_str().expect("a verb"),
        );
        let sub = root
            .find_subcommand(noun)
            .and_then(|noun| noun.find_subcommand(verb))
            .unwrap_or_else(|| panic!("no `{noun} {verb}` for {id}"));
        if place["hand-written"] == true {
            continue;
        }
        let summary = operation["summary"].as_str().unwrap_or_default();
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        assert!(
            about.ends_with(summary),
            "`{noun} {verb}` is described by {id}'s summary: {about}"
        );
        assert_eq!(sub.is_hide_set(), place["hidden"] == true, "{id}");
        // The operationId stays, as a hidden alias.
        let alias = root
            .find_subcommand(id.replace('_', "-"))
            .expect("an alias");
        assert!(alias.is_hide_set(), "{id}");
    }
}

#[test]
fn help_goes_to_stdout_and_exits_zero() {
    let run = super::fleek_agents(&["--help"]).run();
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("Exit codes:"), "{}", run.stdout);
    assert!(run.stdout.contains("FLEEK_API_KEY"));
    let run = super::fleek_agents(&["deploy", "--help"]).run();
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("--project <PROJECT>"), "{}", run.stdout);
}

#[test]
fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = super::fleek_agents(&["completions", shell]).run();
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains("fleek-agents"), "{shell}");
        // The code calls back into the binary, which completes names from the API.
        assert!(run.stdout.contains("COMPLETE"), "{shell}: {}", run.stdout);
    }
    let run = super::fleek_agents(&["completions", "cmd.exe"]).run();
    assert_eq!(run.code, 2);
}

/// The man pages `cargo xtask man` writes: one per command, nested ones included, each with
/// the sections `man` shows and the command's own options.
#[test]
fn a_man_page_is_written_for_every_command() {
    fn names(command: &clap::Command, path: &str, out: &mut Vec<String>) {
        out.push(path.to_string());
        for sub in command
            .get_subcommands()
            .filter(|sub| sub.get_name() != "help" && !sub.is_hide_set())
        {
            names(sub, &format!("{path}-{}", sub.get_name()), out);
        }
    }
    let dir = super::scratch("man");
    clap_mangen::generate_to(command(), &dir).expect("pages written");
    let mut expected = Vec::new();
    names(&command(), "fleek-agents", &mut expected);
    assert!(expected.len() > 40, "{expected:?}");
    for name in &expected {
        let page = std::fs::read_to_string(dir.join(format!("{name}.1")))
            .unwrap_or_else(|e| panic!("{name}.1: {e}"));
        for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS"] {
            assert!(page.contains(section), "{name}.1 has no {section}");
        }
    }
    let list = std::fs::read_to_string(dir.join("fleek-agents-agent-list.1")).expect("written");
    assert!(
        list.contains("\\-\\-all") && list.contains("\\-\\-limit"),
        "{list}"
    );
    let delete = std::fs::read_to_string(dir.join("fleek-agents-agent-delete.1")).expect("written");
    assert!(
        !dir.join("fleek-agents-get-agent.1").exists(),
        "no page for a hidden alias"
    );
    assert!(delete.contains("\\-\\-yes"), "{delete}");
}
