//! One module per page.

pub mod account;
pub mod admin;
pub mod api_reference;
pub mod audit;
pub mod home;
pub mod login;
pub mod not_found;
pub mod task_details;
pub mod tasks;
