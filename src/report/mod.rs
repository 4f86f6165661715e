//! The human summary of a run: failures with their context, observations, totals.

use std::collections::BTreeMap;
use std::io::Write;

use crate::outcome::{CaseResult, Outcome};

/// Counts of a run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Totals {
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed (and failed choice checks).
    pub failed: usize,
    /// Cases the target could not serve (operation not implemented).
    pub unsupported: usize,
    /// Cases whose needs the target cannot meet.
    pub skipped: usize,
    /// Passing cases with no snapshot yet to compare (a target new to the suite).
    #[serde(default)]
    pub missing_snapshots: usize,
}

impl Totals {
    /// Count results; `extra_failures` are failures beyond the cases (choice checks).
    pub fn of(results: &[CaseResult], extra_failures: usize) -> Self {
        let mut t = Totals {
            failed: extra_failures,
            ..Self::default()
        };
        for r in results {
            t.missing_snapshots += usize::from(r.missing_snapshot.is_some());
            match r.outcome {
                Outcome::Passed => t.passed += 1,
                Outcome::Failed(_) => t.failed += 1,
                Outcome::Unsupported(_) => t.unsupported += 1,
                Outcome::Skipped(_) => t.skipped += 1,
            }
        }
        t
    }

    /// 0 when everything applicable passed, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        u8::from(self.failed > 0 || self.unsupported > 0)
    }
}

/// Write the summary: each failure once, an unsupported target in one line, skipped cases grouped
/// by reason, observed choices, and the totals line.
pub fn write_summary(
    out: &mut dyn Write,
    target: &str,
    results: &[CaseResult],
    choice_failures: &[(String, String)],
) -> std::io::Result<Totals> {
    let totals = Totals::of(results, choice_failures.len());
    // The same failure for many cases (an unreachable endpoint) is written once.
    let mut failures: Vec<(&str, crate::failure::FailureKind, Vec<&str>)> = Vec::new();
    for r in results {
        if let Outcome::Failed(failure) = &r.outcome {
            let why = failure.message.as_str();
            match failures.iter_mut().find(|(w, _, _)| *w == why) {
                Some((_, _, names)) => names.push(&r.name),
                None => failures.push((why, failure.kind, vec![&r.name])),
            }
        }
    }
    // Each block says which check failed ([paging], [member], …), as expectations can pin it.
    for (why, kind, names) in &failures {
        let who = match names.as_slice() {
            [one] => one.to_string(),
            many if many.len() <= 8 => format!("({} cases: {})", many.len(), many.join(", ")),
            many => format!("({} cases: {}, …)", many.len(), many[..8].join(", ")),
        };
        writeln!(out, "FAIL {who} [{kind}]\n  {}\n", why.replace('\n', "\n  "))?;
    }
    for (name, why) in choice_failures {
        let kind = if name.starts_with("target::") {
            "target"
        } else {
            "choice"
        };
        writeln!(out, "FAIL {name} [{kind}]\n  {why}\n")?;
    }
    let mut unsupported: BTreeMap<&str, usize> = BTreeMap::new();
    let mut skipped: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut observed: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for r in results {
        match &r.outcome {
            Outcome::Unsupported(why) => *unsupported.entry(why).or_default() += 1,
            Outcome::Skipped(skip) => skipped.entry(&skip.message).or_default().push(&r.name),
            _ => {}
        }
        for o in &r.observations {
            let key = match &o.choice {
                Some(c) => format!("{c} = {}", o.option),
                None => format!("error type {}", o.option),
            };
            observed.entry(key).or_default().push(&r.name);
        }
    }
    for (why, n) in &unsupported {
        writeln!(out, "UNSUPPORTED ({n} cases): {why}")?;
    }
    for (why, names) in &skipped {
        writeln!(out, "SKIPPED ({} cases: {}): {why}", names.len(), names.join(", "))?;
    }
    if !observed.is_empty() {
        writeln!(out, "observed where AWS leaves the choice open:")?;
        for (what, names) in &observed {
            let more = names.len().saturating_sub(4);
            let shown = names[..names.len() - more].join(", ");
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            writeln!(out, "  {what}  ({shown}{more})")?;
        }
    }
    if let Some(file) = results.iter().find_map(|r| r.missing_snapshot.as_ref()) {
        let dir = file.parent().unwrap_or(file);
        let name = dir.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
        writeln!(
            out,
            "SNAPSHOTS: {} cases have no snapshot yet in {} (judged without one); record them with \
             `--update-snapshots` or `cargo xtask snapshots {name}`",
            totals.missing_snapshots,
            dir.display()
        )?;
    }
    writeln!(
        out,
        "{target}: {} passed, {} failed, {} unsupported, {} skipped",
        totals.passed, totals.failed, totals.unsupported, totals.skipped
    )?;
    // A skip is not a failure, but a run that never judged data must not read as a full pass.
    let unjudged: Vec<&str> = results
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Skipped(s) if s.reason.leaves_data_unjudged() => Some(s.message.as_str()),
            _ => None,
        })
        .collect();
    if !unjudged.is_empty() {
        // The advice the skips call for: a target with v1 lacks only v2's tasks and invocations.
        let advice = if unjudged.iter().all(|m| m.contains("v2")) {
            "implement the fixture protocol v2 (docs/fixture-protocol.md), which seeds tasks and invocations"
        } else if unjudged.iter().any(|m| m.contains("fixture protocol")) {
            "implement the fixture protocol (docs/fixture-protocol.md) or give --window-id"
        } else {
            "give the target data to relate (the fixture protocol, or a --window-id with executions)"
        };
        writeln!(
            out,
            "{} of {} cases skipped: the data-dependent behaviour (filters, ordering, paging, the generated \
             phase) was not judged — {advice} (--require-data makes this a failure)",
            unjudged.len(),
            results.len()
        )?;
    }
    Ok(totals)
}

mod html;
mod json;
mod junit;
mod parity;

pub(crate) use html::{parity_html, run_html};
pub use json::CaseFacts;
pub(crate) use json::SCHEMA_VERSION;
pub use json::{CaseReport, ChoiceFailure, ExchangeReport, ObservationReport, RunFacts, RunReport, ShardFacts};
pub(crate) use junit::junit_xml;
pub(crate) use parity::parity_markdown;
