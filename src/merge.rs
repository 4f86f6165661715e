//! `ssm-conformance merge`: the JSON reports of the N shards of one campaign (`run --shard K/N
//! --report-json`) made into the report one machine running it all would write.
//!
//! - Spec cases: each shard reports its own slice; together they must be every case, once.
//! - Choices are judged again across all shards: a target that answers an open choice one way
//!   on one machine and another way on another fails the merged result, as it would on one.
//! - A generated part fails with the first failing case in draw order across shards (each
//!   shard stops at its own first, and shrinking is deterministic, so it is the case and the
//!   counterexample one machine finds); it passes when every shard judged its slice and passed.
//! - Totals are counted again.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::choices;
use crate::judge::consistency::{check_choice, check_error_types, held_choices};
use crate::outcome::{CaseResult, Drawn};
use crate::properties;
use crate::report::{CaseReport, ChoiceFailure, RunFacts, RunReport, SCHEMA_VERSION, Totals};

/// One shard's report, with the file it came from (for the errors).
#[derive(Debug, Clone)]
pub struct ShardReport {
    /// Where it was read.
    pub file: PathBuf,
    /// What it says.
    pub report: RunReport,
}

/// The reports are not the shards of one campaign.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum MergeError {
    /// No report was given.
    #[error("no report to merge")]
    Nothing,
    /// A report of another form.
    #[error("{file}: a report of schema version {found}; merge reads version {SCHEMA_VERSION}")]
    Version {
        /// The report.
        file: PathBuf,
        /// Its version.
        found: u32,
    },
    /// A run that was not sharded.
    #[error("{file}: not a shard's report (write each with `run --shard K/N --report-json FILE`)")]
    NotAShard {
        /// The report.
        file: PathBuf,
    },
    /// Two reports of one shard.
    #[error("{file} and {other} are both shard {shard}")]
    Twice {
        /// One report.
        file: PathBuf,
        /// The other.
        other: PathBuf,
        /// `K/N`.
        shard: String,
    },
    /// A shard's report is missing.
    #[error("shard {index}/{count} is missing: merge needs the reports of all {count}")]
    Missing {
        /// K.
        index: u32,
        /// N.
        count: u32,
    },
    /// The shards disagree on what the campaign is.
    #[error("{file}: {what} is {found}, but {first} says {expected}: shards of one campaign share it")]
    Differs {
        /// The report that differs.
        file: PathBuf,
        /// The first report.
        first: PathBuf,
        /// What differs (`the seed`, `the number of shards`, …).
        what: &'static str,
        /// Its value there.
        found: String,
        /// The first report's.
        expected: String,
    },
    /// A case reported by two shards.
    #[error("{name} is reported by {file} and by {other}: the shards overlap")]
    Overlap {
        /// The case.
        name: String,
        /// One report.
        file: PathBuf,
        /// The other.
        other: PathBuf,
    },
    /// Fewer (or more) spec cases than the campaign has.
    #[error("the shards report {got} spec cases between them, but the campaign has {expected}")]
    Incomplete {
        /// Reported.
        got: usize,
        /// Planned.
        expected: usize,
    },
}

