//! The action pipeline: Terminate, Recall, Override and Cancel Push, each carried out exactly
//! once.
//!
//! 1. The rules are checked against the stored task, including what Pushdeck's actions already
//!    did to it (`TaskFacts::done`).
//! 2. An override reads the task fresh from TPNS and plans its push.
//! 3. An intent is written; the database's unique indexes let one action per task through.
//! 4. The rules are checked again against the freshest facts (another operator's action may
//!    have ended a moment ago, and the read of step 2 may show the task overridden already).
//! 5. TPNS is called.
//! 6. The outcome is settled in one transaction: the intent's state, the status the action
//!    gives the task, the record of what was done, the in-flight marker and the audit entry
//!    ([`crate::store::Store::settle_intent`]). The task is then read back, which may confirm
//!    or correct the status but no longer decides whether the action succeeded.
//!
//! When the answer is lost (a timeout, a dropped connection, a 5xx, TPNS's internal error), a
//! terminate, recall or cancel is retried by the client and confirmed by reading the task back;
//! an override is never sent again: its outcome is *unknown*, which blocks another override
//! until the reconciler ([`reconcile`]) has found out from TPNS what happened.

mod error;
mod outcome;
mod override_push;
mod reconcile;

use std::sync::Arc;
use std::time::Duration;

use app::dto::{ActionOutcome, ActionRequest};
use app::i18n::{T, Words};
use domain::rules::{DoneAction, RefusalKind, RuleContext, check, made_pointless_by};
use domain::{Action, Audience, Locale, Platform, Status};

use crate::apps::UpstreamApp;
use crate::feed::ChangeFeed;
use crate::store::Store;
use crate::store::intents::{InsertError, Intent, IntentState, NewIntent};
use crate::store::tasks::StoredTask;
use crate::sync::Syncer;
use tpns::TpnsClient;
use tpns::clock::SharedClock;

pub use error::ActionError;
pub use reconcile::ReconcileReport;

/// Who is acting, for the intent and the audit log.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    pub ip: String,
    /// The language the actor reads: the sentences of their outcome are written in it (and so
    /// recorded in the audit log as they were shown).
    pub locale: Locale,
    /// The API token the request came with, if it did (recorded in the audit log).
    pub via_token: Option<String>,
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
    /// How long after its intent an upstream call may still land: the client's timeout for
    /// every attempt, and a margin. Only a read of TPNS made later than this can show that an
    /// action did *not* happen.
    pub(crate) call_window_ms: i64,
    /// A pending intent older than this is settled even if its owner still beats: longer than
    /// the pipeline's worst case (several upstream calls, each with its timeout and retries).
    pub(crate) orphan_after_ms: i64,
    /// The spacing of an app's all/tag/package pushes (`upstream.pushes_per_second`); 0: none.
    pub(crate) push_spacing_ms: i64,
    /// Counts each audited outcome (`/metrics`).
    pub(crate) metrics: Arc<crate::metrics::Metrics>,
}

/// How far an instance's clock may be from the database's before it stops acting: intents,
/// heartbeats and reads are stamped by the instance's clock and compared by others', and a
/// reconciler misled by a clock minutes off could take an action that did happen for one that
/// did not, and let it be sent again.
pub const MAX_CLOCK_LEAD_MS: i64 = 2_000;

