//! Stored tasks turned into what the browser sees.

use app::domain::rules::TaskFacts;
use app::domain::{Channel, Counters, Platform};
use app::dto::{CannotReplace, TaskEvent, TaskRow};

use crate::store::tasks::StoredTask;

/// A live task is expected to be re-read at least once a sweep pass: 15 minutes at worst with
/// 10,000 live tasks on TPNS's 200 list calls an hour (`BENCHMARKS.md`), far less for smaller
/// apps. A third more allows for a back-off after a 1008028 or a page read twice; past that the
/// task is shown as *sync stale*.
pub const STALE_AFTER_SECS: i64 = 20 * 60;
/// A scheduled task whose send time passed this long ago, and that has not been read since, is
/// known to show an out-of-date status (it has started sending, or failed).
pub const SEND_TIME_GRACE_SECS: i64 = 2 * 60;

/// The facts the action rules judge a task by.
pub fn facts(t: &StoredTask) -> TaskFacts {
    TaskFacts {
        status: t.status,
        platform: t.platform,
        audience: t.audience,
        push_time: t.push_time,
        scheduled: t.send_time.is_some(),
        expire_secs: t.expire_secs,
        in_flight: t.in_flight,
        done: t.done.clone(),
    }
}

/// Whether the task can still change without an action of ours.
pub fn is_live(t: &StoredTask, now: i64) -> bool {
    use app::domain::Status::*;
    match t.status {
        Created | Scheduled | Pushing => true,
        Completed => now < t.push_time + t.expire_secs,
        _ => false,
    }
}

/// Whether the task's shown status may well be out of date: it is live and was not read for
/// longer than its expected interval ([`STALE_AFTER_SECS`]), or it is still shown as scheduled
/// more than [`SEND_TIME_GRACE_SECS`] after its send time without a read since. A task never
/// read from TPNS (created by the console) counts from its creation.
pub fn is_stale(t: &StoredTask, now: i64) -> bool {
    if !is_live(t, now) {
        return false;
    }
    let known_at = t
        .last_synced_at
        .map_or(t.created_at, |ms| ms.div_euclid(1000));
    let overdue_start = t.status == app::domain::Status::Scheduled
        && t.send_time
            .is_some_and(|s| now - s > SEND_TIME_GRACE_SECS && known_at < s);
    now - known_at > STALE_AFTER_SECS || overdue_start
}

pub fn row(t: &StoredTask, now: i64) -> TaskRow {
    let synced = t.last_synced_at.map(|ms| ms.div_euclid(1000));
    let stale = is_stale(t, now);
    TaskRow {
        push_id: t.push_id.clone(),
        title: t.title.clone(),
        content: t.content.clone(),
        audience: t.audience,
        audience_summary: t.audience_summary.clone(),
        platform: t.platform,
        message_type: t.message_type,
        created_at: t.created_at,
        send_time: t.send_time,
        status: t.status,
        in_flight: t.in_flight,
        totals: t.totals,
        counters_at: t.stats_synced_at.map(|ms| ms.div_euclid(1000)),
        source: t.source,
        last_synced_at: synced,
        stale,
        facts: facts(t),
        version: t.version,
    }
}

pub fn task_event(t: &StoredTask) -> TaskEvent {
    TaskEvent {
        app_id: t.app_id.clone(),
        push_id: t.push_id.clone(),
        status: t.status,
        in_flight: t.in_flight,
        totals: t.totals,
        last_synced_at: t.last_synced_at.map(|ms| ms.div_euclid(1000)),
        overridden_by: t.overridden_by_push_id.clone(),
        version: t.version,
    }
}

