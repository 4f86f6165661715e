//! The oracle: which executions a correct target returns for a data set and a request, with the
//! choices AWS leaves open (bound inclusiveness, order, default page size) as parameters; and the
//! judge of a paged answer, which recognises the choices a target made and reports them.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use crate::emulator::{Execution, STATUSES, iso8601::parse_instant, store::nanos};
use crate::verdict::Observation;

/// The open choices the oracle recognises, with their options (none listed: any whole number).
pub const ORACLE_CHOICES: &[(&str, &[&str])] = &[
    ("order", &["newest-first", "oldest-first", "unordered"]),
    ("executed-after-bound", &["inclusive", "exclusive"]),
    ("executed-before-bound", &["inclusive", "exclusive"]),
    ("default-page-size", &[]),
];

/// Whether `option` is a valid option of the oracle choice `choice`.
pub fn oracle_option_is_known(choice: &str, option: &str) -> bool {
    ORACLE_CHOICES.iter().any(|(c, options)| {
        *c == choice
            && if options.is_empty() {
                option.parse::<usize>().is_ok()
            } else {
                options.contains(&option)
            }
    })
}

/// What a request asks, as the oracle understands it: StartTime bounds and page size.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Query {
    /// The latest `ExecutedAfter` instant, in nanoseconds.
    pub after: Option<i128>,
    /// The earliest `ExecutedBefore` instant, in nanoseconds.
    pub before: Option<i128>,
    /// `MaxResults`, if given.
    pub max_results: Option<usize>,
}

impl Query {
    /// Read a request's parameters. Only what the oracle can judge exactly is accepted: filters
    /// `ExecutedAfter`/`ExecutedBefore` with one ISO 8601 value each, and a valid `MaxResults`.
    pub fn from_params(params: Option<&Value>) -> Result<Self, String> {
        let mut q = Query::default();
        let Some(params) = params else {
            return Err("the request has no parameters".into());
        };
        if let Some(m) = params.get("MaxResults") {
            match m.as_u64() {
                Some(n @ 10..=100) => q.max_results = Some(n as usize),
                _ => return Err(format!("MaxResults {m} is not an integer from 10 to 100")),
            }
        }
        let filters = match params.get("Filters") {
            None => return Ok(q),
            Some(Value::Array(f)) => f,
            Some(other) => return Err(format!("Filters {other} is not a list")),
        };
        for f in filters {
            let key = f.get("Key").and_then(Value::as_str).unwrap_or("");
            let value = match f.get("Values").and_then(Value::as_array).map(Vec::as_slice) {
                Some([Value::String(v)]) => v,
                _ => return Err(format!("filter {f} must have exactly one string value")),
            };
            let t = parse_instant(value)
                .ok_or_else(|| format!("{value:?} is not an ISO 8601 date-time the oracle reads"))?;
            match key {
                "ExecutedAfter" => q.after = Some(q.after.map_or(t, |a| a.max(t))),
                "ExecutedBefore" => q.before = Some(q.before.map_or(t, |b| b.min(t))),
                other => return Err(format!("filter key {other:?} is not ExecutedAfter or ExecutedBefore")),
            }
        }
        Ok(q)
    }
}

/// How a target treats an execution whose StartTime is exactly on a bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// `ExecutedAfter T` selects StartTime == T.
    pub after_inclusive: bool,
    /// `ExecutedBefore T` selects StartTime == T.
    pub before_inclusive: bool,
}

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// StartTime descending.
    NewestFirst,
    /// StartTime ascending.
    OldestFirst,
}

/// Whether `e` is selected by `q` under `b`.
pub fn selects(q: &Query, b: Bounds, e: &Execution) -> bool {
    let t = nanos(e.start_time);
    let after_ok = q.after.is_none_or(|a| t > a || (t == a && b.after_inclusive));
    let before_ok = q.before.is_none_or(|x| t < x || (t == x && b.before_inclusive));
    after_ok && before_ok
}

