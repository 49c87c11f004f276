//! A busy simulated hour: a sandbox with history, hundreds of live tasks and background
//! traffic on two apps, a details page open, an action in flight and people pressing "Refresh
//! now". The ledger is never exceeded and TPNS (the sandbox) never has to say 1008028.

use std::collections::BTreeMap;
use std::time::Duration;

use app::domain::{Action, Audience};
use pushdeck::config::SandboxSettings;
use pushdeck::sandbox::TaskSpec;
use pushdeck::sync::RefreshReason;
use pushdeck::tpns::{Endpoint, RecordQuery};

use crate::both_stores;
use crate::helpers::{ANDROID, Db, HOUR_MS, IOS, Setup, SyncEnv};

const STEP: Duration = Duration::from_secs(3);

both_stores!(
    a_busy_hour_keeps_within_the_ledger_and_the_open_task_fresh,
    |db: Db| async move {
        let setup = Setup {
            sandbox: SandboxSettings {
                seed: Some(11),
                history_days: 3,
                history_per_day: 40,
                background_every_secs: 30.0,
                ..SandboxSettings::default()
            },
            apps: vec![ANDROID, IOS],
            ..Setup::default()
        };
        let env = SyncEnv::start_with(db, setup).await;
        for (audience, n) in [
            (Audience::TokenList, 150),
            (Audience::Tag, 80),
            (Audience::All, 70),
        ] {
            let spec = TaskSpec {
                audience,
                ..TaskSpec::default()
            };
            env.sandbox.create_tasks(ANDROID, n, &spec).unwrap();
        }
        let open = env.scheduled(ANDROID, 20 * 60);
        let acted_on = env.create(ANDROID, &TaskSpec::default());
        let start = env.now_ms();
        env.store
            .watch_task(ANDROID, &open, start + 2 * HOUR_MS)
            .await
            .unwrap();

        let mut list_calls_by_10_min: BTreeMap<i64, u32> = BTreeMap::new();
        let mut worst_open = 0;
        let mut ticks = 0;
        while env.now_ms() < start + 70 * 60_000 {
            let now = env.now_ms();
            let minute = (now - start) / 60_000;
            if now - start == 10 * 60_000 {
                env.store
                    .set_in_flight(ANDROID, &acted_on, Some(Action::Terminate))
                    .await
                    .unwrap();
            }
            if now - start == 15 * 60_000 {
                env.store
                    .set_in_flight(ANDROID, &acted_on, None)
                    .await
                    .unwrap();
            }
            if (now - start) % (10 * 60_000) == 0 && minute > 0 {
                // Someone presses "Refresh now" on the open task.
                env.syncer
                    .refresh_task(&env.app(ANDROID), &open, RefreshReason::Person)
                    .await
                    .expect("people have their reserve");
            }
            let report = env.syncer.tick().await;
            ticks += 1;
            *list_calls_by_10_min.entry(minute / 10).or_default() +=
                report.calls_to(Endpoint::RecordList);
            if minute >= 1 {
                let t = env.store.get_task(ANDROID, &open).await.unwrap().unwrap();
                worst_open = worst_open.max(now - t.last_synced_at.unwrap());
                // Counters once it sends (it is scheduled 20 minutes in).
                if let Some(stats) = t.stats_synced_at {
                    worst_open = worst_open.max(now - stats);
                }
            }
            env.advance(STEP);
        }
        assert!(ticks >= 1_400);

        for app in [ANDROID, IOS] {
            for ep in [Endpoint::RecordList, Endpoint::Record, Endpoint::TaskStat] {
                let max = env
                    .store
                    .max_calls_in_any_window(app, ep.key(), HOUR_MS)
                    .await
                    .unwrap();
                assert!(max <= 198, "{app} {ep}: {max} calls in one hour");
                assert_eq!(env.sandbox.rate_limited(app, ep), 0, "{app} {ep}");
            }
            let list = env
                .store
                .max_calls_in_any_window(app, "record_list", HOUR_MS)
                .await
                .unwrap();
            assert!(list >= 190, "{app}: the list budget is used ({list})");
        }
        assert_eq!(env.sandbox.rate_limited_total(), 0);
        // Spread evenly: every full ten minutes hold a sixth of the hour's pages, give or take one.
        for (bucket, calls) in list_calls_by_10_min.iter().filter(|(b, _)| **b < 7) {
            // Two apps, 33 pages each in ten minutes.
            assert!(
                (64..=68).contains(calls),
                "minutes {}0–{}9: {calls} list calls",
                bucket,
                bucket
            );
        }
        assert!(
            worst_open < 30_000,
            "the open task was {worst_open} ms stale at worst"
        );

        // Every task the sandbox holds (the app's backend made one every 30 s) is in the store,
        // but those of the last two minutes, which the next pass picks up. Read in the next
        // hour of the sandbox's budget, with the worker stopped.
        let end = env.now_ms() / 1000;
        env.advance(Duration::from_secs(3_600));
        let mut offset = 0;
        let mut seen = 0;
        loop {
            let query = RecordQuery {
                start_date: "2025-03-07".into(),
                end_date: "2025-03-10".into(),
                offset,
                limit: 200,
                msg_type: None,
                push_type: None,
            };
            let page = env
                .client
                .push_records(&env.creds(ANDROID), &query)
                .await
                .unwrap();
            for r in &page.records {
                if r.create_time.unwrap() <= end - 120 {
                    let stored = env.store.get_task(ANDROID, &r.push_id).await.unwrap();
                    assert!(
                        stored.is_some(),
                        "task {} created at {:?}",
                        r.push_id,
                        r.create_time
                    );
                    seen += 1;
                }
            }
            offset += page.records.len() as u32;
            if page.records.is_empty() || u64::from(offset) >= page.count {
                break;
            }
        }
        assert!(seen > 500, "{seen} tasks checked");
    }
);
