//! One test per rule of `server/docs/product.md`'s action table, each allowed and refused.

use super::*;
use crate::task::{Action, Audience, Platform, Status};

const NOW: i64 = 1_795_780_800; // 2026-11-27 20:00:00 UTC+8
const HOUR: i64 = 3600;

fn ctx() -> RuleContext {
    RuleContext {
        now: NOW,
        recall_available: true,
        utc_offset_minutes: 480,
    }
}

/// An Android task pushed to all devices an hour ago, still pushing, with the default 72-h
/// offline storage.
fn pushing() -> TaskFacts {
    TaskFacts {
        status: Status::Pushing,
        platform: Platform::Android,
        audience: Audience::All,
        push_time: NOW - HOUR,
        scheduled: false,
        expire_secs: 72 * HOUR,
        in_flight: None,
        done: Vec::new(),
    }
}

/// A task scheduled for two hours from now.
fn scheduled() -> TaskFacts {
    TaskFacts {
        status: Status::Scheduled,
        push_time: NOW + 2 * HOUR,
        scheduled: true,
        ..pushing()
    }
}

fn refused(action: Action, t: &TaskFacts, c: &RuleContext) -> RefusalKind {
    match check(action, t, c) {
        Ok(()) => panic!("{action:?} was allowed on {t:?}"),
        Err(r) => r.kind,
    }
}

// --- Terminate ---------------------------------------------------------------------------

#[test]
fn terminate_is_allowed_on_a_pushing_or_completed_android_task_inside_its_offline_period() {
    for status in [Status::Pushing, Status::Completed] {
        let t = TaskFacts {
            status,
            ..pushing()
        };
        assert_eq!(check(Action::Terminate, &t, &ctx()), Ok(()));
    }
}

#[test]
fn terminate_is_refused_for_ios_tasks_with_the_reason() {
    let t = TaskFacts {
        platform: Platform::Ios,
        ..pushing()
    };
    let r = check(Action::Terminate, &t, &ctx()).unwrap_err();
    assert_eq!(r.kind, RefusalKind::Platform);
    assert_eq!(r.reason, Reason::Ios(Action::Terminate));
}

#[test]
fn terminate_is_allowed_for_all_account_list_and_tag_audiences_only() {
    for audience in Audience::ALL {
        let t = TaskFacts {
            audience,
            ..pushing()
        };
        let allowed = matches!(
            audience,
            Audience::All | Audience::AccountList | Audience::Tag
        );
        match check(Action::Terminate, &t, &ctx()) {
            Ok(()) => assert!(allowed, "{audience:?} should be refused"),
            Err(r) => {
                assert!(!allowed, "{audience:?} should be allowed");
                assert_eq!(r.kind, RefusalKind::Audience);
            }
        }
    }
    let t = TaskFacts {
        audience: Audience::Token,
        ..pushing()
    };
    assert_eq!(
        check(Action::Terminate, &t, &ctx()).unwrap_err().reason,
        Reason::Audience {
            action: Action::Terminate,
            actual: Audience::Token
        }
    );
}

#[test]
fn terminate_is_refused_outside_pushing_and_completed() {
    for status in Status::ALL {
        if matches!(status, Status::Pushing | Status::Completed) {
            continue;
        }
        let t = TaskFacts {
            status,
            ..pushing()
        };
        assert_eq!(
            refused(Action::Terminate, &t, &ctx()),
            RefusalKind::Status,
            "{status:?}"
        );
    }
    let r = check(Action::Terminate, &scheduled(), &ctx()).unwrap_err();
    assert_eq!(
        r.reason,
        Reason::Status {
            action: Action::Terminate,
            status: Status::Scheduled
        }
    );
}

#[test]
fn terminate_is_refused_once_the_offline_storage_period_is_over() {
    let t = TaskFacts {
        push_time: NOW - 73 * HOUR,
        ..pushing()
    };
    assert_eq!(
        refused(Action::Terminate, &t, &ctx()),
        RefusalKind::OfflinePeriodOver
    );
    let edge = TaskFacts {
        push_time: NOW - 72 * HOUR + 1,
        ..pushing()
    };
    assert_eq!(check(Action::Terminate, &edge, &ctx()), Ok(()));
    let none = TaskFacts {
        expire_secs: 0,
        ..pushing()
    };
    assert_eq!(
        refused(Action::Terminate, &none, &ctx()),
        RefusalKind::NoOfflineStorage
    );
}

// --- Recall ------------------------------------------------------------------------------

