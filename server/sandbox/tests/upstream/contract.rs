//! Every endpoint through the real client over HTTP: success, not found, both auth schemes and
//! wrong credentials, under every answer profile (`sandbox::Profile`): each test runs as
//! `name::friendly`, `name::sparse` and `name::quirky`. Where a profile legitimately answers
//! less or otherwise, the test says what it expects of that profile.

use std::sync::Arc;
use std::time::Duration;

use domain::{Audience, Channel, Status};
use sandbox::{DeviceClass, Profile, TaskSpec};
use secrecy::SecretString;
use serde_json::json;
use tpns::clock::{ManualClock, SharedClock};
use tpns::{ChannelStat, RecordQuery, TagItem, TagList, TagRule, UpstreamKind};

use crate::helpers::*;

every_profile!(
    a_signed_push_creates_a_task_that_reads_back_with_its_fields,
    a_tag_push_reads_back_with_its_tag_set_and_a_list_push_with_its_targets,
    basic_auth_works_for_every_endpoint,
    a_wrong_secret_is_an_authentication_error_in_both_schemes,
    an_unknown_access_id_is_refused_as_the_wrong_access_point,
    a_signature_timestamp_more_than_ten_minutes_off_the_sandbox_clock_is_refused,
    an_unknown_push_id_is_not_found_on_every_query_and_action,
    a_task_of_another_app_is_not_found,
    the_time_range_query_pages_newest_first_and_filters,
    channel_statistics_use_tpns_channel_codes_with_both_huawei_classes_under_hw,
    ios_statistics_have_an_apns_row_whose_arrivals_come_from_verify_svc_uv,
    a_recurring_push_reads_back_with_its_schedule_and_platform_body,
    an_ios_push_reads_back_with_the_environment_it_said,
    a_task_scheduled_60_days_ahead_stays_reachable_until_a_month_after_its_send_time,
);

/// A value the profile's records carry, `None` under the sparse profile, which keeps only what
/// a record must have.
fn unless_sparse<T>(profile: Profile, value: T) -> Option<T> {
    (profile != Profile::Sparse).then_some(value)
}

async fn a_signed_push_creates_a_task_that_reads_back_with_its_fields(profile: Profile) {
    let sb = TestSandbox::with_profile(profile).await;
    let mut req = push(Audience::All, "Flash sale");
    req.seq = Some(42);
    req.expire_time = Some(3_600);
    let android = json!({
        "n_ch_id": "promotions",
        "action": {"action_type": 2, "browser": {"url": "https://shop.example.com/sale", "confirm": 0}},
        "custom_content": "{\"campaign\":\"flash\"}"
    });
    req.message.android = Some(android.clone());
    let resp = sb.client.push(&sb.creds(ANDROID), &req).await.unwrap();
    assert_eq!(resp.seq, unless_sparse(profile, 42).unwrap_or(0));
    assert_eq!(resp.push_ids, vec![resp.push_id.clone()]);
    let rec = sb
        .client
        .push_record(&sb.creds(ANDROID), &resp.push_id)
        .await
        .unwrap();
    assert_eq!(rec.push_id, resp.push_id);
    assert_eq!(rec.title, "Flash sale");
    assert_eq!(Status::from_upstream(&rec.status), Some(Status::Pushing));
    assert_eq!(
        (rec.push_type.as_str(), rec.message_type.as_str()),
        ("all", "notify")
    );
    assert_eq!(rec.date, "2025-03-10 10:00:00");
    assert!(rec.collapse_id.is_some(), "an all push gets a collapseID");
    assert_eq!(rec.expire_time, unless_sparse(profile, 3_600));
    assert_eq!(rec.create_time, unless_sparse(profile, START_S));
    assert_eq!(rec.source.as_deref(), unless_sparse(profile, "api"));
    assert_eq!(
        rec.environment.as_deref(),
        unless_sparse(profile, "product")
    );
    assert_eq!(rec.multi_pkg, unless_sparse(profile, false));
    assert_eq!(
        rec.push_config.as_ref().map(|c| &c["android"]),
        unless_sparse(profile, &android),
        "the record shows the Android body the push gave"
    );
    assert_eq!(rec.loop_param, None, "not a recurring push");
}

