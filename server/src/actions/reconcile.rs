//! Settling actions whose outcome nobody knows: an answer TPNS never gave (a timeout, a dropped
//! connection, a 5xx, its internal error), or a server that died between the intent and the
//! answer. Only what TPNS says settles them: the task's status, and for an override the new
//! task carrying the original's collapse ID.
//!
//! - One instance reconciles at a time, under the lease `reconciler`.
//! - Each instance beats in the `instances` table; a pending intent whose owner stopped beating
//!   is taken up at once (a restart settles its predecessor's intents within seconds), one
//!   whose owner still beats only once it is older than the pipeline's worst case.
//! - A pending intent whose call never left (`sent_at_ms` unset) is settled as not sent, and
//!   only while it still is unsent: the pipeline marks the call just before making it, so the
//!   two cannot both go ahead.
//! - A read after the intent that shows the action's effect settles it as succeeded. That the
//!   action did *not* happen is concluded only from a read made after the call could still have
//!   landed (`call_window_ms` after it left); for an override only ten minutes after, and only
//!   once TPNS's task list of those days showed no task with its collapse ID.
//! - It first looks at what the sync worker has read since; it spends calls of its own only when
//!   that is not enough.
//! - TPNS no longer knowing the task (1008015) settles it with that reason.
//! - Otherwise the intent is looked at again later, backing off per intent. Reads are counted in
//!   the quota ledger under the reconciler's share of the people's reserve.

use app::i18n::T;
use domain::{Action, Status};

use super::ActionService;
use crate::apps::{AppRegistry, UpstreamApp};
use crate::store::StoreError;
use crate::store::audit::NewAudit;
use crate::store::intents::{Intent, IntentState, Settlement};
use crate::sync::{RefreshReason, SyncError};

/// An owner silent for this long is taken to be dead (five missed beats at the default
/// `sync.reconcile_every_secs` of 2).
const OWNER_SILENT_MS: i64 = 10_000;
/// The reconciler's lease lasts this long unless its holder renews it.
const LEASE_MS: i64 = 8_000;
const LEASE_NAME: &str = "reconciler";
/// Back-off between looks at one intent: 5 s, doubling, at most 10 minutes.
const BACKOFF_BASE_MS: i64 = 5_000;
const BACKOFF_MAX_MS: i64 = 600_000;
/// Pages of TPNS's task list read to find an override's new task.
const LIST_PAGES: u32 = 3;
/// An override's push is taken as not sent only after this long without a trace of it: TPNS's
/// list may show a new task late, and a wrong "no" would let a second override through.
const OVERRIDE_SETTLE_MS: i64 = 600_000;

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReconcileReport {
    /// Whether this instance held the lease (otherwise it did nothing).
    pub leader: bool,
    pub settled: usize,
    pub deferred: usize,
}

/// What TPNS says about an open intent.
enum Evidence {
    /// The call never left: nothing can have happened.
    NotSent,
    Happened {
        new_push_id: Option<String>,
    },
    DidNotHappen {
        status: Status,
    },
    /// TPNS does not know the task any more (1008015).
    Gone,
    /// Nothing conclusive yet (no budget, TPNS unreachable, too early to say "no").
    NotYet,
}

/// A clock measurement whose query took longer than this is not trusted either way.
const MAX_MEASURING_ROUND_TRIP_MS: i64 = 1_000;

impl ActionService {
    /// Notes that this instance is alive; every instance calls it every
    /// `sync.reconcile_every_secs`.
    /// Beats for this instance, and measures its clock against the database's: one too far off
    /// stops acting and reconciling until they agree again.
    pub async fn heartbeat(&self, started_at_ms: i64) -> Result<(), StoreError> {
        let (lead_ms, round_trip_ms) = self.store.clock_lead_ms(|| self.clock.now_ms()).await?;
        // A slow answer says little about the clock: the flag stays as it was. Otherwise the
        // clock is off only when it is, whatever the round trip's share of the measurement.
        let was = self.store.clock_off();
        let off = if round_trip_ms > MAX_MEASURING_ROUND_TRIP_MS {
            was
        } else {
            lead_ms.abs() - round_trip_ms / 2 > super::MAX_CLOCK_LEAD_MS
        };
        self.store.set_clock_off(off);
        if off && !was {
            tracing::error!(
                lead_ms,
                "this instance's clock differs from the database's: it neither acts nor \
                 reconciles until they agree (check NTP on both machines)"
            );
        } else if was && !off {
            tracing::info!(
                lead_ms,
                "this instance's clock agrees with the database's again"
            );
        }
        // Stamped by the database's time, so that others judge this instance alive or dead by
        // one clock even while its own is off.
        self.store
            .heartbeat(&self.instance, started_at_ms, self.clock.now_ms() - lead_ms)
            .await
    }

