//! Calendar arithmetic without a date library (it keeps the WebAssembly small). TPNS speaks in
//! wall-clock strings (`send_time` `yyyy-MM-DD HH:MM:SS`, query dates `YYYY-MM-DD`); Pushdeck keeps
//! Unix seconds and converts at the edges with an explicit UTC offset.

use crate::locale::Locale;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (inverse of [`days_from_civil`]).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `YYYY-MM-DD HH:MM:SS` of a Unix time, in the zone `offset_minutes` east of UTC.
pub fn format_datetime(ts: i64, offset_minutes: i32) -> String {
    let local = ts + offset_minutes as i64 * 60;
    let (y, m, d) = civil_from_days(local.div_euclid(86_400));
    let s = local.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        s / 3600,
        (s / 60) % 60,
        s % 60
    )
}

/// `YYYY-MM-DD` of a Unix time in the given zone.
pub fn format_date(ts: i64, offset_minutes: i32) -> String {
    format_datetime(ts, offset_minutes)[..10].to_string()
}

/// `HH:MM` of a Unix time in the given zone.
pub fn format_clock(ts: i64, offset_minutes: i32) -> String {
    format_datetime(ts, offset_minutes)[11..16].to_string()
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The parts of a Unix time in a zone: year, month, day, hour, minute.
fn parts(ts: i64, offset_minutes: i32) -> (i64, u32, u32, i64, i64) {
    let local = ts + offset_minutes as i64 * 60;
    let (y, m, d) = civil_from_days(local.div_euclid(86_400));
    let s = local.rem_euclid(86_400);
    (y, m, d, s / 3600, (s / 60) % 60)
}

/// A date in the reader's conventions: `Nov 27, 2026` or `2026年11月27日`.
pub fn format_day(ts: i64, offset_minutes: i32, locale: Locale) -> String {
    let (y, m, d, _, _) = parts(ts, offset_minutes);
    // As i64: the browser build formats i64 already, and a second integer formatter costs.
    let (m, d) = (i64::from(m), i64::from(d));
    match locale {
        Locale::En => format!("{} {d}, {y}", MONTHS[(m - 1) as usize]),
        Locale::Zh => format!("{y}年{m}月{d}日"),
    }
}

/// A date and time in the reader's conventions: `Nov 27, 2026, 14:05` or
/// `2026年11月27日 14:05`.
pub fn format_when(ts: i64, offset_minutes: i32, locale: Locale) -> String {
    let sep = match locale {
        Locale::En => ", ",
        Locale::Zh => " ",
    };
    format!(
        "{}{sep}{}",
        format_day(ts, offset_minutes, locale),
        format_hm(ts, offset_minutes)
    )
}

/// `14:05`: the clock of a Unix time in the given zone.
pub fn format_hm(ts: i64, offset_minutes: i32) -> String {
    let (_, _, _, h, min) = parts(ts, offset_minutes);
    format!("{h:02}:{min:02}")
}

/// `UTC+8`, `UTC-3:30`, `UTC`.
pub fn format_offset(offset_minutes: i32) -> String {
    if offset_minutes == 0 {
        return "UTC".to_string();
    }
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let abs = offset_minutes.unsigned_abs();
    if abs.is_multiple_of(60) {
        format!("UTC{sign}{}", abs / 60)
    } else {
        format!("UTC{sign}{}:{:02}", abs / 60, abs % 60)
    }
}

/// A number of 1 to `max_len` ASCII digits (so it never overflows).
fn digits_up_to(s: &str, max_len: usize) -> Option<i64> {
    if s.is_empty() || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn digits(s: &str) -> Option<i64> {
    digits_up_to(s, 2)
}

/// The years a date may name: four digits, from 1970 (TPNS has nothing older).
const YEARS: std::ops::RangeInclusive<i64> = 1970..=9999;

/// Parses `YYYY-MM-DD` into the Unix time of that day's midnight in the given zone. Strict: a
/// four-digit year from 1970, a month and a day of one or two digits that exist.
pub fn parse_date(s: &str, offset_minutes: i32) -> Option<i64> {
    let mut it = s.trim().splitn(3, '-');
    let y = it.next()?;
    let y = digits_up_to(y, 4).filter(|y| YEARS.contains(y))?;
    let m = digits(it.next()?)?;
    let d = digits(it.next()?)?;
    if !(1..=12).contains(&m) || d == 0 || d > i64::from(days_in_month(y, m as u32)) {
        return None;
    }
    Some(days_from_civil(y, m as u32, d as u32) * 86_400 - i64::from(offset_minutes) * 60)
}

/// Parses `YYYY-MM-DD HH:MM:SS` (or `YYYY-MM-DDTHH:MM[:SS]`, as an HTML `datetime-local` input
/// sends it) in the given zone.
pub fn parse_datetime(s: &str, offset_minutes: i32) -> Option<i64> {
    let s = s.trim();
    let (date, time) = s.split_once([' ', 'T'])?;
    let day = parse_date(date, offset_minutes)?;
    let mut it = time.split(':');
    let h = digits(it.next()?)?;
    let mi = digits(it.next()?)?;
    let sec = match it.next() {
        Some(x) => digits(x)?,
        None => 0,
    };
    if it.next().is_some() || h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    Some(day + h * 3600 + mi * 60 + sec)
}

/// Parses `+08:00`, `-0330`, `+8`, `UTC`, `Z`.
pub fn parse_offset(s: &str) -> Option<i32> {
    let s = s.trim();
    let s = s.strip_prefix("UTC").unwrap_or(s);
    if s.is_empty() || s == "Z" {
        return Some(0);
    }
    let (sign, rest) = match s.as_bytes()[0] {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    if !rest.is_ascii() {
        return None;
    }
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (digits(h)?, digits(m)?),
        None if rest.len() == 4 => (digits(&rest[..2])?, digits(&rest[2..])?),
        None => (digits(rest)?, 0),
    };
    if h > 14 || m > 59 {
        return None;
    }
    Some(sign * (h * 60 + m) as i32)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// "42 s", "3 min", "5 h", "2 d" (or "42 秒", "3 分钟"…): a short duration for freshness labels.
pub fn format_age(secs: i64, locale: Locale) -> String {
    let secs = secs.max(0);
    let (n, unit) = match secs {
        0..=59 => (secs, 0),
        60..=3_599 => (secs / 60, 1),
        3_600..=172_799 => (secs / 3600, 2),
        _ => (secs / 86_400, 3),
    };
    let units = match locale {
        Locale::En => [" s", " min", " h", " d"],
        Locale::Zh => [" 秒", " 分钟", " 小时", " 天"],
    };
    format!("{n}{}", units[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_dates_across_eras_and_leap_days() {
        for &(y, m, d) in &[
            (1970, 1, 1),
            (2000, 2, 29),
            (2026, 11, 27),
            (1969, 12, 31),
            (2400, 12, 31),
        ] {
            assert_eq!(civil_from_days(days_from_civil(y, m, d)), (y, m, d));
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
    }

    #[test]
    fn formats_in_the_given_zone() {
        // 2026-11-27 12:00:00 UTC
        let ts = 1_795_780_800;
        assert_eq!(format_datetime(ts, 0), "2026-11-27 12:00:00");
        assert_eq!(format_datetime(ts, 480), "2026-11-27 20:00:00");
        assert_eq!(format_date(ts, 720), "2026-11-28");
        assert_eq!(format_offset(480), "UTC+8");
        assert_eq!(format_offset(-210), "UTC-3:30");
    }

    #[test]
    fn dates_follow_the_readers_conventions() {
        // 2026-11-27 06:05 UTC is 14:05 in UTC+8.
        let ts = 1_795_780_800 - 6 * 3600 + 5 * 60;
        assert_eq!(format_when(ts, 480, Locale::En), "Nov 27, 2026, 14:05");
        assert_eq!(format_when(ts, 480, Locale::Zh), "2026年11月27日 14:05");
        assert_eq!(format_day(ts, -480, Locale::En), "Nov 26, 2026");
        assert_eq!(format_day(0, 0, Locale::Zh), "1970年1月1日");
        assert_eq!(format_age(42, Locale::En), "42 s");
        assert_eq!(format_age(7_200, Locale::Zh), "2 小时");
        assert_eq!(format_age(-5, Locale::En), "0 s");
    }

    #[test]
    fn parses_what_it_formats_and_rejects_nonsense() {
        let ts = 1_795_780_800;
        assert_eq!(parse_datetime("2026-11-27 20:00:00", 480), Some(ts));
        assert_eq!(parse_datetime("2026-11-27T20:00", 480), Some(ts));
        assert_eq!(parse_date("2026-11-27", 0), Some(ts - 12 * 3600));
        for bad in [
            "2026-02-30 10:00:00",
            "2026-13-01",
            "yesterday",
            "2026-11-27 24:00:00",
            "2026-11-27 1:2:3:4",
        ] {
            assert_eq!(parse_datetime(bad, 0), None, "{bad}");
        }
        assert_eq!(parse_offset("+08:00"), Some(480));
        assert_eq!(parse_offset("-0330"), Some(-210));
        assert_eq!(parse_offset("UTC"), Some(0));
        assert_eq!(parse_offset("8"), None);
    }

    #[test]
    fn out_of_range_parts_are_refused_not_truncated_or_wrapped() {
        for bad in [
            "2026-4294967297-01",
            "2026-01-4294967297",
            "99999999999999999999-01-01",
            "9223372036854775807-01-01",
            "10000-01-01",
            "1969-12-31",
            "0001-01-01",
            "2026-001-01",
            "2026--1-01",
            "+2026-01-01",
            "2026-01-01-01",
        ] {
            assert_eq!(parse_date(bad, 0), None, "{bad}");
        }
        assert_eq!(parse_datetime("2026-01-01 999999999999:00", 0), None);
        assert_eq!(
            parse_offset("+1é1"),
            None,
            "no panic on a multi-byte character"
        );
        assert_eq!(parse_date("9999-12-31", 0), Some(253_402_214_400));
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn no_text_makes_a_parser_panic(s in "\\PC{0,40}", b in proptest::collection::vec(any::<u8>(), 0..40)) {
                let lossy = String::from_utf8_lossy(&b).into_owned();
                for t in [s.as_str(), lossy.as_str()] {
                    let _ = parse_date(t, 480);
                    let _ = parse_datetime(t, -720);
                    let _ = parse_offset(t);
                }
            }

            #[test]
            fn every_time_reads_back_as_written(ts in 0i64..253_402_300_799, off in -720i32..=840) {
                prop_assert_eq!(parse_datetime(&format_datetime(ts, off), off), Some(ts));
            }

            #[test]
            fn a_date_is_read_exactly_when_it_exists(y in 1900i64..10_100, m in 0u32..14, d in 0u32..33) {
                let text = format!("{y:04}-{m:02}-{d:02}");
                let exists = (1970..=9999).contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m.max(1));
                match parse_date(&text, 0) {
                    Some(ts) => {
                        prop_assert!(exists, "{} was read", text);
                        prop_assert_eq!(format_date(ts, 0), text);
                    }
                    None => prop_assert!(!exists, "{} was refused", text),
                }
            }
        }
    }
}
