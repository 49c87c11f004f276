//! One module per page.

pub mod admin;
pub mod audit;
pub mod home;
pub mod login;
pub mod not_found;
pub mod task_details;
pub mod tasks;
