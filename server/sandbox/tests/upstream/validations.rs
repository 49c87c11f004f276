//! The sandbox refuses what TPNS refuses, with TPNS's codes, and the client turns each refusal
//! into an error of the right kind with the upstream message kept.

use std::time::Duration;

use domain::{Audience, Status};
use sandbox::TaskSpec;
use serde_json::{Value, json};
use tpns::{TpnsError, UpstreamKind};

use crate::helpers::*;

fn code(r: Result<impl std::fmt::Debug, TpnsError>) -> Option<i64> {
    r.expect_err("the sandbox refuses").code()
}

#[tokio::test]
async fn missing_required_fields_are_1008002() {
    let sb = TestSandbox::start().await;
    let v = sb
        .raw_post(
            ANDROID,
            "/v3/push/app",
            r#"{"message_type":"notify","message":{"title":"t","content":"c"}}"#,
        )
        .await;
    assert_eq!(v["ret_code"], 1008002);
    assert!(v["err_msg"].as_str().unwrap().contains("audience_type"));
    let v = sb
        .raw_post(
            ANDROID,
            "/v3/push/app",
            r#"{"audience_type":"all","message_type":"notify","message":{"title":"t"}}"#,
        )
        .await;
    assert_eq!(v["ret_code"], 1008002);
    let c = sb.creds(ANDROID);
    assert_eq!(
        code(
            sb.client
                .push(&c, &push(Audience::TokenList, "no tokens"))
                .await
        ),
        Some(1008002)
    );
    assert_eq!(
        code(sb.client.push(&c, &push(Audience::Tag, "no tags")).await),
        Some(1008002)
    );
    assert_eq!(
        code(
            sb.client
                .push(&c, &push(Audience::PackageAccount, "no upload"))
                .await
        ),
        Some(1008002)
    );
    let v = sb
        .raw_post(ANDROID, "/v3/statistics/get_push_task_stat_channel", "{}")
        .await;
    assert_eq!(v["retCode"], 1008002);
}

#[tokio::test]
async fn an_ios_push_needs_a_valid_environment() {
    let sb = TestSandbox::start().await;
    let c = sb.basic(IOS);
    let mut req = push(Audience::All, "iOS");
    assert_eq!(code(sb.client.push(&c, &req).await), Some(1008002));
    req.environment = Some("staging".into());
    assert_eq!(code(sb.client.push(&c, &req).await), Some(1008007));
    req.environment = Some("dev".into());
    assert_eq!(
        sb.client
            .push(&c, &req)
            .await
            .unwrap()
            .environment
            .as_deref(),
        Some("dev")
    );
}

#[tokio::test]
async fn list_audiences_are_limited_to_1000_targets() {
    let sb = TestSandbox::start().await;
    let c = sb.creds(ANDROID);
    assert!(sb.client.push(&c, &token_push(1_000)).await.is_ok());
    let err = sb.client.push(&c, &token_push(1_001)).await.unwrap_err();
    assert_eq!(
        (err.code(), err.kind()),
        (Some(1008007), UpstreamKind::InvalidParameter)
    );
    let mut accounts = push(Audience::AccountList, "accounts");
    accounts.account_list = Some((0..1_001).map(|i| format!("user{i}")).collect());
    assert_eq!(code(sb.client.push(&c, &accounts).await), Some(1008007));
}

