//! How fresh the store's picture of 10,000 live tasks stays on TPNS's budget of 200 calls an
//! hour per query endpoint (`BENCHMARKS.md`, "Task status freshness").
//!
//! A sandbox on a manual clock holds 10,000 live tasks created over the last 60 hours (500 of
//! them scheduled to start during the measured hour), one of them open in a details page. The
//! worker imports them (the warm-up, one sweep pass), then runs for a simulated hour, one tick a
//! simulated second. Every 5 s the synced time of every task is read: the staleness of a task is
//! the time since the store last read it from TPNS. The worst staleness is the longest time
//! between two reads of one task (exact, not limited by the sampling), the median is over all
//! samples of all tasks.
//!
//! `cargo bench -p server --bench sync_staleness`; `BENCH_DB=postgres` runs on a fresh
//! PostgreSQL database (`PUSHDECK_TEST_POSTGRES_URL`, default the local server) instead of
//! SQLite; `BENCH_MARGINS=2,0` also runs with other timing margins.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::domain::Audience;
use pushdeck::apps::AppRegistry;
use pushdeck::clock::{Clock, ManualClock, SharedClock};
use pushdeck::config::{SandboxSettings, SyncConfig};
use pushdeck::feed::ChangeFeed;
use pushdeck::sandbox::{Sandbox, SandboxConfig, TaskSpec, demo_apps};
use pushdeck::store::tasks::{ListFilter, Page};
use pushdeck::store::{StampClock, Store};
use pushdeck::sync::Syncer;
use pushdeck::tpns::{ClientOptions, Endpoint, TpnsClient};
use sqlx::{Connection, Row};

const APP: &str = "demo-android";
const TASKS: usize = 10_000;
const SCHEDULED: usize = 500;
/// 2025-03-10 10:00:00 in TPNS's zone.
const START_MS: i64 = 1_741_572_000_000;
const HOUR_MS: i64 = 3_600_000;
const TICK_MS: i64 = 1_000;
const SAMPLE_MS: i64 = 5_000;
const STALE_SAMPLE_MS: i64 = 60_000;

struct Outcome {
    warm_up_s: f64,
    worst_s: f64,
    median_s: f64,
    p95_s: f64,
    open_record_s: f64,
    open_counters_s: f64,
    calls: Vec<(Endpoint, u64, u32)>,
    rate_limited: u64,
    /// Tasks the Task List would mark *sync stale* (`StoredTask::is_stale`), at most and on
    /// average over the samples.
    stale_max: usize,
    stale_mean: f64,
    wall: Duration,
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let postgres = std::env::var("BENCH_DB").is_ok_and(|v| v == "postgres");
    let margins: Vec<u32> = std::env::var("BENCH_MARGINS")
        .unwrap_or_else(|_| "2".into())
        .split(',')
        .filter_map(|m| m.trim().parse().ok())
        .collect();
    println!(
        "Task status freshness: {TASKS} live tasks, 200 calls an hour per endpoint, one task open"
    );
    println!("store: {}", if postgres { "PostgreSQL" } else { "SQLite" });
    let pages = TASKS.div_ceil(200) as f64;
    for margin in margins {
        let out = rt.block_on(run(postgres, margin));
        let limit = 200 - margin;
        println!();
        println!(
            "margin {margin} calls/h (list pages every {:.2} s)",
            3600.0 / limit as f64
        );
        println!(
            "  warm-up (first import of all tasks): {:.0} s",
            out.warm_up_s
        );
        println!(
            "  staleness over the hour:  worst {:.0} s   median {:.0} s   p95 {:.0} s",
            out.worst_s, out.median_s, out.p95_s
        );
        println!(
            "  open task: status at worst {:.0} s, counters at worst {:.0} s",
            out.open_record_s, out.open_counters_s
        );
        println!(
            "  arithmetic bound: {pages} pages x 3600 s / 200 calls = {:.0} s; at {limit} calls/h = {:.1} s",
            pages * 18.0,
            pages * 3600.0 / limit as f64
        );
        for (ep, calls, max) in &out.calls {
            println!(
                "  {:<12} {calls:>4} calls in the hour, ledger max {max} in any hour",
                ep.key()
            );
        }
        println!("  1008028 answers from the sandbox: {}", out.rate_limited);
        println!(
            "  marked sync stale in the Task List: at most {} tasks, {:.1} on average (sampled each minute)",
            out.stale_max, out.stale_mean
        );
        println!("  wall time {:.1} s", out.wall.as_secs_f64());
    }
}

