use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto::{AccountInfo, ApiReference};
use crate::error::AppError;

/// The signed-in user and their API tokens.
#[server(input = GetUrl, endpoint = "account")]
pub async fn get_account() -> Result<AccountInfo, AppError> {
    let (console, parts) = crate::ports::console()?;
    console.account(&parts).await
}

/// Revokes one of the signed-in user's tokens (a plain form; it comes back to the page).
#[server(endpoint = "account/revoke_token")]
pub async fn revoke_token(name: String) -> Result<(), AppError> {
    let (console, parts) = crate::ports::console()?;
    console.revoke_token(&parts, name).await
}

/// The API's reference (the OpenAPI document, read for the page).
#[server(input = GetUrl, endpoint = "api_reference")]
pub async fn get_api_reference() -> Result<ApiReference, AppError> {
    let (console, parts) = crate::ports::console()?;
    console.api_reference(&parts).await
}
