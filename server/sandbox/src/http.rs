//! The TPNS endpoints over HTTP: faults first, then authentication, rate limits, validation and
//! the answer in the endpoint's envelope. Business errors come with HTTP 200, as the Go SDK
//! expects (`server/docs/tpns.md` §1.4; whether TPNS ever sends them with another status is UNCONFIRMED).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::post;
use domain::Audience;
use serde_json::{Map, Value, json};

use super::faults::{FaultKind, FaultWhen, broken_response};
use super::profile::Profile;
use super::views::{is_single_record_query, push_id_of};
use super::wire::{ApiError, envelope};
use super::{Shared, auth, validate, views};
use tpns::Endpoint;

const HOUR_MS: i64 = 3_600_000;
/// The audiences under the one-push-a-second limit (§8).
const LIMITED_PUSH_AUDIENCES: [Audience; 4] = [
    Audience::All,
    Audience::Tag,
    Audience::PackageAccount,
    Audience::PackageToken,
];

pub(crate) fn router(shared: Arc<Shared>, admin: bool) -> Router {
    let mut r = Router::new()
        .route(Endpoint::Push.path(), post(push))
        .route(Endpoint::Stop.path(), post(stop))
        .route(Endpoint::Revoke.path(), post(revoke))
        .route(Endpoint::Cancel.path(), post(cancel))
        .route(Endpoint::Record.path(), post(record))
        .route(Endpoint::TaskStat.path(), post(task_stat));
    if admin {
        r = r.merge(super::admin::routes());
    }
    r.with_state(shared)
}

async fn push(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    serve(s, Endpoint::Push, headers, body).await
}
async fn stop(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    serve(s, Endpoint::Stop, headers, body).await
}
async fn revoke(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    serve(s, Endpoint::Revoke, headers, body).await
}
async fn cancel(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    serve(s, Endpoint::Cancel, headers, body).await
}
async fn task_stat(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    serve(s, Endpoint::TaskStat, headers, body).await
}
/// One path, two APIs (§3.1, §3.2): a body with a push ID asks for one task.
async fn record(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let single = serde_json::from_slice::<Value>(&body).is_ok_and(|v| is_single_record_query(&v));
    let ep = if single {
        Endpoint::Record
    } else {
        Endpoint::RecordList
    };
    serve(s, ep, headers, body).await
}

async fn serve(s: Arc<Shared>, ep: Endpoint, headers: HeaderMap, body: Bytes) -> Response {
    let fault = s.faults().take(ep);
    // A fault after the effect: the call is applied (synchronously, so a client that gives up
    // cannot stop it any more), then the answer is delayed, lost or replaced.
    let applied = match &fault {
        Some(f) if f.when == FaultWhen::After => Some(answered(&s, ep, &headers, &body)),
        _ => None,
    };
    if let Some(fault) = fault {
        if fault.latency_ms > 0 {
            tokio::time::sleep(Duration::from_millis(fault.latency_ms)).await;
        }
        match fault.kind {
            None => {}
            Some(FaultKind::Timeout) => {
                // Hold the request until shutdown, so that graceful shutdown is not kept waiting.
                let mut rx = s.shutdown.clone();
                let _ = rx.wait_for(|down| *down).await;
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
            Some(FaultKind::RetCode { code, message }) => {
                let mut e = ApiError::for_code(code);
                if let Some(m) = message {
                    e.message = m;
                }
                return Json(envelope(ep, s.profile, Err(e))).into_response();
            }
            Some(kind) => return broken_response(&kind),
        }
    }
    let result = match applied {
        Some(result) => result,
        None => answered(&s, ep, &headers, &body),
    };
    Json(envelope(ep, s.profile, result)).into_response()
}

/// The endpoint's answer, with refusals logged.
fn answered(
    s: &Shared,
    ep: Endpoint,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Map<String, Value>, ApiError> {
    let result = answer(s, ep, headers, body);
    if let Err(e) = &result {
        tracing::debug!(endpoint = %ep, code = e.code, "sandbox refused a call");
    }
    result
}

fn answer(
    s: &Shared,
    ep: Endpoint,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Map<String, Value>, ApiError> {
    let now = s.clock.now_ms();
    let mut world = s.world();
    let app = auth::authenticate(&world, headers, body, now.div_euclid(1000), s.max_skew_secs)?;
    world.apps[app].ledger.record_call(ep);
    let json: Value = serde_json::from_slice(body).map_err(ApiError::parse)?;
    if ep.is_statistics()
        && !world.apps[app]
            .ledger
            .admit(ep, now, HOUR_MS, s.stats_calls_per_hour)
    {
        return Err(ApiError::too_fast());
    }
    let push_id = || push_id_of(&json).ok_or_else(|| ApiError::missing("pushId"));
    match ep {
        Endpoint::Push => {
            let req = validate::push(&json, &world.apps[app].app, now, world.utc_offset_minutes)?;
            if LIMITED_PUSH_AUDIENCES.contains(&req.audience)
                && !world.apps[app]
                    .ledger
                    .admit(ep, now, 1_000, s.pushes_per_second)
            {
                return Err(ApiError::too_fast());
            }
            let environment = req.environment.clone();
            let id = world.create(app, req, now)?;
            let seq = validate::seq(&json);
            world.apps[app].keep_push(json, id);
            Ok(push_answer(s.profile, id, seq, environment))
        }
        Endpoint::Stop | Endpoint::Revoke | Endpoint::Cancel => {
            let id = push_id()?;
            match ep {
                Endpoint::Stop => world.stop(app, &id, now)?,
                Endpoint::Revoke => world.revoke(app, &id, now)?,
                _ => world.cancel(app, &id, now)?,
            }
            let key = match s.profile {
                Profile::Quirky => "pushId",
                Profile::Friendly | Profile::Sparse => "push_id",
            };
            let mut out = Map::new();
            out.insert(key.into(), json!(id));
            Ok(out)
        }
        Endpoint::Record => views::record(&world, app, &json, now, s.profile),
        Endpoint::RecordList => views::record_list(&world, app, &json, now, s.profile),
        Endpoint::TaskStat => views::task_stat(&world, app, &json, now, s.profile),
    }
}

/// The payload of a successful push (§2.5): `push_id`, the request's `seq` and the iOS
/// `environment`. Sparse answers carry only `push_id`; quirky ones `push_id` as an array of
/// one, as the Go SDK says it may come.
fn push_answer(
    profile: Profile,
    push_id: u64,
    seq: i64,
    environment: Option<String>,
) -> Map<String, Value> {
    let id = push_id.to_string();
    let mut out = Map::new();
    if profile == Profile::Quirky {
        out.insert("push_id".into(), json!([id]));
    } else {
        out.insert("push_id".into(), json!(id));
    }
    if profile == Profile::Sparse {
        return out;
    }
    out.insert("seq".into(), json!(seq));
    if let Some(env) = environment {
        out.insert("environment".into(), json!(env));
    }
    out
}
