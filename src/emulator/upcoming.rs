//! `DescribeMaintenanceWindowSchedule`: a window's next runs, from its `cron(...)`, `rate(...)`
//! or `at(...)` expression, its time zone and offset, and its start and end dates.
//!
//! The emulator's own reading: cron fields by the `croner` crate in wall-clock time, then each
//! wall-clock time placed in the window's IANA zone by `chrono-tz`. The oracle
//! (`oracle::schedule`) enumerates calendar days with a parser of its own; the two share only
//! the zone database.
//!
//! Where AWS leaves a choice open (a wall-clock time a daylight-saving change skips or repeats,
//! a disabled window's schedule), [`ScheduleChoices`] says which option this emulator takes.

use chrono::{DateTime, Days, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};
use serde_json::{Map, Value, json};

use super::error::ApiError;
use super::store::{Shared, Window};

/// How the emulator takes the schedule's open choices (the defaults are the reference's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ScheduleChoices {
    /// A run whose wall-clock time a spring-forward change skips.
    pub gap: Gap,
    /// A run whose wall-clock time a fall-back change repeats.
    pub overlap: Overlap,
    /// Whether a disabled window's runs are listed (by default: none are).
    pub disabled_listed: bool,
}

/// A wall-clock time that does not exist in the window's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Gap {
    /// No run.
    Skipped,
    /// At the instant the clocks change (the first wall-clock time after the gap).
    #[default]
    GapEnd,
    /// At the wall-clock time read with the offset before the change (02:30 becomes 03:30).
    Shifted,
}

/// A wall-clock time that happens twice in the window's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Overlap {
    /// The first time only.
    #[default]
    First,
    /// The second time only.
    Second,
    /// Both times.
    Both,
}

/// How many runs a page holds without `MaxResults` (AWS's default is not documented).
const DEFAULT_PAGE: usize = 50;
/// The furthest a zone's offset, plus a skipped hour, moves a wall-clock time from UTC.
const ZONE_REACH: i64 = 16 * 3600;
/// A search stops after this many wall-clock times without filling a page.
const MOST_WALL_TIMES: usize = 100_000;

/// `DescribeMaintenanceWindowSchedule`.
pub(super) fn describe(
    store: &Shared,
    choices: &ScheduleChoices,
    request: &Map<String, Value>,
    now: f64,
) -> Result<Value, ApiError> {
    super::window_api::checked("DescribeMaintenanceWindowSchedule", request)?;
    let (after, before) = bounds(request)?;
    let limit = request
        .get("MaxResults")
        .and_then(Value::as_u64)
        .map_or(DEFAULT_PAGE, |n| n as usize);
    let resume = match request.get("NextToken").and_then(Value::as_str) {
        None | Some("") => None,
        Some(t) => Some(
            decode_token(t)
                .ok_or_else(|| ApiError::modeled(400, "InvalidNextToken", "The specified token isn't valid.".into()))?,
        ),
    };
    let store = store.read().expect("store lock");
    let windows: Vec<(&String, &Window)> = match request.get("WindowId").and_then(Value::as_str) {
        Some(id) => vec![
            store
                .windows
                .get_key_value(id)
                .ok_or_else(|| super::window_api::missing(&format!("Maintenance window {id}")))?,
        ],
        None if request.contains_key("Targets") => store
            .windows
            .iter()
            .filter(|(_, w)| super::window_api::targeted(w, request))
            .collect(),
        None => return Err(ApiError::invalid("A WindowId or Targets is required")),
    };
    // The runs of every window from the page's start, each window's first `limit + 1`.
    let from = now.ceil() as i64;
    let mut runs: Vec<(i64, &String, &Window)> = Vec::new();
    for (id, w) in windows {
        if !w.enabled && !choices.disabled_listed {
            continue;
        }
        let start = resume.as_ref().map_or(from, |(t, _)| (*t).max(from));
        for t in window_runs(w, start.max(after.unwrap_or(i64::MIN)), before, limit + 2, choices) {
            let past_resume = resume
                .as_ref()
                .is_none_or(|(rt, rid)| t > *rt || (t == *rt && id.as_str() > rid.as_str()));
            if past_resume {
                runs.push((t, id, w));
            }
        }
    }
    runs.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    let more = runs.len() > limit;
    runs.truncate(limit);
    let items: Vec<Value> = runs
        .iter()
        .map(|(t, id, w)| {
            json!({
                "WindowId": id,
                "Name": w.settings.name,
                "ExecutionTime": execution_time(*t, zone(w)),
            })
        })
        .collect();
    let mut answer = json!({ "ScheduledWindowExecutions": items });
    if more && let Some((t, id, _)) = runs.last() {
        answer["NextToken"] = json!(hex::encode(format!("s1|{t}|{id}")));
    }
    Ok(answer)
}

