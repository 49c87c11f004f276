//! Per-request authentication and the `Origin` check of state-changing requests.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use domain::Locale;

use super::service::{AuthService, BearerOutcome, TokenRefusal};
use crate::store::users::User;

/// Who made the request, put in the request's extensions for handlers and server functions.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user: Option<User>,
    /// The client's address (from the load balancer's `X-Forwarded-For` when trusted).
    pub ip: String,
    /// The hash of the session token, for sign-out.
    pub session_hash: Option<String>,
    /// The API token's name, when the request came with one ("lee via token deploy-bot").
    pub token: Option<String>,
    /// Why the request's API token was refused, when it was.
    pub token_refused: Option<TokenRefusal>,
}

/// The versioned JSON API (`server/docs/api.md`): authenticated by `Authorization: Bearer`
/// tokens only, never by the session cookie, so a page elsewhere cannot make a browser act
/// through it and it needs no `Origin` check.
pub fn is_token_api(path: &str) -> bool {
    path.starts_with("/api/v1/")
}

/// Paths anyone may load: the sign-in page, health checks, static files.
fn is_public(path: &str) -> bool {
    path == "/login"
        || path == "/healthz"
        || path == "/readyz"
        || path == "/favicon.svg"
        || path == "/keys.js"
        || path == "/lang"
        // Its own bearer token, checked by its handler (`http::metrics`).
        || path == "/metrics"
        || path.starts_with("/pkg/")
        || path.starts_with("/api/login")
}

/// Resolves the session, refuses cross-origin state changes, and sends anonymous page views to
/// the sign-in page.
pub async fn authenticate(
    State(auth): State<Arc<AuthService>>,
    mut req: Request,
    next: Next,
) -> Response {
    let ip = client_ip(&req, auth.trust_forwarded_for());
    if is_token_api(req.uri().path()) {
        return authenticate_token(&auth, req, next, ip).await;
    }
    if is_state_changing(req.method()) && !auth.origin_allowed(req.headers()) {
        tracing::warn!(%ip, path = %req.uri().path(), "refused a cross-origin request");
        return (
            StatusCode::FORBIDDEN,
            "Cross-origin requests are not allowed.",
        )
            .into_response();
    }
    let (user, session_hash) = match token(&req) {
        Some(t) => match auth.resolve(&t).await {
            Ok(Some((user, hash))) => (Some(user), Some(hash)),
            Ok(None) => (None, None),
            Err(e) => {
                tracing::error!(error = %e, "could not read the session");
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The console's database is unavailable.",
                )
                    .into_response();
            }
        },
        None => (None, None),
    };
    let path = req.uri().path().to_string();
    if user.is_none() && !is_public(&path) {
        if req.method() == Method::GET && !path.starts_with("/api/") && path != "/events" {
            let next_url = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/tasks");
            return Redirect::to(&format!("/login?next={}", app::ui::query::encode(next_url)))
                .into_response();
        }
        // Server functions answer with their typed error; other endpoints with 401.
        if !path.starts_with("/api/") {
            return (StatusCode::UNAUTHORIZED, "Please sign in.").into_response();
        }
    }
    let locale = request_locale(req.headers(), user.as_ref());
    req.extensions_mut().insert(locale);
    req.extensions_mut().insert(Caller {
        user,
        ip,
        session_hash,
        token: None,
        token_refused: None,
    });
    next.run(req).await
}

/// An API request: the caller is the token's owner, or nobody (the API answers 401 in its own
/// error shape, saying why the token was refused).
async fn authenticate_token(
    auth: &AuthService,
    mut req: Request,
    next: Next,
    ip: String,
) -> Response {
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
                .unwrap_or("")
                .trim()
                .to_string()
        });
    let (user, token, token_refused) = match bearer {
        None => (None, None, None),
        Some(t) => match auth.resolve_token(&t).await {
            Ok(BearerOutcome::Accepted(user, name)) => (Some(user), Some(name), None),
            Ok(BearerOutcome::Refused(why)) => (None, None, Some(why)),
            Err(e) => {
                tracing::error!(error = %e, "could not read an API token");
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(header::CONTENT_TYPE, "application/json")],
                    r#"{"error":{"code":"store_unavailable","message":"The console's database is unavailable."}}"#,
                )
                    .into_response();
            }
        },
    };
    // A script's answers are in English unless it asks otherwise (`Accept-Language`); the
    // owner's stored choice is for their pages.
    let locale = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Locale::negotiate)
        .unwrap_or_default();
    req.extensions_mut().insert(locale);
    req.extensions_mut().insert(Caller {
        user,
        ip,
        session_hash: None,
        token,
        token_refused,
    });
    next.run(req).await
}

/// The language a request is answered in (`server/docs/i18n.md`): the signed-in user's choice,
/// else this browser's cookie, else the first of ours its `Accept-Language` names, else English.
pub fn request_locale(headers: &HeaderMap, user: Option<&User>) -> Locale {
    user.and_then(|u| u.locale)
        .or_else(|| cookie(headers, super::LANG_COOKIE).and_then(|v| Locale::from_code(&v)))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::negotiate)
        })
        .unwrap_or_default()
}

fn is_state_changing(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn token(req: &Request) -> Option<String> {
    cookie(req.headers(), super::COOKIE)
}

/// The value of the cookie `name`, if the request carries a non-empty one.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

fn client_ip(req: &Request, trust_forwarded: bool) -> String {
    // The load balancer appends the address it saw; whatever comes before it was sent by the
    // client and proves nothing. Only the last entry is the balancer's word.
    if trust_forwarded
        && let Some(last) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse::<std::net::IpAddr>().ok())
    {
        return last.to_string();
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default()
}
