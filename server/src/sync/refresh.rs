//! Reading one task from TPNS: its record (`server/docs/tpns.md` §3.1) and its per-channel counters
//! (§4.1), each counted in the ledger first, under a claim on the task so that one instance
//! (and one refresh within it) refreshes a task at a time.

use std::time::{Duration, Instant};

use super::counters::{counters, has_counters};
use super::{RefreshReason, Refreshed, SyncError, Syncer, TickReport, map_record};
use crate::apps::UpstreamApp;
use crate::store::tasks::StoredTask;
use tpns::{Endpoint, TpnsError, UpstreamKind};

/// How long a claim on a task lasts (clock time) if its holder dies before giving it back: well
/// beyond two calls with the client's timeouts.
const CLAIM_MS: i64 = 120_000;
/// How long a person's refresh waits (real time) for another refresh of the same task to end.
const PERSON_WAIT: Duration = Duration::from_secs(5);
const PERSON_POLL: Duration = Duration::from_millis(50);
/// After 1008015 (unknown to TPNS, or older than the month it keeps) much longer.
const NOT_FOUND_HOLD_MS: i64 = 3_600_000;

/// A task held for refreshing. `held` is false for a task not in the store yet (nothing to
/// claim; reading it inserts it).
pub(super) struct Claim {
    owner: String,
    held: bool,
    started: Instant,
    reads: Vec<Endpoint>,
}

impl Syncer {
    /// Reads a task's record and, once it has started sending, its per-channel counters from
    /// TPNS, applies them and publishes the change: "Refresh now" and an action's read-back
    /// (`RefreshReason::Person`, which may use the reserve), or the worker. `Ok(None)` when TPNS
    /// does not know the task (1008015). A counter read the budget does not allow is skipped;
    /// the record is what the caller needs. For any reason but `Person`, a task another refresh
    /// holds right now is left to it and returned as stored.
    #[tracing::instrument(skip_all, fields(app = %app.id, push_id = %push_id, ?reason))]
    pub async fn refresh_task(
        &self,
        app: &UpstreamApp,
        push_id: &str,
        reason: RefreshReason,
    ) -> Result<Option<StoredTask>, SyncError> {
        if self.store.clock_off() {
            return Err(SyncError::ClockOff);
        }
        let mut report = TickReport::default();
        let Some(mut claim) = self
            .claim(
                &app.id,
                push_id,
                matches!(reason, RefreshReason::Person | RefreshReason::Reconcile),
            )
            .await?
        else {
            return Ok(self.store.get_task(&app.id, push_id).await?);
        };
        let result = self
            .refresh_claimed(app, push_id, reason, &mut claim, &mut report)
            .await;
        self.release(&app.id, push_id, claim, reason, &mut report)
            .await;
        result
    }

    async fn refresh_claimed(
        &self,
        app: &UpstreamApp,
        push_id: &str,
        reason: RefreshReason,
        claim: &mut Claim,
        report: &mut TickReport,
    ) -> Result<Option<StoredTask>, SyncError> {
        let Some(task) = self
            .read_record(app, push_id, reason, claim, report)
            .await?
        else {
            return Ok(None);
        };
        if !has_counters(task.status) {
            return Ok(Some(task));
        }
        if let Err(e) = self.read_stats(app, push_id, reason, claim, report).await {
            tracing::info!(error = %e, "the task's counters were not refreshed");
        }
        Ok(self.store.get_task(&app.id, push_id).await?)
    }

    /// Claims a task for one refresh; `None` when another refresh holds it and the caller is
    /// the worker, which moves on. A person waits a few seconds for the other refresh to end
    /// (its answer may predate the person's action), then takes the claim over: a refresh that
    /// holds a task that long is stuck (TPNS timing out) or its instance is gone, and what it
    /// brings back later is older than the person's read and is not applied.
    pub(super) async fn claim(
        &self,
        app_id: &str,
        push_id: &str,
        person: bool,
    ) -> Result<Option<Claim>, SyncError> {
        let owner = self.next_claim_owner();
        let waiting_since = Instant::now();
        let ids = [push_id.to_string()];
        loop {
            let now = self.clock.now_ms();
            let exists = self.store.get_task(app_id, push_id).await?.is_some();
            let held = exists
                && !self
                    .store
                    .claim_tasks(app_id, &ids, &owner, now, now + CLAIM_MS)
                    .await?
                    .is_empty();
            let claim = |held| Claim {
                owner: owner.clone(),
                held,
                started: Instant::now(),
                reads: Vec::new(),
            };
            if held || !exists {
                return Ok(Some(claim(held)));
            }
            if !person {
                return Ok(None);
            }
            if waiting_since.elapsed() >= PERSON_WAIT {
                tracing::warn!(app = %app_id, push_id, "another refresh has held the task for seconds; taking it over");
                self.store
                    .take_over_task(app_id, push_id, &owner, now, now + CLAIM_MS)
                    .await?;
                return Ok(Some(claim(true)));
            }
            tokio::time::sleep(PERSON_POLL).await;
        }
    }

