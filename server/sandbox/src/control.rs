//! The test controls, shared by [`super::SandboxHandle`] and the `/_sandbox/` admin API: faults,
//! traffic counters, direct task creation, per-class counters and the pushes received.

use std::collections::BTreeMap;
use std::time::Duration;

use domain::{Audience, MessageKind, Platform, Status};
use serde::Serialize;
use serde_json::{Value, json};

use super::Shared;
use super::device::DeviceClass;
use super::limits::EndpointTraffic;
use super::model::ClassCounters;
use super::task::{DEFAULT_EXPIRE_SECS, NewTask, Origin};
use tpns::Endpoint;

/// A task to create directly, bypassing the API's validations and rate limits (for tests and
/// benchmarks that need many tasks quickly).
#[derive(Clone, Debug)]
pub struct TaskSpec {
    pub audience: Audience,
    pub message_type: MessageKind,
    pub title: String,
    pub content: String,
    /// Schedules the task this far ahead of the clock (all, tag and account packages only).
    pub send_in: Option<Duration>,
    pub expire_secs: i64,
    /// Tokens or accounts for list audiences (generated when there are none).
    pub targets: usize,
    /// Where the record says the task was made (`source`, `server/docs/tpns.md` §3.1): `None`
    /// is `api` (the app's backend); `Some("web")` a task made in TPNS's own console.
    pub source: Option<String>,
    /// The push's `android` body (§2.3): click action, `custom_content`, channel settings.
    pub android: Option<Value>,
    /// The push's `ios` body (§2.3).
    pub ios: Option<Value>,
    /// iOS: `product` (the default) or `dev`.
    pub environment: Option<String>,
}

impl Default for TaskSpec {
    fn default() -> Self {
        TaskSpec {
            audience: Audience::All,
            message_type: MessageKind::Notify,
            title: "Sandbox task".into(),
            content: "Created directly by a test".into(),
            send_in: None,
            expire_secs: DEFAULT_EXPIRE_SECS,
            targets: 20,
            source: None,
            android: None,
            ios: None,
            environment: None,
        }
    }
}

/// Why a control could not act.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ControlError {
    #[error("the sandbox has no app `{0}`")]
    UnknownApp(String),
    #[error("{0}")]
    Refused(String),
}

/// A task's internal state, with its counters per device class (Huawei below EMUI 10 apart
/// from EMUI 10 and later, which TPNS reports together as `hw`).
#[derive(Clone, Debug, Serialize)]
pub struct TaskSnapshot {
    pub push_id: String,
    pub app_id: String,
    pub status: Status,
    pub collapse_id: Option<i64>,
    pub overrides: Option<String>,
    pub overridden_by: Option<String>,
    pub classes: BTreeMap<DeviceClass, ClassCounters>,
}

impl TaskSnapshot {
    pub fn class(&self, c: DeviceClass) -> ClassCounters {
        self.classes.get(&c).copied().unwrap_or_default()
    }
    /// The counters of several classes added up.
    pub fn sum(&self, classes: &[DeviceClass]) -> ClassCounters {
        let mut out = ClassCounters::default();
        for c in classes {
            out.add(&self.class(*c));
        }
        out
    }
    pub fn total(&self) -> ClassCounters {
        self.sum(&DeviceClass::ALL)
    }
}

impl Shared {
    pub(crate) fn snapshot(&self, push_id: &str) -> Option<TaskSnapshot> {
        let id: u64 = push_id.trim().parse().ok()?;
        let now = self.clock.now_ms();
        let world = self.world();
        let (app, task) = world.task(id)?;
        Some(TaskSnapshot {
            push_id: id.to_string(),
            app_id: app.app.id.clone(),
            status: task.status(&world.sim, now),
            collapse_id: task.req.collapse_id,
            overrides: task.overrides.map(|i| i.to_string()),
            overridden_by: task.overridden_by.map(|i| i.to_string()),
            classes: DeviceClass::ALL
                .into_iter()
                .filter(|c| c.platform() == app.app.platform)
                .map(|c| (c, task.counters(&world.sim, now, c)))
                .collect(),
        })
    }

