//! The interactive parts of the pages, hydrated in the browser. Everything else is rendered on
//! the server only.

pub mod add_user;
pub mod dialogs;
pub mod live;
pub mod task_details;
pub mod task_table;
