//! What the generator changes in each operation's `send()`, and why.
//!
//! - progenitor adds an `api-version` header (the spec's `info.version`) to every request:
//!   a convention of Dropshot servers, which Fleek does not document. It is removed, and with
//!   it the header map progenitor builds for it, since no Fleek operation has a header
//!   parameter (a spec that adds one keeps its header map).
//! - `send()` is split in two: `response()` builds and sends the request, through the hooks,
//!   and returns the answer whatever its status; `answer()` turns the answer into progenitor's
//!   `ResponseValue` or error, by status. `send()` is `answer(response())`, as before. The
//!   crate's `call()` uses `response()` and decodes a success body itself, without the copy
//!   of the response headers that a `ResponseValue` carries (see `calls`).
//! - Every 2xx is a success. No source shows which success status Fleek sends and every
//!   client of the API tests for any 2xx, so `answer()` has one success arm, `200..=299`,
//!   whatever codes the spec lists; a JSON body is decoded by `crate::call::success`, which
//!   reads an empty body (a `204`) as `{}`.
//! - A path parameter marked `x-wildcard` (the proxy's `{*key}`) is sent with its `/`
//!   intact: `crate::path::wildcard` checks and encodes each segment, refusing empty, `.`
//!   and `..` segments before anything is sent, where progenitor would encode `/` as `%2F`.

use openapiv3::OpenAPI;
use quote::{quote, ToTokens};
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{Arm, Expr, ImplItem, ImplItemFn, Item, Pat, Stmt, Token};

use crate::builders::type_arguments;
use crate::naming::snake_case;
use crate::Error;

/// Applies every change to every `send()` in `mod builder`.
///
/// # Errors
/// [`Error::Output`] when a `send()` does not have the shape progenitor 0.15 generates.
pub(crate) fn apply(spec: &OpenAPI, file: &mut syn::File) -> Result<(), Error> {
    let wildcards = crate::extensions::wildcards(spec);
    let Some(items) = file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return Ok(());
    };
    for item in items.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        let Some(at) = imp
            .items
            .iter()
            .position(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == "send"))
        else {
            continue;
        };
        let ImplItem::Fn(send) = &mut imp.items[at] else {
            continue;
        };
        let name = imp.self_ty.to_token_stream().to_string();
        let operation = snake_case(name.split('<').next().unwrap_or(&name).trim());
        drop_api_version(send).map_err(|e| Error::Output(format!("{name}::send: {e}")))?;
        for (_, parameter) in wildcards.iter().filter(|(id, _)| *id == operation) {
            keep_slashes(send, &snake_case(parameter))
                .map_err(|e| Error::Output(format!("{name}::send: {e}")))?;
        }
        let parts = split(send).map_err(|e| Error::Output(format!("{name}::send: {e}")))?;
        imp.items.splice(at..=at, parts);
    }
    Ok(())
}

/// Removes the `api-version` header; then, if the header map holds nothing else, the map.
fn drop_api_version(send: &mut ImplItemFn) -> Result<(), String> {
    let stmts = &mut send.block.stmts;
    let before = stmts.len();
    stmts.retain(|stmt| !(is_append(stmt) && mentions(stmt, "\"api-version\"")));
    if stmts.len() + 1 != before {
        return Err("no `api-version` header to remove".into());
    }
    if stmts.iter().any(is_append) {
        return Ok(());
    }
    let before = stmts.len();
    stmts.retain(|stmt| !declares(stmt, "header_map"));
    if stmts.len() + 1 != before {
        return Err("no header map declared".into());
    }
    let mut unwrap = UnwrapHeaders { removed: 0 };
    unwrap.visit_block_mut(&mut send.block);
    match unwrap.removed {
        1 => Ok(()),
        n => Err(format!("the header map is used {n} times, not once")),
    }
}

/// `header_map.append(..);`
fn is_append(stmt: &Stmt) -> bool {
    matches!(
        stmt,
        Stmt::Expr(Expr::MethodCall(call), _)
            if call.method == "append" && call.receiver.to_token_stream().to_string() == "header_map"
    )
}

fn mentions(stmt: &Stmt, token: &str) -> bool {
    stmt.to_token_stream().to_string().contains(token)
}

/// `let [mut] <name> = ..;`
fn declares(stmt: &Stmt, name: &str) -> bool {
    let Stmt::Local(local) = stmt else {
        return false;
    };
    matches!(&local.pat, Pat::Ident(p) if p.ident == name)
}

/// Replaces `<receiver>.headers(header_map)` with `<receiver>`.
struct UnwrapHeaders {
    removed: usize,
}

