//! The action pipeline over HTTP against the sandbox: each rule enforced by the server, exactly
//! once under double submits and concurrent operators, honest races, upstream faults, and
//! reconciliation after a crash.

use std::time::Duration;

use app::domain::{Action, Audience, Status};
use app::error::AppError;
use pushdeck::sandbox::{DeviceClass, Fault, TaskSpec};
use pushdeck::tpns::Endpoint;

use crate::app::{Options, TestApp};
use crate::both_stores;
use crate::helpers::Db;

fn spec(audience: Audience) -> TaskSpec {
    TaskSpec {
        audience,
        title: "Weekend sale".into(),
        content: "Up to 50% off".into(),
        ..TaskSpec::default()
    }
}

fn scheduled(secs: u64) -> TaskSpec {
    TaskSpec {
        send_in: Some(Duration::from_secs(secs)),
        ..spec(Audience::All)
    }
}

/// Still sending or sent: not changed by an action.
fn sending(s: Status) -> bool {
    matches!(s, Status::Pushing | Status::Completed)
}

fn calls(app: &TestApp, ep: Endpoint) -> u64 {
    app.sandbox.traffic("demo-android", ep).calls
}

both_stores!(
    terminate_calls_tpns_once_and_reads_the_task_back_terminated,
    |db: Db| async move {
        let app = TestApp::spawn(db).await;
        let op = app.operator("olivia").await;
        let id = app.task("demo-android", &spec(Audience::All)).await;
        let out = app
            .act(&op, "demo-android", &id, Action::Terminate, "k1", &[])
            .await
            .expect("terminated");
        assert_eq!(out.status, Status::Terminated);
        assert_eq!(calls(&app, Endpoint::Stop), 1);
        assert_eq!(app.status("demo-android", &id).await, Status::Terminated);
        let task = app.stored("demo-android", &id).await;
        assert_eq!(task.in_flight, None, "the in-flight marker is cleared");
        let audit = app
            .services
            .store
            .task_audit("demo-android", &id)
            .await
            .unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(
            (audit[0].username.as_str(), audit[0].outcome.as_str()),
            ("olivia", "succeeded")
        );
        assert!(audit[0].request_summary.contains("stop_push_msg"));
        app.stop().await;
    }
);

both_stores!(
    the_server_enforces_every_refusal_and_calls_nothing_upstream,
    |db: Db| async move {
        let app = TestApp::spawn(db).await;
        let op = app.operator("olivia").await;
        let ios = app.task("demo-ios", &spec(Audience::All)).await;
        let token = app.task("demo-android", &spec(Audience::TokenList)).await;
        let news = app.task("demo-news", &spec(Audience::All)).await;
        let later = app.task("demo-android", &scheduled(3600)).await;
        let cases: [(&str, &str, Action, &str); 5] = [
            ("demo-ios", &ios, Action::Terminate, "not supported for iOS"),
            ("demo-android", &token, Action::Terminate, "device list"),
            (
                "demo-news",
                &news,
                Action::Recall,
                "Recall is not available",
            ),
            (
                "demo-android",
                &later,
                Action::Override,
                "this task is Scheduled",
            ),
            (
                "demo-android",
                &token,
                Action::Cancel,
                "only supported for tasks pushed to",
            ),
        ];
        for (i, (a, id, action, says)) in cases.into_iter().enumerate() {
            match app
                .act(&op, a, id, action, &format!("refuse-{i}"), &[])
                .await
            {
                Err(AppError::NotAllowed { reason }) => {
                    assert!(reason.contains(says), "{action:?}: {reason}")
                }
                other => panic!("{action:?} on {a}/{id}: {other:?}"),
            }
        }
        for ep in [
            Endpoint::Stop,
            Endpoint::Revoke,
            Endpoint::Cancel,
            Endpoint::Push,
        ] {
            for a in ["demo-android", "demo-ios", "demo-news"] {
                assert_eq!(
                    app.sandbox.traffic(a, ep).calls,
                    0,
                    "{ep:?} was called for {a}"
                );
            }
        }
        let refused = app
            .services
            .store
            .task_audit("demo-android", &token)
            .await
            .unwrap();
        assert!(
            refused.iter().all(|e| e.outcome == "refused"),
            "refusals are audited: {refused:?}"
        );
        app.stop().await;
    }
);

