//! The body of `/v3/push/app` (`server/docs/tpns.md` §2), limited to the fields the console uses.
//! Absent fields are left out of the JSON rather than sent as `null`, so TPNS applies its own
//! defaults (`expire_time` 72 h, `seq` 0, …).

use domain::{Audience, MessageKind};
use serde::{Serialize, Serializer};
use serde_json::Value;

/// A push, a scheduled push, or an override (a push carrying `collapse_id`).
#[derive(Clone, Debug, Serialize)]
pub struct PushRequest {
    #[serde(serialize_with = "audience_upstream")]
    pub audience_type: Audience,
    /// `android`/`ios`: no longer documented but still in the override sample (§2.1); harmless.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// For `tag`; preferred over `tag_list`, which TPNS ignores when both are present (§2.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag_rules: Option<Vec<TagRule>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag_list: Option<TagList>,
    /// For `token` and `token_list`: at most 1,000 tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_list: Option<Vec<String>>,
    /// For `account` and `account_list`: at most 1,000 accounts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_list: Option<Vec<String>>,
    /// For `package_account_push` and `package_token_push` (§7).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upload_id: Option<i64>,
    #[serde(serialize_with = "message_kind_upstream")]
    pub message_type: MessageKind,
    pub message: Message,
    /// iOS only, and required there: `product` or `dev`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// `yyyy-MM-DD HH:MM:SS` in TPNS's time zone; only for all, tag and account packages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_time: Option<String>,
    /// Offline-storage period in seconds (0–259200; TPNS raises 1–799 to 800).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<i64>,
    /// The override key read from the old task's `collapseID` (§5, step 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collapse_id: Option<i64>,
    /// Whether devices that cannot replace a notification still get the override: every channel
    /// but the ones TPNS names as able to (its own, Xiaomi, Meizu, Huawei EMUI 10+, APNs), i.e.
    /// OPPO, vivo, Huawei below EMUI 10, Honor, FCM (§5.1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub force_collapse: Option<bool>,
    /// Echoed back in the answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq: Option<i64>,
    /// Throttle, 1,000–50,000 per second, for all/tag/package pushes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub push_speed: Option<u32>,
    /// A recurring push (§2.4; all, tag and account packages): `{startDate, endDate, loopType,
    /// loopDayIndexs, dayTimes}`, passed through as JSON since the spelling of `dayTimes` is
    /// UNCONFIRMED.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loop_param: Option<Value>,
}

impl PushRequest {
    /// A push with only the required fields set.
    pub fn new(
        audience: Audience,
        message_type: MessageKind,
        title: impl Into<String>,
        content: impl Into<String>,
    ) -> PushRequest {
        PushRequest {
            audience_type: audience,
            platform: None,
            tag_rules: None,
            tag_list: None,
            token_list: None,
            account_list: None,
            upload_id: None,
            message_type,
            message: Message {
                title: title.into(),
                content: content.into(),
                android: None,
                ios: None,
            },
            environment: None,
            send_time: None,
            expire_time: None,
            collapse_id: None,
            force_collapse: None,
            seq: None,
            push_speed: None,
            loop_param: None,
        }
    }
}

/// The `message` object (§2.3). The platform bodies are passed through as JSON: the console
/// edits only title and content and keeps whatever else the original carried.
#[derive(Clone, Debug, Serialize)]
pub struct Message {
    pub title: String,
    pub content: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub android: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ios: Option<Value>,
}

/// One element of `tag_rules` (§2.2).
#[derive(Clone, Debug, Serialize)]
pub struct TagRule {
    pub tag_items: Vec<TagItem>,
    /// Joins this rule to the previous one; ignored on the first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    pub is_not: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct TagItem {
    pub tags: Vec<String>,
    pub is_not: bool,
    pub tags_operator: String,
    pub items_operator: String,
    /// `xg_user_define`, `xg_auto_province`, …
    pub tag_type: String,
}

/// The legacy `tag_list`: `{"tags": [...], "op": "AND"|"OR"}`.
#[derive(Clone, Debug, Serialize)]
pub struct TagList {
    pub tags: Vec<String>,
    pub op: String,
}

fn audience_upstream<S: Serializer>(a: &Audience, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(a.upstream())
}

fn message_kind_upstream<S: Serializer>(k: &MessageKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(k.upstream())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_minimal_push_serialises_only_the_fields_that_are_set() {
        let req = PushRequest::new(Audience::All, MessageKind::Notify, "Hi", "Hello");
        assert_eq!(
            serde_json::to_value(&req).unwrap(),
            json!({"audience_type":"all","message_type":"notify","message":{"title":"Hi","content":"Hello"}})
        );
    }

    #[test]
    fn an_override_carries_collapse_id_and_force_collapse_with_upstream_spellings() {
        let mut req = PushRequest::new(Audience::PackageAccount, MessageKind::Message, "T", "C");
        req.collapse_id = Some(1);
        req.force_collapse = Some(false);
        req.upload_id = Some(36217);
        req.send_time = Some("2024-01-01 20:00:00".into());
        let v = serde_json::to_value(&req).unwrap();
        assert_eq!(v["audience_type"], "package_account_push");
        assert_eq!(v["message_type"], "message");
        assert_eq!(v["collapse_id"], 1);
        assert_eq!(v["force_collapse"], false);
        assert_eq!(v["upload_id"], 36217);
        assert!(v.get("expire_time").is_none());
    }
}
