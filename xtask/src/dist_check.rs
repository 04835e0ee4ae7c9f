//! `cargo xtask dist --check`: tests what `cargo xtask dist` made, as a user and a CI runner
//! would meet it, on 127.0.0.1 only.
//!
//! - The archive holds `fleek-agents-<target>/` with the binary and the documents, the
//!   binary runs `--version` and names the version and commit that were built, and the
//!   `.sha256` file matches.
//! - The shell installer, stamped as a release stamps it but pointing at a mirror of the
//!   release served here, installs a pinned version and `latest`; refuses a corrupted
//!   archive, a bad checksum file and an unknown version with a clear error and installs
//!   nothing; and picks this machine's target.
//! - The GitHub Action's steps (`action.yml`, run as the runner runs them: each step's `env`
//!   with its `${{ }}` expressions filled in, then its `run` in bash) resolve the version,
//!   install into the runner's tool cache, reuse it on a second run without a download,
//!   and run a command, passing its exit code on.
//!
//! Each check prints `ok` or `FAILED` with why; the run ends `N passed, N failed`.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use crate::dist::{archive_name, binary_name, sha256_hex, stamp, write_file, Built};
use crate::{root, Failure};

/// One check's verdict.
type Verdict = Result<(), String>;

/// A named check.
type Check<'a> = (&'static str, Box<dyn Fn() -> Verdict + 'a>);

pub(crate) fn run(built: &Built) -> Result<(), Failure> {
    let scratch = crate::target_dir().join("dist-check");
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let server = Server::start(scratch.join("www"))?;
    let mirror = Mirror::lay_out(built, &scratch, &server)?;

    let checks: Vec<Check<'_>> = vec![
        (
            "the archive holds the binary and the documents",
            Box::new(|| archive_layout(built, &scratch)),
        ),
        (
            "the archive's binary runs and names its version and commit",
            Box::new(|| archive_runs(built, &scratch)),
        ),
        (
            "the .sha256 file matches the archive",
            Box::new(|| checksum_matches(built)),
        ),
        (
            "the installer picks this machine's target",
            Box::new(|| picks_target(built, &mirror)),
        ),
        (
            "the installer installs the version it was released with",
            Box::new(|| installs(built, &mirror, &[], &scratch.join("home-pinned"))),
        ),
        (
            "the installer installs latest",
            Box::new(|| {
                installs(
                    built,
                    &mirror,
                    &["--version", "latest"],
                    &scratch.join("home-latest"),
                )
            }),
        ),
        (
            "the installer takes another base URL (a mirror)",
            Box::new(|| installs_from_mirror(built, &mirror, &scratch)),
        ),
        (
            "the installer refuses a corrupted archive and installs nothing",
            Box::new(|| refuses(built, &mirror, &scratch, "corrupt", "checksum mismatch")),
        ),
        (
            "the installer refuses a checksum file with no checksum",
            Box::new(|| {
                refuses(
                    built,
                    &mirror,
                    &scratch,
                    "nosum",
                    "holds no SHA-256 checksum",
                )
            }),
        ),
        (
            "the installer says an unknown version was not found",
            Box::new(|| refuses_version(built, &mirror, &scratch)),
        ),
        (
            "the Action installs into the tool cache, then reuses it without a download",
            Box::new(|| action_installs(built, &mirror, &server, &scratch)),
        ),
        (
            "the Action runs a command and passes its exit code on",
            Box::new(|| action_runs(built, &mirror, &scratch)),
        ),
        (
            "the Action posts the fleet plan on a pull request, then updates its own comment",
            Box::new(|| action_comments(built, &mirror, &scratch)),
        ),
    ];
    let (mut passed, mut failed) = (0, 0);
    for (name, check) in &checks {
        match check() {
            Ok(()) => {
                passed += 1;
                println!("dist check: {name} ... ok");
            }
            Err(why) => {
                failed += 1;
                println!(
                    "dist check: {name} ... FAILED\n    {}",
                    why.replace('\n', "\n    ")
                );
            }
        }
    }
    println!("dist: {passed} passed, {failed} failed");
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} dist check(s) failed"))
    }
}

