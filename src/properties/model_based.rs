//! The model-based property: a generated history seeded into a fresh window, a generated
//! request, every page walked and judged by the oracle under the choices the target made in the
//! spec phase. A failure is shrunk by proptest to a minimal history and request.

use std::cell::Cell;
use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde_json::{Value, json};

use super::history::{self, Instant, Request, Spellings};
use super::{Counterexample, Settings};
use crate::client::Payload;
use crate::failure::{Failure, FailureKind};
use crate::model::{self, DESCRIBE_EXECUTIONS};
use crate::oracle::{self, Bounds, Combine, Execution, Order, Query, Semantics};
use crate::paging;
use crate::session::Session;

use super::search::{Reducible, Shrunk};

/// What the phase learned from the spec phase: choices the target made (and the profile's).
pub(crate) fn semantics_of(choices: &BTreeMap<String, String>) -> (Semantics, Spellings) {
    let accepted = |c: &str| choices.get(c).is_some_and(|o| o == "accepted");
    let values = choices.get("filter-values-combine").and_then(|o| Combine::parse(o));
    let duplicate_keys = choices.get("duplicate-filter-keys").and_then(|o| Combine::parse(o));
    let spellings = Spellings {
        offsets: accepted("offset-spelling"),
        fractions: accepted("fraction-spelling"),
        long_fractions: accepted("long-fraction"),
        several_values: values.is_some(),
        repeated_keys: duplicate_keys.is_some(),
    };
    let semantics = Semantics {
        values: values.unwrap_or_default(),
        duplicate_keys: duplicate_keys.unwrap_or_default(),
        // ExecutedAfter with ExecutedBefore, as the target answered `filters-combine`.
        keys: if choices.get("filters-combine").is_some_and(|o| o == "any") {
            Combine::Any
        } else {
            Combine::All
        },
        ..Semantics::default()
    };
    (semantics, spellings)
}

/// A filter value's instant in milliseconds, and its spelling.
fn resolve(i: &Instant, data: &[Execution]) -> (i64, String) {
    let start_millis = |e: &Execution| (e.start() / 1_000_000) as i64;
    let reference = data.first().map_or(1_730_000_000_000, start_millis);
    let mut millis = match (&i.anchor, data.is_empty()) {
        (Some(idx), false) => start_millis(&data[idx.index(data.len())]) + i.offset_millis,
        _ => reference + i.offset_millis * 1000,
    };
    // Only what the spelling can carry: whole seconds without fraction digits, and so on.
    let keep = match i.fraction_digits {
        0 => 1000,
        1 => 100,
        2 => 10,
        _ => 1,
    };
    millis = millis.div_euclid(keep) * keep;
    let utc = DateTime::from_timestamp_millis(millis).expect("within 1900-2200");
    let zone = FixedOffset::east_opt(i.zone_minutes * 60).expect("within a day");
    let local = utc.with_timezone(&zone);
    let mut text = local.format("%Y-%m-%dT%H:%M:%S").to_string();
    if i.fraction_digits > 0 {
        let digits = format!("{:03}", millis.rem_euclid(1000));
        let padded = format!("{digits:0<9}");
        text.push('.');
        text.push_str(&padded[..i.fraction_digits]);
    }
    if i.zone_minutes == 0 {
        text.push('Z');
    } else {
        text.push_str(&local.format("%:z").to_string());
    }
    (millis, text)
}

/// The request's parameters (window left as `window`) and its query, from the instants made.
pub(super) fn materialize(req: &Request, data: &[Execution], window: &str, semantics: &Semantics) -> (Value, Query) {
    let mut params = json!({ model::members::WINDOW_ID: window });
    let (mut afters, mut befores) = (Vec::new(), Vec::new());
    let mut filters = Vec::new();
    for f in &req.filters {
        let resolved: Vec<(i64, String)> = f.values.iter().map(|i| resolve(i, data)).collect();
        let instants: Vec<i128> = resolved.iter().map(|(m, _)| i128::from(*m) * 1_000_000).collect();
        if f.after {
            afters.push(instants);
        } else {
            befores.push(instants);
        }
        let key = if f.after { "ExecutedAfter" } else { "ExecutedBefore" };
        let values: Vec<&str> = resolved.iter().map(|(_, s)| s.as_str()).collect();
        filters.push(json!({ model::members::KEY: key, model::members::VALUES: values }));
    }
    if !filters.is_empty() {
        params[model::members::FILTERS] = Value::Array(filters);
    }
    if let Some(m) = req.max_results {
        params[model::members::MAX_RESULTS] = json!(m);
    }
    let query = Query::from_instants(&afters, &befores, req.max_results, semantics);
    (params, query)
}

