//! The engine: run a case against a session's target and judge it. Behind both the libtest-mimic
//! harness (`cargo test --test conformance`) and `ssm-conformance run`.

pub mod harness;
mod session;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

pub use session::{Session, Support, classify_support};

use crate::client::{Payload, Response};
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
    /// What it observed of an open choice.
    pub observation: Option<Observation>,
    /// The request and answer, when one was sent.
    pub exchange: Option<Exchange>,
    /// Wall time.
    pub duration: Duration,
}

fn excerpt(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    if text.chars().count() > max {
        format!(
            "{} … ({} bytes)",
            text.chars().take(max).collect::<String>(),
            bytes.len()
        )
    } else {
        text.into_owned()
    }
}

/// The message of a failed case: where the case is, why it failed, what was sent and received.
pub fn failure_message(case: &LoadedCase, why: &str, exchange: Option<&Exchange>) -> String {
    let mut m = format!("{}, case {:?}: {why}", case.file.display(), case.case.id);
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
pub struct Bindings {
    /// `${window}`, if the case needs one.
    pub window: Option<String>,
    /// `${unknown_window}`.
    pub unknown_window: String,
    /// The run's name prefix.
    pub run_prefix: String,
}

impl Bindings {
    fn value(&self, p: &Placeholder) -> String {
        match p {
            Placeholder::Window => self.window.clone().unwrap_or_default(),
            Placeholder::UnknownWindow => self.unknown_window.clone(),
            Placeholder::Repeat(text, n) => text.repeat(*n),
        }
    }

    /// Name → value of what the harness chose, for snapshot redaction.
    pub fn known(&self) -> Vec<(&'static str, String)> {
        let mut k = vec![
            ("unknown_window", self.unknown_window.clone()),
            ("run_prefix", self.run_prefix.clone()),
        ];
        if let Some(w) = &self.window {
            k.push(("window", w.clone()));
        }
        k
    }

    /// The payload of a case's request.
    pub fn payload(&self, request: &spec::Request) -> Payload {
        let value = |p: &Placeholder| self.value(p);
        match (&request.params, &request.raw) {
            (Some(p), _) => Payload::Json(spec::substitute_json(p, &value)),
            (None, Some(raw)) => Payload::Raw(spec::substitute(raw, &value).into_bytes()),
            (None, None) => unreachable!("checked at load"),
        }
    }
}

/// Send a case's request; `Err` with the outcome when it cannot be sent or the target can't serve it.
async fn exchange(session: &Session, case: &LoadedCase) -> Result<(Exchange, Bindings), Outcome> {
    match session.support().await {
        Support::Implemented => {}
        Support::NotImplemented(why) => {
            return Err(Outcome::Unsupported(format!(
                "{} does not implement {}: it {why}",
                session.endpoint_url().await.unwrap_or_default(),
                spec::DEFAULT_OPERATION
            )));
        }
        Support::Unreachable(why) => {
            return Err(Outcome::Failed(format!(
                "the endpoint cannot be reached: {why}"
            )));
        }
    }
    let mut bindings = Bindings {
        window: None,
        unknown_window: session.unknown_window.clone(),
        run_prefix: session.run_prefix.clone(),
    };
    for need in &case.needs {
        match need {
            Need::ExistingEmptyWindow => match session.empty_window().await {
                Ok(w) => bindings.window = Some(w),
                Err(e) => return Err(Outcome::Skipped(format!("needs {need}: {e}"))),
            },
        }
    }
    let operation = case.case.request.operation().to_string();
    let payload = bindings.payload(&case.case.request);
    let client = session.client().await.map_err(Outcome::Failed)?;
    match client.call(&operation, &payload).await {
        Ok(response) => Ok((
            Exchange {
                operation,
                request: payload.to_bytes(),
                response,
            },
            bindings,
        )),
        Err(e) => Err(Outcome::Failed(failure_message(
            case,
            &format!(
                "no answer: {e}\n  request:  POST / AmazonSSM.{operation} {}",
                excerpt(&payload.to_bytes(), 400)
            ),
            None,
        ))),
    }
}

/// Run one case: send, judge, compare the snapshot when the target has a name.
pub async fn run_case(
    session: &Session,
    case: &LoadedCase,
    profile: Option<&Profile>,
) -> CaseResult {
    let started = Instant::now();
    let mut result = CaseResult {
        name: case.name(),
        outcome: Outcome::Passed,
        observation: None,
        exchange: None,
        duration: Duration::ZERO,
    };
    match exchange(session, case).await {
        Err(outcome) => result.outcome = outcome,
        Ok((x, bindings)) => {
            match verdict::check(&case.case.expect, &x.response, profile) {
                Ok(observation) => {
                    result.observation = observation;
                    if let Some(name) = &session.config.name {
                        let normalized = crate::snapshot::normalize(&x.response, &bindings.known());
                        let dir = session.config.snapshots.join(name);
                        let snap = format!("{}__{}", case.area, case.case.id);
                        if let Err(e) =
                            crate::snapshot::compare(&dir, &snap, &case.file, &normalized)
                        {
                            result.outcome = Outcome::Failed(failure_message(case, &e, Some(&x)));
                        }
                    }
                }
                Err(why) => result.outcome = Outcome::Failed(failure_message(case, &why, Some(&x))),
            }
            result.exchange = Some(x);
        }
    }
    result.duration = started.elapsed();
    result
}

/// Run `cases` one after another, then check that each open choice was answered one way.
/// Returns the results and the failed choice checks.
pub async fn run_all(
    session: &Session,
    cases: &[&LoadedCase],
    profile: Option<&Profile>,
) -> (Vec<CaseResult>, Vec<String>) {
    let mut results = Vec::with_capacity(cases.len());
    for case in cases {
        results.push(run_case(session, case, profile).await);
    }
    let owned: Vec<LoadedCase> = cases.iter().map(|c| (*c).clone()).collect();
    let failures = choices(&owned)
        .into_keys()
        .filter_map(|choice| {
            let members: Vec<&CaseResult> = results
                .iter()
                .filter(|r| {
                    owned
                        .iter()
                        .any(|c| c.name() == r.name && c.choice() == Some(choice.as_str()))
                })
                .collect();
            check_choice(&choice, &members).err()
        })
        .collect();
    (results, failures)
}

/// Cases grouped by the open choice they observe (only choices with two or more cases).
pub fn choices(cases: &[LoadedCase]) -> BTreeMap<String, Vec<&LoadedCase>> {
    let mut map: BTreeMap<String, Vec<&LoadedCase>> = BTreeMap::new();
    for c in cases {
        if let Some(choice) = c.choice() {
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
        if let Some(o) = &r.observation
            && o.choice.as_deref() == Some(choice)
        {
            by_option
                .entry(o.option.as_str())
                .or_default()
                .push(r.name.as_str());
        }
    }
    if by_option.len() <= 1 {
        return Ok(());
    }
    let parts: Vec<String> = by_option
        .iter()
        .map(|(o, names)| format!("{o} in {}", names.join(", ")))
        .collect();
    Err(format!(
        "the target answers the open choice {choice:?} inconsistently: {}",
        parts.join("; ")
    ))
}
