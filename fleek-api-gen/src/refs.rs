//! Following `#/components/...` references, as progenitor does (one level; it panics when
//! the target is missing, which `check` reports first).

use openapiv3::{Components, Parameter, ReferenceOr, Schema};

/// Follows a `#/components/<section>/<name>` reference, as progenitor does (it panics when
/// the target is missing).
pub(crate) fn resolve<'a, T>(
    item: &'a ReferenceOr<T>,
    components: Option<&'a Components>,
    section: &str,
    pick: impl Fn(&'a Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
) -> Result<&'a T, String> {
    let reference = match item {
        ReferenceOr::Item(item) => return Ok(item),
        ReferenceOr::Reference { reference } => reference,
    };
    let prefix = format!("#/components/{section}/");
    let name = reference
        .strip_prefix(&prefix)
        .ok_or_else(|| format!("reference {reference} does not point into {prefix}"))?;
    match components.and_then(|c| pick(c).get(name)) {
        Some(ReferenceOr::Item(item)) => Ok(item),
        Some(ReferenceOr::Reference { reference: next }) => Err(format!(
            "reference {reference} points to another reference ({next}); progenitor follows one"
        )),
        None => Err(format!("reference {reference} points to nothing")),
    }
}

/// A parameter, given inline or by reference.
pub(crate) fn parameter<'a>(
    item: &'a ReferenceOr<Parameter>,
    components: Option<&'a Components>,
) -> Option<&'a Parameter> {
    resolve(item, components, "parameters", |c| &c.parameters).ok()
}

/// A schema, given inline or by reference.
pub(crate) fn schema<'a>(
    item: &'a ReferenceOr<Schema>,
    components: Option<&'a Components>,
) -> Option<&'a Schema> {
    resolve(item, components, "schemas", |c| &c.schemas).ok()
}

/// A property's schema (boxed inline), given inline or by reference.
pub(crate) fn property<'a>(
    item: &'a ReferenceOr<Box<Schema>>,
    components: Option<&'a Components>,
) -> Option<&'a Schema> {
    match item {
        ReferenceOr::Item(schema) => Some(schema),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/schemas/")?;
            components?.schemas.get(name)?.as_item()
        }
    }
}
