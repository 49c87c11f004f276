//! Sign-in, the audit log and user administration.

use app::api::admin::refusals;
use app::domain::Action;
use app::domain::time::parse_date;
use app::dto::{AdminOverview, AuditPage, AuditQuery, NewUser};
use app::error::AppError;
use http::request::Parts;

use super::errors::internal;
use super::{ConsoleService, signed_in, user_info};
use crate::auth::{Caller, LoginError, generate_password, hash_password};
use crate::store::audit::{AuditFilter, NewAudit};
use crate::store::users::{Role, User};

/// Entries per audit page.
const AUDIT_PAGE: i64 = 100;

pub(super) fn require_admin(req: &Parts) -> Result<(&User, &Caller), AppError> {
    let (user, caller) = signed_in(req)?;
    if user.role != Role::Admin {
        return Err(AppError::forbidden("Only admins can manage users."));
    }
    Ok((user, caller))
}

fn valid_username(name: &str) -> Result<String, AppError> {
    let n = name.trim();
    if n.len() < 2
        || n.len() > 64
        || !n
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-@".contains(&b))
    {
        return Err(AppError::validation("username", refusals::USERNAME));
    }
    Ok(n.to_string())
}

fn role(s: &str) -> Result<Role, AppError> {
    Role::parse(s).ok_or_else(|| AppError::validation("role", refusals::ROLE))
}

impl ConsoleService {
    async fn audit_admin(&self, admin: &User, caller: &Caller, action: &str, detail: String) {
        let entry = NewAudit {
            at_ms: self.services.clock.now_ms(),
            user_id: Some(admin.user_id),
            username: admin.username.clone(),
            ip: caller.ip.clone(),
            kind: "admin",
            action: action.into(),
            outcome: "succeeded".into(),
            detail,
            ..Default::default()
        };
        if let Err(e) = self.services.store.append_audit(&entry).await {
            tracing::error!(error = %e, "could not audit an admin change");
        }
    }

    pub(super) async fn sign_in(
        &self,
        req: &Parts,
        username: String,
        password: String,
    ) -> Result<String, AppError> {
        let caller = req.extensions.get::<Caller>().ok_or(AppError::Internal)?;
        let s = &self.services;
        let result = s.auth.login(username.trim(), &password, &caller.ip).await;
        // A name that is no account may be a password typed in the wrong field: it is not
        // written down.
        let (outcome, user_id, known) = match &result {
            Ok((u, _)) => ("succeeded", Some(u.user_id), true),
            Err(LoginError::Throttled { known }) => ("throttled", None, *known),
            Err(LoginError::Invalid { known }) => ("failed", None, *known),
            Err(LoginError::Store(_)) => ("failed", None, false),
        };
        let entry = NewAudit {
            at_ms: s.clock.now_ms(),
            user_id,
            username: if known {
                username.trim().chars().take(64).collect()
            } else {
                "(unknown user)".into()
            },
            ip: caller.ip.clone(),
            kind: "auth",
            action: "sign-in".into(),
            outcome: outcome.into(),
            ..Default::default()
        };
        if let Err(e) = s.store.append_audit(&entry).await {
            tracing::error!(error = %e, "could not audit a sign-in");
        }
        match result {
            Ok((_, token)) => Ok(s.auth.cookie(&token)),
            Err(LoginError::Invalid { .. }) => Err(AppError::validation(
                "password",
                "Wrong username or password.",
            )),
            Err(LoginError::Throttled { .. }) => Err(AppError::Throttled),
            Err(LoginError::Store(e)) => Err(internal(e)),
        }
    }

    pub(super) async fn sign_out(&self, req: &Parts) -> Result<String, AppError> {
        if let Some(hash) = req
            .extensions
            .get::<Caller>()
            .and_then(|c| c.session_hash.clone())
        {
            self.services.auth.logout(&hash).await.map_err(internal)?;
        }
        Ok(self.services.auth.clear_cookie())
    }

