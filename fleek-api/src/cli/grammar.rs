//! The command tree of `fleek-agents`: nouns and verbs (`agent view nova`), generated from
//! the spec's `x-command` table, beside the hand-written commands; the subject of a command
//! as its first argument, by id or by name; and the operationIds of earlier versions as
//! hidden, deprecated aliases.
//!
//! ```text
//! fleek-agents agent list|create|view|update|delete|publish|start|stop|logs|status|
//!                    message|attestation|public|api
//! fleek-agents subscription list|create|view|cancel|quantity|set-quantity|checkout
//! fleek-agents payment-method list|view|portal
//! fleek-agents plan list
//! fleek-agents framework list
//! fleek-agents deploy | validate | logs | status | message | auth | simulate |
//!              completions | version
//! ```
//!
//! Names kept for what comes next, so that nothing collides (`fleet` is the manifest's
//! commands; the subscription plans are `plan list`):
//! `mcp` (the server for AI assistants).

use clap::{Arg, ArgMatches, Command};

use super::args;
use super::confirm;
use super::exit::CliError;
use super::generated::Operation;
use super::output::{Format, Output};
use super::Session;

/// The release in which the deprecated spellings go (the next minor version).
pub(crate) const REMOVED_IN: &str = "0.4.0";

/// A noun of the tree.
struct Noun {
    name: &'static str,
    about: &'static str,
}

const NOUNS: [Noun; 5] = [
    Noun {
        name: "agent",
        about: "Create, inspect, run and remove agents",
    },
    Noun {
        name: "subscription",
        about: "A project's subscriptions: what pays for its agents",
    },
    Noun {
        name: "payment-method",
        about: "A project's saved cards, and the portal that manages them",
    },
    Noun {
        name: "plan",
        about: "The plans a project can subscribe to",
    },
    Noun {
        name: "framework",
        about: "The Eliza versions an agent can run",
    },
];

/// What a subject argument names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Subject {
    /// An agent, by id or by name.
    Agent,
    /// A subscription, by id.
    Subscription,
    /// A payment method, by id.
    PaymentMethod,
}

impl Subject {
    fn of(id: &str) -> Option<Subject> {
        match id {
            "agent-id" => Some(Subject::Agent),
            "subscription-id" => Some(Subject::Subscription),
            "payment-method-id" => Some(Subject::PaymentMethod),
            _ => None,
        }
    }

    fn value_name(self) -> &'static str {
        match self {
            Subject::Agent => "AGENT",
            Subject::Subscription => "SUBSCRIPTION",
            Subject::PaymentMethod => "PAYMENT_METHOD",
        }
    }

    fn help(self) -> &'static str {
        match self {
            Subject::Agent => args::AGENT_HELP,
            Subject::Subscription => "The subscription's id (`subscription list` shows them)",
            Subject::PaymentMethod => "The payment method's id (`payment-method list` shows them)",
        }
    }
}

