//! `impl Call for builder::X`: one per operation, so that every generated method has a
//! `call()` that decodes the body and returns the crate's own error type.
//!
//! progenitor does not know the hand-written `Call` trait; these impls are derived from what
//! it generated (each builder's `send()` return type).
//!
//! progenitor types an operation's error body as `ByteStream` (a raw body), `()` (no body, or
//! no error response documented at all) or a JSON type. The hand-written layer turns the
//! first two into the crate's `Error` itself; each JSON error type gets an `ErrorBody` impl
//! here, so that its body is kept in the `Error` too.

use std::collections::BTreeMap;

use quote::quote;
use syn::{Item, Type};

use crate::builders::{type_arguments, Builder};
use crate::naming::snake_case;
use crate::output::parse;
use crate::Error;

/// The `Call` impls for the builders in `file`, and the `ErrorBody` impls of the JSON error
/// types they use, to be appended to it.
pub(crate) fn impls(file: &syn::File) -> Result<Vec<Item>, Error> {
    let mut out = Vec::new();
    // Keyed by the type's tokens: two operations may share an error type.
    let mut error_types = BTreeMap::new();
    for builder in crate::builders::builders(file)? {
        let operation = snake_case(&builder.item.ident.to_string());
        let (body, error) = send_types(&builder, &operation)?;
        let typed_error = matches!(body_kind(&error), BodyKind::Json);
        out.extend(call_impl(&builder, &operation, &body)?);
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

fn call_impl(builder: &Builder<'_>, operation: &str, body: &Type) -> Result<Vec<Item>, Error> {
    let ident = &builder.item.ident;
    let (output, decoder) = match body_kind(body) {
        BodyKind::Raw => (quote!(::bytes::Bytes), quote!(decode_bytes)),
        BodyKind::Empty => (quote!(()), quote!(decode_empty)),
        BodyKind::Json => (quote!(#body), quote!(decode_json)),
    };
    // Both verbs take one path (`crate::call::raw_of`): a success answer is read whole and
    // decoded from its bytes (a JSON body that came with any 2xx, so that a failure keeps
    // the status it came with); any other answer goes through progenitor's `answer()`
    // (`sends` splits `send()` in two); a request `crate::hooks::send` refused keeps its
    // typed refusal.
    let tokens = quote! {
        impl<'a> crate::call::sealed::Sealed for builder::#ident<'a> {}
        impl<'a> crate::call::Call for builder::#ident<'a> {
            type Output = #output;
            async fn call(self) -> ::std::result::Result<Self::Output, crate::error::Error> {
                self.call_raw().await?.value()
            }
            async fn call_raw(
                self,
            ) -> ::std::result::Result<crate::call::Raw<Self::Output>, crate::error::Error> {
                crate::call::raw_of(
                    #operation,
                    self.response().await,
                    Self::answer,
                    crate::call::#decoder,
                )
                .await
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
