//! TPNS's rate limits, in clock time, counted per app and endpoint.

use std::time::Duration;

use domain::Audience;
use tpns::{Endpoint, UpstreamKind};

use crate::helpers::*;

#[tokio::test]
async fn the_201st_call_in_an_hour_to_a_statistics_endpoint_is_refused_with_1008028() {
    let sb = TestSandbox::start().await;
    let c = sb.creds(ANDROID);
    let id = sb.push_all("budget").await;
    for _ in 0..200 {
        sb.client.push_record(&c, &id).await.unwrap();
    }
    let err = sb.client.push_record(&c, &id).await.unwrap_err();
    assert_eq!(
        (err.code(), err.kind()),
        (Some(1008028), UpstreamKind::RateLimited)
    );
    assert_eq!(sb.handle.rate_limited(ANDROID, Endpoint::Record), 1);
    assert_eq!(sb.handle.traffic(ANDROID, Endpoint::Record).calls, 201);
    // Each statistics API has its own budget, and so has each app.
    assert!(sb.client.task_stat_channel(&c, &id).await.is_ok());
    assert!(
        sb.client
            .push_record(&sb.creds(NEWS), "1")
            .await
            .unwrap_err()
            .kind()
            == UpstreamKind::NotFound
    );
    // The next clock hour has a fresh budget.
    sb.advance(Duration::from_secs(3_600));
    assert!(sb.client.push_record(&c, &id).await.is_ok());
    assert_eq!(sb.handle.rate_limited_total(), 1);
}

#[tokio::test]
async fn a_second_all_push_in_the_same_second_is_refused_but_token_list_pushes_are_not() {
    let sb = TestSandbox::start().await;
    let c = sb.creds(ANDROID);
    let all = push(Audience::All, "one a second");
    sb.client.push(&c, &all).await.unwrap();
    let err = sb.client.push(&c, &all).await.unwrap_err();
    assert_eq!(err.kind(), UpstreamKind::RateLimited);
    for _ in 0..3 {
        sb.client.push(&c, &token_push(2)).await.unwrap();
    }
    // Other apps have their own limit.
    sb.client.push(&sb.creds(NEWS), &all).await.unwrap();
    sb.advance(Duration::from_secs(1));
    sb.client.push(&c, &all).await.unwrap();
    assert_eq!(sb.handle.rate_limited(ANDROID, Endpoint::Push), 1);
    assert_eq!(sb.handle.rate_limited(NEWS, Endpoint::Push), 0);
}

#[tokio::test]
async fn traffic_within_the_limits_gets_no_1008028() {
    let sb = TestSandbox::start().await;
    let c = sb.creds(ANDROID);
    for _ in 0..5 {
        let id = sb.push_all("paced").await;
        sb.client.push_record(&c, &id).await.unwrap();
        sb.client.task_stat_channel(&c, &id).await.unwrap();
    }
    assert_eq!(sb.handle.rate_limited_total(), 0);
    assert_eq!(sb.handle.traffic(ANDROID, Endpoint::Push).calls, 5);
}

#[tokio::test]
async fn the_limits_are_configurable() {
    let sb = TestSandbox::start_with(|c| {
        c.settings.stats_calls_per_hour = 2;
        c.settings.pushes_per_second = 0;
    })
    .await;
    let c = sb.creds(ANDROID);
    let all = push(Audience::All, "unlimited pushes");
    let id = sb.client.push(&c, &all).await.unwrap().push_id;
    sb.client.push(&c, &all).await.unwrap();
    sb.client.task_stat_channel(&c, &id).await.unwrap();
    sb.client.task_stat_channel(&c, &id).await.unwrap();
    assert_eq!(
        sb.client
            .task_stat_channel(&c, &id)
            .await
            .unwrap_err()
            .code(),
        Some(1008028)
    );
}
