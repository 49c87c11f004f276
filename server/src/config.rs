//! Layered configuration: built-in defaults, then an optional TOML file (`--config`), then
//! `PUSHDECK__SECTION__KEY` environment variables. Unknown keys are errors, so a typo fails start-up
//! with the key's name instead of being silently ignored.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

pub use sandbox::SandboxSettings;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
pub use tpns::{AccessPoint, AuthScheme};

/// Everything Pushdeck can be configured with.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub sandbox: SandboxSettings,
    pub sync: SyncConfig,
    pub auth: AuthConfig,
    pub log: LogConfig,
    pub upstream: UpstreamConfig,
    pub metrics: MetricsConfig,
    /// The TPNS apps the console serves (besides the sandbox's demo apps when the sandbox runs).
    pub apps: Vec<AppConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Where the console listens.
    pub listen: SocketAddr,
    /// The address users reach the console at (behind a load balancer, its public URL). Used for
    /// the `Origin` check of state-changing requests and, when `https`, for `Secure` cookies.
    pub public_url: Option<String>,
    /// The directory cargo-leptos builds the site into (`pkg/` with the wasm, JS and CSS).
    pub site_root: PathBuf,
    /// The time zone the console shows times in, and in which TPNS's wall-clock times are read.
    #[serde(deserialize_with = "string_or_scalar")]
    pub display_utc_offset: String,
    /// Seconds to wait for in-flight requests on shutdown.
    pub shutdown_grace_secs: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: ([127, 0, 0, 1], 3000).into(),
            public_url: None,
            site_root: PathBuf::from("target/site"),
            display_utc_offset: "+08:00".into(),
            shutdown_grace_secs: 10,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://path/to/file.db` (the default, created if missing) or `postgres://…`.
    pub url: String,
    pub max_connections: u32,
    /// Seconds to wait for the database at start-up before giving up.
    pub connect_timeout_secs: u64,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            url: "sqlite://data/pushdeck.db".into(),
            max_connections: 10,
            connect_timeout_secs: 5,
        }
    }
}

/// Status tracking (see `server/docs/product.md`, "Tracking task status under the upstream's query budget").
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SyncConfig {
    pub enabled: bool,
    /// Calls an hour the ledger allows per app and query endpoint (TPNS: 200).
    pub calls_per_hour: u32,
    /// Calls an hour kept back from the sync worker for people (Refresh now, action read-backs).
    pub reserve_per_hour: u32,
    /// Calls an hour never made at all, a margin for the difference between the ledger's clock
    /// and TPNS's (and for calls under way when an hour turns).
    pub margin_per_hour: u32,
    /// How far back the list query looks for tasks (TPNS keeps one month).
    pub lookback_days: u32,
    /// How often the details page's task is refreshed while it is open.
    pub open_task_interval_secs: u64,
    /// Of the calls people may make, how many an hour (per app and endpoint) the reconciler may
    /// spend finding out whether an action whose answer was lost took effect. It first uses
    /// what the sync worker has read since; this bounds what it reads itself.
    pub reconcile_per_hour: u32,
    /// How often each instance beats and the reconciler looks for actions whose outcome is
    /// unknown (seconds; 0: never in the background, for tests that drive it themselves).
    pub reconcile_every_secs: f64,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            enabled: true,
            calls_per_hour: 200,
            reserve_per_hour: 10,
            margin_per_hour: 2,
            lookback_days: 30,
            open_task_interval_secs: 25,
            reconcile_per_hour: 5,
            reconcile_every_secs: 2.0,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// Sign out after this many minutes without a request.
    pub idle_timeout_mins: u64,
    /// Sign out after this many hours whatever the activity.
    pub absolute_timeout_hours: u64,
    /// Failed sign-ins of a username from one address (and of an address, ×4) in 15 minutes
    /// before its attempts wait, doubling; a username guessed at from anywhere more than ×4
    /// times is slowed, never locked (`server/docs/security.md`).
    pub max_failures: u32,
    /// Trust `X-Forwarded-For` from a load balancer for the client address.
    pub trust_forwarded_for: bool,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            idle_timeout_mins: 60,
            absolute_timeout_hours: 12,
            max_failures: 5,
            trust_forwarded_for: false,
        }
    }
}

