//! Code samples for every operation, from the spec alone: a Rust program (the typed
//! client), a `fleek-agents` command and a `curl` command, each filled with the spec's own
//! examples (path and query parameters, the request body). The reference renders them
//! (`x-codeSamples`, added to the bundled spec `cargo xtask docs` builds) and tests run
//! each against a simulator where the examples' ids exist: the shell ones through `sh`,
//! the Rust ones compiled, as printed, into `fleek-api/tests/samples/`. No sample is
//! written by hand.
//!
//! All three read the API's origin and key from `FLEEK_API_URL` and `FLEEK_API_KEY`.

use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr};
use serde_json::{json, Value};

use crate::commands::Placement;
use crate::extensions::is_wildcard;

/// One parameter with its example.
struct Example {
    name: String,
    value: String,
    wildcard: bool,
}

/// What the samples read from an operation beyond its parameters.
struct Shape {
    /// The Rust type of its JSON body (`None`: any JSON, `serde_json::Value`).
    body_type: Option<String>,
    /// It pages (`x-pagination`): the sample reads it as a stream.
    paged: bool,
    /// What `call()` returns.
    answer: Answer,
}

/// What `call()` returns, from the operation's success answer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    Json,
    Bytes,
    Nothing,
}

/// The samples of every operation, in the spec's order: as pretty JSON (for the
/// reference) and as a Rust test target that compiles and runs the Rust ones as printed.
pub(crate) fn document(spec: &OpenAPI) -> Result<(String, String), crate::Error> {
    let placements = crate::commands::placements(spec)?;
    let mut all = Vec::new();
    for (path, item) in spec.paths.iter() {
        let Some(item) = item.as_item() else {
            continue;
        };
        'operations: for (method, op) in item.iter() {
            let Some(id) = op.operation_id.as_deref() else {
                continue;
            };
            // The wildcard's example for this method (see `example`); an operation with
            // none is left out (Eliza's API has no `PUT` or `PATCH` route: a sample would
            // teach a call that fails).
            let method_example = |parameter: &Parameter| example_for(spec, parameter, method);
            let placement = placements
                .iter()
                .find(|(placed, _)| placed == id)
                .map(|(_, p)| p)
                .ok_or_else(|| crate::Error::operation(id, "has no placement"))?;
            let components = spec.components.as_ref();
            let mut path_params = Vec::new();
            let mut query = Vec::new();
            for parameter in item.parameters.iter().chain(&op.parameters) {
                let Some(parameter) = crate::refs::parameter(parameter, components) else {
                    continue;
                };
                match parameter {
                    Parameter::Path { parameter_data, .. } => {
                        // Without an example, a placeholder the reader fills in.
                        let value = if is_wildcard(parameter_data) {
                            match method_example(parameter) {
                                Some(value) => value,
                                None => continue 'operations,
                            }
                        } else {
                            example(spec, parameter)
                                .unwrap_or_else(|| format!("<{}>", parameter_data.name))
                        };
                        path_params.push(Example {
                            name: parameter_data.name.clone(),
                            value,
                            wildcard: is_wildcard(parameter_data),
                        });
                    }
                    Parameter::Query { parameter_data, .. }
                        if parameter_data.required || parameter_data.name == "projectId" =>
                    {
                        if let Some(value) = example(spec, parameter) {
                            query.push(Example {
                                name: parameter_data.name.clone(),
                                value,
                                wildcard: false,
                            });
                        }
                    }
                    _ => {}
                }
            }
            let media = op
                .request_body
                .as_ref()
                .and_then(|body| {
                    crate::refs::resolve(body, components, "requestBodies", |c| &c.request_bodies)
                        .ok()
                })
                .and_then(|body| body.content.get("application/json"));
            let body = media.and_then(|media| media.example.clone());
            let shape = Shape {
                body_type: media
                    .and_then(|media| media.schema.as_ref())
                    .and_then(|schema| match schema {
                        ReferenceOr::Reference { reference } => reference
                            .strip_prefix("#/components/schemas/")
                            .map(str::to_string),
                        ReferenceOr::Item(_) => None,
                    }),
                paged: op.extensions.contains_key("x-pagination"),
                answer: answer(op, components),
            };
            // Per operation: Rust (the typed client), `curl` (`sh`, reading FLEEK_API_URL
            // and FLEEK_API_KEY) and `fleek-agents` (after a heredoc writing `body.json`
            // when it takes a body).
            all.push(json!({
                "operation": id,
                "rust": rust(id, &shape, &path_params, &query, body.as_ref()),
                "curl": curl(method, path, &path_params, &query, body.as_ref()),
                "cli": cli(method, placement, &path_params, &query, body.as_ref()),
            }));
        }
    }
    let json = serde_json::to_string_pretty(&all)
        .map(|text| text + "\n")
        .map_err(|e| crate::Error::Output(e.to_string()))?;
    Ok((json, rust_tests(&all)))
}

