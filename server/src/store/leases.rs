//! Named leases: a piece of periodic work (sweeping an app's task list) done by one instance at a
//! time, with its position kept in the database so another instance can take over. A lease's
//! end is stamped by the database's clock (`clock.rs`).

use sqlx::Row;

use super::{Store, StoreError};

/// A lease held, with the work's saved position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lease {
    pub cursor: i64,
    pub next_at_ms: i64,
}

impl Store {
    /// Takes or renews the lease `name` for `owner` until `until_ms`, unless another owner holds
    /// it past `now_ms` (both by the caller's clock; the lease's end is kept by the database's,
    /// `clock.rs`, so an instance whose clock runs ahead cannot take a lease still held). The
    /// saved position's `next_at_ms` is the holder's own schedule, by its clock.
    pub async fn acquire_lease(
        &self,
        name: &str,
        owner: &str,
        now_ms: i64,
        until_ms: i64,
    ) -> Result<Option<Lease>, StoreError> {
        let t = self.shared_now(&self.pool, now_ms).await?;
        let row = sqlx::query(
            "insert into leases (name, owner, until_ms, cursor, next_at_ms) values ($1, $2, $3, 0, 0)
             on conflict (name) do update set owner = excluded.owner, until_ms = excluded.until_ms
               where leases.owner = excluded.owner or leases.until_ms <= $4
             returning cursor, next_at_ms",
        )
        .bind(name)
        .bind(owner)
        .bind(t.shared_of(until_ms))
        .bind(t.now_ms)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(Lease {
                cursor: r.try_get("cursor")?,
                next_at_ms: r.try_get("next_at_ms")?,
            })
        })
        .transpose()
    }

    /// Saves the work's position, if `owner` still holds the lease.
    pub async fn save_lease(
        &self,
        name: &str,
        owner: &str,
        lease: Lease,
    ) -> Result<bool, StoreError> {
        let res = sqlx::query(
            "update leases set cursor = $1, next_at_ms = $2 where name = $3 and owner = $4",
        )
        .bind(lease.cursor)
        .bind(lease.next_at_ms)
        .bind(name)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(res.rows_affected() == 1)
    }

    /// Gives a lease up (on shutdown), so another instance takes over at once.
    pub async fn release_lease(&self, name: &str, owner: &str) -> Result<(), StoreError> {
        sqlx::query("update leases set until_ms = 0 where name = $1 and owner = $2")
            .bind(name)
            .bind(owner)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Notes that a details page shows this task until `until_ms`.
    pub async fn watch_task(
        &self,
        app_id: &str,
        push_id: &str,
        until_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "insert into watches (app_id, push_id, until_ms) values ($1, $2, $3)
             on conflict (app_id, push_id) do update set until_ms = case
               when watches.until_ms > excluded.until_ms then watches.until_ms else excluded.until_ms end",
        )
        .bind(app_id)
        .bind(push_id)
        .bind(until_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Tasks some details page shows now.
    pub async fn watched_tasks(
        &self,
        app_id: &str,
        now_ms: i64,
    ) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "select push_id from watches where app_id = $1 and until_ms > $2 order by push_id",
        )
        .bind(app_id)
        .bind(now_ms)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| r.try_get("push_id").map_err(StoreError::from))
            .collect()
    }
}
