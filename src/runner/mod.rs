//! The engine: run a case against a session's target and judge it. Behind both the libtest-mimic
//! harness (`cargo test --test conformance`) and `ssm-conformance run`.

pub mod harness;
mod session;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

pub use session::{EmbeddedServer, Session, StartEmbedded, Support, classify_support, is_read_only};

use crate::client::{Payload, Response, excerpt};
use crate::paging;
use crate::spec::{self, LoadedCase, Need, Placeholder, Profile};
use crate::verdict::{self, Observation};

/// How a case ended.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "outcome", content = "reason", rename_all = "snake_case")]
pub enum Outcome {
    /// The answer met the expectation (and the snapshot, where compared).
    Passed,
    /// It did not; the message says what was sent and what came back.
    Failed(String),
    /// The target does not implement the operation.
    Unsupported(String),
    /// The target cannot meet the case's needs.
    Skipped(String),
}

/// One request sent and its answer.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The operation.
    pub operation: String,
    /// The bytes sent.
    pub request: Vec<u8>,
    /// What came back.
    pub response: Response,
}

/// A case's result.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// `<area>::<case-id>`.
    pub name: String,
    /// How it ended.
    pub outcome: Outcome,
    /// What it observed of open choices.
    pub observations: Vec<Observation>,
    /// The (first) request and answer, when one was sent; shared, since a session keeps every
    /// result and the answer may be a page of a hundred executions.
    pub exchange: Option<std::sync::Arc<Exchange>>,
    /// Requests sent for this case (pages and replays included).
    pub requests: usize,
    /// Wall time.
    pub duration: Duration,
    /// The snapshot file this case has no snapshot in yet (the target is new to the suite):
    /// the case is judged on its own, and the run says once how to record them.
    pub missing_snapshot: Option<std::path::PathBuf>,
}

/// The message of a failed case: where the case is, why it failed, what was sent and received.
pub fn failure_message(case: &LoadedCase, why: &str, exchange: Option<&Exchange>) -> String {
    let mut m = format!(
        "{}, case {:?}: {why}\n  case:     {}\n  expects:  {}",
        case.file.display(),
        case.case.id,
        case.case.description,
        case.case.expect.summary()
    );
    if let Some(x) = exchange {
        m.push_str(&format!(
            "\n  request:  POST / AmazonSSM.{} {}\n  response: HTTP {} {}",
            x.operation,
            excerpt(&x.request, 400),
            x.response.status,
            excerpt(&x.response.body, 400)
        ));
    }
    m
}

/// The values the harness chose for a case's placeholders (also used to redact snapshots).
#[derive(Debug, Clone, Default)]
pub struct Bindings {
    /// `${window}`, if the case needs one.
    pub window: Option<String>,
    /// `${empty_window}`, if the case needs one.
    pub empty_window: Option<String>,
    /// `${unknown_window}`.
    pub unknown_window: String,
    /// `${fixture:NAME}` → window id, for the fixtures the case needs.
    pub fixtures: BTreeMap<String, String>,
    /// The run's name prefix.
    pub run_prefix: String,
}

impl Bindings {
    fn value(&self, p: &Placeholder) -> String {
        match p {
            Placeholder::Window => self.window.clone().unwrap_or_default(),
            Placeholder::EmptyWindow => self.empty_window.clone().unwrap_or_default(),
            Placeholder::UnknownWindow => self.unknown_window.clone(),
            Placeholder::Fixture(n) => self.fixtures.get(n).cloned().unwrap_or_default(),
            Placeholder::Repeat(text, n) => text.repeat(*n),
        }
    }

    /// Name → value of what the harness chose, for snapshot redaction.
    pub fn known(&self) -> Vec<(String, String)> {
        let mut k = vec![
            ("unknown_window".to_string(), self.unknown_window.clone()),
            ("run_prefix".to_string(), self.run_prefix.clone()),
        ];
        if let Some(w) = &self.window {
            k.push(("window".into(), w.clone()));
        }
        if let Some(w) = &self.empty_window {
            k.push(("empty_window".into(), w.clone()));
        }
        for (name, id) in &self.fixtures {
            k.push((format!("fixture:{name}"), id.clone()));
        }
        k
    }

