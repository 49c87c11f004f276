//! The server's side of the contract: what the `#[server]` functions call. The server crate
//! implements [`Console`] and provides it as context; the functions stay 3–6 lines, and no SQL or
//! HTTP call lives in a `#[server]` body.

use std::sync::Arc;

use async_trait::async_trait;
use http::request::Parts;

use crate::dto::{
    ActionOutcome, ActionRequest, AdminOverview, AppInfo, AuditPage, AuditQuery, NewUser,
    SessionInfo, TaskDetail, TaskPage, TaskQuery,
};
use crate::error::AppError;

/// The services behind the server functions. Each method receives the request's parts, from which
/// the implementation authenticates the caller and checks the request's origin.
#[async_trait]
pub trait Console: Send + Sync + 'static {
    /// The apps the caller may see.
    async fn apps(&self, req: &Parts) -> Result<Vec<AppInfo>, AppError>;
    /// One page of the Task List.
    async fn list_tasks(&self, req: &Parts, query: TaskQuery) -> Result<TaskPage, AppError>;
    /// A task's push details from the store (marks the task as watched, so sync refreshes it first).
    async fn task_details(
        &self,
        req: &Parts,
        app: Option<String>,
        push_id: String,
    ) -> Result<TaskDetail, AppError>;
    /// Re-reads a task from TPNS now.
    async fn refresh_task(
        &self,
        req: &Parts,
        app: Option<String>,
        push_id: String,
    ) -> Result<TaskDetail, AppError>;
    /// Carries out one of the four actions, exactly once.
    async fn act(&self, req: &Parts, request: ActionRequest) -> Result<ActionOutcome, AppError>;
    /// Who is signed in (none is not an error) and their apps.
    async fn session(&self, req: &Parts) -> Result<SessionInfo, AppError>;
    /// Signs in; returns the `Set-Cookie` value.
    async fn login(
        &self,
        req: &Parts,
        username: String,
        password: String,
    ) -> Result<String, AppError>;
    /// Signs out; returns the `Set-Cookie` value that clears the cookie.
    async fn logout(&self, req: &Parts) -> Result<String, AppError>;
    /// A page of the audit log.
    async fn audit(&self, req: &Parts, query: AuditQuery) -> Result<AuditPage, AppError>;
    /// Users and apps, for admins.
    async fn admin(&self, req: &Parts) -> Result<AdminOverview, AppError>;
    /// Adds a user (admins); with no password, one is generated and returned once.
    async fn add_user(
        &self,
        req: &Parts,
        username: String,
        role: String,
        permissions: Vec<crate::domain::Action>,
        password: Option<String>,
    ) -> Result<NewUser, AppError>;
    /// Changes a user's role and permissions (admins).
    async fn update_user(
        &self,
        req: &Parts,
        username: String,
        role: String,
        permissions: Vec<crate::domain::Action>,
    ) -> Result<(), AppError>;
    /// Disables a user; their sessions end at once (admins).
    async fn disable_user(&self, req: &Parts, username: String) -> Result<(), AppError>;
    /// Enables a disabled user again (admins).
    async fn enable_user(&self, req: &Parts, username: String) -> Result<(), AppError>;
    /// The signed-in user and their API tokens.
    async fn account(&self, req: &Parts) -> Result<crate::dto::AccountInfo, AppError>;
    /// Revokes one of the signed-in user's API tokens.
    async fn revoke_token(&self, req: &Parts, name: String) -> Result<(), AppError>;
    /// The API's reference, from its OpenAPI document.
    async fn api_reference(&self, req: &Parts) -> Result<crate::dto::ApiReference, AppError>;
    /// Sets a user's password (admins); with none, one is generated and returned once. The
    /// user's sessions end.
    async fn reset_password(
        &self,
        req: &Parts,
        username: String,
        password: Option<String>,
    ) -> Result<NewUser, AppError>;
}

/// The context value the server provides.
pub type ConsoleHandle = Arc<dyn Console>;

/// The console and the request's parts, from the server function's context.
pub fn console() -> Result<(ConsoleHandle, Parts), AppError> {
    use leptos::prelude::use_context;
    let console = use_context::<ConsoleHandle>().ok_or(AppError::Internal)?;
    let parts = use_context::<Parts>().ok_or(AppError::Internal)?;
    Ok((console, parts))
}

/// A plain HTML form post (no JavaScript) is answered with a redirect to the task's page, where
/// the outcome shows; a call from the WebAssembly gets the outcome as data.
pub fn redirect_plain_form(parts: &Parts, outcome: &ActionOutcome) {
    let plain = parts
        .headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if plain {
        leptos_axum::redirect(&format!(
            "/tasks/{}?app={}&done={}",
            outcome.push_id,
            outcome.app,
            outcome.action.slug()
        ));
    }
}

/// Sets a response header from a server function (a cookie).
pub fn set_header(name: http::HeaderName, value: &str) {
    if let (Some(res), Ok(v)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        res.append_header(name, v);
    }
}