/// What the operation's first 2xx answer holds: JSON, other bytes, or nothing.
fn answer(op: &openapiv3::Operation, components: Option<&openapiv3::Components>) -> Answer {
    let success = op
        .responses
        .responses
        .iter()
        .find(|(status, _)| status.to_string().starts_with('2'))
        .and_then(|(_, response)| {
            crate::refs::resolve(response, components, "responses", |c| &c.responses).ok()
        });
    match success {
        Some(response) if response.content.contains_key("application/json") => Answer::Json,
        Some(response) if !response.content.is_empty() => Answer::Bytes,
        _ => Answer::Nothing,
    }
}

/// The example of a wildcard path parameter for `method`: among the parameter's
/// `examples`, the one named after the method (`get`, `post`, ...), so that each of the
/// path's operations shows a route it can take.
fn example_for(spec: &OpenAPI, parameter: &Parameter, method: &str) -> Option<String> {
    let data = parameter.parameter_data_ref();
    let named = data
        .examples
        .get(&method.to_ascii_lowercase())
        .and_then(|example| {
            crate::refs::resolve(example, spec.components.as_ref(), "examples", |c| {
                &c.examples
            })
            .ok()
        })
        .and_then(|example| example.value.clone());
    named.map(as_text)
}

/// An example as it is written in a URL or on a command line: a string as it is, any
/// other value as JSON.
fn as_text(value: Value) -> String {
    match value {
        Value::String(text) => text,
        other => other.to_string(),
    }
}

/// `text` as a Rust string literal.
fn literal(text: &str) -> String {
    format!("{text:?}")
}

