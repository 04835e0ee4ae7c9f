//! `fleek-agents fleet plan|apply|schema`: the library's `fleet` module on the command line.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::{value_parser, Arg, ArgAction, ArgMatches, Command};
use serde_json::json;

use super::exit::{CliError, Exit};
use super::output::Output;
use super::style::{paint, GREEN, RED, YELLOW};
use super::{args, confirm, duration, validate};
use crate::fleet::{
    self, Action, ActionKind, Applier, Fleet, FleetError, Manifest, Outcome, Plan, SavedPlan,
    DEFAULT_PARALLELISM, MANIFEST_FILE,
};

pub(crate) fn command() -> Command {
    let file = Arg::new("file")
        .short('f')
        .long("file")
        .value_name("FILE")
        .value_parser(value_parser!(PathBuf))
        .help("The manifest [default: fleek-agents.toml in the current directory]");
    let project = Arg::new("project")
        .long("project")
        .value_name("PROJECT")
        .help("The project (before FLEEK_PROJECT_ID, the manifest's and the profile's)");
    let prune = Arg::new("prune")
        .long("prune")
        .action(ArgAction::SetTrue)
        .help("Also delete the agents this manifest manages and no longer lists (those in fleek-agents.lock: created by fleet apply or adopted by fleet import; never one made by hand)");
    Command::new("fleet")
        .about("A project's agents as code: plan and apply a manifest (fleek-agents.toml)")
        .long_about(
            "A project's agents as code. A manifest (fleek-agents.toml; `fleet schema` prints \
             its JSON Schema) lists each agent by name with its character file, whether it \
             runs, its settings and where its secrets come from ({ env = \"VAR\" }, \
             { file = \"path\" }, or an env-file with Eliza's CHARACTER.<NAME>.<KEY> \
             entries). `fleet plan` shows what would change on Fleek; `fleet apply` does it. \
             Agents of the project the manifest does not list are left alone; with --prune, \
             those it manages (recorded in fleek-agents.lock beside it, which `apply` and \
             `import` write: commit it) are deleted once it no longer lists them.",
        )
        .subcommand_required(true)
        .subcommand(
            Command::new("plan")
                .about("Show what applying the manifest would change (reads only)")
                .long_about(
                    "Show what applying the manifest would change: + create, ~ update (which \
                     publishes again, restarting the agent), > start, | stop, - delete (with \
                     --prune); each update with what differs by JSON path (a secret only as \
                     (secret)). Sends only reads. With -o json, an object with format_version \
                     and actions.",
                )
                .arg(file.clone())
                .arg(project.clone())
                .arg(prune.clone())
                .arg(
                    Arg::new("detailed-exitcode")
                        .long("detailed-exitcode")
                        .action(ArgAction::SetTrue)
                        .help("Exit with 8 when the plan has changes (0: none; other codes: errors)"),
                )
                .arg(
                    Arg::new("save")
                        .long("save")
                        .value_name("FILE")
                        .value_parser(value_parser!(PathBuf))
                        .help("Save the plan for `fleet apply --plan FILE` (secrets as salted digests only)"),
                ),
        )
        .subcommand(
            Command::new("apply")
                .about("Create, update, start and stop agents until the project matches the manifest")
                .long_about(
                    "Do what `fleet plan` shows, and only that: create, publish, update, start, \
                     stop, delete (--prune); wait until each agent that should run runs. Several agents at once \
                     (--parallelism), going on past a failed one, ending with which succeeded \
                     and which failed (exit 1 when any failed). Asks first on a terminal when it \
                     would stop, restart or delete an agent (--yes in CI). Records the agents it \
                     creates in fleek-agents.lock beside the manifest: commit it. Ctrl-C starts nothing \
                     new and names what was under way. With --plan, applies a saved plan only if \
                     the project and the secrets are still as planned. Under GitHub Actions, \
                     failures are annotations and a summary goes to $GITHUB_STEP_SUMMARY.",
                )
                .arg(file)
                .arg(project)
                .arg(prune)
                .arg(
                    Arg::new("plan")
                        .long("plan")
                        .value_name("FILE")
                        .value_parser(value_parser!(PathBuf))
                        .help("A plan saved by `fleet plan --save FILE`"),
                )
                .arg(
                    Arg::new("parallelism")
                        .long("parallelism")
                        .value_name("N")
                        .value_parser(value_parser!(u16).range(1..=64))
                        .help(format!("How many agents at once [default: {DEFAULT_PARALLELISM}]")),
                )
                .arg(
                    Arg::new("timeout")
                        .long("timeout")
                        .value_name("DURATION")
                        .value_parser(duration::parse)
                        .help("How long to wait for each agent to run [default: 10m]"),
                )
                .arg(confirm::yes()),
        )
        .subcommand(
            Command::new("import")
                .about("Write a manifest and character files from the agents a project has")
                .long_about(
                    "Write fleek-agents.toml and characters/*.character.json (in the current \
                     directory, or --dir) from the project's agents: each pinned by its id, its \
                     state and settings as they are, each secret replaced by an env reference \
                     (the value is never written; the variables to set are listed). Records the \
                     agents as adopted in fleek-agents.lock, so that `fleet apply --prune` may \
                     delete one the manifest no longer lists. Refuses to overwrite a file unless \
                     --force. `fleet plan` afterwards has nothing to do.",
                )
                .arg(
                    Arg::new("project")
                        .long("project")
                        .value_name("PROJECT")
                        .help("The project (before FLEEK_PROJECT_ID and the profile's)"),
                )
                .arg(
                    Arg::new("dir")
                        .long("dir")
                        .value_name("DIR")
                        .value_parser(value_parser!(PathBuf))
                        .help("Where to write [default: the current directory]"),
                )
                .arg(
                    Arg::new("force")
                        .long("force")
                        .action(ArgAction::SetTrue)
                        .help("Overwrite files that exist"),
                ),
        )
        .subcommand(
            Command::new("schema")
                .about("Print the manifest's JSON Schema (for editors)"),
        )
}