async fn run(postgres: bool, margin: u32) -> Outcome {
    let wall = Instant::now();
    let clock = Arc::new(ManualClock::new(START_MS - 60 * HOUR_MS));
    let shared = SharedClock::manual(clock.clone());
    let settings = SandboxSettings {
        seed: Some(2025),
        history_days: 0,
        background_every_secs: 0.0,
        ..SandboxSettings::default()
    };
    let sandbox = Sandbox::start(SandboxConfig::new(&settings, demo_apps(), shared.clone()))
        .await
        .expect("the sandbox starts");
    let audiences = [
        Audience::TokenList,
        Audience::AccountList,
        Audience::Tag,
        Audience::All,
    ];
    let mut ids = Vec::with_capacity(TASKS);
    for batch in 0..100 {
        let spec = TaskSpec {
            audience: audiences[batch % 4],
            ..TaskSpec::default()
        };
        ids.extend(
            sandbox
                .create_tasks(APP, (TASKS - SCHEDULED) / 100, &spec)
                .unwrap(),
        );
        clock.advance_ms(60 * HOUR_MS / 100);
    }
    for i in 0..SCHEDULED {
        // Scheduled to start during the measured hour (after a warm-up of about 15 minutes).
        let send_in = Duration::from_secs(20 * 60 + (i as u64 * 3_600 / SCHEDULED as u64));
        let spec = TaskSpec {
            audience: Audience::Tag,
            send_in: Some(send_in),
            ..TaskSpec::default()
        };
        ids.push(sandbox.create_task(APP, &spec).unwrap());
    }
    assert_eq!(clock.now_ms(), START_MS);

    let (url, _guard) = database(postgres).await;
    // The simulated clock stamps the ledger and the leases, not the database's.
    let store = Store::connect(&url, 5, Duration::from_secs(5))
        .await
        .expect("the store")
        .stamped_by(StampClock::Caller);
    store.migrate().await.expect("migrations");
    let mut apps = AppRegistry::default();
    for app in pushdeck::apps::sandbox_apps(&sandbox)
        .into_iter()
        .filter(|a| a.id == APP)
    {
        store.upsert_app(&app.row()).await.unwrap();
        apps.push(app);
    }
    let client = TpnsClient::new(ClientOptions {
        clock: shared.clone(),
        ..ClientOptions::default()
    });
    let config = SyncConfig {
        margin_per_hour: margin,
        ..SyncConfig::default()
    };
    let feed = ChangeFeed::new(store.clone(), "bench".into());
    let syncer = Syncer::new(
        store.clone(),
        client,
        apps,
        feed,
        shared,
        config,
        "bench".into(),
    );
    let open = ids[ids.len() / 2].clone();
    store
        .watch_task(APP, &open, START_MS + 3 * HOUR_MS)
        .await
        .unwrap();

    // Warm-up: the first pass imports every task.
    while syncer.tick().await.passes_completed == 0 {
        clock.advance_ms(TICK_MS);
    }
    let warm_up_s = (clock.now_ms() - START_MS) as f64 / 1000.0;
    clock.advance_ms(TICK_MS);

    let reader = Reader::connect(&url).await;
    let before: Vec<_> = [Endpoint::RecordList, Endpoint::Record, Endpoint::TaskStat]
        .into_iter()
        .map(|ep| (ep, sandbox.traffic(APP, ep).calls))
        .collect();
    let from = clock.now_ms();
    let mut last: HashMap<String, i64> = reader.synced(APP).await.into_iter().collect();
    assert_eq!(last.len(), TASKS, "every task imported");
    let mut histogram = vec![0u64; 4_000];
    let (mut stale_max, mut stale_sum, mut stale_samples) = (0usize, 0usize, 0usize);
    let mut worst_gap = 0i64;
    let (mut open_record, mut open_counters) = (0i64, 0i64);
    while clock.now_ms() < from + HOUR_MS {
        syncer.tick().await;
        let now = clock.now_ms();
        let t = store.get_task(APP, &open).await.unwrap().unwrap();
        open_record = open_record.max(now - t.last_synced_at.unwrap());
        open_counters = open_counters.max(now - t.stats_synced_at.unwrap_or(from));
        if (now - from) % SAMPLE_MS == 0 {
            for (id, synced) in reader.synced(APP).await {
                let prev = last.insert(id, synced).unwrap_or(synced);
                worst_gap = worst_gap.max(synced - prev);
                let age = ((now - synced) / 1000).clamp(0, 3_999) as usize;
                histogram[age] += 1;
            }
        }
        if (now - from) % STALE_SAMPLE_MS == 0 {
            // The Task List's own rule, on every task.
            let page = store
                .list_tasks(APP, &ListFilter::default(), Page::First, 2 * TASKS as i64)
                .await
                .unwrap();
            let stale = page.tasks.iter().filter(|t| t.is_stale(now / 1000)).count();
            stale_max = stale_max.max(stale);
            stale_sum += stale;
            stale_samples += 1;
        }
        clock.advance_ms(TICK_MS);
    }
    let end = clock.now_ms();
    let tail = last.values().map(|s| end - s).max().unwrap_or(0);
    let mut calls = Vec::new();
    for (ep, b) in before {
        let max = store
            .max_calls_in_any_window(APP, ep.key(), HOUR_MS)
            .await
            .unwrap();
        calls.push((ep, sandbox.traffic(APP, ep).calls - b, max));
    }
    Outcome {
        warm_up_s,
        worst_s: worst_gap.max(tail) as f64 / 1000.0,
        median_s: quantile(&histogram, 0.5),
        p95_s: quantile(&histogram, 0.95),
        open_record_s: open_record as f64 / 1000.0,
        open_counters_s: open_counters as f64 / 1000.0,
        calls,
        rate_limited: sandbox.rate_limited_total(),
        stale_max,
        stale_mean: stale_sum as f64 / stale_samples.max(1) as f64,
        wall: wall.elapsed(),
    }
}

