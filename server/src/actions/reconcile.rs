//! After a crash (or a timeout) an intent's outcome is unknown. Reading the task back settles it:
//! the expected status means the action happened upstream.

use app::domain::Action;

use super::ActionService;
use crate::apps::AppRegistry;
use crate::store::StoreError;
use crate::store::audit::NewAudit;
use crate::store::intents::IntentState;

/// Intents pending for longer than this are taken to belong to a process that died: the
/// upstream call's timeout and retries are far shorter.
pub const ORPHAN_AFTER_MS: i64 = 60_000;

impl ActionService {
    /// Settles every unresolved intent; returns how many were settled.
    pub async fn reconcile(&self, apps: &AppRegistry) -> Result<usize, StoreError> {
        let cutoff = self.clock.now_ms() - ORPHAN_AFTER_MS;
        let mut settled = 0;
        for intent in self.store.unresolved_intents(cutoff).await? {
            let Some(app) = apps.get(&intent.app_id) else {
                continue;
            };
            let fallback = self
                .store
                .get_task(&app.id, &intent.push_id)
                .await?
                .map(|t| t.status)
                .unwrap_or(intent.action.expected_status());
            let status = self.read_back(app, &intent.push_id, fallback).await;
            let happened = status == intent.action.expected_status();
            // An unknown override without the expected status may still be in flight upstream;
            // Terminate, Recall and Cancel show their effect at once.
            let (state, outcome) = if happened {
                (
                    IntentState::Succeeded,
                    format!(
                        "{} — reconciled: TPNS shows the task {}.",
                        self.status_sentence(intent.action, status),
                        status.label()
                    ),
                )
            } else {
                (
                    IntentState::Failed,
                    format!(
                        "{} did not take effect — reconciled: TPNS shows the task {}.",
                        intent.action.label(),
                        status.label()
                    ),
                )
            };
            if self
                .store
                .resolve_intent(
                    intent.intent_id,
                    state,
                    None,
                    None,
                    None,
                    &outcome,
                    self.clock.now_ms(),
                )
                .await?
            {
                settled += 1;
                let _ = self
                    .store
                    .set_in_flight(&app.id, &intent.push_id, None)
                    .await;
                self.feed.publish(&app.id, &intent.push_id).await;
                let entry = NewAudit {
                    at_ms: self.clock.now_ms(),
                    user_id: intent.user_id,
                    username: intent.username.clone(),
                    ip: String::new(),
                    kind: "action",
                    action: intent.action.slug().into(),
                    app_id: Some(app.id.clone()),
                    push_id: Some(intent.push_id.clone()),
                    request_summary: String::new(),
                    upstream_answer: "read back after an unknown outcome".into(),
                    outcome: if happened {
                        "succeeded (reconciled)"
                    } else {
                        "failed (reconciled)"
                    }
                    .into(),
                    detail: outcome,
                };
                if let Err(e) = self.store.append_audit(&entry).await {
                    tracing::error!(error = %e, "could not audit a reconciled action");
                }
                tracing::info!(push_id = %intent.push_id, action = intent.action.slug(), happened, "reconciled an unresolved action");
            }
        }
        let _ = Action::ALL;
        Ok(settled)
    }
}
