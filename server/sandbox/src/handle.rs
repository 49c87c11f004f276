//! The handle on a running sandbox: its address and apps, and the controls tests use directly.

use std::net::SocketAddr;
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::Shared;
use super::apps::SandboxApp;
use super::control::{ControlError, TaskSnapshot, TaskSpec};
use super::faults::Fault;
use super::limits::EndpointTraffic;
use super::profile::Profile;
use tpns::{AuthScheme, Credentials, Endpoint};

/// A running sandbox. Dropping it stops the server and the background traffic.
pub struct SandboxHandle {
    shared: Arc<Shared>,
    addr: SocketAddr,
    apps: Vec<SandboxApp>,
    seed: u64,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl SandboxHandle {
    pub(crate) fn new(
        shared: Arc<Shared>,
        addr: SocketAddr,
        apps: Vec<SandboxApp>,
        seed: u64,
        stop: watch::Sender<bool>,
        tasks: Vec<JoinHandle<()>>,
    ) -> SandboxHandle {
        SandboxHandle {
            shared,
            addr,
            apps,
            seed,
            stop,
            tasks,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:port`, no trailing slash: a `Credentials::base_url`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn apps(&self) -> &[SandboxApp] {
        &self.apps
    }

    /// The seed in use (drawn at start when none was configured).
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// How the sandbox words its answers.
    pub fn profile(&self) -> Profile {
        self.shared.profile
    }

    /// How to reach one of the sandbox's apps with the given auth scheme.
    pub fn credentials(&self, app_id: &str, auth: AuthScheme) -> Option<Credentials> {
        let app = self.apps.iter().find(|a| a.id == app_id)?;
        Some(app.credentials(&self.base_url(), auth))
    }

    /// Switches a fault on for an endpoint (replacing any other fault there).
    pub fn set_fault(&self, ep: Endpoint, fault: Fault) {
        self.shared.faults().set(ep, fault);
    }

    pub fn clear_fault(&self, ep: Endpoint) {
        self.shared.faults().clear(Some(ep));
    }

    pub fn clear_faults(&self) {
        self.shared.faults().clear(None);
    }

    /// A task's status and counters per device class, now.
    pub fn task(&self, push_id: &str) -> Option<TaskSnapshot> {
        self.shared.snapshot(push_id)
    }

    /// Authenticated calls and 1008028 answers of one app at one endpoint. Only the sandbox's
    /// own rate limiting counts here, not a 1008028 injected as a fault.
    pub fn traffic(&self, app_id: &str, ep: Endpoint) -> EndpointTraffic {
        self.shared.traffic(app_id, ep)
    }

    /// The overrides an app received and applied, `(original, new task)`, oldest first.
    pub fn overrides(&self, app_id: &str) -> Vec<(String, String)> {
        self.shared.overrides(app_id).unwrap_or_default()
    }

    /// The full JSON body of every push the app accepted through `/v3/push/app` (override
    /// pushes included), oldest first, each with the push ID it got added as a string under
    /// `"_push_id"`. Only the latest 1,000 per app are kept, so that a long-running sandbox's
    /// memory stays bounded; an unknown app has none.
    pub fn pushes(&self, app_id: &str) -> Vec<Value> {
        self.shared.pushes(app_id).unwrap_or_default()
    }

    pub fn rate_limited(&self, app_id: &str, ep: Endpoint) -> u64 {
        self.traffic(app_id, ep).rate_limited
    }

    /// 1008028 answers over every app and endpoint.
    pub fn rate_limited_total(&self) -> u64 {
        self.shared.rate_limited_total()
    }

    /// Creates `n` tasks now, bypassing the API's validations and rate limits.
    pub fn create_tasks(
        &self,
        app_id: &str,
        n: usize,
        spec: &TaskSpec,
    ) -> Result<Vec<String>, ControlError> {
        self.shared.create_tasks(app_id, n, spec)
    }

    pub fn create_task(&self, app_id: &str, spec: &TaskSpec) -> Result<String, ControlError> {
        let mut ids = self.create_tasks(app_id, 1, spec)?;
        Ok(ids.remove(0))
    }

    /// Stops the server (in-flight requests finish; requests held by a timeout fault are
    /// released) and the background traffic.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
