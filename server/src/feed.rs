//! The change feed: every status or counter change of a task is published in-process and, on
//! PostgreSQL, through `LISTEN/NOTIFY`, so the live pages of every instance update.

use std::time::Duration;

use app::dto::TaskEvent;
use tokio::sync::broadcast;

use crate::store::tasks::StoredTask;
use crate::store::{Backend, Store};

const CHANNEL: &str = "pushdeck_tasks";

/// Publishes task changes and hands out subscriptions.
#[derive(Clone)]
pub struct ChangeFeed {
    tx: broadcast::Sender<TaskEvent>,
    store: Store,
    instance: String,
}

impl ChangeFeed {
    pub fn new(store: Store, instance: String) -> ChangeFeed {
        let (tx, _) = broadcast::channel(1024);
        ChangeFeed {
            tx,
            store,
            instance,
        }
    }

    /// Live task events of this instance and, on PostgreSQL, of every other.
    pub fn subscribe(&self) -> broadcast::Receiver<TaskEvent> {
        self.tx.subscribe()
    }

    /// Announces that a task changed: reads it and broadcasts its current state.
    pub async fn publish(&self, app_id: &str, push_id: &str) {
        self.broadcast_local(app_id, push_id).await;
        if self.store.backend() == Backend::Postgres {
            let payload =
                serde_json::json!({ "i": self.instance, "a": app_id, "p": push_id }).to_string();
            if let Err(e) = sqlx::query("select pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(payload)
                .execute(&self.store.pool)
                .await
            {
                tracing::warn!(error = %e, "could not notify other instances of a task change");
            }
        }
    }

    async fn broadcast_local(&self, app_id: &str, push_id: &str) {
        match self.store.get_task(app_id, push_id).await {
            Ok(Some(t)) => {
                let _ = self.tx.send(task_event(&t));
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "could not read a changed task"),
        }
    }

    /// On PostgreSQL, relays other instances' notifications to this instance's subscribers,
    /// reconnecting after a lost connection.
    pub fn spawn_listener(&self) {
        if self.store.backend() != Backend::Postgres {
            return;
        }
        let feed = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = feed.listen().await {
                    tracing::warn!(error = %e, "change feed listener stopped; reconnecting");
                }
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        });
    }

    async fn listen(&self) -> Result<(), sqlx::Error> {
        let mut listener = sqlx::postgres::PgListener::connect(self.store.url()).await?;
        listener.listen(CHANNEL).await?;
        loop {
            let n = listener.recv().await?;
            let Ok(v) = serde_json::from_str::<serde_json::Value>(n.payload()) else {
                continue;
            };
            if v["i"].as_str() == Some(self.instance.as_str()) {
                continue;
            }
            if let (Some(a), Some(p)) = (v["a"].as_str(), v["p"].as_str()) {
                self.broadcast_local(a, p).await;
            }
        }
    }
}

/// What the browser hears of a changed task.
fn task_event(t: &StoredTask) -> TaskEvent {
    TaskEvent {
        app_id: t.app_id.clone(),
        push_id: t.push_id.clone(),
        status: t.status,
        in_flight: t.in_flight,
        totals: t.totals,
        last_synced_at: t.last_synced_at.map(|ms| ms.div_euclid(1000)),
        overridden_by: t.overridden_by_push_id.clone(),
        version: t.version,
    }
}
