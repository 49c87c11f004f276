//! The application shell, layout and shared components.

pub mod browser;
pub mod click_fields;
pub mod components;
pub mod html;
pub mod layout;
pub mod query;
pub mod shell;
