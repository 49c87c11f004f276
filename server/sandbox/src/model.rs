//! The device population and how a task plays out on it, as closed-form counts per device class
//! (no per-device objects: an app has millions of devices and the sandbox thousands of tasks).
//!
//! Time has two scales. `send_time` and the end of the offline-storage period are clock times,
//! because the console judges eligibility by the clock. The delivery dynamics inside that frame
//! (the send ramp, offline devices coming back online, clicks) run `speedup` times faster, so a
//! 72-hour task plays out in minutes.

use serde::Serialize;

use super::device::{DeviceClass, Params};
use super::rng::unit;

/// The per-class counters of a task at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ClassCounters {
    /// `pushActiveUv`.
    pub planned: u64,
    /// `pushOnlineUv`: delivered over TPNS's channel, or handed to the vendor.
    pub sent: u64,
    /// `arrivalUv`.
    pub arrived: u64,
    pub clicked: u64,
    pub cleared: u64,
    /// Offline devices still waiting for the task inside its storage period.
    pub queued_offline: u64,
    /// Notifications on devices, neither clicked nor cleared nor removed.
    pub shown_unclicked: u64,
}

impl ClassCounters {
    pub(crate) fn add(&mut self, o: &ClassCounters) {
        self.planned += o.planned;
        self.sent += o.sent;
        self.arrived += o.arrived;
        self.clicked += o.clicked;
        self.cleared += o.cleared;
        self.queued_offline += o.queued_offline;
        self.shown_unclicked += o.shown_unclicked;
    }
}

/// The sandbox-wide constants of the simulation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sim {
    pub speedup: f64,
    pub seed: u64,
}

/// Simulated delay between an arrival and its click (or clear).
const CLICK_LAG_SIM_SECS: f64 = 15.0 * 60.0;
const CLEAR_LAG_SIM_SECS: f64 = 45.0 * 60.0;

/// What the counters of one class of one task depend on.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Delivery {
    pub push_id: u64,
    pub class: DeviceClass,
    pub planned: u64,
    /// Clock time sending starts.
    pub start_ms: i64,
    /// Simulated seconds to send to every online device.
    pub ramp_sim_secs: f64,
    pub expire_secs: i64,
    /// Clock time deliveries stopped (terminate, recall, override).
    pub frozen_ms: Option<i64>,
    /// Clock time the task's notifications left the trays of this class (recall, override).
    pub removed_ms: Option<i64>,
    /// In-app messages are not shown in the tray: nothing to click or clear.
    pub in_tray: bool,
}

impl Delivery {
    fn noisy(&self, sim: &Sim, v: f64, salt: u64) -> f64 {
        let n = 0.9 + 0.2 * unit(sim.seed, &[self.push_id, self.class.index() as u64, salt]);
        (v * n).min(0.98)
    }

    fn params_for(&self, sim: &Sim) -> Params {
        let mut p = self.class.params();
        p.online = self.noisy(sim, p.online, 1);
        p.returns = self.noisy(sim, p.returns, 2);
        p.click = self.noisy(sim, p.click, 3);
        p.clear = self.noisy(sim, p.clear, 4);
        p
    }

    /// How far delivery got by clock time `t`: the share of the send ramp done, the online
    /// devices reached over it, and the offline devices reached as they came back.
    fn reached(&self, sim: &Sim, p: &Params, t: i64) -> (f64, f64, f64) {
        let planned = self.planned as f64;
        let stop = self.frozen_ms.unwrap_or(i64::MAX);
        let sim_secs =
            |until: i64| (until.min(stop) - self.start_ms).max(0) as f64 / 1000.0 * sim.speedup;
        let ramp = if self.ramp_sim_secs <= 0.0 {
            1.0
        } else {
            (sim_secs(t) / self.ramp_sim_secs).min(1.0)
        };
        let offline = if self.expire_secs > 0 {
            let tau = sim_secs(t.min(self.offline_until()));
            planned
                * (1.0 - p.online)
                * p.returns
                * (1.0 - (-tau / (p.return_hours * 3600.0)).exp())
        } else {
            0.0
        };
        (ramp, planned * p.online * ramp, offline)
    }

    fn offline_until(&self) -> i64 {
        self.start_ms
            .saturating_add(self.expire_secs.saturating_mul(1000))
    }

    fn arrived_at(&self, sim: &Sim, p: &Params, t: i64) -> f64 {
        let (_, on, off) = self.reached(sim, p, t);
        (on + off) * p.success
    }

    /// The counters at clock time `now`.
    pub(crate) fn counters(&self, sim: &Sim, now: i64) -> ClassCounters {
        if self.planned == 0 || now < self.start_ms {
            return ClassCounters::default();
        }
        let p = self.params_for(sim);
        let (ramp, on, off) = self.reached(sim, &p, now);
        let arrived = ((on + off) * p.success) as u64;
        // TPNS's own channel counts what it delivered; vendors take the whole audience over the
        // ramp and hold the offline devices' copies themselves.
        let sent = if self.class == DeviceClass::Tpns {
            on + off
        } else {
            self.planned as f64 * ramp
        };
        // Clicks and clears trail arrivals, and stop where the notification left the tray.
        let lagged = |lag_sim_secs: f64, rate: f64| {
            let until = self.removed_ms.map_or(now, |r| r.min(now));
            let lag_ms = (lag_sim_secs * 1000.0 / sim.speedup) as i64;
            (self.arrived_at(sim, &p, until - lag_ms) * rate) as u64
        };
        let (clicked, cleared) = if self.in_tray {
            (
                lagged(CLICK_LAG_SIM_SECS, p.click),
                lagged(CLEAR_LAG_SIM_SECS, p.clear),
            )
        } else {
            (0, 0)
        };
        let open = now < self.frozen_ms.unwrap_or(i64::MAX) && now < self.offline_until();
        let queued = if open {
            self.planned as f64 * (1.0 - p.online) - off
        } else {
            0.0
        };
        let removed = self.removed_ms.is_some_and(|r| now >= r);
        ClassCounters {
            planned: self.planned,
            sent: (sent as u64).max(arrived),
            arrived,
            clicked,
            cleared,
            queued_offline: queued.max(0.0) as u64,
            shown_unclicked: if removed || !self.in_tray {
                0
            } else {
                arrived.saturating_sub(clicked + cleared)
            },
        }
    }

    /// Whether every online device has been sent to by `now` (PUSH_STARTED → PUSH_FINISHED).
    pub(crate) fn ramp_done(start_ms: i64, ramp_sim_secs: f64, sim: &Sim, now: i64) -> bool {
        (now - start_ms) as f64 / 1000.0 * sim.speedup >= ramp_sim_secs
    }
}

#[cfg(test)]
mod tests;
