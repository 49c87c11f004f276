//! What every test binary of the console shares: a database that exists for one test (an SQLite
//! file, or a PostgreSQL database created on `PUSHDECK_TEST_POSTGRES_URL` and dropped
//! afterwards), and `both_stores!`, which runs a test body once on each.
//!
//! Included by each binary's `main.rs` as `mod support;` (with `#[path]`).

#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

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
        let tag = format!(
            "{}_{}_{}",
            std::process::id(),
            n,
            rand::random::<u32>() % 1_000_000
        );
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

    /// A migrated store on this database (each call a pool of its own: another "instance").
    pub async fn store(&self) -> Store {
        let store = Store::connect(&self.url, 5, Duration::from_secs(5))
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

/// Runs a test body once per store: `both_stores!(name, |db| async move { … })`.
#[macro_export]
macro_rules! both_stores {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn on_sqlite() {
                ($body)($crate::support::Db::Sqlite).await
            }
            #[tokio::test]
            async fn on_postgres() {
                ($body)($crate::support::Db::Postgres).await
            }
        }
    };
}
