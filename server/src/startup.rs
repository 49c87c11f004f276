//! Building and running the application: connect, migrate, then bind; serve until a shutdown
//! signal, then drain.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use rand::RngCore;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

use crate::actions::ActionService;
use crate::apps::AppRegistry;
use crate::auth::AuthService;
use crate::config::Config;
use crate::console::ConsoleService;
use crate::feed::ChangeFeed;
use crate::store::Store;
use crate::sync::Syncer;
use sandbox::SandboxHandle;
use tpns::clock::SharedClock;

pub use crate::error::StartupError;
pub use crate::state::{AppState, Services};
use tpns::{ClientOptions, TpnsClient};

/// A built application, bound to its port, not yet serving.
pub struct Application {
    listener: TcpListener,
    /// `/metrics` on a listener of its own (`metrics.listen`).
    metrics_listener: Option<TcpListener>,
    router: Router,
    services: Arc<Services>,
    sandbox: Option<SandboxHandle>,
    stop: watch::Sender<bool>,
    background: Vec<JoinHandle<()>>,
}

impl Application {
    /// Connects to the database, applies migrations, starts the sandbox if configured, registers
    /// the apps, and binds the port.
    pub async fn build(config: Config) -> Result<Application, StartupError> {
        Application::build_with(config, SharedClock::system()).await
    }

    /// As [`Application::build`] on a given clock (tests drive a manual one).
    pub async fn build_with(
        config: Config,
        clock: SharedClock,
    ) -> Result<Application, StartupError> {
        Application::build_with_apps(config, clock, Vec::new()).await
    }

    /// As [`Application::build_with`], serving `extra_apps` too (tests point them at a sandbox
    /// they started and control themselves).
    pub async fn build_with_apps(
        config: Config,
        clock: SharedClock,
        extra_apps: Vec<crate::apps::UpstreamApp>,
    ) -> Result<Application, StartupError> {
        let mut store = open_store(&config).await?;
        if !clock.is_system() {
            // A simulated clock: the database's would be hours away from the simulated world.
            store = store.stamped_by(crate::store::StampClock::Caller);
        }
        let mut apps = AppRegistry::from_config(&config)?;
        for app in extra_apps {
            apps.push(app);
        }
        let sandbox = if config.sandbox.enabled {
            let handle =
                sandbox::start_demo(&config.sandbox, clock.clone(), config.utc_offset_minutes())
                    .await
                    .map_err(|e| StartupError::Sandbox(e.to_string()))?;
            for app in crate::apps::sandbox_apps(&handle) {
                apps.push(app);
            }
            Some(handle)
        } else {
            None
        };
        for app in apps.iter() {
            store.upsert_app(&app.row()).await?;
        }
        let listener = TcpListener::bind(config.server.listen)
            .await
            .map_err(|source| StartupError::Bind {
                addr: config.server.listen,
                source,
            })?;
        let metrics_listener = match config.metrics.listen {
            Some(addr) => Some(
                TcpListener::bind(addr)
                    .await
                    .map_err(|source| StartupError::Bind { addr, source })?,
            ),
            None => None,
        };
        let instance = instance_id();
        let up = &config.upstream;
        let metrics = Arc::new(crate::metrics::Metrics::new());
        let tpns = TpnsClient::new(ClientOptions {
            observer: Some(metrics.clone()),
            clock: clock.clone(),
            connect_timeout: Duration::from_secs_f64(up.connect_timeout_secs),
            request_timeout: Duration::from_secs_f64(up.request_timeout_secs),
            max_retries: up.retries,
            ..ClientOptions::default()
        });
        let feed = ChangeFeed::new(store.clone(), instance.clone());
        feed.spawn_listener();
        let sync = Arc::new(
            Syncer::new(
                store.clone(),
                tpns.clone(),
                apps.clone(),
                feed.clone(),
                clock.clone(),
                config.sync.clone(),
                instance.clone(),
            )
            .with_metrics(metrics.clone()),
        );
        let actions = ActionService::new(
            store.clone(),
            tpns.clone(),
            sync.clone(),
            feed.clone(),
            clock.clone(),
            instance.clone(),
            &config,
        )
        .with_metrics(metrics.clone());
        let auth = Arc::new(AuthService::new(store.clone(), clock.clone(), &config));
        auth.bootstrap_admin().await?;
        let users = crate::users::UserService::new(store.clone(), clock.clone());
        let tokens = crate::tokens::TokenService::new(store.clone(), clock.clone());
        let services = Arc::new(Services {
            users,
            tokens,
            metrics,
            config,
            store,
            apps,
            clock,
            tpns,
            feed,
            sync,
            actions,
            auth,
            instance,
        });
        let (stop, stopped) = watch::channel(false);
        let mut background = vec![spawn_reconciler(services.clone(), stopped.clone())];
        if services.store.backend() == crate::store::Backend::Sqlite {
            background.push(spawn_search_upkeep(services.clone(), stopped.clone()));
        }
        if services.config.sync.enabled {
            let mut rx = stopped.clone();
            background.push(services.sync.clone().spawn(async move {
                let _ = rx.wait_for(|s| *s).await;
            }));
        }
        let router = router(services.clone());
        Ok(Application {
            listener,
            metrics_listener,
            router,
            services,
            sandbox,
            stop,
            background,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Where `/metrics` has a listener of its own, if it has.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_listener
            .as_ref()
            .and_then(|l| l.local_addr().ok())
    }

    pub fn services(&self) -> Arc<Services> {
        self.services.clone()
    }

    /// The sandbox started alongside, if any.
    pub fn sandbox(&self) -> Option<&SandboxHandle> {
        self.sandbox.as_ref()
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish and stops the
    /// background work.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let grace = Duration::from_secs(self.services.config.server.shutdown_grace_secs);
        let app = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let mut metrics_server = None;
        if let Some(listener) = self.metrics_listener {
            let services = self.services.clone();
            let router = Router::new().route(
                "/metrics",
                get(move || {
                    let services = services.clone();
                    async move { crate::http::metrics_text(&services).await }
                }),
            );
            let mut stopped = self.stop.subscribe();
            metrics_server = Some(tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, router)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.wait_for(|s| *s).await;
                    })
                    .await
                {
                    tracing::error!(error = %e, "the metrics listener stopped");
                }
            }));
        }
        let served = axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown)
            .await;
        let _ = self.stop.send(true);
        if let Some(task) = metrics_server {
            let _ = tokio::time::timeout(grace, task).await;
        }
        for task in self.background {
            let _ = tokio::time::timeout(grace, task).await;
        }
        if let Some(sandbox) = self.sandbox {
            sandbox.shutdown().await;
        }
        served
    }
}