    /// Gives a claim back and notes what was read under it. The span ends before the release,
    /// so that a span of another holder, which starts after its own claim succeeded, can only
    /// follow it.
    pub(super) async fn release(
        &self,
        app_id: &str,
        push_id: &str,
        claim: Claim,
        reason: RefreshReason,
        report: &mut TickReport,
    ) {
        let finished = Instant::now();
        if claim.held
            && let Err(e) = self.store.release_task(app_id, push_id, &claim.owner).await
        {
            tracing::warn!(error = %e, "could not release a task claim; it lapses on its own");
        }
        for endpoint in claim.reads {
            report.refreshed.push(Refreshed {
                app_id: app_id.to_string(),
                push_id: push_id.to_string(),
                endpoint,
                reason,
                instance: self.instance.clone(),
                started: claim.started,
                finished,
            });
        }
    }

    /// Reads and applies the record; `Ok(None)` on 1008015.
    pub(super) async fn read_record(
        &self,
        app: &UpstreamApp,
        push_id: &str,
        reason: RefreshReason,
        claim: &mut Claim,
        report: &mut TickReport,
    ) -> Result<Option<StoredTask>, SyncError> {
        let now = self.clock.now_ms();
        self.counted_call(&app.id, Endpoint::Record, reason, now, claim, report)
            .await?;
        let rec = match self.client.push_record(&app.creds, push_id).await {
            Ok(rec) => rec,
            Err(e) => {
                self.failed(&app.id, push_id, Endpoint::Record, e, now, report)
                    .await?;
                return Ok(None);
            }
        };
        let Some(row) = map_record(
            &rec,
            app.platform,
            None,
            self.upstream_offset_minutes,
            now.div_euclid(1000),
        ) else {
            self.hold_back(&app.id, push_id, Endpoint::Record, now + NOT_FOUND_HOLD_MS);
            return Err(SyncError::Upstream(TpnsError::Malformed(format!(
                "task {push_id} has a status or push type Pushdeck does not know"
            ))));
        };
        let changed = self
            .store
            .apply_upstream(&app.id, &[row], now, &claim.owner)
            .await?;
        for c in &changed {
            self.feed.publish(&c.app_id, &c.push_id).await;
        }
        report.changed += changed.len() as u32;
        Ok(self.store.get_task(&app.id, push_id).await?)
    }

    /// Reads and stores the per-channel counters; nothing to store on 1008015 (statistics
    /// reach back 30 days only).
    pub(super) async fn read_stats(
        &self,
        app: &UpstreamApp,
        push_id: &str,
        reason: RefreshReason,
        claim: &mut Claim,
        report: &mut TickReport,
    ) -> Result<(), SyncError> {
        let now = self.clock.now_ms();
        self.counted_call(&app.id, Endpoint::TaskStat, reason, now, claim, report)
            .await?;
        let rows = match self.client.task_stat_channel(&app.creds, push_id).await {
            Ok(rows) => rows,
            Err(e) => {
                return self
                    .failed(&app.id, push_id, Endpoint::TaskStat, e, now, report)
                    .await;
            }
        };
        let (per_channel, totals) = counters(&rows);
        if self
            .store
            .set_channel_stats(&app.id, push_id, &per_channel, totals, now)
            .await?
        {
            self.feed.publish(&app.id, push_id).await;
            report.changed += 1;
        }
        Ok(())
    }

    async fn counted_call(
        &self,
        app_id: &str,
        ep: Endpoint,
        reason: RefreshReason,
        now: i64,
        claim: &mut Claim,
        report: &mut TickReport,
    ) -> Result<(), SyncError> {
        if let Err(e) = self.reserve(app_id, ep, reason, now).await {
            report.budget_denied += 1;
            return Err(e);
        }
        report.count_call(ep);
        claim.reads.push(ep);
        Ok(())
    }

    /// A failed read: 1008015 is an answer (`Ok`), 1008028 rests the endpoint, anything else
    /// holds this read of this task back for one open-task interval: a failing task must not
    /// eat the budget tick after tick, and an open one is tried again as soon as it is due.
    async fn failed(
        &self,
        app_id: &str,
        push_id: &str,
        ep: Endpoint,
        e: TpnsError,
        now: i64,
        report: &mut TickReport,
    ) -> Result<(), SyncError> {
        match e.kind() {
            UpstreamKind::NotFound => {
                tracing::debug!(app = %app_id, push_id, endpoint = %ep, "TPNS does not know the task");
                self.hold_back(app_id, push_id, ep, now + NOT_FOUND_HOLD_MS);
                Ok(())
            }
            UpstreamKind::RateLimited => {
                report.rate_limited += 1;
                let retry_at_ms = self.back_off(app_id, ep, now).await;
                Err(SyncError::Budget { retry_at_ms })
            }
            _ => {
                report.errors += 1;
                tracing::warn!(app = %app_id, push_id, endpoint = %ep, error = %e, "reading a task from TPNS failed");
                self.hold_back(app_id, push_id, ep, now + self.limits.watch_interval_ms);
                Err(SyncError::Upstream(e))
            }
        }
    }
}