    /// On a clean stop: forgets this instance (its requests have finished, so whatever it still
    /// owns is settled at once by another instance) and gives the lease up.
    pub async fn retire(&self) {
        let forget = self.clock.now_ms() - 7 * 86_400_000;
        if let Err(e) = self.store.retire_instance(&self.instance, forget).await {
            tracing::warn!(error = %e, "could not remove this instance's heartbeat");
        }
        if let Err(e) = self.store.release_lease(LEASE_NAME, &self.instance).await {
            tracing::warn!(error = %e, "could not release the reconciler's lease");
        }
    }

    /// One pass, if this instance holds the reconciler's lease: clears in-flight markers no open
    /// intent stands behind, then looks at every open intent that is due.
    pub async fn reconcile(&self, apps: &AppRegistry) -> Result<ReconcileReport, StoreError> {
        let now = self.clock.now_ms();
        let mut report = ReconcileReport::default();
        // A clock far from the others' would misjudge what they stamped (`heartbeat`).
        if self.clock_off() {
            return Ok(report);
        }
        if self
            .store
            .acquire_lease(LEASE_NAME, &self.instance, now, now + LEASE_MS)
            .await?
            .is_none()
        {
            return Ok(report);
        }
        report.leader = true;
        for (app, push_id) in self.store.clear_orphan_in_flight().await? {
            self.feed.publish(&app, &push_id).await;
        }
        let due = self
            .store
            .reconcilable_intents(now, now - OWNER_SILENT_MS, now - self.orphan_after_ms)
            .await?;
        for intent in due {
            // A pass may take a while (reads of TPNS): keep the lease, or stop; and stop if
            // this instance's clock has since been found off.
            let now = self.clock.now_ms();
            if self.clock_off() {
                break;
            }
            if self
                .store
                .acquire_lease(LEASE_NAME, &self.instance, now, now + LEASE_MS)
                .await?
                .is_none()
            {
                break;
            }
            let Some(app) = apps.get(&intent.app_id) else {
                continue;
            };
            let evidence = self.evidence(app, &intent).await?;
            let only_if_unsent = matches!(evidence, Evidence::NotSent);
            // Nobody is reading: the record is written in the console's default language.
            let w = app::i18n::Words::new(domain::Locale::default());
            let action = w.action(intent.action);
            let (state, outcome, audited, new_push_id) = match evidence {
                Evidence::NotSent => (
                    IntentState::Failed,
                    w.f(T::SrvNotSentStopped, &[("action", action)]),
                    "failed (reconciled)",
                    None,
                ),
                Evidence::Happened { new_push_id } => {
                    let expected = intent.action.expected_status();
                    let mut s = w.f(
                        T::SrvReconciledHappened,
                        &[
                            (
                                "sentence",
                                &self.status_sentence(w, intent.action, expected),
                            ),
                            ("status", w.status(expected)),
                        ],
                    );
                    if let Some(new) = &new_push_id {
                        s.push_str(&w.f(T::SrvCorrectedIs, &[("id", new)]));
                    }
                    (
                        IntentState::Succeeded,
                        s,
                        "succeeded (reconciled)",
                        new_push_id,
                    )
                }
                Evidence::DidNotHappen { status } => (
                    IntentState::Failed,
                    w.f(
                        T::SrvReconciledNotHappened,
                        &[("action", action), ("status", w.status(status))],
                    ),
                    "failed (reconciled)",
                    None,
                ),
                Evidence::Gone => (
                    IntentState::Failed,
                    w.f(
                        T::SrvReconciledGone,
                        &[("id", &intent.push_id), ("action", action)],
                    ),
                    "failed (reconciled)",
                    None,
                ),
                Evidence::NotYet => {
                    let attempts = intent.attempts + 1;
                    let wait = (BACKOFF_BASE_MS << (attempts - 1).clamp(0, 16)).min(BACKOFF_MAX_MS);
                    self.store
                        .defer_intent(intent.intent_id, attempts, self.clock.now_ms() + wait)
                        .await?;
                    report.deferred += 1;
                    continue;
                }
            };
            let audit = NewAudit {
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
                outcome: audited.into(),
                detail: outcome.clone(),
                via_token: serde_json::from_str::<serde_json::Value>(&intent.params)
                    .ok()
                    .and_then(|p| p["via_token"].as_str().map(str::to_string)),
            };
            let won = self
                .store
                .settle_intent(&Settlement {
                    intent_id: intent.intent_id,
                    state,
                    upstream_code: None,
                    upstream_message: None,
                    new_push_id: new_push_id.as_deref(),
                    outcome: &outcome,
                    now_ms: self.clock.now_ms(),
                    new_task: None,
                    audit,
                    only_if_unsent,
                    overrule_failed: false,
                })
                .await?;
            if !won {
                continue;
            }
            self.metrics.action(intent.action.slug(), audited);
            report.settled += 1;
            self.feed.publish(&app.id, &intent.push_id).await;
            if let Some(new) = &new_push_id {
                self.feed.publish(&app.id, new).await;
            }
            tracing::info!(push_id = %intent.push_id, action = intent.action.slug(), ?state, "reconciled an action whose outcome was unknown");
        }
        Ok(report)
    }