/// The merged report of `shards` (any order), or why they are not one campaign's.
pub fn merge(shards: &[ShardReport]) -> Result<RunReport, MergeError> {
    let shards = in_order(shards)?;
    let first = shards[0];
    let mut cases: BTreeMap<&str, (&CaseReport, &PathBuf)> = BTreeMap::new();
    let mut parts: BTreeMap<&str, Vec<(u32, &CaseReport)>> = BTreeMap::new();
    for s in &shards {
        let k = s.report.run.shard.map_or(0, |f| f.index);
        for c in &s.report.cases {
            if is_part(&c.name) {
                parts.entry(&c.name).or_default().push((k, c));
            } else if let Some((_, other)) = cases.insert(&c.name, (c, &s.file)) {
                return Err(MergeError::Overlap {
                    name: c.name.clone(),
                    file: other.clone(),
                    other: s.file.clone(),
                });
            }
        }
    }
    let planned = first.report.run.shard.map_or(0, |f| f.cases);
    if cases.len() != planned {
        return Err(MergeError::Incomplete {
            got: cases.len(),
            expected: planned,
        });
    }
    let mut merged: Vec<CaseReport> = cases.into_values().map(|(c, _)| c.clone()).collect();
    let choices = choice_failures(&merged, &shards);
    // The parts in the order a run runs them.
    let count = first.report.run.shard.map_or(0, |f| f.count);
    for part in properties::Part::ALL {
        if let Some(reports) = parts.get(part.result_name().as_str()) {
            merged.push(merge_part(reports, count));
        }
    }
    let mut totals = Totals {
        failed: choices.len(),
        missing_snapshots: shards.iter().map(|s| s.report.totals.missing_snapshots).sum(),
        ..Totals::default()
    };
    for c in &merged {
        match c.outcome.as_str() {
            "passed" => totals.passed += 1,
            "failed" => totals.failed += 1,
            "unsupported" => totals.unsupported += 1,
            _ => totals.skipped += 1,
        }
    }
    let endpoints: BTreeSet<&str> = shards.iter().map(|s| s.report.endpoint.as_str()).collect();
    Ok(RunReport {
        schema_version: SCHEMA_VERSION,
        target: first.report.target.clone(),
        version: first.report.version.clone(),
        endpoint: endpoints.into_iter().collect::<Vec<_>>().join(", "),
        totals,
        cases: merged,
        choices,
        run: RunFacts {
            date: Some(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            interrupted: shards.iter().any(|s| s.report.run.interrupted),
            shard: None,
            ..first.report.run.clone()
        },
        verdict: None,
    })
}

/// The reports checked to be the N shards of one campaign, in shard order.
fn in_order(shards: &[ShardReport]) -> Result<Vec<&ShardReport>, MergeError> {
    let first = shards.first().ok_or(MergeError::Nothing)?;
    let mut by_index: BTreeMap<u32, &ShardReport> = BTreeMap::new();
    for s in shards {
        if s.report.schema_version != SCHEMA_VERSION {
            return Err(MergeError::Version {
                file: s.file.clone(),
                found: s.report.schema_version,
            });
        }
        let facts = s
            .report
            .run
            .shard
            .ok_or_else(|| MergeError::NotAShard { file: s.file.clone() })?;
        let first_facts = first.report.run.shard.ok_or_else(|| MergeError::NotAShard {
            file: first.file.clone(),
        })?;
        let differs = |what: &'static str, found: String, expected: String| MergeError::Differs {
            file: s.file.clone(),
            first: first.file.clone(),
            what,
            found,
            expected,
        };
        let (run, first_run) = (&s.report.run, &first.report.run);
        let same: [(&'static str, String, String); 7] = [
            (
                "the number of shards",
                facts.count.to_string(),
                first_facts.count.to_string(),
            ),
            (
                "the number of spec cases",
                facts.cases.to_string(),
                first_facts.cases.to_string(),
            ),
            ("the seed", format!("{:?}", run.seed), format!("{:?}", first_run.seed)),
            (
                "--cases",
                format!("{:?}", run.generated_cases),
                format!("{:?}", first_run.generated_cases),
            ),
            (
                "--duration",
                format!("{:?}", run.duration),
                format!("{:?}", first_run.duration),
            ),
            ("the pins", format!("{:?}", run.pins), format!("{:?}", first_run.pins)),
            ("the target", s.report.target.clone(), first.report.target.clone()),
        ];
        if let Some((what, found, expected)) = same.into_iter().find(|(_, a, b)| a != b) {
            return Err(differs(what, found, expected));
        }
        if let Some(other) = by_index.insert(facts.index, s) {
            return Err(MergeError::Twice {
                file: other.file.clone(),
                other: s.file.clone(),
                shard: format!("{}/{}", facts.index, facts.count),
            });
        }
    }
    let count = first.report.run.shard.map_or(0, |f| f.count);
    if let Some(index) = (1..=count).find(|k| !by_index.contains_key(k)) {
        return Err(MergeError::Missing { index, count });
    }
    Ok(by_index.into_values().collect())
}

fn is_part(name: &str) -> bool {
    name.strip_prefix(properties::AREA)
        .is_some_and(|rest| rest.starts_with("::"))
}

/// One part from its shards' results (in shard order), of `count` shards.
fn merge_part(reports: &[(u32, &CaseReport)], count: u32) -> CaseReport {
    let checked: u64 = reports.iter().filter_map(|(_, c)| c.drawn.map(|d| d.checked)).sum();
    let mut out = pick(reports).clone();
    out.requests = reports.iter().map(|(_, c)| c.requests).sum();
    out.duration_ms = reports.iter().map(|(_, c)| c.duration_ms).fold(0.0, f64::max);
    out.drawn = out.drawn.map(|d| Drawn { checked, ..d });
    let skipped: Vec<(u32, &str)> = reports
        .iter()
        .filter(|(_, c)| c.outcome == "skipped")
        .map(|(k, c)| (*k, c.reason.as_deref().unwrap_or("skipped")))
        .collect();
    // A shard that reports no result for the part (stopped before it) judged nothing of it.
    let absent: Vec<(u32, &str)> = (1..=count)
        .filter(|k| !reports.iter().any(|(i, _)| i == k))
        .map(|k| (k, "the shard's report has no result for it"))
        .collect();
    let unjudged: Vec<(u32, &str)> = skipped.into_iter().chain(absent).collect();
    if out.outcome == "passed" && !unjudged.is_empty() {
        // A slice nobody judged leaves the campaign unjudged there: no pass.
        out.outcome = "failed".into();
        out.kind = Some(crate::failure::FailureKind::Unjudged.name().to_string());
        out.reason = Some(format!(
            "not judged on shard{} {}: {}",
            if unjudged.len() == 1 { "" } else { "s" },
            unjudged
                .iter()
                .map(|(k, _)| k.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            unjudged[0].1
        ));
    }
    out
}

/// The shard result that stands for the part: the failure first in draw order, else the first
/// failure, else the first unsupported, else a pass (where any), else the first skip.
fn pick<'a>(reports: &[(u32, &'a CaseReport)]) -> &'a CaseReport {
    fn by<'a, 'b>(reports: &'b [(u32, &'a CaseReport)], outcome: &'b str) -> impl Iterator<Item = &'a CaseReport> + 'b {
        reports.iter().map(|(_, c)| *c).filter(move |c| c.outcome == outcome)
    }
    by(reports, "failed")
        .filter(|c| c.drawn.and_then(|d| d.failed_at).is_some())
        .min_by_key(|c| c.drawn.and_then(|d| d.failed_at))
        .or_else(|| by(reports, "failed").next())
        .or_else(|| by(reports, "unsupported").next())
        .or_else(|| by(reports, "passed").next())
        .unwrap_or(reports[0].1)
}

