//! Plain HTTP endpoints beside the Leptos routes: health, readiness, the live task events, and
//! the audit log as CSV; and the security headers of every response ([`csp`]).

pub mod csp;
pub mod render;
pub mod unread_body;

use app::i18n::T;
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Extension, Query, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::stream::Stream;
use serde::Deserialize;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use crate::auth::Caller;
use crate::console::export::csv_cell;
use crate::state::AppState;

/// The largest request body the console accepts.
pub const MAX_REQUEST_BODY: usize = 64 * 1024;

/// What a request that panicked answers: a plain error page, never the panic's message.
pub fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = detail, "a request handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Error · Pushdeck</title></head>\
         <body style=\"font-family:system-ui;margin:4rem auto;max-width:32rem\"><h1>Something went wrong</h1>\
         <p>The server could not answer this request. It has been logged; please try again.</p>\
         <p><a href=\"/tasks\">Back to the Task List</a></p></body></html>",
    )
        .into_response()
}

/// Server functions answer a refusal with its own status (`AppError::http_status`: 401, 403,
/// 404, 409, 422, 429, 502, 503), not the 500 Leptos's `server_fn` sends for every error, so
/// that monitoring counts a wrong password as a refusal, not as a server error. The browser's
/// server-function client reads an error from any 4xx or 5xx answer. A plain form post keeps
/// its redirect (3xx), which carries the error in its link.
pub async fn server_fn_status(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key("serverfnerror")
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    // An error's JSON is small; anything larger is answered as it is, a 500.
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    if let Ok(err) = serde_json::from_slice::<app::error::AppError>(&bytes)
        && let Ok(status) = StatusCode::from_u16(err.http_status())
    {
        parts.status = status;
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// `/healthz`: the process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// `/readyz`: the database answers.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.services.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

#[derive(Deserialize)]
pub struct EventsQuery {
    app: String,
    watch: Option<String>,
}

/// `/events?app=…[&watch=push_id]`: server-sent events of the app's task changes. `watch` marks
/// a details page as open, so the sync worker refreshes that task first while it stays open.
pub async fn events(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<EventsQuery>,
) -> Response {
    if caller.user.is_none() {
        return (StatusCode::UNAUTHORIZED, "Please sign in.").into_response();
    }
    if state.services.apps.get(&q.app).is_none() {
        return (StatusCode::NOT_FOUND, "No such app.").into_response();
    }
    let (alive_tx, mut alive_rx) = tokio::sync::oneshot::channel::<()>();
    // Only a task the console knows earns the open-page cadence: a made-up ID would spend the
    // team's query budget on 1008015 answers.
    let watch = match q.watch.as_deref() {
        Some(id) => match state.services.store.get_task(&q.app, id).await {
            Ok(Some(t)) => Some(t.push_id),
            _ => None,
        },
        None => None,
    };
    if let Some(push_id) = watch {
        let services = state.services.clone();
        let app = q.app.clone();
        tokio::spawn(async move {
            loop {
                let until = services.clock.now_ms() + 45_000;
                if let Err(e) = services.store.watch_task(&app, &push_id, until).await {
                    tracing::warn!(error = %e, "could not renew a details page's watch");
                }
                tokio::select! {
                    _ = &mut alive_rx => break,
                    _ = tokio::time::sleep(Duration::from_secs(15)) => {}
                }
            }
        });
    }
    let app = q.app;
    let client = LiveClient::new(state.services.metrics.clone());
    let stream = BroadcastStream::new(state.services.feed.subscribe()).filter_map(move |ev| {
        // Holding the sender keeps the watch renewal going while the client is connected, and
        // the guard counts the stream as open.
        let _alive = (&alive_tx, &client);
        match ev {
            Ok(ev) if ev.app_id == app => serde_json::to_string(&ev)
                .ok()
                .map(|j| Ok::<_, Infallible>(Event::default().data(j))),
            _ => None,
        }
    });
    sse(stream).into_response()
}

/// An open `/events` stream, counted in `/metrics` while it lives.
struct LiveClient(std::sync::Arc<crate::metrics::Metrics>);

impl LiveClient {
    fn new(m: std::sync::Arc<crate::metrics::Metrics>) -> LiveClient {
        m.live_clients.inc();
        LiveClient(m)
    }
}

impl Drop for LiveClient {
    fn drop(&mut self) {
        self.0.live_clients.dec();
    }
}

fn sse(
    stream: impl Stream<Item = Result<Event, Infallible>> + Send + 'static,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

#[derive(Deserialize, Default)]
pub struct CsvQuery {
    user: Option<String>,
    action: Option<String>,
    push_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// `en`: English column names whatever the reader's language.
    headers: Option<String>,
}

/// The language switch's form.
#[derive(serde::Deserialize)]
pub struct LangForm {
    lang: String,
}

/// `POST /lang`: remembers the reader's language in a cookie and, when signed in, with the user
/// (so it follows them to another browser), then returns to the page the switch was on, as its
/// `Referer` names it. Only the Referer's path is followed (never another site), without the
/// one-time parameters of an action (`confirm`, `done`, `__err`), which would repeat it.
pub async fn set_language(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: http::HeaderMap,
    axum::Form(form): axum::Form<LangForm>,
) -> Response {
    let Some(locale) = domain::Locale::from_code(&form.lang) else {
        return (StatusCode::UNPROCESSABLE_ENTITY, "Choose en or zh.").into_response();
    };
    if let Some(user) = &caller.user
        && let Err(e) = state.services.store.set_locale(user.user_id, locale).await
    {
        // A stored older choice would still win over the cookie: say so rather than seem to
        // ignore the switch.
        tracing::error!(error = %e, "could not store a user's language");
        let w = app::i18n::Words::new(locale);
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            w.t(T::SrvLangNotSaved).to_string(),
        )
            .into_response();
    }
    let referer = headers
        .get(http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.parse::<http::Uri>().ok())
        .and_then(|u| u.path_and_query().map(|p| p.as_str().to_string()));
    let back =
        app::ui::query::safe_next(referer.as_deref().map(without_one_time_params).as_deref());
    let mut res = axum::response::Redirect::to(&back).into_response();
    if let Ok(v) = http::HeaderValue::from_str(&state.services.auth.lang_cookie(locale)) {
        res.headers_mut().append(http::header::SET_COOKIE, v);
    }
    res
}

/// `path?query` without the parameters that act once (`confirm`, `done`, `__err`).
fn without_one_time_params(target: &str) -> String {
    let Some((path, query)) = target.split_once('?') else {
        return target.to_string();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|kv| {
            let k = kv.split('=').next().unwrap_or("");
            !matches!(k, "confirm" | "done" | "__err") && !kv.is_empty()
        })
        .collect();
    if kept.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

/// `/audit.csv`: the filtered audit log, every page of it. The header row is in the reader's
/// language; `headers=en` asks for the English one whatever the reader's language, for scripts
/// (`server/docs/i18n.md`). The values are the log's own (action and outcome codes, TPNS's words).
pub async fn audit_csv(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Extension(locale): Extension<domain::Locale>,
    Query(q): Query<CsvQuery>,
) -> Response {
    let w = app::i18n::Words::new(locale);
    if caller.user.is_none() {
        return (StatusCode::UNAUTHORIZED, w.t(T::ErrSignIn).to_string()).into_response();
    }
    let offset = state.services.config.utc_offset_minutes();
    let day = |v: &Option<String>| {
        v.as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| domain::time::parse_date(s, offset))
    };
    let (from, to) = (day(&q.from), day(&q.to));
    if matches!(from, Some(None)) || matches!(to, Some(None)) {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            w.t(T::SrvDatesLook).to_string(),
        )
            .into_response();
    }
    let mut filter = crate::store::audit::AuditFilter {
        username: q.user.filter(|s| !s.is_empty()),
        action: q.action.filter(|s| !s.is_empty()),
        push_id: q.push_id.filter(|s| !s.is_empty()),
        from_ms: from.flatten().map(|d| d * 1000),
        until_ms: to.flatten().map(|d| (d + 86_400) * 1000),
        before_id: None,
    };
    let locale = match q.headers.as_deref() {
        Some(h) => domain::Locale::from_code(h).unwrap_or_default(),
        None => locale,
    };
    // Chinese column names start with a byte-order mark, so that spreadsheet programs read the
    // file as UTF-8.
    let bom = if locale == domain::Locale::Zh {
        "\u{feff}"
    } else {
        ""
    };
    let mut out = format!("{bom}{}\n", app::i18n::Words::new(locale).t(T::CsvHeader));
    loop {
        let page = match state.services.store.audit_page(&filter, 1000).await {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "could not export the audit log");
                return (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    w.t(T::SrvExportFailed).to_string(),
                )
                    .into_response();
            }
        };
        for e in &page {
            let time = domain::time::format_datetime(e.at_ms.div_euclid(1000), offset);
            let cells = [
                e.id.to_string(),
                time,
                e.username.clone(),
                e.ip.clone(),
                e.kind.clone(),
                e.action.clone(),
                e.app_id.clone().unwrap_or_default(),
                e.push_id.clone().unwrap_or_default(),
                e.request_summary.clone(),
                e.upstream_answer.clone(),
                e.outcome.clone(),
                e.detail.clone(),
            ];
            out.push_str(
                &cells
                    .iter()
                    .map(|c| csv_cell(c))
                    .collect::<Vec<_>>()
                    .join(","),
            );
            out.push('\n');
        }
        match page.last() {
            Some(last) if page.len() == 1000 => filter.before_id = Some(last.id),
            _ => break,
        }
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"pushdeck-audit.csv\"",
            ),
        ],
        out,
    )
        .into_response()
}

