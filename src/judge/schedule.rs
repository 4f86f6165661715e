//! The judge of a window's schedule (`DescribeMaintenanceWindowSchedule`): the runs listed,
//! pages followed, against the runs the oracle computes for the window and the request.
//!
//! Open, and so tolerated: the form of `ExecutionTime` (any ISO 8601 extended instant with `Z`
//! or an offset), runs on a bound (the filters', the window's dates) and around the moment of the
//! request, the default page size, and where a `rate(...)` count starts.

use serde_json::Value;

use crate::client::Response;
use crate::failure::{Failure, FailureKind, OrFail};
use crate::oracle::schedule::{self, Run, Window};
use crate::spec::ScheduleExpectation;

use super::Context;

/// How far the target's clock may be behind the judge's: runs this close before the judgement
/// may or may not still be upcoming.
const CLOCK_SLACK: i64 = 600;
/// The most runs judged of a series without end (its first page).
const FIRST_RUNS: usize = 500;

/// Judge `r`, the first page (with `ctx.walk` holding them all where the range ends).
pub(crate) fn check(x: &ScheduleExpectation, r: &Response, ctx: &Context<'_>) -> Result<(), Failure> {
    let params = ctx
        .params
        .ok_or("the request is not JSON")
        .or_fail(FailureKind::Status)?;
    let text = |m: &str| x.window.get(m).and_then(Value::as_str);
    let instant = |v: &str| {
        crate::oracle::instant::parse_iso8601(v, Default::default())
            .map(|n| n.div_euclid(1_000_000_000) as i64)
            .ok_or_else(|| format!("{v:?} is not an ISO 8601 instant the oracle reads"))
    };
    let date = |m: &str| text(m).map(instant).transpose().or_fail(FailureKind::Status);
    let window = Window {
        schedule: text("Schedule").unwrap_or_default(),
        zone: text("ScheduleTimezone"),
        offset: x.window.get("ScheduleOffset").and_then(Value::as_i64),
        start: date("StartDate")?,
        end: date("EndDate")?,
    };
    // The filters' bounds, the latest After and the earliest Before.
    let (mut after, mut before) = (None::<i64>, None::<i64>);
    for f in params["Filters"].as_array().into_iter().flatten() {
        for v in f["Values"].as_array().into_iter().flatten() {
            let t = instant(v.as_str().unwrap_or_default()).or_fail(FailureKind::Status)?;
            match f["Key"].as_str() {
                Some("ScheduledAfter") => after = Some(after.map_or(t, |a| a.max(t))),
                Some("ScheduledBefore") => before = Some(before.map_or(t, |b| b.min(t))),
                other => {
                    return Err(Failure::new(
                        FailureKind::Status,
                        format!("filter key {other:?}: the oracle reads ScheduledAfter and ScheduledBefore"),
                    ));
                }
            }
        }
    }
    let now = chrono::Utc::now().timestamp();
    let from = after.unwrap_or(i64::MIN).max(now - CLOCK_SLACK);
    let until = match (before, window.end) {
        (Some(b), Some(e)) => Some(b.min(e)),
        (b, e) => b.or(e),
    };
    let items = listed(r, ctx)?;
    let want_id = params.get("WindowId");
    let mut got = Vec::with_capacity(items.len());
    for (n, item) in items.iter().enumerate() {
        let at = |what: &str| format!("ScheduledWindowExecutions[{n}]: {what}");
        if want_id.is_some_and(|w| item.get("WindowId") != Some(w)) {
            return Err(Failure::new(
                FailureKind::Member,
                at(&format!("WindowId {} is not the window asked about", item["WindowId"])),
            ));
        }
        if item.get("Name").and_then(Value::as_str) != text("Name") {
            return Err(Failure::new(
                FailureKind::Member,
                at(&format!("Name {} is not the window's {:?}", item["Name"], text("Name"))),
            ));
        }
        let time = item["ExecutionTime"]
            .as_str()
            .ok_or("ExecutionTime is missing or not a string")
            .and_then(|s| schedule::execution_time(s).map_err(|_| "ExecutionTime is not an ISO 8601 instant"))
            .map_err(|e| at(&format!("{e}: {}", item["ExecutionTime"])))
            .or_fail(FailureKind::Member)?;
        got.push(time);
    }
    let (gap, overlap) = x.readings().or_fail(FailureKind::Status)?;
    let bounded = until.is_some() || window.schedule.starts_with("at(");
    let most = if bounded { usize::MAX } else { got.len() + 1 };
    let horizon = until.unwrap_or_else(|| from.saturating_add(400 * 86_400 * 10));
    let runs = schedule::runs(&window, from, horizon, most.min(100_000), gap, overlap);
    match runs.map_err(|e| e.to_string()).or_fail(FailureKind::Status)? {
        None => schedule::judge_rate(window.schedule, &got, from.max(window.start.unwrap_or(i64::MIN)), until)
            .map_err(|e| e.to_string())
            .or_fail(FailureKind::Selection),
        Some(mut expected) => {
            // Runs that may already have passed on the target's clock: either way is right.
            for run in expected.iter_mut().filter(|run| run.at <= now + 60) {
                run.optional = true;
            }
            compare(&got, &expected, bounded)
        }
    }
}

