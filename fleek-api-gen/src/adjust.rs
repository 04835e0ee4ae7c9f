//! What the generator changes in progenitor's output, and why.
//!
//! - The hand-written replacement types (`crate::REPLACEMENTS`) and the open enums
//!   (`crate::open_enums`) are re-exported from the generated `types` module, so users find
//!   every type of the API in one place.
//! - `Client::new` is removed: it builds a `reqwest::Client` with `unwrap()` and takes an
//!   inner value users cannot build. `Client::new_with_client` becomes `pub(crate)`: clients
//!   are built with `ClientBuilder`.
//! - `derive(schemars::JsonSchema)` becomes `cfg_attr(feature = "schema", derive(..))`:
//!   nothing at run time needs a schema, so only users who ask for one compile `schemars`.

use quote::ToTokens;
use syn::{ImplItem, Item};

use crate::Error;

/// Applies every adjustment to `file`.
///
/// # Errors
/// [`Error::Output`] when progenitor's output does not have the shape adjusted here.
pub(crate) fn apply(
    file: &mut syn::File,
    open_enums: &[crate::open_enums::OpenEnum],
) -> Result<(), Error> {
    let reexports: Vec<Item> = crate::REPLACEMENTS
        .iter()
        .map(|(_, path, _)| path.to_string())
        .chain(open_enums.iter().map(|e| e.path()))
        .map(|path| syn::parse_str(&format!("pub use {path};")))
        .collect::<Result<_, _>>()
        .map_err(|e| Error::Output(format!("a replacement path does not parse: {e}")))?;
    crate::output::append_to_module(file, "types", reexports)?;
    for item in &mut file.items {
        schema_behind_feature(item);
    }
    hide_client_constructors(file)
}

/// The derive that goes behind the `schema` feature.
const SCHEMA_DERIVE: &str = "schemars :: JsonSchema";

fn schema_behind_feature(item: &mut Item) {
    let attrs = match item {
        Item::Struct(s) => &mut s.attrs,
        Item::Enum(e) => &mut e.attrs,
        Item::Mod(m) => {
            for item in m.content.iter_mut().flat_map(|(_, items)| items.iter_mut()) {
                schema_behind_feature(item);
            }
            return;
        }
        _ => return,
    };
    let mut moved = false;
    for attr in attrs.iter_mut() {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let kept: Vec<&syn::Path> = paths
            .iter()
            .filter(|p| p.to_token_stream().to_string() != SCHEMA_DERIVE)
            .collect();
        if kept.len() < paths.len() {
            moved = true;
            *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
    }
    if moved {
        attrs.push(syn::parse_quote!(
            #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        ));
    }
}

fn hide_client_constructors(file: &mut syn::File) -> Result<(), Error> {
    let (mut removed, mut restricted) = (false, false);
    for item in &mut file.items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || imp.self_ty.to_token_stream().to_string() != "Client" {
            continue;
        }
        imp.items.retain(|item| match item {
            ImplItem::Fn(f) if f.sig.ident == "new" => {
                removed = true;
                false
            }
            _ => true,
        });
        for item in &mut imp.items {
            if let ImplItem::Fn(f) = item {
                if f.sig.ident == "new_with_client" {
                    f.vis = syn::parse_quote!(pub(crate));
                    restricted = true;
                }
            }
        }
    }
    if removed && restricted {
        Ok(())
    } else {
        Err(Error::Output(
            "progenitor's Client has no `new` or `new_with_client` to hide; the generator does \
             not know this progenitor version"
                .into(),
        ))
    }
}
