//! What each action does to the sandbox's counters, observed over simulated time.

use std::time::Duration;

use domain::{Audience, Status};
use sandbox::DeviceClass;
use tpns::PushRequest;

use crate::helpers::*;

/// Every Android class but the ones TPNS's page names as able to replace a shown notification
/// (`server/docs/tpns.md` §5.1): these follow `force_collapse`.
const CANNOT_REPLACE: [DeviceClass; 5] = [
    DeviceClass::Vivo,
    DeviceClass::Oppo,
    DeviceClass::HuaweiLegacy,
    DeviceClass::Honor,
    DeviceClass::Fcm,
];
/// TPNS's own channel, Xiaomi, Meizu and Huawei EMUI 10+ (APNs on iOS).
const CAN_REPLACE: [DeviceClass; 4] = [
    DeviceClass::Tpns,
    DeviceClass::Xiaomi,
    DeviceClass::HuaweiModern,
    DeviceClass::Meizu,
];
const MIN: Duration = Duration::from_secs(60);

#[tokio::test]
async fn a_scheduled_task_waits_then_pushes_then_finishes() {
    let sb = TestSandbox::start().await;
    let mut req = push(Audience::All, "Tonight 20:00");
    req.send_time = Some(sb.send_time_in(3_600));
    let c = sb.creds(ANDROID);
    let id = sb.client.push(&c, &req).await.unwrap().push_id;
    let status = |sb: &TestSandbox| sb.handle.task(&id).unwrap().status;
    assert_eq!(status(&sb), Status::Scheduled);
    assert_eq!(
        sb.client.push_record(&c, &id).await.unwrap().date,
        "2025-03-10 11:00:00"
    );
    sb.advance(59 * MIN);
    assert_eq!(status(&sb), Status::Scheduled);
    assert_eq!(sb.handle.task(&id).unwrap().total().arrived, 0);
    sb.advance(MIN + Duration::from_secs(1));
    assert_eq!(status(&sb), Status::Pushing);
    sb.advance(30 * MIN);
    assert_eq!(status(&sb), Status::Completed);
    assert!(sb.handle.task(&id).unwrap().total().arrived > 0);
}

#[tokio::test]
async fn offline_devices_keep_arriving_and_clicks_accrue_after_the_task_completed() {
    let sb = TestSandbox::start().await;
    let id = sb.push_all("Weekend deals").await;
    sb.advance(30 * MIN);
    let a = sb.handle.task(&id).unwrap();
    assert_eq!(a.status, Status::Completed);
    sb.advance(10 * MIN);
    let b = sb.handle.task(&id).unwrap();
    assert!(
        b.total().arrived > a.total().arrived,
        "{:?} {:?}",
        a.total(),
        b.total()
    );
    assert!(b.total().clicked > a.total().clicked);
    assert!(b.total().queued_offline < a.total().queued_offline);
}

#[tokio::test]
async fn after_terminate_arrivals_stop_growing_while_an_untouched_task_keeps_growing() {
    let sb = TestSandbox::start().await;
    let c = sb.creds(ANDROID);
    let stopped = sb.push_all("Wrong link").await;
    let control = sb.push_all("Right link").await;
    sb.advance(5 * MIN);
    sb.client.stop_push(&c, &stopped).await.unwrap();
    let at_stop = sb.handle.task(&stopped).unwrap().total();
    let control_then = sb.handle.task(&control).unwrap().total();
    let stat_then = sb.client.task_stat_channel(&c, &stopped).await.unwrap();
    sb.advance(120 * MIN);
    let later = sb.handle.task(&stopped).unwrap();
    assert_eq!(later.status, Status::Terminated);
    assert_eq!(later.total().arrived, at_stop.arrived);
    assert_eq!(later.total().queued_offline, 0);
    assert!(sb.handle.task(&control).unwrap().total().arrived > control_then.arrived);
    let stat_later = sb.client.task_stat_channel(&c, &stopped).await.unwrap();
    let arrived = |s: &[tpns::ChannelStat]| s.iter().find(|r| r.channel == "all").unwrap().arrived;
    assert_eq!(arrived(&stat_later), arrived(&stat_then));
    let rec = sb.client.push_record(&c, &stopped).await.unwrap();
    assert_eq!(rec.status, "PUSH_DELETED_PUSH_MSG");
}

/// Pushes an all-devices task, lets it run, then overrides it with `force_collapse`.
async fn override_after_a_while(sb: &TestSandbox, force: bool) -> (String, String) {
    let c = sb.creds(ANDROID);
    let old = sb.push_all("Sale ends at 18:00").await;
    sb.advance(10 * MIN);
    let cid = sb
        .client
        .push_record(&c, &old)
        .await
        .unwrap()
        .collapse_id
        .expect("an all push has a collapseID");
    let mut req = PushRequest::new(
        Audience::All,
        domain::MessageKind::Notify,
        "Sale ends at 20:00",
        "Corrected",
    );
    req.collapse_id = Some(cid);
    req.force_collapse = Some(force);
    let new = sb.client.push(&c, &req).await.unwrap().push_id;
    (old, new)
}

