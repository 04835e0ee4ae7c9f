//! `cargo xtask contract`: Prism (pinned in `openapi/package.json`) as a validating mock of
//! the spec on 127.0.0.1, and every operation driven through the client against it.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::codegen::SPEC;
use crate::{node_tools, root, run_command, Failure};

/// How long Prism may take to start listening.
const STARTUP: Duration = Duration::from_secs(60);

/// Stops Prism however the run ends.
struct Prism(Child);

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn run() -> Result<(), Failure> {
    let bin = node_tools()?;
    let port = free_port()?;
    let log = crate::target_dir().join("prism.log");
    let _ = std::fs::create_dir_all(crate::target_dir());
    let log_file =
        std::fs::File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let child = prism_mock(&bin.join("prism"), port)
        .arg("--errors")
        .stdout(Stdio::from(
            log_file
                .try_clone()
                .map_err(|e| format!("cannot share {}: {e}", log.display()))?,
        ))
        .stderr(Stdio::from(log_file))
        .spawn()
        .map_err(|e| format!("could not start prism: {e}"))?;
    let mut prism = Prism(child);
    wait_until_listening(&mut prism, port, &log)?;
    println!(
        "prism is mocking {SPEC} on 127.0.0.1:{port} (log: {})",
        log.display()
    );

    run_command(
        Command::new(env!("CARGO"))
            .args([
                "test",
                "-p",
                "fleek-api",
                "--test",
                "it",
                "--",
                "--ignored",
                "contract::",
            ])
            .env("FLEEK_CONTRACT_URL", format!("http://127.0.0.1:{port}")),
    )
    .map_err(|e| format!("{e}\nprism's log: {}", log.display()))?;
    println!("contract: every operation matches the spec as Prism reads it");
    Ok(())
}

/// `prism mock` of the spec on 127.0.0.1:`port`, from the workspace root.
pub(crate) fn prism_mock(prism: &std::path::Path, port: u16) -> Command {
    let mut command = Command::new(prism);
    command
        .args(["mock", SPEC, "--host", "127.0.0.1", "--port"])
        .arg(port.to_string())
        .current_dir(root());
    command
}

pub(crate) fn free_port() -> Result<u16, Failure> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port on 127.0.0.1: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

fn wait_until_listening(
    prism: &mut Prism,
    port: u16,
    log: &std::path::Path,
) -> Result<(), Failure> {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let started = Instant::now();
    while started.elapsed() < STARTUP {
        if let Ok(Some(status)) = prism.0.try_wait() {
            return Err(format!(
                "prism exited ({status}) before listening; see {}",
                log.display()
            ));
        }
        if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Err(format!(
        "prism did not listen on {address} within {STARTUP:?}; see {}",
        log.display()
    ))
}
