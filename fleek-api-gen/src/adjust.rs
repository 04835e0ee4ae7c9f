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
//! - A struct with a field that holds a secret ([`SENSITIVE_FIELDS`]: a character file,
//!   whose `settings.secrets` carry the agent's credentials, or an agent token) gets a
//!   hand-rolled `Debug` in place of the derived one, which shows that field as
//!   `<redacted>`: a `{:?}` of a request body or its builder never prints a secret.

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
        redact_debug(item);
    }
    hide_client_constructors(file)
}

/// The fields (Rust names) whose values `Debug` never shows: the character file (as
/// `config` or `characterFile`) and an agent's `publicToken`.
pub(crate) const SENSITIVE_FIELDS: [&str; 3] = ["config", "character_file", "public_token"];

/// In `item` (a module is walked), each struct with a sensitive field derives no `Debug`
/// and is followed by a `Debug` impl that redacts those fields.
fn redact_debug(item: &mut Item) {
    let Item::Mod(module) = item else {
        return;
    };
    let Some((_, items)) = module.content.as_mut() else {
        return;
    };
    let mut impls = Vec::new();
    for item in items.iter_mut() {
        if let Item::Mod(_) = item {
            redact_debug(item);
            continue;
        }
        let Item::Struct(strukt) = item else {
            continue;
        };
        let syn::Fields::Named(fields) = &strukt.fields else {
            continue;
        };
        let names: Vec<&syn::Ident> = fields
            .named
            .iter()
            .filter_map(|f| f.ident.as_ref())
            .collect();
        if !names
            .iter()
            .any(|n| SENSITIVE_FIELDS.contains(&n.to_string().as_str()))
        {
            continue;
        }
        if !remove_derive(&mut strukt.attrs, "Debug") {
            continue;
        }
        let ident = &strukt.ident;
        let label = ident.to_string();
        let fields = names.iter().map(|name| {
            let text = name.to_string();
            if SENSITIVE_FIELDS.contains(&text.as_str()) {
                quote::quote!(.field(#text, &crate::redact::Redacted(&self.#name)))
            } else {
                quote::quote!(.field(#text, &self.#name))
            }
        });
        impls.push(syn::parse_quote! {
            impl ::std::fmt::Debug for #ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct(#label)#(#fields)*.finish()
                }
            }
        });
    }
    items.extend(impls);
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
    if remove_derive(attrs, SCHEMA_DERIVE) {
        attrs.push(syn::parse_quote!(
            #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        ));
    }
}

/// Takes the derive written `derive` (as its tokens print) out of `attrs`; whether it was
/// there.
fn remove_derive(attrs: &mut [syn::Attribute], derive: &str) -> bool {
    let mut removed = false;
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
            .filter(|p| p.to_token_stream().to_string() != derive)
            .collect();
        if kept.len() < paths.len() {
            removed = true;
            *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
    }
    removed
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
