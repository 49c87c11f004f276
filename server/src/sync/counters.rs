//! A task's delivery counters as TPNS's per-channel statistics give them (`server/docs/tpns.md` §4).

use domain::{Counters, Status};

use tpns::ChannelStat;

/// Whether a task in this status has delivery counters worth reading: nothing is sent before
/// it starts, and a canceled or failed task never sends.
pub(crate) fn has_counters(status: Status) -> bool {
    matches!(
        status,
        Status::Pushing
            | Status::Completed
            | Status::Terminated
            | Status::Recalled
            | Status::Overridden
    )
}

/// Per-channel counters by channel code (every channel TPNS reports, also one Pushdeck has no
/// name for) and the task's totals. TPNS's `all` row adds up arrivals, clicks and clears of its
/// own channels only (§4), so each total is the larger of the `all` row and the sum of the
/// channel rows.
pub(crate) fn counters(rows: &[ChannelStat]) -> (Vec<(String, Counters)>, Counters) {
    let mut per_channel = Vec::new();
    let mut sum = Counters::default();
    let mut all = Counters::default();
    for r in rows {
        let c = Counters {
            planned: r.planned,
            sent: r.sent,
            arrived: r.arrived,
            clicked: r.clicked,
            cleared: r.cleared,
        };
        if r.channel == "all" {
            all = c;
        } else if !r.channel.trim().is_empty() {
            sum.planned += c.planned;
            sum.sent += c.sent;
            sum.arrived += c.arrived;
            sum.clicked += c.clicked;
            sum.cleared += c.cleared;
            per_channel.push((r.channel.trim().to_string(), c));
        }
    }
    let totals = Counters {
        planned: all.planned.max(sum.planned),
        sent: all.sent.max(sum.sent),
        arrived: all.arrived.max(sum.arrived),
        clicked: all.clicked.max(sum.clicked),
        cleared: all.cleared.max(sum.cleared),
    };
    (per_channel, totals)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(channel: &str, planned: u64, arrived: u64, clicked: u64) -> ChannelStat {
        ChannelStat {
            channel: channel.into(),
            planned,
            sent: planned,
            arrived,
            clicked,
            cleared: 0,
        }
    }

    #[test]
    fn totals_take_the_larger_of_the_all_row_and_the_channel_rows() {
        // The `all` row counts clicks of TPNS's own channels only, but planned devices of every
        // channel, including one Pushdeck has no column for (`newvendor`).
        let rows = vec![
            row("xg", 100, 80, 10),
            row("hw", 200, 150, 30),
            row("all", 400, 300, 15),
        ];
        let (per_channel, totals) = counters(&rows);
        assert_eq!(per_channel.len(), 2);
        assert_eq!(per_channel[1].0, "hw");
        assert_eq!(
            (totals.planned, totals.arrived, totals.clicked),
            (400, 300, 40)
        );
    }

    #[test]
    fn a_channel_pushdeck_has_no_name_for_keeps_its_own_row() {
        let rows = vec![
            row("xg", 100, 80, 10),
            row("rog", 50, 40, 5),
            row("newvendor", 7, 6, 1),
            row("all", 157, 126, 16),
        ];
        let (per_channel, totals) = counters(&rows);
        let codes: Vec<&str> = per_channel.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(codes, ["xg", "rog", "newvendor"]);
        assert_eq!(per_channel[2].1.planned, 7);
        assert_eq!(totals.planned, 157);
    }

    #[test]
    fn only_tasks_that_started_sending_have_counters_to_read() {
        assert!(has_counters(Status::Pushing));
        assert!(has_counters(Status::Terminated));
        assert!(!has_counters(Status::Scheduled));
        assert!(!has_counters(Status::Created));
        assert!(!has_counters(Status::Canceled));
    }
}