impl VisitMut for UnwrapHeaders {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::MethodCall(call) = expr {
            if call.method == "headers"
                && call.args.len() == 1
                && call.args[0].to_token_stream().to_string() == "header_map"
            {
                let receiver = (*call.receiver).clone();
                *expr = receiver;
                self.removed += 1;
                self.visit_expr_mut(expr);
                return;
            }
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// Sends the path parameter `field` with its `/` intact: a checked, segment-encoded
/// `let <field> = crate::path::wildcard(..)?;` before the URL, which then uses it as is.
fn keep_slashes(send: &mut ImplItemFn, field: &str) -> Result<(), String> {
    let stmts = &mut send.block.stmts;
    let at = stmts
        .iter()
        .position(|stmt| declares(stmt, "url"))
        .ok_or("has no `let url = ..;`")?;
    let Stmt::Local(local) = &mut stmts[at] else {
        return Err("`url` is not a local".into());
    };
    let Some(Expr::Macro(url)) = local.init.as_mut().map(|init| init.expr.as_mut()) else {
        return Err("`url` is not built by format!".into());
    };
    let mut args = url
        .mac
        .parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
        .map_err(|e| e.to_string())?;
    let ident = syn::Ident::new(field, proc_macro2::Span::call_site());
    let encoded = quote!(encode_path(&#ident.to_string())).to_string();
    let mut replaced = 0;
    for arg in args.iter_mut() {
        if arg.to_token_stream().to_string() == encoded {
            *arg = syn::parse_quote!(#ident);
            replaced += 1;
        }
    }
    if replaced != 1 {
        return Err(format!(
            "the wildcard parameter `{field}` is encoded {replaced} times in the URL, not once"
        ));
    }
    url.mac.tokens = args.to_token_stream();
    let check: Stmt = syn::parse_quote! {
        let #ident = crate::path::wildcard(&#ident.to_string()).map_err(Error::InvalidRequest)?;
    };
    stmts.insert(at, check);
    Ok(())
}

/// The statuses a `match` arm's pattern covers, when it is a literal or a literal range.
fn status_bounds(pat: &Pat) -> Option<(u16, u16)> {
    fn number(expr: &Expr) -> Option<u16> {
        match expr {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(n),
                ..
            }) => n.base10_parse().ok(),
            _ => None,
        }
    }
    match pat {
        Pat::Lit(lit) => {
            let n = number(&Expr::Lit(lit.clone()))?;
            Some((n, n))
        }
        Pat::Range(range) => Some((
            number(range.start.as_deref()?)?,
            number(range.end.as_deref()?)?,
        )),
        _ => None,
    }
}

/// progenitor's hook calls (`client.pre(..)`, `client.exec(..)`, `client.post(..)`, then
/// `let response = result?;`) as one `let response = crate::hooks::send(client, request,
/// &info).await?;`: the hand-written path that keeps its refusals typed. Fails when the
/// calls are not found as expected, or when any hook call is left.
fn through_hooks_send(head: &[Stmt]) -> Result<Vec<Stmt>, String> {
    let text = |stmt: &Stmt| stmt.to_token_stream().to_string();
    let pre = head
        .iter()
        .position(|stmt| text(stmt).starts_with("client . pre ("))
        .ok_or("has no `client.pre(..)` call")?;
    let expected = [
        "client . pre (& mut request , & info) . await ?",
        "let result = client . exec (request , & info) . await ;",
        "client . post (& result , & info) . await ?",
        "let response = result ? ;",
    ];
    let found: Vec<String> = head[pre..].iter().map(text).collect();
    let found_trimmed: Vec<&str> = found.iter().map(|t| t.trim_end_matches(" ;")).collect();
    let expected_trimmed: Vec<&str> = expected.iter().map(|t| t.trim_end_matches(" ;")).collect();
    if found_trimmed != expected_trimmed {
        return Err(format!(
            "its hook calls are not progenitor's four statements: {found:?}"
        ));
    }
    let mut stmts = head[..pre].to_vec();
    stmts.push(syn::parse_quote! {
        let response = crate::hooks::send(client, request, &info).await?;
    });
    let left = stmts.iter().map(text).find(|t| {
        [
            "client . pre (",
            "client . exec (",
            "client . post (& result",
        ]
        .iter()
        .any(|call| t.contains(call))
    });
    match left {
        Some(stmt) => Err(format!("a hook call is left after the rewrite: {stmt}")),
        None => Ok(stmts),
    }
}

/// One success arm, `200u16..=299u16`, in place of the success arms progenitor made from the
/// spec's codes; a JSON body is decoded by `crate::call::success` (an empty body as `{}`).
fn any_2xx(tail: &mut Stmt) -> Result<(), String> {
    let Stmt::Expr(Expr::Match(m), None) = tail else {
        return Err("does not end with a match on the status".into());
    };
    let is_success = |arm: &Arm| matches!(status_bounds(&arm.pat), Some((low, high)) if low >= 200 && high <= 299);
    let first = m
        .arms
        .iter()
        .position(is_success)
        .ok_or("has no success arm")?;
    let mut arm = m.arms[first].clone();
    arm.pat = syn::parse_quote!(200u16..=299u16);
    if arm
        .body
        .to_token_stream()
        .to_string()
        .contains("ResponseValue :: from_response")
    {
        arm.body = syn::parse_quote!({ crate::call::success(response).await });
    }
    m.arms.retain(|arm| !is_success(arm));
    m.arms.insert(first, arm);
    Ok(())
}

/// `send()` as three methods: `response()`, `answer()` and `send()` calling both.
fn split(send: &ImplItemFn) -> Result<Vec<ImplItem>, String> {
    let syn::ReturnType::Type(_, output) = &send.sig.output else {
        return Err("returns nothing".into());
    };
    let error = match type_arguments(output).as_slice() {
        [_, error] => (*error).clone(),
        _ => return Err("does not return Result<ResponseValue<T>, Error<E>>".into()),
    };
    let stmts = &send.block.stmts;
    let at = stmts
        .iter()
        .position(|stmt| declares(stmt, "response"))
        .ok_or("has no `let response = ..;`")?;
    let (head, tail) = stmts.split_at(at + 1);
    if tail.len() != 1 || !matches!(tail[0], Stmt::Expr(Expr::Match(_), None)) {
        return Err("does not end with a match on the status".into());
    }
    let head = through_hooks_send(head)?;
    let mut tail = tail[0].clone();
    any_2xx(&mut tail)?;
    let attrs = &send.attrs;
    let tokens = quote! {
        impl X {
            #(#attrs)*
            ///
            /// progenitor's own sending, kept for code written against it and hidden from the
            /// docs: callers use `call()` (the decoded value) or `call_raw()` (the answer as
            /// received), one verb with the crate's own `Error`.
            #[doc(hidden)]
            pub async fn send(self) -> #output {
                Self::answer(self.response().await?).await
            }
            /// Builds the request and sends it through `crate::hooks::send`; the answer,
            /// whatever its status, or why it was not sent (a refusal stays typed).
            pub(crate) async fn response(
                self,
            ) -> ::std::result::Result<::reqwest::Response, crate::refusal::Failure<#error>> {
                #(#head)*
                Ok(response)
            }
            /// The answer as a `ResponseValue`, or an error, by its status.
            pub(crate) async fn answer(response: ::reqwest::Response) -> #output {
                #tail
            }
        }
    };
    let imp: syn::ItemImpl = syn::parse2(tokens).map_err(|e| e.to_string())?;
    Ok(imp.items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stmts(code: &str) -> Vec<Stmt> {
        let block: syn::Block = syn::parse_str(&format!("{{ {code} }}")).expect("a block");
        block.stmts
    }

    #[test]
    fn the_four_hook_calls_become_one_send() {
        let head = stmts(
            "let info = OperationInfo { operation_id: \"x\" };
             client.pre(&mut request, &info).await?;
             let result = client.exec(request, &info).await;
             client.post(&result, &info).await?;
             let response = result?;",
        );
        let rewritten = through_hooks_send(&head).expect("rewritten");
        let text: Vec<String> = rewritten
            .iter()
            .map(|s| s.to_token_stream().to_string())
            .collect();
        assert_eq!(text.len(), 2);
        assert_eq!(
            text[1],
            "let response = crate :: hooks :: send (client , request , & info) . await ? ;"
        );
    }

    #[test]
    fn hook_calls_of_another_form_fail_generation() {
        for code in [
            // No hook call at all.
            "let response = client.client.execute(request).await?;",
            // A different order.
            "client.pre(&mut request, &info).await?;
             client.post(&result, &info).await?;
             let result = client.exec(request, &info).await;
             let response = result?;",
            // A hook call before the four.
            "client.post(&result, &info).await?;
             client.pre(&mut request, &info).await?;
             let result = client.exec(request, &info).await;
             client.post(&result, &info).await?;
             let response = result?;",
        ] {
            assert!(through_hooks_send(&stmts(code)).is_err(), "{code}");
        }
    }
}
