//! The `apps` table mirrors the configured apps (never their SecretKeys), so tasks and audit
//! entries can refer to them.

use super::{Store, StoreError, unix_now};

/// The columns of one app row.
pub struct AppRow<'a> {
    pub app_id: &'a str,
    pub name: &'a str,
    pub platform: &'a str,
    pub access_id: &'a str,
    pub access_point: &'a str,
    pub auth_scheme: &'a str,
    pub recall_available: bool,
}

impl Store {
    /// Inserts or updates the configured apps.
    pub async fn upsert_app(&self, app: &AppRow<'_>) -> Result<(), StoreError> {
        let now = unix_now();
        sqlx::query(
            "insert into apps (app_id, name, platform, access_id, access_point, auth_scheme, recall_available, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $8)
             on conflict (app_id) do update set name = excluded.name, platform = excluded.platform,
               access_id = excluded.access_id, access_point = excluded.access_point,
               auth_scheme = excluded.auth_scheme, recall_available = excluded.recall_available,
               updated_at = excluded.updated_at",
        )
        .bind(app.app_id)
        .bind(app.name)
        .bind(app.platform)
        .bind(app.access_id)
        .bind(app.access_point)
        .bind(app.auth_scheme)
        .bind(i64::from(app.recall_available))
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
