//! The one error type that crosses from the server to the browser. The UI matches on its kind;
//! it never parses strings. Internal causes are logged once on the server and never sent here.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// An error a server function returns to the browser.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("{what} was not found.")]
    NotFound { what: String },
    #[error("{message}")]
    Validation { field: String, message: String },
    #[error("Please sign in.")]
    Unauthorized,
    #[error("{message}")]
    Forbidden { message: String },
    /// Somebody else acted first (exactly-once): who and when.
    #[error("{message}")]
    Conflict {
        message: String,
        by: Option<String>,
        at: Option<i64>,
    },
    /// The action's rules refuse it (the same sentence the disabled button shows).
    #[error("{reason}")]
    NotAllowed { reason: String },
    /// TPNS answered with an error code; `message` is the whole sentence to show, TPNS's own
    /// words and its code included.
    #[error("{message}")]
    Upstream { code: i64, message: String },
    /// TPNS could not be reached or did not answer in time; nothing changed.
    #[error("{message}")]
    UpstreamUnavailable { message: String },
    /// The upstream query budget is spent; the next call is possible at `retry_at`.
    #[error("{message}")]
    RateLimited {
        message: String,
        retry_at: Option<i64>,
    },
    #[error("Too many attempts. Try again in a few minutes.")]
    Throttled,
    /// The request could not reach the server or its answer could not be read.
    #[error("{message}")]
    Network { message: String },
    #[error("Something went wrong on the server. It has been logged; please try again.")]
    Internal,
}

impl AppError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Validation {
            field: field.into(),
            message: message.into(),
        }
    }
    pub fn not_found(what: impl Into<String>) -> Self {
        AppError::NotFound { what: what.into() }
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        AppError::Forbidden {
            message: message.into(),
        }
    }
    /// The HTTP status a plain (non-server-function) endpoint answers with for this error.
    pub fn http_status(&self) -> u16 {
        match self {
            AppError::NotFound { .. } => 404,
            AppError::Validation { .. } => 422,
            AppError::Unauthorized => 401,
            AppError::Forbidden { .. } => 403,
            AppError::Conflict { .. } => 409,
            AppError::NotAllowed { .. } => 409,
            AppError::Upstream { .. } => 502,
            AppError::UpstreamUnavailable { .. } => 503,
            AppError::RateLimited { .. } | AppError::Throttled => 429,
            AppError::Network { .. } => 503,
            AppError::Internal => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Bad arguments come from the browser; say so without echoing parser internals.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::Validation {
                field: String::new(),
                message: "The request was incomplete or malformed.".into(),
            },
            ServerFnErrorErr::Request(_) => AppError::Network {
                message:
                    "Could not reach the Pushdeck server. Check your connection and try again."
                        .into(),
            },
            // On the server, a body that cannot be read (not UTF-8, cut short) is the request's
            // fault; in the browser, it is the answer that could not be read.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(_) => AppError::Validation {
                field: String::new(),
                message: "The request was incomplete or malformed.".into(),
            },
            #[cfg(not(feature = "ssr"))]
            ServerFnErrorErr::Deserialization(_) => AppError::Network {
                message: "The server's answer could not be read. Reload the page and try again."
                    .into(),
            },
            _ => AppError::Internal,
        }
    }
}
