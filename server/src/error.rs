//! Why the server, or one of its commands, could not start.

use std::net::SocketAddr;

/// Why the server could not start. Each variant's message is the one line start-up prints.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(
        "cannot listen on {addr}: {source} (set server.listen or PUSHDECK__SERVER__LISTEN to another address)"
    )]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start the TPNS sandbox: {0}")]
    Sandbox(String),
    #[error("{0}")]
    Other(String),
}
