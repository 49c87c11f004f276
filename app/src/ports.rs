//! The server's side of the contract: what the `#[server]` functions call. The server crate
//! implements [`Console`] and provides it as context; the functions stay 3–6 lines, and no SQL or
//! HTTP call lives in a `#[server]` body.

use std::sync::Arc;

use async_trait::async_trait;
use http::request::Parts;

use crate::dto::AppInfo;
use crate::error::AppError;

/// The services behind the server functions. Each method receives the request's parts, from which
/// the implementation authenticates the caller and checks the request's origin.
#[async_trait]
pub trait Console: Send + Sync + 'static {
    /// The apps the caller may see.
    async fn apps(&self, req: &Parts) -> Result<Vec<AppInfo>, AppError>;
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
