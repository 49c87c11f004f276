//! Every endpoint through the real client over HTTP: success, not found, both auth schemes and
//! wrong credentials.

use std::sync::Arc;
use std::time::Duration;

use domain::{Audience, Channel, Status};
use sandbox::{DeviceClass, TaskSpec};
use secrecy::SecretString;
use tpns::clock::{ManualClock, SharedClock};
use tpns::{RecordQuery, TagItem, TagList, TagRule, UpstreamKind};

use crate::helpers::*;

#[tokio::test]
async fn a_signed_push_creates_a_task_that_reads_back_with_its_fields() {
    let sb = TestSandbox::start().await;
    let mut req = push(Audience::All, "Flash sale");
    req.seq = Some(42);
    req.expire_time = Some(3_600);
    let resp = sb.client.push(&sb.creds(ANDROID), &req).await.unwrap();
    assert_eq!(resp.seq, 42);
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
    assert_eq!(rec.expire_time, Some(3_600));
    assert_eq!(rec.date, "2025-03-10 10:00:00");
    assert_eq!(rec.create_time, Some(START_S));
    assert_eq!(rec.source.as_deref(), Some("api"));
    assert!(rec.collapse_id.is_some(), "an all push gets a collapseID");
}

#[tokio::test]
async fn a_tag_push_reads_back_with_its_tag_set_and_a_list_push_with_its_targets() {
    let sb = TestSandbox::start().await;
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

#[tokio::test]
async fn basic_auth_works_for_every_endpoint() {
    let sb = TestSandbox::start().await;
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

#[tokio::test]
async fn a_wrong_secret_is_an_authentication_error_in_both_schemes() {
    let sb = TestSandbox::start().await;
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

#[tokio::test]
async fn an_unknown_access_id_is_refused_as_the_wrong_access_point() {
    let sb = TestSandbox::start().await;
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

#[tokio::test]
async fn a_signature_timestamp_more_than_ten_minutes_off_the_sandbox_clock_is_refused() {
    let sb = TestSandbox::start().await;
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

#[tokio::test]
async fn an_unknown_push_id_is_not_found_on_every_query_and_action() {
    let sb = TestSandbox::start().await;
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

#[tokio::test]
async fn a_task_of_another_app_is_not_found() {
    let sb = TestSandbox::start().await;
    let id = sb.push_all("Android only").await;
    let err = sb
        .client
        .push_record(&sb.creds(NEWS), &id)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), UpstreamKind::NotFound);
}

#[tokio::test]
async fn the_time_range_query_pages_newest_first_and_filters() {
    let sb = TestSandbox::start().await;
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

#[tokio::test]
async fn channel_statistics_use_tpns_channel_codes_with_both_huawei_classes_under_hw() {
    let sb = TestSandbox::start().await;
    let id = sb.push_all("Stats").await;
    sb.advance(Duration::from_secs(600));
    let stats = sb
        .client
        .task_stat_channel(&sb.creds(ANDROID), &id)
        .await
        .unwrap();
    let codes: Vec<_> = stats.iter().map(|s| s.channel.as_str()).collect();
    assert_eq!(
        codes,
        [
            "xg", "hw", "honor", "xm", "mz", "oppo", "vivo", "fcm", "all"
        ]
    );
    assert!(
        codes
            .iter()
            .filter(|c| **c != "all")
            .all(|c| Channel::from_code(c).is_some())
    );
    let snap = sb.handle.task(&id).unwrap();
    let hw = stats.iter().find(|s| s.channel == "hw").unwrap();
    let both = snap.sum(&[DeviceClass::HuaweiModern, DeviceClass::HuaweiLegacy]);
    assert_eq!((hw.planned, hw.arrived), (both.planned, both.arrived));
    assert!(snap.class(DeviceClass::HuaweiLegacy).planned > 0);
    let all = stats.last().unwrap();
    assert_eq!(all.planned, snap.total().planned);
    assert!(all.arrived > 0 && all.sent >= all.arrived);
}

#[tokio::test]
async fn ios_statistics_have_an_apns_row_whose_arrivals_come_from_verify_svc_uv() {
    let sb = TestSandbox::start().await;
    let mut req = push(Audience::All, "iOS");
    req.environment = Some("product".into());
    let resp = sb.client.push(&sb.basic(IOS), &req).await.unwrap();
    assert_eq!(resp.environment.as_deref(), Some("product"));
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
