//! Stored tasks turned into what the browser sees.

use app::dto::{CannotReplace, TaskRow};
use domain::{Channel, Counters, Platform};

use crate::store::tasks::StoredTask;

pub fn row(t: &StoredTask, now: i64) -> TaskRow {
    let synced = t.last_synced_at.map(|ms| ms.div_euclid(1000));
    let stale = t.is_stale(now);
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
        facts: t.facts(),
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
    use crate::store::tasks::sample_task;
    use domain::Status;

    const NOW: i64 = 1_741_572_000;

    #[test]
    fn a_row_says_whether_its_task_is_stale() {
        assert!(row(&sample_task(Status::Completed, Some(3_600), NOW), NOW).stale);
        assert!(!row(&sample_task(Status::Completed, Some(60), NOW), NOW).stale);
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
