//! `cargo xtask dist`: the release archives of `fleek-agents`, made the same way here and
//! in the release workflow (`.github/workflows/release.yml` runs this command per target),
//! so that a local build shows exactly the layout a release publishes.
//!
//! Into `<target dir>/distrib/` it writes, for one target triple:
//! - `fleek-agents-<target>.tar.gz` (`.zip` for Windows), holding the directory
//!   `fleek-agents-<target>/` with the binary (built with the `dist` profile and the
//!   features a downloaded binary needs), `README.md`, `LICENSE` and `CHANGELOG.md`;
//! - `fleek-agents-<target>.tar.gz.sha256`, in `sha256sum`'s format;
//! - the installers `fleek-agents-installer.sh` and `.ps1`, stamped with `--base-url` and
//!   the version when given (a release), unstamped otherwise.
//!
//! Names follow `dist`'s (axodotdev's cargo-dist) conventions, so tools that know that
//! layout find the files. `--check` then tests what was made (see [`crate::dist_check`]).

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::Digest as _;

use crate::{root, run_command, target_dir, Failure};

/// The features a downloaded binary carries: the CLI, the simulator so that
/// `fleek-agents simulate` works, and the MCP server so that `fleek-agents mcp` does.
pub(crate) const FEATURES: &str = "cli,sim,mcp";

/// The documents every archive carries beside the binary.
const DOCUMENTS: [&str; 3] = ["README.md", "LICENSE", "CHANGELOG.md"];

/// The installers, as kept in the repository.
pub(crate) const INSTALLERS: [&str; 2] =
    ["fleek-agents-installer.sh", "fleek-agents-installer.ps1"];

/// What `cargo xtask dist` was asked for.
struct Request {
    target: String,
    build_with: String,
    base_url: Option<String>,
    tag: Option<String>,
    check: bool,
}

/// One built archive, for the check.
pub(crate) struct Built {
    pub(crate) target: String,
    pub(crate) version: String,
    pub(crate) commit: String,
    pub(crate) out: PathBuf,
    pub(crate) archive: String,
}

pub(crate) fn run(args: &[&str]) -> Result<(), Failure> {
    let request = parse(args)?;
    let version = crate_version()?;
    if let Some(tag) = &request.tag {
        if tag.strip_prefix('v') != Some(version.as_str()) {
            return Err(format!(
                "the tag {tag} does not match fleek-api's version {version}: tag v{version}, or \
                 bump the version in fleek-api/Cargo.toml"
            ));
        }
    }
    let commit = commit()?;
    let binary = build(&request, &commit)?;
    let out = target_dir().join("distrib");
    fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let archive = package(&binary, &request.target, &out, &commit)?;
    for installer in INSTALLERS {
        let text = fs::read_to_string(root().join("install").join(installer))
            .map_err(|e| format!("install/{installer}: {e}"))?;
        let text = match &request.base_url {
            Some(url) => stamp(&text, url, &version)?,
            None => text,
        };
        write_file(&out.join(installer), text.as_bytes(), 0o755)?;
    }
    println!("{}", out.join(&archive).display());
    if request.check {
        crate::dist_check::run(&Built {
            target: request.target,
            version,
            commit,
            out,
            archive,
        })?;
    }
    Ok(())
}

fn parse(args: &[&str]) -> Result<Request, Failure> {
    let mut request = Request {
        target: host()?,
        build_with: "cargo".to_string(),
        base_url: None,
        tag: None,
        check: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .map(|v| v.to_string())
                .ok_or(format!("{name} takes a value"))
        };
        match *arg {
            "--target" => request.target = value("--target")?,
            "--build-with" => request.build_with = value("--build-with")?,
            "--base-url" => request.base_url = Some(value("--base-url")?),
            "--tag" => request.tag = Some(value("--tag")?),
            "--check" => request.check = true,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(request)
}

/// The host's target triple, from `rustc -vV`.
fn host() -> Result<String, Failure> {
    let output = Command::new("rustc")
        .arg("-vV")
        .output()
        .map_err(|e| format!("could not run rustc -vV: {e}"))?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::to_string)
        .ok_or_else(|| "rustc -vV names no host".to_string())
}

/// `fleek-api`'s version, from `cargo metadata`.
pub(crate) fn crate_version() -> Result<String, Failure> {
    let metadata = package_metadata()?;
    metadata["version"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| "cargo metadata gives fleek-api no version".to_string())
}

/// `fleek-api`'s entry in `cargo metadata --no-deps`.
pub(crate) fn package_metadata() -> Result<serde_json::Value, Failure> {
    let output = Command::new(env!("CARGO"))
        .current_dir(root())
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .output()
        .map_err(|e| format!("could not run cargo metadata: {e}"))?;
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    metadata["packages"]
        .as_array()
        .and_then(|packages| packages.iter().find(|p| p["name"] == "fleek-api"))
        .cloned()
        .ok_or_else(|| "cargo metadata lists no fleek-api".to_string())
}