/// A Rust program calling the operation with the typed client: its builder with the
/// examples, then `call()` (or `stream()` for a paged operation), printing the answer.
fn rust(
    id: &str,
    shape: &Shape,
    path_params: &[Example],
    query: &[Example],
    body: Option<&Value>,
) -> String {
    // `types` for a typed body, `Call` for `call()`, a stream's `try_next()`.
    let typed_body = body.is_some() && shape.body_type.is_some();
    let names: Vec<&str> = [
        typed_body.then_some("types"),
        (!shape.paged).then_some("Call"),
        Some("Client"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut uses = vec![match names.as_slice() {
        [one] => format!("use fleek_api::{one};"),
        many => format!("use fleek_api::{{{}}};", many.join(", ")),
    }];
    if shape.paged {
        uses.push("use futures_util::TryStreamExt;".to_string());
    }
    let mut lines = Vec::new();
    if let Some(body) = body {
        // serde's two-space nesting, one step in from the `let`.
        let pretty = serde_json::to_string_pretty(body).unwrap_or_default();
        let mut rows: Vec<String> = pretty.lines().map(str::to_string).collect();
        let last = rows.len().saturating_sub(1);
        for row in rows.iter_mut().take(last).skip(1) {
            row.insert_str(0, "  ");
        }
        let pretty = rows.join("\n");
        match &shape.body_type {
            Some(name) => {
                lines.push(format!(
                    "let body: types::{name} = serde_json::from_value(serde_json::json!({pretty}))?;"
                ));
            }
            None => lines.push(format!("let body = serde_json::json!({pretty});")),
        }
    }
    let mut chain = vec!["client".to_string(), format!(".{id}()")];
    for param in path_params.iter().chain(query) {
        chain.push(format!(
            ".{}({})",
            crate::naming::snake_case(&param.name),
            literal(&param.value)
        ));
    }
    if body.is_some() {
        chain.push(".body(body)".to_string());
    }
    // On one line when it fits, otherwise one call a line, as rustfmt lays a chain out.
    let indent = |chain: &[String]| {
        let line = chain.concat();
        if line.len() <= 60 {
            line
        } else {
            chain.join("\n    ")
        }
    };
    if shape.paged {
        chain.push(".stream();".to_string());
        lines.push(format!("let items = {}", indent(&chain)));
        lines.push("futures_util::pin_mut!(items);".to_string());
        lines.push("while let Some(item) = items.try_next().await? {".to_string());
        lines.push("    println!(\"{item:#?}\");".to_string());
        lines.push("}".to_string());
    } else {
        chain.push(".call()".to_string());
        chain.push(".await?;".to_string());
        match shape.answer {
            Answer::Json => {
                lines.push(format!("let answer = {}", indent(&chain)));
                lines.push("println!(\"{answer:#?}\");".to_string());
            }
            Answer::Bytes => {
                lines.push(format!("let answer = {}", indent(&chain)));
                lines.push("println!(\"{}\", String::from_utf8_lossy(&answer));".to_string());
            }
            Answer::Nothing => {
                lines.push(indent(&chain));
                lines.push(format!("println!(\"{id}: done\");"));
            }
        }
    }
    let body: Vec<String> = lines
        .iter()
        .flat_map(|line| line.lines().map(|l| format!("    {l}")).collect::<Vec<_>>())
        .collect();
    format!(
        "{}\n\n#[tokio::main]\nasync fn main() -> Result<(), Box<dyn std::error::Error>> {{\n    \
         // Reads FLEEK_API_KEY, and FLEEK_API_URL when set.\n    \
         let client = Client::from_env()?;\n{}\n    Ok(())\n}}\n",
        uses.join("\n"),
        body.join("\n")
    )
}

/// `fleek-api/tests/samples/generated.rs`: every Rust sample as printed, one module each
/// (with a `run` that calls its `main`), and the table `tests/samples/main.rs` runs.
fn rust_tests(all: &[Value]) -> String {
    let mut modules = String::new();
    let mut table = String::new();
    for sample in all {
        let (Some(id), Some(source)) = (sample["operation"].as_str(), sample["rust"].as_str())
        else {
            continue;
        };
        modules.push_str(&format!("mod {id} {{\n"));
        for line in source.lines() {
            if line.is_empty() {
                modules.push('\n');
            } else {
                modules.push_str(&format!("    {line}\n"));
            }
        }
        modules.push_str(
            "\n    pub(super) fn run() -> Result<(), Box<dyn std::error::Error>> {\n        \
             main()\n    }\n}\n\n",
        );
        table.push_str(&format!("    (\"{id}\", {id}::run),\n"));
    }
    format!(
        "{}\n\n//! Every operation's Rust sample, as the reference prints it, in a module of \
         its own.\n\n{modules}\
         /// A sample's `main`, through its module's `run`.\n\
         pub(crate) type Main = fn() -> Result<(), Box<dyn std::error::Error>>;\n\n\
         /// Each sample's operation and its `main`.\n\
         pub(crate) const SAMPLES: &[(&str, Main)] = &[\n{table}];\n",
        crate::GENERATED_HEADER
    )
}

/// A parameter's example: its own, or its schema's (followed through a `$ref`).
fn example(spec: &OpenAPI, parameter: &Parameter) -> Option<String> {
    let data = parameter.parameter_data_ref();
    let value = data.example.clone().or_else(|| match &data.format {
        ParameterSchemaOrContent::Schema(schema) => {
            crate::refs::schema(schema, spec.components.as_ref())
                .and_then(|s| s.schema_data.example.clone())
        }
        ParameterSchemaOrContent::Content(_) => None,
    })?;
    Some(as_text(value))
}

/// `text` in single quotes for `sh`.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn curl(
    method: &str,
    path: &str,
    path_params: &[Example],
    query: &[Example],
    body: Option<&Value>,
) -> String {
    let mut url = path.to_string();
    for param in path_params {
        // A wildcard keeps its `/`; every other value is one segment (the examples are
        // URL-safe ids).
        let value = if param.wildcard {
            param.value.clone()
        } else {
            param.value.replace('/', "%2F")
        };
        url = url.replace(&format!("{{{}}}", param.name), &value);
    }
    if !query.is_empty() {
        let pairs: Vec<String> = query
            .iter()
            .map(|q| format!("{}={}", q.name, q.value))
            .collect();
        url = format!("{url}?{}", pairs.join("&"));
    }
    let mut lines = vec![
        format!(
            "curl --fail-with-body -X {} \"$FLEEK_API_URL{url}\"",
            method.to_uppercase()
        ),
        "  -H \"X-Api-Key: $FLEEK_API_KEY\"".to_string(),
    ];
    if let Some(body) = body {
        lines.push("  -H 'Content-Type: application/json'".to_string());
        lines.push(format!("  -d {}", quoted(&body.to_string())));
    }
    lines.join(" \\\n")
}

fn cli(
    method: &str,
    placement: &Placement,
    path_params: &[Example],
    query: &[Example],
    body: Option<&Value>,
) -> String {
    let mut words = vec![
        "fleek-agents".to_string(),
        placement.noun.clone(),
        placement.verb.clone(),
    ];
    // The subject first, then, for the proxy (`agent api <agent> <METHOD> <PATH>`), what
    // the hand-written command takes.
    if let Some(subject) = path_params.iter().find(|p| !p.wildcard) {
        words.push(quoted(&subject.value));
    }
    if placement.hand_written && placement.verb == "api" {
        words.push(method.to_uppercase());
        if let Some(path) = path_params.iter().find(|p| p.wildcard) {
            words.push(quoted(&path.value));
        }
    }
    for q in query {
        words.push(format!("--{}", crate::commands::kebab(&q.name)));
        words.push(quoted(&q.value));
    }
    let mut text = String::new();
    let proxy = placement.hand_written && placement.verb == "api";
    if let (true, Some(body)) = (proxy, body) {
        // `agent api` takes its body inline.
        words.push("--data".to_string());
        words.push(quoted(&body.to_string()));
    } else if let Some(body) = body {
        let pretty = serde_json::to_string_pretty(body).unwrap_or_default();
        text.push_str(&format!("cat > body.json <<'EOF'\n{pretty}\nEOF\n"));
        words.push("--json-body".to_string());
        words.push("body.json".to_string());
    }
    if placement.confirm.is_some() {
        words.push("--yes".to_string());
    }
    text.push_str(&words.join(" "));
    text
}
