//! The query endpoints: a task's record (§3.1), the time-range list (§3.2) and the per-task
//! channel statistics (§4.1), with TPNS's field names and quirks.

use domain::time::{format_datetime, parse_date};
use domain::{Channel, MessageKind, Platform};
use serde_json::{Map, Value, json};

use super::device::DeviceClass;
use super::model::{ClassCounters, Sim};
use super::task::Task;
use super::wire::ApiError;
use super::world::{MONTH_MS, World};
use tpns::lenient::{int_of, text_of};

/// Per-task statistics go back 30 days (§4.1).
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

/// §3.1. The sample answers `pushId` as a number, so the sandbox does too (the list answers
/// strings, as the table says): a client must read both.
pub(crate) fn record(
    world: &World,
    app: usize,
    body: &Value,
    now: i64,
) -> Result<Map<String, Value>, ApiError> {
    let id = push_id_of(body).ok_or_else(|| ApiError::missing("pushId"))?;
    let task = world.find(app, &id, now, MONTH_MS)?;
    Ok(payload([(
        "pushRecordData",
        json!([record_json(world, task, now, true)]),
    )]))
}

/// §3.2. Tasks are selected by creation day (INFERRED: the docs do not say which time the
/// range applies to), so a task scheduled for next week shows on the day it was created.
pub(crate) fn record_list(
    world: &World,
    app: usize,
    body: &Value,
    now: i64,
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
        .map(|t| record_json(world, t, now, false))
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

/// §4.1: one row per channel of the app's platform (both Huawei classes under `hw`), then
/// `all`, in which, as TPNS documents, arrivals confirmed by TPNS, clicks and clears add up only
/// TPNS's own channel and FCM on Android, while planned and sent add up every channel.
pub(crate) fn task_stat(
    world: &World,
    app: usize,
    body: &Value,
    now: i64,
) -> Result<Map<String, Value>, ApiError> {
    let id = push_id_of(body).ok_or_else(|| ApiError::missing("pushId"))?;
    let task = world.find(app, &id, now, STATS_MAX_AGE_MS)?;
    let platform = world.apps[app].app.platform;
    let mut rows = Vec::new();
    let mut all = ClassCounters::default();
    let mut own = ClassCounters::default();
    for channel in Channel::ALL {
        let classes: Vec<DeviceClass> = DeviceClass::ALL
            .into_iter()
            .filter(|c| c.channel() == channel && c.platform() == platform)
            .collect();
        if classes.is_empty() {
            continue;
        }
        let mut sum = ClassCounters::default();
        for c in classes {
            sum.add(&task.counters(&world.sim, now, c));
        }
        all.add(&sum);
        if matches!(channel, Channel::Tpns | Channel::Fcm) {
            own.add(&sum);
        }
        rows.push(
            json!({ "channel": channel.code(), "pushState": push_state(platform, channel, &sum) }),
        );
    }
    let all_state = if platform == Platform::Ios {
        push_state(platform, Channel::Apns, &all)
    } else {
        json!({
            "pushActiveUv": all.planned, "pushOnlineUv": all.sent, "arrivalUv": all.arrived,
            "verifySvcUv": own.arrived, "verifyUv": own.arrived, "clickUv": own.clicked, "cleanupUv": own.cleared,
        })
    };
    rows.push(json!({ "channel": "all", "pushState": all_state }));
    Ok(payload([("pushStatDataAll", Value::Array(rows))]))
}

/// iOS rows carry only planned, sent, confirmed arrivals and clicks (§4).
fn push_state(platform: Platform, channel: Channel, c: &ClassCounters) -> Value {
    if platform == Platform::Ios {
        return json!({ "pushActiveUv": c.planned, "pushOnlineUv": c.sent, "verifySvcUv": c.arrived, "clickUv": c.clicked });
    }
    let own = matches!(channel, Channel::Tpns | Channel::Fcm);
    json!({
        "pushActiveUv": c.planned,
        "pushOnlineUv": c.sent,
        "arrivalUv": c.arrived,
        "verifySvcUv": if own { c.arrived } else { 0 },
        "callbackVerifySvcUv": if own { 0 } else { c.arrived },
        "clickUv": c.clicked,
        "cleanupUv": c.cleared,
    })
}

fn record_json(world: &World, t: &Task, now: i64, numeric_id: bool) -> Value {
    let offset = world.utc_offset_minutes;
    let sim: &Sim = &world.sim;
    let mut r = json!({
        "pushId": if numeric_id { json!(t.push_id) } else { json!(t.push_id.to_string()) },
        "date": format_datetime(t.start_ms.div_euclid(1000), offset),
        "createTime": t.created_ms.div_euclid(1000),
        "title": t.req.title,
        "content": t.req.content,
        "status": t.status(sim, now).upstream(),
        "pushType": t.req.audience.upstream(),
        "messageType": t.req.message_type.upstream(),
        "environment": t.req.environment.as_deref().unwrap_or("product"),
        "expireTime": t.req.expire_secs,
        "xgMediaResources": "",
        "multiPkg": t.req.multi_pkg,
        "groupId": format!("tpns_{}", format_datetime(t.created_ms.div_euclid(1000), offset)[..10].replace('-', "")),
        "pushConfig": { "android": t.req.android.clone().unwrap_or(json!({})), "ios": t.req.ios.clone().unwrap_or(json!({})), "iot": null },
        "source": t.req.source,
    });
    let map = r.as_object_mut().expect("built as an object");
    if !t.req.targets.is_empty() {
        map.insert("targetList".into(), json!(t.req.targets));
    }
    if let Some(cid) = t.req.collapse_id {
        map.insert("collapseID".into(), json!(cid));
    }
    if let Some(tags) = &t.req.tag_set {
        map.insert("tagSet".into(), tags.clone());
    }
    if let Some(id) = t.req.upload_id {
        map.insert("uploadId".into(), json!(id));
    }
    r
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
