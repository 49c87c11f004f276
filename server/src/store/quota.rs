//! The quota ledger: upstream query calls per app and endpoint over a sliding window, shared by
//! every instance through the database, so that all of them together never exceed TPNS's
//! "200 calls an hour" (`server/docs/product.md`, "Tracking task status"). Calls are stamped by
//! the database's clock (`clock.rs`); the times callers pass and get back are theirs.

use sqlx::Row;

use super::{Store, StoreError};

/// The answer to a reservation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reservation {
    /// The call may be made now; it has been counted.
    Granted,
    /// No call now; the earliest moment one may be possible (ms).
    Denied { retry_at_ms: i64 },
}

/// How much of a window is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Usage {
    pub used: u32,
    pub backoff_until_ms: i64,
    /// When the oldest call in the window leaves it (ms), if any call is in it.
    pub oldest_ms: Option<i64>,
}

impl Store {
    /// Counts a call to `endpoint` for `app_id` at `now_ms` if fewer than `limit` calls were
    /// made in the last `window_ms` and the endpoint is not backing off. Reservations for the same
    /// app and endpoint are serialised (a row lock on PostgreSQL, the write lock on SQLite).
    pub async fn reserve_call(
        &self,
        app_id: &str,
        endpoint: &str,
        limit: u32,
        window_ms: i64,
        now_ms: i64,
    ) -> Result<Reservation, StoreError> {
        let mut tx = self.begin_write().await?;
        // Writing the state row first takes the lock that serialises reservations.
        let row = sqlx::query(
            "insert into quota_state (app_id, endpoint, backoff_until_ms, updated_at_ms) values ($1, $2, 0, $3)
             on conflict (app_id, endpoint) do update set updated_at_ms = excluded.updated_at_ms
             returning backoff_until_ms",
        )
        .bind(app_id)
        .bind(endpoint)
        .bind(now_ms)
        .fetch_one(&mut *tx)
        .await?;
        let backoff: i64 = row.try_get("backoff_until_ms")?;
        // Stamped by the one clock (`clock.rs`), read once the lock above is held.
        let t = self.shared_now(&mut *tx, now_ms).await?;
        let now_ms = t.now_ms;
        if backoff > now_ms {
            tx.commit().await?;
            return Ok(Reservation::Denied {
                retry_at_ms: t.caller_of(backoff),
            });
        }
        let row = sqlx::query(
            "select count(*) as n, min(called_at_ms) as oldest from quota_calls
             where app_id = $1 and endpoint = $2 and called_at_ms > $3",
        )
        .bind(app_id)
        .bind(endpoint)
        .bind(now_ms - window_ms)
        .fetch_one(&mut *tx)
        .await?;
        let used: i64 = row.try_get("n")?;
        if used >= limit as i64 {
            let oldest: Option<i64> = row.try_get("oldest")?;
            tx.commit().await?;
            return Ok(Reservation::Denied {
                retry_at_ms: t.caller_of(oldest.map_or(now_ms + 1000, |o| o + window_ms + 1)),
            });
        }
        sqlx::query("insert into quota_calls (app_id, endpoint, called_at_ms) values ($1, $2, $3)")
            .bind(app_id)
            .bind(endpoint)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        // Calls that left the window long ago are of no further use.
        sqlx::query(
            "delete from quota_calls where app_id = $1 and endpoint = $2 and called_at_ms < $3",
        )
        .bind(app_id)
        .bind(endpoint)
        .bind(now_ms - 2 * window_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Reservation::Granted)
    }

