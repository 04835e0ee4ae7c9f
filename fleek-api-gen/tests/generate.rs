//! What the generator makes of specs: the Fleek spec's API surface, a small spec's whole
//! output, determinism, and clear errors for specs it cannot handle.

use fleek_api_gen::{generate, Error, GENERATED_HEADER};

fn fleek_spec() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/fleek-api.yaml");
    std::fs::read_to_string(path).expect("the Fleek spec is readable")
}

fn tiny_spec() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/tiny.yaml");
    std::fs::read_to_string(path).expect("the tiny spec is readable")
}

#[test]
fn fleek_api_surface() {
    let generated = generate(&fleek_spec()).expect("the Fleek spec generates");
    insta::assert_snapshot!("fleek_api_surface", generated.surface);
}

#[test]
fn tiny_spec_output() {
    let generated = generate(&tiny_spec()).expect("the tiny spec generates");
    assert!(generated.client.starts_with(GENERATED_HEADER));
    insta::assert_snapshot!("tiny_client", generated.client);
}

#[test]
fn output_is_identical_on_every_run() {
    let spec = fleek_spec();
    let first = generate(&spec).expect("generates");
    let second = generate(&spec).expect("generates");
    assert_eq!(first, second);
}

#[test]
fn every_operation_of_the_spec_is_in_the_surface() {
    let spec: serde_yaml::Value = serde_yaml::from_str(&fleek_spec()).expect("YAML");
    let surface = generate(&fleek_spec()).expect("generates").surface;
    let mut count = 0;
    for (path, item) in spec["paths"].as_mapping().expect("paths") {
        for (method, operation) in item.as_mapping().expect("path item") {
            let Some(id) = operation.get("operationId").and_then(|v| v.as_str()) else {
                continue;
            };
            let method = method.as_str().expect("method").to_uppercase();
            let path = path.as_str().expect("path");
            let line = format!("{id}: {method} {path}\n");
            assert!(surface.contains(&line), "{line:?} missing from the surface");
            count += 1;
        }
    }
    assert!(count > 0, "the spec has operations");
}

#[test]
fn a_new_optional_query_parameter_changes_the_surface() {
    let spec = tiny_spec();
    let before = generate(&spec).expect("generates").surface;
    let changed = spec.replacen(
        "      x-idempotent: true\n      parameters:\n",
        "      x-idempotent: true\n      parameters:\n        - name: dryRun\n          \
         in: query\n          required: false\n          schema: { type: boolean }\n",
        1,
    );
    assert_ne!(changed, spec, "the edit applies");
    let after = generate(&changed).expect("generates").surface;
    assert!(!before.contains("dryRun"));
    assert!(
        after.contains("  query dryRun -> .dry_run(Option<bool>)\n"),
        "{after}"
    );
}

/// A valid spec with `operation` as its only path item, for the error cases. Each
/// operation states the hints the generator requires (`x-command`, `x-idempotent`) unless
/// the text gives them.
fn spec_with(path: &str, operation: &str, components: &str) -> String {
    let mut text = String::new();
    let mut method = "";
    let lines: Vec<&str> = operation.lines().collect();
    for (at, line) in lines.iter().enumerate() {
        text.push_str(line);
        text.push('\n');
        if let Some(verb) = line.strip_prefix("    ").and_then(|l| l.strip_suffix(':')) {
            method = verb;
        }
        if line.trim_start().starts_with("operationId:") {
            let rest = &lines[at + 1..];
            let stated = |key: &str| {
                rest.iter()
                    .take_while(|l| !l.trim_start().starts_with("operationId:"))
                    .any(|l| l.trim_start().starts_with(key))
            };
            let read_only = method == "get";
            if !stated("x-command:") {
                text.push_str(&format!(
                    "      x-command: {{read-only: {read_only}, destructive: false, open-world: false}}\n"
                ));
            }
            if !stated("x-idempotent:") {
                text.push_str(&format!(
                    "      x-idempotent: {}\n",
                    matches!(method, "get" | "put" | "delete")
                ));
            }
        }
    }
    format!(
        "openapi: 3.0.3\ninfo: {{ title: T, version: '1' }}\npaths:\n  {path}:\n{text}\
         components:\n{components}\n"
    )
}

fn unsupported(spec: &str) -> String {
    match generate(spec) {
        Err(Error::Unsupported(problems)) => problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
        other => panic!("expected Error::Unsupported, got {other:?}"),
    }
}