/// `/tasks.csv?app=…&status=…`: the Task List's current filters, every page of them, as CSV
/// (the page's export link; the API has the same at `/api/v1/apps/{app}/tasks.csv`).
pub async fn tasks_csv(
    State(state): State<AppState>,
    Query(pairs): Query<Vec<(String, String)>>,
    req: axum::extract::Request,
) -> Response {
    let (parts, _) = req.into_parts();
    let english = pairs.iter().any(|(k, v)| k == "headers" && v == "en");
    let query = app::ui::query::task_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let console = std::sync::Arc::new(crate::console::ConsoleService {
        services: state.services.clone(),
    });
    match console.export_tasks(&parts, query, english).await {
        Ok(stream) => crate::api::csv_response(axum::body::Body::from_stream(stream)),
        Err(e) => {
            let w = crate::console::words(&parts);
            (
                StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                app::ui::components::error_text(w, &e),
            )
                .into_response()
        }
    }
}

/// `/metrics` on the console's listener: Prometheus's text, for a request with the configured
/// bearer token (`metrics.token`); without one configured it is not there (404).
pub async fn metrics(State(state): State<AppState>, headers: http::HeaderMap) -> Response {
    use secrecy::ExposeSecret;
    let Ok(Some(token)) = state.services.config.metrics.resolve_token() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !constant_time_eq(sent.as_bytes(), token.expose_secret().as_bytes()) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "metrics need the configured bearer token",
        )
            .into_response();
    }
    metrics_text(&state.services).await
}

