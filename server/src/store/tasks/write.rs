//! The tasks table's writes: what TPNS said about tasks, the console's own new tasks and their
//! links, per-channel counters, in-flight markers and refresh claims.

use domain::{Action, Counters, Source};
use sqlx::Row;

use super::model::{Changed, DEFAULT_EXPIRE_SECS, TaskUpsert, search_text};
use crate::store::{Backend, Store, StoreError};

impl Store {
    /// Applies what TPNS said about some tasks at `fetched_at_ms`: inserts new tasks, updates
    /// changed ones, and marks every one as synced. Information older than what is stored (a
    /// list page fetched before an action's read-back landed) does not overwrite it, and a task
    /// leased by another instance is left to that instance. Returns the tasks that changed.
    pub async fn apply_upstream(
        &self,
        app_id: &str,
        tasks: &[TaskUpsert],
        fetched_at_ms: i64,
        owner: &str,
    ) -> Result<Vec<Changed>, StoreError> {
        let mut changed = Vec::new();
        if tasks.is_empty() {
            return Ok(changed);
        }
        let mut tx = self.begin_write().await?;
        // Refresh claims end by the database's clock (`store/clock.rs`).
        let claims_now = self.shared_now(&mut *tx, fetched_at_ms).await?.now_ms;
        for t in tasks {
            let existing = sqlx::query(
                "select status, title, content, collapse_id, expire_secs, send_time, push_config, environment, upstream_source, recurring,
                   last_synced_at, acted_at_ms, lease_owner, lease_until
                 from tasks where app_id = $1 and push_id = $2",
            )
            .bind(app_id)
            .bind(&t.push_id)
            .fetch_optional(&mut *tx)
            .await?;
            match existing {
                None => {
                    insert_task(&mut tx, app_id, t, Some(fetched_at_ms), None).await?;
                    changed.push(Changed {
                        app_id: app_id.into(),
                        push_id: t.push_id.clone(),
                    });
                }
                Some(row) => {
                    let synced: Option<i64> = row.try_get("last_synced_at")?;
                    // What an action of ours settled later than this read is newer than it.
                    let acted: Option<i64> = row.try_get("acted_at_ms")?;
                    let lease_owner: Option<String> = row.try_get("lease_owner")?;
                    let lease_until: i64 = row.try_get("lease_until")?;
                    let leased_elsewhere = lease_until > claims_now
                        && lease_owner.as_deref().is_some_and(|o| o != owner);
                    if synced.is_some_and(|s| s > fetched_at_ms)
                        || acted.is_some_and(|a| a > fetched_at_ms)
                        || leased_elsewhere
                    {
                        continue;
                    }
                    let status: String = row.try_get("status")?;
                    let title: String = row.try_get("title")?;
                    let content: String = row.try_get("content")?;
                    let collapse: Option<i64> = row.try_get("collapse_id")?;
                    let expire: i64 = row.try_get("expire_secs")?;
                    let send_time: Option<i64> = row.try_get("send_time")?;
                    let push_config: Option<String> = row.try_get("push_config")?;
                    let environment: Option<String> = row.try_get("environment")?;
                    let upstream_source: Option<String> = row.try_get("upstream_source")?;
                    let recurring = row.try_get::<i64, _>("recurring")? != 0;
                    let m = &t.message;
                    // A read that lacks an optional field (a list page, a sparse record) keeps
                    // what an earlier read said.
                    let newer =
                        |new: &Option<String>, old: &Option<String>| new.is_some() && new != old;
                    let differs = status != t.status.upstream()
                        || title != t.title
                        || content != t.content
                        || (t.collapse_id.is_some() && collapse != t.collapse_id)
                        || t.expire_secs.is_some_and(|e| e != expire)
                        // Scheduled: worked out now (from the status) where it was not before.
                        || (send_time.is_none() && t.send_time.is_some())
                        || newer(&m.push_config, &push_config)
                        || newer(&m.environment, &environment)
                        || newer(&m.upstream_source, &upstream_source)
                        || (m.recurring && !recurring);
                    if differs {
                        sqlx::query(
                            "update tasks set status = $1, title = $2, content = $3,
                               collapse_id = coalesce($4, collapse_id), expire_secs = coalesce($5, expire_secs),
                               send_time = coalesce(send_time, $6), search_text = $7,
                               last_synced_at = $8, version = version + 1, updated_at = $9,
                               push_config = coalesce($12, push_config),
                               environment = coalesce($13, environment),
                               upstream_source = coalesce($14, upstream_source),
                               recurring = case when $15 = 1 then 1 else recurring end
                             where app_id = $10 and push_id = $11
                               and (last_synced_at is null or last_synced_at <= $8)
                               and (acted_at_ms is null or acted_at_ms <= $8)",
                        )
                        .bind(t.status.upstream())
                        .bind(&t.title)
                        .bind(&t.content)
                        .bind(t.collapse_id)
                        .bind(t.expire_secs.unwrap_or(DEFAULT_EXPIRE_SECS))
                        .bind(t.send_time)
                        .bind(search_text(&t.push_id, &t.title, &t.content))
                        .bind(fetched_at_ms)
                        .bind(fetched_at_ms / 1000)
                        .bind(app_id)
                        .bind(&t.push_id)
                        .bind(m.push_config.as_deref())
                        .bind(m.environment.as_deref())
                        .bind(m.upstream_source.as_deref())
                        .bind(i64::from(m.recurring))
                        .execute(&mut *tx)
                        .await?;
                        changed.push(Changed {
                            app_id: app_id.into(),
                            push_id: t.push_id.clone(),
                        });
                    } else {
                        sqlx::query(
                            "update tasks set last_synced_at = $1 where app_id = $2 and push_id = $3
                               and (last_synced_at is null or last_synced_at < $1)",
                        )
                        .bind(fetched_at_ms)
                        .bind(app_id)
                        .bind(&t.push_id)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
            }
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// Folds an app's status-count deltas into its counter rows (PostgreSQL; SQLite's triggers
    /// keep the counter rows themselves, one writer at a time). A short transaction of its own,
    /// taken by one folder per app at a time (others skip it) and locking counter rows in
    /// status order, so it waits for no writer and no writer waits for it (migration 0010).
    /// Returns how many counter rows it changed.
    pub async fn fold_status_counts(&self, app_id: &str) -> Result<u64, StoreError> {
        if self.backend != Backend::Postgres {
            return Ok(0);
        }
        let mut tx = self.pool.begin().await?;
        let mine: bool = sqlx::query(
            "select pg_try_advisory_xact_lock(hashtext('task_status_fold'), hashtext($1)) as mine",
        )
        .bind(app_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("mine")?;
        if !mine {
            tx.commit().await?;
            return Ok(0);
        }
        let folded = sqlx::query(
            "with moved as (delete from task_status_deltas where app_id = $1 returning status, delta),
                  summed as (select status, cast(sum(delta) as bigint) as n from moved group by status)
             insert into task_status_counts (app_id, status, n)
             select $1, status, n from summed order by status
             on conflict (app_id, status) do update set n = task_status_counts.n + excluded.n
             returning 1",
        )
        .bind(app_id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(folded.len() as u64)
    }

    /// Records a task the console itself just created (an override's new task) and links it
    /// both ways. The sync worker may have imported the new task a moment earlier; then it is
    /// marked as the console's and linked all the same.
    pub async fn insert_console_task(
        &self,
        app_id: &str,
        t: &TaskUpsert,
        original: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let exists = sqlx::query("select task_id from tasks where app_id = $1 and push_id = $2")
            .bind(app_id)
            .bind(&t.push_id)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if !exists {
            insert_task(&mut tx, app_id, t, None, Some(original)).await?;
        }
        link_override(&mut tx, app_id, &t.push_id, original).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Links a stored task as the console's override of `original`, both ways (an override
    /// whose outcome was learned only by reconciling).
    pub async fn link_override(
        &self,
        app_id: &str,
        new: &str,
        original: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        link_override(&mut tx, app_id, new, original).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stores a task's per-channel counters (by TPNS's channel code, whether Pushdeck knows the
    /// channel or not) and their totals.
    pub async fn set_channel_stats(
        &self,
        app_id: &str,
        push_id: &str,
        stats: &[(String, Counters)],
        totals: Counters,
        at_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        for (channel, c) in stats {
            sqlx::query(
                "insert into task_channels (app_id, push_id, channel, planned, sent, arrived, clicked, cleared, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 on conflict (app_id, push_id, channel) do update set planned = excluded.planned,
                   sent = excluded.sent, arrived = excluded.arrived, clicked = excluded.clicked,
                   cleared = excluded.cleared, updated_at = excluded.updated_at",
            )
            .bind(app_id)
            .bind(push_id)
            .bind(channel.as_str())
            .bind(c.planned as i64)
            .bind(c.sent as i64)
            .bind(c.arrived as i64)
            .bind(c.clicked as i64)
            .bind(c.cleared as i64)
            .bind(at_ms)
            .execute(&mut *tx)
            .await?;
        }
        let res = sqlx::query(
            "update tasks set planned = $1, sent = $2, arrived = $3, clicked = $4, cleared = $5,
               stats_synced_at = $6, version = version + 1
             where app_id = $7 and push_id = $8
               and (planned <> $1 or sent <> $2 or arrived <> $3 or clicked <> $4 or cleared <> $5)",
        )
        .bind(totals.planned as i64)
        .bind(totals.sent as i64)
        .bind(totals.arrived as i64)
        .bind(totals.clicked as i64)
        .bind(totals.cleared as i64)
        .bind(at_ms)
        .bind(app_id)
        .bind(push_id)
        .execute(&mut *tx)
        .await?;
        if res.rows_affected() == 0 {
            sqlx::query("update tasks set stats_synced_at = $1 where app_id = $2 and push_id = $3")
                .bind(at_ms)
                .bind(app_id)
                .bind(push_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(res.rows_affected() > 0)
    }

    /// Marks an action of ours as in flight on a task (`None` clears it).
    pub async fn set_in_flight(
        &self,
        app_id: &str,
        push_id: &str,
        action: Option<Action>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "update tasks set in_flight = $1, version = version + 1 where app_id = $2 and push_id = $3",
        )
        .bind(action.map(Action::slug))
        .bind(app_id)
        .bind(push_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Claims up to `limit` of the given tasks for refreshing by `owner` until `until_ms`, skipping
    /// those another instance holds. Returns the push IDs claimed. Times are the caller's; the
    /// claim's end is kept by the database's clock (`store/clock.rs`).
    pub async fn claim_tasks(
        &self,
        app_id: &str,
        push_ids: &[String],
        owner: &str,
        now_ms: i64,
        until_ms: i64,
    ) -> Result<Vec<String>, StoreError> {
        let mut claimed = Vec::new();
        for push_id in push_ids {
            let lock = match self.backend {
                // Another instance's open transaction on the row is skipped, not waited for.
                Backend::Postgres => "for update skip locked",
                Backend::Sqlite => "",
            };
            let mut tx = self.begin_write().await?;
            let t = self.shared_now(&mut *tx, now_ms).await?;
            let row = sqlx::query(&format!(
                "select task_id from tasks where app_id = $1 and push_id = $2
                   and (lease_owner is null or lease_owner = $3 or lease_until <= $4) {lock}"
            ))
            .bind(app_id)
            .bind(push_id)
            .bind(owner)
            .bind(t.now_ms)
            .fetch_optional(&mut *tx)
            .await?;
            if row.is_some() {
                let res = sqlx::query(
                    "update tasks set lease_owner = $1, lease_until = $2
                     where app_id = $3 and push_id = $4 and (lease_owner is null or lease_owner = $1 or lease_until <= $5)",
                )
                .bind(owner)
                .bind(t.shared_of(until_ms))
                .bind(app_id)
                .bind(push_id)
                .bind(t.now_ms)
                .execute(&mut *tx)
                .await?;
                if res.rows_affected() == 1 {
                    claimed.push(push_id.clone());
                }
            }
            tx.commit().await?;
        }
        Ok(claimed)
    }

    /// Gives a claimed task back.
    pub async fn release_task(
        &self,
        app_id: &str,
        push_id: &str,
        owner: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "update tasks set lease_owner = null, lease_until = 0 where app_id = $1 and push_id = $2 and lease_owner = $3",
        )
        .bind(app_id)
        .bind(push_id)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// `new` overrides `original`: marked as the console's and linked both ways.
pub(crate) async fn link_override(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    app_id: &str,
    new: &str,
    original: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "update tasks set source = 'console', overrides_push_id = $1, version = version + 1
         where app_id = $2 and push_id = $3",
    )
    .bind(original)
    .bind(app_id)
    .bind(new)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "update tasks set overridden_by_push_id = $1, version = version + 1 where app_id = $2 and push_id = $3",
    )
    .bind(new)
    .bind(app_id)
    .bind(original)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(crate) async fn insert_task(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    app_id: &str,
    t: &TaskUpsert,
    synced_ms: Option<i64>,
    overrides: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query(
        "insert into tasks (app_id, push_id, audience, audience_summary, audience_detail, platform, message_type,
           title, content, created_at, send_time, push_time, expire_secs, status, collapse_id, source,
           overrides_push_id, last_synced_at, search_text, updated_at,
           upstream_source, push_config, environment, recurring)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
           $21, $22, $23, $24)
         on conflict (app_id, push_id) do nothing",
    )
    .bind(app_id)
    .bind(&t.push_id)
    .bind(t.audience.upstream())
    .bind(&t.audience_summary)
    .bind(t.audience_detail.as_deref())
    .bind(t.platform.slug())
    .bind(t.message_type.upstream())
    .bind(&t.title)
    .bind(&t.content)
    .bind(t.created_at)
    .bind(t.send_time)
    .bind(t.push_time)
    .bind(t.expire_secs.unwrap_or(DEFAULT_EXPIRE_SECS))
    .bind(t.status.upstream())
    .bind(t.collapse_id)
    .bind(match t.source {
        Source::Console => "console",
        // The `source` column predates TPNS's console as a source (its check allows `console`
        // and `api`); `upstream_source` says which.
        Source::Api | Source::Web => "api",
    })
    .bind(overrides)
    .bind(synced_ms)
    .bind(search_text(&t.push_id, &t.title, &t.content))
    .bind(t.created_at)
    .bind(t.message.upstream_source.as_deref())
    .bind(t.message.push_config.as_deref())
    .bind(t.message.environment.as_deref())
    .bind(i64::from(t.message.recurring))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
