//! The simulated device population: device classes, how each behaves, and how many devices an
//! app has in each.

use domain::{Channel, Platform};
use serde::Serialize;

use super::rng::unit;

/// A group of devices that behaves alike: a delivery channel, with Huawei split at EMUI 10
/// because only EMUI 10 and later can replace a notification (`server/docs/tpns.md` §5.1; see
/// [`DeviceClass::replaces_in_place`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceClass {
    Tpns,
    HuaweiModern,
    HuaweiLegacy,
    Honor,
    Xiaomi,
    Meizu,
    Oppo,
    Vivo,
    Fcm,
    Apns,
}

pub(crate) const CLASSES: usize = 10;

impl DeviceClass {
    pub const ALL: [DeviceClass; CLASSES] = [
        DeviceClass::Tpns,
        DeviceClass::HuaweiModern,
        DeviceClass::HuaweiLegacy,
        DeviceClass::Honor,
        DeviceClass::Xiaomi,
        DeviceClass::Meizu,
        DeviceClass::Oppo,
        DeviceClass::Vivo,
        DeviceClass::Fcm,
        DeviceClass::Apns,
    ];

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// The channel TPNS reports the class under: both Huawei classes are `hw`.
    pub fn channel(self) -> Channel {
        match self {
            DeviceClass::Tpns => Channel::Tpns,
            DeviceClass::HuaweiModern | DeviceClass::HuaweiLegacy => Channel::Huawei,
            DeviceClass::Honor => Channel::Honor,
            DeviceClass::Xiaomi => Channel::Xiaomi,
            DeviceClass::Meizu => Channel::Meizu,
            DeviceClass::Oppo => Channel::Oppo,
            DeviceClass::Vivo => Channel::Vivo,
            DeviceClass::Fcm => Channel::Fcm,
            DeviceClass::Apns => Channel::Apns,
        }
    }

    pub fn platform(self) -> Platform {
        if self == DeviceClass::Apns {
            Platform::Ios
        } else {
            Platform::Android
        }
    }

    /// Whether an override replaces a shown notification in place. TPNS's page is the authority
    /// (`server/docs/tpns.md` §5.1): only its own channel, Xiaomi, Meizu and Huawei from EMUI 10
    /// on, and APNs on iOS. Every other class (vivo, OPPO, Huawei below EMUI 10, and also Honor
    /// and FCM, which the page does not name, whatever their vendors can do natively) follows
    /// `force_collapse`: `true` sends them the new notification as well, so they show both;
    /// `false` sends them nothing new.
    pub fn replaces_in_place(self) -> bool {
        matches!(
            self,
            DeviceClass::Tpns
                | DeviceClass::Xiaomi
                | DeviceClass::Meizu
                | DeviceClass::HuaweiModern
                | DeviceClass::Apns
        )
    }

    /// Whether a recall removes a shown notification: TPNS's own channel and the vendors with a
    /// recall API (Huawei, Honor, Xiaomi, vivo; `server/docs/tpns.md` §5.1), and iOS through a silent push as
    /// TPNS's ≈2021 page described. Not Meizu, OPPO or FCM.
    pub fn supports_recall(self) -> bool {
        !matches!(
            self,
            DeviceClass::Meizu | DeviceClass::Oppo | DeviceClass::Fcm
        )
    }

    pub(crate) fn params(self) -> Params {
        let p = |share, online, returns, return_hours, success, click, clear| Params {
            share,
            online,
            returns,
            return_hours,
            success,
            click,
            clear,
        };
        match self {
            DeviceClass::Tpns => p(0.08, 0.30, 0.55, 10.0, 0.97, 0.050, 0.10),
            // The Huawei share is split by the app's `huawei_legacy_share`.
            DeviceClass::HuaweiModern => p(0.24, 0.62, 0.85, 6.0, 0.95, 0.040, 0.12),
            DeviceClass::HuaweiLegacy => p(0.24, 0.55, 0.80, 7.0, 0.93, 0.035, 0.12),
            DeviceClass::Honor => p(0.07, 0.60, 0.85, 6.0, 0.95, 0.040, 0.12),
            DeviceClass::Xiaomi => p(0.19, 0.58, 0.85, 5.0, 0.96, 0.045, 0.14),
            DeviceClass::Meizu => p(0.03, 0.50, 0.75, 8.0, 0.92, 0.030, 0.10),
            DeviceClass::Oppo => p(0.16, 0.57, 0.82, 6.0, 0.94, 0.035, 0.13),
            DeviceClass::Vivo => p(0.15, 0.56, 0.82, 6.0, 0.94, 0.035, 0.13),
            DeviceClass::Fcm => p(0.08, 0.45, 0.70, 9.0, 0.90, 0.030, 0.08),
            // iOS reports no cleared counter (`server/docs/tpns.md` §4).
            DeviceClass::Apns => p(1.00, 0.55, 0.90, 4.0, 0.98, 0.050, 0.0),
        }
    }
}

/// How a class behaves, before per-task noise.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Params {
    /// Share of an Android app's devices (APNs: all of an iOS app's).
    pub(crate) share: f64,
    /// Online when the task starts sending.
    pub(crate) online: f64,
    /// Of the offline devices, the share that comes back within the storage period.
    pub(crate) returns: f64,
    /// Mean time (simulated hours) for an offline device to come back.
    pub(crate) return_hours: f64,
    /// Delivered devices whose arrival is confirmed.
    pub(crate) success: f64,
    pub(crate) click: f64,
    pub(crate) clear: f64,
}

/// Devices per class for an app.
pub(crate) fn population(
    platform: Platform,
    total: u64,
    huawei_legacy: f64,
    seed: u64,
    app_no: u64,
) -> [u64; CLASSES] {
    let mut out = [0u64; CLASSES];
    for class in DeviceClass::ALL {
        if class.platform() != platform {
            continue;
        }
        let mut share = class.params().share;
        match class {
            DeviceClass::HuaweiModern => share *= 1.0 - huawei_legacy,
            DeviceClass::HuaweiLegacy => share *= huawei_legacy,
            _ => {}
        }
        let noise = 0.9 + 0.2 * unit(seed, &[app_no, class.index() as u64, 0xB0B]);
        out[class.index()] = (total as f64 * share * noise).round() as u64;
    }
    out
}
