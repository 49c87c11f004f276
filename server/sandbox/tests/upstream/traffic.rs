//! The history a sandbox starts with, its determinism, and background traffic.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use domain::time::parse_datetime;
use tpns::PushRecord;

use crate::helpers::*;

async fn all_records(sb: &TestSandbox, app: &str) -> Vec<PushRecord> {
    let mut q = month_query(200);
    let mut out = Vec::new();
    loop {
        let page = sb.client.push_records(&sb.creds(app), &q).await.unwrap();
        let n = page.records.len();
        out.extend(page.records);
        if n == 0 || out.len() as u64 >= page.count {
            return out;
        }
        q.offset += n as u32;
    }
}

fn with_history(c: &mut sandbox::SandboxConfig) {
    c.settings.history_days = 7;
    c.settings.history_per_day = 12;
}

#[tokio::test]
async fn the_history_holds_a_realistic_mix_of_statuses_audiences_and_message_types() {
    let sb = TestSandbox::start_with(with_history).await;
    let records = all_records(&sb, ANDROID).await;
    assert!(records.len() >= 80, "{}", records.len());
    let set = |f: fn(&PushRecord) -> &str| {
        records
            .iter()
            .map(|r| f(r).to_string())
            .collect::<BTreeSet<_>>()
    };
    let statuses = set(|r| &r.status);
    for s in [
        "PUSH_WAIT",
        "PUSH_STARTED",
        "PUSH_FINISHED",
        "PUSH_FAILED",
        "PUSH_CANCELED",
        "PUSH_REVOKED",
        "PUSH_COLLAPSED",
        "PUSH_DELETED_PUSH_MSG",
    ] {
        assert!(statuses.contains(s), "{s} missing from {statuses:?}");
    }
    let types = set(|r| &r.push_type);
    for t in [
        "all",
        "tag",
        "account_list",
        "token_list",
        "package_account_push",
    ] {
        assert!(types.contains(t), "{t} missing from {types:?}");
    }
    assert_eq!(
        set(|r| &r.message_type),
        BTreeSet::from(["message".to_string(), "notify".to_string()])
    );
    assert_eq!(
        set(|r| r.source.as_deref().unwrap_or("")),
        BTreeSet::from(["api".to_string(), "web".to_string()])
    );
    let now = sb.now_s();
    let push_time = |r: &PushRecord| parse_datetime(&r.date, 480).unwrap();
    assert!(
        records
            .iter()
            .any(|r| r.status == "PUSH_WAIT" && push_time(r) > now),
        "a task scheduled in the future"
    );
    assert!(
        records
            .iter()
            .any(|r| r.status == "PUSH_FINISHED" && push_time(r) + r.expire_time.unwrap() < now),
        "a completed task past its offline period"
    );
    assert!(
        records.iter().any(|r| r.title.starts_with("Correction: ")),
        "the override tasks"
    );
    // They say what a real app's pushes say: a click action of each kind, custom content as
    // a JSON string, a notification channel, and some are recurring.
    let android: Vec<&serde_json::Value> = records
        .iter()
        .filter(|r| r.message_type == "notify")
        .filter_map(|r| r.push_config.as_ref().map(|c| &c["android"]))
        .collect();
    let action_types: BTreeSet<i64> = android
        .iter()
        .filter_map(|a| a["action"]["action_type"].as_i64())
        .collect();
    assert_eq!(action_types, BTreeSet::from([1, 2, 3]));
    assert!(android.iter().all(|a| {
        a["n_ch_id"].is_string()
            && a["custom_content"]
                .as_str()
                .and_then(|c| serde_json::from_str::<serde_json::Value>(c).ok())
                .is_some_and(|c| c.is_object())
    }));
    assert!(
        android
            .iter()
            .any(|a| a["action"]["browser"]["url"].as_str().is_some())
    );
    let recurring: Vec<&PushRecord> = records.iter().filter(|r| r.loop_param.is_some()).collect();
    assert!(!recurring.is_empty(), "a recurring task");
    assert!(recurring.iter().all(|r| {
        ["all", "tag", "package_account_push"].contains(&r.push_type.as_str())
            && r.loop_param.as_ref().unwrap()["dayTimes"].is_array()
    }));
    // Recall is offline for the news app: its history has no recalled task.
    assert!(
        all_records(&sb, NEWS)
            .await
            .iter()
            .all(|r| r.status != "PUSH_REVOKED")
    );
}

#[tokio::test]
async fn the_same_seed_gives_the_same_history() {
    let a = TestSandbox::start_with(with_history).await;
    let b = TestSandbox::start_with(with_history).await;
    let key = |rs: Vec<PushRecord>| {
        rs.into_iter()
            .map(|r| (r.push_id, r.title, r.status, r.date))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        key(all_records(&a, ANDROID).await),
        key(all_records(&b, ANDROID).await)
    );
    let c = TestSandbox::start_with(|c| {
        with_history(c);
        c.settings.seed = Some(8);
    })
    .await;
    assert_ne!(
        key(all_records(&a, ANDROID).await),
        key(all_records(&c, ANDROID).await)
    );
}

#[tokio::test]
async fn background_traffic_creates_api_tasks_as_the_clock_moves() {
    let sb = TestSandbox::start_with(|c| c.settings.background_every_secs = 10.0).await;
    assert!(all_records(&sb, IOS).await.is_empty());
    sb.advance(Duration::from_secs(35));
    let deadline = Instant::now() + Duration::from_secs(5);
    let records = loop {
        let records = all_records(&sb, IOS).await;
        if records.len() >= 3 {
            break records;
        }
        assert!(
            Instant::now() < deadline,
            "only {} background tasks",
            records.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(records.len(), 3, "one task per app every 10 clock seconds");
    assert!(records.iter().all(|r| r.source.as_deref() == Some("api")));
    assert!(
        records
            .iter()
            .all(|r| r.environment.as_deref() == Some("product"))
    );
}
