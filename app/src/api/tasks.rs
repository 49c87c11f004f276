use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::codec::JsonText;
use crate::dto::{TaskDetail, TaskPage, TaskQuery};
use crate::error::AppError;

/// One page of the Task List.
#[server(input = GetUrl, output = JsonText, endpoint = "tasks")]
pub async fn list_tasks(query: TaskQuery) -> Result<TaskPage, AppError> {
    let (console, parts) = crate::ports::console()?;
    console.list_tasks(&parts, query).await
}

/// A task's push details, from the store.
#[server(input = GetUrl, output = JsonText, endpoint = "task")]
pub async fn task_details(app: Option<String>, push_id: String) -> Result<TaskDetail, AppError> {
    let (console, parts) = crate::ports::console()?;
    console.task_details(&parts, app, push_id).await
}

/// Re-reads a task from TPNS now, spending query budget ("Refresh now").
#[server(output = JsonText, endpoint = "refresh")]
pub async fn refresh_task(app: Option<String>, push_id: String) -> Result<TaskDetail, AppError> {
    let (console, parts) = crate::ports::console()?;
    console.refresh_task(&parts, app, push_id).await
}
