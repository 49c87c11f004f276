//! The API's errors: one JSON shape (`model::ErrorBody`) with a stable code, the console's
//! sentence, and the status of the error's kind (`server/docs/api.md`).

use app::error::AppError;
use app::i18n::{T, Words};
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::model::{ErrorBody, ErrorDetail};
use crate::auth::TokenRefusal;

/// An error of the API, ready to answer.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub detail: Box<ErrorDetail>,
    /// `Retry-After` in seconds (429, 503).
    pub retry_after: Option<i64>,
}

impl std::fmt::Debug for ErrorDetail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            detail: Box::new(ErrorDetail {
                code: code.into(),
                message: message.into(),
                field: None,
                tpns_code: None,
                by: None,
                at: None,
                retry_at: None,
            }),
            retry_after: None,
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> ApiError {
        let mut e = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message);
        e.detail.field = Some(field.into());
        e
    }

    /// A request without a usable token.
    pub fn unauthorized(w: Words, why: Option<TokenRefusal>) -> ApiError {
        let (code, key) = match why {
            None => ("unauthorized", T::ApiTokenMissing),
            Some(TokenRefusal::Unknown) => ("unauthorized", T::ApiTokenUnknown),
            Some(TokenRefusal::Expired) => ("token_expired", T::ApiTokenExpired),
            Some(TokenRefusal::Revoked) => ("token_revoked", T::ApiTokenRevoked),
            Some(TokenRefusal::OwnerDisabled) => ("owner_disabled", T::ApiOwnerDisabled),
        };
        ApiError::new(StatusCode::UNAUTHORIZED, code, w.t(key))
    }

    /// The console's error, with its kind's status and code. `now` for `Retry-After`.
    pub fn from_app(w: Words, e: AppError, now: i64) -> ApiError {
        let status =
            StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let code = match &e {
            AppError::NotFound { .. } => "not_found",
            AppError::Validation { .. } => "invalid",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden { .. } => "forbidden",
            AppError::Conflict { .. } => "conflict",
            AppError::NotAllowed { .. } => "not_allowed",
            AppError::Upstream { .. } => "upstream_error",
            AppError::UpstreamUnavailable { .. } | AppError::Network { .. } => {
                "upstream_unavailable"
            }
            AppError::RateLimited { .. } => "rate_limited",
            AppError::Throttled => "throttled",
            AppError::Internal => "internal",
        };
        let message = match &e {
            AppError::Unauthorized => w.t(T::ApiTokenMissing).to_string(),
            // The pages' sentence for the error, in the request's language.
            other => app::ui::components::error_text(w, other),
        };
        let mut out = ApiError::new(status, code, message);
        match e {
            AppError::Validation { field, .. } if !field.is_empty() => {
                out.detail.field = Some(field)
            }
            AppError::Upstream { code, .. } => out.detail.tpns_code = Some(code),
            AppError::Conflict { by, at, .. } => {
                out.detail.by = by;
                out.detail.at = at;
            }
            AppError::RateLimited { retry_at, .. } => {
                out.detail.retry_at = retry_at;
                out.retry_after = Some(retry_at.map_or(60, |t| (t - now).max(1)));
            }
            AppError::Throttled => out.retry_after = Some(60),
            AppError::UpstreamUnavailable { .. } => out.retry_after = Some(5),
            _ => {}
        }
        out
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (
            self.status,
            Json(ErrorBody {
                error: *self.detail,
            }),
        )
            .into_response();
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }
}