/// The commit being built, `-dirty` when the work tree has changes: what
/// `fleek-agents version` reports.
fn commit() -> Result<String, Failure> {
    let git = |args: &[&str]| {
        Command::new("git")
            .current_dir(root())
            .args(args)
            .output()
            .map_err(|e| format!("could not run git: {e}"))
    };
    let head = git(&["rev-parse", "HEAD"])?;
    if !head.status.success() {
        return Err("git rev-parse HEAD failed: dist builds from a git checkout".to_string());
    }
    let head = String::from_utf8_lossy(&head.stdout).trim().to_string();
    let status = git(&["status", "--porcelain", "--untracked-files=no"])?;
    Ok(if status.stdout.is_empty() {
        head
    } else {
        format!("{head}-dirty")
    })
}

/// Builds the binary for the target with the `dist` profile; returns its path.
fn build(request: &Request, commit: &str) -> Result<PathBuf, Failure> {
    run_command(
        Command::new(if request.build_with == "cargo" {
            env!("CARGO")
        } else {
            request.build_with.as_str()
        })
        .env("FLEEK_AGENTS_COMMIT", commit)
        .args(["build", "--locked", "--profile", "dist", "-p", "fleek-api"])
        .args(["--features", FEATURES, "--bin", "fleek-agents"])
        .args(["--target", &request.target]),
    )?;
    Ok(target_dir()
        .join(&request.target)
        .join("dist")
        .join(binary_name(&request.target)))
}

/// `fleek-agents`, or `fleek-agents.exe` for Windows.
pub(crate) fn binary_name(target: &str) -> String {
    if target.contains("-windows-") {
        "fleek-agents.exe".to_string()
    } else {
        "fleek-agents".to_string()
    }
}

/// The archive's file name for a target.
pub(crate) fn archive_name(target: &str) -> String {
    if target.contains("-windows-") {
        format!("fleek-agents-{target}.zip")
    } else {
        format!("fleek-agents-{target}.tar.gz")
    }
}

/// Writes the archive and its checksum into `out`; returns the archive's name.
fn package(binary: &Path, target: &str, out: &Path, commit: &str) -> Result<String, Failure> {
    let dir = format!("fleek-agents-{target}");
    let mut files = vec![(
        format!("{dir}/{}", binary_name(target)),
        fs::read(binary).map_err(|e| format!("{}: {e}", binary.display()))?,
        0o755,
    )];
    for document in DOCUMENTS {
        let bytes = fs::read(root().join(document)).map_err(|e| format!("{document}: {e}"))?;
        files.push((format!("{dir}/{document}"), bytes, 0o644));
    }
    // Every entry gets the commit's time, so that the same commit packs the same bytes.
    let mtime = commit_time(commit.trim_end_matches("-dirty"));
    let name = archive_name(target);
    let bytes = if name.ends_with(".zip") {
        zip(&files, mtime)?
    } else {
        tar_gz(&files, mtime)?
    };
    write_file(&out.join(&name), &bytes, 0o644)?;
    let sum = format!("{}  {name}\n", sha256_hex(&bytes));
    write_file(&out.join(format!("{name}.sha256")), sum.as_bytes(), 0o644)?;
    Ok(name)
}

/// The commit's time in seconds since the epoch (0 when git does not say).
fn commit_time(commit: &str) -> u64 {
    Command::new("git")
        .current_dir(root())
        .args(["show", "-s", "--format=%ct", commit])
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(0)
}

type Entry = (String, Vec<u8>, u32);

fn tar_gz(files: &[Entry], mtime: u64) -> Result<Vec<u8>, Failure> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let mut tar = tar::Builder::new(gz);
    for (path, bytes, mode) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(*mode);
        header.set_mtime(mtime);
        header.set_uid(0);
        header.set_gid(0);
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut header, path, bytes.as_slice())
            .map_err(|e| format!("tar {path}: {e}"))?;
    }
    let gz = tar.into_inner().map_err(|e| format!("tar: {e}"))?;
    gz.finish().map_err(|e| format!("gzip: {e}"))
}

fn zip(files: &[Entry], mtime: u64) -> Result<Vec<u8>, Failure> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let time = zip_time(mtime);
    for (path, bytes, mode) in files {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(*mode)
            .last_modified_time(time);
        zip.start_file(path.as_str(), options)
            .map_err(|e| format!("zip {path}: {e}"))?;
        zip.write_all(bytes)
            .map_err(|e| format!("zip {path}: {e}"))?;
    }
    let cursor = zip.finish().map_err(|e| format!("zip: {e}"))?;
    Ok(cursor.into_inner())
}

