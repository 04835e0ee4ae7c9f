//! The builders progenitor generates, one per operation, read back from its output.

use syn::{ImplItem, Item, ItemStruct, ReturnType, Type};

use crate::Error;

/// One operation's builder: `builder::<Name>` and what its `send()` returns.
pub(crate) struct Builder<'a> {
    pub(crate) item: &'a ItemStruct,
    /// `Result<ResponseValue<T>, Error<E>>`.
    pub(crate) send_output: Option<&'a Type>,
}

/// Every struct in `mod builder` of a generated file, with its `send()` return type.
///
/// # Errors
/// When a builder has no `send()`: the generator would not know what it returns.
pub(crate) fn builders(file: &syn::File) -> Result<Vec<Builder<'_>>, Error> {
    let Some(items) = crate::output::module(file, "builder") else {
        return Ok(Vec::new());
    };
    let builders: Vec<Builder<'_>> = items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some(Builder {
                item: s,
                send_output: send_output(items, &s.ident),
            }),
            _ => None,
        })
        .collect();
    match builders.iter().find(|b| b.send_output.is_none()) {
        Some(b) => Err(Error::operation(
            crate::naming::snake_case(&b.item.ident.to_string()),
            "progenitor generated a builder without send(); the generator does not know this \
             progenitor version",
        )),
        None => Ok(builders),
    }
}

/// The builder of the operation `id`.
///
/// # Errors
/// When progenitor generated none for it.
pub(crate) fn builder_of<'b, 'f>(
    builders: &'b [Builder<'f>],
    id: &str,
) -> Result<&'b Builder<'f>, Error> {
    builders
        .iter()
        .find(|b| crate::naming::snake_case(&b.item.ident.to_string()) == id)
        .ok_or_else(|| Error::operation(id, "progenitor generated no builder for it"))
}

fn send_output<'a>(items: &'a [Item], ident: &syn::Ident) -> Option<&'a Type> {
    items.iter().find_map(|item| {
        let Item::Impl(imp) = item else { return None };
        let Type::Path(self_ty) = imp.self_ty.as_ref() else {
            return None;
        };
        if self_ty.path.segments.last()?.ident != *ident {
            return None;
        }
        imp.items.iter().find_map(|i| match i {
            ImplItem::Fn(f) if f.sig.ident == "send" => match &f.sig.output {
                ReturnType::Type(_, ty) => Some(ty.as_ref()),
                ReturnType::Default => None,
            },
            _ => None,
        })
    })
}

/// The first type argument of a path type: `T` in `Result<T, E>`.
pub(crate) fn first_type_argument(ty: &Type) -> Option<&Type> {
    type_arguments(ty).into_iter().next()
}

/// The type arguments of a path type: `[T, E]` in `Result<T, E>`.
pub(crate) fn type_arguments(ty: &Type) -> Vec<&Type> {
    let Type::Path(path) = ty else {
        return Vec::new();
    };
    let Some(syn::PathArguments::AngleBracketed(args)) =
        path.path.segments.last().map(|s| &s.arguments)
    else {
        return Vec::new();
    };
    args.args
        .iter()
        .filter_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        })
        .collect()
}