#[tokio::test]
async fn send_time_is_checked_for_format_audience_and_the_ten_minute_rule() {
    let sb = TestSandbox::start().await;
    let c = sb.creds(ANDROID);
    let mut req = push(Audience::All, "scheduled");
    req.send_time = Some(sb.send_time_in(-11 * 60));
    let err = sb.client.push(&c, &req).await.unwrap_err();
    assert_eq!(
        (err.code(), err.kind()),
        (Some(10010012), UpstreamKind::InvalidSendTime)
    );
    req.send_time = Some(sb.send_time_in(91 * 86_400));
    assert_eq!(code(sb.client.push(&c, &req).await), Some(10010012));
    for bad in [
        "2025-03-10T20:00",
        "2025-03-10T20:00:00",
        "2025-03-10 20:00",
        "tonight",
    ] {
        req.send_time = Some(bad.into());
        assert_eq!(code(sb.client.push(&c, &req).await), Some(1008007), "{bad}");
    }
    let mut tokens = token_push(2);
    tokens.send_time = Some(sb.send_time_in(3_600));
    assert_eq!(code(sb.client.push(&c, &tokens).await), Some(1008007));
    // Up to ten minutes in the past starts at once.
    req.send_time = Some(sb.send_time_in(-5 * 60));
    let id = sb.client.push(&c, &req).await.unwrap().push_id;
    assert_eq!(sb.handle.task(&id).unwrap().status, Status::Pushing);
}

#[tokio::test]
async fn expire_time_must_lie_within_72_hours_and_short_values_are_raised_to_800() {
    let sb = TestSandbox::start().await;
    let c = sb.creds(ANDROID);
    let mut req = token_push(1);
    req.expire_time = Some(259_201);
    assert_eq!(code(sb.client.push(&c, &req).await), Some(1008007));
    req.expire_time = Some(-1);
    assert_eq!(code(sb.client.push(&c, &req).await), Some(1008007));
    req.expire_time = Some(30);
    let id = sb.client.push(&c, &req).await.unwrap().push_id;
    assert_eq!(
        sb.client.push_record(&c, &id).await.unwrap().expire_time,
        Some(800)
    );
}

#[tokio::test]
async fn loop_param_is_checked_and_only_allowed_for_all_tag_and_account_packages() {
    let sb = TestSandbox::start().await;
    let c = sb.creds(ANDROID);
    let good = json!({
        "startDate": "2025-03-10", "endDate": "2025-04-30", "loopType": 1,
        "loopDayIndexs": [], "dayTimes": ["08:00:00", "20:00:00"]
    });
    let with = |base: &Value, key: &str, v: Value| {
        let mut lp = base.clone();
        lp[key] = v;
        lp
    };
    let mut tokens = token_push(2);
    tokens.loop_param = Some(good.clone());
    assert_eq!(code(sb.client.push(&c, &tokens).await), Some(1008007));
    let mut req = push(Audience::All, "Daily briefing");
    for (bad, expected) in [
        (json!("daily"), 1008007),
        (with(&good, "loopType", json!(4)), 1008007),
        (with(&good, "endDate", json!("2025-06-30")), 1008007),
        (with(&good, "endDate", json!("2025-03-09")), 1008007),
        (with(&good, "startDate", json!("10/03/2025")), 1008007),
        (with(&good, "dayTimes", json!(["8am"])), 1008007),
        (with(&good, "dayTimes", json!([])), 1008002),
        (
            with(
                &with(&good, "loopType", json!(2)),
                "loopDayIndexs",
                json!([7]),
            ),
            1008007,
        ),
    ] {
        req.loop_param = Some(bad.clone());
        sb.advance(Duration::from_secs(1));
        assert_eq!(
            code(sb.client.push(&c, &req).await),
            Some(expected),
            "{bad}"
        );
    }
    assert!(sb.handle.pushes(ANDROID).is_empty());
    // The SDKs' `DayTimes` spelling is read too (which one TPNS reads is UNCONFIRMED).
    let mut sdk = good.clone();
    if let Some(m) = sdk.as_object_mut() {
        let times = m.remove("dayTimes").unwrap();
        m.insert("DayTimes".into(), times);
    }
    req.loop_param = Some(sdk);
    sb.advance(Duration::from_secs(1));
    let id = sb.client.push(&c, &req).await.unwrap().push_id;
    assert!(
        sb.client
            .push_record(&c, &id)
            .await
            .unwrap()
            .loop_param
            .is_some()
    );
}

