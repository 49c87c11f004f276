//! "Refresh now" and action read-backs: `refresh_task` with the person's share of the budget.

use std::time::Duration;

use app::domain::Audience;
use pushdeck::config::SyncConfig;
use pushdeck::sandbox::TaskSpec;
use pushdeck::sync::{RefreshReason, SyncError};
use pushdeck::tpns::Endpoint;

use crate::both_stores;
use crate::helpers::{ANDROID, Db, HOUR_MS, START_S, Setup, SyncEnv};

both_stores!(
    refresh_now_reads_a_task_with_its_counters_and_spends_one_call_of_each,
    |db: Db| async move {
        let env = SyncEnv::start(db).await;
        let id = env.create(
            ANDROID,
            &TaskSpec {
                audience: Audience::All,
                ..TaskSpec::default()
            },
        );
        env.advance(Duration::from_secs(30));
        let before = env.syncer.budget(ANDROID).await;
        assert_eq!(
            (before.record_left, before.stats_left, before.per_hour),
            (198, 198, 198)
        );

        // Not in the store yet: the read imports it.
        let t = env
            .syncer
            .refresh_task(&env.app(ANDROID), &id, RefreshReason::Person)
            .await
            .unwrap()
            .expect("TPNS knows the task");
        let upstream = env.sandbox.task(&id).unwrap();
        assert_eq!(t.status, upstream.status);
        assert_eq!(t.totals.planned, upstream.total().planned);
        assert!(t.totals.arrived > 0);
        assert!(
            !env.store
                .channel_stats(ANDROID, &id)
                .await
                .unwrap()
                .is_empty()
        );

        let after = env.syncer.budget(ANDROID).await;
        assert_eq!(
            (after.record_left, after.stats_left, after.next_at),
            (197, 197, None)
        );
        assert_eq!(env.sandbox.traffic(ANDROID, Endpoint::Record).calls, 1);
        assert_eq!(env.sandbox.traffic(ANDROID, Endpoint::TaskStat).calls, 1);
    }
);

both_stores!(
    an_unknown_push_id_is_none_and_a_scheduled_task_costs_no_counter_read,
    |db: Db| async move {
        let env = SyncEnv::start(db).await;
        let app = env.app(ANDROID);
        let missing = env
            .syncer
            .refresh_task(&app, "3999999999", RefreshReason::Person)
            .await
            .unwrap();
        assert!(missing.is_none());
        let id = env.scheduled(ANDROID, 3_600);
        let t = env
            .syncer
            .refresh_task(&app, &id, RefreshReason::Person)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(t.send_time, Some(START_S + 3_600));
        assert_eq!(env.sandbox.traffic(ANDROID, Endpoint::TaskStat).calls, 0);
    }
);

both_stores!(
    people_keep_their_reserve_when_the_worker_has_spent_its_share,
    |db: Db| async move {
        let setup = Setup {
            sync: SyncConfig {
                calls_per_hour: 20,
                reserve_per_hour: 5,
                margin_per_hour: 1,
                ..SyncConfig::default()
            },
            ..Setup::default()
        };
        let env = SyncEnv::start_with(db, setup).await;
        let app = env.app(ANDROID);
        let id = env.scheduled(ANDROID, 3_600);
        for _ in 0..14 {
            env.syncer
                .refresh_task(&app, &id, RefreshReason::Routine)
                .await
                .unwrap();
            env.advance(Duration::from_secs(1));
        }
        match env
            .syncer
            .refresh_task(&app, &id, RefreshReason::Watched)
            .await
        {
            Err(SyncError::Budget { retry_at_ms }) => {
                // When the first call of the hour leaves the window.
                assert_eq!(retry_at_ms, START_S * 1000 + HOUR_MS + 1);
            }
            other => panic!("the worker's share is spent: {other:?}"),
        }
        assert_eq!(env.syncer.budget(ANDROID).await.record_left, 5);
        for _ in 0..5 {
            env.syncer
                .refresh_task(&app, &id, RefreshReason::Person)
                .await
                .expect("people use the reserve");
        }
        assert!(matches!(
            env.syncer
                .refresh_task(&app, &id, RefreshReason::Person)
                .await,
            Err(SyncError::Budget { .. })
        ));
        let budget = env.syncer.budget(ANDROID).await;
        assert_eq!(
            (budget.record_left, budget.next_at),
            (0, Some(START_S + 3_601))
        );
        assert_eq!(
            env.store
                .max_calls_in_any_window(ANDROID, "record", HOUR_MS)
                .await
                .unwrap(),
            19
        );
        assert_eq!(env.sandbox.rate_limited_total(), 0);
    }
);
