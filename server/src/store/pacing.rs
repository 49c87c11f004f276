//! The sync worker's pacing gates, shared by every instance (`sync_pacing`): a gate opens at
//! `next_at_ms`, and whoever passes it moves it one interval on, so that calls of a kind are
//! spread evenly over the hour instead of spent in a burst. Gates open and close by the
//! database's clock (`clock.rs`); callers pass their own `now_ms`.

use sqlx::Row;

use super::{Store, StoreError};

impl Store {
    /// Whether the pacing gate `name` is open at `now_ms` (a gate never passed is open).
    pub async fn pacing_gate_open(&self, name: &str, now_ms: i64) -> Result<bool, StoreError> {
        let now_ms = self.shared_now(&self.pool, now_ms).await?.now_ms;
        let next: Option<i64> = sqlx::query("select next_at_ms from sync_pacing where name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.try_get("next_at_ms"))
            .transpose()?;
        Ok(next.is_none_or(|n| n <= now_ms))
    }

    /// Passes the pacing gate `name` if it is open at `now_ms`, and closes it for one
    /// `interval_ms`. The next opening follows the previous one by exactly one interval while
    /// callers keep up, so a tick's lateness does not stretch the cadence; after a pause it
    /// starts again from now. Atomic across instances: of two callers, one passes.
    pub async fn pass_pacing_gate(
        &self,
        name: &str,
        now_ms: i64,
        interval_ms: i64,
    ) -> Result<bool, StoreError> {
        let now_ms = self.shared_now(&self.pool, now_ms).await?.now_ms;
        let row = sqlx::query(
            "insert into sync_pacing (name, next_at_ms) values ($1, $2 + $3)
             on conflict (name) do update set next_at_ms = case
                 when $2 - sync_pacing.next_at_ms < $3 then sync_pacing.next_at_ms + $3
                 else $2 + $3 end
               where sync_pacing.next_at_ms <= $2
             returning next_at_ms",
        )
        .bind(name)
        .bind(now_ms)
        .bind(interval_ms)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    /// Passes the gate `name` if it is open at `now_ms`, and closes it until `spacing_ms`
    /// after now: unlike [`Store::pass_pacing_gate`], two passes are never closer than the
    /// spacing, for a limit such as TPNS's one push a second. Atomic across instances.
    pub async fn pass_spacing_gate(
        &self,
        name: &str,
        now_ms: i64,
        spacing_ms: i64,
    ) -> Result<bool, StoreError> {
        let now_ms = self.shared_now(&self.pool, now_ms).await?.now_ms;
        let row = sqlx::query(
            "insert into sync_pacing (name, next_at_ms) values ($1, $2 + $3)
             on conflict (name) do update set next_at_ms = $2 + $3
               where sync_pacing.next_at_ms <= $2
             returning next_at_ms",
        )
        .bind(name)
        .bind(now_ms)
        .bind(spacing_ms)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }
}