    /// The payload of a case's request, placeholders replaced: its parameters as JSON, or its
    /// raw body.
    pub fn payload(&self, request: &spec::Request) -> Payload {
        let value = |p: &Placeholder| self.value(p);
        match (&request.params, &request.raw) {
            (Some(p), _) => Payload::Json(spec::substitute_json(p, &value)),
            (None, Some(raw)) => Payload::Raw(spec::substitute(raw, &value).into_bytes()),
            (None, None) => unreachable!("checked at load"),
        }
    }
}

/// The outcome of every case when the target cannot serve the operation at all (the same for
/// every case, so a report writes it once); `None` when it can.
pub async fn unusable(session: &Session) -> Option<Outcome> {
    match session.support().await {
        Support::Implemented => None,
        Support::NotImplemented(why) => Some(Outcome::Unsupported(format!(
            "{} does not implement {}: it {why}",
            session.endpoint_url().await.unwrap_or_default(),
            spec::DEFAULT_OPERATION
        ))),
        Support::Unreachable(why) => Some(Outcome::Failed(format!("no usable answer from the endpoint: {why}"))),
        Support::Refused(why) => Some(Outcome::Failed(format!("the endpoint refuses the credentials: {why}"))),
    }
}

/// Meet a case's needs; `Err` with the outcome when the target cannot.
async fn bind(session: &Session, case: &LoadedCase) -> Result<Bindings, Outcome> {
    // Each operation around an execution is probed on its own; the rest stand or fall with
    // DescribeMaintenanceWindowExecutions. The same words for every case of an operation: a
    // report writes them once.
    let operation = session::probed_operation(case.case.request.operation());
    match session.support_of(operation).await {
        Support::Implemented => {}
        Support::NotImplemented(why) => {
            return Err(Outcome::Unsupported(format!(
                "{} does not implement {operation}: it {why}",
                session.endpoint_url().await.unwrap_or_default()
            )));
        }
        Support::Unreachable(why) => return Err(Outcome::Failed(format!("no usable answer from the endpoint: {why}"))),
        Support::Refused(why) => return Err(Outcome::Failed(format!("the endpoint refuses the credentials: {why}"))),
    }
    let mut bindings = Bindings {
        unknown_window: session.unknown_window.clone(),
        run_prefix: session.run_prefix.clone(),
        ..Bindings::default()
    };
    for need in &case.needs {
        let met = match need {
            Need::ExistingWindow => session.existing_window().await.map(|w| bindings.window = Some(w)),
            Need::ExistingEmptyWindow => session.empty_window().await.map(|w| bindings.empty_window = Some(w)),
            Need::Fixture(name) => session.fixture_window(name).await.map(|w| {
                bindings.fixtures.insert(name.clone(), w);
            }),
        };
        met.map_err(|e| Outcome::Skipped(format!("needs {need}: {e}")))?;
    }
    Ok(bindings)
}

/// Run one case: send, follow pages where executions are judged, judge, compare the snapshot
/// when the target has a name. A case runs once per session; later calls get the same result.
pub async fn run_case(session: &Session, case: &LoadedCase, profile: Option<&Profile>) -> CaseResult {
    if let Some(done) = session.cached(&case.name()) {
        return done;
    }
    let started = Instant::now();
    let mut result = CaseResult {
        name: case.name(),
        outcome: Outcome::Passed,
        observations: Vec::new(),
        exchange: None,
        requests: 0,
        duration: Duration::ZERO,
        missing_snapshot: None,
    };
    result.outcome = match bind(session, case).await {
        Err(outcome) => outcome,
        Ok(bindings) => judge_case(session, case, profile, &bindings, &mut result).await,
    };
    result.duration = started.elapsed();
    session.remember(&result);
    result
}

