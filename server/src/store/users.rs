//! Users, sessions and failed sign-ins.

use domain::{Action, Locale};
use sqlx::Row;

use super::{Store, StoreError};

pub use domain::Role;

/// A stored user (without the password hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    /// The action permissions: each of the four actions is its own (operators may hold a
    /// subset; admins hold all; viewers none).
    pub permissions: Vec<Action>,
    pub disabled: bool,
    /// The language they chose, if they did.
    pub locale: Option<Locale>,
}

impl User {
    pub fn may(&self, action: Action) -> bool {
        !self.disabled && self.permissions.contains(&action)
    }
}

const USER_COLUMNS: &str = "user_id, username, role, perm_terminate, perm_recall, perm_override, perm_cancel, disabled, locale";
/// The same columns of `users u`, in a join.
pub(super) const USER_COLUMNS_QUALIFIED: &str = "u.user_id, u.username, u.role, u.perm_terminate, u.perm_recall, u.perm_override, u.perm_cancel, u.disabled, u.locale";

pub(super) fn user_from_row(r: &sqlx::any::AnyRow) -> Result<User, StoreError> {
    let role: String = r.try_get("role")?;
    let role =
        Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("users.role {role}")))?;
    let mut permissions = Vec::new();
    for (col, a) in [
        ("perm_terminate", Action::Terminate),
        ("perm_recall", Action::Recall),
        ("perm_override", Action::Override),
        ("perm_cancel", Action::Cancel),
    ] {
        // Flags are 0/1 integers: sqlx's Any driver cannot decode SQLite booleans.
        if r.try_get::<i64, _>(col)? != 0 {
            permissions.push(a);
        }
    }
    Ok(User {
        user_id: r.try_get("user_id")?,
        username: r.try_get("username")?,
        role,
        permissions,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
        // An unknown code (written by a newer version) reads as "not chosen".
        locale: r
            .try_get::<Option<String>, _>("locale")?
            .as_deref()
            .and_then(Locale::from_code),
    })
}

/// The permissions a role carries: viewers none, admins all, operators what they are given.
pub fn effective_permissions(role: Role, requested: &[Action]) -> Vec<Action> {
    match role {
        Role::Viewer => Vec::new(),
        Role::Admin => Action::ALL.to_vec(),
        Role::Operator => Action::ALL
            .into_iter()
            .filter(|a| requested.contains(a))
            .collect(),
    }
}

fn flag(b: bool) -> i64 {
    i64::from(b)
}

/// A session found by its token's hash, with its user.
#[derive(Clone, Debug)]
pub struct SessionRow {
    pub user: User,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

impl Store {
    pub async fn count_users(&self) -> Result<i64, StoreError> {
        let r = sqlx::query("select count(*) as n from users")
            .fetch_one(&self.pool)
            .await?;
        Ok(r.try_get("n")?)
    }

