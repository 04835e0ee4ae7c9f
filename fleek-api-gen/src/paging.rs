//! Paging from the spec's `x-pagination` extension (progenitor generates streams only for
//! Dropshot's own page shape).
//!
//! ```yaml
//! x-pagination:
//!   items: data        # the response field holding the page's items (an array)
//!   next: next_page    # the response field naming the next page; null or absent on the last
//!   cursor: cursor     # the query parameter that takes the next page's cursor
//! ```
//!
//! When the `next` field's schema says `format: uri`, its value is a URL and the cursor is
//! that URL's `cursor` query parameter; otherwise the value is the cursor itself.
//!
//! For each such operation the generator emits, inside the generated `types` module (where
//! the page's field types are in scope):
//! - `impl crate::paging::Paged for builder::<Op>`: how to set the cursor, read the next
//!   cursor of a page and take its items;
//! - `pages()` and `stream()` on the builder, so `client.list_x().size(25).stream()` works;
//! - `next_cursor()` on the page type, for callers who keep the cursor themselves.

use std::collections::BTreeMap;

use openapiv3::{
    Components, OpenAPI, Operation, Parameter, PathItem, Response, Schema, SchemaKind, StatusCode,
    Type,
};
use quote::{format_ident, quote};
use syn::{Fields, Item};

use crate::builders::first_type_argument;
use crate::naming::snake_case;
use crate::output::parse;
use crate::Error;

/// The extension that makes a list operation paged.
pub(crate) const PAGINATION: &str = "x-pagination";

/// One operation's `x-pagination`, checked against the operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pagination {
    /// The response field with the page's items.
    pub(crate) items: String,
    /// The response field with the next page (URL or cursor).
    pub(crate) next: String,
    /// The query parameter that takes the cursor.
    pub(crate) cursor: String,
    /// Whether `next` holds a URL (`format: uri`) rather than the cursor itself.
    pub(crate) next_is_url: bool,
}

/// The operation's `x-pagination`, `Ok(None)` when it has none.
///
/// # Errors
/// A sentence saying what is wrong with the extension and how to fix it.
pub(crate) fn pagination(
    components: Option<&Components>,
    item: &PathItem,
    operation: &Operation,
) -> Result<Option<Pagination>, String> {
    let Some(value) = operation.extensions.get(PAGINATION) else {
        return Ok(None);
    };
    let shape = || {
        format!(
            "{PAGINATION} must be an object {{items: <response field with the items>, next: \
             <response field with the next page>, cursor: <query parameter that takes the \
             cursor>}}, not {value}"
        )
    };
    let object = value.as_object().ok_or_else(shape)?;
    let field = |key: &str| -> Result<String, String> {
        object
            .get(key)
            .and_then(|v| v.as_str())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .ok_or_else(shape)
    };
    let (items, next, cursor) = (field("items")?, field("next")?, field("cursor")?);
    if let Some(extra) = object
        .keys()
        .find(|k| !["items", "next", "cursor"].contains(&k.as_str()))
    {
        return Err(format!(
            "{PAGINATION} has an unknown key {extra}; it takes items, next and cursor"
        ));
    }

    let is_query_cursor = item
        .parameters
        .iter()
        .chain(&operation.parameters)
        .filter_map(|p| crate::refs::parameter(p, components))
        .any(|p| matches!(p, Parameter::Query { parameter_data, .. } if parameter_data.name == cursor));
    if !is_query_cursor {
        return Err(format!(
            "{PAGINATION} names the cursor parameter {cursor}, but the operation has no query \
             parameter {cursor}; declare it (`in: query`, `required: false`)"
        ));
    }

    let page = success_schema(components, operation).ok_or_else(|| {
        format!(
            "{PAGINATION} needs one success response with an application/json object schema \
             (the page); the operation has none"
        )
    })?;
    let SchemaKind::Type(Type::Object(object)) = &page.schema_kind else {
        return Err(format!(
            "{PAGINATION}: the success response's schema must be an object (the page)"
        ));
    };
    let property = |name: &str| {
        object
            .properties
            .get(name)
            .and_then(|p| crate::refs::property(p, components))
    };
    match property(&items).map(|s| &s.schema_kind) {
        Some(SchemaKind::Type(Type::Array(_))) => {}
        Some(_) => {
            return Err(format!(
                "{PAGINATION}: the page's {items} field must be an array of the items"
            ))
        }
        None => {
            return Err(format!(
                "{PAGINATION} names the items field {items}, but the page has no such property"
            ))
        }
    }
    let next_is_url = match property(&next).map(|s| &s.schema_kind) {
        Some(SchemaKind::Type(Type::String(string))) => matches!(
            &string.format,
            openapiv3::VariantOrUnknownOrEmpty::Unknown(format) if format == "uri"
        ),
        Some(_) => {
            return Err(format!(
                "{PAGINATION}: the page's {next} field must be a string (a URL with \
                 `format: uri`, or the cursor itself)"
            ))
        }
        None => {
            return Err(format!(
                "{PAGINATION} names the next-page field {next}, but the page has no such property"
            ))
        }
    };
    Ok(Some(Pagination {
        items,
        next,
        cursor,
        next_is_url,
    }))
}