async fn a_tag_push_reads_back_with_its_tag_set_and_a_list_push_with_its_targets(profile: Profile) {
    let sb = TestSandbox::with_profile(profile).await;
    let c = sb.creds(ANDROID);
    let mut req = push(Audience::Tag, "VIP preview");
    req.tag_rules = Some(vec![TagRule {
        tag_items: vec![TagItem {
            tags: vec!["vip".into(), "city_shanghai".into()],
            is_not: false,
            tags_operator: "OR".into(),
            items_operator: "OR".into(),
            tag_type: "xg_user_define".into(),
        }],
        operator: None,
        is_not: false,
    }]);
    let id = sb.client.push(&c, &req).await.unwrap().push_id;
    let rec = sb.client.push_record(&c, &id).await.unwrap();
    assert_eq!(rec.push_type, "tag");
    assert_eq!(
        rec.tag_set.unwrap()["tagWithType"][1]["tagValue"],
        "city_shanghai"
    );
    let mut legacy = push(Audience::Tag, "legacy tag_list");
    legacy.tag_list = Some(TagList {
        tags: vec!["sports".into()],
        op: "AND".into(),
    });
    sb.advance(Duration::from_secs(1));
    assert!(sb.client.push(&c, &legacy).await.is_ok());
    let mut accounts = push(Audience::AccountList, "Your order has shipped");
    accounts.account_list = Some(vec!["user_1".into(), "user_2".into()]);
    let id = sb.client.push(&c, &accounts).await.unwrap().push_id;
    let rec = sb.client.push_record(&c, &id).await.unwrap();
    assert_eq!(rec.target_list, ["user_1", "user_2"]);
    assert!(
        rec.collapse_id.is_some(),
        "account lists get a collapseID too (recall page)"
    );
    assert_eq!(
        sb.handle.task(&id).unwrap().total().planned,
        2,
        "one device per account"
    );
}

async fn basic_auth_works_for_every_endpoint(profile: Profile) {
    let sb = TestSandbox::with_profile(profile).await;
    let c = sb.basic(ANDROID);
    let id = sb
        .client
        .push(&c, &push(Audience::All, "Basic"))
        .await
        .unwrap()
        .push_id;
    sb.advance(Duration::from_secs(60));
    assert!(sb.client.push_record(&c, &id).await.is_ok());
    assert!(sb.client.task_stat_channel(&c, &id).await.is_ok());
    let q = month_query(10);
    assert_eq!(sb.client.push_records(&c, &q).await.unwrap().count, 1);
    sb.client.stop_push(&c, &id).await.unwrap();
    let scheduled = sb.scheduled_task(ANDROID, 3600);
    sb.client.cancel_timing_task(&c, &scheduled).await.unwrap();
    let other = sb.push_all("for recall").await;
    sb.client.revoke_push(&c, &other).await.unwrap();
}

async fn a_wrong_secret_is_an_authentication_error_in_both_schemes(profile: Profile) {
    let sb = TestSandbox::with_profile(profile).await;
    for mut c in [sb.creds(ANDROID), sb.basic(ANDROID)] {
        c.secret = SecretString::from("not-the-secret");
        let err = sb
            .client
            .push(&c, &push(Audience::All, "x"))
            .await
            .unwrap_err();
        assert_eq!(
            (err.code(), err.kind()),
            (Some(1008003), UpstreamKind::Auth),
            "{err}"
        );
        assert!(!err.to_string().contains("not-the-secret"));
    }
}

