//! One case against the target: meet its needs, send its request, follow its pages, judge the
//! answer ([`crate::judge`]) and compare its snapshot. The run ([`super::run`]) calls
//! [`run_case`] for every case it selects.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use crate::client::{Payload, excerpt};
use crate::judge;
use crate::model::Operation;
use crate::observation::Observation;
use crate::outcome::{CaseResult, Exchange, Failure, FailureKind, Outcome, SkipReason};
use crate::paging;
use crate::session::{Session, Unmet, unusable};
use crate::snapshot::Check;
use crate::spec::{self, LoadedCase, Need, Pins, Placeholder};
use crate::worker::{Pending, Worker};

/// The message of a failed case: where the case is, why it failed, what was sent and received.
fn failure_message(case: &LoadedCase, why: &str, exchange: Option<&Exchange>) -> String {
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
pub(super) struct Bindings {
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
    /// `${own_window}`, if the case needs one.
    pub own_window: Option<String>,
    /// `${unique}`: drawn for this case.
    pub unique: String,
    /// `${saved:NAME}`: what the case's answers gave so far.
    pub saved: BTreeMap<String, String>,
}

impl Bindings {
    fn value(&self, p: &Placeholder) -> String {
        match p {
            Placeholder::Window => self.window.clone().unwrap_or_default(),
            Placeholder::EmptyWindow => self.empty_window.clone().unwrap_or_default(),
            Placeholder::UnknownWindow => self.unknown_window.clone(),
            Placeholder::Fixture(n) => self.fixtures.get(n).cloned().unwrap_or_default(),
            Placeholder::Repeat(text, n) => text.repeat(*n),
            Placeholder::OwnWindow => self.own_window.clone().unwrap_or_default(),
            Placeholder::Saved(name) => self.saved.get(name).cloned().unwrap_or_default(),
            Placeholder::Unique => self.unique.clone(),
            Placeholder::RunWindowName => format!("{}-{}", self.run_prefix, crate::sweep::CASE_SUFFIX),
        }
    }

    /// An expectation with its placeholders replaced (a step that checks an id an earlier answer
    /// gave: `{"equals": {"pointer": "/WindowTargetId", "value": "${saved:target}"}}`).
    /// `templated`: whether the loader found placeholders in it (most expectations have none).
    fn expectation<'e>(
        &self,
        expect: &'e spec::Expectation,
        templated: bool,
    ) -> std::borrow::Cow<'e, spec::Expectation> {
        if !templated {
            return std::borrow::Cow::Borrowed(expect);
        }
        let value = |p: &Placeholder| self.value(p);
        let json = serde_json::to_value(expect).expect("an expectation serializes");
        let replaced = spec::substitute_json(&json, &value);
        std::borrow::Cow::Owned(serde_json::from_value(replaced).expect("placeholders replace strings only"))
    }

    /// Keep what `save` names of an answer (`${saved:NAME}` for the later steps); `Err` names a
    /// pointer the answer has no string at.
    /// Keep what `save` names of a success's `answer`; an error (an option of an open choice
    /// that refuses) saves nothing: the steps that would send it are for another option.
    fn save(&mut self, save: &BTreeMap<String, String>, response: &crate::client::Response) -> Result<(), Failure> {
        if !(200..300).contains(&response.status) {
            return Ok(());
        }
        let answer = response.json.as_ref();
        for (name, pointer) in save {
            let value = answer
                .and_then(|a| a.pointer(pointer))
                .and_then(serde_json::Value::as_str)
                .ok_or_else(|| {
                    Failure::new(
                        FailureKind::Member,
                        format!("the answer has no string at {pointer} (saved as {name:?} for the later steps)"),
                    )
                })?;
            self.saved.insert(name.clone(), value.to_string());
        }
        Ok(())
    }

    /// Name → value of what the harness chose, for snapshot redaction.
    pub(super) fn known(&self) -> Vec<(String, String)> {
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
        if let Some(w) = &self.own_window {
            k.push(("own_window".into(), w.clone()));
        }
        k.push(("unique".into(), self.unique.clone()));
        for (name, v) in &self.saved {
            k.push((format!("saved:{name}"), v.clone()));
        }
        for (name, id) in &self.fixtures {
            k.push((format!("fixture:{name}"), id.clone()));
        }
        k
    }

    /// The payload of a case's request, placeholders replaced: its parameters as JSON, or its
    /// raw body.
    pub(super) fn payload(&self, request: &spec::Request) -> Payload {
        let value = |p: &Placeholder| self.value(p);
        match (&request.params, &request.raw) {
            (Some(p), _) => Payload::Json(spec::substitute_json(p, &value)),
            (None, Some(raw)) => Payload::Raw(spec::substitute(raw, &value).into_bytes()),
            (None, None) => unreachable!("checked at load"),
        }
    }
}

