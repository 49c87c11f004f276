//! Server processes and their heartbeats. An intent records which process owns it; when that
//! process stops beating (killed, or its machine gone), another instance — or the same one,
//! restarted — settles its intents at once instead of waiting for them to look stuck.

use super::{Store, StoreError};

impl Store {
    /// Notes that `instance` is alive at `now_ms`.
    pub async fn heartbeat(
        &self,
        instance: &str,
        started_at_ms: i64,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "insert into instances (instance_id, started_at_ms, heartbeat_at_ms) values ($1, $2, $3)
             on conflict (instance_id) do update set heartbeat_at_ms = excluded.heartbeat_at_ms",
        )
        .bind(instance)
        .bind(started_at_ms)
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets an instance that stopped cleanly (nothing of its is in flight any more), and
    /// instances silent since before `forget_before_ms`.
    pub async fn retire_instance(
        &self,
        instance: &str,
        forget_before_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("delete from instances where instance_id = $1 or heartbeat_at_ms < $2")
            .bind(instance)
            .bind(forget_before_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