async fn an_unknown_access_id_is_refused_as_the_wrong_access_point(profile: Profile) {
    let sb = TestSandbox::with_profile(profile).await;
    for mut c in [sb.creds(ANDROID), sb.basic(ANDROID)] {
        c.access_id = "1599999999".into();
        let err = sb.client.task_stat_channel(&c, "1").await.unwrap_err();
        assert_eq!(
            (err.code(), err.kind()),
            (Some(1008035), UpstreamKind::Auth),
            "{err}"
        );
    }
}

async fn a_signature_timestamp_more_than_ten_minutes_off_the_sandbox_clock_is_refused(
    profile: Profile,
) {
    let sb = TestSandbox::with_profile(profile).await;
    let skewed = |secs: i64| {
        client(SharedClock::manual(Arc::new(ManualClock::new(
            (START_S + secs) * 1000,
        ))))
    };
    let c = sb.creds(ANDROID);
    assert!(skewed(-599).push(&c, &token_push(1)).await.is_ok());
    let err = skewed(601).push(&c, &token_push(1)).await.unwrap_err();
    assert_eq!(err.code(), Some(1008003));
    // Basic auth carries no timestamp.
    assert!(
        skewed(3_600)
            .push(&sb.basic(ANDROID), &token_push(1))
            .await
            .is_ok()
    );
}

async fn an_unknown_push_id_is_not_found_on_every_query_and_action(profile: Profile) {
    let sb = TestSandbox::with_profile(profile).await;
    let c = sb.creds(ANDROID);
    let kinds = [
        sb.client
            .push_record(&c, "3999999999")
            .await
            .unwrap_err()
            .kind(),
        sb.client
            .task_stat_channel(&c, "3999999999")
            .await
            .unwrap_err()
            .kind(),
        sb.client
            .stop_push(&c, "3999999999")
            .await
            .unwrap_err()
            .kind(),
        sb.client
            .revoke_push(&c, "3999999999")
            .await
            .unwrap_err()
            .kind(),
        sb.client
            .cancel_timing_task(&c, "3999999999")
            .await
            .unwrap_err()
            .kind(),
    ];
    assert_eq!(kinds, [UpstreamKind::NotFound; 5]);
}

async fn a_task_of_another_app_is_not_found(profile: Profile) {
    let sb = TestSandbox::with_profile(profile).await;
    let id = sb.push_all("Android only").await;
    let err = sb
        .client
        .push_record(&sb.creds(NEWS), &id)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), UpstreamKind::NotFound);
}

async fn the_time_range_query_pages_newest_first_and_filters(profile: Profile) {
    let sb = TestSandbox::with_profile(profile).await;
    let c = sb.creds(ANDROID);
    let mut made = Vec::new();
    for _ in 0..5 {
        sb.advance(Duration::from_secs(10));
        made.push(
            sb.handle
                .create_task(ANDROID, &TaskSpec::default())
                .unwrap(),
        );
    }
    sb.advance(Duration::from_secs(10));
    for _ in 0..2 {
        made.push(sb.client.push(&c, &token_push(3)).await.unwrap().push_id);
    }
    let mut q = RecordQuery {
        limit: 3,
        msg_type: Some("notify".into()),
        ..month_query(3)
    };
    let page = sb.client.push_records(&c, &q).await.unwrap();
    assert_eq!(page.count, 7);
    let ids: Vec<_> = page.records.iter().map(|r| r.push_id.clone()).collect();
    assert_eq!(ids, vec![made[6].clone(), made[5].clone(), made[4].clone()]);
    q.offset = 6;
    assert_eq!(
        sb.client.push_records(&c, &q).await.unwrap().records[0].push_id,
        made[0]
    );
    q.offset = 0;
    q.push_type = Some("token".into());
    let tokens = sb.client.push_records(&c, &q).await.unwrap();
    assert_eq!(tokens.count, 2);
    assert_eq!(tokens.records[0].target_list.len(), 3);
    q.push_type = None;
    q.limit = 201;
    assert_eq!(
        sb.client.push_records(&c, &q).await.unwrap_err().code(),
        Some(1008007)
    );
    q.limit = 10;
    q.start_date = "2025-01-01".into();
    assert_eq!(
        sb.client.push_records(&c, &q).await.unwrap_err().code(),
        Some(1008007)
    );
    q.start_date = "10/03/2025".into();
    let err = sb.client.push_records(&c, &q).await.unwrap_err();
    assert_eq!(
        (err.code(), err.kind()),
        (Some(1008016), UpstreamKind::InvalidParameter)
    );
}

