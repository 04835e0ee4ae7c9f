//! `impl Call for builder::X`: one per operation, so that every generated method has a
//! `call()` that decodes the body and returns the crate's own error type.
//!
//! progenitor does not know the hand-written `Call` trait; these impls are derived from what
//! it generated (each builder's `send()` return type) and from the spec (the success status).

use openapiv3::{OpenAPI, StatusCode};
use quote::quote;
use syn::{Item, Type};

use crate::builders::first_type_argument;
use crate::naming::snake_case;

/// The `Call` impls for the builders in `file`, to be appended to it.
pub(crate) fn impls(spec: &OpenAPI, file: &syn::File) -> Vec<Item> {
    let mut out = Vec::new();
    for builder in crate::builders::builders(file) {
        let Some(body) = builder.send_output.and_then(response_type) else {
            continue;
        };
        let ident = &builder.item.ident;
        let operation = snake_case(&ident.to_string());
        let success = match success_status(spec, &operation) {
            Some(code) => quote!(::std::option::Option::Some(#code)),
            None => quote!(::std::option::Option::None),
        };
        let (output, helper) = match body_kind(&body) {
            BodyKind::Raw => (quote!(::bytes::Bytes), quote!(bytes)),
            BodyKind::Empty => (quote!(()), quote!(empty)),
            BodyKind::Json => (quote!(#body), quote!(json)),
        };
        let tokens = quote! {
            impl<'a> crate::Call for builder::#ident<'a> {
                type Output = #output;
                async fn call(self) -> ::std::result::Result<Self::Output, crate::Error> {
                    crate::call::#helper(#operation, #success, self.send().await).await
                }
            }
        };
        if let Ok(item) = syn::parse2(tokens) {
            out.push(item);
        }
    }
    out
}

/// `T` in `Result<ResponseValue<T>, Error<E>>`.
fn response_type(ty: &Type) -> Option<Type> {
    first_type_argument(first_type_argument(ty)?).cloned()
}

enum BodyKind {
    Json,
    Raw,
    Empty,
}

fn body_kind(ty: &Type) -> BodyKind {
    match ty {
        Type::Tuple(t) if t.elems.is_empty() => BodyKind::Empty,
        Type::Path(p) if p.path.is_ident("ByteStream") => BodyKind::Raw,
        _ => BodyKind::Json,
    }
}

/// The operation's success status, when it documents exactly one (and no `2XX` range or
/// `default`, either of which could also answer success).
fn success_status(spec: &OpenAPI, operation_id: &str) -> Option<u16> {
    let operation = crate::naming::operations(spec)
        .find(|op| op.operation_id.as_deref() == Some(operation_id))?;
    if operation.responses.default.is_some() {
        return None;
    }
    let mut codes = operation
        .responses
        .responses
        .keys()
        .filter(|code| match code {
            StatusCode::Code(n) => (200..300).contains(n),
            StatusCode::Range(n) => *n == 2,
        });
    match (codes.next(), codes.next()) {
        (Some(StatusCode::Code(n)), None) => Some(*n),
        _ => None,
    }
}
