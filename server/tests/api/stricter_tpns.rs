//! The pipeline against a sandbox as strict as TPNS (issue 13): tasks the app's backend
//! scheduled, read from records without `createTime`; tasks scheduled two months ahead; an
//! override that corrects the link and carries the rest of the original message; and the
//! per-channel picture of channels Pushdeck does not model. Each runs under the sandbox
//! profiles where the answer differs (`sandbox::Profile`).

use std::time::Duration;

use app::domain::{Action, Audience, MessageKind, Status};
use app::dto::TaskDetail;
use pushdeck::sandbox::{Profile, TaskSpec};
use pushdeck::tpns::{AuthScheme, PushRequest};
use serde_json::{Value, json};

use crate::app::{Options, TestApp, decode};
use crate::helpers::Db;

const ANDROID: &str = "demo-android";
const IOS: &str = "demo-ios";
const DAY: i64 = 86_400;

async fn spawn(profile: Profile) -> TestApp {
    TestApp::spawn_with(
        Db::Sqlite,
        Options {
            manual_clock: true,
            profile,
            ..Options::default()
        },
    )
    .await
}

/// What the details page's server function answers for a task.
async fn details(app: &TestApp, s: &crate::app::Session, push_id: &str) -> TaskDetail {
    decode(
        app.get(
            Some(s),
            &format!("/api/task?app={ANDROID}&push_id={push_id}"),
        )
        .await,
    )
    .await
    .expect("the details")
}

