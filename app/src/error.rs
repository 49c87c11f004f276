//! The one error type that crosses from the server to the browser. The UI matches on its kind;
//! it never parses strings. Internal causes are logged once on the server and never sent here.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// An error a server function returns to the browser. On the wire it is one flat object
/// ([`Wire`]): `{"kind":"Conflict","message":…,"by":…,"at":…}`; the browser's decoder of one
/// struct is several kilobytes smaller than serde's decoder of the enum's eleven shapes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(into = "Wire", from = "Wire")]
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

/// The wire form of [`AppError`]: its kind, and whichever of the fields it has.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct Wire {
    kind: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    message: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    field: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    code: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    by: Option<String>,
    /// When somebody acted (`Conflict`), or when the next call is possible (`RateLimited`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    at: Option<i64>,
}

impl From<AppError> for Wire {
    fn from(e: AppError) -> Wire {
        let w = |kind: &str, message: String| Wire {
            kind: kind.into(),
            message,
            ..Wire::default()
        };
        match e {
            AppError::NotFound { what } => w("NotFound", what),
            AppError::Validation { field, message } => Wire {
                field,
                ..w("Validation", message)
            },
            AppError::Unauthorized => w("Unauthorized", String::new()),
            AppError::Forbidden { message } => w("Forbidden", message),
            AppError::Conflict { message, by, at } => Wire {
                by,
                at,
                ..w("Conflict", message)
            },
            AppError::NotAllowed { reason } => w("NotAllowed", reason),
            AppError::Upstream { code, message } => Wire {
                code: Some(code),
                ..w("Upstream", message)
            },
            AppError::UpstreamUnavailable { message } => w("UpstreamUnavailable", message),
            AppError::RateLimited { message, retry_at } => Wire {
                at: retry_at,
                ..w("RateLimited", message)
            },
            AppError::Throttled => w("Throttled", String::new()),
            AppError::Network { message } => w("Network", message),
            AppError::Internal => w("Internal", String::new()),
        }
    }
}

impl From<Wire> for AppError {
    fn from(w: Wire) -> AppError {
        let message = w.message;
        match w.kind.as_str() {
            "NotFound" => AppError::NotFound { what: message },
            "Validation" => AppError::Validation {
                field: w.field,
                message,
            },
            "Unauthorized" => AppError::Unauthorized,
            "Forbidden" => AppError::Forbidden { message },
            "Conflict" => AppError::Conflict {
                message,
                by: w.by,
                at: w.at,
            },
            "NotAllowed" => AppError::NotAllowed { reason: message },
            "Upstream" => AppError::Upstream {
                code: w.code.unwrap_or(0),
                message,
            },
            "UpstreamUnavailable" => AppError::UpstreamUnavailable { message },
            "RateLimited" => AppError::RateLimited {
                message,
                retry_at: w.at,
            },
            "Throttled" => AppError::Throttled,
            "Network" => AppError::Network { message },
            // An unknown kind (a newer server) is an answer the page cannot use.
            _ => AppError::Internal,
        }
    }
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

#[cfg(test)]
mod wire_tests {
    use super::AppError;

    #[test]
    fn every_error_reads_back_from_its_flat_wire_form() {
        let all = [
            AppError::not_found("Task 1"),
            AppError::validation("title", "Enter a title."),
            AppError::Unauthorized,
            AppError::forbidden("No."),
            AppError::Conflict {
                message: "lee acted first".into(),
                by: Some("lee".into()),
                at: Some(5),
            },
            AppError::NotAllowed {
                reason: "Too late".into(),
            },
            AppError::Upstream {
                code: 1008007,
                message: "refused".into(),
            },
            AppError::UpstreamUnavailable {
                message: "timeout".into(),
            },
            AppError::RateLimited {
                message: "budget".into(),
                retry_at: Some(9),
            },
            AppError::Throttled,
            AppError::Network {
                message: "offline".into(),
            },
            AppError::Internal,
        ];
        for e in all {
            let json = serde_json::to_string(&e).unwrap();
            assert_eq!(
                serde_json::from_str::<AppError>(&json).unwrap(),
                e,
                "{json}"
            );
        }
        let json = serde_json::to_string(&AppError::Conflict {
            message: "m".into(),
            by: Some("lee".into()),
            at: Some(5),
        })
        .unwrap();
        assert_eq!(
            json,
            r#"{"kind":"Conflict","message":"m","by":"lee","at":5}"#
        );
        assert_eq!(
            serde_json::from_str::<AppError>(r#"{"kind":"FromTheFuture"}"#).unwrap(),
            AppError::Internal
        );
    }
}
