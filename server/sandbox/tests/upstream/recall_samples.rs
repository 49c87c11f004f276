//! The sample bodies of TPNS's "Message Recall" page (`server/docs/tpns.md` §5), posted raw.

use std::time::Duration;

use domain::Status;

use crate::helpers::*;

/// The bodies of `server/docs/tpns.md` §5, posted verbatim: the lowercase `pushid` is read
/// (the unknown sample IDs answer "push id not exist", not "missing parameter").
#[tokio::test]
async fn the_recall_page_sample_bodies_are_understood_with_lowercase_pushid() {
    let sb = TestSandbox::start().await;
    for (path, body) in [
        ("/v3/push/stop_push_msg", "{\n\"pushid\":\"43214535\"\n}"),
        ("/v3/push/revoke_push_msg", "{\n\"pushid\":\"150032\"\n}"),
        (
            "/v3/push/cancel_timing_task",
            "{\n\"pushid\":\"15003211\"\n}",
        ),
    ] {
        let v = sb.raw_post(ANDROID, path, body).await;
        assert_eq!(v["ret_code"], 1008015, "{path}: {v}");
    }
    let stop = sb.push_all("to stop").await;
    let v = sb
        .raw_post(
            ANDROID,
            "/v3/push/stop_push_msg",
            &format!("{{\n\"pushid\":\"{stop}\"\n}}"),
        )
        .await;
    assert_eq!(v["ret_code"], 0, "{v}");
    let revoke = sb.push_all("to recall").await;
    let v = sb
        .raw_post(
            ANDROID,
            "/v3/push/revoke_push_msg",
            &format!("{{\n\"pushid\":\"{revoke}\"\n}}"),
        )
        .await;
    assert_eq!(v["ret_code"], 0, "{v}");
    let cancel = sb.scheduled_task(ANDROID, 3600);
    let v = sb
        .raw_post(
            ANDROID,
            "/v3/push/cancel_timing_task",
            &format!("{{\n\"pushid\":\"{cancel}\"\n}}"),
        )
        .await;
    assert_eq!(v["ret_code"], 0, "{v}");
    assert_eq!(sb.handle.task(&stop).unwrap().status, Status::Terminated);
    assert_eq!(sb.handle.task(&revoke).unwrap().status, Status::Recalled);
    assert_eq!(sb.handle.task(&cancel).unwrap().status, Status::Canceled);
}

#[tokio::test]
async fn the_recall_page_override_sample_works_with_a_real_collapse_id() {
    let sb = TestSandbox::start().await;
    let old = sb.push_all("Override message").await;
    let collapse = sb
        .client
        .push_record(&sb.creds(ANDROID), &old)
        .await
        .unwrap()
        .collapse_id
        .unwrap();
    sb.advance(Duration::from_secs(2));
    let sample = |id: &str| {
        format!(
            "{{\n\"audience_type\": \"all\",\n\"collapse_id\": {id},\n\"force_collapse\":false,\n\"message_type\": \"notify\",\n\"message\": {{\n\"title\": \"Override message 0001\",\n\"content\":\"It's a nice day today\"\n}},\n\"platform\": \"android\"\n}}"
        )
    };
    // As printed, `0001` is not JSON: TPNS's parser would refuse it the same way.
    let v = sb.raw_post(ANDROID, "/v3/push/app", &sample("0001")).await;
    assert_eq!(v["ret_code"], 1008001, "{v}");
    let v = sb
        .raw_post(ANDROID, "/v3/push/app", &sample(&collapse.to_string()))
        .await;
    assert_eq!(v["ret_code"], 0, "{v}");
    let new_id = v["push_id"].as_str().unwrap().to_string();
    let old_snap = sb.handle.task(&old).unwrap();
    assert_eq!(old_snap.status, Status::Overridden);
    assert_eq!(old_snap.overridden_by.as_deref(), Some(new_id.as_str()));
    assert_eq!(sb.handle.task(&new_id).unwrap().collapse_id, Some(collapse));
}
