//! The versioned JSON API under `/api/v1/` (`server/docs/api.md`): what the console's pages do,
//! for scripts. Each handler checks the request's shape, then calls the same [`Console`] the
//! pages' server functions call, so a script goes through the same rules, permissions,
//! exactly-once pipeline and audit log as an operator's click. Requests authenticate with an API
//! token (`Authorization: Bearer pdk_…`), never with the session cookie
//! (`auth::is_token_api`). The OpenAPI document is generated from this code ([`ApiDoc`]).

mod errors;
pub mod model;

use std::sync::Arc;

use app::dto::{ActionRequest, AuditQuery, ClickForm, TaskQuery};
use app::i18n::{T, Words};
use app::ports::Console;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::{Audience, Platform, Status};
use http::request::Parts;
use utoipa::OpenApi;

pub use errors::ApiError;
use model::*;

use crate::auth::Caller;
use crate::console::ConsoleService;
use crate::state::AppState;

/// The API's routes, nested under `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/openapi.json", get(openapi_json))
        .route("/apps", get(list_apps))
        .route("/apps/{app}/tasks", get(list_tasks))
        .route("/apps/{app}/tasks.csv", get(export_tasks))
        .route("/apps/{app}/tasks/{push_id}", get(get_task))
        .route("/apps/{app}/tasks/{push_id}/actions", post(act))
        .route("/apps/{app}/tasks/{push_id}/refresh", post(refresh))
        .route("/audit", get(audit))
        .fallback(not_found)
}

/// The OpenAPI 3.1 document of the API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Pushdeck API",
        version = "1",
        description = "The Pushdeck console's push tasks, their actions (Terminate, Recall, Override, Cancel Push) and the audit log, for scripts. Authenticate with an API token from your Account page or `pushdeck token add`: `Authorization: Bearer pdk_…`. Every error answers `{\"error\":{\"code\":…,\"message\":…}}` with a stable code."
    ),
    paths(list_apps, list_tasks, export_tasks, get_task, act, refresh, audit),
    components(schemas(
        App, Task, Counters, TaskList, Budget, TaskDetail, ChannelCounters, Eligibility,
        ActionBody, Click, Outcome, AuditEntry, AuditList, ErrorBody, ErrorDetail
    )),
    modifiers(&BearerAuth),
    security(("token" = [])),
    tags(
        (name = "tasks", description = "The Task List and push details"),
        (name = "actions", description = "Terminate, Recall, Override, Cancel Push, exactly once"),
        (name = "audit", description = "Who did what, when")
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        doc.components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "token",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some("An API token: pdk_ followed by 64 hex digits."))
                        .build(),
                ),
            );
    }
}

/// `GET /api/v1/openapi.json`: the document (public: it holds no secret).
async fn openapi_json() -> Response {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let doc = DOC.get_or_init(|| ApiDoc::openapi().to_json().unwrap_or_default());
    ([(header::CONTENT_TYPE, "application/json")], doc.clone()).into_response()
}

async fn not_found(req: Request) -> ApiError {
    let (parts, _) = req.into_parts();
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        words(&parts).t(T::NotFoundTitle),
    )
}

/// The request's words (English unless `Accept-Language` asks for Chinese).
fn words(parts: &Parts) -> Words {
    Words::new(
        parts
            .extensions
            .get::<domain::Locale>()
            .copied()
            .unwrap_or_default(),
    )
}

/// The console and the request's words, once the caller holds a usable token.
fn console(state: &AppState, parts: &Parts) -> Result<(Arc<ConsoleService>, Words), ApiError> {
    let w = words(parts);
    let caller = parts.extensions.get::<Caller>();
    if caller.and_then(|c| c.user.as_ref()).is_none() {
        return Err(ApiError::unauthorized(
            w,
            caller.and_then(|c| c.token_refused),
        ));
    }
    Ok((
        Arc::new(ConsoleService {
            services: state.services.clone(),
        }),
        w,
    ))
}

