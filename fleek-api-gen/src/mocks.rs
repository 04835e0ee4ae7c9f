//! What the generator adds to progenitor's `httpmock` helpers (the `mock` feature).
//!
//! Every success in the spec is a `2XX` range (no source shows which code Fleek sends), for
//! which progenitor's mock generator writes `success(status, value)` and no `ok(value)`.
//! Tests answer 200 far more often than anything else, and `ok(value)` is what the helpers
//! offered while the spec listed `200`: each `success` gets an `ok` beside it that answers
//! `200 OK`.

use quote::{quote, ToTokens};
use syn::{FnArg, ImplItem, Item, Pat};

use crate::Error;

/// Adds `ok(..)` beside every `success(status, ..)` in the mock file's `impl` blocks.
///
/// # Errors
/// [`Error::Output`] when a `success` does not take `(self, status: u16, ..)`.
pub(crate) fn add_ok(file: &mut syn::File) -> Result<(), Error> {
    add_ok_to(&mut file.items)
}

fn add_ok_to(items: &mut [Item]) -> Result<(), Error> {
    for item in items {
        match item {
            Item::Mod(m) => {
                if let Some((_, items)) = m.content.as_mut() {
                    add_ok_to(items)?;
                }
            }
            Item::Impl(imp) => {
                let oks = imp
                    .items
                    .iter()
                    .filter_map(|item| match item {
                        ImplItem::Fn(f) if f.sig.ident == "success" => Some(ok_for(f)),
                        _ => None,
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                imp.items.extend(oks);
            }
            _ => {}
        }
    }
    Ok(())
}

fn ok_for(success: &syn::ImplItemFn) -> Result<ImplItem, Error> {
    let inputs: Vec<&FnArg> = success.sig.inputs.iter().collect();
    let wrong = || {
        Error::Output(format!(
            "a mock's success() takes ({}), not (self, status: u16, ..); the generator does not \
             know this progenitor version",
            success.sig.inputs.to_token_stream()
        ))
    };
    let (Some(FnArg::Receiver(_)), Some(FnArg::Typed(status))) = (inputs.first(), inputs.get(1))
    else {
        return Err(wrong());
    };
    if status.ty.to_token_stream().to_string() != "u16" {
        return Err(wrong());
    }
    let rest: Vec<&FnArg> = inputs[2..].to_vec();
    let names = rest
        .iter()
        .map(|arg| match arg {
            FnArg::Typed(t) => match t.pat.as_ref() {
                Pat::Ident(ident) => Ok(ident.ident.clone()),
                _ => Err(wrong()),
            },
            FnArg::Receiver(_) => Err(wrong()),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let tokens = quote! {
        /// Answers `200 OK`: `success(200, ..)`.
        pub fn ok(self, #(#rest),*) -> Self {
            self.success(200, #(#names),*)
        }
    };
    syn::parse2(tokens).map_err(|e| Error::Output(format!("a mock's ok() does not parse: {e}")))
}
