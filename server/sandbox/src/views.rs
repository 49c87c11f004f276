//! The query endpoints: a task's record (§3.1), the time-range list (§3.2) and the per-task
//! channel statistics (§4.1), with TPNS's field names and quirks, worded as the sandbox's
//! [`Profile`] says.

mod record;
mod stats;

use domain::MessageKind;
use domain::time::parse_date;
use serde_json::{Map, Value, json};

use super::profile::Profile;
use super::task::Task;
use super::wire::ApiError;
use super::world::{MONTH_MS, World};
use record::{Answer, record_json};
use tpns::lenient::{int_of, text_of};

/// Per-task statistics go back 30 days (§4.1), counted like the records' month from the push
/// time (see [`World::find`]).
const STATS_MAX_AGE_MS: i64 = 30 * 86_400_000;
const DAY_MS: i64 = 86_400_000;

/// The push ID of an action or query body: the table's `pushId` or the samples' `pushid`.
pub(crate) fn push_id_of(body: &Value) -> Option<String> {
    body.get("pushId")
        .or_else(|| body.get("pushid"))
        .and_then(text_of)
        .filter(|s| !s.trim().is_empty())
}

/// Whether a `get_push_record` body asks for one task rather than a date range.
pub(crate) fn is_single_record_query(body: &Value) -> bool {
    body.get("pushId").or_else(|| body.get("pushid")).is_some()
}

/// §3.1. The sample answers `pushId` as a number, so the friendly sandbox does too (the list
/// answers strings, as the table says; the quirky profile the other way round): a client must
/// read both.
pub(crate) fn record(
    world: &World,
    app: usize,
    body: &Value,
    now: i64,
    profile: Profile,
) -> Result<Map<String, Value>, ApiError> {
    let id = push_id_of(body).ok_or_else(|| ApiError::missing("pushId"))?;
    let task = world.find(app, &id, now, MONTH_MS)?;
    Ok(payload([(
        "pushRecordData",
        json!([record_json(world, task, now, profile, Answer::Single)]),
    )]))
}

/// §3.2. Tasks are selected by creation day (INFERRED: the docs do not say which time the
/// range applies to), so a task scheduled for next week shows on the day it was created.
pub(crate) fn record_list(
    world: &World,
    app: usize,
    body: &Value,
    now: i64,
    profile: Profile,
) -> Result<Map<String, Value>, ApiError> {
    let offset_min = world.utc_offset_minutes;
    let date = |key: &str| -> Result<i64, ApiError> {
        let raw = body
            .get(key)
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::missing(key))?;
        parse_date(raw, offset_min)
            .filter(|_| raw.len() == 10)
            .map(|s| s * 1000)
            .ok_or_else(|| ApiError::bad_date(format!("{key} must be YYYY-MM-DD")))
    };
    let (start, end) = (date("startDate")?, date("endDate")? + DAY_MS);
    if start >= end {
        return Err(ApiError::invalid("startDate is after endDate"));
    }
    let zone_ms = offset_min as i64 * 60_000;
    let today = (now + zone_ms).div_euclid(DAY_MS) * DAY_MS - zone_ms;
    if start < today - MONTH_MS {
        return Err(ApiError::invalid(
            "only push records of the last month can be queried",
        ));
    }
    let limit = int_field(body, "limit", 20)?;
    if !(1..=200).contains(&limit) {
        return Err(ApiError::invalid("limit must be between 1 and 200"));
    }
    let offset = int_field(body, "offset", 0)?;
    if offset < 0 {
        return Err(ApiError::invalid("offset must not be negative"));
    }
    let msg_type = body
        .get("msgType")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty());
    if msg_type.is_some_and(|m| MessageKind::from_upstream(m).is_none()) {
        return Err(ApiError::invalid("msgType must be notify or message"));
    }
    let push_type = body
        .get("pushType")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty());
    let mut rows: Vec<&Task> = world.apps[app]
        .tasks
        .iter()
        .filter(|t| t.created_ms >= start && t.created_ms < end && now - t.created_ms <= MONTH_MS)
        .filter(|t| {
            msg_type.is_none_or(|m| MessageKind::from_upstream(m) == Some(t.req.message_type))
        })
        .filter(|t| push_type.is_none_or(|p| push_type_matches(p, t)))
        .collect();
    rows.sort_by_key(|t| std::cmp::Reverse((t.created_ms, t.push_id)));
    let count = rows.len();
    let page: Vec<Value> = rows
        .into_iter()
        .skip(offset as usize)
        .take(limit as usize)
        .map(|t| record_json(world, t, now, profile, Answer::List))
        .collect();
    Ok(payload([
        ("count", json!(count)),
        ("pushRecordData", Value::Array(page)),
    ]))
}

/// The list's `pushType` values are not the `audience_type` values (§3.2): `token` covers device
/// lists and single devices, `account` account lists and single accounts.
fn push_type_matches(filter: &str, t: &Task) -> bool {
    let a = t.req.audience.upstream();
    match filter {
        "token" => matches!(a, "token" | "token_list"),
        "account" => matches!(a, "account" | "account_list"),
        other => a == other,
    }
}

/// §4.1, see [`stats::channel_rows`].
pub(crate) fn task_stat(
    world: &World,
    app: usize,
    body: &Value,
    now: i64,
    profile: Profile,
) -> Result<Map<String, Value>, ApiError> {
    let id = push_id_of(body).ok_or_else(|| ApiError::missing("pushId"))?;
    let task = world.find(app, &id, now, STATS_MAX_AGE_MS)?;
    Ok(payload([(
        "pushStatDataAll",
        stats::channel_rows(world, app, task, now, profile),
    )]))
}

fn int_field(body: &Value, key: &str, default: i64) -> Result<i64, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => int_of(v).ok_or_else(|| ApiError::invalid(format!("{key} must be an integer"))),
    }
}

fn payload<const N: usize>(items: [(&str, Value); N]) -> Map<String, Value> {
    items.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}
