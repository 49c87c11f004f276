//! Managing the console's users: one service for the Admin page and the `pushdeck user` command,
//! so both validate the same way and both write the audit log.

use domain::{Action, Role};

use crate::auth::{generate_password, hash_password};
use crate::store::audit::NewAudit;
use crate::store::users::User;
use crate::store::{Store, StoreError};
use tpns::clock::SharedClock;

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;

use domain::user::refusals;

/// Who makes a change, for the audit log.
#[derive(Clone, Debug)]
pub struct Changer {
    pub user_id: Option<i64>,
    pub username: String,
    pub ip: String,
}

impl Changer {
    /// Someone at the server's command line (the operating-system user, when known).
    pub fn command_line() -> Changer {
        let who = std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_else(|_| "unknown".into());
        Changer {
            user_id: None,
            username: format!("(command line: {who})"),
            ip: String::new(),
        }
    }

    /// The audit entry of a change this changer made at `at_ms` (users' and tokens' alike).
    pub fn audited(&self, at_ms: i64, action: &str, detail: String) -> NewAudit {
        NewAudit {
            at_ms,
            user_id: self.user_id,
            username: self.username.clone(),
            ip: self.ip.clone(),
            kind: "admin",
            action: action.into(),
            outcome: "succeeded".into(),
            detail,
            ..Default::default()
        }
    }

    fn is(&self, username: &str) -> bool {
        self.user_id.is_some() && self.username == username
    }
}

/// Why a change was refused.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// A field the change cannot take; the sentence is one of [`refusals`].
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: &'static str,
    },
    #[error("There is no user named {0}.")]
    NotFound(String),
    #[error("A user named {0} already exists.")]
    Exists(String),
    #[error("internal store error")]
    Store(#[from] StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

/// A password: given, or generated (and then to be shown once).
#[derive(PartialEq, Eq)]
pub enum Password {
    Given(String),
    Generate,
}

/// Never prints the password itself.
impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Password::Given(_) => f.write_str("Password::Given(***)"),
            Password::Generate => f.write_str("Password::Generate"),
        }
    }
}

impl Password {
    /// An empty password means "generate one", as on the Admin page and at the command line.
    pub fn from_input(p: Option<String>) -> Password {
        match p {
            Some(p) if !p.is_empty() => Password::Given(p),
            _ => Password::Generate,
        }
    }
}

/// Adds, changes, disables, enables and resets users.
#[derive(Clone)]
pub struct UserService {
    store: Store,
    clock: SharedClock,
}

/// A username: 2–64 letters, digits, dots, dashes, underscores or `@`.
pub fn valid_username(name: &str) -> Result<String, UserError> {
    let n = name.trim();
    if n.len() < 2
        || n.len() > 64
        || !n
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-@".contains(&b))
    {
        return Err(UserError::Invalid {
            field: "username",
            message: refusals::USERNAME,
        });
    }
    Ok(n.to_string())
}

/// A role by its name.
pub fn valid_role(name: &str) -> Result<Role, UserError> {
    Role::parse(name).ok_or(UserError::Invalid {
        field: "role",
        message: refusals::ROLE,
    })
}

impl UserService {
    pub fn new(store: Store, clock: SharedClock) -> UserService {
        UserService { store, clock }
    }

    /// Every user, by name.
    pub async fn list(&self) -> Result<Vec<User>, UserError> {
        Ok(self.store.list_users().await?)
    }

    /// Adds a user; returns it and, if one was generated, its password (shown once).
    pub async fn add(
        &self,
        by: &Changer,
        username: &str,
        role: Role,
        permissions: &[Action],
        password: Password,
    ) -> Result<(User, Option<String>), UserError> {
        let username = valid_username(username)?;
        let (secret, generated) = self.secret(password)?;
        let hash = hash(secret).await?;
        let user = self
            .store
            .add_user(&username, &hash, role, permissions, self.clock.now())
            .await?
            .ok_or_else(|| UserError::Exists(username.clone()))?;
        self.audit(
            by,
            "add-user",
            format!(
                "{} as {} ({})",
                user.username,
                role.as_str(),
                permission_list(&user.permissions)
            ),
        )
        .await;
        Ok((user, generated))
    }

