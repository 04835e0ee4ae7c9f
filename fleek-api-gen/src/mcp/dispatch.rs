//! The Rust of `fleek-api/src/cli/mcp/generated.rs`: each tool's arguments decoded into its
//! operation's builder, in the builder's own types, then `call_raw()`.

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Fields;

use super::read;
use crate::Error;

/// The Rust of `fleek-api/src/cli/mcp/generated.rs`: `call(client, name, args)` fills the
/// named operation's builder from the arguments, sends it and returns the answer.
pub(crate) fn dispatch(
    spec_text: &str,
    spec: &OpenAPI,
    file: &syn::File,
) -> Result<syn::File, Error> {
    let tools = read(spec_text, spec)?;
    let builders = crate::builders::builders(file)?;
    let mut arms = Vec::new();
    for tool in &tools {
        let builder = builders
            .iter()
            .find(|b| crate::naming::snake_case(&b.item.ident.to_string()) == tool.operation)
            .ok_or_else(|| Error::operation(&tool.operation, "has no builder to call"))?;
        let Fields::Named(fields) = &builder.item.fields else {
            return Err(Error::operation(
                &tool.operation,
                "its builder has no named fields",
            ));
        };
        let method = format_ident!("{}", tool.operation);
        let mut sets = Vec::new();
        let body_names: Vec<&str> = tool
            .arguments
            .iter()
            .filter(|(_, place, _)| *place == "body")
            .map(|(name, _, _)| name.as_str())
            .collect();
        for field in &fields.named {
            let Some(ident) = &field.ident else { continue };
            if ident == "client" {
                continue;
            }
            let ty = crate::builders::first_type_argument(&field.ty).unwrap_or(&field.ty);
            if ident == "body" {
                sets.push(match tool.body {
                    Some("text") => quote! {
                        request = request.body(args.required::<String>("body")?);
                    },
                    Some("binary") => quote! {
                        request = request.body(args.base64("body")?);
                    },
                    _ => {
                        let ty = body_type(ty);
                        quote! {
                            request = request.body(args.body::<#ty>(&[#(#body_names),*])?);
                        }
                    }
                });
                continue;
            }
            let (name, _, required) = tool
                .arguments
                .iter()
                .find(|(name, place, _)| {
                    *place != "body" && *ident == crate::naming::snake_case(name)
                })
                .ok_or_else(|| {
                    Error::operation(
                        &tool.operation,
                        format!("no parameter for the field {ident}"),
                    )
                })?;
            let inner = crate::builders::first_type_argument(ty)
                .filter(|_| is_option(ty))
                .unwrap_or(ty);
            if *required {
                sets.push(quote! { request = request.#ident(args.required::<#inner>(#name)?); });
            } else {
                sets.push(quote! {
                    if let Some(value) = args.take::<#inner>(#name)? {
                        request = request.#ident(value);
                    }
                });
            }
        }
        let name = &tool.operation;
        arms.push(quote! {
            #name => {
                let mut request = client.#method();
                #(#sets)*
                args.finish()?;
                Ok(super::answer::Answer::of(request.call_raw().await))
            }
        });
    }
    let tokens: TokenStream = quote! {
        use super::args::{Args, ArgumentError};
        use crate::{types, Call as _, Client};

        /// Fills the builder of the operation `name` from `args`, sends it and returns the
        /// answer (an API error is an answer too); `Err` when the arguments do not fit.
        #[allow(unused_mut)]
        pub(crate) async fn call(
            client: &Client,
            name: &str,
            mut args: Args,
        ) -> Result<super::answer::Answer, ArgumentError> {
            match name {
                #(#arms)*
                _ => Err(ArgumentError::UnknownTool(name.to_string())),
            }
        }
    };
    syn::parse2(tokens).map_err(Error::from)
}

fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(path) if path.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// `types::builder::X` (what `body()` takes) → `types::X` (what arguments decode into).
fn body_type(ty: &syn::Type) -> syn::Type {
    let text = quote!(#ty).to_string().replace(" ", "");
    match text.strip_prefix("types::builder::") {
        Some(name) => {
            let ident = format_ident!("{}", name);
            syn::parse_quote!(types::#ident)
        }
        None => ty.clone(),
    }
}
