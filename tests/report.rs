//! The reports a run writes, read as other tools and people read them: the JSON report holds to
//! its documented schema (`docs/report-schema.json`), and the HTML page, parsed by a real HTML
//! parser, shows every case of the JSON report, never a credential, and escapes what a target
//! says (`<script>` in an error message or in StatusDetails runs nothing).

mod common;

use std::process::Command;

use common::{NONE, Variant, serve_variant};
use scraper::{Html, Selector};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_ssm-conformance");
const SECRET: &str = "wJalrXUtnFEMI-secret-that-must-not-leak";
const INJECTED: &str = "<script>alert('pwned')</script><img src=x onerror=alert(1)>";

/// A target that answers markup where a person will read it: in every validation message, and
/// in the StatusDetails of every listed execution.
fn hostile() -> Variant {
    Variant {
        name: "markup-in-answers",
        result: Some(|_, _, answer| match answer {
            Err(mut e) => {
                e.message = format!("{INJECTED} {}", e.message);
                Err(e)
            }
            Ok(mut v) => {
                for x in common::listed_executions(&mut v) {
                    x["StatusDetails"] = json!(INJECTED);
                }
                Ok(v)
            }
        }),
        ..NONE
    }
}

/// Run the binary against `url` with both reports; returns the JSON report, the page and the
/// exit code.
fn reports(url: &str, extra: &[&str]) -> (Value, String, i32) {
    let dir = tempfile::tempdir().unwrap();
    let (json_file, html_file) = (dir.path().join("run.json"), dir.path().join("run.html"));
    let out = Command::new(BIN)
        .args(["run", "--endpoint", url, "--no-properties"])
        .args(extra)
        .arg("--report-json")
        .arg(&json_file)
        .env("SSM_CONFORMANCE_REPORT_HTML", &html_file)
        .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env_remove("CI")
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json_file).unwrap()).unwrap();
    let page = std::fs::read_to_string(&html_file)
        .unwrap_or_else(|e| panic!("no page ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (report, page, code)
}

fn schema() -> jsonschema::Validator {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("docs/report-schema.json")).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn holds_to_schema(report: &Value) {
    let validator = schema();
    let errors: Vec<String> = validator
        .iter_errors(report)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

#[test]
fn a_passing_run_reports_to_the_schema_and_a_page_of_every_case() {
    let served = serve_variant(NONE);
    let (report, page, code) = reports(&served.url, &["--target-name", "reference"]);
    assert_eq!(code, 0);
    holds_to_schema(&report);
    assert_eq!(report["schema_version"], 4);
    let doc = Html::parse_document(&page);
    let cases = report["cases"].as_array().unwrap();
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let found = doc
            .select(&sel("details.case"))
            .filter(|d| d.value().attr("data-name") == Some(name))
            .count();
        assert_eq!(found, 1, "{name}");
    }
    assert!(page.contains("exit code"), "the header says what the exit code means");
}

#[test]
fn a_failing_hostile_run_is_readable_and_runs_nothing_it_was_sent() {
    let served = serve_variant(hostile());
    let (report, page, code) = reports(&served.url, &[]);
    assert_eq!(code, 1, "the target fails cases");
    holds_to_schema(&report);
    let doc = Html::parse_document(&page);
    // One script, the page's own; no element came from what the target said.
    let scripts: Vec<_> = doc.select(&sel("script")).collect();
    assert_eq!(scripts.len(), 1);
    assert!(!scripts[0].inner_html().contains("pwned"));
    assert_eq!(doc.select(&sel("img")).count(), 0);
    let text: String = doc.root_element().text().collect();
    assert!(text.contains(INJECTED), "what the target said is shown as text");
    // No credential, no signature.
    for secret in [SECRET, "AWS4-HMAC-SHA256", "Signature=", "X-Amz-Security-Token"] {
        assert!(!page.contains(secret), "{secret} in the page");
    }
    // A failing case is open, with its request, its answer and why.
    let failed = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["outcome"] == "failed" && c["exchange"].is_object())
        .expect("a failed case with its exchange");
    let name = failed["name"].as_str().unwrap();
    let details = doc
        .select(&sel("details.case"))
        .find(|d| d.value().attr("data-name") == Some(name))
        .unwrap();
    assert!(details.value().attr("open").is_some(), "{name} is open");
    let rows: Vec<String> = details
        .select(&sel("td:first-child"))
        .map(|td| td.text().collect())
        .collect();
    for row in ["request", "answer", "why"] {
        assert!(rows.iter().any(|r| r == row), "{name} has no {row} row: {rows:?}");
    }
    let areas: Vec<String> = doc
        .select(&sel("#area option"))
        .filter_map(|o| o.value().attr("value").map(str::to_string))
        .collect();
    assert!(areas.contains(&"filters".to_string()), "{areas:?}");
}

