//! Calling TPNS and turning its answer into one audited outcome.

use app::domain::{Action, Status};
use app::dto::{ActionOutcome, ActionRequest};

use super::override_push::OverridePlan;
use super::{ActionService, Actor};
use crate::apps::UpstreamApp;
use crate::store::StoreError;
use crate::store::audit::NewAudit;
use crate::store::intents::{Intent, IntentState};
use crate::store::tasks::StoredTask;
use crate::sync::RefreshReason;
use crate::tpns::{TpnsError, UpstreamKind};

/// Why an action did not succeed. Its `Display` is safe to show an operator.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("Task {0} is not in this app's task list.")]
    NotFound(String),
    #[error("{message}")]
    Validation {
        field: &'static str,
        message: String,
    },
    /// The rules refuse it (the same sentence a disabled button shows).
    #[error("{0}")]
    NotAllowed(String),
    #[error("{message}")]
    Conflict {
        message: String,
        by: Option<String>,
        at: Option<i64>,
    },
    /// TPNS refused the call; nothing changed.
    #[error("TPNS refused {action} (code {code}): {message}. The task was not changed.")]
    Upstream {
        action: &'static str,
        code: i64,
        message: String,
    },
    /// TPNS did not answer; whether the action happened is being checked.
    #[error("{0}")]
    Unavailable(String),
    #[error("internal store error")]
    Store(#[from] StoreError),
}

impl ActionService {
    /// Makes the upstream call(s) of an action. Returns a summary of the request for the audit
    /// log and, for an override, the new task's push ID.
    pub(super) async fn call_upstream(
        &self,
        app: &UpstreamApp,
        task: &StoredTask,
        req: &ActionRequest,
        plan: Option<OverridePlan>,
    ) -> (String, Result<Option<String>, TpnsError>) {
        let c = &app.creds;
        let id = task.push_id.as_str();
        match req.action {
            Action::Terminate => (
                format!("POST /v3/push/stop_push_msg {{\"pushId\":\"{id}\"}}"),
                self.tpns.stop_push(c, id).await.map(|_| None),
            ),
            Action::Recall => (
                format!("POST /v3/push/revoke_push_msg {{\"pushId\":\"{id}\"}}"),
                self.tpns.revoke_push(c, id).await.map(|_| None),
            ),
            Action::Cancel => (
                format!("POST /v3/push/cancel_timing_task {{\"pushId\":\"{id}\"}}"),
                self.tpns.cancel_timing_task(c, id).await.map(|_| None),
            ),
            Action::Override => match plan {
                Some(plan) => self.override_task(app, task, plan).await,
                None => (
                    String::new(),
                    Err(TpnsError::Upstream {
                        code: 0,
                        message: "the override was not planned".into(),
                    }),
                ),
            },
        }
    }

