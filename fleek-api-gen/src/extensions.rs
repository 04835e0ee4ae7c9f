//! What the spec's own `x-` extensions add to the generated code (progenitor ignores them).
//!
//! - `x-idempotent: <bool>` on an operation overrides what its method says about whether it
//!   may be sent again: the payment portal session is a `PUT` that opens a new session on
//!   every call.
//! - `x-pagination: {items, next, cursor}` on a list operation: see `crate::paging`.

use openapiv3::OpenAPI;
use quote::quote;
use syn::Item;

/// The extension that marks an operation idempotent or not.
pub(crate) const IDEMPOTENT: &str = "x-idempotent";

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
