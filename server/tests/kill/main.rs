//! Killing the real `pushdeck serve` while overrides are in flight, against a standalone
//! `pushdeck sandbox` that outlives it: every push TPNS took must be recognised after the restart,
//! the dialog's retries (same request key) answered with it, fresh attempts refused, and no
//! second override may ever reach the devices.
//!
//! The sandbox applies each override and then holds its answer for seconds before dropping the
//! connection (a fault after the effect), so that at the moment of the `SIGKILL` twenty pushes
//! have gone out and the console has heard of none. The time from the restart (or, with two
//! instances, from the kill) until every intent is settled is printed; the target is 30 s.

#[path = "../support/mod.rs"]
mod support;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pushdeck::store::Store;
use serde_json::{Value, json};
use support::{Db, TestDb};

const BIN: &str = env!("CARGO_BIN_EXE_pushdeck");
const APP: &str = "demo-android";
const OVERRIDES: usize = 20;
const PASSWORD: &str = "kill-test-password-123";
/// The target of issue 11: every in-flight action settled within 30 s of the restart.
const TARGET: Duration = Duration::from_secs(30);

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process killed when dropped (a failing test leaves nothing running).
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Proc {
    /// `SIGKILL`: no shutdown, no cleanup.
    fn kill(mut self) {
        self.0.kill().expect("kill the console");
        self.0.wait().unwrap();
    }
}

struct Sandbox {
    _proc: Proc,
    url: String,
    http: reqwest::Client,
}

impl Sandbox {
    async fn start() -> Sandbox {
        let port = free_port();
        let child = Command::new(BIN)
            .args(["sandbox", "--listen", &format!("127.0.0.1:{port}")])
            .args(["--admin-api", "--seed", "5", "--background-every", "0"])
            .args(["--history-days", "0", "--stats-calls-per-hour", "0"])
            .args(["--pushes-per-second", "0"])
            .env("PUSHDECK__LOG__FILTER", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("start the sandbox");
        let url = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        wait_until_listening(&http, &format!("{url}/_sandbox/traffic")).await;
        Sandbox {
            _proc: Proc(child),
            url,
            http,
        }
    }

    async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        let res = self
            .http
            .post(format!("{}{path}", self.url))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{path}: {}", res.status());
        res
    }