/// `parity --html`: the matrix of every case of every report × the targets, each column linked
/// to its run's page where given, each cell the case's outcome there.
#[test]
fn the_parity_page_is_the_matrix_of_cases_and_targets() {
    let good = serve_variant(NONE);
    let bad = serve_variant(hostile());
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (name, url) in [("reference", &good.url), ("<b>hostile</b>", &bad.url)] {
        let file = dir.path().join(format!("{}.json", files.len()));
        let out = Command::new(BIN)
            .args(["run", "--endpoint", url, "--no-properties", "--target-version", name])
            .arg("--report-json")
            .arg(&file)
            .env_remove("CI")
            .output()
            .unwrap();
        assert!(file.exists(), "{}", String::from_utf8_lossy(&out.stderr));
        files.push(file);
    }
    let reports: Vec<Value> = files
        .iter()
        .map(|f| serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap())
        .collect();
    let target = reports[0]["target"].as_str().unwrap().to_string();
    let page = dir.path().join("parity.html");
    let out = Command::new(BIN)
        .args(["parity", "--out"])
        .arg(dir.path().join("PARITY.md"))
        .arg("--html")
        .arg(&page)
        .arg("--link")
        .arg(format!("{target}=reference.html"))
        .args(&files)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = Html::parse_document(&std::fs::read_to_string(&page).unwrap());
    assert_eq!(doc.select(&sel("b")).count(), 0, "a version is text");
    assert!(doc.select(&sel("a[href='reference.html']")).count() >= 1);
    for c in reports[1]["cases"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let row = doc
            .select(&sel("#matrix tr[data-name]"))
            .find(|r| r.value().attr("data-name") == Some(name))
            .unwrap_or_else(|| panic!("{name} has no row"));
        let cells: Vec<String> = row
            .select(&sel("td.cell"))
            .map(|td| td.text().collect::<String>())
            .collect();
        assert_eq!(cells.len(), 2, "{name}");
        assert!(
            cells[1].starts_with(c["outcome"].as_str().unwrap()),
            "{name}: {cells:?}"
        );
    }
}

/// A generated part's shrunk counterexample is in both reports: its history (a table and a
/// timeline), the request, the expected and actual executions side by side, and the command
/// that runs it again.
#[test]
fn a_counterexample_is_shown_with_its_history_and_how_to_run_it_again() {
    let trimmed = common::status_details_trimmed();
    let served = serve_variant(trimmed);
    let dir = tempfile::tempdir().unwrap();
    let (json_file, html_file) = (dir.path().join("run.json"), dir.path().join("run.html"));
    Command::new(BIN)
        .args(["run", "--endpoint", &served.url, "--seed", "20261125", "--quiet"])
        .arg("--report-json")
        .arg(&json_file)
        .arg("--report-html")
        .arg(&html_file)
        .env_remove("CI")
        .output()
        .unwrap();
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json_file).unwrap()).unwrap();
    holds_to_schema(&report);
    let part = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "properties::model-based")
        .unwrap();
    assert_eq!(part["outcome"], "failed");
    let cx = &part["counterexample"];
    assert!(cx["history"].as_array().is_some_and(|h| !h.is_empty()), "{cx}");
    assert!(cx["reproduce"].as_str().unwrap().contains("--seed 20261125"), "{cx}");
    let doc = Html::parse_document(&std::fs::read_to_string(&html_file).unwrap());
    let details = doc
        .select(&sel("details.case"))
        .find(|d| d.value().attr("data-name") == Some("properties::model-based"))
        .unwrap();
    assert!(details.select(&sel("div.timeline")).count() >= 1);
    let text: String = details.text().collect();
    assert!(
        text.contains("expected (a correct target)") && text.contains("--seed 20261125"),
        "{text}"
    );
}
