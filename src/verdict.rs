//! The run's verdict, decided in one place: [`Verdict::decide`] turns the results, the
//! expectations, the CI policy (snapshots must be recorded), throttling and an interruption into
//! an exit code and its typed reasons, and [`standing`] says how each result stands in it. The
//! run computes it ([`crate::run::run`]); the CLI, the libtest-mimic harness, the library and
//! `merge` only show it: the closing line, the JSON report, JUnit and the HTML page all say the
//! same thing (as nextest's `RunStats::summarize_final` decides once and its reporters display).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::expectations::{Expectations, Held};
use crate::failure::FailureKind;
use crate::outcome::{CaseResult, Outcome};

/// What a verdict holds the results to, besides their outcomes (set through
/// [`crate::RunOptions`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct Policy {
    /// Expectations: a case listed with its outcome is as expected, an unexpected pass fails.
    pub(crate) expectations: Option<Arc<Expectations>>,
    /// A passing case without a snapshot fails the run (`CI=true`): a conforming target still
    /// records and commits its snapshots.
    pub(crate) snapshots_required: bool,
    /// The run selected everything (no filter, `--operation` or `--shard`): every case the
    /// expectations list must have run.
    pub(crate) complete: bool,
}

/// How one result stands in the verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "standing", rename_all = "kebab-case")]
pub enum Standing {
    /// It passed.
    Passed,
    /// It did not pass, and the expectations list it so: neither a pass nor a failure of the
    /// run (as WPT and nextest report an expected failure).
    Expected {
        /// The expectation's reason.
        listed: String,
    },
    /// Nothing was judged (a skip the expectations do not list, a check that observed nothing).
    NotJudged,
    /// It fails the run.
    Failed {
        /// Why, in a line.
        why: String,
    },
}

impl Standing {
    /// Whether it fails the run.
    pub fn fails(&self) -> bool {
        matches!(self, Self::Failed { .. })
    }
}

/// How one result stands under `policy`: the one rule for the harness's trials, the reports and
/// the run's exit code.
pub(crate) fn standing(result: &CaseResult, policy: &Policy) -> Standing {
    if let (Outcome::Passed, Some(file), true) = (&result.outcome, &result.missing_snapshot, policy.snapshots_required)
    {
        return Standing::Failed {
            why: format!("the answer conforms, but {}", crate::snapshot::missing_line(file)),
        };
    }
    if let Some(e) = &policy.expectations {
        match e.hold(&result.name, &result.outcome) {
            Held::AsUsual => {}
            Held::AsExpected(_, listed) => return Standing::Expected { listed },
            Held::Differs(why) => return Standing::Failed { why },
        }
    }
    match &result.outcome {
        Outcome::Passed => Standing::Passed,
        Outcome::Skipped(_) => Standing::NotJudged,
        Outcome::Failed(f) => Standing::Failed {
            why: f.message.lines().next().unwrap_or_default().to_string(),
        },
        Outcome::Unsupported(why) => Standing::Failed {
            why: format!("unsupported: {why}"),
        },
    }
}

/// Why a verdict is what it is, as a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ReasonKind {
    /// Cases or checks failed (and the expectations, if any, do not list them so).
    Failed,
    /// The target does not implement operations the cases send.
    Unsupported,
    /// Results differ from the expectations (an unexpected pass included).
    Differs,
    /// The expectations list cases that did not run.
    NotRun,
    /// `CI=true` and passing cases have no snapshot yet.
    SnapshotsMissing,
    /// Most cases were throttled throughout: nothing much was judged (a set-up error).
    Throttled,
    /// Ctrl-C stopped the run.
    Interrupted,
    /// The run could not be set up (bad flags, specs, or a target that cannot be judged):
    /// nothing was judged.
    SetUp,
    /// The target answered operations with a redirect (3xx), which is never followed: the
    /// endpoint is not where the API is (a set-up error).
    Redirected,
    /// Most cases got no answer, their tries or the budget spent on dropped connections: the
    /// target cannot be judged (a set-up error).
    Dropped,
}

impl ReasonKind {
    /// Whether it makes the run a set-up error (exit 2): the target could not be judged.
    pub fn is_set_up(self) -> bool {
        matches!(self, Self::SetUp | Self::Throttled | Self::Redirected | Self::Dropped)
    }
}

/// One reason of a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// What kind of reason.
    pub kind: ReasonKind,
    /// In words, with the cases it names (a few, then a count).
    pub message: String,
}

