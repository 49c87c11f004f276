//! Pushdeck's front end and its contract with the server.
//!
//! - [`domain`]: the pure rules (task status, the use limits of the four actions), shared by the
//!   browser and the server.
//! - [`dto`] and [`error`]: what crosses the wire.
//! - [`api`]: the `#[server]` functions; their bodies call the [`ports::Console`] the server
//!   provides as context.
//! - [`ui`] and [`pages`]: the views, server-rendered and hydrated.
#![recursion_limit = "256"]

pub mod api;
/// The pure domain, its own crate (`app/domain`) so that the TPNS client and sandbox share it
/// without the views.
pub use domain;
pub mod dto;
pub mod error;
pub mod i18n;
pub mod islands;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ports;
pub mod ui;

pub use ui::shell::{App, shell};

/// The WebAssembly entry point: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