/// The task's Android devices on channels that cannot replace a notification. TPNS reports
/// Huawei as one channel; `huawei_legacy_share` of it is taken to be below EMUI 10.
pub fn cannot_replace(
    platform: Platform,
    channels: &[(Channel, Counters)],
    huawei_legacy_share: f64,
) -> CannotReplace {
    if platform != Platform::Android {
        return CannotReplace::default();
    }
    let get = |c: Channel| {
        channels
            .iter()
            .find(|(ch, _)| *ch == c)
            .map(|(_, n)| *n)
            .unwrap_or_default()
    };
    let (vivo, oppo, hw) = (get(Channel::Vivo), get(Channel::Oppo), get(Channel::Huawei));
    let legacy = |n: u64| (n as f64 * huawei_legacy_share).round() as u64;
    let huawei_legacy_estimate = legacy(hw.planned);
    CannotReplace {
        vivo: vivo.planned,
        oppo: oppo.planned,
        huawei_legacy_estimate,
        total: vivo.planned + oppo.planned + huawei_legacy_estimate,
        already_shown: vivo.arrived + oppo.arrived + legacy(hw.arrived),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::{Audience, MessageKind, Source, Status};

    const NOW: i64 = 1_741_572_000;

    fn task(status: Status, synced_secs_ago: Option<i64>) -> StoredTask {
        StoredTask {
            task_id: 1,
            app_id: "a".into(),
            push_id: "1".into(),
            audience: Audience::All,
            audience_summary: "All devices".into(),
            audience_detail: None,
            platform: Platform::Android,
            message_type: MessageKind::Notify,
            title: "t".into(),
            content: "c".into(),
            created_at: NOW - 3 * 3600,
            send_time: None,
            push_time: NOW - 3 * 3600,
            expire_secs: 259_200,
            status,
            collapse_id: None,
            source: Source::Api,
            overrides_push_id: None,
            overridden_by_push_id: None,
            totals: Counters::default(),
            in_flight: None,
            done: Vec::new(),
            acted_at_ms: None,
            last_synced_at: synced_secs_ago.map(|s| (NOW - s) * 1000),
            stats_synced_at: None,
            version: 1,
        }
    }

    #[test]
    fn a_live_task_is_stale_once_unread_for_longer_than_a_sweep_pass_allows() {
        assert!(!is_stale(
            &task(Status::Pushing, Some(STALE_AFTER_SECS)),
            NOW
        ));
        assert!(is_stale(
            &task(Status::Pushing, Some(STALE_AFTER_SECS + 1)),
            NOW
        ));
        assert!(row(&task(Status::Completed, Some(3_600)), NOW).stale);
    }

    #[test]
    fn a_final_task_is_never_stale() {
        assert!(!is_stale(&task(Status::Canceled, Some(86_400)), NOW));
        let mut done = task(Status::Completed, Some(86_400));
        done.expire_secs = 3_600;
        assert!(!is_stale(&done, NOW), "its offline-storage period is over");
    }

    #[test]
    fn a_task_never_read_counts_from_its_creation() {
        let mut t = task(Status::Created, None);
        t.created_at = NOW - 60;
        assert!(!is_stale(&t, NOW));
        t.created_at = NOW - STALE_AFTER_SECS - 1;
        assert!(is_stale(&t, NOW));
    }

    #[test]
    fn a_task_still_shown_as_scheduled_after_its_send_time_is_stale_until_read_again() {
        let mut t = task(Status::Scheduled, Some(300));
        t.send_time = Some(NOW - SEND_TIME_GRACE_SECS - 1);
        assert!(is_stale(&t, NOW));
        t.send_time = Some(NOW - 30);
        assert!(!is_stale(&t, NOW), "within the grace");
        t.send_time = Some(NOW - SEND_TIME_GRACE_SECS - 1);
        t.last_synced_at = Some((NOW - 10) * 1000);
        assert!(
            !is_stale(&t, NOW),
            "read after the send time, still scheduled upstream"
        );
    }

    #[test]
    fn devices_that_cannot_replace_are_vivo_oppo_and_the_huawei_share() {
        let c = |p, a| Counters {
            planned: p,
            arrived: a,
            ..Default::default()
        };
        let channels = vec![
            (Channel::Vivo, c(100, 40)),
            (Channel::Oppo, c(50, 10)),
            (Channel::Huawei, c(1000, 500)),
            (Channel::Xiaomi, c(9999, 9999)),
        ];
        let r = cannot_replace(Platform::Android, &channels, 0.3);
        assert_eq!(
            (r.vivo, r.oppo, r.huawei_legacy_estimate, r.total),
            (100, 50, 300, 450)
        );
        assert_eq!(r.already_shown, 40 + 10 + 150);
        assert_eq!(cannot_replace(Platform::Ios, &channels, 0.3).total, 0);
    }
}
