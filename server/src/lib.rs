//! Pushdeck's server: everything that only runs on the server.

pub mod actions;
pub mod api;
pub mod apps;
pub mod auth;
pub mod cli;
pub mod config;
pub mod console;
pub mod error;
pub mod feed;
pub mod http;
pub mod metrics;
pub mod startup;
pub mod state;
pub mod store;
pub mod sync;
pub mod telemetry;
pub mod tokens;
pub mod users;

// The crates below the console, under the names the console's code and tests use for them.
pub use sandbox;
pub use tpns;
pub use tpns::clock;
