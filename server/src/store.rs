//! The database, through sqlx's `Any` driver with a run-time choice between SQLite (the default,
//! an embedded file in WAL mode) and PostgreSQL (several instances). Each backend has its own
//! migrations under `server/migrations/<backend>/`, applied at start-up.
//!
//! Everything that must hold across instances lives here, never in process memory: sessions,
//! action intents, the quota ledger, sync leases.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Connection, Executor};

pub mod apps;
pub mod audit;
mod clock;
pub mod instances;
pub mod intents;
pub mod leases;
pub mod pacing;
pub mod quota;
pub mod tasks;
pub mod tokens;
pub mod users;

pub use clock::StampClock;

/// Which database is behind the pool; a few statements differ (`FOR UPDATE SKIP LOCKED`,
/// `LISTEN/NOTIFY`, case-insensitive `LIKE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A failure of the store. Its `Display` is for the log, never for the browser.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot connect to the database at {url}: {source}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot apply the database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot create the directory {path} for the SQLite database: {source}")]
    Directory {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    /// A row that breaks an invariant of ours (an unknown status string, say).
    #[error("unexpected data in the database: {0}")]
    Corrupt(String),
}

/// The connection pool and the backend it talks to.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    /// Whose clock stamps the rows instances share (ledger, leases): see [`StampClock`].
    stamps: StampClock,
    /// This instance's clock is too far from the database's to act, read or reconcile
    /// (`clock.rs`); shared by every clone of the store in the process.
    clock_off: std::sync::Arc<std::sync::atomic::AtomicBool>,
    url: String,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Connects (creating the SQLite file and its directory if missing) and checks the connection.
    pub async fn connect(
        url: &str,
        max_connections: u32,
        timeout: Duration,
    ) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        let mut url_owned = url.to_string();
        if backend == Backend::Sqlite {
            let path = sqlite_path(url);
            if let Some(dir) = std::path::Path::new(&path).parent()
                && !dir.as_os_str().is_empty()
            {
                std::fs::create_dir_all(dir).map_err(|source| StoreError::Directory {
                    path: dir.display().to_string(),
                    source,
                })?;
            }
            if !url.contains("mode=") && !path.starts_with(":memory:") {
                url_owned.push_str(if url.contains('?') {
                    "&mode=rwc"
                } else {
                    "?mode=rwc"
                });
            }
        }
        let connect_err = |source| StoreError::Connect {
            url: redact_url(url),
            source,
        };
        let options = AnyConnectOptions::from_str(&url_owned)
            .map_err(connect_err)?
            .disable_statement_logging();
        // One direct connection first: a pool hides the cause of a refused connection behind
        // "pool timed out", and start-up must say what is wrong in one line.
        match tokio::time::timeout(timeout, sqlx::AnyConnection::connect_with(&options)).await {
            Ok(Ok(conn)) => {
                let _ = conn.close().await;
            }
            Ok(Err(e)) => return Err(connect_err(e)),
            Err(_) => {
                return Err(StoreError::Connect {
                    url: redact_url(url),
                    source: sqlx::Error::PoolTimedOut,
                });
            }
        }
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite {
                max_connections.min(8)
            } else {
                max_connections
            })
            .acquire_timeout(timeout)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers go on while one writer writes; busy_timeout makes a
                        // second writer wait instead of failing at once.
                        conn.execute("pragma journal_mode = wal").await?;
                        conn.execute("pragma busy_timeout = 10000").await?;
                        conn.execute("pragma synchronous = normal").await?;
                        conn.execute("pragma foreign_keys = on").await?;
                        // Reads straight from the operating system's cache of the file rather
                        // than copied into each connection's 2 MB page cache: at a million
                        // tasks a search's scan took half the time (`BENCHMARKS.md`). Address
                        // space, not memory: the pages are the kernel's, shared by every
                        // connection.
                        conn.execute("pragma mmap_size = 1073741824").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(connect_err)?;
        Ok(Store {
            pool,
            backend,
            stamps: StampClock::Database,
            clock_off: Default::default(),
            url: url.to_string(),
        })
    }

    /// Applies this backend's migrations.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and writes later fails with
    /// "database is locked" instead of waiting when another writer got there in between.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("begin immediate").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("select 1").execute(&self.pool).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The database URL, with any password hidden.
    pub fn redacted_url(&self) -> String {
        redact_url(&self.url)
    }

    /// The raw URL (for a PostgreSQL `LISTEN` connection).
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// The pool itself, for tests that check what the database refuses or holds.
    #[doc(hidden)]
    pub fn pool_for_tests(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn sqlite_path(url: &str) -> String {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    rest.split('?').next().unwrap_or("").to_string()
}

/// Hides the password of a database URL (`postgres://user:***@host/db`).
pub fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((creds, host)) = rest.rsplit_once('@')
        && let Some((user, _)) = creds.split_once(':')
    {
        return format!("{scheme}://{user}:***@{host}");
    }
    url.to_string()
}

/// The current Unix time in seconds.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://h/db"), "postgres://h/db");
        assert_eq!(redact_url("sqlite://data/x.db"), "sqlite://data/x.db");
    }

    #[test]
    fn sqlite_paths_are_read_from_urls() {
        assert_eq!(sqlite_path("sqlite://data/x.db?mode=rwc"), "data/x.db");
        assert_eq!(sqlite_path("sqlite:///tmp/x.db"), "/tmp/x.db");
    }
}
