//! Expectations per target (as web-platform-tests keeps them): the cases a target is known not
//! to pass, with the outcome and why. A run matches when every result is as expected; an
//! unexpected failure *or an unexpected pass* is a mismatch, so stale entries get removed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::outcome::{CaseResult, FailureKind, Outcome};

/// An outcome other than a pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expected {
    /// The case fails.
    Fail,
    /// The target does not implement the operation.
    Unsupported,
    /// The target cannot meet the case's needs.
    Skipped,
}

/// One case expected not to pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// How it ends.
    pub outcome: Expected,
    /// For a failure, which check fails (`member`, `paging`, …): a case that then fails another
    /// way is a mismatch. Older files without it hold the outcome alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<FailureKind>,
    /// Why: what the target does, or a bug link.
    pub reason: String,
}

/// How one result stands against the expectations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Held {
    /// Not listed, and it passed (or, for a check, was not judged).
    AsUsual,
    /// Listed, and it ended as listed: the entry's outcome and reason.
    AsExpected(Expected, String),
    /// It differs: what to tell the user.
    Differs(String),
}

/// `expectations/<target>.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectations {
    /// The target name.
    pub target: String,
    /// What was run (name and version of the target).
    pub version: String,
    /// Set when the target does not implement the operation at all: every case is unsupported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsupported: Option<String>,
    /// Case name (`<area>::<case-id>`, or `choices::<choice>`) → what to expect instead of a pass.
    #[serde(default)]
    pub cases: BTreeMap<String, Entry>,
}

/// An expectations file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", file.display())]
pub struct ExpectationsError {
    /// The file.
    pub file: PathBuf,
    /// What is wrong.
    pub message: String,
}

fn kind(outcome: &Outcome) -> Option<Expected> {
    match outcome {
        Outcome::Passed => None,
        Outcome::Failed(_) => Some(Expected::Fail),
        Outcome::Unsupported(_) => Some(Expected::Unsupported),
        Outcome::Skipped(_) => Some(Expected::Skipped),
    }
}

fn first_line(why: &str) -> String {
    // Failure messages start with "<file>, case \"<id>\": <why>"; keep the why.
    let line = why.lines().next().unwrap_or("");
    match line.split_once("\": ") {
        Some((_, rest)) => rest.to_string(),
        None => line.to_string(),
    }
}

