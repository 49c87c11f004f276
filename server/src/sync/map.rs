//! An upstream task record (`server/docs/tpns.md` §3.1) as a row of the `tasks` table: pure, no I/O.

use std::collections::BTreeMap;

use domain::fmt::thousands;
use domain::time::parse_datetime;
use domain::{Audience, MessageKind, Platform, Source, Status};
use serde_json::{Value, json};

use crate::store::tasks::{TaskMessage, TaskUpsert};
use tpns::PushRecord;

pub use crate::store::tasks::DEFAULT_EXPIRE_SECS;

/// A push time at most this far ahead of our clock is taken for an immediate push (clocks
/// differ), not a scheduled one, when the record does not say when the task was created.
pub const SCHEDULED_MARGIN_SECS: i64 = 60;

/// Maps a record read at `now` (Unix seconds) to a task row. `platform` is the app's (a TPNS
/// app is Android or iOS); `source_hint` is `Some(Source::Console)` for tasks the console
/// created, otherwise the record's `source` says whether the app's backend (`api`, or no
/// `source`) or TPNS's own console (`web`) made it. Times are read in
/// `upstream_utc_offset_minutes` (TPNS: UTC+8 at every access point).
///
/// A task is scheduled when its push time is later than its creation. `createTime` is listed
/// only on TPNS's newer pages (`server/docs/tpns.md` §3.1); without it a task still waiting
/// (`PUSH_INIT`/`PUSH_WAIT`) with a push time ahead of `now` is scheduled, and was created no
/// later than `now` (what Pushdeck knows of its creation: when it first saw it).
///
/// `None`, with a warning, when the record cannot be stored faithfully: an unknown status or
/// audience, or no readable time at all.
pub fn map_record(
    rec: &PushRecord,
    platform: Platform,
    source_hint: Option<Source>,
    upstream_utc_offset_minutes: i32,
    now: i64,
) -> Option<TaskUpsert> {
    let Some(status) = Status::from_upstream(rec.status.trim()) else {
        tracing::warn!(push_id = %rec.push_id, status = %rec.status, "TPNS sent a task status Pushdeck does not know; the record is skipped");
        return None;
    };
    let Some(audience) = Audience::from_upstream(rec.push_type.trim()) else {
        tracing::warn!(push_id = %rec.push_id, push_type = %rec.push_type, "TPNS sent a push type Pushdeck does not know; the record is skipped");
        return None;
    };
    let message_type = MessageKind::from_upstream(rec.message_type.trim()).unwrap_or_else(|| {
        tracing::debug!(push_id = %rec.push_id, message_type = %rec.message_type, "unknown message type; taken as a notification");
        MessageKind::Notify
    });
    let date = parse_datetime(&rec.date, upstream_utc_offset_minutes);
    let waiting = matches!(status, Status::Created | Status::Scheduled);
    let (push_time, created_at) = match (date, rec.create_time) {
        (Some(d), Some(c)) => (d, c),
        (Some(d), None) if waiting && d > now + SCHEDULED_MARGIN_SECS => (d, now),
        (Some(d), None) => (d, d),
        (None, Some(c)) => (c, c),
        (None, None) => {
            tracing::warn!(push_id = %rec.push_id, date = %rec.date, "TPNS sent a task without a readable time; the record is skipped");
            return None;
        }
    };
    let (audience_summary, audience_detail) = describe_audience(rec, audience);
    Some(TaskUpsert {
        push_id: rec.push_id.trim().to_string(),
        audience,
        audience_summary,
        audience_detail: audience_detail.map(|v| v.to_string()),
        platform,
        message_type,
        title: rec.title.clone(),
        content: rec.content.clone(),
        created_at,
        // `date` is the push time: later than the creation only for a scheduled push.
        send_time: (push_time > created_at).then_some(push_time),
        push_time,
        expire_secs: rec.expire_time.map(|e| e.max(0)),
        status,
        collapse_id: rec.collapse_id,
        source: source_hint.unwrap_or_else(|| upstream_source(rec.source.as_deref())),
        message: TaskMessage {
            push_config: rec.push_config.as_ref().map(Value::to_string),
            environment: rec
                .environment
                .as_deref()
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(str::to_string),
            recurring: is_recurring(rec.loop_param.as_ref()),
            upstream_source: rec
                .source
                .as_deref()
                .map(|s| s.trim().to_ascii_lowercase())
                .filter(|s| !s.is_empty()),
        },
    })
}

