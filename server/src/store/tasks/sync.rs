//! The tasks table as the sync worker reads it: which tasks are due by priority, which creation
//! days still hold live tasks (the sweep's date window), and claims taken over.

use sqlx::Row;

use super::model::{StoredTask, TASK_COLUMNS, task_from_row};
use crate::store::{Store, StoreError};

/// A task that can still change without an action of ours (created, scheduled, pushing, or
/// completed inside its offline-storage period); `$2` is now in Unix seconds. The same rule as
/// [`Store::tasks_to_refresh`] and `StoredTask::is_live`.
const LIVE: &str = "(status in ('PUSH_INIT', 'PUSH_WAIT', 'PUSH_STARTED')
     or (status = 'PUSH_FINISHED' and push_time + expire_secs > $2))";

const SECS_PER_DAY: i64 = 86_400;

impl Store {
    /// Tasks with an action of ours in flight (a handful; an index keeps this cheap).
    pub async fn in_flight_tasks(&self, app_id: &str) -> Result<Vec<StoredTask>, StoreError> {
        let rows = sqlx::query(&format!(
            "select {TASK_COLUMNS} from tasks where app_id = $1 and in_flight is not null
             order by task_id limit 200"
        ))
        .bind(app_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(task_from_row).collect()
    }

    /// Live tasks that are new at `now` (Unix seconds): created at or after `since`, or
    /// scheduled with a send time between `since` and `now` (they have just started sending).
    /// Their status and counters move fastest, so they come right after watched and in-flight
    /// tasks.
    pub async fn recent_tasks(
        &self,
        app_id: &str,
        since: i64,
        now: i64,
    ) -> Result<Vec<StoredTask>, StoreError> {
        let created = sqlx::query(&format!(
            "select {TASK_COLUMNS} from tasks where app_id = $1 and {LIVE} and created_at >= $3
             order by created_at desc, task_id desc limit 500"
        ))
        .bind(app_id)
        .bind(now)
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        let started = sqlx::query(&format!(
            "select {TASK_COLUMNS} from tasks where app_id = $1 and {LIVE}
               and send_time is not null and send_time >= $3 and send_time <= $2
             order by send_time desc, task_id desc limit 500"
        ))
        .bind(app_id)
        .bind(now)
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<StoredTask> = created
            .iter()
            .chain(started.iter())
            .map(task_from_row)
            .collect::<Result<_, _>>()?;
        out.sort_by_key(|t| t.task_id);
        out.dedup_by_key(|t| t.task_id);
        Ok(out)
    }

    /// Live tasks whose counters still move, pushing ones first, then completed ones inside
    /// their offline-storage period, each oldest counters first.
    pub async fn tasks_for_stats(
        &self,
        app_id: &str,
        now: i64,
        limit: i64,
    ) -> Result<Vec<StoredTask>, StoreError> {
        let rows = sqlx::query(&format!(
            "select {TASK_COLUMNS} from tasks where app_id = $1
               and (status = 'PUSH_STARTED' or (status = 'PUSH_FINISHED' and push_time + expire_secs > $2))
             order by case when status = 'PUSH_STARTED' then 0 else 1 end,
               coalesce(stats_synced_at, 0), task_id
             limit $3"
        ))
        .bind(app_id)
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(task_from_row).collect()
    }

    /// The creation days of live tasks, as day numbers (days since 1970-01-01) in the zone
    /// `offset_secs` east of UTC: TPNS's time-range query selects by day in its own zone.
    pub async fn live_task_days(
        &self,
        app_id: &str,
        now: i64,
        offset_secs: i64,
    ) -> Result<Vec<i64>, StoreError> {
        let rows = sqlx::query(&format!(
            "select distinct (created_at + $3) / {SECS_PER_DAY} as day from tasks
             where app_id = $1 and {LIVE}"
        ))
        .bind(app_id)
        .bind(now)
        .bind(offset_secs)
        .fetch_all(&self.pool)
        .await?;
        let mut days: Vec<i64> = rows
            .iter()
            .map(|r| r.try_get::<i64, _>("day"))
            .collect::<Result<_, _>>()?;
        days.sort_unstable();
        Ok(days)
    }

    /// Takes a task's refresh claim over whoever holds it (a person's refresh after waiting in
    /// vain for a stuck one). The old holder's answer is then not applied (`apply_upstream`
    /// skips a task leased to another owner) and its release does nothing.
    pub async fn take_over_task(
        &self,
        app_id: &str,
        push_id: &str,
        owner: &str,
        now_ms: i64,
        until_ms: i64,
    ) -> Result<(), StoreError> {
        // The claim's end is kept by the database's clock (`store/clock.rs`).
        let t = self.shared_now(&self.pool, now_ms).await?;
        sqlx::query(
            "update tasks set lease_owner = $1, lease_until = $2 where app_id = $3 and push_id = $4",
        )
        .bind(owner)
        .bind(t.shared_of(until_ms))
        .bind(app_id)
        .bind(push_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Non-final tasks of an app, least recently synced first: the sync worker's candidates.
    /// A task is non-final while it can still change without an action: created, scheduled,
    /// pushing, or completed and still inside its offline-storage period.
    pub async fn tasks_to_refresh(
        &self,
        app_id: &str,
        now: i64,
        limit: i64,
    ) -> Result<Vec<StoredTask>, StoreError> {
        let rows = sqlx::query(&format!(
            "select {TASK_COLUMNS} from tasks where app_id = $1
               and (status in ('PUSH_INIT', 'PUSH_WAIT', 'PUSH_STARTED')
                    or (status = 'PUSH_FINISHED' and push_time + expire_secs > $2))
             order by coalesce(last_synced_at, 0) asc, task_id asc limit $3"
        ))
        .bind(app_id)
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(task_from_row).collect()
    }

    /// Staleness of the non-final tasks: (count, oldest sync in ms, median sync in ms).
    pub async fn sync_ages(&self, app_id: &str, now: i64) -> Result<Vec<Option<i64>>, StoreError> {
        let rows = sqlx::query(
            "select last_synced_at from tasks where app_id = $1
               and (status in ('PUSH_INIT', 'PUSH_WAIT', 'PUSH_STARTED')
                    or (status = 'PUSH_FINISHED' and push_time + expire_secs > $2))",
        )
        .bind(app_id)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                r.try_get::<Option<i64>, _>("last_synced_at")
                    .map_err(StoreError::from)
            })
            .collect()
    }
}
