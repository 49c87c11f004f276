//! The use limits of Terminate, Recall, Override and Cancel Push (`server/docs/product.md`, "The four
//! actions"; `server/docs/tpns.md` §5.1). The browser uses [`check`] to enable a button and to say why it
//! is disabled; the server calls the same function again before it calls TPNS.

use super::task::{Action, Audience, Platform, Status};
use serde::{Deserialize, Serialize};

/// What the rules need to know about a task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskFacts {
    pub status: Status,
    pub platform: Platform,
    pub audience: Audience,
    /// When the task started, or will start, sending (Unix seconds): its `send_time` when it was
    /// scheduled, otherwise its creation time.
    pub push_time: i64,
    /// Whether the task was created with a `send_time` (a scheduled push).
    pub scheduled: bool,
    /// The offline-storage period (`expire_time`, seconds).
    pub expire_secs: i64,
    /// An action of Pushdeck's that has been sent upstream and not resolved yet.
    pub in_flight: Option<Action>,
    /// What Pushdeck's actions already did to the task, whatever TPNS's status says now (a
    /// later read may show an older status, and the rules must still not repeat an action).
    pub done: Vec<DoneAction>,
}

/// An action Pushdeck carried out on a task, or sent without hearing back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoneAction {
    pub action: Action,
    /// Who confirmed it.
    pub by: String,
    /// When it was sent (Unix seconds).
    pub at: i64,
    /// An override's new task, once known.
    pub new_push_id: Option<String>,
    /// `false` while TPNS's answer is lost and the outcome is being checked.
    pub confirmed: bool,
}

impl TaskFacts {
    /// The end of the offline-storage period (Unix seconds).
    pub fn offline_until(&self) -> i64 {
        self.push_time.saturating_add(self.expire_secs)
    }
}

/// What the rules need to know about the moment and the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleContext {
    /// Unix seconds.
    pub now: i64,
    /// Whether the app's upstream reports message recall as available (TPNS has taken it
    /// offline; the sandbox supports it).
    pub recall_available: bool,
    /// The console's display time zone, for the times quoted in reasons.
    pub utc_offset_minutes: i32,
}

/// Why an action is refused, for the UI to branch on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RefusalKind {
    InFlight,
    /// The action (or one that includes it) was already carried out on this task.
    AlreadyDone,
    Platform,
    Audience,
    RecallUnavailable,
    Status,
    NoOfflineStorage,
    OfflinePeriodOver,
    NotScheduled,
    TooLate,
}

/// An action that may not be taken on a task, and why: the facts of the sentence a disabled
/// button shows and the server answers with. The sentence itself is written in the reader's
/// language by the `app` crate's catalog (`app::i18n::refusal`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub kind: RefusalKind,
    pub reason: Reason,
}

/// The facts behind a [`Refusal`], one variant per sentence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    /// `first`, by `by` at `at`, makes `action` pointless or harmful to repeat.
    AlreadyDone {
        action: Action,
        first: Action,
        by: String,
        at: i64,
        new_push_id: Option<String>,
        confirmed: bool,
    },
    InFlight(Action),
    /// Terminate or Recall on an iOS task.
    Ios(Action),
    Audience {
        action: Action,
        actual: Audience,
    },
    RecallUnavailable,
    /// The task's status does not allow the action.
    Status {
        action: Action,
        status: Status,
    },
    NoOfflineStorage(Action),
    OfflinePeriodOver {
        until: i64,
    },
    NotScheduled,
    TooLate {
        started: i64,
    },
}

impl Refusal {
    fn new(kind: RefusalKind, reason: Reason) -> Self {
        Refusal { kind, reason }
    }
}

/// The audiences an action may be used on (`server/docs/product.md`, "The four actions").
pub fn audiences_for(action: Action) -> &'static [Audience] {
    match action {
        Action::Terminate | Action::Recall => &TERMINATE_AUDIENCES,
        Action::Override => &OVERRIDE_AUDIENCES,
        Action::Cancel => &CANCEL_AUDIENCES,
    }
}

/// The statuses an action may be used in, for the sentence that names them.
pub fn statuses_for(action: Action) -> &'static [Status] {
    match action {
        Action::Terminate | Action::Recall => &[Status::Pushing, Status::Completed],
        Action::Override => &[Status::Pushing, Status::Completed, Status::Terminated],
        Action::Cancel => &[Status::Scheduled],
    }
}