#[test]
fn recall_follows_terminate_when_the_upstream_offers_it() {
    assert_eq!(check(Action::Recall, &pushing(), &ctx()), Ok(()));
    let ios = TaskFacts {
        platform: Platform::Ios,
        ..pushing()
    };
    // "As Terminate" includes Terminate's platform row: Android only.
    assert_eq!(refused(Action::Recall, &ios, &ctx()), RefusalKind::Platform);
    let token = TaskFacts {
        audience: Audience::TokenList,
        ..pushing()
    };
    assert_eq!(
        refused(Action::Recall, &token, &ctx()),
        RefusalKind::Audience
    );
    let old = TaskFacts {
        push_time: NOW - 80 * HOUR,
        ..pushing()
    };
    assert_eq!(
        refused(Action::Recall, &old, &ctx()),
        RefusalKind::OfflinePeriodOver
    );
    assert_eq!(
        refused(Action::Recall, &scheduled(), &ctx()),
        RefusalKind::Status
    );
}

#[test]
fn recall_is_refused_where_the_upstream_reports_it_unavailable() {
    let c = RuleContext {
        recall_available: false,
        ..ctx()
    };
    let r = check(Action::Recall, &pushing(), &c).unwrap_err();
    assert_eq!(r.kind, RefusalKind::RecallUnavailable);
    assert_eq!(r.reason, Reason::RecallUnavailable);
}

// --- Override ----------------------------------------------------------------------------

#[test]
fn override_is_allowed_for_all_tag_account_package_and_account_list_on_both_platforms() {
    for platform in Platform::ALL {
        for audience in Audience::ALL {
            let t = TaskFacts {
                audience,
                platform,
                ..pushing()
            };
            let allowed = matches!(
                audience,
                Audience::All | Audience::Tag | Audience::PackageAccount | Audience::AccountList
            );
            match check(Action::Override, &t, &ctx()) {
                Ok(()) => assert!(allowed, "{audience:?} should be refused"),
                Err(r) => {
                    assert!(
                        !allowed,
                        "{audience:?}/{platform:?} should be allowed: {r:?}"
                    );
                    assert_eq!(r.kind, RefusalKind::Audience);
                }
            }
        }
    }
}

#[test]
fn override_is_allowed_after_terminate_but_not_before_sending_or_after_a_final_action() {
    for status in [Status::Pushing, Status::Completed, Status::Terminated] {
        let t = TaskFacts {
            status,
            ..pushing()
        };
        assert_eq!(check(Action::Override, &t, &ctx()), Ok(()), "{status:?}");
    }
    for status in [
        Status::Created,
        Status::Scheduled,
        Status::Failed,
        Status::Canceled,
        Status::Deleted,
        Status::Recalled,
        Status::Overridden,
    ] {
        let t = TaskFacts {
            status,
            ..pushing()
        };
        assert_eq!(
            refused(Action::Override, &t, &ctx()),
            RefusalKind::Status,
            "{status:?}"
        );
    }
}

#[test]
fn override_does_not_depend_on_the_offline_period() {
    let t = TaskFacts {
        push_time: NOW - 100 * HOUR,
        status: Status::Completed,
        ..pushing()
    };
    assert_eq!(check(Action::Override, &t, &ctx()), Ok(()));
}

// --- Cancel Push -------------------------------------------------------------------------

#[test]
fn cancel_is_allowed_on_a_scheduled_task_before_its_send_time_on_both_platforms() {
    for platform in Platform::ALL {
        for audience in [Audience::All, Audience::PackageAccount, Audience::Tag] {
            let t = TaskFacts {
                platform,
                audience,
                ..scheduled()
            };
            assert_eq!(
                check(Action::Cancel, &t, &ctx()),
                Ok(()),
                "{platform:?} {audience:?}"
            );
        }
    }
}

#[test]
fn cancel_is_refused_for_other_audiences() {
    for audience in [
        Audience::Token,
        Audience::TokenList,
        Audience::Account,
        Audience::AccountList,
        Audience::PackageToken,
    ] {
        let t = TaskFacts {
            audience,
            ..scheduled()
        };
        assert_eq!(
            refused(Action::Cancel, &t, &ctx()),
            RefusalKind::Audience,
            "{audience:?}"
        );
    }
}

#[test]
fn cancel_after_the_send_time_is_refused_as_too_late_with_terminate_offered() {
    let t = TaskFacts {
        push_time: NOW - 5,
        ..scheduled()
    };
    let r = check(Action::Cancel, &t, &ctx()).unwrap_err();
    assert_eq!(r.kind, RefusalKind::TooLate);
    assert_eq!(r.reason, Reason::TooLate { started: NOW - 5 });
    // At the very second of the send time it is already too late.
    let due = TaskFacts {
        push_time: NOW,
        ..scheduled()
    };
    assert_eq!(refused(Action::Cancel, &due, &ctx()), RefusalKind::TooLate);
    // A status that says it started wins over a send time that has not come on our clock.
    let started = TaskFacts {
        status: Status::Pushing,
        ..scheduled()
    };
    assert_eq!(
        refused(Action::Cancel, &started, &ctx()),
        RefusalKind::TooLate
    );
}

