use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto::{AuditPage, AuditQuery};
use crate::error::AppError;

/// A page of the audit log.
#[server(input = GetUrl, endpoint = "audit")]
pub async fn list_audit(query: AuditQuery) -> Result<AuditPage, AppError> {
    let (console, parts) = crate::ports::console()?;
    console.audit(&parts, query).await
}