pub(crate) async fn run(
    session: &super::Session<'_>,
    matches: &ArgMatches,
    output: &Output,
) -> Result<(), CliError> {
    match matches.subcommand() {
        Some(("schema", _)) => {
            let schema = serde_json::to_string_pretty(&Manifest::json_schema())
                .map_err(|e| CliError::new(Exit::Failure, e.to_string()))?;
            output.line(&schema)
        }
        Some(("plan", sub)) => plan(session, sub, output).await,
        Some(("apply", sub)) => apply(session, sub, output).await,
        Some(("import", sub)) => import(session, sub, output).await,
        _ => Err(CliError::usage("fleet takes plan, apply, import or schema")),
    }
}

/// The manifest, read with every file it names.
fn load(matches: &ArgMatches) -> Result<Fleet, CliError> {
    let path = matches
        .get_one::<PathBuf>("file")
        .cloned()
        .unwrap_or_else(|| PathBuf::from(MANIFEST_FILE));
    Fleet::load(&path).map_err(fleet_error)
}

fn fleet_error(error: FleetError) -> CliError {
    match error {
        FleetError::Api(e) => CliError::from(e),
        FleetError::Agents(_) => CliError::new(Exit::Invalid, error.to_string()),
        other => CliError::usage(other.to_string()),
    }
}

/// The project: --project, FLEEK_PROJECT_ID, the manifest's, the profile's.
fn project(
    session: &super::Session<'_>,
    matches: &ArgMatches,
    fleet: &Fleet,
) -> Result<String, CliError> {
    matches
        .get_one::<String>("project")
        .cloned()
        .or_else(|| std::env::var("FLEEK_PROJECT_ID").ok().filter(|p| !p.is_empty()))
        .or_else(|| fleet.manifest.project.clone())
        .or_else(|| session.project())
        .ok_or_else(|| {
            CliError::usage(
                "no project: pass --project, set FLEEK_PROJECT_ID, or write project = \"...\" in the manifest",
            )
        })
}

/// The manifest read, a client, and the plan of the manifest against its project: what
/// `plan` prints and `apply` does.
async fn planned(
    session: &super::Session<'_>,
    matches: &ArgMatches,
    prune: bool,
) -> Result<(Fleet, crate::Client, Plan), CliError> {
    let fleet = load(matches)?;
    let project = project(session, matches, &fleet)?;
    let client = session.client()?;
    let plan = fleet::plan_with(&client, &project, &fleet, prune)
        .await
        .map_err(fleet_error)?;
    Ok((fleet, client, plan))
}

