//! Server integration tests: one binary, one module per area. `helpers` spawns the application
//! on port 0 with a fresh database (SQLite file or PostgreSQL database) per test.

mod actions;
mod app;
mod auth;
mod exactly_once;
mod fuzz;
mod helpers;
mod i18n;
mod logs;
mod markup;
mod parsers;
mod rest;
mod search;
mod startup;
mod store;
mod stricter_tpns;
#[path = "../support/mod.rs"]
mod support;
mod tokens;
mod users;
