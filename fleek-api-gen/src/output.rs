//! Reading and extending progenitor's output: its modules, and tokens the generator adds.

use syn::Item;

use crate::Error;

/// The items of the generated top-level module `name` (`types`, `builder`), if there is one.
pub(crate) fn module<'f>(file: &'f syn::File, name: &str) -> Option<&'f [Item]> {
    file.items.iter().find_map(|item| match item {
        Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, items)| &items[..]),
        _ => None,
    })
}

/// Appends `items` to the generated top-level module `name`.
///
/// # Errors
/// [`Error::Output`] when progenitor generated no such module.
pub(crate) fn append_to_module(
    file: &mut syn::File,
    name: &str,
    items: Vec<Item>,
) -> Result<(), Error> {
    if items.is_empty() {
        return Ok(());
    }
    let content = file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == name => m.content.as_mut(),
        _ => None,
    });
    match content {
        Some((_, content)) => {
            content.extend(items);
            Ok(())
        }
        None => Err(Error::Output(format!(
            "progenitor generated no `{name}` module"
        ))),
    }
}

/// Parses generated tokens into items, naming the operation when they do not parse.
pub(crate) fn parse(
    operation: &str,
    what: &str,
    tokens: proc_macro2::TokenStream,
) -> Result<Vec<Item>, Error> {
    syn::parse2::<syn::File>(tokens)
        .map(|file| file.items)
        .map_err(|e| {
            Error::operation(
                operation,
                format!("{what} does not parse as Rust ({e}); this is a generator bug"),
            )
        })
}
