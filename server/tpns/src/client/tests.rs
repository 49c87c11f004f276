//! Client tests against a scripted raw-HTTP stub: what goes on the wire (headers, signature,
//! body) and how each kind of answer or failure becomes a typed result.

mod stub;

use std::sync::Arc;
use std::time::Duration;

use domain::{Audience, MessageKind};
use secrecy::SecretString;
use tokio::net::TcpListener;

use super::*;
use crate::clock::ManualClock;
use stub::{Reply, Stub};

const SECRET: &str = "2b1c4f0e9d8a7b6c5d4e3f2a1b0c9d8e";
const NOW: i64 = 1_700_000_000;

fn client() -> TpnsClient {
    TpnsClient::new(ClientOptions {
        connect_timeout: Duration::from_millis(500),
        request_timeout: Duration::from_millis(300),
        max_retries: 2,
        retry_base_delay: Duration::from_millis(1),
        clock: SharedClock::manual(Arc::new(ManualClock::new(NOW * 1000))),
        observer: None,
    })
}

fn creds(stub: &Stub, auth: AuthScheme) -> Credentials {
    Credentials {
        access_id: "1500000101".into(),
        secret: SecretString::from(SECRET),
        base_url: stub.base_url.clone(),
        auth,
    }
}

fn all_push() -> PushRequest {
    PushRequest::new(Audience::All, MessageKind::Notify, "Hi", "Hello")
}

const PUSH_OK: Reply = Reply::Json(
    200,
    r#"{"seq":0,"environment":"product","ret_code":0,"push_id":"3895624686"}"#,
);
const STATS_OK: Reply = Reply::Json(
    200,
    r#"{"retCode":0,"errMsg":"NO_ERROR","pushStatDataAll":[]}"#,
);
const ACTION_OK: Reply = Reply::Json(200, r#"{"ret_code":0,"err_msg":""}"#);

#[tokio::test]
async fn a_signed_push_carries_a_signature_over_exactly_the_bytes_sent() {
    let stub = Stub::start(vec![PUSH_OK]).await;
    let resp = client()
        .push(&creds(&stub, AuthScheme::Signature), &all_push())
        .await
        .unwrap();
    assert_eq!(resp.push_id, "3895624686");
    let req = stub.request(0);
    assert_eq!(req.path, "/v3/push/app");
    assert_eq!(req.header("AccessId"), Some("1500000101"));
    assert_eq!(req.header("TimeStamp"), Some("1700000000"));
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.header("authorization"), None);
    let expected = signature(&SecretString::from(SECRET), NOW, "1500000101", &req.body);
    assert_eq!(req.header("Sign"), Some(expected.as_str()));
    // The body is the one of the fixed signature vector, so the header is that vector's value.
    assert_eq!(
        req.body,
        br#"{"audience_type":"all","message_type":"notify","message":{"title":"Hi","content":"Hello"}}"#
    );
    assert_eq!(
        expected,
        "ODU0OGYwZjdmMjRiOWNiMzU1N2RmMDllNmNiNjhjZjAxYzE2NzE5ZjlmYmZhNDJkYzc3MDY5YjViZjcyNzRhMA=="
    );
}