fn app_error(state: &AppState, w: Words) -> impl Fn(app::error::AppError) -> ApiError + '_ {
    move |e| ApiError::from_app(w, e, state.services.clock.now())
}

/// The Task List's query from the API's parameters, refusing values it does not know (the pages
/// drop them; a script should hear of its typo). `status` takes a comma-separated list and may
/// repeat.
fn task_query(w: Words, app: String, pairs: Vec<(String, String)>) -> Result<TaskQuery, ApiError> {
    let bad = |name: &str, value: &str| {
        let shown: String = value.chars().take(40).collect();
        ApiError::invalid(
            name,
            w.f(T::ApiBadQuery, &[("name", name), ("value", &shown)]),
        )
    };
    let mut flat: Vec<(String, String)> = Vec::new();
    for (k, v) in pairs {
        let v = v.trim().to_string();
        match k.as_str() {
            "status" => {
                for s in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    if Status::from_slug(s).is_none() {
                        return Err(bad("status", s));
                    }
                    flat.push(("status".into(), s.into()));
                }
                continue;
            }
            "platform" if !v.is_empty() && Platform::from_slug(&v).is_none() => {
                return Err(bad("platform", &v));
            }
            "audience" if !v.is_empty() && Audience::from_upstream(&v).is_none() => {
                return Err(bad("audience", &v));
            }
            "sort" if !matches!(v.as_str(), "" | "newest" | "oldest") => {
                return Err(bad("sort", &v));
            }
            "platform" | "audience" | "sort" | "from" | "to" | "q" | "after" | "before" => {}
            // The CSV export's choice of column names.
            "headers" => continue,
            other => return Err(bad(other, &v)),
        }
        flat.push((k, v));
    }
    let mut q = app::ui::query::task_query(flat.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    q.app = Some(app);
    Ok(q)
}

/// The apps the token's owner may see.
#[utoipa::path(get, path = "/api/v1/apps", tag = "tasks",
    responses(
        (status = 200, description = "The console's apps", body = Vec<App>),
        (status = 401, description = "No usable token", body = ErrorBody),
    ))]
async fn list_apps(
    State(state): State<AppState>,
    req: Request,
) -> Result<Json<Vec<App>>, ApiError> {
    let (parts, _) = req.into_parts();
    let (c, w) = console(&state, &parts)?;
    let apps = c.apps(&parts).await.map_err(app_error(&state, w))?;
    Ok(Json(apps.iter().map(App::from).collect()))
}

/// A page of the Task List (50 tasks), with the page's filters and keyset cursors.
#[utoipa::path(get, path = "/api/v1/apps/{app}/tasks", tag = "tasks",
    params(
        ("app" = String, Path, description = "The app's id"),
        ("status" = Option<String>, Query, description = "Statuses, comma-separated: created, scheduled, pushing, completed, failed, canceled, deleted, recalled, overridden, terminated"),
        ("platform" = Option<String>, Query, description = "android or ios"),
        ("audience" = Option<String>, Query, description = "TPNS's audience_type: all, tag, token, token_list, account, account_list, package_account_push, package_token_push"),
        ("from" = Option<String>, Query, description = "Created on or after this day, YYYY-MM-DD in the console's zone"),
        ("to" = Option<String>, Query, description = "Created on or before this day, YYYY-MM-DD"),
        ("q" = Option<String>, Query, description = "Text in the push ID, title or content"),
        ("sort" = Option<String>, Query, description = "newest (the default) or oldest"),
        ("after" = Option<String>, Query, description = "The next page: a previous answer's `next`"),
        ("before" = Option<String>, Query, description = "The previous page: a previous answer's `prev`"),
    ),
    responses(
        (status = 200, description = "A page of tasks", body = TaskList),
        (status = 401, description = "No usable token", body = ErrorBody),
        (status = 404, description = "No such app", body = ErrorBody),
        (status = 422, description = "A parameter the list does not take", body = ErrorBody),
    ))]