#[test]
fn two_success_body_types_name_the_operation() {
    let spec = spec_with(
        "/x",
        "    get:\n      operationId: get_x\n      responses:\n        '200':\n          \
         description: a\n          content:\n            application/json:\n              \
         schema: { type: string }\n        '201':\n          description: b\n          \
         content:\n            application/json:\n              schema: { type: integer }",
        "  schemas: {}",
    );
    let message = unsupported(&spec);
    assert!(message.contains("GET /x (get_x)"), "{message}");
    assert!(message.contains("2 different body types"), "{message}");
}

#[test]
fn a_success_body_beside_an_empty_success_is_reported() {
    let spec = spec_with(
        "/x",
        "    get:\n      operationId: get_x\n      responses:\n        '200':\n          \
         description: a\n          content:\n            application/json:\n              \
         schema: { type: string }\n        '204':\n          description: none",
        "  schemas: {}",
    );
    let message = unsupported(&spec);
    assert!(message.contains("200 → JSON"), "{message}");
    assert!(message.contains("204 → no body"), "{message}");
}

#[test]
fn two_request_media_types_are_reported() {
    let spec = spec_with(
        "/x",
        "    post:\n      operationId: post_x\n      requestBody:\n        content:\n          \
         application/json:\n            schema: { type: string }\n          text/plain:\n            \
         schema: { type: string }\n      responses:\n        '200': { description: ok }",
        "  schemas: {}",
    );
    let message = unsupported(&spec);
    assert!(message.contains("POST /x (post_x)"), "{message}");
    assert!(message.contains("2 media types"), "{message}");
}

#[test]
fn missing_and_duplicate_operation_ids_are_reported() {
    let spec = "openapi: 3.0.3\ninfo: { title: T, version: '1' }\npaths:\n  /a:\n    get:\n      \
                responses: { '200': { description: ok } }\n  /b:\n    get:\n      operationId: \
                same\n      responses: { '200': { description: ok } }\n    delete:\n      \
                operationId: same\n      responses: { '200': { description: ok } }\n";
    let message = unsupported(spec);
    assert!(
        message.contains("GET /a: the operation has no operationId"),
        "{message}"
    );
    assert!(
        message.contains("operationId same is used by another"),
        "{message}"
    );
}

#[test]
fn path_parameters_must_match_the_template() {
    let spec = spec_with(
        "/x/{id}",
        "    get:\n      operationId: get_x\n      parameters:\n        - name: other\n          \
         in: path\n          required: true\n          schema: { type: string }\n      \
         responses:\n        '200': { description: ok }",
        "  schemas: {}",
    );
    let message = unsupported(&spec);
    assert!(
        message.contains("path parameter other does not appear"),
        "{message}"
    );
    assert!(
        message.contains("the path names {id} but no path parameter"),
        "{message}"
    );
}

#[test]
fn dangling_references_are_reported() {
    let spec = spec_with(
        "/x",
        "    get:\n      operationId: get_x\n      parameters:\n        - $ref: \
         '#/components/parameters/Nope'\n      responses:\n        '200':\n          $ref: \
         '#/components/responses/Gone'",
        "  schemas: {}",
    );
    let message = unsupported(&spec);
    assert!(
        message.contains("#/components/parameters/Nope points to nothing"),
        "{message}"
    );
    assert!(
        message.contains("#/components/responses/Gone points to nothing"),
        "{message}"
    );
}

#[test]
fn colliding_field_names_are_reported() {
    let spec = spec_with(
        "/x",
        "    get:\n      operationId: get_x\n      responses:\n        '200': { description: ok }",
        "  schemas:\n    Thing:\n      type: object\n      properties:\n        characterFile: \
         { type: string }\n        character_file: { type: string }",
    );
    let message = unsupported(&spec);
    assert!(message.contains("#/components/schemas/Thing"), "{message}");
    assert!(
        message.contains("become the same Rust field character_file"),
        "{message}"
    );
}

#[test]
fn openapi_3_1_is_refused() {
    let spec = "openapi: 3.1.0\ninfo: { title: T, version: '1' }\npaths: {}\n";
    let message = unsupported(spec);
    assert!(message.contains("OpenAPI 3.0.x only"), "{message}");
}

#[test]
fn text_that_is_not_openapi_is_a_parse_error() {
    for text in ["", "[1, 2", "openapi: 3.0.3\n", "just: [a, list]"] {
        let result = generate(text);
        assert!(
            matches!(result, Err(Error::Parse(_))),
            "{text:?}: {result:?}"
        );
    }
}

