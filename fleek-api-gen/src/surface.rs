//! A plain-text summary of the generated API, for snapshot review.
//!
//! For each operation: its Rust method, HTTP method and path, each parameter with where it
//! goes (path, query, body) and its Rust type, and what `send()` returns. The HTTP facts come
//! from the spec, the Rust types from the generated code, so a change to either shows up.

use std::fmt::Write as _;

use openapiv3::{OpenAPI, Parameter, ReferenceOr};
use syn::{Fields, Type};

/// # Errors
/// When an operation of the spec has no builder in the generated code.
pub(crate) fn render(spec: &OpenAPI, file: &syn::File) -> Result<String, crate::Error> {
    let builders = builder_structs(file)?;
    let mut out = String::new();
    for (path, item) in spec.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, operation) in item.iter() {
            let Some(id) = &operation.operation_id else {
                continue;
            };
            let _ = writeln!(out, "{id}: {} {path}", method.to_uppercase());
            let locations = parameter_locations(spec, &item.parameters, &operation.parameters);
            match builders.iter().find(|b| b.operation == *id) {
                Some(builder) => {
                    for (field, ty) in &builder.fields {
                        let place = locations
                            .iter()
                            .find(|(name, _)| crate::naming::snake_case(name) == *field)
                            .map(|(name, location)| format!("{location} {name}"))
                            .unwrap_or_else(|| "body".to_string());
                        let _ = writeln!(out, "  {place} -> .{field}({ty})");
                    }
                    let _ = writeln!(out, "  returns {}", builder.returns);
                }
                None => {
                    return Err(crate::Error::operation(
                        id,
                        "progenitor generated no builder for it; the generator does not know \
                         this progenitor version",
                    ))
                }
            }
            out.push('\n');
        }
    }
    Ok(out)
}

struct Builder {
    /// The operationId, i.e. the `Client` method's name.
    operation: String,
    /// Each setter's name and the Rust type it stores.
    fields: Vec<(String, String)>,
    /// The return type of `send()`.
    returns: String,
}

/// Reads `mod builder` of the generated file: one struct per operation, named after it.
fn builder_structs(file: &syn::File) -> Result<Vec<Builder>, crate::Error> {
    Ok(crate::builders::builders(file)?
        .into_iter()
        .map(|builder| {
            let fields = match &builder.item.fields {
                Fields::Named(named) => named
                    .named
                    .iter()
                    .filter_map(|f| Some((f.ident.as_ref()?.to_string(), &f.ty)))
                    .filter(|(name, _)| name != "client")
                    .map(|(name, ty)| (name, type_text(setter_type(ty))))
                    .collect(),
                _ => Vec::new(),
            };
            Builder {
                operation: crate::naming::snake_case(&builder.item.ident.to_string()),
                fields,
                returns: builder
                    .send_output
                    .map_or_else(|| "()".to_string(), type_text),
            }
        })
        .collect())
}

/// Builder fields are `Result<T, String>`: the setter's conversion error is kept until
/// `send()`. The interesting type is `T`.
fn setter_type(ty: &Type) -> &Type {
    crate::builders::first_type_argument(ty).unwrap_or(ty)
}

/// A type as people write it: formatted by prettyplease, without the `::std::...` paths
/// that generated code spells out.
fn type_text(ty: &Type) -> String {
    let alias: syn::File = syn::parse_quote!(type T = #ty;);
    let mut s = prettyplease::unparse(&alias);
    s = s
        .trim()
        .trim_start_matches("type T = ")
        .trim_end_matches(';')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("< ", "<")
        .replace(", >", ">")
        .replace(",>", ">");
    // The hand-written replacements are public as `types::X`, beside the generated types.
    s = s.replace("crate::tolerant::", "types::");
    for prefix in [
        "::std::string::",
        "::std::option::",
        "::std::vec::",
        "::std::num::",
        "::std::collections::",
        "::std::",
        "super::",
    ] {
        s = s.replace(prefix, "");
    }
    s
}

/// Each parameter of an operation (path-level ones first) with where it goes.
fn parameter_locations(
    spec: &OpenAPI,
    path_level: &[ReferenceOr<Parameter>],
    operation_level: &[ReferenceOr<Parameter>],
) -> Vec<(String, &'static str)> {
    path_level
        .iter()
        .chain(operation_level)
        .filter_map(|p| crate::refs::parameter(p, spec.components.as_ref()))
        .map(|p| {
            let location = match p {
                Parameter::Path { .. } => "path",
                Parameter::Query { .. } => "query",
                Parameter::Header { .. } => "header",
                Parameter::Cookie { .. } => "cookie",
            };
            (p.parameter_data_ref().name.clone(), location)
        })
        .collect()
}
