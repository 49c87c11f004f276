//! The store suite, run on SQLite and on PostgreSQL.

use app::domain::{Audience, MessageKind, Platform, Source, Status};
use pushdeck::store::quota::Reservation;
use pushdeck::store::tasks::{Cursor, ListFilter, Page};
use pushdeck::store::tasks::{TaskMessage, TaskUpsert};
use pushdeck::store::{StampClock, Store};

use crate::both_stores;
use crate::helpers::{Db, TestDb};

const T0: i64 = 1_795_700_000;

/// A store with one app, stamping shared rows with the times the test passes (its own clock).
async fn store_with_app(db: &TestDb) -> Store {
    let store = db.store().await.stamped_by(StampClock::Caller);
    store
        .upsert_app(&pushdeck::store::apps::AppRow {
            app_id: "shop",
            name: "Shop",
            platform: "android",
            access_id: "1500000001",
            access_point: "sandbox",
            auth_scheme: "signature",
            recall_available: true,
        })
        .await
        .unwrap();
    store
}

fn task(push_id: &str, created_at: i64, status: Status, title: &str) -> TaskUpsert {
    TaskUpsert {
        push_id: push_id.into(),
        audience: Audience::All,
        audience_summary: "All devices".into(),
        audience_detail: None,
        platform: Platform::Android,
        message_type: MessageKind::Notify,
        title: title.into(),
        content: format!("content of {title}"),
        created_at,
        send_time: None,
        push_time: created_at,
        expire_secs: Some(259_200),
        status,
        collapse_id: Some(7),
        source: Source::Api,
        message: TaskMessage::default(),
    }
}

both_stores!(
    upstream_tasks_are_inserted_updated_and_never_overwritten_by_older_news,
    |db: Db| async move {
        let db = TestDb::new(db).await;
        let store = store_with_app(&db).await;
        let changed = store
            .apply_upstream(
                "shop",
                &[task("100", T0, Status::Pushing, "Sale")],
                1_000,
                "me",
            )
            .await
            .unwrap();
        assert_eq!(changed.len(), 1);
        let t = store.get_task("shop", "100").await.unwrap().unwrap();
        assert_eq!(
            (t.status, t.last_synced_at, t.collapse_id),
            (Status::Pushing, Some(1_000), Some(7))
        );

        // Unchanged: only the sync time moves, and nothing is reported as changed.
        let changed = store
            .apply_upstream(
                "shop",
                &[task("100", T0, Status::Pushing, "Sale")],
                2_000,
                "me",
            )
            .await
            .unwrap();
        assert!(changed.is_empty());
        let t = store.get_task("shop", "100").await.unwrap().unwrap();
        assert_eq!(t.last_synced_at, Some(2_000));
        let v = t.version;

        // A newer status lands and bumps the version.
        store
            .apply_upstream(
                "shop",
                &[task("100", T0, Status::Terminated, "Sale")],
                3_000,
                "me",
            )
            .await
            .unwrap();
        let t = store.get_task("shop", "100").await.unwrap().unwrap();
        assert_eq!(t.status, Status::Terminated);
        assert!(t.version > v);

        // A page fetched before that (older news) does not undo it.
        store
            .apply_upstream(
                "shop",
                &[task("100", T0, Status::Pushing, "Sale")],
                2_500,
                "me",
            )
            .await
            .unwrap();
        assert_eq!(
            store.get_task("shop", "100").await.unwrap().unwrap().status,
            Status::Terminated
        );
        assert_eq!(
            store.status_counts("shop").await.unwrap(),
            vec![(Status::Terminated, 1)]
        );
    }
);

