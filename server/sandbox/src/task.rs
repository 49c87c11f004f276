//! A sandbox task: what was asked for, whom it reaches, and where its timeline stands.

use domain::{Audience, MessageKind, Platform, Status};
use serde_json::Value;

use super::device::{CLASSES, DeviceClass};
use super::model::{ClassCounters, Delivery, Sim};
use super::rng::{hash_str, unit};

/// A task as requested, after validation (from the push API, the history, background traffic
/// or a test).
#[derive(Clone, Debug)]
pub(crate) struct NewTask {
    pub audience: Audience,
    pub message_type: MessageKind,
    pub title: String,
    pub content: String,
    pub android: Option<Value>,
    pub ios: Option<Value>,
    pub environment: Option<String>,
    /// Clock time of a `send_time` in the future: a scheduled task.
    pub send_at_ms: Option<i64>,
    pub expire_secs: i64,
    pub collapse_id: Option<i64>,
    pub force_collapse: bool,
    /// Tokens or accounts of list audiences.
    pub targets: Vec<String>,
    /// `tagSet` as the record shows it.
    pub tag_set: Option<Value>,
    pub upload_id: Option<i64>,
    pub push_speed: Option<u32>,
    /// A recurring push's `loop_param` as the request gave it (§2.4). The sandbox plays the task
    /// out once, at its push time; the record shows the schedule.
    pub loop_param: Option<Value>,
    /// `api` or `web` (TPNS's own console).
    pub source: String,
    pub multi_pkg: bool,
    pub origin: Origin,
}

/// Who made a task in the sandbox. Only the sandbox's own backdrop (history and background
/// traffic) takes the quirky profile's unknown statuses: a test that made a task knows what
/// it asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// `/v3/push/app`.
    PushApi,
    /// The test controls (`create_task`, `POST /_sandbox/tasks`).
    Control,
    /// The history a sandbox starts with.
    History,
    /// Background traffic "by the app's backend".
    Background,
}

impl Origin {
    /// Made by the sandbox itself rather than asked for by a caller.
    pub(crate) fn is_backdrop(self) -> bool {
        matches!(self, Origin::History | Origin::Background)
    }
}

impl NewTask {
    pub(crate) fn new(
        audience: Audience,
        message_type: MessageKind,
        title: &str,
        content: &str,
    ) -> NewTask {
        NewTask {
            audience,
            message_type,
            title: title.to_string(),
            content: content.to_string(),
            android: None,
            ios: None,
            environment: None,
            send_at_ms: None,
            expire_secs: DEFAULT_EXPIRE_SECS,
            collapse_id: None,
            force_collapse: false,
            targets: Vec::new(),
            tag_set: None,
            upload_id: None,
            push_speed: None,
            loop_param: None,
            source: "api".into(),
            multi_pkg: false,
            origin: Origin::PushApi,
        }
    }
}

/// TPNS's default and maximum offline-storage period, 72 h (`server/docs/tpns.md` §2.4).
pub(crate) const DEFAULT_EXPIRE_SECS: i64 = 259_200;
/// Devices a second when the request sets no `push_speed` (INFERRED: TPNS publishes no figure).
const DEFAULT_PUSH_RATE: f64 = 3_000.0;

/// A task and its timeline.
#[derive(Clone, Debug)]
pub(crate) struct Task {
    pub push_id: u64,
    pub req: NewTask,
    pub created_ms: i64,
    /// When sending starts: the `send_time` of a scheduled task, else creation.
    pub start_ms: i64,
    pub planned: [u64; CLASSES],
    pub ramp_sim_secs: f64,
    /// An outcome that ends the natural timeline (canceled, failed, terminated, recalled,
    /// overridden), with its clock time.
    pub outcome: Option<(Status, i64)>,
    /// Deliveries stopped at this clock time.
    pub frozen_ms: Option<i64>,
    /// Notifications left the trays of the flagged classes at this clock time.
    pub removed: Option<(i64, [bool; CLASSES])>,
    pub overrides: Option<u64>,
    pub overridden_by: Option<u64>,
}

impl Task {
    pub(crate) fn new(
        push_id: u64,
        req: NewTask,
        created_ms: i64,
        planned: [u64; CLASSES],
    ) -> Task {
        let total: u64 = planned.iter().sum();
        let rate = req.push_speed.map_or(DEFAULT_PUSH_RATE, f64::from);
        Task {
            push_id,
            start_ms: req.send_at_ms.unwrap_or(created_ms),
            created_ms,
            planned,
            ramp_sim_secs: (total as f64 / rate).clamp(10.0, 7_200.0),
            outcome: None,
            frozen_ms: None,
            removed: None,
            overrides: None,
            overridden_by: None,
            req,
        }
    }

    pub(crate) fn scheduled(&self) -> bool {
        self.req.send_at_ms.is_some()
    }

    /// The end of the offline-storage period (clock ms).
    pub(crate) fn offline_until(&self) -> i64 {
        self.start_ms
            .saturating_add(self.req.expire_secs.saturating_mul(1000))
    }

