//! Faults injected in the sandbox become clear typed errors in the client, retried only where a
//! repeat is harmless; the admin API switches the same faults on over HTTP.

use std::time::{Duration, Instant};

use domain::Status;
use sandbox::SandboxSettings;
use sandbox::{Fault, Sandbox, SandboxConfig, demo_apps};
use serde_json::{Value, json};
use tpns::clock::SharedClock;
use tpns::{Endpoint, TpnsError, UpstreamKind};

use crate::helpers::*;

#[tokio::test]
async fn added_latency_delays_the_answer_without_failing_it() {
    let sb = TestSandbox::start().await;
    let id = sb.push_all("slow").await;
    sb.handle
        .set_fault(Endpoint::Record, Fault::latency(Duration::from_millis(150)));
    let started = Instant::now();
    assert!(sb.client.push_record(&sb.creds(ANDROID), &id).await.is_ok());
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn no_answer_becomes_a_timeout_and_a_query_succeeds_on_its_third_attempt() {
    let sb = TestSandbox::start().await;
    let id = sb.push_all("hang").await;
    sb.handle
        .set_fault(Endpoint::TaskStat, Fault::timeout().times(2));
    assert!(
        sb.client
            .task_stat_channel(&sb.creds(ANDROID), &id)
            .await
            .is_ok()
    );
    sb.handle
        .set_fault(Endpoint::TaskStat, Fault::timeout().times(3));
    let err = sb
        .client
        .task_stat_channel(&sb.creds(ANDROID), &id)
        .await
        .unwrap_err();
    assert_eq!(err, TpnsError::Timeout);
}

#[tokio::test]
async fn a_push_that_gets_no_answer_is_not_sent_again() {
    let sb = TestSandbox::start().await;
    sb.handle
        .set_fault(Endpoint::Push, Fault::timeout().times(1));
    let err = sb
        .client
        .push(&sb.creds(ANDROID), &token_push(1))
        .await
        .unwrap_err();
    assert_eq!(err, TpnsError::Timeout);
    assert!(err.outcome_unknown());
    // The fault was spent by that one call: a retry would have gone through and created a task.
    assert_eq!(sb.handle.traffic(ANDROID, Endpoint::Push).calls, 0);
}

#[tokio::test]
async fn a_5xx_is_retried_for_queries_stop_recall_and_cancel_but_not_for_a_push() {
    let sb = TestSandbox::start().await;
    let c = sb.creds(ANDROID);
    let id = sb.push_all("gateway").await;
    for ep in [Endpoint::Record, Endpoint::TaskStat, Endpoint::Stop] {
        sb.handle.set_fault(ep, Fault::status(503).times(2));
    }
    assert!(sb.client.push_record(&c, &id).await.is_ok());
    assert!(sb.client.task_stat_channel(&c, &id).await.is_ok());
    sb.client.stop_push(&c, &id).await.unwrap();
    let s = sb.scheduled_task(ANDROID, 600);
    sb.handle
        .set_fault(Endpoint::Cancel, Fault::status(502).times(1));
    sb.client.cancel_timing_task(&c, &s).await.unwrap();
    sb.handle
        .set_fault(Endpoint::Push, Fault::status(503).times(1));
    let err = sb.client.push(&c, &token_push(1)).await.unwrap_err();
    assert_eq!(err, TpnsError::HttpStatus { status: 503 });
    // A recall is repeated too: a second one has nothing left to remove.
    let other = sb.push_all("gateway again").await;
    sb.handle
        .set_fault(Endpoint::Revoke, Fault::status(503).times(1));
    sb.client.revoke_push(&c, &other).await.unwrap();
}

#[tokio::test]
async fn a_dropped_connection_becomes_a_transport_error() {
    let sb = TestSandbox::start().await;
    sb.handle
        .set_fault(Endpoint::Push, Fault::drop_connection());
    let err = sb
        .client
        .push(&sb.creds(ANDROID), &token_push(1))
        .await
        .unwrap_err();
    assert!(matches!(err, TpnsError::Transport(_)), "{err:?}");
    assert!(err.outcome_unknown());
}

#[tokio::test]
async fn malformed_json_becomes_a_malformed_error() {
    let sb = TestSandbox::start().await;
    sb.handle
        .set_fault(Endpoint::RecordList, Fault::malformed());
    let q = month_query(10);
    let err = sb
        .client
        .push_records(&sb.creds(ANDROID), &q)
        .await
        .unwrap_err();
    assert!(matches!(err, TpnsError::Malformed(_)), "{err:?}");
}

#[tokio::test]
async fn a_chosen_ret_code_reaches_the_client_with_its_meaning_and_message() {
    let sb = TestSandbox::start().await;
    let c = sb.creds(ANDROID);
    sb.handle
        .set_fault(Endpoint::Record, Fault::ret_code(1008028));
    let err = sb.client.push_record(&c, "1").await.unwrap_err();
    assert_eq!(err.kind(), UpstreamKind::RateLimited);
    assert!(err.to_string().contains("request too fast"));
    // Injected refusals are not the sandbox's own rate limiting.
    assert_eq!(sb.handle.rate_limited_total(), 0);
    // An internal error is transient: stop is retried through it.
    let id = sb.push_all("internal").await;
    sb.handle
        .set_fault(Endpoint::Stop, Fault::ret_code(1008004).times(1));
    sb.client.stop_push(&c, &id).await.unwrap();
    assert_eq!(sb.handle.task(&id).unwrap().status, Status::Terminated);
}

#[tokio::test]
async fn a_missing_parameter_answer_makes_the_client_resend_with_lowercase_pushid() {
    let sb = TestSandbox::start().await;
    let id = sb.push_all("case").await;
    sb.handle
        .set_fault(Endpoint::Stop, Fault::ret_code(1008002).times(1));
    sb.client.stop_push(&sb.creds(ANDROID), &id).await.unwrap();
    assert_eq!(sb.handle.task(&id).unwrap().status, Status::Terminated);
}

#[tokio::test]
async fn the_admin_api_switches_faults_and_creates_and_reads_tasks() {
    let sb = TestSandbox::start().await;
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", sb.handle.base_url());
    let r = http
        .post(url("/_sandbox/faults"))
        .json(&json!({"endpoint": "push", "kind": {"type": "status", "status": 500}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let faults: Value = http
        .get(url("/_sandbox/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(faults["push"]["kind"]["status"], 500);
    let err = sb
        .client
        .push(&sb.creds(ANDROID), &token_push(1))
        .await
        .unwrap_err();
    assert_eq!(err, TpnsError::HttpStatus { status: 500 });
    assert_eq!(
        http.delete(url("/_sandbox/faults/push"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert!(
        sb.client
            .push(&sb.creds(ANDROID), &token_push(1))
            .await
            .is_ok()
    );
    let bad = http
        .post(url("/_sandbox/faults"))
        .json(&json!({"endpoint": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);

    let made: Value = http
        .post(url("/_sandbox/tasks"))
        .json(&json!({"app": ANDROID, "count": 3, "audience": "tag", "send_in_secs": 3600}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids = made["push_ids"].as_array().unwrap();
    assert_eq!(ids.len(), 3);
    let snap: Value = http
        .get(url(&format!(
            "/_sandbox/tasks/{}",
            ids[0].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(snap["status"], "Scheduled");
    assert!(snap["classes"]["huawei_legacy"].is_object());
    let traffic: Value = http
        .get(url("/_sandbox/traffic"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(traffic[ANDROID]["push"]["calls"], 1);
    assert_eq!(traffic[ANDROID]["record"]["rate_limited"], 0);
}

#[tokio::test]
async fn the_admin_api_is_absent_unless_switched_on() {
    let settings = SandboxSettings {
        history_days: 0,
        background_every_secs: 0.0,
        ..SandboxSettings::default()
    };
    let handle = Sandbox::start(SandboxConfig::new(
        &settings,
        demo_apps(),
        SharedClock::system(),
    ))
    .await
    .unwrap();
    let r = reqwest::get(format!("{}/_sandbox/faults", handle.base_url()))
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    handle.shutdown().await;
}