/// Meet a case's needs; `Err` with the outcome when the target cannot.
async fn bind(session: &Session, case: &LoadedCase, result: &mut CaseResult) -> Result<Bindings, Outcome> {
    // Each operation around an execution is probed on its own; the rest stand or fall with
    // DescribeMaintenanceWindowExecutions.
    if let Some(outcome) = unusable(
        session,
        case.operation()
            .map_or(Operation::DescribeMaintenanceWindowExecutions, Operation::probed),
    )
    .await
    {
        return Err(outcome);
    }
    // A case whose steps cannot be judged is not judged at all: its own request is not sent.
    for step in &case.case.then {
        let op = Operation::from_name(step.request.operation()).expect("checked at load");
        if let Some(outcome) = unusable(session, op.probed()).await {
            // The words of the operation's own cases: a report writes one line per operation
            // the target lacks, whichever request of a case sends it.
            result.decided_by = Some(op.name().to_string());
            return Err(outcome);
        }
    }
    let mut bindings = Bindings {
        unknown_window: session.unknown_window.clone(),
        run_prefix: session.run_prefix.clone(),
        unique: format!("{:016x}{:x}", crate::ids::random_u64(), crate::ids::random_u64() % 16),
        ..Bindings::default()
    };
    for need in &case.needs {
        let met = match need {
            Need::ExistingWindow => session.existing_window().await.map(|w| bindings.window = Some(w)),
            Need::ExistingEmptyWindow => session.empty_window().await.map(|w| bindings.empty_window = Some(w)),
            Need::OwnWindow => session
                .create_window(crate::sweep::CASE_SUFFIX)
                .await
                .map(|w| bindings.own_window = Some(w)),
            Need::Fixture(name) => session.fixture_window(name).await.map(|w| {
                bindings.fixtures.insert(name.clone(), w);
            }),
        };
        met.map_err(|e| match e {
            Unmet::Skip(reason, why) => Outcome::skipped(reason, format!("needs {need}: {why}")),
            Unmet::Fail(kind, why) => Outcome::Failed(Failure::new(kind, format!("needs {need}: {why}"))),
        })?;
    }
    Ok(bindings)
}

/// What a case's first answer comes to, found on the run's worker while later cases run: its
/// judgement (for a case without steps: nothing it finds changes what is sent after) and its
/// snapshot's comparison (where the target has a name and the judgement passed).
#[derive(Debug)]
pub(crate) struct Later {
    /// The exchange judged and compared.
    exchange: Arc<Exchange>,
    /// The judgement, when it was left to the worker.
    judged: Option<Result<Vec<Observation>, Failure>>,
    /// The snapshot's comparison, when there was one.
    snapshot: Option<Check>,
    /// How long the worker took over it (added to the case's duration).
    took: std::time::Duration,
}

/// Run one case: send, follow pages where executions are judged, judge, run its steps. What the
/// case's first answer comes to may be left to `worker` ([`Later`]): the result is then
/// [`settle`]d with it once it is back.
pub(crate) async fn run_case<'s>(
    session: &'s Session,
    case: &'s LoadedCase,
    pins: Option<&'s Pins>,
    worker: &Worker<'s>,
) -> (CaseResult, Option<Pending<Later>>) {
    let started = Instant::now();
    let mut result = CaseResult::new(case.name(), Outcome::Passed);
    let mut later = None;
    result.outcome = match bind(session, case, &mut result).await {
        Err(outcome) => outcome,
        Ok(bindings) => {
            let to = LeaveTo(worker, &mut later);
            judge_case(session, case, pins, bindings, &mut result, to).await
        }
    };
    result.duration = started.elapsed();
    (result, later)
}

/// `result` with what its first answer came to: the judgement's failure, then a snapshot that
/// differs, fail the case (both were met before any step's answer, as a failure of the case's own
/// request is); a missing snapshot is named.
pub(crate) fn settle(case: &LoadedCase, mut result: CaseResult, later: Later) -> CaseResult {
    result.duration += later.took;
    match later.judged {
        Some(Err(why)) => {
            result.outcome = Outcome::Failed(why.map(|m| failure_message(case, &m, Some(&later.exchange))));
            return result;
        }
        Some(Ok(observations)) => result.observations = observations,
        None => {}
    }
    match later.snapshot {
        None | Some(Check::Matched) => {}
        Some(Check::Missing(file)) => result.missing_snapshot = Some(file),
        Some(Check::Differs(e)) => {
            result.outcome = Outcome::failed(FailureKind::Snapshot, failure_message(case, &e, Some(&later.exchange)));
            result.exchange = Some(later.exchange);
        }
    }
    result
}