/// How Pushdeck talks to TPNS.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UpstreamConfig {
    pub connect_timeout_secs: f64,
    /// A call without an answer after this long is a timeout; for an action its outcome is then
    /// unknown until the task is read back.
    pub request_timeout_secs: f64,
    /// Retries of calls that are safe to repeat (queries, stop, cancel); never of a push.
    pub retries: u32,
    /// All, tag and package pushes a second per app that TPNS accepts (1 on the documented
    /// plans, `server/docs/tpns.md` §8): an override waits its turn rather than be refused.
    /// 0 turns the pacing off.
    pub pushes_per_second: u32,
}

impl Default for UpstreamConfig {
    fn default() -> Self {
        UpstreamConfig {
            connect_timeout_secs: 3.0,
            request_timeout_secs: 10.0,
            retries: 2,
            pushes_per_second: 1,
        }
    }
}

/// Where Prometheus scrapes `/metrics` (`server/docs/api.md`, "Metrics"). Off unless one of the
/// two is set: the console's own listener never answers it to everyone.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsConfig {
    /// A listener of its own for `/metrics` (e.g. `127.0.0.1:9464`), without authentication:
    /// keep it on a private address.
    pub listen: Option<SocketAddr>,
    /// On the console's listener, `/metrics` answers requests that carry this bearer token.
    pub token: Option<SecretString>,
    /// The same, read from this environment variable.
    pub token_env: Option<String>,
}

impl MetricsConfig {
    /// The bearer token `/metrics` takes on the console's listener, if one is configured.
    pub fn resolve_token(&self) -> Result<Option<SecretString>, ConfigError> {
        if let Some(t) = &self.token
            && !t.expose_secret().is_empty()
        {
            return Ok(Some(t.clone()));
        }
        match &self.token_env {
            Some(var) => std::env::var(var)
                .ok()
                .filter(|v| !v.is_empty())
                .map(|v| Some(SecretString::from(v)))
                .ok_or_else(|| {
                    ConfigError(format!(
                        "metrics: the environment variable {var} (token_env) is not set"
                    ))
                }),
            None => Ok(None),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// A `tracing` filter, e.g. `info,pushdeck=debug`. `RUST_LOG` wins when set.
    pub filter: String,
    /// `text` or `json`.
    pub format: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            filter: "info,sqlx=warn,tower_http=info".into(),
            format: "text".into(),
        }
    }
}

/// One TPNS app. The SecretKey comes from the environment or a file, never from the database.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    /// Short id used in URLs, e.g. `shop-android`.
    #[serde(deserialize_with = "string_or_scalar")]
    pub id: String,
    #[serde(deserialize_with = "string_or_scalar")]
    pub name: String,
    /// `android` or `ios`: a TPNS app (AccessID) belongs to one platform.
    pub platform: String,
    /// Numeric-looking, so `PUSHDECK__APPS__0__ACCESS_ID=1500000001` must still read as text.
    #[serde(deserialize_with = "string_or_scalar")]
    pub access_id: String,
    #[serde(default = "default_access_point")]
    pub access_point: AccessPoint,
    /// Overrides the access point's host (required for `custom`).
    pub base_url: Option<String>,
    #[serde(default)]
    pub auth: AuthScheme,
    /// The SecretKey itself, meant for `PUSHDECK__APPS__<n>__SECRET_KEY`.
    #[serde(default, deserialize_with = "secret_or_scalar")]
    pub secret_key: Option<SecretString>,
    /// The name of an environment variable holding the SecretKey.
    pub secret_key_env: Option<String>,
    /// A file holding the SecretKey (e.g. a mounted secret).
    pub secret_key_file: Option<PathBuf>,
    /// TPNS has taken message recall offline; set this only if it reports it available again.
    #[serde(default)]
    pub recall_available: bool,
    /// Share of this app's Huawei devices below EMUI 10, which cannot replace a notification.
    /// TPNS reports Huawei as one channel, so the override dialog estimates them with this.
    #[serde(default = "default_huawei_legacy_share")]
    pub huawei_legacy_share: f64,
}

