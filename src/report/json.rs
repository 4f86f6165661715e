//! The machine-readable report of a run (`--report-json FILE`), also the input of the parity
//! report and the HTML report. Its form is `docs/report-schema.json` (versioned by
//! `schema_version`; `tests/report_schema.rs` holds real reports to it).

use serde::{Deserialize, Serialize};

use super::Totals;
use crate::observation::Observation;
use crate::outcome::{CaseResult, Outcome};

/// One case in a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseReport {
    /// `<area>::<case-id>`.
    pub name: String,
    /// `passed`, `failed`, `unsupported` or `skipped`.
    pub outcome: String,
    /// Why it did not pass (the full message, request and answer included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For a failure, which check failed (`member`, `paging`, `error-type`, …); for a skip, why
    /// nothing was judged (`no-fixture-protocol`, `read-only`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The case's open choice, if it has one: its own request's, or else its first step's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<String>,
    /// The operation a spec case sends (none for the generated phase's parts and the run's own
    /// checks, which span operations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Where a step's request decided a failed or unsupported outcome: that step's operation
    /// (absent where the case's own request did).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    /// What the target chose where AWS leaves it open.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observations: Vec<ObservationReport>,
    /// Requests sent.
    pub requests: usize,
    /// Wall time, milliseconds.
    pub duration_ms: f64,
    /// What the case tests, in a sentence (spec cases).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where its expectation comes from: `model`, `docs` or `observed:<profile>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What the expectation rests on: a shape path, or a sentence of the docs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cite: Option<String>,
    /// What the case expects, in a line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expects: Option<String>,
    /// The case's own request and the target's first answer to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange: Option<ExchangeReport>,
    /// A generated part's shrunk counterexample.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterexample: Option<crate::outcome::ShrunkCase>,
    /// What a generated part drew and checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drawn: Option<crate::outcome::Drawn>,
    /// A spec case whose error type is open: its kind (operation and rule), by which the error
    /// types of several cases are held to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_error_kind: Option<String>,
    /// How the result stands in the run's verdict (passed, as the expectations list it, not
    /// judged, or failing the run); absent in reports before schema 4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<crate::verdict::Standing>,
    /// A passing case with no snapshot yet: the snapshot file it would be in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_snapshot: Option<String>,
    /// The pin a failure broke: the choice, the option pinned, the option taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broke_pin: Option<crate::failure::BrokenPin>,
}

/// A request and its answer, as reported: bodies as JSON where they are JSON, else as text.
/// Only the body is recorded, never a header: credentials and signatures are not in a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExchangeReport {
    /// The operation (`X-Amz-Target: AmazonSSM.<operation>`).
    pub operation: String,
    /// The body sent.
    pub request: serde_json::Value,
    /// The HTTP status answered.
    pub status: u16,
    /// The error type answered, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
    /// The body answered.
    pub response: serde_json::Value,
}

impl CaseReport {
    /// The result this entry reports, as far as a report keeps it (no exchange): how `merge`
    /// gives a merged run to the summary and the verdict that a run gives its own results.
    pub fn result(&self) -> CaseResult {
        use crate::outcome::{Failure, FailureKind, Skip, SkipReason};
        let why = self.reason.clone().unwrap_or_default();
        fn parsed<T: serde::de::DeserializeOwned>(kind: &Option<String>) -> Option<T> {
            kind.as_deref().and_then(|k| serde_json::from_value(k.into()).ok())
        }
        let outcome = match self.outcome.as_str() {
            "passed" => Outcome::Passed,
            "unsupported" => Outcome::Unsupported(why),
            "skipped" => Outcome::Skipped(Skip::new(parsed(&self.kind).unwrap_or(SkipReason::Unmet), why)),
            _ => Outcome::Failed(Failure::new(parsed(&self.kind).unwrap_or(FailureKind::Unjudged), why)),
        };
        let mut r = CaseResult::new(self.name.clone(), outcome);
        r.observations = self
            .observations
            .iter()
            .map(|o| Observation {
                choice: o.choice.clone(),
                option: o.option.clone(),
            })
            .collect();
        r.decided_by = self.decided_by.clone();
        r.requests = self.requests;
        r.duration = std::time::Duration::from_secs_f64(self.duration_ms.max(0.0) / 1e3);
        r.missing_snapshot = self.missing_snapshot.as_ref().map(std::path::PathBuf::from);
        r.counterexample = self.counterexample.clone().map(std::sync::Arc::new);
        r.drawn = self.drawn;
        r
    }
}

impl From<&crate::outcome::Exchange> for ExchangeReport {
    fn from(x: &crate::outcome::Exchange) -> Self {
        let body = |bytes: &[u8]| {
            serde_json::from_slice(bytes)
                .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(bytes).into_owned()))
        };
        Self {
            operation: x.operation.clone(),
            request: body(&x.request),
            status: x.response.status,
            error_type: x.response.error.as_ref().map(|e| e.error_type.clone()),
            response: body(&x.response.body),
        }
    }
}

/// The version of the report's form (`docs/report-schema.json`): 1 had no `schema_version`, no
/// run facts and no exchanges; 2 had no shard, campaign or draw facts; 3 had no verdict.
pub(crate) const SCHEMA_VERSION: u32 = 4;

/// An observation, as reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservationReport {
    /// The choice (none: several error types were acceptable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<String>,
    /// The option taken.
    pub option: String,
}