/// The choice checks judged again over every shard's cases, with the shards' own failures of
/// checks that cannot be (the target's).
fn choice_failures(cases: &[CaseReport], shards: &[&ShardReport]) -> Vec<ChoiceFailure> {
    // The cases as results (only their observations count here).
    let results: Vec<CaseResult> = cases.iter().map(CaseReport::result).collect();
    let all: Vec<&CaseResult> = results.iter().collect();
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for choice in held_choices(&results) {
        if let Err(f) = check_choice(choice, &all) {
            out.insert(format!("choices::{choice}"), f.message);
        }
    }
    let mut kinds: BTreeMap<String, Vec<&CaseResult>> = BTreeMap::new();
    for (c, r) in cases.iter().zip(&results) {
        if let Some(kind) = &c.open_error_kind {
            kinds.entry(kind.clone()).or_default().push(r);
        }
    }
    kinds.retain(|_, v| v.len() > 1);
    if let Err(f) = check_error_types(&kinds) {
        out.insert(format!("choices::{}", choices::OPEN_ERROR_TYPE), f.message);
    }
    // What only the shard itself could judge (the target's ids): as it said.
    for s in shards {
        for c in &s.report.choices {
            if !c.name.starts_with("choices::") {
                out.entry(c.name.clone()).or_insert_with(|| c.reason.clone());
            }
        }
    }
    out.into_iter()
        .map(|(name, reason)| ChoiceFailure {
            name,
            reason,
            verdict: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{ObservationReport, ShardFacts};

    fn case(name: &str, outcome: &str, observed: Option<(&str, &str)>) -> CaseReport {
        CaseReport {
            name: name.into(),
            outcome: outcome.into(),
            reason: None,
            kind: None,
            choice: None,
            operation: None,
            decided_by: None,
            observations: observed
                .map(|(c, o)| ObservationReport {
                    choice: Some(c.into()),
                    option: o.into(),
                })
                .into_iter()
                .collect(),
            requests: 1,
            duration_ms: 1.0,
            description: None,
            source: None,
            cite: None,
            expects: None,
            exchange: None,
            counterexample: None,
            drawn: None,
            open_error_kind: None,
            verdict: None,
            missing_snapshot: None,
            broke_pin: None,
        }
    }

    fn shard(index: u32, count: u32, cases: Vec<CaseReport>) -> ShardReport {
        let mut report = RunReport::new("t", "v", "http://127.0.0.1:1", &[], &[], &|_| Default::default());
        report.cases = cases;
        report.run.seed = Some(7);
        report.run.shard = Some(ShardFacts { index, count, cases: 4 });
        ShardReport {
            file: format!("shard-{index}.json").into(),
            report,
        }
    }

    fn part(outcome: &str, checked: u64, failed_at: Option<u64>, reason: &str) -> CaseReport {
        let mut c = case("properties::model-based", outcome, None);
        c.drawn = Some(Drawn { checked, failed_at });
        c.reason = (!reason.is_empty()).then(|| reason.to_string());
        c
    }

    #[test]
    fn a_choice_answered_two_ways_on_two_machines_fails_the_merged_result() {
        let one = shard(
            1,
            2,
            vec![
                case("a::x", "passed", Some(("executed-after-bound", "inclusive"))),
                case("a::z", "passed", None),
            ],
        );
        let two = shard(
            2,
            2,
            vec![
                case("a::y", "passed", Some(("executed-after-bound", "exclusive"))),
                case("a::w", "passed", None),
            ],
        );
        let merged = merge(&[two.clone(), one.clone()]).unwrap();
        assert_eq!(merged.choices.len(), 1, "{:?}", merged.choices);
        assert_eq!(merged.choices[0].name, "choices::executed-after-bound");
        assert!(merged.choices[0].reason.contains("a::x") && merged.choices[0].reason.contains("a::y"));
        assert_eq!((merged.totals.passed, merged.totals.failed), (4, 1));
        assert_eq!(
            merged.cases.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            ["a::w", "a::x", "a::y", "a::z"]
        );
    }

    #[test]
    fn the_first_failure_in_draw_order_across_shards_stands_for_the_part() {
        let one = shard(
            1,
            3,
            vec![case("a::x", "passed", None), part("failed", 5, Some(12), "later")],
        );
        let two = shard(
            2,
            3,
            vec![case("a::y", "passed", None), part("failed", 3, Some(7), "first")],
        );
        let three = shard(
            3,
            3,
            vec![
                case("a::z", "passed", None),
                case("a::w", "passed", None),
                part("passed", 9, None, ""),
            ],
        );
        let merged = merge(&[one, two, three]).unwrap();
        let p = merged.cases.last().unwrap();
        assert_eq!(p.reason.as_deref(), Some("first"));
        assert_eq!(
            p.drawn,
            Some(Drawn {
                checked: 17,
                failed_at: Some(7)
            })
        );
    }

    #[test]
    fn a_slice_skipped_on_one_machine_is_no_pass() {
        let mut skip = part("skipped", 0, None, "the target does not offer the fixture protocol v1");
        skip.drawn = None;
        let one = shard(
            1,
            2,
            vec![
                case("a::x", "passed", None),
                case("a::y", "passed", None),
                part("passed", 4, None, ""),
            ],
        );
        let two = shard(
            2,
            2,
            vec![case("a::z", "passed", None), case("a::w", "passed", None), skip],
        );
        let merged = merge(&[one, two]).unwrap();
        let p = merged.cases.last().unwrap();
        assert_eq!(p.outcome, "failed");
        assert!(
            p.reason.as_deref().unwrap().starts_with("not judged on shard 2"),
            "{p:?}"
        );
    }

    #[test]
    fn a_part_one_shard_never_reported_is_no_pass() {
        let one = shard(
            1,
            2,
            vec![
                case("a::x", "passed", None),
                case("a::y", "passed", None),
                part("passed", 4, None, ""),
            ],
        );
        let two = shard(2, 2, vec![case("a::z", "passed", None), case("a::w", "passed", None)]);
        let merged = merge(&[one, two]).unwrap();
        let p = merged.cases.last().unwrap();
        assert_eq!(
            (p.outcome.as_str(), p.kind.as_deref()),
            ("failed", Some("unjudged")),
            "{p:?}"
        );
        assert!(
            p.reason
                .as_deref()
                .unwrap()
                .contains("shard 2: the shard's report has no result"),
            "{p:?}"
        );
    }

    #[test]
    fn reports_that_are_not_one_campaign_are_refused() {
        let one = || shard(1, 2, vec![case("a::x", "passed", None), case("a::y", "passed", None)]);
        let two = || shard(2, 2, vec![case("a::z", "passed", None), case("a::w", "passed", None)]);
        assert!(matches!(
            merge(&[one()]),
            Err(MergeError::Missing { index: 2, count: 2 })
        ));
        assert!(matches!(merge(&[one(), one()]), Err(MergeError::Twice { .. })));
        let mut other_seed = two();
        other_seed.report.run.seed = Some(8);
        assert!(matches!(
            merge(&[one(), other_seed]),
            Err(MergeError::Differs { what: "the seed", .. })
        ));
        let overlapping = shard(2, 2, vec![case("a::x", "passed", None), case("a::w", "passed", None)]);
        assert!(matches!(merge(&[one(), overlapping]), Err(MergeError::Overlap { .. })));
        let short = shard(2, 2, vec![case("a::z", "passed", None)]);
        assert!(matches!(
            merge(&[one(), short]),
            Err(MergeError::Incomplete { got: 3, expected: 4 })
        ));
        let mut whole = one();
        whole.report.run.shard = None;
        assert!(matches!(merge(&[whole]), Err(MergeError::NotAShard { .. })));
    }
}