async fn list_tasks(
    State(state): State<AppState>,
    Path(app): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
    req: Request,
) -> Result<Json<TaskList>, ApiError> {
    let (parts, _) = req.into_parts();
    let (c, w) = console(&state, &parts)?;
    let query = task_query(w, app, pairs)?;
    let page = c
        .list_tasks(&parts, query)
        .await
        .map_err(app_error(&state, w))?;
    Ok(Json(TaskList {
        app: page.app.id.clone(),
        tasks: page.rows.into_iter().map(Task::from).collect(),
        next: page.next,
        prev: page.prev,
        status_counts: page
            .status_counts
            .into_iter()
            .map(|(s, n)| (s.slug().to_string(), n))
            .collect(),
        budget: page.budget.into(),
    }))
}

/// Every task matching the Task List's filters, as CSV (streamed; cells are formula-guarded).
#[utoipa::path(get, path = "/api/v1/apps/{app}/tasks.csv", tag = "tasks",
    params(
        ("app" = String, Path, description = "The app's id"),
        ("status" = Option<String>, Query, description = "As for the list"),
        ("q" = Option<String>, Query, description = "As for the list"),
        ("headers" = Option<String>, Query, description = "en: English column names whatever Accept-Language says"),
    ),
    responses(
        (status = 200, description = "The tasks, one per line", content_type = "text/csv", body = String),
        (status = 401, description = "No usable token", body = ErrorBody),
        (status = 404, description = "No such app", body = ErrorBody),
    ))]
async fn export_tasks(
    State(state): State<AppState>,
    Path(app): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
    req: Request,
) -> Result<Response, ApiError> {
    let (parts, _) = req.into_parts();
    let (c, w) = console(&state, &parts)?;
    let english = pairs.iter().any(|(k, v)| k == "headers" && v == "en");
    let query = task_query(w, app, pairs)?;
    let stream = c
        .export_tasks(&parts, query, english)
        .await
        .map_err(app_error(&state, w))?;
    Ok(csv_response(Body::from_stream(stream)))
}

/// The answer of a CSV export.
pub fn csv_response(body: Body) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"pushdeck-tasks.csv\"",
            ),
        ],
        body,
    )
        .into_response()
}

/// A task's push details: counters per channel, what each action may do now, its history.
#[utoipa::path(get, path = "/api/v1/apps/{app}/tasks/{push_id}", tag = "tasks",
    params(("app" = String, Path), ("push_id" = String, Path)),
    responses(
        (status = 200, description = "The task", body = TaskDetail),
        (status = 401, description = "No usable token", body = ErrorBody),
        (status = 404, description = "No such app or task", body = ErrorBody),
    ))]
async fn get_task(
    State(state): State<AppState>,
    Path((app, push_id)): Path<(String, String)>,
    req: Request,
) -> Result<Json<TaskDetail>, ApiError> {
    let (parts, _) = req.into_parts();
    let (c, w) = console(&state, &parts)?;
    let d = c
        .task_details(&parts, Some(app), push_id)
        .await
        .map_err(app_error(&state, w))?;
    detail_answer(&state, w, d).await
}

/// The details with the history as the log keeps it (codes, not the pages' words).
async fn detail_answer(
    state: &AppState,
    w: Words,
    d: app::dto::TaskDetail,
) -> Result<Json<TaskDetail>, ApiError> {
    let history = state
        .services
        .store
        .task_audit(&d.app.id, &d.row.push_id)
        .await
        .map_err(|e| {
            ApiError::from_app(w, crate::console::internal(e), state.services.clock.now())
        })?;
    Ok(Json(model::detail(w, d, history)))
}

