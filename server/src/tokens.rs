//! API tokens (`server/docs/api.md`): one service for the Account page and `pushdeck token`, so
//! both validate the same way and both write the audit log. A token is shown once, when it is
//! made; the database keeps its SHA-256 only.

use app::i18n::{T, Words};
use domain::Action;
use rand::RngCore;

use crate::auth::{TOKEN_PREFIX, token_hash};
use crate::store::tokens::{ApiToken, NewToken};
use crate::store::users::effective_permissions;
use crate::store::{Store, StoreError};
use crate::users::Changer;
use tpns::clock::SharedClock;

/// The longest a token may live, in days.
pub const MAX_DAYS: u32 = 3650;

/// Why a token change was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    /// The name is not 1–64 letters, digits, dots, dashes or underscores.
    #[error("A token's name is 1 to 64 letters, digits, dots, dashes or underscores.")]
    BadName,
    #[error("A token lives 1 to 3650 days, or until it is revoked.")]
    BadExpiry,
    /// The owner already has a live token of that name.
    #[error("There is already a token named {0}.")]
    Exists(String),
    #[error("There is no live token named {0}.")]
    NotFound(String),
    #[error("There is no user named {0}.")]
    NoSuchUser(String),
    #[error("internal store error")]
    Store(String),
}

impl TokenError {
    /// The refusal in the reader's words.
    pub fn in_words(self, w: Words) -> String {
        match self {
            TokenError::BadName => w.t(T::TokenBadName).to_string(),
            TokenError::BadExpiry => w.t(T::TokenBadExpiry).to_string(),
            TokenError::Exists(name) => w.f(T::TokenExists, &[("name", &name)]),
            TokenError::NotFound(name) => w.f(T::TokenNotFound, &[("name", &name)]),
            TokenError::NoSuchUser(name) => w.f(T::CliNoSuchUser, &[("name", &name)]),
            TokenError::Store(e) => format!("the database failed: {e}"),
        }
    }
}

impl From<StoreError> for TokenError {
    fn from(e: StoreError) -> Self {
        TokenError::Store(e.to_string())
    }
}

/// A token as it was made: what is stored, and the token itself, to be shown once.
pub struct Created {
    pub token: ApiToken,
    pub secret: String,
}

/// Never prints the secret.
impl std::fmt::Debug for Created {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Created")
            .field("token", &self.token)
            .field("secret", &"***")
            .finish()
    }
}

/// Makes, lists and revokes users' API tokens.
#[derive(Clone)]
pub struct TokenService {
    store: Store,
    clock: SharedClock,
}

/// A token's name: 1–64 letters, digits, dots, dashes or underscores.
pub fn valid_name(name: &str) -> Result<String, TokenError> {
    let n = name.trim();
    if n.is_empty()
        || n.len() > 64
        || !n
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    {
        return Err(TokenError::BadName);
    }
    Ok(n.to_string())
}

impl TokenService {
    pub fn new(store: Store, clock: SharedClock) -> TokenService {
        TokenService { store, clock }
    }

    /// Makes a token for `owner` that may carry out `actions` (of those the owner's role
    /// allows), valid for `days` (`None`: until revoked).
    pub async fn add(
        &self,
        by: &Changer,
        owner: &str,
        name: &str,
        actions: &[Action],
        days: Option<u32>,
    ) -> Result<Created, TokenError> {
        let name = valid_name(name)?;
        if days.is_some_and(|d| d == 0 || d > MAX_DAYS) {
            return Err(TokenError::BadExpiry);
        }
        let (user, _) = self
            .store
            .user_by_name(owner)
            .await?
            .ok_or_else(|| TokenError::NoSuchUser(owner.to_string()))?;
        let allowed = effective_permissions(user.role, &user.permissions);
        let permissions: Vec<Action> = actions
            .iter()
            .copied()
            .filter(|a| allowed.contains(a))
            .collect();
        let now = self.clock.now();
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut bytes);
        let secret = format!("{TOKEN_PREFIX}{}", hex::encode(bytes));
        let token = self
            .store
            .add_token(&NewToken {
                user_id: user.user_id,
                name: &name,
                hash: &token_hash(&secret),
                prefix: &secret[..TOKEN_PREFIX.len() + 6],
                permissions: &permissions,
                now,
                expires_at: days.map(|d| now + i64::from(d) * 86_400),
            })
            .await?
            .ok_or_else(|| TokenError::Exists(name.clone()))?;
        self.audit(
            by,
            "add-token",
            format!(
                "token {name} for {owner}; actions: {}; {}",
                crate::users::permission_list(&token.permissions),
                match days {
                    Some(d) => format!("expires in {d} days"),
                    None => "does not expire".into(),
                }
            ),
        )
        .await;
        Ok(Created { token, secret })
    }

    /// The owner's tokens, live ones first.
    pub async fn list(&self, owner: &str) -> Result<Vec<ApiToken>, TokenError> {
        let (user, _) = self
            .store
            .user_by_name(owner)
            .await?
            .ok_or_else(|| TokenError::NoSuchUser(owner.to_string()))?;
        Ok(self.store.tokens_of(user.user_id).await?)
    }

    /// Revokes the owner's live token `name`: it stops working on the next request.
    pub async fn revoke(&self, by: &Changer, owner: &str, name: &str) -> Result<(), TokenError> {
        let (user, _) = self
            .store
            .user_by_name(owner)
            .await?
            .ok_or_else(|| TokenError::NoSuchUser(owner.to_string()))?;
        let name = name.trim();
        self.store
            .revoke_token(user.user_id, name, self.clock.now())
            .await?
            .ok_or_else(|| TokenError::NotFound(name.to_string()))?;
        self.audit(by, "revoke-token", format!("token {name} of {owner}"))
            .await;
        Ok(())
    }

    async fn audit(&self, by: &Changer, action: &str, detail: String) {
        let entry = by.audited(self.clock.now_ms(), action, detail);
        if let Err(e) = self.store.append_audit(&entry).await {
            tracing::error!(error = %e, "could not audit a token change");
        }
    }
}