async fn plan(
    session: &super::Session<'_>,
    matches: &ArgMatches,
    output: &Output,
) -> Result<(), CliError> {
    let (fleet, _, plan) = planned(session, matches, matches.get_flag("prune")).await?;
    if output.format.is_json() {
        output.document(
            &serde_json::to_value(&plan)
                .map_err(|e| CliError::new(Exit::Failure, e.to_string()))?,
        )?;
    } else {
        output.line(&render(&plan, &fleet.path, output.color))?;
    }
    if let Some(path) = matches.get_one::<PathBuf>("save") {
        let saved = SavedPlan::new(&plan, &fleet);
        let text = serde_json::to_string_pretty(&saved)
            .map_err(|e| CliError::new(Exit::Failure, e.to_string()))?;
        std::fs::write(path, text)
            .map_err(|e| CliError::new(Exit::Failure, format!("--save {}: {e}", path.display())))?;
        output.stderr(&format!(
            "saved the plan to {}: apply it with `fleek-agents fleet apply --plan {}`",
            path.display(),
            path.display()
        ));
    }
    if matches.get_flag("detailed-exitcode") && plan.has_changes() {
        return Err(CliError::new(Exit::Changes, ""));
    }
    Ok(())
}

/// The plan for people.
pub(crate) fn render(plan: &Plan, manifest: &Path, color: bool) -> String {
    let mut text = format!("{} → project {}\n", manifest.display(), plan.project);
    if plan.actions.is_empty() {
        text.push_str("\nNo changes: the project's agents are as the manifest says.\n");
    }
    let width = plan
        .actions
        .iter()
        .map(|a| a.agent.len())
        .max()
        .unwrap_or(0);
    for action in &plan.actions {
        let style = match action.action {
            ActionKind::Create | ActionKind::Start => GREEN,
            ActionKind::Update => YELLOW,
            ActionKind::Stop | ActionKind::Delete => RED,
        };
        text.push_str(&format!(
            "\n  {} {:<width$}  {}",
            paint(action.action.symbol(), style, color),
            action.agent,
            what(action)
        ));
        for change in &action.changes {
            let show = |v: &Option<serde_json::Value>| match v {
                Some(v) => v.to_string(),
                None => "(none)".to_string(),
            };
            text.push_str(&format!(
                "\n      {}: {} → {}",
                change.path,
                show(&change.before),
                show(&change.after)
            ));
            if let Some(note) = &change.note {
                text.push_str(&format!(" ({note})"));
            }
        }
    }
    if !plan.unlisted.is_empty() {
        let names: Vec<String> = plan
            .unlisted
            .iter()
            .map(|u| format!("{} ({})", u.name, u.id))
            .collect();
        text.push_str(&format!(
            "\n\nNot in the manifest, left alone: {}",
            names.join(", ")
        ));
    }
    if !plan.orphaned.is_empty() {
        let names: Vec<String> = plan
            .orphaned
            .iter()
            .map(|u| format!("{} ({})", u.name, u.id))
            .collect();
        text.push_str(&format!(
            "\n\nNo longer in the manifest, kept (--prune deletes them): {}",
            names.join(", ")
        ));
    }
    text.push_str(&format!("\n\n{}", plan.summary()));
    text
}

fn what(action: &Action) -> String {
    let status = action.status.as_deref().unwrap_or("absent");
    match action.action {
        ActionKind::Create if action.desired == Some(fleet::DesiredState::Stopped) => {
            "create (as a draft: it should not run)".to_string()
        }
        ActionKind::Create => "create, publish and wait until it runs".to_string(),
        ActionKind::Update if action.then_stop => {
            format!("update without publishing, then stop (it is {status})")
        }
        ActionKind::Update if action.desired == Some(fleet::DesiredState::Stopped) => {
            "update without publishing (it should not run)".to_string()
        }
        ActionKind::Update => {
            format!("update and publish again, which restarts it (it is {status})")
        }
        ActionKind::Start => format!("start (it is {status})"),
        ActionKind::Stop => format!("stop (it is {status})"),
        ActionKind::Delete => format!(
            "delete: no longer in the manifest ({}; it is {status})",
            action.managed.as_deref().unwrap_or("managed")
        ),
    }
}