    pub(super) async fn audit_page(&self, q: &AuditQuery) -> Result<AuditPage, AppError> {
        let s = &self.services;
        let offset = s.config.utc_offset_minutes();
        let day = |field: &str, v: &Option<String>| -> Result<Option<i64>, AppError> {
            match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                None => Ok(None),
                Some(v) => parse_date(v, offset)
                    .map(|d| Some(d * 1000))
                    .ok_or_else(|| {
                        AppError::validation(field, format!("`{v}` is not a date like 2026-11-27."))
                    }),
            }
        };
        let filter = AuditFilter {
            username: q.user.clone().filter(|u| !u.trim().is_empty()),
            action: q.action.clone().filter(|a| !a.trim().is_empty()),
            push_id: q
                .push_id
                .clone()
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty()),
            from_ms: day("from", &q.from)?,
            until_ms: day("to", &q.to)?.map(|d| d + 86_400_000),
            before_id: q.before,
        };
        let entries = s
            .store
            .audit_page(&filter, AUDIT_PAGE)
            .await
            .map_err(internal)?;
        let next_before = (entries.len() as i64 == AUDIT_PAGE)
            .then(|| entries.last().map(|e| e.id))
            .flatten();
        let usernames = s
            .store
            .list_users()
            .await
            .map_err(internal)?
            .into_iter()
            .map(|u| u.username)
            .collect();
        Ok(AuditPage {
            entries,
            next_before,
            utc_offset_minutes: offset,
            usernames,
        })
    }

    pub(super) async fn overview(&self) -> Result<AdminOverview, AppError> {
        let s = &self.services;
        Ok(AdminOverview {
            users: s
                .store
                .list_users()
                .await
                .map_err(internal)?
                .iter()
                .map(user_info)
                .collect(),
            apps: s.apps.iter().map(|a| a.info()).collect(),
        })
    }

    pub(super) async fn create_user(
        &self,
        admin: &User,
        caller: &Caller,
        username: String,
        role_name: String,
        permissions: Vec<Action>,
        password: Option<String>,
    ) -> Result<NewUser, AppError> {
        let username = valid_username(&username)?;
        let role = role(&role_name)?;
        if let Some(p) = &password
            && p.chars().count() < 12
        {
            return Err(AppError::validation("password", refusals::PASSWORD));
        }
        let generated = password.is_none().then(generate_password);
        let secret = password.or_else(|| generated.clone()).unwrap_or_default();
        let s = &self.services;
        let hash = tokio::task::spawn_blocking(move || hash_password(&secret))
            .await
            .map_err(internal)?;
        match s
            .store
            .add_user(&username, &hash, role, &permissions, s.clock.now())
            .await
            .map_err(internal)?
        {
            None => Err(AppError::Conflict {
                message: format!("A user named {username} already exists."),
                by: None,
                at: None,
            }),
            Some(u) => {
                self.audit_admin(
                    admin,
                    caller,
                    "add-user",
                    format!("{} as {} ({:?})", u.username, role.as_str(), u.permissions),
                )
                .await;
                Ok(NewUser {
                    username,
                    generated_password: generated,
                })
            }
        }
    }

    pub(super) async fn change_user(
        &self,
        admin: &User,
        caller: &Caller,
        username: String,
        role_name: String,
        permissions: Vec<Action>,
    ) -> Result<(), AppError> {
        let role = role(&role_name)?;
        if username == admin.username && role != Role::Admin {
            return Err(AppError::validation("role", refusals::OWN_ADMIN_ROLE));
        }
        let s = &self.services;
        if !s
            .store
            .set_role(&username, role, &permissions, s.clock.now())
            .await
            .map_err(internal)?
        {
            return Err(AppError::not_found(format!("User {username}")));
        }
        self.audit_admin(
            admin,
            caller,
            "set-role",
            format!("{username} → {} ({permissions:?})", role.as_str()),
        )
        .await;
        Ok(())
    }

    pub(super) async fn disable(
        &self,
        admin: &User,
        caller: &Caller,
        username: String,
    ) -> Result<(), AppError> {
        if username == admin.username {
            return Err(AppError::validation("username", refusals::DISABLE_SELF));
        }
        let s = &self.services;
        if !s
            .store
            .disable_user(&username, s.clock.now())
            .await
            .map_err(internal)?
        {
            return Err(AppError::not_found(format!("User {username}")));
        }
        self.audit_admin(admin, caller, "disable-user", username)
            .await;
        Ok(())
    }
}