/// Environment values arrive typed (`123` becomes an integer); text fields take them as text.
fn string_or_scalar<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Scalar {
        S(String),
        I(i64),
        F(f64),
        B(bool),
    }
    Ok(match Scalar::deserialize(d)? {
        Scalar::S(s) => s,
        Scalar::I(i) => i.to_string(),
        Scalar::F(f) => f.to_string(),
        Scalar::B(b) => b.to_string(),
    })
}

fn secret_or_scalar<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<SecretString>, D::Error> {
    string_or_scalar(d).map(|s| Some(SecretString::from(s)))
}

fn default_access_point() -> AccessPoint {
    AccessPoint::Guangzhou
}

fn default_huawei_legacy_share() -> f64 {
    0.3
}

impl AppConfig {
    /// Reads the SecretKey from wherever the configuration says it is.
    pub fn resolve_secret(&self) -> Result<SecretString, ConfigError> {
        if let Some(s) = &self.secret_key
            && !s.expose_secret().is_empty()
        {
            return Ok(s.clone());
        }
        if let Some(var) = &self.secret_key_env {
            return std::env::var(var).map(SecretString::from).map_err(|_| {
                ConfigError(format!(
                    "app `{}`: the environment variable {var} (secret_key_env) is not set",
                    self.id
                ))
            });
        }
        if let Some(path) = &self.secret_key_file {
            return std::fs::read_to_string(path)
                .map(|s| SecretString::from(s.trim().to_string()))
                .map_err(|e| {
                    ConfigError(format!(
                        "app `{}`: cannot read secret_key_file {}: {e}",
                        self.id,
                        path.display()
                    ))
                });
        }
        Err(ConfigError(format!(
            "app `{}` has no SecretKey: set PUSHDECK__APPS__<n>__SECRET_KEY, secret_key_env or secret_key_file",
            self.id
        )))
    }
}

/// A configuration problem, as the one line start-up prints.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

const ENV_PREFIX: &str = "PUSHDECK__";

