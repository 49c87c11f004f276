//! The test controls that show what reached the sandbox: every push body it accepted, and tasks
//! made as if in TPNS's own console.

use std::time::Duration;

use domain::Audience;
use sandbox::TaskSpec;
use serde_json::{Value, json};

use crate::helpers::*;

fn push_ids(pushes: &[Value]) -> Vec<&str> {
    pushes
        .iter()
        .map(|p| p["_push_id"].as_str().expect("a _push_id string"))
        .collect()
}

#[tokio::test]
async fn every_accepted_push_is_kept_in_full_with_its_push_id_oldest_first() {
    let sb = TestSandbox::start().await;
    let c = sb.creds(ANDROID);
    let mut first = push(Audience::All, "Sale ends at 18:00");
    first.message.android = Some(json!({"action": {"action_type": 1}}));
    sb.advance(Duration::from_secs(1));
    let old = sb.client.push(&c, &first).await.unwrap().push_id;
    let tokens = sb.client.push(&c, &token_push(2)).await.unwrap().push_id;
    let mut refused = token_push(1);
    refused.expire_time = Some(-1);
    assert!(sb.client.push(&c, &refused).await.is_err());
    let cid = sb
        .client
        .push_record(&c, &old)
        .await
        .unwrap()
        .collapse_id
        .unwrap();
    let mut fix = push(Audience::All, "Sale ends at 20:00");
    fix.collapse_id = Some(cid);
    fix.force_collapse = Some(true);
    sb.advance(Duration::from_secs(1));
    let new = sb.client.push(&c, &fix).await.unwrap().push_id;

    let kept = sb.handle.pushes(ANDROID);
    assert_eq!(
        push_ids(&kept),
        [&old, &tokens, &new],
        "refusals are not kept"
    );
    assert_eq!(kept[0]["message"]["title"], "Sale ends at 18:00");
    assert_eq!(kept[0]["message"]["android"]["action"]["action_type"], 1);
    assert_eq!(kept[1]["token_list"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        (&kept[2]["collapse_id"], &kept[2]["force_collapse"]),
        (&json!(cid), &json!(true))
    );
    assert!(sb.handle.pushes(NEWS).is_empty());
    assert!(sb.handle.pushes("no-such-app").is_empty());

    let url = |app: &str| format!("{}/_sandbox/pushes/{app}", sb.handle.base_url());
    let over_http: Value = reqwest::get(url(ANDROID))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(over_http, Value::Array(kept));
    assert_eq!(
        reqwest::get(url("no-such-app")).await.unwrap().status(),
        404
    );
}

#[tokio::test]
async fn only_the_latest_thousand_pushes_of_an_app_are_kept() {
    let sb = TestSandbox::start().await;
    let c = sb.creds(ANDROID);
    let mut ids = Vec::new();
    for _ in 0..1_001 {
        ids.push(sb.client.push(&c, &token_push(1)).await.unwrap().push_id);
    }
    let kept = sb.handle.pushes(ANDROID);
    assert_eq!(kept.len(), 1_000);
    assert_eq!(
        push_ids(&kept),
        ids[1..].iter().map(String::as_str).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_task_made_as_in_tpns_console_reads_back_with_source_web() {
    let sb = TestSandbox::start().await;
    let c = sb.creds(ANDROID);
    let web = sb
        .handle
        .create_task(
            ANDROID,
            &TaskSpec {
                source: Some("web".into()),
                ..TaskSpec::default()
            },
        )
        .unwrap();
    let api = sb
        .handle
        .create_task(ANDROID, &TaskSpec::default())
        .unwrap();
    let source = |id: String| {
        let (sb, c) = (&sb, &c);
        async move { sb.client.push_record(c, &id).await.unwrap().source }
    };
    assert_eq!(source(web).await.as_deref(), Some("web"));
    assert_eq!(source(api).await.as_deref(), Some("api"));
    // The same over the admin API, which refuses a source TPNS does not have.
    let http = reqwest::Client::new();
    let post = |body: Value| {
        http.post(format!("{}/_sandbox/tasks", sb.handle.base_url()))
            .json(&body)
            .send()
    };
    let made: Value = post(json!({"app": ANDROID, "source": "web"}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = made["push_ids"][0].as_str().unwrap().to_string();
    assert_eq!(source(id).await.as_deref(), Some("web"));
    let refused = post(json!({"app": ANDROID, "source": "sdk"}))
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert!(
        sb.handle.pushes(ANDROID).is_empty(),
        "the controls are not pushes"
    );
}