#[test]
fn a_shape_progenitor_panics_on_becomes_an_error() {
    // progenitor's conversion of an untyped schema calls `todo!()` for an exclusive minimum
    // without a minimum; `check` does not look for it, so this exercises the panic net.
    let spec = spec_with(
        "/x",
        "    get:\n      operationId: get_x\n      responses:\n        '200':\n          \
         description: ok\n          content:\n            application/json:\n              \
         schema: { $ref: '#/components/schemas/N' }",
        "  schemas:\n    N:\n      description: untyped\n      exclusiveMinimum: true",
    );
    match generate(&spec) {
        Err(Error::Generator(message)) => {
            assert!(message.contains("exclusive_minimum"), "{message}")
        }
        other => panic!("expected Error::Generator, got {other:?}"),
    }
}

#[test]
fn an_idempotency_mark_that_is_not_a_boolean_is_reported() {
    let spec = spec_with(
        "/x",
        "    put:\n      operationId: put_x\n      x-idempotent: sometimes\n      responses:\n        \
         '200': { description: ok }",
        "  schemas: {}",
    );
    let message = unsupported(&spec);
    assert!(message.contains("PUT /x (put_x)"), "{message}");
    assert!(
        message.contains("x-idempotent must be true or false"),
        "{message}"
    );
}

#[test]
fn idempotency_marks_become_a_table() {
    let spec = spec_with(
        "/x",
        "    put:\n      operationId: put_x\n      x-idempotent: false\n      responses:\n        \
         '200': { description: ok }\n    post:\n      operationId: post_x\n      \
         x-idempotent: true\n      responses:\n        '200': { description: ok }",
        "  schemas: {}",
    );
    let client = generate(&spec).expect("generates").client;
    let table = "IDEMPOTENCY_OVERRIDES: &[(&str, bool)] = &[\n    (\"put_x\", false),\n    \
                 (\"post_x\", true),\n];";
    assert!(client.contains(table), "{client}");
}

/// A paged operation `list_x` with the given `x-pagination` and page schema.
fn paged_spec(pagination: &str, page: &str) -> String {
    let operation = [
        "    get:".to_string(),
        "      operationId: list_x".to_string(),
        format!("      x-pagination: {pagination}"),
        "      parameters:".to_string(),
        "        - { name: cursor, in: query, schema: { type: string } }".to_string(),
        "      responses:".to_string(),
        "        '200':".to_string(),
        "          description: ok".to_string(),
        "          content:".to_string(),
        "            application/json:".to_string(),
        "              schema: { $ref: '#/components/schemas/Page' }".to_string(),
    ]
    .join("\n");
    spec_with("/x", &operation, &format!("  schemas:\n    Page:\n{page}"))
}

const PAGE: &str =
    "      type: object\n      properties:\n        data:\n          type: array\n          \
                    items: { type: string }\n        next: { type: string, nullable: true }";

#[test]
fn a_paged_operation_gets_pages_stream_and_next_cursor() {
    let spec = paged_spec("{items: data, next: next, cursor: cursor}", PAGE);
    let client = generate(&spec).expect("generates").client;
    for expected in [
        "impl<'a> crate::paging::Paged for super::builder::ListX<'a>",
        "crate::paging::NextField::Cursor",
        "pub fn pages(",
        "pub fn stream(",
        "impl Page {",
        "pub fn next_cursor(",
    ] {
        assert!(client.contains(expected), "{expected}");
    }
}

#[test]
fn a_next_page_given_as_a_uri_is_read_as_a_url() {
    let page = PAGE.replace(
        "next: { type: string, nullable: true }",
        "next: { type: string, format: uri, nullable: true }",
    );
    let spec = paged_spec("{items: data, next: next, cursor: cursor}", &page);
    let client = generate(&spec).expect("generates").client;
    assert!(
        client.contains("crate::paging::NextField::Url(\"cursor\")"),
        "{client}"
    );
}

