//! The `fleek-agents` subcommands: one per operation, from progenitor's CLI generator.
//!
//! progenitor's `Generator::cli` writes, for every operation, a clap command (`cli_<op>`)
//! and an `execute_<op>` that reads the matches into the operation's builder, then sends it
//! and hands the result to a `CliConfig` trait. What it does after sending does not fit this
//! crate: it `todo!()`s on raw bodies and on `ByteStream` errors (every Fleek operation's),
//! and bounds every type by `schemars::JsonSchema`. So the generator keeps the two parts that
//! do fit — the clap commands and the statements that fill the builder — and ends each
//! operation with the crate's own `call_raw()` (the answer as received, for `--output json`,
//! and its decoded value, for tables) and the CLI's output instead:
//!
//! ```text
//! Operation::GetAgent => {
//!     let mut request = client.get_agent();
//!     if let Some(value) = matches.get_one::<types::AgentId>("agent-id") { ... }
//!     output.show(request.call_raw()).await
//! }
//! ```
//!
//! A paged operation (`x-pagination`) gains `--all` and `--limit` and ends with the CLI's
//! page walker (`super::pages::show(request, matches, output)`) instead.
//!
//! It also drops progenitor's `--json-body-template` flag, which progenitor declares but never
//! implements, and gives a raw request body (which progenitor's CLI leaves out) a
//! `--body-file <FILE>` flag.

use std::panic::{self, AssertUnwindSafe};

use openapiv3::OpenAPI;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ImplItem, ImplItemFn, Item, Stmt};

use crate::naming::snake_case;
use crate::{panic_message, settings, Error};

/// The flag progenitor declares for every operation with a body and never implements.
const UNIMPLEMENTED_FLAG: &str = "json-body-template";

/// The source of the CLI's generated module (`fleek-api/src/cli/generated.rs`), without its
/// header.
pub(crate) fn generate(spec: &OpenAPI) -> Result<syn::File, Error> {
    let tokens = panic::catch_unwind(AssertUnwindSafe(|| {
        progenitor::Generator::new(&settings(spec)).cli(spec, "crate")
    }))
    .map_err(|payload| Error::Generator(panic_message(payload.as_ref())))?
    .map_err(|e| Error::Generator(e.to_string()))?;
    let file: syn::File = syn::parse2(tokens)?;

    let methods = cli_methods(&file)?;
    let placements = crate::commands::placements(spec)?;
    let mut operations = Vec::new();
    for (item, spec_operation, id) in crate::operations::with_ids(spec) {
        let operation = snake_case(id);
        let raw_body =
            raw_body(spec, spec_operation).map_err(|message| Error::operation(id, message))?;
        let paged = crate::paging::pagination(spec.components.as_ref(), item, spec_operation)
            .map_err(|message| Error::operation(id, message))?
            .is_some();
        let command = methods
            .iter()
            .find(|m| m.sig.ident == format!("cli_{operation}"))
            .ok_or_else(|| missing(&operation, "command"))?;
        let execute = methods
            .iter()
            .find(|m| m.sig.ident == format!("execute_{operation}"))
            .ok_or_else(|| missing(&operation, "execute function"))?;
        let placement = placements
            .iter()
            .find(|(placed, _)| placed == id)
            .map(|(_, placement)| placement.clone())
            .ok_or_else(|| missing(&operation, "placement"))?;
        operations.push(Operation {
            fill: fill_statements(
                &operation,
                execute,
                raw_body.is_some(),
                placement.subject.as_deref(),
            )?,
            placement,
            command: command_fn(command),
            raw_body,
            paged,
            id: operation,
        });
    }
    syn::parse2(render(&operations)).map_err(Error::Syntax)
}

struct Operation {
    /// The snake-case operationId.
    id: String,
    /// `fn cli_<op>() -> clap::Command`, without the unimplemented flag.
    command: syn::ItemFn,
    /// The statements that create the builder and fill it from the matches.
    fill: Vec<Stmt>,
    /// `Some(required)` when the request body is raw bytes (progenitor's CLI leaves such a
    /// body out): it comes from `--body-file`.
    raw_body: Option<bool>,
    /// Whether the operation has `x-pagination`: its command gains `--all` and `--limit`,
    /// and its answer is shown by the CLI's page walker.
    paged: bool,
    /// Where it stands in the tree, and its hints (`x-command`).
    placement: crate::commands::Placement,
}

/// Whether the operation's request body is raw (neither JSON nor a form), and if so whether
/// it is required.
fn raw_body(spec: &OpenAPI, operation: &openapiv3::Operation) -> Result<Option<bool>, String> {
    let Some(body) = &operation.request_body else {
        return Ok(None);
    };
    let body = crate::refs::resolve(body, spec.components.as_ref(), "requestBodies", |c| {
        &c.request_bodies
    })?;
    let typed = body.content.keys().any(|media| {
        media == "application/json"
            || media.ends_with("+json")
            || media == "application/x-www-form-urlencoded"
    });
    Ok((!typed).then_some(body.required))
}

/// `--body-file`, for a raw request body.
const BODY_FILE: &str = "body-file";

