//! Pushdeck's server: everything that only runs on the server.

pub mod apps;
pub mod cli;
pub mod clock;
pub mod config;
pub mod console;
pub mod feed;
pub mod http;
pub mod sandbox;
pub mod startup;
pub mod store;
pub mod sync;
pub mod telemetry;
pub mod tpns;