const TERMINATE_AUDIENCES: [Audience; 3] = [Audience::All, Audience::AccountList, Audience::Tag];
// `server/docs/product.md` widens the push API's `collapse_id` audiences (all, tag, account package) with the
// recall page's account list (`server/docs/tpns.md` §5.1).
const OVERRIDE_AUDIENCES: [Audience; 4] = [
    Audience::All,
    Audience::Tag,
    Audience::PackageAccount,
    Audience::AccountList,
];
const CANCEL_AUDIENCES: [Audience; 3] = [Audience::All, Audience::PackageAccount, Audience::Tag];

/// Decides whether `action` may be taken on `task` now. `Ok(())` means the button is enabled; an
/// error carries the reason shown beside a disabled button and returned by the server.
pub fn check(action: Action, task: &TaskFacts, ctx: &RuleContext) -> Result<(), Refusal> {
    use RefusalKind as K;
    let refuse = |kind, reason| Err(Refusal::new(kind, reason));

    if let Some(d) = made_pointless_by(action, &task.done) {
        return refuse(
            K::AlreadyDone,
            Reason::AlreadyDone {
                action,
                first: d.action,
                by: d.by.clone(),
                at: d.at,
                new_push_id: d.new_push_id.clone(),
                confirmed: d.confirmed,
            },
        );
    }
    if let Some(busy) = task.in_flight {
        return refuse(K::InFlight, Reason::InFlight(busy));
    }
    // `server/docs/product.md`: Recall is allowed "as Terminate", which is Android only.
    if task.platform == Platform::Ios && matches!(action, Action::Terminate | Action::Recall) {
        return refuse(K::Platform, Reason::Ios(action));
    }
    if !audiences_for(action).contains(&task.audience) {
        return refuse(
            K::Audience,
            Reason::Audience {
                action,
                actual: task.audience,
            },
        );
    }
    if action == Action::Recall && !ctx.recall_available {
        return refuse(K::RecallUnavailable, Reason::RecallUnavailable);
    }
    let status = Reason::Status {
        action,
        status: task.status,
    };
    match action {
        Action::Terminate | Action::Recall => {
            if !statuses_for(action).contains(&task.status) {
                return refuse(K::Status, status);
            }
            if task.expire_secs <= 0 {
                return refuse(K::NoOfflineStorage, Reason::NoOfflineStorage(action));
            }
            if ctx.now >= task.offline_until() {
                return refuse(
                    K::OfflinePeriodOver,
                    Reason::OfflinePeriodOver {
                        until: task.offline_until(),
                    },
                );
            }
            Ok(())
        }
        Action::Override => {
            if !statuses_for(action).contains(&task.status) {
                return refuse(K::Status, status);
            }
            Ok(())
        }
        Action::Cancel => {
            if !task.scheduled {
                return refuse(K::NotScheduled, Reason::NotScheduled);
            }
            // A final status first: a task somebody already canceled is not "too late".
            if task.status.is_terminal() {
                return refuse(K::Status, status);
            }
            if ctx.now >= task.push_time
                || matches!(task.status, Status::Pushing | Status::Completed)
            {
                return refuse(
                    K::TooLate,
                    Reason::TooLate {
                        started: task.push_time,
                    },
                );
            }
            if !matches!(task.status, Status::Scheduled | Status::Created) {
                return refuse(K::Status, status);
            }
            Ok(())
        }
    }
}

/// The action Pushdeck already carried out that makes `action` pointless, or harmful, to
/// repeat: any override (one whose outcome is unknown may have gone out, and a second would
/// reach every device twice); a confirmed terminate, or a recall or override, which stopped the
/// queued deliveries too; a confirmed recall; a confirmed cancel.
pub fn made_pointless_by(action: Action, done: &[DoneAction]) -> Option<&DoneAction> {
    let confirmed = |a: Action| done.iter().find(|d| d.action == a && d.confirmed);
    match action {
        Action::Override => done.iter().find(|d| d.action == Action::Override),
        Action::Terminate => confirmed(Action::Terminate)
            .or_else(|| confirmed(Action::Recall))
            .or_else(|| confirmed(Action::Override)),
        Action::Recall => confirmed(Action::Recall),
        Action::Cancel => confirmed(Action::Cancel),
    }
}

#[cfg(test)]
mod tests;