/// The schema of the operation's one JSON success response.
fn success_schema<'a>(
    components: Option<&'a Components>,
    operation: &'a Operation,
) -> Option<&'a Schema> {
    let mut schemas = operation
        .responses
        .responses
        .iter()
        .filter(|(code, _)| match code {
            StatusCode::Code(n) => (200..300).contains(n),
            StatusCode::Range(n) => *n == 2,
        })
        .filter_map(|(_, response)| {
            let response: &Response =
                crate::refs::resolve(response, components, "responses", |c| &c.responses).ok()?;
            response
                .content
                .iter()
                .find(|(media, _)| media.starts_with("application/json"))
                .and_then(|(_, content)| content.schema.as_ref())
        });
    let schema = schemas.next()?;
    crate::refs::schema(schema, components)
}

/// The paging items of every operation with `x-pagination`, to be appended to the `types`
/// module of `file`.
///
/// # Errors
/// When the extension is invalid (`check` reports that first) or the generated page type is
/// not a struct with the named fields.
pub(crate) fn impls(spec: &OpenAPI, file: &syn::File) -> Result<Vec<Item>, Error> {
    let builders = crate::builders::builders(file)?;
    let types = crate::output::module(file, "types").unwrap_or(&[]);
    let mut out = Vec::new();
    // Each page type's `next_cursor()`, by the paging it was generated for.
    let mut pages_with_next_cursor = BTreeMap::new();
    for (item, operation, id) in crate::operations::with_ids(spec) {
        let Some(paging) = pagination(spec.components.as_ref(), item, operation)
            .map_err(|message| Error::operation(id, message))?
        else {
            continue;
        };
        let builder = crate::builders::builder_of(&builders, id)?;
        let (page_type, _) = crate::calls::send_types(builder, id)?;
        let page_ident = match &page_type {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.clone()),
            _ => None,
        }
        .ok_or_else(|| Error::operation(id, "its success response is not a named type"))?;
        let page_struct = types
            .iter()
            .find_map(|item| match item {
                Item::Struct(s) if s.ident == page_ident => Some(s),
                _ => None,
            })
            .ok_or_else(|| {
                Error::operation(
                    id,
                    format!(
                        "{PAGINATION}: its page type {page_ident} is not a generated \
                         struct (a replaced type cannot be paged)"
                    ),
                )
            })?;
        let (items_field, items_type) = field(page_struct, &paging.items)
            .ok_or_else(|| missing_field(id, &page_ident, &paging.items))?;
        let item_type = first_type_argument(items_type).ok_or_else(|| {
            Error::operation(
                id,
                format!("{PAGINATION}: {page_ident}.{items_field} is not a Vec of the items"),
            )
        })?;
        let (next_field, _) = field(page_struct, &paging.next)
            .ok_or_else(|| missing_field(id, &page_ident, &paging.next))?;
        let builder_ident = &builder.item.ident;
        let (items_name, next_name) = (&paging.items, &paging.next);
        let cursor_setter = format_ident!("{}", snake_case(&paging.cursor));
        let next_kind = if paging.next_is_url {
            let name = &paging.cursor;
            quote!(crate::paging::NextField::Url(#name))
        } else {
            quote!(crate::paging::NextField::Cursor)
        };
        let next_cursor = quote! {
            crate::paging::next_cursor(
                #id,
                #next_kind,
                crate::paging::AsNext::as_next(&page.#next_field),
            )
        };
        let doc_pages = doc(&[
            &format!(
                "Every page of `{id}`, from the one this request asks for to the last, \
                 each fetched when the previous one has been read."
            ),
            "",
            &format!(
                "Filters and `size` are kept on every page. A page whose `{}` cannot be \
                 followed (no cursor in it, or one already seen) is yielded, then the \
                 stream ends with an error.",
                paging.next
            ),
        ]);
        let doc_stream = doc(&[&format!(
            "Every item of every page of `{id}` (the pages' `{}`), one page in memory at \
             a time; see [`pages`](Self::pages).",
            paging.items
        )]);
        let tokens = quote! {
            impl<'a> crate::paging::Paged for super::builder::#builder_ident<'a> {
                const OPERATION: &'static str = #id;
                const ITEMS: &'static str = #items_name;
                const NEXT: &'static str = #next_name;
                type Item = #item_type;
                fn with_cursor(self, cursor: ::std::string::String) -> Self {
                    self.#cursor_setter(cursor)
                }
                fn next_cursor(
                    page: &#page_ident,
                ) -> ::std::result::Result<
                    ::std::option::Option<::std::string::String>,
                    crate::error::Error,
                > {
                    page.next_cursor()
                }
                fn into_items(page: #page_ident) -> ::std::vec::Vec<#item_type> {
                    page.#items_field
                }
            }
            impl<'a> super::builder::#builder_ident<'a> {
                #(#doc_pages)*
                pub fn pages(
                    self,
                ) -> impl ::futures_util::Stream<
                    Item = ::std::result::Result<#page_ident, crate::error::Error>,
                > + Send + 'a {
                    crate::paging::pages(self)
                }
                #(#doc_stream)*
                pub fn stream(
                    self,
                ) -> impl ::futures_util::Stream<
                    Item = ::std::result::Result<#item_type, crate::error::Error>,
                > + Send + 'a {
                    crate::paging::items(self)
                }
            }
        };
        out.extend(parse(id, "its paging", tokens)?);
        let config = next_cursor.to_string().replace(id, "");
        match pages_with_next_cursor.get(&page_ident.to_string()) {
            Some(earlier) if *earlier == config => continue,
            Some(_) => {
                return Err(Error::operation(
                    id,
                    format!(
                        "{PAGINATION}: another paged operation returns {page_ident} with a \
                         different {PAGINATION}; give them the same one"
                    ),
                ))
            }
            None => {
                pages_with_next_cursor.insert(page_ident.to_string(), config);
            }
        }
        {
            let doc = doc(&[
                &format!(
                    "The cursor of the page after this one (from `{}`), `Ok(None)` on the \
                     last page.",
                    paging.next
                ),
                "",
                "# Errors",
                &format!("When `{}` names a page without a cursor.", paging.next),
            ]);
            let tokens = quote! {
                impl #page_ident {
                    #(#doc)*
                    pub fn next_cursor(
                        &self,
                    ) -> ::std::result::Result<
                        ::std::option::Option<::std::string::String>,
                        crate::error::Error,
                    > {
                        let page = self;
                        #next_cursor
                    }
                }
            };
            out.extend(parse(id, "its page type's next_cursor()", tokens)?);
        }
    }
    Ok(out)
}

