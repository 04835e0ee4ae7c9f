//! `x-extensible-enum` → a Rust enum that keeps values it does not know.
//!
//! A closed `enum` in the spec would make every generator (progenitor's included) produce a
//! closed type, and a value Fleek adds later would fail the whole response. The spec lists
//! open value sets as `x-extensible-enum` (in place of `enum`, so validators accept any
//! string) with `x-enum-descriptions`; for each such schema the generator emits an
//! invocation of `fleek-api`'s `open_enum!` into `generated_enums.rs` (which needs nothing
//! from the client, so the hand-written types can use it too), tells progenitor to use that
//! type wherever the schema is referred to, and re-exports it from `types`. A new open enum in the spec needs no
//! hand-written type.

use crate::extensions::{ENUM_DESCRIPTIONS, EXTENSIBLE_ENUM};
use crate::Error;
use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};

/// One open enum of the spec.
pub(crate) struct OpenEnum {
    /// The schema's name, which is also the Rust type's name.
    pub(crate) name: String,
    description: Option<String>,
    /// Each value on the wire, its variant name and its description.
    values: Vec<(String, String, Option<String>)>,
}

impl OpenEnum {
    /// The path progenitor is told to use for the schema.
    pub(crate) fn path(&self) -> String {
        format!("crate::generated_enums::{}", self.name)
    }
}

/// The open enums of `spec`, or a message per malformed one (for `check`).
pub(crate) fn read(spec: &OpenAPI) -> (Vec<OpenEnum>, Vec<(String, String)>) {
    let mut enums = Vec::new();
    let mut problems = Vec::new();
    let Some(components) = &spec.components else {
        return (enums, problems);
    };
    for (name, schema) in &components.schemas {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let Some(values) = schema.schema_data.extensions.get(EXTENSIBLE_ENUM) else {
            continue;
        };
        match one(name, schema, values) {
            Ok(e) => enums.push(e),
            Err(message) => problems.push((name.clone(), message)),
        }
    }
    (enums, problems)
}

fn one(name: &str, schema: &Schema, values: &serde_json::Value) -> Result<OpenEnum, String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if s.enumeration.is_empty() => {}
        SchemaKind::Type(Type::String(_)) => {
            return Err(format!(
                "{EXTENSIBLE_ENUM} replaces `enum`: a closed `enum` beside it would make \
                 validators refuse new values; remove `enum`"
            ))
        }
        _ => return Err(format!("{EXTENSIBLE_ENUM} needs `type: string`")),
    }
    let values: Vec<String> = values
        .as_array()
        .filter(|list| !list.is_empty())
        .and_then(|list| {
            list.iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .ok_or_else(|| format!("{EXTENSIBLE_ENUM} must be a non-empty list of strings"))?;
    let descriptions: Vec<Option<String>> =
        match schema.schema_data.extensions.get(ENUM_DESCRIPTIONS) {
            None => vec![None; values.len()],
            Some(list) => list
                .as_array()
                .filter(|list| list.len() == values.len())
                .and_then(|list| {
                    list.iter()
                        .map(|v| v.as_str().map(|s| Some(s.to_string())))
                        .collect()
                })
                .ok_or_else(|| {
                    format!(
                        "{ENUM_DESCRIPTIONS} must be a list of strings, one per value of \
                         {EXTENSIBLE_ENUM}"
                    )
                })?,
        };
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for (value, description) in values.into_iter().zip(descriptions) {
        let variant = variant_name(&value)
            .ok_or_else(|| format!("the value {value:?} gives no Rust variant name"))?;
        if variant == "Other" || !seen.insert(variant.clone()) {
            return Err(format!(
                "the value {value:?} gives the variant name {variant}, which is taken"
            ));
        }
        out.push((value, variant, description));
    }
    Ok(OpenEnum {
        name: name.to_string(),
        description: schema.schema_data.description.clone(),
        values: out,
    })
}

/// `Running` → `Running`, `past_due` → `PastDue`, `v2-beta` → `V2Beta`.
fn variant_name(value: &str) -> Option<String> {
    let mut out = String::new();
    for word in value.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    match out.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => Some(out),
        _ => None,
    }
}

/// The `open_enum!` invocations, for `generated_enums.rs`, formatted as a person would
/// (prettyplease leaves a macro's body on a few long lines).
///
/// # Errors
/// When the text does not parse as Rust items (a generator bug).
pub(crate) fn source(enums: &[OpenEnum]) -> Result<String, Error> {
    let mut out = String::new();
    for e in enums {
        out.push_str("crate::open_enum::open_enum! {\n");
        for line in e.description.iter().flat_map(|d| d.trim_end().lines()) {
            out.push_str(&doc_line("    ", line));
        }
        out.push_str(&format!("    {} {{\n", e.name));
        for (wire, variant, description) in &e.values {
            let description = description.clone().unwrap_or_else(|| format!("`{wire}`."));
            for line in description.lines() {
                out.push_str(&doc_line("        ", line));
            }
            out.push_str(&format!("        {variant} = {wire:?},\n"));
        }
        out.push_str("    }\n}\n\n");
    }
    syn::parse_file(&out).map_err(|e| {
        Error::Output(format!(
            "the open enums do not parse as Rust ({e}); this is a generator bug"
        ))
    })?;
    Ok(out.trim_end().to_string() + "\n")
}

fn doc_line(indent: &str, line: &str) -> String {
    if line.is_empty() {
        format!("{indent}///\n")
    } else {
        format!("{indent}/// {line}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::variant_name;

    #[test]
    fn values_become_variant_names() {
        assert_eq!(variant_name("Running").as_deref(), Some("Running"));
        assert_eq!(variant_name("past_due").as_deref(), Some("PastDue"));
        assert_eq!(variant_name("v2-beta").as_deref(), Some("V2Beta"));
        assert_eq!(variant_name("2fa"), None);
        assert_eq!(variant_name(""), None);
    }
}
