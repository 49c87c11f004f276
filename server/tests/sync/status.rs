//! Status changes upstream are reflected in the store; open tasks are read often, final ones
//! never one by one.

use std::time::Duration;

use app::domain::{Audience, Status};
use pushdeck::clock::Clock;
use pushdeck::sandbox::TaskSpec;
use pushdeck::sync::RefreshReason;
use pushdeck::tpns::Endpoint;

use crate::both_stores;
use crate::helpers::{ANDROID, Db, SyncEnv};

both_stores!(
    status_changes_in_the_sandbox_are_reflected,
    |db: Db| async move {
        let env = SyncEnv::start(db).await;
        let mut events = env.feed.subscribe();
        let soon = env.scheduled(ANDROID, 20 * 60);
        let later = env.scheduled(ANDROID, 2 * 3_600);
        let now = env.create(
            ANDROID,
            &TaskSpec {
                audience: Audience::All,
                ..TaskSpec::default()
            },
        );
        env.run_for(Duration::from_secs(10), Duration::from_secs(1))
            .await;
        let status = |id: String| {
            let store = env.store.clone();
            async move { store.get_task(ANDROID, &id).await.unwrap().unwrap().status }
        };
        assert_eq!(status(soon.clone()).await, Status::Scheduled);
        assert_eq!(status(later.clone()).await, Status::Scheduled);
        assert_eq!(status(now.clone()).await, Status::Pushing);

        // The app's backend cancels one through the API.
        env.client
            .cancel_timing_task(&env.creds(ANDROID), &later)
            .await
            .unwrap();
        env.run_for(Duration::from_secs(40), Duration::from_secs(1))
            .await;
        assert_eq!(status(later.clone()).await, Status::Canceled);
        let mut saw_cancel = false;
        while let Ok(ev) = events.try_recv() {
            saw_cancel |= ev.push_id == later && ev.status == Status::Canceled;
        }
        assert!(saw_cancel, "the change was published");

        // The immediate task finishes sending; the scheduled one starts at its send time.
        env.run_for(Duration::from_secs(25 * 60), Duration::from_secs(5))
            .await;
        for id in [&soon, &later, &now] {
            let upstream = env.sandbox.task(id).unwrap().status;
            assert_eq!(status(id.clone()).await, upstream, "task {id}");
        }
        assert_ne!(status(soon.clone()).await, Status::Scheduled);
        assert_eq!(status(now.clone()).await, Status::Completed);
        // Counters were read for the tasks that send.
        let t = env.store.get_task(ANDROID, &now).await.unwrap().unwrap();
        assert!(t.totals.planned > 0 && t.stats_synced_at.is_some());
        assert!(
            !env.store
                .channel_stats(ANDROID, &now)
                .await
                .unwrap()
                .is_empty()
        );
    }
);

both_stores!(
    a_task_open_in_a_details_page_stays_fresh_and_final_ones_are_not_read_one_by_one,
    |db: Db| async move {
        let env = SyncEnv::start(db).await;
        let open = env.create(
            ANDROID,
            &TaskSpec {
                audience: Audience::Tag,
                ..TaskSpec::default()
            },
        );
        let done = env.scheduled(ANDROID, 3_600);
        env.client
            .cancel_timing_task(&env.creds(ANDROID), &done)
            .await
            .unwrap();
        env.run_for(Duration::from_secs(5), Duration::from_secs(1))
            .await;
        let until = env.now_ms() + 10 * 60_000;
        env.store.watch_task(ANDROID, &open, until).await.unwrap();
        env.store.watch_task(ANDROID, &done, until).await.unwrap();

        let interval = env.config.open_task_interval_secs as i64 * 1000;
        let mut per_task_reads_of_done = 0;
        for _ in 0..300 {
            let report = env.syncer.tick().await;
            per_task_reads_of_done += report
                .refreshed
                .iter()
                .filter(|r| r.push_id == done)
                .count();
            let t = env.store.get_task(ANDROID, &open).await.unwrap().unwrap();
            let now = env.clock.now_ms();
            assert!(
                now - t.last_synced_at.unwrap() < interval,
                "status read within the interval"
            );
            assert!(now - t.stats_synced_at.unwrap() < interval, "counters too");
            env.advance(Duration::from_secs(1));
        }
        assert_eq!(
            per_task_reads_of_done, 0,
            "a final task is not read one by one"
        );
        assert_eq!(
            env.store
                .get_task(ANDROID, &done)
                .await
                .unwrap()
                .unwrap()
                .status,
            Status::Canceled
        );

        // A person may still read it.
        let t = env
            .syncer
            .refresh_task(&env.app(ANDROID), &done, RefreshReason::Person)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(t.status, Status::Canceled);
        let calls = env.sandbox.traffic(ANDROID, Endpoint::TaskStat).calls;
        assert!(
            calls >= 11,
            "counters of the open task were read every interval: {calls}"
        );
    }
);

both_stores!(
    a_task_scheduled_two_months_ahead_is_read_on_its_own_past_the_sweeps_month,
    |db: Db| async move {
        let env = SyncEnv::start(db).await;
        let id = env.scheduled(ANDROID, 60 * 86_400);
        env.run_for(Duration::from_secs(10), Duration::from_secs(1))
            .await;
        let t = env.store.get_task(ANDROID, &id).await.unwrap().unwrap();
        assert_eq!(t.status, Status::Scheduled);

        // Forty days on, its creation day is outside the time-range list TPNS answers (a
        // month), so only reads of its own can follow it.
        env.advance(Duration::from_secs(40 * 86_400));
        let jumped = env.now_ms();
        env.run_for(Duration::from_secs(30 * 60), Duration::from_secs(30))
            .await;
        let t = env.store.get_task(ANDROID, &id).await.unwrap().unwrap();
        assert!(
            t.last_synced_at.unwrap() >= jumped,
            "read again after the jump"
        );
        assert!(!t.is_stale(env.now_ms() / 1000), "not shown as sync stale");

        // Canceled in TPNS's console: the console sees it.
        env.client
            .cancel_timing_task(&env.creds(ANDROID), &id)
            .await
            .unwrap();
        env.run_for(Duration::from_secs(30 * 60), Duration::from_secs(30))
            .await;
        let t = env.store.get_task(ANDROID, &id).await.unwrap().unwrap();
        assert_eq!(t.status, Status::Canceled);
    }
);
