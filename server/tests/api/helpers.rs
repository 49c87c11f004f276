//! Test scaffolding: fresh databases on both backends and a running application.

use pushdeck::config::Config;
use pushdeck::store::Store;

pub use crate::support::{Db, TestDb};

/// A configuration for tests: the given database, port 0, no sandbox unless asked.
pub fn test_config(db_url: &str) -> Config {
    let mut c = Config::default();
    c.server.listen = ([127, 0, 0, 1], 0).into();
    c.database.url = db_url.to_string();
    c.sandbox.enabled = false;
    c.sync.enabled = false;
    c
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
        "api_tokens",
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
