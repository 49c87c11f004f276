// Flat arguments let the forms post without JavaScript; the generated client takes them all.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::Action;
use crate::dto::{AdminOverview, NewUser};
use crate::error::AppError;

/// The sentences an admin change is refused with (the domain keeps them, so the user service
/// and the Admin page say the same).
pub use crate::domain::user::refusals;

/// Users and apps (admins).
#[server(input = GetUrl, endpoint = "admin")]
pub async fn get_admin() -> Result<AdminOverview, AppError> {
    let (console, parts) = crate::ports::console()?;
    console.admin(&parts).await
}

/// Adds a user; an empty password generates one, shown once. Permissions arrive as checkboxes.
#[server(endpoint = "admin/add_user")]
pub async fn add_user(
    username: String,
    role: String,
    password: Option<String>,
    perm_terminate: Option<String>,
    perm_recall: Option<String>,
    perm_override: Option<String>,
    perm_cancel: Option<String>,
) -> Result<NewUser, AppError> {
    let (console, parts) = crate::ports::console()?;
    let perms = permissions([perm_terminate, perm_recall, perm_override, perm_cancel]);
    console
        .add_user(
            &parts,
            username,
            role,
            perms,
            password.filter(|p| !p.is_empty()),
        )
        .await
}

/// Changes a user's role and action permissions.
#[server(endpoint = "admin/update_user")]
pub async fn update_user(
    username: String,
    role: String,
    perm_terminate: Option<String>,
    perm_recall: Option<String>,
    perm_override: Option<String>,
    perm_cancel: Option<String>,
) -> Result<(), AppError> {
    let (console, parts) = crate::ports::console()?;
    let perms = permissions([perm_terminate, perm_recall, perm_override, perm_cancel]);
    console.update_user(&parts, username, role, perms).await
}

/// Disables a user.
#[server(endpoint = "admin/disable_user")]
pub async fn disable_user(username: String) -> Result<(), AppError> {
    let (console, parts) = crate::ports::console()?;
    console.disable_user(&parts, username).await
}

/// Enables a disabled user again.
#[server(endpoint = "admin/enable_user")]
pub async fn enable_user(username: String) -> Result<(), AppError> {
    let (console, parts) = crate::ports::console()?;
    console.enable_user(&parts, username).await
}

/// Sets the password an admin typed for a user (the command line can also generate one).
#[server(endpoint = "admin/reset_password")]
pub async fn reset_password(username: String, password: String) -> Result<NewUser, AppError> {
    let (console, parts) = crate::ports::console()?;
    if !(12..=refusals::MAX_PASSWORD_CHARS).contains(&password.chars().count()) {
        return Err(AppError::validation("password", refusals::NEW_PASSWORD));
    }
    console
        .reset_password(&parts, username, Some(password))
        .await
}

/// Checked boxes, in the order terminate, recall, override, cancel.
pub fn permissions(boxes: [Option<String>; 4]) -> Vec<Action> {
    [
        Action::Terminate,
        Action::Recall,
        Action::Override,
        Action::Cancel,
    ]
    .into_iter()
    .zip(boxes)
    .filter(|(_, b)| b.as_deref().is_some_and(|v| !v.is_empty()))
    .map(|(a, _)| a)
    .collect()
}