/// What an answer is judged against: an expectation (whether it holds placeholders) and what
/// is saved of the answer — the case's own, or one of its steps'.
type Judged<'a> = (&'a spec::Expectation, bool, &'a BTreeMap<String, String>);

/// Judge `exchange` against `what`, and keep what it saves of the answer.
fn judge_answer(
    session: &Session,
    pins: Option<&Pins>,
    bindings: &mut Bindings,
    (expect, templated, save): Judged<'_>,
    payload: &Payload,
    walked: Option<&paging::Walk>,
    exchange: &Exchange,
) -> Result<Vec<Observation>, Failure> {
    let context = judge::Context {
        fixtures: session.fixtures(),
        windows: &bindings.fixtures,
        params: match payload {
            Payload::Json(p) => Some(p),
            Payload::Raw(_) => None,
        },
        walk: walked,
        operation: &exchange.operation,
    };
    let expect = bindings.expectation(expect, templated);
    let seen = judge::check(&expect, &exchange.response, &context, pins)?;
    bindings.save(save, &exchange.response)?;
    Ok(seen)
}

/// What `case`'s own answer is judged against.
fn own(case: &LoadedCase) -> Judged<'_> {
    (&case.case.expect, case.templated[0], &case.case.save)
}

/// Compare `exchange`'s answer with `case`'s snapshot `name` under `dir`; `known` names what
/// the harness chose.
fn compare_snapshot(
    (dir, name): (std::path::PathBuf, String),
    case: &LoadedCase,
    known: &[(String, String)],
    exchange: &Exchange,
) -> Check {
    let known: Vec<(&str, String)> = known.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let mut answer = crate::snapshot::Normalized::new(&exchange.response, &known);
    if matches!(case.case.expect, spec::Expectation::Accepted(_)) {
        answer = answer.without_body();
    }
    crate::snapshot::check(&dir, &name, &case.file, &answer)
}