fn missing(operation: &str, what: &str) -> Error {
    Error::Output(format!(
        "progenitor's CLI generator wrote no {what} for {operation}"
    ))
}

/// The methods of progenitor's `impl<T: CliConfig> Cli<T>`.
fn cli_methods(file: &syn::File) -> Result<Vec<&ImplItemFn>, Error> {
    let block = file
        .items
        .iter()
        .find_map(|item| match item {
            Item::Impl(block) if block.trait_.is_none() && type_is(&block.self_ty, "Cli") => {
                Some(block)
            }
            _ => None,
        })
        .ok_or_else(|| Error::Output("progenitor's CLI output has no `impl Cli`".into()))?;
    Ok(block
        .items
        .iter()
        .filter_map(|item| match item {
            ImplItem::Fn(f) => Some(f),
            _ => None,
        })
        .collect())
}

fn type_is(ty: &syn::Type, name: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name))
}

/// progenitor's `cli_<op>` method as a free function, tidied (see [`TidyCommand`]).
fn command_fn(method: &ImplItemFn) -> syn::ItemFn {
    let mut block = method.block.clone();
    TidyCommand.visit_block_mut(&mut block);
    syn::ItemFn {
        attrs: Vec::new(),
        vis: syn::Visibility::Inherited,
        sig: method.sig.clone(),
        block: Box::new(block),
    }
}

/// Drops the unimplemented flag (`<command>.arg(Arg::new("json-body-template")...)` becomes
/// `<command>`), reflows help texts and splits `about` into summary and long text.
struct TidyCommand;

