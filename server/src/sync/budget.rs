//! How one app's hourly query budget is divided and spent (`server/docs/tpns.md` §8: 200 calls
//! an hour per statistics endpoint). Every call is counted in the database ledger before it is
//! made, so several instances share one budget and the limit holds whatever they do together.
//!
//! Per app and endpoint, from `[sync]` (`calls_per_hour`, `reserve_per_hour`, `margin_per_hour`,
//! `open_task_interval_secs`, `reconcile_per_hour`); the tests below work the figures out for
//! the defaults:
//! - `margin_per_hour` calls are never made: room for the difference between our clock and
//!   TPNS's and for calls under way when an hour turns.
//! - RecordList (the sweep's time-range list) is used by the sweep alone, spread evenly over the
//!   hour ([`Limits::page_interval_ms`]).
//! - Record and TaskStat: people ("Refresh now", action read-backs) may use everything but the
//!   margin; the worker stops `reserve_per_hour` short of that, so those always stay for people.
//!   The reconciler counts as a person, within its own `reconcile_per_hour`.
//! - Of the worker's share, the watched (details page) and in-flight tasks come first and are
//!   not paced ([`Limits::priority_need`]: one read per `open_task_interval_secs` for a watched
//!   task, one per [`IN_FLIGHT_INTERVAL_MS`] for an action in flight). The rest (new tasks, then
//!   routine ones) goes through a shared pacing gate at the remaining rate
//!   ([`Limits::paced_interval_ms`]), so they never take what a details page opened a moment
//!   later would need, and are spread over the hour instead of spent in a burst. The room for
//!   one watched task is kept even when no page is open. A paced call is also made only while
//!   the window holds room for what watched and in-flight tasks still need
//!   ([`Syncer::paced_room`]), so that an action in flight, whose reads are not paced, cannot
//!   leave the details page without a call later in the hour.

use app::dto::Budget;
use domain::Status;

use super::{RefreshReason, SyncError, Syncer};
use crate::config::SyncConfig;
use crate::store::StoreError;
use crate::store::quota::Reservation;
use tpns::Endpoint;

/// The ledger's sliding window: TPNS's limits are per hour.
pub(crate) const WINDOW_MS: i64 = 3_600_000;
/// How long an endpoint rests after TPNS answered 1008028. TPNS does not say how its hour is
/// counted; its answer means our ledger and its count disagree (another client of the same
/// AccessID, say), so the worker stops long enough for a fixed window to move on noticeably,
/// and tries again with one call, not a burst.
pub(crate) const RATE_LIMIT_BACKOFF_MS: i64 = 5 * 60_000;
/// How often the worker re-reads a task with an action of ours in flight (the action pipeline
/// reads it back itself; this is the safety net).
pub(crate) const IN_FLIGHT_INTERVAL_MS: i64 = 30_000;

/// The hourly limits of one app, from the configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// RecordList calls an hour, all for the sweep.
    pub list: u32,
    /// Record or TaskStat calls an hour for people (they may use the reserve).
    pub person: u32,
    /// Record or TaskStat calls an hour for the worker.
    pub worker: u32,
    /// How often a watched task is re-read (ms).
    pub watch_interval_ms: i64,
}

fn per_hour(interval_ms: i64) -> u32 {
    (WINDOW_MS + interval_ms.max(1) - 1).div_euclid(interval_ms.max(1)) as u32
}

impl Limits {
    pub fn new(c: &SyncConfig) -> Limits {
        let usable = c.calls_per_hour.saturating_sub(c.margin_per_hour).max(1);
        Limits {
            list: usable,
            person: usable,
            worker: usable.saturating_sub(c.reserve_per_hour).max(1),
            watch_interval_ms: (c.open_task_interval_secs.max(1) * 1000) as i64,
        }
    }

    /// The spacing of sweep pages: the list budget spread evenly over the hour.
    pub fn page_interval_ms(&self) -> i64 {
        (WINDOW_MS + self.list as i64 - 1).div_euclid(self.list as i64)
    }

    /// Calls an hour kept for watched and in-flight tasks; room for one watched task even when
    /// no details page is open, so that opening one finds the budget there.
    pub fn priority_need(&self, watched: usize, in_flight: usize) -> u32 {
        let watch = per_hour(self.watch_interval_ms).saturating_mul(watched.max(1) as u32);
        let acting = per_hour(IN_FLIGHT_INTERVAL_MS).saturating_mul(in_flight as u32);
        watch.saturating_add(acting)
    }

