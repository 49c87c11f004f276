//! Prometheus metrics (`server/docs/api.md`, "Metrics"), through the `prometheus-client` crate.
//! Counters and histograms move where things happen (the TPNS client's observer, the action
//! pipeline's audit entries, the sweep, the live-update streams, the HTTP layer); the gauges of
//! shared state (the query budget, open intents, sync freshness) are read from the database when
//! Prometheus scrapes, so every instance reports the same truth.

use std::sync::atomic::AtomicU64;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct UpstreamLabels {
    pub endpoint: String,
    /// `ok`, TPNS's error code, `timeout`, `connect`, `transport`, `http_<status>`, `malformed`.
    pub result: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct EndpointLabels {
    pub endpoint: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ActionLabels {
    pub action: String,
    /// `succeeded`, `failed`, `refused`, `unknown`, `succeeded (reconciled)`, …
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct AppLabels {
    pub app: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct BudgetLabels {
    pub app: String,
    pub endpoint: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    /// The route's pattern (`/tasks/{id}`), never the path itself (its IDs would make a series
    /// per task).
    pub route: String,
    pub method: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct IntentLabels {
    /// `pending` (under way) or `unknown` (sent, outcome not known yet; the reconciler's).
    pub state: String,
}

type FloatGauge = Gauge<f64, AtomicU64>;

fn latency_histogram() -> Histogram {
    // 5 ms to about 20 s.
    Histogram::new(exponential_buckets(0.005, 2.0, 13))
}

/// Every metric of one server process.
pub struct Metrics {
    registry: Registry,
    pub upstream_calls: Family<UpstreamLabels, Counter>,
    pub upstream_seconds: Family<EndpointLabels, Histogram, fn() -> Histogram>,
    pub actions: Family<ActionLabels, Counter>,
    pub budget_used: Family<BudgetLabels, Gauge>,
    pub budget_left: Family<BudgetLabels, Gauge>,
    pub intents: Family<IntentLabels, Gauge>,
    pub sync_age_oldest: Family<AppLabels, FloatGauge>,
    pub sync_age_p95: Family<AppLabels, FloatGauge>,
    pub never_synced: Family<AppLabels, Gauge>,
    pub sweep_step_seconds: Family<AppLabels, Histogram, fn() -> Histogram>,
    pub sweep_passes: Family<AppLabels, Counter>,
    pub live_clients: Gauge,
    pub http_requests: Family<HttpLabels, Counter>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("pushdeck");
        let m = Metrics {
            upstream_calls: Family::default(),
            upstream_seconds: Family::new_with_constructor(latency_histogram),
            actions: Family::default(),
            budget_used: Family::default(),
            budget_left: Family::default(),
            intents: Family::default(),
            sync_age_oldest: Family::default(),
            sync_age_p95: Family::default(),
            never_synced: Family::default(),
            sweep_step_seconds: Family::new_with_constructor(latency_histogram),
            sweep_passes: Family::default(),
            live_clients: Gauge::default(),
            http_requests: Family::default(),
            registry: Registry::default(),
        };
        registry.register(
            "upstream_calls",
            "Calls to TPNS (each attempt), by endpoint and result (ok or TPNS's error code)",
            m.upstream_calls.clone(),
        );
        registry.register(
            "upstream_call_duration_seconds",
            "How long calls to TPNS took, by endpoint",
            m.upstream_seconds.clone(),
        );
        registry.register(
            "actions",
            "Actions (Terminate, Recall, Override, Cancel Push) by kind and outcome, as audited",
            m.actions.clone(),
        );
        registry.register(
            "query_budget_used",
            "TPNS query calls made in the last hour, per app and endpoint (all instances)",
            m.budget_used.clone(),
        );
        registry.register(
            "query_budget_left",
            "TPNS query calls a person may still make this hour, per app and endpoint",
            m.budget_left.clone(),
        );
        registry.register(
            "action_intents",
            "Actions not settled yet: pending (under way) and unknown (sent, outcome not known)",
            m.intents.clone(),
        );
        registry.register(
            "sync_age_oldest_seconds",
            "Age of the oldest status read among live tasks, per app",
            m.sync_age_oldest.clone(),
        );
        registry.register(
            "sync_age_p95_seconds",
            "95th percentile age of the status reads of live tasks, per app",
            m.sync_age_p95.clone(),
        );
        registry.register(
            "live_tasks_never_synced",
            "Live tasks never read from TPNS yet, per app",
            m.never_synced.clone(),
        );
        registry.register(
            "sweep_step_duration_seconds",
            "How long one sweep step (a page of TPNS's task list and its writes) took, per app",
            m.sweep_step_seconds.clone(),
        );
        registry.register(
            "sweep_passes",
            "Sweep passes completed over the lookback window, per app",
            m.sweep_passes.clone(),
        );
        registry.register(
            "live_update_clients",
            "Open live-update streams (/events) on this instance",
            m.live_clients.clone(),
        );
        registry.register(
            "http_requests",
            "HTTP requests answered, by route pattern, method and status",
            m.http_requests.clone(),
        );
        Metrics { registry, ..m }
    }

    /// The text format Prometheus scrapes (OpenMetrics).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::error!(error = %e, "could not encode the metrics");
        }
        out
    }

    /// Counts an audited action outcome.
    pub fn action(&self, action: &str, outcome: &str) {
        self.actions
            .get_or_create(&ActionLabels {
                action: action.into(),
                outcome: outcome.into(),
            })
            .inc();
    }

    /// Times a sweep step of `app`.
    pub fn sweep_step(&self, app: &str, took: Duration, passes_completed: u64) {
        let l = AppLabels { app: app.into() };
        self.sweep_step_seconds
            .get_or_create(&l)
            .observe(took.as_secs_f64());
        if passes_completed > 0 {
            self.sweep_passes.get_or_create(&l).inc_by(passes_completed);
        }
    }

    /// The freshness gauges of `app` from the live tasks' last reads (ms; `None`: never read).
    pub fn sync_ages(&self, app: &str, now_ms: i64, synced: &[Option<i64>]) {
        let l = AppLabels { app: app.into() };
        let mut ages: Vec<f64> = synced
            .iter()
            .flatten()
            .map(|ms| ((now_ms - ms).max(0) as f64) / 1000.0)
            .collect();
        ages.sort_by(f64::total_cmp);
        let p95 = match ages.len() {
            0 => 0.0,
            n => ages[((n as f64 * 0.95).ceil() as usize).clamp(1, n) - 1],
        };
        self.sync_age_oldest
            .get_or_create(&l)
            .set(ages.last().copied().unwrap_or(0.0));
        self.sync_age_p95.get_or_create(&l).set(p95);
        self.never_synced
            .get_or_create(&l)
            .set(synced.iter().filter(|s| s.is_none()).count() as i64);
    }
}

impl tpns::CallObserver for Metrics {
    fn observe(&self, endpoint: tpns::Endpoint, result: tpns::CallResult, elapsed: Duration) {
        let endpoint = endpoint.key().to_string();
        self.upstream_seconds
            .get_or_create(&EndpointLabels {
                endpoint: endpoint.clone(),
            })
            .observe(elapsed.as_secs_f64());
        self.upstream_calls
            .get_or_create(&UpstreamLabels {
                endpoint,
                result: result.to_string(),
            })
            .inc();
    }
}