fn quantile(histogram: &[u64], q: f64) -> f64 {
    let total: u64 = histogram.iter().sum();
    let target = (total as f64 * q).ceil() as u64;
    let mut seen = 0;
    for (secs, n) in histogram.iter().enumerate() {
        seen += n;
        if seen >= target {
            return secs as f64;
        }
    }
    histogram.len() as f64
}

/// Reads every task's synced time in one query, beside the store's own pool.
struct Reader(tokio::sync::Mutex<sqlx::AnyConnection>);

impl Reader {
    async fn connect(url: &str) -> Reader {
        Reader(tokio::sync::Mutex::new(
            sqlx::AnyConnection::connect(url).await.expect("a reader"),
        ))
    }

    async fn synced(&self, app: &str) -> Vec<(String, i64)> {
        let mut conn = self.0.lock().await;
        sqlx::query("select push_id, last_synced_at from tasks where app_id = $1")
            .bind(app)
            .fetch_all(&mut *conn)
            .await
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r.get::<String, _>("push_id"),
                    r.get::<Option<i64>, _>("last_synced_at").unwrap_or(0),
                )
            })
            .collect()
    }
}

/// A fresh database: an SQLite file in a temporary directory, or a PostgreSQL database dropped
/// afterwards.
async fn database(postgres: bool) -> (String, Cleanup) {
    sqlx::any::install_default_drivers();
    let tag = format!("{}_{}", std::process::id(), rand::random::<u32>());
    if postgres {
        let admin = std::env::var("PUSHDECK_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = format!("pushdeck_bench_{tag}");
        let mut conn = sqlx::AnyConnection::connect(&admin)
            .await
            .expect("PostgreSQL");
        sqlx::query(&format!("create database {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
        (format!("{base}/{name}"), Cleanup::Postgres { admin, name })
    } else {
        let dir = std::env::temp_dir().join(format!("pushdeck-bench-{tag}"));
        std::fs::create_dir_all(&dir).unwrap();
        (
            format!("sqlite://{}/bench.db", dir.display()),
            Cleanup::Dir(dir),
        )
    }
}

enum Cleanup {
    Dir(std::path::PathBuf),
    Postgres { admin: String, name: String },
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        match self {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin, name } => {
                let (admin, name) = (admin.clone(), name.clone());
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    rt.block_on(async {
                        if let Ok(mut conn) = sqlx::AnyConnection::connect(&admin).await {
                            let drop = format!("drop database if exists {name} with (force)");
                            let _ = sqlx::query(&drop).execute(&mut conn).await;
                        }
                    });
                })
                .join();
            }
        }
    }
}