both_stores!(
    a_task_for_all_devices_needs_its_push_id_typed,
    |db: Db| async move {
        let app = TestApp::spawn(db).await;
        let op = app.operator("olivia").await;
        let id = app.task("demo-android", &spec(Audience::All)).await;
        let res = app
            .post(
                Some(&op),
                "/api/act",
                &[
                    ("app", "demo-android"),
                    ("push_id", &id),
                    ("action", "terminate"),
                    ("idempotency_key", "t1"),
                    ("typed_confirmation", "123"),
                ],
            )
            .await;
        match crate::app::decode::<app::dto::ActionOutcome>(res).await {
            Err(AppError::Validation { field, message }) => {
                assert_eq!(field, "typed_confirmation");
                assert!(message.contains(&id));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(calls(&app, Endpoint::Stop), 0);
        assert!(sending(app.status("demo-android", &id).await));
        app.stop().await;
    }
);

both_stores!(
    a_double_submit_makes_one_upstream_call_and_one_audit_entry,
    |db: Db| async move {
        let app = TestApp::spawn(db).await;
        let op = app.operator("olivia").await;
        let id = app.task("demo-android", &spec(Audience::Tag)).await;
        // The first request is slow upstream, so the second arrives while it is in flight.
        app.sandbox
            .set_fault(Endpoint::Stop, Fault::latency(Duration::from_millis(400)));
        let (a, b) = tokio::join!(
            app.act(&op, "demo-android", &id, Action::Terminate, "same-key", &[]),
            async {
                tokio::time::sleep(Duration::from_millis(50)).await;
                app.act(&op, "demo-android", &id, Action::Terminate, "same-key", &[])
                    .await
            }
        );
        let (a, b) = (a.expect("first"), b.expect("second gets the same outcome"));
        assert_eq!(a.status, Status::Terminated);
        assert_eq!(a, b);
        assert_eq!(calls(&app, Endpoint::Stop), 1, "one upstream call");
        let audit = app
            .services
            .store
            .task_audit("demo-android", &id)
            .await
            .unwrap();
        assert_eq!(audit.len(), 1, "one audit entry: {audit:?}");
        // A later retry of the same request is answered from the record, still without a call.
        app.act(&op, "demo-android", &id, Action::Terminate, "same-key", &[])
            .await
            .unwrap();
        assert_eq!(calls(&app, Endpoint::Stop), 1);
        // A key belongs to its user: a colleague sending the same key learns nothing of that
        // action and sends nothing.
        let other = app.operator("oscar").await;
        match app
            .act(
                &other,
                "demo-android",
                &id,
                Action::Terminate,
                "same-key",
                &[],
            )
            .await
        {
            Err(AppError::Validation { field, message }) => {
                assert_eq!(field, "idempotency_key");
                assert!(
                    !message.contains("olivia") && !message.contains("Terminated"),
                    "{message}"
                );
            }
            other => panic!("expected a refusal of the key, got {other:?}"),
        }
        assert_eq!(calls(&app, Endpoint::Stop), 1);
        app.stop().await;
    }
);

both_stores!(
    two_operators_at_once_make_one_call_and_the_loser_hears_who_acted_first,
    |db: Db| async move {
        let app = TestApp::spawn(db).await;
        let (ana, ben) = (app.operator("ana").await, app.operator("ben").await);
        let id = app.task("demo-android", &spec(Audience::Tag)).await;
        app.sandbox
            .set_fault(Endpoint::Stop, Fault::latency(Duration::from_millis(400)));
        let (a, b) = tokio::join!(
            app.act(&ana, "demo-android", &id, Action::Terminate, "ana-1", &[]),
            async {
                tokio::time::sleep(Duration::from_millis(100)).await;
                app.act(&ben, "demo-android", &id, Action::Terminate, "ben-1", &[])
                    .await
            }
        );
        assert_eq!(a.expect("ana wins").status, Status::Terminated);
        match b {
            Err(AppError::Conflict { message, by, .. }) => {
                assert_eq!(by.as_deref(), Some("ana"));
                assert!(message.starts_with("ana started Terminate"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        // Ben retries after it is over: told who acted and when, still no second call.
        match app
            .act(&ben, "demo-android", &id, Action::Terminate, "ben-2", &[])
            .await
        {
            Err(AppError::Conflict { message, by, .. }) => {
                assert_eq!(by.as_deref(), Some("ana"));
                assert!(message.contains("ana already used Terminate"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(calls(&app, Endpoint::Stop), 1);
        app.stop().await;
    }
);

both_stores!(
    a_cancel_that_loses_the_race_against_the_send_time_is_told_too_late,
    |db: Db| async move {
        let app = TestApp::spawn_with(
            db,
            Options {
                manual_clock: true,
                ..Default::default()
            },
        )
        .await;
        let op = app.operator("olivia").await;
        let id = app.task("demo-android", &scheduled(60)).await;
        assert_eq!(app.status("demo-android", &id).await, Status::Scheduled);
        // The console still sees the task as cancellable; while the request is on its way the send
        // time passes, and TPNS has started it.
        app.advance(59);
        app.sandbox
            .set_fault(Endpoint::Cancel, Fault::latency(Duration::from_millis(500)));
        let clock = app.clock.clone().unwrap();
        let mover = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            clock.advance_ms(5_000);
        });
        let res = app
            .act(&op, "demo-android", &id, Action::Cancel, "c1", &[])
            .await;
        mover.await.unwrap();
        match res {
            Err(AppError::NotAllowed { reason }) => {
                assert!(
                    reason.starts_with("Too late: this task started sending at "),
                    "{reason}"
                );
                assert!(
                    reason.ends_with("you can Terminate it instead."),
                    "{reason}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(app.status("demo-android", &id).await, Status::Pushing);
        // And a Cancel after the send time is refused before any call.
        let before = calls(&app, Endpoint::Cancel);
        match app
            .act(&op, "demo-android", &id, Action::Cancel, "c2", &[])
            .await
        {
            Err(AppError::NotAllowed { reason }) => {
                assert!(reason.contains("Too late"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(calls(&app, Endpoint::Cancel), before);
        app.stop().await;
    }
);

both_stores!(cancel_before_the_send_time_cancels, |db: Db| async move {
    let app = TestApp::spawn(db).await;
    let op = app.operator("olivia").await;
    let id = app.task("demo-android", &scheduled(3600)).await;
    let out = app
        .act(&op, "demo-android", &id, Action::Cancel, "c1", &[])
        .await
        .expect("canceled");
    assert_eq!(out.status, Status::Canceled);
    assert_eq!(app.status("demo-android", &id).await, Status::Canceled);
    app.stop().await;
});

async fn override_with(db: Db, choice: &str) -> (TestApp, String, String) {
    let app = TestApp::spawn(db).await;
    let op = app.operator("olivia").await;
    let id = app.task("demo-android", &spec(Audience::All)).await;
    let out = app
        .act(
            &op,
            "demo-android",
            &id,
            Action::Override,
            &format!("o-{choice}"),
            &[
                ("title", "Weekend sale (fixed)"),
                ("content", "Up to 50% off — correct link"),
                ("choice", choice),
            ],
        )
        .await
        .expect("overridden");
    assert_eq!(out.status, Status::Overridden);
    let new = out.new_push_id.expect("a new task");
    (app, id, new)
}

both_stores!(
    override_with_abort_links_both_tasks_and_skips_devices_that_cannot_replace,
    |db: Db| async move {
        let (app, old, new) = override_with(db, "abort").await;
        let o = app.stored("demo-android", &old).await;
        let n = app.stored("demo-android", &new).await;
        assert_eq!(o.overridden_by_push_id.as_deref(), Some(new.as_str()));
        assert_eq!(n.overrides_push_id.as_deref(), Some(old.as_str()));
        assert_eq!(n.title, "Weekend sale (fixed)");
        assert_eq!(n.source, app::domain::Source::Console);
        let snap = app
            .sandbox
            .task(&new)
            .expect("the sandbox has the new task");
        for class in [
            DeviceClass::Vivo,
            DeviceClass::Oppo,
            DeviceClass::HuaweiLegacy,
        ] {
            assert_eq!(snap.class(class).planned, 0, "{class:?} gets nothing new");
        }
        assert!(snap.class(DeviceClass::Xiaomi).planned > 0);
        assert!(snap.class(DeviceClass::HuaweiModern).planned > 0);
        app.stop().await;
    }
);

both_stores!(
    override_with_continue_delivers_to_devices_that_cannot_replace,
    |db: Db| async move {
        let (app, _old, new) = override_with(db, "continue").await;
        let snap = app
            .sandbox
            .task(&new)
            .expect("the sandbox has the new task");
        for class in [
            DeviceClass::Vivo,
            DeviceClass::Oppo,
            DeviceClass::HuaweiLegacy,
        ] {
            assert!(
                snap.class(class).planned > 0,
                "{class:?} gets the new message"
            );
        }
        app.stop().await;
    }
);

both_stores!(
    an_android_override_without_the_operators_choice_is_refused,
    |db: Db| async move {
        let app = TestApp::spawn(db).await;
        let op = app.operator("olivia").await;
        let id = app.task("demo-android", &spec(Audience::Tag)).await;
        match app
            .act(
                &op,
                "demo-android",
                &id,
                Action::Override,
                "o1",
                &[("title", "T"), ("content", "C")],
            )
            .await
        {
            Err(AppError::Validation { field, .. }) => assert_eq!(field, "choice"),
            other => panic!("{other:?}"),
        }
        match app
            .act(
                &op,
                "demo-android",
                &id,
                Action::Override,
                "o2",
                &[("title", " "), ("content", "C"), ("choice", "abort")],
            )
            .await
        {
            Err(AppError::Validation { field, .. }) => assert_eq!(field, "title"),
            other => panic!("{other:?}"),
        }
        assert_eq!(calls(&app, Endpoint::Push), 0);
        app.stop().await;
    }
);

both_stores!(
    an_override_with_an_unknown_outcome_blocks_a_second_one_but_terminate_may_be_retried,
    |db: Db| async move {
        let app = TestApp::spawn(db).await;
        let op = app.operator("olivia").await;
        let fields = [("title", "T"), ("content", "C"), ("choice", "abort")];

        // The override's push times out: it may have reached every device.
        let id = app.task("demo-android", &spec(Audience::Tag)).await;
        app.sandbox.set_fault(Endpoint::Push, Fault::timeout());
        let first = app
            .act(&op, "demo-android", &id, Action::Override, "u1", &fields)
            .await;
        app.sandbox.clear_fault(Endpoint::Push);
        assert!(
            matches!(first, Err(AppError::UpstreamUnavailable { .. })),
            "{first:?}"
        );
        let pushes = calls(&app, Endpoint::Push);
        // A second override before the first is reconciled is refused without a call.
        let second = app
            .act(&op, "demo-android", &id, Action::Override, "u2", &fields)
            .await;
        assert!(
            matches!(
                second,
                Err(AppError::NotAllowed { .. } | AppError::Conflict { .. })
            ),
            "{second:?}"
        );
        assert_eq!(calls(&app, Endpoint::Push), pushes, "no second push");

        // A terminate that timed out without effect may simply be tried again.
        let id = app.task("demo-android", &spec(Audience::Tag)).await;
        app.sandbox.set_fault(Endpoint::Stop, Fault::timeout());
        let first = app
            .act(&op, "demo-android", &id, Action::Terminate, "t1", &[])
            .await;
        app.sandbox.clear_fault(Endpoint::Stop);
        assert!(
            matches!(first, Err(AppError::UpstreamUnavailable { .. })),
            "{first:?}"
        );
        let retry = app
            .act(&op, "demo-android", &id, Action::Terminate, "t2", &[])
            .await
            .expect("the retry goes through");
        assert_eq!(retry.status, Status::Terminated);
        let t = app.stored("demo-android", &id).await;
        assert_eq!(t.in_flight, None);
        app.stop().await;
    }
);

both_stores!(
    an_override_that_could_not_reach_the_same_devices_is_refused_before_any_push,
    |db: Db| async move {
        let app = TestApp::spawn(db).await;
        let op = app.operator("olivia").await;
        let fields = [("title", "T"), ("content", "C"), ("choice", "abort")];
        // The stored task lacks what the push needs (first its tags, then its collapse ID) and
        // TPNS cannot be read now.
        for (i, (column, expected)) in [
            (
                "audience_detail",
                "pushed to a tag, but Pushdeck has not read which one",
            ),
            ("collapse_id", "no collapse ID"),
        ]
        .into_iter()
        .enumerate()
        {
            let id = app.task("demo-android", &spec(Audience::Tag)).await;
            sqlx::query(&format!(
                "update tasks set {column} = null where push_id = $1"
            ))
            .bind(&id)
            .execute(app.services.store.pool_for_tests())
            .await
            .unwrap();
            app.sandbox.set_fault(Endpoint::Record, Fault::status(500));
            let key = format!("n{i}");
            match app
                .act(&op, "demo-android", &id, Action::Override, &key, &fields)
                .await
            {
                Err(AppError::NotAllowed { reason }) => {
                    assert!(reason.contains(expected), "{reason}")
                }
                other => panic!("{column}: {other:?}"),
            }
            assert_eq!(calls(&app, Endpoint::Push), 0, "{column}: nothing pushed");
            let store = &app.services.store;
            assert!(store.intent_by_key(&key).await.unwrap().is_none());
            let t = store.get_task("demo-android", &id).await.unwrap().unwrap();
            assert_eq!(t.in_flight, None);
            assert!(sending(t.status), "{column}: {:?}", t.status);
            app.sandbox.clear_fault(Endpoint::Record);
        }
        app.stop().await;
    }
);

both_stores!(
    recall_removes_and_reads_back_recalled,
    |db: Db| async move {
        let app = TestApp::spawn(db).await;
        let op = app.operator("olivia").await;
        let id = app.task("demo-android", &spec(Audience::AccountList)).await;
        let out = app
            .act(&op, "demo-android", &id, Action::Recall, "r1", &[])
            .await
            .expect("recalled");
        assert_eq!(out.status, Status::Recalled);
        app.stop().await;
    }
);

both_stores!(
    each_upstream_fault_leaves_the_task_as_it_was_with_a_clear_message,
    |db: Db| async move {
        let app = TestApp::spawn(db).await;
        let op = app.operator("olivia").await;
        let faults = [
            ("5xx", Fault::status(503)),
            ("drop", Fault::drop_connection()),
            ("bad json", Fault::malformed()),
            (
                "ret_code",
                Fault {
                    kind: Some(pushdeck::sandbox::FaultKind::RetCode {
                        code: 1008007,
                        message: Some("param invalid".into()),
                    }),
                    ..Fault::default()
                },
            ),
            ("timeout", Fault::timeout()),
        ];
        for (i, (name, fault)) in faults.into_iter().enumerate() {
            let id = app.task("demo-android", &spec(Audience::Tag)).await;
            app.sandbox.set_fault(Endpoint::Stop, fault);
            let res = app
                .act(
                    &op,
                    "demo-android",
                    &id,
                    Action::Terminate,
                    &format!("f{i}"),
                    &[],
                )
                .await;
            app.sandbox.clear_fault(Endpoint::Stop);
            match (name, res) {
                ("ret_code", Err(AppError::Upstream { code, message })) => {
                    assert_eq!(code, 1008007);
                    assert!(message.contains("param invalid"), "{message}");
                    assert_eq!(
                        message.matches("1008007").count(),
                        1,
                        "said once: {message}"
                    );
                    assert!(message.ends_with("The task was not changed."), "{message}");
                }
                (_, Err(AppError::UpstreamUnavailable { message })) => {
                    assert!(
                        message.starts_with("TPNS did not answer"),
                        "{name}: {message}"
                    );
                    assert!(
                        !message.contains("127.0.0.1"),
                        "{name}: an internal address leaked: {message}"
                    );
                }
                (_, other) => panic!("{name}: {other:?}"),
            }
            assert!(sending(app.status("demo-android", &id).await), "{name}");
            let t = app.stored("demo-android", &id).await;
            assert_eq!(t.in_flight, None, "{name}");
            let audit = app
                .services
                .store
                .task_audit("demo-android", &id)
                .await
                .unwrap();
            assert_eq!(audit.len(), 1, "{name}: one audited outcome");
        }
        app.stop().await;
    }
);

both_stores!(
    a_server_killed_between_intent_and_answer_is_reconciled_on_restart,
    |db: Db| async move {
        use pushdeck::store::intents::NewIntent;
        let app = TestApp::spawn_with(
            db,
            Options {
                manual_clock: true,
                ..Default::default()
            },
        )
        .await;
        let happened = app.task("demo-android", &spec(Audience::Tag)).await;
        let lost = app.task("demo-android", &spec(Audience::Tag)).await;
        let store = app.services.store.clone();
        let now = app.services.clock.now_ms();
        // What a crash leaves behind: intents written, in-flight markers set, and for one of them
        // the upstream call went through but its answer never came back.
        for (push_id, key) in [(&happened, "crash-1"), (&lost, "crash-2")] {
            let intent = store
                .insert_intent(&NewIntent {
                    app_id: "demo-android",
                    push_id,
                    action: Action::Terminate,
                    params: "{}",
                    idempotency_key: key,
                    user_id: None,
                    username: "olivia",
                    owner: "a-dead-instance",
                    now_ms: now,
                })
                .await
                .map_err(|_| "insert")
                .unwrap();
            // The pipeline notes each call just before it leaves.
            assert!(store.mark_sending(intent.intent_id, now).await.unwrap());
            store
                .set_in_flight("demo-android", push_id, Some(Action::Terminate))
                .await
                .unwrap();
        }
        let upstream = app.services.apps.get("demo-android").unwrap().clone();
        app.services
            .tpns
            .stop_push(&upstream.creds, &happened)
            .await
            .unwrap();

        app.advance(121);
        let app = app.restart().await;
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let a = app
                .services
                .store
                .intent_by_key("crash-1")
                .await
                .unwrap()
                .unwrap();
            let b = app
                .services
                .store
                .intent_by_key("crash-2")
                .await
                .unwrap()
                .unwrap();
            use pushdeck::store::intents::IntentState::*;
            if a.state != Pending && b.state != Pending {
                assert_eq!(a.state, Succeeded, "{a:?}");
                assert_eq!(b.state, Failed, "{b:?}");
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "not reconciled in time"
            );
            // Time passes on the console's clock too (a look the reconciler put off comes due).
            app.advance(1);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(
            app.status("demo-android", &happened).await,
            Status::Terminated
        );
        let t = app.stored("demo-android", &lost).await;
        assert!(sending(t.status), "{:?}", t.status);
        assert_eq!(t.in_flight, None);
        let audit = app
            .services
            .store
            .task_audit("demo-android", &happened)
            .await
            .unwrap();
        assert_eq!(
            audit.last().map(|e| e.outcome.as_str()),
            Some("succeeded (reconciled)")
        );
        let audit = app
            .services
            .store
            .task_audit("demo-android", &lost)
            .await
            .unwrap();
        assert_eq!(
            audit.last().map(|e| e.outcome.as_str()),
            Some("failed (reconciled)")
        );
        app.stop().await;
    }
);

/// A machine whose own clock runs an hour ahead of the database's.
struct AheadClock;

impl pushdeck::clock::Clock for AheadClock {
    fn now_ms(&self) -> i64 {
        use pushdeck::clock::SystemClock;
        SystemClock.now_ms() + 3_600_000
    }
    fn is_system(&self) -> bool {
        true
    }
}

both_stores!(
    an_instance_whose_clock_is_off_neither_acts_nor_reads_nor_reconciles,
    |db: Db| async move {
        let app = TestApp::spawn_with(
            db,
            Options {
                clock: Some(pushdeck::clock::SharedClock::of(std::sync::Arc::new(
                    AheadClock,
                ))),
                ..Default::default()
            },
        )
        .await;
        // The start-up heartbeat measures the clock against the database's.
        for _ in 0..50 {
            if app.services.actions.clock_off() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(app.services.actions.clock_off(), "the clock is found off");
        // A task imported while the clock was still right (the flag set aside for it); then the
        // heartbeat's finding stands again.
        app.services.store.set_clock_off(false);
        let op = app.operator("olivia").await;
        let id = app.task("demo-android", &spec(Audience::Tag)).await;
        app.services.store.set_clock_off(true);
        match app
            .act(&op, "demo-android", &id, Action::Terminate, "k-1", &[])
            .await
        {
            Err(AppError::NotAllowed { reason }) => {
                assert!(reason.contains("clock"), "{reason}")
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(calls(&app, Endpoint::Stop), 0, "nothing was sent");
        // The refusal is audited, like every refusal.
        let audit = app
            .services
            .store
            .task_audit("demo-android", &id)
            .await
            .unwrap();
        assert_eq!(audit.len(), 1, "{audit:?}");
        assert_eq!(audit[0].outcome, "refused");
        // Nor does it read TPNS: what it read would be stamped by its wrong clock.
        let records = calls(&app, Endpoint::Record);
        let refresh = app
            .services
            .sync
            .refresh_task(
                app.services.apps.get("demo-android").unwrap(),
                &id,
                pushdeck::sync::RefreshReason::Person,
            )
            .await;
        assert!(
            matches!(refresh, Err(pushdeck::sync::SyncError::ClockOff)),
            "{refresh:?}"
        );
        app.services.sync.tick().await;
        assert_eq!(calls(&app, Endpoint::Record), records, "no read of TPNS");
        let report = app
            .services
            .actions
            .reconcile(&app.services.apps)
            .await
            .unwrap();
        assert!(!report.leader, "it does not take the reconciler's lease");
        app.stop().await;
    }
);
