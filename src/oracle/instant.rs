//! The oracle's own reading of instants: ISO 8601 filter values and epoch-second timestamps,
//! both to integer nanoseconds. Written here, apart from the emulator's reading, so that a
//! mistake in one is a disagreement the suite reports, not a belief both share.

/// How a value that only some readers accept is read, where AWS leaves it open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reading {
    /// Second 60 (`04:59:60Z`).
    pub second_60: Second60,
    /// Hour 24 at midnight (`24:00:00Z`) as the end of the day, the next day's 00:00.
    pub hour_24_is_next_day: bool,
}

/// What second 60 means to a reader that accepts it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Second60 {
    /// Not a time: the value is refused.
    #[default]
    Refused,
    /// The first second of the next minute (arithmetic carries over).
    RollsOver,
    /// Second 59 of the same minute (a leap second held back, as java.time does).
    Clamped,
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date, counted by whole years and months (a
/// plain count, deliberately unlike the emulator's calendar library).
fn days_since_epoch(y: i64, m: u32, d: u32) -> i64 {
    let leaps_before = |y: i64| {
        let y = y - 1;
        y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400)
    };
    let year_days = (y - 1970) * 365 + (leaps_before(y) - leaps_before(1970));
    let month_days: i64 = (1..m).map(|k| i64::from(days_in_month(y, k))).sum();
    year_days + month_days + i64::from(d) - 1
}

/// Read `YYYY-MM-DDTHH:MM:SS[.f…](Z|±HH:MM)` to epoch nanoseconds; `None` when the value is not
/// such an instant (date-only, no offset, impossible dates, spaces, …). Digits of a fraction
/// past nanoseconds are dropped.
pub(crate) fn parse_iso8601(value: &str, reading: Reading) -> Option<i128> {
    let b = value.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let year = i64::from(digits(&b[0..4])?);
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    let mut hour = digits(&b[11..13])?;
    let minute = digits(&b[14..16])?;
    let mut second = digits(&b[17..19])?;
    let mut rest = &b[19..];
    let mut nanos: i128 = 0;
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        let kept: Vec<u8> = frac[..n]
            .iter()
            .copied()
            .chain(std::iter::repeat(b'0'))
            .take(9)
            .collect();
        nanos = i128::from(digits(&kept)?);
        rest = &frac[n..];
    }
    let offset_seconds: i64 = match rest {
        b"Z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let oh = i64::from(digits(&[*h1, *h2])?);
            let om = i64::from(digits(&[*m1, *m2])?);
            if oh > 23 || om > 59 {
                return None;
            }
            let s = (oh * 60 + om) * 60;
            if *sign == b'-' { -s } else { s }
        }
        _ => return None,
    };
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) || minute > 59 {
        return None;
    }
    let mut extra_days = 0;
    if hour == 24 {
        if !(reading.hour_24_is_next_day && minute == 0 && second == 0 && nanos == 0) {
            return None;
        }
        hour = 0;
        extra_days = 1;
    } else if hour > 23 {
        return None;
    }
    if second == 60 {
        match reading.second_60 {
            Second60::Refused => return None,
            Second60::RollsOver => {}
            Second60::Clamped => second = 59,
        }
    } else if second > 59 {
        return None;
    }
    let days = days_since_epoch(year, month, day) + extra_days;
    let seconds = days * 86_400 + i64::from(hour) * 3_600 + i64::from(minute) * 60 + i64::from(second) - offset_seconds;
    Some(i128::from(seconds) * 1_000_000_000 + nanos)
}

/// An epoch-seconds timestamp as the wire carries it (a JSON number) to nanoseconds, through its
/// shortest decimal spelling: `1730696199.75` is exactly `…199_750_000_000`, with no binary
/// rounding in between. Digits past nanoseconds are rounded half up.
pub(crate) fn from_epoch_seconds(seconds: f64) -> Option<i128> {
    if !seconds.is_finite() {
        return None;
    }
    // Whole seconds (most seeded and returned times) below 2^53 are exact integers, spelled as
    // themselves: nothing to read. The property test below holds this to the spelling's digits.
    if seconds.fract() == 0.0 && seconds.abs() < 9.0e15 {
        return Some(seconds as i128 * 1_000_000_000);
    }
    // The shortest spelling that reads back as the same double, the nearest of them where two
    // exist (what serde_json writes, through ryu). ryu writes it without allocating; it switches to an exponent only far outside epoch seconds
    // (|x| >= 1e16 or < 1e-5), where `Display`'s plain spelling is used instead.
    let mut buffer = ryu::Buffer::new();
    let short = buffer.format_finite(seconds);
    let long;
    let text = if short.contains(['e', 'E']) {
        long = format!("{seconds}");
        long.as_str()
    } else {
        short
    };
    let (negative, text) = match text.strip_prefix('-') {
        Some(t) => (true, t),
        None => (false, text),
    };
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let whole: i128 = whole.parse().ok()?;
    // The first nine fraction digits, padded with zeros; the tenth rounds.
    let mut nanos: i128 = 0;
    for i in 0..9 {
        let d = frac.as_bytes().get(i).copied().unwrap_or(b'0');
        if !d.is_ascii_digit() {
            return None;
        }
        nanos = nanos * 10 + i128::from(d - b'0');
    }
    let round_up = frac.as_bytes().get(9).is_some_and(|d| *d >= b'5');
    let n = whole * 1_000_000_000 + nanos + i128::from(round_up);
    Some(if negative { -n } else { n })
}