    /// Adds a user; `Ok(None)` if the username is taken.
    pub async fn add_user(
        &self,
        username: &str,
        hash: &str,
        role: Role,
        perms: &[Action],
        now: i64,
    ) -> Result<Option<User>, StoreError> {
        let p = effective_permissions(role, perms);
        let res = sqlx::query(&format!(
            "insert into users (username, password_hash, role, perm_terminate, perm_recall, perm_override, perm_cancel, disabled, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) returning {USER_COLUMNS}"
        ))
        .bind(username)
        .bind(hash)
        .bind(role.as_str())
        .bind(flag(p.contains(&Action::Terminate)))
        .bind(flag(p.contains(&Action::Recall)))
        .bind(flag(p.contains(&Action::Override)))
        .bind(flag(p.contains(&Action::Cancel)))
        .bind(0i64)
        .bind(now)
        .fetch_one(&self.pool)
        .await;
        match res {
            Ok(row) => Ok(Some(user_from_row(&row)?)),
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn user_by_name(&self, username: &str) -> Result<Option<(User, String)>, StoreError> {
        let row = sqlx::query(&format!(
            "select {USER_COLUMNS}, password_hash from users where username = $1"
        ))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((user_from_row(&r)?, r.try_get::<String, _>("password_hash")?)))
            .transpose()
    }

    /// Remembers the language a user chose.
    pub async fn set_locale(&self, user_id: i64, locale: Locale) -> Result<(), StoreError> {
        sqlx::query("update users set locale = $1 where user_id = $2")
            .bind(locale.code())
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        let rows = sqlx::query(&format!(
            "select {USER_COLUMNS} from users order by username"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Changes a user's role and permissions; `false` if there is no such user.
    pub async fn set_role(
        &self,
        username: &str,
        role: Role,
        perms: &[Action],
        now: i64,
    ) -> Result<bool, StoreError> {
        let p = effective_permissions(role, perms);
        let res = sqlx::query(
            "update users set role = $1, perm_terminate = $2, perm_recall = $3, perm_override = $4, perm_cancel = $5, updated_at = $6
             where username = $7",
        )
        .bind(role.as_str())
        .bind(flag(p.contains(&Action::Terminate)))
        .bind(flag(p.contains(&Action::Recall)))
        .bind(flag(p.contains(&Action::Override)))
        .bind(flag(p.contains(&Action::Cancel)))
        .bind(now)
        .bind(username)
        .execute(&self.pool)
        .await?;
        Ok(res.rows_affected() == 1)
    }

    /// Disables a user and ends their sessions at once.
    pub async fn disable_user(&self, username: &str, now: i64) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let res =
            sqlx::query("update users set disabled = $1, updated_at = $2 where username = $3")
                .bind(1i64)
                .bind(now)
                .bind(username)
                .execute(&mut *tx)
                .await?;
        sqlx::query(
            "delete from sessions where user_id in (select user_id from users where username = $1)",
        )
        .bind(username)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(res.rows_affected() == 1)
    }

    /// Sets a user's password and ends their sessions (whoever held the old one is out).
    pub async fn set_password(
        &self,
        username: &str,
        hash: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let res =
            sqlx::query("update users set password_hash = $1, updated_at = $2 where username = $3")
                .bind(hash)
                .bind(now)
                .bind(username)
                .execute(&mut *tx)
                .await?;
        sqlx::query(
            "delete from sessions where user_id in (select user_id from users where username = $1)",
        )
        .bind(username)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(res.rows_affected() == 1)
    }

    /// Enables a disabled user again; `false` if there is no such user.
    pub async fn enable_user(&self, username: &str, now: i64) -> Result<bool, StoreError> {
        let res =
            sqlx::query("update users set disabled = $1, updated_at = $2 where username = $3")
                .bind(0i64)
                .bind(now)
                .bind(username)
                .execute(&self.pool)
                .await?;
        Ok(res.rows_affected() == 1)
    }

    pub async fn create_session(
        &self,
        hash: &str,
        user_id: i64,
        now: i64,
        expires_at: i64,
        ip: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "insert into sessions (session_hash, user_id, created_at, last_seen_at, expires_at, ip) values ($1, $2, $3, $3, $4, $5)",
        )
        .bind(hash)
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .bind(ip)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn session(&self, hash: &str) -> Result<Option<SessionRow>, StoreError> {
        let row = sqlx::query(&format!(
            "select {}, s.created_at as s_created, s.last_seen_at, s.expires_at
             from sessions s join users u on u.user_id = s.user_id where s.session_hash = $1",
            USER_COLUMNS
                .split(", ")
                .map(|c| format!("u.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .bind(hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(SessionRow {
                user: user_from_row(&r)?,
                created_at: r.try_get("s_created")?,
                last_seen_at: r.try_get("last_seen_at")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    pub async fn touch_session(&self, hash: &str, now: i64) -> Result<(), StoreError> {
        sqlx::query("update sessions set last_seen_at = $1 where session_hash = $2")
            .bind(now)
            .bind(hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, hash: &str) -> Result<(), StoreError> {
        sqlx::query("delete from sessions where session_hash = $1")
            .bind(hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn record_login_failure(&self, key: &str, at_ms: i64) -> Result<(), StoreError> {
        sqlx::query("insert into login_failures (key, at_ms) values ($1, $2)")
            .bind(key)
            .bind(at_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Failed sign-ins under `key` after `since_ms`: how many, and the latest.
    pub async fn login_failures_since(
        &self,
        key: &str,
        since_ms: i64,
    ) -> Result<(i64, Option<i64>), StoreError> {
        let r = sqlx::query(
            "select count(*) as n, max(at_ms) as last from login_failures where key = $1 and at_ms > $2",
        )
        .bind(key)
        .bind(since_ms)
        .fetch_one(&self.pool)
        .await?;
        Ok((r.try_get("n")?, r.try_get("last")?))
    }

    /// Forgets failed sign-ins older than `before_ms` (they no longer count).
    pub async fn prune_login_failures(&self, before_ms: i64) -> Result<(), StoreError> {
        sqlx::query("delete from login_failures where at_ms < $1")
            .bind(before_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Takes back one counted attempt (a sign-in that succeeded).
    pub async fn forget_login_failure(&self, key: &str, at_ms: i64) -> Result<(), StoreError> {
        sqlx::query("delete from login_failures where key = $1 and at_ms = $2")
            .bind(key)
            .bind(at_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("delete from login_failures where key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
