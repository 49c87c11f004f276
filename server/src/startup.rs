//! Building and running the application: connect, migrate, then bind; serve until a shutdown
//! signal, then drain.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::FromRef;
use axum::routing::get;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::apps::AppRegistry;
use crate::cli::UserCommand;
use crate::config::Config;
use crate::console::ConsoleService;
use crate::store::Store;

/// Why the server could not start. Each variant's message is the one line start-up prints.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(
        "cannot listen on {addr}: {source} (set server.listen or PUSHDECK__SERVER__LISTEN to another address)"
    )]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start the TPNS sandbox: {0}")]
    Sandbox(String),
    #[error("{0}")]
    Other(String),
}

/// The long-lived services every request and worker shares.
pub struct Services {
    pub config: Config,
    pub store: Store,
    pub apps: AppRegistry,
}

/// Axum state: the services and the Leptos options.
#[derive(Clone)]
pub struct AppState {
    pub services: Arc<Services>,
    pub leptos: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// A built application, bound to its port, not yet serving.
pub struct Application {
    listener: TcpListener,
    router: Router,
    services: Arc<Services>,
}

impl Application {
    /// Connects to the database, applies migrations, registers the apps, and binds the port.
    pub async fn build(config: Config) -> Result<Application, StartupError> {
        let store = open_store(&config).await?;
        let apps = AppRegistry::from_config(&config)?;
        for app in apps.iter() {
            store.upsert_app(&app.row()).await?;
        }
        let listener = TcpListener::bind(config.server.listen)
            .await
            .map_err(|source| StartupError::Bind {
                addr: config.server.listen,
                source,
            })?;
        let services = Arc::new(Services {
            config,
            store,
            apps,
        });
        let router = router(services.clone());
        Ok(Application {
            listener,
            router,
            services,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn services(&self) -> Arc<Services> {
        self.services.clone()
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let app = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown)
            .await
    }
}

async fn open_store(config: &Config) -> Result<Store, StartupError> {
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

/// The HTTP routes: health, the Leptos pages and server functions, then static files.
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
    Router::new()
        .route("/healthz", get(crate::http::healthz))
        .route("/readyz", get(crate::http::readyz))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(console.clone()),
            {
                let leptos = leptos.clone();
                move || app::shell(leptos.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(app::shell))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &http::Request<_>| {
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
            }),
        )
        .with_state(state)
}

/// `pushdeck serve`.
pub async fn serve(config: Config) -> Result<(), StartupError> {
    let grace = Duration::from_secs(config.server.shutdown_grace_secs);
    let app = Application::build(config).await?;
    tracing::info!(address = %format!("http://{}", app.local_addr()), "Pushdeck is serving the console");
    let _ = grace;
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

/// `pushdeck user …`.
pub async fn user_command(_config: Config, _cmd: UserCommand) -> Result<(), StartupError> {
    Err(StartupError::Other(
        "user management is not built yet".into(),
    ))
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
