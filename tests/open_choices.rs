//! The suite never fails a target for a choice AWS leaves open: each variant below flips one
//! choice of the reference emulator and must pass every case without a profile — and fail the
//! cases of that choice under the `reference` profile, which pins the emulator's own choices.

mod common;

use chrono::{DateTime, SecondsFormat, Utc};
use common::{
    Answer, NONE, Request, Variant, describe_all, filter_values, filters, invalid, map_filter_values, refused,
    remember_token_filters, run_against, token_filters,
};
use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::{Value, json};
use ssm_conformance::_internals::emulator::ApiError;
use ssm_conformance::_internals::emulator::iso8601::parse_instant;
use ssm_conformance::_internals::emulator::store::{Cursor, ListCursor};
use ssm_conformance::_internals::emulator::upcoming::{Gap, Overlap, ScheduleChoices};

fn shift(value: &str, nanos: i128) -> String {
    match parse_instant(value) {
        Some(t) => {
            let t = t + nanos;
            let dt = DateTime::<Utc>::from_timestamp(
                (t.div_euclid(1_000_000_000)) as i64,
                t.rem_euclid(1_000_000_000) as u32,
            )
            .expect("in range");
            dt.to_rfc3339_opts(SecondsFormat::Nanos, true)
        }
        None => value.to_string(),
    }
}

/// The family's two list operations.
fn lists_items(op: &str) -> bool {
    matches!(
        op,
        "DescribeMaintenanceWindowExecutionTasks" | "DescribeMaintenanceWindowExecutionTaskInvocations"
    )
}

fn describing(op: &str) -> bool {
    op == "DescribeMaintenanceWindowExecutions"
}

/// Re-page every Describe answer with offset tokens `o<N>`, in the emulator's order as
/// `arrange` leaves it, `size(request)` executions a page.
fn repaged(
    emulator: &ssm_conformance::_internals::emulator::Emulator,
    op: &str,
    request: &Request,
    arrange: fn(&mut Vec<Value>),
    size: fn(&Request) -> usize,
) -> Option<Answer> {
    if !describing(op) {
        return None;
    }
    // Let the emulator validate everything but the token.
    if let Some(e) = refused(emulator, request) {
        return Some(e);
    }
    let offset = match request.get("NextToken").and_then(Value::as_str) {
        None => 0,
        Some(t) => match t.strip_prefix('o').and_then(|n| n.parse::<usize>().ok()) {
            Some(n) => n,
            None => {
                return Some(Err(ApiError::modeled(
                    400,
                    "InvalidNextToken",
                    "The specified token isn't valid.".into(),
                )));
            }
        },
    };
    let mut all = match describe_all(emulator, request) {
        Ok(a) => a,
        Err(e) => return Some(Err(e)),
    };
    arrange(&mut all);
    let size = size(request);
    let page: Vec<Value> = all.iter().skip(offset).take(size).cloned().collect();
    let mut answer = json!({ "WindowExecutions": page });
    if offset + size < all.len() {
        answer["NextToken"] = json!(format!("o{}", offset + size));
    }
    Some(Ok(answer))
}

fn max_results(request: &Request) -> Option<usize> {
    request.get("MaxResults").and_then(Value::as_u64).map(|m| m as usize)
}

/// Re-page an answer oldest first.
fn oldest_first(
    emulator: &ssm_conformance::_internals::emulator::Emulator,
    op: &str,
    request: &Request,
) -> Option<Answer> {
    repaged(
        emulator,
        op,
        request,
        |all| all.reverse(),
        |r| max_results(r).unwrap_or(50),
    )
}

/// Re-page an answer by WindowExecutionId: a consistent order, not by time.
fn by_execution_id(
    emulator: &ssm_conformance::_internals::emulator::Emulator,
    op: &str,
    request: &Request,
) -> Option<Answer> {
    repaged(
        emulator,
        op,
        request,
        |all| all.sort_by(|a, b| a["WindowExecutionId"].as_str().cmp(&b["WindowExecutionId"].as_str())),
        |r| max_results(r).unwrap_or(50),
    )
}

/// Pages of 2 by default when the request has filters (of 50 without): every Describe request is
/// answered here, so that its tokens behave the same way whatever the filters.
fn short_filtered_pages(
    emulator: &ssm_conformance::_internals::emulator::Emulator,
    op: &str,
    request: &Request,
) -> Option<Answer> {
    repaged(
        emulator,
        op,
        request,
        |_| {},
        |r| {
            let filtered = r
                .get("Filters")
                .and_then(Value::as_array)
                .is_some_and(|f| !f.is_empty());
            max_results(r).unwrap_or(if filtered { 2 } else { 50 })
        },
    )
}

/// A value whose seconds are 60: the text before and after them.
fn second_60(v: &str) -> Option<(&str, &str)> {
    (v.get(10..11) == Some("T") && v.get(17..19) == Some("60")).then(|| (&v[..17], &v[19..]))
}

