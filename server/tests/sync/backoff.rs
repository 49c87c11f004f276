//! A 1008028 from TPNS rests the endpoint for every instance, and the worker recovers.

use std::time::Duration;

use pushdeck::sandbox::{Fault, TaskSpec};
use pushdeck::sync::{RefreshReason, SyncError};
use pushdeck::tpns::Endpoint;

use crate::both_stores;
use crate::helpers::{ANDROID, Db, HOUR_MS, SyncEnv};

both_stores!(
    a_rate_limit_on_the_list_backs_the_sweep_off_and_it_recovers,
    |db: Db| async move {
        let env = SyncEnv::start(db).await;
        env.sandbox
            .create_tasks(ANDROID, 10, &TaskSpec::default())
            .unwrap();
        env.run_for(Duration::from_secs(40), Duration::from_secs(1))
            .await;

        env.sandbox
            .set_fault(Endpoint::RecordList, Fault::ret_code(1008028).times(1));
        let answered = env.sandbox.traffic(ANDROID, Endpoint::RecordList).calls;
        let mut refused_at = None;
        for _ in 0..30 {
            if env.syncer.tick().await.rate_limited > 0 {
                refused_at = Some(env.now_ms());
                break;
            }
            env.advance(Duration::from_secs(1));
        }
        let refused_at = refused_at.expect("the next page met the 1008028");
        let usage = env
            .store
            .quota_usage(ANDROID, "record_list", HOUR_MS, env.now_ms())
            .await
            .unwrap();
        assert_eq!(usage.backoff_until_ms, refused_at + 5 * 60_000);

        // Tasks created while the endpoint rests wait for it.
        let late = env
            .sandbox
            .create_tasks(ANDROID, 3, &TaskSpec::default())
            .unwrap();
        env.run_for(Duration::from_secs(4 * 60 + 50), Duration::from_secs(2))
            .await;
        assert_eq!(
            env.sandbox.traffic(ANDROID, Endpoint::RecordList).calls,
            answered,
            "no list call during the back-off"
        );
        assert!(
            env.store
                .get_task(ANDROID, &late[0])
                .await
                .unwrap()
                .is_none()
        );

        env.run_for(Duration::from_secs(30), Duration::from_secs(1))
            .await;
        assert!(env.sandbox.traffic(ANDROID, Endpoint::RecordList).calls > answered);
        for id in &late {
            assert!(
                env.store.get_task(ANDROID, id).await.unwrap().is_some(),
                "recovered"
            );
        }
        assert_eq!(
            env.sandbox.rate_limited_total(),
            0,
            "no 1008028 of the sandbox's own"
        );
    }
);

both_stores!(
    a_rate_limit_on_task_reads_backs_off_people_and_the_worker_alike,
    |db: Db| async move {
        let env = SyncEnv::start(db).await;
        let app = env.app(ANDROID);
        let id = env.create(ANDROID, &TaskSpec::default());
        env.run_for(Duration::from_secs(2), Duration::from_secs(1))
            .await;
        env.store
            .watch_task(ANDROID, &id, env.now_ms() + 3_600_000)
            .await
            .unwrap();
        // The list fails from now on, so only reads of its own keep the open task fresh.
        env.sandbox
            .set_fault(Endpoint::RecordList, Fault::ret_code(1008004));
        env.sandbox
            .set_fault(Endpoint::Record, Fault::ret_code(1008028).times(1));
        let err = env
            .syncer
            .refresh_task(&app, &id, RefreshReason::Person)
            .await
            .unwrap_err();
        let rested_until = env.now_ms() + 5 * 60_000;
        match err {
            SyncError::Budget { retry_at_ms } => assert_eq!(retry_at_ms, rested_until),
            other => panic!("{other:?}"),
        }
        let budget = env.syncer.budget(ANDROID).await;
        assert_eq!(
            (budget.record_left, budget.next_at),
            (0, Some(rested_until / 1000))
        );

        // The watched task is not read one by one while the endpoint rests, then again.
        let mut reads = 0;
        for _ in 0..(5 * 60 / 5 - 1) {
            reads += env
                .syncer
                .tick()
                .await
                .refreshed
                .iter()
                .filter(|r| r.endpoint == Endpoint::Record)
                .count();
            env.advance(Duration::from_secs(5));
        }
        assert_eq!(reads, 0);
        env.advance(Duration::from_secs(10));
        let report = env.syncer.tick().await;
        assert!(
            report
                .refreshed
                .iter()
                .any(|r| r.endpoint == Endpoint::Record && r.push_id == id)
        );
        assert!(env.syncer.budget(ANDROID).await.record_left > 0);
    }
);

both_stores!(
    the_pages_one_read_of_budget_and_counts_says_what_the_two_reads_say,
    |db: Db| async move {
        let env = SyncEnv::start(db).await;
        env.sandbox
            .create_tasks(ANDROID, 10, &TaskSpec::default())
            .unwrap();
        env.run_for(Duration::from_secs(40), Duration::from_secs(1))
            .await;
        // Some record calls spent and the statistics endpoint resting.
        let now = env.now_ms();
        for i in 0..3 {
            env.store
                .reserve_call(ANDROID, Endpoint::Record.key(), 200, HOUR_MS, now + i)
                .await
                .unwrap();
        }
        env.store
            .back_off(ANDROID, Endpoint::TaskStat.key(), now + 60_000, now)
            .await
            .unwrap();

        let (budget, counts) = env.syncer.budget_and_status_counts(ANDROID).await;
        let counts = counts.unwrap();
        assert_eq!(budget, env.syncer.budget(ANDROID).await);
        assert_eq!(counts, env.store.status_counts(ANDROID).await.unwrap());
        assert_eq!(
            counts.iter().map(|(_, n)| n).sum::<u64>(),
            10,
            "every task counted: {counts:?}"
        );
        assert!(budget.record_left <= budget.per_hour - 3, "{budget:?}");
        assert_eq!(budget.stats_left, 0, "resting");
        assert_eq!(budget.next_at, Some((now + 60_000 + 999) / 1000));
    }
);