async fn judge_case(
    session: &Session,
    case: &LoadedCase,
    profile: Option<&Profile>,
    bindings: &Bindings,
    result: &mut CaseResult,
) -> Outcome {
    let operation = case.case.request.operation().to_string();
    if !is_read_only(&operation) && !session.may_mutate() {
        return Outcome::Skipped(format!(
            "sends {operation}, which changes the target: needs --allow-mutations on AWS or a non-loopback endpoint"
        ));
    }
    let payload = bindings.payload(&case.case.request);
    // Serialized once: what is sent and what the report shows.
    let body = payload.to_bytes();
    let client = match session.client().await {
        Ok(c) => c,
        Err(e) => return Outcome::Failed(e),
    };
    result.requests += 1;
    let response = match client.call(&operation, &Payload::Raw(body.clone())).await {
        Ok(r) => r,
        Err(e) => {
            return Outcome::Failed(failure_message(
                case,
                &format!(
                    "no answer: {e}\n  request:  POST / AmazonSSM.{operation} {}",
                    excerpt(&body, 400)
                ),
                None,
            ));
        }
    };
    if crate::client::is_throttled(&response) {
        // Slowing down is the target's right; a case is never failed for it.
        return Outcome::Skipped(format!(
            "the target throttled every one of {} attempts",
            crate::client::THROTTLE_RETRIES + 1
        ));
    }
    let params = match &payload {
        Payload::Json(p) => Some(p),
        Payload::Raw(_) => None,
    };
    // What is walked to the end: a fixture's executions (then their token replays too), or a
    // seeded list of tasks or invocations, for the oracle's whole-list judgement.
    let to_walk = match spec::executions_fixtures(&case.case.expect).first() {
        Some(fixture) => Some((session.fixture(fixture).map_or(0, |f| f.executions.len()), true)),
        None => seeded_list_size(session, case).map(|n| (n, false)),
    };
    let walked = match (params, to_walk) {
        (Some(p), Some((n, replays))) if (200..300).contains(&response.status) => {
            let max_results = p
                .get(crate::model::members::MAX_RESULTS)
                .and_then(serde_json::Value::as_u64)
                .and_then(|m| usize::try_from(m).ok());
            let limits = paging::Limits::for_window(n, max_results);
            match session.client().await {
                Ok(client) => {
                    let mut walk = paging::walk(client, &operation, p, &response, limits, &mut result.requests).await;
                    if replays {
                        // Another window that exists and holds nothing: a target that checks the
                        // window before the token would never read it for an unknown one.
                        if let Ok(other) = session.empty_window().await {
                            paging::replay_elsewhere(client, &operation, p, &mut walk, &other, &mut result.requests)
                                .await;
                        }
                        paging::replay_refiltered(client, &operation, p, &mut walk, &mut result.requests).await;
                    } else {
                        if let Some(other) = empty_parent(session, case) {
                            paging::replay_with(client, &operation, p, &mut walk, &other, &mut result.requests).await;
                        }
                        if let Some(status) = absent_status(session, case) {
                            let filters = serde_json::json!([{ "Key": "STATUS", "Values": [status] }]);
                            paging::replay_filtered(client, &operation, p, &mut walk, filters, &mut result.requests)
                                .await;
                        }
                    }
                    Some(walk)
                }
                Err(e) => return Outcome::Failed(e),
            }
        }
        _ => None,
    };
    if walked.as_ref().is_some_and(|w| w.throttled) {
        return Outcome::Skipped(format!(
            "the target throttled a page on every one of {} attempts",
            crate::client::THROTTLE_RETRIES + 1
        ));
    }
    let exchange = Exchange {
        operation,
        request: body,
        response,
    };
    let context = verdict::Context {
        fixtures: session.fixtures(),
        windows: &bindings.fixtures,
        params,
        walk: walked.as_ref(),
        operation: &exchange.operation,
    };
    let outcome = match verdict::check(&case.case.expect, &exchange.response, &context, profile) {
        Ok(observations) => {
            result.observations = observations;
            match session.snapshot_file(case) {
                Some((dir, snap, file)) => {
                    let known = bindings.known();
                    let known: Vec<(&str, String)> = known.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
                    let normalized = crate::snapshot::Normalized::new(&exchange.response, &known);
                    let read = session.snapshot_read_ahead(&file);
                    match crate::snapshot::check(&dir, &snap, &case.file, &normalized, read) {
                        crate::snapshot::Check::Matched => Outcome::Passed,
                        crate::snapshot::Check::Missing(file) => {
                            result.missing_snapshot = Some(file);
                            Outcome::Passed
                        }
                        crate::snapshot::Check::Differs(e) => {
                            Outcome::Failed(failure_message(case, &e, Some(&exchange)))
                        }
                    }
                }
                None => Outcome::Passed,
            }
        }
        Err(why) => Outcome::Failed(failure_message(case, &why, Some(&exchange))),
    };
    result.exchange = Some(std::sync::Arc::new(exchange));
    outcome
}

