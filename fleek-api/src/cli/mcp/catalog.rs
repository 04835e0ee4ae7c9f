//! The tools the server offers: one per operation (from `tools.json`, generated from the
//! spec) and the jobs (`jobs.rs`), each with its policy, narrowed by the flags:
//! `--read-only` wins over everything, then `--toolsets`, `--tools` and `--exclude-tools`.

use std::collections::BTreeSet;
use std::sync::Arc;

use rmcp::model::Tool;
use serde::Deserialize;

use super::tool::{with_confirm, AnswerKind, Entry, Guard, Serve};

/// The generated tool definitions and policies.
const TOOLS: &str = include_str!("tools.json");

/// Every toolset, and whether it is on without `--toolsets` (`docs/src/ai-assistants.md`
/// says what each holds).
pub(crate) const TOOLSETS: &[(&str, bool)] = &[
    ("agents", true),
    ("logs", true),
    ("proxy", false),
    ("billing", false),
];

#[derive(Deserialize)]
struct Generated {
    tools: Vec<GeneratedEntry>,
}

#[derive(Deserialize)]
struct GeneratedEntry {
    tool: Tool,
    toolset: String,
    guard: Option<Guard>,
    untrusted: bool,
    answer: AnswerKind,
}

/// Every tool, operations first (in the spec's order), then the jobs.
pub(crate) fn all() -> Result<Vec<Entry>, String> {
    let generated: Generated = serde_json::from_str(TOOLS)
        .map_err(|e| format!("the generated tool list does not read ({e}); regenerate it"))?;
    let mut entries = Vec::new();
    for entry in generated.tools {
        let toolset = TOOLSETS
            .iter()
            .map(|(name, _)| *name)
            .find(|name| *name == entry.toolset)
            .ok_or_else(|| format!("{}: no toolset {}", entry.tool.name, entry.toolset))?;
        let mut tool = entry.tool;
        if let Some(guard) = &entry.guard {
            tool.input_schema = Arc::new(with_confirm(&tool.input_schema, guard));
        }
        entries.push(Entry {
            tool,
            toolset,
            guard: entry.guard,
            untrusted: entry.untrusted,
            answer: entry.answer,
            serve: Serve::Operation,
        });
    }
    entries.extend(super::jobs::entries());
    Ok(entries)
}

/// Which tools to offer.
#[derive(Clone, Debug, Default)]
pub(crate) struct Selection {
    pub(crate) read_only: bool,
    /// `--toolsets`; `None` for the default ones.
    pub(crate) toolsets: Option<Vec<String>>,
    pub(crate) tools: Vec<String>,
    pub(crate) exclude: Vec<String>,
}

