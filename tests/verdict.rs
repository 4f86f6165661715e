//! One verdict, and every edge tells the truth (issue 28): the run decides its exit code once,
//! and the closing line, the JSON report, JUnit and the HTML page all show it; set-up errors
//! exit 2 with a hint and still write the reports asked for; what is printed or written never
//! holds an endpoint's credentials. Each test reproduces what went wrong before.

mod common;

use std::path::Path;

use common::cli::scratch;
use common::raw::{Reply, serve};
use common::{NONE, serve_variant, statuses_lower_cased};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_ssm-conformance");

/// The binary in `cwd` with `args` and `env`, the suite's variables cleared.
fn run_in(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    common::cli::run_in(BIN, cwd, args, env)
}

fn read(file: &Path) -> String {
    std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// A gate held to its expectations passes with exit 0, and every report says so: JUnit has no
/// failure (the expected ones are skipped, "expected"), the page's header names the
/// expectations, the JSON report carries the verdict and each case's standing. Before, the
/// JUnit of such a gate said `failures="77"` and the page "exit code 1 — some case failed".
#[test]
fn a_gate_that_passes_on_its_expectations_says_so_in_every_report() {
    let served = serve_variant(statuses_lower_cased());
    let (_tmp, dir) = scratch("verdict-gate");
    let base = [
        "run",
        "--endpoint",
        &served.url,
        "--target-name",
        "gate",
        "--no-properties",
        "filter_semantics::",
    ];
    let (code, out, err) = run_in(&dir, &[&base[..], &["--write-expectations", "gate.json"]].concat(), &[]);
    assert_eq!(code, 1, "the fault fails cases: {out}{err}");
    assert!(
        out.contains("wrote gate.json ("),
        "--write-expectations says what it wrote: {out}"
    );
    let listed: Value = serde_json::from_str(&read(&dir.join("gate.json"))).unwrap();
    let n = listed["cases"].as_object().unwrap().len();
    assert!(n > 0, "{listed}");

    let reports = ["--junit", "j.xml", "--report-html", "r.html", "--report-json", "r.json"];
    let (code, out, err) = run_in(
        &dir,
        &[&base[..], &["--expectations", "gate.json"], &reports[..]].concat(),
        &[],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(&format!("every result as expected ({n} listed as not passing)")),
        "{out}"
    );
    let junit = read(&dir.join("j.xml"));
    assert!(
        junit.contains("failures=\"0\"") && junit.contains("errors=\"0\""),
        "{junit}"
    );
    assert!(junit.contains("expected failed (listed:"), "{junit}");
    let html = read(&dir.join("r.html"));
    assert!(
        html.contains("every result as expected"),
        "the header shows the verdict"
    );
    assert!(!html.contains("some case failed"), "the header shows the verdict");
    let json: Value = serde_json::from_str(&read(&dir.join("r.json"))).unwrap();
    assert_eq!(json["verdict"]["exit_code"], 0);
    assert_eq!(json["verdict"]["expected"], n);
    let expected = json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["verdict"]["standing"] == "expected")
        .count();
    assert_eq!(expected, n);
}

/// CI=true: missing snapshots fail the run whether or not it is held to expectations (before,
/// the same run with `--expectations` exited 0, "every result as expected").
#[test]
fn missing_snapshots_fail_under_ci_with_expectations_too() {
    let (_tmp, dir) = scratch("verdict-ci");
    let base = ["run", "--target-name", "ref2", "--no-properties", "filters::"];
    let (code, out, err) = run_in(&dir, &[&base[..], &["--write-expectations", "ref2.json"]].concat(), &[]);
    assert_eq!(code, 0, "{out}{err}");
    for with in [&[][..], &["--expectations", "ref2.json", "--junit", "j.xml"][..]] {
        let (code, out, err) = run_in(&dir, &[&base[..], with].concat(), &[("CI", "true")]);
        assert_eq!(code, 1, "{with:?}: {out}{err}");
        assert!(err.contains("snapshots are missing"), "{with:?}: {err}");
    }
    let junit = read(&dir.join("j.xml"));
    assert!(
        !junit.contains("failures=\"0\""),
        "the JUnit of a failing gate fails: {junit}"
    );
}

