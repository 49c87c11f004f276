//! A running console for tests: its own database, a sandbox the test controls (on the same
//! clock), and an HTTP client that signs in like a browser.

use std::sync::Arc;

use app::domain::Action;
use pushdeck::auth::hash_password;
use pushdeck::clock::{ManualClock, SharedClock};
use pushdeck::config::{Config, SandboxSettings};
use pushdeck::sandbox::{Sandbox, SandboxConfig, SandboxHandle, demo_apps};
use pushdeck::startup::{Application, Services};
use pushdeck::store::users::Role;
use reqwest::header::{COOKIE, ORIGIN, SET_COOKIE};

use crate::helpers::{Db, TestDb, test_config};

/// 2026-11-27 12:00:00 UTC: where manual clocks start.
pub const T0_MS: i64 = 1_795_780_800_000;

/// A console under test.
pub struct TestApp {
    pub base: String,
    /// `/metrics` on a listener of its own, when configured.
    pub metrics_addr: Option<std::net::SocketAddr>,
    pub http: reqwest::Client,
    pub services: Arc<Services>,
    pub sandbox: SandboxHandle,
    pub clock: Option<Arc<ManualClock>>,
    pub db: TestDb,
    tweak: Option<fn(&mut Config)>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

/// A signed-in browser.
#[derive(Clone, Debug)]
pub struct Session {
    pub cookie: String,
}

/// How to build the app.
#[derive(Default)]
pub struct Options {
    /// Run the console and the sandbox on a manual clock.
    pub manual_clock: bool,
    /// Run them on this clock instead (a machine whose clock is wrong, say).
    pub clock: Option<SharedClock>,
    /// Reuse this database (a restart).
    pub db: Option<TestDb>,
    /// Changes to the test configuration (kept across restarts).
    pub tweak: Option<fn(&mut Config)>,
    /// How the sandbox answers (`Friendly` unless a test asks for a stricter one).
    pub profile: pushdeck::sandbox::Profile,
    /// The sandbox enforces TPNS's one all/tag/package push a second per app (tests otherwise
    /// let pushes through at once).
    pub tpns_push_rate: bool,
}

impl TestApp {
    pub async fn spawn(db: Db) -> TestApp {
        TestApp::spawn_with(db, Options::default()).await
    }

    pub async fn spawn_with(db: Db, opts: Options) -> TestApp {
        let (clock, manual) = if let Some(c) = opts.clock {
            (c, None)
        } else if opts.manual_clock {
            let m = Arc::new(ManualClock::new(T0_MS));
            (SharedClock::manual(m.clone()), Some(m))
        } else {
            (SharedClock::system(), None)
        };
        let db = match opts.db {
            Some(d) => d,
            None => TestDb::new(db).await,
        };
        let settings = SandboxSettings {
            listen: ([127, 0, 0, 1], 0).into(),
            seed: Some(11),
            background_every_secs: 0.0,
            history_days: 0,
            stats_calls_per_hour: 100_000,
            pushes_per_second: if opts.tpns_push_rate { 1 } else { 1_000 },
            admin_api: true,
            profile: opts.profile,
            ..SandboxSettings::default()
        };
        let sandbox = Sandbox::start(SandboxConfig::new(&settings, demo_apps(), clock.clone()))
            .await
            .expect("start the sandbox");
        TestApp::start_console(db, clock, manual, sandbox, opts.tweak).await
    }

