//! How a case ended, typed: [`Outcome`], with a [`Failure`] that names the check that failed
//! ([`FailureKind`]) and a [`Skip`] that names why nothing was judged ([`SkipReason`]). Words are
//! made of them only at the edge (the printed blocks, the reports); reports, expectations and
//! tests match on kinds.
//!
//! The one rule this module keeps: only [`Outcome::Passed`] is a pass. A case whose answer was
//! never judged (throttled throughout, a data set the target would not take, nothing to relate)
//! is a failure or a skip with its reason, never a pass.

use std::sync::Arc;
use std::time::Duration;

use crate::client::Response;
pub(crate) use crate::failure::{Failure, FailureKind};
use crate::observation::Observation;

/// Why a case was not judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SkipReason {
    /// The target does not offer the fixture protocol (or the version the case needs), so its
    /// data cannot be seeded.
    NoFixtureProtocol,
    /// The case changes the target, and mutations are not allowed there.
    ReadOnly,
    /// A need the target cannot meet (a window to read, …).
    Unmet,
    /// Nothing to judge: the relations had no data to relate.
    NoData,
    /// Left out by the run's selection (`--operation`).
    NotSelected,
}

impl SkipReason {
    /// Whether the skip leaves data-dependent behaviour unjudged (filters, ordering, paging, the
    /// generated phase), which `--require-data` refuses.
    pub fn leaves_data_unjudged(self) -> bool {
        matches!(self, Self::NoFixtureProtocol | Self::NoData)
    }
}

/// A case not judged, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// Why, as a kind.
    pub reason: SkipReason,
    /// Why, in words (the same for every case of one cause, so a report writes it once).
    pub message: String,
}

impl Skip {
    /// A skip for `reason`.
    pub fn new(reason: SkipReason, message: impl Into<String>) -> Self {
        Self {
            reason,
            message: message.into(),
        }
    }
}

/// How a case ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The answer met the expectation (and the snapshot, where compared).
    Passed,
    /// It did not.
    Failed(Failure),
    /// The target does not implement the operation.
    Unsupported(String),
    /// The case was not judged.
    Skipped(Skip),
}

impl Outcome {
    /// A failure of `kind`.
    pub fn failed(kind: FailureKind, message: impl Into<String>) -> Self {
        Self::Failed(Failure::new(kind, message))
    }

    /// A skip for `reason`.
    pub fn skipped(reason: SkipReason, message: impl Into<String>) -> Self {
        Self::Skipped(Skip::new(reason, message))
    }

    /// `passed`, `failed`, `unsupported` or `skipped`.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed(_) => "failed",
            Self::Unsupported(_) => "unsupported",
            Self::Skipped(_) => "skipped",
        }
    }

    /// The words of anything but a pass.
    pub fn message(&self) -> Option<&str> {
        match self {
            Self::Passed => None,
            Self::Failed(f) => Some(&f.message),
            Self::Unsupported(m) => Some(m),
            Self::Skipped(s) => Some(&s.message),
        }
    }

    /// The failure's kind, for a failure.
    pub fn failure_kind(&self) -> Option<FailureKind> {
        match self {
            Self::Failed(f) => Some(f.kind),
            _ => None,
        }
    }
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

/// A generated part's shrunk counterexample, for the reports: the history seeded, the request,
/// what a correct target returns against what came back, and the command that runs it again.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ShrunkCase {
    /// The executions seeded, in the fixture protocol's members.
    pub history: serde_json::Value,
    /// The request, its window written `${window}`.
    pub request: serde_json::Value,
    /// The executions a correct target returns, by id, in order.
    pub expected: Vec<String>,
    /// What the target returned, by id, in order.
    pub actual: Vec<String>,
    /// The command that draws and shrinks the same case again.
    pub reproduce: String,
}

/// How many cases a generated part checked, and where in the seed's draw order the first
/// failing one was: what merging shards needs to find the first failure across machines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Drawn {
    /// Generated cases checked (this machine's, under `--shard`).
    pub checked: u64,
    /// The first failing case's place in draw order, from 0, where one failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_at: Option<u64>,
}

/// A case's result (a spec case, a generated part, or a check across cases).
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// `<area>::<case-id>`, `properties::<part>`, `choices::<choice>` or `target::<check>`.
    pub name: String,
    /// How it ended.
    pub outcome: Outcome,
    /// What it observed of open choices.
    pub observations: Vec<Observation>,
    /// The (first) request and answer, when one was sent; shared, since a run keeps every
    /// result and the answer may be a page of a hundred executions.
    pub exchange: Option<Arc<Exchange>>,
    /// Where a step's request decided a failed or unsupported outcome (its answer failed, or
    /// the target does not implement it): that step's operation. `None` where the case's own
    /// request did, or the case passed.
    pub decided_by: Option<String>,
    /// Requests sent for this case (pages and replays included).
    pub requests: usize,
    /// Wall time: its requests, and what was judged of their answers (on the run's worker too).
    pub duration: Duration,
    /// The snapshot file this case has no snapshot in yet (the target is new to the suite):
    /// the case is judged on its own, and the run says once how to record them.
    pub missing_snapshot: Option<std::path::PathBuf>,
    /// A generated part's shrunk counterexample, where it has one.
    pub counterexample: Option<Arc<ShrunkCase>>,
    /// What a generated part drew and checked, where it checked any.
    pub drawn: Option<Drawn>,
}

impl CaseResult {
    /// A result named `name` that sent nothing.
    pub fn new(name: impl Into<String>, outcome: Outcome) -> Self {
        Self {
            name: name.into(),
            outcome,
            observations: Vec::new(),
            exchange: None,
            decided_by: None,
            requests: 0,
            duration: Duration::ZERO,
            missing_snapshot: None,
            counterexample: None,
            drawn: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_pass_passes_and_every_other_outcome_has_words() {
        let all = [
            Outcome::Passed,
            Outcome::failed(FailureKind::Paging, "page 2 repeats"),
            Outcome::Unsupported("no".into()),
            Outcome::skipped(SkipReason::NoData, "empty window"),
        ];
        assert_eq!(
            all.iter().map(Outcome::label).collect::<Vec<_>>(),
            ["passed", "failed", "unsupported", "skipped"]
        );
        assert!(all[0].message().is_none() && all[1..].iter().all(|o| o.message().is_some()));
        assert_eq!(all[1].failure_kind(), Some(FailureKind::Paging));
    }

    #[test]
    fn kinds_are_named_as_reports_and_expectations_write_them() {
        for kind in [
            FailureKind::NoAnswer,
            FailureKind::ValidationMessage,
            FailureKind::Member,
        ] {
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json, kind.name());
            assert_eq!(serde_json::from_value::<FailureKind>(json).unwrap(), kind);
        }
    }
}