/// `why` with what differs from run to run written as placeholders (window and execution ids,
/// the endpoint with its port, the run's own window names), so that two runs against one target
/// write the same expectations file.
fn stable(why: &str) -> String {
    static VOLATILE: std::sync::LazyLock<[(regex::Regex, &str); 4]> = std::sync::LazyLock::new(|| {
        let re = |p: &str| regex::Regex::new(p).expect("a valid pattern");
        [
            (re(r"https?://[^\s,;)\]\x22']+"), "$${endpoint}"),
            (re(r"ssm-conformance-[0-9a-f]{8}"), "$${run}"),
            (re(r"mw-[0-9a-f]{17}"), "$${window}"),
            (
                re(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
                "$${id}",
            ),
        ]
    });
    let mut out = why.to_string();
    for (pattern, placeholder) in VOLATILE.iter() {
        out = pattern.replace_all(&out, *placeholder).into_owned();
    }
    out
}

/// Whether `name` is a check across cases (`choices::…`, `target::…`) rather than a case.
fn is_check(name: &str) -> bool {
    name.starts_with("choices::") || name.starts_with("target::")
}

impl Expectations {
    /// Load a file.
    pub fn load(file: &Path) -> Result<Self, ExpectationsError> {
        let err = |message: String| ExpectationsError {
            file: file.to_path_buf(),
            message,
        };
        let text = std::fs::read_to_string(file).map_err(|e| err(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| err(e.to_string()))
    }

    /// How `outcome` of `name` stands against these expectations: the one rule for the CLI's
    /// mismatches and the libtest harness's trials.
    pub(crate) fn hold(&self, name: &str, outcome: &Outcome) -> Held {
        // A check that judged nothing (no case observed its choice) is neither pass nor failure.
        if is_check(name) && matches!(outcome, Outcome::Skipped(_)) {
            return Held::AsUsual;
        }
        let show = |o: Option<Expected>| o.map_or("pass".to_string(), |o| format!("{o:?}").to_lowercase());
        let want = match (&self.unsupported, self.cases.get(name)) {
            (Some(why), _) if !is_check(name) => Some((Expected::Unsupported, None, why.clone())),
            (_, Some(e)) => Some((e.outcome, e.kind, e.reason.clone())),
            _ => None,
        };
        let got = kind(outcome);
        let why = outcome
            .message()
            .map(first_line)
            .map(|w| format!(": {w}"))
            .unwrap_or_default();
        match want {
            None if got.is_none() => Held::AsUsual,
            None => Held::Differs(format!("expected pass, got {}{why}", show(got))),
            Some((w, _, _)) if Some(w) != got => {
                Held::Differs(format!("expected {}, got {}{why}", show(Some(w)), show(got)))
            }
            Some((_, Some(k), _)) if outcome.failure_kind().is_some_and(|actual| actual != k) => {
                Held::Differs(format!(
                    "fails differently: expected a {k} failure, got a {} failure{why}",
                    outcome.failure_kind().expect("a failure")
                ))
            }
            Some((w, _, reason)) => Held::AsExpected(w, reason),
        }
    }

    /// Expectations that `results` would match, keeping the reasons of `previous` where the
    /// outcome is unchanged.
    pub fn from_results(
        target: &str,
        version: &str,
        results: &[CaseResult],
        checks: &[CaseResult],
        previous: Option<&Expectations>,
    ) -> Self {
        let all_unsupported =
            !results.is_empty() && results.iter().all(|r| matches!(r.outcome, Outcome::Unsupported(_)));
        let mut cases = BTreeMap::new();
        let mut unsupported = None;
        if all_unsupported {
            let why = match &results[0].outcome {
                Outcome::Unsupported(m) => m.clone(),
                _ => unreachable!(),
            };
            unsupported = Some(
                previous
                    .and_then(|p| p.unsupported.clone())
                    .unwrap_or_else(|| stable(&why)),
            );
        } else {
            let entries = results
                .iter()
                .chain(checks.iter().filter(|c| matches!(c.outcome, Outcome::Failed(_))))
                .filter_map(|r| {
                    let outcome = kind(&r.outcome)?;
                    let why = stable(&first_line(r.outcome.message().unwrap_or_default()));
                    Some((r.name.clone(), outcome, r.outcome.failure_kind(), why))
                });
            for (name, outcome, failure, why) in entries {
                let reason = previous
                    .and_then(|p| p.cases.get(&name))
                    .filter(|e| e.outcome == outcome)
                    .map_or(why, |e| e.reason.clone());
                cases.insert(
                    name,
                    Entry {
                        outcome,
                        kind: failure,
                        reason,
                    },
                );
            }
        }
        Expectations {
            target: target.to_string(),
            version: version.to_string(),
            unsupported,
            cases,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::SkipReason;

    /// Every way (as the verdict holds them: `crate::verdict`) `results` and `checks` differ from these expectations. With `complete` false
    /// (a filtered run), listed cases that did not run are no mismatch. A check that judged
    /// nothing (no case observed its choice) is neither a pass nor a failure here.
    fn mismatches(e: &Expectations, results: &[CaseResult], checks: &[CaseResult], complete: bool) -> Vec<String> {
        let mut out = Vec::new();
        let mut ran = std::collections::BTreeSet::new();
        for r in results.iter().chain(checks) {
            if !(is_check(&r.name) && matches!(r.outcome, Outcome::Skipped(_))) {
                ran.insert(r.name.as_str());
            }
            if let Held::Differs(why) = e.hold(&r.name, &r.outcome) {
                out.push(format!("{}: {why}", r.name));
            }
        }
        out.sort();
        for name in e.cases.keys().filter(|_| complete) {
            if !ran.contains(name.as_str()) {
                out.push(format!("{name}: listed in the expectations, but no such case ran"));
            }
        }
        out
    }

    fn r(name: &str, outcome: Outcome) -> CaseResult {
        CaseResult::new(name, outcome)
    }

    fn failed(kind: FailureKind, m: &str) -> Outcome {
        Outcome::failed(kind, m)
    }

    fn listed(outcome: Expected, kind: Option<FailureKind>) -> Expectations {
        Expectations {
            target: "t".into(),
            version: "1".into(),
            unsupported: None,
            cases: [(
                "a::fails".to_string(),
                Entry {
                    outcome,
                    kind,
                    reason: "known".into(),
                },
            )]
            .into_iter()
            .collect(),
        }
    }

    #[test]
    fn unexpected_failures_and_unexpected_passes_both_mismatch() {
        let e = listed(Expected::Fail, None);
        let fine = [
            r("a::fails", failed(FailureKind::Member, "f, case \"fails\": why")),
            r("a::ok", Outcome::Passed),
        ];
        assert!(mismatches(&e, &fine, &[], true).is_empty());
        let fixed = [r("a::fails", Outcome::Passed), r("a::ok", Outcome::Passed)];
        assert_eq!(mismatches(&e, &fixed, &[], true), ["a::fails: expected fail, got pass"]);
        let broke = [
            r("a::fails", failed(FailureKind::Member, "x")),
            r("a::ok", failed(FailureKind::Member, "f, case \"ok\": boom")),
        ];
        assert_eq!(
            mismatches(&e, &broke, &[], true),
            ["a::ok: expected pass, got fail: boom"]
        );
        let gone = [r("a::ok", Outcome::Passed)];
        assert_eq!(
            mismatches(&e, &gone, &[], true),
            ["a::fails: listed in the expectations, but no such case ran"]
        );
        assert!(mismatches(&e, &gone, &[], false).is_empty(), "a filtered run");
    }

    #[test]
    fn a_case_expected_to_fail_one_way_that_fails_another_is_a_mismatch() {
        let e = listed(Expected::Fail, Some(FailureKind::Paging));
        let same = [r("a::fails", failed(FailureKind::Paging, "page 2 repeats"))];
        assert!(mismatches(&e, &same, &[], true).is_empty());
        let other = [r("a::fails", failed(FailureKind::Member, "StatusDetails trimmed"))];
        assert_eq!(
            mismatches(&e, &other, &[], true),
            ["a::fails: fails differently: expected a paging failure, got a member failure: StatusDetails trimmed"]
        );
        // An older file, without kinds, holds the outcome alone.
        assert!(mismatches(&listed(Expected::Fail, None), &other, &[], true).is_empty());
        let old: Entry = serde_json::from_str(r#"{"outcome":"fail","reason":"x"}"#).unwrap();
        assert_eq!(old.kind, None);
    }

    #[test]
    fn a_check_that_judged_nothing_is_no_mismatch() {
        let e = listed(Expected::Fail, None);
        let results = [r("a::fails", failed(FailureKind::Status, "x"))];
        let checks = [r(
            "choices::order",
            Outcome::skipped(SkipReason::Unmet, "no case observed it"),
        )];
        assert!(mismatches(&e, &results, &checks, true).is_empty());
    }

    /// Two runs write the same file: ids, ports and run names are placeholders (issue 28).
    #[test]
    fn written_reasons_hold_nothing_that_differs_between_runs() {
        let why = |window: &str, port: u16| {
            r(
                "a::x",
                failed(
                    FailureKind::Member,
                    &format!(
                        "f, case \"x\": http://127.0.0.1:{port}/ answered window {window} (ssm-conformance-0a1b2c3d-empty), \
                         execution 5a4c1f0e-1234-4d2b-9c1a-0123456789ab"
                    ),
                ),
            )
        };
        let one = Expectations::from_results("t", "1", &[why("mw-0123456789abcdef0", 40123)], &[], None);
        let two = Expectations::from_results("t", "1", &[why("mw-fedcba98765432100", 40777)], &[], None);
        assert_eq!(one, two);
        assert_eq!(
            one.cases["a::x"].reason,
            "${endpoint} answered window ${window} (${run}-empty), execution ${id}"
        );
    }

    #[test]
    fn written_expectations_match_their_run_and_keep_reasons() {
        let results = [
            r("a::x", failed(FailureKind::ErrorType, "f, case \"x\": wrong")),
            r(
                "a::y",
                Outcome::skipped(SkipReason::NoFixtureProtocol, "needs fixture:z: no protocol"),
            ),
            r("a::z", Outcome::Passed),
        ];
        let checks = [r("choices::order", failed(FailureKind::Choice, "inconsistent"))];
        let mut first = Expectations::from_results("t", "1", &results, &checks, None);
        assert!(mismatches(&first, &results, &checks, true).is_empty());
        assert_eq!(first.cases["a::x"].reason, "wrong");
        assert_eq!(first.cases["a::x"].kind, Some(FailureKind::ErrorType));
        assert_eq!(first.cases["choices::order"].kind, Some(FailureKind::Choice));
        first.cases.get_mut("a::x").unwrap().reason = "bug #1".into();
        let again = Expectations::from_results("t", "1", &results, &checks, Some(&first));
        assert_eq!(again.cases["a::x"].reason, "bug #1");
        let all_unsupported = [
            r("a::x", Outcome::Unsupported("no".into())),
            r("a::y", Outcome::Unsupported("no".into())),
        ];
        let u = Expectations::from_results("t", "1", &all_unsupported, &[], None);
        assert!(u.cases.is_empty() && u.unsupported.as_deref() == Some("no"));
        assert!(mismatches(&u, &all_unsupported, &[], true).is_empty());
        assert_eq!(mismatches(&u, &results[2..], &[], true).len(), 1);
    }
}