    /// Changes a user's role and action permissions.
    pub async fn set_role(
        &self,
        by: &Changer,
        username: &str,
        role: Role,
        permissions: &[Action],
    ) -> Result<(), UserError> {
        if by.is(username) && role != Role::Admin {
            return Err(UserError::Invalid {
                field: "role",
                message: refusals::OWN_ADMIN_ROLE,
            });
        }
        if !self
            .store
            .set_role(username, role, permissions, self.clock.now())
            .await?
        {
            return Err(UserError::NotFound(username.into()));
        }
        let user = self.store.user_by_name(username).await?.map(|(u, _)| u);
        let granted = user.map(|u| u.permissions).unwrap_or_default();
        self.audit(
            by,
            "set-role",
            format!(
                "{username} → {} ({})",
                role.as_str(),
                permission_list(&granted)
            ),
        )
        .await;
        Ok(())
    }

    /// Disables a user: their sessions end at once.
    pub async fn disable(&self, by: &Changer, username: &str) -> Result<(), UserError> {
        if by.is(username) {
            return Err(UserError::Invalid {
                field: "username",
                message: refusals::DISABLE_SELF,
            });
        }
        if !self.store.disable_user(username, self.clock.now()).await? {
            return Err(UserError::NotFound(username.into()));
        }
        self.audit(by, "disable-user", username.into()).await;
        Ok(())
    }

    /// Enables a disabled user again (with their role and permissions as they were).
    pub async fn enable(&self, by: &Changer, username: &str) -> Result<(), UserError> {
        if !self.store.enable_user(username, self.clock.now()).await? {
            return Err(UserError::NotFound(username.into()));
        }
        self.audit(by, "enable-user", username.into()).await;
        Ok(())
    }

    /// Sets a new password for a user and ends their sessions; returns the password if it was
    /// generated (shown once).
    pub async fn reset_password(
        &self,
        by: &Changer,
        username: &str,
        password: Password,
    ) -> Result<Option<String>, UserError> {
        // Without the current password, an admin's session is not proof enough to change it.
        if by.is(username) {
            return Err(UserError::Invalid {
                field: "username",
                message: refusals::OWN_PASSWORD,
            });
        }
        let (secret, generated) = self.secret(password)?;
        let hash = hash(secret).await?;
        if !self
            .store
            .set_password(username, &hash, self.clock.now())
            .await?
        {
            return Err(UserError::NotFound(username.into()));
        }
        self.audit(by, "reset-password", username.into()).await;
        Ok(generated)
    }

    fn secret(&self, password: Password) -> Result<(String, Option<String>), UserError> {
        match password {
            Password::Generate => {
                let p = generate_password();
                Ok((p.clone(), Some(p)))
            }
            Password::Given(p)
                if !(MIN_PASSWORD_CHARS..=refusals::MAX_PASSWORD_CHARS)
                    .contains(&p.chars().count()) =>
            {
                Err(UserError::Invalid {
                    field: "password",
                    message: refusals::PASSWORD,
                })
            }
            Password::Given(p) => Ok((p, None)),
        }
    }

    async fn audit(&self, by: &Changer, action: &str, detail: String) {
        let entry = by.audited(self.clock.now_ms(), action, detail);
        if let Err(e) = self.store.append_audit(&entry).await {
            tracing::error!(error = %e, "could not audit a user change");
        }
    }
}

/// Argon2 is slow on purpose: off the async threads.
async fn hash(secret: String) -> Result<String, UserError> {
    tokio::task::spawn_blocking(move || hash_password(&secret))
        .await
        .map_err(|e| UserError::Internal(format!("password hashing: {e}")))
}

/// `terminate, cancel` (or `none`).
pub fn permission_list(p: &[Action]) -> String {
    if p.is_empty() {
        return "none".into();
    }
    p.iter().map(|a| a.slug()).collect::<Vec<_>>().join(", ")
}