impl From<&Observation> for ObservationReport {
    fn from(o: &Observation) -> Self {
        Self {
            choice: o.choice.clone(),
            option: o.option.clone(),
        }
    }
}

/// A failed choice-consistency check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceFailure {
    /// `choices::<choice>`.
    pub name: String,
    /// What disagreed.
    pub reason: String,
    /// How it stands in the run's verdict (as expected, or failing the run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<crate::verdict::Standing>,
}

/// What the suite knows of a case beyond its result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFacts {
    /// Its open choice, if it has one: its own request's, or else its first step's.
    pub choice: Option<String>,
    /// The operation it sends, for a spec case.
    pub operation: Option<String>,
    /// What it tests.
    pub description: Option<String>,
    /// Where its expectation comes from.
    pub source: Option<String>,
    /// What its expectation rests on.
    pub cite: Option<String>,
    /// What it expects, in a line.
    pub expects: Option<String>,
    /// Its open error type's kind, if its error type is open.
    pub open_error_kind: Option<String>,
}

/// What is known of the run beyond its results.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunFacts {
    /// The generated phase's seed, when it ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// The pins the run was held to (`reference`, a file), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pins: Option<String>,
    /// When the run ended, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Ctrl-C stopped it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    /// Generated cases per part the run was asked for (`--cases`; none for a `--duration`
    /// campaign without it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_cases: Option<u32>,
    /// A `--duration` campaign's time, as given (`10m`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// This machine's share of a campaign (`--shard K/N`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardFacts>,
    /// Requests sent again after transport errors (a connection dropped before an answer), by
    /// operation (or fixture protocol method and path).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub transport_retries: std::collections::BTreeMap<String, u64>,
}

/// A shard's place in its campaign, for `ssm-conformance merge`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardFacts {
    /// K of K/N, from 1.
    pub index: u32,
    /// N.
    pub count: u32,
    /// The spec cases all N shards run between them (this one reports its slice).
    pub cases: usize,
}

/// A whole run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    /// The version of this form ([`SCHEMA_VERSION`]; absent in version 1).
    #[serde(default = "version_one")]
    pub schema_version: u32,
    /// The target's name (or its URL when unnamed).
    pub target: String,
    /// What the target is (name and version), as given with `--target-version`.
    #[serde(default)]
    pub version: String,
    /// The endpoint.
    pub endpoint: String,
    /// Counts.
    pub totals: Totals,
    /// Every case, in run order.
    pub cases: Vec<CaseReport>,
    /// Failed choice checks.
    #[serde(default)]
    pub choices: Vec<ChoiceFailure>,
    /// The run's seed, pins, date.
    #[serde(default, flatten)]
    pub run: RunFacts,
    /// The run's verdict: its exit code and why (absent in reports before schema 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<crate::verdict::Verdict>,
}

fn version_one() -> u32 {
    1
}

impl RunReport {
    /// Each case's and failed check's standing in `verdict`, and the verdict itself.
    pub fn held_to(mut self, verdict: &crate::verdict::Verdict) -> Self {
        for c in &mut self.cases {
            c.verdict = verdict.standing(&c.name).cloned();
        }
        for c in &mut self.choices {
            c.verdict = verdict.standing(&c.name).cloned();
        }
        self.verdict = Some(verdict.clone());
        self
    }

    /// Build from results; `facts` gives what the suite knows of a case by name: its own open
    /// choice and its operation.
    pub fn new(
        target: &str,
        version: &str,
        endpoint: &str,
        results: &[CaseResult],
        choice_failures: &[(String, String)],
        facts: &dyn Fn(&str) -> CaseFacts,
    ) -> Self {
        let cases = results
            .iter()
            .map(|r| {
                let kind = match &r.outcome {
                    Outcome::Failed(f) => Some(f.kind.name().to_string()),
                    Outcome::Skipped(s) => serde_json::to_value(s.reason)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string)),
                    _ => None,
                };
                let (outcome, reason) = (r.outcome.label(), r.outcome.message().map(str::to_string));
                let CaseFacts {
                    choice,
                    operation,
                    description,
                    source,
                    cite,
                    expects,
                    open_error_kind,
                } = facts(&r.name);
                CaseReport {
                    name: r.name.clone(),
                    outcome: outcome.into(),
                    reason,
                    kind,
                    choice,
                    operation,
                    decided_by: r.decided_by.clone(),
                    observations: r.observations.iter().map(ObservationReport::from).collect(),
                    requests: r.requests,
                    duration_ms: r.duration.as_secs_f64() * 1e3,
                    description,
                    source,
                    cite,
                    expects,
                    exchange: r.exchange.as_deref().map(ExchangeReport::from),
                    counterexample: r.counterexample.as_deref().cloned(),
                    drawn: r.drawn,
                    open_error_kind,
                    verdict: None,
                    missing_snapshot: r.missing_snapshot.as_ref().map(|f| f.display().to_string()),
                    broke_pin: match &r.outcome {
                        Outcome::Failed(f) => f.pin.clone(),
                        _ => None,
                    },
                }
            })
            .collect();
        Self {
            schema_version: SCHEMA_VERSION,
            target: target.into(),
            version: version.into(),
            endpoint: endpoint.into(),
            totals: Totals::of(results, choice_failures.len()),
            cases,
            choices: choice_failures
                .iter()
                .map(|(name, reason)| ChoiceFailure {
                    name: name.clone(),
                    reason: reason.clone(),
                    verdict: None,
                })
                .collect(),
            run: RunFacts::default(),
            verdict: None,
        }
    }
}
