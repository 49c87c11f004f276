//! Calling TPNS and turning its answer into one settled, audited outcome.

use app::dto::{ActionOutcome, ActionRequest};
use app::i18n::{T, Words};
use domain::{Action, Status};

use super::override_push::{Called, OverridePlan, Pushed};
use super::{ActionError, ActionService, Actor};
use crate::apps::UpstreamApp;
use crate::store::audit::NewAudit;
use crate::store::intents::{Intent, IntentState, Settlement};
use crate::store::tasks::StoredTask;
use crate::sync::RefreshReason;
use tpns::{TpnsError, UpstreamKind};

/// One way an intent ends, before it is written.
struct Ending<'a> {
    state: IntentState,
    code: Option<i64>,
    answer: &'a str,
    summary: &'a str,
    /// The audit log's outcome column.
    audited: &'a str,
    message: &'a str,
    pushed: Option<&'a Pushed>,
}

impl ActionService {
    /// Makes the upstream call(s) of an action.
    pub(super) async fn call_upstream(
        &self,
        app: &UpstreamApp,
        task: &StoredTask,
        req: &ActionRequest,
        plan: Option<OverridePlan>,
    ) -> Called {
        let c = &app.creds;
        let id = task.push_id.as_str();
        let body = format!("{{\"pushId\":\"{id}\"}}");
        match req.action {
            Action::Terminate => (
                format!("POST /v3/push/stop_push_msg {body}"),
                self.tpns.stop_push(c, id).await.map(|_| None),
            ),
            Action::Recall => (
                format!("POST /v3/push/revoke_push_msg {body}"),
                self.tpns.revoke_push(c, id).await.map(|_| None),
            ),
            Action::Cancel => (
                format!("POST /v3/push/cancel_timing_task {body}"),
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

    /// Settles the intent from the upstream's answer (one transaction with the task's new state
    /// and the audit entry), then reads the task back, and answers.
    pub(super) async fn conclude(
        &self,
        app: &UpstreamApp,
        actor: &Actor,
        req: &ActionRequest,
        task: &StoredTask,
        intent: &Intent,
        (summary, result): Called,
    ) -> Result<ActionOutcome, ActionError> {
        let w = Words::new(actor.locale);
        let action = req.action;
        let label = w.action(action);
        let expected = action.expected_status();
        match result {
            Ok(pushed) => {
                let mut message = self.status_sentence(w, action, expected);
                if let Some(p) = &pushed {
                    message.push_str(&w.f(T::SrvCorrectedIs, &[("id", &p.push_id)]));
                }
                let ending = Ending {
                    state: IntentState::Succeeded,
                    code: Some(0),
                    answer: "ret_code 0",
                    summary: &summary,
                    audited: "succeeded",
                    message: &message,
                    pushed: pushed.as_ref(),
                };
                if !self.settle(app, actor, req, intent, &ending).await? {
                    return self.resolved_elsewhere(w, app, intent).await;
                }
                if let Some(p) = &pushed {
                    self.feed.publish(&app.id, &p.push_id).await;
                }
                // TPNS took the action: what it shows now may confirm the status or, if it
                // lags or differs, correct it; it no longer decides the outcome.
                if let Some(p) = &pushed
                    && let Err(e) = self
                        .sync
                        .refresh_task(app, &p.push_id, RefreshReason::New)
                        .await
                {
                    tracing::info!(error = %e, "the override's new task will be read by the sync worker");
                }
                let status = self
                    .read_upstream(app, &task.push_id)
                    .await
                    .unwrap_or(expected);
                Ok(ActionOutcome {
                    app: app.id.clone(),
                    action,
                    push_id: task.push_id.clone(),
                    status,
                    message: if status == expected {
                        message
                    } else {
                        format!(
                            "{message}{}",
                            w.f(T::SrvStillShows, &[("status", w.status(status))])
                        )
                    },
                    new_push_id: pushed.map(|p| p.push_id),
                })
            }
            Err(e) if e.outcome_unknown() => {
                let answer = e.to_string();
                // A terminate, recall or cancel was already repeated by the client (harmless);
                // the task's status tells whether it took effect. An override is never repeated
                // and its outcome is left to the reconciler, which also looks for the new task.
                if action != Action::Override
                    && self.read_upstream(app, &task.push_id).await == Some(expected)
                {
                    let message = w.f(
                        T::SrvConfirmedByReadBack,
                        &[
                            ("sentence", &self.status_sentence(w, action, expected)),
                            ("answer", &answer),
                        ],
                    );
                    let ending = Ending {
                        state: IntentState::Succeeded,
                        code: None,
                        answer: &answer,
                        summary: &summary,
                        audited: "succeeded (reconciled)",
                        message: &message,
                        pushed: None,
                    };
                    if !self.settle(app, actor, req, intent, &ending).await? {
                        return self.resolved_elsewhere(w, app, intent).await;
                    }
                    return Ok(ActionOutcome {
                        app: app.id.clone(),
                        action,
                        push_id: task.push_id.clone(),
                        status: expected,
                        message,
                        new_push_id: None,
                    });
                }
                let mut message = w.f(T::SrvNoAnswer, &[("answer", &answer), ("action", label)]);
                if action == Action::Override {
                    message.push_str(w.t(T::SrvOverrideStaysDisabled));
                }
                let ending = Ending {
                    state: IntentState::Unknown,
                    code: e.code(),
                    answer: &answer,
                    summary: &summary,
                    audited: "unknown",
                    message: &message,
                    pushed: None,
                };
                if !self.settle(app, actor, req, intent, &ending).await? {
                    return self.resolved_elsewhere(w, app, intent).await;
                }
                Err(ActionError::Unavailable(message))
            }
            Err(e) => {
                let code = e.code().unwrap_or(0);
                let upstream = upstream_message(&e);
                let status = match action {
                    Action::Override => None,
                    _ => self.read_upstream(app, &task.push_id).await,
                };
                // A refusal of a call whose effect is there: an earlier attempt (a retry after a
                // lost answer) already took effect, and TPNS refused the repeat.
                if action != Action::Override && status == Some(expected) {
                    let message = w.f(
                        T::SrvRepeatRefused,
                        &[
                            ("sentence", &self.status_sentence(w, action, expected)),
                            ("code", &code.to_string()),
                            ("upstream", &upstream),
                        ],
                    );
                    let answer = format!("ret_code {code}: {upstream}");
                    let ending = Ending {
                        state: IntentState::Succeeded,
                        code: Some(code),
                        answer: &answer,
                        summary: &summary,
                        audited: "succeeded",
                        message: &message,
                        pushed: None,
                    };
                    if !self.settle(app, actor, req, intent, &ending).await? {
                        return self.resolved_elsewhere(w, app, intent).await;
                    }
                    return Ok(ActionOutcome {
                        app: app.id.clone(),
                        action,
                        push_id: task.push_id.clone(),
                        status: expected,
                        message,
                        new_push_id: None,
                    });
                }
                let err = if action == Action::Cancel
                    && matches!(status, Some(Status::Pushing | Status::Completed))
                {
                    // A Cancel that lost the race against the send time.
                    let at = task.send_time.unwrap_or(task.push_time);
                    ActionError::NotAllowed(w.f(T::RefuseTooLate, &[("at", &self.when(w, at))]))
                } else if e.kind() == UpstreamKind::RateLimited {
                    ActionError::Unavailable(w.f(
                        T::SrvRateLimited,
                        &[("code", &code.to_string()), ("upstream", &upstream)],
                    ))
                } else {
                    ActionError::Upstream {
                        code,
                        message: w.f(
                            T::SrvUpstreamRefused,
                            &[
                                ("action", label),
                                ("code", &code.to_string()),
                                ("upstream", &upstream),
                            ],
                        ),
                    }
                };
                let message = err.to_string();
                let answer = format!("ret_code {code}: {upstream}");
                let ending = Ending {
                    state: IntentState::Failed,
                    code: Some(code),
                    answer: &answer,
                    summary: &summary,
                    audited: "failed",
                    message: &message,
                    pushed: None,
                };
                if !self.settle(app, actor, req, intent, &ending).await? {
                    return self.resolved_elsewhere(w, app, intent).await;
                }
                Err(err)
            }
        }
    }

    /// Settles an intent that the rules refused once it held the task: nothing was sent.
    pub(super) async fn settle_refused(
        &self,
        app: &UpstreamApp,
        actor: &Actor,
        req: &ActionRequest,
        intent: &Intent,
        err: ActionError,
    ) -> Result<ActionOutcome, ActionError> {
        let message = err.to_string();
        let ending = Ending {
            state: IntentState::Failed,
            code: None,
            answer: "",
            summary: "",
            audited: "refused",
            message: &message,
            pushed: None,
        };
        if !self.settle(app, actor, req, intent, &ending).await? {
            return self
                .resolved_elsewhere(Words::new(actor.locale), app, intent)
                .await;
        }
        self.feed.publish(&app.id, &req.push_id).await;
        Err(err)
    }

    /// Writes an ending in one transaction; `false` when somebody else settled it first.
    async fn settle(
        &self,
        app: &UpstreamApp,
        actor: &Actor,
        req: &ActionRequest,
        intent: &Intent,
        e: &Ending<'_>,
    ) -> Result<bool, ActionError> {
        let upstream_message = (!e.answer.is_empty()).then_some(e.answer);
        // TPNS answered success: that overrules a reconciler that concluded otherwise.
        let overrule_failed = e.state == IntentState::Succeeded && e.code == Some(0);
        let won = self
            .store
            .settle_intent(&Settlement {
                intent_id: intent.intent_id,
                state: e.state,
                upstream_code: e.code,
                upstream_message,
                new_push_id: e.pushed.map(|p| p.push_id.as_str()),
                outcome: e.message,
                now_ms: self.clock.now_ms(),
                new_task: e.pushed.map(|p| &p.task),
                audit: self.audit_entry(app, actor, req, e.summary, e.answer, e.audited, e.message),
                only_if_unsent: false,
                overrule_failed,
            })
            .await?;
        // Counted once the outcome is recorded, by whoever recorded it.
        if won {
            self.metrics.action(req.action.slug(), e.audited);
        }
        Ok(won)
    }

    /// Somebody else (the reconciler) settled this intent while its call was under way: answer
    /// with that outcome, which is the audited one.
    pub(super) async fn resolved_elsewhere(
        &self,
        w: Words,
        app: &UpstreamApp,
        intent: &Intent,
    ) -> Result<ActionOutcome, ActionError> {
        match self.store.intent_by_key(&intent.idempotency_key).await? {
            Some(now) => self.outcome_of(w, app, &now).await,
            None => Err(ActionError::Unavailable(
                w.t(T::SrvRecordMissing).to_string(),
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

    /// The outcome of an intent resolved earlier (a retried request).
    pub(super) async fn outcome_of(
        &self,
        w: Words,
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
            // TPNS's refusal: the same error, with its code, as the first answer gave.
            IntentState::Failed => match intent.upstream_code {
                Some(code) if code != 0 => Err(ActionError::Upstream { code, message }),
                _ => Err(ActionError::NotAllowed(message)),
            },
            IntentState::Unknown => Err(ActionError::Unavailable(message)),
            IntentState::Pending => Err(ActionError::Conflict {
                message: w.f(
                    T::SrvStillCarriedOut,
                    &[("action", w.action(intent.action))],
                ),
                by: Some(intent.username.clone()),
                at: Some(intent.created_at_ms / 1000),
            }),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn audit_entry(
        &self,
        app: &UpstreamApp,
        actor: &Actor,
        req: &ActionRequest,
        summary: &str,
        answer: &str,
        outcome: &str,
        detail: &str,
    ) -> NewAudit {
        NewAudit {
            at_ms: self.clock.now_ms(),
            user_id: actor.user_id,
            username: actor.username.clone(),
            ip: actor.ip.clone(),
            kind: "action",
            action: req.action.slug().into(),
            app_id: Some(app.id.clone()),
            push_id: Some(req.push_id.to_string()),
            request_summary: summary.into(),
            upstream_answer: answer.into(),
            outcome: outcome.into(),
            detail: detail.into(),
            via_token: actor.via_token.clone(),
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