both_stores!(
    the_message_tpns_reports_is_kept_and_a_sparser_read_does_not_erase_it,
    |db: Db| async move {
        let db = TestDb::new(db).await;
        let store = store_with_app(&db).await;
        let mut full = task("200", T0, Status::Scheduled, "Spring sale");
        full.source = Source::Web;
        full.message = TaskMessage {
            push_config: Some(r#"{"android":{"action":{"action_type":2}}}"#.into()),
            environment: Some("dev".into()),
            recurring: true,
            upstream_source: Some("web".into()),
        };
        store
            .apply_upstream("shop", &[full.clone()], 1_000, "me")
            .await
            .unwrap();
        let t = store.get_task("shop", "200").await.unwrap().unwrap();
        assert_eq!((t.source, &t.message), (Source::Web, &full.message));

        // A list page or a sparse record without those fields: what was read before stays.
        let mut sparse = task("200", T0, Status::Scheduled, "Spring sale");
        sparse.title = "Spring sale!".into();
        store
            .apply_upstream("shop", &[sparse], 2_000, "me")
            .await
            .unwrap();
        let t = store.get_task("shop", "200").await.unwrap().unwrap();
        assert_eq!(t.title, "Spring sale!");
        assert_eq!((t.source, &t.message), (Source::Web, &full.message));

        // A new body is taken, and a task first seen without them has none.
        let mut changed = full.clone();
        changed.message.push_config = Some(r#"{"android":{}}"#.into());
        store
            .apply_upstream("shop", &[changed], 3_000, "me")
            .await
            .unwrap();
        let t = store.get_task("shop", "200").await.unwrap().unwrap();
        assert_eq!(t.message.push_config.as_deref(), Some(r#"{"android":{}}"#));
        store
            .apply_upstream(
                "shop",
                &[task("201", T0, Status::Pushing, "Plain")],
                1_000,
                "me",
            )
            .await
            .unwrap();
        let t = store.get_task("shop", "201").await.unwrap().unwrap();
        assert_eq!((t.source, t.message), (Source::Api, TaskMessage::default()));
    }
);

both_stores!(
    the_task_list_pages_by_keyset_in_both_directions_with_filters_and_search,
    |db: Db| async move {
        let db = TestDb::new(db).await;
        let store = store_with_app(&db).await;
        let mut tasks = Vec::new();
        for i in 0..25 {
            let status = if i % 2 == 0 {
                Status::Pushing
            } else {
                Status::Completed
            };
            // Two tasks share each creation second, so the cursor's tie-break matters.
            tasks.push(task(
                &format!("{}", 1000 + i),
                T0 + (i / 2) as i64,
                status,
                &format!("Title {i}"),
            ));
        }
        tasks.push(task("9999", T0 - 100, Status::Scheduled, "50%_off sale"));
        store.apply_upstream("shop", &tasks, 1, "me").await.unwrap();

        let all = ListFilter::default();
        let p1 = store
            .list_tasks("shop", &all, Page::First, 10)
            .await
            .unwrap();
        assert_eq!(p1.tasks.len(), 10);
        assert!(p1.has_more_after && !p1.has_more_before);
        assert_eq!(p1.tasks[0].push_id, "1024", "newest first");
        let last = p1.tasks.last().unwrap();
        let p2 = store
            .list_tasks(
                "shop",
                &all,
                Page::After(Cursor {
                    created_at: last.created_at,
                    task_id: last.task_id,
                }),
                10,
            )
            .await
            .unwrap();
        let first = &p2.tasks[0];
        assert!(p2.has_more_before);
        let back = store
            .list_tasks(
                "shop",
                &all,
                Page::Before(Cursor {
                    created_at: first.created_at,
                    task_id: first.task_id,
                }),
                10,
            )
            .await
            .unwrap();
        let ids = |p: &pushdeck::store::tasks::ListPage| {
            p.tasks
                .iter()
                .map(|t| t.push_id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids(&back),
            ids(&p1),
            "going back returns the first page in display order"
        );
        let mut seen: Vec<String> = ids(&p1);
        seen.extend(ids(&p2));
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 20, "no row repeats across pages");

        let pushing = ListFilter {
            statuses: vec![Status::Pushing],
            ..Default::default()
        };
        let p = store
            .list_tasks("shop", &pushing, Page::First, 50)
            .await
            .unwrap();
        assert_eq!(p.tasks.len(), 13);
        assert!(p.tasks.iter().all(|t| t.status == Status::Pushing));

        // Search is case-insensitive and treats % and _ literally.
        let s = ListFilter {
            text: Some("50%_OFF".into()),
            ..Default::default()
        };
        assert_eq!(
            ids(&store.list_tasks("shop", &s, Page::First, 50).await.unwrap()),
            vec!["9999"]
        );
        let s = ListFilter {
            text: Some("%".into()),
            statuses: vec![Status::Pushing],
            ..Default::default()
        };
        assert!(
            store
                .list_tasks("shop", &s, Page::First, 50)
                .await
                .unwrap()
                .tasks
                .is_empty()
        );
        let by_id = ListFilter {
            text: Some("1007".into()),
            ..Default::default()
        };
        assert_eq!(
            ids(&store
                .list_tasks("shop", &by_id, Page::First, 50)
                .await
                .unwrap()),
            vec!["1007"]
        );

        let oldest = ListFilter {
            oldest_first: true,
            ..Default::default()
        };
        assert_eq!(
            store
                .list_tasks("shop", &oldest, Page::First, 1)
                .await
                .unwrap()
                .tasks[0]
                .push_id,
            "9999"
        );
        let counts = store.status_counts("shop").await.unwrap();
        assert_eq!(
            counts,
            vec![
                (Status::Scheduled, 1),
                (Status::Pushing, 13),
                (Status::Completed, 12)
            ]
        );
    }
);

both_stores!(
    the_quota_ledger_never_grants_more_than_the_limit_even_to_concurrent_callers,
    |db: Db| async move {
        let db = TestDb::new(db).await;
        let store = store_with_app(&db).await;
        let mut handles = Vec::new();
        for w in 0..4 {
            let store = store.clone();
            handles.push(tokio::spawn(async move {
                let mut granted = 0;
                for i in 0..15 {
                    let now = 10_000 + w * 100 + i;
                    if store
                        .reserve_call("shop", "record", 20, 3_600_000, now)
                        .await
                        .unwrap()
                        == Reservation::Granted
                    {
                        granted += 1;
                    }
                }
                granted
            }));
        }
        let mut total = 0;
        for h in handles {
            total += h.await.unwrap();
        }
        assert_eq!(total, 20, "exactly the limit was granted");
        match store
            .reserve_call("shop", "record", 20, 3_600_000, 20_000)
            .await
            .unwrap()
        {
            Reservation::Denied { retry_at_ms } => assert_eq!(retry_at_ms, 10_000 + 3_600_000 + 1),
            other => panic!("{other:?}"),
        }
        // Once the first calls leave the window, calls are possible again.
        assert_eq!(
            store
                .reserve_call("shop", "record", 20, 3_600_000, 3_700_000)
                .await
                .unwrap(),
            Reservation::Granted
        );
        assert!(
            store
                .max_calls_in_any_window("shop", "record", 3_600_000)
                .await
                .unwrap()
                <= 20
        );

        // A back-off refuses every call until it ends.
        store
            .back_off("shop", "list", 50_000, 10_000)
            .await
            .unwrap();
        assert_eq!(
            store
                .reserve_call("shop", "list", 200, 3_600_000, 20_000)
                .await
                .unwrap(),
            Reservation::Denied {
                retry_at_ms: 50_000
            }
        );
        assert_eq!(
            store
                .reserve_call("shop", "list", 200, 3_600_000, 50_001)
                .await
                .unwrap(),
            Reservation::Granted
        );
    }
);

both_stores!(
    a_lease_is_held_by_one_owner_until_it_expires,
    |db: Db| async move {
        let db = TestDb::new(db).await;
        let store = store_with_app(&db).await;
        let a = store
            .acquire_lease("sweep:shop", "a", 0, 10_000)
            .await
            .unwrap();
        assert!(a.is_some());
        assert!(
            store
                .acquire_lease("sweep:shop", "b", 5_000, 15_000)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store
                .save_lease(
                    "sweep:shop",
                    "a",
                    pushdeck::store::leases::Lease {
                        cursor: 400,
                        next_at_ms: 7
                    }
                )
                .await
                .unwrap()
        );
        assert!(
            !store
                .save_lease(
                    "sweep:shop",
                    "b",
                    pushdeck::store::leases::Lease {
                        cursor: 1,
                        next_at_ms: 1
                    }
                )
                .await
                .unwrap()
        );
        let b = store
            .acquire_lease("sweep:shop", "b", 10_001, 20_000)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            b.cursor, 400,
            "the next owner resumes where the last one stopped"
        );
    }
);

/// The status counts as a full count of the tasks table says they should be.
async fn counted(store: &Store) -> Vec<(Status, u64)> {
    use sqlx::Row;
    let rows = sqlx::query(
        "select status, count(*) as n from tasks where app_id = 'shop' group by status",
    )
    .fetch_all(crate::helpers::pool(store))
    .await
    .unwrap();
    let mut out: Vec<(Status, u64)> = rows
        .iter()
        .map(|r| {
            let s: String = r.try_get("status").unwrap();
            let n: i64 = r.try_get("n").unwrap();
            (Status::from_upstream(&s).unwrap(), n as u64)
        })
        .collect();
    out.sort_by_key(|(s, _)| *s);
    out
}

both_stores!(
    a_sweep_page_and_concurrent_read_backs_never_deadlock_and_keep_the_counts,
    |db: Db| async move {
        let db = TestDb::new(db).await;
        let store = store_with_app(&db).await;
        let ids: Vec<String> = (0..200).map(|i| format!("{}", 7_000 + i)).collect();
        let page = |status: Status| -> Vec<TaskUpsert> {
            ids.iter()
                .enumerate()
                .map(|(i, id)| task(id, T0 + i as i64, status, "t"))
                .collect()
        };
        store
            .apply_upstream("shop", &page(Status::Pushing), 1, "sweep")
            .await
            .unwrap();
        let fetched = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(10));
        let next =
            |f: &std::sync::atomic::AtomicI64| f.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        for round in 0..6 {
            // The sweep's 200-row page moves every task between two statuses, while four
            // read-backs move single tasks, from the end of the page backwards, to others: on
            // PostgreSQL the old per-status counter rows were locked in opposite orders.
            let status = if round % 2 == 0 {
                Status::Completed
            } else {
                Status::Pushing
            };
            let sweep = {
                let (store, rows, f) = (store.clone(), page(status), fetched.clone());
                tokio::spawn(
                    async move { store.apply_upstream("shop", &rows, next(&f), "sweep").await },
                )
            };
            let mut reads = Vec::new();
            for r in 0..4usize {
                let (store, f) = (store.clone(), fetched.clone());
                let mine: Vec<String> = ids
                    .iter()
                    .rev()
                    .skip(r)
                    .step_by(4)
                    .take(12)
                    .cloned()
                    .collect();
                reads.push(tokio::spawn(async move {
                    for (k, id) in mine.iter().enumerate() {
                        let st = [Status::Terminated, Status::Recalled, Status::Canceled][k % 3];
                        let mut t = task(id, T0, st, "t");
                        t.push_id = id.clone();
                        store
                            .apply_upstream("shop", &[t], next(&f), "read-back")
                            .await?;
                    }
                    Ok::<_, pushdeck::store::StoreError>(())
                }));
            }
            sweep
                .await
                .unwrap()
                .expect("the sweep page is applied, no deadlock");
            for r in reads {
                r.await
                    .unwrap()
                    .expect("every read-back is applied, no deadlock");
            }
            // The counts are right before and after the deltas are folded.
            assert_eq!(
                store.status_counts("shop").await.unwrap(),
                counted(&store).await
            );
            store.fold_status_counts("shop").await.unwrap();
            assert_eq!(
                store.status_counts("shop").await.unwrap(),
                counted(&store).await
            );
        }
    }
);

fn real_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

both_stores!(
    an_instance_whose_clock_runs_ahead_neither_passes_the_budget_nor_takes_a_held_lease,
    |db: Db| async move {
        let db = TestDb::new(db).await;
        // As in production: the database's clock stamps the ledger and the leases.
        let store = store_with_app(&db).await.stamped_by(StampClock::Database);
        let hour = 3_600_000;
        // Two instances share the hour's 200 calls; one's clock runs two hours ahead.
        let grants = |store: Store, endpoint: &'static str| async move {
            let mut granted = 0;
            for i in 0..150 {
                for skew in [0, 2 * hour] {
                    let now = real_now_ms() + skew + i;
                    if store
                        .reserve_call("shop", endpoint, 200, hour, now)
                        .await
                        .unwrap()
                        == Reservation::Granted
                    {
                        granted += 1;
                    }
                }
            }
            granted
        };
        assert_eq!(
            grants(store.clone(), "list").await,
            200,
            "together they stay within the hour's budget"
        );
        // The instance ahead is told when to retry by its own clock: about an hour from its now.
        let ahead_now = real_now_ms() + 2 * hour;
        match store
            .reserve_call("shop", "list", 200, hour, ahead_now)
            .await
            .unwrap()
        {
            Reservation::Denied { retry_at_ms } => assert!(
                retry_at_ms > ahead_now && retry_at_ms <= ahead_now + hour + 60_000,
                "retry at {} ms from its now",
                retry_at_ms - ahead_now
            ),
            other => panic!("{other:?}"),
        }
        // Each stamping with its own clock, the two would have passed the budget: what the
        // database's clock prevents.
        assert!(
            grants(
                store.clone().stamped_by(StampClock::Caller),
                "list-own-clocks"
            )
            .await
                > 200,
            "instance clocks would let the budget be passed"
        );

        // A lease held by one instance is not taken by one whose clock is past its end.
        let now = real_now_ms();
        assert!(
            store
                .acquire_lease("sweep:shop", "a", now, now + 30_000)
                .await
                .unwrap()
                .is_some()
        );
        let ahead = now + 10 * 60_000;
        assert!(
            store
                .acquire_lease("sweep:shop", "b", ahead, ahead + 30_000)
                .await
                .unwrap()
                .is_none(),
            "the lease is still held by the database's clock"
        );
        // Nor a refresh claim.
        store
            .apply_upstream("shop", &[task("900", T0, Status::Pushing, "t")], now, "x")
            .await
            .unwrap();
        let ids = vec!["900".to_string()];
        assert_eq!(
            store
                .claim_tasks("shop", &ids, "a", now, now + 30_000)
                .await
                .unwrap(),
            ids
        );
        assert!(
            store
                .claim_tasks("shop", &ids, "b", ahead, ahead + 30_000)
                .await
                .unwrap()
                .is_empty(),
            "the claim is still held by the database's clock"
        );
    }
);

both_stores!(
    two_owners_claiming_the_same_tasks_at_once_get_disjoint_sets,
    |db: Db| async move {
        let db = TestDb::new(db).await;
        let store = store_with_app(&db).await;
        let tasks: Vec<_> = (0..30)
            .map(|i| task(&format!("{}", 500 + i), T0 + i, Status::Pushing, "t"))
            .collect();
        store.apply_upstream("shop", &tasks, 1, "x").await.unwrap();
        let ids: Vec<String> = tasks.iter().map(|t| t.push_id.clone()).collect();
        let (a, b) = tokio::join!(
            store.claim_tasks("shop", &ids, "a", 100, 10_000),
            store.claim_tasks("shop", &ids, "b", 100, 10_000)
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.len() + b.len(), 30, "every task claimed once");
        assert!(a.iter().all(|id| !b.contains(id)), "no task claimed twice");
        // A claimed task's fresh upstream news from the other owner is left to its holder.
        let holder_a = a.first().cloned();
        if let Some(id) = holder_a {
            let mut t = task(&id, T0, Status::Completed, "t");
            t.push_id = id.clone();
            store.apply_upstream("shop", &[t], 200, "b").await.unwrap();
            assert_eq!(
                store.get_task("shop", &id).await.unwrap().unwrap().status,
                Status::Pushing
            );
            store.release_task("shop", &id, "a").await.unwrap();
            let mut t = task(&id, T0, Status::Completed, "t");
            t.push_id = id.clone();
            store.apply_upstream("shop", &[t], 300, "b").await.unwrap();
            assert_eq!(
                store.get_task("shop", &id).await.unwrap().unwrap().status,
                Status::Completed
            );
        }
    }
);

both_stores!(
    the_pages_one_read_tells_the_budget_by_the_databases_clock_in_the_callers,
    |db: Db| async move {
        let db = TestDb::new(db).await;
        // As in production: the database's clock stamps the ledger, and the page's one read
        // takes "now" from it inside its statement.
        let store = store_with_app(&db).await.stamped_by(StampClock::Database);
        store
            .apply_upstream(
                "shop",
                &[
                    task("1", T0, Status::Pushing, "a"),
                    task("2", T0, Status::Pushing, "b"),
                    task("3", T0, Status::Completed, "c"),
                ],
                1,
                "me",
            )
            .await
            .unwrap();
        store.fold_status_counts("shop").await.unwrap();
        let hour = 3_600_000;
        let first = real_now_ms();
        for i in 0..3 {
            assert_eq!(
                store
                    .reserve_call("shop", "record", 200, hour, first + i)
                    .await
                    .unwrap(),
                Reservation::Granted
            );
        }
        store
            .back_off("shop", "task_stat", first + 60_000, first)
            .await
            .unwrap();
        // A caller whose clock runs an hour ahead is told the same moments by its own clock.
        for skew in [0, hour] {
            let now = real_now_ms() + skew;
            let ([record, stats], counts) = store
                .usage_pair_with("shop", ["record", "task_stat"], hour, now, true)
                .await
                .unwrap();
            assert_eq!(record.used, 3, "skew {skew}");
            let oldest = record.oldest_ms.expect("the first call");
            assert!(
                (oldest - (first + skew)).abs() < 2_000,
                "the oldest call by the caller's clock: {} ms off (skew {skew})",
                oldest - (first + skew)
            );
            assert_eq!((stats.used, stats.oldest_ms), (0, None));
            assert!(
                (stats.backoff_until_ms - (first + skew + 60_000)).abs() < 2_000,
                "the back-off's end by the caller's clock: {} ms off (skew {skew})",
                stats.backoff_until_ms - (first + skew + 60_000)
            );
            assert_eq!(
                counts,
                vec![(Status::Pushing, 2), (Status::Completed, 1)],
                "skew {skew}"
            );
            assert_eq!(counts, store.status_counts("shop").await.unwrap());
            // The same without the counts (to the few ms each read's own clock reading moves).
            let [r2, s2] = store
                .quota_usage_pair("shop", ["record", "task_stat"], hour, now)
                .await
                .unwrap();
            assert_eq!((r2.used, s2.used, s2.oldest_ms), (3, 0, None));
            assert!((r2.oldest_ms.unwrap() - oldest).abs() < 100);
            assert!((s2.backoff_until_ms - stats.backoff_until_ms).abs() < 100);
        }
    }
);