/// The release, served on 127.0.0.1 as GitHub serves releases
/// (`releases/download/v<version>/<file>`, `releases/latest/download/<file>`), with
/// broken copies beside it.
struct Mirror {
    /// The installer, stamped with the served release's location and version.
    installer: PathBuf,
    /// `http://127.0.0.1:<port>/releases`
    base_url: String,
    /// The root URL, for the other trees (`/mirror`, `/corrupt`, `/nosum`).
    origin: String,
}

impl Mirror {
    fn lay_out(built: &Built, scratch: &Path, server: &Server) -> Result<Mirror, Failure> {
        let www = &server.root;
        let archive = fs::read(built.out.join(&built.archive))
            .map_err(|e| format!("{}: {e}", built.archive))?;
        let sum = fs::read(built.out.join(format!("{}.sha256", built.archive)))
            .map_err(|e| format!("{}.sha256: {e}", built.archive))?;
        let mut corrupt = archive.clone();
        let middle = corrupt.len() / 2;
        corrupt[middle] ^= 0xff;
        let pinned = format!("download/v{}", built.version);
        for (tree, archive, sum) in [
            ("releases", &archive, &sum[..]),
            ("mirror", &archive, &sum[..]),
            ("corrupt", &corrupt, &sum[..]),
            ("nosum", &archive, &b"<html>not found</html>\n"[..]),
            // Where the Action looks: <server>/<action's repository>/releases.
            ("owner/fleek-api/releases", &archive, &sum[..]),
        ] {
            for dir in [pinned.as_str(), "latest/download"] {
                let dir = www.join(tree).join(dir);
                fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                write_file(&dir.join(&built.archive), archive, 0o644)?;
                write_file(&dir.join(format!("{}.sha256", built.archive)), sum, 0o644)?;
            }
        }
        let origin = format!("http://127.0.0.1:{}", server.port);
        let base_url = format!("{origin}/releases");
        let text = fs::read_to_string(built.out.join("fleek-agents-installer.sh"))
            .map_err(|e| format!("the installer in {}: {e}", built.out.display()))?;
        let installer = scratch.join("fleek-agents-installer.sh");
        write_file(
            &installer,
            stamp(&text, &base_url, &built.version)?.as_bytes(),
            0o755,
        )?;
        Ok(Mirror {
            installer,
            base_url,
            origin,
        })
    }

    /// Runs the installer with `args`, `HOME` set to `home` and no installer variable from
    /// the caller's environment.
    fn install(&self, home: &Path, args: &[&str]) -> Result<Output, String> {
        fs::create_dir_all(home).map_err(|e| format!("{}: {e}", home.display()))?;
        Command::new("sh")
            .arg(&self.installer)
            .args(args)
            .env("HOME", home)
            .env_remove("FLEEK_AGENTS_VERSION")
            .env_remove("FLEEK_AGENTS_BASE_URL")
            .env_remove("FLEEK_AGENTS_INSTALL_DIR")
            .output()
            .map_err(|e| format!("could not run sh: {e}"))
    }
}

