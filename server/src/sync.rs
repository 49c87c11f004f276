//! Status tracking under the upstream's query budget (`server/docs/product.md`, "Tracking task status under
//! the upstream's query budget"): the database holds a fresh picture of every task of every app,
//! within TPNS's 200 calls an hour per query endpoint (`server/docs/tpns.md` §8).
//!
//! - The **sweep** (`sweep`) walks TPNS's time-range list (§3.2, 200 tasks a call) over the
//!   days that still hold live tasks, one page every 18 s, and so imports tasks created
//!   elsewhere and refreshes every live task in turn. One instance per app sweeps at a time
//!   (the named lease `sweep:<app>`, with its cursor and cadence in the database).
//! - **Per-task reads** (`refresh`) of the record (§3.1) and the per-channel counters (§4.1)
//!   go where they matter, in this order: a task open in a details page, tasks with an action in
//!   flight, new tasks, then the stalest of the rest (`schedule`). Each is claimed first
//!   (`claim_tasks`, `FOR UPDATE SKIP LOCKED` on PostgreSQL), so one instance refreshes a task
//!   at a time. Final tasks are not read again unless a person asks.
//! - Every call is counted in the quota ledger before it is made (`budget`); a 1008028 rests
//!   the endpoint for every instance.
//! - Every change is published on the [`ChangeFeed`].

mod budget;
mod counters;
mod map;
mod refresh;
mod schedule;
mod sweep;

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use budget::Limits;
pub use map::{DEFAULT_EXPIRE_SECS, map_record};

use crate::apps::AppRegistry;
use crate::config::SyncConfig;
use crate::feed::ChangeFeed;
use crate::store::{Store, StoreError};
use tpns::clock::SharedClock;
use tpns::{Endpoint, TpnsClient, TpnsError};

/// TPNS's wall-clock zone: China Standard Time at all four access points (`server/docs/tpns.md` §1.1).
pub const TPNS_UTC_OFFSET_MINUTES: i32 = 480;
/// Real time between two ticks of the worker loop.
const TICK_PERIOD: Duration = Duration::from_millis(1_000);

/// Why a task is read from upstream; it decides which part of the budget pays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RefreshReason {
    /// "Refresh now", or an action's read-back: may use the reserve kept for people.
    Person,
    /// The reconciler, settling an action whose answer was lost: as a person, within its own
    /// hourly share (`sync.reconcile_per_hour`).
    Reconcile,
    /// The task is open in a details page.
    Watched,
    /// An action of ours is in flight on the task.
    InFlight,
    /// The task was created (or started sending) in the last minutes.
    New,
    /// Its turn came.
    Routine,
}

/// Why a refresh did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The hour's query budget is spent, or TPNS asked us to slow down (1008028), until
    /// `retry_at_ms` (clock milliseconds).
    #[error("the upstream query budget is spent until {retry_at_ms} ms")]
    Budget { retry_at_ms: i64 },
    #[error(transparent)]
    Upstream(#[from] TpnsError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// This instance's clock is too far from the database's: what it read would be stamped by
    /// a wrong clock and mislead the others (`store/clock.rs`).
    #[error("this instance's clock differs from the database's; it does not read TPNS now")]
    ClockOff,
}

/// One per-task refresh, with the real-time span during which this instance held the task.
#[derive(Clone, Debug)]
pub struct Refreshed {
    pub app_id: String,
    pub push_id: String,
    pub endpoint: Endpoint,
    pub reason: RefreshReason,
    pub instance: String,
    pub started: Instant,
    pub finished: Instant,
}

/// What one tick did.
#[derive(Clone, Debug, Default)]
pub struct TickReport {
    /// Upstream calls made, per endpoint.
    pub calls: BTreeMap<Endpoint, u32>,
    /// Per-task refreshes.
    pub refreshed: Vec<Refreshed>,
    /// Tasks inserted or changed (each published on the change feed).
    pub changed: u32,
    /// Sweep passes finished (every live day read to its end).
    pub passes_completed: u32,
    /// Tasks left alone because another instance (or refresh) held them.
    pub left_to_others: u32,
    /// Calls the ledger refused.
    pub budget_denied: u32,
    /// 1008028 answers from TPNS.
    pub rate_limited: u32,
    /// Other failures (each logged).
    pub errors: u32,
}

impl TickReport {
    pub(crate) fn count_call(&mut self, ep: Endpoint) {
        *self.calls.entry(ep).or_default() += 1;
    }

    /// Calls made to `ep` in this tick.
    pub fn calls_to(&self, ep: Endpoint) -> u32 {
        self.calls.get(&ep).copied().unwrap_or(0)
    }
}

/// The sync worker of one server instance. Used through an `Arc`: the loop, "Refresh now" and
/// the action pipeline share it.
pub struct Syncer {
    store: Store,
    client: TpnsClient,
    apps: AppRegistry,
    feed: ChangeFeed,
    clock: SharedClock,
    config: SyncConfig,
    limits: Limits,
    instance: String,
    upstream_offset_minutes: i32,
    /// Makes every claim's owner unique, so two refreshes of one instance exclude each other
    /// as two instances do.
    claims: AtomicU64,
    /// Per-task reads that failed, by (app, push ID, endpoint): not retried by the worker
    /// before the given clock time, so a failing task does not eat the budget tick after tick.
    failures: Mutex<HashMap<(String, String, Endpoint), i64>>,
    /// Times the sweep (`/metrics`).
    metrics: Arc<crate::metrics::Metrics>,
}

