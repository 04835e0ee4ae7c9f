//! The guide's example CI job (`docs/src/ci.md`), run as written: each of its `fleek-agents` steps through a
//! shell, against a mock Fleek on 127.0.0.1, with GitHub's `${{ ... }}` expressions replaced
//! by the values a repository would hold.

use std::path::Path;
use std::process::Command;

use super::{check, nova, scratch, write_json, Run};
use crate::common::{AGENT, KEY, PROJECT};

const GUIDE: &str = include_str!("../../../../docs/src/ci.md");

/// The job's `fleek-agents` commands: its `run:` lines that call it, and the `command:`
/// the Action runs (given without the program's name).
fn steps() -> Vec<String> {
    let job = GUIDE
        .split("<!-- ci-job -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- /ci-job -->").next())
        .expect("docs/src/ci.md marks its CI job");
    job.lines()
        .filter_map(|line| {
            let line = line.trim();
            line.strip_prefix("run: ")
                .filter(|command| command.starts_with("fleek-agents "))
                .map(str::to_string)
                .or_else(|| {
                    line.strip_prefix("command: ")
                        .map(|command| format!("fleek-agents {command}"))
                })
        })
        .map(|command| {
            command
                .replace("${{ vars.FLEEK_PROJECT_ID }}", PROJECT)
                .replace("${{ vars.NOVA_AGENT_ID }}", AGENT)
        })
        .collect()
}

#[test]
fn the_readme_ci_job_runs_against_a_mock_fleek() {
    let steps = steps();
    assert_eq!(steps.len(), 2, "validate, then deploy: {steps:?}");
    assert!(!steps.iter().any(|s| s.contains("${{")), "{steps:?}");

    let server = super::fleek("Running", true);
    let repo = scratch("readme-job");
    std::fs::create_dir_all(repo.join("characters")).expect("a directory");
    write_json(&repo.join("characters"), "nova.character.json", &nova());
    let mut helper = nova();
    helper["name"] = "Helper".into();
    write_json(&repo.join("characters"), "helper.character.json", &helper);

    let bin = Path::new(env!("CARGO_BIN_EXE_fleek-agents"))
        .parent()
        .expect("a directory");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for step in &steps {
        let output = Command::new("sh")
            .args(["-ec", step])
            .current_dir(&repo)
            .env("PATH", &path)
            .env("FLEEK_API_KEY", KEY)
            .env("FLEEK_API_URL", server.base_url())
            .env_remove("NO_COLOR")
            .output()
            .expect("sh runs");
        let run = Run::of(output);
        check(&run);
        assert_eq!(run.code, 0, "{step}\n{}\n{}", run.stdout, run.stderr);
    }
}