#[test]
fn cancel_is_refused_for_immediate_and_already_final_tasks() {
    assert_eq!(
        refused(Action::Cancel, &pushing(), &ctx()),
        RefusalKind::NotScheduled
    );
    let t = TaskFacts {
        status: Status::Canceled,
        ..scheduled()
    };
    assert_eq!(refused(Action::Cancel, &t, &ctx()), RefusalKind::Status);
    // Canceled and now past its send time: the reason is that it is canceled, not "too late".
    let past = TaskFacts {
        status: Status::Canceled,
        push_time: NOW - HOUR,
        ..scheduled()
    };
    let r = check(Action::Cancel, &past, &ctx()).unwrap_err();
    assert_eq!(r.kind, RefusalKind::Status);
    assert_eq!(
        r.reason,
        Reason::Status {
            action: Action::Cancel,
            status: Status::Canceled
        }
    );
}

// --- Every action ------------------------------------------------------------------------

#[test]
fn an_action_in_flight_blocks_every_action() {
    for busy in Action::ALL {
        for action in Action::ALL {
            let t = TaskFacts {
                in_flight: Some(busy),
                ..pushing()
            };
            assert_eq!(refused(action, &t, &ctx()), RefusalKind::InFlight);
        }
    }
}

// --- What was done already ---------------------------------------------------------------

fn done(action: Action, confirmed: bool, new: Option<&str>) -> DoneAction {
    DoneAction {
        action,
        by: "lee".into(),
        at: NOW - 600,
        new_push_id: new.map(str::to_string),
        confirmed,
    }
}

#[test]
fn a_task_overridden_by_pushdeck_refuses_another_override_naming_who_when_and_the_new_task() {
    // The status may still read Pushing (the read-back failed, or TPNS lags): the record of
    // what was done decides.
    let t = TaskFacts {
        done: vec![done(Action::Override, true, Some("3900000042"))],
        ..pushing()
    };
    let r = check(Action::Override, &t, &ctx()).unwrap_err();
    assert_eq!(r.kind, RefusalKind::AlreadyDone);
    assert_eq!(
        r.reason,
        Reason::AlreadyDone {
            action: Action::Override,
            first: Action::Override,
            by: "lee".into(),
            at: NOW - 600,
            new_push_id: Some("3900000042".into()),
            confirmed: true,
        }
    );
    // The new task itself may be overridden again.
    assert_eq!(check(Action::Override, &pushing(), &ctx()), Ok(()));
}

#[test]
fn an_override_whose_outcome_is_unknown_refuses_another_override_but_not_a_terminate() {
    let t = TaskFacts {
        done: vec![done(Action::Override, false, None)],
        ..pushing()
    };
    let r = check(Action::Override, &t, &ctx()).unwrap_err();
    assert_eq!(r.kind, RefusalKind::AlreadyDone);
    assert!(
        matches!(&r.reason, Reason::AlreadyDone { confirmed: false, by, .. } if by == "lee"),
        "{r:?}"
    );
    assert_eq!(check(Action::Terminate, &t, &ctx()), Ok(()));
}

#[test]
fn terminate_recall_and_cancel_are_not_repeated_once_confirmed() {
    for (first, then) in [
        (Action::Terminate, Action::Terminate),
        (Action::Recall, Action::Terminate),
        (Action::Override, Action::Terminate),
        (Action::Recall, Action::Recall),
    ] {
        let t = TaskFacts {
            done: vec![done(first, true, None)],
            ..pushing()
        };
        let r = check(then, &t, &ctx()).unwrap_err();
        assert_eq!(r.kind, RefusalKind::AlreadyDone, "{first:?} then {then:?}");
        assert!(
            matches!(r.reason, Reason::AlreadyDone { first: f, .. } if f == first),
            "{r:?}"
        );
    }
    let t = TaskFacts {
        done: vec![done(Action::Cancel, true, None)],
        ..scheduled()
    };
    assert_eq!(
        refused(Action::Cancel, &t, &ctx()),
        RefusalKind::AlreadyDone
    );
    // An unconfirmed terminate may be sent again: repeating it is harmless.
    let t = TaskFacts {
        done: vec![done(Action::Terminate, false, None)],
        ..pushing()
    };
    assert_eq!(check(Action::Terminate, &t, &ctx()), Ok(()));
    // Terminated by us, a task may still be overridden or recalled.
    let t = TaskFacts {
        done: vec![done(Action::Terminate, true, None)],
        ..pushing()
    };
    assert_eq!(check(Action::Override, &t, &ctx()), Ok(()));
    assert_eq!(check(Action::Recall, &t, &ctx()), Ok(()));
}