/// `web`: made in TPNS's console; `api`, no `source` (sparse pages) or anything else: by the
/// app's backend.
fn upstream_source(source: Option<&str>) -> Source {
    match source.map(str::trim) {
        Some(s) if s.eq_ignore_ascii_case("web") => Source::Web,
        _ => Source::Api,
    }
}

/// A `loop_param` that says something: an empty object, array or string, `null`, `false` or 0
/// is not a schedule (its keys differ between the documents, §2.4, so any content counts).
fn is_recurring(loop_param: Option<&Value>) -> bool {
    match loop_param {
        None | Some(Value::Null) => false,
        Some(Value::Object(m)) => !m.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|n| n != 0.0),
        Some(Value::String(s)) => !matches!(s.trim(), "" | "{}" | "[]" | "null" | "0" | "false"),
    }
}

/// A short human summary of the audience, and the JSON an override needs to push to the same
/// audience again, with the push API's field names (`tag_rules`, `account_list`,
/// `token_list`, `upload_id`) so it merges straight into a push body.
fn describe_audience(rec: &PushRecord, audience: Audience) -> (String, Option<Value>) {
    let n = rec.target_list.len() as u64;
    let count =
        |one: &str, many: &str| format!("{} {}", thousands(n), if n == 1 { one } else { many });
    match audience {
        Audience::All => ("All devices".into(), None),
        Audience::Tag => {
            let (summary, rules) = tag_rules(rec.tag_set.as_ref());
            (summary, rules.map(|r| json!({ "tag_rules": r })))
        }
        Audience::Token | Audience::TokenList => (
            count("device", "devices"),
            Some(json!({ "token_list": rec.target_list })),
        ),
        Audience::Account | Audience::AccountList => (
            count("account", "accounts"),
            Some(json!({ "account_list": rec.target_list })),
        ),
        Audience::PackageAccount | Audience::PackageToken => {
            let what = if audience == Audience::PackageAccount {
                "Account package"
            } else {
                "Device package"
            };
            match rec.upload_id {
                Some(id) => (format!("{what} #{id}"), Some(json!({ "upload_id": id }))),
                None => (what.into(), None),
            }
        }
    }
}

/// `tagSet` (`{"op":"OR","tagWithType":[{"tagTypeName":…,"tagValue":…}]}`, §3.1) read back
/// into `tag_rules` (§2.2): one rule, one item per tag type, joined by the record's operator.
fn tag_rules(tag_set: Option<&Value>) -> (String, Option<Value>) {
    let Some(set) = tag_set else {
        return ("Tag".into(), None);
    };
    let op = match set.get("op").and_then(Value::as_str) {
        Some(o) if o.eq_ignore_ascii_case("and") => "AND",
        _ => "OR",
    };
    let mut by_type: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut order = Vec::new();
    for pair in set
        .get("tagWithType")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(value) = pair.get("tagValue").and_then(tpns::lenient::text_of) else {
            continue;
        };
        let kind = pair
            .get("tagTypeName")
            .and_then(Value::as_str)
            .unwrap_or("xg_user_define")
            .to_string();
        order.push(value.clone());
        by_type.entry(kind).or_default().push(value);
    }
    if order.is_empty() {
        return ("Tag".into(), None);
    }
    let items: Vec<Value> = by_type
        .into_iter()
        .map(|(kind, tags)| {
            json!({ "tags": tags, "is_not": false, "tags_operator": op, "items_operator": op, "tag_type": kind })
        })
        .collect();
    let summary = format!("Tag: {}", order.join(&format!(" {op} ")));
    (
        summary,
        Some(json!([{ "tag_items": items, "is_not": false }])),
    )
}

#[cfg(test)]
mod tests;
