use super::*;

#[test]
fn the_cursor_round_trips_through_the_lease() {
    for c in [
        Cursor::default(),
        Cursor {
            imported: true,
            run_end: 20_157,
            offset: 1_400,
        },
        Cursor {
            imported: false,
            run_end: 20_157,
            offset: FIELD as u32,
        },
    ] {
        assert_eq!(Cursor::decode(c.encode()), c);
    }
}

#[test]
fn the_first_pass_reads_the_whole_lookback_in_one_window() {
    assert_eq!(runs(100, 30, false, &[]), vec![(71, 100)]);
    assert_eq!(
        runs(100, 90, false, &[]),
        vec![(71, 100)],
        "TPNS keeps a month"
    );
}

#[test]
fn later_passes_read_today_yesterday_and_the_days_of_live_tasks_newest_first() {
    assert_eq!(runs(100, 30, true, &[]), vec![(99, 100)]);
    assert_eq!(
        runs(100, 30, true, &[97, 98, 90, 40]),
        vec![(97, 100), (90, 90)],
        "a day beyond the lookback is left out"
    );
}

#[test]
fn a_pass_resumes_its_run_and_moves_on_when_the_run_is_gone() {
    let r = vec![(97, 100), (90, 92), (80, 80)];
    let c = |run_end, offset| Cursor {
        imported: true,
        run_end,
        offset,
    };
    assert_eq!(position(c(0, 0), &r), Some((0, 0)));
    assert_eq!(position(c(92, 400), &r), Some((1, 400)));
    // The run ending on day 95 no longer exists: the next older run, from its start.
    assert_eq!(position(c(95, 400), &r), Some((1, 0)));
    assert_eq!(position(c(79, 0), &r), None, "the pass is over");
    let first = Cursor {
        imported: false,
        run_end: 99,
        offset: 600,
    };
    assert_eq!(position(first, &[(71, 100)]), Some((0, 600)));
}

#[test]
fn the_cadence_does_not_drift_with_late_ticks() {
    assert_eq!(cadence(10_000, 10_900, 18_182), 28_182);
    assert_eq!(
        cadence(10_000, 60_000, 18_182),
        78_182,
        "after a pause, from now"
    );
    assert_eq!(cadence(0, 5_000, 18_182), 23_182);
}
