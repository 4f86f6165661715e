//! PARITY.md: one row per case, one column per target — pass, fail, unsupported, skipped, and
//! the option a target took where the case's choice is open — with totals and the choices the
//! oracle observed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::RunReport;

fn cell(report: &RunReport, name: &str) -> String {
    let Some(case) = report.cases.iter().find(|c| c.name == name) else {
        return "—".into();
    };
    let word = match case.outcome.as_str() {
        "passed" => "pass",
        "failed" => "**FAIL**",
        other => other,
    };
    match case
        .choice
        .as_ref()
        .and_then(|c| case.observations.iter().find(|o| o.choice.as_ref() == Some(c)))
    {
        Some(o) => format!("{word} ({})", o.option),
        None => word.to_string(),
    }
}

/// The operation a case is counted under: where a step's request decided its outcome (its answer
/// failed, or the target lacks it), that step's; else the case's own.
fn counted_under(c: &super::json::CaseReport) -> Option<&str> {
    c.decided_by.as_deref().or(c.operation.as_deref())
}

/// What the tables say of [`counted_under`].
const COUNTED_UNDER: &str = "a case counts under its own request's operation, or, where a step's request decided a failure or an unsupported case, under that step's";

/// Per operation, each target's passed / failed / unsupported / skipped spec cases (reports of
/// runs that did not name operations have no such table).
fn by_operation(out: &mut String, reports: &[RunReport]) {
    let operations: BTreeSet<&str> = reports
        .iter()
        .flat_map(|r| r.cases.iter().filter_map(counted_under))
        .collect();
    if operations.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n## By operation\n\nSpec cases per operation, as passed / failed / unsupported / skipped ({COUNTED_UNDER}; the generated phase's parts span operations and are counted only in the totals).\n"
    );
    let _ = write!(out, "| operation |");
    for r in reports {
        let _ = write!(out, " {} |", r.target);
    }
    let _ = writeln!(out, "\n|---|{}", "---|".repeat(reports.len()));
    for operation in operations {
        let _ = write!(out, "| {operation} |");
        for r in reports {
            let count = |outcome: &str| {
                r.cases
                    .iter()
                    .filter(|c| counted_under(c) == Some(operation) && c.outcome == outcome)
                    .count()
            };
            let _ = write!(
                out,
                " {} / {} / {} / {} |",
                count("passed"),
                count("failed"),
                count("unsupported"),
                count("skipped")
            );
        }
        let _ = writeln!(out);
    }
}

/// Per target, per operation it gets wrong ([`counted_under`]): how many of its cases fail, by
/// kind, and the first one's description; then its unsupported cases, counted by that operation,
/// in a line. The first screen of the page.
fn what_each_gets_wrong(out: &mut String, reports: &[RunReport]) {
    let wrong: Vec<&RunReport> = reports
        .iter()
        .filter(|r| {
            r.cases
                .iter()
                .any(|c| c.outcome == "failed" || c.outcome == "unsupported")
        })
        .collect();
    if wrong.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n## What each target gets wrong\n\nPer operation ({COUNTED_UNDER}), the spec cases that fail, by kind of failure, with the first one's description; then the cases left unsupported. The rows of the cases are below.\n"
    );
    for r in wrong {
        let _ = writeln!(out, "### {} ({})\n", r.target, r.version);
        let mut failed: BTreeMap<&str, Vec<&super::json::CaseReport>> = BTreeMap::new();
        let mut unsupported: BTreeMap<&str, usize> = BTreeMap::new();
        for c in &r.cases {
            let operation = counted_under(c).unwrap_or("(generated phase and checks)");
            match c.outcome.as_str() {
                "failed" => failed.entry(operation).or_default().push(c),
                "unsupported" => *unsupported.entry(operation).or_default() += 1,
                _ => {}
            }
        }
        if !failed.is_empty() {
            let _ = writeln!(out, "| operation | failed | by kind | for example |\n|---|---|---|---|");
            for (operation, cases) in &failed {
                let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
                for c in cases {
                    *kinds.entry(c.kind.as_deref().unwrap_or("other")).or_default() += 1;
                }
                let mut kinds: Vec<(&str, usize)> = kinds.into_iter().collect();
                kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
                let by_kind: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
                let first = cases[0];
                let example = match &first.description {
                    Some(d) => format!("`{}`: {}", first.name, d.replace('|', "\\|")),
                    None => format!("`{}`", first.name),
                };
                let _ = writeln!(
                    out,
                    "| {operation} | {} | {} | {example} |",
                    cases.len(),
                    by_kind.join(", ")
                );
            }
            let _ = writeln!(out);
        }
        if !unsupported.is_empty() {
            let listed: Vec<String> = unsupported.iter().map(|(o, n)| format!("{o} ({n})")).collect();
            let _ = writeln!(
                out,
                "Unsupported (a case sends an operation the target does not implement), by that operation: {}.\n",
                listed.join(", ")
            );
        }
    }
    // One blank line before the next section, which opens with its own.
    while out.ends_with("\n\n") {
        out.pop();
    }
}

