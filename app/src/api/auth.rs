use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto::SessionInfo;
use crate::error::AppError;

/// Who is signed in, and the apps they see.
#[server(input = GetUrl, endpoint = "session")]
pub async fn current_session() -> Result<SessionInfo, AppError> {
    let (console, parts) = crate::ports::console()?;
    console.session(&parts).await
}

/// Signs in and goes to `next` (a path of this console).
#[server(endpoint = "login")]
pub async fn login(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    let (console, parts) = crate::ports::console()?;
    let cookie = console.login(&parts, username, password).await?;
    crate::ports::set_header(http::header::SET_COOKIE, &cookie);
    leptos_axum::redirect(&crate::ui::query::safe_next(next.as_deref()));
    Ok(())
}

/// Signs out.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let (console, parts) = crate::ports::console()?;
    let cookie = console.logout(&parts).await?;
    crate::ports::set_header(http::header::SET_COOKIE, &cookie);
    leptos_axum::redirect("/login");
    Ok(())
}
