//! Checks for spec shapes progenitor 0.15 cannot handle, found in its source
//! (`progenitor-impl/src/method.rs`, `util.rs`, `lib.rs`): it panics on most of them.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;

use crate::refs::resolve;

use openapiv3::{
    Components, MediaType, OpenAPI, Operation, Parameter, PathItem, ReferenceOr, RequestBody,
    Response, Schema, SchemaKind, StatusCode, Type,
};

/// One shape of the spec the generator cannot handle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The operation (`METHOD /path`, with its operationId when it has one), or the part of
    /// the document, where the problem is.
    pub place: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// Lists every shape of `spec` that progenitor would reject or panic on. Empty when the spec
/// can be generated.
pub fn check(spec: &OpenAPI) -> Vec<Problem> {
    let mut problems = Vec::new();
    if !spec.openapi.trim().starts_with("3.0.") {
        problems.push(Problem {
            place: "openapi".into(),
            message: format!(
                "version {} is not supported; progenitor reads OpenAPI 3.0.x only",
                spec.openapi
            ),
        });
    }

    if let Some(components) = &spec.components {
        for (name, schema) in &components.schemas {
            let replaced = crate::REPLACEMENTS.iter().any(|(n, _, _)| n == name);
            if let (ReferenceOr::Item(schema), false) = (schema, replaced) {
                check_field_names(name, schema, &mut problems);
            }
        }
    }

    for (name, message) in crate::open_enums::read(spec).1 {
        problems.push(Problem {
            place: format!("components.schemas.{name}"),
            message,
        });
    }

    let mut operation_ids = HashSet::new();
    for (path, item) in &spec.paths.paths {
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                problems.push(Problem {
                    place: path.clone(),
                    message: format!("the path item is a reference ({reference}); write it inline"),
                });
                continue;
            }
        };
        for (method, operation) in item.iter() {
            let place = match &operation.operation_id {
                Some(id) => format!("{} {path} ({id})", method.to_uppercase()),
                None => format!("{} {path}", method.to_uppercase()),
            };
            let mut report = |message: String| {
                problems.push(Problem {
                    place: place.clone(),
                    message,
                })
            };
            match &operation.operation_id {
                None => report("the operation has no operationId; add one".into()),
                Some(id) if !operation_ids.insert(id.clone()) => {
                    report(format!("operationId {id} is used by another operation"))
                }
                Some(_) => {}
            }
            if let Some(value) = operation.extensions.get(crate::extensions::IDEMPOTENT) {
                if !value.is_boolean() {
                    report(format!(
                        "{} must be true or false, not {value}",
                        crate::extensions::IDEMPOTENT
                    ));
                }
            }
            if let Some(requirements) = &operation.security {
                for name in crate::security::undeclared(spec, requirements) {
                    report(format!(
                        "security names the scheme {name}, which \
                         #/components/securitySchemes does not declare"
                    ));
                }
            }
            if let Err(message) =
                crate::paging::pagination(spec.components.as_ref(), item, operation)
            {
                report(message);
            }
            for message in check_operation(spec.components.as_ref(), path, item, operation) {
                report(message);
            }
        }
    }
    problems
}

fn check_operation(
    components: Option<&Components>,
    path: &str,
    item: &PathItem,
    operation: &Operation,
) -> Vec<String> {
    let mut problems = Vec::new();
    check_parameters(components, path, item, operation, &mut problems);
    check_request_body(components, operation, &mut problems);
    check_responses(components, operation, &mut problems);
    problems
}

fn check_parameters(
    components: Option<&Components>,
    path: &str,
    item: &PathItem,
    operation: &Operation,
    problems: &mut Vec<String>,
) {
    let in_template: BTreeSet<&str> = template_names(path);
    let mut declared = BTreeSet::new();
    for parameter in item.parameters.iter().chain(&operation.parameters) {
        let parameter = match resolve(parameter, components, "parameters", |c| &c.parameters) {
            Ok(p) => p,
            Err(message) => {
                problems.push(message);
                continue;
            }
        };
        if let Parameter::Path { parameter_data, .. } = parameter {
            if !parameter_data.required {
                problems.push(format!(
                    "path parameter {} must be `required: true`",
                    parameter_data.name
                ));
            }
            if !in_template.contains(parameter_data.name.as_str()) {
                problems.push(format!(
                    "path parameter {} does not appear in the path",
                    parameter_data.name
                ));
            }
            declared.insert(parameter_data.name.clone());
        }
    }
    for name in in_template {
        if !declared.contains(name) {
            problems.push(format!(
                "the path names {{{name}}} but no path parameter declares it"
            ));
        }
    }
}

fn template_names(path: &str) -> BTreeSet<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