/// A run's verdict: the exit code and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// 0 passed (or as expected); 1 the target does not conform; 2 a set-up error (the run
    /// judged too little); 130 interrupted.
    pub exit_code: u8,
    /// Why it is not 0 (empty when it is).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<Reason>,
    /// Results that did not pass as the expectations list them (held, not failed).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub expected: usize,
    /// Whether expectations were in force.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub held_to_expectations: bool,
    /// Each result's standing, by name (for the reports; not serialized: each case carries its own).
    #[serde(skip)]
    pub standings: BTreeMap<String, Standing>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// `names` in a line: the first few, then how many more.
fn some(names: &[&str]) -> String {
    const SHOWN: usize = 5;
    let shown = names.iter().take(SHOWN).copied().collect::<Vec<_>>().join(", ");
    match names.len().saturating_sub(SHOWN) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

impl Verdict {
    /// The verdict on `results` (cases and parts) and `checks` under `policy`; `interrupted`
    /// when Ctrl-C stopped the run.
    pub(crate) fn decide(results: &[CaseResult], checks: &[CaseResult], interrupted: bool, policy: &Policy) -> Self {
        let mut standings = BTreeMap::new();
        let mut failed: Vec<&str> = Vec::new();
        let mut unsupported: Vec<&str> = Vec::new();
        let mut differs: Vec<&str> = Vec::new();
        let mut snapshots: Vec<&str> = Vec::new();
        let mut redirected: Vec<&str> = Vec::new();
        let (mut throttled, mut dropped, mut expected) = (0, 0, 0);
        let listed = policy.expectations.is_some();
        for (i, r) in results.iter().chain(checks).enumerate() {
            // What the target never let be judged, of the cases and parts (not the checks).
            let kind = r.outcome.failure_kind().filter(|_| i < results.len());
            throttled += usize::from(kind == Some(FailureKind::Throttled));
            dropped += usize::from(kind == Some(FailureKind::NoAnswer));
            if kind == Some(FailureKind::Redirect) {
                redirected.push(&r.name);
            }
            let s = standing(r, policy);
            if s.fails() {
                match &r.outcome {
                    Outcome::Passed if r.missing_snapshot.is_some() && policy.snapshots_required => {
                        snapshots.push(&r.name);
                    }
                    _ if listed => differs.push(&r.name),
                    Outcome::Unsupported(_) => unsupported.push(&r.name),
                    // A redirect is a reason of its own (a set-up error), not a failed case.
                    Outcome::Failed(f) if f.kind == FailureKind::Redirect => {}
                    _ => failed.push(&r.name),
                }
            }
            expected += usize::from(matches!(s, Standing::Expected { .. }));
            standings.insert(r.name.clone(), s);
        }
        let mut reasons = Vec::new();
        let mut add = |kind, message: String| reasons.push(Reason { kind, message });
        if interrupted {
            add(
                ReasonKind::Interrupted,
                "interrupted (Ctrl-C) before the run ended".into(),
            );
        }
        // A run most of which the target never let be judged is no verdict on it.
        if dropped * 2 > results.len() {
            add(
                ReasonKind::Dropped,
                format!(
                    "{dropped} of {} cases got no answer (connections dropped, refused or timed out after every \
                     try): nothing much was judged (hint: --jobs 1, a larger --timeout, or check that the server \
                     stays up)",
                    results.len()
                ),
            );
        }
        if throttled * 2 > results.len() {
            add(
                ReasonKind::Throttled,
                format!(
                    "{throttled} of {} cases were throttled throughout: nothing much was judged (hint: --jobs 1, a \
                     larger --timeout, or a target with more capacity)",
                    results.len()
                ),
            );
        }
        // A check that judged nothing (no case observed its choice) did not run.
        let not_run: Vec<&str> = match policy.expectations.as_ref().filter(|_| policy.complete) {
            Some(e) => e
                .cases
                .keys()
                .map(String::as_str)
                .filter(|name| {
                    !standings.contains_key(*name)
                        || checks
                            .iter()
                            .any(|c| c.name == *name && matches!(c.outcome, Outcome::Skipped(_)))
                })
                .collect(),
            None => Vec::new(),
        };
        let named: [(ReasonKind, &[&str], &str, &str); 5] = [
            (
                ReasonKind::Redirected,
                &redirected,
                "case",
                "answered with a redirect, which the suite never follows (hint: give --endpoint the URL the API \
                 answers at)",
            ),
            (ReasonKind::Failed, &failed, "case", "failed"),
            (
                ReasonKind::Unsupported,
                &unsupported,
                "case",
                "unsupported (the target does not implement the operation)",
            ),
            (ReasonKind::Differs, &differs, "result", "differ from the expectations"),
            (
                ReasonKind::NotRun,
                &not_run,
                "case",
                "listed in the expectations did not run",
            ),
        ];
        for (kind, names, what, said) in named {
            if !names.is_empty() {
                add(kind, format!("{} {said}: {}", count(names.len(), what), some(names)));
            }
        }
        if !snapshots.is_empty() {
            add(
                ReasonKind::SnapshotsMissing,
                format!(
                    "CI=true and {} snapshots are missing: the target conforms, but record and commit its \
                     snapshots (--update-snapshots)",
                    snapshots.len()
                ),
            );
        }
        let exit_code = if interrupted {
            130
        } else if reasons.iter().any(|r| r.kind.is_set_up()) {
            2
        } else {
            u8::from(!reasons.is_empty())
        };
        Self {
            exit_code,
            reasons,
            expected,
            held_to_expectations: policy.expectations.is_some(),
            standings,
        }
    }

    /// The verdict of a run that could not be set up: exit 2, and why.
    pub fn set_up_error(message: impl Into<String>) -> Self {
        Self {
            exit_code: 2,
            reasons: vec![Reason {
                kind: ReasonKind::SetUp,
                message: message.into(),
            }],
            ..Self::default()
        }
    }

    /// Whether the run passed (exit 0).
    pub fn passed(&self) -> bool {
        self.exit_code == 0
    }

    /// The exit code's meaning, in a few words (the HTML page's header, the closing line).
    pub fn meaning(&self) -> String {
        match self.exit_code {
            0 if self.held_to_expectations => {
                format!("every result as expected ({} listed as not passing)", self.expected)
            }
            0 => "every case judged passed (skips say why nothing was judged)".into(),
            130 => "interrupted (Ctrl-C): what ran is reported, the rest did not run".into(),
            2 if self.reasons.iter().any(|r| r.kind == ReasonKind::SetUp) => {
                "a set-up error: nothing was judged".into()
            }
            2 => "a set-up error: the run judged too little".into(),
            _ if self.reasons.iter().all(|r| r.kind == ReasonKind::SnapshotsMissing) => {
                "the target conforms, but CI=true and its snapshots are not recorded".into()
            }
            _ if self.held_to_expectations => "results differ from the expectations".into(),
            _ => "the target does not conform".into(),
        }
    }

    /// The standing of the result named `name`, where the verdict has it.
    pub fn standing(&self, name: &str) -> Option<&Standing> {
        self.standings.get(name)
    }
}

/// `n` things, with the plural where it is one.
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expectations::{Entry, Expected};
    use crate::outcome::SkipReason;

    fn r(name: &str, outcome: Outcome) -> CaseResult {
        CaseResult::new(name, outcome)
    }

    fn expecting(name: &str) -> Arc<Expectations> {
        Arc::new(Expectations {
            target: "t".into(),
            version: "1".into(),
            unsupported: None,
            cases: [(
                name.to_string(),
                Entry {
                    outcome: Expected::Fail,
                    kind: None,
                    reason: "known bug".into(),
                },
            )]
            .into_iter()
            .collect(),
        })
    }

    #[test]
    fn a_pass_passes_and_a_failure_fails() {
        let ok = Verdict::decide(&[r("a::x", Outcome::Passed)], &[], false, &Policy::default());
        assert_eq!((ok.exit_code, ok.reasons.len()), (0, 0));
        let bad = Verdict::decide(
            &[r("a::x", Outcome::failed(FailureKind::Member, "wrong"))],
            &[],
            false,
            &Policy::default(),
        );
        assert_eq!(bad.exit_code, 1);
        assert_eq!(bad.reasons[0].kind, ReasonKind::Failed);
        assert!(bad.reasons[0].message.contains("a::x"), "{:?}", bad.reasons);
    }

    #[test]
    fn an_expected_failure_is_held_not_failed_and_an_unexpected_pass_fails() {
        let policy = Policy {
            expectations: Some(expecting("a::x")),
            complete: true,
            ..Policy::default()
        };
        let held = Verdict::decide(
            &[r("a::x", Outcome::failed(FailureKind::Member, "wrong"))],
            &[],
            false,
            &policy,
        );
        assert_eq!((held.exit_code, held.expected), (0, 1));
        assert!(matches!(held.standing("a::x"), Some(Standing::Expected { listed }) if listed == "known bug"));
        let fixed = Verdict::decide(&[r("a::x", Outcome::Passed)], &[], false, &policy);
        assert_eq!(fixed.exit_code, 1);
        assert_eq!(fixed.reasons[0].kind, ReasonKind::Differs);
        let gone = Verdict::decide(&[r("a::y", Outcome::Passed)], &[], false, &policy);
        assert_eq!(gone.reasons[0].kind, ReasonKind::NotRun);
        let filtered = Policy {
            complete: false,
            ..policy
        };
        assert!(Verdict::decide(&[r("a::y", Outcome::Passed)], &[], false, &filtered).passed());
    }

    /// CI=true: a missing snapshot fails the run, with expectations in force too (issue 28: a gate
    /// with expectations exited 0 with 411 snapshots missing).
    #[test]
    fn missing_snapshots_fail_under_ci_whatever_the_expectations() {
        let mut passing = r("a::y", Outcome::Passed);
        passing.missing_snapshot = Some("snapshots/t/a__y.snap".into());
        for expectations in [None, Some(expecting("a::x"))] {
            let policy = Policy {
                expectations,
                snapshots_required: true,
                complete: false,
            };
            let v = Verdict::decide(std::slice::from_ref(&passing), &[], false, &policy);
            assert_eq!(v.exit_code, 1);
            assert_eq!(v.reasons[0].kind, ReasonKind::SnapshotsMissing);
        }
        let policy = Policy {
            snapshots_required: true,
            ..Policy::default()
        };
        let v = Verdict::decide(std::slice::from_ref(&passing), &[], false, &policy);
        assert!(v.meaning().contains("conforms"), "{}", v.meaning());
        assert!(Verdict::decide(&[passing], &[], false, &Policy::default()).passed());
    }

    #[test]
    fn mostly_throttled_is_a_set_up_error_and_ctrl_c_is_130() {
        let throttled = |n: &str| r(n, Outcome::failed(FailureKind::Throttled, "throttled throughout"));
        let v = Verdict::decide(
            &[throttled("a"), throttled("b"), r("c", Outcome::Passed)],
            &[],
            false,
            &Policy::default(),
        );
        assert_eq!(v.exit_code, 2);
        assert!(v.reasons.iter().any(|r| r.kind == ReasonKind::Throttled));
        let stopped = Verdict::decide(&[r("c", Outcome::Passed)], &[], true, &Policy::default());
        assert_eq!(stopped.exit_code, 130);
    }

    /// A target that drops most requests is a set-up error, as a fully throttling one is.
    #[test]
    fn mostly_no_answer_is_a_set_up_error() {
        let dropped = |n: &str| r(n, Outcome::failed(FailureKind::NoAnswer, "connection reset"));
        let v = Verdict::decide(
            &[dropped("a"), dropped("b"), r("c", Outcome::Passed)],
            &[],
            false,
            &Policy::default(),
        );
        assert_eq!(v.exit_code, 2);
        assert!(
            v.reasons
                .iter()
                .any(|r| r.kind == ReasonKind::Dropped && r.message.contains("hint:"))
        );
    }

    /// An operation that answers a redirect mid-run is a set-up error, not a failure of the
    /// target's answers (issue 30).
    #[test]
    fn a_redirected_operation_is_a_set_up_error() {
        let v = Verdict::decide(
            &[
                r("a::x", Outcome::failed(FailureKind::Redirect, "answers HTTP 307")),
                r("a::y", Outcome::Passed),
            ],
            &[],
            false,
            &Policy::default(),
        );
        assert_eq!(v.exit_code, 2);
        assert_eq!(v.reasons.len(), 1, "{:?}", v.reasons);
        assert_eq!(v.reasons[0].kind, ReasonKind::Redirected);
    }

    #[test]
    fn a_skip_is_not_judged_and_a_check_skip_neither() {
        let v = Verdict::decide(
            &[r(
                "a::x",
                Outcome::skipped(SkipReason::NoFixtureProtocol, "no protocol"),
            )],
            &[r(
                "choices::order",
                Outcome::skipped(SkipReason::Unmet, "nothing observed"),
            )],
            false,
            &Policy::default(),
        );
        assert!(v.passed());
        assert_eq!(v.standing("a::x"), Some(&Standing::NotJudged));
    }
}
