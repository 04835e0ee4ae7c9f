//! `cargo xtask modules`: the import graph between the modules of `fleek-api`, and a check
//! that it has no cycle but the one progenitor forces (`generated ↔ hooks`: the generated
//! client names the hooks' inner type and sends through them, and the hooks read the
//! generated tables), and that the library never imports the CLI (`cli` depends on the
//! library, never the reverse).
//!
//! The graph is read from the source text: `crate::a::b` and `super::x` paths (comments
//! left out), each resolved to the deepest module it names; a name re-exported at the crate
//! root counts as its home module.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use crate::{root, Failure};

const SRC: &str = "fleek-api/src";

/// The one cycle allowed.
const ALLOWED: &[&str] = &["generated", "hooks"];

/// Names re-exported at the crate root, with the module that defines them.
const ROOT_NAMES: &[(&str, &str)] = &[
    ("Client", "generated"),
    ("ClientInfo", "generated"),
    ("ByteStream", "generated"),
    ("ResponseValue", "generated"),
    ("types", "generated"),
    ("builder", "generated"),
    ("Call", "call"),
    ("Raw", "call"),
    ("Unknown", "open_enum"),
    ("ClientBuilder", "config"),
    ("Error", "error"),
    ("ErrorKind", "error"),
    ("RetryPolicy", "retry"),
];

type Graph = BTreeMap<String, BTreeSet<String>>;

pub(crate) fn run() -> Result<(), Failure> {
    let graph = graph()?;
    for (module, imports) in &graph {
        let list: Vec<&str> = imports.iter().map(String::as_str).collect();
        println!("{module} -> {}", list.join(", "));
    }
    let into_cli = arrows_into_cli(&graph);
    if !into_cli.is_empty() {
        return Err(format!(
            "the library imports the CLI: {}; the CLI uses the library's public API, never \
             the reverse (add what it needs to the library instead)",
            into_cli.join(", ")
        ));
    }
    println!("modules: no module outside cli imports it");
    let sim_into_hooks = arrows(&graph, |m| within(m, "sim"), |m| within(m, "hooks"));
    if !sim_into_hooks.is_empty() {
        return Err(format!(
            "the simulator imports the client's hooks: {}; it serves the spec (its tables and \
             types) and must not depend on how the client sends",
            sim_into_hooks.join(", ")
        ));
    }
    println!("modules: the simulator does not import the client's hooks");
    let allowed: BTreeSet<String> = ALLOWED.iter().map(|m| m.to_string()).collect();
    let cycles: Vec<BTreeSet<String>> = cycles(&graph)
        .into_iter()
        .filter(|cycle| *cycle != allowed)
        .collect();
    if cycles.is_empty() {
        println!("modules: no import cycle but {}", ALLOWED.join(" <-> "));
        return Ok(());
    }
    let list: Vec<String> = cycles
        .iter()
        .map(|c| c.iter().cloned().collect::<Vec<_>>().join(", "))
        .collect();
    Err(format!(
        "import cycles between modules of {SRC}: {}; move what both sides need to a module \
         that neither imports, or pass it in",
        list.join("; ")
    ))
}

/// Every module of the crate (but the root) with the modules it imports.
fn graph() -> Result<Graph, Failure> {
    let src = root().join(SRC);
    let mut files = Vec::new();
    collect(&src, &mut files)?;
    let modules: BTreeMap<String, String> = files
        .iter()
        .filter_map(|path| {
            let relative = path.strip_prefix(&src).ok()?.to_str()?.to_string();
            Some((module_of(&relative)?, relative))
        })
        .collect();
    let known: BTreeSet<&str> = modules.keys().map(String::as_str).collect();
    let mut graph = Graph::new();
    for (module, relative) in &modules {
        let text = fs::read_to_string(src.join(relative))
            .map_err(|e| format!("cannot read {relative}: {e}"))?;
        let imports = graph.entry(module.clone()).or_default();
        for target in references(&without_comments(&text), module) {
            let target = resolve(&target, &known);
            if let Some(target) = target.filter(|t| t != module) {
                imports.insert(target);
            }
        }
    }
    Ok(graph)
}

fn collect(dir: &Path, files: &mut Vec<std::path::PathBuf>) -> Result<(), Failure> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            collect(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    Ok(())
}

/// `character/load.rs` → `character::load`; `character/mod.rs` → `character`; the root and
/// the mock's generated file (a child of `mock`, counted as it) as noted.
fn module_of(relative: &str) -> Option<String> {
    match relative {
        "lib.rs" => None,
        "generated_mock.rs" => Some("mock".into()),
        _ => {
            let path = relative.strip_suffix(".rs")?;
            let path = path.strip_suffix("/mod").unwrap_or(path);
            Some(path.replace('/', "::"))
        }
    }
}