impl Config {
    /// Loads the configuration: defaults, then `file` if given, then the environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let env: Vec<(String, String)> = std::env::vars().collect();
        Config::load_from(file, &env)
    }

    /// As [`Config::load`], with the environment passed in (for tests).
    pub fn load_from(file: Option<&Path>, env: &[(String, String)]) -> Result<Config, ConfigError> {
        let mut table = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    ConfigError(format!("cannot read config file {}: {e}", path.display()))
                })?;
                text.parse::<toml::Table>().map_err(|e| {
                    ConfigError(format!(
                        "config file {} is not valid TOML: {}",
                        path.display(),
                        e.message()
                    ))
                })?
            }
            None => toml::Table::new(),
        };
        let mut vars: BTreeMap<&str, &str> = BTreeMap::new();
        for (k, v) in env {
            if let Some(rest) = k.strip_prefix(ENV_PREFIX) {
                vars.insert(rest, v);
            }
        }
        for (key, value) in vars {
            let path: Vec<String> = key.split("__").map(|s| s.to_ascii_lowercase()).collect();
            set_path(&mut table, &path, parse_env_value(value))
                .map_err(|e| ConfigError(format!("environment variable {ENV_PREFIX}{key}: {e}")))?;
        }
        let config: Config =
            serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
                let path = e.path().to_string();
                let inner = e.into_inner();
                ConfigError(format!("configuration key `{path}`: {}", inner.message()))
            })?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let bad = |m: String| Err(ConfigError(m));
        if domain::time::parse_offset(&self.server.display_utc_offset).is_none() {
            return bad(format!(
                "configuration key `server.display_utc_offset`: `{}` is not a UTC offset like +08:00",
                self.server.display_utc_offset
            ));
        }
        if !(self.database.url.starts_with("sqlite:")
            || self.database.url.starts_with("postgres://")
            || self.database.url.starts_with("postgresql://"))
        {
            return bad(format!(
                "configuration key `database.url`: `{}` is neither sqlite:… nor postgres://…",
                crate::store::redact_url(&self.database.url)
            ));
        }
        self.metrics.resolve_token()?;
        if !matches!(self.log.format.as_str(), "text" | "json") {
            return bad("configuration key `log.format`: use `text` or `json`".into());
        }
        if self.sync.reserve_per_hour + self.sync.margin_per_hour >= self.sync.calls_per_hour {
            return bad(
                "configuration keys `sync.reserve_per_hour` and `sync.margin_per_hour`: together they must be below sync.calls_per_hour"
                    .into(),
            );
        }
        if !(self.sync.reconcile_every_secs.is_finite() && self.sync.reconcile_every_secs >= 0.0) {
            return bad(
                "configuration key `sync.reconcile_every_secs`: must be 0 or a positive number"
                    .into(),
            );
        }
        if self.sync.open_task_interval_secs == 0 {
            return bad(
                "configuration key `sync.open_task_interval_secs`: must be at least 1".into(),
            );
        }
        if let Some(problem) = self.sandbox.problem() {
            return bad(format!("configuration key {problem}"));
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, app) in self.apps.iter().enumerate() {
            let key = format!("apps[{i}]");
            if app.id.is_empty()
                || !app
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return bad(format!(
                    "configuration key `{key}.id`: use letters, digits, - and _"
                ));
            }
            if !seen.insert(app.id.clone()) {
                return bad(format!(
                    "configuration key `{key}.id`: `{}` is used twice",
                    app.id
                ));
            }
            if domain::Platform::from_slug(&app.platform).is_none() {
                return bad(format!(
                    "configuration key `{key}.platform`: use `android` or `ios`"
                ));
            }
            if app.access_point == AccessPoint::Custom && app.base_url.is_none() {
                return bad(format!(
                    "configuration key `{key}.base_url`: required when access_point is `custom`"
                ));
            }
            if !(0.0..=1.0).contains(&app.huawei_legacy_share) {
                return bad(format!(
                    "configuration key `{key}.huawei_legacy_share`: must be between 0 and 1"
                ));
            }
        }
        Ok(())
    }

    /// The display offset in minutes east of UTC (validated at load).
    pub fn utc_offset_minutes(&self) -> i32 {
        domain::time::parse_offset(&self.server.display_utc_offset).unwrap_or(480)
    }
}

/// Environment values are TOML scalars when they parse as one (`true`, `42`, `1.5`, `[…]`), and
/// strings otherwise, so `PUSHDECK__SERVER__LISTEN=127.0.0.1:8080` needs no quotes.
fn parse_env_value(raw: &str) -> toml::Value {
    // TOML reads `+8` as the number 8, losing the sign an offset needs: a leading `+` is text.
    if raw.trim_start().starts_with('+') {
        return toml::Value::String(raw.to_string());
    }
    let wrapped = format!("v = {raw}");
    match wrapped.parse::<toml::Table>() {
        Ok(mut t) => t
            .remove("v")
            .unwrap_or_else(|| toml::Value::String(raw.to_string())),
        Err(_) => toml::Value::String(raw.to_string()),
    }
}

