//! `x-command`: where each operation stands in `fleek-agents`' noun-verb tree, and what a
//! tool should know before it calls it (whether to ask first, its hints). One table, read
//! by the CLI's tree, its confirmations, its deprecated aliases and its help, and by any
//! other tool built on the generated code.
//!
//! Where `x-command` names no `noun` or `verb`, a rule places the operation: its noun is its
//! first tag in kebab case (`AI Agents` → `ai-agents`; `api` without a tag), its verb its
//! operationId in kebab case.
//!
//! The hints a tool (an MCP server) passes to a model are stated, never guessed from the
//! method: every operation carries `x-command` with `read-only`, `destructive` and
//! `open-world`, and `x-idempotent`; generation fails for one without them, or whose hints
//! contradict each other (a read-only operation is neither destructive nor unsafe to send
//! again).

use openapiv3::{OpenAPI, Operation, PathItem, ReferenceOr};

use crate::extensions::{is_wildcard, IDEMPOTENT};

/// The extension.
pub(crate) const COMMAND: &str = "x-command";

/// The keys `x-command` takes.
const KEYS: [&str; 8] = [
    "noun",
    "verb",
    "confirm",
    "read-only",
    "destructive",
    "open-world",
    "hidden",
    "hand-written",
];

/// One operation's place and hints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Placement {
    pub(crate) noun: String,
    pub(crate) verb: String,
    /// The question before the call (`{}` the subject, `{arg}` another argument).
    pub(crate) confirm: Option<String>,
    pub(crate) destructive: bool,
    pub(crate) open_world: bool,
    pub(crate) hidden: bool,
    pub(crate) hand_written: bool,
    /// `x-command`'s `read-only`.
    pub(crate) read_only: bool,
    /// `x-idempotent`.
    pub(crate) idempotent: bool,
    /// The clap id of the path parameter that names what the operation acts on (the first
    /// path parameter that is not a wildcard): `agent-id`.
    pub(crate) subject: Option<String>,
}

/// Every operation with an operationId, with its placement, in spec order; an error names
/// the operation whose `x-command` is malformed, or two operations at one place.
pub(crate) fn placements(spec: &OpenAPI) -> Result<Vec<(String, Placement)>, crate::Error> {
    let mut out: Vec<(String, Placement)> = Vec::new();
    for (_, item) in spec.paths.iter() {
        let Some(item) = item.as_item() else {
            continue;
        };
        for (method, op) in item.iter() {
            let Some(id) = op.operation_id.as_deref() else {
                continue;
            };
            let placement = placement(spec, item, method, op)
                .map_err(|message| crate::Error::operation(id, message))?;
            // Hand-written commands may serve several operations (the proxy's methods).
            if !placement.hand_written {
                if let Some((other, _)) = out.iter().find(|(_, p)| {
                    !p.hand_written && p.noun == placement.noun && p.verb == placement.verb
                }) {
                    return Err(crate::Error::operation(
                        id,
                        format!(
                            "{COMMAND} places it at `{} {}`, where {other} stands already",
                            placement.noun, placement.verb
                        ),
                    ));
                }
            }
            out.push((id.to_string(), placement));
        }
    }
    Ok(out)
}

fn placement(
    spec: &OpenAPI,
    item: &PathItem,
    _method: &str,
    op: &Operation,
) -> Result<Placement, String> {
    let id = op.operation_id.as_deref().unwrap_or_default();
    let idempotent = op
        .extensions
        .get(IDEMPOTENT)
        .ok_or_else(|| {
            format!(
                "has no {IDEMPOTENT}: every operation states whether it may be sent again \
                 (`{IDEMPOTENT}: true` or `false`)"
            )
        })?
        .as_bool()
        .ok_or_else(|| format!("{IDEMPOTENT} must be true or false"))?;
    let subject = subject(spec, item, op);
    let value = op.extensions.get(COMMAND).ok_or_else(|| {
        format!(
            "has no {COMMAND}: every operation states its hints, never guessed \
             (`{COMMAND}: {{read-only: false, destructive: false, open-world: false}}`)"
        )
    })?;
    let object = value
        .as_object()
        .ok_or_else(|| format!("{COMMAND} must be a mapping"))?;
    if let Some(key) = object.keys().find(|key| !KEYS.contains(&key.as_str())) {
        return Err(format!(
            "{COMMAND} has no key `{key}` (it takes {})",
            KEYS.join(", ")
        ));
    }
    let word = |key: &str, otherwise: String| -> Result<String, String> {
        let Some(value) = object.get(key) else {
            return Ok(otherwise);
        };
        let text = value
            .as_str()
            .ok_or_else(|| format!("{COMMAND}'s `{key}` must be a word"))?;
        let valid = text.starts_with(|c: char| c.is_ascii_lowercase())
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid {
            return Err(format!(
                "{COMMAND}'s `{key}` is `{text}`: a command name is lower-case letters, digits \
                 and `-`, starting with a letter"
            ));
        }
        Ok(text.to_string())
    };
    let flag = |key: &str| -> Result<bool, String> {
        match object.get(key) {
            None => Ok(false),
            Some(value) => value
                .as_bool()
                .ok_or_else(|| format!("{COMMAND}'s `{key}` must be true or false")),
        }
    };
    let hint = |key: &str| -> Result<bool, String> {
        match object.get(key) {
            None => Err(format!(
                "{COMMAND} needs `{key}: true` or `false`: the hints (read-only, destructive, \
                 open-world) are stated on every operation, never guessed"
            )),
            Some(_) => flag(key),
        }
    };
    let confirm = match object.get("confirm") {
        None => None,
        Some(value) => Some(
            value
                .as_str()
                .filter(|text| !text.trim().is_empty())
                .ok_or_else(|| format!("{COMMAND}'s `confirm` must be a sentence"))?
                .to_string(),
        ),
    };
    let (read_only, destructive) = (hint("read-only")?, hint("destructive")?);
    if read_only && (destructive || !idempotent) {
        return Err(format!(
            "{COMMAND} says `read-only: true`, so it can be neither `destructive: true` nor \
             `{IDEMPOTENT}: false`"
        ));
    }
    let noun = op
        .tags
        .first()
        .map_or_else(|| "api".to_string(), |t| kebab(t));
    Ok(Placement {
        noun: word("noun", noun)?,
        verb: word("verb", kebab(id))?,
        confirm,
        destructive,
        open_world: hint("open-world")?,
        hidden: flag("hidden")?,
        hand_written: flag("hand-written")?,
        read_only,
        idempotent,
        subject,
    })
}

