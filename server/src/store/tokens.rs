//! API tokens (`server/docs/api.md`): only their hashes are stored. A token acts with its owner's
//! role and at most the actions flagged on it, read together with the owner on every request, so
//! that disabling the owner or narrowing their role takes effect on the next request.

use domain::Action;
use sqlx::Row;

use super::users::{USER_COLUMNS_QUALIFIED, User, user_from_row};
use super::{Store, StoreError};

/// A stored token (never the token itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiToken {
    pub token_id: i64,
    pub user_id: i64,
    pub name: String,
    /// The token's first characters, to tell tokens apart in a list.
    pub prefix: String,
    /// The actions this token may carry out (its owner's permissions narrow them further).
    pub permissions: Vec<Action>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

impl ApiToken {
    /// Whether the token authenticates at `now` (the owner is checked apart).
    pub fn is_live(&self, now: i64) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| now < e)
    }
}

/// What a new token is made of.
pub struct NewToken<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub hash: &'a str,
    pub prefix: &'a str,
    pub permissions: &'a [Action],
    pub now: i64,
    pub expires_at: Option<i64>,
}

const COLUMNS: &str = "t.token_id, t.user_id as t_user_id, t.name, t.prefix, t.perm_terminate as t_terminate, \
    t.perm_recall as t_recall, t.perm_override as t_override, t.perm_cancel as t_cancel, \
    t.created_at as t_created_at, t.expires_at, t.revoked_at, t.last_used_at";

fn token_from_row(r: &sqlx::any::AnyRow) -> Result<ApiToken, StoreError> {
    let mut permissions = Vec::new();
    for (col, a) in [
        ("t_terminate", Action::Terminate),
        ("t_recall", Action::Recall),
        ("t_override", Action::Override),
        ("t_cancel", Action::Cancel),
    ] {
        if r.try_get::<i64, _>(col)? != 0 {
            permissions.push(a);
        }
    }
    Ok(ApiToken {
        token_id: r.try_get("token_id")?,
        user_id: r.try_get("t_user_id")?,
        name: r.try_get("name")?,
        prefix: r.try_get("prefix")?,
        permissions,
        created_at: r.try_get("t_created_at")?,
        expires_at: r.try_get("expires_at")?,
        revoked_at: r.try_get("revoked_at")?,
        last_used_at: r.try_get("last_used_at")?,
    })
}

impl Store {
    /// Stores a new token; `Ok(None)` if the user already has a live token of that name.
    pub async fn add_token(&self, n: &NewToken<'_>) -> Result<Option<ApiToken>, StoreError> {
        let has = |a| i64::from(n.permissions.contains(&a));
        let res = sqlx::query(
            "insert into api_tokens (user_id, name, token_hash, prefix, perm_terminate, perm_recall, perm_override, perm_cancel, created_at, expires_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning token_id",
        )
        .bind(n.user_id)
        .bind(n.name)
        .bind(n.hash)
        .bind(n.prefix)
        .bind(has(Action::Terminate))
        .bind(has(Action::Recall))
        .bind(has(Action::Override))
        .bind(has(Action::Cancel))
        .bind(n.now)
        .bind(n.expires_at)
        .fetch_one(&self.pool)
        .await;
        match res {
            Ok(row) => Ok(Some(ApiToken {
                token_id: row.try_get("token_id")?,
                user_id: n.user_id,
                name: n.name.to_string(),
                prefix: n.prefix.to_string(),
                permissions: Action::ALL
                    .into_iter()
                    .filter(|a| n.permissions.contains(a))
                    .collect(),
                created_at: n.now,
                expires_at: n.expires_at,
                revoked_at: None,
                last_used_at: None,
            })),
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// A user's tokens, live ones first, newest first.
    pub async fn tokens_of(&self, user_id: i64) -> Result<Vec<ApiToken>, StoreError> {
        let rows = sqlx::query(&format!(
            "select {COLUMNS} from api_tokens t where t.user_id = $1
             order by case when t.revoked_at is null then 0 else 1 end, t.created_at desc, t.token_id desc"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(token_from_row).collect()
    }

    /// Revokes the user's live token of that name; `None` if there is none.
    pub async fn revoke_token(
        &self,
        user_id: i64,
        name: &str,
        now: i64,
    ) -> Result<Option<ApiToken>, StoreError> {
        let row = sqlx::query(&format!(
            "update api_tokens set revoked_at = $1 where user_id = $2 and name = $3 and revoked_at is null
             returning {}",
            COLUMNS.replace("t.", "")
        ))
        .bind(now)
        .bind(user_id)
        .bind(name)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(token_from_row).transpose()
    }

    /// The token with this hash and its owner, whatever their state (the caller decides).
    pub async fn token_by_hash(&self, hash: &str) -> Result<Option<(ApiToken, User)>, StoreError> {
        let row = sqlx::query(&format!(
            "select {COLUMNS}, {USER_COLUMNS_QUALIFIED} from api_tokens t join users u on u.user_id = t.user_id
             where t.token_hash = $1"
        ))
        .bind(hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((token_from_row(&r)?, user_from_row(&r)?)))
            .transpose()
    }

    /// Notes when a token was last used.
    pub async fn touch_token(&self, token_id: i64, now: i64) -> Result<(), StoreError> {
        sqlx::query("update api_tokens set last_used_at = $1 where token_id = $2")
            .bind(now)
            .bind(token_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