/// Sets `path` (e.g. `["apps", "0", "secret_key"]`) in `table`, creating tables and array
/// entries as needed.
fn set_path(table: &mut toml::Table, path: &[String], value: toml::Value) -> Result<(), String> {
    let (head, rest) = path.split_first().ok_or("empty key")?;
    if head.is_empty() {
        return Err("empty key segment".into());
    }
    if rest.is_empty() {
        table.insert(head.clone(), value);
        return Ok(());
    }
    let entry = table.entry(head.clone()).or_insert_with(|| {
        if rest[0].parse::<usize>().is_ok() {
            toml::Value::Array(Vec::new())
        } else {
            toml::Value::Table(toml::Table::new())
        }
    });
    match entry {
        toml::Value::Table(t) => set_path(t, rest, value),
        toml::Value::Array(items) => {
            let idx: usize = rest[0]
                .parse()
                .map_err(|_| format!("`{}` is a list; use a number after it", head))?;
            if idx > items.len() {
                return Err(format!(
                    "list index {idx} skips entries (the list has {})",
                    items.len()
                ));
            }
            if idx == items.len() {
                items.push(toml::Value::Table(toml::Table::new()));
            }
            match (&mut items[idx], &rest[1..]) {
                (slot, []) => {
                    *slot = value;
                    Ok(())
                }
                (toml::Value::Table(t), more) => set_path(t, more, value),
                _ => Err("cannot set a key inside a non-table list entry".into()),
            }
        }
        _ => Err(format!("`{head}` is not a section")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_give_the_one_machine_shape() {
        let c = Config::load_from(None, &[]).unwrap();
        assert_eq!(c.server.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(c.database.url, "sqlite://data/pushdeck.db");
        assert!(c.sandbox.enabled);
        assert!(c.sandbox.listen.ip().is_loopback());
    }

    #[test]
    fn a_file_then_the_environment_override_the_defaults() {
        let dir = std::env::temp_dir().join(format!("pushdeck-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("c.toml");
        std::fs::write(
            &file,
            "[server]\nlisten = \"127.0.0.1:4000\"\n[sandbox]\nspeedup = 10.0\n",
        )
        .unwrap();
        let c = Config::load_from(
            Some(&file),
            &env(&[
                ("PUSHDECK__SERVER__LISTEN", "127.0.0.1:5000"),
                ("PUSHDECK__DATABASE__URL", "postgres://localhost/x"),
                ("PUSHDECK__APPS__0__ID", "shop"),
                ("PUSHDECK__APPS__0__NAME", "Shop"),
                ("PUSHDECK__APPS__0__PLATFORM", "android"),
                ("PUSHDECK__APPS__0__ACCESS_ID", "1500000001"),
                ("PUSHDECK__APPS__0__SECRET_KEY", "12345"),
                ("OTHER", "ignored"),
            ]),
        )
        .unwrap();
        assert_eq!(c.server.listen.to_string(), "127.0.0.1:5000");
        assert_eq!(c.sandbox.speedup, 10.0);
        assert_eq!(c.database.url, "postgres://localhost/x");
        assert_eq!(c.apps[0].access_id, "1500000001");
        assert_eq!(c.apps[0].resolve_secret().unwrap().expose_secret(), "12345");
        // The secret never shows in Debug output.
        assert!(!format!("{c:?}").contains("12345"));
    }

    #[test]
    fn an_unknown_key_is_named_in_the_error() {
        let err = Config::load_from(None, &env(&[("PUSHDECK__SERVER__LISTN", "x")])).unwrap_err();
        assert!(
            err.0.contains("server.listn") || err.0.contains("listn"),
            "{err}"
        );
        assert!(err.0.contains("unknown field"), "{err}");
    }

    #[test]
    fn a_bad_value_is_named_in_the_error() {
        let err =
            Config::load_from(None, &env(&[("PUSHDECK__SERVER__LISTEN", "nowhere")])).unwrap_err();
        assert!(
            err.0.starts_with("configuration key `server.listen`"),
            "{err}"
        );
        let err =
            Config::load_from(None, &env(&[("PUSHDECK__DATABASE__URL", "mysql://x")])).unwrap_err();
        assert!(err.0.contains("database.url"), "{err}");
    }
}