const MAX_TITLE: usize = 200;
const MAX_CONTENT: usize = 2000;
const PUSH_SPACING_MARGIN_MS: i64 = 100;
/// How long an override waits for its push turn within the operator's request.
const PUSH_TURN_WAIT: Duration = Duration::from_secs(5);
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
            call_window_ms: call_ms as i64 + 5_000,
            orphan_after_ms: (call_ms as i64 * 8).max(120_000),
            // With a margin, so that a push that travels faster than the one before it still
            // lands in TPNS's next second.
            push_spacing_ms: match upstream.pushes_per_second {
                0 => 0,
                n => 1_000 / i64::from(n) + PUSH_SPACING_MARGIN_MS,
            },
            metrics: Arc::default(),
        }
    }

    /// Counts outcomes in `metrics` (the server's; a service built alone counts in its own).
    pub fn with_metrics(mut self, metrics: Arc<crate::metrics::Metrics>) -> ActionService {
        self.metrics = metrics;
        self
    }

    /// Whether this instance's clock is too far from the database's to act (see
    /// [`MAX_CLOCK_LEAD_MS`]).
    pub fn clock_off(&self) -> bool {
        self.store.clock_off()
    }

    /// The refusal while this instance's clock is off.
    fn clock_refusal(w: Words) -> ActionError {
        ActionError::NotAllowed(w.t(T::SrvClockOff).to_string())
    }

    fn when(&self, w: Words, ts: i64) -> String {
        app::i18n::refusal::when(w, ts, self.utc_offset_minutes)
    }

    fn rule_context(&self, app: &UpstreamApp) -> RuleContext {
        RuleContext {
            now: self.clock.now(),
            recall_available: app.recall_available,
            utc_offset_minutes: self.utc_offset_minutes,
        }
    }

    /// Performs `req` on `app` for `actor`.
    #[tracing::instrument(skip_all, fields(app = %app.id, push_id = %req.push_id, action = req.action.slug()))]
    pub async fn perform(
        &self,
        app: &UpstreamApp,
        actor: &Actor,
        req: &ActionRequest,
    ) -> Result<ActionOutcome, ActionError> {
        let w = Words::new(actor.locale);
        // A retried or double-submitted request: answer with the first one's outcome (a read,
        // whatever this instance's clock says).
        if let Some(earlier) = self.store.intent_by_key(&req.idempotency_key).await? {
            return self.answer_same_key(app, actor, req, earlier).await;
        }
        if self.clock_off() {
            return self.refuse(app, actor, req, Self::clock_refusal(w)).await;
        }
        let task = self.stored(app, &req.push_id).await?;
        if let Err(refusal) = check(req.action, &task.facts(), &self.rule_context(app)) {
            let err = self.refusal(w, app, req, &task, refusal).await?;
            return self.refuse(app, actor, req, err).await;
        }
        validate_for(w, req, &task)?;

        let plan = match req.action {
            Action::Override => match self.plan_override(w, app, &task, req).await {
                Ok(plan) => Some(plan),
                Err(e) => return self.refuse(app, actor, req, e).await,
            },
            _ => None,
        };
        let params = serde_json::json!({
            "title": req.title, "content": req.content, "choice": req.choice.map(|c| c.slug()),
            "click": req.click.as_ref().map(|c| c.slug()),
            "click_target": req.click.as_ref().and_then(|c| c.target()),
            "collapse_id": plan.as_ref().map(|p| p.collapse_id),
            // For the reconciler's audit entry, should it be the one to settle the action.
            "via_token": actor.via_token,
        })
        .to_string();
        let new = NewIntent {
            app_id: &app.id,
            push_id: &req.push_id,
            action: req.action,
            params: &params,
            idempotency_key: &req.idempotency_key,
            user_id: actor.user_id,
            username: &actor.username,
            owner: &self.instance,
            now_ms: self.clock.now_ms(),
        };
        // Planning an override can take a while (a fresh read, its push turn): look again.
        if self.clock_off() {
            return self.refuse(app, actor, req, Self::clock_refusal(w)).await;
        }
        let mut tries = 0;
        let intent = loop {
            tries += 1;
            match self.store.insert_intent(&new).await {
                Ok(i) => break i,
                Err(InsertError::SameKey(earlier)) => {
                    return self.answer_same_key(app, actor, req, earlier).await;
                }
                Err(InsertError::TaskBusy(other)) => {
                    return self.refuse(app, actor, req, self.busy(w, &other)).await;
                }
                // The action in the way ended a moment ago: write ours again, and the check
                // below says whether that action leaves room for it.
                Err(InsertError::JustResolved(_)) if tries < 3 => continue,
                Err(InsertError::JustResolved(other)) => {
                    return self
                        .refuse(app, actor, req, self.acted_first(w, &other))
                        .await;
                }
                Err(InsertError::Store(e)) => return Err(e.into()),
            }
        };

        // This intent now holds the task. Check again against what is known now: an action
        // that ended between the first check and the intent, and whatever the override's plan
        // just read from TPNS, are in the stored task. Our own intent is the only open one.
        let fresh = self.stored(app, &req.push_id).await?;
        let mut facts = fresh.facts();
        facts.in_flight = None;
        if let Err(refusal) = check(req.action, &facts, &self.rule_context(app)) {
            let err = self.refusal(w, app, req, &fresh, refusal).await?;
            return self.settle_refused(app, actor, req, &intent, err).await;
        }

        self.store
            .set_in_flight(&app.id, &req.push_id, Some(req.action))
            .await?;
        self.feed.publish(&app.id, &req.push_id).await;
        // TPNS takes one all/tag/package push a second per app: wait for our turn rather than
        // be refused with 1008028. Nothing is sent if the turn does not come in time.
        if req.action == Action::Override {
            let turn = self.wait_push_turn(app, task.audience).await;
            if !matches!(turn, Ok(true)) {
                let err = turn
                    .err()
                    .unwrap_or_else(|| ActionError::Unavailable(w.t(T::SrvPushQueued).to_string()));
                // Nothing was sent: settle now rather than leave the task in flight for the
                // reconciler.
                return self.settle_refused(app, actor, req, &intent, err).await;
            }
        }
        // The last step before the call: if this process stalled and the reconciler took it
        // for dead and settled the intent meanwhile, nothing is sent.
        if !self
            .store
            .mark_sending(intent.intent_id, self.clock.now_ms())
            .await?
        {
            return self.resolved_elsewhere(w, app, &intent).await;
        }
        let result = self.call_upstream(app, &fresh, req, plan).await;
        let outcome = self
            .conclude(app, actor, req, &fresh, &intent, result)
            .await;
        self.feed.publish(&app.id, &req.push_id).await;
        outcome
    }

    /// Waits, at most [`PUSH_TURN_WAIT`], for this app's next push slot (TPNS: one all, tag or
    /// package push a second per app, `server/docs/tpns.md` §8; list pushes are not limited).
    /// The slot is shared by every instance through a spacing gate, read against each
    /// instance's clock: instances are assumed to keep time (NTP) within the gate's 100 ms
    /// margin. Under a manual test clock that does not move, a second turn never comes.
    async fn wait_push_turn(
        &self,
        app: &UpstreamApp,
        audience: Audience,
    ) -> Result<bool, ActionError> {
        if self.push_spacing_ms == 0
            || !matches!(
                audience,
                Audience::All | Audience::Tag | Audience::PackageAccount | Audience::PackageToken
            )
        {
            return Ok(true);
        }
        let gate = format!("{}:push", app.id);
        let deadline = tokio::time::Instant::now() + PUSH_TURN_WAIT;
        loop {
            if self
                .store
                .pass_spacing_gate(&gate, self.clock.now_ms(), self.push_spacing_ms)
                .await?
            {
                return Ok(true);
            }
            if tokio::time::Instant::now() >= deadline {
                return Ok(false);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn stored(&self, app: &UpstreamApp, push_id: &str) -> Result<StoredTask, ActionError> {
        self.store
            .get_task(&app.id, push_id)
            .await?
            .ok_or_else(|| ActionError::NotFound(push_id.to_string()))
    }

    /// The error a rule's refusal becomes, saying who acted first where someone did.
    async fn refusal(
        &self,
        w: Words,
        app: &UpstreamApp,
        req: &ActionRequest,
        task: &StoredTask,
        refusal: domain::Refusal,
    ) -> Result<ActionError, ActionError> {
        let sentence = app::i18n::refusal::refusal(w, &refusal, &self.rule_context(app));
        Ok(match refusal.kind {
            // Another action of ours is under way: say whose.
            RefusalKind::InFlight => {
                match self.store.pending_intent(&app.id, &req.push_id).await? {
                    Some(other) => self.busy(w, &other),
                    None => ActionError::NotAllowed(sentence),
                }
            }
            // Pushdeck did it already: the sentence names who and when.
            RefusalKind::AlreadyDone => {
                let d: Option<&DoneAction> = made_pointless_by(req.action, &task.done);
                ActionError::Conflict {
                    message: sentence,
                    by: d.map(|d| d.by.clone()),
                    at: d.map(|d| d.at),
                }
            }
            // Someone else's action made this one impossible: say who and when.
            RefusalKind::Status => match self
                .store
                .last_succeeded_intent(&app.id, &req.push_id)
                .await?
            {
                Some(first) if first.action.expected_status() == task.status => {
                    let at = first.resolved_at_ms.unwrap_or(first.created_at_ms) / 1000;
                    ActionError::Conflict {
                        message: w.f(
                            T::SrvAlreadyUsedNow,
                            &[
                                ("by", &first.username),
                                ("action", w.action(first.action)),
                                ("at", &self.when(w, at)),
                                ("status", w.status(task.status)),
                            ],
                        ),
                        by: Some(first.username.clone()),
                        at: Some(at),
                    }
                }
                _ => ActionError::NotAllowed(sentence),
            },
            _ => ActionError::NotAllowed(sentence),
        })
    }

    /// The answer to a request whose key was seen before: the earlier outcome once resolved.
    /// A key belongs to the user who sent it first: another user's request with it learns
    /// nothing of that action.
    async fn answer_same_key(
        &self,
        app: &UpstreamApp,
        actor: &Actor,
        req: &ActionRequest,
        earlier: Intent,
    ) -> Result<ActionOutcome, ActionError> {
        if earlier.user_id != actor.user_id
            || earlier.app_id != app.id
            || req.push_id != earlier.push_id
            || earlier.action != req.action
            || !same_fields(&earlier.params, req)
        {
            return Err(ActionError::Validation {
                field: "idempotency_key",
                message: Words::new(actor.locale).t(T::SrvKeyOtherAction).to_string(),
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
        self.outcome_of(Words::new(actor.locale), app, &intent)
            .await
    }

    /// A refusal is an attempt too: it is audited.
    async fn refuse(
        &self,
        app: &UpstreamApp,
        actor: &Actor,
        req: &ActionRequest,
        err: ActionError,
    ) -> Result<ActionOutcome, ActionError> {
        let entry = self.audit_entry(app, actor, req, "", "", "refused", &err.to_string());
        match self.store.append_audit(&entry).await {
            Ok(()) => self.metrics.action(req.action.slug(), "refused"),
            Err(e) => tracing::error!(error = %e, "could not write an audit entry"),
        }
        Err(err)
    }

    /// The answer when another operator's action on the task is under way.
    fn busy(&self, w: Words, other: &Intent) -> ActionError {
        let at = other.created_at_ms / 1000;
        ActionError::Conflict {
            message: w.f(
                T::SrvBusy,
                &[
                    ("by", &other.username),
                    ("action", w.action(other.action)),
                    ("at", &self.when(w, at)),
                ],
            ),
            by: Some(other.username.clone()),
            at: Some(at),
        }
    }

    /// The answer when another operator's action ended just as this one was written.
    fn acted_first(&self, w: Words, other: &Intent) -> ActionError {
        let at = other.created_at_ms / 1000;
        let key = match other.state {
            IntentState::Succeeded => T::SrvActedFirstUsed,
            IntentState::Unknown => T::SrvActedFirstSent,
            IntentState::Failed | IntentState::Pending => T::SrvActedFirstTried,
        };
        ActionError::Conflict {
            message: w.f(
                key,
                &[
                    ("by", &other.username),
                    ("action", w.action(other.action)),
                    ("at", &self.when(w, at)),
                ],
            ),
            by: Some(other.username.clone()),
            at: Some(at),
        }
    }

    /// Status strings for sentences.
    pub(crate) fn status_sentence(&self, w: Words, action: Action, status: Status) -> String {
        let key = if status == action.expected_status() {
            T::SrvSucceeded
        } else {
            T::SrvAccepted
        };
        w.f(
            key,
            &[("action", w.action(action)), ("status", w.status(status))],
        )
    }
}

/// Everything an action request must carry, checked in one place once the rules allow the action
/// (the rules speak first: a refused action's reason matters more than a missing field). Its
/// form (a known action, a push ID, a request key, a known choice) was checked where it entered
/// (`ActionRequest::from_form`).
fn validate_for(w: Words, req: &ActionRequest, task: &StoredTask) -> Result<(), ActionError> {
    if task.audience == Audience::All
        && req.typed_confirmation.as_deref().map(str::trim) != Some(req.push_id.as_str())
    {
        return Err(ActionError::Validation {
            field: "typed_confirmation",
            message: w.f(T::SrvTypePushId, &[("id", &req.push_id)]),
        });
    }
    if req.action != Action::Override {
        return Ok(());
    }
    let title = req.title.as_deref().map(str::trim).unwrap_or("");
    let content = req.content.as_deref().map(str::trim).unwrap_or("");
    if title.is_empty() || content.is_empty() {
        return Err(ActionError::Validation {
            field: if title.is_empty() { "title" } else { "content" },
            message: w.t(T::SrvNeedTitleContent).to_string(),
        });
    }
    if title.chars().count() > MAX_TITLE || content.chars().count() > MAX_CONTENT {
        return Err(ActionError::Validation {
            field: if title.chars().count() > MAX_TITLE {
                "title"
            } else {
                "content"
            },
            message: w.f(
                T::SrvTooLong,
                &[
                    ("title", &MAX_TITLE.to_string()),
                    ("content", &MAX_CONTENT.to_string()),
                ],
            ),
        });
    }
    if task.platform == Platform::Android && req.choice.is_none() {
        return Err(ActionError::Validation {
            field: "choice",
            message: w.t(T::SrvChooseChoice).to_string(),
        });
    }
    if task.platform != Platform::Android && req.click.is_some() {
        return Err(ActionError::Validation {
            field: "click",
            message: w.t(T::SrvClickIosOnly).to_string(),
        });
    }
    Ok(())
}

/// Whether a retried request carries the fields its key was first used with (an override's
/// title, content, choice and click action): a key stands for one request, not for whatever is
/// sent with it later.
fn same_fields(params: &str, req: &ActionRequest) -> bool {
    let Ok(p) = serde_json::from_str::<serde_json::Value>(params) else {
        return true;
    };
    let text = |k: &str| p[k].as_str().map(str::to_string);
    text("title") == req.title
        && text("content") == req.content
        && text("choice") == req.choice.map(|c| c.slug().to_string())
        && text("click") == req.click.as_ref().map(|c| c.slug().to_string())
        && text("click_target")
            == req
                .click
                .as_ref()
                .and_then(|c| c.target())
                .map(str::to_string)
}
