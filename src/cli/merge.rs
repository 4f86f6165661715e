//! `ssm-conformance merge`: the shards' reports combined ([`crate::merge`]), its summary, the
//! files asked for, and the exit code one machine's run would have had.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::merge::ShardReport;
use crate::report;

/// Merge `files`; write the merged report where asked; hold it to `expectations` where given.
pub(super) fn merge(
    files: &[PathBuf],
    json: Option<&Path>,
    html: Option<&Path>,
    junit: Option<&Path>,
    expectations: Option<&Path>,
) -> ExitCode {
    let expectations = match expectations.map(crate::expectations::Expectations::load) {
        None => None,
        Some(Ok(e)) => Some(e),
        Some(Err(e)) => return super::fail(e),
    };
    let reports = match super::read_reports(files) {
        Ok(r) => r,
        Err(e) => return super::fail(e),
    };
    let shards: Vec<ShardReport> = files
        .iter()
        .zip(reports)
        .map(|(file, report)| ShardReport {
            file: file.clone(),
            report,
        })
        .collect();
    let mut merged = match crate::merge::merge(&shards) {
        Ok(m) => m,
        Err(e) => return super::fail(e),
    };
    // One machine reports its cases in file order, then the parts: so does the merged run,
    // where the shards ran this binary's specs (a case it does not know goes last, in place).
    if let Ok(cases) = crate::spec::load_dir(&crate::bundle::data_root().join("specs")) {
        let place: std::collections::HashMap<String, usize> =
            cases.iter().enumerate().map(|(i, c)| (c.name(), i)).collect();
        merged
            .cases
            .sort_by_key(|c| place.get(&c.name).copied().unwrap_or(usize::MAX));
    }
    // The merged run as results: the summary and the verdict a run gives its own.
    let results: Vec<_> = merged.cases.iter().map(report::CaseReport::result).collect();
    let checks: Vec<_> = merged
        .choices
        .iter()
        .map(|c| {
            let kind = if c.name.starts_with("target::") {
                crate::failure::FailureKind::Target
            } else {
                crate::failure::FailureKind::Choice
            };
            crate::outcome::CaseResult::new(c.name.clone(), crate::outcome::Outcome::failed(kind, c.reason.clone()))
        })
        .collect();
    let policy = crate::verdict::Policy {
        expectations: expectations.map(std::sync::Arc::new),
        snapshots_required: crate::settings::ci(),
        complete: true,
    };
    let verdict = crate::verdict::Verdict::decide(&results, &checks, merged.run.interrupted, &policy);
    let merged = merged.held_to(&verdict);
    let failed_checks: Vec<(String, String)> = merged
        .choices
        .iter()
        .map(|c| (c.name.clone(), c.reason.clone()))
        .collect();
    let target = format!("{} ({} shards merged)", merged.target, shards.len());
    if let Err(e) = report::write_summary(&mut std::io::stdout().lock(), &target, &results, &failed_checks) {
        return super::fail(format!("cannot write the summary: {e}"));
    }
    let written = super::write_reports(&merged, json, html, junit);
    if let Some(e) = written.into_iter().find_map(Result::err) {
        return super::fail(e);
    }
    super::print_verdict(&merged.target, &verdict);
    ExitCode::from(verdict.exit_code)
}
