//! The apps the console serves: the configured TPNS apps and, when the sandbox runs alongside,
//! its demo apps. Credentials stay here, on the server.

use std::sync::Arc;

use app::dto::AppInfo;
use domain::Platform;

use sandbox::{SandboxApp, SandboxHandle};
use tpns::{AccessPoint, AuthScheme, Credentials};

use crate::config::{Config, ConfigError};
use crate::store::apps::AppRow;

/// One app and how to reach it.
#[derive(Clone, Debug)]
pub struct UpstreamApp {
    pub id: String,
    pub name: String,
    pub platform: Platform,
    pub access_point: AccessPoint,
    pub creds: Credentials,
    pub recall_available: bool,
    pub huawei_legacy_share: f64,
    /// Served by the bundled sandbox.
    pub sandbox: bool,
}

impl UpstreamApp {
    /// A sandbox app as the console reaches it: at the sandbox's address, with the app's own
    /// auth scheme.
    pub fn from_sandbox(app: &SandboxApp, base_url: &str) -> UpstreamApp {
        UpstreamApp {
            id: app.id.clone(),
            name: app.name.clone(),
            platform: app.platform,
            access_point: AccessPoint::Custom,
            creds: app.credentials(base_url, app.auth),
            recall_available: app.recall_available,
            huawei_legacy_share: app.huawei_legacy_share,
            sandbox: true,
        }
    }

    /// What the browser may know of the app.
    pub fn info(&self) -> AppInfo {
        AppInfo {
            id: self.id.clone(),
            name: self.name.clone(),
            platform: self.platform,
            access_point: if self.sandbox {
                "Sandbox".into()
            } else {
                self.access_point.label().into()
            },
            auth_scheme: self.creds.auth.label().into(),
            recall_available: self.recall_available,
        }
    }

    pub fn row(&self) -> AppRow<'_> {
        AppRow {
            app_id: &self.id,
            name: &self.name,
            platform: self.platform.slug(),
            access_id: &self.creds.access_id,
            access_point: if self.sandbox {
                "sandbox"
            } else {
                self.access_point.label()
            },
            auth_scheme: match self.creds.auth {
                AuthScheme::Signature => "signature",
                AuthScheme::Basic => "basic",
            },
            recall_available: self.recall_available,
        }
    }
}

/// All apps, in configuration order.
#[derive(Clone, Debug, Default)]
pub struct AppRegistry {
    apps: Vec<Arc<UpstreamApp>>,
}

impl AppRegistry {
    /// The configured apps, with their SecretKeys resolved.
    pub fn from_config(config: &Config) -> Result<AppRegistry, ConfigError> {
        let mut apps = Vec::new();
        for a in &config.apps {
            let base_url = a
                .base_url
                .clone()
                .or_else(|| a.access_point.base_url().map(str::to_string))
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_string();
            apps.push(Arc::new(UpstreamApp {
                id: a.id.clone(),
                name: a.name.clone(),
                platform: Platform::from_slug(&a.platform).unwrap_or(Platform::Android),
                access_point: a.access_point,
                creds: Credentials {
                    access_id: a.access_id.clone(),
                    secret: a.resolve_secret()?,
                    base_url,
                    auth: a.auth,
                },
                recall_available: a.recall_available,
                huawei_legacy_share: a.huawei_legacy_share,
                sandbox: false,
            }));
        }
        Ok(AppRegistry { apps })
    }

    pub fn push(&mut self, app: UpstreamApp) {
        self.apps.push(Arc::new(app));
    }

    pub fn iter(&self) -> impl Iterator<Item = &Arc<UpstreamApp>> {
        self.apps.iter()
    }

    pub fn get(&self, id: &str) -> Option<&Arc<UpstreamApp>> {
        self.apps.iter().find(|a| a.id == id)
    }

    /// The app a request means: the one named, or the first.
    pub fn resolve(&self, id: Option<&str>) -> Option<&Arc<UpstreamApp>> {
        match id {
            Some(id) if !id.is_empty() => self.get(id),
            _ => self.apps.first(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.apps.is_empty()
    }
}

/// A running sandbox's apps as the console's registry holds them.
pub fn sandbox_apps(handle: &SandboxHandle) -> Vec<UpstreamApp> {
    handle
        .apps()
        .iter()
        .map(|a| UpstreamApp::from_sandbox(a, &handle.base_url()))
        .collect()
}
