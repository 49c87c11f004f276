//! The worker loop as the server runs it.

use std::time::{Duration, Instant};

use pushdeck::sandbox::TaskSpec;

use crate::both_stores;
use crate::helpers::{ANDROID, Db, SyncEnv};

both_stores!(
    the_worker_loop_syncs_until_shutdown_and_then_hands_its_sweep_over,
    |db: Db| async move {
        let env = SyncEnv::start(db).await;
        let id = env.create(ANDROID, &TaskSpec::default());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let worker = env.syncer.clone().spawn(async move {
            let _ = stopped.await;
        });
        // The loop runs in real time; its first tick imports the task.
        let deadline = Instant::now() + Duration::from_secs(10);
        while env.store.get_task(ANDROID, &id).await.unwrap().is_none() {
            assert!(
                Instant::now() < deadline,
                "the worker did not import the task"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let now = env.now_ms();
        assert!(
            env.store
                .acquire_lease("sweep:demo-android", "test-b", now, now + 60_000)
                .await
                .unwrap()
                .is_none(),
            "the running worker holds the sweep"
        );
        stop.send(()).unwrap();
        worker.await.unwrap();
        assert!(
            env.store
                .acquire_lease("sweep:demo-android", "test-b", now, now + 60_000)
                .await
                .unwrap()
                .is_some(),
            "after shutdown another instance takes the sweep over at once"
        );
    }
);
