//! Several instances on one database: each task is refreshed by one of them at a time, one of
//! them sweeps an app, and the other takes over when it stops.

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::domain::Action;
use pushdeck::sandbox::{Fault, TaskSpec};
use pushdeck::sync::{RefreshReason, Refreshed, Syncer, TickReport};
use pushdeck::tpns::Endpoint;

use crate::helpers::{ANDROID, Db, HOUR_MS, SyncEnv};

/// Ticks both instances at the same moment, each on its own runtime thread.
async fn tick_both(a: &Arc<Syncer>, b: &Arc<Syncer>) -> (TickReport, TickReport) {
    let (a, b) = (a.clone(), b.clone());
    let (ra, rb) = tokio::join!(
        tokio::spawn(async move { a.tick().await }),
        tokio::spawn(async move { b.tick().await })
    );
    (ra.unwrap(), rb.unwrap())
}

fn overlap(x: &Refreshed, y: &Refreshed) -> bool {
    x.started < y.finished && y.started < x.finished
}

async fn two_workers_never_refresh_the_same_task_at_once(db: Db) {
    let env = SyncEnv::start(db).await;
    let ids = env
        .sandbox
        .create_tasks(ANDROID, 24, &TaskSpec::default())
        .unwrap();
    env.run_for(Duration::from_secs(2), Duration::from_secs(1))
        .await;
    let a = env.syncer.clone();
    let b = env.another_instance("test-b").await;
    let until = env.now_ms() + 2 * HOUR_MS;
    for id in &ids[..4] {
        env.store.watch_task(ANDROID, id, until).await.unwrap();
    }
    for id in &ids[4..7] {
        env.store
            .set_in_flight(ANDROID, id, Some(Action::Terminate))
            .await
            .unwrap();
    }
    // Slow answers keep each read open long enough for the other instance to try the same task.
    for ep in [Endpoint::Record, Endpoint::TaskStat] {
        env.sandbox
            .set_fault(ep, Fault::latency(Duration::from_millis(30)));
    }
    let reads_before = env.sandbox.traffic(ANDROID, Endpoint::Record).calls
        + env.sandbox.traffic(ANDROID, Endpoint::TaskStat).calls;

    let (mut spans_a, mut spans_b) = (Vec::new(), Vec::new());
    let (mut list_a, mut list_b, mut left) = (0, 0, 0);
    for _ in 0..60 {
        let (ra, rb) = tick_both(&a, &b).await;
        list_a += ra.calls_to(Endpoint::RecordList);
        list_b += rb.calls_to(Endpoint::RecordList);
        left += ra.left_to_others + rb.left_to_others;
        spans_a.extend(ra.refreshed);
        spans_b.extend(rb.refreshed);
        env.advance(Duration::from_secs(5));
    }

    for x in &spans_a {
        for y in spans_b.iter().filter(|y| y.push_id == x.push_id) {
            assert!(
                !overlap(x, y),
                "task {} was refreshed by both instances at once",
                x.push_id
            );
        }
    }
    assert!(
        !spans_a.is_empty() && !spans_b.is_empty(),
        "both instances worked"
    );
    assert!(left > 0, "the instances did contend for tasks");
    let reads_after = env.sandbox.traffic(ANDROID, Endpoint::Record).calls
        + env.sandbox.traffic(ANDROID, Endpoint::TaskStat).calls;
    assert_eq!(
        (reads_after - reads_before) as usize,
        spans_a.len() + spans_b.len(),
        "every upstream read is one of the refreshes"
    );
    assert!(
        (list_a == 0) != (list_b == 0),
        "one instance sweeps ({list_a} and {list_b} pages)"
    );

    // The sweeping instance stops and gives its lease up: the other goes on at once.
    let (sweeper, other) = if list_a > 0 { (&a, &b) } else { (&b, &a) };
    sweeper.release_leases().await;
    let mut taken_over = 0;
    for _ in 0..5 {
        taken_over += other.tick().await.calls_to(Endpoint::RecordList);
        env.advance(Duration::from_secs(5));
    }
    assert!(taken_over > 0, "the other instance took the sweep over");
    for ep in [Endpoint::Record, Endpoint::TaskStat, Endpoint::RecordList] {
        let max = env
            .store
            .max_calls_in_any_window(ANDROID, ep.key(), HOUR_MS)
            .await
            .unwrap();
        assert!(max <= 198, "{ep}: {max}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_on_one_postgres_database_never_refresh_the_same_task_at_once() {
    two_workers_never_refresh_the_same_task_at_once(Db::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_on_one_sqlite_file_never_refresh_the_same_task_at_once() {
    two_workers_never_refresh_the_same_task_at_once(Db::Sqlite).await;
}

async fn a_person_waits_for_another_instances_refresh_then_reads_the_task(db: Db) {
    let env = SyncEnv::start(db).await;
    let id = env.create(ANDROID, &TaskSpec::default());
    env.run_for(Duration::from_secs(2), Duration::from_secs(1))
        .await;
    // Another instance holds the task for a refresh that ends a moment later.
    let now = env.now_ms();
    let held = env
        .store
        .claim_tasks(
            ANDROID,
            std::slice::from_ref(&id),
            "test-b#1",
            now,
            now + 60_000,
        )
        .await
        .unwrap();
    assert_eq!(held, vec![id.clone()]);
    let worker = env.syncer.tick().await;
    assert!(worker.refreshed.iter().all(|r| r.push_id != id));
    let store = env.store.clone();
    let other = id.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        store
            .release_task(ANDROID, &other, "test-b#1")
            .await
            .unwrap();
    });
    let asked = Instant::now();
    let t = env
        .syncer
        .refresh_task(&env.app(ANDROID), &id, RefreshReason::Person)
        .await
        .unwrap()
        .unwrap();
    assert!(
        asked.elapsed() >= Duration::from_millis(300),
        "it waited for the other refresh"
    );
    assert_eq!(t.last_synced_at, Some(env.now_ms()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_waits_for_another_instances_refresh_on_postgres() {
    a_person_waits_for_another_instances_refresh_then_reads_the_task(Db::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_waits_for_another_instances_refresh_on_sqlite() {
    a_person_waits_for_another_instances_refresh_then_reads_the_task(Db::Sqlite).await;
}

async fn a_person_takes_over_a_refresh_that_is_stuck(db: Db) {
    let env = SyncEnv::start(db).await;
    let id = env.create(ANDROID, &TaskSpec::default());
    env.run_for(Duration::from_secs(2), Duration::from_secs(1))
        .await;
    let stuck_since = env.now_ms();
    env.store
        .claim_tasks(
            ANDROID,
            std::slice::from_ref(&id),
            "test-b#1",
            stuck_since,
            stuck_since + 60_000,
        )
        .await
        .unwrap();
    env.advance(Duration::from_secs(20));
    let asked = Instant::now();
    let t = env
        .syncer
        .refresh_task(&env.app(ANDROID), &id, RefreshReason::Person)
        .await
        .unwrap()
        .unwrap();
    assert!(asked.elapsed() >= Duration::from_secs(5), "it waited first");
    assert_eq!(t.last_synced_at, Some(env.now_ms()));
    // What the stuck refresh brings back later is older, and is not applied.
    let mut old = pushdeck::sync::map_record(
        &env.client
            .push_record(&env.creds(ANDROID), &id)
            .await
            .unwrap(),
        app::domain::Platform::Android,
        None,
        480,
        env.now_ms() / 1000,
    )
    .unwrap();
    old.title = "stale news".into();
    env.store
        .apply_upstream(ANDROID, &[old], stuck_since, "test-b#1")
        .await
        .unwrap();
    let t = env.store.get_task(ANDROID, &id).await.unwrap().unwrap();
    assert_ne!(t.title, "stale news");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_takes_over_a_stuck_refresh_on_postgres() {
    a_person_takes_over_a_refresh_that_is_stuck(Db::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_takes_over_a_stuck_refresh_on_sqlite() {
    a_person_takes_over_a_refresh_that_is_stuck(Db::Sqlite).await;
}
