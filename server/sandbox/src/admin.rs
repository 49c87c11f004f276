//! `/_sandbox/…`: the test controls over HTTP, served only when `admin_api` is on. A sandbox-only
//! surface: real TPNS has nothing like it, and the console never calls it.
//!
//! - `GET /_sandbox/faults`, `POST /_sandbox/faults` `{"endpoint":"record","kind":{"type":"status","status":503},"latency_ms":0,"times":1}`
//!   (add `"when":"after"` to apply the call first and then lose or replace its answer),
//!   `DELETE /_sandbox/faults`, `DELETE /_sandbox/faults/{endpoint}`
//! - `GET /_sandbox/traffic`: calls and 1008028 answers per app and endpoint
//! - `GET /_sandbox/overrides/{app}`: every override the app applied, `[[original, new], …]`
//! - `GET /_sandbox/pushes/{app}`: the bodies of the app's accepted pushes, oldest first, each
//!   with its `_push_id` (the latest 1,000 per app)
//! - `POST /_sandbox/tasks` `{"app":"demo-android","count":100,"audience":"all","send_in_secs":3600}`
//!   (add `"source":"web"` for tasks made in TPNS's console)
//! - `GET /_sandbox/tasks/{push_id}`: the task's counters per device class

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{delete, get, post};
use domain::{Audience, MessageKind};
use serde::Deserialize;
use serde_json::{Value, json};

use super::Shared;
use super::control::{ControlError, TaskSpec};
use super::faults::Fault;
use tpns::Endpoint;

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/_sandbox/faults",
            get(list_faults).post(set_fault).delete(clear_faults),
        )
        .route("/_sandbox/faults/{endpoint}", delete(clear_fault))
        .route("/_sandbox/traffic", get(traffic))
        .route("/_sandbox/overrides/{app}", get(overrides))
        .route("/_sandbox/pushes/{app}", get(pushes))
        .route("/_sandbox/tasks", post(create_tasks))
        .route("/_sandbox/tasks/{push_id}", get(task))
}

#[derive(Deserialize)]
struct FaultRequest {
    endpoint: String,
    #[serde(flatten)]
    fault: Fault,
}

fn bad_request(message: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "error": message.into() })),
    )
        .into_response()
}

fn endpoint(key: &str) -> Result<Endpoint, String> {
    Endpoint::from_key(key).ok_or_else(|| {
        let keys: Vec<&str> = Endpoint::ALL.iter().map(|e| e.key()).collect();
        format!("unknown endpoint `{key}`; use one of {}", keys.join(", "))
    })
}

async fn list_faults(State(s): State<Arc<Shared>>) -> Response {
    Json(s.faults().list()).into_response()
}

async fn set_fault(State(s): State<Arc<Shared>>, Json(req): Json<FaultRequest>) -> Response {
    match endpoint(&req.endpoint) {
        Ok(ep) => {
            tracing::info!(endpoint = %ep, fault = ?req.fault, "sandbox fault switched on");
            s.faults().set(ep, req.fault);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => bad_request(e),
    }
}

async fn clear_faults(State(s): State<Arc<Shared>>) -> StatusCode {
    s.faults().clear(None);
    StatusCode::NO_CONTENT
}

async fn clear_fault(State(s): State<Arc<Shared>>, Path(key): Path<String>) -> Response {
    match endpoint(&key) {
        Ok(ep) => {
            s.faults().clear(Some(ep));
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => bad_request(e),
    }
}

async fn traffic(State(s): State<Arc<Shared>>) -> Response {
    Json(s.all_traffic()).into_response()
}

async fn overrides(State(s): State<Arc<Shared>>, Path(app): Path<String>) -> Response {
    match s.overrides(&app) {
        Some(list) => Json(list).into_response(),
        None => no_app(&app),
    }
}

async fn pushes(State(s): State<Arc<Shared>>, Path(app): Path<String>) -> Response {
    match s.pushes(&app) {
        Some(list) => Json(list).into_response(),
        None => no_app(&app),
    }
}

fn no_app(app: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "error": format!("no app `{app}`") })),
    )
        .into_response()
}

#[derive(Deserialize)]
struct CreateTasks {
    app: String,
    #[serde(default = "one")]
    count: usize,
    #[serde(default)]
    audience: Option<String>,
    #[serde(default)]
    message_type: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    send_in_secs: Option<u64>,
    #[serde(default)]
    expire_secs: Option<i64>,
    /// `api` (the default) or `web`.
    #[serde(default)]
    source: Option<String>,
    /// The push's `android` body, e.g. a click action with a web address.
    #[serde(default)]
    android: Option<Value>,
}

fn one() -> usize {
    1
}

async fn create_tasks(State(s): State<Arc<Shared>>, Json(req): Json<CreateTasks>) -> Response {
    let mut spec = TaskSpec::default();
    if let Some(a) = &req.audience {
        match Audience::from_upstream(a) {
            Some(a) => spec.audience = a,
            None => return bad_request(format!("unknown audience `{a}`")),
        }
    }
    if let Some(m) = &req.message_type {
        match MessageKind::from_upstream(m) {
            Some(m) => spec.message_type = m,
            None => return bad_request(format!("unknown message_type `{m}`")),
        }
    }
    if let Some(t) = req.title {
        spec.title = t;
    }
    spec.send_in = req.send_in_secs.map(Duration::from_secs);
    if let Some(e) = req.expire_secs {
        spec.expire_secs = e;
    }
    match req.source.as_deref() {
        None | Some("api" | "web") => spec.source = req.source,
        Some(other) => return bad_request(format!("unknown source `{other}`; use api or web")),
    }
    if req.android.as_ref().is_some_and(|a| !a.is_object()) {
        return bad_request("android must be an object".to_string());
    }
    spec.android = req.android;
    match s.create_tasks(&req.app, req.count.min(100_000), &spec) {
        Ok(ids) => Json(json!({ "push_ids": ids })).into_response(),
        Err(e @ ControlError::UnknownApp(_)) => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": e.to_string() })),
        )
            .into_response(),
        Err(e) => bad_request(e.to_string()),
    }
}

async fn task(State(s): State<Arc<Shared>>, Path(push_id): Path<String>) -> Response {
    match s.snapshot(&push_id) {
        Some(snap) => Json(snap).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "no such task" })),
        )
            .into_response(),
    }
}
