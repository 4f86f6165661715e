//! The runs a window's schedule makes, for judging `DescribeMaintenanceWindowSchedule`.
//!
//! Computed apart from the emulator (`emulator::upcoming`, which steps with the `croner`
//! crate): here every calendar day of the range is tested against the cron fields, read by a
//! parser of this module's own, and each matching wall-clock time is placed in the window's IANA
//! zone by `chrono-tz` (the maintained zone database both sides read; no zone rule is written
//! here). A time that a daylight-saving change skips or repeats is placed as the reading of the
//! case's option says.
//!
//! Sources: the model (`CreateMaintenanceWindowRequest$Schedule`: "a cron or rate expression";
//! `$ScheduleTimezone`: IANA; `$ScheduleOffset`: "The number of days to wait after the date and
//! time specified by a cron expression before running the maintenance window"; `$StartDate`,
//! `$EndDate`), the user guide's cron and rate reference (six fields: minutes, hours, day of
//! month, month, day of week 1-7 or SUN-SAT, year; `?`, `L`, `W`, `#`), and the CLI's example
//! of `describe-maintenance-window-schedule` (runs in ascending order, `2020-02-19T16:00Z`).

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;

/// Why the oracle cannot compute a schedule's runs, or does not accept the runs listed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ScheduleError {
    /// A schedule, zone, cron field or instant the oracle does not read.
    #[error("{0}")]
    Unreadable(String),
    /// The runs of a `rate(...)` schedule break its step or its range.
    #[error("{0}")]
    Rate(String),
}

/// How a wall-clock time that a spring-forward change skips is placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GapReading {
    /// It makes no run.
    Skipped,
    /// At the instant the clocks change.
    GapEnd,
    /// Read with the offset in force before the change (02:30 becomes 03:30).
    Shifted,
}

/// How a wall-clock time that a fall-back change repeats is placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OverlapReading {
    /// Its first time.
    First,
    /// Its second time.
    Second,
    /// Both.
    Both,
}

/// What a window's schedule is made of (its `CreateMaintenanceWindow` members).
#[derive(Debug, Clone, Default)]
pub(crate) struct Window<'a> {
    /// `Schedule`.
    pub(crate) schedule: &'a str,
    /// `ScheduleTimezone` (UTC when absent).
    pub(crate) zone: Option<&'a str>,
    /// `ScheduleOffset`, days.
    pub(crate) offset: Option<i64>,
    /// `StartDate`, epoch seconds.
    pub(crate) start: Option<i64>,
    /// `EndDate`, epoch seconds.
    pub(crate) end: Option<i64>,
}

/// One run a correct target lists: where `optional`, a correct target may leave it out (it lies
/// on a bound whose inclusiveness AWS leaves open, or around the moment of the request).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Run {
    /// Epoch seconds.
    pub(crate) at: i64,
    /// Whether leaving it out is legal.
    pub(crate) optional: bool,
}

/// The runs of `w` within `[from, until]` (epoch seconds, inclusive; runs on either bound
/// optional), at most `most`, in order: `Ok(None)` for a `rate(...)` schedule, whose first run
/// AWS does not fix (see [`judge_rate`]).
pub(crate) fn runs(
    w: &Window<'_>,
    from: i64,
    until: i64,
    most: usize,
    gap: GapReading,
    overlap: OverlapReading,
) -> Result<Option<Vec<Run>>, ScheduleError> {
    let tz: Tz = match w.zone {
        None => Tz::UTC,
        Some(z) => z
            .parse()
            .map_err(|_| ScheduleError::Unreadable(format!("ScheduleTimezone {z:?} is not an IANA zone")))?,
    };
    let from = from.max(w.start.unwrap_or(i64::MIN));
    let until = until.min(w.end.unwrap_or(i64::MAX));
    let wrapped = |p: &str| w.schedule.strip_prefix(p).and_then(|s| s.strip_suffix(')'));
    let walls: Box<dyn Iterator<Item = NaiveDateTime>> = if let Some(at) = wrapped("at(") {
        let wall = NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%S")
            .map_err(|e| ScheduleError::Unreadable(format!("at({at}): not a date and time: {e}")))?;
        Box::new(std::iter::once(wall))
    } else if let Some(fields) = wrapped("cron(") {
        let cron = Cron::parse(fields)?;
        let times = cron.times();
        let offset = w.offset.unwrap_or(0);
        // Every day whose runs, offset and placed in any zone, may fall within the range.
        let first = day_of(from - 86_400) - chrono::Days::new(offset as u64);
        let last = day_of(until.saturating_add(86_400).min(253_402_300_799));
        Box::new(
            first
                .iter_days()
                .take_while(move |d| *d <= last)
                .filter(move |d| cron.day(*d))
                .flat_map(move |d| {
                    times
                        .clone()
                        .into_iter()
                        .map(move |t| d.and_time(t) + chrono::Days::new(offset as u64))
                }),
        )
    } else if wrapped("rate(").is_some() {
        return Ok(None);
    } else {
        return Err(ScheduleError::Unreadable(format!(
            "Schedule {:?} is not cron(...), rate(...) or at(...)",
            w.schedule
        )));
    };
    let mut out: BTreeSet<i64> = BTreeSet::new();
    for wall in walls {
        if out.len() > most && wall.and_utc().timestamp() - 16 * 3600 > *out.iter().nth(most).expect("more") {
            break;
        }
        out.extend(
            place(wall, tz, gap, overlap)
                .into_iter()
                .filter(|t| (from..=until).contains(t)),
        );
    }
    Ok(Some(
        out.into_iter()
            .take(most)
            .map(|at| Run {
                at,
                optional: at == from || at == until,
            })
            .collect(),
    ))
}

