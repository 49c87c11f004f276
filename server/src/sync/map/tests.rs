use super::*;
use serde_json::json;

/// 2025-03-10 10:00:00 in UTC+8.
const T: i64 = 1_741_572_000;

fn record(v: Value) -> PushRecord {
    serde_json::from_value(v).expect("a record")
}

fn base() -> Value {
    json!({
        "pushId": "3900000001", "date": "2025-03-10 10:00:00", "createTime": T,
        "title": "Sale", "content": "50% off", "status": "PUSH_STARTED",
        "pushType": "all", "messageType": "notify", "expireTime": 86_400, "collapseID": 1001,
        "source": "api"
    })
}

fn with(mut v: Value, key: &str, value: Value) -> Value {
    v[key] = value;
    v
}

/// Read an hour after `T`.
const NOW: i64 = T + 3600;

fn map(v: Value) -> Option<TaskUpsert> {
    map_record(&record(v), Platform::Android, None, 480, NOW)
}

fn without(mut v: Value, key: &str) -> Value {
    v.as_object_mut().unwrap().remove(key);
    v
}

#[test]
fn an_immediate_push_to_all_devices_maps_every_field() {
    let t = map(base()).unwrap();
    assert_eq!(t.push_id, "3900000001");
    assert_eq!(t.status, Status::Pushing);
    assert_eq!(t.audience, Audience::All);
    assert_eq!(t.audience_summary, "All devices");
    assert_eq!(t.audience_detail, None);
    assert_eq!(t.message_type, MessageKind::Notify);
    assert_eq!((t.title.as_str(), t.content.as_str()), ("Sale", "50% off"));
    assert_eq!((t.created_at, t.push_time, t.send_time), (T, T, None));
    assert_eq!(t.expire_secs, Some(86_400));
    assert_eq!(t.collapse_id, Some(1001));
    assert_eq!(t.source, Source::Api);
    assert_eq!(t.platform, Platform::Android);
}

#[test]
fn a_push_time_after_the_creation_time_is_a_scheduled_send_time() {
    let t = map(with(base(), "date", json!("2025-03-10 20:00:00"))).unwrap();
    assert_eq!(t.created_at, T);
    assert_eq!(t.send_time, Some(T + 10 * 3600));
    assert_eq!(t.push_time, T + 10 * 3600);
}

#[test]
fn the_push_time_is_read_in_the_upstream_zone() {
    let rec = record(base());
    let utc = map_record(&rec, Platform::Android, None, 0, NOW).unwrap();
    let cst = map_record(&rec, Platform::Android, None, 480, NOW).unwrap();
    // Read as UTC, the same wall-clock time is eight hours later than read as UTC+8, and so
    // looks scheduled.
    assert_eq!(utc.push_time - cst.push_time, 8 * 3600);
    assert_eq!(utc.send_time, Some(utc.push_time));
}

#[test]
fn without_create_time_the_push_time_is_the_creation_time_and_defaults_fill_the_gaps() {
    let mut v = base();
    let o = v.as_object_mut().unwrap();
    o.remove("createTime");
    o.remove("expireTime");
    o.remove("collapseID");
    let t = map(v).unwrap();
    assert_eq!((t.created_at, t.send_time), (T, None));
    assert_eq!(
        t.expire_secs, None,
        "TPNS's default on insert, an earlier value kept"
    );
    assert_eq!(t.collapse_id, None);
}

#[test]
fn unknown_statuses_and_audiences_and_records_without_a_time_are_skipped() {
    assert!(map(with(base(), "status", json!("PUSH_SOMETHING_NEW"))).is_none());
    assert!(map(with(base(), "pushType", json!("geo_fence"))).is_none());
    let v = with(
        with(base(), "date", json!("yesterday")),
        "createTime",
        Value::Null,
    );
    assert!(map(v).is_none());
    // A garbled date with a creation time still maps, at the creation time.
    let t = map(with(base(), "date", json!("yesterday"))).unwrap();
    assert_eq!((t.push_time, t.send_time), (T, None));
}

#[test]
fn every_status_maps_to_its_friendly_name() {
    for s in Status::ALL {
        let t = map(with(base(), "status", json!(s.upstream()))).unwrap();
        assert_eq!(t.status, s);
    }
}

#[test]
fn a_tag_push_is_summarised_and_its_rules_can_be_pushed_again() {
    let v = with(
        with(base(), "pushType", json!("tag")),
        "tagSet",
        json!({"op": "OR", "tagWithType": [
            {"tagTypeName": "xg_user_define", "tagValue": "vip"},
            {"tagTypeName": "xg_user_define", "tagValue": "beta"}
        ]}),
    );
    let t = map(v).unwrap();
    assert_eq!(t.audience, Audience::Tag);
    assert_eq!(t.audience_summary, "Tag: vip OR beta");
    let detail: Value = serde_json::from_str(t.audience_detail.as_deref().unwrap()).unwrap();
    assert_eq!(
        detail,
        json!({"tag_rules": [{"is_not": false, "tag_items": [{
            "tags": ["vip", "beta"], "is_not": false, "tags_operator": "OR",
            "items_operator": "OR", "tag_type": "xg_user_define"
        }]}]})
    );
}

