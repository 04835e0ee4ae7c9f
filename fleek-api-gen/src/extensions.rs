//! What the spec's own `x-` extensions add to the generated code (progenitor ignores them).
//!
//! - `x-idempotent: <bool>` on an operation overrides what its method says about whether it
//!   may be sent again: the payment portal session is a `PUT` that opens a new session on
//!   every call.

use openapiv3::OpenAPI;
use quote::quote;
use syn::Item;

/// The extension that marks an operation idempotent or not.
pub(crate) const IDEMPOTENT: &str = "x-idempotent";

/// `pub(crate) const IDEMPOTENCY_OVERRIDES: &[(&str, bool)]`, one entry per operation that
/// carries `x-idempotent`, in spec order.
pub(crate) fn idempotency(spec: &OpenAPI) -> Option<Item> {
    let overrides = crate::naming::operations(spec).filter_map(|op| {
        let id = op.operation_id.as_deref()?;
        let value = op.extensions.get(IDEMPOTENT)?.as_bool()?;
        Some(quote!((#id, #value)))
    });
    syn::parse2(quote! {
        /// Operations whose spec says (`x-idempotent`) whether they may be sent again,
        /// overriding what their HTTP method says.
        pub(crate) const IDEMPOTENCY_OVERRIDES: &[(&str, bool)] = &[#(#overrides),*];
    })
    .ok()
}
