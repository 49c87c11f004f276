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

/// Runs the `pushdeck` command line (`args` from the subcommand on) against `db_url`, in the
/// terminal language `lang`, with `stdin`; whether it succeeded, and all it printed.
pub fn pushdeck_in(lang: &str, db_url: &str, args: &[&str], stdin: Option<&str>) -> (bool, String) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_pushdeck"))
        .args(args)
        .env("PUSHDECK_LANG", "")
        .env("LC_ALL", "")
        .env("LC_MESSAGES", "")
        .env("LANG", lang)
        .env("PUSHDECK__DATABASE__URL", db_url)
        .env("PUSHDECK__LOG__FILTER", "error")
        .env("USER", "ops-oncall")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}