/// AWS keeps times to the millisecond: a returned time within a millisecond of the seeded one is
/// the same time.
pub(crate) fn same_time(a: i128, b: i128) -> bool {
    (a - b).abs() < 1_000_000
}

/// Nanoseconds as seconds with nine decimals, for messages.
pub(crate) fn show_seconds(n: i128) -> String {
    format!("{}.{:09}", n.div_euclid(1_000_000_000), n.rem_euclid(1_000_000_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: Reading = Reading {
        second_60: Second60::Refused,
        hour_24_is_next_day: false,
    };
    /// 2024-11-04T05:00:00Z, from `date -u -d 2024-11-04T05:00:00Z +%s`.
    const NOV_4_5AM: i128 = 1_730_696_400 * 1_000_000_000;

    #[test]
    fn reads_literal_instants() {
        assert_eq!(parse_iso8601("1970-01-01T00:00:00Z", STRICT), Some(0));
        assert_eq!(parse_iso8601("2024-11-04T05:00:00Z", STRICT), Some(NOV_4_5AM));
        assert_eq!(parse_iso8601("2024-11-04T07:00:00+02:00", STRICT), Some(NOV_4_5AM));
        assert_eq!(parse_iso8601("2024-11-03T23:30:00-05:30", STRICT), Some(NOV_4_5AM));
        assert_eq!(parse_iso8601("2024-11-05T01:00:00+20:00", STRICT), Some(NOV_4_5AM));
        assert_eq!(
            parse_iso8601("2024-11-04T05:00:00.5Z", STRICT),
            Some(NOV_4_5AM + 500_000_000)
        );
        assert_eq!(
            parse_iso8601("2024-11-04T05:00:00.000000001Z", STRICT),
            Some(NOV_4_5AM + 1)
        );
        assert_eq!(
            parse_iso8601("2024-11-04T05:00:00.0000000019Z", STRICT),
            Some(NOV_4_5AM + 1)
        );
        // 2024-02-29T00:00:00Z = 1709164800; 2000-03-01 = 951868800; 1900-01-01 = -2208988800;
        // 2200-01-01 = 7258118400 (all from GNU date).
        assert_eq!(
            parse_iso8601("2024-02-29T00:00:00Z", STRICT),
            Some(1_709_164_800_000_000_000)
        );
        assert_eq!(
            parse_iso8601("2000-03-01T00:00:00Z", STRICT),
            Some(951_868_800_000_000_000)
        );
        assert_eq!(
            parse_iso8601("1900-01-01T00:00:00Z", STRICT),
            Some(-2_208_988_800_000_000_000)
        );
        assert_eq!(
            parse_iso8601("2200-01-01T00:00:00Z", STRICT),
            Some(7_258_118_400_000_000_000)
        );
    }

    #[test]
    fn refuses_what_is_not_an_instant() {
        for bad in [
            "2024-13-01T00:00:00Z",
            "2024-11-31T00:00:00Z",
            "2024-11-04T25:00:00Z",
            "2023-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2024-11-04T05:60:00Z",
            "2024-11-04T04:59:60Z",
            "2024-11-04T24:00:00Z",
            "2024-11-04T05:00:00+24:00",
            "2024-11-04T05:00:00+02:60",
            "2024-11-04T05:00:00+0200",
            "yesterday",
            "",
            " 2024-11-04T05:00:00Z",
            "2024-11-04T05:00:00Z ",
            "2024-11-04",
            "2024-11-04T05:00:00",
            "2024-11-04T05:00:00.Z",
            "2024-11-04t05:00:00Z",
            "2024-11-04T05:00:00z",
            "+2024-11-04T05:00:00Z",
            "2024-11-04T05:00:0٣Z",
        ] {
            assert_eq!(parse_iso8601(bad, STRICT), None, "{bad:?}");
        }
    }

    #[test]
    fn edge_spellings_mean_what_each_reading_says() {
        let roll = Reading {
            second_60: Second60::RollsOver,
            hour_24_is_next_day: true,
        };
        let clamp = Reading {
            second_60: Second60::Clamped,
            ..roll
        };
        assert_eq!(parse_iso8601("2024-11-04T04:59:60Z", roll), Some(NOV_4_5AM));
        assert_eq!(
            parse_iso8601("2024-11-04T04:59:60Z", clamp),
            Some(NOV_4_5AM - 1_000_000_000)
        );
        assert_eq!(
            parse_iso8601("2024-11-04T04:59:60.5Z", roll),
            Some(NOV_4_5AM + 500_000_000)
        );
        // 2024-11-05T00:00:00Z = 1730764800.
        assert_eq!(
            parse_iso8601("2024-11-04T24:00:00Z", roll),
            Some(1_730_764_800_000_000_000)
        );
        assert_eq!(
            parse_iso8601("2024-12-31T24:00:00Z", roll),
            parse_iso8601("2025-01-01T00:00:00Z", STRICT)
        );
        assert_eq!(parse_iso8601("2024-11-04T24:00:01Z", roll), None);
        assert_eq!(parse_iso8601("2024-11-04T24:00:00.5Z", roll), None);
    }

    #[test]
    fn epoch_seconds_are_exact_decimals() {
        assert_eq!(from_epoch_seconds(1_730_696_199.75), Some(1_730_696_199_750_000_000));
        assert_eq!(from_epoch_seconds(1_730_696_199.123), Some(1_730_696_199_123_000_000));
        assert_eq!(
            from_epoch_seconds(1_730_696_199.123456),
            Some(1_730_696_199_123_456_000)
        );
        assert_eq!(from_epoch_seconds(-2_208_988_800.5), Some(-2_208_988_800_500_000_000));
        assert_eq!(from_epoch_seconds(0.0), Some(0));
        assert_eq!(from_epoch_seconds(0.1234567896), Some(123_456_790));
        assert_eq!(from_epoch_seconds(f64::NAN), None);
        // Outside the plain range of ryu's spelling: the `Display` spelling is read instead.
        assert_eq!(from_epoch_seconds(0.000_000_5), Some(500));
        assert_eq!(from_epoch_seconds(1e16), Some(10_000_000_000_000_000 * 1_000_000_000));
    }

    proptest::proptest! {
        /// The spelling read is a shortest one that reads back as the same double, and the
        /// nanoseconds are its digits. `Display` spells the same double the same way, or, where
        /// two shortest spellings exist, differs from ryu's (the one nearer the double, which
        /// serde_json writes) in the last digit only: the readings then differ by less than the
        /// unit of that digit.
        #[test]
        fn the_fast_spelling_is_a_shortest_one(
            bits in proptest::num::u64::ANY,
            small in -1e11f64..1e11,
            whole in -9_100_000_000_000_000i64..9_100_000_000_000_000,
            seconds in -4_000_000_000i64..4_000_000_000,
        ) {
            for x in [f64::from_bits(bits), small, whole as f64, seconds as f64] {
                if !x.is_finite() || x.abs() >= 1e16 || (x != 0.0 && x.abs() < 1e-5) {
                    continue;
                }
                let read = |shown: &str| -> (i128, usize) {
                    let (whole, frac) = shown.trim_start_matches('-').split_once('.').unwrap_or((shown.trim_start_matches('-'), ""));
                    let mut digits: Vec<u8> = frac.bytes().collect();
                    let places = digits.len();
                    let up = digits.get(9).is_some_and(|d| *d >= b'5');
                    digits.resize(9, b'0');
                    let n: i128 = whole.parse::<i128>().unwrap() * 1_000_000_000
                        + std::str::from_utf8(&digits[..9]).unwrap().parse::<i128>().unwrap()
                        + i128::from(up);
                    (if shown.starts_with('-') { -n } else { n }, places)
                };
                let fast = ryu::Buffer::new().format_finite(x).to_string();
                proptest::prop_assert_eq!(fast.parse::<f64>().unwrap(), x);
                proptest::prop_assert_eq!(from_epoch_seconds(x), Some(read(&fast).0), "{}", x);
                let (display, places) = read(&format!("{x}"));
                let unit = 10i128.pow(9u32.saturating_sub(places as u32));
                proptest::prop_assert!((display - read(&fast).0).abs() <= unit, "{} {}", x, fast);
            }
        }
    }
}
