//! The machine-readable report of a run (`--report-json FILE`), also the input of the parity
//! report.

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
    /// The case's own open choice, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<String>,
    /// The operation a spec case sends (none for the generated phase's parts and the run's own
    /// checks, which span operations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// What the target chose where AWS leaves it open.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observations: Vec<ObservationReport>,
    /// Requests sent.
    pub requests: usize,
    /// Wall time, milliseconds.
    pub duration_ms: f64,
}

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
}

/// What the suite knows of a case beyond its result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFacts {
    /// Its own open choice, if it has one.
    pub choice: Option<String>,
    /// The operation it sends, for a spec case.
    pub operation: Option<String>,
}

/// A whole run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
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
}

impl RunReport {
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
                let CaseFacts { choice, operation } = facts(&r.name);
                CaseReport {
                    name: r.name.clone(),
                    outcome: outcome.into(),
                    reason,
                    kind,
                    choice,
                    operation,
                    observations: r.observations.iter().map(ObservationReport::from).collect(),
                    requests: r.requests,
                    duration_ms: r.duration.as_secs_f64() * 1e3,
                }
            })
            .collect();
        Self {
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
                })
                .collect(),
        }
    }
}
