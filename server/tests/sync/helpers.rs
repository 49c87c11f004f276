//! A sandbox on a manual clock, a fresh store (SQLite file or PostgreSQL database) and a
//! `Syncer` reaching the sandbox over HTTP with the real client.

use std::sync::Arc;
use std::time::Duration;

use pushdeck::apps::{AppRegistry, UpstreamApp};
use pushdeck::clock::{ManualClock, SharedClock};
use pushdeck::config::{SandboxSettings, SyncConfig};
use pushdeck::feed::ChangeFeed;
use pushdeck::sandbox::{Sandbox, SandboxConfig, SandboxHandle, TaskSpec, demo_apps};
use pushdeck::store::{StampClock, Store};
use pushdeck::sync::{Syncer, TickReport};
use pushdeck::tpns::{ClientOptions, Credentials, TpnsClient};

/// 2025-03-10 10:00:00 in TPNS's zone (+08:00), on the hour.
pub const START_S: i64 = 1_741_572_000;
pub const ANDROID: &str = "demo-android";
pub const IOS: &str = "demo-ios";
pub const HOUR_MS: i64 = 3_600_000;

pub use crate::support::{Db, TestDb};

/// Everything a sync test drives.
pub struct SyncEnv {
    pub db: TestDb,
    pub store: Store,
    pub sandbox: SandboxHandle,
    pub clock: Arc<ManualClock>,
    pub apps: AppRegistry,
    pub feed: ChangeFeed,
    pub client: TpnsClient,
    pub config: SyncConfig,
    pub syncer: Arc<Syncer>,
}

/// How a test wants its world.
pub struct Setup {
    pub sandbox: SandboxSettings,
    pub sync: SyncConfig,
    /// The apps the console (and so the worker) serves.
    pub apps: Vec<&'static str>,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            sandbox: SandboxSettings {
                seed: Some(7),
                history_days: 0,
                background_every_secs: 0.0,
                ..SandboxSettings::default()
            },
            sync: SyncConfig::default(),
            apps: vec![ANDROID],
        }
    }
}

impl SyncEnv {
    pub async fn start(db: Db) -> SyncEnv {
        SyncEnv::start_with(db, Setup::default()).await
    }

    pub async fn start_with(db: Db, setup: Setup) -> SyncEnv {
        let clock = Arc::new(ManualClock::new(START_S * 1000));
        let shared = SharedClock::manual(clock.clone());
        let config = SandboxConfig::new(&setup.sandbox, demo_apps(), shared.clone());
        let sandbox = Sandbox::start(config).await.expect("the sandbox starts");
        let db = TestDb::new(db).await;
        // The simulated hour's clock stamps the ledger and the leases, not the database's.
        let store = db.store().await.stamped_by(StampClock::Caller);
        let mut apps = AppRegistry::default();
        for app in pushdeck::apps::sandbox_apps(&sandbox) {
            if setup.apps.contains(&app.id.as_str()) {
                store.upsert_app(&app.row()).await.unwrap();
                apps.push(app);
            }
        }
        let client = TpnsClient::new(ClientOptions {
            connect_timeout: Duration::from_millis(500),
            request_timeout: Duration::from_secs(3),
            max_retries: 2,
            retry_base_delay: Duration::from_millis(5),
            clock: shared.clone(),
            observer: None,
        });
        let feed = ChangeFeed::new(store.clone(), "test-a".into());
        let syncer = Arc::new(Syncer::new(
            store.clone(),
            client.clone(),
            apps.clone(),
            feed.clone(),
            shared,
            setup.sync.clone(),
            "test-a".into(),
        ));
        SyncEnv {
            db,
            store,
            sandbox,
            clock,
            apps,
            feed,
            client,
            config: setup.sync,
            syncer,
        }
    }

    /// A second instance on the same database, with its own connection pool and feed.
    pub async fn another_instance(&self, instance: &str) -> Arc<Syncer> {
        let store = self.db.store().await.stamped_by(StampClock::Caller);
        let feed = ChangeFeed::new(store.clone(), instance.into());
        Arc::new(Syncer::new(
            store,
            self.client.clone(),
            self.apps.clone(),
            feed,
            SharedClock::manual(self.clock.clone()),
            self.config.clone(),
            instance.into(),
        ))
    }

    pub fn app(&self, id: &str) -> Arc<UpstreamApp> {
        self.apps.get(id).expect("a served app").clone()
    }

    pub fn creds(&self, id: &str) -> Credentials {
        self.app(id).creds.clone()
    }

    pub fn now_ms(&self) -> i64 {
        use pushdeck::clock::Clock;
        self.clock.now_ms()
    }

    pub fn advance(&self, d: Duration) {
        self.clock.advance_ms(d.as_millis() as i64);
    }

    /// Ticks, then moves the clock `step`, for `total` of clock time.
    pub async fn run_for(&self, total: Duration, step: Duration) -> Vec<TickReport> {
        let mut reports = Vec::new();
        let end = self.now_ms() + total.as_millis() as i64;
        while self.now_ms() < end {
            reports.push(self.syncer.tick().await);
            self.advance(step);
        }
        reports
    }

    /// A task created directly in the sandbox, as the app's backend would.
    pub fn create(&self, app: &str, spec: &TaskSpec) -> String {
        self.sandbox.create_task(app, spec).expect("a demo app")
    }

    pub fn scheduled(&self, app: &str, in_secs: u64) -> String {
        let spec = TaskSpec {
            send_in: Some(Duration::from_secs(in_secs)),
            ..TaskSpec::default()
        };
        self.create(app, &spec)
    }
}
