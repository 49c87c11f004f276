//! Why an action did not succeed.

use crate::store::StoreError;

/// Why an action did not succeed. Its `Display` is safe to show an operator.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("Task {0} is not in this app's task list.")]
    NotFound(String),
    #[error("{message}")]
    Validation {
        field: &'static str,
        message: String,
    },
    /// The rules refuse it (the same sentence a disabled button shows).
    #[error("{0}")]
    NotAllowed(String),
    /// Somebody acted on the task first (or is acting now): who, and when.
    #[error("{message}")]
    Conflict {
        message: String,
        by: Option<String>,
        at: Option<i64>,
    },
    /// TPNS refused the call; nothing changed. `message` is the whole sentence, TPNS's own
    /// words and its code quoted in it.
    #[error("{message}")]
    Upstream { code: i64, message: String },
    /// TPNS did not answer, or is limiting requests: the sentence says whether the action may
    /// have happened.
    #[error("{0}")]
    Unavailable(String),
    #[error("internal store error")]
    Store(#[from] StoreError),
}