/// The metrics, with the shared gauges read from the database now.
pub async fn metrics_text(s: &crate::state::Services) -> Response {
    let now_ms = s.clock.now_ms();
    for app in s.apps.iter() {
        let budget = s.sync.budget(&app.id).await;
        for (endpoint, left) in [
            ("record", budget.record_left),
            ("task_stat", budget.stats_left),
        ] {
            let l = crate::metrics::BudgetLabels {
                app: app.id.clone(),
                endpoint: endpoint.into(),
            };
            s.metrics.budget_left.get_or_create(&l).set(i64::from(left));
        }
        for endpoint in [
            tpns::Endpoint::Record,
            tpns::Endpoint::TaskStat,
            tpns::Endpoint::RecordList,
        ] {
            match s
                .store
                .quota_usage(&app.id, endpoint.key(), 3_600_000, now_ms)
                .await
            {
                Ok(u) => {
                    s.metrics
                        .budget_used
                        .get_or_create(&crate::metrics::BudgetLabels {
                            app: app.id.clone(),
                            endpoint: endpoint.key().into(),
                        })
                        .set(i64::from(u.used));
                }
                Err(e) => tracing::warn!(error = %e, "metrics: could not read the quota ledger"),
            }
        }
        match s.store.sync_ages(&app.id, now_ms / 1000).await {
            Ok(ages) => s.metrics.sync_ages(&app.id, now_ms, &ages),
            Err(e) => tracing::warn!(error = %e, "metrics: could not read sync ages"),
        }
    }
    match s.store.open_intent_counts().await {
        Ok((pending, unknown)) => {
            for (state, n) in [("pending", pending), ("unknown", unknown)] {
                s.metrics
                    .intents
                    .get_or_create(&crate::metrics::IntentLabels {
                        state: state.into(),
                    })
                    .set(n);
            }
        }
        Err(e) => tracing::warn!(error = %e, "metrics: could not count open intents"),
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        s.metrics.encode(),
    )
        .into_response()
}

/// The Account page's new-token form.
#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
    /// Days until it expires; empty: until revoked.
    #[serde(default)]
    days: String,
    perm_terminate: Option<String>,
    perm_recall: Option<String>,
    perm_override: Option<String>,
    perm_cancel: Option<String>,
}