fn archive_layout(built: &Built, scratch: &Path) -> Verdict {
    let dir = unpack(built, scratch)?;
    let inner = dir.join(format!("fleek-agents-{}", built.target));
    let mut expected: Vec<String> = ["README.md", "LICENSE", "CHANGELOG.md"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    expected.push(binary_name(&built.target));
    expected.sort();
    let mut found: Vec<String> = fs::read_dir(&inner)
        .map_err(|e| format!("{}: {e}", inner.display()))?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    found.sort();
    let top: Vec<String> = fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    check(
        built.archive == archive_name(&built.target),
        format!("named {}", built.archive),
    )?;
    check(
        top == [format!("fleek-agents-{}", built.target)],
        format!("top level: {top:?}"),
    )?;
    check(
        found == expected,
        format!(
            "fleek-agents-{}/ holds {found:?}, not {expected:?}",
            built.target
        ),
    )
}

fn archive_runs(built: &Built, scratch: &Path) -> Verdict {
    let dir = unpack(built, scratch)?;
    let binary = dir
        .join(format!("fleek-agents-{}", built.target))
        .join(binary_name(&built.target));
    let output = Command::new(&binary)
        .arg("--version")
        .output()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    let text = String::from_utf8_lossy(&output.stdout);
    check(
        output.status.success(),
        format!("--version failed: {output:?}"),
    )?;
    check(
        text.lines().next() == Some(&format!("fleek-agents {}", built.version)),
        format!("--version says {text:?}"),
    )?;
    check(
        text.contains(&format!("commit: {}", built.commit)),
        format!("--version names no commit {}: {text:?}", built.commit),
    )
}

fn checksum_matches(built: &Built) -> Verdict {
    let archive = fs::read(built.out.join(&built.archive)).map_err(|e| e.to_string())?;
    let sum = fs::read_to_string(built.out.join(format!("{}.sha256", built.archive)))
        .map_err(|e| e.to_string())?;
    let expected = format!("{}  {}\n", sha256_hex(&archive), built.archive);
    check(
        sum == expected,
        format!("the .sha256 file says {sum:?}, not {expected:?}"),
    )?;
    // And the system's tool agrees, as a user would check it (`shasum` on macOS).
    let sidecar = format!("{}.sha256", built.archive);
    let output = Command::new("sha256sum")
        .args(["-c", &sidecar])
        .current_dir(&built.out)
        .output()
        .or_else(|_| {
            Command::new("shasum")
                .args(["-a", "256", "-c", &sidecar])
                .current_dir(&built.out)
                .output()
        })
        .map_err(|e| format!("neither sha256sum nor shasum runs: {e}"))?;
    check(
        output.status.success(),
        describe("the checksum tool disagrees", &output),
    )
}

fn picks_target(built: &Built, mirror: &Mirror) -> Verdict {
    let output = mirror.install(&mirror_home(mirror), &["--print-target"])?;
    let said = String::from_utf8_lossy(&output.stdout).trim().to_string();
    check(output.status.success(), format!("{output:?}"))?;
    check(
        said == built.target,
        format!("--print-target says {said}, this build is {}", built.target),
    )
}

fn mirror_home(mirror: &Mirror) -> PathBuf {
    mirror.installer.with_file_name("home-target")
}

fn installs(built: &Built, mirror: &Mirror, args: &[&str], home: &Path) -> Verdict {
    let output = mirror.install(home, args)?;
    check(
        output.status.success(),
        describe("the installer failed", &output),
    )?;
    let binary = home.join(".local/bin").join(binary_name(&built.target));
    let version = run_version(&binary)?;
    check(
        version == format!("fleek-agents {}", built.version),
        format!("installed {version}"),
    )?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    check(
        stderr.contains("checksum verified"),
        describe("no word of the checksum", &output),
    )?;
    check(
        stderr.contains("is not on your PATH"),
        describe("no word of PATH", &output),
    )
}

fn installs_from_mirror(built: &Built, mirror: &Mirror, scratch: &Path) -> Verdict {
    let to = scratch.join("elsewhere/bin");
    let base = format!("{}/mirror", mirror.origin);
    let output = mirror.install(
        &scratch.join("home-mirror"),
        &[
            "--base-url",
            &base,
            "--to",
            &to.display().to_string(),
            "--version",
            &format!("v{}", built.version),
        ],
    )?;
    check(
        output.status.success(),
        describe("the installer failed", &output),
    )?;
    check(
        String::from_utf8_lossy(&output.stderr)
            .contains(&format!("{base}/download/v{}", built.version)),
        describe("it did not download from the mirror", &output),
    )?;
    run_version(&to.join(binary_name(&built.target))).map(|_| ())
}

fn refuses(built: &Built, mirror: &Mirror, scratch: &Path, tree: &str, says: &str) -> Verdict {
    let home = scratch.join(format!("home-{tree}"));
    let base = format!("{}/{tree}", mirror.origin);
    let output = mirror.install(&home, &["--base-url", &base])?;
    check(
        !output.status.success(),
        describe("the installer succeeded", &output),
    )?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    check(
        stderr.contains(says) && stderr.contains(&built.archive),
        describe(&format!("no {says:?} naming {}", built.archive), &output),
    )?;
    check(
        stderr.contains("nothing was installed"),
        describe("it does not say nothing was installed", &output),
    )?;
    let bin = home.join(".local/bin");
    check(
        !bin.exists()
            || fs::read_dir(&bin)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false),
        format!("{} is not empty", bin.display()),
    )
}

