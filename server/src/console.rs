//! The server's implementation of the contract the `#[server]` functions call.

pub mod view;

use std::sync::Arc;

use app::dto::AppInfo;
use app::error::AppError;
use app::ports::Console;
use async_trait::async_trait;
use http::request::Parts;

use crate::startup::Services;

/// Implements [`Console`] over the server's services.
pub struct ConsoleService {
    pub services: Arc<Services>,
}

#[async_trait]
impl Console for ConsoleService {
    async fn apps(&self, _req: &Parts) -> Result<Vec<AppInfo>, AppError> {
        Ok(self.services.apps.iter().map(|a| a.info()).collect())
    }
}
