//! The apps a sandbox serves, and the three demo apps Pushdeck ships with.

use domain::Platform;
use secrecy::SecretString;

use tpns::{AuthScheme, Credentials};

/// One TPNS app simulated by the sandbox.
#[derive(Clone, Debug)]
pub struct SandboxApp {
    /// The console's id for the app, e.g. `demo-android`.
    pub id: String,
    pub name: String,
    /// A TPNS app is an Android or an iOS app.
    pub platform: Platform,
    pub access_id: String,
    pub secret: SecretString,
    /// The scheme the console uses for this app. The sandbox accepts both from every app.
    pub auth: AuthScheme,
    /// Whether `revoke_push_msg` works. When false it answers as TPNS does today (recall taken
    /// offline, `server/docs/tpns.md` §5).
    pub recall_available: bool,
    /// Share of the Huawei devices below EMUI 10, which cannot replace a notification.
    pub huawei_legacy_share: f64,
    /// Installed devices, before the per-channel split.
    pub population: u64,
}

impl SandboxApp {
    /// How the console reaches this app on a sandbox at `base_url`.
    pub fn credentials(&self, base_url: &str, auth: AuthScheme) -> Credentials {
        Credentials {
            access_id: self.access_id.clone(),
            secret: self.secret.clone(),
            base_url: base_url.trim_end_matches('/').to_string(),
            auth,
        }
    }
}

/// Sandbox-only SecretKeys of the demo apps. They are published here on purpose, so that a
/// sandbox started with `pushdeck sandbox` and a console configured separately agree; they are
/// not TPNS secrets and open nothing but a local sandbox.
pub const DEMO_ANDROID_SECRET: &str = "sandbox0demo0android0not0secret0";
pub const DEMO_IOS_SECRET: &str = "sandbox0demo0ios00000not0secret0";
pub const DEMO_NEWS_SECRET: &str = "sandbox0demo0news0000not0secret0";

/// The demo apps: a shop on Android (recall available) and on iOS, and a news app on Android
/// whose recall answers as on real TPNS today.
pub fn demo_apps() -> Vec<SandboxApp> {
    vec![
        SandboxApp {
            id: "demo-android".into(),
            name: "Demo Shop".into(),
            platform: Platform::Android,
            access_id: "1500000101".into(),
            secret: SecretString::from(DEMO_ANDROID_SECRET),
            auth: AuthScheme::Signature,
            recall_available: true,
            huawei_legacy_share: 0.3,
            population: 2_000_000,
        },
        SandboxApp {
            id: "demo-ios".into(),
            name: "Demo Shop".into(),
            platform: Platform::Ios,
            access_id: "1600000102".into(),
            secret: SecretString::from(DEMO_IOS_SECRET),
            // The iOS demo app uses Basic auth so that a demo exercises both schemes.
            auth: AuthScheme::Basic,
            recall_available: true,
            huawei_legacy_share: 0.0,
            population: 800_000,
        },
        SandboxApp {
            id: "demo-news".into(),
            name: "Demo News".into(),
            platform: Platform::Android,
            access_id: "1500000103".into(),
            secret: SecretString::from(DEMO_NEWS_SECRET),
            auth: AuthScheme::Signature,
            recall_available: false,
            huawei_legacy_share: 0.25,
            population: 1_200_000,
        },
    ]
}