/// The execution a case's seeded expectation names, as its fixture seeds it, with the expectation.
fn seeded_execution<'a>(
    session: &'a Session,
    case: &'a LoadedCase,
) -> Option<(&'a spec::SeededExpectation, &'a crate::fixtures::Execution)> {
    let x = spec::seeded_expectations(&case.case.expect).into_iter().next()?;
    let execution = session
        .fixture(&x.fixture)?
        .executions
        .iter()
        .find(|e| e.window_execution_id == x.execution)?;
    Some((x, execution))
}

/// How many items the case's seeded list holds, where it asks about a list (tasks or
/// invocations); `None` for anything else.
fn seeded_list_size(session: &Session, case: &LoadedCase) -> Option<usize> {
    let op = case.case.request.operation();
    if paging::list_member(op) == paging::list_member(spec::DEFAULT_OPERATION) {
        return None;
    }
    let (x, execution) = seeded_execution(session, case)?;
    Some(match &x.task {
        None => execution.tasks.len(),
        Some(t) => execution
            .tasks
            .iter()
            .find(|k| &k.task_execution_id == t)
            .map_or(0, |k| k.invocations.len()),
    })
}

/// For a case about a seeded list of tasks (invocations): the ids of another execution (task) of
/// its fixture that exists and has none, which the list's first token is sent with once.
fn empty_parent(session: &Session, case: &LoadedCase) -> Option<Vec<(&'static str, String)>> {
    let x = spec::seeded_expectations(&case.case.expect).into_iter().next()?;
    let executions = &session.fixture(&x.fixture)?.executions;
    match case.case.request.operation() {
        "DescribeMaintenanceWindowExecutionTasks" => executions
            .iter()
            .find(|e| e.tasks.is_empty() && e.window_execution_id != x.execution)
            .map(|e| vec![("WindowExecutionId", e.window_execution_id.clone())]),
        "DescribeMaintenanceWindowExecutionTaskInvocations" => executions.iter().find_map(|e| {
            let t = e.tasks.iter().find(|t| t.invocations.is_empty())?;
            Some(vec![
                ("WindowExecutionId", e.window_execution_id.clone()),
                ("TaskId", t.task_execution_id.clone()),
            ])
        }),
        _ => None,
    }
}

/// For a case about a seeded list of tasks (invocations): a status the STATUS filter documents
/// that none of the list's items has, which the list's first token is sent with once.
fn absent_status(session: &Session, case: &LoadedCase) -> Option<&'static str> {
    let (x, execution) = seeded_execution(session, case)?;
    let statuses: Vec<&str> = match &x.task {
        None => execution.tasks.iter().map(|t| t.status.as_str()).collect(),
        Some(t) => execution
            .tasks
            .iter()
            .find(|k| &k.task_execution_id == t)?
            .invocations
            .iter()
            .map(|i| i.status.as_str())
            .collect(),
    };
    crate::model::DOCUMENTED_TASK_FILTER_STATUSES
        .into_iter()
        .find(|s| !statuses.contains(s))
}

/// Whether a case must run alone: it sees every window of the target (others' windows would
/// change its answer), or it is not a plain read of one window.
pub fn runs_alone(case: &LoadedCase) -> bool {
    !matches!(
        case.case.request.operation(),
        "DescribeMaintenanceWindowExecutions"
            | "DescribeMaintenanceWindowExecutionz"
            | "GetMaintenanceWindow"
            | "GetMaintenanceWindowExecution"
            | "DescribeMaintenanceWindowExecutionTasks"
            | "GetMaintenanceWindowExecutionTask"
            | "DescribeMaintenanceWindowExecutionTaskInvocations"
            | "GetMaintenanceWindowExecutionTaskInvocation"
    )
}