    async fn overrides(&self) -> Vec<(String, String)> {
        self.http
            .get(format!("{}/_sandbox/overrides/{APP}", self.url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

async fn wait_until_listening(http: &reqwest::Client, url: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = http.get(url).send().await
            && r.status().is_success()
        {
            return;
        }
        assert!(Instant::now() < deadline, "{url} never answered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// How to start a console on the shared database, pointed at the sandbox.
#[derive(Clone)]
struct Console {
    db_url: String,
    sandbox_url: String,
    port: u16,
}

impl Console {
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .env(
                "PUSHDECK__SERVER__LISTEN",
                format!("127.0.0.1:{}", self.port),
            )
            .env("PUSHDECK__DATABASE__URL", &self.db_url)
            .env("PUSHDECK__SANDBOX__ENABLED", "false")
            .env("PUSHDECK__APPS__0__ID", APP)
            .env("PUSHDECK__APPS__0__NAME", "Demo Shop")
            .env("PUSHDECK__APPS__0__PLATFORM", "android")
            .env("PUSHDECK__APPS__0__ACCESS_ID", "1500000101")
            .env("PUSHDECK__APPS__0__ACCESS_POINT", "custom")
            .env("PUSHDECK__APPS__0__BASE_URL", &self.sandbox_url)
            .env("PUSHDECK__APPS__0__SECRET_KEY_ENV", "KILL_TEST_SECRET")
            .env("PUSHDECK__APPS__0__RECALL_AVAILABLE", "true")
            .env("KILL_TEST_SECRET", pushdeck::sandbox::DEMO_ANDROID_SECRET)
            .env("PUSHDECK__SYNC__CALLS_PER_HOUR", "100000")
            .env("PUSHDECK__SYNC__RESERVE_PER_HOUR", "5000")
            .env("PUSHDECK__SYNC__RECONCILE_PER_HOUR", "5000")
            .env("PUSHDECK__UPSTREAM__REQUEST_TIMEOUT_SECS", "30")
            // Twenty overrides go out at once (the sandbox here allows it): the pacing of
            // TPNS's one push a second is tested in the api suite.
            .env("PUSHDECK__UPSTREAM__PUSHES_PER_SECOND", "0")
            .env("PUSHDECK__LOG__FILTER", "warn")
            .stdout(Stdio::null());
        c
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn start(&self) -> Proc {
        let child = self
            .command(&["serve"])
            .spawn()
            .expect("start pushdeck serve");
        let proc = Proc(child);
        wait_until_listening(&reqwest::Client::new(), &format!("{}/readyz", self.base())).await;
        proc
    }
}

/// An operator's browser: signed in, posting the dialog's form.
struct Operator {
    http: reqwest::Client,
    cookie: String,
}

impl Operator {
    fn clone(&self) -> Operator {
        Operator {
            http: self.http.clone(),
            cookie: self.cookie.clone(),
        }
    }

    async fn sign_in(console: &Console) -> Operator {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let base = console.base();
        let res = http
            .post(format!("{base}/api/login"))
            .header("origin", &base)
            .form(&[("username", "killer"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        let cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("pushdeck_session=") && !c.starts_with("pushdeck_session=;"))
            .map(|c| c.split(';').next().unwrap().to_string())
            .expect("signed in");
        Operator { http, cookie }
    }

    /// The override dialog's form, sent to `console`: the outcome, or the typed error's JSON.
    async fn override_(&self, console: &Console, push_id: &str, key: &str) -> Result<Value, Value> {
        let base = console.base();
        let res = self
            .http
            .post(format!("{base}/api/act"))
            .header("origin", &base)
            .header("accept", "application/json")
            .header("cookie", &self.cookie)
            .form(&[
                ("app", APP),
                ("push_id", push_id),
                ("action", "override"),
                ("idempotency_key", key),
                ("typed_confirmation", push_id),
                ("title", "Spring sale (corrected)"),
                ("content", "The right link this time"),
                ("choice", "continue"),
            ])
            .send()
            .await
            .map_err(|e| json!({ "network": e.to_string() }))?;
        let ok = res.status().is_success();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        if ok { Ok(body) } else { Err(body) }
    }
}

/// A store for looking: no migrations of its own, just reads.
async fn store(url: &str) -> Store {
    Store::connect(url, 2, Duration::from_secs(5))
        .await
        .unwrap()
}

async fn open_intents(store: &Store) -> i64 {
    use sqlx::Row;
    sqlx::query("select count(*) as n from action_intents where state in ('pending', 'unknown')")
        .fetch_one(store.pool_for_tests())
        .await
        .unwrap()
        .get::<i64, _>("n")
}

/// Waits until the console has imported the sandbox's tasks.
async fn imported(store: &Store, ids: &[String]) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let mut missing = 0;
        for id in ids {
            if store.get_task(APP, id).await.unwrap().is_none() {
                missing += 1;
            }
        }
        if missing == 0 {
            return;
        }
        assert!(Instant::now() < deadline, "{missing} tasks never imported");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn prepare(sandbox: &Sandbox, console: &Console) -> Vec<String> {
    assert!(console.command(&["migrate"]).status().unwrap().success());
    let mut add = console
        .command(&["user", "add", "--username", "killer", "--role", "operator"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    add.stdin
        .take()
        .unwrap()
        .write_all(PASSWORD.as_bytes())
        .unwrap();
    assert!(add.wait().unwrap().success());
    let created: Value = sandbox
        .post(
            "/_sandbox/tasks",
            json!({ "app": APP, "count": OVERRIDES, "audience": "all" }),
        )
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<String> = created["push_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            v.as_str()
                .map(String::from)
                .unwrap_or_else(|| v.to_string())
        })
        .collect();
    assert_eq!(ids.len(), OVERRIDES);
    ids
}

/// Every push goes out at once; its answer is held for seconds, then the connection drops.
async fn lose_answers(sandbox: &Sandbox) {
    sandbox
        .post(
            "/_sandbox/faults",
            json!({ "endpoint": "push", "kind": { "type": "drop" }, "latency_ms": 6000, "when": "after" }),
        )
        .await;
}

async fn all_pushed(sandbox: &Sandbox) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while sandbox.overrides().await.len() < OVERRIDES {
        assert!(
            Instant::now() < deadline,
            "the overrides never reached the sandbox"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The dialog retries with its key until the console answers with an outcome; returns the time
/// from `since` until the store holds no open intent.
async fn retries_until_settled(
    op: &Operator,
    console: &Console,
    store: &Store,
    ids: &[String],
    keys: &[String],
    since: Instant,
) -> Duration {
    let deadline = since + Duration::from_secs(90);
    let mut settled_at = None;
    let mut answered = vec![false; ids.len()];
    while answered.iter().any(|a| !a) || settled_at.is_none() {
        assert!(
            Instant::now() < deadline,
            "not settled in 90 s: {answered:?}"
        );
        if settled_at.is_none() && open_intents(store).await == 0 {
            settled_at = Some(since.elapsed());
        }
        for (i, (id, key)) in ids.iter().zip(keys).enumerate() {
            if answered[i] {
                continue;
            }
            match op.override_(console, id, key).await {
                Ok(out) => {
                    assert!(out["new_push_id"].is_string(), "{out}");
                    answered[i] = true;
                }
                // Still being found out: the dialog keeps its key and tries again.
                Err(e) if e["kind"] == "Conflict" || e["kind"] == "UpstreamUnavailable" => {}
                Err(e) => panic!("task {id}, key {key}: {e}"),
            }
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    settled_at.unwrap()
}

async fn fresh_attempts_are_refused(op: &Operator, console: &Console, ids: &[String]) {
    for id in ids {
        match op.override_(console, id, &format!("fresh-{id}")).await {
            Err(e) => {
                let message = e["message"].as_str().unwrap_or_default();
                assert!(message.contains("already used Override"), "{id}: {e}");
            }
            Ok(out) => panic!("a second override of {id} went through: {out}"),
        }
    }
}

async fn everything_overridden_once(sandbox: &Sandbox, store: &Store, ids: &[String]) {
    let overrides = sandbox.overrides().await;
    assert_eq!(
        overrides.len(),
        OVERRIDES,
        "exactly one override per task reached the devices"
    );
    for id in ids {
        assert_eq!(overrides.iter().filter(|(o, _)| o == id).count(), 1, "{id}");
        let t = store.get_task(APP, id).await.unwrap().unwrap();
        assert_eq!(t.status, app::domain::Status::Overridden, "{id}");
        assert_eq!(t.in_flight, None, "{id}");
        let new = &overrides.iter().find(|(o, _)| o == id).unwrap().1;
        assert_eq!(t.overridden_by_push_id.as_ref(), Some(new), "{id}");
    }
    assert_eq!(open_intents(store).await, 0);
}

fn report(what: &str, took: Duration) {
    println!(
        "kill test ({what}): {OVERRIDES} overrides in flight at SIGKILL, all settled {:.1} s after {} (target {} s)",
        took.as_secs_f64(),
        if what.contains("two") {
            "the kill"
        } else {
            "the restart"
        },
        TARGET.as_secs()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn overrides_in_flight_at_a_kill_are_settled_after_the_restart_and_never_sent_twice() {
    let db = TestDb::new(Db::Sqlite).await;
    let db_url = db.url.clone();
    let sandbox = Sandbox::start().await;
    let console = Console {
        db_url: db_url.clone(),
        sandbox_url: sandbox.url.clone(),
        port: free_port(),
    };
    let ids = prepare(&sandbox, &console).await;
    let running = console.start().await;
    let store = store(&db_url).await;
    imported(&store, &ids).await;
    let op = Operator::sign_in(&console).await;
    lose_answers(&sandbox).await;
    let keys: Vec<String> = (0..OVERRIDES).map(|i| format!("dialog-{i}")).collect();
    let mut in_flight = Vec::new();
    for (id, key) in ids.iter().zip(&keys) {
        let (op, console, id, key) = (op.clone(), console.clone(), id.clone(), key.clone());
        in_flight.push(tokio::spawn(async move {
            op.override_(&console, &id, &key).await
        }));
    }
    all_pushed(&sandbox).await;
    running.kill();
    for f in in_flight {
        assert!(
            f.await.unwrap().is_err(),
            "no answer came back before the kill"
        );
    }
    sandbox
        .http
        .delete(format!("{}/_sandbox/faults", sandbox.url))
        .send()
        .await
        .unwrap();

    let restarted = Instant::now();
    let _running = console.start().await;
    let took = retries_until_settled(&op, &console, &store, &ids, &keys, restarted).await;
    fresh_attempts_are_refused(&op, &console, &ids).await;
    everything_overridden_once(&sandbox, &store, &ids).await;
    report("one instance, SQLite", took);
    assert!(took <= TARGET, "settled {took:?} after the restart");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_postgres_one_killed_the_other_settles_its_overrides() {
    let db = TestDb::new(Db::Postgres).await;
    let db_url = db.url.clone();
    let sandbox = Sandbox::start().await;
    let a = Console {
        db_url: db_url.clone(),
        sandbox_url: sandbox.url.clone(),
        port: free_port(),
    };
    let b = Console {
        port: free_port(),
        ..a.clone()
    };
    let ids = prepare(&sandbox, &a).await;
    let running_a = a.start().await;
    let _running_b = b.start().await;
    let store = store(&db_url).await;
    imported(&store, &ids).await;
    let (op_a, op_b) = (Operator::sign_in(&a).await, Operator::sign_in(&b).await);
    lose_answers(&sandbox).await;
    let keys: Vec<String> = (0..OVERRIDES).map(|i| format!("dialog-{i}")).collect();
    let mut in_flight = Vec::new();
    for (i, (id, key)) in ids.iter().zip(&keys).enumerate() {
        let (op, console) = if i % 2 == 0 { (&op_a, &a) } else { (&op_b, &b) };
        let (op, console, id, key) = (op.clone(), console.clone(), id.clone(), key.clone());
        in_flight.push(tokio::spawn(async move {
            op.override_(&console, &id, &key).await
        }));
    }
    all_pushed(&sandbox).await;
    running_a.kill();
    let killed = Instant::now();
    sandbox
        .http
        .delete(format!("{}/_sandbox/faults", sandbox.url))
        .send()
        .await
        .unwrap();
    for f in in_flight {
        // A's requests died with it; B's got the dropped connection: none heard of its push.
        assert!(f.await.unwrap().is_err());
    }
    // The dialogs of A's operators retry on B (the load balancer sends them there).
    let took = retries_until_settled(&op_b, &b, &store, &ids, &keys, killed).await;
    fresh_attempts_are_refused(&op_b, &b, &ids).await;
    everything_overridden_once(&sandbox, &store, &ids).await;
    report("two instances on PostgreSQL, one killed", took);
    assert!(took <= TARGET, "settled {took:?} after the kill");
}
