//! Stored tasks turned into what the browser sees.

use app::domain::rules::TaskFacts;
use app::domain::{Channel, Counters, Platform};
use app::dto::{CannotReplace, TaskEvent, TaskRow};

use crate::store::tasks::StoredTask;

/// A non-final task not refreshed for this long is shown as *sync stale*.
pub const STALE_AFTER_SECS: i64 = 20 * 60;

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

pub fn row(t: &StoredTask, now: i64) -> TaskRow {
    let synced = t.last_synced_at.map(|ms| ms.div_euclid(1000));
    let stale = is_live(t, now) && synced.is_some_and(|s| now - s > STALE_AFTER_SECS);
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