#[tokio::test]
async fn an_override_without_force_collapse_sends_nothing_new_to_the_classes_that_cannot_replace() {
    let sb = TestSandbox::start().await;
    let (old, new) = override_after_a_while(&sb, false).await;
    let old_then = sb.handle.task(&old).unwrap();
    sb.advance(60 * MIN);
    let old_now = sb.handle.task(&old).unwrap();
    let new_now = sb.handle.task(&new).unwrap();
    assert_eq!(old_now.status, Status::Overridden);
    assert_eq!(new_now.overrides.as_deref(), Some(old.as_str()));
    let nothing = new_now.sum(&CANNOT_REPLACE);
    assert_eq!((nothing.planned, nothing.arrived), (0, 0));
    assert!(new_now.sum(&CAN_REPLACE).arrived > 0);
    // The old task's offline deliveries stopped everywhere ...
    assert_eq!(old_now.total().arrived, old_then.total().arrived);
    // ... its notification was replaced where a channel can replace one, and still shows elsewhere.
    for class in CAN_REPLACE {
        assert_eq!(old_now.class(class).shown_unclicked, 0, "{class:?}");
    }
    for class in CANNOT_REPLACE {
        assert!(old_now.class(class).shown_unclicked > 0, "{class:?}");
    }
}

#[tokio::test]
async fn an_override_with_force_collapse_reaches_the_classes_that_cannot_replace_as_well() {
    let sb = TestSandbox::start().await;
    let (old, new) = override_after_a_while(&sb, true).await;
    sb.advance(60 * MIN);
    let new_now = sb.handle.task(&new).unwrap();
    for class in CANNOT_REPLACE {
        assert!(new_now.class(class).arrived > 0, "{class:?}");
    }
    // Those devices show both notifications.
    let old_now = sb.handle.task(&old).unwrap();
    for class in CANNOT_REPLACE {
        assert!(old_now.class(class).shown_unclicked > 0, "{class:?}");
        assert!(new_now.class(class).shown_unclicked > 0, "{class:?}");
    }
}

#[tokio::test]
async fn recall_removes_shown_notifications_only_on_channels_that_support_recall() {
    let sb = TestSandbox::start().await;
    let c = sb.creds(ANDROID);
    let id = sb.push_all("Wrong price").await;
    sb.advance(20 * MIN);
    let before = sb.handle.task(&id).unwrap();
    assert!(before.class(DeviceClass::Xiaomi).shown_unclicked > 0);
    sb.client.revoke_push(&c, &id).await.unwrap();
    sb.advance(60 * MIN);
    let after = sb.handle.task(&id).unwrap();
    assert_eq!(after.status, Status::Recalled);
    assert_eq!(after.total().arrived, before.total().arrived);
    for class in [
        DeviceClass::Tpns,
        DeviceClass::Xiaomi,
        DeviceClass::HuaweiModern,
        DeviceClass::Vivo,
    ] {
        assert_eq!(after.class(class).shown_unclicked, 0, "{class:?}");
    }
    for class in [DeviceClass::Oppo, DeviceClass::Meizu, DeviceClass::Fcm] {
        assert!(after.class(class).shown_unclicked > 0, "{class:?}");
    }
    assert_eq!(
        sb.client.push_record(&c, &id).await.unwrap().status,
        "PUSH_REVOKED"
    );
}

#[tokio::test]
async fn cancel_before_the_send_time_means_the_task_is_never_sent() {
    let sb = TestSandbox::start().await;
    let c = sb.creds(ANDROID);
    let mut req = push(Audience::All, "20:00 promo");
    req.send_time = Some(sb.send_time_in(3_600));
    let id = sb.client.push(&c, &req).await.unwrap().push_id;
    sb.advance(30 * MIN);
    sb.client.cancel_timing_task(&c, &id).await.unwrap();
    sb.advance(120 * MIN);
    let snap = sb.handle.task(&id).unwrap();
    assert_eq!(snap.status, Status::Canceled);
    assert_eq!(snap.total(), Default::default());
    assert_eq!(
        sb.client.push_record(&c, &id).await.unwrap().status,
        "PUSH_CANCELED"
    );
}

#[tokio::test]
async fn cancel_after_the_send_time_is_refused_as_too_late() {
    let sb = TestSandbox::start().await;
    let c = sb.creds(ANDROID);
    let mut req = push(Audience::All, "20:00 promo");
    req.send_time = Some(sb.send_time_in(1_800));
    let id = sb.client.push(&c, &req).await.unwrap().push_id;
    sb.advance(31 * MIN);
    let err = sb.client.cancel_timing_task(&c, &id).await.unwrap_err();
    assert_eq!(err.code(), Some(1008007));
    assert!(
        err.to_string()
            .contains("dispatched at 2025-03-10 10:30:00"),
        "{err}"
    );
    assert_ne!(sb.handle.task(&id).unwrap().status, Status::Canceled);
}