/// A zip timestamp (MS-DOS, UTC here) for seconds since the epoch.
fn zip_time(seconds: u64) -> zip::DateTime {
    let days = (seconds / 86_400) as i64;
    let rest = seconds % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
    zip::DateTime::from_date_and_time(
        year,
        month,
        day,
        (rest / 3600) as u8,
        (rest % 3600 / 60) as u8,
        (rest % 60) as u8,
    )
    .unwrap_or_default()
}

/// The lower-case hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes the release's location and version into an installer's defaults. Each line it
/// replaces must be there exactly once, so that an edit of the installer that moves them
/// fails here rather than publishing an installer that knows no release.
pub(crate) fn stamp(text: &str, base_url: &str, version: &str) -> Result<String, Failure> {
    if base_url.contains(['\'', '"', '`', '$', '\n']) {
        return Err(format!(
            "--base-url {base_url:?}: quotes, $ and backticks are refused"
        ));
    }
    let mut text = text.to_string();
    for (line, stamped) in [
        (
            "DEFAULT_BASE_URL=''",
            format!("DEFAULT_BASE_URL='{base_url}'"),
        ),
        (
            "DEFAULT_VERSION='latest'",
            format!("DEFAULT_VERSION='{version}'"),
        ),
        (
            "$DefaultBaseUrl = ''",
            format!("$DefaultBaseUrl = '{base_url}'"),
        ),
        (
            "$DefaultVersion = 'latest'",
            format!("$DefaultVersion = '{version}'"),
        ),
    ] {
        match text.matches(line).count() {
            0 => continue,
            1 => text = text.replace(line, &stamped),
            n => return Err(format!("an installer holds `{line}` {n} times")),
        }
    }
    if text.contains("_BASE_URL=''") || text.contains("$DefaultBaseUrl = ''") {
        return Err("an installer's default base URL was not stamped".to_string());
    }
    Ok(text)
}

