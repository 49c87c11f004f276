//! Test scaffolding: fresh databases on both backends and a running application.

use std::sync::atomic::{AtomicU32, Ordering};

use pushdeck::config::Config;
use pushdeck::store::Store;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Which store a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server the store suites run on (the machine's local one by default).
pub fn postgres_admin_url() -> String {
    std::env::var("PUSHDECK_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// A database that exists for one test: an SQLite file in a temporary directory, or a
/// PostgreSQL database created for the test and dropped when this guard drops.
pub struct TestDb {
    pub url: String,
    pg_name: Option<String>,
    dir: Option<std::path::PathBuf>,
}

impl TestDb {
    pub async fn new(db: Db) -> TestDb {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let tag = format!("{}_{}_{}", std::process::id(), n, rand_suffix());
        match db {
            Db::Sqlite => {
                let dir = std::env::temp_dir().join(format!("pushdeck-test-{tag}"));
                std::fs::create_dir_all(&dir).unwrap();
                TestDb {
                    url: format!("sqlite://{}/pushdeck.db", dir.display()),
                    pg_name: None,
                    dir: Some(dir),
                }
            }
            Db::Postgres => {
                let name = format!("pushdeck_test_{tag}");
                let admin = postgres_admin_url();
                admin_exec(&admin, &format!("create database {name}")).await;
                let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
                TestDb {
                    url: format!("{base}/{name}"),
                    pg_name: Some(name),
                    dir: None,
                }
            }
        }
    }

    /// A migrated store on this database.
    pub async fn store(&self) -> Store {
        let store = Store::connect(&self.url, 5, std::time::Duration::from_secs(5))
            .await
            .expect("connect to the test database");
        store.migrate().await.expect("migrate the test database");
        store
    }
}

async fn admin_exec(admin_url: &str, sql: &str) {
    sqlx::any::install_default_drivers();
    use sqlx::Connection;
    let mut conn = sqlx::AnyConnection::connect(admin_url)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url} is needed for the store tests: {e}"));
    sqlx::query(sql).execute(&mut conn).await.unwrap();
    let _ = conn.close().await;
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some(name) = self.pg_name.take() {
            // Drop runs outside async; a short-lived runtime on another thread does the work.
            let admin = postgres_admin_url();
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(admin_exec(
                    &admin,
                    &format!("drop database if exists {name} with (force)"),
                ));
            })
            .join();
        }
    }
}

fn rand_suffix() -> u32 {
    use rand::Rng;
    rand::thread_rng().gen_range(0..1_000_000)
}

/// A configuration for tests: the given database, port 0, no sandbox unless asked.
pub fn test_config(db_url: &str) -> Config {
    let mut c = Config::default();
    c.server.listen = ([127, 0, 0, 1], 0).into();
    c.database.url = db_url.to_string();
    c.sandbox.enabled = false;
    c.sync.enabled = false;
    c
}

/// Runs a test body once per store: `both_stores!(name, |db| async move { … })`.
#[macro_export]
macro_rules! both_stores {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn on_sqlite() {
                ($body)($crate::helpers::Db::Sqlite).await
            }
            #[tokio::test]
            async fn on_postgres() {
                ($body)($crate::helpers::Db::Postgres).await
            }
        }
    };
}

/// The store's pool, for tests that must speak SQL directly.
pub fn pool(store: &Store) -> &sqlx::AnyPool {
    store.pool_for_tests()
}

/// Every text and number cell of every table, one line per row: for searching the database
/// for what must never be stored.
pub async fn dump_database(store: &Store) -> String {
    use sqlx::{Column, Row};
    let tables = [
        "apps",
        "tasks",
        "task_channels",
        "quota_calls",
        "quota_state",
        "leases",
        "watches",
        "action_intents",
        "users",
        "sessions",
        "login_failures",
        "audit_log",
    ];
    let mut out = String::new();
    for t in tables {
        let rows = sqlx::query(&format!("select * from {t}"))
            .fetch_all(pool(store))
            .await
            .unwrap();
        for r in rows {
            for (i, c) in r.columns().iter().enumerate() {
                let cell = r
                    .try_get::<String, _>(i)
                    .or_else(|_| r.try_get::<i64, _>(i).map(|v| v.to_string()))
                    .or_else(|_| r.try_get::<f64, _>(i).map(|v| v.to_string()))
                    .unwrap_or_default();
                out.push_str(&format!("{t}.{}={cell}\t", c.name()));
            }
            out.push('\n');
        }
    }
    out
}
