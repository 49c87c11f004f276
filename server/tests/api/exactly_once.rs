//! Exactly once against the failures TPNS really has: the call takes effect and then its answer
//! is lost (a timeout, a dropped connection, a 5xx, a malformed body) or replaced by an error
//! code. Terminate, Recall and Cancel are confirmed and recorded as succeeded; an Override is
//! *unknown* until the reconciler finds its new task, and no second Override is ever sent.

use std::time::Duration;

use app::domain::{Action, Audience, Status};
use app::error::AppError;
use pushdeck::sandbox::{Fault, TaskSpec};
use pushdeck::store::audit::NewAudit;
use pushdeck::store::intents::{InsertError, IntentState, NewIntent, Settlement};
use pushdeck::tpns::{Endpoint, PushRequest};

use crate::app::{Options, Session, TestApp};
use crate::both_stores;
use crate::helpers::Db;

const APP: &str = "demo-android";
const FIELDS: [(&str, &str); 3] = [
    ("title", "Weekend sale (fixed)"),
    ("content", "Up to 50% off, correct link"),
    ("choice", "continue"),
];

fn spec(audience: Audience) -> TaskSpec {
    TaskSpec {
        audience,
        title: "Weekend sale".into(),
        content: "Up to 50% off".into(),
        ..TaskSpec::default()
    }
}

/// The faults after the effect: the answer lost, or replaced by an error.
fn after_faults() -> Vec<(&'static str, Fault)> {
    vec![
        ("timeout", Fault::timeout().times(1).after_effect()),
        (
            "dropped connection",
            Fault::drop_connection().times(1).after_effect(),
        ),
        ("HTTP 503", Fault::status(503).times(1).after_effect()),
        ("malformed body", Fault::malformed().times(1).after_effect()),
        (
            "ret_code 1008004",
            Fault::ret_code(1008004).times(1).after_effect(),
        ),
    ]
}

fn calls(app: &TestApp, ep: Endpoint) -> u64 {
    app.sandbox.traffic(APP, ep).calls
}

fn endpoint(action: Action) -> Endpoint {
    match action {
        Action::Terminate => Endpoint::Stop,
        Action::Recall => Endpoint::Revoke,
        Action::Cancel => Endpoint::Cancel,
        Action::Override => Endpoint::Push,
    }
}

fn task_for(action: Action) -> TaskSpec {
    match action {
        Action::Cancel => TaskSpec {
            send_in: Some(Duration::from_secs(3600)),
            ..spec(Audience::Tag)
        },
        Action::Recall => spec(Audience::AccountList),
        _ => spec(Audience::Tag),
    }
}

async fn intent_state(app: &TestApp, key: &str) -> IntentState {
    app.services
        .store
        .intent_by_key(key)
        .await
        .unwrap()
        .expect("the intent")
        .state
}

/// Terminate, Recall or Cancel with every fault after the effect: TPNS did it, so the console
/// records a success (confirmed by the retry or by reading the task back), in one audited
/// outcome, and refuses to repeat it.
async fn a_write_whose_answer_is_lost_is_recorded_as_done(db: Db, action: Action) {
    let app = TestApp::spawn(db).await;
    let op = app.operator("olivia").await;
    let mut faults = after_faults();
    // A refusal in place of the answer: the effect is there all the same.
    faults.push((
        "ret_code 1008007",
        Fault::ret_code(1008007).times(1).after_effect(),
    ));
    for (i, (name, fault)) in faults.into_iter().enumerate() {
        let id = app.task(APP, &task_for(action)).await;
        app.sandbox.set_fault(endpoint(action), fault);
        let key = format!("{}-{i}", action.slug());
        let out = app.act(&op, APP, &id, action, &key, &[]).await;
        app.sandbox.clear_fault(endpoint(action));
        let out = out.unwrap_or_else(|e| panic!("{action:?} after {name}: {e:?}"));
        assert_eq!(out.status, action.expected_status(), "{name}");
        assert_eq!(
            app.sandbox.task(&id).unwrap().status,
            action.expected_status(),
            "{name}: TPNS did it"
        );
        assert_eq!(
            intent_state(&app, &key).await,
            IntentState::Succeeded,
            "{name}"
        );
        let t = app.stored(APP, &id).await;
        assert_eq!(t.status, action.expected_status(), "{name}");
        assert_eq!(t.in_flight, None, "{name}");
        let done: Vec<_> = t.done.iter().filter(|d| d.confirmed).collect();
        assert_eq!(done.len(), 1, "{name}: {:?}", t.done);
        let audit = app.services.store.task_audit(APP, &id).await.unwrap();
        assert_eq!(audit.len(), 1, "{name}: one audited outcome: {audit:?}");
        assert!(
            audit[0].outcome.starts_with("succeeded"),
            "{name}: {audit:?}"
        );
        // Asked again: refused with who did it, and nothing sent.
        let before = calls(&app, endpoint(action));
        match app
            .act(&op, APP, &id, action, &format!("{key}-again"), &[])
            .await
        {
            Err(AppError::Conflict { message, by, .. }) => {
                assert_eq!(by.as_deref(), Some("olivia"), "{name}");
                assert!(message.contains("olivia already used"), "{name}: {message}");
            }
            other => panic!("{name}: {other:?}"),
        }
        assert_eq!(calls(&app, endpoint(action)), before, "{name}: no call");
    }
    app.stop().await;
}

