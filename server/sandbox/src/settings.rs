//! The sandbox's settings: what `[sandbox]` of the console's configuration, or the options of
//! `pushdeck sandbox`, say.

use std::net::SocketAddr;

use serde::Deserialize;

use super::profile::Profile;

/// How a sandbox runs (the console's `[sandbox]` section; `pushdeck sandbox --help`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SandboxSettings {
    /// Start the sandbox alongside `serve` and add its demo apps to the console.
    pub enabled: bool,
    /// Where the sandbox listens; port 0 picks a free loopback port.
    pub listen: SocketAddr,
    /// How much faster than real time deliveries, arrivals and clicks play out.
    pub speedup: f64,
    /// Makes the history, the device population and background traffic repeatable.
    pub seed: Option<u64>,
    /// Seconds between tasks created "by the app's backend"; 0 turns background traffic off.
    pub background_every_secs: f64,
    /// How many days of task history each demo app starts with.
    pub history_days: u32,
    /// Tasks per day in that history.
    pub history_per_day: u32,
    /// Calls an hour allowed per statistics endpoint and app (TPNS: 200).
    pub stats_calls_per_hour: u32,
    /// All/tag/package pushes a second per app (TPNS: 1).
    pub pushes_per_second: u32,
    /// The admin endpoint for fault injection (`/_sandbox/…`); tests switch it on.
    pub admin_api: bool,
    /// How the answers are worded: `friendly` (every documented field, the default),
    /// `sparse` (only what a record must carry) or `quirky` (the variants TPNS's documentation
    /// leaves open); see [`Profile`]. The simulated world is the same under each.
    pub profile: Profile,
}

impl Default for SandboxSettings {
    fn default() -> Self {
        SandboxSettings {
            enabled: true,
            listen: ([127, 0, 0, 1], 0).into(),
            speedup: 60.0,
            seed: None,
            background_every_secs: 45.0,
            history_days: 7,
            history_per_day: 12,
            stats_calls_per_hour: 200,
            pushes_per_second: 1,
            admin_api: false,
            profile: Profile::Friendly,
        }
    }
}

impl SandboxSettings {
    /// What is wrong with these settings, if anything, as one sentence naming the key.
    pub fn problem(&self) -> Option<String> {
        if !(self.speedup.is_finite() && self.speedup > 0.0) {
            return Some("`sandbox.speedup`: must be a positive number".into());
        }
        if !(self.background_every_secs.is_finite() && self.background_every_secs >= 0.0) {
            return Some("`sandbox.background_every_secs`: must be 0 or a positive number".into());
        }
        None
    }
}
