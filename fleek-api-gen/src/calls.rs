//! `impl Call for builder::X`: one per operation, so that every generated method has a
//! `call()` that decodes the body and returns the crate's own error type.
//!
//! progenitor does not know the hand-written `Call` trait; these impls are derived from what
//! it generated (each builder's `send()` return type) and from the spec (the success status).
//!
//! progenitor types an operation's error body as `ByteStream` (a raw body), `()` (no body, or
//! no error response documented at all) or a JSON type. The hand-written layer turns the
//! first two into the crate's `Error` itself; each JSON error type gets an `ErrorBody` impl
//! here, so that its body is kept in the `Error` too.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, StatusCode};
use quote::quote;
use syn::{Item, Type};

use crate::builders::{type_arguments, Builder};
use crate::naming::snake_case;
use crate::output::parse;
use crate::Error;

/// The `Call` impls for the builders in `file`, and the `ErrorBody` impls of the JSON error
/// types they use, to be appended to it.
pub(crate) fn impls(spec: &OpenAPI, file: &syn::File) -> Result<Vec<Item>, Error> {
    let mut out = Vec::new();
    // Keyed by the type's tokens: two operations may share an error type.
    let mut error_types = BTreeMap::new();
    for builder in crate::builders::builders(file)? {
        let operation = snake_case(&builder.item.ident.to_string());
        let (body, error) = send_types(&builder, &operation)?;
        let typed_error = matches!(body_kind(&error), BodyKind::Json);
        out.extend(call_impl(spec, &builder, &operation, &body, typed_error)?);
        if typed_error {
            error_types
                .entry(quote!(#error).to_string())
                .or_insert((error, operation));
        }
    }
    for (error, operation) in error_types.into_values() {
        let tokens = quote! {
            impl crate::error::ErrorBody for #error {
                async fn into_body(self) -> (::bytes::Bytes, bool) {
                    crate::error::json_error_body(&self)
                }
            }
        };
        out.extend(parse(
            &operation,
            "its error type's ErrorBody impl",
            tokens,
        )?);
    }
    Ok(out)
}

/// `T` and `E` in the builder's `send() -> Result<ResponseValue<T>, Error<E>>`.
pub(crate) fn send_types(builder: &Builder<'_>, operation: &str) -> Result<(Type, Type), Error> {
    let unexpected = || {
        Error::operation(
            operation,
            "progenitor's send() does not return Result<ResponseValue<T>, Error<E>>; \
             the generator does not know this progenitor version",
        )
    };
    let output = builder.send_output.ok_or_else(unexpected)?;
    match type_arguments(output).as_slice() {
        [ok, err] => match (
            type_arguments(ok).as_slice(),
            type_arguments(err).as_slice(),
        ) {
            ([body], [error]) => Ok(((*body).clone(), (*error).clone())),
            _ => Err(unexpected()),
        },
        _ => Err(unexpected()),
    }
}

fn call_impl(
    spec: &OpenAPI,
    builder: &Builder<'_>,
    operation: &str,
    body: &Type,
    typed_error: bool,
) -> Result<Vec<Item>, Error> {
    let ident = &builder.item.ident;
    // A body that fails to decode arrived with the one documented success status, unless
    // error bodies are decoded too: progenitor's error does not say which one failed.
    let success = match success_status(spec, operation).filter(|_| !typed_error) {
        Some(code) => quote!(::std::option::Option::Some(#code)),
        None => quote!(::std::option::Option::None),
    };
    let (output, helper) = match body_kind(body) {
        BodyKind::Raw => (quote!(::bytes::Bytes), quote!(bytes)),
        BodyKind::Empty => (quote!(()), quote!(empty)),
        BodyKind::Json => (quote!(#body), quote!(json)),
    };
    // A JSON body with one success status is decoded here, from the answer's bytes; any
    // other answer goes through progenitor's `answer()` (`sends` splits `send()` in two).
    let call = match (body_kind(body), success_status(spec, operation)) {
        (BodyKind::Json, Some(code)) => quote! {
            match self.response().await {
                ::std::result::Result::Ok(response) if response.status().as_u16() == #code => {
                    crate::call::decode(#operation, response).await
                }
                ::std::result::Result::Ok(response) => {
                    crate::call::json(#operation, #success, Self::answer(response).await).await
                }
                ::std::result::Result::Err(e) => {
                    crate::call::json(#operation, #success, ::std::result::Result::Err(e)).await
                }
            }
        },
        _ => quote!(crate::call::#helper(#operation, #success, self.send().await).await),
    };
    let tokens = quote! {
        impl<'a> crate::call::Call for builder::#ident<'a> {
            type Output = #output;
            async fn call(self) -> ::std::result::Result<Self::Output, crate::error::Error> {
                #call
            }
        }
    };
    parse(operation, "its Call impl", tokens)
}

pub(crate) enum BodyKind {
    Json,
    Raw,
    Empty,
}

pub(crate) fn body_kind(ty: &Type) -> BodyKind {
    match ty {
        Type::Tuple(t) if t.elems.is_empty() => BodyKind::Empty,
        Type::Path(p) if p.path.is_ident("ByteStream") => BodyKind::Raw,
        _ => BodyKind::Json,
    }
}

/// The operation's success status, when it documents exactly one (and no `2XX` range or
/// `default`, either of which could also answer success).
fn success_status(spec: &OpenAPI, operation_id: &str) -> Option<u16> {
    let operation =
        crate::operations::all(spec).find(|op| op.operation_id.as_deref() == Some(operation_id))?;
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