fn day_of(t: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp(t.max(0), 0)
        .expect("in range")
        .date_naive()
}

/// The instants of a wall-clock time in `tz`.
fn place(wall: NaiveDateTime, tz: Tz, gap: GapReading, overlap: OverlapReading) -> Vec<i64> {
    use chrono::LocalResult;
    match tz.from_local_datetime(&wall) {
        LocalResult::Single(t) => vec![t.timestamp()],
        LocalResult::Ambiguous(a, b) => {
            let (a, b) = (a.timestamp().min(b.timestamp()), a.timestamp().max(b.timestamp()));
            match overlap {
                OverlapReading::First => vec![a],
                OverlapReading::Second => vec![b],
                OverlapReading::Both => vec![a, b],
            }
        }
        LocalResult::None => {
            // The wall-clock time read with the offsets on either side of the change: the
            // later offset gives an instant before the change, the earlier one after it.
            let read = |probe: NaiveDateTime| {
                tz.from_local_datetime(&probe)
                    .single()
                    .map(|t| wall.and_utc().timestamp() - i64::from(chrono::Offset::fix(t.offset()).local_minus_utc()))
            };
            let (Some(early), Some(late)) = (
                read(wall - chrono::Duration::hours(6)),
                read(wall + chrono::Duration::hours(6)),
            ) else {
                return Vec::new();
            };
            match gap {
                GapReading::Skipped => Vec::new(),
                GapReading::Shifted => vec![early],
                // The first minute, from before the change, whose wall-clock time is past `wall`.
                GapReading::GapEnd => (late..=early)
                    .step_by(60)
                    .find(|t| tz.timestamp_opt(*t, 0).single().is_some_and(|x| x.naive_local() > wall))
                    .into_iter()
                    .collect(),
            }
        }
    }
}