/// The parity table for `reports`, in column order; `date` heads it.
pub(crate) fn parity_markdown(reports: &[RunReport], date: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Parity: the maintenance-window API\n");
    let _ = writeln!(
        out,
        "Written by `cargo xtask parity` on {date}. Each column is one run (its case count in the totals below: a filtered run holds fewer); a cell is \
         the case's outcome, and where AWS leaves the answer open, the option the target took.\n"
    );
    let _ = writeln!(out, "| target | what | passed | failed | unsupported | skipped |");
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for r in reports {
        let t = &r.totals;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            r.target, r.version, t.passed, t.failed, t.unsupported, t.skipped
        );
    }
    what_each_gets_wrong(&mut out, reports);
    by_operation(&mut out, reports);
    let names: Vec<&str> = {
        let mut seen = BTreeSet::new();
        reports
            .iter()
            .flat_map(|r| r.cases.iter().map(|c| c.name.as_str()))
            .filter(|n| seen.insert(*n))
            .collect()
    };
    let _ = writeln!(out, "\n## Choices left open by AWS, as each target answered them\n");
    let _ = write!(out, "| choice |");
    for r in reports {
        let _ = write!(out, " {} |", r.target);
    }
    let _ = writeln!(out, "\n|---|{}", "---|".repeat(reports.len()));
    let per_target: Vec<BTreeMap<&str, BTreeSet<&str>>> = reports
        .iter()
        .map(|r| {
            let mut m: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for o in r
                .cases
                .iter()
                .filter(|c| c.outcome == "passed")
                .flat_map(|c| &c.observations)
            {
                if let Some(choice) = &o.choice {
                    m.entry(choice).or_default().insert(&o.option);
                }
            }
            m
        })
        .collect();
    let choices: BTreeSet<&str> = per_target.iter().flat_map(|m| m.keys().copied()).collect();
    for choice in choices {
        let _ = write!(out, "| {choice} |");
        for m in &per_target {
            let options = m.get(choice).map(|s| s.iter().copied().collect::<Vec<_>>().join(", "));
            let _ = write!(out, " {} |", options.unwrap_or_else(|| "—".into()));
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "\n## Cases\n");
    let _ = write!(out, "| case |");
    for r in reports {
        let _ = write!(out, " {} |", r.target);
    }
    let _ = writeln!(out, "\n|---|{}", "---|".repeat(reports.len()));
    for name in names {
        let _ = write!(out, "| `{name}` |");
        for r in reports {
            let _ = write!(out, " {} |", cell(r, name));
        }
        let _ = writeln!(out);
    }
    let failures: Vec<(&str, &str, &str)> = reports
        .iter()
        .flat_map(|r| {
            r.choices
                .iter()
                .map(move |c| (r.target.as_str(), c.name.as_str(), c.reason.as_str()))
        })
        .collect();
    if !failures.is_empty() {
        let _ = writeln!(out, "\n## Checks beyond the cases\n");
        for (target, name, why) in failures {
            let _ = writeln!(out, "- {target}, `{name}`: {why}");
        }
    }
    let _ = writeln!(
        out,
        "\n**Totals** — {}",
        reports
            .iter()
            .map(|r| format!("{}: {} of {} passed", r.target, r.totals.passed, r.cases.len()))
            .collect::<Vec<_>>()
            .join("; ")
    );
    out
}
