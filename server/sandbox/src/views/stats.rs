//! The per-task channel statistics (`server/docs/tpns.md` §4, §4.1) as each [`Profile`] words
//! them.

use domain::{Channel, Platform};
use serde_json::{Value, json};

use crate::device::DeviceClass;
use crate::model::ClassCounters;
use crate::profile::Profile;
use crate::task::Task;
use crate::world::World;

/// The channels whose confirmed arrivals, clicks and clears the `all` row adds up (§4).
const OWN: [&str; 3] = ["xg", "rog", "fcm"];

/// Under the quirky profile, the shares of a channel's devices reported under a code the
/// console may not model: `(from, to, percent)`. ROG devices come out of TPNS's own channel
/// (TPNS counts both as its own in the `all` row), HarmonyOS out of Huawei, and `newvendor`
/// stands for a vendor TPNS adds later.
const QUIRKY_SHARES: [(&str, &str, u64); 3] = [
    ("xg", "rog", 4),
    ("hw", "harmony", 10),
    ("xg", "newvendor", 3),
];

/// One row before it is worded.
struct Row {
    code: &'static str,
    counters: ClassCounters,
}

/// `pushStatDataAll`: one row per channel of the app's platform (both Huawei classes under
/// `hw`), then `all`, which adds up the rows as TPNS documents: planned, sent and arrived over
/// every row, confirmed arrivals, clicks and clears over TPNS's own channel, ROG and FCM only.
pub(crate) fn channel_rows(
    world: &World,
    app: usize,
    task: &Task,
    now: i64,
    profile: Profile,
) -> Value {
    let platform = world.apps[app].app.platform;
    let mut rows = known_rows(world, platform, task, now);
    if profile == Profile::Quirky && platform == Platform::Android {
        rows = with_quirky_shares(rows);
    }
    let mut out: Vec<Value> = rows
        .iter()
        .map(|r| row_json(r.code, push_state(platform, r, profile)))
        .collect();
    out.push(row_json("all", all_state(platform, &rows, profile)));
    Value::Array(out)
}

fn row_json(code: &str, state: Value) -> Value {
    json!({ "channel": code, "pushState": state })
}

/// The channels of the platform with device classes, in the order of [`Channel::ALL`].
fn known_rows(world: &World, platform: Platform, task: &Task, now: i64) -> Vec<Row> {
    Channel::ALL
        .into_iter()
        .filter_map(|channel| {
            let classes: Vec<DeviceClass> = DeviceClass::ALL
                .into_iter()
                .filter(|c| c.channel() == channel && c.platform() == platform)
                .collect();
            if classes.is_empty() {
                return None;
            }
            let mut counters = ClassCounters::default();
            for c in classes {
                counters.add(&task.counters(&world.sim, now, c));
            }
            Some(Row {
                code: channel.code(),
                counters,
            })
        })
        .collect()
}

/// Moves the [`QUIRKY_SHARES`] out of their channels into rows of their own; the shares are
/// taken from the channel's counters before any is moved, so totals stay the same.
fn with_quirky_shares(mut rows: Vec<Row>) -> Vec<Row> {
    let mut extra = Vec::new();
    for (from, to, percent) in QUIRKY_SHARES {
        let Some(source) = rows.iter().find(|r| r.code == from) else {
            continue;
        };
        extra.push((
            from,
            Row {
                code: to,
                counters: share(&source.counters, percent),
            },
        ));
    }
    for (from, row) in &extra {
        if let Some(source) = rows.iter_mut().find(|r| r.code == *from) {
            source.counters = minus(&source.counters, &row.counters);
        }
    }
    rows.extend(extra.into_iter().map(|(_, row)| row));
    rows
}

/// `percent` % of each counter, rounded down (so the order planned ≥ sent ≥ arrived holds in
/// the share and in what is left).
fn share(c: &ClassCounters, percent: u64) -> ClassCounters {
    let p = |n: u64| n * percent / 100;
    ClassCounters {
        planned: p(c.planned),
        sent: p(c.sent),
        arrived: p(c.arrived),
        clicked: p(c.clicked),
        cleared: p(c.cleared),
        queued_offline: p(c.queued_offline),
        shown_unclicked: p(c.shown_unclicked),
    }
}