#[tokio::test]
async fn the_platform_field_must_fit_the_app() {
    let sb = TestSandbox::start().await;
    let mut req = push(Audience::All, "x");
    req.platform = Some("ios".into());
    assert_eq!(
        code(sb.client.push(&sb.creds(ANDROID), &req).await),
        Some(1008007)
    );
    req.platform = Some("android".into());
    assert!(sb.client.push(&sb.creds(ANDROID), &req).await.is_ok());
}

#[tokio::test]
async fn collapse_id_must_be_a_known_id_of_the_same_app_on_an_allowed_audience() {
    let sb = TestSandbox::start().await;
    let old = sb.push_all("original").await;
    let cid = sb
        .client
        .push_record(&sb.creds(ANDROID), &old)
        .await
        .unwrap()
        .collapse_id
        .unwrap();
    sb.advance(Duration::from_secs(2));
    let mut req = push(Audience::All, "fix");
    req.collapse_id = Some(cid + 999);
    assert_eq!(
        code(sb.client.push(&sb.creds(ANDROID), &req).await),
        Some(1008007)
    );
    req.collapse_id = Some(cid);
    assert_eq!(
        code(sb.client.push(&sb.creds(NEWS), &req).await),
        Some(1008007),
        "another app's collapse id"
    );
    let mut tokens = token_push(2);
    tokens.collapse_id = Some(cid);
    assert_eq!(
        code(sb.client.push(&sb.creds(ANDROID), &tokens).await),
        Some(1008007)
    );
    assert_eq!(
        sb.handle.task(&old).unwrap().status,
        Status::Pushing,
        "refusals change nothing"
    );
}

#[tokio::test]
async fn terminate_is_refused_for_ios_and_for_token_list_tasks() {
    let sb = TestSandbox::start().await;
    let ios = sb.handle.create_task(IOS, &TaskSpec::default()).unwrap();
    let err = sb.client.stop_push(&sb.basic(IOS), &ios).await.unwrap_err();
    assert!(err.to_string().contains("iOS"), "{err}");
    let tokens = sb
        .handle
        .create_task(
            ANDROID,
            &TaskSpec {
                audience: Audience::TokenList,
                ..TaskSpec::default()
            },
        )
        .unwrap();
    let c = sb.creds(ANDROID);
    assert_eq!(code(sb.client.stop_push(&c, &tokens).await), Some(1008007));
    assert_eq!(
        code(sb.client.revoke_push(&c, &tokens).await),
        Some(1008007)
    );
    assert_eq!(
        code(sb.client.cancel_timing_task(&c, &tokens).await),
        Some(1008007)
    );
}

#[tokio::test]
async fn terminate_after_the_offline_period_is_refused() {
    let sb = TestSandbox::start().await;
    let id = sb
        .handle
        .create_task(
            ANDROID,
            &TaskSpec {
                expire_secs: 3_600,
                ..TaskSpec::default()
            },
        )
        .unwrap();
    sb.advance(Duration::from_secs(3_601));
    let err = sb
        .client
        .stop_push(&sb.creds(ANDROID), &id)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("offline storage period"), "{err}");
}

#[tokio::test]
async fn recall_on_an_app_with_recall_offline_answers_as_tpns_does_today() {
    let sb = TestSandbox::start().await;
    let id = sb.handle.create_task(NEWS, &TaskSpec::default()).unwrap();
    let err = sb
        .client
        .revoke_push(&sb.creds(NEWS), &id)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(1008007));
    assert!(err.to_string().contains("taken offline"), "{err}");
    assert_eq!(sb.handle.task(&id).unwrap().status, Status::Pushing);
}

#[tokio::test]
async fn stop_and_cancel_repeated_after_success_succeed_again() {
    let sb = TestSandbox::start().await;
    let c = sb.creds(ANDROID);
    let id = sb.push_all("twice").await;
    sb.client.stop_push(&c, &id).await.unwrap();
    sb.client.stop_push(&c, &id).await.unwrap();
    let s = sb.scheduled_task(ANDROID, 600);
    sb.client.cancel_timing_task(&c, &s).await.unwrap();
    sb.client.cancel_timing_task(&c, &s).await.unwrap();
}