/// The executions a correct target returns, in `order` (ties by WindowExecutionId ascending, the
/// reference emulator's tie-break; the judge accepts any tie order).
pub fn expected<'a>(data: &'a [Execution], q: &Query, b: Bounds, order: Order) -> Vec<&'a Execution> {
    let mut out: Vec<&Execution> = data.iter().filter(|e| selects(q, b, e)).collect();
    out.sort_by(|x, y| {
        let by_time = nanos(x.start_time).cmp(&nanos(y.start_time));
        let by_time = if order == Order::NewestFirst {
            by_time.reverse()
        } else {
            by_time
        };
        by_time.then_with(|| x.window_execution_id.cmp(&y.window_execution_id))
    });
    out
}

/// One page as returned.
#[derive(Debug, Clone, Default)]
pub struct WalkPage {
    /// `WindowExecutions`, as JSON.
    pub executions: Vec<Value>,
    /// `NextToken`, when present and not empty.
    pub next_token: Option<String>,
}

/// Replaying the first NextToken: it must give the same page again.
#[derive(Debug, Clone)]
pub struct Replay {
    /// The token.
    pub token: String,
    /// The page it gave the first time.
    pub original: Vec<Value>,
    /// What it gave when sent again (or why that failed).
    pub replayed: Result<Vec<Value>, String>,
}

/// A paged answer, followed to its end (or until something went wrong).
#[derive(Debug, Clone, Default)]
pub struct Walk {
    /// The pages, in order.
    pub pages: Vec<WalkPage>,
    /// What stopped the walk before a proper end (an error page, a token loop, too many pages).
    pub problem: Option<String>,
    /// The replay of the first token, if there was one.
    pub replay: Option<Replay>,
}

/// Most pages a walk follows for `n` executions: every page must make progress, with some room
/// for empty pages that carry a token.
pub fn page_limit(n: usize) -> usize {
    n + 10
}

/// One returned execution, checked against the model's shapes.
#[derive(Debug, Clone, PartialEq)]
pub struct Returned {
    /// WindowExecutionId.
    pub id: String,
    /// Status.
    pub status: String,
    /// StatusDetails.
    pub status_details: Option<String>,
    /// StartTime, epoch seconds.
    pub start: f64,
    /// EndTime, epoch seconds.
    pub end: Option<f64>,
}

/// Check one returned execution's shape: members, types, the status enum, lengths, UUID.
pub fn check_shape(v: &Value, window_id: &str) -> Result<Returned, String> {
    let obj = v
        .as_object()
        .ok_or_else(|| format!("an execution is not an object: {v}"))?;
    let id = obj
        .get("WindowExecutionId")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("no WindowExecutionId string in {v}"))?;
    if !crate::ids::is_uuid(id) {
        return Err(format!("WindowExecutionId {id:?} is not a UUID"));
    }
    match obj.get("WindowId") {
        Some(Value::String(w)) if w == window_id => {}
        None => {}
        Some(other) => {
            return Err(format!(
                "execution {id} has WindowId {other}, not the {window_id} asked for"
            ));
        }
    }
    let status = obj
        .get("Status")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("execution {id} has no Status string"))?;
    if !STATUSES.contains(&status) {
        return Err(format!(
            "execution {id} has Status {status:?}, which is not one of {STATUSES:?}"
        ));
    }
    let time = |k: &str| -> Result<Option<f64>, String> {
        match obj.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(other) => Err(format!(
                "execution {id} has {k} {other}: the wire form is a JSON number of epoch seconds"
            )),
        }
    };
    let start = time("StartTime")?.ok_or_else(|| format!("execution {id} has no StartTime"))?;
    let end = time("EndTime")?;
    if let Some(e) = end
        && e < start
    {
        return Err(format!("execution {id} ends ({e}) before it starts ({start})"));
    }
    let status_details = match obj.get("StatusDetails") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.chars().count() <= 250 => Some(s.clone()),
        Some(other) => {
            return Err(format!(
                "execution {id} has StatusDetails {other}: a string of at most 250 characters"
            ));
        }
    };
    Ok(Returned {
        id: id.to_string(),
        status: status.to_string(),
        status_details,
        start,
        end,
    })
}