/// Keep, in every filter, the one value `pick` chooses from its values.
fn keep_one_value(m: &mut Request, pick: fn(&str, &[String]) -> Option<String>) {
    if let Some(list) = filters(m) {
        for f in list {
            let key = f["Key"].as_str().unwrap_or("").to_string();
            let vals: Vec<String> = f["Values"]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            if vals.len() > 1
                && let Some(one) = pick(&key, &vals)
            {
                f["Values"] = json!([one]);
            }
        }
    }
}

/// Every filter on its own, the answers united (either bound, any repeated key): newest first,
/// paged with offset tokens `u<N>`.
fn either_filter(
    emulator: &ssm_conformance::_internals::emulator::Emulator,
    op: &str,
    request: &Request,
) -> Option<Answer> {
    let list = request.get("Filters")?.as_array()?;
    // Its own tokens it reads whatever the filters (the suite sends one with other filters).
    let own_token = request
        .get("NextToken")
        .and_then(Value::as_str)
        .is_some_and(|t| t.starts_with('u'));
    if !describing(op) || (list.len() < 2 && !own_token) {
        return None;
    }
    // Let the emulator validate everything but the token.
    if let Some(e) = refused(emulator, request) {
        return Some(e);
    }
    // Tokens name their window, and are refused for another (as the emulator's own are).
    let window = request.get("WindowId").and_then(Value::as_str).unwrap_or("");
    let offset = match request.get("NextToken").and_then(Value::as_str) {
        None => 0,
        Some(t) => match t.strip_prefix('u').and_then(|r| r.split_once(':')) {
            Some((w, n)) if w == window => n.parse::<usize>().ok()?,
            _ => {
                return Some(Err(ApiError::modeled(
                    400,
                    "InvalidNextToken",
                    "The specified token isn't valid.".into(),
                )));
            }
        },
    };
    let mut union: Vec<Value> = Vec::new();
    for f in list {
        let mut one = request.clone();
        one.remove("NextToken");
        one.insert("Filters".into(), json!([f]));
        match describe_all(emulator, &one) {
            Ok(found) => {
                for e in found {
                    if !union.iter().any(|u| u["WindowExecutionId"] == e["WindowExecutionId"]) {
                        union.push(e);
                    }
                }
            }
            Err(e) => return Some(Err(e)),
        }
    }
    union.sort_by(|a, b| {
        let key = |v: &Value| {
            (
                v["StartTime"].as_f64().unwrap(),
                v["WindowExecutionId"].as_str().unwrap().to_string(),
            )
        };
        let (ta, ia) = key(a);
        let (tb, ib) = key(b);
        tb.total_cmp(&ta).then(ia.cmp(&ib))
    });
    let size = request.get("MaxResults").and_then(Value::as_u64).unwrap_or(50) as usize;
    let page: Vec<Value> = union.iter().skip(offset).take(size).cloned().collect();
    let mut answer = json!({ "WindowExecutions": page });
    if offset + size < union.len() {
        answer["NextToken"] = json!(format!("u{window}:{}", offset + size));
    }
    Some(Ok(answer))
}

/// Whether `op` lists tasks or invocations (the two family operations with STATUS filters).
fn listing_history(op: &str) -> bool {
    matches!(
        op,
        "DescribeMaintenanceWindowExecutionTasks" | "DescribeMaintenanceWindowExecutionTaskInvocations"
    )
}

