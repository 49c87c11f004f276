//! A task's record (`server/docs/tpns.md` §3.1) as each [`Profile`] words it: the friendly
//! record carries every documented field, the others are derived from it.

use domain::Status;
use domain::time::format_datetime;
use serde_json::{Map, Value, json};

use crate::profile::Profile;
use crate::task::Task;
use crate::world::World;

/// Which answer a record is part of: the single-task query and the time-range list spell
/// `pushId` differently (§3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Answer {
    Single,
    List,
}

/// What a record always carries (§3.1): all the sparse profile keeps. `collapseID`,
/// `targetList`, `tagSet` and `uploadId` only where the audience has them.
const REQUIRED: [&str; 11] = [
    "pushId",
    "date",
    "title",
    "content",
    "status",
    "pushType",
    "messageType",
    "collapseID",
    "targetList",
    "tagSet",
    "uploadId",
];

/// Numbers the quirky profile writes as numeric strings.
const AS_STRINGS: [&str; 4] = ["createTime", "expireTime", "collapseID", "uploadId"];

/// The status TPNS may add that the quirky profile answers for a waiting task of the backdrop
/// made in TPNS's console: a content review before sending (cf. 1008019, §6). Not in the
/// documented enum, so unknown to the console.
pub(crate) const AUDITING: &str = "PUSH_AUDITING";

/// The record of `t` at clock time `now`.
pub(crate) fn record_json(
    world: &World,
    t: &Task,
    now: i64,
    profile: Profile,
    answer: Answer,
) -> Value {
    let mut r = full_record(world, t, now);
    // The single-task sample has a numeric `pushId`, the table a string (§3.1).
    let numeric_id = match profile {
        Profile::Friendly | Profile::Sparse => answer == Answer::Single,
        Profile::Quirky => answer == Answer::List,
    };
    if numeric_id {
        r.insert("pushId".into(), json!(t.push_id));
    }
    match profile {
        Profile::Friendly => {}
        Profile::Sparse => r.retain(|k, _| REQUIRED.contains(&k.as_str())),
        Profile::Quirky => {
            if waits_for_review(world, t, now) {
                r.insert("status".into(), json!(AUDITING));
            }
            for key in AS_STRINGS {
                if let Some(v) = r.get_mut(key).filter(|v| v.is_number()) {
                    *v = Value::String(v.to_string());
                }
            }
            r = r.into_iter().map(|(k, v)| (snake_key(&k), v)).collect();
        }
    }
    Value::Object(r)
}

/// Every field of §3.1 the sandbox knows, as the documentation spells and types it, with
/// `pushId` as a string: the friendly record.
fn full_record(world: &World, t: &Task, now: i64) -> Map<String, Value> {
    let offset = world.utc_offset_minutes;
    let created = format_datetime(t.created_ms.div_euclid(1000), offset);
    let mut r = Map::new();
    let mut put = |k: &str, v: Value| {
        r.insert(k.to_string(), v);
    };
    put("pushId", json!(t.push_id.to_string()));
    put(
        "date",
        json!(format_datetime(t.start_ms.div_euclid(1000), offset)),
    );
    put("createTime", json!(t.created_ms.div_euclid(1000)));
    put("title", json!(t.req.title));
    put("content", json!(t.req.content));
    put("status", json!(t.status(&world.sim, now).upstream()));
    put("pushType", json!(t.req.audience.upstream()));
    put("messageType", json!(t.req.message_type.upstream()));
    put(
        "environment",
        json!(t.req.environment.as_deref().unwrap_or("product")),
    );
    put("expireTime", json!(t.req.expire_secs));
    put("xgMediaResources", json!(""));
    put("multiPkg", json!(t.req.multi_pkg));
    put(
        "groupId",
        json!(format!("tpns_{}", created[..10].replace('-', ""))),
    );
    put("pushConfig", push_config(t));
    put("source", json!(t.req.source));
    if let Some(lp) = &t.req.loop_param {
        put("loopParam", lp.clone());
    }
    if !t.req.targets.is_empty() {
        put("targetList", json!(t.req.targets));
    }
    if let Some(cid) = t.req.collapse_id {
        put("collapseID", json!(cid));
    }
    if let Some(tags) = &t.req.tag_set {
        put("tagSet", tags.clone());
    }
    if let Some(id) = t.req.upload_id {
        put("uploadId", json!(id));
    }
    r
}

/// `pushConfig`: the message's platform bodies as the push gave them (§3.1).
fn push_config(t: &Task) -> Value {
    let body = |b: &Option<Value>| b.clone().unwrap_or_else(|| json!({}));
    json!({ "android": body(&t.req.android), "ios": body(&t.req.ios), "iot": null })
}

/// Whether the quirky profile shows `t` under review: a backdrop task made in TPNS's console
/// that waits for its send time.
fn waits_for_review(world: &World, t: &Task, now: i64) -> bool {
    t.req.origin.is_backdrop()
        && t.req.source == "web"
        && t.status(&world.sim, now) == Status::Scheduled
}

/// `createTime` → `create_time`; `collapseID` keeps its documented spelling.
fn snake_key(key: &str) -> String {
    if key == "collapseID" {
        return key.to_string();
    }
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_become_snake_case_but_collapse_id_keeps_its_spelling() {
        assert_eq!(snake_key("pushId"), "push_id");
        assert_eq!(snake_key("xgMediaResources"), "xg_media_resources");
        assert_eq!(snake_key("date"), "date");
        assert_eq!(snake_key("collapseID"), "collapseID");
    }
}