    /// Resolves the intent from the upstream's answer, reads the task back, audits, and answers.
    pub(super) async fn conclude(
        &self,
        app: &UpstreamApp,
        actor: &Actor,
        req: &ActionRequest,
        task: &StoredTask,
        intent: &Intent,
        (summary, result): (String, Result<Option<String>, TpnsError>),
    ) -> Result<ActionOutcome, ActionError> {
        let label = req.action.label();
        match result {
            Ok(new_push_id) => {
                let status = self.read_back(app, &task.push_id, task.status).await;
                let mut message = self.status_sentence(req.action, status);
                if let Some(new) = &new_push_id {
                    message = format!("{message} The corrected message is task {new}.");
                }
                if !self
                    .store
                    .resolve_intent(
                        intent.intent_id,
                        IntentState::Succeeded,
                        Some(0),
                        None,
                        new_push_id.as_deref(),
                        &message,
                        self.clock.now_ms(),
                    )
                    .await?
                {
                    return self.resolved_elsewhere(app, intent).await;
                }
                self.audit_entry(
                    app,
                    actor,
                    req,
                    &summary,
                    "ret_code 0",
                    "succeeded",
                    &message,
                )
                .await;
                Ok(ActionOutcome {
                    app: app.id.clone(),
                    action: req.action,
                    push_id: task.push_id.clone(),
                    status,
                    message,
                    new_push_id,
                })
            }
            Err(e) if e.outcome_unknown() => {
                // The call may or may not have happened upstream: the task's status tells.
                let status = self.read_back(app, &task.push_id, task.status).await;
                let answer = e.to_string();
                if req.action != Action::Override && status == req.action.expected_status() {
                    let message = format!(
                        "{} — confirmed by reading the task back after: {answer}",
                        self.status_sentence(req.action, status)
                    );
                    if !self
                        .store
                        .resolve_intent(
                            intent.intent_id,
                            IntentState::Succeeded,
                            None,
                            Some(&answer),
                            None,
                            &message,
                            self.clock.now_ms(),
                        )
                        .await?
                    {
                        return self.resolved_elsewhere(app, intent).await;
                    }
                    self.audit_entry(
                        app,
                        actor,
                        req,
                        &summary,
                        &answer,
                        "succeeded (reconciled)",
                        &message,
                    )
                    .await;
                    return Ok(ActionOutcome {
                        app: app.id.clone(),
                        action: req.action,
                        push_id: task.push_id.clone(),
                        status,
                        message,
                        new_push_id: None,
                    });
                }
                let message = format!(
                    "TPNS did not answer ({answer}). Whether {label} happened is unknown; Pushdeck keeps checking and the task's history will show the outcome."
                );
                if !self
                    .store
                    .resolve_intent(
                        intent.intent_id,
                        IntentState::Unknown,
                        e.code(),
                        Some(&answer),
                        None,
                        &message,
                        self.clock.now_ms(),
                    )
                    .await?
                {
                    return self.resolved_elsewhere(app, intent).await;
                }
                self.audit_entry(app, actor, req, &summary, &answer, "unknown", &message)
                    .await;
                Err(ActionError::Unavailable(message))
            }
            Err(e) => {
                let code = e.code().unwrap_or(0);
                let upstream = upstream_message(&e);
                let status = self.read_back(app, &task.push_id, task.status).await;
                let err = if req.action == Action::Cancel
                    && matches!(status, Status::Pushing | Status::Completed)
                {
                    // A Cancel that lost the race against the send time.
                    let at = task.send_time.unwrap_or(task.push_time);
                    ActionError::NotAllowed(format!(
                        "Too late: this task started sending at {}. Cancel is only possible before the scheduled send time; you can Terminate it instead.",
                        self.when(at)
                    ))
                } else if e.kind() == UpstreamKind::RateLimited {
                    ActionError::Unavailable(format!(
                        "TPNS is limiting requests (code {code}: {upstream}). Nothing was changed; try again in a moment."
                    ))
                } else {
                    ActionError::Upstream {
                        action: label,
                        code,
                        message: upstream.clone(),
                    }
                };
                let message = err.to_string();
                if !self
                    .store
                    .resolve_intent(
                        intent.intent_id,
                        IntentState::Failed,
                        Some(code),
                        Some(&upstream),
                        None,
                        &message,
                        self.clock.now_ms(),
                    )
                    .await?
                {
                    return self.resolved_elsewhere(app, intent).await;
                }
                self.audit_entry(
                    app,
                    actor,
                    req,
                    &summary,
                    &format!("ret_code {code}: {upstream}"),
                    "failed",
                    &message,
                )
                .await;
                Err(err)
            }
        }
    }

    /// Somebody else (the reconciler) settled this intent while its call was under way: answer
    /// with that outcome, which is the audited one.
    async fn resolved_elsewhere(
        &self,
        app: &UpstreamApp,
        intent: &Intent,
    ) -> Result<ActionOutcome, ActionError> {
        match self.store.intent_by_key(&intent.idempotency_key).await? {
            Some(now) => self.outcome_of(app, &now).await,
            None => Err(ActionError::Unavailable(
                "The action's record is missing; check the task's history.".into(),
            )),
        }
    }

