//! Stored tasks turned into what the browser sees.

use app::dto::{CannotReplace, TaskRow};
use app::i18n::{T, Words};
use domain::fmt::thousands;
use domain::{Channel, Counters, Platform};

use crate::store::tasks::StoredTask;

pub fn row(w: Words, t: &StoredTask, now: i64) -> TaskRow {
    let synced = t.last_synced_at.map(|ms| ms.div_euclid(1000));
    let stale = t.is_stale(now);
    TaskRow {
        push_id: t.push_id.clone(),
        title: t.title.clone(),
        content: t.content.clone(),
        audience: t.audience,
        audience_summary: w.audience_summary(&t.audience_summary, t.audience),
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
        push_time: t.push_time,
        expire_secs: t.expire_secs,
        done: t.done.clone(),
        recurring: t.message.recurring,
        version: t.version,
    }
}

/// The task's Android devices on channels that cannot replace a notification, per channel:
/// every channel but those [`Channel::replaces_in_place`] (TPNS's page is the authority), plus
/// the share of Huawei below EMUI 10. TPNS reports Huawei as one channel; `huawei_legacy_share`
/// of it is taken to be below EMUI 10.
pub fn cannot_replace(
    w: Words,
    platform: Platform,
    channels: &[(String, Counters)],
    huawei_legacy_share: f64,
) -> CannotReplace {
    if platform != Platform::Android {
        return CannotReplace::default();
    }
    let legacy = |n: u64| (n as f64 * huawei_legacy_share).round() as u64;
    let mut out = CannotReplace::default();
    for (code, n) in channels {
        let (planned, arrived, label) = match Channel::from_code(code) {
            Some(Channel::Huawei) => (
                legacy(n.planned),
                legacy(n.arrived),
                w.t(T::SrvHuaweiLegacy).to_string(),
            ),
            Some(c) if c.replaces_in_place() => continue,
            _ => (n.planned, n.arrived, w.channel(code)),
        };
        if planned == 0 {
            continue;
        }
        if !out.parts.is_empty() {
            out.parts.push_str(w.t(T::ListSeparator));
        }
        out.parts
            .push_str(&format!("{label} {}", thousands(planned)));
        out.total += planned;
        out.already_shown += arrived;
    }
    out
}

/// Devices where the task is shown and not clicked, on channels a recall removes it from.
pub fn recall_reach(channels: &[(String, Counters)]) -> u64 {
    channels
        .iter()
        .filter(|(code, _)| Channel::from_code(code).is_some_and(Channel::supports_recall))
        .map(|(_, n)| n.shown_unclicked())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tasks::sample_task;
    use domain::Status;

    const NOW: i64 = 1_741_572_000;

    #[test]
    fn a_row_says_whether_its_task_is_stale() {
        assert!(
            row(
                Words::new(domain::Locale::En),
                &sample_task(Status::Completed, Some(3_600), NOW),
                NOW
            )
            .stale
        );
        assert!(
            !row(
                Words::new(domain::Locale::En),
                &sample_task(Status::Completed, Some(60), NOW),
                NOW
            )
            .stale
        );
    }

    #[test]
    fn devices_that_cannot_replace_are_every_channel_but_those_tpns_names_and_the_huawei_share() {
        let c = |p, a| Counters {
            planned: p,
            arrived: a,
            ..Default::default()
        };
        let channels: Vec<(String, Counters)> = [
            ("vivo", c(100, 40)),
            ("oppo", c(50, 10)),
            ("hw", c(1000, 500)),
            ("honor", c(30, 20)),
            ("fcm", c(20, 5)),
            ("newvendor", c(7, 1)),
            ("xm", c(9999, 9999)),
            ("xg", c(9999, 9999)),
            ("mz", c(9999, 9999)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let w = Words::new(domain::Locale::En);
        let r = cannot_replace(w, Platform::Android, &channels, 0.3);
        assert_eq!(
            r.parts,
            "vivo 100, OPPO 50, Huawei below EMUI 10 (estimated) 300, Honor 30, FCM 20, newvendor 7"
        );
        assert_eq!(r.total, 100 + 50 + 300 + 30 + 20 + 7);
        assert_eq!(r.already_shown, 40 + 10 + 150 + 20 + 5 + 1);
        assert_eq!(cannot_replace(w, Platform::Ios, &channels, 0.3).total, 0);
        let zh = cannot_replace(
            Words::new(domain::Locale::Zh),
            Platform::Android,
            &channels,
            0.3,
        );
        assert!(
            zh.parts
                .starts_with("vivo 100、OPPO 50、EMUI 10 以下的华为（估算） 300"),
            "{}",
            zh.parts
        );
    }

    #[test]
    fn a_recall_reaches_only_channels_that_can_recall() {
        let shown = |a, cl| Counters {
            planned: 100,
            arrived: a,
            clicked: cl,
            ..Default::default()
        };
        let channels: Vec<(String, Counters)> = [
            ("xg", shown(50, 10)),
            ("oppo", shown(80, 0)),
            ("fcm", shown(70, 0)),
            ("xm", shown(30, 5)),
            ("newvendor", shown(9, 0)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        assert_eq!(recall_reach(&channels), 40 + 25);
    }
}
