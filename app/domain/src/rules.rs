//! The use limits of Terminate, Recall, Override and Cancel Push (`server/docs/product.md`, "The four
//! actions"; `server/docs/tpns.md` §5.1). The browser uses [`check`] to enable a button and to say why it
//! is disabled; the server calls the same function again before it calls TPNS.

use super::fmt::thousands;
use super::task::{Action, Audience, Platform, Status};
use super::time::{format_datetime, format_offset};
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

/// An action that may not be taken on a task, with the sentence that says why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub kind: RefusalKind,
    pub message: String,
}

impl Refusal {
    fn new(kind: RefusalKind, message: impl Into<String>) -> Self {
        Refusal {
            kind,
            message: message.into(),
        }
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

fn audience_phrase(list: &[Audience]) -> String {
    let names: Vec<&str> = list.iter().map(|a| a.noun()).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [head @ .., last] => format!("{} or {}", head.join(", "), last),
    }
}

/// Decides whether `action` may be taken on `task` now. `Ok(())` means the button is enabled; an
/// error carries the reason shown beside a disabled button and returned by the server.
pub fn check(action: Action, task: &TaskFacts, ctx: &RuleContext) -> Result<(), Refusal> {
    use RefusalKind as K;
    let when = |ts: i64| {
        format!(
            "{} {}",
            format_datetime(ts, ctx.utc_offset_minutes),
            format_offset(ctx.utc_offset_minutes)
        )
    };
    let name = action.label();

    if let Some(refusal) = already_done(action, task, &when) {
        return Err(refusal);
    }

    if let Some(busy) = task.in_flight {
        return Err(Refusal::new(
            K::InFlight,
            format!(
                "{} is in progress on this task; wait for its outcome.",
                busy.label()
            ),
        ));
    }

    if task.platform == Platform::Ios {
        match action {
            Action::Terminate => {
                return Err(Refusal::new(
                    K::Platform,
                    "Terminate is not supported for iOS tasks: TPNS cannot stop queued iOS deliveries.",
                ));
            }
            // `server/docs/product.md`: Recall is allowed "as Terminate", which is Android only.
            Action::Recall => {
                return Err(Refusal::new(
                    K::Platform,
                    "Recall is not supported for iOS tasks: like Terminate, TPNS offers it for Android only.",
                ));
            }
            Action::Override | Action::Cancel => {}
        }
    }

    let audiences: &[Audience] = match action {
        Action::Terminate | Action::Recall => &TERMINATE_AUDIENCES,
        Action::Override => &OVERRIDE_AUDIENCES,
        Action::Cancel => &CANCEL_AUDIENCES,
    };
    if !audiences.contains(&task.audience) {
        return Err(Refusal::new(
            K::Audience,
            format!(
                "{name} is only supported for tasks pushed to {}; this task was pushed to {}.",
                audience_phrase(audiences),
                audience_phrase(&[task.audience])
            ),
        ));
    }

    if action == Action::Recall && !ctx.recall_available {
        return Err(Refusal::new(
            K::RecallUnavailable,
            "Recall is not available for this app: TPNS has taken message recall offline.",
        ));
    }

    match action {
        Action::Terminate | Action::Recall => {
            if !matches!(task.status, Status::Pushing | Status::Completed) {
                let hint = if task.status == Status::Scheduled {
                    " Use Cancel Push before its send time instead."
                } else {
                    ""
                };
                return Err(Refusal::new(
                    K::Status,
                    format!(
                        "{name} is only possible while a task is Pushing or Completed; this task is {}.{hint}",
                        task.status.label()
                    ),
                ));
            }
            if task.expire_secs <= 0 {
                return Err(Refusal::new(
                    K::NoOfflineStorage,
                    format!(
                        "This task was pushed without offline storage (expire_time 0): nothing is queued for {name} to stop."
                    ),
                ));
            }
            if ctx.now >= task.offline_until() {
                return Err(Refusal::new(
                    K::OfflinePeriodOver,
                    format!(
                        "The offline-storage period of this task ended at {}; nothing is queued any more.",
                        when(task.offline_until())
                    ),
                ));
            }
            Ok(())
        }
        Action::Override => {
            if !matches!(
                task.status,
                Status::Pushing | Status::Completed | Status::Terminated
            ) {
                let hint = if task.status == Status::Scheduled {
                    " Cancel it and push again instead."
                } else {
                    ""
                };
                return Err(Refusal::new(
                    K::Status,
                    format!(
                        "Override is only possible once a task is Pushing, Completed or Terminated; this task is {}.{hint}",
                        task.status.label()
                    ),
                ));
            }
            Ok(())
        }
        Action::Cancel => {
            if !task.scheduled {
                return Err(Refusal::new(
                    K::NotScheduled,
                    "Cancel Push is only possible for scheduled tasks; this one was sent immediately.",
                ));
            }
            // A final status first: a task somebody already canceled is not "too late".
            if task.status.is_terminal() {
                return Err(Refusal::new(
                    K::Status,
                    format!(
                        "Cancel Push is only possible while a task is Scheduled; this task is {}.",
                        task.status.label()
                    ),
                ));
            }
            if ctx.now >= task.push_time
                || matches!(task.status, Status::Pushing | Status::Completed)
            {
                return Err(Refusal::new(
                    K::TooLate,
                    format!(
                        "Too late: this task started sending at {}. Cancel is only possible before the scheduled send time; you can Terminate it instead.",
                        when(task.push_time)
                    ),
                ));
            }
            if !matches!(task.status, Status::Scheduled | Status::Created) {
                return Err(Refusal::new(
                    K::Status,
                    format!(
                        "Cancel Push is only possible while a task is Scheduled; this task is {}.",
                        task.status.label()
                    ),
                ));
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

/// The refusal of an action [`made_pointless_by`] an earlier one, naming who and when.
fn already_done(action: Action, task: &TaskFacts, when: &dyn Fn(i64) -> String) -> Option<Refusal> {
    let d = made_pointless_by(action, &task.done)?;
    let (by, at, first) = (&d.by, when(d.at), d.action.label());
    let message = match action {
        Action::Override => match (&d.new_push_id, d.confirmed) {
            (_, false) => format!(
                "TPNS did not answer {by}'s override at {at}, so whether it went out is unknown; Pushdeck is checking with TPNS. A second override now could reach every device twice."
            ),
            (Some(new), true) => format!(
                "{by} already used Override on this task at {at}: the corrected message is task {new}. To correct it again, override task {new}."
            ),
            (None, true) => format!(
                "{by} already used Override on this task at {at}; a second override would reach every device twice."
            ),
        },
        Action::Terminate if d.action != Action::Terminate => format!(
            "{by} already used {first} on this task at {at}, which also stopped its queued deliveries; nothing is left for Terminate to stop."
        ),
        Action::Terminate => format!(
            "{by} already used Terminate on this task at {at}; nothing is left for Terminate to stop."
        ),
        Action::Recall => format!("{by} already used Recall on this task at {at}."),
        Action::Cancel => {
            format!("{by} already used Cancel Push on this task at {at}; it will never be sent.")
        }
    };
    Some(Refusal::new(RefusalKind::AlreadyDone, message))
}

/// The confirmation sentence of an action, with the impact taken from the task's own numbers.
pub fn impact(action: Action, not_yet_arrived: u64, shown_unclicked: u64) -> String {
    match action {
        Action::Terminate => format!(
            "Terminate stops delivery to about {} devices that have not received it yet. This cannot be undone.",
            thousands(not_yet_arrived)
        ),
        Action::Recall => format!(
            "Recall stops delivery to about {} devices that have not received it yet and removes it from about {} devices where it is shown and not clicked, on channels that support recall. This cannot be undone.",
            thousands(not_yet_arrived),
            thousands(shown_unclicked)
        ),
        Action::Override => format!(
            "Override stops delivery of the original to about {} devices that have not received it yet and sends the new message in its place.",
            thousands(not_yet_arrived)
        ),
        Action::Cancel => {
            "Cancel Push cancels this scheduled task; it will never be sent. This cannot be undone."
                .to_string()
        }
    }
}

#[cfg(test)]
mod tests;