async fn channel_statistics_use_tpns_channel_codes_with_both_huawei_classes_under_hw(
    profile: Profile,
) {
    let sb = TestSandbox::with_profile(profile).await;
    let id = sb.push_all("Stats").await;
    sb.advance(Duration::from_secs(600));
    let stats = sb
        .client
        .task_stat_channel(&sb.creds(ANDROID), &id)
        .await
        .unwrap();
    let codes: Vec<_> = stats.iter().map(|s| s.channel.as_str()).collect();
    let known = ["xg", "hw", "honor", "xm", "mz", "oppo", "vivo", "fcm"];
    // The quirky profile reports shares of TPNS's and Huawei's devices under more codes.
    let more: &[&str] = match profile {
        Profile::Quirky => &["rog", "harmony", "newvendor"],
        Profile::Friendly | Profile::Sparse => &[],
    };
    let expected: Vec<&str> = known.iter().chain(more).copied().chain(["all"]).collect();
    assert_eq!(codes, expected);
    assert!(known.iter().all(|c| Channel::from_code(c).is_some()));
    let snap = sb.handle.task(&id).unwrap();
    let row = |code: &str| {
        stats
            .iter()
            .find(|s| s.channel == code)
            .cloned()
            .unwrap_or_default()
    };
    let (hw, harmony) = (row("hw"), row("harmony"));
    let both = snap.sum(&[DeviceClass::HuaweiModern, DeviceClass::HuaweiLegacy]);
    assert_eq!(
        (hw.planned + harmony.planned, hw.arrived + harmony.arrived),
        (both.planned, both.arrived)
    );
    assert!(snap.class(DeviceClass::HuaweiLegacy).planned > 0);
    let all = stats.last().unwrap();
    assert_eq!(all.planned, snap.total().planned);
    assert!(all.arrived > 0 && all.sent >= all.arrived);
}

async fn ios_statistics_have_an_apns_row_whose_arrivals_come_from_verify_svc_uv(profile: Profile) {
    let sb = TestSandbox::with_profile(profile).await;
    let mut req = push(Audience::All, "iOS");
    req.environment = Some("product".into());
    let resp = sb.client.push(&sb.basic(IOS), &req).await.unwrap();
    assert_eq!(
        resp.environment.as_deref(),
        unless_sparse(profile, "product")
    );
    sb.advance(Duration::from_secs(600));
    let stats = sb
        .client
        .task_stat_channel(&sb.basic(IOS), &resp.push_id)
        .await
        .unwrap();
    let codes: Vec<_> = stats.iter().map(|s| s.channel.as_str()).collect();
    assert_eq!(codes, ["apns", "all"]);
    assert!(stats[0].arrived > 0);
    assert_eq!(
        stats[0].arrived,
        sb.handle
            .task(&resp.push_id)
            .unwrap()
            .class(DeviceClass::Apns)
            .arrived
    );
}

async fn a_recurring_push_reads_back_with_its_schedule_and_platform_body(profile: Profile) {
    let sb = TestSandbox::with_profile(profile).await;
    let c = sb.creds(ANDROID);
    let schedule = json!({
        "startDate": "2025-03-11", "endDate": "2025-04-10", "loopType": 2,
        "loopDayIndexs": [0, 4], "dayTimes": ["09:30:00"]
    });
    let intent = "demoshop://com.example.shop/detail?id=7";
    let mut req = push(Audience::Tag, "Weekly picks");
    req.tag_list = Some(TagList {
        tags: vec!["vip".into()],
        op: "OR".into(),
    });
    req.loop_param = Some(schedule.clone());
    req.message.android = Some(json!({"action": {"action_type": 3, "intent": intent}}));
    let id = sb.client.push(&c, &req).await.unwrap().push_id;
    let rec = sb.client.push_record(&c, &id).await.unwrap();
    assert_eq!(rec.loop_param, unless_sparse(profile, schedule));
    assert_eq!(
        rec.push_config
            .as_ref()
            .map(|p| p["android"]["action"]["intent"].clone()),
        unless_sparse(profile, json!(intent))
    );
    assert_eq!(rec.tag_set.unwrap()["tagWithType"][0]["tagValue"], "vip");
}

