//! Every operation shape progenitor accepts, added to the Fleek spec, generates code that
//! compiles inside `fleek-api` — the way progenitor's own sample-spec tests compile their
//! output.
//!
//! `tests/specs/shapes.yaml` holds the shapes (no error responses, `default` responses, 204
//! and bodiless answers, raw and text bodies both ways, no parameters, header parameters,
//! optional and form bodies, paging by cursor and by URL, a wildcard path parameter, an open
//! enum). The test merges them into the
//! Fleek spec, generates, writes a copy of the `fleek-api` crate with the new generated files
//! under `target/`, adds a module that calls every new operation as a user would
//! (`call()`, `stream()`, `pages()`), and checks it with `cargo`, warnings denied. It builds
//! in its own target directory (`target/shapes-check`), because the running `cargo test`
//! holds the lock of the main one; the first run compiles the dependencies once.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_yaml::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The Fleek spec with the shapes' paths and schemas added.
fn merged_spec() -> String {
    let mut spec: Value =
        serde_yaml::from_str(&read(&root().join("openapi/fleek-api.yaml"))).expect("YAML");
    let shapes: Value =
        serde_yaml::from_str(&read(&root().join("fleek-api-gen/tests/specs/shapes.yaml")))
            .expect("YAML");
    for (section, key) in [("paths", None), ("components", Some("schemas"))] {
        let mut from = &shapes[section];
        let mut into = spec.get_mut(section).expect("the section exists");
        if let Some(key) = key {
            from = &from[key];
            into = into.get_mut(key).expect("the section exists");
        }
        let into = into.as_mapping_mut().expect("a mapping");
        for (name, value) in from.as_mapping().expect("a mapping") {
            assert!(
                into.insert(name.clone(), value.clone()).is_none(),
                "{name:?} is in the Fleek spec already"
            );
        }
    }
    serde_yaml::to_string(&spec).expect("serializes")
}

/// How a user calls each new operation: this must type-check against the generated code.
const SHAPES_IN_USE: &str = r#"
//! Every operation of fleek-api-gen/tests/specs/shapes.yaml, called as a user would.
#![allow(dead_code)]

use futures_util::TryStreamExt;

use crate::{types, Call, Client, Error};

