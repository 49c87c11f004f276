//! One clock for what instances share (issue 14, `server/docs/security.md` "One clock"): the
//! quota ledger's calls and back-offs, the sweep and reconciler leases and the refresh claims
//! are stamped with the database's clock, not each instance's. An instance whose clock runs an
//! hour ahead would otherwise stamp its calls where the others' windows do not look, and prune
//! theirs as old: together they would pass TPNS's 200 calls an hour. Its leases would look
//! expired to it, and it would take them over.
//!
//! Callers keep speaking their own clock: each store call measures how far the caller's clock is
//! from the database's ([`SharedNow`]) and translates the times it takes and gives back, so a
//! `retry_at_ms` still means "by your clock".

use sqlx::Row;

use super::{Backend, Store, StoreError};

/// Whose clock stamps shared rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StampClock {
    /// The database's (production: every instance agrees on it).
    Database,
    /// The caller's: for tests and benchmarks that run a simulated clock, where the database's
    /// would be hours away from the simulated world.
    Caller,
}

/// "Now" by the stamping clock, and the caller's clock's lead over it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SharedNow {
    /// Now by the stamping clock (ms).
    pub now_ms: i64,
    /// The caller's clock minus the stamping clock (ms).
    ahead_ms: i64,
}

impl SharedNow {
    /// A time by the caller's clock, on the stamping clock.
    pub fn shared_of(&self, caller_ms: i64) -> i64 {
        caller_ms.saturating_sub(self.ahead_ms)
    }

    /// A time by the stamping clock, on the caller's (0 stays 0: "never").
    pub fn caller_of(&self, shared_ms: i64) -> i64 {
        if shared_ms == 0 {
            0
        } else {
            shared_ms.saturating_add(self.ahead_ms)
        }
    }
}

impl Store {
    /// The database's time now in ms, as an SQL expression: for a read that needs "now" by the
    /// stamping clock inside its own statement rather than in a round trip of its own.
    pub(crate) fn database_now_sql(&self) -> &'static str {
        match self.backend {
            // The time now, not the transaction's start (`now()`), which a lock wait leaves
            // behind.
            Backend::Postgres => {
                "cast(floor(extract(epoch from clock_timestamp()) * 1000) as bigint)"
            }
            Backend::Sqlite => "cast((julianday('now') - 2440587.5) * 86400000.0 as integer)",
        }
    }

    /// Whether "now" on shared rows is the database's (else the caller's, in tests).
    pub(crate) fn stamped_by_database(&self) -> bool {
        self.stamps == StampClock::Database
    }

    /// [`SharedNow`] from the stamping clock's reading `now_ms` (taken inside a statement with
    /// [`Store::database_now_sql`]) and the caller's clock at about the same moment.
    pub(crate) fn shared_now_from(&self, now_ms: i64, caller_now_ms: i64) -> SharedNow {
        SharedNow {
            now_ms,
            ahead_ms: caller_now_ms.saturating_sub(now_ms),
        }
    }

    /// Has the rows instances share stamped by `clock` (default: the database's).
    pub fn stamped_by(mut self, clock: StampClock) -> Store {
        self.stamps = clock;
        self
    }

    /// Whose clock stamps shared rows.
    pub fn stamp_clock(&self) -> StampClock {
        self.stamps
    }

    /// How far the caller's clock (`now`) runs ahead of the database's, in ms (negative:
    /// behind), measured on one connection as the middle of the caller's readings around the
    /// query, with that query's round trip; (0, 0) while the caller's clock stamps.
    pub async fn clock_lead_ms(&self, now: impl Fn() -> i64) -> Result<(i64, i64), StoreError> {
        if self.stamps == StampClock::Caller {
            return Ok((0, 0));
        }
        let mut conn = self.pool.acquire().await?;
        let before = now();
        let t = self.shared_now(&mut *conn, before).await?;
        let after = now();
        Ok((before + (after - before) / 2 - t.now_ms, after - before))
    }

    /// Whether this instance's clock was last found too far from the database's to act, read
    /// TPNS or reconcile (see `actions::MAX_CLOCK_LEAD_MS`).
    pub fn clock_off(&self) -> bool {
        self.clock_off.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Records whether the clock is off; returns what it was.
    pub fn set_clock_off(&self, off: bool) -> bool {
        self.clock_off
            .swap(off, std::sync::atomic::Ordering::Relaxed)
    }

    /// Now by the stamping clock, given the caller's `caller_now_ms`: one small query on
    /// `executor` with the database's clock (inside a transaction, after its lock is taken, so
    /// that stamps follow the order of the lock), none with the caller's.
    pub(crate) async fn shared_now<'c, E>(
        &self,
        executor: E,
        caller_now_ms: i64,
    ) -> Result<SharedNow, StoreError>
    where
        E: sqlx::Executor<'c, Database = sqlx::Any>,
    {
        if self.stamps == StampClock::Caller {
            return Ok(SharedNow {
                now_ms: caller_now_ms,
                ahead_ms: 0,
            });
        }
        let sql = format!("select {} as now_ms", self.database_now_sql());
        let now_ms: i64 = sqlx::query(&sql)
            .fetch_one(executor)
            .await?
            .try_get("now_ms")?;
        Ok(SharedNow {
            now_ms,
            ahead_ms: caller_now_ms.saturating_sub(now_ms),
        })
    }
}