fn instance_id() -> String {
    let mut b = [0u8; 6];
    rand::thread_rng().fill_bytes(&mut b);
    format!("{}-{}", std::process::id(), hex::encode(b))
}

/// Beats for this instance and settles actions whose outcome is unknown (a lost answer, or a
/// server that died between intent and answer), at start-up and then every
/// `sync.reconcile_every_secs` (0: never, for tests that drive it), while it holds the
/// reconciler's lease.
fn spawn_reconciler(services: Arc<Services>, mut stopped: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let started = services.clock.now_ms();
        // The heartbeat beats on its own, so that a long pass of the reconciler (reads of
        // TPNS) never makes this instance look dead to the others.
        let beat = {
            let services = services.clone();
            let every = services.config.sync.reconcile_every_secs;
            tokio::spawn(async move {
                loop {
                    if let Err(e) = services.actions.heartbeat(started).await {
                        tracing::warn!(error = %e, "could not record this instance's heartbeat");
                    }
                    // Status-count deltas are folded here too, so they never pile up where
                    // the sync worker is switched off (PostgreSQL, migration 0010).
                    for app in services.apps.iter() {
                        if let Err(e) = services.store.fold_status_counts(&app.id).await {
                            tracing::warn!(app = %app.id, error = %e, "could not fold the status counts");
                        }
                    }
                    if every <= 0.0 {
                        break;
                    }
                    tokio::time::sleep(Duration::from_secs_f64(every)).await;
                }
            })
        };
        let every = services.config.sync.reconcile_every_secs;
        if every > 0.0 {
            loop {
                match services.actions.reconcile(&services.apps).await {
                    Ok(r) if r.settled > 0 => {
                        tracing::info!(
                            settled = r.settled,
                            "reconciled actions whose outcome was unknown"
                        )
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "could not reconcile unresolved actions"),
                }
                tokio::select! {
                    _ = stopped.wait_for(|s| *s) => break,
                    _ = tokio::time::sleep(Duration::from_secs_f64(every)) => {}
                }
            }
        } else {
            // Never in the background: tests that drive the reconciler themselves.
            let _ = stopped.wait_for(|s| *s).await;
        }
        beat.abort();
        services.actions.retire().await;
    })
}

/// Keeps the search index compact (SQLite, migration 0013): a small step of merging every
/// [`SEARCH_UPKEEP_EVERY`], more at once while there is work. Its own task, not the heartbeat's:
/// a step waits for the database's write lock, and the heartbeat must never wait behind it.
fn spawn_search_upkeep(
    services: Arc<Services>,
    mut stopped: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let pause = match services.store.tidy_search_index().await {
                Ok(true) => Duration::from_millis(200),
                Ok(false) => SEARCH_UPKEEP_EVERY,
                Err(e) => {
                    tracing::warn!(error = %e, "could not tidy the search index");
                    SEARCH_UPKEEP_EVERY
                }
            };
            tokio::select! {
                _ = stopped.wait_for(|s| *s) => break,
                _ = tokio::time::sleep(pause) => {}
            }
        }
    })
}

/// How often the search index is looked at when it had nothing to merge.
const SEARCH_UPKEEP_EVERY: Duration = Duration::from_secs(10);

