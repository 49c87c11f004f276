//! The push API's validations (`server/docs/tpns.md` §2), with the codes TPNS gives: a missing field
//! 1008002, a bad value 1008007, a `send_time` too far in the past 10010012.

use domain::time::{parse_date, parse_datetime};
use domain::{Audience, MessageKind, Platform};
use serde_json::{Map, Value, json};

use super::apps::SandboxApp;
use super::task::{DEFAULT_EXPIRE_SECS, NewTask};
use super::wire::ApiError;
use tpns::lenient::{int_of, text_of};

const MAX_LIST: usize = 1_000;
const MAX_TOKEN_LEN: usize = 36;
/// `send_time` may lie this far in the past and still start at once (§2.4, code 10010012).
const PAST_GRACE_MS: i64 = 10 * 60 * 1000;
const DAY_MS: i64 = 86_400_000;
const MAX_AHEAD_MS: i64 = 90 * DAY_MS;
const SCHEDULE_AUDIENCES: [Audience; 3] = [Audience::All, Audience::Tag, Audience::PackageAccount];

/// Reads and checks a push body for `app` at clock time `now`.
pub(crate) fn push(
    body: &Value,
    app: &SandboxApp,
    now: i64,
    offset_min: i32,
) -> Result<NewTask, ApiError> {
    let obj = body
        .as_object()
        .ok_or_else(|| ApiError::parse("the body is not a JSON object"))?;
    let audience_raw = required_str(obj, "audience_type")?;
    let audience = Audience::from_upstream(audience_raw).ok_or_else(|| {
        ApiError::invalid(format!("audience_type `{audience_raw}` is not supported"))
    })?;
    let kind_raw = required_str(obj, "message_type")?;
    let message_type = match kind_raw {
        "notify" => MessageKind::Notify,
        "message" => MessageKind::Message,
        other => {
            return Err(ApiError::invalid(format!(
                "message_type `{other}` is not notify or message"
            )));
        }
    };
    let message = obj
        .get("message")
        .and_then(Value::as_object)
        .ok_or_else(|| ApiError::missing("message"))?;
    let title = required_str(message, "title").map_err(|_| ApiError::missing("message.title"))?;
    let content =
        required_str(message, "content").map_err(|_| ApiError::missing("message.content"))?;
    let mut req = NewTask::new(audience, message_type, title, content);
    req.android = message.get("android").filter(|v| !v.is_null()).cloned();
    req.ios = message.get("ios").filter(|v| !v.is_null()).cloned();

    check_platform(obj, app)?;
    if app.platform == Platform::Ios {
        let env = required_str(obj, "environment")?;
        if !matches!(env, "product" | "dev") {
            return Err(ApiError::invalid("environment must be product or dev"));
        }
        req.environment = Some(env.to_string());
    }
    audience_fields(obj, &mut req)?;

    if let Some(raw) = obj.get("send_time").filter(|v| !v.is_null()) {
        let text = raw.as_str().unwrap_or_default();
        let at = parse_datetime(text, offset_min)
            // Exactly `yyyy-MM-DD HH:MM:SS`: the shared parser also takes an HTML `T` form.
            .filter(|_| text.len() == 19 && text.as_bytes()[10] == b' ')
            .ok_or_else(|| {
                ApiError::invalid("send_time must be formatted as yyyy-MM-DD HH:MM:SS")
            })?
            * 1000;
        if !SCHEDULE_AUDIENCES.contains(&audience) {
            return Err(ApiError::invalid(
                "send_time is only supported for all, tag and package_account_push",
            ));
        }
        if at < now - PAST_GRACE_MS {
            return Err(ApiError::send_time(
                "send_time is more than 10 minutes in the past",
            ));
        }
        if at > now + MAX_AHEAD_MS {
            return Err(ApiError::send_time("send_time is more than 90 days ahead"));
        }
        // A time up to ten minutes past starts at once, like no send_time.
        req.send_at_ms = (at > now).then_some(at);
    }
    req.expire_secs = match optional_int(obj, "expire_time")? {
        None => DEFAULT_EXPIRE_SECS,
        Some(e) if !(0..=DEFAULT_EXPIRE_SECS).contains(&e) => {
            return Err(ApiError::invalid(
                "expire_time must be between 0 and 259200 seconds",
            ));
        }
        // TPNS raises 1–799 to 800 (§2.4).
        Some(1..800) => 800,
        Some(e) => e,
    };
    req.collapse_id = optional_int(obj, "collapse_id")?;
    req.force_collapse = match obj.get("force_collapse") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(ApiError::invalid("force_collapse must be true or false")),
    };
    if let Some(speed) = optional_int(obj, "push_speed")? {
        if !(1_000..=50_000).contains(&speed) {
            return Err(ApiError::invalid(
                "push_speed must be between 1000 and 50000",
            ));
        }
        req.push_speed = Some(speed as u32);
    }
    req.multi_pkg = obj
        .get("multi_pkg")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    req.loop_param = loop_param(obj, audience, now, offset_min)?;
    Ok(req)
}