    /// What TPNS says about the intent's task: what the sync worker read since, if that
    /// settles it; otherwise a read of its own.
    async fn evidence(&self, app: &UpstreamApp, intent: &Intent) -> Result<Evidence, StoreError> {
        let Some(sent_at) = intent.sent_at_ms.or(match intent.state {
            // Settled as unknown by a version that did not note the sending: it was sent.
            IntentState::Unknown => Some(intent.created_at_ms),
            _ => None,
        }) else {
            return Ok(Evidence::NotSent);
        };
        let stored = self.store.get_task(&app.id, &intent.push_id).await?;
        if let Some(t) = &stored
            && let Some(e) = self.judge(app, intent, sent_at, t, false).await?
        {
            return Ok(e);
        }
        let task = match self
            .sync
            .refresh_task(app, &intent.push_id, RefreshReason::Reconcile)
            .await
        {
            Ok(Some(t)) => t,
            Ok(None) => return Ok(Evidence::Gone),
            Err(SyncError::Store(e)) => return Err(e),
            Err(e) => {
                tracing::info!(error = %e, push_id = %intent.push_id, "cannot read the task to reconcile it yet");
                return Ok(Evidence::NotYet);
            }
        };
        Ok(self
            .judge(app, intent, sent_at, &task, true)
            .await?
            .unwrap_or(Evidence::NotYet))
    }

    /// What a read of the task says, if anything conclusive. `may_list`: TPNS's task list may be
    /// read to find an override's new task.
    async fn judge(
        &self,
        app: &UpstreamApp,
        intent: &Intent,
        sent_at: i64,
        task: &crate::store::tasks::StoredTask,
        may_list: bool,
    ) -> Result<Option<Evidence>, StoreError> {
        let expected = intent.action.expected_status();
        // A read from before the call (another refresh held the task) says nothing.
        let read_at = task.last_synced_at.unwrap_or(0);
        if read_at < sent_at {
            return Ok(None);
        }
        if intent.action != Action::Override {
            let late_enough = read_at >= sent_at + self.call_window_ms;
            return Ok(if task.status == expected {
                Some(Evidence::Happened { new_push_id: None })
            } else if late_enough {
                Some(Evidence::DidNotHappen {
                    status: task.status,
                })
            } else {
                None
            });
        }
        // An override shows as a new task with the original's collapse ID, created after the
        // push left (TPNS's clock may differ from ours: ten minutes' margin): look in the
        // store, then in TPNS's list of the days since.
        let collapse = serde_json::from_str::<serde_json::Value>(&intent.params)
            .ok()
            .and_then(|p| p["collapse_id"].as_i64())
            .or(task.collapse_id);
        let since = sent_at.div_euclid(1000) - OVERRIDE_SETTLE_MS / 1000;
        let mut listed = false;
        let mut new_push_id = None;
        if let Some(collapse) = collapse {
            new_push_id = self
                .store
                .override_candidate(&app.id, &intent.push_id, collapse, since)
                .await?;
            if new_push_id.is_none() && may_list {
                match self
                    .sync
                    .read_created_between(
                        app,
                        since,
                        self.clock.now(),
                        RefreshReason::Reconcile,
                        LIST_PAGES,
                    )
                    .await
                {
                    Ok(whole) => listed = whole,
                    Err(SyncError::Store(e)) => return Err(e),
                    Err(e) => {
                        tracing::info!(error = %e, "cannot read TPNS's task list to reconcile an override yet");
                    }
                }
                new_push_id = self
                    .store
                    .override_candidate(&app.id, &intent.push_id, collapse, since)
                    .await?;
            }
        }
        let late_enough = read_at >= sent_at + self.call_window_ms.max(OVERRIDE_SETTLE_MS);
        Ok(if new_push_id.is_some() {
            Some(Evidence::Happened { new_push_id })
        } else if !may_list {
            // From the stored read alone, only the new task itself is proof enough.
            None
        } else if task.status == expected {
            Some(Evidence::Happened { new_push_id: None })
        } else if late_enough && (listed || collapse.is_none()) {
            Some(Evidence::DidNotHappen {
                status: task.status,
            })
        } else {
            None
        })
    }
}