/// The nouns, each with its verbs: the spec's operations where `x-command` places them,
/// and the hand-written verbs of `agent`.
pub(crate) fn nouns() -> Vec<Command> {
    // The nouns above, in their order, then any other the spec names (a new operation
    // placed under a new noun is in the tree before anyone writes its description here).
    let mut names: Vec<(&'static str, String)> = NOUNS
        .iter()
        .map(|noun| (noun.name, noun.about.to_string()))
        .collect();
    for operation in Operation::ALL {
        let noun = operation.entry().noun;
        if !names.iter().any(|(name, _)| *name == noun) {
            names.push((noun, format!("The API's {noun} operations")));
        }
    }
    names
        .into_iter()
        .map(|(name, about)| {
            let mut command = Command::new(name)
                .about(about)
                .subcommand_required(true)
                .arg_required_else_help(true);
            for operation in Operation::ALL {
                let entry = operation.entry();
                if entry.noun == name && !entry.hand_written {
                    command = command.subcommand(placed(*operation));
                }
            }
            if name == "agent" {
                command = command.subcommands(hand_written_verbs());
            }
            command
        })
        .collect()
}

/// The hand-written verbs of `agent`.
fn hand_written_verbs() -> [Command; 4] {
    [
        super::logs::command(),
        super::status::command(),
        super::proxy::message_command(),
        super::proxy::api_command(),
    ]
    .map(|command| {
        let rank = rank(command.get_name());
        command.display_order(rank)
    })
}

/// The order verbs are listed in: reading first, then the lifecycle, then the rest.
const VERB_ORDER: [&str; 19] = [
    "list",
    "view",
    "create",
    "update",
    "publish",
    "start",
    "stop",
    "delete",
    "logs",
    "status",
    "message",
    "attestation",
    "public",
    "api",
    "cancel",
    "quantity",
    "set-quantity",
    "checkout",
    "portal",
];

fn rank(verb: &str) -> usize {
    VERB_ORDER
        .iter()
        .position(|v| *v == verb)
        .unwrap_or(VERB_ORDER.len())
}

/// An operation's command as the tree holds it: named for its verb, its subject first and
/// positional, `--project` for `--project-id` (kept as a hidden alias), `--yes` where it
/// asks.
fn placed(operation: Operation) -> Command {
    let entry = operation.entry();
    let mut command = operation
        .command()
        .name(entry.verb)
        .hide(entry.hidden)
        .display_order(rank(entry.verb))
        .allow_negative_numbers(true);
    if let Some(id) = entry.subject {
        if let Some(subject) = Subject::of(id) {
            command = command.mut_arg(id, |arg| positional(arg, subject));
        }
    }
    if command
        .get_arguments()
        .any(|arg| arg.get_id() == "project-id")
    {
        command = command.mut_arg("project-id", |arg| {
            arg.long("project")
                .alias("project-id")
                .value_name("PROJECT")
        });
    }
    if entry.hidden {
        let note = format!(
            "Deprecated: {}",
            command
                .get_about()
                .map(|a| a.to_string())
                .unwrap_or_default()
        );
        command = command.about(note);
    }
    if entry.confirm.is_some() {
        command = command.arg(confirm::yes());
    }
    command
}

fn positional(arg: Arg, subject: Subject) -> Arg {
    let arg = arg
        .long(None)
        .index(1)
        .value_name(subject.value_name())
        .help(subject.help());
    match subject {
        Subject::Agent => super::complete::agents(arg),
        _ => arg,
    }
}

/// The commands of earlier versions, hidden: each operation under its operationId (with
/// `--agent-id` and `--project-id`), and `api` at the top level. Each works as it did and
/// prints a deprecation note.
pub(crate) fn deprecated() -> Vec<Command> {
    let mut commands: Vec<Command> = Operation::ALL
        .iter()
        .map(|operation| {
            let mut command = operation.command().hide(true).allow_negative_numbers(true);
            if operation.entry().confirm.is_some() {
                command = command.arg(confirm::yes());
            }
            command
        })
        .collect();
    commands.push(super::proxy::api_command().hide(true));
    commands
}

/// Whether `name` is a noun of the tree.
pub(crate) fn is_noun(name: &str) -> bool {
    Operation::ALL.iter().any(|op| op.entry().noun == name)
}

/// The grouped list of commands for the top-level `--help`.
pub(crate) fn overview() -> String {
    let groups: [(&str, &[(&str, &str)]); 3] = [
        (
            "Agents",
            &[
                (
                    "agent",
                    "Create, inspect, run and remove agents (`agent --help`)",
                ),
                (
                    "deploy",
                    "Validate a character file, then create or update, publish and wait",
                ),
                (
                    "validate",
                    "Check a character file against Eliza's and Fleek's rules",
                ),
                (
                    "logs",
                    "An agent's log lines, or follow new ones (`agent logs`)",
                ),
                (
                    "status",
                    "Whether an agent runs, or wait until it does (`agent status`)",
                ),
                ("message", "Talk to a running agent (`agent message`)"),
                ("secret", "An agent's secrets: list by digest, set, unset"),
                (
                    "fleet",
                    "A project's agents as code: `fleet plan`, `fleet apply`",
                ),
            ],
        ),
        (
            "Billing",
            &[
                ("subscription", "A project's subscriptions"),
                ("payment-method", "A project's saved cards and their portal"),
                ("plan", "The plans a project can subscribe to"),
            ],
        ),
        (
            "Set-up and tools",
            &[
                ("auth", "Log in, see what is in use, log out"),
                ("framework", "The Eliza versions an agent can run"),
                (
                    "mcp",
                    "Serve your agents to an AI assistant (Model Context Protocol)",
                ),
                ("simulate", "Run a simulator of Fleek on this machine"),
                ("completions", "Shell completion, agent names included"),
                ("version", "Print the version"),
            ],
        ),
    ];
    let mut text = String::new();
    for (group, commands) in groups {
        text.push_str(&format!("{group}:\n"));
        for (name, about) in commands {
            text.push_str(&format!("  {name:<16}{about}\n"));
        }
        text.push('\n');
    }
    // A noun the spec added since these groups were written is listed all the same.
    let listed = |noun: &str| {
        groups
            .iter()
            .any(|(_, commands)| commands.iter().any(|(n, _)| *n == noun))
    };
    let mut others: Vec<&str> = Vec::new();
    for operation in Operation::ALL {
        let noun = operation.entry().noun;
        if !listed(noun) && !others.contains(&noun) {
            others.push(noun);
        }
    }
    if !others.is_empty() {
        text.push_str("Other:\n");
        for noun in others {
            text.push_str(&format!("  {noun:<16}The API's {noun} operations\n"));
        }
        text.push('\n');
    }
    text
}

/// The note for a deprecated command or flag, on stderr.
pub(crate) fn deprecation(output: &Output, old: &str, new: &str) {
    output.stderr(&format!(
        "note: `{old}` is deprecated and goes in {REMOVED_IN}: use `{} {new}`",
        super::BIN
    ));
}

/// Runs an operation under its deprecated name (its operationId), as earlier versions did
/// (ids only, `--agent-id`), after a note naming the spelling that replaces it.
pub(crate) async fn run_alias(
    session: &Session<'_>,
    operation: Operation,
    matches: &ArgMatches,
    output: &Output,
) -> Result<(), CliError> {
    let entry = operation.entry();
    let subject = entry.subject.and_then(Subject::of);
    let new = match subject {
        Some(subject) => format!("{} {} <{}>", entry.noun, entry.verb, subject.value_name()),
        None => format!("{} {}", entry.noun, entry.verb),
    };
    deprecation(output, operation.command().get_name(), &new);
    run_operation(session, operation, matches, false, output).await
}

/// Runs `<noun> <verb>`.
pub(crate) async fn run_noun(
    session: &Session<'_>,
    noun: &str,
    matches: &ArgMatches,
    output: &Output,
) -> Result<(), CliError> {
    let Some((verb, sub)) = matches.subcommand() else {
        return Err(CliError::usage(format!(
            "`{noun}` needs a verb: see `{} {noun} --help`",
            super::BIN
        )));
    };
    if noun == "agent" {
        match verb {
            "logs" | "status" | "message" | "api" => {
                return super::run_agent_verb(session, verb, sub, output).await
            }
            _ => {}
        }
    }
    let operation = Operation::ALL
        .iter()
        .copied()
        .find(|op| {
            let entry = op.entry();
            entry.noun == noun && entry.verb == verb && !entry.hand_written
        })
        .ok_or_else(|| CliError::usage(format!("unknown command {noun} {verb}")))?;
    warn_project_id(session.args, output);
    run_operation(session, operation, sub, true, output).await
}

/// `--project-id` on the command line: still read (a hidden alias), with a note.
fn warn_project_id(args: &[std::ffi::OsString], output: &Output) {
    let given = args.iter().any(|arg| {
        arg.to_str()
            .is_some_and(|a| a == "--project-id" || a.starts_with("--project-id="))
    });
    if given {
        deprecation(output, "--project-id", "... --project <PROJECT>");
    }
}

/// Runs a generated operation: its subject resolved (an agent's name made its id, when
/// `by_name`), the question asked where the spec says to ask, then the call.
pub(crate) async fn run_operation(
    session: &Session<'_>,
    operation: Operation,
    matches: &ArgMatches,
    by_name: bool,
    output: &Output,
) -> Result<(), CliError> {
    let entry = operation.entry();
    let client = session.client()?;
    let typed = entry.subject.and_then(|id| args::raw(matches, id));
    let subject = match (typed.as_deref(), entry.subject.and_then(Subject::of)) {
        (Some(text), Some(Subject::Agent)) if by_name => {
            let project = args::raw(matches, "project-id").or_else(|| session.project());
            Some(super::resolve::agent(&client, text, project.as_deref()).await?)
        }
        (text, _) => text.map(str::to_string),
    };
    if let Some(question) = entry.confirm {
        let shown = match (&typed, &subject) {
            (Some(typed), Some(id)) if typed != id => format!("{typed} ({id})"),
            (_, Some(id)) => id.clone(),
            _ => String::new(),
        };
        confirm::confirm(
            &confirm::question(question, &shown, matches),
            matches,
            output,
        )?;
    }
    match entry.operation {
        "get_agent" if output.format == Format::Human && by_name => {
            super::view::agent(&client, subject.as_deref().unwrap_or_default(), output).await
        }
        "list_subscriptions" => {
            let project = args::raw(matches, "project-id").unwrap_or_default();
            super::view::subscriptions(&client, &project, output).await
        }
        _ => {
            operation
                .execute(&client, matches, subject.as_deref(), output)
                .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_a_place_and_no_two_share_one() {
        let tree = super::super::command();
        for operation in Operation::ALL {
            let entry = operation.entry();
            let noun = tree
                .find_subcommand(entry.noun)
                .unwrap_or_else(|| panic!("{}: no noun {}", entry.operation, entry.noun));
            assert!(
                noun.find_subcommand(entry.verb).is_some(),
                "{}: no verb {} {}",
                entry.operation,
                entry.noun,
                entry.verb
            );
        }
    }

    #[test]
    fn no_operation_id_is_listed_at_the_top() {
        let tree = super::super::command();
        for operation in Operation::ALL {
            let old = operation.command().get_name().to_string();
            let command = tree.find_subcommand(&old).expect("the alias is kept");
            assert!(command.is_hide_set(), "{old} is listed");
        }
    }

    #[test]
    fn every_command_that_asks_has_yes_and_the_arguments_its_question_names() {
        let tree = crate::cli::command();
        for operation in Operation::ALL {
            let entry = operation.entry();
            let Some(template) = entry.confirm else {
                continue;
            };
            let command = tree
                .find_subcommand(entry.noun)
                .and_then(|noun| noun.find_subcommand(entry.verb))
                .expect(entry.verb);
            assert!(
                command.get_arguments().any(|a| a.get_id() == "yes"),
                "{}",
                entry.verb
            );
            let mut rest = template;
            while let Some(open) = rest.find('{') {
                let close = rest[open..].find('}').expect("a closed blank") + open;
                let name = &rest[open + 1..close];
                let named = if name.is_empty() {
                    entry.subject.expect("a subject")
                } else {
                    name
                };
                assert!(
                    command.get_arguments().any(|a| a.get_id() == named),
                    "{}: {named}",
                    entry.operation
                );
                rest = &rest[close + 1..];
            }
        }
    }

    #[test]
    fn the_hints_are_the_spec_s_and_the_destructive_ones_are_those_that_take_away() {
        let mut destructive: Vec<&str> = Operation::ALL
            .iter()
            .map(|op| op.entry())
            .filter(|entry| entry.destructive)
            .map(|entry| entry.operation)
            .collect();
        destructive.sort_unstable();
        assert_eq!(
            destructive,
            [
                "cancel_subscription",
                "delete_agent",
                "proxy_delete",
                "proxy_patch",
                "proxy_post",
                "proxy_put",
                "publish_agent",
                "set_subscription_quantity",
                "stop_agent",
                "update_agent",
                "update_subscription_quantity",
            ]
        );
        for operation in Operation::ALL {
            let entry = operation.entry();
            let method = entry.operation.split('_').next().unwrap_or_default();
            // Every read is a `get_`/`list_` operation, and none of them writes.
            let reads = matches!(method, "get" | "list") || entry.operation == "proxy_get";
            assert_eq!(entry.read_only, reads, "{}", entry.operation);
            assert!(
                !(entry.read_only && entry.destructive),
                "{}",
                entry.operation
            );
            // The payment portal is the one `PUT` the spec marks not idempotent.
            if entry.operation == "create_payment_portal_session" {
                assert!(!entry.idempotent);
            }
            assert_eq!(
                entry.open_world,
                entry.operation.starts_with("proxy_"),
                "{}",
                entry.operation
            );
        }
    }
}