fn same_time(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-3
}

/// Compare a returned execution with the seeded one.
fn check_fields(r: &Returned, seeded: &Execution) -> Result<(), String> {
    let id = &r.id;
    if r.status != seeded.status {
        return Err(format!(
            "execution {id}: Status {:?}, seeded {:?}",
            r.status, seeded.status
        ));
    }
    let details = |d: &Option<String>| d.clone().filter(|s| !s.is_empty());
    if details(&r.status_details) != details(&seeded.status_details) {
        return Err(format!(
            "execution {id}: StatusDetails {:?}, seeded {:?}",
            r.status_details, seeded.status_details
        ));
    }
    if !same_time(r.start, seeded.start_time) {
        return Err(format!(
            "execution {id}: StartTime {}, seeded {}",
            r.start, seeded.start_time
        ));
    }
    match (r.end, seeded.end_time) {
        (None, None) => Ok(()),
        (Some(a), Some(b)) if same_time(a, b) => Ok(()),
        (a, b) => Err(format!("execution {id}: EndTime {a:?}, seeded {b:?}")),
    }
}

fn observe(
    choice: &str,
    option: String,
    pinned: &BTreeMap<String, String>,
    out: &mut Vec<Observation>,
) -> Result<(), String> {
    if let Some(p) = pinned.get(choice)
        && *p != option
    {
        return Err(format!(
            "the profile pins {choice}={p}, the target answered {choice}={option}"
        ));
    }
    out.push(Observation {
        choice: Some(choice.to_string()),
        option,
    });
    Ok(())
}

fn first_ids(ids: &[&str]) -> String {
    let shown: Vec<&str> = ids.iter().take(5).copied().collect();
    if ids.len() > 5 {
        format!("{} … ({} in all)", shown.join(", "), ids.len())
    } else {
        shown.join(", ")
    }
}

