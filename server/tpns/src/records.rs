//! What TPNS answers, read tolerantly: unknown fields are ignored and the fields whose type the
//! documentation leaves open are read through [`super::lenient`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::lenient;

/// The answer to a push (`server/docs/tpns.md` §2.5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushResponse {
    /// The task's push ID: the first one when TPNS answers with an array.
    pub push_id: String,
    /// Every push ID in the answer (the Go SDK says `push_id` may be an array).
    pub push_ids: Vec<String>,
    /// The request's `seq`, or 0.
    pub seq: i64,
    /// `product` or `dev` (iOS).
    pub environment: Option<String>,
}

/// One task as the task-information query describes it (§3.1). Keys are read in the documented
/// camelCase and also in snake_case (`push_id`, `create_time`, …), as the push API spells its
/// fields: no source shows a record so (UNCONFIRMED), but the sandbox's quirky profile sends
/// one to keep the reader honest. `collapseID` keeps its odd spelling.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PushRecord {
    /// A string in the table, a number in the single-task sample: both accepted.
    #[serde(alias = "push_id", deserialize_with = "lenient::string")]
    pub push_id: String,
    /// Push time, `YYYY-MM-DD hh:mm:ss` in TPNS's time zone.
    #[serde(deserialize_with = "lenient::string")]
    pub date: String,
    /// Unix seconds (newer Chinese pages only).
    #[serde(alias = "create_time", deserialize_with = "lenient::opt_i64")]
    pub create_time: Option<i64>,
    #[serde(deserialize_with = "lenient::string")]
    pub title: String,
    #[serde(deserialize_with = "lenient::string")]
    pub content: String,
    /// The raw upstream status (`PUSH_FINISHED`, …); see `domain::Status::from_upstream`.
    #[serde(deserialize_with = "lenient::string")]
    pub status: String,
    /// `all`, `tag`, `token_list`, `account_list`, `package_account_push`, …
    #[serde(alias = "push_type", deserialize_with = "lenient::string")]
    pub push_type: String,
    /// `notify` or `message` (the intl table once said `notification`).
    #[serde(alias = "message_type", deserialize_with = "lenient::string")]
    pub message_type: String,
    #[serde(deserialize_with = "lenient::opt_string")]
    pub environment: Option<String>,
    /// Offline-storage period, seconds.
    #[serde(alias = "expire_time", deserialize_with = "lenient::opt_i64")]
    pub expire_time: Option<i64>,
    /// The override key; note the spelling of the answer (`collapseID`) against the request's
    /// `collapse_id`.
    #[serde(
        rename = "collapseID",
        alias = "collapseId",
        alias = "collapse_id",
        deserialize_with = "lenient::opt_i64"
    )]
    pub collapse_id: Option<i64>,
    /// Tokens or accounts of a `token_list`/`account_list` task.
    #[serde(alias = "target_list", deserialize_with = "lenient::string_list")]
    pub target_list: Vec<String>,
    #[serde(alias = "tag_set", deserialize_with = "lenient::opt_value")]
    pub tag_set: Option<Value>,
    #[serde(alias = "upload_id", deserialize_with = "lenient::opt_i64")]
    pub upload_id: Option<i64>,
    /// `api` (REST API) or `web` (TPNS's console).
    #[serde(deserialize_with = "lenient::opt_string")]
    pub source: Option<String>,
    #[serde(alias = "multi_pkg", deserialize_with = "lenient::opt_bool")]
    pub multi_pkg: Option<bool>,
    /// The message's platform bodies as TPNS keeps them (`{android: {action, custom_content,
    /// n_ch_id, …}, ios: {aps, …}}`, §3.1): what an override carries over.
    #[serde(alias = "push_config", deserialize_with = "lenient::opt_object")]
    pub push_config: Option<Value>,
    /// A recurring push's schedule (`loop_param` of the push API, §2.4). UNCONFIRMED: no record
    /// sample shows one; read under either spelling.
    #[serde(alias = "loop_param", deserialize_with = "lenient::opt_value")]
    pub loop_param: Option<Value>,
}

/// The time-range query (§3.2). Dates are `YYYY-MM-DD` in TPNS's time zone and must lie within
/// the last month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordQuery {
    pub start_date: String,
    pub end_date: String,
    pub offset: u32,
    /// At most 200.
    pub limit: u32,
    /// `notify` or `message`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msg_type: Option<String>,
    /// `all`, `tag`, `token` or `account` (not the `audience_type` values).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub push_type: Option<String>,
}

/// One page of the time-range query.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecordPage {
    /// All records matching the query, not only this page's.
    pub count: u64,
    pub records: Vec<PushRecord>,
}