/// The filters' `ScheduledAfter` and `ScheduledBefore` as epoch seconds (both inclusive).
fn bounds(request: &Map<String, Value>) -> Result<(Option<i64>, Option<i64>), ApiError> {
    let (mut after, mut before): (Option<i64>, Option<i64>) = (None, None);
    for f in request.get("Filters").and_then(Value::as_array).into_iter().flatten() {
        let key = f["Key"].as_str().unwrap_or_default();
        for v in f["Values"].as_array().into_iter().flatten() {
            let v = v.as_str().unwrap_or_default();
            let t = super::iso8601::parse_instant(v)
                .ok_or_else(|| ApiError::invalid(format!("Filter value {v:?} is not an ISO 8601 date and time")))?;
            // Whole seconds: a run is on a minute, so a bound's fraction only moves it inward.
            let (up, down) = (
                t.div_euclid(1_000_000_000) as i64,
                (t + 999_999_999).div_euclid(1_000_000_000) as i64,
            );
            match key {
                "ScheduledAfter" => after = Some(after.map_or(down, |a| a.max(down))),
                "ScheduledBefore" => before = Some(before.map_or(up, |b| b.min(up))),
                other => {
                    return Err(ApiError::invalid(format!(
                        "Filter key {other:?} is not supported: ScheduledAfter or ScheduledBefore"
                    )));
                }
            }
        }
    }
    Ok((after, before))
}

fn decode_token(token: &str) -> Option<(i64, String)> {
    let plain = String::from_utf8(hex::decode(token).ok()?).ok()?;
    let mut parts = plain.splitn(3, '|');
    (parts.next()? == "s1").then_some(())?;
    Some((parts.next()?.parse().ok()?, parts.next()?.to_string()))
}

fn zone(w: &Window) -> Tz {
    w.settings
        .schedule_timezone
        .as_deref()
        .and_then(|z| z.parse().ok())
        .unwrap_or(Tz::UTC)
}

/// AWS's form (the CLI's example: `2020-02-19T16:00Z`), in the window's zone.
fn execution_time(t: i64, tz: Tz) -> String {
    let local = Utc.timestamp_opt(t, 0).single().expect("in range").with_timezone(&tz);
    if tz == Tz::UTC {
        local.format("%Y-%m-%dT%H:%MZ").to_string()
    } else {
        local.format("%Y-%m-%dT%H:%M%:z").to_string()
    }
}

fn date(value: Option<&str>) -> Option<i64> {
    value
        .and_then(super::iso8601::parse_instant)
        .map(|t| t.div_euclid(1_000_000_000) as i64)
}

/// The first `want` runs of `w` at or after `from` and at or before `until`, in order.
fn window_runs(w: &Window, from: i64, until: Option<i64>, want: usize, choices: &ScheduleChoices) -> Vec<i64> {
    let s = &w.settings;
    let from = from.max(date(s.start_date.as_deref()).unwrap_or(i64::MIN));
    let until = match (until, date(s.end_date.as_deref())) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let tz = zone(w);
    let inside = |t: &i64| *t >= from && until.is_none_or(|u| *t <= u);
    let inner = |prefix: &str| s.schedule.strip_prefix(prefix).and_then(|x| x.strip_suffix(')'));
    if let Some(fields) = inner("cron(") {
        let offset = s.schedule_offset.unwrap_or(0).max(0) as u64;
        return cron_runs(fields, tz, offset, from, until, want, choices);
    }
    if let Some(rate) = inner("rate(") {
        let Some(step) = rate_seconds(rate) else {
            return Vec::new();
        };
        // Counted from the start date, or from the minute after the window was made.
        let anchor = date(s.start_date.as_deref()).unwrap_or((w.created / 60.0).ceil() as i64 * 60);
        let k = if from > anchor {
            (from - anchor + step - 1) / step
        } else {
            0
        };
        return (k..)
            .map(|k| anchor + k * step)
            .take_while(|t| until.is_none_or(|u| *t <= u))
            .take(want)
            .collect();
    }
    if let Some(at) = inner("at(") {
        let Ok(wall) = NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%S") else {
            return Vec::new();
        };
        return place(wall, tz, choices).into_iter().filter(inside).take(want).collect();
    }
    Vec::new()
}

