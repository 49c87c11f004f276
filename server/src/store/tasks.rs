//! The tasks table: tasks as last read from TPNS or created by the console. Its model (and the
//! facts the action rules judge a task by), the pages' reads, the sync worker's reads, and the
//! writes.

mod list;
mod model;
mod search;
mod sync;
mod write;

pub use list::{Cursor, ListFilter, ListPage, Page, SearchBy, SearchPath, list_sql};
pub(crate) use model::parse_done;
#[cfg(test)]
pub(crate) use model::sample_task;
pub use model::{
    Changed, DEFAULT_EXPIRE_SECS, SEND_TIME_GRACE_SECS, STALE_AFTER_SECS, StoredTask, TaskMessage,
    TaskUpsert,
};
pub(crate) use write::{insert_task, link_override};