#[test]
fn a_tag_push_without_a_tag_set_keeps_a_plain_summary() {
    let t = map(with(base(), "pushType", json!("tag"))).unwrap();
    assert_eq!(
        (t.audience_summary.as_str(), t.audience_detail),
        ("Tag", None)
    );
}

#[test]
fn account_and_device_lists_are_counted_and_kept_for_an_override() {
    let accounts: Vec<String> = (0..1204).map(|i| format!("user_{i}")).collect();
    let v = with(
        with(base(), "pushType", json!("account_list")),
        "targetList",
        json!(accounts),
    );
    let t = map(v).unwrap();
    assert_eq!(t.audience, Audience::AccountList);
    assert_eq!(t.audience_summary, "1,204 accounts");
    let detail: Value = serde_json::from_str(t.audience_detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail["account_list"].as_array().unwrap().len(), 1204);

    let v = with(
        with(base(), "pushType", json!("token")),
        "targetList",
        json!(["0123456789abcdef0123456789abcdef0123"]),
    );
    let t = map(v).unwrap();
    assert_eq!(t.audience, Audience::Token);
    assert_eq!(t.audience_summary, "1 device");
}

#[test]
fn packages_are_named_by_their_upload_id() {
    let v = with(
        with(base(), "pushType", json!("package_account_push")),
        "uploadId",
        json!(36217),
    );
    let t = map(v).unwrap();
    assert_eq!(t.audience, Audience::PackageAccount);
    assert_eq!(t.audience_summary, "Account package #36217");
    assert_eq!(t.audience_detail.as_deref(), Some(r#"{"upload_id":36217}"#));
    let t = map(with(base(), "pushType", json!("package_token_push"))).unwrap();
    assert_eq!(
        (t.audience_summary.as_str(), t.audience_detail),
        ("Device package", None)
    );
}

#[test]
fn tasks_from_the_tpns_console_are_web_tasks_unless_the_console_says_otherwise() {
    let web = record(with(base(), "source", json!("web")));
    assert_eq!(
        map_record(&web, Platform::Ios, None, 480, NOW)
            .unwrap()
            .source,
        Source::Web
    );
    for api in [
        with(base(), "source", json!("api")),
        without(base(), "source"),
    ] {
        assert_eq!(map(api).unwrap().source, Source::Api);
    }
    let ours = map_record(&web, Platform::Ios, Some(Source::Console), 480, NOW).unwrap();
    assert_eq!(
        (ours.source, ours.platform),
        (Source::Console, Platform::Ios)
    );
}

#[test]
fn without_create_time_a_waiting_task_with_a_later_push_time_is_scheduled() {
    // 2025-03-12 10:00:00 (+08:00): two days after `T`, read an hour after `T`.
    let later = "2025-03-12 10:00:00";
    for status in ["PUSH_WAIT", "PUSH_INIT"] {
        let v = with(
            with(without(base(), "createTime"), "date", json!(later)),
            "status",
            json!(status),
        );
        let t = map(v).unwrap();
        assert_eq!(t.send_time, Some(T + 2 * 86_400), "{status}");
        assert_eq!(t.created_at, NOW, "first seen: the best Pushdeck knows");
    }
    // Sent already: a push time in the past says nothing about a schedule.
    let sent = with(
        without(base(), "createTime"),
        "status",
        json!("PUSH_FINISHED"),
    );
    assert_eq!(map(sent).unwrap().send_time, None);
    // Started early or a clock ahead of ours by seconds: not a schedule.
    let soon = with(
        with(
            without(base(), "createTime"),
            "date",
            json!("2025-03-10 11:00:30"),
        ),
        "status",
        json!("PUSH_WAIT"),
    );
    assert_eq!(map(soon).unwrap().send_time, None);
}

#[test]
fn the_message_beyond_title_and_content_is_kept() {
    let config = json!({"android": {"action": {"action_type": 2, "browser": {"url": "https://x.example"}}, "custom_content": "{\"k\":1}"}, "ios": null});
    let v = with(
        with(base(), "pushConfig", config.clone()),
        "environment",
        json!("dev"),
    );
    let t = map(with(
        v,
        "loopParam",
        json!({"startDate": "2025-03-10", "loopType": 1}),
    ))
    .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(t.message.push_config.as_deref().unwrap()).unwrap(),
        config
    );
    assert_eq!(t.message.environment.as_deref(), Some("dev"));
    assert!(t.message.recurring);
    let plain = map(with(base(), "loopParam", json!({}))).unwrap();
    assert_eq!(
        (
            plain.message.push_config,
            plain.message.environment,
            plain.message.recurring
        ),
        (None, None, false)
    );
    assert_eq!(plain.message.upstream_source.as_deref(), Some("api"));
    let unsaid = map(without(base(), "source")).unwrap();
    assert_eq!(
        unsaid.message.upstream_source, None,
        "a sparse record says nothing"
    );
}

#[test]
fn an_in_app_message_and_the_intl_spelling_of_notify_are_both_read() {
    let t = map(with(base(), "messageType", json!("message"))).unwrap();
    assert_eq!(t.message_type, MessageKind::Message);
    let t = map(with(base(), "messageType", json!("notification"))).unwrap();
    assert_eq!(t.message_type, MessageKind::Notify);
}