/// `POST /account/tokens`: makes a token for the signed-in user and answers with the Account
/// page showing it, this once. The token is in that page only: never in a URL, a cookie, the
/// database or a log. `render` renders a page (the Leptos app) for a request.
pub async fn create_token<F, Fut>(
    state: AppState,
    req: axum::extract::Request,
    render: F,
) -> Response
where
    F: Fn(axum::extract::Request) -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    let (mut parts, body) = req.into_parts();
    let Some((user, caller)) = parts.extensions.get::<Caller>().and_then(|c| {
        c.user
            .clone()
            .filter(|u| !u.disabled)
            .map(|u| (u, c.clone()))
    }) else {
        return axum::response::Redirect::to("/login?next=%2Faccount").into_response();
    };
    let w = crate::console::words(&parts);
    let form = match axum::body::to_bytes(body, MAX_REQUEST_BODY).await {
        Ok(b) => {
            use axum::extract::FromRequest;
            let form = axum::extract::Request::builder()
                .method(http::Method::POST)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(axum::body::Body::from(b));
            match form {
                Ok(r) => axum::Form::<TokenForm>::from_request(r, &())
                    .await
                    .ok()
                    .map(|f| f.0),
                Err(_) => None,
            }
        }
        Err(_) => None,
    };
    let outcome = match form {
        None => Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            w.t(T::CheckTheForm).to_string(),
        )),
        Some(f) => {
            let days = match f.days.trim() {
                "" | "never" => Ok(None),
                d => d.parse::<u32>().map(Some).map_err(|_| {
                    (
                        StatusCode::UNPROCESSABLE_ENTITY,
                        crate::tokens::TokenError::BadExpiry.in_words(w),
                    )
                }),
            };
            let actions = app::api::admin::permissions([
                f.perm_terminate,
                f.perm_recall,
                f.perm_override,
                f.perm_cancel,
            ]);
            match days {
                Err(e) => Err(e),
                Ok(days) => state
                    .services
                    .tokens
                    .add(
                        &crate::console::changer(&user, &caller),
                        &user.username,
                        &f.name,
                        &actions,
                        days,
                    )
                    .await
                    .map_err(|e| {
                        if let crate::tokens::TokenError::Store(cause) = &e {
                            tracing::error!(error = %cause, "could not make an API token");
                            (
                                StatusCode::INTERNAL_SERVER_ERROR,
                                w.t(T::ErrInternal).to_string(),
                            )
                        } else {
                            (StatusCode::UNPROCESSABLE_ENTITY, e.in_words(w))
                        }
                    }),
            }
        }
    };
    let status = match &outcome {
        Ok(made) => {
            parts.extensions.insert(app::dto::FreshToken {
                name: made.token.name.clone(),
                secret: made.secret.clone(),
            });
            StatusCode::OK
        }
        Err((status, message)) => {
            parts
                .extensions
                .insert(app::dto::TokenFormRefusal(message.clone()));
            *status
        }
    };
    parts.method = http::Method::GET;
    parts.uri = http::Uri::from_static("/account");
    let mut res = render(axum::extract::Request::from_parts(
        parts,
        axum::body::Body::empty(),
    ))
    .await;
    *res.status_mut() = status;
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    res
}

/// Compares two secrets in time that does not depend on where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Counts every answer by route pattern, method and status (`/metrics`).
pub async fn count_requests(
    State(metrics): State<std::sync::Arc<crate::metrics::Metrics>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| {
            if req.uri().path().starts_with("/pkg/") {
                "/pkg/*".into()
            } else {
                "(unmatched)".into()
            }
        });
    // Only the methods the console answers: a made-up one must not make a series of its own.
    let method = match *req.method() {
        http::Method::GET => "GET",
        http::Method::HEAD => "HEAD",
        http::Method::POST => "POST",
        http::Method::OPTIONS => "OPTIONS",
        http::Method::PUT => "PUT",
        http::Method::DELETE => "DELETE",
        http::Method::PATCH => "PATCH",
        _ => "other",
    }
    .to_string();
    let res = next.run(req).await;
    metrics
        .http_requests
        .get_or_create(&crate::metrics::HttpLabels {
            route,
            method,
            status: res.status().as_u16(),
        })
        .inc();
    res
}

#[cfg(test)]
mod tests {
    use crate::console::export::csv_cell;

    #[tokio::test]
    async fn a_panic_answers_a_plain_page_without_its_message() {
        let res = super::panic_response(Box::new("index out of bounds: secret detail".to_string()));
        assert_eq!(res.status(), axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(res.into_body(), 1 << 16)
            .await
            .unwrap();
        let body = String::from_utf8_lossy(&body);
        assert!(body.contains("Something went wrong"));
        assert!(!body.contains("secret detail"));
    }

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=SUM(A1)"), "'=SUM(A1)");
        for hostile in ["+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\t=1", "\r=1"] {
            let cell = csv_cell(hostile);
            let inner = cell.strip_prefix('"').unwrap_or(&cell);
            assert!(inner.starts_with('\''), "{hostile:?} became {cell:?}");
        }
    }
}
