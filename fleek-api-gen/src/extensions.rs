//! What the spec's own `x-` extensions add to the generated code (progenitor ignores them).
//!
//! - `x-idempotent: <bool>` on an operation overrides what its method says about whether it
//!   may be sent again: the payment portal session is a `PUT` that no source shows to be
//!   safe to send twice.
//! - `x-pagination: {items, next, cursor}` on a list operation: see `crate::paging`.
//! - `x-wildcard: true` on a path parameter: it spans several segments (Fleek's `{*key}`);
//!   see `crate::sends`, which sends it with its `/` intact.
//! - `x-extensible-enum: [...]` (with `x-enum-descriptions`) on a string schema: an open
//!   list of values; see `crate::open_enums`, which generates a type that keeps unknown ones.

use openapiv3::{OpenAPI, ParameterData, ReferenceOr};
use quote::quote;
use syn::Item;

/// The extension that marks an operation idempotent or not.
pub(crate) const IDEMPOTENT: &str = "x-idempotent";

/// The extension that marks a path parameter as spanning several segments.
pub(crate) const WILDCARD: &str = "x-wildcard";

/// The extension that lists the values of an open string enum.
pub(crate) const EXTENSIBLE_ENUM: &str = "x-extensible-enum";

/// The extension with one description per value of `x-extensible-enum`.
pub(crate) const ENUM_DESCRIPTIONS: &str = "x-enum-descriptions";

/// Whether a parameter carries `x-wildcard: true`.
pub(crate) fn is_wildcard(data: &ParameterData) -> bool {
    data.extensions.get(WILDCARD).and_then(|v| v.as_bool()) == Some(true)
}

/// The operationId and the parameter names of every path parameter marked `x-wildcard`,
/// from the path item or the operation, in spec order.
pub(crate) fn wildcards(spec: &OpenAPI) -> Vec<(String, String)> {
    let components = spec.components.as_ref();
    let mut out = Vec::new();
    for (item, op, id) in crate::operations::with_ids(spec) {
        for parameter in item.parameters.iter().chain(&op.parameters) {
            let parameter: Option<&openapiv3::Parameter> = match parameter {
                ReferenceOr::Item(p) => Some(p),
                ReferenceOr::Reference { .. } => crate::refs::parameter(parameter, components),
            };
            if let Some(openapiv3::Parameter::Path { parameter_data, .. }) = parameter {
                if is_wildcard(parameter_data) {
                    out.push((id.to_string(), parameter_data.name.clone()));
                }
            }
        }
    }
    out
}

/// `pub(crate) const IDEMPOTENCY_OVERRIDES: &[(&str, bool)]`, one entry per operation that
/// carries `x-idempotent`, in spec order.
pub(crate) fn idempotency(spec: &OpenAPI) -> Result<Vec<Item>, crate::Error> {
    let mut overrides = Vec::new();
    for op in crate::operations::all(spec) {
        let (Some(id), Some(value)) = (op.operation_id.as_deref(), op.extensions.get(IDEMPOTENT))
        else {
            continue;
        };
        // `check` refuses anything but a boolean; this keeps the table from ever dropping one.
        let value = value.as_bool().ok_or_else(|| {
            crate::Error::operation(id, format!("{IDEMPOTENT} must be true or false"))
        })?;
        overrides.push(quote!((#id, #value)));
    }
    let tokens = quote! {
        /// Operations whose spec says (`x-idempotent`) whether they may be sent again,
        /// overriding what their HTTP method says.
        pub(crate) const IDEMPOTENCY_OVERRIDES: &[(&str, bool)] = &[#(#overrides),*];
    };
    crate::output::parse(IDEMPOTENT, "the table of idempotency overrides", tokens)
}
