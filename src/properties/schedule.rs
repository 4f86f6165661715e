//! The schedule part: generated windows — cron expressions of random fields (lists, ranges,
//! steps, names, `L`, `LW`, `W`, `#`), one-time `at(...)` and `rate(...)` schedules, in zones
//! with and without daylight saving (Lord Howe's half hour, Chatham's quarter), an offset, start
//! and end dates — each made through `CreateMaintenanceWindow`, its runs between generated
//! instants read with `DescribeMaintenanceWindowSchedule` (pages followed), judged by the
//! oracle's own schedule (`judge::schedule`), and deleted. Where the spec phase saw the target's
//! daylight-saving choices (or the pins fix them), those hold; else any of them does.
//!
//! An offset is drawn only in UTC: whether its days are calendar days or 24 hours is the same
//! there, and the docs do not say which elsewhere.

use std::cell::Cell;
use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::Settings;
use crate::client::Payload;
use crate::failure::Failure;
use crate::model::Operation;
use crate::outcome::{FailureKind, Outcome, SkipReason};
use crate::session::Session;
use crate::spec::ScheduleExpectation;

/// The zones drawn: none, whole-hour, half-hour and quarter-hour offsets, northern and southern
/// daylight saving, Lord Howe's half-hour change.
const ZONES: [&str; 8] = [
    "UTC",
    "America/New_York",
    "Europe/London",
    "Asia/Seoul",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "America/Sao_Paulo",
    "Pacific/Chatham",
];

/// 2031-01-01T00:00:00Z: the drawn ranges lie in 2031–2033, ahead of any run's clock.
const EPOCH_2031: i64 = 1_924_992_000;
const DAY: i64 = 86_400;

/// One drawn window and the range its runs are read in.
#[derive(Debug, Clone)]
struct Drawn {
    /// The window's schedule members (`Schedule`, `ScheduleTimezone`, …).
    window: Map<String, Value>,
    /// `ScheduledAfter`, epoch seconds.
    after: i64,
    /// `ScheduledBefore`, epoch seconds.
    before: i64,
    max_results: Option<u64>,
}