/// The items listed: every page's where the pages were followed, else the first page's.
fn listed(r: &Response, ctx: &Context<'_>) -> Result<Vec<Value>, Failure> {
    if !(200..300).contains(&r.status) {
        return Err(Failure::new(
            FailureKind::Status,
            format!("expected a success, got {}", r.summary()),
        ));
    }
    super::check_content_type(r)?;
    if let Some(walk) = ctx.walk {
        if let Some(p) = &walk.problem {
            return Err(Failure::new(FailureKind::Paging, p.clone()));
        }
        return walk
            .pages
            .iter()
            .flat_map(|p| &p.executions)
            .map(|raw| {
                serde_json::from_str(raw.get())
                    .map_err(|e| Failure::new(FailureKind::Member, format!("a listed run is not JSON: {e}")))
            })
            .collect();
    }
    let body = r.json.as_ref().filter(|b| b.is_object());
    let list = body
        .and_then(|b| b.get("ScheduledWindowExecutions"))
        .unwrap_or(&Value::Null);
    match list {
        Value::Array(a) => Ok(a.iter().take(FIRST_RUNS).cloned().collect()),
        Value::Null if body.is_some() => Ok(Vec::new()),
        _ => Err(Failure::new(
            FailureKind::Member,
            "ScheduledWindowExecutions is not a list".to_string(),
        )),
    }
}

/// `got` against `expected`, in order: every run not optional is listed, nothing else is; where
/// the range has no end, `got` is the start of the series.
fn compare(got: &[i64], expected: &[Run], bounded: bool) -> Result<(), Failure> {
    let show = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0).map_or(t.to_string(), |d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
    };
    let mut e = expected.iter().peekable();
    for (n, t) in got.iter().enumerate() {
        loop {
            match e.next() {
                Some(run) if run.at == *t => break,
                Some(run) if run.optional && run.at < *t => continue,
                Some(run) if run.at < *t => {
                    return Err(Failure::new(
                        FailureKind::Selection,
                        format!("the run at {} is missing (listed next: {})", show(run.at), show(*t)),
                    ));
                }
                _ => {
                    return Err(Failure::new(
                        FailureKind::Selection,
                        format!(
                            "run {n} at {} is not a run of the schedule the request admits, in order",
                            show(*t)
                        ),
                    ));
                }
            }
        }
    }
    if bounded && let Some(run) = e.find(|run| !run.optional) {
        return Err(Failure::new(
            FailureKind::Selection,
            format!("the run at {} is missing (and every run after it)", show(run.at)),
        ));
    }
    if !bounded && got.is_empty() && expected.iter().any(|r| !r.optional) {
        return Err(Failure::new(
            FailureKind::Selection,
            "no run is listed, though the schedule has upcoming runs".to_string(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(ts: &[(i64, bool)]) -> Vec<Run> {
        ts.iter()
            .map(|(at, optional)| Run {
                at: *at,
                optional: *optional,
            })
            .collect()
    }

    #[test]
    fn optional_runs_may_be_left_out_and_nothing_else() {
        let expected = runs(&[(1, true), (2, false), (3, false), (4, true)]);
        assert!(compare(&[2, 3], &expected, true).is_ok());
        assert!(compare(&[1, 2, 3, 4], &expected, true).is_ok());
        assert!(compare(&[2], &expected, true).is_err());
        assert!(compare(&[3], &expected, true).is_err());
        assert!(compare(&[2, 3, 5], &expected, true).is_err());
        assert!(compare(&[3, 2], &expected, true).is_err());
        assert!(compare(&[2, 2, 3], &expected, true).is_err());
        // Without an end: the start of the series.
        assert!(compare(&[2], &expected, false).is_ok());
        assert!(compare(&[], &expected, false).is_err());
    }
}