impl VisitMut for TidyCommand {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::MethodCall(call) = expr {
            if call.method == "about" || call.method == "help" {
                reflow_argument(call);
            }
            if call.method == "about" {
                split_about(expr);
            }
        }
        while let Expr::MethodCall(call) = expr {
            let declares_flag = call.method == "arg"
                && call
                    .args
                    .first()
                    .is_some_and(|arg| quote!(#arg).to_string().contains(UNIMPLEMENTED_FLAG));
            if !declares_flag {
                break;
            }
            *expr = (*call.receiver).clone();
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

/// The spec's text keeps the line breaks of its YAML source; clap wraps help to the
/// terminal, so each paragraph becomes one line.
fn reflow(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .map(|paragraph| {
            paragraph
                .lines()
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn string_literal(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        }) => Some(text.value()),
        _ => None,
    }
}

fn reflow_argument(call: &mut syn::ExprMethodCall) {
    if let Some(text) = call.args.first().and_then(string_literal) {
        let text = reflow(&text);
        call.args = syn::parse_quote!(#text);
    }
}

/// progenitor puts the summary and the description in one `about`, so the list of commands
/// shows every description whole; the summary becomes the `about` (the one line in the
/// list) and the whole text the `long_about` (`--help`).
fn split_about(expr: &mut Expr) {
    let Expr::MethodCall(call) = expr else {
        return;
    };
    let Some(text) = call.args.first().and_then(string_literal) else {
        return;
    };
    let Some((summary, _)) = text.split_once("\n\n") else {
        return;
    };
    let receiver = &call.receiver;
    *expr = syn::parse_quote!(#receiver.about(#summary).long_about(#text));
}

/// The statements of progenitor's `execute_<op>` before it hands the builder to its
/// `CliConfig`: `let mut request = self.client.<op>();` and one `if let` per argument, with
/// `self.client` read as the function's `client` argument.
fn fill_statements(
    operation: &str,
    execute: &ImplItemFn,
    raw_body: bool,
    subject: Option<&str>,
) -> Result<Vec<Stmt>, Error> {
    let mut statements: Vec<Stmt> = execute
        .block
        .stmts
        .iter()
        .take_while(|stmt| !quote!(#stmt).to_string().contains("self . config"))
        .cloned()
        .collect();
    let starts_with_builder = statements.first().is_some_and(|first| {
        quote!(#first)
            .to_string()
            .starts_with("let mut request = self . client .")
    });
    if !starts_with_builder || statements.len() == execute.block.stmts.len() {
        return Err(Error::Output(format!(
            "progenitor's execute_{operation} does not start by filling a builder and then \
             calling its CliConfig"
        )));
    }
    for stmt in &mut statements {
        ClientArgument.visit_stmt_mut(stmt);
        if let Some(subject) = subject {
            SubjectArgument(subject).visit_stmt_mut(stmt);
        }
    }
    if raw_body {
        statements.push(syn::parse_quote! {
            if let Some(path) = matches.get_one::<::std::path::PathBuf>(#BODY_FILE) {
                let bytes = ::std::fs::read(path)
                    .with_context(|| format!("failed to read {}", path.display()))?;
                request = request.body(bytes);
            }
        });
    }
    if statements.len() == 1 {
        // Nothing fills the builder: it need not be mutable.
        if let Some(Stmt::Local(local)) = statements.first_mut() {
            if let syn::Pat::Ident(binding) = &mut local.pat {
                binding.mutability = None;
            }
        }
    }
    Ok(statements)
}

/// `self.client` → `client`.
struct ClientArgument;

impl VisitMut for ClientArgument {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::Field(field) = expr {
            if quote!(#field).to_string() == "self . client" {
                *expr = syn::parse_quote!(client);
                return;
            }
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

/// `matches.get_one::<T>("<subject>")` → `super::args::subject::<T>(subject)?`: the
/// subject comes resolved (an agent's name made its id) from the caller, not from clap.
struct SubjectArgument<'a>(&'a str);

impl VisitMut for SubjectArgument<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::MethodCall(call) = expr {
            let receiver = &call.receiver;
            let reads_subject = call.method == "get_one"
                && quote!(#receiver).to_string() == "matches"
                && call
                    .args
                    .first()
                    .and_then(string_literal)
                    .is_some_and(|id| id == self.0);
            if reads_subject {
                if let Some(turbofish) = &call.turbofish {
                    *expr = syn::parse_quote!(super::args::subject #turbofish (subject)?);
                    return;
                }
            }
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

/// `list_agents` → `ListAgents`.
fn pascal_case(snake: &str) -> Ident {
    let name: String = snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect();
    Ident::new(&name, Span::call_site())
}

/// The subcommand's name: `list_agents` → `list-agents`.
pub(crate) fn command_name(operation: &str) -> String {
    operation.replace('_', "-")
}

fn render(operations: &[Operation]) -> TokenStream {
    let variants: Vec<_> = operations.iter().map(|op| pascal_case(&op.id)).collect();
    let names: Vec<_> = operations.iter().map(|op| command_name(&op.id)).collect();
    let command_fns: Vec<_> = operations
        .iter()
        .map(|op| format_ident!("cli_{}", op.id))
        .collect();
    let fills = operations.iter().map(|op| &op.fill);
    let body_files = operations.iter().map(|op| {
        op.raw_body.map(|required| {
            quote! {
                .arg(
                    ::clap::Arg::new(#BODY_FILE)
                        .long(#BODY_FILE)
                        .value_name("FILE")
                        .required(#required)
                        .value_parser(::clap::value_parser!(::std::path::PathBuf))
                        .help("A file whose bytes are the request body.")
                )
            }
        })
    });
    let paging_args = operations
        .iter()
        .map(|op| op.paged.then(|| quote!(.args(super::pages::args()))));
    let shows = operations.iter().map(|op| {
        if op.paged {
            quote!(super::pages::show(request, matches, output).await)
        } else {
            quote!(output.show(request.call_raw()).await)
        }
    });
    let commands = operations.iter().map(|op| &op.command);
    let entries = operations.iter().map(|op| {
        let p = &op.placement;
        let (noun, verb, destructive, open_world, hidden, hand_written, read_only, idempotent) = (
            &p.noun,
            &p.verb,
            p.destructive,
            p.open_world,
            p.hidden,
            p.hand_written,
            p.read_only,
            p.idempotent,
        );
        let confirm = match &p.confirm {
            Some(text) => quote!(Some(#text)),
            None => quote!(None),
        };
        let subject = match &p.subject {
            Some(id) => quote!(Some(#id)),
            None => quote!(None),
        };
        let id = &op.id;
        quote! {
            super::entry::Entry {
                operation: #id,
                noun: #noun,
                verb: #verb,
                confirm: #confirm,
                destructive: #destructive,
                open_world: #open_world,
                hidden: #hidden,
                hand_written: #hand_written,
                read_only: #read_only,
                idempotent: #idempotent,
                subject: #subject,
            }
        }
    });
    quote! {
        use super::exit::{CliError, Context as _};
        use super::output::Output;
        use crate::{types, Call as _, Client};

        /// Every operation of the spec: each stands in the tree as its `x-command` says, and
        /// under its operationId as a deprecated alias.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum Operation {
            #(#variants,)*
        }

        impl Operation {
            /// Every operation, in the order of the spec's paths.
            pub(crate) const ALL: &'static [Operation] = &[#(Operation::#variants,)*];

            /// The operation whose deprecated alias (its operationId) is `name`.
            pub(crate) fn from_name(name: &str) -> Option<Operation> {
                match name {
                    #(#names => Some(Operation::#variants),)*
                    _ => None,
                }
            }

            /// Where the operation stands in the tree, and what a tool should know before it
            /// calls it (the spec's `x-command`, `x-idempotent` and method).
            pub(crate) const fn entry(self) -> super::entry::Entry {
                match self {
                    #(Operation::#variants => #entries,)*
                }
            }

            /// The command, named for the operationId: its arguments are the operation's
            /// parameters and body fields.
            pub(crate) fn command(self) -> ::clap::Command {
                match self {
                    #(Operation::#variants => #command_fns().name(#names)#body_files #paging_args,)*
                }
            }

            /// Fills the operation's builder from `matches` and `subject` (the resolved value
            /// of its subject argument, `entry().subject`), calls it and shows the answer.
            pub(crate) async fn execute(
                self,
                client: &Client,
                matches: &::clap::ArgMatches,
                subject: Option<&str>,
                output: &Output,
            ) -> Result<(), CliError> {
                match self {
                    #(Operation::#variants => {
                        #(#fills)*
                        #shows
                    })*
                }
            }
        }

        #(#commands)*
    }
}
