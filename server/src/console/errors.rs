//! Mapping service errors to what the browser may see.

use app::error::AppError;

use crate::actions::ActionError;
use crate::sync::SyncError;

/// Logs an internal failure once, with its cause, and answers with the opaque `Internal`.
pub fn internal(e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "internal error answering a request");
    AppError::Internal
}

pub(super) fn action_error(e: ActionError) -> AppError {
    match e {
        ActionError::NotFound(id) => AppError::not_found(format!("Task {id}")),
        ActionError::Validation { field, message } => AppError::validation(field, message),
        ActionError::NotAllowed(reason) => AppError::NotAllowed { reason },
        ActionError::Conflict { message, by, at } => AppError::Conflict { message, by, at },
        ActionError::Upstream { code, .. } => AppError::Upstream {
            code,
            message: e.to_string(),
        },
        ActionError::Unavailable(message) => AppError::UpstreamUnavailable { message },
        ActionError::Store(s) => internal(s),
    }
}

pub(super) fn sync_error(e: SyncError) -> AppError {
    match e {
        SyncError::Budget { retry_at_ms } => AppError::RateLimited {
            message: "The upstream query budget for this hour is spent; the task will be refreshed when it allows."
                .into(),
            retry_at: Some(retry_at_ms / 1000),
        },
        SyncError::Upstream(u) => match u.code() {
            Some(code) => AppError::Upstream {
                code,
                message: format!("{u}. Nothing was changed."),
            },
            None => AppError::UpstreamUnavailable {
                message: format!("{u}. Nothing was changed; try again in a moment."),
            },
        },
        SyncError::Store(s) => internal(s),
        SyncError::ClockOff => AppError::NotAllowed {
            reason: "This Pushdeck server's clock differs from its database's, so it does not \
                     read TPNS now. Try again in a minute; if it persists, tell whoever runs \
                     Pushdeck."
                .into(),
        },
    }
}