#[test]
fn a_pagination_that_does_not_fit_the_operation_is_reported() {
    for (pagination, expected) in [
        ("true", "x-pagination must be an object"),
        (
            "{items: data, next: next, cursor: after}",
            "has no query parameter after",
        ),
        (
            "{items: rows, next: next, cursor: cursor}",
            "names the items field rows, but the page has no such property",
        ),
        (
            "{items: next, next: next, cursor: cursor}",
            "next field must be an array",
        ),
        (
            "{items: data, next: data, cursor: cursor}",
            "data field must be a string",
        ),
        (
            "{items: data, next: next, cursor: cursor, size: size}",
            "unknown key size",
        ),
    ] {
        let message = unsupported(&paged_spec(pagination, PAGE));
        assert!(message.contains("GET /x (list_x)"), "{message}");
        assert!(message.contains(expected), "{pagination}: {message}");
    }
}

#[test]
fn a_protocol_upgrade_is_refused_by_name() {
    let spec = spec_with(
        "/x",
        "    get:\n      operationId: get_x\n      responses:\n        '101': { description: \
         upgrade }",
        "  schemas: {}",
    );
    let message = unsupported(&spec);
    assert!(message.contains("GET /x (get_x)"), "{message}");
    assert!(message.contains("response 101"), "{message}");
}

#[test]
fn requests_carry_their_header_parameters_and_no_api_version() {
    let spec = spec_with(
        "/x",
        "    get:\n      operationId: get_x\n      parameters:\n        - name: X-Request-Id\n          \
         in: header\n          required: true\n          schema: { type: string }\n      \
         responses:\n        '200': { description: ok }\n    delete:\n      operationId: \
         delete_x\n      responses:\n        '204': { description: gone }",
        "  schemas: {}",
    );
    let client = generate(&spec).expect("generates").client;
    assert!(!client.contains("api-version"), "{client}");
    // The operation with a header parameter keeps its header map and sends the header.
    assert_eq!(
        client.matches("HeaderMap::with_capacity").count(),
        1,
        "{client}"
    );
    assert!(client.contains("\"X-Request-Id\""), "{client}");
    assert_eq!(
        client.matches(".headers(header_map)").count(),
        1,
        "{client}"
    );
    // Every send() is response() then answer().
    assert_eq!(
        client
            .matches("Self::answer(self.response().await?).await")
            .count(),
        2
    );
}

#[test]
fn every_2xx_is_a_success_whatever_code_the_spec_lists() {
    // `200`, `201` and a `2XX` range each become one arm for the whole 2xx range; a JSON
    // body is decoded by the crate's `success` (an empty body as `{}`), and `call()` decodes
    // any 2xx from the answer's bytes.
    let spec = spec_with(
        "/x",
        "    get:\n      operationId: get_x\n      responses:\n        '200':\n          \
         description: a\n          content:\n            application/json:\n              \
         schema: { type: object }\n        '201':\n          description: b\n          \
         content:\n            application/json:\n              schema: { type: object }\n    \
         post:\n      operationId: post_x\n      responses:\n        2XX: { description: ok }\n    \
         delete:\n      operationId: delete_x\n      responses:\n        '204': { description: gone }",
        "  schemas: {}",
    );
    let client = generate(&spec).expect("generates").client;
    assert_eq!(client.matches("200u16..=299u16 =>").count(), 3, "{client}");
    assert!(!client.contains("201u16"), "{client}");
    assert!(!client.contains("204u16"), "{client}");
    assert!(!client.contains("ResponseValue::from_response"), "{client}");
    assert_eq!(
        client
            .matches("crate::call::success(response).await")
            .count(),
        1,
        "{client}"
    );
    // `call()` and `call_raw()` take every answer through `crate::call::raw_of`, which reads
    // any 2xx as a success.
    assert_eq!(
        client.matches("crate::call::raw_of(").count(),
        3,
        "{client}"
    );
}

/// A spec whose `/p/{key}` path parameter carries `x-wildcard: <wildcard>`.
fn wildcard_spec(wildcard: &str) -> String {
    spec_with(
        "/p/{key}",
        &format!(
            "    get:\n      operationId: get_p\n      parameters:\n        - name: key\n          \
             in: path\n          required: true\n          x-wildcard: {wildcard}\n          \
             schema: {{ type: string }}\n      responses:\n        '200': {{ description: ok }}"
        ),
        "  schemas: {}",
    )
}

#[test]
fn a_wildcard_path_parameter_keeps_its_slashes_and_is_checked_before_sending() {
    let client = generate(&wildcard_spec("true")).expect("generates").client;
    assert!(
        client.contains("let key = crate::path::wildcard(&key.to_string())"),
        "{client}"
    );
    assert_eq!(client.matches("encode_path(").count(), 0, "{client}");
    // Without the mark the parameter is one segment, encoded by progenitor as before.
    let client = generate(&wildcard_spec("false")).expect("generates").client;
    assert!(!client.contains("crate::path::wildcard"), "{client}");
    assert_eq!(client.matches("encode_path(").count(), 1, "{client}");
}