async fn apply(
    session: &super::Session<'_>,
    matches: &ArgMatches,
    output: &Output,
) -> Result<(), CliError> {
    let saved = match matches.get_one::<PathBuf>("plan") {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::usage(format!("--plan {}: {e}", path.display())))?;
            let saved: SavedPlan = serde_json::from_str(&text).map_err(|e| {
                CliError::usage(format!("--plan {}: not a saved plan: {e}", path.display()))
            })?;
            if matches.get_flag("prune") && !saved.plan.pruned {
                return Err(CliError::usage(format!(
                    "--prune: the plan {} was saved without it; plan again with `fleet plan --prune --save`",
                    path.display()
                )));
            }
            Some((path, saved))
        }
        None => None,
    };
    let prune = match &saved {
        Some((_, saved)) => saved.plan.pruned,
        None => matches.get_flag("prune"),
    };
    let (mut fleet, client, plan) = planned(session, matches, prune).await?;
    if let Some((path, saved)) = &saved {
        let differences = saved.differences(&plan, &fleet);
        if !differences.is_empty() {
            return Err(CliError::new(
                Exit::Failure,
                format!(
                    "the saved plan {} no longer holds; nothing was done. Plan again. What changed:\n  {}",
                    path.display(),
                    differences.join("\n  ")
                ),
            ));
        }
    }
    if !output.format.is_json() {
        output.line(&render(&plan, &fleet.path, output.color))?;
    }
    if !plan.has_changes() {
        if output.format.is_json() {
            output
                .document(&json!({"format_version": fleet::PLAN_FORMAT_VERSION, "outcomes": []}))?;
        }
        return Ok(());
    }
    let disruptive: Vec<String> = plan
        .actions
        .iter()
        .filter(|a| {
            matches!(a.action, ActionKind::Stop | ActionKind::Delete)
                || (a.action == ActionKind::Update && a.status.as_deref() == Some("Running"))
        })
        .map(|a| {
            let verb = match a.action {
                ActionKind::Update => "restart",
                ActionKind::Stop => "stop",
                _ => "delete",
            };
            format!("{verb} {}", a.agent)
        })
        .collect();
    if !disruptive.is_empty() {
        confirm::confirm(&disruptive.join(", "), matches, output)?;
    }
    let mut applier = Applier::new(&client, &fleet, &plan);
    if let Some(n) = matches.get_one::<u16>("parallelism") {
        applier = applier.parallelism(usize::from(*n));
    }
    applier = applier.timeout(args::duration_or(
        matches,
        "timeout",
        crate::deploy::DEFAULT_DEPLOY_TIMEOUT,
    ));
    let handle = applier.handle();
    let outcomes = tokio::select! {
        outcomes = applier.run() => outcomes,
        _ = tokio::signal::ctrl_c() => {
            handle.stop();
            let under_way = handle.in_flight();
            record(&mut fleet, &plan, &handle.finished(), output);
            return Err(CliError::new(
                Exit::Interrupted,
                format!(
                    "interrupted: no further agent was started. Under way when stopped (perhaps half-done): {}. `fleek-agents fleet plan` shows where each is; `fleet apply` again goes on",
                    if under_way.is_empty() { "none".to_string() } else { under_way.join(", ") }
                ),
            ));
        }
    };
    report(&outcomes, output)?;
    record(&mut fleet, &plan, &outcomes, output);
    let failed = outcomes.iter().filter(|o| !o.succeeded()).count();
    if failed > 0 {
        return Err(CliError::new(
            Exit::Failure,
            format!(
                "{failed} of {} actions failed (each named above); the rest were done",
                outcomes.len()
            ),
        ));
    }
    Ok(())
}

/// Writes what the apply created and deleted into the lock beside the manifest, and says
/// so: the lock must be committed for `--prune` to know these agents.
fn record(fleet: &mut Fleet, plan: &Plan, outcomes: &[Outcome], output: &Output) {
    if !fleet.lock.note(plan, outcomes) {
        return;
    }
    let path = fleet.lock.path.display().to_string();
    match fleet.lock.write() {
        Ok(()) => {
            output.stderr(&format!(
                "recorded the agents this manifest manages in {path}: commit it, so that `fleet apply --prune` knows them"
            ));
            if validate::on_github_actions() {
                output.stderr(&format!(
                    "::warning file={path},title=fleek-agents.lock changed::commit {path} (the example workflow does), or --prune will not know the agents this apply created"
                ));
                append_summary(&format!(
                    "\n`{path}` changed: commit it, so that `fleet apply --prune` knows the agents this apply created.\n"
                ));
            }
        }
        Err(e) => output.warn(&format!(
            "{path}: {e}: the agents this apply created are not recorded, so --prune will not delete them"
        )),
    }
}