/// Carries out Terminate, Recall, Override or Cancel Push, exactly once per `Idempotency-Key`.
///
/// A retried request with the same key (a timeout, a dropped connection) answers the first
/// request's outcome and never acts twice. A refusal (a rule, a permission, another action under
/// way) acts on nothing, so it is not kept: the same key may be sent again later.
#[utoipa::path(post, path = "/api/v1/apps/{app}/tasks/{push_id}/actions", tag = "actions",
    params(
        ("app" = String, Path), ("push_id" = String, Path),
        ("Idempotency-Key" = String, Header, description = "A fresh random value per action (1–100 characters); the same one when you retry it"),
    ),
    request_body = ActionBody,
    responses(
        (status = 200, description = "The outcome (also for a replay of the same key)", body = Outcome),
        (status = 401, description = "No usable token", body = ErrorBody),
        (status = 403, description = "The token or its owner may not take this action", body = ErrorBody),
        (status = 404, description = "No such app or task", body = ErrorBody),
        (status = 409, description = "The task's rules refuse it (`not_allowed`), or someone else acted first (`conflict`)", body = ErrorBody),
        (status = 413, description = "A body over 64 KiB", body = ErrorBody),
        (status = 422, description = "A field the action cannot take, no Idempotency-Key, or a key used before with other fields", body = ErrorBody),
        (status = 429, description = "The upstream query budget is spent; see Retry-After", body = ErrorBody),
        (status = 502, description = "TPNS refused it (`tpns_code`); nothing changed", body = ErrorBody),
        (status = 503, description = "TPNS could not be reached; nothing changed", body = ErrorBody),
    ))]
async fn act(
    State(state): State<AppState>,
    Path((app, push_id)): Path<(String, String)>,
    req: Request,
) -> Result<Json<Outcome>, ApiError> {
    let (parts, body) = req.into_parts();
    let (c, w) = console(&state, &parts)?;
    let key = parts
        .headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            let mut e = ApiError::invalid("Idempotency-Key", w.t(T::ApiKeyRequired));
            e.detail.code = "idempotency_key_required".into();
            e
        })?
        .to_string();
    let body: ActionBody = json_body(w, body).await?;
    let click = body.click.map(|c| ClickForm {
        kind: Some(c.kind),
        url: c.url,
        intent: c.intent,
    });
    let mut request = ActionRequest::from_form(
        app,
        push_id,
        &body.action,
        key,
        body.confirm_push_id,
        body.title,
        body.content,
        body.choice.as_deref(),
        click.unwrap_or_default(),
    )
    .map_err(|e| app_error(&state, w)(e.in_words(w)))?;
    // Each user's keys are their own: another user's key (or a guessable one) cannot block a
    // script's, nor learn it was used.
    let owner = parts
        .extensions
        .get::<Caller>()
        .and_then(|c| c.user.as_ref())
        .map_or(0, |u| u.user_id);
    request.idempotency_key = format!("api:{owner}:{}", request.idempotency_key);
    let outcome = c.act(&parts, request).await.map_err(|e| {
        // The fields by the names this body gives them.
        let mut e = app_error(&state, w)(e);
        if e.detail.field.as_deref() == Some("typed_confirmation") {
            e.detail.field = Some("confirm_push_id".into());
        }
        e
    })?;
    Ok(Json(outcome.into()))
}

/// Reads a JSON body, naming the field at fault.
async fn json_body<B: serde::de::DeserializeOwned>(w: Words, body: Body) -> Result<B, ApiError> {
    let bytes = axum::body::to_bytes(body, crate::http::MAX_REQUEST_BODY)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                w.t(T::ErrMalformed),
            )
        })?;
    let de = &mut serde_json::Deserializer::from_slice(&bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let detail: String = e.inner().to_string().chars().take(200).collect();
        ApiError::invalid(
            if path == "." { "body" } else { &path },
            w.f(T::ApiBadJson, &[("detail", &detail)]),
        )
    })
}

/// Reads the task from TPNS now (spends one query of the app's budget), then answers its details.
#[utoipa::path(post, path = "/api/v1/apps/{app}/tasks/{push_id}/refresh", tag = "tasks",
    params(("app" = String, Path), ("push_id" = String, Path)),
    responses(
        (status = 200, description = "The task as TPNS reports it now", body = TaskDetail),
        (status = 401, description = "No usable token", body = ErrorBody),
        (status = 403, description = "Viewers may not spend the query budget", body = ErrorBody),
        (status = 404, description = "No such app or task", body = ErrorBody),
        (status = 429, description = "The query budget is spent; see Retry-After", body = ErrorBody),
        (status = 502, description = "TPNS answered with an error code", body = ErrorBody),
        (status = 503, description = "TPNS could not be reached", body = ErrorBody),
    ))]