    /// Every override an app received and applied: `(original, new task)`, oldest first. What
    /// reached the devices, whatever the console heard back.
    pub(crate) fn overrides(&self, app_id: &str) -> Option<Vec<(String, String)>> {
        let world = self.world();
        let app = world.app_by_id(app_id)?;
        Some(
            world.apps[app]
                .tasks
                .iter()
                .filter_map(|t| t.overrides.map(|o| (o.to_string(), t.push_id.to_string())))
                .collect(),
        )
    }

    /// The bodies of the pushes an app accepted through `/v3/push/app` (the latest
    /// [`crate::world::KEPT_PUSHES`]), oldest first, each with its push ID under `_push_id`.
    pub(crate) fn pushes(&self, app_id: &str) -> Option<Vec<Value>> {
        let world = self.world();
        let app = world.app_by_id(app_id)?;
        Some(world.apps[app].pushes.iter().cloned().collect())
    }

    pub(crate) fn traffic(&self, app_id: &str, ep: Endpoint) -> EndpointTraffic {
        let world = self.world();
        world
            .app_by_id(app_id)
            .map(|i| world.apps[i].ledger.traffic(ep))
            .unwrap_or_default()
    }

    /// Every app's traffic, keyed by app id and endpoint key (for the admin API).
    pub(crate) fn all_traffic(&self) -> BTreeMap<String, BTreeMap<&'static str, EndpointTraffic>> {
        let world = self.world();
        world
            .apps
            .iter()
            .map(|a| {
                (
                    a.app.id.clone(),
                    Endpoint::ALL
                        .into_iter()
                        .map(|e| (e.key(), a.ledger.traffic(e)))
                        .collect(),
                )
            })
            .collect()
    }

    pub(crate) fn rate_limited_total(&self) -> u64 {
        self.world()
            .apps
            .iter()
            .map(|a| a.ledger.total_refused())
            .sum()
    }

    pub(crate) fn create_tasks(
        &self,
        app_id: &str,
        n: usize,
        spec: &TaskSpec,
    ) -> Result<Vec<String>, ControlError> {
        let now = self.clock.now_ms();
        let mut world = self.world();
        let app = world
            .app_by_id(app_id)
            .ok_or_else(|| ControlError::UnknownApp(app_id.to_string()))?;
        let platform = world.apps[app].app.platform;
        let mut ids = Vec::with_capacity(n);
        for i in 0..n {
            let req = new_task(spec, platform, now, i);
            let id = world
                .create(app, req, now)
                .map_err(|e| ControlError::Refused(e.message))?;
            ids.push(id.to_string());
        }
        Ok(ids)
    }
}

fn new_task(spec: &TaskSpec, platform: Platform, now: i64, i: usize) -> NewTask {
    let mut req = NewTask::new(spec.audience, spec.message_type, &spec.title, &spec.content);
    req.expire_secs = spec.expire_secs;
    req.origin = Origin::Control;
    if let Some(source) = &spec.source {
        req.source = source.clone();
    }
    req.send_at_ms = spec.send_in.map(|d| now + d.as_millis() as i64);
    if platform == Platform::Ios {
        req.environment = Some(spec.environment.clone().unwrap_or_else(|| "product".into()));
        req.ios = spec.ios.clone();
    } else {
        req.android = spec.android.clone();
    }
    match spec.audience {
        Audience::Tag => {
            req.tag_set = Some(
                json!({"op": "OR", "tagWithType": [{"tagTypeName": "xg_user_define", "tagValue": "sandbox"}]}),
            )
        }
        Audience::PackageAccount | Audience::PackageToken => req.upload_id = Some(36_217),
        Audience::Token | Audience::Account => req.targets = vec![format!("target-{i:06}")],
        Audience::TokenList | Audience::AccountList => {
            req.targets = (0..spec.targets.max(1))
                .map(|k| format!("target-{i:06}-{k:04}"))
                .collect()
        }
        Audience::All => {}
    }
    req
}
