//! The sync worker against the TPNS sandbox over HTTP, with the real client, on SQLite and on
//! PostgreSQL, driven tick by tick on a manual clock.

mod backoff;
mod busy_hour;
mod helpers;
mod import;
mod instances;
mod refresh;
mod status;
#[path = "../support/mod.rs"]
mod support;
mod worker;
