use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto::AppInfo;
use crate::error::AppError;

/// The TPNS apps this console serves (for the app switcher).
#[server(input = GetUrl, endpoint = "apps")]
pub async fn list_apps() -> Result<Vec<AppInfo>, AppError> {
    let (console, parts) = crate::ports::console()?;
    console.apps(&parts).await
}
