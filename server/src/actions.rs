//! The action pipeline: Terminate, Recall, Override and Cancel Push, each carried out exactly
//! once. The rules are checked again here; an intent is written before the upstream call; the
//! upstream is called; the task is read back; one audited outcome is recorded. A crash between
//! the intent and the answer is reconciled on restart by reading the task back.

mod outcome;
mod override_push;
mod reconcile;

use std::sync::Arc;
use std::time::Duration;

use app::domain::rules::{RefusalKind, RuleContext, check};
use app::domain::time::{format_datetime, format_offset};
use app::domain::{Action, Audience, Platform, Status};
use app::dto::{ActionOutcome, ActionRequest};

use crate::apps::UpstreamApp;
use crate::clock::SharedClock;
use crate::console::view;
use crate::feed::ChangeFeed;
use crate::store::Store;
use crate::store::intents::{InsertError, Intent, IntentState, NewIntent};
use crate::sync::Syncer;
use crate::tpns::TpnsClient;

pub use outcome::ActionError;

/// Who is acting, for the intent and the audit log.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    pub ip: String,
}

/// Carries out actions.
pub struct ActionService {
    pub(crate) store: Store,
    pub(crate) tpns: TpnsClient,
    pub(crate) sync: Arc<Syncer>,
    pub(crate) feed: ChangeFeed,
    pub(crate) clock: SharedClock,
    pub(crate) instance: String,
    pub(crate) utc_offset_minutes: i32,
    /// An intent unresolved for longer than this belongs to a request that died: longer than
    /// the pipeline's worst case (several upstream calls, each with its timeout and retries).
    pub(crate) orphan_after_ms: i64,
}

const MAX_TITLE: usize = 200;
const MAX_CONTENT: usize = 2000;
/// How long a double submit waits for the first request's outcome before answering "in progress".
const SAME_KEY_WAIT: Duration = Duration::from_secs(15);

impl ActionService {
    pub fn new(
        store: Store,
        tpns: TpnsClient,
        sync: Arc<Syncer>,
        feed: ChangeFeed,
        clock: SharedClock,
        instance: String,
        config: &crate::config::Config,
    ) -> ActionService {
        let upstream = &config.upstream;
        let call_ms = upstream.request_timeout_secs * 1000.0 * f64::from(upstream.retries + 1);
        ActionService {
            store,
            tpns,
            sync,
            feed,
            clock,
            instance,
            utc_offset_minutes: config.utc_offset_minutes(),
            orphan_after_ms: (call_ms as i64 * 8).max(120_000),
        }
    }

    fn when(&self, ts: i64) -> String {
        format!(
            "{} {}",
            format_datetime(ts, self.utc_offset_minutes),
            format_offset(self.utc_offset_minutes)
        )
    }

    /// Performs `req` on `app` for `actor`.
    #[tracing::instrument(skip_all, fields(app = %app.id, push_id = %req.push_id, action = req.action.slug()))]
    pub async fn perform(
        &self,
        app: &UpstreamApp,
        actor: &Actor,
        req: &ActionRequest,
    ) -> Result<ActionOutcome, ActionError> {
        validate_push_id(req)?;
        // A retried or double-submitted request: answer with the first one's outcome.
        if let Some(earlier) = self.store.intent_by_key(&req.idempotency_key).await? {
            return self.answer_same_key(app, req, earlier).await;
        }
        let task = self
            .store
            .get_task(&app.id, &req.push_id)
            .await?
            .ok_or_else(|| ActionError::NotFound(req.push_id.clone()))?;
        let now = self.clock.now();
        let ctx = RuleContext {
            now,
            recall_available: app.recall_available,
            utc_offset_minutes: self.utc_offset_minutes,
        };
        if let Err(refusal) = check(req.action, &view::facts(&task), &ctx) {
            // Another action of ours is under way: say whose.
            if refusal.kind == RefusalKind::InFlight
                && let Some(other) = self.store.pending_intent(&app.id, &req.push_id).await?
            {
                return self.refuse(app, actor, req, self.busy(&other)).await;
            }
            // Someone else's action made this one impossible: say who and when.
            if refusal.kind == RefusalKind::Status
                && let Some(first) = self
                    .store
                    .last_succeeded_intent(&app.id, &req.push_id)
                    .await?
                && first.action.expected_status() == task.status
            {
                let at = first.resolved_at_ms.unwrap_or(first.created_at_ms) / 1000;
                return self
                    .refuse(
                        app,
                        actor,
                        req,
                        ActionError::Conflict {
                            message: format!(
                                "{} already used {} on this task at {}; it is now {}.",
                                first.username,
                                first.action.label(),
                                self.when(at),
                                task.status.label()
                            ),
                            by: Some(first.username.clone()),
                            at: Some(at),
                        },
                    )
                    .await;
            }
            return self
                .refuse(app, actor, req, ActionError::NotAllowed(refusal.message))
                .await;
        }
        if task.audience == Audience::All
            && req.typed_confirmation.as_deref().map(str::trim) != Some(req.push_id.as_str())
        {
            return Err(ActionError::Validation {
                field: "typed_confirmation",
                message: format!(
                    "This task was pushed to all devices: type its push ID {} to confirm.",
                    req.push_id
                ),
            });
        }
        validate_override(req)?;
        if req.action == Action::Override
            && task.platform == Platform::Android
            && req.choice.is_none()
        {
            return Err(ActionError::Validation {
                field: "choice",
                message: "Choose what happens on vivo, OPPO and old Huawei devices: Continue delivery or Abort for these devices.".into(),
            });
        }

        let plan = match req.action {
            Action::Override => match self.plan_override(app, &task, req).await {
                Ok(plan) => Some(plan),
                Err(e) => return self.refuse(app, actor, req, e).await,
            },
            _ => None,
        };

        let params = serde_json::json!({
            "title": req.title, "content": req.content, "choice": req.choice.map(|c| c.slug()),
        })
        .to_string();
        let intent = match self
            .store
            .insert_intent(&NewIntent {
                app_id: &app.id,
                push_id: &req.push_id,
                action: req.action,
                params: &params,
                idempotency_key: &req.idempotency_key,
                user_id: actor.user_id,
                username: &actor.username,
                owner: &self.instance,
                now_ms: self.clock.now_ms(),
            })
            .await
        {
            Ok(i) => i,
            Err(InsertError::SameKey(earlier)) => {
                return self.answer_same_key(app, req, earlier).await;
            }
            Err(InsertError::TaskBusy(other)) => {
                let at = other.created_at_ms / 1000;
                return self
                    .refuse(
                        app,
                        actor,
                        req,
                        ActionError::Conflict {
                            message: format!(
                                "{} started {} on this task at {}; wait for its outcome.",
                                other.username,
                                other.action.label(),
                                self.when(at)
                            ),
                            by: Some(other.username.clone()),
                            at: Some(at),
                        },
                    )
                    .await;
            }
            Err(InsertError::Store(e)) => return Err(e.into()),
        };
        self.store
            .set_in_flight(&app.id, &req.push_id, Some(req.action))
            .await?;
        self.feed.publish(&app.id, &req.push_id).await;

        let result = self.call_upstream(app, &task, req, plan).await;
        // Resolving the intent clears the in-flight marker in the same transaction (an unknown
        // outcome keeps it until reconciled).
        let outcome = self.conclude(app, actor, req, &task, &intent, result).await;
        self.feed.publish(&app.id, &req.push_id).await;
        outcome
    }