/// The STATUS filters' values of a task or invocation listing (`None` for other requests).
fn status_values(request: &Request) -> Option<Vec<Vec<String>>> {
    request.get("WindowExecutionId")?;
    let list = request.get("Filters")?.as_array()?;
    Some(
        list.iter()
            .filter(|f| f["Key"] == "STATUS")
            .map(|f| {
                f["Values"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .collect(),
    )
}

/// A STATUS value that names no status selects nothing (instead of being refused), once the
/// request is otherwise valid: the emulator judges it with the value replaced by a status.
fn unknown_status_selects_nothing(
    emulator: &ssm_conformance::_internals::emulator::Emulator,
    op: &str,
    request: &Request,
) -> Option<Answer> {
    if !listing_history(op) {
        return None;
    }
    let unknown =
        |v: &str| !ssm_conformance::_internals::model::STATUSES.contains(&v) && (1..=256).contains(&v.chars().count());
    status_values(request)?.iter().flatten().any(|v| unknown(v)).then(|| {
        let mut valid = request.clone();
        map_filter_values(&mut valid, |key, v| {
            if key == "STATUS" && unknown(v) {
                "SUCCESS".to_string()
            } else {
                v.to_string()
            }
        });
        emulator.handle(Some(&format!("AmazonSSM.{op}")), &serde_json::to_vec(&valid).unwrap())?;
        let member = if op == "DescribeMaintenanceWindowExecutionTasks" {
            "WindowExecutionTaskIdentities"
        } else {
            "WindowExecutionTaskInvocationIdentities"
        };
        Ok(json!({ member: [] }))
    })
}

/// The members the model marks sensitive, left out of every answer (top level and list items).
fn omit_sensitive(answer: Answer) -> Answer {
    const SENSITIVE: [&str; 3] = ["TaskParameters", "Parameters", "OwnerInformation"];
    let mut v = answer?;
    let strip = |o: &mut serde_json::Map<String, Value>| SENSITIVE.iter().for_each(|k| drop(o.shift_remove(*k)));
    if let Some(o) = v.as_object_mut() {
        strip(o);
        for item in o.values_mut().filter_map(Value::as_array_mut).flatten() {
            if let Some(i) = item.as_object_mut() {
                strip(i);
            }
        }
    }
    Ok(v)
}

/// The filter values the cases that leave their error type open send: malformed dates, one kind.
const MALFORMED_DATES: [&str; 9] = [
    "2024-13-04T05:00:00Z",
    "2024-11-31T05:00:00Z",
    "2024-11-04T25:00:00Z",
    "2023-02-29T05:00:00Z",
    "yesterday",
    " 2024-11-04T05:00:00Z",
    "2024-11-04T05:00:00Z ",
    "2024-11-04T24:00:01Z",
    "2024-11-04T04:59:61Z",
];

type Object = serde_json::Map<String, Value>;

/// Each object of an answer that is an item or a Get answer, with the shape it has.
fn shaped(answer: &mut Value, each: &dyn Fn(&mut Object, &[&str])) {
    use ssm_conformance::_internals::oracle::family::shapes;
    for (list, shape) in [
        ("WindowExecutions", &shapes::EXECUTION[..]),
        ("WindowExecutionTaskIdentities", &shapes::TASK_IDENTITY[..]),
        ("WindowExecutionTaskInvocationIdentities", &shapes::INVOCATION[..]),
    ] {
        for item in answer[list].as_array_mut().into_iter().flatten() {
            if let Some(o) = item.as_object_mut() {
                each(o, shape);
            }
        }
    }
    let Some(o) = answer.as_object_mut() else { return };
    let shape: &[&str] = if o.contains_key("InvocationId") {
        &shapes::INVOCATION
    } else if o.contains_key("TaskExecutionId") {
        &shapes::GET_TASK
    } else if o.contains_key("TaskIds") || o.contains_key("StartTime") {
        &shapes::GET_EXECUTION
    } else {
        return;
    };
    each(o, shape);
}

/// Null for every member of its shape an answer has not.
fn with_nulls(answer: &mut Value) {
    shaped(answer, &|o, shape| {
        for m in shape {
            o.entry(*m).or_insert(Value::Null);
        }
    });
}

/// A member AWS may add one day.
fn with_member_of_the_future(answer: &mut Value) {
    shaped(answer, &|o, _| {
        o.insert("AddedLater".into(), json!({"Nested": ["a", 1]}));
    });
    if let Some(o) = answer.as_object_mut() {
        o.insert("ResponseMetadataOfTheFuture".into(), json!(true));
    }
}

fn flips() -> Vec<Variant> {
    vec![
        Variant {
            // A token the target never issued refused as ValidationException, not the
            // service's InvalidNextToken: both are errors the operation may answer, so the type
            // is recorded, and no profile pins it.
            name: "bad-token-as-validation-exception",
            fails: &[],
            result: Some(|_, _, answer| match answer {
                Err(e) if e.error_type == "InvalidNextToken" => Err(ApiError::protocol(
                    400,
                    "ValidationException",
                    "The specified token isn't valid.".into(),
                )),
                other => other,
            }),
            family: true,
            ..NONE
        },
        Variant {
            // Every malformed date refused as AWS's common ValidationError: one type for the kind,
            // and one the operation may answer.
            name: "malformed-dates-as-validation-error",
            fails: &[],
            result: Some(|_, request, answer| match answer {
                Err(e)
                    if e.error_type == "ValidationException"
                        && common::filter_values(request)
                            .iter()
                            .any(|v| MALFORMED_DATES.contains(&v.as_str())) =>
                {
                    Err(ApiError::protocol(400, "ValidationError", e.message))
                }
                other => other,
            }),
            ..NONE
        },
        Variant {
            name: "bounds-exclusive",
            fails: &["filter_semantics::after", "filter_semantics::before"],
            request: Some(|_, m| {
                map_filter_values(m, |key, v| match key {
                    // Values over the length bound stay as they are, to be refused.
                    _ if v.chars().count() > 256 => v.to_string(),
                    "ExecutedAfter" => shift(v, 1),
                    "ExecutedBefore" => shift(v, -1),
                    _ => v.to_string(),
                })
            }),
            ..NONE
        },
        Variant {
            name: "oldest-first",
            fails: &["filter_semantics::no-filters", "pagination::250-max-37"],
            replace: Some(oldest_first),
            ..NONE
        },
        Variant {
            name: "ordered-by-execution-id",
            fails: &["filter_semantics::no-filters", "pagination::250-max-37"],
            replace: Some(by_execution_id),
            ..NONE
        },
        Variant {
            // Tasks and invocations newest first; TaskIds too.
            name: "items-newest-first",
            fails: &["task_invocations::same-ids-other-execution"],
            result: Some(|_, _, r| {
                r.map(|mut a| {
                    for list in [
                        "WindowExecutionTaskIdentities",
                        "WindowExecutionTaskInvocationIdentities",
                    ] {
                        if let Some(items) = a.get_mut(list).and_then(Value::as_array_mut) {
                            items
                                .sort_by(|x, y| y["StartTime"].as_f64().partial_cmp(&x["StartTime"].as_f64()).unwrap());
                        }
                    }
                    a
                })
            }),
            ..NONE
        },
        Variant {
            name: "default-page-size-25",
            fails: &["pagination::99-default", "pagination::250-default"],
            request: Some(|op, m| {
                if describing(op) && !m.contains_key("MaxResults") {
                    m.insert("MaxResults".into(), json!(25));
                }
            }),
            ..NONE
        },
        Variant {
            name: "smaller-default-page-when-filtered",
            // The default page size is the target's own, and may depend on the filters (a
            // target that pages first and filters each page answers short pages too): only an
            // unfiltered walk shows it, so only that is recorded. Nothing to pin here.
            fails: &[],
            replace: Some(short_filtered_pages),
            ..NONE
        },
        Variant {
            name: "task-token-other-parent-ignored",
            fails: &["execution_tasks::paged-by-10", "task_invocations::paged-by-10"],
            // A list's token sent with another execution (task) is ignored: that one's own
            // list comes back, which is empty in the fixtures.
            replace: Some(|_, op, request| {
                let token = ListCursor::decode(request.get("NextToken")?.as_str()?)?;
                let id = |k: &str| request.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                let (list, member) = match op {
                    "DescribeMaintenanceWindowExecutionTasks" => (
                        format!("tasks/{}", id("WindowExecutionId")),
                        "WindowExecutionTaskIdentities",
                    ),
                    "DescribeMaintenanceWindowExecutionTaskInvocations" => (
                        format!("invocations/{}/{}", id("WindowExecutionId"), id("TaskId")),
                        "WindowExecutionTaskInvocationIdentities",
                    ),
                    _ => return None,
                };
                (token.list != list).then(|| Ok(json!({ member: [] })))
            }),
            family: true,
            ..NONE
        },
        Variant {
            name: "token-other-status-rejected",
            fails: &["execution_tasks::paged-by-10", "task_invocations::paged-by-10"],
            // A list's token is refused under filters other than its own.
            replace: Some(|_, op, request| {
                if !lists_items(op) {
                    return None;
                }
                let own = token_filters(request)?;
                (own != request.get("Filters").cloned().unwrap_or(Value::Null)).then(|| {
                    Err(ApiError::modeled(
                        400,
                        "InvalidNextToken",
                        "The specified token isn't valid.".into(),
                    ))
                })
            }),
            result: Some(|_, request, answer| {
                remember_token_filters(request, &answer);
                answer
            }),
            family: true,
            ..NONE
        },
        Variant {
            name: "unknown-window-not-found",
            fails: &["window_id::unknown"],
            result: Some(|emulator, request, r| {
                let window = request.get("WindowId").and_then(Value::as_str).unwrap_or("");
                match r {
                    Ok(v)
                        if v.get("WindowExecutions").is_some()
                            && !emulator.window_ids().iter().any(|w| w == window) =>
                    {
                        Err(ApiError::modeled(
                            400,
                            "DoesNotExistException",
                            format!("Maintenance window {window} does not exist"),
                        ))
                    }
                    other => other,
                }
            }),
            ..NONE
        },
        Variant {
            name: "bad-next-token-ignored",
            fails: &["request::next-token-garbage"],
            request: Some(|_, m| {
                if m.get("NextToken")
                    .and_then(Value::as_str)
                    .is_some_and(|t| Cursor::decode(t).is_none())
                {
                    m.remove("NextToken");
                }
            }),
            ..NONE
        },
        Variant {
            name: "unknown-filter-keys-ignored",
            fails: &["filters::key-unknown", "filters::key-128"],
            // The executions' filter keys; the other lists have keys of their own.
            request: Some(|op, m| {
                if op == "DescribeMaintenanceWindowExecutions"
                    && let Some(f) = filters(m)
                {
                    f.retain(|f| {
                        let key = f["Key"].as_str().unwrap_or("");
                        let n = key.chars().count();
                        matches!(key, "ExecutedAfter" | "ExecutedBefore") || !(1..=128).contains(&n)
                    });
                }
            }),
            ..NONE
        },
        Variant {
            name: "filters-without-values-ignored",
            fails: &["filters::values-missing"],
            request: Some(|_, m| {
                if let Some(f) = filters(m) {
                    f.retain(|f| match f.get("Values") {
                        None | Some(Value::Null) => !f.is_object(),
                        Some(Value::Array(v)) => !v.is_empty(),
                        Some(_) => true,
                    });
                }
            }),
            ..NONE
        },
        Variant {
            name: "offsets-and-fractions-rejected",
            fails: &[
                "iso8601::offset-plus-two",
                "iso8601::fraction-zero",
                "filters::value-256",
            ],
            result: Some(|_, request, r| {
                // The date filters' values (ExecutedAfter, ExecutedBefore), not another list's.
                let dated = request.get("Filters").and_then(Value::as_array).is_some_and(|f| {
                    f.iter()
                        .any(|f| matches!(f["Key"].as_str(), Some("ExecutedAfter" | "ExecutedBefore")))
                });
                let spelled_otherwise = dated
                    && filter_values(request)
                        .iter()
                        .any(|v| v.contains('.') || v.contains('+') || v.matches('-').count() > 2);
                if spelled_otherwise && r.is_ok() {
                    invalid("only the form 2024-11-04T05:00:00Z is accepted")
                } else {
                    r
                }
            }),
            ..NONE
        },
        Variant {
            name: "date-only-and-offset-less-accepted",
            fails: &["iso8601::date-only", "iso8601::offset-less"],
            request: Some(|_, m| {
                map_filter_values(m, |_, v| match v.len() {
                    10 => format!("{v}T00:00:00Z"),
                    19 => format!("{v}Z"),
                    _ => v.to_string(),
                })
            }),
            ..NONE
        },
        Variant {
            name: "fractional-max-results-accepted",
            fails: &["max_results::fraction"],
            request: Some(|_, m| {
                if let Some(f) = m.get("MaxResults").and_then(Value::as_f64).filter(|f| f.fract() != 0.0) {
                    m.insert("MaxResults".into(), json!(f.floor() as i64));
                }
            }),
            ..NONE
        },
        Variant {
            name: "null-members-rejected",
            fails: &["max_results::null"],
            result: Some(|_, request, r| {
                if request.values().any(Value::is_null) && r.is_ok() {
                    Err(ApiError::serialization("NULL_VALUE can not be converted"))
                } else {
                    r
                }
            }),
            ..NONE
        },
        Variant {
            name: "second-60-clamped",
            fails: &[
                "edge_spellings::second-60-mid-day",
                "edge_spellings::second-60-end-of-day",
            ],
            request: Some(|_, m| {
                map_filter_values(m, |_, v| {
                    second_60(v).map_or(v.to_string(), |(head, tail)| format!("{head}59{tail}"))
                })
            }),
            ..NONE
        },
        Variant {
            name: "second-60-rejected",
            fails: &[
                "edge_spellings::second-60-mid-day",
                "edge_spellings::second-60-end-of-day",
            ],
            result: Some(|_, request, r| {
                if filter_values(request).iter().any(|v| second_60(v).is_some()) {
                    invalid("second 60 is not a time")
                } else {
                    r
                }
            }),
            ..NONE
        },
        Variant {
            name: "hour-24-is-the-next-day",
            fails: &["edge_spellings::hour-24"],
            request: Some(|_, m| {
                map_filter_values(m, |_, v| match v.strip_suffix("T24:00:00Z") {
                    Some(day) => chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
                        .map(|d| format!("{}T00:00:00Z", d.succ_opt().unwrap()))
                        .unwrap_or(v.to_string()),
                    None => v.to_string(),
                })
            }),
            ..NONE
        },
        Variant {
            name: "schedule-dst-gap-skipped",
            fails: &["schedule::dst-spring-forward"],
            schedule: Some(ScheduleChoices {
                gap: Gap::Skipped,
                ..ScheduleChoices::default()
            }),
            ..NONE
        },
        Variant {
            name: "schedule-dst-gap-shifted",
            fails: &["schedule::dst-spring-forward"],
            schedule: Some(ScheduleChoices {
                gap: Gap::Shifted,
                ..ScheduleChoices::default()
            }),
            ..NONE
        },
        Variant {
            name: "schedule-dst-overlap-second",
            fails: &["schedule::dst-fall-back"],
            schedule: Some(ScheduleChoices {
                overlap: Overlap::Second,
                ..ScheduleChoices::default()
            }),
            ..NONE
        },
        Variant {
            name: "schedule-dst-overlap-both",
            fails: &["schedule::dst-fall-back"],
            schedule: Some(ScheduleChoices {
                overlap: Overlap::Both,
                ..ScheduleChoices::default()
            }),
            ..NONE
        },
        Variant {
            name: "schedule-of-disabled-window-listed",
            fails: &["schedule::disabled-window"],
            schedule: Some(ScheduleChoices {
                disabled_listed: true,
                ..ScheduleChoices::default()
            }),
            ..NONE
        },
        Variant {
            // The targets and tasks of a window that does not exist: an empty list.
            name: "unknown-window-registrations-empty",
            fails: &[
                "window_api::targets-of-unknown-window",
                "window_api::tasks-of-unknown-window",
            ],
            replace: Some(|e, op, request| {
                let list = common::registrations_list(op)?;
                // Validated as the emulator validates; only its "no such window" becomes a list.
                match e.handle(Some(&format!("AmazonSSM.{op}")), &serde_json::to_vec(request).unwrap()) {
                    Err(err) if err.error_type == "DoesNotExistException" => Some(Ok(json!({ list: [] }))),
                    other => Some(other),
                }
            }),
            window_api: true,
            ..NONE
        },
        Variant {
            // A window's targets and tasks listed newest registration first.
            name: "registration-order-reversed",
            fails: &[
                "window_api::targets-listed-in-an-order",
                "window_api::tasks-listed-in-an-order",
            ],
            replace: Some(|e, op, request| common::registrations_rewritten(e, op, request, |items| items.reverse())),
            window_api: true,
            ..NONE
        },
        Variant {
            // Windows listed newest first.
            name: "window-order-reversed",
            fails: &["window_api::windows-listed-in-an-order"],
            // (Bent where a request filters: the hook is given no request where the body is
            // not an object, and the emulator refuses those itself.)
            replace: Some(|e, op, request| {
                request.get("Filters")?;
                common::list_rewritten(e, op, request, common::windows_list, |items| items.reverse())
            }),
            ..NONE
        },
        Variant {
            // In another order: the first created last (as by ids that sort so).
            name: "window-order-rotated",
            fails: &["window_api::windows-listed-in-an-order"],
            replace: Some(|e, op, request| {
                request.get("Filters")?;
                common::list_rewritten(e, op, request, common::windows_list, |items| {
                    if !items.is_empty() {
                        items.rotate_left(1)
                    }
                })
            }),
            ..NONE
        },
        Variant {
            // A default page of ten windows, with a NextToken.
            name: "window-page-of-ten",
            fails: &["window_api::windows-without-max-results"],
            request: Some(|op, m| {
                if op == "DescribeMaintenanceWindows" && !m.contains_key("MaxResults") {
                    m.insert("MaxResults".into(), json!(10));
                }
            }),
            ..NONE
        },
        Variant {
            // In another order: the first registered last (as by ids that sort so).
            name: "registration-order-rotated",
            fails: &[
                "window_api::targets-listed-in-an-order",
                "window_api::tasks-listed-in-an-order",
            ],
            replace: Some(|e, op, request| {
                common::registrations_rewritten(e, op, request, |items| {
                    if !items.is_empty() {
                        items.rotate_left(1)
                    }
                })
            }),
            window_api: true,
            ..NONE
        },
        Variant {
            // Without MaxResults, a window's targets and tasks in pages of ten (the least a
            // caller may ask for).
            name: "registration-page-of-ten",
            fails: &[
                "window_api::targets-without-max-results",
                "window_api::tasks-without-max-results",
            ],
            request: Some(|op, m| {
                if common::registrations_list(op).is_some() && !m.contains_key("MaxResults") {
                    m.insert("MaxResults".into(), json!(10));
                }
            }),
            window_api: true,
            ..NONE
        },
        Variant {
            // A quota of twenty tasks a window.
            name: "task-quota-enforced",
            fails: &["window_api::tasks-past-twenty"],
            replace: Some(|e, op, request| {
                common::task_quota(e, op, request, 20, || {
                    ApiError::protocol(
                        400,
                        "ResourceLimitExceededException",
                        "The maintenance window has reached its quota of 20 tasks.".into(),
                    )
                })
            }),
            window_api: true,
            ..NONE
        },
        Variant {
            // Control characters in the window API's free text refused.
            name: "control-characters-in-text-refused",
            fails: &[
                "wire_text::target-text-control-characters",
                "wire_text::task-text-control-characters",
            ],
            replace: Some(|_, op, request| {
                fn controls(v: &Value) -> bool {
                    match v {
                        Value::String(s) => s.chars().any(char::is_control),
                        Value::Array(a) => a.iter().any(controls),
                        Value::Object(o) => o.values().any(controls),
                        _ => false,
                    }
                }
                let registers = matches!(
                    op,
                    "RegisterTargetWithMaintenanceWindow" | "RegisterTaskWithMaintenanceWindow"
                );
                (registers && request.values().any(controls)).then(|| invalid("control characters are not allowed"))
            }),
            window_api: true,
            ..NONE
        },
        Variant {
            // A window with no hour left to start a task is refused.
            name: "cutoff-at-duration-refused",
            fails: &["window_api::create-window-cutoff-at-duration"],
            replace: Some(|_, op, request| {
                let hours = |k: &str| request.get(k).and_then(Value::as_i64);
                // Within the model's ranges (what breaks them is refused in AWS's form first).
                (op == "CreateMaintenanceWindow"
                    && hours("Cutoff")
                        .zip(hours("Duration"))
                        .is_some_and(|(c, d)| (0..=23).contains(&c) && (1..=24).contains(&d) && c >= d))
                .then(|| invalid("the Cutoff leaves no time to start a task"))
            }),
            ..NONE
        },
        Variant {
            name: "filter-without-key-ignored",
            fails: &["filter_shapes::without-key"],
            request: Some(|_, m| {
                if let Some(f) = filters(m) {
                    f.retain(|f| !f.is_object() || f.get("Key").is_some());
                }
            }),
            ..NONE
        },
        Variant {
            name: "several-values-any",
            fails: &["filter_shapes::several-values"],
            request: Some(|_, m| {
                keep_one_value(m, |key, vals| {
                    // The loosest bound: the latest Before, the earliest After (one spelling: text order).
                    if key == "ExecutedBefore" {
                        vals.iter().max().cloned()
                    } else {
                        vals.iter().min().cloned()
                    }
                })
            }),
            ..NONE
        },
        Variant {
            name: "several-values-first",
            fails: &["filter_shapes::several-values"],
            request: Some(|_, m| keep_one_value(m, |_, vals| vals.first().cloned())),
            ..NONE
        },
        Variant {
            name: "several-values-last",
            fails: &["filter_shapes::several-values"],
            request: Some(|_, m| keep_one_value(m, |_, vals| vals.last().cloned())),
            ..NONE
        },
        Variant {
            name: "several-values-rejected",
            fails: &["filter_shapes::several-values"],
            result: Some(|_, request, r| {
                let several = request
                    .get("Filters")
                    .and_then(Value::as_array)
                    .is_some_and(|f| f.iter().any(|f| f["Values"].as_array().is_some_and(|v| v.len() > 1)));
                if several { invalid("one value per filter") } else { r }
            }),
            ..NONE
        },
        Variant {
            name: "lengths-in-utf-16-units",
            fails: &["filter_shapes::value-astral-129"],
            result: Some(|_, request, r| {
                match filter_values(request).iter().find(|v| v.encode_utf16().count() > 256) {
                    Some(v) => Err(ApiError::invalid(format!(
                        "1 validation error detected: Value '[{v}]' at 'filters.1.member.values' failed to satisfy \
                         constraint: Member must satisfy constraint: [Member must have length less than or equal to \
                         256, Member must have length greater than or equal to 1]"
                    ))),
                    None => r,
                }
            }),
            ..NONE
        },
        Variant {
            name: "empty-next-token-rejected",
            fails: &["next_token::empty"],
            result: Some(|_, request, r| {
                if request.get("NextToken") == Some(&json!("")) {
                    invalid("NextToken must not be empty")
                } else {
                    r
                }
            }),
            ..NONE
        },
        Variant {
            name: "validation-messages-of-its-own",
            fails: &["window_id::missing", "filters::six", "max_results::9"],
            result: Some(|_, _, r| match r {
                Err(mut e) if e.message.contains(" validation error") => {
                    e.message = "The request is not valid.".into();
                    Err(e)
                }
                other => other,
            }),
            ..NONE
        },
        Variant {
            name: "filters-combined-with-or",
            fails: &[
                "filter_semantics::between",
                "filter_semantics::several-befores",
                "filters::five",
            ],
            replace: Some(either_filter),
            ..NONE
        },
        Variant {
            name: "token-for-another-window-ignored",
            fails: &["pagination::11-max-10", "pagination::250-default"],
            replace: Some(|_, op, request| {
                let token = request.get("NextToken")?.as_str()?;
                let cursor = Cursor::decode(token)?;
                (describing(op) && request.get("WindowId")?.as_str()? != cursor.window_id)
                    .then(|| Ok(json!({ "WindowExecutions": [] })))
            }),
            ..NONE
        },
        Variant {
            name: "token-bound-to-its-filters",
            fails: &["pagination::11-max-10", "pagination::250-default"],
            // A token names the filters it was made for (here: the only change of filters the
            // suite makes is to ExecutedBefore 1970) and is refused with others.
            result: Some(|_, request, r| {
                let refiltered = request.get("NextToken").is_some()
                    && filter_values(request).iter().any(|v| v == "1970-01-01T00:00:00Z");
                if refiltered {
                    Err(ApiError::modeled(
                        400,
                        "InvalidNextToken",
                        "The specified token isn't valid.".into(),
                    ))
                } else {
                    r
                }
            }),
            ..NONE
        },
        Variant {
            name: "unknown-members-rejected",
            fails: &["request::unknown-member"],
            // A member outside the operation's input shape (in the model) is refused.
            replace: Some(|_, op, request| {
                let model: Value = serde_json::from_str(ssm_conformance::_internals::model::VENDORED_MODEL).unwrap();
                // (An operation the model lacks is refused as such, not for its members.)
                let members = model["shapes"][format!("{op}Request")]["members"].as_object()?.clone();
                request
                    .keys()
                    .any(|k| !members.contains_key(k))
                    .then(|| invalid("unknown member"))
            }),
            family: true,
            window_api: true,
            ..NONE
        },
        Variant {
            name: "task-status-values-rejected",
            fails: &[
                "execution_tasks::status-several-values",
                "task_invocations::status-several-values",
            ],
            result: Some(|_, request, r| match status_values(request) {
                Some(s) if r.is_ok() && s.iter().any(|values| values.len() > 1) => {
                    invalid("one STATUS value at a time")
                }
                _ => r,
            }),
            family: true,
            ..NONE
        },
        Variant {
            name: "task-status-skipped-overlapping-rejected",
            fails: &["execution_tasks::status-skipped-overlapping"],
            result: Some(|_, request, r| match status_values(request) {
                Some(s) if r.is_ok() && s.iter().flatten().any(|v| v == "SKIPPED_OVERLAPPING") => {
                    invalid("SKIPPED_OVERLAPPING is not a task status")
                }
                _ => r,
            }),
            family: true,
            ..NONE
        },
        Variant {
            name: "task-filter-key-any-case",
            fails: &["execution_tasks::key-other-case"],
            request: Some(|op, m| {
                if listing_history(op)
                    && let Some(list) = filters(m)
                {
                    for f in list {
                        if f["Key"].as_str().is_some_and(|k| k.eq_ignore_ascii_case("STATUS")) {
                            f["Key"] = json!("STATUS");
                        }
                    }
                }
            }),
            family: true,
            ..NONE
        },
        Variant {
            name: "task-status-unknown-selects-nothing",
            fails: &["execution_tasks::value-not-a-status"],
            replace: Some(unknown_status_selects_nothing),
            family: true,
            ..NONE
        },
        Variant {
            name: "tasks-execution-id-any-case",
            fails: &["execution_tasks::upper-case-id"],
            request: Some(|op, m| {
                if op == "DescribeMaintenanceWindowExecutionTasks"
                    && let Some(Value::String(id)) = m.get_mut("WindowExecutionId")
                {
                    *id = id.to_ascii_lowercase();
                }
            }),
            family: true,
            ..NONE
        },
        Variant {
            name: "task-id-any-case",
            fails: &["execution_task::upper-case-task-id"],
            request: Some(|op, m| {
                if op == "GetMaintenanceWindowExecutionTask"
                    && let Some(Value::String(id)) = m.get_mut("TaskId")
                {
                    *id = id.to_ascii_lowercase();
                }
            }),
            family: true,
            ..NONE
        },
        Variant {
            // Every answer writes null for each member it has nothing for.
            name: "absent-members-as-null",
            fails: &["get_execution::existing-running", "execution_task::lambda-minimal"],
            result: Some(|_, _, r| {
                r.map(|mut a| {
                    with_nulls(&mut a);
                    a
                })
            }),
            ..NONE
        },
        Variant {
            // Every answer, and every item of a list, has a member the vendored model has not.
            name: "members-the-model-has-not-yet",
            fails: &[],
            result: Some(|_, _, r| {
                r.map(|mut a| {
                    with_member_of_the_future(&mut a);
                    a
                })
            }),
            ..NONE
        },
        Variant {
            // Cancel refuses an execution that is not pending or running (ended, or cancelling
            // already), and changes nothing.
            name: "cancel-refused-unless-running",
            fails: &[
                "cancel_execution::ended",
                "cancel_execution::ended-failed",
                "cancel_execution::twice",
            ],
            replace: Some(|e, op, request| {
                if op != "CancelMaintenanceWindowExecution" {
                    return None;
                }
                let now = e
                    .handle(
                        Some("AmazonSSM.GetMaintenanceWindowExecution"),
                        &serde_json::to_vec(request).unwrap(),
                    )
                    .ok()?;
                (!matches!(now["Status"].as_str(), Some("PENDING" | "IN_PROGRESS"))).then(|| {
                    Err(ApiError::modeled(
                        400,
                        "ValidationException",
                        "The execution is not pending or in progress.".into(),
                    ))
                })
            }),
            family: true,
            ..NONE
        },
        Variant {
            name: "sensitive-members-omitted",
            fails: &[
                "execution_task::every-member",
                "task_invocation::every-member",
                "task_invocations::three-invocations",
            ],
            result: Some(|_, _, r| omit_sensitive(r)),
            family: true,
            ..NONE
        },
    ]
}

/// A flipped choice fails nothing without pins, and the reference pins fail each case it names.
fn flip_holds(flip: Variant) -> Result<(), Failed> {
    let mut wrong = Vec::new();
    let free = run_against(flip, None);
    if !free.messages().is_empty() {
        wrong.push(format!("fails without a profile:\n{}", free.messages().join("\n")));
    }
    let pinned = run_against(flip, Some("reference"));
    let failed = pinned.failed();
    for must in flip.fails {
        if !failed.contains(must) {
            wrong.push(format!(
                "{must} passes under the reference profile (failed: {failed:?})"
            ));
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(wrong.join("\n\n").into())
    }
}

/// No open choice fails a target, and the reference profile pins each: one trial per flipped
/// choice (`flip::<variant>`), so `cargo test --test open_choices -- <variant>` runs one.
fn main() -> std::process::ExitCode {
    let args = Arguments::from_args();
    let trials = flips()
        .into_iter()
        .map(|flip| Trial::test(format!("flip::{}", flip.name), move || flip_holds(flip)).with_kind("flip"))
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}
