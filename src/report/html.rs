//! The run as one HTML page a person opens from disk (`--report-html FILE`): the header (target,
//! seed, pins, date, totals, what the exit code means), the areas with their counts, every case
//! expandable to its description, source, request and answer and why it failed, the open
//! choices the target took, and the generated parts with their counterexamples. Self-contained:
//! styles and the one script inline, nothing fetched. It reads without JavaScript
//! (`<details>`); the script only filters. Every text from a case or a target is escaped by
//! maud, so a target answering `<script>` shows it and runs nothing.

use std::collections::BTreeMap;

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::json::{CaseReport, ExchangeReport, RunReport};

const STYLE: &str = r#"
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fafbfc}
header,main{padding:12px 24px}header{background:#fff;border-bottom:1px solid #d0d7de}
h1{font-size:20px;margin:0 0 6px}h2{font-size:16px;margin:22px 0 8px}
table{border-collapse:collapse;background:#fff}td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:left}
.passed{color:#1a7f37}.failed{color:#cf222e}.unsupported{color:#9a6700}.skipped{color:#57606a}
details.case{background:#fff;border:1px solid #d0d7de;border-radius:4px;margin:3px 0;padding:2px 8px}
details.case>summary{cursor:pointer}details.case[data-outcome=failed]{border-left:4px solid #cf222e}
pre{background:#f6f8fa;padding:6px;overflow:auto;max-height:28em;white-space:pre-wrap;word-break:break-all}
.facts td:first-child{font-weight:600;white-space:nowrap;vertical-align:top}
#filters{position:sticky;top:0;background:#fafbfc;padding:6px 0;border-bottom:1px solid #eee}
.hidden{display:none}
.timeline{height:10px;background:#0969da;border-radius:2px;min-width:2px}
"#;

const SCRIPT: &str = r#"
(function(){
  var q=document.getElementById('search'),a=document.getElementById('area'),boxes=document.querySelectorAll('#filters input[type=checkbox]');
  function apply(){
    var text=q.value.toLowerCase(),area=a.value,shown={};
    boxes.forEach(function(b){shown[b.value]=b.checked;});
    document.querySelectorAll('details.case').forEach(function(d){
      var ok=shown[d.dataset.outcome]&&(!area||d.dataset.area===area)&&(!text||d.textContent.toLowerCase().indexOf(text)>=0);
      d.classList.toggle('hidden',!ok);
    });
  }
  q.addEventListener('input',apply);a.addEventListener('change',apply);boxes.forEach(function(b){b.addEventListener('change',apply);});
})();
"#;

/// Outcomes, in the order the page lists them.
const OUTCOMES: [&str; 4] = ["failed", "unsupported", "skipped", "passed"];

/// An endpoint as shown: without credentials a URL may carry (`user:secret@`).
fn area(name: &str) -> &str {
    name.split("::").next().unwrap_or(name)
}

/// A body pretty-printed; a long one folded behind its first lines.
fn body(v: &serde_json::Value) -> Markup {
    let text = match v {
        serde_json::Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    };
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= 40 {
        return html! { pre { (text) } };
    }
    html! {
        pre { (lines[..12].join("\n")) }
        details { summary { "… " (lines.len() - 12) " more lines" } pre { (lines[12..].join("\n")) } }
    }
}

fn exchange(x: &ExchangeReport) -> Markup {
    html! {
        tr { td { "request" } td { "POST / " code { "AmazonSSM." (x.operation) } (body(&x.request)) } }
        tr {
            td { "answer" }
            td {
                "HTTP " (x.status)
                @if let Some(t) = &x.error_type { " " code { (t) } }
                (body(&x.response))
            }
        }
    }
}

/// An instant of the wire (epoch seconds) as a person reads it.
fn instant(v: &serde_json::Value) -> String {
    v.as_f64()
        .and_then(|t| chrono::DateTime::from_timestamp_millis((t * 1000.0).round() as i64))
        .map_or_else(|| "—".into(), |t| t.format("%Y-%m-%d %H:%M:%S%.3f").to_string())
}

/// A shrunk counterexample: its history as a table and a timeline of StartTime to EndTime, the
/// request, what a correct target returns beside what came back, and the command to run it
/// again.
fn counterexample(x: &crate::outcome::ShrunkCase) -> Markup {
    let history: Vec<&serde_json::Value> = x.history.as_array().map(|h| h.iter().collect()).unwrap_or_default();
    let start = |e: &serde_json::Value| e["StartTime"].as_f64().unwrap_or(0.0);
    let end = |e: &serde_json::Value| e["EndTime"].as_f64().unwrap_or_else(|| start(e));
    let lo = history.iter().map(|e| start(e)).fold(f64::INFINITY, f64::min);
    let hi = history.iter().map(|e| end(e)).fold(f64::NEG_INFINITY, f64::max);
    let span = (hi - lo).max(1.0);
    html! {
        tr { td { "history" } td {
            table {
                tr { th { "WindowExecutionId" } th { "Status" } th { "StartTime" } th { "EndTime" } th { "StatusDetails" } th { "timeline" } }
                @for e in &history {
                    @let left = (start(e) - lo) / span * 100.0;
                    @let width = ((end(e) - start(e)) / span * 100.0).max(0.5);
                    tr {
                        td { code { (e["WindowExecutionId"].as_str().unwrap_or("?")) } }
                        td { (e["Status"].as_str().unwrap_or("?")) }
                        td { (instant(&e["StartTime"])) }
                        td { (instant(&e["EndTime"])) }
                        td { code { (e["StatusDetails"].to_string()) } }
                        td style="width:240px" {
                            div.timeline style=(format!("margin-left:{left:.1}%;width:{width:.1}%")) title=(format!("{} to {}", instant(&e["StartTime"]), instant(&e["EndTime"]))) {}
                        }
                    }
                }
            }
        } }
        tr { td { "request" } td { (body(&x.request)) } }
        tr { td { "answers" } td {
            table {
                tr { th { "expected (a correct target)" } th { "actual" } }
                @for i in 0..x.expected.len().max(x.actual.len()) {
                    @let (e, a) = (x.expected.get(i), x.actual.get(i));
                    tr class=[(e != a).then_some("failed")] {
                        td { code { (e.map_or("—", String::as_str)) } }
                        td { code { (a.map_or("—", String::as_str)) } }
                    }
                }
            }
        } }
        tr { td { "again" } td { code { (x.reproduce) } } }
    }
}

fn case(c: &CaseReport) -> Markup {
    html! {
        details.case id={ "case-" (c.name) } data-outcome=(c.outcome) data-area=(area(&c.name)) data-name=(c.name) open[c.outcome == "failed"] {
            summary {
                span class=(c.outcome) { (c.outcome.to_uppercase()) } " " code { (c.name) }
                @if let Some(k) = &c.kind { " [" (k) "]" }
                @if let Some(op) = &c.operation { " · " (op) }
                @if let Some(crate::verdict::Standing::Expected { .. }) = &c.verdict { " · as expected" }
            }
            table.facts {
                @if let Some(crate::verdict::Standing::Expected { listed }) = &c.verdict {
                    tr { td { "expected" } td { "listed in the expectations: " (listed) } }
                }
                @if let Some(crate::verdict::Standing::Failed { why }) = &c.verdict && c.outcome != "failed" {
                    tr { td { "fails the run" } td { (why) } }
                }
                @if let Some(d) = &c.description { tr { td { "case" } td { (d) } } }
                @if let Some(s) = &c.source {
                    tr { td { "source" } td { (s) @if let Some(cite) = &c.cite { " — " code { (cite) } } } }
                }
                @if let Some(e) = &c.expects { tr { td { "expects" } td { (e) } } }
                @if let Some(x) = &c.exchange { (exchange(x)) }
                @if let Some(x) = &c.counterexample { (counterexample(x)) }
                @if !c.observations.is_empty() {
                    tr { td { "took" } td {
                        @for o in &c.observations {
                            code { (o.choice.as_deref().unwrap_or("error type")) " = " (o.option) } " "
                        }
                    } }
                }
                @if let Some(r) = &c.reason { tr { td { "why" } td { pre { (r) } } } }
                tr { td { "cost" } td { (c.requests) " requests, " (format!("{:.0}", c.duration_ms)) " ms" } }
            }
        }
    }
}

/// The page for `report`, its header showing the run's verdict (the report's own, as every
/// report shows it).
pub(crate) fn run_html(report: &RunReport) -> String {
    let mut areas: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
    for c in &report.cases {
        let counts = areas.entry(area(&c.name)).or_default();
        if let Some(i) = OUTCOMES.iter().position(|o| *o == c.outcome) {
            counts[i] += 1;
        }
    }
    // Open choices: choice → option → cases.
    let mut choices: BTreeMap<&str, BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
    for c in &report.cases {
        for o in &c.observations {
            if let Some(choice) = &o.choice {
                choices
                    .entry(choice)
                    .or_default()
                    .entry(&o.option)
                    .or_default()
                    .push(&c.name);
            }
        }
    }
    let t = &report.totals;
    // Reports before schema 4 carry no verdict: their outcomes alone say it.
    let verdict = report.verdict.clone().unwrap_or_else(|| {
        let results: Vec<_> = report.cases.iter().map(CaseReport::result).collect();
        crate::verdict::Verdict::decide(
            &results,
            &[],
            report.run.interrupted,
            &crate::verdict::Policy::default(),
        )
    });
    let meaning = verdict.meaning();
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "ssm-conformance: " (report.target) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { "ssm-conformance — " (report.target) }
                    table.facts {
                        tr { td { "endpoint" } td { code { (crate::client::shown_endpoint(&report.endpoint)) } } }
                        @if !report.version.is_empty() && report.version != "unknown" { tr { td { "target" } td { (report.version) } } }
                        @if let Some(seed) = report.run.seed {
                            tr { td { "seed" } td { code { (seed) } " (reproduce with " code { "--seed " (seed) } ")" } }
                        }
                        tr { td { "pins" } td { (report.run.pins.as_deref().unwrap_or("none")) } }
                        @if let Some(d) = &report.run.date { tr { td { "date" } td { (d) } } }
                        tr { td { "totals" } td {
                            span.passed { (t.passed) " passed" } ", " span.failed { (t.failed) " failed" } ", "
                            span.unsupported { (t.unsupported) " unsupported" } ", " span.skipped { (t.skipped) " skipped" }
                        } }
                        @if !report.run.transport_retries.is_empty() {
                            tr { td { "retried" } td {
                                "after transport errors (a connection dropped before an answer): "
                                @for (what, n) in &report.run.transport_retries { code { (what) } " ×" (n) " " }
                            } }
                        }
                        tr { td { "exit code" } td { (verdict.exit_code) " — " (meaning) } }
                        @for r in &verdict.reasons { tr { td { "why" } td { (r.message) } } }
                    }
                }
                main {
                    div #filters {
                        @for o in OUTCOMES {
                            label class=(o) { input type="checkbox" value=(o) checked; " " (o) } " "
                        }
                        select #area { option value="" { "every area" } @for a in areas.keys() { option value=(a) { (a) } } }
                        " " input #search type="search" placeholder="search cases, requests, answers";
                    }
                    h2 { "Areas" }
                    table {
                        tr { th { "area" } @for o in OUTCOMES { th class=(o) { (o) } } }
                        @for (a, counts) in &areas {
                            tr { td { a href={ "#area-" (a) } { (a) } } @for n in counts { td { (n) } } }
                        }
                    }
                    @if !report.choices.is_empty() {
                        h2 { "Choices answered two ways" }
                        @for f in &report.choices { p.failed { code { (f.name) } } pre { (f.reason) } }
                    }
                    @let broken: Vec<&CaseReport> = report.cases.iter().filter(|c| c.broke_pin.is_some() || c.kind.as_deref() == Some("choice")).collect();
                    @if !broken.is_empty() {
                        h2 { "Pins broken, and choices answered two ways in one answer" }
                        ul { @for c in &broken { li {
                            a href={ "#case-" (c.name) } { code { (c.name) } }
                            @if let Some(pin) = &c.broke_pin {
                                " broke the pin " code { (pin) }
                                @if let Some(taken) = &pin.taken { " (the target took " code { (taken) } ")" }
                            } @else { " answered a choice two ways" }
                        } } }
                    }
                    h2 { "Open choices the target took" }
                    table {
                        tr { th { "choice" } th { "option" } th { "cases" } }
                        @for (choice, options) in &choices {
                            @for (option, names) in options {
                                tr {
                                    td { code { (choice) } }
                                    td { (option) }
                                    td { (names.len()) ": " (names.iter().take(6).copied().collect::<Vec<_>>().join(", ")) @if names.len() > 6 { " …" } }
                                }
                            }
                        }
                    }
                    h2 { "Cases" }
                    @for a in areas.keys() {
                        section id={ "area-" (a) } {
                            h2 { (a) }
                            @for c in report.cases.iter().filter(|c| area(&c.name) == *a) { (case(c)) }
                        }
                    }
                }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    };
    page.into_string()
}

/// The parity page (`parity --html FILE`): wpt.fyi's matrix for this suite — one row per case,
/// one column per target, each cell its outcome (and the option taken, where the case's choice
/// is open); the totals, the spec cases per operation, and the choices each target took side by
/// side. `links` gives, per report, the page of that run (`run --report-html`), linked from its
/// column's head.
pub(crate) fn parity_html(reports: &[RunReport], date: &str, links: &[Option<String>]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for r in reports {
        for c in &r.cases {
            if !names.contains(&c.name.as_str()) {
                names.push(&c.name);
            }
        }
    }
    let cell = |r: &RunReport, name: &str| -> (String, String) {
        let Some(c) = r.cases.iter().find(|c| c.name == name) else {
            return ("missing".into(), "—".into());
        };
        let option = c
            .choice
            .as_ref()
            .and_then(|ch| c.observations.iter().find(|o| o.choice.as_ref() == Some(ch)))
            .map(|o| format!(" ({})", o.option))
            .unwrap_or_default();
        (c.outcome.clone(), format!("{}{option}", c.outcome))
    };
    let operations: std::collections::BTreeSet<&str> = reports
        .iter()
        .flat_map(|r| r.cases.iter().filter_map(|c| c.operation.as_deref()))
        .collect();
    let choices: Vec<BTreeMap<&str, std::collections::BTreeSet<&str>>> = reports
        .iter()
        .map(|r| {
            let mut m: BTreeMap<&str, std::collections::BTreeSet<&str>> = BTreeMap::new();
            for c in r.cases.iter().filter(|c| c.outcome == "passed") {
                for o in &c.observations {
                    if let Some(choice) = &o.choice {
                        m.entry(choice).or_default().insert(&o.option);
                    }
                }
            }
            m
        })
        .collect();
    let all_choices: std::collections::BTreeSet<&str> = choices.iter().flat_map(|m| m.keys().copied()).collect();
    let head = |i: usize, r: &RunReport| -> Markup {
        html! {
            th {
                @match links.get(i).and_then(Option::as_ref) {
                    Some(href) => a href=(href) { (r.target) },
                    None => (r.target),
                }
                @if !r.version.is_empty() && r.version != "unknown" { br; small { (r.version) } }
            }
        }
    };
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "ssm-conformance parity" }
                style { (PreEscaped(STYLE)) (PreEscaped("td.cell{white-space:nowrap}")) }
            }
            body {
                header {
                    h1 { "Parity: the maintenance-window API" }
                    p { "Written on " (date) ". One column per run; a cell is the case's outcome, and where AWS leaves the answer open, the option the target took." }
                }
                main {
                    h2 { "Totals" }
                    table {
                        tr { th { "target" } @for o in OUTCOMES { th class=(o) { (o) } } }
                        @for (i, r) in reports.iter().enumerate() {
                            tr {
                                (head(i, r))
                                td { (r.totals.failed) } td { (r.totals.unsupported) } td { (r.totals.skipped) } td { (r.totals.passed) }
                            }
                        }
                    }
                    @if !operations.is_empty() {
                        h2 { "By operation (passed / failed / unsupported / skipped)" }
                        table {
                            tr { th { "operation" } @for (i, r) in reports.iter().enumerate() { (head(i, r)) } }
                            @for op in &operations {
                                tr {
                                    td { code { (op) } }
                                    @for r in reports {
                                        @let n = |o: &str| r.cases.iter().filter(|c| c.operation.as_deref() == Some(*op) && c.outcome == o).count();
                                        td { (n("passed")) " / " (n("failed")) " / " (n("unsupported")) " / " (n("skipped")) }
                                    }
                                }
                            }
                        }
                    }
                    h2 { "Choices left open by AWS, as each target answered them" }
                    table {
                        tr { th { "choice" } @for (i, r) in reports.iter().enumerate() { (head(i, r)) } }
                        @for choice in &all_choices {
                            tr {
                                td { code { (choice) } }
                                @for m in &choices {
                                    td { (m.get(choice).map(|o| o.iter().copied().collect::<Vec<_>>().join(", ")).unwrap_or_else(|| "—".into())) }
                                }
                            }
                        }
                    }
                    h2 { "Cases" }
                    div #filters { input #search type="search" placeholder="filter cases"; }
                    table #matrix {
                        tr { th { "case" } @for (i, r) in reports.iter().enumerate() { (head(i, r)) } }
                        @for name in &names {
                            tr data-name=(name) {
                                td { code { (name) } }
                                @for r in reports {
                                    @let (outcome, text) = cell(r, name);
                                    td.cell class=(outcome) { (text) }
                                }
                            }
                        }
                    }
                }
                script { (PreEscaped(PARITY_SCRIPT)) }
            }
        }
    };
    page.into_string()
}

const PARITY_SCRIPT: &str = r#"
(function(){
  var q=document.getElementById('search');
  q.addEventListener('input',function(){
    var t=q.value.toLowerCase();
    document.querySelectorAll('#matrix tr[data-name]').forEach(function(r){
      r.classList.toggle('hidden',t&&r.dataset.name.toLowerCase().indexOf(t)<0);
    });
  });
})();
"#;