/// The clap id of the first path parameter that is not a wildcard.
fn subject(spec: &OpenAPI, item: &PathItem, op: &Operation) -> Option<String> {
    let components = spec.components.as_ref();
    item.parameters
        .iter()
        .chain(&op.parameters)
        .filter_map(|parameter| match parameter {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { .. } => crate::refs::parameter(parameter, components),
        })
        .find_map(|parameter| match parameter {
            openapiv3::Parameter::Path { parameter_data, .. } if !is_wildcard(parameter_data) => {
                Some(kebab(&parameter_data.name))
            }
            _ => None,
        })
}

/// `agentId` → `agent-id`, `AI Agents` → `ai-agents`, `list_agents` → `list-agents`.
pub(crate) fn kebab(name: &str) -> String {
    crate::naming::snake_case(name).replace('_', "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    const HINTS: &str = "read-only: false, destructive: true, open-world: false";

    fn spec(extension: &str) -> OpenAPI {
        spec_with(&format!("      x-idempotent: true\n{extension}"))
    }

    fn spec_with(extension: &str) -> OpenAPI {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /things/{{thingId}}:\n    \
             delete:\n      operationId: delete_thing\n      tags: [Things]\n{extension}      \
             parameters:\n        - {{name: thingId, in: path, required: true, schema: {{type: \
             string}}}}\n      responses:\n        '204': {{description: gone}}\n"
        );
        serde_yaml::from_str(&text).expect("a spec")
    }

    #[test]
    fn without_a_noun_and_verb_the_tag_and_the_operation_id_place_it() {
        let placed = placements(&spec(&format!("      x-command: {{{HINTS}}}\n"))).expect("placed");
        let (id, placement) = &placed[0];
        assert_eq!(id, "delete_thing");
        assert_eq!(placement.noun, "things");
        assert_eq!(placement.verb, "delete-thing");
        assert_eq!(placement.subject.as_deref(), Some("thing-id"));
        assert!(placement.idempotent && !placement.read_only);
    }

    #[test]
    fn the_extension_places_it_and_says_what_to_ask() {
        let placed = placements(&spec(&format!(
            "      x-command: {{noun: thing, verb: delete, confirm: 'delete {{}}', {HINTS}}}\n"
        )))
        .expect("placed");
        let placement = &placed[0].1;
        assert_eq!(
            (placement.noun.as_str(), placement.verb.as_str()),
            ("thing", "delete")
        );
        assert_eq!(placement.confirm.as_deref(), Some("delete {}"));
        assert!(placement.destructive && !placement.hidden && !placement.hand_written);
    }

    #[test]
    fn a_malformed_extension_is_an_error_naming_the_operation() {
        for (extension, says) in [
            (
                "      x-command: {noun: Thing, verb: delete, read-only: false, destructive: false, open-world: false}\n",
                "lower-case",
            ),
            (
                "      x-command: {noun: thing, verb: 7, read-only: false, destructive: false, open-world: false}\n",
                "must be a word",
            ),
            (
                "      x-command: {noun: thing, verb: x, colour: red}\n",
                "no key `colour`",
            ),
            (
                "      x-command: {noun: thing, verb: x, hidden: yes-please, read-only: false, destructive: false, open-world: false}\n",
                "true or false",
            ),
            ("", "has no x-command"),
            (
                "      x-command: {noun: thing, verb: x, read-only: false, open-world: false}\n",
                "needs `destructive: true` or `false`",
            ),
            (
                "      x-command: {noun: thing, verb: x, read-only: true, destructive: true, open-world: false}\n",
                "can be neither",
            ),
        ] {
            let error = placements(&spec(extension))
                .expect_err(extension)
                .to_string();
            assert!(error.contains("delete_thing"), "{error}");
            assert!(error.contains(says), "{error}");
        }
        let unstated = spec_with(&format!("      x-command: {{{HINTS}}}\n"));
        let error = placements(&unstated)
            .expect_err("no x-idempotent")
            .to_string();
        assert!(error.contains("has no x-idempotent"), "{error}");
    }
}