fn missing_field(id: &str, page: &syn::Ident, name: &str) -> Error {
    Error::operation(
        id,
        format!("{PAGINATION}: the generated {page} has no field for {name}"),
    )
}

/// The field of a generated struct that holds the spec's property `name`: the one renamed
/// from it (`#[serde(rename = "name")]`), or the one named after it.
fn field<'s>(page: &'s syn::ItemStruct, name: &str) -> Option<(&'s syn::Ident, &'s syn::Type)> {
    let Fields::Named(fields) = &page.fields else {
        return None;
    };
    let renamed = |f: &syn::Field| {
        f.attrs.iter().any(|attr| {
            attr.path().is_ident("serde")
                && attr
                    .meta
                    .require_list()
                    .map(|list| {
                        list.tokens
                            .to_string()
                            .contains(&format!("rename = \"{name}\""))
                    })
                    .unwrap_or(false)
        })
    };
    fields
        .named
        .iter()
        .find(|f| renamed(f))
        .or_else(|| {
            fields
                .named
                .iter()
                .find(|f| f.ident.as_ref().is_some_and(|i| *i == snake_case(name)))
        })
        .and_then(|f| Some((f.ident.as_ref()?, &f.ty)))
}

/// `#[doc = " line"]` attributes, one per line, so that the output reads as `///` comments.
fn doc(lines: &[&str]) -> Vec<proc_macro2::TokenStream> {
    lines
        .iter()
        .map(|line| {
            let line = if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            };
            quote!(#[doc = #line])
        })
        .collect()
}
