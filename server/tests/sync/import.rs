//! Tasks created outside the console appear in the store.

use std::collections::HashSet;
use std::time::Duration;

use app::domain::{Audience, Source, Status};
use pushdeck::sandbox::TaskSpec;
use pushdeck::tpns::Endpoint;

use crate::both_stores;
use crate::helpers::{ANDROID, Db, START_S, SyncEnv};

both_stores!(
    tasks_created_in_the_sandbox_appear_in_the_store,
    |db: Db| async move {
        let env = SyncEnv::start(db).await;
        let mut events = env.feed.subscribe();
        let lists = env
            .sandbox
            .create_tasks(
                ANDROID,
                230,
                &TaskSpec {
                    audience: Audience::AccountList,
                    targets: 3,
                    ..TaskSpec::default()
                },
            )
            .unwrap();
        let tag = env.create(
            ANDROID,
            &TaskSpec {
                audience: Audience::Tag,
                title: "Flash sale".into(),
                ..TaskSpec::default()
            },
        );
        let package = env.create(
            ANDROID,
            &TaskSpec {
                audience: Audience::PackageAccount,
                ..TaskSpec::default()
            },
        );
        let scheduled = env.scheduled(ANDROID, 3_600);

        // 233 tasks: two pages of the list, 18 s apart.
        let reports = env
            .run_for(Duration::from_secs(30), Duration::from_secs(1))
            .await;
        let list_calls: u32 = reports
            .iter()
            .map(|r| r.calls_to(Endpoint::RecordList))
            .sum();
        assert_eq!(list_calls, 2, "one call a page, paced");

        let mut all = lists.clone();
        all.extend([tag.clone(), package.clone(), scheduled.clone()]);
        for id in &all {
            let t = env.store.get_task(ANDROID, id).await.unwrap();
            assert!(t.is_some(), "task {id} was imported");
        }
        let t = env
            .store
            .get_task(ANDROID, &lists[0])
            .await
            .unwrap()
            .unwrap();
        assert_eq!(t.audience, Audience::AccountList);
        assert_eq!(t.audience_summary, "3 accounts");
        assert_eq!(t.source, Source::Api);
        assert_eq!(t.created_at, START_S);
        assert!(t.last_synced_at.is_some());

        let t = env.store.get_task(ANDROID, &tag).await.unwrap().unwrap();
        assert_eq!(
            (t.title.as_str(), t.audience_summary.as_str()),
            ("Flash sale", "Tag: sandbox")
        );
        assert!(t.audience_detail.unwrap().contains("tag_rules"));
        let t = env
            .store
            .get_task(ANDROID, &package)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(t.audience_summary, "Account package #36217");
        let t = env
            .store
            .get_task(ANDROID, &scheduled)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(t.status, Status::Scheduled);
        assert_eq!(t.send_time, Some(START_S + 3_600));

        let mut announced = HashSet::new();
        while let Ok(ev) = events.try_recv() {
            announced.insert(ev.push_id);
        }
        assert!(
            all.iter().all(|id| announced.contains(id)),
            "every import was published"
        );
    }
);

both_stores!(
    tasks_created_after_the_first_import_appear_within_a_pass,
    |db: Db| async move {
        let env = SyncEnv::start(db).await;
        env.sandbox
            .create_tasks(ANDROID, 150, &TaskSpec::default())
            .unwrap();
        env.run_for(Duration::from_secs(20), Duration::from_secs(1))
            .await;
        env.advance(Duration::from_secs(3_600));
        let later = env
            .sandbox
            .create_tasks(ANDROID, 60, &TaskSpec::default())
            .unwrap();
        // 210 tasks in the window: a pass is two pages, 36 s.
        env.run_for(Duration::from_secs(40), Duration::from_secs(1))
            .await;
        for id in &later {
            assert!(env.store.get_task(ANDROID, id).await.unwrap().is_some());
        }
    }
);
