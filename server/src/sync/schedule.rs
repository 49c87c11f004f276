//! Which tasks the worker reads one by one on a tick, in priority order: the task open in a
//! details page, tasks with an action of ours in flight, new tasks, then the rest in turn. The
//! first two are read whenever due; the last two share a pacing gate per endpoint (see
//! [`super::budget`]) and get at most one read a tick.
//!
//! Records (§3.1): watched tasks every `open_task_interval_secs`, in-flight ones every 30 s, new
//! ones every 2 minutes (and at once when a scheduled task's send time has passed since its last
//! read), then the stalest live task once the sweep has left it alone for 10 minutes.
//! Counters (§4.1): the same order for tasks that have started sending, then pushing tasks
//! whose counters are oldest (over 5 minutes), then completed ones still delivering to devices
//! coming online (over 30 minutes).

use domain::Status;

use super::counters::has_counters;
use super::{RefreshReason, SyncError, Syncer, TickReport};
use crate::apps::UpstreamApp;
use crate::store::tasks::StoredTask;
use tpns::Endpoint;

use super::budget::IN_FLIGHT_INTERVAL_MS;

/// A task is new this long after its creation or its scheduled send time.
const NEW_FOR_SECS: i64 = 10 * 60;
const NEW_INTERVAL_MS: i64 = 2 * 60_000;
/// A live task the sweep has not re-read for this long may get a read of its own.
const ROUTINE_AFTER_MS: i64 = 10 * 60_000;
const PUSHING_STATS_AFTER_MS: i64 = 5 * 60_000;
const COMPLETED_STATS_AFTER_MS: i64 = 30 * 60_000;
/// Routine candidates looked at per paced read.
const ROUTINE_PEEK: i64 = 20;

fn older_than(at_ms: Option<i64>, age_ms: i64, now_ms: i64) -> bool {
    at_ms.is_none_or(|t| now_ms - t >= age_ms)
}

/// When the last read was for `ep`.
fn synced_at(t: &StoredTask, ep: Endpoint) -> Option<i64> {
    match ep {
        Endpoint::TaskStat => t.stats_synced_at,
        _ => t.last_synced_at,
    }
}

/// A scheduled task whose send time has passed since its last read shows a status known to be
/// out of date.
fn started_since_read(t: &StoredTask, now: i64) -> bool {
    t.status == Status::Scheduled
        && t.send_time
            .is_some_and(|s| s <= now && t.last_synced_at.is_none_or(|ms| ms.div_euclid(1000) < s))
}

impl Syncer {
    pub(super) async fn record_step(
        &self,
        app: &UpstreamApp,
        report: &mut TickReport,
    ) -> Result<(), SyncError> {
        self.step(app, Endpoint::Record, report).await
    }

    pub(super) async fn stats_step(
        &self,
        app: &UpstreamApp,
        report: &mut TickReport,
    ) -> Result<(), SyncError> {
        self.step(app, Endpoint::TaskStat, report).await
    }

    async fn step(
        &self,
        app: &UpstreamApp,
        ep: Endpoint,
        report: &mut TickReport,
    ) -> Result<(), SyncError> {
        let now_ms = self.clock.now_ms();
        let now = now_ms.div_euclid(1000);
        let wants = |t: &StoredTask| ep == Endpoint::Record || has_counters(t.status);
        let watched = self.store.watched_tasks(&app.id, now_ms).await?;
        let in_flight = self.store.in_flight_tasks(&app.id).await?;
        let mut priority: Vec<(String, RefreshReason)> = Vec::new();
        for push_id in &watched {
            let due = match self.store.get_task(&app.id, push_id).await? {
                // A page shows a task the store does not have yet: reading it imports it.
                None => ep == Endpoint::Record,
                Some(t) => {
                    t.is_live(now)
                        && wants(&t)
                        && older_than(synced_at(&t, ep), self.limits.watch_interval_ms, now_ms)
                }
            };
            if due {
                priority.push((push_id.clone(), RefreshReason::Watched));
            }
        }
        for t in in_flight.iter().filter(|t| !watched.contains(&t.push_id)) {
            // An action asks: read even a task that looks final.
            if wants(t) && older_than(synced_at(t, ep), IN_FLIGHT_INTERVAL_MS, now_ms) {
                priority.push((t.push_id.clone(), RefreshReason::InFlight));
            }
        }
        for (push_id, reason) in priority {
            if self.held_back(&app.id, &push_id, ep, now_ms) {
                continue;
            }
            if !self.worker_read(app, &push_id, ep, reason, report).await? {
                return Ok(());
            }
        }
        let Some(interval) = self
            .limits
            .paced_interval_ms(watched.len(), in_flight.len())
        else {
            return Ok(());
        };
        let gate = format!("{}:{}:paced", app.id, ep.key());
        if !self.store.pacing_gate_open(&gate, now_ms).await? {
            return Ok(());
        }
        let need = self.limits.priority_need(watched.len(), in_flight.len());
        if !self.paced_room(&app.id, ep, need, now_ms).await? {
            return Ok(());
        }
        let skip = |t: &StoredTask| {
            watched.contains(&t.push_id)
                || t.in_flight.is_some()
                || !wants(t)
                || self.held_back(&app.id, &t.push_id, ep, now_ms)
        };
        let Some((push_id, reason)) = self.paced_candidate(app, ep, now_ms, &skip).await? else {
            return Ok(());
        };
        if self.store.pass_pacing_gate(&gate, now_ms, interval).await? {
            self.worker_read(app, &push_id, ep, reason, report).await?;
        }
        Ok(())
    }

