//! `cargo xtask docs`: the spec rendered as the API's reference page.

use std::process::Command;

use crate::codegen::SPEC;
use crate::{node_tools, run_command, Failure};

/// `cargo xtask docs`: the spec as one static HTML page (Redocly's `build-docs`), written
/// under the target directory; nothing is opened.
pub(crate) fn run() -> Result<(), Failure> {
    let bin = node_tools()?;
    let out = crate::target_dir().join("api-reference/index.html");
    run_command(
        Command::new(bin.join("redocly"))
            .args([
                "build-docs",
                SPEC,
                "--config",
                "openapi/redocly.yaml",
                "--output",
            ])
            .arg(&out)
            .env("REDOCLY_TELEMETRY", "off")
            .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true"),
    )?;
    println!("API reference: {}", out.display());
    Ok(())
}