    /// Reads the task back from TPNS (spending query budget): `None` when that is not possible
    /// now (budget, upstream down), so that nobody mistakes the stored status for TPNS's word.
    pub(super) async fn read_upstream(&self, app: &UpstreamApp, push_id: &str) -> Option<Status> {
        match self
            .sync
            .refresh_task(app, push_id, RefreshReason::Person)
            .await
        {
            Ok(Some(t)) => Some(t.status),
            Ok(None) => None,
            Err(e) => {
                tracing::warn!(error = %e, push_id, "could not read the task back from TPNS");
                None
            }
        }
    }

    /// Reads the task back from TPNS (spending query budget); the stored status if that is not
    /// possible now.
    pub(super) async fn read_back(
        &self,
        app: &UpstreamApp,
        push_id: &str,
        fallback: Status,
    ) -> Status {
        if let Some(status) = self.read_upstream(app, push_id).await {
            return status;
        }
        self.store
            .get_task(&app.id, push_id)
            .await
            .ok()
            .flatten()
            .map(|t| t.status)
            .unwrap_or(fallback)
    }

    /// The outcome of an intent resolved earlier (a retried request).
    pub(super) async fn outcome_of(
        &self,
        app: &UpstreamApp,
        intent: &Intent,
    ) -> Result<ActionOutcome, ActionError> {
        let message = intent.outcome.clone().unwrap_or_default();
        match intent.state {
            IntentState::Succeeded => {
                let status = self
                    .store
                    .get_task(&app.id, &intent.push_id)
                    .await?
                    .map(|t| t.status)
                    .unwrap_or(intent.action.expected_status());
                Ok(ActionOutcome {
                    app: app.id.clone(),
                    action: intent.action,
                    push_id: intent.push_id.clone(),
                    status,
                    message,
                    new_push_id: intent.new_push_id.clone(),
                })
            }
            IntentState::Failed => Err(ActionError::NotAllowed(message)),
            IntentState::Unknown => Err(ActionError::Unavailable(message)),
            IntentState::Pending => Err(ActionError::Conflict {
                message: format!(
                    "This {} is still being carried out; its outcome will show on the task.",
                    intent.action.label()
                ),
                by: Some(intent.username.clone()),
                at: Some(intent.created_at_ms / 1000),
            }),
        }
    }

    pub(super) async fn audit(
        &self,
        app: &UpstreamApp,
        actor: &Actor,
        req: &ActionRequest,
        outcome: &str,
        answer: &str,
        detail: &str,
    ) {
        self.audit_entry(app, actor, req, "", answer, outcome, detail)
            .await;
    }

    #[allow(clippy::too_many_arguments)]
    async fn audit_entry(
        &self,
        app: &UpstreamApp,
        actor: &Actor,
        req: &ActionRequest,
        summary: &str,
        answer: &str,
        outcome: &str,
        detail: &str,
    ) {
        let entry = NewAudit {
            at_ms: self.clock.now_ms(),
            user_id: actor.user_id,
            username: actor.username.clone(),
            ip: actor.ip.clone(),
            kind: "action",
            action: req.action.slug().into(),
            app_id: Some(app.id.clone()),
            push_id: Some(req.push_id.clone()),
            request_summary: summary.into(),
            upstream_answer: answer.into(),
            outcome: outcome.into(),
            detail: detail.into(),
        };
        if let Err(e) = self.store.append_audit(&entry).await {
            tracing::error!(error = %e, "could not write an audit entry");
        }
    }
}

/// The upstream's own message, kept for display.
fn upstream_message(e: &TpnsError) -> String {
    match e {
        TpnsError::Upstream { message, .. } => message.clone(),
        other => other.to_string(),
    }
}