/// Judge the runs of a `rate(...)` schedule within `[from, until]`: a fixed step apart, inside
/// the range, none missing at either end. Where the count starts (the window's creation, its
/// start date) AWS does not say, so any first run within one step of `from` is legal.
pub(crate) fn judge_rate(schedule: &str, got: &[i64], from: i64, until: Option<i64>) -> Result<(), ScheduleError> {
    let inner = schedule
        .strip_prefix("rate(")
        .and_then(|s| s.strip_suffix(')'))
        .ok_or(ScheduleError::Unreadable("not a rate".into()))?;
    let (n, unit) = inner
        .split_once(' ')
        .ok_or(ScheduleError::Unreadable("a rate is a number and a unit".into()))?;
    let n: i64 = n
        .parse()
        .map_err(|_| ScheduleError::Unreadable(format!("rate {n:?} is not a number")))?;
    let step = n * match unit.trim_end_matches('s') {
        "minute" => 60,
        "hour" => 3_600,
        "day" => 86_400,
        other => return Err(ScheduleError::Rate(format!("rate unit {other:?}"))),
    };
    let show = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0).map_or(t.to_string(), |d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
    };
    for pair in got.windows(2) {
        if pair[1] - pair[0] != step {
            return Err(ScheduleError::Rate(format!(
                "runs {} and {} are {} s apart, not the rate's {step} s",
                show(pair[0]),
                show(pair[1]),
                pair[1] - pair[0]
            )));
        }
    }
    if let Some(first) = got.first()
        && (*first < from || *first >= from + step)
    {
        return Err(ScheduleError::Rate(format!(
            "the first run {first} is not within one step ({step} s) of {from}"
        )));
    }
    if let Some(u) = until {
        if got.iter().any(|t| *t > u) {
            return Err(ScheduleError::Rate(format!("a run after {}, the range's end", show(u))));
        }
        match got.last() {
            Some(last) if *last + step <= u => {
                return Err(ScheduleError::Rate(format!(
                    "a run is missing after {}: the next is due before {}",
                    show(*last),
                    show(u)
                )));
            }
            None if from + step <= u => {
                return Err(ScheduleError::Rate(format!(
                    "no run, though one is due between {} and {}",
                    show(from),
                    show(u)
                )));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The six fields of an AWS cron expression, read as sets.
#[derive(Debug, Clone)]
struct Cron {
    minutes: BTreeSet<u32>,
    hours: BTreeSet<u32>,
    day_of_month: DayOfMonth,
    months: BTreeSet<u32>,
    day_of_week: DayOfWeek,
    years: BTreeSet<i32>,
}

#[derive(Debug, Clone)]
enum DayOfMonth {
    Any,
    Days(BTreeSet<u32>),
    Last,
    LastWeekday,
    NearestWeekday(u32),
}

#[derive(Debug, Clone)]
enum DayOfWeek {
    Any,
    /// 1 (Sunday) to 7 (Saturday).
    Days(BTreeSet<u32>),
    /// The last of that weekday in the month.
    Last(u32),
    /// The nth of that weekday in the month.
    Nth(u32, u32),
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

impl Cron {
    fn parse(fields: &str) -> Result<Self, ScheduleError> {
        let f: Vec<&str> = fields.split_whitespace().collect();
        let [minutes, hours, dom, months, dow, years] = f[..] else {
            return Err(ScheduleError::Unreadable(format!(
                "cron({fields}) has {} fields, not six",
                f.len()
            )));
        };
        Ok(Self {
            minutes: set(minutes, 0, 59, &[])?,
            hours: set(hours, 0, 23, &[])?,
            day_of_month: match dom {
                "?" | "*" => DayOfMonth::Any,
                "L" => DayOfMonth::Last,
                "LW" => DayOfMonth::LastWeekday,
                d if d.ends_with('W') => DayOfMonth::NearestWeekday(number(&d[..d.len() - 1], 1, 31, &[])?),
                d => DayOfMonth::Days(set(d, 1, 31, &[])?),
            },
            months: set(months, 1, 12, &MONTHS)?,
            day_of_week: match dow {
                "?" | "*" => DayOfWeek::Any,
                d if d.len() > 1 && d.ends_with('L') => DayOfWeek::Last(number(&d[..d.len() - 1], 1, 7, &WEEKDAYS)?),
                d if d.contains('#') => {
                    let (day, nth) = d.split_once('#').expect("has #");
                    DayOfWeek::Nth(number(day, 1, 7, &WEEKDAYS)?, number(nth, 1, 5, &[])?)
                }
                "L" => DayOfWeek::Days(BTreeSet::from([7])),
                d => DayOfWeek::Days(set(d, 1, 7, &WEEKDAYS)?),
            },
            years: set(years, 1970, 2199, &[])?.into_iter().map(|y| y as i32).collect(),
        })
    }

    fn times(&self) -> Vec<NaiveTime> {
        self.hours
            .iter()
            .flat_map(|h| {
                self.minutes
                    .iter()
                    .map(move |m| NaiveTime::from_hms_opt(*h, *m, 0).expect("a time"))
            })
            .collect()
    }

    fn day(&self, d: NaiveDate) -> bool {
        let last = last_day(d);
        let weekday = d.weekday().number_from_sunday();
        let dom = match &self.day_of_month {
            DayOfMonth::Any => true,
            DayOfMonth::Days(s) => s.contains(&d.day()),
            DayOfMonth::Last => d.day() == last,
            DayOfMonth::LastWeekday => (1..=last).rev().find(|x| weekday_of(d, *x)) == Some(d.day()),
            DayOfMonth::NearestWeekday(n) => nearest_weekday(d, (*n).min(last)) == d.day(),
        };
        let dow = match &self.day_of_week {
            DayOfWeek::Any => true,
            DayOfWeek::Days(s) => s.contains(&weekday),
            DayOfWeek::Last(w) => *w == weekday && d.day() + 7 > last,
            DayOfWeek::Nth(w, n) => *w == weekday && (d.day() - 1) / 7 + 1 == *n,
        };
        dom && dow && self.months.contains(&d.month()) && self.years.contains(&d.year())
    }
}

fn last_day(d: NaiveDate) -> u32 {
    (28..=31)
        .rev()
        .find(|x| d.with_day(*x).is_some())
        .expect("a month has 28 days")
}

/// Whether day `x` of `d`'s month is Monday to Friday.
fn weekday_of(d: NaiveDate, x: u32) -> bool {
    !matches!(
        d.with_day(x).expect("in the month").weekday(),
        Weekday::Sat | Weekday::Sun
    )
}

/// The weekday nearest day `n`, within the month (Quartz's `W`).
fn nearest_weekday(d: NaiveDate, n: u32) -> u32 {
    let last = last_day(d);
    match d.with_day(n).expect("in the month").weekday() {
        Weekday::Sat if n == 1 => 3,
        Weekday::Sat => n - 1,
        Weekday::Sun if n == last => n - 2,
        Weekday::Sun => n + 1,
        _ => n,
    }
}

fn number(s: &str, low: u32, high: u32, names: &[&str]) -> Result<u32, ScheduleError> {
    let n = match names.iter().position(|x| x.eq_ignore_ascii_case(s)) {
        Some(i) => low + i as u32,
        None => s
            .parse()
            .map_err(|_| ScheduleError::Unreadable(format!("{s:?} is not a number")))?,
    };
    if (low..=high).contains(&n) {
        Ok(n)
    } else {
        Err(ScheduleError::Unreadable(format!("{n} is outside {low}-{high}")))
    }
}

/// A field of lists, ranges and steps (`*`, `a`, `a-b`, `a/s`, `a-b/s`, `*/s`), as a set.
fn set(field: &str, low: u32, high: u32, names: &[&str]) -> Result<BTreeSet<u32>, ScheduleError> {
    let mut out = BTreeSet::new();
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, number(s, 1, high.max(1), &[])?),
            None => (part, 1),
        };
        let (a, b) = match range {
            "*" => (low, high),
            r => match r.split_once('-') {
                Some((a, b)) => (number(a, low, high, names)?, number(b, low, high, names)?),
                None => {
                    let a = number(r, low, high, names)?;
                    (a, if part.contains('/') { high } else { a })
                }
            },
        };
        out.extend((a..=b).step_by(step as usize));
    }
    Ok(out)
}

/// An `ExecutionTime` as epoch seconds: ISO 8601 extended, to the minute or the second, with
/// `Z` or an offset (without one it names no instant).
pub(crate) fn execution_time(s: &str) -> Result<i64, ScheduleError> {
    let (wall, zone) = match s.strip_suffix('Z') {
        Some(w) => (w, "+00:00"),
        None if s.len() > 6 && matches!(s.as_bytes()[s.len() - 6], b'+' | b'-') => s.split_at(s.len() - 6),
        None => {
            return Err(ScheduleError::Unreadable(format!(
                "ExecutionTime {s:?} has no Z or offset"
            )));
        }
    };
    let wall = NaiveDateTime::parse_from_str(wall, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(wall, "%Y-%m-%dT%H:%M"))
        .map_err(|_| ScheduleError::Unreadable(format!("ExecutionTime {s:?} is not an ISO 8601 date and time")))?;
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let (h, m) = zone[1..]
        .split_once(':')
        .ok_or(ScheduleError::Unreadable(format!("ExecutionTime {s:?}: offset")))?;
    let offset: i64 = h.parse::<i64>().map_err(|e| ScheduleError::Unreadable(e.to_string()))? * 3600
        + m.parse::<i64>().map_err(|e| ScheduleError::Unreadable(e.to_string()))? * 60;
    Ok(wall.and_utc().timestamp() - sign * offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> i64 {
        execution_time(s).unwrap()
    }

    fn at(w: &Window<'_>, from: &str, until: &str, gap: GapReading, overlap: OverlapReading) -> Vec<i64> {
        runs(w, utc(from), utc(until), 100, gap, overlap)
            .unwrap()
            .unwrap()
            .into_iter()
            .map(|r| r.at)
            .collect()
    }

    #[test]
    fn weekly_third_tuesday_last_day_and_nearest_weekday() {
        let w = |s| Window {
            schedule: s,
            ..Default::default()
        };
        let (g, o) = (GapReading::Skipped, OverlapReading::Both);
        assert_eq!(
            at(
                &w("cron(0 16 ? * TUE *)"),
                "2031-01-01T00:00Z",
                "2031-01-15T00:00Z",
                g,
                o
            ),
            [utc("2031-01-07T16:00Z"), utc("2031-01-14T16:00Z")]
        );
        assert_eq!(
            at(
                &w("cron(30 23 ? * 3#3 *)"),
                "2031-01-01T00:00Z",
                "2031-03-01T00:00Z",
                g,
                o
            ),
            [utc("2031-01-21T23:30Z"), utc("2031-02-18T23:30Z")]
        );
        assert_eq!(
            at(
                &w("cron(0 2 L * ? 2031)"),
                "2031-01-01T00:00Z",
                "2031-03-01T00:00Z",
                g,
                o
            ),
            [utc("2031-01-31T02:00Z"), utc("2031-02-28T02:00Z")]
        );
        // 1 March 2031 is a Saturday: 1W is Monday the 3rd.
        assert_eq!(
            at(
                &w("cron(0 0 1W MAR ? 2031)"),
                "2031-01-01T00:00Z",
                "2031-12-01T00:00Z",
                g,
                o
            ),
            [utc("2031-03-03T00:00Z")]
        );
        assert_eq!(
            at(
                &w("cron(0/20 9 1 1 ? 2031)"),
                "2031-01-01T00:00Z",
                "2031-01-02T00:00Z",
                g,
                o
            ),
            [
                utc("2031-01-01T09:00Z"),
                utc("2031-01-01T09:20Z"),
                utc("2031-01-01T09:40Z")
            ]
        );
    }

    #[test]
    fn daylight_saving_readings() {
        let w = Window {
            schedule: "cron(30 2 * * ? 2031)",
            zone: Some("America/New_York"),
            ..Default::default()
        };
        let spring = |g| at(&w, "2031-03-09T00:00Z", "2031-03-10T00:00Z", g, OverlapReading::First);
        assert_eq!(spring(GapReading::Skipped), Vec::<i64>::new());
        assert_eq!(spring(GapReading::GapEnd), [utc("2031-03-09T03:00-04:00")]);
        assert_eq!(spring(GapReading::Shifted), [utc("2031-03-09T03:30-04:00")]);
        let w = Window {
            schedule: "cron(30 1 * * ? 2031)",
            ..w
        };
        let autumn = |o| at(&w, "2031-11-02T00:00Z", "2031-11-03T00:00Z", GapReading::Skipped, o);
        assert_eq!(autumn(OverlapReading::First), [utc("2031-11-02T01:30-04:00")]);
        assert_eq!(autumn(OverlapReading::Second), [utc("2031-11-02T01:30-05:00")]);
        assert_eq!(autumn(OverlapReading::Both).len(), 2);
    }

    #[test]
    fn rates_are_judged_by_their_step() {
        let from = utc("2031-01-01T00:00Z");
        let day = 86_400;
        assert!(judge_rate("rate(1 day)", &[from + 5, from + 5 + day], from, Some(from + 2 * day)).is_ok());
        assert!(judge_rate("rate(1 day)", &[from, from + 2 * day], from, None).is_err());
        assert!(judge_rate("rate(1 day)", &[from + day + 1], from, None).is_err());
        assert!(judge_rate("rate(1 day)", &[from], from, Some(from + 3 * day)).is_err());
    }

    #[test]
    fn execution_times_in_any_offset() {
        assert_eq!(utc("2020-02-19T16:00Z"), 1_582_128_000);
        assert_eq!(utc("2020-02-19T08:00-08:00"), 1_582_128_000);
        assert_eq!(utc("2020-02-19T16:00:00Z"), 1_582_128_000);
        assert!(execution_time("2020-02-19T16:00").is_err());
    }
}