    /// The spacing of the paced (new and routine) calls, or `None` when watched and in-flight
    /// tasks need the whole worker budget.
    pub fn paced_interval_ms(&self, watched: usize, in_flight: usize) -> Option<i64> {
        let left = self
            .worker
            .checked_sub(self.priority_need(watched, in_flight))
            .filter(|n| *n > 0)?;
        Some((WINDOW_MS + left as i64 - 1).div_euclid(left as i64))
    }

    /// The ledger limit a call for `reason` is held to.
    pub fn for_reason(&self, ep: Endpoint, reason: RefreshReason) -> u32 {
        match (ep, reason) {
            (Endpoint::RecordList, _) => self.list,
            (_, RefreshReason::Person | RefreshReason::Reconcile) => self.person,
            _ => self.worker,
        }
    }
}

/// The ledger key under which calls for watched and in-flight tasks are noted apart.
fn priority_key(ep: Endpoint) -> String {
    format!("{}:priority", ep.key())
}

/// The ledger key of the reconciler's own share.
fn reconcile_key(ep: Endpoint) -> String {
    format!("{}:reconcile", ep.key())
}

impl Syncer {
    /// Counts a call to `ep` for `app_id` in the ledger, or says when one is possible.
    pub(super) async fn reserve(
        &self,
        app_id: &str,
        ep: Endpoint,
        reason: RefreshReason,
        now_ms: i64,
    ) -> Result<(), SyncError> {
        let limit = self.limits.for_reason(ep, reason);
        if reason == RefreshReason::Reconcile {
            // Its share first: a call the share allows may still find the endpoint's hour
            // spent, and is then counted in the share without being made (erring on the side
            // of fewer calls).
            if let Reservation::Denied { retry_at_ms } = self
                .store
                .reserve_call(
                    app_id,
                    &reconcile_key(ep),
                    self.config.reconcile_per_hour.max(1),
                    WINDOW_MS,
                    now_ms,
                )
                .await?
            {
                return Err(SyncError::Budget { retry_at_ms });
            }
        }
        match self
            .store
            .reserve_call(app_id, ep.key(), limit, WINDOW_MS, now_ms)
            .await?
        {
            Reservation::Granted => {
                if matches!(reason, RefreshReason::Watched | RefreshReason::InFlight) {
                    self.store
                        .note_call(app_id, &priority_key(ep), now_ms)
                        .await?;
                }
                Ok(())
            }
            Reservation::Denied { retry_at_ms } => {
                tracing::debug!(app = %app_id, endpoint = %ep, retry_at_ms, "no query budget left");
                Err(SyncError::Budget { retry_at_ms })
            }
        }
    }

    /// Whether the window has room for one paced call beside what watched and in-flight tasks
    /// still need: their need for the coming hour, less their calls already in the window
    /// (those leave it as new ones come). Calls people made count too; they may take the
    /// worker's room, never the other way round.
    pub(super) async fn paced_room(
        &self,
        app_id: &str,
        ep: Endpoint,
        need: u32,
        now_ms: i64,
    ) -> Result<bool, SyncError> {
        let used = self
            .store
            .quota_usage(app_id, ep.key(), WINDOW_MS, now_ms)
            .await?;
        if used.backoff_until_ms > now_ms {
            return Ok(false);
        }
        let theirs = self
            .store
            .quota_usage(app_id, &priority_key(ep), WINDOW_MS, now_ms)
            .await?
            .used;
        Ok(used.used + need.saturating_sub(theirs) < self.limits.worker)
    }

    /// Rests `ep` for every instance after TPNS said "request too fast".
    pub(super) async fn back_off(&self, app_id: &str, ep: Endpoint, now_ms: i64) -> i64 {
        let until = now_ms + RATE_LIMIT_BACKOFF_MS;
        tracing::warn!(app = %app_id, endpoint = %ep, backoff_secs = RATE_LIMIT_BACKOFF_MS / 1000, "TPNS answered 1008028 (request too fast); backing off");
        if let Err(e) = self.store.back_off(app_id, ep.key(), until, now_ms).await {
            tracing::warn!(error = %e, "could not record the back-off");
        }
        until
    }

    /// What is left this hour of the single-task and statistics queries for people (the
    /// "Refresh now" button), and when the next call is possible if none is.
    pub async fn budget(&self, app_id: &str) -> Budget {
        self.budget_read(app_id, false).await.0
    }

