//! `cargo xtask man`: a man page per `fleek-agents` command, from the CLI's clap tree
//! (`clap_mangen`, run by the crate's `man` example so that neither xtask nor the tool
//! depends on it), into `<target>/man`.

use crate::{run_command, Failure};

pub(crate) fn run() -> Result<(), Failure> {
    let dir = crate::target_dir().join("man");
    // Pages of commands that no longer exist would be installed with the rest.
    if dir.exists() {
        std::fs::remove_dir_all(&dir)
            .map_err(|e| format!("cannot clear {}: {e}", dir.display()))?;
    }
    run_command(crate::cargo_run_cli(&["--example", "man", "--"]).arg(&dir))?;
    let pages = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "1"))
        .count();
    if pages == 0 {
        return Err(format!("no man page was written in {}", dir.display()));
    }
    println!(
        "{pages} man pages in {}\ninstall: install -m 644 {}/*.1 ~/.local/share/man/man1/ (then `man fleek-agents`)",
        dir.display(),
        dir.display()
    );
    Ok(())
}