/// Judge a walk over `data` (the seeded window `window_id`) for query `q`. Returns what the
/// target chose where AWS leaves it open, or why the answer is wrong. `pinned` (from a profile)
/// turns a choice into a requirement.
pub fn judge(
    data: &[Execution],
    window_id: &str,
    q: &Query,
    walk: &Walk,
    pinned: &BTreeMap<String, String>,
) -> Result<Vec<Observation>, String> {
    if let Some(p) = &walk.problem {
        return Err(p.clone());
    }
    let mut observations = Vec::new();
    // Page sizes.
    for (i, page) in walk.pages.iter().enumerate() {
        if let Some(max) = q.max_results
            && page.executions.len() > max
        {
            return Err(format!(
                "page {} has {} executions, MaxResults is {max}",
                i + 1,
                page.executions.len()
            ));
        }
    }
    if q.max_results.is_none() && walk.pages.len() > 1 {
        let size = walk.pages[0].executions.len();
        observe("default-page-size", size.to_string(), pinned, &mut observations)?;
    }
    // Shapes, fields, duplicates, leaks.
    let by_id: HashMap<&str, &Execution> = data.iter().map(|e| (e.window_execution_id.as_str(), e)).collect();
    let mut returned = Vec::new();
    let mut seen = HashSet::new();
    for page in &walk.pages {
        for v in &page.executions {
            let r = check_shape(v, window_id)?;
            let seeded = by_id.get(r.id.as_str()).ok_or_else(|| {
                format!(
                    "execution {} was never seeded into {window_id}: it belongs to another window or was made up",
                    r.id
                )
            })?;
            check_fields(&r, seeded)?;
            if !seen.insert(r.id.clone()) {
                return Err(format!("execution {} is returned twice", r.id));
            }
            returned.push(r);
        }
    }
    // Selection: everything strictly inside, nothing outside; on a bound, all or nothing.
    let strict = Bounds {
        after_inclusive: false,
        before_inclusive: false,
    };
    let loose = Bounds {
        after_inclusive: true,
        before_inclusive: true,
    };
    let missing: Vec<&str> = data
        .iter()
        .filter(|e| selects(q, strict, e) && !seen.contains(&e.window_execution_id))
        .map(|e| e.window_execution_id.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "missing executions the request selects: {}",
            first_ids(&missing)
        ));
    }
    let outside: Vec<&str> = returned
        .iter()
        .filter(|r| !selects(q, loose, by_id[r.id.as_str()]))
        .map(|r| r.id.as_str())
        .collect();
    if !outside.is_empty() {
        return Err(format!(
            "returned executions the filters exclude: {}",
            first_ids(&outside)
        ));
    }
    for (choice, bound, other) in [
        ("executed-after-bound", q.after, q.before),
        ("executed-before-bound", q.before, q.after),
    ] {
        let Some(t) = bound else { continue };
        // Executions on this bound only (one also on the other bound tells nothing alone).
        let on: Vec<&Execution> = data
            .iter()
            .filter(|e| nanos(e.start_time) == t && other != Some(t) && selects(q, loose, e))
            .collect();
        if on.is_empty() {
            continue;
        }
        let included = on.iter().filter(|e| seen.contains(&e.window_execution_id)).count();
        let option = match included {
            0 => "exclusive",
            n if n == on.len() => "inclusive",
            _ => {
                return Err(format!(
                    "of the {} executions exactly on the {choice}, only {included} are returned",
                    on.len()
                ));
            }
        };
        observe(choice, option.into(), pinned, &mut observations)?;
    }
    // Order: by StartTime, ties in any order; the same whatever the page size (cases agree).
    let times: Vec<i128> = returned.iter().map(|r| nanos(r.start)).collect();
    if times.windows(2).any(|w| w[0] != w[1]) {
        let option = if times.windows(2).all(|w| w[0] >= w[1]) {
            "newest-first"
        } else if times.windows(2).all(|w| w[0] <= w[1]) {
            "oldest-first"
        } else {
            "unordered"
        };
        observe("order", option.into(), pinned, &mut observations)?;
    }
    // A token replayed gives the same page.
    if let Some(replay) = &walk.replay {
        let ids = |page: &[Value]| -> Vec<String> {
            page.iter()
                .map(|v| v["WindowExecutionId"].as_str().unwrap_or("?").to_string())
                .collect()
        };
        match &replay.replayed {
            Ok(again) if ids(again) == ids(&replay.original) => {}
            Ok(again) => {
                return Err(format!(
                    "NextToken {:?} sent again gave another page: first {:?}, then {:?}",
                    replay.token,
                    ids(&replay.original),
                    ids(again)
                ));
            }
            Err(e) => return Err(format!("NextToken {:?} sent again failed: {e}", replay.token)),
        }
    }
    Ok(observations)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ex(i: u32, start: f64) -> Execution {
        Execution {
            window_execution_id: format!("00000000-0000-4000-8000-{i:012}"),
            status: "SUCCESS".into(),
            status_details: None,
            start_time: start,
            end_time: None,
        }
    }

    fn wire(e: &Execution) -> Value {
        json!({"WindowId": "mw-00000000000000000", "WindowExecutionId": e.window_execution_id, "Status": e.status, "StartTime": e.start_time})
    }

    fn walk(pages: &[&[&Execution]]) -> Walk {
        Walk {
            pages: pages
                .iter()
                .enumerate()
                .map(|(i, p)| WalkPage {
                    executions: p.iter().map(|e| wire(e)).collect(),
                    next_token: (i + 1 < pages.len()).then(|| format!("t{i}")),
                })
                .collect(),
            ..Walk::default()
        }
    }

    const W: &str = "mw-00000000000000000";

    #[test]
    fn recognises_bounds_and_order() {
        let data = [ex(1, 1.0), ex(2, 2.0), ex(3, 3.0), ex(4, 4.0)];
        let q = Query {
            after: Some(nanos(2.0)),
            before: Some(nanos(4.0)),
            max_results: None,
        };
        let none = BTreeMap::new();
        let obs = judge(&data, W, &q, &walk(&[&[&data[3], &data[2], &data[1]]]), &none).unwrap();
        let got: Vec<String> = obs
            .iter()
            .map(|o| format!("{}={}", o.choice.as_deref().unwrap(), o.option))
            .collect();
        assert_eq!(
            got,
            [
                "executed-after-bound=inclusive",
                "executed-before-bound=inclusive",
                "order=newest-first"
            ]
        );
        let obs = judge(&data, W, &q, &walk(&[&[&data[2]]]), &none).unwrap();
        assert_eq!(obs.len(), 2, "one execution tells no order: {obs:?}");
        // Mixed: one bound inclusive and... the missing strict one fails.
        assert!(
            judge(&data, W, &q, &walk(&[&[&data[3], &data[1]]]), &none)
                .unwrap_err()
                .contains("missing")
        );
        assert!(
            judge(&data, W, &q, &walk(&[&[&data[3], &data[2], &data[1], &data[0]]]), &none)
                .unwrap_err()
                .contains("exclude")
        );
        let pinned = [("order".to_string(), "newest-first".to_string())]
            .into_iter()
            .collect();
        let oldest = walk(&[&[&data[1], &data[2]]]);
        assert!(
            judge(&data, W, &q, &oldest, &pinned)
                .unwrap_err()
                .contains("pins order=newest-first")
        );
    }

    #[test]
    fn refuses_duplicates_leaks_and_bad_shapes() {
        let data = [ex(1, 1.0), ex(2, 2.0)];
        let q = Query::default();
        let none = BTreeMap::new();
        assert!(
            judge(&data, W, &q, &walk(&[&[&data[1]], &[&data[1], &data[0]]]), &none)
                .unwrap_err()
                .contains("twice")
        );
        let stranger = ex(9, 1.5);
        assert!(
            judge(&data, W, &q, &walk(&[&[&data[1], &stranger, &data[0]]]), &none)
                .unwrap_err()
                .contains("never seeded")
        );
        let mut w = walk(&[&[&data[1], &data[0]]]);
        w.pages[0].executions[0]["StartTime"] = json!("2.0");
        assert!(judge(&data, W, &q, &w, &none).unwrap_err().contains("JSON number"));
        let mut w = walk(&[&[&data[1], &data[0]]]);
        w.pages[0].executions[0]["Status"] = json!("success");
        assert!(judge(&data, W, &q, &w, &none).unwrap_err().contains("not one of"));
        let mut w = walk(&[&[&data[1], &data[0]]]);
        w.pages[0].executions[0]["StartTime"] = json!(2e0);
        assert!(judge(&data, W, &q, &w, &none).is_ok(), "exponent notation is a number");
    }

    #[test]
    fn queries_read_filters_and_refuse_what_they_cannot_judge() {
        let q = Query::from_params(Some(&json!({"WindowId": W, "MaxResults": 10, "Filters": [
            {"Key": "ExecutedAfter", "Values": ["2024-11-04T07:00:00+02:00"]},
            {"Key": "ExecutedAfter", "Values": ["2024-11-03T05:00:00Z"]}]})))
        .unwrap();
        assert_eq!(q.after, Some(1_730_696_400 * 1_000_000_000));
        assert_eq!(q.max_results, Some(10));
        assert!(
            Query::from_params(Some(
                &json!({"Filters": [{"Key": "Foo", "Values": ["2024-11-04T05:00:00Z"]}]})
            ))
            .is_err()
        );
        assert!(
            Query::from_params(Some(
                &json!({"Filters": [{"Key": "ExecutedAfter", "Values": ["a", "b"]}]})
            ))
            .is_err()
        );
        assert!(Query::from_params(Some(&json!({"MaxResults": 5}))).is_err());
    }
}