fn rate_seconds(rate: &str) -> Option<i64> {
    let (n, unit) = rate.split_once(' ')?;
    let n: i64 = n.parse().ok()?;
    let unit = match unit {
        "minute" | "minutes" => 60,
        "hour" | "hours" => 3600,
        "day" | "days" => 86_400,
        _ => return None,
    };
    Some(n * unit)
}

/// The runs of the six AWS cron fields (minutes, hours, day of month, month, day of week,
/// year), `offset` days after each match, placed in `tz`.
fn cron_runs(
    fields: &str,
    tz: Tz,
    offset: u64,
    from: i64,
    until: Option<i64>,
    want: usize,
    choices: &ScheduleChoices,
) -> Vec<i64> {
    // croner reads Quartz's layout: seconds first, weekdays 1 (SUN) to 7 (SAT), `0/15` steps.
    let parser = CronParser::builder()
        .seconds(Seconds::Required)
        .year(Year::Required)
        .alternative_weekdays(true)
        .sloppy_ranges(true)
        .build();
    let Ok(cron): Result<Cron, _> = parser.parse(&format!("0 {fields}")) else {
        return Vec::new();
    };
    let shift = Days::new(offset);
    let earliest = DateTime::<Utc>::from_timestamp(from - ZONE_REACH, 0)
        .expect("in range")
        .naive_utc()
        - shift;
    let mut found: Vec<i64> = Vec::new();
    for wall in cron.iter_after(earliest).take(MOST_WALL_TIMES) {
        let wall = wall + shift;
        let reach = wall.and_utc().timestamp() - ZONE_REACH;
        // Every later wall-clock time lands after `reach`: what is found before it is final.
        found.sort_unstable();
        if until.is_some_and(|u| reach > u) || (found.len() >= want && found[want - 1] < reach) {
            break;
        }
        found.extend(
            place(wall, tz, choices)
                .into_iter()
                .filter(|t| *t >= from && until.is_none_or(|u| *t <= u)),
        );
    }
    found.sort_unstable();
    found.dedup();
    found.truncate(want);
    found
}

/// The instants of a wall-clock time in `tz`, as the choices place a skipped or repeated one.
fn place(wall: NaiveDateTime, tz: Tz, choices: &ScheduleChoices) -> Vec<i64> {
    match tz.from_local_datetime(&wall) {
        LocalResult::Single(t) => vec![t.timestamp()],
        LocalResult::Ambiguous(a, b) => match choices.overlap {
            Overlap::First => vec![a.timestamp()],
            Overlap::Second => vec![b.timestamp()],
            Overlap::Both => vec![a.timestamp(), b.timestamp()],
        },
        LocalResult::None => match choices.gap {
            Gap::Skipped => Vec::new(),
            Gap::GapEnd => (1..=24 * 60)
                .find_map(|m| {
                    tz.from_local_datetime(&(wall + chrono::Duration::minutes(m)))
                        .earliest()
                })
                // The first wall-clock minute that exists is the instant the clocks changed.
                .map(|t| t.timestamp())
                .into_iter()
                .collect(),
            Gap::Shifted => {
                // Read with the offset in force before the change.
                let before = tz.from_local_datetime(&(wall - chrono::Duration::hours(3))).earliest();
                before
                    .map(|b| wall.and_utc().timestamp() - i64::from(b.offset().fix().local_minus_utc()))
                    .into_iter()
                    .collect()
            }
        },
    }
}