/// Connects to the database and applies the migrations.
pub async fn open_store(config: &Config) -> Result<Store, StartupError> {
    let store = Store::connect(
        &config.database.url,
        config.database.max_connections,
        Duration::from_secs(config.database.connect_timeout_secs),
    )
    .await?;
    store.migrate().await?;
    Ok(store)
}

fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("pushdeck")
        .site_root(config.server.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.server.listen)
        .build()
}

/// The HTTP routes: health, live events, the audit export, the Leptos pages and server
/// functions, then static files; every request passes the authentication middleware.
pub fn router(services: Arc<Services>) -> Router {
    let leptos = leptos_options(&services.config);
    let state = AppState {
        services: services.clone(),
        leptos: leptos.clone(),
    };
    let routes = generate_route_list(app::App);
    let console: app::ports::ConsoleHandle = Arc::new(ConsoleService {
        services: services.clone(),
    });
    let auth = services.auth.clone();
    // What every rendered page sees: the console, and this response's CSP nonce.
    let page_context = move || {
        provide_context(console.clone());
        crate::http::csp::provide_leptos_nonce();
        // The reader's language, which the authentication middleware decided.
        let parts = leptos::prelude::use_context::<http::request::Parts>();
        if let Some(locale) = parts
            .as_ref()
            .and_then(|p| p.extensions.get::<domain::Locale>().copied())
        {
            provide_context(locale);
        }
        // What the Account page's new-token form answered (`http::create_token`).
        if let Some(p) = &parts {
            if let Some(t) = p.extensions.get::<app::dto::FreshToken>() {
                provide_context(t.clone());
            }
            if let Some(r) = p.extensions.get::<app::dto::TokenFormRefusal>() {
                provide_context(r.clone());
            }
        }
    };
    // The Account page rendered in answer to its new-token form, with the token in its context.
    let render_page = leptos_axum::render_app_to_stream_with_context(page_context.clone(), {
        let leptos = leptos.clone();
        move || app::shell(leptos.clone())
    });
    Router::new()
        .route(
            "/account/tokens",
            axum::routing::post(
                move |axum::extract::State(state): axum::extract::State<AppState>,
                      req: axum::extract::Request| {
                    let render = render_page.clone();
                    async move { crate::http::create_token(state, req, render).await }
                },
            ),
        )
        .route("/healthz", get(crate::http::healthz))
        .route("/readyz", get(crate::http::readyz))
        .route("/events", get(crate::http::events))
        .route("/audit.csv", get(crate::http::audit_csv))
        .route("/tasks.csv", get(crate::http::tasks_csv))
        .route("/metrics", get(crate::http::metrics))
        .nest("/api/v1", crate::api::routes())
        .route("/lang", axum::routing::post(crate::http::set_language))
        .leptos_routes_with_context(&state, routes, page_context.clone(), {
            let leptos = leptos.clone();
            move || app::shell(leptos.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            page_context,
            app::shell,
        ))
        // Innermost: the deadline covers the page's own rendering (`http::render`).
        .layer(axum::middleware::from_fn_with_state(
            crate::http::render::Deadline::default(),
            crate::http::render::render_within_deadline,
        ))
        .layer(axum::middleware::from_fn_with_state(auth, crate::auth::authenticate))
        .layer(axum::middleware::from_fn(crate::http::server_fn_status))
        // Every form field is capped at the edge: no request of the console comes near this
        // (an override's content is at most 2,000 characters), and a stranger's megabytes are
        // refused before any handler reads them (`server/docs/security.md`).
        .layer(RequestBodyLimitLayer::new(crate::http::MAX_REQUEST_BODY))
        // Outside the limit, so that its 413 (and axum's other plain refusals) reach a script in
        // the API's JSON shape.
        .layer(axum::middleware::from_fn(crate::api::json_rejections))
        .layer(CompressionLayer::new())
        .layer(CatchPanicLayer::custom(crate::http::panic_response))
        // A body refused (over the limit) or left unread (a sign-in required, a panic…) leaves
        // its rest on the connection: the answer says `Connection: close`, so no client reuses
        // it.
        .layer(axum::middleware::from_fn(crate::http::unread_body::close_unless_body_read))
        .layer(axum::middleware::from_fn(crate::http::csp::security_headers))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &http::Request<_>| {
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
        }))
        // Outermost: every answer is counted, the refusals of the layers above included.
        .layer(axum::middleware::from_fn_with_state(
            services.metrics.clone(),
            crate::http::count_requests,
        ))
        .with_state(state)
}

/// `pushdeck serve`.
pub async fn serve(config: Config) -> Result<(), StartupError> {
    let app = Application::build(config).await?;
    tracing::info!(address = %format!("http://{}", app.local_addr()), "Pushdeck is serving the console");
    app.run_until(shutdown_signal())
        .await
        .map_err(|e| StartupError::Other(format!("server error: {e}")))
}

/// `pushdeck migrate`.
pub async fn migrate_only(config: Config) -> Result<(), StartupError> {
    let store = open_store(&config).await?;
    tracing::info!(database = %store.redacted_url(), "migrations applied");
    store.close().await;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
