//! The server's implementation of the contract the `#[server]` functions call: it authenticates
//! the caller (the middleware put them in the request), checks their role, calls one service and
//! maps the result. Internal causes are logged here once and never sent to the browser.

mod account;
mod admin;
mod errors;
pub mod export;
mod tasks;
pub mod view;

use std::sync::Arc;

use app::dto::{
    ActionOutcome, ActionRequest, AdminOverview, AppInfo, AuditPage, AuditQuery, NewUser,
    SessionInfo, TaskDetail, TaskPage, TaskQuery, UserInfo,
};
use app::error::AppError;
use app::i18n::{T, Words};
use app::ports::Console;
use async_trait::async_trait;
use http::request::Parts;

use crate::apps::UpstreamApp;
use crate::auth::Caller;
use crate::state::Services;
use crate::store::users::{Role, User};

pub(crate) use account::changer;
pub use errors::internal;

/// Implements [`Console`] over the server's services.
pub struct ConsoleService {
    pub services: Arc<Services>,
}

/// The signed-in user of a request, or `Unauthorized`.
pub(crate) fn signed_in(req: &Parts) -> Result<(&User, &Caller), AppError> {
    let caller = req
        .extensions
        .get::<Caller>()
        .ok_or(AppError::Unauthorized)?;
    match &caller.user {
        Some(u) if !u.disabled => Ok((u, caller)),
        _ => Err(AppError::Unauthorized),
    }
}

/// The reader's words: the language the authentication middleware decided for this request.
pub(crate) fn words(req: &Parts) -> Words {
    Words::new(
        req.extensions
            .get::<domain::Locale>()
            .copied()
            .unwrap_or_default(),
    )
}

pub(crate) fn user_info(u: &User) -> UserInfo {
    UserInfo {
        username: u.username.clone(),
        role: u.role,
        permissions: u.permissions.clone(),
        disabled: u.disabled,
    }
}

impl ConsoleService {
    pub(crate) fn app(&self, req: &Parts, id: Option<&str>) -> Result<&Arc<UpstreamApp>, AppError> {
        self.services.apps.resolve(id).ok_or_else(|| {
            // The app named by the link is not repeated: only the console's own sentence.
            AppError::not_found(words(req).t(match id {
                Some(_) => T::SrvAppInLink,
                None => T::SrvConfiguredApp,
            }))
        })
    }
}

#[async_trait]
impl Console for ConsoleService {
    async fn apps(&self, req: &Parts) -> Result<Vec<AppInfo>, AppError> {
        signed_in(req)?;
        Ok(self.services.apps.iter().map(|a| a.info()).collect())
    }

    async fn list_tasks(&self, req: &Parts, query: TaskQuery) -> Result<TaskPage, AppError> {
        let (user, _) = signed_in(req)?;
        let app = self.app(req, query.app.as_deref())?.clone();
        self.page(words(req), &app, user, &query).await
    }

    async fn task_details(
        &self,
        req: &Parts,
        app: Option<String>,
        push_id: String,
    ) -> Result<TaskDetail, AppError> {
        let (user, _) = signed_in(req)?;
        let app = self.app(req, app.as_deref())?.clone();
        self.details(words(req), &app, user, &push_id).await
    }

    async fn refresh_task(
        &self,
        req: &Parts,
        app: Option<String>,
        push_id: String,
    ) -> Result<TaskDetail, AppError> {
        let (user, _) = signed_in(req)?;
        let w = words(req);
        if user.role == Role::Viewer {
            return Err(AppError::forbidden(w.t(T::ViewersCannotRefresh)));
        }
        let app = self.app(req, app.as_deref())?.clone();
        self.refresh(w, &app, &push_id).await?;
        self.details(w, &app, user, &push_id).await
    }

