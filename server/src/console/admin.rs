//! Sign-in, the audit log and user administration.

use app::dto::{AdminOverview, AuditPage, AuditQuery, NewUser};
use app::error::AppError;
use app::i18n::{T, Words};
use domain::Action;
use domain::time::parse_date;
use http::request::Parts;

use super::errors::internal;
use super::{ConsoleService, signed_in, user_info};
use crate::auth::{Caller, LoginError};
use crate::store::audit::{AuditFilter, NewAudit};
use crate::store::users::{Role, User};
use crate::users::{Changer, Password, UserError, valid_role};

/// Entries per audit page.
const AUDIT_PAGE: i64 = 100;

pub(super) fn require_admin(req: &Parts) -> Result<(&User, &Caller), AppError> {
    let (user, caller) = signed_in(req)?;
    if user.role != Role::Admin {
        return Err(AppError::forbidden(
            super::words(req).t(T::SrvOnlyAdminsManage),
        ));
    }
    Ok((user, caller))
}

/// A refused user change as the browser sees it.
fn user_error(w: Words, e: UserError) -> AppError {
    match e {
        UserError::Invalid { field, message } => AppError::validation(field, message).in_words(w),
        // Not named: a crafted request cannot put text of its own in the answer.
        UserError::NotFound(_) => AppError::not_found(w.t(T::TheUser)),
        UserError::Exists(name) => AppError::Conflict {
            message: w.f(T::SrvUserExists, &[("name", &name)]),
            by: None,
            at: None,
        },
        UserError::Store(e) => internal(e),
        UserError::Internal(e) => internal(e),
    }
}

fn changer(admin: &User, caller: &Caller) -> Changer {
    Changer {
        user_id: Some(admin.user_id),
        username: admin.username.clone(),
        ip: caller.ip.clone(),
    }
}

impl ConsoleService {
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
        // written down. Failures are audited with their count at the 1st, 3rd, 10th, 30th,
        // 100th… attempt of a name from an address while the address has free attempts left,
        // then only at the address's own milestones, and where a wait starts; refused attempts
        // are not: a script cannot flood the log, whatever names it tries.
        let audited = match &result {
            Ok((u, _)) => Some(("succeeded", Some(u.user_id), true, String::new())),
            Err(LoginError::Invalid {
                known,
                burst,
                starts_wait: true,
                ..
            }) => Some((
                "throttled",
                None,
                *known,
                format!(
                    "failed attempt {burst} from this address in 15 minutes; further attempts wait, doubling with each failure"
                ),
            )),
            Err(LoginError::Invalid {
                known,
                burst,
                name_burst,
                ..
            }) => {
                let free = *burst <= i64::from(s.config.auth.max_failures.max(1)) * 4;
                (worth_auditing(*burst) || (free && worth_auditing(*name_burst))).then(|| {
                    let detail = format!(
                        "failed attempt {name_burst} of this name from this address in 15 minutes ({burst} of the address)"
                    );
                    ("failed", None, *known, detail)
                })
            }
            Err(LoginError::Throttled { .. } | LoginError::TooLong | LoginError::Store(_)) => None,
        };
        if let Some((outcome, user_id, known, detail)) = audited {
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
                detail,
                ..Default::default()
            };
            if let Err(e) = s.store.append_audit(&entry).await {
                tracing::error!(error = %e, "could not audit a sign-in");
            }
        }
        match result {
            Ok((_, token)) => Ok(s.auth.cookie(&token)),
            Err(LoginError::Invalid { .. } | LoginError::TooLong) => Err(AppError::validation(
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

    pub(super) async fn audit_page(&self, w: Words, q: &AuditQuery) -> Result<AuditPage, AppError> {
        let s = &self.services;
        let offset = s.config.utc_offset_minutes();
        let day = |field: &str, v: &Option<String>| -> Result<Option<i64>, AppError> {
            match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                None => Ok(None),
                Some(v) => parse_date(v, offset)
                    .map(|d| Some(d * 1000))
                    .ok_or_else(|| {
                        AppError::validation(field, super::tasks::date_refusal(w, field))
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

    #[allow(clippy::too_many_arguments)]
    pub(super) async fn create_user(
        &self,
        w: Words,
        admin: &User,
        caller: &Caller,
        username: String,
        role_name: String,
        permissions: Vec<Action>,
        password: Option<String>,
    ) -> Result<NewUser, AppError> {
        let role = valid_role(&role_name).map_err(|e| user_error(w, e))?;
        let (user, generated) = self
            .services
            .users
            .add(
                &changer(admin, caller),
                &username,
                role,
                &permissions,
                Password::from_input(password),
            )
            .await
            .map_err(|e| user_error(w, e))?;
        Ok(NewUser {
            username: user.username,
            generated_password: generated,
        })
    }

    pub(super) async fn change_user(
        &self,
        w: Words,
        admin: &User,
        caller: &Caller,
        username: String,
        role_name: String,
        permissions: Vec<Action>,
    ) -> Result<(), AppError> {
        let role = valid_role(&role_name).map_err(|e| user_error(w, e))?;
        self.services
            .users
            .set_role(&changer(admin, caller), &username, role, &permissions)
            .await
            .map_err(|e| user_error(w, e))
    }

    pub(super) async fn disable(
        &self,
        w: Words,
        admin: &User,
        caller: &Caller,
        username: String,
    ) -> Result<(), AppError> {
        self.services
            .users
            .disable(&changer(admin, caller), &username)
            .await
            .map_err(|e| user_error(w, e))
    }

    pub(super) async fn enable(
        &self,
        w: Words,
        admin: &User,
        caller: &Caller,
        username: String,
    ) -> Result<(), AppError> {
        self.services
            .users
            .enable(&changer(admin, caller), &username)
            .await
            .map_err(|e| user_error(w, e))
    }

    /// A new password typed by the admin (at least 12 characters) or, left empty, generated
    /// and answered once.
    pub(super) async fn reset_password(
        &self,
        w: Words,
        admin: &User,
        caller: &Caller,
        username: String,
        password: Option<String>,
    ) -> Result<NewUser, AppError> {
        let generated = self
            .services
            .users
            .reset_password(
                &changer(admin, caller),
                &username,
                Password::from_input(password),
            )
            .await
            .map_err(|e| user_error(w, e))?;
        Ok(NewUser {
            username,
            generated_password: generated,
        })
    }
}

/// Whether the `n`th failed sign-in of a burst is written to the audit log: 1, 3, 10, 30, 100,
/// 300, … — enough to see a burst and its size, never one row per attempt.
fn worth_auditing(n: i64) -> bool {
    let mut step = 1;
    while step <= n {
        if n == step || n == step * 3 {
            return true;
        }
        step *= 10;
    }
    false
}