fn check_request_body(
    components: Option<&Components>,
    operation: &Operation,
    problems: &mut Vec<String>,
) {
    let Some(body) = &operation.request_body else {
        return;
    };
    let body: &RequestBody = match resolve(body, components, "requestBodies", |c| &c.request_bodies)
    {
        Ok(body) => body,
        Err(message) => {
            problems.push(message);
            return;
        }
    };
    if body.content.len() > 1 {
        problems.push(format!(
            "the request body has {} media types ({}); keep one",
            body.content.len(),
            body.content.keys().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    for (media, content) in &body.content {
        if content.schema.is_none() {
            problems.push(format!("the request body's {media} content has no schema"));
        }
        if !content.encoding.is_empty() {
            problems.push(format!(
                "the request body's {media} content sets `encoding`, which is not supported"
            ));
        }
    }
}

/// What an operation's response turns into in Rust: progenitor allows one kind for all the
/// success responses and one for all the error responses.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// A JSON body, keyed by its schema (a `$ref` or the inline schema's JSON).
    Json(String),
    /// A body of another media type: a byte stream.
    Raw,
    /// No body.
    Empty,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kind::Json(schema) => write!(f, "JSON {schema}"),
            Kind::Raw => f.write_str("raw bytes"),
            Kind::Empty => f.write_str("no body"),
        }
    }
}

fn check_responses(
    components: Option<&Components>,
    operation: &Operation,
    problems: &mut Vec<String>,
) {
    let mut success: BTreeMap<Kind, Vec<String>> = BTreeMap::new();
    let mut failure: BTreeMap<Kind, Vec<String>> = BTreeMap::new();
    let mut has_success_range = false;
    let default = operation
        .responses
        .default
        .as_ref()
        .map(|r| ("default".to_string(), r));
    for (code, response) in &operation.responses.responses {
        let (label, is_success, is_failure) = match code {
            StatusCode::Code(n) => {
                if *n >= 1000 {
                    problems.push(format!("status code {n} is not a valid HTTP status"));
                    continue;
                }
                if *n == 101 {
                    problems.push(
                        "response 101 (a protocol upgrade, such as a WebSocket) is not \
                         supported by this client; describe the operation without it"
                            .into(),
                    );
                    continue;
                }
                (
                    n.to_string(),
                    *n == 101 || (200..300).contains(n),
                    (400..600).contains(n),
                )
            }
            StatusCode::Range(n) => {
                if *n >= 10 {
                    problems.push(format!("status range {n}XX is not a valid HTTP range"));
                    continue;
                }
                has_success_range |= *n == 2;
                (format!("{n}XX"), *n == 2, (4..=5).contains(n))
            }
        };
        let Some(kind) = response_kind(components, response, &label, problems) else {
            continue;
        };
        if is_success {
            success.entry(kind.clone()).or_default().push(label.clone());
        }
        if is_failure {
            failure.entry(kind).or_default().push(label);
        }
    }
    if let Some((label, response)) = default {
        if let Some(kind) = response_kind(components, response, &label, problems) {
            // A `2XX` range makes progenitor drop `default` from the success responses.
            if !has_success_range {
                success.entry(kind.clone()).or_default().push(label.clone());
            }
            failure.entry(kind).or_default().push(label);
        }
    }

    for (what, kinds) in [("success", success), ("error", failure)] {
        if kinds.len() > 1 {
            let shapes = kinds
                .iter()
                .map(|(kind, codes)| format!("{} → {kind}", codes.join("/")))
                .collect::<Vec<_>>()
                .join("; ");
            problems.push(format!(
                "the {what} responses have {} different body types ({shapes}); progenitor \
                 allows one: give them the same schema, or describe all but one without content",
                kinds.len()
            ));
        }
    }
}

fn response_kind(
    components: Option<&Components>,
    response: &ReferenceOr<Response>,
    label: &str,
    problems: &mut Vec<String>,
) -> Option<Kind> {
    let response = match resolve(response, components, "responses", |c| &c.responses) {
        Ok(response) => response,
        Err(message) => {
            problems.push(message);
            return None;
        }
    };
    let json = response.content.iter().find(|(media, _)| {
        media.as_str() == "application/json" || media.starts_with("application/json;")
    });
    match json {
        Some((media, content)) => json_kind(content, media, label, problems),
        None if response.content.is_empty() => Some(Kind::Empty),
        None => Some(Kind::Raw),
    }
}

fn json_kind(
    content: &MediaType,
    media: &str,
    label: &str,
    problems: &mut Vec<String>,
) -> Option<Kind> {
    if !content.encoding.is_empty() {
        problems.push(format!(
            "response {label}: {media} content sets `encoding`, which is not supported"
        ));
    }
    match &content.schema {
        Some(ReferenceOr::Reference { reference }) => Some(Kind::Json(reference.clone())),
        Some(ReferenceOr::Item(schema)) => Some(Kind::Json(
            serde_json::to_string(schema).unwrap_or_else(|_| "an inline schema".into()),
        )),
        None => {
            problems.push(format!("response {label}: {media} content has no schema"));
            None
        }
    }
}

/// Two properties whose Rust field names coincide (`characterFile` and `character_file`)
/// make a struct that does not compile.
fn check_field_names(name: &str, schema: &Schema, problems: &mut Vec<Problem>) {
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return;
    };
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for property in object.properties.keys() {
        if let Some(first) = seen.insert(crate::naming::snake_case(property), property) {
            problems.push(Problem {
                place: format!("#/components/schemas/{name}"),
                message: format!(
                    "properties {first} and {property} become the same Rust field {}; \
                     rename one or replace the type with a hand-written one",
                    crate::naming::snake_case(property)
                ),
            });
        }
    }
}