/// Run the property: `Ok(cases run)`, or the shrunk counterexample. The cases are drawn from
/// the seed as they are sent, `jobs` at a time (a far target's latency overlaps); the first
/// failing one in draw order is cut by delta debugging, then made simpler (`search.rs`). So the
/// same seed gives the same counterexample whatever the number of jobs.
pub(super) fn run(
    session: &Session,
    settings: &Settings,
    choices: &BTreeMap<String, String>,
    requests: &Cell<usize>,
) -> Result<u64, Box<Counterexample>> {
    let (semantics, spellings) = semantics_of(choices);
    let strategy = (history::history(settings.max_executions), history::request(spellings));
    let semantics = &semantics;
    super::search::first_failure_cut(
        session,
        &strategy,
        &settings.proptest_config(),
        settings.draws("model-based"),
        settings,
        |(data, req): (Vec<Execution>, Request)| async move {
            check_async(session, &data, &req, semantics, choices, requests).await
        },
    )
    .map_err(|e| {
        Box::new(Counterexample {
            why: e.to_string(),
            ..Counterexample::default()
        })
    })?
    .map_err(|shrunk| {
        let mut cx = shrunk.failure;
        cx.shrinking = Shrunk {
            failure: (),
            steps: shrunk.steps,
            took: shrunk.took,
        }
        .note();
        cx
    })
}

/// A history and request, cut by its executions; simpler by an execution's optional member,
/// a filter or MaxResults left out.
impl Reducible for (Vec<Execution>, Request) {
    fn items(&self) -> usize {
        self.0.len()
    }

    fn without(&self, range: std::ops::Range<usize>) -> Self {
        let mut data = self.0.clone();
        data.drain(range);
        (data, self.1.clone())
    }

    fn simpler(&self) -> Vec<Self> {
        let mut out = Vec::new();
        for (i, e) in self.0.iter().enumerate() {
            let with = |f: &dyn Fn(&mut Execution)| {
                let mut data = self.0.clone();
                f(&mut data[i]);
                (data, self.1.clone())
            };
            if e.status_details.is_some() {
                out.push(with(&|e| e.status_details = None));
            }
            if e.end_time.is_some() {
                out.push(with(&|e| e.end_time = None));
            }
        }
        for k in 0..self.1.filters.len() {
            let mut req = self.1.clone();
            req.filters.remove(k);
            out.push((self.0.clone(), req));
        }
        if self.1.max_results.is_some() {
            let mut req = self.1.clone();
            req.max_results = None;
            out.push((self.0.clone(), req));
        }
        out
    }
}

/// One case: seed, ask, walk, delete, judge.
async fn check_async(
    session: &Session,
    data: &[Execution],
    req: &Request,
    semantics: &Semantics,
    choices: &BTreeMap<String, String>,
    requests: &Cell<usize>,
) -> Result<(), Box<Counterexample>> {
    let (template, query) = materialize(req, data, "${window}", semantics);
    let fail = |why: String, actual: Vec<String>| {
        let bounds = Bounds {
            after_inclusive: choices
                .get(crate::choices::EXECUTED_AFTER_BOUND)
                .is_none_or(|o| o == "inclusive"),
            before_inclusive: choices
                .get(crate::choices::EXECUTED_BEFORE_BOUND)
                .is_none_or(|o| o == "inclusive"),
        };
        let order = if choices.get(crate::choices::ORDER).is_some_and(|o| o == "oldest-first") {
            Order::OldestFirst
        } else {
            Order::NewestFirst
        };
        Box::new(Counterexample {
            why,
            data: data.to_vec(),
            params: template.clone(),
            semantics: *semantics,
            expected: oracle::expected(data, &query, bounds, order)
                .iter()
                .map(|e| e.window_execution_id.clone())
                .collect(),
            actual,
            shrinking: String::new(),
        })
    };
    let outcome = async {
        let window = session.seed_fresh(data).await?;
        let (params, _) = materialize(req, data, &window, semantics);
        let client = session.client().await?;
        let walked = async {
            let first = client
                .call(DESCRIBE_EXECUTIONS, &Payload::Json(params.clone()))
                .await
                .map_err(|e| Failure::new(FailureKind::NoAnswer, e.to_string()))?;
            let mut n = 1;
            let limits = paging::Limits::for_window(data.len(), req.max_results);
            let walk = paging::walk(client, DESCRIBE_EXECUTIONS, &params, &first, limits, &mut n).await;
            requests.set(requests.get() + n + 2);
            Ok::<_, Failure>(walk)
        }
        .await;
        // Deleted whatever the answer: the phase makes many windows.
        let deleted = session.delete_seeded(&window).await;
        let walk = walked?;
        deleted?;
        Ok::<_, Failure>((window, walk))
    }
    .await;
    // A counterexample speaks in words: the shrunk case is the part's failure.
    let (window, walk) = outcome.map_err(|f| fail(f.message, Vec::new()))?;
    if walk.throttled {
        // Slowing down is the target's right, and the client waited; a page never answered is
        // nothing judged, so it is no pass.
        return Err(fail(
            format!(
                "throttled throughout: a page was throttled on every one of {} tries",
                crate::client::THROTTLE_RETRIES + 1
            ),
            Vec::new(),
        ));
    }
    oracle::judge(data, &oracle::Seeded::new(data), &window, &query, &walk, choices)
        .map(|_| ())
        // What came back, by id, only for the counterexample's message.
        .map_err(|why| {
            let ids = walk
                .pages
                .iter()
                .flat_map(|p| oracle::item_ids(&p.executions, "WindowExecutionId"));
            fail(why.message, ids.collect())
        })
}