/// `loop_param` (§2.4), a recurring push: only for the audiences a `send_time` may schedule
/// (the docs say "all/package/tag"; the account package is INFERRED, as for `send_time`).
/// `startDate` and `endDate` are `YYYY-MM-DD`, in order, the end not past and at most 90 days
/// ahead; `loopType` is 1 (daily), 2 (weekly) or 3 (monthly); `dayTimes` (or `DayTimes`, as
/// the SDKs write it; which one TPNS reads is UNCONFIRMED) lists `HH:MM:SS` times;
/// `loopDayIndexs`, when present, lists integers (weekdays 0–6 for a weekly loop). Kept as
/// the request gave it, for the record.
fn loop_param(
    obj: &Map<String, Value>,
    audience: Audience,
    now: i64,
    offset_min: i32,
) -> Result<Option<Value>, ApiError> {
    let Some(raw) = obj.get("loop_param").filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let lp = raw
        .as_object()
        .ok_or_else(|| ApiError::invalid("loop_param must be an object"))?;
    if !SCHEDULE_AUDIENCES.contains(&audience) {
        return Err(ApiError::invalid(
            "loop_param is only supported for all, tag and package_account_push",
        ));
    }
    let date = |key: &str| loop_date(lp, key, offset_min);
    let (start, end) = (date("startDate")?, date("endDate")?);
    if end < start {
        return Err(ApiError::invalid("loop_param.endDate is before startDate"));
    }
    if end + DAY_MS <= now || end > now + MAX_AHEAD_MS {
        return Err(ApiError::invalid(
            "loop_param.endDate must lie between today and 90 days ahead",
        ));
    }
    let loop_type =
        optional_int(lp, "loopType")?.ok_or_else(|| ApiError::missing("loop_param.loopType"))?;
    if !(1..=3).contains(&loop_type) {
        return Err(ApiError::invalid("loop_param.loopType must be 1, 2 or 3"));
    }
    day_indexes(lp, loop_type)?;
    day_times(lp)?;
    Ok(Some(raw.clone()))
}

/// A `loop_param` date (`YYYY-MM-DD` in TPNS's zone) as the clock time of its midnight.
fn loop_date(lp: &Map<String, Value>, key: &str, offset_min: i32) -> Result<i64, ApiError> {
    let text = match lp.get(key) {
        None | Some(Value::Null) => return Err(ApiError::missing(&format!("loop_param.{key}"))),
        Some(Value::String(s)) => s.as_str(),
        Some(_) => {
            return Err(ApiError::invalid(format!(
                "loop_param.{key} must be a string"
            )));
        }
    };
    parse_date(text, offset_min)
        .filter(|_| text.len() == 10)
        .map(|s| s * 1000)
        .ok_or_else(|| ApiError::invalid(format!("loop_param.{key} must be YYYY-MM-DD")))
}

fn day_indexes(lp: &Map<String, Value>, loop_type: i64) -> Result<(), ApiError> {
    let indexes = match lp.get("loopDayIndexs") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Array(items)) => items,
        Some(_) => {
            return Err(ApiError::invalid(
                "loop_param.loopDayIndexs must be an array",
            ));
        }
    };
    let max = if loop_type == 2 { 6 } else { 31 };
    if indexes
        .iter()
        .all(|v| v.as_i64().is_some_and(|i| (0..=max).contains(&i)))
    {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "loop_param.loopDayIndexs must hold integers from 0 to {max}"
        )))
    }
}

fn day_times(lp: &Map<String, Value>) -> Result<(), ApiError> {
    let times = lp
        .get("dayTimes")
        .or_else(|| lp.get("DayTimes"))
        .and_then(Value::as_array)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::missing("loop_param.dayTimes"))?;
    let valid = |v: &Value| {
        v.as_str().is_some_and(|t| {
            t.len() == 8 && parse_datetime(&format!("2000-01-01 {t}"), 0).is_some()
        })
    };
    if times.iter().all(valid) {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "loop_param.dayTimes must hold HH:MM:SS times",
        ))
    }
}

/// `seq` of the request, echoed in the answer (0 when absent).
pub(crate) fn seq(body: &Value) -> i64 {
    body.get("seq").and_then(int_of).unwrap_or(0)
}