#[tokio::test]
async fn cancel_push_works_on_a_task_the_backend_scheduled_under_every_profile() {
    for profile in Profile::ALL {
        let app = spawn(profile).await;
        let op = app.operator("ops").await;
        let now = app.services.clock.now();
        // The app's backend schedules a push through TPNS's REST API.
        let creds = app
            .sandbox
            .credentials(ANDROID, AuthScheme::Signature)
            .unwrap();
        let mut req = PushRequest::new(
            Audience::All,
            MessageKind::Notify,
            "Weekend sale",
            "Starts Saturday",
        );
        req.send_time = Some(app::domain::time::format_datetime(now + 2 * 3600, 480));
        let id = app.services.tpns.push(&creds, &req).await.unwrap().push_id;
        app.import(ANDROID, &id).await;

        let t = app.stored(ANDROID, &id).await;
        assert_eq!(t.status, Status::Scheduled, "{profile}");
        assert_eq!(
            t.send_time,
            Some(now + 2 * 3600),
            "{profile}: the Scheduled column"
        );
        assert!(t.created_at <= now, "{profile}");
        let out = app
            .act(
                &op,
                ANDROID,
                &id,
                Action::Cancel,
                &format!("c-{profile}"),
                &[],
            )
            .await
            .unwrap_or_else(|e| panic!("{profile}: Cancel Push refused: {e}"));
        assert_eq!(out.status, Status::Canceled, "{profile}");
        assert_eq!(
            app.sandbox.task(&id).unwrap().status,
            Status::Canceled,
            "{profile}: TPNS canceled it"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_task_scheduled_sixty_days_ahead_is_read_and_canceled_forty_days_later() {
    for profile in [Profile::Friendly, Profile::Sparse] {
        let app = spawn(profile).await;
        app.operator("ops").await;
        let spec = TaskSpec {
            title: "Singles' Day".into(),
            send_in: Some(Duration::from_secs(60 * DAY as u64)),
            ..TaskSpec::default()
        };
        let id = app.task(ANDROID, &spec).await;
        let send = app.stored(ANDROID, &id).await.send_time.expect("scheduled");

        app.advance(40 * DAY);
        let now = app.services.clock.now();
        // Forty days on, past TPNS's month from its creation: a read of its own still answers.
        app.import(ANDROID, &id).await;
        let t = app.stored(ANDROID, &id).await;
        assert_eq!(t.last_synced_at, Some(now * 1000), "{profile}: read again");
        assert!(!t.is_stale(now), "{profile}: not shown as sync stale");
        assert_eq!((t.status, t.send_time), (Status::Scheduled, Some(send)));

        // Sessions do not last forty days: sign in again.
        let op = app.login("ops", "ops-password-123").await.expect("sign in");
        let out = app
            .act(&op, ANDROID, &id, Action::Cancel, "cancel-60", &[])
            .await
            .unwrap_or_else(|e| panic!("{profile}: {e}"));
        assert_eq!(out.status, Status::Canceled);
        assert_eq!(app.sandbox.task(&id).unwrap().status, Status::Canceled);
        app.stop().await;
    }
}

const CUSTOM: &str = r#"{"order":"A-7","utm":"spring"}"#;

#[tokio::test]
async fn an_override_corrects_the_link_and_keeps_the_rest_of_the_original_message() {
    for profile in [Profile::Friendly, Profile::Quirky] {
        let app = spawn(profile).await;
        let op = app.operator("ops").await;
        let android = json!({
            "n_ch_id": "promotions",
            "custom_content": CUSTOM,
            "action": {"action_type": 2, "browser": {"url": "https://shop.example/sprnig-sale", "confirm": 0}},
        });
        let spec = TaskSpec {
            title: "Spring sale".into(),
            android: Some(android),
            ..TaskSpec::default()
        };
        let id = app.task(ANDROID, &spec).await;
        // The dialog starts from the original's link.
        let d = details(&app, &op, &id).await;
        assert_eq!(
            (d.click_kind.as_str(), d.click_target.as_str()),
            ("url", "https://shop.example/sprnig-sale"),
            "{profile}"
        );

        // A web address that is not one is refused with the field named, and nothing is sent.
        let before = app.sandbox.pushes(ANDROID).len();
        let bad = [
            ("title", "Spring sale"),
            ("content", "Up to 50% off"),
            ("choice", "continue"),
            ("click", "url"),
            ("url", "shop.example/spring-sale"),
        ];
        match app
            .act(&op, ANDROID, &id, Action::Override, "o-bad", &bad)
            .await
        {
            Err(app::error::AppError::Validation { field, .. }) => assert_eq!(field, "url"),
            other => panic!("{profile}: expected a refusal of the URL, got {other:?}"),
        }
        assert_eq!(app.sandbox.pushes(ANDROID).len(), before, "nothing sent");

        let fixed = "https://shop.example/spring-sale?utm=push";
        let fields = [
            ("title", "Spring sale"),
            ("content", "Up to 50% off — link fixed"),
            ("choice", "continue"),
            ("click", "url"),
            ("url", fixed),
        ];
        let out = app
            .act(&op, ANDROID, &id, Action::Override, "o-url", &fields)
            .await
            .unwrap_or_else(|e| panic!("{profile}: {e}"));
        let new_id = out.new_push_id.expect("a new task");
        let sent = last_push(&app, ANDROID, &new_id);
        let a = &sent["message"]["android"];
        assert_eq!(a["action"]["action_type"], 2, "{profile}");
        assert_eq!(a["action"]["browser"]["url"], fixed, "{profile}");
        assert_eq!(
            a["custom_content"], CUSTOM,
            "{profile}: the original's custom content"
        );
        assert_eq!(a["n_ch_id"], "promotions", "{profile}");
        assert_eq!(sent["force_collapse"], true);
        assert!(sent["collapse_id"].as_i64().is_some());
        // TPNS's record of the new push says the same, and so does the console.
        let d = details(&app, &op, &new_id).await;
        assert_eq!(
            (d.click_kind.as_str(), d.click_target.as_str()),
            ("url", fixed),
            "{profile}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_task_stored_before_its_message_was_kept_is_overridden_with_the_message_read_fresh() {
    let app = spawn(Profile::Friendly).await;
    let op = app.operator("ops").await;
    let android = json!({"custom_content": CUSTOM, "action": {"action_type": 3, "intent": "xgscheme://shop/sale"}});
    let spec = TaskSpec {
        android: Some(android),
        ..TaskSpec::default()
    };
    let id = app.task(ANDROID, &spec).await;
    // As a row from before migration 0008, or one only a list page has described.
    sqlx::query("update tasks set push_config = null where push_id = $1")
        .bind(&id)
        .execute(crate::helpers::pool(&app.services.store))
        .await
        .unwrap();
    // The dialog shows (and sends back) the original's intent unchanged: not a correction.
    let fields = [
        ("title", "T"),
        ("content", "C"),
        ("choice", "abort"),
        ("click", "intent"),
        ("intent", "xgscheme://shop/sale"),
    ];
    let out = app
        .act(&op, ANDROID, &id, Action::Override, "o-old-row", &fields)
        .await
        .unwrap();
    let sent = last_push(&app, ANDROID, &out.new_push_id.unwrap());
    assert_eq!(sent["message"]["android"]["custom_content"], CUSTOM);
    assert_eq!(
        sent["message"]["android"]["action"],
        json!({"action_type": 3, "intent": "xgscheme://shop/sale"}),
        "the original's action, as it was"
    );
}

#[tokio::test]
async fn an_ios_override_repeats_the_original_environment_and_custom_content() {
    let app = spawn(Profile::Friendly).await;
    let op = app.operator("ops").await;
    let spec = TaskSpec {
        title: "Beta build ready".into(),
        environment: Some("dev".into()),
        ios: Some(
            json!({"custom_content": CUSTOM, "aps": {"alert": {"title": "Beta build ready"}, "sound": "default"}}),
        ),
        ..TaskSpec::default()
    };
    let id = app.task(IOS, &spec).await;
    let fields = [
        ("title", "Beta build 2 ready"),
        ("content", "Tap to install"),
    ];
    let out = app
        .act(&op, IOS, &id, Action::Override, "o-ios", &fields)
        .await
        .unwrap();
    let sent = last_push(&app, IOS, &out.new_push_id.unwrap());
    assert_eq!(
        sent["environment"], "dev",
        "a dev app's override must say dev"
    );
    assert_eq!(sent["message"]["ios"]["custom_content"], CUSTOM);
    assert_eq!(
        sent["message"]["ios"]["aps"],
        json!({"sound": "default"}),
        "the old alert is dropped"
    );
    assert_eq!(sent["message"]["title"], "Beta build 2 ready");
    // A click action cannot be changed on iOS: refused, not silently ignored.
    let fields = [
        ("title", "T"),
        ("content", "C"),
        ("click", "url"),
        ("url", "https://example.com"),
    ];
    let other = app.task(IOS, &TaskSpec::default()).await;
    match app
        .act(&op, IOS, &other, Action::Override, "o-ios-2", &fields)
        .await
    {
        Err(app::error::AppError::Validation { field, .. }) => assert_eq!(field, "click"),
        got => panic!("expected a refusal, got {got:?}"),
    }
}

#[tokio::test]
async fn channels_pushdeck_does_not_model_get_their_own_row_and_honor_and_fcm_cannot_replace() {
    let app = spawn(Profile::Quirky).await;
    let op = app.operator("ops").await;
    let id = app.task(ANDROID, &TaskSpec::default()).await;
    app.advance(600);
    let upstream = app.services.apps.get(ANDROID).unwrap().clone();
    app.services
        .sync
        .refresh_task(&upstream, &id, pushdeck::sync::RefreshReason::Person)
        .await
        .unwrap();
    let d = details(&app, &op, &id).await;
    let names: Vec<&str> = d.channels.iter().map(|(n, _)| n.as_str()).collect();
    for name in ["ROG", "newvendor", "Honor", "FCM"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    let planned: u64 = d.channels.iter().map(|(_, c)| c.planned).sum();
    assert_eq!(
        planned, d.row.totals.planned,
        "nothing vanishes into the totals"
    );
    for name in ["Honor", "FCM", "newvendor", "vivo", "OPPO"] {
        assert!(
            d.cannot_replace.parts.contains(name),
            "{name}: {}",
            d.cannot_replace.parts
        );
    }
    assert!(!d.cannot_replace.parts.contains("Xiaomi"));
}

#[tokio::test]
async fn overrides_at_once_wait_their_turn_instead_of_being_refused_by_tpns() {
    // Real time, and a sandbox that allows one push a second per app, as TPNS does.
    let app = TestApp::spawn_with(
        Db::Sqlite,
        Options {
            tpns_push_rate: true,
            ..Options::default()
        },
    )
    .await;
    let op = app.operator("ops").await;
    let spec = TaskSpec {
        audience: Audience::Tag,
        ..TaskSpec::default()
    };
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(app.task(ANDROID, &spec).await);
    }
    let fields = [
        ("title", "Fixed"),
        ("content", "Fixed"),
        ("choice", "abort"),
    ];
    let started = std::time::Instant::now();
    let act = |i: usize| {
        let (app, op, id) = (&app, &op, ids[i].clone());
        async move {
            app.act(
                op,
                ANDROID,
                &id,
                Action::Override,
                &format!("o-{i}"),
                &fields,
            )
            .await
        }
    };
    let (a, b, c) = tokio::join!(act(0), act(1), act(2));
    for r in [a, b, c] {
        assert_eq!(
            r.expect("every override went through").status,
            Status::Overridden
        );
    }
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "three pushes, a second apart"
    );
    assert_eq!(
        app.sandbox
            .rate_limited(ANDROID, pushdeck::tpns::Endpoint::Push),
        0,
        "none was refused with 1008028"
    );
    assert_eq!(app.sandbox.overrides(ANDROID).len(), 3);
}

/// The body of the push that made `push_id`, as the sandbox received it.
fn last_push(app: &TestApp, app_id: &str, push_id: &str) -> Value {
    app.sandbox
        .pushes(app_id)
        .into_iter()
        .rev()
        .find(|b| b["_push_id"] == push_id)
        .unwrap_or_else(|| panic!("the sandbox kept the push of {push_id}"))
}