#[tokio::test]
async fn a_basic_auth_call_sends_the_authorization_header_and_no_signature() {
    let stub = Stub::start(vec![STATS_OK]).await;
    client()
        .task_stat_channel(&creds(&stub, AuthScheme::Basic), "1")
        .await
        .unwrap();
    let req = stub.request(0);
    assert_eq!(
        req.header("authorization"),
        Some("Basic MTUwMDAwMDEwMToyYjFjNGYwZTlkOGE3YjZjNWQ0ZTNmMmExYjBjOWQ4ZQ==")
    );
    assert_eq!(req.header("Sign"), None);
    assert_eq!(req.body, br#"{"pushId":"1"}"#);
}

#[tokio::test]
async fn a_push_id_array_and_a_numeric_record_id_are_both_read() {
    let stub = Stub::start(vec![
        Reply::Json(200, r#"{"ret_code":0,"push_id":["11","12"],"seq":5}"#),
        Reply::Json(200, r#"{"retCode":0,"errMsg":"NO_ERROR","pushRecordData":[{"pushId":133703,"status":"PUSH_FINISHED","collapseID":7}]}"#),
    ])
    .await;
    let c = creds(&stub, AuthScheme::Signature);
    let resp = client().push(&c, &all_push()).await.unwrap();
    assert_eq!(
        (resp.push_id.as_str(), resp.push_ids.len(), resp.seq),
        ("11", 2, 5)
    );
    let rec = client().push_record(&c, "133703").await.unwrap();
    assert_eq!(
        (rec.push_id.as_str(), rec.status.as_str(), rec.collapse_id),
        ("133703", "PUSH_FINISHED", Some(7))
    );
}

#[tokio::test]
async fn the_time_range_query_sends_camel_case_fields_and_reads_the_count() {
    let stub = Stub::start(vec![Reply::Json(
        200,
        r#"{"retCode":0,"errMsg":"NO_ERROR","count":"412","pushRecordData":[{"pushId":"9"}]}"#,
    )])
    .await;
    let q = RecordQuery {
        start_date: "2024-01-01".into(),
        end_date: "2024-01-31".into(),
        offset: 200,
        limit: 200,
        msg_type: None,
        push_type: Some("all".into()),
    };
    let page = client()
        .push_records(&creds(&stub, AuthScheme::Signature), &q)
        .await
        .unwrap();
    assert_eq!((page.count, page.records.len()), (412, 1));
    let body: Value = serde_json::from_slice(&stub.request(0).body).unwrap();
    assert_eq!(
        body,
        json!({"startDate":"2024-01-01","endDate":"2024-01-31","offset":200,"limit":200,"pushType":"all"})
    );
}

#[tokio::test]
async fn an_action_missing_its_parameter_is_sent_again_with_lowercase_pushid() {
    let stub = Stub::start(vec![
        Reply::Json(200, r#"{"ret_code":1008002,"err_msg":"missing parameter"}"#),
        ACTION_OK,
    ])
    .await;
    client()
        .stop_push(&creds(&stub, AuthScheme::Signature), "43214535")
        .await
        .unwrap();
    assert_eq!(stub.requests(), 2);
    assert_eq!(stub.request(0).body, br#"{"pushId":"43214535"}"#);
    assert_eq!(stub.request(1).body, br#"{"pushid":"43214535"}"#);
    assert_eq!(stub.request(1).path, "/v3/push/stop_push_msg");
}

#[tokio::test]
async fn no_answer_becomes_a_timeout_and_a_query_is_tried_three_times() {
    let stub = Stub::start(vec![Reply::Hang]).await;
    let err = client()
        .push_record(&creds(&stub, AuthScheme::Signature), "1")
        .await
        .unwrap_err();
    assert_eq!(err, TpnsError::Timeout);
    assert!(err.outcome_unknown());
    assert_eq!(stub.requests(), 3);
}

#[tokio::test]
async fn a_push_that_times_out_is_never_sent_again() {
    let stub = Stub::start(vec![Reply::Hang]).await;
    let err = client()
        .push(&creds(&stub, AuthScheme::Signature), &all_push())
        .await
        .unwrap_err();
    assert_eq!(err, TpnsError::Timeout);
    assert_eq!(stub.requests(), 1);
}

#[tokio::test]
async fn a_gateway_error_becomes_an_http_status_and_a_push_is_not_retried() {
    let stub = Stub::start(vec![Reply::Json(502, "<html>Bad Gateway</html>")]).await;
    let err = client()
        .push(&creds(&stub, AuthScheme::Signature), &all_push())
        .await
        .unwrap_err();
    assert_eq!(err, TpnsError::HttpStatus { status: 502 });
    assert_eq!(stub.requests(), 1);
}

#[tokio::test]
async fn stop_and_cancel_are_retried_after_a_5xx_and_succeed() {
    for (call, path) in [
        ("stop", "/v3/push/stop_push_msg"),
        ("cancel", "/v3/push/cancel_timing_task"),
    ] {
        let stub = Stub::start(vec![Reply::Json(503, ""), ACTION_OK]).await;
        let c = creds(&stub, AuthScheme::Signature);
        let r = match call {
            "stop" => client().stop_push(&c, "1").await,
            _ => client().cancel_timing_task(&c, "1").await,
        };
        assert_eq!(r, Ok(()), "{call}");
        assert_eq!(stub.requests(), 2, "{call}");
        assert_eq!(stub.request(1).path, path);
    }
}

#[tokio::test]
async fn a_recall_is_retried_after_a_5xx_like_stop_and_cancel() {
    // A second recall has nothing left to remove: repeating it after a lost answer is harmless.
    let stub = Stub::start(vec![Reply::Json(503, ""), ACTION_OK]).await;
    let r = client()
        .revoke_push(&creds(&stub, AuthScheme::Signature), "1")
        .await;
    assert_eq!(r, Ok(()));
    assert_eq!(stub.requests(), 2);
    assert_eq!(stub.request(1).path, "/v3/push/revoke_push_msg");
}

#[tokio::test]
async fn a_dropped_connection_becomes_a_transport_error() {
    let stub = Stub::start(vec![Reply::Drop]).await;
    let err = client()
        .push(&creds(&stub, AuthScheme::Signature), &all_push())
        .await
        .unwrap_err();
    assert!(matches!(err, TpnsError::Transport(_)), "{err:?}");
    assert!(err.is_transient());
}

#[tokio::test]
async fn bad_json_becomes_a_malformed_error_and_is_not_retried() {
    let stub = Stub::start(vec![Reply::Json(200, r#"{"retCode":0,"pushRecordData":["#)]).await;
    let err = client()
        .push_record(&creds(&stub, AuthScheme::Signature), "1")
        .await
        .unwrap_err();
    assert!(matches!(err, TpnsError::Malformed(_)), "{err:?}");
    assert_eq!(stub.requests(), 1);
}

#[tokio::test]
async fn a_refused_connection_becomes_a_connect_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = Credentials {
        access_id: "1".into(),
        secret: SecretString::from("x"),
        base_url: format!("http://127.0.0.1:{port}"),
        auth: AuthScheme::Basic,
    };
    let err = client().push(&c, &all_push()).await.unwrap_err();
    assert!(matches!(err, TpnsError::Connect(_)), "{err:?}");
    assert!(!err.outcome_unknown());
}

#[tokio::test]
async fn an_upstream_error_is_not_retried_and_keeps_its_message() {
    let stub = Stub::start(vec![Reply::Json(
        200,
        r#"{"retCode":1008028,"errMsg":"request too fast"}"#,
    )])
    .await;
    let err = client()
        .task_stat_channel(&creds(&stub, AuthScheme::Signature), "1")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), super::super::UpstreamKind::RateLimited);
    assert!(err.to_string().contains("request too fast"));
    assert_eq!(stub.requests(), 1);
}