    async fn start_console(
        db: TestDb,
        clock: SharedClock,
        manual: Option<Arc<ManualClock>>,
        sandbox: SandboxHandle,
        tweak: Option<fn(&mut Config)>,
    ) -> TestApp {
        let mut config = test_config(&db.url);
        config.sync.calls_per_hour = 100_000;
        config.sync.reconcile_per_hour = 1_000;
        config.upstream.request_timeout_secs = 1.0;
        config.upstream.retries = 1;
        if let Some(tweak) = tweak {
            tweak(&mut config);
        }
        let app =
            Application::build_with_apps(config, clock, pushdeck::apps::sandbox_apps(&sandbox))
                .await
                .expect("build the app");
        let base = format!("http://{}", app.local_addr());
        let metrics_addr = app.metrics_addr();
        let services = app.services();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let _ = app
                .run_until(async {
                    let _ = stopped.await;
                })
                .await;
        });
        TestApp {
            base,
            metrics_addr,
            // A request that hangs fails its test with the URL instead of stalling the suite.
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(std::time::Duration::from_secs(90))
                .build()
                .unwrap(),
            services,
            sandbox,
            clock: manual,
            db,
            tweak,
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// Stops the server.
    pub async fn stop(mut self) {
        self.halt().await;
    }

    async fn halt(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(j) = self.server.take() {
            let _ = j.await;
        }
    }

    /// Stops the console and starts a new one on the same database, clock and sandbox, as a
    /// restart after a crash would.
    pub async fn restart(mut self) -> TestApp {
        self.halt().await;
        let clock = self.services.clock.clone();
        let TestApp {
            db,
            clock: manual,
            sandbox,
            tweak,
            ..
        } = self;
        TestApp::start_console(db, clock, manual, sandbox, tweak).await
    }

    pub fn advance(&self, secs: i64) {
        self.clock
            .as_ref()
            .expect("a manual clock")
            .advance_ms(secs * 1000);
    }

    /// Adds a user with a role and permissions and signs them in.
    pub async fn user(&self, username: &str, role: Role, perms: &[Action]) -> Session {
        let password = format!("{username}-password-123");
        self.services
            .store
            .add_user(
                username,
                &hash_password(&password),
                role,
                perms,
                self.services.clock.now(),
            )
            .await
            .unwrap()
            .expect("a new username");
        self.login(username, &password).await.expect("sign in")
    }

    pub async fn operator(&self, username: &str) -> Session {
        self.user(username, Role::Operator, &Action::ALL).await
    }

    /// Signs in through the server function, as the sign-in form does.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Session, reqwest::Response> {
        let res = self
            .http
            .post(format!("{}/api/login", self.base))
            .header(ORIGIN, &self.base)
            .form(&[("username", username), ("password", password)])
            .send()
            .await
            .unwrap();
        let cookie = res
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("pushdeck_session=") && !c.starts_with("pushdeck_session=;"))
            .map(|c| c.split(';').next().unwrap().to_string());
        match cookie {
            Some(cookie) => Ok(Session { cookie }),
            None => Err(res),
        }
    }

    /// A POST (a server function or a form), from the console's own origin.
    pub async fn post(
        &self,
        s: Option<&Session>,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header(ORIGIN, &self.base)
            .header("accept", "application/json")
            .form(form);
        if let Some(s) = s {
            req = req.header(COOKIE, &s.cookie);
        }
        req.send().await.unwrap()
    }

    pub async fn get(&self, s: Option<&Session>, path: &str) -> reqwest::Response {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(s) = s {
            req = req.header(COOKIE, &s.cookie);
        }
        req.send().await.unwrap()
    }

    /// Performs an action through the `act` server function.
    pub async fn act(
        &self,
        s: &Session,
        app: &str,
        push_id: &str,
        action: Action,
        key: &str,
        extra: &[(&str, &str)],
    ) -> Result<app::dto::ActionOutcome, app::error::AppError> {
        let mut form = vec![
            ("app", app),
            ("push_id", push_id),
            ("action", action.slug()),
            ("idempotency_key", key),
            ("typed_confirmation", push_id),
        ];
        form.extend_from_slice(extra);
        decode(self.post(Some(s), "/api/act", &form).await).await
    }

    /// Creates a task in the sandbox (as the app's backend would) and imports it into the store.
    pub async fn task(&self, app: &str, spec: &pushdeck::sandbox::TaskSpec) -> String {
        let push_id = self
            .sandbox
            .create_task(app, spec)
            .expect("create a sandbox task");
        self.import(app, &push_id).await;
        push_id
    }

    /// Reads a task from the sandbox into the store, as the sync worker would.
    pub async fn import(&self, app: &str, push_id: &str) {
        let upstream = self
            .services
            .apps
            .get(app)
            .expect("a configured app")
            .clone();
        self.services
            .sync
            .refresh_task(&upstream, push_id, pushdeck::sync::RefreshReason::New)
            .await
            .expect("import the task")
            .expect("the sandbox knows the task");
    }

    /// The task as the store holds it.
    pub async fn stored(&self, app: &str, push_id: &str) -> pushdeck::store::tasks::StoredTask {
        self.services
            .store
            .get_task(app, push_id)
            .await
            .unwrap()
            .expect("the task is in the store")
    }

    pub async fn status(&self, app: &str, push_id: &str) -> app::domain::Status {
        self.stored(app, push_id).await.status
    }
}

/// A server function's answer: its value, or the typed error it sent.
pub async fn decode<T: serde::de::DeserializeOwned>(
    res: reqwest::Response,
) -> Result<T, app::error::AppError> {
    let ok = res.status().is_success();
    let body = res.text().await.unwrap();
    if ok {
        Ok(serde_json::from_str(&body).unwrap_or_else(|e| panic!("a value, got {body}: {e}")))
    } else {
        Err(serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("a typed error, got {body}: {e}")))
    }
}