async fn refresh(
    State(state): State<AppState>,
    Path((app, push_id)): Path<(String, String)>,
    req: Request,
) -> Result<Json<TaskDetail>, ApiError> {
    let (parts, _) = req.into_parts();
    let (c, w) = console(&state, &parts)?;
    let d = c
        .refresh_task(&parts, Some(app), push_id)
        .await
        .map_err(app_error(&state, w))?;
    detail_answer(&state, w, d).await
}

/// A page of the audit log, newest first (100 entries).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit",
    params(
        ("user" = Option<String>, Query, description = "Entries of this username"),
        ("action" = Option<String>, Query, description = "terminate, recall, override, cancel, sign-in, add-user, add-token, …"),
        ("push_id" = Option<String>, Query),
        ("from" = Option<String>, Query, description = "YYYY-MM-DD, inclusive, in the console's zone"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD, inclusive"),
        ("before" = Option<i64>, Query, description = "The next page: a previous answer's `next_before`"),
    ),
    responses(
        (status = 200, description = "Entries", body = AuditList),
        (status = 401, description = "No usable token", body = ErrorBody),
        (status = 422, description = "A date that cannot be read", body = ErrorBody),
    ))]
async fn audit(
    State(state): State<AppState>,
    Query(q): Query<AuditParams>,
    req: Request,
) -> Result<Json<AuditList>, ApiError> {
    let (parts, _) = req.into_parts();
    let (c, w) = console(&state, &parts)?;
    let page = c
        .audit(
            &parts,
            AuditQuery {
                user: q.user,
                action: q.action,
                push_id: q.push_id,
                from: q.from,
                to: q.to,
                before: q.before,
            },
        )
        .await
        .map_err(app_error(&state, w))?;
    Ok(Json(AuditList {
        entries: page.entries.into_iter().map(AuditEntry::from).collect(),
        next_before: page.next_before,
    }))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditParams {
    user: Option<String>,
    action: Option<String>,
    push_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<i64>,
}

/// Answers the plain-text refusals of the layers in front of the handlers (the body limit's 413,
/// a `Query` rejection, a wrong method) in the caller's error shape: the API's JSON for
/// `/api/v1/`, the `AppError` a server function's client reads for the pages' `/api/…` (which
/// would otherwise say "the server's answer could not be read").
pub async fn json_rejections(req: Request, next: axum::middleware::Next) -> Response {
    let path = req.uri().path();
    if !path.starts_with("/api/") {
        return next.run(req).await;
    }
    if !crate::auth::is_token_api(path) {
        let locale = req
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(domain::Locale::negotiate)
            .unwrap_or_default();
        let res = next.run(req).await;
        if res.status() != StatusCode::PAYLOAD_TOO_LARGE
            || res.headers().contains_key("serverfnerror")
        {
            return res;
        }
        let error = app::error::AppError::validation("body", Words::new(locale).t(T::ErrTooLarge));
        let mut out = (
            StatusCode::PAYLOAD_TOO_LARGE,
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::to_string(&error).unwrap_or_default(),
        )
            .into_response();
        out.headers_mut()
            .insert("serverfnerror", http::HeaderValue::from_static("1"));
        return out;
    }
    let res = next.run(req).await;
    let ct = res.headers().get(header::CONTENT_TYPE).cloned();
    let plain = ct
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !(res.status().is_client_error() && plain) {
        return res;
    }
    let status = res.status();
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        _ => "invalid",
    };
    let mut out = ApiError::new(
        if status == StatusCode::BAD_REQUEST {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            status
        },
        code,
        "The request could not be read: check its parameters against /api/v1/openapi.json.",
    )
    .into_response();
    if let Some(allow) = res.headers().get(header::ALLOW) {
        out.headers_mut().insert(header::ALLOW, allow.clone());
    }
    out
}
