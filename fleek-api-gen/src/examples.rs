//! `send_example(client, operation)`: each operation sent with the spec's own examples, for
//! the `mock` feature. The request snapshot tests call it for every operation of the spec,
//! so a new operation with examples gets its request snapshot with no hand-written test.
//!
//! An operation is covered when every required parameter has an example (on the parameter,
//! its schema, or the schema it refers to) and its JSON body, if any, has one; optional
//! parameters with an example are set too.

use openapiv3::{Components, OpenAPI, Parameter, ReferenceOr, RequestBody};
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{Fields, Item, Type};

use crate::builders::first_type_argument;
use crate::naming::snake_case;
use crate::output::parse;
use crate::Error;

/// The `send_example` function, to be appended to the mock module.
pub(crate) fn sender(spec: &OpenAPI, file: &syn::File) -> Result<Vec<Item>, Error> {
    let builders = crate::builders::builders(file)?;
    let components = spec.components.as_ref();
    let mut arms = Vec::new();
    for (item, operation, id) in crate::operations::with_ids(spec) {
        let builder = crate::builders::builder_of(&builders, id)?;
        let Fields::Named(fields) = &builder.item.fields else {
            continue;
        };
        let field_type = |name: &str| {
            fields
                .named
                .iter()
                .find(|f| f.ident.as_ref().is_some_and(|i| *i == name))
                .and_then(|f| first_type_argument(&f.ty))
                .map(|ty| first_type_argument_of_option(ty).unwrap_or(ty).clone())
        };
        let mut setters = Vec::new();
        let mut covered = true;
        for parameter in item.parameters.iter().chain(&operation.parameters) {
            let Some(parameter) = crate::refs::parameter(parameter, components) else {
                covered = false;
                break;
            };
            let data = parameter.parameter_data_ref();
            let setter = snake_case(&data.name);
            let (Some(example), Some(ty)) = (
                parameter_example(parameter, components),
                field_type(&setter),
            ) else {
                if data.required {
                    covered = false;
                }
                continue;
            };
            setters.push(setter_call(&setter, ty, &example));
        }
        if let Some(body) = &operation.request_body {
            match (body_example(body, components), field_type("body")) {
                (Some(example), Some(ty)) => setters.push(setter_call("body", ty, &example)),
                _ => covered = false,
            }
        }
        if !covered {
            continue;
        }
        let method = format_ident!("{id}");
        arms.push(quote! {
            #id => {
                let send = async {
                    client.#method() #(#setters)* .send().await.map_err(|e| e.to_string())?;
                    Ok(())
                };
                ::std::option::Option::Some(send.await)
            }
        });
    }
    let tokens = quote! {
        /// Sends `operation` (an operationId) with the examples the spec gives for its
        /// parameters and body, and discards the answer: `None` when the spec lacks an example
        /// the operation needs. The request snapshot tests send every operation this way.
        pub async fn send_example(
            client: &crate::Client,
            operation: &str,
        ) -> ::std::option::Option<::std::result::Result<(), ::std::string::String>> {
            fn example<T: ::serde::de::DeserializeOwned>(
                json: &str,
            ) -> ::std::result::Result<T, ::std::string::String> {
                ::serde_json::from_str(json).map_err(|e| e.to_string())
            }
            match operation {
                #(#arms)*
                _ => ::std::option::Option::None,
            }
        }
    };
    parse("send_example", "the example sender", tokens)
}

/// `.name(example::<T>("json")?)`, with `T` spelled from outside the generated module.
fn setter_call(
    setter: &str,
    mut ty: Type,
    example: &serde_json::Value,
) -> proc_macro2::TokenStream {
    FromCrateRoot.visit_type_mut(&mut ty);
    let setter = format_ident!("{setter}");
    let json = example.to_string();
    quote!(.#setter(example::<#ty>(#json)?))
}

/// Rewrites `types::X` to `crate::types::X`, and a body's `types::builder::X` to
/// `crate::types::X` (the setter takes the type itself).
struct FromCrateRoot;

impl VisitMut for FromCrateRoot {
    fn visit_type_path_mut(&mut self, path: &mut syn::TypePath) {
        let segments = &mut path.path.segments;
        if path.path.leading_colon.is_none() && segments.first().is_some_and(|s| s.ident == "types")
        {
            if segments.len() == 3 && segments[1].ident == "builder" {
                let last = segments[2].clone();
                segments.clear();
                segments.push(syn::parse_quote!(types));
                segments.push(last);
            }
            segments.insert(0, syn::parse_quote!(crate));
        }
        syn::visit_mut::visit_type_path_mut(self, path);
    }
}

fn first_type_argument_of_option(ty: &Type) -> Option<&Type> {
    match ty {
        Type::Path(p) if p.path.segments.last()?.ident == "Option" => first_type_argument(ty),
        _ => None,
    }
}

fn parameter_example(
    parameter: &Parameter,
    components: Option<&Components>,
) -> Option<serde_json::Value> {
    let data = parameter.parameter_data_ref();
    if let Some(example) = &data.example {
        return Some(example.clone());
    }
    let openapiv3::ParameterSchemaOrContent::Schema(schema) = &data.format else {
        return None;
    };
    let schema = crate::refs::schema(schema, components)?;
    schema.schema_data.example.clone()
}

fn body_example(
    body: &ReferenceOr<RequestBody>,
    components: Option<&Components>,
) -> Option<serde_json::Value> {
    let body =
        crate::refs::resolve(body, components, "requestBodies", |c| &c.request_bodies).ok()?;
    let (_, content) = body
        .content
        .iter()
        .find(|(media, _)| media.starts_with("application/json"))?;
    content.example.clone()
}