/// A spec with one string schema `Status` carrying `extension` and a response using it.
fn open_enum_spec(extension: &str) -> String {
    spec_with(
        "/s",
        "    get:\n      operationId: get_s\n      responses:\n        '200':\n          \
         description: a\n          content:\n            application/json:\n              \
         schema: { $ref: '#/components/schemas/Status' }",
        &format!(
            "  schemas:\n    Status:\n      type: string\n      description: A state.\n{extension}"
        ),
    )
}

#[test]
fn an_extensible_enum_becomes_an_open_enum_used_and_re_exported_by_the_client() {
    let generated = generate(&open_enum_spec(
        "      x-extensible-enum: [Active, past_due]\n      x-enum-descriptions: [In force., Late.]",
    ))
    .expect("generates");
    let expected = "crate::open_enum::open_enum! {\n    /// A state.\n    Status {\n        \
                    /// In force.\n        Active = \"Active\",\n        /// Late.\n        \
                    PastDue = \"past_due\",\n    }\n}\n";
    assert!(generated.enums.ends_with(expected), "{}", generated.enums);
    assert!(
        generated
            .client
            .contains("pub use crate::generated_enums::Status;"),
        "{}",
        generated.client
    );
    assert!(
        generated
            .client
            .contains("ResponseValue<crate::generated_enums::Status>"),
        "{}",
        generated.client
    );
    assert!(!generated.client.contains("pub struct Status"));
}

#[test]
fn malformed_extensible_enums_are_reported() {
    for (extension, expected) in [
        (
            "      enum: [A]\n      x-extensible-enum: [A]",
            "replaces `enum`",
        ),
        ("      x-extensible-enum: A", "non-empty list of strings"),
        (
            "      x-extensible-enum: [A, 2]",
            "non-empty list of strings",
        ),
        (
            "      x-extensible-enum: [A, B]\n      x-enum-descriptions: [one]",
            "one per value",
        ),
        ("      x-extensible-enum: [a-b, A_B]", "which is taken"),
        ("      x-extensible-enum: [Other]", "which is taken"),
        ("      x-extensible-enum: ['2fa']", "no Rust variant name"),
    ] {
        let message = unsupported(&open_enum_spec(extension));
        assert!(
            message.contains("components.schemas.Status"),
            "{extension}: {message}"
        );
        assert!(message.contains(expected), "{extension}: {message}");
    }
}

#[test]
fn every_mock_success_gets_an_ok_that_answers_200() {
    let spec = spec_with(
        "/x",
        "    get:\n      operationId: get_x\n      responses:\n        2XX:\n          \
         description: a\n          content:\n            application/json:\n              \
         schema: { type: object }\n    delete:\n      operationId: delete_x\n      \
         responses:\n        2XX: { description: gone }",
        "  schemas: {}",
    );
    let mock = generate(&spec).expect("generates").mock;
    assert_eq!(mock.matches("pub fn success(").count(), 2, "{mock}");
    assert_eq!(
        mock.matches("self.success(200, value)").count(),
        1,
        "{mock}"
    );
    assert!(mock.contains("pub fn ok(self) -> Self {"), "{mock}");
    assert!(mock.contains("self.success(200)"), "{mock}");
}

/// The hints a tool passes to a model are the spec's, stated on every operation, and a
/// read-only one is a `GET` (`cli::grammar`'s tests pin which ones are destructive).
#[test]
fn every_operation_states_its_hints() {
    let spec: serde_yaml::Value = serde_yaml::from_str(&fleek_spec()).expect("YAML");
    for (_, item) in spec["paths"].as_mapping().expect("paths") {
        for (method, operation) in item.as_mapping().expect("path item") {
            let Some(id) = operation.get("operationId").and_then(|v| v.as_str()) else {
                continue;
            };
            let hints = &operation["x-command"];
            for key in ["read-only", "destructive", "open-world"] {
                assert!(
                    hints[key].is_bool(),
                    "{id}: x-command's {key} is not stated"
                );
            }
            assert!(operation["x-idempotent"].is_bool(), "{id}: no x-idempotent");
            let method = method.as_str().expect("method");
            assert_eq!(hints["read-only"].as_bool(), Some(method == "get"), "{id}");
        }
    }
}
