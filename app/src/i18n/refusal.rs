//! The sentences of the action rules (`domain::rules`) and of the confirmation dialogs, in the
//! reader's language: the same text beside a disabled button and in the server's refusal.

use super::{T, Words};
use crate::domain::fmt::thousands;
use crate::domain::rules::{Reason, Refusal, RuleContext, audiences_for, statuses_for};
use crate::domain::time::{format_offset, format_when};
use crate::domain::{Action, Status};

/// A time quoted in a reason: `Nov 27, 2026, 19:50 UTC+8`.
pub fn when(w: Words, ts: i64, offset: i32) -> String {
    format!(
        "{} {}",
        format_when(ts, offset, w.locale()),
        format_offset(offset)
    )
}

/// The sentence of a refusal.
pub fn refusal(w: Words, r: &Refusal, ctx: &RuleContext) -> String {
    let at = |ts| when(w, ts, ctx.utc_offset_minutes);
    match &r.reason {
        Reason::AlreadyDone {
            action,
            first,
            by,
            at: t,
            new_push_id,
            confirmed,
        } => {
            let t = at(*t);
            let key = match (action, new_push_id, confirmed) {
                (Action::Override, _, false) => T::RefuseOverrideUnknown,
                (Action::Override, Some(_), true) => T::RefuseOverrideDoneNew,
                (Action::Override, None, true) => T::RefuseOverrideDone,
                (Action::Terminate, _, _) if *first != Action::Terminate => {
                    T::RefuseTerminateAfterOther
                }
                (Action::Terminate, _, _) => T::RefuseTerminateDone,
                (Action::Recall, _, _) => T::RefuseRecallDone,
                (Action::Cancel, _, _) => T::RefuseCancelDone,
            };
            w.f(
                key,
                &[
                    ("by", by),
                    ("at", &t),
                    ("first", w.action(*first)),
                    ("new", new_push_id.as_deref().unwrap_or("")),
                ],
            )
        }
        Reason::InFlight(busy) => w.f(T::RefuseInFlight, &[("action", w.action(*busy))]),
        Reason::Ios(Action::Recall) => w.s(T::RefuseIosRecall),
        Reason::Ios(_) => w.s(T::RefuseIosTerminate),
        Reason::Audience { action, actual } => {
            let allowed: Vec<&str> = audiences_for(*action)
                .iter()
                .map(|a| w.audience_noun(*a))
                .collect();
            w.f(
                T::RefuseAudience,
                &[
                    ("action", w.action(*action)),
                    ("allowed", &w.or_list(&allowed)),
                    ("actual", w.audience_noun(*actual)),
                ],
            )
        }
        Reason::RecallUnavailable => w.s(T::RefuseRecallUnavailable),
        Reason::Status { action, status } => {
            let allowed: Vec<&str> = statuses_for(*action).iter().map(|s| w.status(*s)).collect();
            let key = match action {
                Action::Terminate | Action::Recall => T::RefuseStatusTerminate,
                Action::Override => T::RefuseStatusOverride,
                Action::Cancel => T::RefuseStatusCancel,
            };
            let mut s = w.f(
                key,
                &[
                    ("action", w.action(*action)),
                    ("allowed", &w.or_list(&allowed)),
                    ("status", w.status(*status)),
                ],
            );
            if *status == Status::Scheduled {
                match action {
                    Action::Terminate | Action::Recall => s.push_str(w.t(T::HintUseCancel)),
                    Action::Override => s.push_str(w.t(T::HintCancelAndPushAgain)),
                    Action::Cancel => {}
                }
            }
            s
        }
        Reason::NoOfflineStorage(action) => {
            w.f(T::RefuseNoOfflineStorage, &[("action", w.action(*action))])
        }
        Reason::OfflinePeriodOver { until } => w.f(T::RefuseOfflineOver, &[("at", &at(*until))]),
        Reason::NotScheduled => w.s(T::RefuseNotScheduled),
        Reason::TooLate { started } => w.f(T::RefuseTooLate, &[("at", &at(*started))]),
    }
}

/// The confirmation sentence of an action, with the impact taken from the task's own numbers.
pub fn impact(w: Words, action: Action, not_yet_arrived: u64, shown_unclicked: u64) -> String {
    let (n, m) = (thousands(not_yet_arrived), thousands(shown_unclicked));
    let key = match action {
        Action::Terminate => T::ImpactTerminate,
        Action::Recall => T::ImpactRecall,
        Action::Override => T::ImpactOverride,
        Action::Cancel => T::ImpactCancel,
    };
    w.f(key, &[("n", &n), ("m", &m)])
}