async fn shapes_in_use(client: &Client) -> Result<(), Error> {
    let _: types::ShapeWidget = client.shape_no_errors().call().await?;
    let _: types::ShapeWidget = client.shape_default_only().call().await?;
    let _: types::ShapeWidget = client.shape_default_error().call().await?;
    let _: types::ShapeWidget = client.shape_typed_error().call().await?;
    let _: () = client.shape_delete_no_content().shape_id("s1").call().await?;
    let _: () = client.shape_post_nothing().shape_id("s1").call().await?;
    let _: bytes::Bytes = client.shape_raw_octet().call().await?;
    let _: () = client.shape_raw_request().body(vec![1u8, 2, 3]).call().await?;
    let _: bytes::Bytes = client.shape_raw_any().call().await?;
    let _: bytes::Bytes = client.shape_text().call().await?;
    let _: () = client.shape_text_request().body("hello").call().await?;
    let _: types::ShapeWidget = client
        .shape_headers()
        .x_request_id("r1")
        .x_trace("t1")
        .call()
        .await?;
    let widget = types::ShapeWidget::builder().name("w");
    let _: types::ShapeWidget = client.shape_optional_body().body(widget.clone()).call().await?;
    let _: () = client.shape_form().body(widget).call().await?;
    let widgets: Vec<types::ShapeWidget> = client
        .shape_list_by_cursor()
        .limit(std::num::NonZeroU32::MIN)
        .stream()
        .try_collect()
        .await?;
    let pages: Vec<types::ShapeUrlPage> = client.shape_list_by_url().pages().try_collect().await?;
    let _: Option<String> = pages[0].next_cursor()?;
    let state: types::ShapeState = client.shape_wildcard().shape_path("a b/c").call().await?;
    let _: bool = state == types::ShapeState::OffLine || state.as_str() == "on";
    let _ = widgets;
    Ok(())
}
"#;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("list dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn every_supported_shape_generates_code_that_compiles() {
    let generated = fleek_api_gen::generate(&merged_spec()).expect("every shape generates");

    // What the new operations get, with no hand-written code.
    for id in [
        "shape_no_errors",
        "shape_default_only",
        "shape_headers",
        "shape_list_by_cursor",
    ] {
        assert!(generated.surface.contains(&format!("{id}: GET ")), "{id}");
    }
    for builder in ["ShapeListByCursor", "ShapeListByUrl"] {
        assert!(
            generated.client.contains(&format!(
                "impl<'a> crate::paging::Paged for super::builder::{builder}<'a>"
            )),
            "{builder} is paged"
        );
    }
    assert!(generated
        .client
        .contains("impl crate::error::ErrorBody for types::ShapeProblem"));
    // Each new operation is a `fleek-agents` command too, with no hand-written code.
    for (name, variant) in [
        ("shape-no-errors", "ShapeNoErrors"),
        ("shape-raw-request", "ShapeRawRequest"),
        ("shape-form", "ShapeForm"),
        ("shape-list-by-url", "ShapeListByUrl"),
    ] {
        assert!(
            generated
                .cli
                .contains(&format!("\"{name}\" => Some(Operation::{variant})")),
            "{name} is a command"
        );
    }
    // A raw request body (octet-stream, text), which progenitor's CLI leaves out, comes from
    // a file.
    assert_eq!(
        generated
            .cli
            .matches("::clap::Arg::new(\"body-file\")")
            .count(),
        2,
        "shape_raw_request and shape_text_request read --body-file"
    );
    assert_eq!(
        generated
            .cli
            .matches("request = request.body(bytes);")
            .count(),
        2
    );

    // Each is an MCP tool too, whatever its body: JSON and form bodies as their properties,
    // a raw body as one argument (text, or base64).
    let tools: serde_json::Value = serde_json::from_str(&generated.mcp_tools).expect("JSON");
    let tool = |name: &str| {
        tools["tools"]
            .as_array()
            .and_then(|all| all.iter().find(|t| t["tool"]["name"] == name))
            .unwrap_or_else(|| panic!("{name} is a tool"))
            .clone()
    };
    for name in ["shape_raw_request", "shape_text_request"] {
        assert_eq!(
            tool(name)["tool"]["inputSchema"]["required"],
            serde_json::json!(["body"])
        );
    }
    assert!(tool("shape_form")["tool"]["inputSchema"]["properties"]["name"].is_object());
    assert!(generated.mcp.contains("args.base64(\"body\")"));

    // A copy of the workspace with fleek-api only, and the new generated files.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    let workspace = target.join("shapes-crate");
    let _ = std::fs::remove_dir_all(&workspace);
    copy_dir(&root().join("fleek-api"), &workspace.join("fleek-api"));
    let manifest = read(&root().join("Cargo.toml"));
    let members = "members = [\"fleek-api\", \"fleek-api-gen\", \"xtask\"]";
    assert!(manifest.contains(members), "the workspace members line");
    std::fs::write(
        workspace.join("Cargo.toml"),
        manifest.replace(members, "members = [\"fleek-api\"]"),
    )
    .expect("write manifest");
    std::fs::copy(root().join("Cargo.lock"), workspace.join("Cargo.lock")).expect("copy lock");
    let src = workspace.join("fleek-api/src");
    std::fs::write(src.join("generated.rs"), &generated.client).expect("write");
    std::fs::write(src.join("generated_mock.rs"), &generated.mock).expect("write");
    std::fs::write(src.join("cli/generated.rs"), &generated.cli).expect("write");
    std::fs::write(src.join("cli/mcp/generated.rs"), &generated.mcp).expect("write");
    std::fs::write(src.join("cli/mcp/tools.json"), &generated.mcp_tools).expect("write");
    std::fs::write(src.join("generated_enums.rs"), &generated.enums).expect("write");
    std::fs::write(src.join("shapes_in_use.rs"), SHAPES_IN_USE).expect("write");
    let lib = read(&src.join("lib.rs"));
    std::fs::write(src.join("lib.rs"), format!("{lib}\nmod shapes_in_use;\n")).expect("write");

    // TLS is left out: generated code does not touch it, and it is the slowest dependency.
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["rustc", "--quiet", "--lib", "--profile", "check"])
        .args(["--no-default-features", "--features", "mock,cli,mcp"])
        .arg("--manifest-path")
        .arg(workspace.join("fleek-api/Cargo.toml"))
        .args(["--", "-D", "warnings"])
        .env("CARGO_TARGET_DIR", target.join("shapes-check"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the generated code does not compile:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