/// `--cases 0` and `SSM_CONFORMANCE_CASES=0` are refused (each part would pass having checked
/// nothing); the header says how many cases each part draws.
#[test]
fn zero_generated_cases_are_refused_and_the_header_says_what_each_part_draws() {
    let (_tmp, dir) = scratch("verdict-cases");
    let (code, _, err) = run_in(&dir, &["run", "--cases", "0", "filters::six"], &[]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run_in(&dir, &["run", "filters::six"], &[("SSM_CONFORMANCE_CASES", "0")]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("SSM_CONFORMANCE_CASES") || err.contains("'--cases <N>': 0 is not in 1.."),
        "{err}"
    );
    let (code, out, err) = run_in(&dir, &["run", "--cases", "4", "--seed", "1"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("model-based 4, metamorphic 4, stateful 8, family 4, schedule 4 cases"),
        "{out}"
    );
}

/// `SSM_CONFORMANCE_NO_PROPERTIES=1` turns the generated phase off for the CLI too (it was
/// validated and ignored).
#[test]
fn no_properties_from_the_environment_is_honoured() {
    let (_tmp, dir) = scratch("verdict-no-properties");
    let (code, out, err) = run_in(
        &dir,
        &["run", "filters::six"],
        &[("SSM_CONFORMANCE_NO_PROPERTIES", "1")],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("generated phase"), "{out}");
    assert!(out.contains(": 1 passed, 0 failed"), "{out}");
}

/// Credentials in an endpoint never appear in any output or report; a set-up error is written
/// into the reports named on the command line.
#[test]
fn credentials_in_an_endpoint_are_never_shown_and_set_up_errors_are_reported() {
    let (_tmp, dir) = scratch("verdict-secret");
    let served = serve_variant(NONE);
    let with_secret = served.url.replacen("http://", "http://user:s3cr3t-in-url@", 1);
    let reports = ["--junit", "j.xml", "--report-html", "r.html", "--report-json", "r.json"];
    let (code, out, err) = run_in(
        &dir,
        &[
            &["run", "--endpoint", &with_secret, "--no-properties", "filters::six"][..],
            &reports[..],
        ]
        .concat(),
        &[],
    );
    let mut all = format!("{out}{err}");
    for f in ["j.xml", "r.html", "r.json"] {
        let file = dir.join(f);
        assert!(file.exists(), "{f} written (exit {code}): {all}");
        all.push_str(&read(&file));
    }
    assert!(!all.contains("s3cr3t-in-url"), "{all}");

    // Nothing listens: exit 2 with a hint, and the reports hold the set-up error.
    let (code, out, err) = run_in(
        &dir,
        &[
            &["run", "--endpoint", "http://127.0.0.1:1", "--no-properties"][..],
            &reports[..],
        ]
        .concat(),
        &[],
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("hint:"), "{err}");
    let junit = read(&dir.join("j.xml"));
    assert!(
        junit.contains("ssm-conformance::set-up") && junit.contains("errors=\"1\""),
        "{junit}"
    );
    let json: Value = serde_json::from_str(&read(&dir.join("r.json"))).unwrap();
    assert_eq!(json["verdict"]["exit_code"], 2);
    assert_eq!(json["verdict"]["reasons"][0]["kind"], "set-up");
    assert!(read(&dir.join("r.html")).contains("nothing was judged"));
}

/// Every exit 2 carries a hint: a server that answers something other than HTTP was reached,
/// a negative --timeout is a value (clap made it a filter), a missing expectations file names
/// --write-expectations, a pin's unknown option lists the options.
#[test]
fn set_up_errors_say_what_would_be_right() {
    let (_tmp, dir) = scratch("verdict-hints");
    let (url, _) = serve(|_| Reply::Bytes(b"SSH-2.0-OpenSSH_9.6\r\nnot http at all\r\n\r\n".to_vec()));
    let (code, _, err) = run_in(&dir, &["run", "--endpoint", &url, "--no-properties"], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("answers, but not in HTTP") && err.contains("hint:"),
        "{err}"
    );

    let (code, _, err) = run_in(&dir, &["run", "--timeout", "-3"], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("-3 is not a number of seconds") && err.contains("hint:"),
        "{err}"
    );

    let (code, _, err) = run_in(&dir, &["run", "--expectations", "nowhere.json", "--no-properties"], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--write-expectations"), "{err}");

    std::fs::write(
        dir.join("pins.json"),
        r#"{"name": "pins", "recorded": "by hand", "choices": {"order": "newestfirst"}}"#,
    )
    .unwrap();
    let (code, _, err) = run_in(&dir, &["run", "--pins", "pins.json", "--no-properties"], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("its options:") && err.contains("newest-first"), "{err}");
}

/// A spec naming an operation the model lacks is a spec error (it loaded, and its case failed,
/// blaming the target); `--operation` lists only the model's operations.
#[test]
fn a_misspelled_operation_is_a_spec_error() {
    let (_tmp, dir) = scratch("verdict-spec");
    let specs = dir.join("specs");
    std::fs::create_dir_all(&specs).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join("specs/schema.json"), specs.join("schema.json")).unwrap();
    let text = read(&root.join("specs/get_execution.json"));
    assert!(text.contains("\"GetMaintenanceWindowExecution\""));
    let misspelled = text.replacen(
        "\"GetMaintenanceWindowExecution\"",
        "\"GetMaintenanceWindowExecutio\"",
        1,
    );
    std::fs::write(specs.join("get_execution.json"), misspelled).unwrap();
    let (code, _, err) = run_in(&dir, &["run", "--specs", "specs", "--no-properties"], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no operation \"GetMaintenanceWindowExecutio\""), "{err}");

    let (code, _, err) = run_in(&dir, &["run", "--operation", "Nope", "--no-properties"], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains("DescribeMaintenanceWindowExecutionz"), "{err}");
}

/// The library honours its builder as the CLI honours its flags: `Conformance::run` holds the run
/// to `.expectations(…)` and writes `.report_html(…)` (it loaded the expectations and dropped
/// them, and ignored the page), and says the verdict the CLI exits with.
#[test]
fn the_library_holds_its_run_to_the_expectations_and_writes_its_page() {
    let served = serve_variant(statuses_lower_cased());
    let (_tmp, dir) = scratch("verdict-library");
    let write = [
        "run",
        "--endpoint",
        &served.url,
        "--no-properties",
        "--write-expectations",
        "lib.json",
    ];
    let (code, out, err) = run_in(&dir, &write, &[]);
    assert_eq!(code, 1, "{out}{err}");
    let (code, out, err) = run_in(&dir, &[&write[..4], &["--expectations", "lib.json"]].concat(), &[]);
    assert_eq!(code, 0, "the CLI: {out}{err}");
    // No target name: no snapshot is compared, whatever CI says in this process.
    let page = dir.join("page.html");
    let conclusion = ssm_conformance::Conformance::endpoint(served.url.clone())
        .expectations(dir.join("lib.json"))
        .report_html(&page)
        .without_properties()
        .run(&mut |_| {})
        .unwrap();
    let verdict = &conclusion.verdict;
    assert!(verdict.held_to_expectations && verdict.expected > 0, "{verdict:?}");
    assert_eq!(verdict.exit_code, 0, "the library: {:?}", verdict.reasons);
    assert!(read(&page).contains("every result as expected"));
}

/// The page's pins section says which pin each case broke, and lists the cases that failed
/// only through a pin on their own open choice (before, it named them without the pin, and
/// missed those whose failure kept another kind).
#[test]
fn the_pins_section_names_the_pin_each_case_broke() {
    let (_tmp, dir) = scratch("verdict-pins");
    std::fs::write(
        dir.join("contrary.json"),
        r#"{"name": "contrary", "recorded": "the opposite of the reference's choices", "choices": {"order": "oldest-first", "unknown-window": "not-found", "bad-next-token": "ignored"}}"#,
    )
    .unwrap();
    let args = [
        "run",
        "--no-properties",
        "--pins",
        "contrary.json",
        "--report-html",
        "r.html",
        "--report-json",
        "r.json",
    ];
    let (code, out, err) = run_in(&dir, &args, &[]);
    assert_eq!(code, 1, "{out}{err}");
    let json: Value = serde_json::from_str(&read(&dir.join("r.json"))).unwrap();
    let cases = json["cases"].as_array().unwrap();
    let broke = |choice: &str| {
        cases
            .iter()
            .filter(|c| c["broke_pin"]["choice"] == choice)
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    // One pin checked by the oracle, one on a case's own open choice.
    assert!(!broke("order").is_empty(), "{out}");
    let unknown = broke("unknown-window");
    assert!(!unknown.is_empty(), "{out}");
    let html = read(&dir.join("r.html"));
    assert!(
        html.contains("broke the pin <code>order=oldest-first</code>"),
        "the pin is named"
    );
    for name in &unknown {
        assert!(
            html.contains(&format!(
                "<code>{name}</code></a> broke the pin <code>unknown-window=not-found</code>"
            )),
            "{name}"
        );
    }
}

/// The pins are "pins" everywhere: `SSM_CONFORMANCE_PINS` names them, and the old
/// `SSM_CONFORMANCE_PROFILE` is still read.
#[test]
fn the_pins_variable_and_its_old_name_both_hold_a_run_to_the_pins() {
    let (_tmp, dir) = scratch("verdict-pins-variable");
    std::fs::write(
        dir.join("contrary.json"),
        r#"{"name": "contrary", "recorded": "by hand", "choices": {"order": "oldest-first"}}"#,
    )
    .unwrap();
    let args = ["run", "--no-properties", "filter_semantics::no-filters"];
    let (code, out, err) = run_in(&dir, &args, &[]);
    assert_eq!(code, 0, "{out}{err}");
    for variable in ["SSM_CONFORMANCE_PINS", "SSM_CONFORMANCE_PROFILE"] {
        let (code, out, err) = run_in(&dir, &args, &[(variable, "contrary.json")]);
        assert_eq!(code, 1, "{variable}: {out}{err}");
        assert!(out.contains("the pins hold order=oldest-first"), "{variable}: {out}");
    }
}

/// A redirect is a set-up error that names the status and the Location, never followed (issue
/// 30: a 307 before every answer was read as hundreds of non-conformant answers, exit 1).
#[test]
fn a_redirect_is_a_set_up_error_naming_its_status_and_location() {
    let (_tmp, dir) = scratch("verdict-redirect");
    let (url, asked) = serve(|_| {
        Reply::Bytes(
            b"HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:9/elsewhere\r\nContent-Length: 0\r\n\r\n"
                .to_vec(),
        )
    });
    let (code, out, err) = run_in(
        &dir,
        &["run", "--endpoint", &url, "--no-properties", "--junit", "j.xml"],
        &[],
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("HTTP 307") && err.contains("Location http://127.0.0.1:9/elsewhere") && err.contains("hint:"),
        "{err}"
    );
    assert!(read(&dir.join("j.xml")).contains("ssm-conformance::set-up"));
    assert!(
        asked.load(std::sync::atomic::Ordering::Relaxed) < 5,
        "the redirect was not followed, nor the run run"
    );
}
