// Flat arguments let the forms post without JavaScript; the generated client takes them all.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::dto::ActionOutcome;

use crate::error::AppError;

/// Terminates, recalls, overrides or cancels a task. Arguments are flat so that the confirmation
/// dialogs also work as plain HTML forms.
#[server(endpoint = "act")]
pub async fn perform_action(
    app: String,
    push_id: String,
    action: String,
    idempotency_key: String,
    typed_confirmation: Option<String>,
    title: Option<String>,
    content: Option<String>,
    choice: Option<String>,
    click: Option<String>,
    url: Option<String>,
    intent: Option<String>,
) -> Result<ActionOutcome, AppError> {
    let request = crate::dto::ActionRequest::from_form(
        app,
        push_id,
        &action,
        idempotency_key,
        typed_confirmation,
        title,
        content,
        choice.as_deref(),
        crate::dto::ClickForm {
            kind: click,
            url,
            intent,
        },
    )
    .map_err(|e| e.in_words(crate::i18n::words()))?;
    let (console, parts) = crate::ports::console()?;
    let outcome = console.act(&parts, request).await?;
    crate::ports::redirect_plain_form(&parts, &outcome);
    Ok(outcome)
}