impl Selection {
    /// The tools this selection offers, or an error naming a toolset or tool that does
    /// not exist.
    pub(crate) fn apply(&self, all: Vec<Entry>) -> Result<Vec<Entry>, String> {
        let known: BTreeSet<&str> = all.iter().map(Entry::name).collect();
        for name in self.tools.iter().chain(&self.exclude) {
            if !known.contains(name.as_str()) {
                return Err(format!(
                    "there is no tool {name}: `fleek-agents mcp --list --toolsets all` lists them"
                ));
            }
        }
        let toolsets: Vec<&str> = match &self.toolsets {
            None => TOOLSETS
                .iter()
                .filter(|(_, default)| *default)
                .map(|(name, _)| *name)
                .collect(),
            Some(names) if names.iter().any(|n| n == "all") => {
                TOOLSETS.iter().map(|(name, _)| *name).collect()
            }
            Some(names) => {
                for name in names {
                    if !TOOLSETS.iter().any(|(known, _)| known == name) {
                        return Err(format!(
                            "there is no toolset {name}: the toolsets are {} (or all)",
                            TOOLSETS
                                .iter()
                                .map(|(name, _)| *name)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                }
                names.iter().map(String::as_str).collect()
            }
        };
        Ok(all
            .into_iter()
            .filter(|entry| {
                toolsets.contains(&entry.toolset) || self.tools.iter().any(|t| t == entry.name())
            })
            .filter(|entry| !self.exclude.iter().any(|t| t == entry.name()))
            .filter(|entry| !self.read_only || entry.read_only())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// Every place in a schema some major client refuses: a reference, a union, a type list.
    fn refused_shapes(schema: &Value, path: &str, found: &mut Vec<String>) {
        match schema {
            Value::Object(map) => {
                for key in ["$ref", "$defs", "oneOf", "anyOf", "allOf"] {
                    if map.contains_key(key) {
                        found.push(format!("{path}.{key}"));
                    }
                }
                if map.get("type").is_some_and(Value::is_array) {
                    found.push(format!("{path}.type"));
                }
                for (key, value) in map {
                    refused_shapes(value, &format!("{path}.{key}"), found);
                }
            }
            Value::Array(items) => {
                for item in items {
                    refused_shapes(item, path, found);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn every_tool_states_its_hints_and_has_a_name_and_schemas_every_client_takes() {
        let all = all().expect("the generated list reads");
        assert!(all.len() > 30, "{}", all.len());
        for entry in &all {
            let name = entry.name();
            assert!(
                name.len() <= 48
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{name}"
            );
            let hints = entry.tool.annotations.clone().expect(name);
            for (hint, value) in [
                ("readOnlyHint", hints.read_only_hint),
                ("destructiveHint", hints.destructive_hint),
                ("idempotentHint", hints.idempotent_hint),
                ("openWorldHint", hints.open_world_hint),
            ] {
                assert!(value.is_some(), "{name} has no {hint}");
            }
            let input = Value::Object((*entry.tool.input_schema).clone());
            assert_eq!(input["type"], "object", "{name}");
            let mut found = Vec::new();
            refused_shapes(&input, "$", &mut found);
            assert!(found.is_empty(), "{name}: {found:?}");
            if let Some(output) = &entry.tool.output_schema {
                assert_eq!(output["type"], "object", "{name}'s output schema");
            }
            let description = entry.tool.description.as_deref().unwrap_or_default();
            assert!(!description.is_empty(), "{name} has no description");
        }
    }

    #[test]
    fn the_destructive_tools_are_those_that_delete_stop_cancel_or_overwrite() {
        let all = all().expect("reads");
        let destructive: BTreeSet<&str> = all
            .iter()
            .filter(|e| e.tool.annotations.as_ref().and_then(|a| a.destructive_hint) == Some(true))
            .map(Entry::name)
            .collect();
        let expected: BTreeSet<&str> = [
            // Delete.
            "delete_agent",
            "proxy_delete",
            // Stop, cancel.
            "stop_agent",
            "cancel_subscription",
            // Overwrite: what runs, what an agent holds, what a subscription costs.
            "publish_agent",
            "update_agent",
            "deploy",
            "proxy_put",
            "proxy_patch",
            "proxy_post",
            "set_subscription_quantity",
            "update_subscription_quantity",
        ]
        .into_iter()
        .collect();
        assert_eq!(destructive, expected);
        // Each asks first, as does each that costs money.
        let guarded: BTreeSet<&str> = all
            .iter()
            .filter(|e| e.guard.is_some())
            .map(Entry::name)
            .collect();
        let mut expected_guarded = expected.clone();
        expected_guarded.extend(["create_subscription", "create_checkout_session"]);
        assert_eq!(guarded, expected_guarded);
        for entry in all.iter().filter(|e| e.guard.is_some()) {
            assert!(
                entry.tool.input_schema["properties"]
                    .get("confirm")
                    .is_some(),
                "{} takes no confirm",
                entry.name()
            );
        }
    }

    #[test]
    fn the_default_toolsets_cost_under_ten_thousand_tokens() {
        let offered = Selection::default()
            .apply(all().expect("reads"))
            .expect("valid");
        let bytes = super::super::setup::list_bytes(&offered);
        assert!(bytes / 4 < 10_000, "{bytes} bytes");
    }

    #[test]
    fn read_only_wins_over_every_other_choice() {
        let all = all().expect("the generated list reads");
        let selection = Selection {
            read_only: true,
            toolsets: Some(vec!["all".into()]),
            tools: vec!["delete_agent".into()],
            exclude: vec![],
        };
        let offered = selection.apply(all).expect("valid");
        assert!(!offered.is_empty());
        assert!(offered.iter().all(Entry::read_only));
        assert!(!offered.iter().any(|e| e.name() == "delete_agent"));
    }

    #[test]
    fn an_unknown_toolset_or_tool_is_refused_by_name() {
        let error = Selection {
            toolsets: Some(vec!["agnets".into()]),
            ..Selection::default()
        }
        .apply(all().expect("reads"))
        .expect_err("no such toolset");
        assert!(
            error.contains("agnets") && error.contains("billing"),
            "{error}"
        );
        let error = Selection {
            exclude: vec!["drop_everything".into()],
            ..Selection::default()
        }
        .apply(all().expect("reads"))
        .expect_err("no such tool");
        assert!(error.contains("drop_everything"), "{error}");
    }

    #[test]
    fn tools_adds_one_tool_from_a_toolset_that_is_off() {
        let offered = Selection {
            tools: vec!["list_plans".into()],
            ..Selection::default()
        }
        .apply(all().expect("reads"))
        .expect("valid");
        assert!(offered.iter().any(|e| e.name() == "list_plans"));
        assert!(!offered.iter().any(|e| e.name() == "list_subscriptions"));
    }
}
