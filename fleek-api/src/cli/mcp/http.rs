//! Streamable HTTP: the server on a local address, for clients that connect over HTTP.
//!
//! A local port is open to every program on the machine and, through DNS rebinding, to web
//! pages: so every request must carry the bearer token printed at start (or read from a
//! file), its `Host` must be the address served (rmcp's check), and an `Origin` header, which
//! browsers send, must be one `--allow-origin` names (none by default, as the MCP
//! specification requires against DNS rebinding).

use std::net::SocketAddr;
use std::path::Path;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};

use super::server::Server;
use crate::cli::exit::{CliError, Exit};
use crate::cli::output::Output;

/// The path the server answers on.
pub(crate) const PATH: &str = "/mcp";

/// A token for this run: 32 random bytes as hex.
pub(crate) fn new_token() -> Result<String, CliError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| CliError::new(Exit::Failure, format!("no randomness for a token: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The token in `path`: its first line, which must be long enough to be one.
pub(crate) fn token_from(path: &Path) -> Result<String, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::usage(format!("--token-file {}: {e}", path.display())))?;
    let token = text.lines().next().unwrap_or_default().trim().to_string();
    if token.len() < 32 {
        return Err(CliError::usage(format!(
            "--token-file {}: a token is at least 32 characters (`openssl rand -hex 32` makes one)",
            path.display()
        )));
    }
    Ok(token)
}

/// Serves `server` on `addr` until Ctrl-C.
pub(crate) async fn serve(
    server: Server,
    addr: SocketAddr,
    token: String,
    printed: bool,
    origins: Vec<String>,
    output: &Output,
) -> Result<(), CliError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| CliError::new(Exit::Failure, format!("cannot listen on {addr}: {e}")))?;
    let bound = listener
        .local_addr()
        .map_err(|e| CliError::new(Exit::Failure, format!("cannot listen on {addr}: {e}")))?;
    let mut hosts = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
        bound.ip().to_string(),
    ];
    hosts.push(bound.to_string());
    let config = StreamableHttpServerConfig::default()
        .with_allowed_hosts(hosts)
        .with_allowed_origins(origins)
        .enforce_origin_validation();
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        std::sync::Arc::new(LocalSessionManager::default()),
        config,
    );
    let app = axum::Router::new().nest_service(PATH, service).layer(
        axum::middleware::from_fn_with_state(std::sync::Arc::new(token.clone()), bearer),
    );
    // People (and the tests) read where to connect on stderr; stdout stays empty.
    output.stderr(&format!("fleek-agents mcp: serving http://{bound}{PATH}"));
    if printed {
        output.stderr(&format!("fleek-agents mcp: bearer token {token}"));
    } else {
        output.stderr("fleek-agents mcp: bearer token from --token-file");
    }
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| CliError::new(Exit::Failure, format!("the server stopped: {e}")))
}

/// Refuses a request without the token, in constant time over the token's length.
async fn bearer(
    State(token): State<std::sync::Arc<String>>,
    request: Request,
    next: Next,
) -> Response {
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    if same(given.as_bytes(), token.as_bytes()) {
        return next.run(request).await;
    }
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        "this server needs the bearer token `fleek-agents mcp --http` printed at start\n",
    )
        .into_response()
}

fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_compared_whole() {
        let (a, b) = (new_token().expect("a token"), new_token().expect("another"));
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(same(a.as_bytes(), a.as_bytes()));
        assert!(!same(a.as_bytes(), &a.as_bytes()[..63]));
        assert!(!same(a.as_bytes(), b.as_bytes()));
    }
}