/// Where a case leaves what its first answer comes to.
struct LeaveTo<'w, 's>(&'w Worker<'s>, &'w mut Option<Pending<Later>>);

async fn judge_case<'s>(
    session: &'s Session,
    case: &'s LoadedCase,
    pins: Option<&'s Pins>,
    mut bindings: Bindings,
    result: &mut CaseResult,
    LeaveTo(worker, later): LeaveTo<'_, 's>,
) -> Outcome {
    let operation = case.case.request.operation().to_string();
    if !case.operation().is_none_or(Operation::is_read_only) && !session.may_mutate() {
        return Outcome::skipped(
            SkipReason::ReadOnly,
            format!(
                "sends {operation}, which changes the target: needs --allow-mutations on AWS or a non-loopback endpoint"
            ),
        );
    }
    let payload = bindings.payload(&case.case.request);
    let exchange = match send(
        session,
        case,
        (&operation, &payload, &case.case.expect),
        "",
        &mut result.requests,
    )
    .await
    {
        Ok(x) => x,
        Err((outcome, exchange)) => {
            result.exchange = exchange.map(std::sync::Arc::new);
            return outcome;
        }
    };
    let params = match &payload {
        Payload::Json(p) => Some(p),
        Payload::Raw(_) => None,
    };
    // What is walked to the end: a fixture's executions (then their token replays too), or a
    // seeded list of tasks or invocations, for the oracle's whole-list judgement.
    let to_walk = match spec::executions_fixtures(&case.case.expect).first() {
        Some(fixture) => Some((session.fixture(fixture).map_or(0, |f| f.executions.len()), true)),
        None if schedule_ends(&case.case.expect, params) => Some((SCHEDULE_RUNS, false)),
        None => seeded_list_size(session, case).map(|n| (n, false)),
    };
    let walked = match (params, to_walk) {
        (Some(p), Some((n, replays))) if (200..300).contains(&exchange.response.status) => {
            let limits = paging::Limits::for_window(n, max_results(p));
            match session.client().await {
                Ok(client) => {
                    let mut walk =
                        paging::walk(client, &operation, p, &exchange.response, limits, &mut result.requests).await;
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
                Err(e) => return Outcome::failed(FailureKind::NoAnswer, e),
            }
        }
        _ => None,
    };
    if walked.as_ref().is_some_and(|w| w.throttled) {
        let why = "throttled throughout: a later page was throttled on every try";
        let outcome = Outcome::failed(FailureKind::Throttled, failure_message(case, why, Some(&exchange)));
        result.exchange = Some(std::sync::Arc::new(exchange));
        return outcome;
    }
    let exchange = Arc::new(exchange);
    result.exchange = Some(exchange.clone());
    if case.case.then.is_empty() {
        // Nothing is sent after: the judgement and the snapshot are left to the worker.
        *later = Some(worker.submit(move || {
            let started = Instant::now();
            let judged = judge_answer(
                session,
                pins,
                &mut bindings,
                own(case),
                &payload,
                walked.as_ref(),
                &exchange,
            );
            let snapshot = match (&judged, session.snapshot_of(case)) {
                (Ok(_), Some(snap)) => Some(compare_snapshot(snap, case, &bindings.known(), &exchange)),
                _ => None,
            };
            Later {
                exchange,
                judged: Some(judged),
                snapshot,
                took: started.elapsed(),
            }
        }));
        return Outcome::Passed;
    }
    // The steps send what this answer gave, and only if it passed: judged here.
    match judge_answer(
        session,
        pins,
        &mut bindings,
        own(case),
        &payload,
        walked.as_ref(),
        &exchange,
    ) {
        Ok(observations) => result.observations = observations,
        Err(why) => return Outcome::Failed(why.map(|m| failure_message(case, &m, Some(&exchange)))),
    }
    // Its snapshot, where there is one to compare, is left to the worker.
    if let Some(snap) = session.snapshot_of(case) {
        let known = bindings.known();
        let compared = exchange.clone();
        *later = Some(worker.submit(move || {
            let started = Instant::now();
            Later {
                snapshot: Some(compare_snapshot(snap, case, &known, &compared)),
                exchange: compared,
                judged: None,
                took: started.elapsed(),
            }
        }));
    }
    match run_steps(session, case, pins, &mut bindings, result).await {
        Ok(()) => Outcome::Passed,
        Err(failed) => failed,
    }
}

/// Send `payload` as `operation` for `case`: the exchange, or the outcome of a request the
/// target never answered — no answer at all, or throttled on every try — with the exchange
/// where there was one. `what` opens the message (empty for the case's own request); `requests`
/// counts what is sent.
async fn send(
    session: &Session,
    case: &LoadedCase,
    request: (&str, &Payload, &spec::Expectation),
    what: &str,
    requests: &mut usize,
) -> Result<Exchange, (Outcome, Option<Exchange>)> {
    let (operation, payload, expect) = request;
    // Serialized once: what is sent and what the report shows.
    let body = payload.to_bytes();
    let client = session
        .client()
        .await
        .map_err(|e| (Outcome::failed(FailureKind::NoAnswer, e), None))?;
    *requests += 1;
    let creates = operation == Operation::CreateMaintenanceWindow.name();
    if creates {
        // Its answer may be lost: cleanup then looks for the run's windows by name.
        session.window_create_sent();
    }
    // A request a correct target refuses changes nothing: sent again after a dropped connection
    // like a read (the client decides that for the operations that are idempotent anyway).
    let sent = Payload::Raw(body.clone());
    // (A create accepted creates: never sent twice without its ClientToken.)
    let repeatable = spec::changes_nothing(expect) && operation != Operation::CreateMaintenanceWindow.name();
    let answered = if repeatable {
        client.call_repeatable(operation, &sent).await
    } else {
        client.call(operation, &sent).await
    };
    let response = match answered {
        Ok(r) => r,
        Err(e) => {
            let why = format!(
                "{what}no answer: {e}\n  request:  POST / AmazonSSM.{operation} {}",
                excerpt(&body, 400)
            );
            return Err((
                Outcome::failed(FailureKind::NoAnswer, failure_message(case, &why, None)),
                None,
            ));
        }
    };
    // A window a case creates itself is the run's to delete, whatever the case's verdict.
    if creates && let Some(id) = response.json.as_ref().and_then(|j| j["WindowId"].as_str()) {
        session.record_created_window(id);
    }
    let exchange = Exchange {
        operation: operation.to_string(),
        request: body,
        response,
    };
    if crate::client::is_throttled(&exchange.response) {
        // Slowing down is the target's right, and the client waited; never answering is not.
        let why = format!(
            "{what}throttled throughout: {} on every try (up to {}, fewer once the run's waiting budget is spent)",
            exchange.response.summary(),
            crate::client::THROTTLE_RETRIES + 1
        );
        let outcome = Outcome::failed(FailureKind::Throttled, failure_message(case, &why, Some(&exchange)));
        return Err((outcome, Some(exchange)));
    }
    Ok(exchange)
}

/// Send the case's steps in order and judge each answer; their observations join the case's.
/// `Err` with the first step's failure (its exchange in the message).
async fn run_steps(
    session: &Session,
    case: &LoadedCase,
    pins: Option<&Pins>,
    bindings: &mut Bindings,
    result: &mut CaseResult,
) -> Result<(), Outcome> {
    for (k, step) in case.case.then.iter().enumerate() {
        // A step for one option of the case's choice: left out where the target took another.
        if let Some((choice, option)) = step.when()
            && !result
                .observations
                .iter()
                .any(|o| o.choice.as_deref() == Some(choice) && o.option == option)
        {
            continue;
        }
        let operation = step.request.operation();
        let payload = bindings.payload(&step.request);
        let what = format!("then, step {} ({})", k + 1, step.description);
        let sent = send(
            session,
            case,
            (operation, &payload, &step.expect),
            &format!("{what}: "),
            &mut result.requests,
        )
        .await;
        let exchange = match sent {
            Ok(x) => x,
            Err((outcome, _)) => {
                result.decided_by = Some(operation.to_string());
                return Err(outcome);
            }
        };
        let params = match &payload {
            Payload::Json(p) => Some(p),
            Payload::Raw(_) => None,
        };
        // A schedule whose range ends is read to its last page.
        let walked = match params {
            Some(p) if schedule_ends(&step.expect, params) && (200..300).contains(&exchange.response.status) => {
                let limits = paging::Limits::for_window(SCHEDULE_RUNS, max_results(p));
                let client = session
                    .client()
                    .await
                    .map_err(|e| Outcome::failed(FailureKind::NoAnswer, e))?;
                Some(paging::walk(client, operation, p, &exchange.response, limits, &mut result.requests).await)
            }
            _ => None,
        };
        let step_is = (&step.expect, case.templated[k + 1], &step.save);
        match judge_answer(session, pins, bindings, step_is, &payload, walked.as_ref(), &exchange) {
            Ok(seen) => result.observations.extend(seen),
            Err(why) => {
                result.decided_by = Some(operation.to_string());
                return Err(Outcome::Failed(
                    why.map(|m| failure_message(case, &format!("{what}: {m}"), Some(&exchange))),
                ));
            }
        }
    }
    Ok(())
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

/// A request's MaxResults, where it is a whole number.
fn max_results(p: &serde_json::Value) -> Option<usize> {
    p.get(crate::model::members::MAX_RESULTS)
        .and_then(serde_json::Value::as_u64)
        .and_then(|m| usize::try_from(m).ok())
}

/// The most runs a schedule case's range holds (the specs keep theirs to a few dozen).
const SCHEDULE_RUNS: usize = 1_000;

/// Whether a schedule case's range has an end (a `ScheduledBefore` filter, an end date, a
/// one-time `at(...)`): then its pages are followed to the last; else only the first is judged,
/// as the start of a series without end.
fn schedule_ends(expect: &spec::Expectation, params: Option<&serde_json::Value>) -> bool {
    let filtered_before = params.is_some_and(|p| {
        p["Filters"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|f| f["Key"] == "ScheduledBefore")
    });
    spec::schedule_expectations(expect).iter().any(|x| {
        filtered_before
            || x.window.contains_key("EndDate")
            || x.window
                .get("Schedule")
                .and_then(serde_json::Value::as_str)
                .is_some_and(|s| s.starts_with("at("))
    })
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
    match case.operation()? {
        Operation::DescribeMaintenanceWindowExecutionTasks => executions
            .iter()
            .find(|e| e.tasks.is_empty() && e.window_execution_id != x.execution)
            .map(|e| vec![("WindowExecutionId", e.window_execution_id.clone())]),
        Operation::DescribeMaintenanceWindowExecutionTaskInvocations => executions.iter().find_map(|e| {
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
/// change its answer), or it is not a plain read of one window; unless it is marked `together`
/// (its windows are its own, checked at load).
pub(crate) fn runs_alone(case: &LoadedCase) -> bool {
    !case.case.together && case.operation().is_some_and(Operation::runs_alone)
}
