//! The audit log: append-only. There is no update or delete here, and the database refuses both.

use app::dto::AuditEntry;
use sqlx::Row;

use super::{Store, StoreError};

/// An entry to append.
#[derive(Clone, Debug, Default)]
pub struct NewAudit {
    pub at_ms: i64,
    pub user_id: Option<i64>,
    pub username: String,
    pub ip: String,
    /// `action`, `admin` or `auth`.
    pub kind: &'static str,
    pub action: String,
    pub app_id: Option<String>,
    pub push_id: Option<String>,
    pub request_summary: String,
    pub upstream_answer: String,
    pub outcome: String,
    pub detail: String,
    /// The API token the request came with ("lee via token deploy-bot").
    pub via_token: Option<String>,
}

/// Filters of the audit page.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub username: Option<String>,
    pub action: Option<String>,
    pub push_id: Option<String>,
    pub from_ms: Option<i64>,
    pub until_ms: Option<i64>,
    /// Entries older than this id (keyset paging, newest first).
    pub before_id: Option<i64>,
}

const COLUMNS: &str = "audit_id, at_ms, username, ip, kind, action, app_id, push_id, request_summary, upstream_answer, outcome, detail, via_token";

fn from_row(r: &sqlx::any::AnyRow) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        id: r.try_get("audit_id")?,
        at_ms: r.try_get("at_ms")?,
        username: r.try_get("username")?,
        ip: r.try_get("ip")?,
        kind: r.try_get("kind")?,
        action: r.try_get("action")?,
        app_id: r.try_get("app_id")?,
        push_id: r.try_get("push_id")?,
        request_summary: r.try_get("request_summary")?,
        upstream_answer: r.try_get("upstream_answer")?,
        outcome: r.try_get("outcome")?,
        detail: r.try_get("detail")?,
        via_token: r.try_get("via_token")?,
    })
}

/// Appends an entry on `conn`, inside whatever transaction it is in (an action's outcome is
/// audited in the transaction that settles it).
pub(crate) async fn insert_audit(
    conn: &mut sqlx::AnyConnection,
    e: &NewAudit,
) -> Result<(), StoreError> {
    sqlx::query(
        "insert into audit_log (at_ms, user_id, username, ip, kind, action, app_id, push_id, request_summary, upstream_answer, outcome, detail, via_token)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(e.at_ms)
    .bind(e.user_id)
    .bind(&e.username)
    .bind(&e.ip)
    .bind(e.kind)
    .bind(&e.action)
    .bind(e.app_id.as_deref())
    .bind(e.push_id.as_deref())
    .bind(&e.request_summary)
    .bind(&e.upstream_answer)
    .bind(&e.outcome)
    .bind(&e.detail)
    .bind(e.via_token.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}

impl Store {
    pub async fn append_audit(&self, e: &NewAudit) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        insert_audit(&mut conn, e).await
    }

    /// A task's timeline, oldest first.
    pub async fn task_audit(
        &self,
        app_id: &str,
        push_id: &str,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(&format!(
            "select {COLUMNS} from audit_log where app_id = $1 and push_id = $2 order by at_ms, audit_id"
        ))
        .bind(app_id)
        .bind(push_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// A page of the audit log, newest first.
    pub async fn audit_page(
        &self,
        f: &AuditFilter,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let mut sql = format!("select {COLUMNS} from audit_log where 1 = 1");
        let mut texts: Vec<String> = Vec::new();
        let mut ints: Vec<(usize, i64)> = Vec::new();
        let mut n = 0usize;
        let mut next = || {
            n += 1;
            n
        };
        if let Some(u) = &f.username {
            let i = next();
            sql.push_str(&format!(" and username = ${i}"));
            texts.push(u.clone());
        }
        if let Some(a) = &f.action {
            let i = next();
            sql.push_str(&format!(" and action = ${i}"));
            texts.push(a.clone());
        }
        if let Some(p) = &f.push_id {
            let i = next();
            sql.push_str(&format!(" and push_id = ${i}"));
            texts.push(p.clone());
        }
        let text_count = texts.len();
        for (col, op, v) in [
            ("at_ms", ">=", f.from_ms),
            ("at_ms", "<", f.until_ms),
            ("audit_id", "<", f.before_id),
        ] {
            if let Some(v) = v {
                let i = next();
                sql.push_str(&format!(" and {col} {op} ${i}"));
                ints.push((i, v));
            }
        }
        sql.push_str(&format!(" order by audit_id desc limit {limit}"));
        let mut q = sqlx::query(&sql);
        for t in texts {
            q = q.bind(t);
        }
        debug_assert!(ints.iter().all(|(i, _)| *i > text_count));
        for (_, v) in ints {
            q = q.bind(v);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(from_row).collect()
    }
}
