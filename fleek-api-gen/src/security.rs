//! Which credentials each operation accepts, from the spec's `security` (progenitor ignores
//! it; authentication belongs to the hand-written hooks).
//!
//! Emitted as `pub(crate) const OPERATION_SECURITY: &[(&str, &[&[&str]])]`: per operationId,
//! the alternatives the spec lists, each the names of the schemes it needs together. An
//! empty alternative (`- {}`) means the operation may be called without credentials. An
//! operation without its own `security` gets the document's.

use openapiv3::{OpenAPI, SecurityRequirement};
use quote::quote;
use syn::Item;

use crate::output::parse;
use crate::Error;

/// The table of accepted credentials, one entry per operation, in spec order.
pub(crate) fn table(spec: &OpenAPI) -> Result<Vec<Item>, Error> {
    let mut entries = Vec::new();
    for operation in crate::operations::all(spec) {
        let Some(id) = operation.operation_id.as_deref() else {
            continue;
        };
        let requirements = operation
            .security
            .as_deref()
            .or(spec.security.as_deref())
            .unwrap_or(&[]);
        let alternatives = requirements.iter().map(|requirement| {
            let schemes = requirement.keys();
            quote!(&[#(#schemes),*])
        });
        entries.push(quote!((#id, &[#(#alternatives),*])));
    }
    let tokens = quote! {
        /// The credentials each operation accepts (the spec's `security`): alternatives, each
        /// the schemes it needs together; an empty one means none is needed.
        pub(crate) const OPERATION_SECURITY: &[(&str, &[&[&str]])] = &[#(#entries),*];
    };
    parse("security", "the table of accepted credentials", tokens)
}

/// The table of routes: per operation, its method (upper case), its path template as the
/// spec writes it, and its operationId, in spec order. The simulator routes by it, so an
/// operation added to the spec is recognised (and answered 501 until it is served).
pub(crate) fn routes(spec: &OpenAPI) -> Result<Vec<Item>, Error> {
    let mut entries = Vec::new();
    for (path, item) in spec.paths.iter() {
        let Some(item) = item.as_item() else {
            continue;
        };
        for (method, operation) in item.iter() {
            let Some(id) = operation.operation_id.as_deref() else {
                continue;
            };
            let method = method.to_ascii_uppercase();
            entries.push(quote!((#method, #path, #id)));
        }
    }
    let tokens = quote! {
        /// Every operation's method, path template (as the spec writes it) and operationId.
        #[allow(dead_code)]
        pub(crate) const OPERATION_ROUTES: &[(&str, &str, &str)] = &[#(#entries),*];
    };
    parse("routes", "the table of routes", tokens)
}

/// Every scheme named by a requirement that `#/components/securitySchemes` does not declare.
pub(crate) fn undeclared<'a>(
    spec: &'a OpenAPI,
    requirements: &'a [SecurityRequirement],
) -> impl Iterator<Item = &'a String> {
    requirements
        .iter()
        .flat_map(|r| r.keys())
        .filter(move |name| {
            !spec
                .components
                .as_ref()
                .is_some_and(|c| c.security_schemes.contains_key(*name))
        })
}
