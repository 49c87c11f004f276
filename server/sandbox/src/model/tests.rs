use super::*;
use crate::device::population;
use domain::Platform;

const SIM: Sim = Sim {
    speedup: 60.0,
    seed: 7,
};
const HOUR: i64 = 3_600_000;

fn delivery(class: DeviceClass) -> Delivery {
    Delivery {
        push_id: 1,
        class,
        planned: 100_000,
        start_ms: 0,
        ramp_sim_secs: 600.0,
        expire_secs: 259_200,
        frozen_ms: None,
        removed_ms: None,
        in_tray: true,
    }
}

#[test]
fn an_android_population_spreads_over_the_android_classes_only() {
    let pop = population(Platform::Android, 1_000_000, 0.3, 7, 0);
    let total: u64 = pop.iter().sum();
    assert!((900_000..1_100_000).contains(&total), "{total}");
    assert_eq!(pop[DeviceClass::Apns.index()], 0);
    assert!(pop[DeviceClass::HuaweiLegacy.index()] > 0);
    assert!(pop[DeviceClass::HuaweiModern.index()] > pop[DeviceClass::HuaweiLegacy.index()]);
    let ios = population(Platform::Ios, 1_000, 0.0, 7, 1);
    assert_eq!(ios.iter().sum::<u64>(), ios[DeviceClass::Apns.index()]);
}

#[test]
fn nothing_is_counted_before_the_start() {
    let mut d = delivery(DeviceClass::Xiaomi);
    d.start_ms = 10 * HOUR;
    assert_eq!(d.counters(&SIM, HOUR), ClassCounters::default());
}

#[test]
fn counters_grow_over_time_and_never_pass_the_plan() {
    let d = delivery(DeviceClass::Tpns);
    let mut last = ClassCounters::default();
    for minutes in [0, 1, 5, 10, 30, 60, 240, 24 * 60] {
        let c = d.counters(&SIM, minutes * 60_000);
        assert!(
            c.arrived >= last.arrived && c.clicked >= last.clicked && c.cleared >= last.cleared,
            "{minutes}"
        );
        assert!(c.arrived <= c.sent && c.sent <= c.planned, "{c:?}");
        assert!(c.clicked + c.cleared <= c.arrived, "{c:?}");
        last = c;
    }
    // A day of clock time is 60 simulated days: every device that was coming back has; the rest
    // stay queued until the offline-storage period ends in clock time.
    assert!(last.arrived > 60_000 && last.clicked > 0, "{last:?}");
    assert!(last.sent + last.queued_offline >= 99_990, "{last:?}");
}

#[test]
fn a_freeze_stops_arrivals_and_empties_the_offline_queue() {
    let mut d = delivery(DeviceClass::Vivo);
    d.frozen_ms = Some(60_000);
    let at_freeze = d.counters(&SIM, 60_000).arrived;
    let later = d.counters(&SIM, 10 * HOUR);
    assert_eq!(later.arrived, at_freeze);
    assert_eq!(later.queued_offline, 0);
    assert!(later.shown_unclicked > 0);
}

#[test]
fn a_removal_clears_the_tray_and_stops_clicks() {
    let mut d = delivery(DeviceClass::Xiaomi);
    d.frozen_ms = Some(HOUR);
    d.removed_ms = Some(HOUR);
    let at = d.counters(&SIM, HOUR);
    let later = d.counters(&SIM, 20 * HOUR);
    assert_eq!(later.shown_unclicked, 0);
    assert_eq!(later.clicked, at.clicked);
}

#[test]
fn without_offline_storage_only_online_devices_receive() {
    let mut d = delivery(DeviceClass::Oppo);
    d.expire_secs = 0;
    let c = d.counters(&SIM, 20 * HOUR);
    assert!(c.arrived < 60_000, "{c:?}");
    assert_eq!(c.queued_offline, 0);
}

#[test]
fn the_offline_period_ends_in_clock_time_whatever_the_speedup() {
    let mut d = delivery(DeviceClass::Fcm);
    d.expire_secs = 60; // one clock minute = one simulated hour at 60×
    let at_end = d.counters(&SIM, 60_000).arrived;
    assert_eq!(d.counters(&SIM, 5 * HOUR).arrived, at_end);
}

#[test]
fn only_the_channels_tpns_names_replace_a_notification_in_place() {
    let can: Vec<_> = DeviceClass::ALL
        .into_iter()
        .filter(|c| c.replaces_in_place())
        .collect();
    assert_eq!(
        can,
        [
            DeviceClass::Tpns,
            DeviceClass::HuaweiModern,
            DeviceClass::Xiaomi,
            DeviceClass::Meizu,
            DeviceClass::Apns
        ]
    );
}