pub(crate) fn write_file(path: &Path, bytes: &[u8], mode: u32) -> Result<(), Failure> {
    fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zip_time_is_the_civil_date() {
        // 2026-12-07T01:02:03Z
        let time = zip_time(1_796_605_323);
        assert_eq!(
            (time.year(), time.month(), time.day()),
            (2026, 12, 7),
            "{time:?}"
        );
        assert_eq!((time.hour(), time.minute(), time.second()), (1, 2, 2));
    }

    #[test]
    fn stamping_fills_both_installers_and_refuses_quotes() {
        let sh = "DEFAULT_BASE_URL=''\nDEFAULT_VERSION='latest'\n";
        let stamped = stamp(sh, "https://example.test/r", "1.2.3").expect("stamps");
        assert_eq!(
            stamped,
            "DEFAULT_BASE_URL='https://example.test/r'\nDEFAULT_VERSION='1.2.3'\n"
        );
        let ps = "$DefaultBaseUrl = ''\n$DefaultVersion = 'latest'\n";
        assert!(stamp(ps, "https://example.test/r", "1.2.3")
            .expect("stamps")
            .contains("$DefaultVersion = '1.2.3'"));
        assert!(stamp(sh, "https://x/'; rm -rf ~; '", "1").is_err());
        assert!(stamp("nothing to stamp", "https://x", "1").is_ok());
        assert!(stamp("DEFAULT_BASE_URL=''\nDEFAULT_BASE_URL=''", "https://x", "1").is_err());
    }

    #[test]
    fn the_installers_in_the_repository_can_be_stamped() {
        for installer in INSTALLERS {
            let text =
                fs::read_to_string(root().join("install").join(installer)).expect("the installer");
            let stamped = stamp(&text, "https://example.test/releases", "9.9.9").expect("stamps");
            assert_ne!(stamped, text, "{installer} has no line to stamp");
            assert!(stamped.contains("9.9.9"), "{installer}: no version stamped");
        }
    }

    /// The targets the release workflow builds, from its matrix.
    fn release_targets() -> Vec<String> {
        let workflow: serde_yaml::Value = serde_yaml::from_str(
            &fs::read_to_string(root().join(".github/workflows/release.yml")).expect("release.yml"),
        )
        .expect("YAML");
        workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
            .as_sequence()
            .expect("a matrix")
            .iter()
            .map(|entry| entry["target"].as_str().expect("a target").to_string())
            .collect()
    }

    #[test]
    fn binstall_metadata_names_the_archives_dist_makes() {
        let metadata = package_metadata().expect("cargo metadata");
        let binstall = &metadata["metadata"]["binstall"];
        let targets = release_targets();
        assert_eq!(targets.len(), 7, "{targets:?}");
        for target in targets {
            let overridden = &binstall["overrides"][&target];
            let field = |name: &str| {
                overridden[name]
                    .as_str()
                    .or(binstall[name].as_str())
                    .unwrap_or_else(|| panic!("binstall metadata has no {name}"))
                    .to_string()
            };
            let expand = |template: String| {
                template
                    .replace("{ repo }", "https://example.test/owner/fleek-api")
                    .replace("{ version }", "1.2.3")
                    .replace("{ target }", &target)
                    .replace("{ bin }", "fleek-agents")
                    .replace(
                        "{ binary-ext }",
                        if target.contains("windows") {
                            ".exe"
                        } else {
                            ""
                        },
                    )
            };
            assert_eq!(
                expand(field("pkg-url")),
                format!(
                    "https://example.test/owner/fleek-api/releases/download/v1.2.3/{}",
                    archive_name(&target)
                )
            );
            assert_eq!(
                expand(field("bin-dir")),
                format!("fleek-agents-{target}/{}", binary_name(&target))
            );
            let format = field("pkg-fmt");
            assert_eq!(
                format,
                if archive_name(&target).ends_with(".zip") {
                    "zip"
                } else {
                    "tgz"
                },
                "{target}"
            );
        }
    }

    #[test]
    fn the_installer_knows_the_glibc_of_the_runners_that_build_the_gnu_archives() {
        // Ubuntu's glibc per runner image: an installer that thought it older would hand
        // a machine a binary its glibc cannot load.
        const GLIBC: [(&str, &str); 2] = [("ubuntu-22.04", "2.35"), ("ubuntu-24.04", "2.39")];
        let installer = fs::read_to_string(root().join("install/fleek-agents-installer.sh"))
            .expect("the installer");
        let declared = installer
            .lines()
            .find_map(|line| line.strip_prefix("BUILD_GLIBC='"))
            .and_then(|rest| rest.strip_suffix('\''))
            .expect("BUILD_GLIBC='...' in the installer");
        let workflow: serde_yaml::Value = serde_yaml::from_str(
            &fs::read_to_string(root().join(".github/workflows/release.yml")).expect("release.yml"),
        )
        .expect("YAML");
        let matrix = workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
            .as_sequence()
            .expect("a matrix");
        let mut gnu = 0;
        for entry in matrix {
            let target = entry["target"].as_str().expect("a target");
            if !target.ends_with("-linux-gnu") {
                continue;
            }
            gnu += 1;
            let os = entry["os"].as_str().expect("an os");
            let glibc = GLIBC
                .iter()
                .find(|(image, _)| os.trim_end_matches("-arm") == *image)
                .map(|(_, glibc)| *glibc)
                .unwrap_or_else(|| {
                    panic!("{target} builds on {os}, whose glibc this test does not know")
                });
            assert_eq!(declared, glibc, "{target} is built on {os}");
        }
        assert_eq!(gnu, 2);
    }

    fn entries() -> Vec<Entry> {
        vec![
            (
                "fleek-agents-t/fleek-agents.exe".to_string(),
                b"MZ binary".to_vec(),
                0o755,
            ),
            (
                "fleek-agents-t/README.md".to_string(),
                b"# read me".to_vec(),
                0o644,
            ),
        ]
    }

    #[test]
    fn a_zip_archive_reads_back_with_its_entries_modes_and_bytes() {
        let bytes = zip(&entries(), 1_796_605_323).expect("zipped");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        assert_eq!(archive.len(), 2);
        for (name, content, mode) in entries() {
            let mut file = archive.by_name(&name).expect("the entry");
            assert_eq!(file.unix_mode().map(|m| m & 0o777), Some(mode), "{name}");
            let mut read = Vec::new();
            std::io::Read::read_to_end(&mut file, &mut read).expect("read");
            assert_eq!(read, content, "{name}");
        }
    }

    #[test]
    fn a_tar_gz_archive_reads_back_the_same_and_is_reproducible() {
        let bytes = tar_gz(&entries(), 1_796_605_323).expect("packed");
        assert_eq!(bytes, tar_gz(&entries(), 1_796_605_323).expect("packed"));
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
        let mut seen = Vec::new();
        for entry in archive.entries().expect("entries") {
            let mut entry = entry.expect("an entry");
            let path = entry.path().expect("a path").display().to_string();
            let mode = entry.header().mode().expect("a mode");
            assert_eq!(entry.header().mtime().expect("a time"), 1_796_605_323);
            let mut read = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut read).expect("read");
            seen.push((path, read, mode));
        }
        assert_eq!(seen, entries());
    }
}