both_stores!(terminate_whose_answer_is_lost, |db: Db| async move {
    a_write_whose_answer_is_lost_is_recorded_as_done(db, Action::Terminate).await
});
both_stores!(recall_whose_answer_is_lost, |db: Db| async move {
    a_write_whose_answer_is_lost_is_recorded_as_done(db, Action::Recall).await
});
both_stores!(cancel_whose_answer_is_lost, |db: Db| async move {
    a_write_whose_answer_is_lost_is_recorded_as_done(db, Action::Cancel).await
});

/// Waits until the reconciler (the background pass, or this one) has settled the intent.
async fn reconciled(app: &TestApp, key: &str) -> IntentState {
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let state = intent_state(app, key).await;
        if !matches!(state, IntentState::Pending | IntentState::Unknown) {
            return state;
        }
        assert!(std::time::Instant::now() < deadline, "{key} not settled");
        app.services
            .actions
            .reconcile(&app.services.apps)
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn override_(
    app: &TestApp,
    s: &Session,
    id: &str,
    key: &str,
) -> Result<app::dto::ActionOutcome, AppError> {
    app.act(s, APP, id, Action::Override, key, &FIELDS).await
}

both_stores!(
    an_override_whose_answer_is_lost_is_unknown_until_the_reconciler_finds_its_new_task,
    |db: Db| async move {
        let app = TestApp::spawn(db).await;
        let (ana, ben) = (app.operator("ana").await, app.operator("ben").await);
        for (i, (name, fault)) in after_faults().into_iter().enumerate() {
            let id = app.task(APP, &spec(Audience::Tag)).await;
            let before = app.sandbox.overrides(APP).len();
            app.sandbox.set_fault(Endpoint::Push, fault);
            let key = format!("o-{i}");
            let first = override_(&app, &ana, &id, &key).await;
            app.sandbox.clear_fault(Endpoint::Push);
            match first {
                Err(AppError::UpstreamUnavailable { message }) => {
                    assert!(message.contains("unknown"), "{name}: {message}")
                }
                other => panic!("{name}: {other:?}"),
            }
            assert_eq!(
                app.sandbox.overrides(APP).len(),
                before + 1,
                "{name}: it went out"
            );
            // While unknown (or once the background pass settled it), another override is
            // refused and nothing is pushed.
            let pushes = calls(&app, Endpoint::Push);
            match override_(&app, &ben, &id, &format!("{key}-ben")).await {
                Err(AppError::Conflict { message, .. }) => {
                    assert!(message.contains("ana"), "{name}: {message}")
                }
                other => panic!("{name}: {other:?}"),
            }
            assert_eq!(
                calls(&app, Endpoint::Push),
                pushes,
                "{name}: no second push"
            );

            assert_eq!(
                reconciled(&app, &key).await,
                IntentState::Succeeded,
                "{name}"
            );
            let (original, new) = app.sandbox.overrides(APP).last().cloned().unwrap();
            assert_eq!(original, id);
            let t = app.stored(APP, &id).await;
            assert_eq!(t.status, Status::Overridden, "{name}");
            assert_eq!(
                t.overridden_by_push_id.as_deref(),
                Some(new.as_str()),
                "{name}"
            );
            assert_eq!(t.in_flight, None, "{name}");
            let n = app.stored(APP, &new).await;
            assert_eq!(n.overrides_push_id.as_deref(), Some(id.as_str()), "{name}");
            // Settled: refused with the new task named; the new task itself may be overridden.
            match override_(&app, &ben, &id, &format!("{key}-ben-2")).await {
                Err(AppError::Conflict { message, by, .. }) => {
                    assert_eq!(by.as_deref(), Some("ana"));
                    assert!(message.contains(&new), "{name}: {message}");
                }
                other => panic!("{name}: {other:?}"),
            }
            assert_eq!(
                app.sandbox.overrides(APP).len(),
                before + 1,
                "{name}: one override"
            );
            let audit = app.services.store.task_audit(APP, &id).await.unwrap();
            let outcomes: Vec<&str> = audit.iter().map(|e| e.outcome.as_str()).collect();
            assert!(outcomes.contains(&"unknown"), "{name}: {outcomes:?}");
            assert!(
                outcomes.contains(&"succeeded (reconciled)"),
                "{name}: {outcomes:?}"
            );
        }
        app.stop().await;
    }
);

both_stores!(
    an_override_read_back_that_fails_still_records_the_override_and_refuses_a_second,
    |db: Db| async move {
        // The three steps of a second override: TPNS accepts the push, every read from TPNS
        // fails after it, and another operator confirms an override of the same task.
        let app = TestApp::spawn(db).await;
        let (ana, ben) = (app.operator("ana").await, app.operator("ben").await);
        let id = app.task(APP, &spec(Audience::All)).await;
        app.sandbox.set_fault(Endpoint::Record, Fault::status(503));
        app.sandbox
            .set_fault(Endpoint::TaskStat, Fault::status(503));
        let first = override_(&app, &ana, &id, "ana-1")
            .await
            .expect("TPNS accepted the override");
        let new = first.new_push_id.expect("the new task");
        let t = app.stored(APP, &id).await;
        assert_eq!(t.status, Status::Overridden, "recorded without a read-back");
        assert_eq!(t.overridden_by_push_id.as_deref(), Some(new.as_str()));
        assert_eq!(t.in_flight, None);
        match override_(&app, &ben, &id, "ben-1").await {
            Err(AppError::Conflict { message, by, .. }) => {
                assert_eq!(by.as_deref(), Some("ana"));
                assert!(
                    message.starts_with("ana already used Override on this task at "),
                    "{message}"
                );
                assert!(message.contains(&format!("task {new}")), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            app.sandbox.overrides(APP).len(),
            1,
            "one override reached the devices"
        );
        assert_eq!(calls(&app, Endpoint::Push), 1);
        // Even if TPNS later showed the original as still pushing, the record of what was done
        // keeps the rule.
        sqlx::query("update tasks set status = 'PUSH_STARTED' where push_id = $1")
            .bind(&id)
            .execute(app.services.store.pool_for_tests())
            .await
            .unwrap();
        assert!(matches!(
            override_(&app, &ben, &id, "ben-2").await,
            Err(AppError::Conflict { .. })
        ));
        assert_eq!(calls(&app, Endpoint::Push), 1);
        // Correcting the correction: the new task may be overridden.
        app.sandbox.clear_faults();
        app.import(APP, &new).await;
        override_(&app, &ben, &new, "ben-3")
            .await
            .expect("the new task is overridden");
        assert_eq!(app.sandbox.overrides(APP).len(), 2);
        app.stop().await;
    }
);

both_stores!(
    an_override_planned_against_a_task_tpns_shows_overridden_is_refused_after_its_intent,
    |db: Db| async move {
        // Overridden outside Pushdeck (TPNS's own console): the store still says Pushing, the
        // plan's fresh read says Overridden, and the check after the intent refuses it.
        let app = TestApp::spawn(db).await;
        let op = app.operator("olivia").await;
        let id = app.task(APP, &spec(Audience::All)).await;
        let collapse = app.stored(APP, &id).await.collapse_id.unwrap();
        let upstream = app.services.apps.get(APP).unwrap().clone();
        let mut elsewhere = PushRequest::new(
            Audience::All,
            app::domain::MessageKind::Notify,
            "From TPNS's console",
            "fixed",
        );
        elsewhere.collapse_id = Some(collapse);
        elsewhere.force_collapse = Some(true);
        app.services
            .tpns
            .push(&upstream.creds, &elsewhere)
            .await
            .unwrap();
        assert_eq!(app.stored(APP, &id).await.status, Status::Pushing);
        let pushes = calls(&app, Endpoint::Push);
        match override_(&app, &op, &id, "late").await {
            Err(AppError::NotAllowed { reason }) => {
                assert!(reason.contains("Overridden"), "{reason}")
            }
            Err(AppError::Conflict { message, .. }) => {
                assert!(message.contains("Overridden"), "{message}")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(calls(&app, Endpoint::Push), pushes, "no push");
        assert_eq!(intent_state(&app, "late").await, IntentState::Failed);
        let audit = app.services.store.task_audit(APP, &id).await.unwrap();
        assert_eq!(
            audit.last().map(|e| e.outcome.as_str()),
            Some("refused"),
            "{audit:?}"
        );
        assert_eq!(app.stored(APP, &id).await.in_flight, None);
        app.stop().await;
    }
);

both_stores!(
    the_reconciler_gives_up_on_a_task_tpns_no_longer_knows,
    |db: Db| async move {
        let app = TestApp::spawn_with(
            db,
            Options {
                manual_clock: true,
                tweak: Some(|c| c.sync.reconcile_every_secs = 0.0),
                ..Default::default()
            },
        )
        .await;
        let id = app.task(APP, &spec(Audience::Tag)).await;
        let store = app.services.store.clone();
        sent_intent(&app, &id, Action::Terminate, "old-1", "a-dead-instance").await;
        // TPNS keeps a task for a month (§3.1): 32 days later it answers 1008015.
        app.advance(32 * 86_400);
        let r = app
            .services
            .actions
            .reconcile(&app.services.apps)
            .await
            .unwrap();
        assert_eq!(r.settled, 1, "{r:?}");
        let i = store.intent_by_key("old-1").await.unwrap().unwrap();
        assert_eq!(i.state, IntentState::Failed);
        assert!(i.outcome.unwrap().contains("1008015"));
        app.stop().await;
    }
);

both_stores!(
    the_reconciler_backs_off_per_intent_and_keeps_to_its_share_of_the_reserve,
    |db: Db| async move {
        let app = TestApp::spawn_with(
            db,
            Options {
                manual_clock: true,
                tweak: Some(|c| {
                    c.sync.reconcile_per_hour = 2;
                    c.sync.reconcile_every_secs = 0.0;
                }),
                ..Default::default()
            },
        )
        .await;
        let store = app.services.store.clone();
        let mut ids = Vec::new();
        for n in 0..3 {
            let id = app.task(APP, &spec(Audience::Tag)).await;
            let key = format!("share-{n}");
            sent_intent(&app, &id, Action::Terminate, &key, "a-dead-instance").await;
            ids.push(id);
        }
        // TPNS cannot be read: every intent is put off, and each read counts in its share.
        app.sandbox.set_fault(Endpoint::Record, Fault::status(503));
        app.advance(10);
        let r = app
            .services
            .actions
            .reconcile(&app.services.apps)
            .await
            .unwrap();
        assert_eq!((r.settled, r.deferred), (0, 3), "{r:?}");
        let share = store
            .quota_usage(
                APP,
                "record:reconcile",
                3_600_000,
                app.services.clock.now_ms(),
            )
            .await
            .unwrap();
        assert_eq!(share.used, 2, "two reads: its share is 2 an hour");
        for n in 0..3 {
            let i = store
                .intent_by_key(&format!("share-{n}"))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(i.attempts, 1);
            assert_eq!(i.next_check_at_ms, app.services.clock.now_ms() + 5_000);
        }
        // Not due again until the back-off has passed; then the share is still spent.
        let r = app
            .services
            .actions
            .reconcile(&app.services.apps)
            .await
            .unwrap();
        assert_eq!((r.settled, r.deferred), (0, 0));
        app.sandbox.clear_faults();
        app.advance(6);
        let r = app
            .services
            .actions
            .reconcile(&app.services.apps)
            .await
            .unwrap();
        assert_eq!(
            (r.settled, r.deferred),
            (0, 3),
            "the hour's share is spent: {r:?}"
        );
        let i = store.intent_by_key("share-0").await.unwrap().unwrap();
        assert_eq!(i.attempts, 2);
        assert_eq!(i.next_check_at_ms, app.services.clock.now_ms() + 10_000);
        // An hour on, the share is back and the intents are settled.
        app.advance(3_600);
        let mut settled = 0;
        for _ in 0..3 {
            settled += app
                .services
                .actions
                .reconcile(&app.services.apps)
                .await
                .unwrap()
                .settled;
            app.advance(3_600);
        }
        assert_eq!(settled, 3);
        app.stop().await;
    }
);

both_stores!(
    a_pending_intent_is_taken_up_once_its_owner_stops_beating_not_before,
    |db: Db| async move {
        let app = TestApp::spawn_with(
            db,
            Options {
                manual_clock: true,
                tweak: Some(|c| c.sync.reconcile_every_secs = 0.0),
                ..Default::default()
            },
        )
        .await;
        let store = app.services.store.clone();
        let now = app.services.clock.now_ms();
        let id = app.task(APP, &spec(Audience::Tag)).await;
        store.heartbeat("other-instance", now, now).await.unwrap();
        sent_intent(&app, &id, Action::Terminate, "owned", "other-instance").await;
        let r = app
            .services
            .actions
            .reconcile(&app.services.apps)
            .await
            .unwrap();
        assert!(r.leader);
        assert_eq!(
            (r.settled, r.deferred),
            (0, 0),
            "its owner is alive and at work"
        );
        // The owner dies: ten seconds without a beat.
        app.advance(11);
        let r = app
            .services
            .actions
            .reconcile(&app.services.apps)
            .await
            .unwrap();
        assert_eq!(r.settled, 1, "{r:?}");
        assert_eq!(intent_state(&app, "owned").await, IntentState::Failed);
        app.stop().await;
    }
);

both_stores!(one_instance_reconciles_at_a_time, |db: Db| async move {
    let app = TestApp::spawn_with(
        db,
        Options {
            manual_clock: true,
            tweak: Some(|c| c.sync.reconcile_every_secs = 0.0),
            ..Default::default()
        },
    )
    .await;
    let store = app.services.store.clone();
    let now = app.services.clock.now_ms();
    // Another instance takes the reconciler's lease (once this one's start-up pass has let it
    // lapse).
    let mut now = now;
    while store
        .acquire_lease("reconciler", "other-instance", now, now + 8_000)
        .await
        .unwrap()
        .is_none()
    {
        app.advance(9);
        now = app.services.clock.now_ms();
    }
    let r = app
        .services
        .actions
        .reconcile(&app.services.apps)
        .await
        .unwrap();
    assert!(!r.leader, "{r:?}");
    app.advance(9);
    let r = app
        .services
        .actions
        .reconcile(&app.services.apps)
        .await
        .unwrap();
    assert!(r.leader, "the lease lapsed: {r:?}");
    app.stop().await;
});

fn settlement(intent_id: i64, state: IntentState, now_ms: i64) -> Settlement<'static> {
    Settlement {
        intent_id,
        state,
        upstream_code: None,
        upstream_message: None,
        new_push_id: None,
        outcome: "settled by the test",
        now_ms,
        new_task: None,
        audit: NewAudit {
            kind: "action",
            ..NewAudit::default()
        },
        only_if_unsent: false,
        overrule_failed: false,
    }
}

/// An intent as the pipeline leaves it just before its call: written, marked as leaving.
async fn sent_intent(app: &TestApp, push_id: &str, action: Action, key: &str, owner: &str) -> i64 {
    let store = &app.services.store;
    let now = app.services.clock.now_ms();
    let i = store
        .insert_intent(&NewIntent {
            app_id: APP,
            push_id,
            action,
            params: "{}",
            idempotency_key: key,
            user_id: None,
            username: "olivia",
            owner,
            now_ms: now,
        })
        .await
        .map_err(|_| "insert")
        .unwrap();
    assert!(store.mark_sending(i.intent_id, now).await.unwrap());
    i.intent_id
}

both_stores!(
    racing_intents_never_answer_with_an_internal_error,
    |db: Db| async move {
        // The intent in the way may end between a failed insert and the lookup of who it was:
        // the answer is who acted first (or the insert succeeds), never a store error. The
        // interleaving cannot be forced; forty rounds give it every chance.
        let app = TestApp::spawn(db).await;
        let store = app.services.store.clone();
        let id = app.task(APP, &spec(Audience::Tag)).await;
        let now = app.services.clock.now_ms();
        let new = |key: String| NewIntent {
            app_id: APP,
            push_id: &id,
            action: Action::Terminate,
            params: "{}",
            idempotency_key: Box::leak(key.into_boxed_str()),
            user_id: None,
            username: "olivia",
            owner: "racer",
            now_ms: now,
        };
        for round in 0..40 {
            let first = store
                .insert_intent(&new(format!("a-{round}")))
                .await
                .map_err(|e| format!("{e:?}"))
                .unwrap();
            let settle = async {
                store
                    .settle_intent(&settlement(first.intent_id, IntentState::Failed, now))
                    .await
                    .unwrap()
            };
            let b = new(format!("b-{round}"));
            let (settled, second) = tokio::join!(settle, store.insert_intent(&b));
            assert!(settled);
            match second {
                Ok(b) => assert!(
                    store
                        .settle_intent(&settlement(b.intent_id, IntentState::Failed, now))
                        .await
                        .unwrap()
                ),
                Err(InsertError::TaskBusy(i) | InsertError::JustResolved(i)) => {
                    assert_eq!(i.idempotency_key, format!("a-{round}"))
                }
                Err(e) => panic!("round {round}: {e:?}"),
            }
        }
        app.stop().await;
    }
);

both_stores!(
    an_intent_whose_call_never_left_is_settled_as_not_sent_and_is_then_never_sent,
    |db: Db| async move {
        let app = TestApp::spawn_with(
            db,
            Options {
                manual_clock: true,
                tweak: Some(|c| c.sync.reconcile_every_secs = 0.0),
                ..Default::default()
            },
        )
        .await;
        let store = app.services.store.clone();
        let id = app.task(APP, &spec(Audience::Tag)).await;
        // Its server stalled between the intent and the call, long enough to look dead.
        let stalled = store
            .insert_intent(&NewIntent {
                app_id: APP,
                push_id: &id,
                action: Action::Override,
                params: "{}",
                idempotency_key: "stalled",
                user_id: None,
                username: "olivia",
                owner: "a-stalled-instance",
                now_ms: app.services.clock.now_ms(),
            })
            .await
            .map_err(|_| "insert")
            .unwrap();
        app.advance(11);
        let r = app
            .services
            .actions
            .reconcile(&app.services.apps)
            .await
            .unwrap();
        assert_eq!(r.settled, 1, "{r:?}");
        let i = store.intent_by_key("stalled").await.unwrap().unwrap();
        assert_eq!(i.state, IntentState::Failed);
        assert!(i.outcome.unwrap().contains("was not sent"));
        // When the stalled server wakes up, its call does not leave.
        assert!(
            !store
                .mark_sending(stalled.intent_id, app.services.clock.now_ms())
                .await
                .unwrap()
        );
        assert_eq!(calls(&app, Endpoint::Push), 0);
        app.stop().await;
    }
);

both_stores!(
    tpns_success_overrules_a_reconciler_that_concluded_otherwise,
    |db: Db| async move {
        let app = TestApp::spawn_with(
            db,
            Options {
                manual_clock: true,
                tweak: Some(|c| c.sync.reconcile_every_secs = 0.0),
                ..Default::default()
            },
        )
        .await;
        let store = app.services.store.clone();
        let id = app.task(APP, &spec(Audience::Tag)).await;
        let intent = sent_intent(&app, &id, Action::Terminate, "late-answer", "me").await;
        let now = app.services.clock.now_ms();
        assert!(
            store
                .settle_intent(&settlement(intent, IntentState::Failed, now))
                .await
                .unwrap()
        );
        // The reconciler's "no" does not block a later answer of "yes" from TPNS...
        let mut yes = settlement(intent, IntentState::Succeeded, now);
        assert!(
            !store.settle_intent(&yes).await.unwrap(),
            "not without overruling"
        );
        yes.overrule_failed = true;
        assert!(store.settle_intent(&yes).await.unwrap());
        let t = app.stored(APP, &id).await;
        assert_eq!(t.status, Status::Terminated);
        assert!(
            t.done
                .iter()
                .any(|d| d.action == Action::Terminate && d.confirmed)
        );
        // ...and nothing overrules a success.
        let no = Settlement {
            overrule_failed: true,
            ..settlement(intent, IntentState::Failed, now)
        };
        assert!(!store.settle_intent(&no).await.unwrap());
        app.stop().await;
    }
);
