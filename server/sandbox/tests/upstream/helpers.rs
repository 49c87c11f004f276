//! A sandbox on port 0 driven by a manual clock, and the real client pointed at it over HTTP.

use std::sync::Arc;
use std::time::Duration;

use domain::time::format_datetime;
use domain::{Audience, MessageKind};
use sandbox::{Profile, SandboxSettings};
use sandbox::{Sandbox, SandboxConfig, SandboxHandle, TaskSpec, demo_apps};
use serde_json::Value;
use tpns::AuthScheme;
use tpns::clock::{Clock, ManualClock, SharedClock};
use tpns::{ClientOptions, Credentials, PushRequest, RecordQuery, TpnsClient, signature};

/// 2025-03-10 10:00:00 in TPNS's zone (+08:00).
pub const START_S: i64 = 1_741_572_000;
pub const ANDROID: &str = "demo-android";
pub const IOS: &str = "demo-ios";
pub const NEWS: &str = "demo-news";

pub struct TestSandbox {
    pub handle: SandboxHandle,
    pub clock: Arc<ManualClock>,
    pub client: TpnsClient,
}

impl TestSandbox {
    /// No history, no background traffic, a fixed seed, the admin API on.
    pub async fn start() -> TestSandbox {
        TestSandbox::start_with(|_| {}).await
    }

    /// As [`TestSandbox::start`], answering as `profile` says.
    pub async fn with_profile(profile: Profile) -> TestSandbox {
        TestSandbox::start_with(|c| c.settings.profile = profile).await
    }

    pub async fn start_with(tweak: impl FnOnce(&mut SandboxConfig)) -> TestSandbox {
        let clock = Arc::new(ManualClock::new(START_S * 1000));
        let settings = SandboxSettings {
            seed: Some(7),
            history_days: 0,
            background_every_secs: 0.0,
            admin_api: true,
            ..SandboxSettings::default()
        };
        let mut config =
            SandboxConfig::new(&settings, demo_apps(), SharedClock::manual(clock.clone()));
        tweak(&mut config);
        let handle = Sandbox::start(config)
            .await
            .expect("the sandbox starts on port 0");
        TestSandbox {
            handle,
            client: client(SharedClock::manual(clock.clone())),
            clock,
        }
    }

    /// Signature credentials of a demo app.
    pub fn creds(&self, app: &str) -> Credentials {
        self.handle
            .credentials(app, AuthScheme::Signature)
            .expect("a demo app")
    }

    pub fn basic(&self, app: &str) -> Credentials {
        self.handle
            .credentials(app, AuthScheme::Basic)
            .expect("a demo app")
    }

    pub fn advance(&self, d: Duration) {
        self.clock.advance_ms(d.as_millis() as i64);
    }

    pub fn now_s(&self) -> i64 {
        self.clock.now_ms() / 1000
    }

    /// A `send_time` `secs` from now, in TPNS's zone.
    pub fn send_time_in(&self, secs: i64) -> String {
        format_datetime(self.now_s() + secs, 480)
    }

    /// An Android push to all devices; one second later on the clock, so that consecutive calls
    /// keep within the one-push-a-second limit.
    pub async fn push_all(&self, title: &str) -> String {
        self.advance(Duration::from_secs(1));
        let req = PushRequest::new(Audience::All, MessageKind::Notify, title, "Tap to see");
        self.client
            .push(&self.creds(ANDROID), &req)
            .await
            .expect("push to all")
            .push_id
    }

    /// A task scheduled `secs` ahead, created directly in the sandbox.
    pub fn scheduled_task(&self, app: &str, secs: u64) -> String {
        let spec = TaskSpec {
            send_in: Some(Duration::from_secs(secs)),
            ..TaskSpec::default()
        };
        self.handle.create_task(app, &spec).expect("a demo app")
    }

    /// Posts `body` verbatim to `path`, signed as `app`, and returns the answer's JSON.
    pub async fn raw_post(&self, app: &str, path: &str, body: &str) -> Value {
        let c = self.creds(app);
        let ts = self.now_s();
        let sign = signature(&c.secret, ts, &c.access_id, body.as_bytes());
        reqwest::Client::new()
            .post(format!("{}{path}", c.base_url))
            .header("Content-Type", "application/json")
            .header("AccessId", &c.access_id)
            .header("TimeStamp", ts.to_string())
            .header("Sign", sign)
            .body(body.to_string())
            .send()
            .await
            .expect("the sandbox answers")
            .json()
            .await
            .expect("a JSON answer")
    }
}

/// The client with test-sized timeouts and backoff.
pub fn client(clock: SharedClock) -> TpnsClient {
    TpnsClient::new(ClientOptions {
        connect_timeout: Duration::from_millis(500),
        request_timeout: Duration::from_millis(400),
        max_retries: 2,
        retry_base_delay: Duration::from_millis(5),
        clock,
        observer: None,
    })
}

pub fn push(audience: Audience, title: &str) -> PushRequest {
    PushRequest::new(audience, MessageKind::Notify, title, "Content")
}

/// A `token_list` push, which no push-rate limit applies to.
pub fn token_push(n: usize) -> PushRequest {
    let mut req = push(Audience::TokenList, "Your order has shipped");
    req.token_list = Some((0..n).map(|i| format!("{i:036}")).collect());
    req
}

/// Every task of the last month (from the helpers' clock date), `limit` a page.
pub fn month_query(limit: u32) -> RecordQuery {
    RecordQuery {
        start_date: "2025-02-10".into(),
        end_date: "2025-03-10".into(),
        offset: 0,
        limit,
        msg_type: None,
        push_type: None,
    }
}

/// Runs contract tests once per answer profile: `every_profile!(name, …)` turns each
/// `async fn name(profile: Profile)` of the calling module into the tests `name::friendly`,
/// `name::sparse` and `name::quirky`, so that a failure names the profile it failed under.
macro_rules! every_profile {
    ($($test:ident),* $(,)?) => {$(
        mod $test {
            #[tokio::test]
            async fn friendly() {
                super::$test(sandbox::Profile::Friendly).await
            }
            #[tokio::test]
            async fn sparse() {
                super::$test(sandbox::Profile::Sparse).await
            }
            #[tokio::test]
            async fn quirky() {
                super::$test(sandbox::Profile::Quirky).await
            }
        }
    )*};
}
pub(crate) use every_profile;

// `every_profile!` runs each of `Profile::ALL`: a new profile must be added there too.
const _: () = assert!(Profile::ALL.len() == 3);