impl Syncer {
    /// A worker for `instance_id` (unique per server process). The client is used without
    /// automatic retries: every attempt must be counted in the ledger first.
    pub fn new(
        store: Store,
        tpns_client: TpnsClient,
        apps: AppRegistry,
        feed: ChangeFeed,
        clock: SharedClock,
        config: SyncConfig,
        instance_id: String,
    ) -> Syncer {
        Syncer {
            limits: Limits::new(&config),
            client: tpns_client.without_retries(),
            store,
            apps,
            feed,
            clock,
            config,
            instance: instance_id,
            upstream_offset_minutes: TPNS_UTC_OFFSET_MINUTES,
            claims: AtomicU64::new(0),
            failures: Mutex::new(HashMap::new()),
            metrics: Arc::default(),
        }
    }

    /// Times the sweep in `metrics` (the server's).
    pub fn with_metrics(mut self, metrics: Arc<crate::metrics::Metrics>) -> Syncer {
        self.metrics = metrics;
        self
    }

    /// Reads upstream times in another zone (a sandbox configured away from UTC+8).
    pub fn with_upstream_utc_offset(mut self, minutes: i32) -> Syncer {
        self.upstream_offset_minutes = minutes;
        self
    }

    pub fn instance_id(&self) -> &str {
        &self.instance
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// One scheduling step across all apps: a sweep page where the cadence allows, then the
    /// per-task reads that are due, by priority, as far as the budget and pacing allow.
    pub async fn tick(&self) -> TickReport {
        let mut report = TickReport::default();
        // Reads stamped by a clock far from the others' would mislead them (`store/clock.rs`).
        if self.store.clock_off() {
            return report;
        }
        for app in self.apps.iter() {
            let (started, passes) = (std::time::Instant::now(), report.passes_completed);
            if let Err(e) = self.sweep_step(app, &mut report).await {
                report.errors += 1;
                tracing::warn!(app = %app.id, error = %e, "sweep step failed");
            }
            self.metrics.sweep_step(
                &app.id,
                started.elapsed(),
                u64::from(report.passes_completed - passes),
            );
            // The Task List's status counts, kept without a lock every writer needs.
            if let Err(e) = self.store.fold_status_counts(&app.id).await {
                tracing::warn!(app = %app.id, error = %e, "could not fold the status counts");
            }
            if let Err(e) = self.record_step(app, &mut report).await {
                report.errors += 1;
                tracing::warn!(app = %app.id, error = %e, "task refresh step failed");
            }
            if let Err(e) = self.stats_step(app, &mut report).await {
                report.errors += 1;
                tracing::warn!(app = %app.id, error = %e, "counter refresh step failed");
            }
        }
        report
    }

    /// The worker loop: a tick, then a short real-time pause, until `shutdown` completes; then
    /// the sweep leases are given up so another instance takes over at once.
    pub fn spawn(
        self: Arc<Self>,
        shutdown: impl Future + Send + 'static,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            if !self.config.enabled {
                tracing::info!("task sync is switched off (sync.enabled = false)");
                return;
            }
            tracing::info!(instance = %self.instance, "task sync started");
            let mut shutdown = std::pin::pin!(shutdown);
            loop {
                let report = self.tick().await;
                if report.errors > 0 || report.rate_limited > 0 {
                    tracing::debug!(?report, "sync tick");
                }
                tokio::select! {
                    _ = &mut shutdown => break,
                    _ = tokio::time::sleep(TICK_PERIOD) => {}
                }
            }
            self.release_leases().await;
            tracing::info!(instance = %self.instance, "task sync stopped");
        })
    }

    /// Gives up this instance's sweep leases.
    pub async fn release_leases(&self) {
        for app in self.apps.iter() {
            if let Err(e) = self
                .store
                .release_lease(&sweep::lease_name(&app.id), &self.instance)
                .await
            {
                tracing::warn!(app = %app.id, error = %e, "could not release the sweep lease");
            }
        }
    }

    fn next_claim_owner(&self) -> String {
        let n = self.claims.fetch_add(1, Ordering::Relaxed);
        format!("{}#{n}", self.instance)
    }

    fn failures(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String, Endpoint), i64>> {
        self.failures.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the worker should leave this read alone for now after a failure.
    fn held_back(&self, app_id: &str, push_id: &str, ep: Endpoint, now_ms: i64) -> bool {
        let key = (app_id.to_string(), push_id.to_string(), ep);
        self.failures()
            .get(&key)
            .is_some_and(|until| *until > now_ms)
    }

    fn hold_back(&self, app_id: &str, push_id: &str, ep: Endpoint, until_ms: i64) {
        let mut f = self.failures();
        let now = self.clock.now_ms();
        f.retain(|_, until| *until > now);
        f.insert((app_id.to_string(), push_id.to_string(), ep), until_ms);
    }
}