fn report(outcomes: &[Outcome], output: &Output) -> Result<(), CliError> {
    if output.format.is_json() {
        output.document(
            &json!({"format_version": fleet::PLAN_FORMAT_VERSION, "outcomes": outcomes}),
        )?;
    } else {
        output.line("")?;
        for outcome in outcomes {
            let id = outcome
                .id
                .as_deref()
                .map(|id| format!(" ({id})"))
                .unwrap_or_default();
            match &outcome.error {
                None => output.line(&format!(
                    "  {} {} {}{id}: done",
                    paint("✓", GREEN, output.color),
                    outcome.action,
                    outcome.agent
                ))?,
                Some(why) => output.line(&format!(
                    "  {} {} {}{id}: {why}",
                    paint("✗", RED, output.color),
                    outcome.action,
                    outcome.agent
                ))?,
            }
        }
        let failed = outcomes.iter().filter(|o| !o.succeeded()).count();
        output.line(&format!(
            "\nApply: {} done, {failed} failed.",
            outcomes.len() - failed
        ))?;
    }
    if validate::on_github_actions() {
        for outcome in outcomes.iter().filter(|o| !o.succeeded()) {
            output.stderr(&format!(
                "::error title=fleet apply: {} {}::{}",
                outcome.action,
                outcome.agent,
                outcome
                    .error
                    .as_deref()
                    .unwrap_or_default()
                    .replace('%', "%25")
                    .replace('\n', "%0A")
            ));
        }
        step_summary(outcomes);
    }
    Ok(())
}

/// A Markdown table of the outcomes in `$GITHUB_STEP_SUMMARY`, when Actions gives one.
fn step_summary(outcomes: &[Outcome]) {
    let mut text = String::from("### fleek-agents fleet apply\n\n| agent | action | id | result |\n| --- | --- | --- | --- |\n");
    for o in outcomes {
        let result = match &o.error {
            None => "done".to_string(),
            Some(why) => format!("failed: {}", why.replace('|', "\\|").replace('\n', " ")),
        };
        text.push_str(&format!(
            "| {} | {} | {} | {result} |\n",
            o.agent,
            o.action,
            o.id.as_deref().unwrap_or("")
        ));
    }
    append_summary(&text);
}

/// Appends Markdown to `$GITHUB_STEP_SUMMARY`, when Actions gives one.
fn append_summary(text: &str) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") else {
        return;
    };
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
    {
        let _ = file.write_all(text.as_bytes());
    }
}

async fn import(
    session: &super::Session<'_>,
    matches: &ArgMatches,
    output: &Output,
) -> Result<(), CliError> {
    let project = matches
        .get_one::<String>("project")
        .cloned()
        .or_else(|| session.project())
        .ok_or_else(|| CliError::usage("no project: pass --project or set FLEEK_PROJECT_ID"))?;
    let dir = matches
        .get_one::<PathBuf>("dir")
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let client = session.client()?;
    let imported = fleet::import(&client, &project)
        .await
        .map_err(fleet_error)?;
    let mut lock = fleet::Lock::read(dir.join(fleet::Lock::path_for(Path::new(MANIFEST_FILE))))
        .map_err(fleet_error)?;
    let mut files = vec![(MANIFEST_FILE.to_string(), imported.manifest.clone())];
    files.extend(imported.characters.iter().cloned());
    if !matches.get_flag("force") {
        let existing: Vec<String> = files
            .iter()
            .filter(|(path, _)| dir.join(path).exists())
            .map(|(path, _)| path.clone())
            .collect();
        if !existing.is_empty() {
            return Err(CliError::usage(format!(
                "{} exist in {}; nothing was written. Import elsewhere (--dir) or overwrite them (--force)",
                existing.join(", "),
                dir.display()
            )));
        }
    }
    for (path, text) in &files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| CliError::new(Exit::Failure, format!("{}: {e}", parent.display())))?;
        }
        std::fs::write(&target, text)
            .map_err(|e| CliError::new(Exit::Failure, format!("{}: {e}", target.display())))?;
        output.line(&format!("wrote {}", target.display()))?;
    }
    // Merged into, never overwritten: it may hold agents of other projects.
    if imported.adopt(&mut lock) {
        lock.write()
            .map_err(|e| CliError::new(Exit::Failure, format!("{}: {e}", lock.path.display())))?;
        output.line(&format!(
            "wrote {} (the imported agents, adopted: commit it)",
            lock.path.display()
        ))?;
    }
    for skipped in &imported.skipped {
        output.warn(&format!("not imported: {skipped}"));
    }
    if !imported.env.is_empty() {
        let vars: Vec<String> = imported
            .env
            .iter()
            .map(|(agent, var)| format!("{var} ({agent})"))
            .collect();
        output.stderr(&format!(
            "the secrets were not written: set these variables, or put them in {}, before `fleet plan`: {}",
            dir.join(".env").display(),
            vars.join(", ")
        ));
    }
    Ok(())
}