async fn an_ios_push_reads_back_with_the_environment_it_said(profile: Profile) {
    let sb = TestSandbox::with_profile(profile).await;
    let c = sb.basic(IOS);
    for env in ["dev", "product"] {
        let mut req = token_push(1);
        req.environment = Some(env.into());
        req.message.ios = Some(json!({"aps": {"sound": "default", "badge_type": -1}}));
        let resp = sb.client.push(&c, &req).await.unwrap();
        assert_eq!(resp.environment.as_deref(), unless_sparse(profile, env));
        let rec = sb.client.push_record(&c, &resp.push_id).await.unwrap();
        assert_eq!(rec.environment.as_deref(), unless_sparse(profile, env));
        assert_eq!(
            rec.push_config.map(|p| p["ios"]["aps"]["sound"].clone()),
            unless_sparse(profile, json!("default"))
        );
    }
}

/// TPNS allows a `send_time` 90 days ahead and keeps tasks "of the last month": measured from
/// the push time, a task scheduled far ahead can still be read and canceled before it goes out.
async fn a_task_scheduled_60_days_ahead_stays_reachable_until_a_month_after_its_send_time(
    profile: Profile,
) {
    const DAY: u64 = 86_400;
    let sb = TestSandbox::with_profile(profile).await;
    let c = sb.creds(ANDROID);
    let mut req = push(Audience::All, "Summer sale opens");
    req.send_time = Some(sb.send_time_in(60 * DAY as i64));
    let scheduled = sb.client.push(&c, &req).await.unwrap().push_id;
    let immediate = sb.push_all("Today only").await;
    sb.advance(Duration::from_secs(40 * DAY));
    let rec = sb.client.push_record(&c, &scheduled).await.unwrap();
    assert_eq!(Status::from_upstream(&rec.status), Some(Status::Scheduled));
    assert_eq!(
        sb.client
            .push_record(&c, &immediate)
            .await
            .unwrap_err()
            .kind(),
        UpstreamKind::NotFound,
        "an immediate push of 40 days ago is past the month"
    );
    sb.client.cancel_timing_task(&c, &scheduled).await.unwrap();
    assert_eq!(
        sb.client.push_record(&c, &scheduled).await.unwrap().status,
        "PUSH_CANCELED"
    );
    // 30 days after its send time it is still there; 32 days after, gone like any other.
    sb.advance(Duration::from_secs(50 * DAY));
    assert!(sb.client.push_record(&c, &scheduled).await.is_ok());
    sb.advance(Duration::from_secs(2 * DAY));
    let err = sb.client.push_record(&c, &scheduled).await.unwrap_err();
    assert_eq!(err.kind(), UpstreamKind::NotFound);
    let err = sb
        .client
        .cancel_timing_task(&c, &scheduled)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), UpstreamKind::NotFound);
}

