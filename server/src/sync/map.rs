//! An upstream task record (`server/docs/tpns.md` §3.1) as a row of the `tasks` table: pure, no I/O.

use std::collections::BTreeMap;

use domain::fmt::thousands;
use domain::time::parse_datetime;
use domain::{Audience, MessageKind, Platform, Source, Status};
use serde_json::{Value, json};

use crate::store::tasks::TaskUpsert;
use tpns::PushRecord;

/// TPNS's default (and maximum) offline-storage period, for records without `expireTime`.
pub const DEFAULT_EXPIRE_SECS: i64 = 259_200;

/// Maps a record to a task row. `platform` is the app's (a TPNS app is Android or iOS);
/// `source_hint` is `Some(Source::Console)` for tasks the console created, otherwise the task
/// is taken to come from the app's backend or TPNS's own console (`api`/`web` both mean "not
/// us"). Times are read in `upstream_utc_offset_minutes` (TPNS: UTC+8 at every access point).
///
/// `None`, with a warning, when the record cannot be stored faithfully: an unknown status or
/// audience, or no readable time at all.
pub fn map_record(
    rec: &PushRecord,
    platform: Platform,
    source_hint: Option<Source>,
    upstream_utc_offset_minutes: i32,
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
    let (push_time, created_at) = match (date, rec.create_time) {
        (Some(d), Some(c)) => (d, c),
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
        expire_secs: rec.expire_time.unwrap_or(DEFAULT_EXPIRE_SECS).max(0),
        status,
        collapse_id: rec.collapse_id,
        source: source_hint.unwrap_or(Source::Api),
    })
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