fn minus(a: &ClassCounters, b: &ClassCounters) -> ClassCounters {
    ClassCounters {
        planned: a.planned - b.planned,
        sent: a.sent - b.sent,
        arrived: a.arrived - b.arrived,
        clicked: a.clicked - b.clicked,
        cleared: a.cleared - b.cleared,
        queued_offline: a.queued_offline - b.queued_offline,
        shown_unclicked: a.shown_unclicked - b.shown_unclicked,
    }
}

/// A counter: a number, or under the quirky profile a numeric string.
fn count(profile: Profile, n: u64) -> Value {
    match profile {
        Profile::Quirky => Value::String(n.to_string()),
        Profile::Friendly | Profile::Sparse => json!(n),
    }
}

/// A channel's `pushState`. iOS rows carry only planned, sent, confirmed arrivals and clicks;
/// on Android TPNS confirms arrivals itself on its own channels and takes vendors' receipts on
/// the others (§4).
fn push_state(platform: Platform, row: &Row, profile: Profile) -> Value {
    let n = |v: u64| count(profile, v);
    let c = &row.counters;
    if platform == Platform::Ios {
        return json!({ "pushActiveUv": n(c.planned), "pushOnlineUv": n(c.sent), "verifySvcUv": n(c.arrived), "clickUv": n(c.clicked) });
    }
    let own = OWN.contains(&row.code);
    json!({
        "pushActiveUv": n(c.planned),
        "pushOnlineUv": n(c.sent),
        "arrivalUv": n(c.arrived),
        "verifySvcUv": n(if own { c.arrived } else { 0 }),
        "callbackVerifySvcUv": n(if own { 0 } else { c.arrived }),
        "clickUv": n(c.clicked),
        "cleanupUv": n(c.cleared),
    })
}

/// The `all` row over `rows` (§4).
fn all_state(platform: Platform, rows: &[Row], profile: Profile) -> Value {
    let mut all = ClassCounters::default();
    let mut own = ClassCounters::default();
    for r in rows {
        all.add(&r.counters);
        if OWN.contains(&r.code) {
            own.add(&r.counters);
        }
    }
    if platform == Platform::Ios {
        let row = Row {
            code: "all",
            counters: all,
        };
        return push_state(platform, &row, profile);
    }
    let n = |v: u64| count(profile, v);
    json!({
        "pushActiveUv": n(all.planned), "pushOnlineUv": n(all.sent), "arrivalUv": n(all.arrived),
        "verifySvcUv": n(own.arrived), "verifyUv": n(own.arrived), "clickUv": n(own.clicked), "cleanupUv": n(own.cleared),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counters(n: u64) -> ClassCounters {
        ClassCounters {
            planned: n,
            sent: n * 9 / 10,
            arrived: n * 8 / 10,
            clicked: n / 20,
            cleared: n / 10,
            queued_offline: n / 10,
            shown_unclicked: n / 2,
        }
    }

    #[test]
    fn the_quirky_shares_move_devices_without_changing_the_totals() {
        let rows = vec![
            Row {
                code: "xg",
                counters: counters(1_001),
            },
            Row {
                code: "hw",
                counters: counters(5_003),
            },
            Row {
                code: "fcm",
                counters: counters(77),
            },
        ];
        let total = |rows: &[Row]| {
            let mut t = ClassCounters::default();
            rows.iter().for_each(|r| t.add(&r.counters));
            t
        };
        let before = total(&rows);
        let after = with_quirky_shares(rows);
        assert_eq!(total(&after), before);
        let codes: Vec<_> = after.iter().map(|r| r.code).collect();
        assert_eq!(codes, ["xg", "hw", "fcm", "rog", "harmony", "newvendor"]);
        for r in &after {
            let c = &r.counters;
            assert!(c.planned >= c.sent && c.sent >= c.arrived, "{}", r.code);
            assert!(c.planned > 0, "{}", r.code);
        }
    }
}