fn refuses_version(built: &Built, mirror: &Mirror, scratch: &Path) -> Verdict {
    let output = mirror.install(&scratch.join("home-unknown"), &["--version", "99.0.0"])?;
    check(
        !output.status.success(),
        describe("the installer succeeded", &output),
    )?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    check(
        stderr.contains(&format!(
            "{}/download/v99.0.0/{}",
            mirror.base_url, built.archive
        )) && stderr.contains("is 99.0.0 a released version"),
        describe("the error does not name the URL and the version", &output),
    )?;
    let output = mirror.install(&scratch.join("home-unknown"), &["--version", "soon"])?;
    check(
        !output.status.success()
            && String::from_utf8_lossy(&output.stderr).contains("'soon' is not a version"),
        describe("a version that is no version", &output),
    )
}

/// The files a GitHub runner gives a composite action's steps, in `dir`.
struct Runner {
    dir: PathBuf,
}

impl Runner {
    fn new(dir: PathBuf) -> Result<Runner, String> {
        for sub in ["tool-cache", "temp", "work"] {
            fs::create_dir_all(dir.join(sub)).map_err(|e| e.to_string())?;
        }
        Ok(Runner { dir })
    }

    /// Runs the step of `action.yml` at `index` as the runner does: its `env` with each
    /// `${{ }}` expression replaced from `values` (an unknown one fails), then `run` in
    /// `bash -e`. Returns the output and the `GITHUB_OUTPUT` lines the step wrote.
    fn step(
        &self,
        index: usize,
        values: &BTreeMap<&str, String>,
    ) -> Result<(Output, BTreeMap<String, String>), String> {
        self.step_with(index, values, &[])
    }

    /// [`step`](Self::step) with more variables in the environment (what the calling
    /// workflow's step sets, a `PATH` with stand-ins).
    fn step_with(
        &self,
        index: usize,
        values: &BTreeMap<&str, String>,
        extra: &[(&str, String)],
    ) -> Result<(Output, BTreeMap<String, String>), String> {
        let action: serde_yaml::Value = serde_yaml::from_str(
            &fs::read_to_string(root().join("action.yml"))
                .map_err(|e| format!("action.yml: {e}"))?,
        )
        .map_err(|e| format!("action.yml: {e}"))?;
        let step = &action["runs"]["steps"][index];
        let run = step["run"]
            .as_str()
            .ok_or(format!("step {index} has no run"))?;
        let outputs = self.dir.join(format!("output-{index}"));
        let _ = fs::remove_file(&outputs);
        let mut command = Command::new("bash");
        command
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", run])
            .current_dir(self.dir.join("work"))
            .env("GITHUB_ACTION_PATH", root())
            .env("GITHUB_OUTPUT", &outputs)
            .env("GITHUB_PATH", self.dir.join("path"))
            .env("RUNNER_TOOL_CACHE", self.dir.join("tool-cache"))
            .env("RUNNER_TEMP", self.dir.join("temp"))
            .env("GITHUB_ACTIONS", "true")
            .env_remove("FLEEK_AGENTS_VERSION")
            .env_remove("FLEEK_AGENTS_BASE_URL")
            .env_remove("FLEEK_AGENTS_INSTALL_DIR")
            .envs(extra.iter().map(|(k, v)| (*k, v.as_str())));
        if let Some(env) = step["env"].as_mapping() {
            for (name, value) in env {
                let (Some(name), Some(value)) = (name.as_str(), value.as_str()) else {
                    return Err(format!("step {index}: env {name:?} is not a string"));
                };
                command.env(name, fill(value, values)?);
            }
        }
        let output = command.output().map_err(|e| format!("bash: {e}"))?;
        let written = fs::read_to_string(&outputs).unwrap_or_default();
        let map = written
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Ok((output, map))
    }
}