/// The deprecated `platform` field may be sent (§2.1); when it is, it must fit the app.
fn check_platform(obj: &Map<String, Value>, app: &SandboxApp) -> Result<(), ApiError> {
    match obj.get("platform").and_then(Value::as_str) {
        None | Some("all") => Ok(()),
        Some(p) if p == app.platform.slug() => Ok(()),
        Some(p @ ("android" | "ios")) => Err(ApiError::invalid(format!(
            "platform {p} does not match this application, which is an {} application",
            app.platform.slug()
        ))),
        Some(p) => Err(ApiError::invalid(format!(
            "platform `{p}` is not android, ios or all"
        ))),
    }
}

fn audience_fields(obj: &Map<String, Value>, req: &mut NewTask) -> Result<(), ApiError> {
    match req.audience {
        Audience::All => {}
        Audience::Tag => req.tag_set = Some(tag_set(obj)?),
        Audience::Token | Audience::TokenList => {
            let tokens = list(obj, "token_list")?;
            if tokens
                .iter()
                .any(|t| t.is_empty() || t.len() > MAX_TOKEN_LEN)
            {
                return Err(ApiError::invalid(format!(
                    "a token is empty or longer than {MAX_TOKEN_LEN} characters"
                )));
            }
            req.targets = if req.audience == Audience::Token {
                tokens.into_iter().take(1).collect()
            } else {
                tokens
            };
        }
        Audience::Account | Audience::AccountList => {
            let accounts = list(obj, "account_list")?;
            req.targets = if req.audience == Audience::Account {
                accounts.into_iter().take(1).collect()
            } else {
                accounts
            };
        }
        Audience::PackageAccount | Audience::PackageToken => {
            match optional_int(obj, "upload_id")? {
                Some(id) if id > 0 => req.upload_id = Some(id),
                Some(_) => return Err(ApiError::invalid("upload_id must be a positive integer")),
                None => return Err(ApiError::missing("upload_id")),
            }
        }
    }
    Ok(())
}

/// `tagSet` of the record, from `tag_rules` (preferred) or the legacy `tag_list` (§2.2, §3.1).
fn tag_set(obj: &Map<String, Value>) -> Result<Value, ApiError> {
    let pairs = |tags: &[Value], tag_type: &str| -> Vec<Value> {
        tags.iter()
            .filter_map(text_of)
            .map(|t| json!({ "tagTypeName": tag_type, "tagValue": t }))
            .collect()
    };
    if let Some(rules) = obj
        .get("tag_rules")
        .and_then(Value::as_array)
        .filter(|r| !r.is_empty())
    {
        let mut with_type = Vec::new();
        let mut op = "OR".to_string();
        for item in rules
            .iter()
            .filter_map(|r| r.get("tag_items"))
            .filter_map(Value::as_array)
            .flatten()
        {
            let tags = item
                .get("tags")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let tag_type = item
                .get("tag_type")
                .and_then(Value::as_str)
                .unwrap_or("xg_user_define");
            op = item
                .get("tags_operator")
                .and_then(Value::as_str)
                .unwrap_or("OR")
                .to_string();
            with_type.extend(pairs(&tags, tag_type));
        }
        if with_type.is_empty() {
            return Err(ApiError::invalid("tag_rules holds no tag"));
        }
        return Ok(json!({ "op": op, "tagWithType": with_type }));
    }
    if let Some(list) = obj.get("tag_list").and_then(Value::as_object) {
        let tags = list
            .get("tags")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if tags.is_empty() {
            return Err(ApiError::invalid("tag_list.tags is empty"));
        }
        let op = list.get("op").and_then(Value::as_str).unwrap_or("OR");
        return Ok(json!({ "op": op, "tagWithType": pairs(&tags, "xg_user_define") }));
    }
    Err(ApiError::missing("tag_rules"))
}

fn list(obj: &Map<String, Value>, key: &str) -> Result<Vec<String>, ApiError> {
    let items = obj
        .get(key)
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| ApiError::missing(key))?;
    if items.len() > MAX_LIST {
        return Err(ApiError::invalid(format!(
            "{key} holds {} entries; at most {MAX_LIST} are allowed",
            items.len()
        )));
    }
    items
        .iter()
        .map(|v| {
            v.as_str()
                .map(str::to_string)
                .ok_or_else(|| ApiError::invalid(format!("{key} must hold strings")))
        })
        .collect()
}

fn required_str<'a>(obj: &'a Map<String, Value>, key: &str) -> Result<&'a str, ApiError> {
    match obj.get(key) {
        None | Some(Value::Null) => Err(ApiError::missing(key)),
        Some(Value::String(s)) if s.trim().is_empty() => Err(ApiError::missing(key)),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(ApiError::invalid(format!("{key} must be a string"))),
    }
}

fn optional_int(obj: &Map<String, Value>, key: &str) -> Result<Option<i64>, ApiError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| ApiError::invalid(format!("{key} must be an integer"))),
        Some(_) => Err(ApiError::invalid(format!("{key} must be an integer"))),
    }
}