fn without_comments(text: &str) -> String {
    text.lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths a file names: `crate::…` as written, `super::…` made absolute.
fn references(text: &str, module: &str) -> Vec<String> {
    let parent = module.rsplit_once("::").map_or("", |(parent, _)| parent);
    let mut found = Vec::new();
    for (prefix, base) in [("crate::", ""), ("super::", parent)] {
        for (start, _) in text.match_indices(prefix) {
            let rest = &text[start + prefix.len()..];
            // `crate::{a, b::c}`: each item of the group.
            let items: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => group.split('}').next().unwrap_or("").split(',').collect(),
                None => vec![rest],
            };
            for item in items {
                let path: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                let path = path.trim_end_matches(':');
                if !path.is_empty() {
                    found.push(if base.is_empty() {
                        path.to_string()
                    } else {
                        format!("{base}::{path}")
                    });
                }
            }
        }
    }
    found
}

/// The deepest known module a path names; a root re-export counts as its home.
fn resolve(path: &str, known: &BTreeSet<&str>) -> Option<String> {
    let first = path.split("::").next()?;
    if let Some((_, home)) = ROOT_NAMES.iter().find(|(name, _)| *name == first) {
        return Some(home.to_string());
    }
    let segments: Vec<&str> = path.split("::").collect();
    (1..=segments.len())
        .rev()
        .map(|n| segments[..n].join("::"))
        .find(|candidate| known.contains(candidate.as_str()))
}

/// The strongly connected components with more than one module (Tarjan).
/// Whether `module` is `root` or inside it.
fn within(module: &str, root: &str) -> bool {
    module == root
        || module
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with("::"))
}

/// Every `module -> cli...` import of a module outside `cli`.
fn arrows_into_cli(graph: &Graph) -> Vec<String> {
    arrows(graph, |m| !within(m, "cli"), |m| within(m, "cli"))
}

/// Every `module -> import` arrow from a module `from` accepts to an import `to` accepts.
fn arrows(graph: &Graph, from: impl Fn(&str) -> bool, to: impl Fn(&str) -> bool) -> Vec<String> {
    graph
        .iter()
        .filter(|(module, _)| from(module))
        .flat_map(|(module, imports)| {
            imports
                .iter()
                .filter(|import| to(import))
                .map(move |import| format!("{module} -> {import}"))
        })
        .collect()
}

fn cycles(graph: &Graph) -> Vec<BTreeSet<String>> {
    struct State<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        next: usize,
        found: Vec<BTreeSet<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        let edges: Vec<&'g str> = s
            .graph
            .get(v)
            .map(|e| e.iter().map(String::as_str).collect())
            .unwrap_or_default();
        for w in edges {
            if !s.graph.contains_key(w) {
                continue;
            }
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = BTreeSet::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.insert(w.to_string());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                s.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v.as_str()) {
            visit(&mut state, v);
        }
    }
    state.found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(&str, &str)]) -> Graph {
        let mut g = Graph::new();
        for (a, b) in edges {
            g.entry(a.to_string()).or_default().insert(b.to_string());
            g.entry(b.to_string()).or_default();
        }
        g
    }

    #[test]
    fn a_loop_through_three_modules_is_found() {
        let found = cycles(&graph(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].len(), 3);
        assert!(cycles(&graph(&[("a", "b"), ("b", "c")])).is_empty());
    }

    #[test]
    fn an_arrow_from_the_library_into_the_cli_is_found() {
        let found = arrows_into_cli(&graph(&[
            ("hooks", "cli::capture"),
            ("cli::logs", "paging"),
        ]));
        assert_eq!(found, ["hooks -> cli::capture"]);
        assert!(
            arrows_into_cli(&graph(&[("cli", "cli::output"), ("cli::logs", "error")])).is_empty()
        );
        assert!(within("sim::http", "sim") && within("sim", "sim") && !within("simple", "sim"));
    }

    #[test]
    fn paths_resolve_to_the_deepest_module_or_the_root_names_home() {
        let known: BTreeSet<&str> = ["character", "character::load", "error"].into();
        assert_eq!(
            resolve("character::load::CharacterError", &known).as_deref(),
            Some("character::load")
        );
        assert_eq!(resolve("Error", &known).as_deref(), Some("error"));
        assert_eq!(resolve("nowhere::X", &known), None);
        let refs = references(
            "use crate::{error::Error, Call};\nsuper::model::X",
            "character::load",
        );
        assert_eq!(refs, ["error::Error", "Call", "character::model::X"]);
    }
}
