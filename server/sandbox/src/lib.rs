//! The TPNS sandbox: a TPNS-compatible server with simulated devices (`server/docs/product.md`,
//! "The sandbox"), reached by the console over HTTP exactly as TPNS is, with the same client and
//! auth headers. It answers the endpoints of `server/docs/tpns.md` the console uses with TPNS's
//! field names, envelopes, validations, error codes and rate limits, plays tasks out on a
//! simulated device population, generates history and background traffic, and takes faults for
//! tests.
//!
//! A library of its own: it depends on the TPNS vocabulary (`tpns`, `domain`) and on nothing of
//! the console, which hands it plain [`SandboxSettings`]. Anyone who wants a local TPNS to test
//! against can start one with [`Sandbox::start`], or [`run`] it with the demo apps.
//!
//! All time comes from the injected [`SharedClock`], so a test can drive a simulated hour with a
//! [`tpns::clock::ManualClock`].

mod admin;
mod apps;
mod auth;
mod bodies;
mod control;
mod corpus;
mod device;
mod faults;
mod handle;
mod history;
mod http;
mod limits;
mod model;
mod profile;
mod rng;
mod settings;
mod task;
mod validate;
mod views;
mod wire;
mod world;

use std::sync::{Arc, Mutex, MutexGuard};

use tokio::net::TcpListener;
use tokio::sync::watch;

pub use apps::{DEMO_ANDROID_SECRET, DEMO_IOS_SECRET, DEMO_NEWS_SECRET, SandboxApp, demo_apps};
pub use control::{ControlError, TaskSnapshot, TaskSpec};
pub use device::DeviceClass;
pub use faults::{Fault, FaultKind, FaultWhen};
pub use handle::SandboxHandle;
pub use limits::EndpointTraffic;
pub use model::ClassCounters;
pub use profile::Profile;

pub use settings::SandboxSettings;

use tpns::clock::SharedClock;

/// Everything a sandbox runs with: the `[sandbox]` settings (listen address, speed-up, seed,
/// history, background traffic, rate limits, admin API, answer profile), the apps it serves and
/// the clock.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    pub settings: SandboxSettings,
    pub apps: Vec<SandboxApp>,
    pub clock: SharedClock,
    /// TPNS's wall-clock zone for `send_time` and record dates: China Standard Time, +08:00.
    pub utc_offset_minutes: i32,
    /// Allowed distance between a signature's `TimeStamp` and the sandbox clock.
    pub max_clock_skew_secs: i64,
}

impl SandboxConfig {
    pub fn new(
        settings: &SandboxSettings,
        apps: Vec<SandboxApp>,
        clock: SharedClock,
    ) -> SandboxConfig {
        SandboxConfig {
            settings: settings.clone(),
            apps,
            clock,
            utc_offset_minutes: 480,
            max_clock_skew_secs: 600,
        }
    }
}

/// State shared by the HTTP handlers, the background traffic and the handle.
pub(crate) struct Shared {
    world: Mutex<world::World>,
    faults: Mutex<faults::Faults>,
    pub(crate) clock: SharedClock,
    pub(crate) stats_calls_per_hour: u32,
    pub(crate) pushes_per_second: u32,
    pub(crate) max_skew_secs: i64,
    /// How the answers are worded.
    pub(crate) profile: Profile,
    pub(crate) shutdown: watch::Receiver<bool>,
}

