//! Server functions, one per file. Reads are `GET` (cacheable, bookmarkable); writes are `POST`
//! and work through plain forms before the WebAssembly loads.

pub mod account;
pub mod actions;
pub mod admin;
pub mod apps;
pub mod audit;
pub mod auth;
pub mod codec;
pub mod tasks;