    /// Stops calls to an endpoint until `until_ms` (by the caller's clock, `now_ms`) after the
    /// upstream said "request too fast".
    pub async fn back_off(
        &self,
        app_id: &str,
        endpoint: &str,
        until_ms: i64,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let t = self.shared_now(&self.pool, now_ms).await?;
        sqlx::query(
            "insert into quota_state (app_id, endpoint, backoff_until_ms, rate_limited_total, updated_at_ms)
             values ($1, $2, $3, 1, $4)
             on conflict (app_id, endpoint) do update set
               backoff_until_ms = case when quota_state.backoff_until_ms > excluded.backoff_until_ms
                                       then quota_state.backoff_until_ms else excluded.backoff_until_ms end,
               rate_limited_total = quota_state.rate_limited_total + 1,
               updated_at_ms = excluded.updated_at_ms",
        )
        .bind(app_id)
        .bind(endpoint)
        .bind(t.shared_of(until_ms))
        .bind(t.now_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Calls made in the window and the back-off, for showing the remaining budget (times by
    /// the caller's clock).
    pub async fn quota_usage(
        &self,
        app_id: &str,
        endpoint: &str,
        window_ms: i64,
        now_ms: i64,
    ) -> Result<Usage, StoreError> {
        let t = self.shared_now(&self.pool, now_ms).await?;
        let row = sqlx::query(
            "select count(*) as n, min(called_at_ms) as oldest from quota_calls
             where app_id = $1 and endpoint = $2 and called_at_ms > $3",
        )
        .bind(app_id)
        .bind(endpoint)
        .bind(t.now_ms - window_ms)
        .fetch_one(&self.pool)
        .await?;
        let used: i64 = row.try_get("n")?;
        let oldest: Option<i64> = row.try_get("oldest")?;
        let backoff: Option<i64> = sqlx::query(
            "select backoff_until_ms from quota_state where app_id = $1 and endpoint = $2",
        )
        .bind(app_id)
        .bind(endpoint)
        .fetch_optional(&self.pool)
        .await?
        .map(|r| r.try_get("backoff_until_ms"))
        .transpose()?;
        Ok(Usage {
            used: used.max(0) as u32,
            backoff_until_ms: t.caller_of(backoff.unwrap_or(0)),
            oldest_ms: oldest.map(|o| t.caller_of(o)),
        })
    }

    /// [`Store::quota_usage`] of two endpoints in one round trip (the budget every page shows).
    pub async fn quota_usage_pair(
        &self,
        app_id: &str,
        endpoints: [&str; 2],
        window_ms: i64,
        now_ms: i64,
    ) -> Result<[Usage; 2], StoreError> {
        Ok(self
            .usage_pair_with(app_id, endpoints, window_ms, now_ms, false)
            .await?
            .0)
    }

    /// [`Store::quota_usage_pair`], and with `counts` the app's tasks per status
    /// ([`Store::status_counts`]) in the same statement: what a Task List page reads besides its
    /// rows, in one round trip.
    pub async fn usage_pair_with(
        &self,
        app_id: &str,
        endpoints: [&str; 2],
        window_ms: i64,
        now_ms: i64,
        counts: bool,
    ) -> Result<([Usage; 2], Vec<(domain::Status, u64)>), StoreError> {
        // "Now" by the stamping clock inside the statement itself: one round trip for the
        // whole budget.
        let now_sql = if self.stamped_by_database() {
            self.database_now_sql()
        } else {
            "cast($5 as bigint)"
        };
        let mut sql = format!(
            "with t (now_ms) as (select {now_sql}),
                  eps (endpoint) as (values (cast($2 as text)), (cast($3 as text)))
             select 'usage' as kind, eps.endpoint as k, t.now_ms as now_ms,
               (select count(*) from quota_calls c
                 where c.app_id = $1 and c.endpoint = eps.endpoint and c.called_at_ms > t.now_ms - $4) as n,
               (select min(c.called_at_ms) from quota_calls c
                 where c.app_id = $1 and c.endpoint = eps.endpoint and c.called_at_ms > t.now_ms - $4) as oldest,
               (select s.backoff_until_ms from quota_state s
                 where s.app_id = $1 and s.endpoint = eps.endpoint) as backoff
             from eps cross join t"
        );
        if counts {
            sql.push_str(&format!(
                " union all
                 select 'count' as kind, status as k, cast(null as bigint) as now_ms, n,
                   cast(null as bigint) as oldest, cast(null as bigint) as backoff
                 from ({}) as counts",
                self.status_counts_sql()
            ));
        }
        let mut q = sqlx::query(&sql)
            .bind(app_id)
            .bind(endpoints[0])
            .bind(endpoints[1])
            .bind(window_ms);
        if !self.stamped_by_database() {
            q = q.bind(now_ms);
        }
        let rows = q.fetch_all(&self.pool).await?;
        let mut out = [Usage {
            used: 0,
            backoff_until_ms: 0,
            oldest_ms: None,
        }; 2];
        let mut by_status = Vec::new();
        for r in rows {
            let kind: String = r.try_get("kind")?;
            let k: String = r.try_get("k")?;
            let n: i64 = r.try_get("n")?;
            if kind == "count" {
                if let Some(st) = domain::Status::from_upstream(&k) {
                    by_status.push((st, n.max(0) as u64));
                }
                continue;
            }
            let Some(i) = endpoints.iter().position(|e| *e == k) else {
                continue;
            };
            let t = self.shared_now_from(r.try_get("now_ms")?, now_ms);
            out[i] = Usage {
                used: n.max(0) as u32,
                backoff_until_ms: t.caller_of(r.try_get::<Option<i64>, _>("backoff")?.unwrap_or(0)),
                oldest_ms: r
                    .try_get::<Option<i64>, _>("oldest")?
                    .map(|o| t.caller_of(o)),
            };
        }
        by_status.sort_by_key(|(s, _)| *s);
        Ok((out, by_status))
    }

    /// The most calls counted in any window of `window_ms` ending at a recorded call, for tests
    /// that assert the ledger was never exceeded.
    pub async fn max_calls_in_any_window(
        &self,
        app_id: &str,
        endpoint: &str,
        window_ms: i64,
    ) -> Result<u32, StoreError> {
        let rows = sqlx::query(
            "select called_at_ms from quota_calls where app_id = $1 and endpoint = $2 order by called_at_ms",
        )
        .bind(app_id)
        .bind(endpoint)
        .fetch_all(&self.pool)
        .await?;
        let times: Vec<i64> = rows
            .iter()
            .map(|r| r.try_get::<i64, _>("called_at_ms"))
            .collect::<Result<_, _>>()?;
        let mut best = 0usize;
        let mut start = 0usize;
        for end in 0..times.len() {
            while times[end] - times[start] >= window_ms {
                start += 1;
            }
            best = best.max(end - start + 1);
        }
        Ok(best as u32)
    }

    /// Notes a call under a key of the ledger without a limit: the worker counts the calls made
    /// for watched and in-flight tasks apart, to know how much of the window is theirs.
    pub async fn note_call(&self, app_id: &str, key: &str, now_ms: i64) -> Result<(), StoreError> {
        let now_ms = self.shared_now(&self.pool, now_ms).await?.now_ms;
        sqlx::query("insert into quota_calls (app_id, endpoint, called_at_ms) values ($1, $2, $3)")
            .bind(app_id)
            .bind(key)
            .bind(now_ms)
            .execute(&self.pool)
            .await?;
        // As `reserve_call` does: calls that left the window long ago are of no further use.
        sqlx::query(
            "delete from quota_calls where app_id = $1 and endpoint = $2 and called_at_ms < $3",
        )
        .bind(app_id)
        .bind(key)
        .bind(now_ms - 2 * 3_600_000)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
