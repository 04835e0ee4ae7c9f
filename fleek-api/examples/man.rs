//! Writes a man page per `fleek-agents` command (`fleek-agents.1`,
//! `fleek-agents-deploy.1`, `fleek-agents-auth-login.1`, ...) into the directory given,
//! from the CLI's clap tree. `cargo xtask man` runs it into `target/man`.
//!
//! ```text
//! cargo run -p fleek-api --features cli --example man -- target/man
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: man <output directory>");
        return ExitCode::from(2);
    };
    let written = std::fs::create_dir_all(&dir)
        .and_then(|()| clap_mangen::generate_to(fleek_api::cli::command(), &dir));
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cannot write the man pages in {}: {e}", dir.display());
            ExitCode::FAILURE
        }
    }
}
