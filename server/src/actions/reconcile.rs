//! After a crash (or a timeout) an intent's outcome is unknown. Reading the task back settles it:
//! the expected status means the action happened upstream.

use app::domain::Action;

use super::ActionService;
use crate::apps::AppRegistry;
use crate::store::StoreError;
use crate::store::audit::NewAudit;
use crate::store::intents::IntentState;

impl ActionService {
    /// Settles every unresolved intent older than the pipeline's worst case, but only on what
    /// TPNS says now: when the task cannot be read (budget spent, upstream down) the intent
    /// stays open for the next pass. Also clears in-flight markers no open intent stands behind.
    /// Returns how many intents were settled.
    pub async fn reconcile(&self, apps: &AppRegistry) -> Result<usize, StoreError> {
        for (app, push_id) in self.store.clear_orphan_in_flight().await? {
            self.feed.publish(&app, &push_id).await;
        }
        let cutoff = self.clock.now_ms() - self.orphan_after_ms;
        let mut settled = 0;
        for intent in self.store.unresolved_intents(cutoff).await? {
            let Some(app) = apps.get(&intent.app_id) else {
                continue;
            };
            let Some(status) = self.read_upstream(app, &intent.push_id).await else {
                continue;
            };
            let happened = status == intent.action.expected_status();
            // An override that happened created a task with the same collapse ID: link it.
            let mut new_push_id = None;
            if happened && intent.action == Action::Override {
                let task = self.store.get_task(&app.id, &intent.push_id).await?;
                if let Some(collapse) = task.and_then(|t| t.collapse_id) {
                    new_push_id = self
                        .store
                        .override_candidate(
                            &app.id,
                            &intent.push_id,
                            collapse,
                            intent.created_at_ms / 1000 - 60,
                        )
                        .await?;
                }
            }
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
            if !self
                .store
                .resolve_intent(
                    intent.intent_id,
                    state,
                    None,
                    None,
                    new_push_id.as_deref(),
                    &outcome,
                    self.clock.now_ms(),
                )
                .await?
            {
                continue;
            }
            settled += 1;
            if let Some(new) = &new_push_id {
                self.store
                    .link_override(&app.id, new, &intent.push_id)
                    .await?;
            }
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
        Ok(settled)
    }
}