/// One row of the per-task channel statistics (§4, §4.1).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelStat {
    /// `xg`, `hw`, `honor`, `xm`, `mz`, `oppo`, `vivo`, `fcm`, `apns`, `all`, or a code TPNS adds
    /// later (kept as it came).
    pub channel: String,
    /// `pushActiveUv`.
    pub planned: u64,
    /// `pushOnlineUv`.
    pub sent: u64,
    /// `arrivalUv`; `verifySvcUv` when `arrivalUv` is absent (iOS rows have only the latter).
    pub arrived: u64,
    /// `clickUv`.
    pub clicked: u64,
    /// `cleanupUv`.
    pub cleared: u64,
}

#[derive(Deserialize)]
pub(super) struct StatRow {
    #[serde(default, deserialize_with = "lenient::string")]
    channel: String,
    #[serde(default, rename = "pushState")]
    push_state: PushState,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct PushState {
    #[serde(deserialize_with = "lenient::count")]
    push_active_uv: u64,
    #[serde(deserialize_with = "lenient::count")]
    push_online_uv: u64,
    #[serde(deserialize_with = "lenient::opt_i64")]
    arrival_uv: Option<i64>,
    #[serde(deserialize_with = "lenient::count")]
    verify_svc_uv: u64,
    #[serde(deserialize_with = "lenient::count")]
    click_uv: u64,
    #[serde(deserialize_with = "lenient::count")]
    cleanup_uv: u64,
}

impl From<StatRow> for ChannelStat {
    fn from(row: StatRow) -> ChannelStat {
        let s = row.push_state;
        ChannelStat {
            channel: row.channel,
            planned: s.push_active_uv,
            sent: s.push_online_uv,
            arrived: s.arrival_uv.map_or(s.verify_svc_uv, |n| n.max(0) as u64),
            clicked: s.click_uv,
            cleared: s.cleanup_uv,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_record_reads_a_numeric_push_id_and_ignores_unknown_fields() {
        let r: PushRecord = serde_json::from_value(json!({
            "pushId": 133703, "date": "2019-08-06 17:33:59", "status": "PUSH_FINISHED",
            "pushType": "all", "collapseID": 12, "expireTime": "86400", "multiPkg": 0,
            "targetList": null, "somethingNew": {"x": 1}, "tagSet": null
        }))
        .unwrap();
        assert_eq!(r.push_id, "133703");
        assert_eq!(r.collapse_id, Some(12));
        assert_eq!(r.expire_time, Some(86400));
        assert_eq!(r.multi_pkg, Some(false));
        assert!(r.target_list.is_empty());
        assert_eq!(r.tag_set, None);
    }

    #[test]
    fn a_record_reads_snake_case_keys_and_numbers_as_strings() {
        let r: PushRecord = serde_json::from_value(json!({
            "push_id": "3900000001", "date": "2025-03-10 10:00:00", "create_time": "1741572000",
            "title": "t", "content": "c", "status": "PUSH_STARTED", "push_type": "tag",
            "message_type": "notify", "expire_time": "86400", "collapseID": "123",
            "tag_set": {"op": "OR", "tagWithType": []}, "upload_id": "36217",
            "target_list": ["a"], "multi_pkg": "false", "push_config": {"android": {}},
            "loop_param": {"loopType": 1}, "group_id": "tpns_20250310"
        }))
        .unwrap();
        assert_eq!(r.push_id, "3900000001");
        assert_eq!(r.create_time, Some(1_741_572_000));
        assert_eq!(
            (r.push_type.as_str(), r.message_type.as_str()),
            ("tag", "notify")
        );
        assert_eq!(r.expire_time, Some(86_400));
        assert_eq!(r.collapse_id, Some(123));
        assert_eq!(r.upload_id, Some(36_217));
        assert_eq!(r.target_list, ["a"]);
        assert_eq!(r.multi_pkg, Some(false));
        assert!(r.tag_set.is_some() && r.push_config.is_some() && r.loop_param.is_some());
        let camel: PushRecord =
            serde_json::from_value(json!({"pushId": 1, "collapseId": 5})).unwrap();
        assert_eq!((camel.push_id.as_str(), camel.collapse_id), ("1", Some(5)));
    }

    #[test]
    fn a_channel_row_tolerates_missing_counters_and_numbers_as_strings() {
        let row: StatRow = serde_json::from_value(json!({
            "channel": "apns",
            "pushState": {"pushActiveUv": "1200", "pushOnlineUv": 1100, "verifySvcUv": 900, "clickUv": "30"}
        }))
        .unwrap();
        let stat = ChannelStat::from(row);
        assert_eq!(
            stat,
            ChannelStat {
                channel: "apns".into(),
                planned: 1200,
                sent: 1100,
                arrived: 900,
                clicked: 30,
                cleared: 0
            }
        );
    }
}