#[tokio::test]
async fn under_quirky_unknown_channel_codes_come_through_with_their_counts_and_all_adds_them_up() {
    let sb = TestSandbox::with_profile(Profile::Quirky).await;
    let id = sb.push_all("New vendors").await;
    sb.advance(Duration::from_secs(1_800));
    let stats = sb
        .client
        .task_stat_channel(&sb.creds(ANDROID), &id)
        .await
        .unwrap();
    let row = |code: &str| {
        stats
            .iter()
            .find(|s| s.channel == code)
            .unwrap_or_else(|| panic!("no `{code}` row in {stats:?}"))
    };
    for code in ["rog", "harmony", "newvendor"] {
        let r = row(code);
        assert!(
            r.planned > 0 && r.sent > 0 && r.arrived > 0 && r.clicked > 0,
            "{r:?}"
        );
    }
    assert_eq!(
        Channel::from_code("newvendor"),
        None,
        "a code Pushdeck does not model"
    );
    let channels: Vec<&ChannelStat> = stats.iter().filter(|s| s.channel != "all").collect();
    let sum =
        |rows: &[&ChannelStat], f: fn(&ChannelStat) -> u64| rows.iter().map(|r| f(r)).sum::<u64>();
    let all = row("all");
    assert_eq!(all.planned, sum(&channels, |r| r.planned));
    assert_eq!(all.sent, sum(&channels, |r| r.sent));
    assert_eq!(all.arrived, sum(&channels, |r| r.arrived));
    // Clicks and clears add up TPNS's own channel, ROG and FCM only (§4).
    let own: Vec<&ChannelStat> = channels
        .iter()
        .copied()
        .filter(|r| ["xg", "rog", "fcm"].contains(&r.channel.as_str()))
        .collect();
    assert_eq!(all.clicked, sum(&own, |r| r.clicked));
    assert_eq!(all.cleared, sum(&own, |r| r.cleared));
    assert!(all.clicked < sum(&channels, |r| r.clicked));
    // The world underneath is the same: the devices are only reported under more codes.
    let snap = sb.handle.task(&id).unwrap();
    assert_eq!(all.planned, snap.total().planned);
    assert_eq!(
        row("xg").planned + row("rog").planned + row("newvendor").planned,
        snap.class(DeviceClass::Tpns).planned
    );
}

#[tokio::test]
async fn under_quirky_waiting_tasks_made_in_tpns_console_answer_a_status_the_console_does_not_know()
{
    let with_history = |profile: Profile| {
        move |c: &mut sandbox::SandboxConfig| {
            c.settings.profile = profile;
            c.settings.history_days = 2;
            c.settings.history_per_day = 6;
        }
    };
    let sb = TestSandbox::start_with(with_history(Profile::Quirky)).await;
    let friendly = TestSandbox::start_with(with_history(Profile::Friendly)).await;
    let c = sb.creds(ANDROID);
    let made = sb
        .handle
        .create_task(
            ANDROID,
            &TaskSpec {
                send_in: Some(Duration::from_secs(3_600)),
                source: Some("web".into()),
                ..TaskSpec::default()
            },
        )
        .unwrap();
    let mut req = push(Audience::All, "Scheduled through the API");
    req.send_time = Some(sb.send_time_in(3_600));
    let pushed = sb.client.push(&c, &req).await.unwrap().push_id;
    let records = sb
        .client
        .push_records(&c, &month_query(200))
        .await
        .unwrap()
        .records;
    let unknown: Vec<_> = records
        .iter()
        .filter(|r| Status::from_upstream(&r.status).is_none())
        .collect();
    assert!(
        !unknown.is_empty(),
        "the history's console-made scheduled tasks"
    );
    for r in &unknown {
        assert_eq!(r.status, "PUSH_AUDITING");
        assert_eq!(r.source.as_deref(), Some("web"));
        let same = friendly
            .client
            .push_record(&friendly.creds(ANDROID), &r.push_id)
            .await
            .unwrap();
        assert_eq!(
            same.status, "PUSH_WAIT",
            "the friendly answer for the same task"
        );
    }
    // What a test made, through the API or the controls, reads back as it was made.
    for id in [made, pushed] {
        let rec = sb.client.push_record(&c, &id).await.unwrap();
        assert_eq!(rec.status, "PUSH_WAIT", "{id}");
    }
}

