//! Mapping service errors to what the browser may see.

use app::error::AppError;
use app::i18n::{T, Words};

use crate::actions::ActionError;
use crate::sync::SyncError;

/// Logs an internal failure once, with its cause, and answers with the opaque `Internal`.
pub fn internal(e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "internal error answering a request");
    AppError::Internal
}

pub(super) fn action_error(w: Words, e: ActionError) -> AppError {
    match e {
        ActionError::NotFound(id) => AppError::not_found(w.f(T::SrvTaskNamed, &[("id", &id)])),
        ActionError::Validation { field, message } => {
            AppError::validation(field, message).in_words(w)
        }
        ActionError::NotAllowed(reason) => AppError::NotAllowed { reason },
        ActionError::Conflict { message, by, at } => AppError::Conflict { message, by, at },
        ActionError::Upstream { code, message } => AppError::Upstream { code, message },
        ActionError::Unavailable(message) => AppError::UpstreamUnavailable { message },
        ActionError::Store(s) => internal(s),
    }
}

pub(super) fn sync_error(w: Words, e: SyncError) -> AppError {
    match e {
        SyncError::Budget { retry_at_ms } => AppError::RateLimited {
            message: w.t(T::SrvBudgetSpent).to_string(),
            retry_at: Some(retry_at_ms / 1000),
        },
        // TPNS's own words (and the client's account of a failed call) are quoted as they are.
        SyncError::Upstream(u) => match u.code() {
            Some(code) => AppError::Upstream {
                code,
                message: w.f(
                    T::SrvUpstreamNothingChanged,
                    &[("upstream", &u.to_string())],
                ),
            },
            None => AppError::UpstreamUnavailable {
                message: w.f(T::SrvUpstreamTryAgain, &[("upstream", &u.to_string())]),
            },
        },
        SyncError::Store(s) => internal(s),
        SyncError::ClockOff => AppError::NotAllowed {
            reason: w.t(T::SrvClockOffRead).to_string(),
        },
    }
}