/// Replaces each `${{ expression }}` of `value` from `values`.
fn fill(value: &str, values: &BTreeMap<&str, String>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("}}")
            .ok_or(format!("unclosed expression in {value}"))?;
        let expression = rest[start + 3..start + end].trim();
        out.push_str(values.get(expression).ok_or(format!(
            "the check has no value for ${{{{ {expression} }}}}"
        ))?);
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The index of the step of `action.yml` with `id`, or running `action.sh <verb>`.
fn step_index(verb: &str) -> Result<usize, String> {
    let action: serde_yaml::Value = serde_yaml::from_str(
        &fs::read_to_string(root().join("action.yml")).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    action["runs"]["steps"]
        .as_sequence()
        .and_then(|steps| {
            steps.iter().position(|s| {
                s["run"]
                    .as_str()
                    .is_some_and(|r| r.trim_end().ends_with(&format!("action.sh\" {verb}")))
            })
        })
        .ok_or(format!("action.yml has no step that runs action.sh {verb}"))
}

/// The Action's `resolve` then `install` steps; returns install's outputs.
fn action_install(
    built: &Built,
    mirror: &Mirror,
    runner: &Runner,
    version_input: &str,
) -> Result<(Output, BTreeMap<String, String>), String> {
    let mut values: BTreeMap<&str, String> = BTreeMap::new();
    values.insert("inputs.version", version_input.to_string());
    values.insert("inputs.base-url", String::new());
    // As GitHub sets them for `uses: <owner>/<repo>@v<version>`: the release location
    // is derived from them, pointed here at the mirror's origin.
    values.insert("github.action_ref", format!("v{}", built.version));
    values.insert("github.action_repository", "owner/fleek-api".to_string());
    values.insert("github.server_url", mirror.origin.clone());
    values.insert("github.repository", "owner/user-project".to_string());
    let (output, resolved) = runner.step(step_index("resolve")?, &values)?;
    check(output.status.success(), describe("resolve failed", &output))?;
    for (key, value) in &resolved {
        values.insert(
            match key.as_str() {
                "version" => "steps.resolve.outputs.version",
                "base-url" => "steps.resolve.outputs.base-url",
                "target" => "steps.resolve.outputs.target",
                "dir" => "steps.resolve.outputs.dir",
                "cache" => "steps.resolve.outputs.cache",
                other => return Err(format!("resolve wrote an unknown output {other}")),
            },
            value.clone(),
        );
    }
    check(
        resolved.get("base-url") == Some(&format!("{}/owner/fleek-api/releases", mirror.origin)),
        format!("resolve's base URL: {resolved:?}"),
    )?;
    check(
        resolved.get("version") == Some(&built.version)
            && resolved.get("cache").map(String::as_str) == Some("true"),
        format!("resolve took the action's ref as the version: {resolved:?}"),
    )?;
    runner.step(step_index("install")?, &values)
}

fn action_installs(built: &Built, mirror: &Mirror, server: &Server, scratch: &Path) -> Verdict {
    let runner = Runner::new(scratch.join("runner"))?;
    let before = server.hits(&built.archive);
    let (output, outputs) = action_install(built, mirror, &runner, "")?;
    check(output.status.success(), describe("install failed", &output))?;
    let path = outputs
        .get("path")
        .ok_or(format!("no path output: {outputs:?}"))?;
    check(
        Path::new(path).starts_with(
            runner
                .dir
                .join("tool-cache/fleek-agents")
                .join(&built.version),
        ),
        format!("installed at {path}, not in the tool cache"),
    )?;
    check(
        outputs.get("version") == Some(&built.version),
        format!("version output: {outputs:?}"),
    )?;
    let on_path = fs::read_to_string(runner.dir.join("path")).unwrap_or_default();
    check(
        on_path
            .lines()
            .any(|l| Path::new(path).parent() == Some(Path::new(l))),
        format!("GITHUB_PATH holds {on_path:?}"),
    )?;
    let downloads = server.hits(&built.archive) - before;
    check(
        downloads == 1,
        format!("the first run downloaded the archive {downloads} times"),
    )?;
    let (output, _) = action_install(built, mirror, &runner, "")?;
    check(
        output.status.success(),
        describe("the second install failed", &output),
    )?;
    check(
        String::from_utf8_lossy(&output.stdout).contains("is in the runner's tool cache"),
        describe("the second run does not say it used the cache", &output),
    )?;
    let downloads = server.hits(&built.archive) - before;
    check(
        downloads == 1,
        format!("the second run downloaded again ({downloads} in all)"),
    )
}

fn action_runs(built: &Built, mirror: &Mirror, scratch: &Path) -> Verdict {
    let runner = Runner::new(scratch.join("runner-run"))?;
    let (output, outputs) = action_install(built, mirror, &runner, &built.version)?;
    check(output.status.success(), describe("install failed", &output))?;
    let characters = runner.dir.join("work/characters");
    fs::create_dir_all(&characters).map_err(|e| e.to_string())?;
    fs::write(characters.join("c3po.character.json"), deployable_c3po()?)
        .map_err(|e| e.to_string())?;
    fs::write(characters.join("broken.character.json"), "{\"name\": 1}")
        .map_err(|e| e.to_string())?;
    let path = outputs.get("path").cloned().ok_or("no path output")?;
    let index = step_index("run")?;
    let values = |command: &str| {
        BTreeMap::from([
            ("inputs.command", command.to_string()),
            ("steps.install.outputs.path", path.clone()),
        ])
    };
    let (output, _) = runner.step(index, &values("validate characters/c3po*.character.json"))?;
    check(
        output.status.success(),
        describe("validate of a good character failed", &output),
    )?;
    let (output, _) = runner.step(index, &values("validate characters/*.character.json"))?;
    check(
        output.status.code() == Some(3),
        describe("validate of a broken character did not exit 3", &output),
    )?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    check(
        stdout.contains("::error title=fleek-agents::fleek-agents validate characters/*.character.json failed with exit code 3"),
        describe("no annotation for the failure", &output),
    )?;
    check(
        stderr.contains("::error file=characters/broken.character.json"),
        describe("no annotation for the broken file", &output),
    )
}

fn action_comments(built: &Built, mirror: &Mirror, scratch: &Path) -> Verdict {
    let runner = Runner::new(scratch.join("runner-comment"))?;
    let (output, outputs) = action_install(built, mirror, &runner, &built.version)?;
    check(output.status.success(), describe("install failed", &output))?;
    let path = outputs.get("path").cloned().ok_or("no path output")?;
    // The simulator of the installed binary, a one-agent manifest, and a stand-in for `gh`
    // that logs its calls and answers the comment search from a file.
    let mut sim = Command::new(&path)
        .args(["simulate", "--boot-time", "50ms"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("simulate: {e}"))?;
    let result = (|| {
        let stdout = sim.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let mut next = || lines.next().and_then(Result::ok).unwrap_or_default();
        let url = next().trim_start_matches("FLEEK_API_URL=").to_string();
        let key = next().trim_start_matches("FLEEK_API_KEY=").to_string();
        let work = runner.dir.join("work");
        fs::write(work.join("c3po.character.json"), deployable_c3po()?)
            .map_err(|e| e.to_string())?;
        fs::write(
            work.join("fleek-agents.toml"),
            "project = \"cm6k5x0qj0003l708b2v1c9ep\"\n[agents.C3PO]\ncharacter = \"c3po.character.json\"\n",
        )
        .map_err(|e| e.to_string())?;
        let bin = runner.dir.join("bin");
        fs::create_dir_all(&bin).map_err(|e| e.to_string())?;
        let log = runner.dir.join("gh.log");
        let existing = runner.dir.join("gh-existing");
        write_file(
            &bin.join("gh"),
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\ncase \"$*\" in *--paginate*) cat '{}' 2>/dev/null ;; esac\nexit 0\n",
                log.display(),
                existing.display()
            )
            .as_bytes(),
            0o755,
        )?;
        let values = BTreeMap::from([
            ("inputs.github-token", "token-for-the-test".to_string()),
            ("github.event.pull_request.number", "42".to_string()),
            ("github.repository", "owner/agents".to_string()),
            ("steps.install.outputs.path", path.clone()),
        ]);
        let extra = [
            (
                "PATH",
                format!(
                    "{}:{}",
                    bin.display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            ),
            ("FLEEK_API_URL", url),
            ("FLEEK_API_KEY", key),
            ("FLEEK_KEYRING", "off".to_string()),
            (
                "FLEEK_CONFIG_DIR",
                runner.dir.join("config").display().to_string(),
            ),
        ];
        let index = step_index("comment")?;
        let (output, _) = runner.step_with(index, &values, &extra)?;
        check(
            output.status.success(),
            describe("the comment step failed", &output),
        )?;
        let calls = fs::read_to_string(&log).unwrap_or_default();
        check(
            calls.contains("api repos/owner/agents/issues/42/comments --paginate")
                && calls.contains("api --method POST repos/owner/agents/issues/42/comments -f body=<!-- fleek-agents fleet plan -->")
                && calls.contains("+ C3PO")
                && calls.contains("Plan: 1 to create"),
            format!("the first run's gh calls: {calls}"),
        )?;
        fs::write(&existing, "9001\n").map_err(|e| e.to_string())?;
        fs::remove_file(&log).map_err(|e| e.to_string())?;
        let (output, _) = runner.step_with(index, &values, &extra)?;
        check(
            output.status.success(),
            describe("the second comment step failed", &output),
        )?;
        let calls = fs::read_to_string(&log).unwrap_or_default();
        check(
            calls.contains("api --method PATCH repos/owner/agents/issues/comments/9001 -f body=")
                && !calls.contains("--method POST"),
            format!("the second run's gh calls: {calls}"),
        )
    })();
    let _ = sim.kill();
    let _ = sim.wait();
    result
}

/// A real character file (the tests' C-3PO) with what Fleek's rules add to Eliza's (a
/// client, a topic), as JSON text.
fn deployable_c3po() -> Result<String, String> {
    let mut c3po: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(root().join("fleek-api/tests/it/fixtures/c3po.character.json"))
            .map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    c3po["clients"] = serde_json::json!(["direct"]);
    c3po["topics"] = serde_json::json!(["protocol", "etiquette"]);
    Ok(c3po.to_string())
}

/// Unpacks the built archive once into `scratch/unpacked`.
fn unpack(built: &Built, scratch: &Path) -> Result<PathBuf, String> {
    let dir = scratch.join("unpacked");
    if dir.exists() {
        return Ok(dir);
    }
    fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let archive = built.out.join(&built.archive);
    let output = if built.archive.ends_with(".zip") {
        Command::new("unzip")
            .arg("-q")
            .arg(&archive)
            .arg("-d")
            .arg(&dir)
            .output()
    } else {
        Command::new("tar")
            .arg("-xzf")
            .arg(&archive)
            .arg("-C")
            .arg(&dir)
            .output()
    }
    .map_err(|e| format!("unpacking: {e}"))?;
    check(
        output.status.success(),
        describe("unpacking failed", &output),
    )?;
    Ok(dir)
}

fn run_version(binary: &Path) -> Result<String, String> {
    let output = Command::new(binary)
        .arg("--version")
        .output()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    check(
        output.status.success(),
        describe("--version failed", &output),
    )?;
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string())
}

fn check(ok: bool, why: String) -> Verdict {
    if ok {
        Ok(())
    } else {
        Err(why)
    }
}

fn describe(what: &str, output: &Output) -> String {
    format!(
        "{what} ({})\nstdout: {}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stdout).trim(),
        String::from_utf8_lossy(&output.stderr).trim()
    )
}

/// A static file server on 127.0.0.1 for the mirror: GET only, files under `root`, 404
/// for anything else; counts the requests for each file name.
struct Server {
    root: PathBuf,
    port: u16,
    hits: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(root: PathBuf) -> Result<Server, Failure> {
        fs::create_dir_all(&root).map_err(|e| format!("{}: {e}", root.display()))?;
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let hits = Arc::new(Mutex::new(Vec::new()));
        let (served, log) = (root.clone(), hits.clone());
        // Ends with the process: the check is a short-lived command.
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let _ = serve(stream, &served, &log);
            }
        });
        Ok(Server { root, port, hits })
    }

    /// How many requests asked for a file of this name so far.
    fn hits(&self, name: &str) -> usize {
        self.hits
            .lock()
            .map(|hits| {
                hits.iter()
                    .filter(|path| path.ends_with(&format!("/{name}")))
                    .count()
            })
            .unwrap_or(0)
    }
}

fn serve(mut stream: TcpStream, root: &Path, hits: &Mutex<Vec<String>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    // Read the headers to their end, so that the client sees a whole exchange.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
    if let Ok(mut hits) = hits.lock() {
        hits.push(path.clone());
    }
    let file = (!path.contains(".."))
        .then(|| root.join(path.trim_start_matches('/')))
        .filter(|file| file.is_file());
    match file {
        Some(file) => {
            let mut body = Vec::new();
            fs::File::open(file)?.read_to_end(&mut body)?;
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            stream.write_all(&body)
        }
        None => stream.write_all(
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\nConnection: close\r\n\r\nnot found\n",
        ),
    }
}