    /// The answer to a request whose key was seen before: the earlier outcome once resolved.
    async fn answer_same_key(
        &self,
        app: &UpstreamApp,
        req: &ActionRequest,
        earlier: Intent,
    ) -> Result<ActionOutcome, ActionError> {
        if earlier.app_id != app.id
            || earlier.push_id != req.push_id
            || earlier.action != req.action
        {
            return Err(ActionError::Validation {
                field: "idempotency_key",
                message:
                    "This request key belongs to another action; reload the page and try again."
                        .into(),
            });
        }
        let deadline = tokio::time::Instant::now() + SAME_KEY_WAIT;
        let mut intent = earlier;
        while intent.state == IntentState::Pending && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
            match self.store.intent_by_key(&req.idempotency_key).await? {
                Some(i) => intent = i,
                None => break,
            }
        }
        self.outcome_of(app, &intent).await
    }

    /// A refusal is an attempt too: it is audited.
    async fn refuse(
        &self,
        app: &UpstreamApp,
        actor: &Actor,
        req: &ActionRequest,
        err: ActionError,
    ) -> Result<ActionOutcome, ActionError> {
        self.audit(app, actor, req, "refused", "", &err.to_string())
            .await;
        Err(err)
    }

    /// The answer when another operator's action on the task is under way.
    fn busy(&self, other: &Intent) -> ActionError {
        let at = other.created_at_ms / 1000;
        ActionError::Conflict {
            message: format!(
                "{} started {} on this task at {}; wait for its outcome.",
                other.username,
                other.action.label(),
                self.when(at)
            ),
            by: Some(other.username.clone()),
            at: Some(at),
        }
    }

    /// Status strings for sentences.
    pub(crate) fn status_sentence(&self, action: Action, status: Status) -> String {
        if status == action.expected_status() {
            format!(
                "{} succeeded: the task is now {}.",
                action.label(),
                status.label()
            )
        } else {
            format!(
                "{} was accepted by TPNS; the task still shows {} and will be refreshed.",
                action.label(),
                status.label()
            )
        }
    }
}

/// A push ID is plain alphanumerics (TPNS's are digits); anything else is not one.
fn validate_push_id(req: &ActionRequest) -> Result<(), ActionError> {
    if req.push_id.is_empty()
        || req.push_id.len() > 40
        || !req.push_id.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(ActionError::Validation {
            field: "push_id",
            message: "That is not a push ID.".into(),
        });
    }
    Ok(())
}

/// The override's new message: present and within TPNS's sizes.
fn validate_override(req: &ActionRequest) -> Result<(), ActionError> {
    if req.action == Action::Override {
        let title = req.title.as_deref().map(str::trim).unwrap_or("");
        let content = req.content.as_deref().map(str::trim).unwrap_or("");
        if title.is_empty() || content.is_empty() {
            return Err(ActionError::Validation {
                field: if title.is_empty() { "title" } else { "content" },
                message: "The override needs a title and a content.".into(),
            });
        }
        if title.chars().count() > MAX_TITLE || content.chars().count() > MAX_CONTENT {
            return Err(ActionError::Validation {
                field: if title.chars().count() > MAX_TITLE {
                    "title"
                } else {
                    "content"
                },
                message: format!(
                    "Keep the title under {MAX_TITLE} and the content under {MAX_CONTENT} characters."
                ),
            });
        }
    }
    Ok(())
}
