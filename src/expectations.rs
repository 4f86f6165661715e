//! Expectations per target (as web-platform-tests keeps them): the cases a target is known not
//! to pass, with the outcome and why. A run matches when every result is as expected; an
//! unexpected failure *or an unexpected pass* is a mismatch, so stale entries get removed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::runner::{CaseResult, Outcome};

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
    /// Why: what the target does, or a bug link.
    pub reason: String,
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

    /// Every way `results` (and the failed choice checks) differ from these expectations. With
    /// `complete` false (a filtered run), listed cases that did not run are no mismatch.
    pub fn mismatches(
        &self,
        results: &[CaseResult],
        choice_failures: &[(String, String)],
        complete: bool,
    ) -> Vec<String> {
        let mut out = Vec::new();
        let mut actual: BTreeMap<&str, (Option<Expected>, String)> = BTreeMap::new();
        for r in results {
            let why = match &r.outcome {
                Outcome::Passed => String::new(),
                Outcome::Failed(m) | Outcome::Unsupported(m) | Outcome::Skipped(m) => first_line(m),
            };
            actual.insert(&r.name, (kind(&r.outcome), why));
        }
        for (choice, why) in choice_failures {
            actual.insert(choice, (Some(Expected::Fail), why.clone()));
        }
        for (name, (got, why)) in &actual {
            let want = if self.unsupported.is_some() && !name.starts_with("choices::") {
                Some(Expected::Unsupported)
            } else {
                self.cases.get(*name).map(|e| e.outcome)
            };
            if want != *got {
                let show = |o: Option<Expected>| o.map_or("pass".to_string(), |o| format!("{o:?}").to_lowercase());
                let detail = if why.is_empty() {
                    String::new()
                } else {
                    format!(": {why}")
                };
                out.push(format!("{name}: expected {}, got {}{detail}", show(want), show(*got)));
            }
        }
        for name in self.cases.keys().filter(|_| complete) {
            if !actual.contains_key(name.as_str()) {
                out.push(format!("{name}: listed in the expectations, but no such case ran"));
            }
        }
        out
    }

    /// Expectations that `results` would match, keeping the reasons of `previous` where the
    /// outcome is unchanged.
    pub fn from_results(
        target: &str,
        version: &str,
        results: &[CaseResult],
        choice_failures: &[(String, String)],
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
            unsupported = Some(previous.and_then(|p| p.unsupported.clone()).unwrap_or(why));
        } else {
            let entries = results
                .iter()
                .filter_map(|r| {
                    let outcome = kind(&r.outcome)?;
                    let why = match &r.outcome {
                        Outcome::Failed(m) | Outcome::Unsupported(m) | Outcome::Skipped(m) => first_line(m),
                        Outcome::Passed => unreachable!(),
                    };
                    Some((r.name.clone(), outcome, why))
                })
                .chain(
                    choice_failures
                        .iter()
                        .map(|(c, why)| (c.clone(), Expected::Fail, why.clone())),
                );
            for (name, outcome, why) in entries {
                let reason = previous
                    .and_then(|p| p.cases.get(&name))
                    .filter(|e| e.outcome == outcome)
                    .map_or(why, |e| e.reason.clone());
                cases.insert(name, Entry { outcome, reason });
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
    use std::time::Duration;

    fn r(name: &str, outcome: Outcome) -> CaseResult {
        CaseResult {
            name: name.into(),
            outcome,
            observations: Vec::new(),
            exchange: None,
            requests: 1,
            duration: Duration::ZERO,
            missing_snapshot: None,
        }
    }

    #[test]
    fn unexpected_failures_and_unexpected_passes_both_mismatch() {
        let e = Expectations {
            target: "t".into(),
            version: "1".into(),
            unsupported: None,
            cases: [(
                "a::fails".to_string(),
                Entry {
                    outcome: Expected::Fail,
                    reason: "known".into(),
                },
            )]
            .into_iter()
            .collect(),
        };
        let fine = [
            r("a::fails", Outcome::Failed("f, case \"fails\": why".into())),
            r("a::ok", Outcome::Passed),
        ];
        assert!(e.mismatches(&fine, &[], true).is_empty());
        let fixed = [r("a::fails", Outcome::Passed), r("a::ok", Outcome::Passed)];
        assert_eq!(e.mismatches(&fixed, &[], true), ["a::fails: expected fail, got pass"]);
        let broke = [
            r("a::fails", Outcome::Failed("x".into())),
            r("a::ok", Outcome::Failed("f, case \"ok\": boom".into())),
        ];
        assert_eq!(
            e.mismatches(&broke, &[], true),
            ["a::ok: expected pass, got fail: boom"]
        );
        let gone = [r("a::ok", Outcome::Passed)];
        assert_eq!(
            e.mismatches(&gone, &[], true),
            ["a::fails: listed in the expectations, but no such case ran"]
        );
        assert!(e.mismatches(&gone, &[], false).is_empty(), "a filtered run");
    }

    #[test]
    fn written_expectations_match_their_run_and_keep_reasons() {
        let results = [
            r("a::x", Outcome::Failed("f, case \"x\": wrong".into())),
            r("a::y", Outcome::Skipped("needs fixture:z: no protocol".into())),
            r("a::z", Outcome::Passed),
        ];
        let choices = [("choices::order".to_string(), "inconsistent".to_string())];
        let mut first = Expectations::from_results("t", "1", &results, &choices, None);
        assert!(first.mismatches(&results, &choices, true).is_empty());
        assert_eq!(first.cases["a::x"].reason, "wrong");
        first.cases.get_mut("a::x").unwrap().reason = "bug #1".into();
        let again = Expectations::from_results("t", "1", &results, &choices, Some(&first));
        assert_eq!(again.cases["a::x"].reason, "bug #1");
        let all_unsupported = [
            r("a::x", Outcome::Unsupported("no".into())),
            r("a::y", Outcome::Unsupported("no".into())),
        ];
        let u = Expectations::from_results("t", "1", &all_unsupported, &[], None);
        assert!(u.cases.is_empty() && u.unsupported.as_deref() == Some("no"));
        assert!(u.mismatches(&all_unsupported, &[], true).is_empty());
        assert_eq!(u.mismatches(&results[2..], &[], true).len(), 1);
    }
}