    pub(crate) fn status(&self, sim: &Sim, now: i64) -> Status {
        match self.outcome {
            Some((status, _)) => status,
            None if now < self.start_ms => Status::Scheduled,
            None if Delivery::ramp_done(self.start_ms, self.ramp_sim_secs, sim, now) => {
                Status::Completed
            }
            None => Status::Pushing,
        }
    }

    pub(crate) fn counters(&self, sim: &Sim, now: i64, class: DeviceClass) -> ClassCounters {
        if matches!(self.outcome, Some((Status::Canceled | Status::Failed, _))) {
            return ClassCounters::default();
        }
        let removed_ms = self
            .removed
            .and_then(|(at, classes)| classes[class.index()].then_some(at));
        Delivery {
            push_id: self.push_id,
            class,
            planned: self.planned[class.index()],
            start_ms: self.start_ms,
            ramp_sim_secs: self.ramp_sim_secs,
            expire_secs: self.req.expire_secs,
            frozen_ms: self.frozen_ms,
            removed_ms,
            in_tray: self.req.message_type == MessageKind::Notify,
        }
        .counters(sim, now)
    }

    /// Stops deliveries (keeping an earlier stop) and sets the outcome.
    pub(crate) fn end(
        &mut self,
        status: Status,
        now: i64,
        remove_from: Option<fn(DeviceClass) -> bool>,
    ) {
        self.frozen_ms = Some(self.frozen_ms.map_or(now, |f| f.min(now)));
        if let Some(pred) = remove_from {
            self.removed = Some((now, DeviceClass::ALL.map(pred)));
        }
        self.outcome = Some((status, now));
    }
}

/// Devices a task plans to reach, per class. `skip` marks classes that get nothing (the
/// devices an override with `force_collapse: false` leaves out).
pub(crate) fn plan(
    req: &NewTask,
    population: &[u64; CLASSES],
    platform: Platform,
    seed: u64,
    push_id: u64,
    skip: fn(DeviceClass) -> bool,
) -> [u64; CLASSES] {
    let pop_total: u64 = population.iter().sum();
    let u = |salt: u64| unit(seed, &[push_id, salt]);
    let mut planned = match req.audience {
        // Devices active in the last 90 days with notifications on (`pushActiveUv`, §4).
        Audience::All => population.map(|n| (n as f64 * (0.78 + 0.1 * u(1))) as u64),
        Audience::Tag => {
            let key = req.tag_set.as_ref().map_or(String::new(), Value::to_string);
            let share = 0.03 + 0.3 * unit(seed, &[hash_str(&key)]);
            population.map(|n| (n as f64 * share * (0.95 + 0.1 * u(2))) as u64)
        }
        Audience::PackageAccount | Audience::PackageToken => {
            let n = 8_000.0 + 112_000.0 * unit(seed, &[req.upload_id.unwrap_or(0) as u64]);
            split((n as u64).min(pop_total), population)
        }
        Audience::Token | Audience::Account => split(1, population),
        Audience::TokenList | Audience::AccountList => split(req.targets.len() as u64, population),
    };
    // In-app messages travel only over TPNS's own channel on Android (§2.1).
    if req.message_type == MessageKind::Message && platform == Platform::Android {
        let total: u64 = planned.iter().sum();
        planned = [0; CLASSES];
        planned[DeviceClass::Tpns.index()] = total;
    }
    for class in DeviceClass::ALL {
        if skip(class) {
            planned[class.index()] = 0;
        }
    }
    planned
}

/// Splits `total` devices over the classes in proportion to `weights` (largest remainder, so
/// small lists add up exactly).
fn split(total: u64, weights: &[u64; CLASSES]) -> [u64; CLASSES] {
    let sum: u64 = weights.iter().sum();
    let mut out = [0u64; CLASSES];
    if sum == 0 {
        return out;
    }
    let mut rests: Vec<(u128, usize)> = Vec::with_capacity(CLASSES);
    for (i, w) in weights.iter().enumerate() {
        let exact = total as u128 * *w as u128;
        out[i] = (exact / sum as u128) as u64;
        rests.push((exact % sum as u128, i));
    }
    let mut left = total - out.iter().sum::<u64>();
    rests.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in rests {
        if left == 0 {
            break;
        }
        if weights[i] > 0 {
            out[i] += 1;
            left -= 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_list_is_split_over_the_classes_without_losing_a_device() {
        let weights = [5, 10, 3, 0, 7, 1, 2, 2, 4, 0];
        for total in [0, 1, 7, 999] {
            assert_eq!(split(total, &weights).iter().sum::<u64>(), total);
        }
        assert_eq!(split(3, &weights)[3], 0);
    }

    #[test]
    fn an_in_app_message_on_android_goes_only_over_the_tpns_channel() {
        let pop = super::super::device::population(Platform::Android, 100_000, 0.3, 1, 0);
        let req = NewTask::new(Audience::All, MessageKind::Message, "t", "c");
        let planned = plan(&req, &pop, Platform::Android, 1, 9, |_| false);
        assert!(planned[DeviceClass::Tpns.index()] > 50_000);
        assert_eq!(
            planned.iter().sum::<u64>(),
            planned[DeviceClass::Tpns.index()]
        );
    }
}