/// The raw answers, to be sure each profile says what it claims (the client reads them all
/// alike, so the tests above cannot tell).
#[tokio::test]
async fn each_profile_words_its_answers_its_own_way() {
    let body = r#"{"audience_type":"all","message_type":"notify","message":{"title":"t","content":"c"},"seq":7}"#;
    let list = r#"{"startDate":"2025-03-01","endDate":"2025-03-10","limit":10,"offset":0}"#;
    for profile in Profile::ALL {
        let sb = TestSandbox::with_profile(profile).await;
        let pushed = sb.raw_post(ANDROID, "/v3/push/app", body).await;
        sb.advance(Duration::from_secs(60));
        let (id, single) = match profile {
            Profile::Friendly => {
                assert_eq!(
                    (&pushed["ret_code"], &pushed["seq"]),
                    (&json!(0), &json!(7))
                );
                let id = pushed["push_id"].as_str().unwrap().to_string();
                let rec = sb
                    .raw_post(
                        ANDROID,
                        "/v3/statistics/get_push_record",
                        &format!(r#"{{"pushId":"{id}"}}"#),
                    )
                    .await;
                assert!(rec["pushRecordData"][0]["pushId"].is_u64(), "{rec}");
                assert!(rec["pushRecordData"][0]["createTime"].is_i64(), "{rec}");
                (id, rec)
            }
            Profile::Sparse => {
                assert_eq!(pushed.as_object().unwrap().len(), 3, "{pushed}");
                let id = pushed["push_id"].as_str().unwrap().to_string();
                let rec = sb
                    .raw_post(
                        ANDROID,
                        "/v3/statistics/get_push_record",
                        &format!(r#"{{"pushId":"{id}"}}"#),
                    )
                    .await;
                let keys: Vec<&String> = rec["pushRecordData"][0]
                    .as_object()
                    .unwrap()
                    .keys()
                    .collect();
                assert_eq!(
                    keys,
                    [
                        "collapseID",
                        "content",
                        "date",
                        "messageType",
                        "pushId",
                        "pushType",
                        "status",
                        "title"
                    ],
                    "{rec}"
                );
                (id, rec)
            }
            Profile::Quirky => {
                assert_eq!(
                    (&pushed["retCode"], &pushed["errMsg"]),
                    (&json!(0), &json!("NO_ERROR"))
                );
                let id = pushed["push_id"][0].as_str().unwrap().to_string();
                let rec = sb
                    .raw_post(
                        ANDROID,
                        "/v3/statistics/get_push_record",
                        &format!(r#"{{"pushId":"{id}"}}"#),
                    )
                    .await;
                assert_eq!(rec["ret_code"], 0, "{rec}");
                let r = &rec["pushRecordData"][0];
                assert_eq!(r["push_id"], json!(id));
                assert!(
                    r["create_time"].as_str().unwrap().parse::<i64>().is_ok(),
                    "{r}"
                );
                assert!(
                    r["expire_time"].is_string() && r["collapseID"].is_string(),
                    "{r}"
                );
                assert!(
                    r.get("pushType").is_none() && r["push_type"] == "all",
                    "{r}"
                );
                let listed = sb
                    .raw_post(ANDROID, "/v3/statistics/get_push_record", list)
                    .await;
                assert!(listed["pushRecordData"][0]["push_id"].is_u64(), "{listed}");
                let stats = sb
                    .raw_post(
                        ANDROID,
                        "/v3/statistics/get_push_task_stat_channel",
                        &format!(r#"{{"pushId":"{id}"}}"#),
                    )
                    .await;
                assert!(
                    stats["pushStatDataAll"][0]["pushState"]["pushActiveUv"].is_string(),
                    "{stats}"
                );
                let stop = sb
                    .raw_post(
                        ANDROID,
                        "/v3/push/stop_push_msg",
                        &format!(r#"{{"pushId":"{id}"}}"#),
                    )
                    .await;
                assert_eq!(stop["retCode"], 0, "{stop}");
                (id, rec)
            }
        };
        assert!(!id.is_empty(), "{profile}: {single}");
    }
}
