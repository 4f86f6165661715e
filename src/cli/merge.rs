//! `ssm-conformance merge`: the shards' reports combined ([`crate::merge`]), its summary, the
//! files asked for, and the exit code one machine's run would have had.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::merge::ShardReport;
use crate::report::{self, RunReport};

/// Merge `files`; write the merged report where asked.
pub(super) fn merge(files: &[PathBuf], json: Option<&Path>, html: Option<&Path>, junit: Option<&Path>) -> ExitCode {
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
    let merged = match crate::merge::merge(&shards) {
        Ok(m) => m,
        Err(e) => return super::fail(e),
    };
    print_summary(&merged, shards.len());
    let code = merged.totals.exit_code();
    let mut written = Vec::new();
    if let Some(f) = json {
        written.push(super::write_file(f, &super::json_text(&merged)));
    }
    if let Some(f) = html {
        written.push(super::write_file(f, &report::run_html(&merged, code)));
    }
    if let Some(f) = junit {
        written.push(
            report::junit_xml(&merged)
                .map_err(|e| e.to_string())
                .and_then(|x| super::write_file(f, &x)),
        );
    }
    if let Some(e) = written.into_iter().find_map(Result::err) {
        return super::fail(e);
    }
    ExitCode::from(code)
}

/// Each failure with its reason, the failed checks, and the totals line.
fn print_summary(merged: &RunReport, shards: usize) {
    for c in merged.cases.iter().filter(|c| c.outcome == "failed") {
        let kind = c.kind.as_deref().unwrap_or("failed");
        let why = c.reason.as_deref().unwrap_or_default();
        println!("FAIL {} [{kind}]\n  {}\n", c.name, why.replace('\n', "\n  "));
    }
    for c in &merged.choices {
        println!("FAIL {}\n  {}\n", c.name, c.reason.replace('\n', "\n  "));
    }
    let t = merged.totals;
    println!(
        "{} ({shards} shards merged): {} passed, {} failed, {} unsupported, {} skipped",
        merged.target, t.passed, t.failed, t.unsupported, t.skipped
    );
}