/// Run `cases`, [`crate::target::TargetConfig::jobs`] at a time (those that must run alone after,
/// one by one), then check that each open choice was answered one way, and the
/// [`target_checks`]. Results come in case order whatever the concurrency. Returns the results
/// and the failed checks (`choices::<choice>` or `target::<check>`, why).
pub async fn run_all(
    session: &Session,
    cases: &[&LoadedCase],
    profile: Option<&Profile>,
) -> (Vec<CaseResult>, Vec<(String, String)>) {
    use futures_util::stream::{self, StreamExt};
    let jobs = session.config.jobs.max(1);
    session.read_snapshots_ahead(cases);
    let (alone, together): (Vec<usize>, Vec<usize>) = (0..cases.len()).partition(|i| runs_alone(cases[*i]));
    let mut slots: Vec<Option<CaseResult>> = vec![None; cases.len()];
    let concurrent: Vec<(usize, CaseResult)> = stream::iter(together)
        .map(|i| async move { (i, run_case(session, cases[i], profile).await) })
        // Unordered: a slow case does not hold finished ones in their slots (each result goes
        // to its case's place below, so the order out is the cases' order whatever N).
        .buffer_unordered(jobs)
        .collect()
        .await;
    for (i, r) in concurrent {
        slots[i] = Some(r);
    }
    for i in alone {
        slots[i] = Some(run_case(session, cases[i], profile).await);
    }
    let results: Vec<CaseResult> = slots.into_iter().map(|r| r.expect("every case ran")).collect();
    let all: Vec<&CaseResult> = results.iter().collect();
    let observed: BTreeSet<&str> = results
        .iter()
        .flat_map(|r| r.observations.iter().filter_map(|o| o.choice.as_deref()))
        .collect();
    let mut failures: Vec<(String, String)> = observed
        .into_iter()
        .filter_map(|c| check_choice(c, &all).err().map(|why| (format!("choices::{c}"), why)))
        .collect();
    failures.extend(target_checks(session));
    (results, failures)
}

/// Checks of the target beyond the cases, as (name, why it fails): a window it created for this
/// run must have an id of the model's shape (the cases would otherwise use a malformed one).
/// The id is shown by its form (what the model allows after `mw-` as `x`), the same in every
/// run where the id itself is random: reports and PARITY.md stay put.
pub fn target_checks(session: &Session) -> Vec<(String, String)> {
    let forms: BTreeSet<String> = session
        .created_window_ids()
        .into_iter()
        .filter(|id| !crate::target::is_window_id(id))
        .map(|id| match id.strip_prefix("mw-") {
            Some(rest) => format!(
                "mw-{}",
                rest.chars()
                    .map(|c| if matches!(c, '0'..='9' | 'a'..='f') { 'x' } else { c })
                    .collect::<String>()
            ),
            None => id,
        })
        .collect();
    forms
        .into_iter()
        .map(|form| {
            (
                "target::created-window-id".to_string(),
                format!(
                    "CreateMaintenanceWindow answered a WindowId of the form {form:?} (x: a digit or a-f), \
                     which does not match {}",
                    crate::model::WINDOW_ID_PATTERN
                ),
            )
        })
        .collect()
}

/// Cases grouped by the open choices they may observe (only choices with two or more cases).
pub fn choices(cases: &[LoadedCase]) -> BTreeMap<String, Vec<&LoadedCase>> {
    let mut map: BTreeMap<String, Vec<&LoadedCase>> = BTreeMap::new();
    for c in cases {
        for choice in c.choices() {
            map.entry(choice.to_string()).or_default().push(c);
        }
    }
    map.retain(|_, v| v.len() > 1);
    map
}

/// Every case of one choice must observe the same option: a target answers one open question one
/// way. `Err` names the cases that disagree.
pub fn check_choice(choice: &str, results: &[&CaseResult]) -> Result<(), String> {
    let mut by_option: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in results {
        for o in &r.observations {
            if o.choice.as_deref() == Some(choice) {
                by_option.entry(o.option.as_str()).or_default().push(r.name.as_str());
            }
        }
    }
    if by_option.len() <= 1 {
        return Ok(());
    }
    let parts: Vec<String> = by_option
        .iter()
        .map(|(o, names)| {
            let shown: Vec<&str> = names.iter().take(4).copied().collect();
            let more = if names.len() > 4 {
                format!(" and {} more", names.len() - 4)
            } else {
                String::new()
            };
            format!("{o} in {}{more}", shown.join(", "))
        })
        .collect();
    Err(format!(
        "the target answers the open choice {choice:?} inconsistently: {}",
        parts.join("; ")
    ))
}