impl Shared {
    /// The world, also after a panic elsewhere (the simulation stays usable for other calls).
    pub(crate) fn world(&self) -> MutexGuard<'_, world::World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }
    pub(crate) fn faults(&self) -> MutexGuard<'_, faults::Faults> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The sandbox server.
pub struct Sandbox;

impl Sandbox {
    /// Binds `config.listen`, builds the history, and spawns the server and the background
    /// traffic. The returned handle stops both on [`SandboxHandle::shutdown`] or when dropped.
    pub async fn start(config: SandboxConfig) -> Result<SandboxHandle, std::io::Error> {
        let s = &config.settings;
        if !(s.speedup.is_finite() && s.speedup > 0.0) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the speed-up must be a positive number",
            ));
        }
        let listener = TcpListener::bind(s.listen).await?;
        let addr = listener.local_addr()?;
        if !addr.ip().is_loopback() {
            tracing::warn!(%addr, "the TPNS sandbox listens beyond loopback; its demo secrets are public");
        }
        let seed = s.seed.unwrap_or_else(rand::random);
        let sim = model::Sim {
            speedup: s.speedup,
            seed,
        };
        let mut world = world::World::new(config.apps.clone(), sim, config.utc_offset_minutes);
        history::seed_history(
            &mut world,
            s.history_days,
            s.history_per_day,
            config.clock.now_ms(),
        );
        let (tx, rx) = watch::channel(false);
        let shared = Arc::new(Shared {
            world: Mutex::new(world),
            faults: Mutex::new(faults::Faults::default()),
            clock: config.clock.clone(),
            stats_calls_per_hour: s.stats_calls_per_hour,
            pushes_per_second: s.pushes_per_second,
            max_skew_secs: config.max_clock_skew_secs,
            profile: s.profile,
            shutdown: rx.clone(),
        });
        let router = http::router(shared.clone(), s.admin_api);
        let mut down = rx;
        let server = tokio::spawn(async move {
            let stop = async move {
                let _ = down.wait_for(|d| *d).await;
            };
            if let Err(e) = axum::serve(listener, router)
                .with_graceful_shutdown(stop)
                .await
            {
                tracing::error!(error = %e, "the TPNS sandbox stopped");
            }
        });
        let background = tokio::spawn(history::run_background(
            shared.clone(),
            s.background_every_secs,
            seed,
        ));
        tracing::debug!(%addr, seed, profile = %s.profile, "TPNS sandbox started");
        Ok(SandboxHandle::new(
            shared,
            addr,
            config.apps,
            seed,
            tx,
            vec![server, background],
        ))
    }
}

/// Why a sandbox did not run.
#[derive(Debug, thiserror::Error)]
#[error("cannot listen on {listen}: {source}")]
pub struct SandboxError {
    pub listen: std::net::SocketAddr,
    #[source]
    pub source: std::io::Error,
}

/// Starts a sandbox with the demo apps and logs what it serves: how the console starts one
/// alongside itself.
pub async fn start_demo(
    settings: &SandboxSettings,
    clock: SharedClock,
    utc_offset_minutes: i32,
) -> Result<SandboxHandle, SandboxError> {
    let mut sc = SandboxConfig::new(settings, demo_apps(), clock);
    sc.utc_offset_minutes = utc_offset_minutes;
    let handle = Sandbox::start(sc).await.map_err(|source| SandboxError {
        listen: settings.listen,
        source,
    })?;
    log_started(&handle);
    Ok(handle)
}

/// The sandbox alone with the demo apps on the system clock, until `shutdown` completes: the
/// body of `pushdeck sandbox`.
pub async fn run(
    settings: &SandboxSettings,
    utc_offset_minutes: i32,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<(), SandboxError> {
    let handle = start_demo(settings, SharedClock::system(), utc_offset_minutes).await?;
    shutdown.await;
    handle.shutdown().await;
    Ok(())
}

fn log_started(handle: &SandboxHandle) {
    tracing::info!(address = %handle.base_url(), seed = handle.seed(), profile = %handle.profile(), "TPNS sandbox is serving");
    for app in handle.apps() {
        tracing::info!(
            app = %app.id,
            name = %app.name,
            platform = app.platform.label(),
            access_id = %app.access_id,
            auth = app.auth.label(),
            recall_available = app.recall_available,
            "sandbox app (SecretKey: see sandbox::demo_apps)"
        );
    }
}