    /// [`Syncer::budget`] and the app's tasks per status, read in one round trip: what a Task
    /// List page shows beside its rows.
    pub async fn budget_and_status_counts(
        &self,
        app_id: &str,
    ) -> (Budget, Result<Vec<(Status, u64)>, StoreError>) {
        match self.budget_read(app_id, true).await {
            (budget, Ok(counts)) => (budget, Ok(counts)),
            // As when they were two reads: the page still shows, with no budget left, unless
            // the counts cannot be read either.
            (_, Err(_)) => (
                self.budget_read(app_id, false).await.0,
                self.store.status_counts(app_id).await,
            ),
        }
    }

    async fn budget_read(
        &self,
        app_id: &str,
        counts: bool,
    ) -> (Budget, Result<Vec<(Status, u64)>, StoreError>) {
        let now_ms = self.clock.now_ms();
        let mut budget = Budget {
            per_hour: self.limits.person,
            ..Budget::default()
        };
        let mut next_at: Option<i64> = None;
        let eps = [Endpoint::Record, Endpoint::TaskStat];
        let (usages, by_status) = match self
            .store
            .usage_pair_with(
                app_id,
                [eps[0].key(), eps[1].key()],
                WINDOW_MS,
                now_ms,
                counts,
            )
            .await
        {
            Ok(u) => u,
            // Said once, by the read of the budget alone (the combined read is retried apart).
            Err(e) if counts => return (budget, Err(e)),
            Err(e) => {
                tracing::warn!(error = %e, "could not read the quota ledger");
                return (budget, Err(e));
            }
        };
        for (ep, usage) in eps.into_iter().zip(usages) {
            let backing_off = usage.backoff_until_ms > now_ms;
            let left = if backing_off {
                0
            } else {
                self.limits.person.saturating_sub(usage.used)
            };
            if left == 0 {
                let at = if backing_off {
                    usage.backoff_until_ms
                } else {
                    usage.oldest_ms.map_or(now_ms, |o| o + WINDOW_MS + 1)
                };
                let at = (at + 999).div_euclid(1000);
                next_at = Some(next_at.map_or(at, |n: i64| n.max(at)));
            }
            match ep {
                Endpoint::Record => budget.record_left = left,
                _ => budget.stats_left = left,
            }
        }
        budget.next_at = next_at;
        (budget, Ok(by_status))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits::new(&SyncConfig::default())
    }

    #[test]
    fn the_default_budget_keeps_a_margin_and_a_reserve_for_people() {
        let l = limits();
        assert_eq!((l.list, l.person, l.worker), (198, 198, 188));
        assert_eq!(
            l.for_reason(Endpoint::RecordList, RefreshReason::Routine),
            198
        );
        assert_eq!(l.for_reason(Endpoint::Record, RefreshReason::Person), 198);
        assert_eq!(
            l.for_reason(Endpoint::TaskStat, RefreshReason::Watched),
            188
        );
    }

    #[test]
    fn sweep_pages_are_spread_evenly_over_the_hour() {
        let l = limits();
        assert_eq!(l.page_interval_ms(), 18_182);
        assert!(l.page_interval_ms() * l.list as i64 >= WINDOW_MS);
    }

    #[test]
    fn paced_calls_get_what_watched_and_in_flight_tasks_leave() {
        let l = limits();
        // One watched task at 25 s needs 144 an hour, kept even when none is watched.
        assert_eq!(l.priority_need(0, 0), 144);
        assert_eq!(l.priority_need(1, 0), 144);
        assert_eq!(l.paced_interval_ms(0, 0), Some(81_819));
        // An action in flight is re-read every 30 s: 120 more, and nothing is left to pace.
        assert_eq!(l.priority_need(1, 1), 264);
        assert_eq!(l.paced_interval_ms(1, 1), None);
        assert_eq!(l.paced_interval_ms(2, 0), None);
    }

    #[test]
    fn a_tiny_budget_still_leaves_the_worker_one_call() {
        let c = SyncConfig {
            calls_per_hour: 12,
            reserve_per_hour: 10,
            margin_per_hour: 2,
            ..SyncConfig::default()
        };
        let l = Limits::new(&c);
        assert_eq!((l.list, l.person, l.worker), (10, 10, 1));
        assert_eq!(l.paced_interval_ms(0, 0), None);
    }
}