fn iso(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .expect("in range")
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn cron() -> impl Strategy<Value = String> {
    let minute = prop_oneof![
        (0u32..60).prop_map(|m| m.to_string()),
        (0u32..30, 30u32..60).prop_map(|(a, b)| format!("{a},{b}")),
        (0u32..15, prop::sample::select(vec![15u32, 20, 30])).prop_map(|(a, s)| format!("{a}/{s}")),
    ];
    let hour = prop_oneof![
        (0u32..24).prop_map(|h| h.to_string()),
        (0u32..12, 12u32..24).prop_map(|(a, b)| format!("{a},{b}")),
        (0u32..21).prop_map(|a| format!("{a}-{}", a + 3)),
        (0u32..4, prop::sample::select(vec![6u32, 8, 12])).prop_map(|(a, s)| format!("{a}/{s}")),
    ];
    // Numbers more often than names: which day a number means is where readings differ.
    let weekday = prop_oneof![
        1 => Just("*".to_string()),
        1 => prop::sample::select(vec!["MON-FRI", "SUN", "SAT,SUN", "TUE"]).prop_map(str::to_string),
        2 => prop::sample::select(vec!["2,4,6", "1-3", "1", "7", "3-5"]).prop_map(str::to_string),
        2 => (1u32..=7, 1u32..=5).prop_map(|(d, n)| format!("{d}#{n}")),
        1 => (1u32..=7).prop_map(|d| format!("{d}L")),
    ];
    let month_day = prop_oneof![
        2 => (1u32..=31).prop_map(|d| d.to_string()),
        2 => Just("L".to_string()),
        2 => Just("LW".to_string()),
        2 => (1u32..=28).prop_map(|d| format!("{d}W")),
        1 => (1u32..=20).prop_map(|d| format!("{d}-{}", d + 8)),
        1 => (1u32..=5, prop::sample::select(vec![5u32, 10])).prop_map(|(a, s)| format!("{a}/{s}")),
    ];
    // One of the two day fields is `?`, as AWS's form asks.
    let days = prop_oneof![
        weekday.prop_map(|w| ("?".to_string(), w)),
        month_day.prop_map(|d| (d, "?".to_string())),
    ];
    let month = prop::sample::select(vec!["*", "*", "1-6", "JAN,JUL", "3/2", "NOV-DEC"]);
    let year = prop::sample::select(vec!["*", "*", "2031-2033", "2032"]);
    (minute, hour, days, month, year)
        .prop_map(|(mi, h, (dom, dow), mo, y)| format!("cron({mi} {h} {dom} {mo} {dow} {y})"))
}

fn drawn() -> impl Strategy<Value = Drawn> {
    let schedule = prop_oneof![
        6 => cron(),
        1 => (0i64..3 * 365 * 24).prop_map(|h| format!(
            "at({})",
            chrono::DateTime::from_timestamp(EPOCH_2031 + h * 3600 + 1800, 0)
                .expect("in range")
                .format("%Y-%m-%dT%H:%M:%S")
        )),
        1 => (1u32..=12, prop::sample::select(vec!["hours", "days"])).prop_map(|(n, u)| format!("rate({n} {u})")),
    ];
    (
        schedule,
        prop::sample::select(ZONES.to_vec()),
        proptest::option::of(1i64..=6),
        (0i64..3 * 365, 0i64..24, 7i64..=60),
        proptest::option::of((-10i64..20, 1i64..40)),
        proptest::option::of(1u64..=20),
    )
        .prop_map(|(schedule, zone, offset, (day, hour, span), dates, max_results)| {
            let after = EPOCH_2031 + day * DAY + hour * 3600;
            let mut window = Map::new();
            let rate = schedule.starts_with("rate(");
            window.insert("Schedule".into(), json!(schedule));
            if zone != "UTC" {
                window.insert("ScheduleTimezone".into(), json!(zone));
            } else if let Some(o) = offset.filter(|_| schedule.starts_with("cron(")) {
                window.insert("ScheduleOffset".into(), json!(o));
            }
            // A rate counts from its start date: always given, ahead of the clock.
            let dates = if rate { Some(dates.unwrap_or((0, 30))) } else { dates };
            if let Some((from, length)) = dates {
                let start = after + from * DAY;
                window.insert("StartDate".into(), json!(iso(start)));
                window.insert("EndDate".into(), json!(iso(start + length * DAY)));
            }
            Drawn {
                window,
                after,
                before: after + span * DAY,
                max_results,
            }
        })
}

/// The daylight-saving readings that may explain an answer: the one the spec phase saw (or the
/// pins fix), else each.
fn readings(choices: &BTreeMap<String, String>) -> Vec<(Option<String>, Option<String>)> {
    let pick = |choice: &str, all: &[&str]| match choices.get(choice) {
        Some(o) => vec![Some(o.clone())],
        None => all.iter().map(|o| Some((*o).to_string())).collect(),
    };
    let gaps = pick("schedule-dst-gap", &["gap-end", "skipped", "shifted"]);
    let overlaps = pick("schedule-dst-overlap", &["first", "second", "both"]);
    gaps.iter()
        .flat_map(|g| overlaps.iter().map(move |o| (g.clone(), o.clone())))
        .collect()
}

/// Make the window, read its runs, judge them, delete it.
async fn check(
    session: &Session,
    d: &Drawn,
    choices: &BTreeMap<String, String>,
    requests: &Cell<usize>,
) -> Result<(), Failure> {
    let client = session.client().await?;
    requests.set(requests.get() + 1);
    let id = session.create_window_with("schedule", d.window.clone()).await?;
    let op = Operation::DescribeMaintenanceWindowSchedule.name();
    let mut params = json!({
        "WindowId": id,
        "Filters": [
            { "Key": "ScheduledAfter", "Values": [iso(d.after)] },
            { "Key": "ScheduledBefore", "Values": [iso(d.before)] },
        ],
    });
    if let Some(m) = d.max_results {
        params["MaxResults"] = json!(m);
    }
    let judged = async {
        requests.set(requests.get() + 1);
        let first = client
            .call(op, &Payload::Json(params.clone()))
            .await
            .map_err(|e| Failure::new(FailureKind::NoAnswer, format!("{op}: {e}")))?;
        let mut sent = 0;
        let walk = if (200..300).contains(&first.status) {
            let limits = crate::paging::Limits::for_window(2_000, d.max_results.map(|m| m as usize));
            Some(crate::paging::walk(client, op, &params, &first, limits, &mut sent).await)
        } else {
            None
        };
        requests.set(requests.get() + sent);
        let mut window = d.window.clone();
        window.insert("Name".into(), json!(format!("{}-schedule", session.run_prefix)));
        let fixtures = BTreeMap::new();
        let windows = BTreeMap::new();
        let ctx = crate::judge::Context {
            fixtures: &fixtures,
            windows: &windows,
            params: Some(&params),
            walk: walk.as_ref(),
            operation: op,
        };
        let mut first_failure = None;
        for (gap, overlap) in readings(choices) {
            let x = ScheduleExpectation {
                window: window.clone(),
                gap,
                overlap,
            };
            match crate::judge::schedule::check(&x, &first, &ctx) {
                Ok(()) => return Ok(()),
                Err(f) => {
                    first_failure.get_or_insert(f);
                }
            }
        }
        Err(first_failure.expect("at least one reading").map(|why| {
            format!(
                "window {} over {} to {}: {why}",
                serde_json::to_string(&d.window).unwrap_or_default(),
                iso(d.after),
                iso(d.before)
            )
        }))
    }
    .await;
    requests.set(requests.get() + 1);
    if client
        .call(
            Operation::DeleteMaintenanceWindow.name(),
            &Payload::Json(json!({ "WindowId": id })),
        )
        .await
        .is_ok_and(|r| r.status == 200)
    {
        session.forget(&id);
    }
    judged.map_err(|f| Failure::new(FailureKind::Property, f.message))
}

/// Run the part.
pub(super) fn run(
    session: &Session,
    settings: &Settings,
    choices: &BTreeMap<String, String>,
    requests: &Cell<usize>,
) -> Result<(), Outcome> {
    if !session.may_mutate() {
        return Err(Outcome::skipped(
            SkipReason::ReadOnly,
            "creating windows needs --allow-mutations on this target",
        ));
    }
    if let Some(unusable) = session.block_on(crate::session::unusable(
        session,
        Operation::CreateMaintenanceWindow.probed(),
    )) {
        return Err(unusable);
    }
    let mut config = settings.proptest_config();
    config.cases = super::Part::Schedule.cases(settings.cases);
    let choices = &choices.clone();
    match super::search::first_failure(
        session,
        &drawn(),
        &config,
        settings.draws("schedule"),
        settings,
        |d: Drawn| async move { check(session, &d, choices, requests).await },
    ) {
        Err(why) => Err(Outcome::failed(FailureKind::Property, why.to_string())),
        Ok(Err(shrunk)) => Err(Outcome::failed(
            FailureKind::Property,
            format!("{} ({})", shrunk.failure, shrunk.note()),
        )),
        Ok(Ok(_)) => Ok(()),
    }
}
