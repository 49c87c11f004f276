//! One module per page.

pub mod admin;
pub mod audit;
pub mod home;
pub mod not_found;
pub mod tasks;