    async fn act(&self, req: &Parts, request: ActionRequest) -> Result<ActionOutcome, AppError> {
        let (user, caller) = signed_in(req)?;
        let w = words(req);
        if !user.may(request.action) {
            return Err(AppError::forbidden(
                w.f(T::RefuseRole, &[("action", w.action(request.action))]),
            ));
        }
        let app = self.app(req, Some(&request.app))?.clone();
        let actor = crate::actions::Actor {
            user_id: Some(user.user_id),
            username: user.username.clone(),
            ip: caller.ip.clone(),
            locale: w.locale(),
            via_token: caller.token.clone(),
        };
        // Carried out in its own task: a browser that goes away mid-request must not cut the
        // pipeline between its upstream call and the record of its outcome.
        let services = self.services.clone();
        tokio::spawn(async move { services.actions.perform(&app, &actor, &request).await })
            .await
            .map_err(internal)?
            .map_err(|e| errors::action_error(w, e))
    }

    async fn session(&self, req: &Parts) -> Result<SessionInfo, AppError> {
        match signed_in(req) {
            Ok((u, _)) => Ok(SessionInfo {
                user: Some(user_info(u)),
                apps: self.services.apps.iter().map(|a| a.info()).collect(),
            }),
            Err(_) => Ok(SessionInfo::default()),
        }
    }

    async fn login(
        &self,
        req: &Parts,
        username: String,
        password: String,
    ) -> Result<String, AppError> {
        self.sign_in(req, username, password).await
    }

    async fn logout(&self, req: &Parts) -> Result<String, AppError> {
        self.sign_out(req).await
    }

    async fn audit(&self, req: &Parts, query: AuditQuery) -> Result<AuditPage, AppError> {
        signed_in(req)?;
        self.audit_page(words(req), &query).await
    }

    async fn admin(&self, req: &Parts) -> Result<AdminOverview, AppError> {
        admin::require_admin(req)?;
        self.overview().await
    }

    async fn add_user(
        &self,
        req: &Parts,
        username: String,
        role: String,
        permissions: Vec<domain::Action>,
        password: Option<String>,
    ) -> Result<NewUser, AppError> {
        let (admin, caller) = admin::require_admin(req)?;
        self.create_user(
            words(req),
            admin,
            caller,
            username,
            role,
            permissions,
            password,
        )
        .await
    }

    async fn update_user(
        &self,
        req: &Parts,
        username: String,
        role: String,
        permissions: Vec<domain::Action>,
    ) -> Result<(), AppError> {
        let (admin, caller) = admin::require_admin(req)?;
        self.change_user(words(req), admin, caller, username, role, permissions)
            .await
    }

    async fn disable_user(&self, req: &Parts, username: String) -> Result<(), AppError> {
        let (admin, caller) = admin::require_admin(req)?;
        self.disable(words(req), admin, caller, username).await
    }

    async fn enable_user(&self, req: &Parts, username: String) -> Result<(), AppError> {
        let (admin, caller) = admin::require_admin(req)?;
        self.enable(words(req), admin, caller, username).await
    }

    async fn account(&self, req: &Parts) -> Result<app::dto::AccountInfo, AppError> {
        let (user, _) = signed_in(req)?;
        self.account_of(user).await
    }

    async fn revoke_token(&self, req: &Parts, name: String) -> Result<(), AppError> {
        let (user, caller) = signed_in(req)?;
        self.revoke_own_token(words(req), user, caller, &name).await
    }

    async fn api_reference(&self, req: &Parts) -> Result<app::dto::ApiReference, AppError> {
        signed_in(req)?;
        static REFERENCE: std::sync::OnceLock<app::dto::ApiReference> = std::sync::OnceLock::new();
        Ok(REFERENCE.get_or_init(account::api_reference).clone())
    }

    async fn reset_password(
        &self,
        req: &Parts,
        username: String,
        password: Option<String>,
    ) -> Result<NewUser, AppError> {
        let (admin, caller) = admin::require_admin(req)?;
        self.reset_password(words(req), admin, caller, username, password)
            .await
    }
}