    /// The new task most in need of a read, else the stalest of the rest if it is due.
    async fn paced_candidate(
        &self,
        app: &UpstreamApp,
        ep: Endpoint,
        now_ms: i64,
        skip: &impl Fn(&StoredTask) -> bool,
    ) -> Result<Option<(String, RefreshReason)>, SyncError> {
        let now = now_ms.div_euclid(1000);
        let mut new: Vec<StoredTask> = self
            .store
            .recent_tasks(&app.id, now - NEW_FOR_SECS, now)
            .await?
            .into_iter()
            .filter(|t| !skip(t))
            .filter(|t| {
                older_than(synced_at(t, ep), NEW_INTERVAL_MS, now_ms)
                    || (ep == Endpoint::Record && started_since_read(t, now))
            })
            .collect();
        new.sort_by_key(|t| (synced_at(t, ep).unwrap_or(0), t.task_id));
        if let Some(t) = new.first() {
            return Ok(Some((t.push_id.clone(), RefreshReason::New)));
        }
        let rest = match ep {
            Endpoint::TaskStat => {
                self.store
                    .tasks_for_stats(&app.id, now, ROUTINE_PEEK)
                    .await?
            }
            _ => {
                self.store
                    .tasks_to_refresh(&app.id, now, ROUTINE_PEEK)
                    .await?
            }
        };
        Ok(rest
            .into_iter()
            .filter(|t| !skip(t))
            .find(|t| {
                let age = match (ep, t.status) {
                    (Endpoint::TaskStat, Status::Pushing) => PUSHING_STATS_AFTER_MS,
                    (Endpoint::TaskStat, _) => COMPLETED_STATS_AFTER_MS,
                    _ => ROUTINE_AFTER_MS,
                };
                older_than(synced_at(t, ep), age, now_ms)
            })
            .map(|t| (t.push_id, RefreshReason::Routine)))
    }

    /// One read by the worker under a claim. `Ok(false)` when the endpoint can take no more
    /// this tick (budget spent, TPNS failing); a task another refresh holds is left to it.
    async fn worker_read(
        &self,
        app: &UpstreamApp,
        push_id: &str,
        ep: Endpoint,
        reason: RefreshReason,
        report: &mut TickReport,
    ) -> Result<bool, SyncError> {
        let Some(mut claim) = self.claim(&app.id, push_id, false).await? else {
            report.left_to_others += 1;
            return Ok(true);
        };
        let result = match ep {
            Endpoint::TaskStat => {
                self.read_stats(app, push_id, reason, &mut claim, report)
                    .await
            }
            _ => self
                .read_record(app, push_id, reason, &mut claim, report)
                .await
                .map(drop),
        };
        self.release(&app.id, push_id, claim, reason, report).await;
        match result {
            Ok(()) => Ok(true),
            Err(SyncError::Store(e)) => Err(SyncError::Store(e)),
            // Already counted and logged where it happened.
            Err(_) => Ok(false),
        }
    }
}
