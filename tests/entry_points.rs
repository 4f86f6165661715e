//! Every setting is honoured by every entry point (issue 28): the CLI (`ssm-conformance run`),
//! the libtest-mimic harness (`Conformance::main`, as `examples/gate.rs` writes it) and the
//! library (`Conformance::run`), one row per setting, each held to the same verdict. Before,
//! `Conformance::run` dropped the expectations and the page, and the harness had no throttling
//! rule and its own CI rule.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{serve_variant, statuses_lower_cased};
use ssm_conformance::Conformance;

const BIN: &str = env!("CARGO_BIN_EXE_ssm-conformance");

/// `examples/gate.rs` as `cargo test` builds it, beside this test's own binary; built (or found
/// up to date) here, since `cargo test --test entry_points` builds no example.
fn gate() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let deps = std::env::current_exe().unwrap();
            let gate = deps.parent().unwrap().parent().unwrap().join("examples").join("gate");
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let built = Command::new(cargo)
                .args(["build", "--quiet", "--example", "gate"])
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .status()
                .unwrap();
            assert!(built.success() && gate.is_file(), "{}", gate.display());
            gate
        })
        .clone()
}

/// The reference emulator without the fixture protocol (only the API at `/`): its data cannot
/// be seeded. The runtime serves it while it is held.
fn bare_emulator() -> (tokio::runtime::Runtime, String) {
    use axum::body::Bytes;
    use axum::extract::State;
    use axum::http::HeaderMap;
    use ssm_conformance::_internals::emulator::{Emulator, answer};
    async fn api(State(emulator): State<Emulator>, headers: HeaderMap, body: Bytes) -> axum::response::Response {
        let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok());
        answer(emulator.handle(target, &body))
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let url = rt.block_on(common::serve_router(
        axum::Router::new()
            .route("/", axum::routing::post(api))
            .with_state(Emulator::new()),
    ));
    (rt, url)
}

/// One setting, as each entry point takes it.
struct Row {
    name: &'static str,
    cli: Vec<String>,
    gate: Vec<(&'static str, String)>,
    library: fn(Conformance, &Path) -> Conformance,
    env: Vec<(&'static str, &'static str)>,
    /// The exit every entry point must give (the library's verdict, or its error for 2).
    exit: i32,
    /// What must be true of the folder afterwards (a file written), where anything.
    written: Option<&'static str>,
    /// The target, where not the faulty one: `correct` (the reference emulator as it is), or
    /// `no-fixture-protocol` (one whose data cannot be seeded).
    target: Option<&'static str>,
}

#[test]
fn every_setting_is_honoured_by_every_entry_point() {
    let served = serve_variant(statuses_lower_cased());
    let tmp = tempfile::Builder::new()
        .prefix("ssm-conformance-entry-")
        .tempdir()
        .unwrap();
    let dir = tmp.path();
    // The expectations of the faulty target, written once by the CLI from a whole run.
    let out = common::cli::command(Path::new(BIN), dir)
        .args([
            "run",
            "--endpoint",
            &served.url,
            "--no-properties",
            "--write-expectations",
            "e.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    let rows = vec![
        Row {
            name: "no expectations: the fault fails",
            cli: vec![],
            gate: vec![],
            library: |c, _| c,
            env: vec![],
            exit: 1,
            written: None,
            target: None,
        },
        Row {
            name: "expectations: the known failures are as expected",
            cli: vec!["--expectations".into(), "e.json".into()],
            gate: vec![("GATE_EXPECTATIONS", "e.json".into())],
            library: |c, d| c.expectations(d.join("e.json")),
            env: vec![],
            exit: 0,
            written: None,
            target: None,
        },
        Row {
            name: "report-html: the page is written",
            cli: vec![
                "--expectations".into(),
                "e.json".into(),
                "--report-html".into(),
                "page.html".into(),
            ],
            gate: vec![
                ("GATE_EXPECTATIONS", "e.json".into()),
                ("GATE_REPORT_HTML", "page.html".into()),
            ],
            library: |c, d| c.expectations(d.join("e.json")).report_html(d.join("page.html")),
            env: vec![],
            exit: 0,
            written: Some("page.html"),
            target: None,
        },
        Row {
            name: "cases 0: refused",
            cli: vec!["--cases".into(), "0".into()],
            gate: vec![("GATE_CASES", "0".into())],
            library: |c, _| c.cases(0),
            env: vec![],
            exit: 2,
            written: None,
            target: None,
        },
        Row {
            name: "CI with snapshots missing: fails, held to expectations too",
            cli: vec![
                "--expectations".into(),
                "e.json".into(),
                "--target-name".into(),
                "t".into(),
            ],
            gate: vec![("GATE_EXPECTATIONS", "e.json".into()), ("GATE_TARGET_NAME", "t".into())],
            // The library reads CI from its own process, which a test cannot set safely: this row
            // holds the CLI and the harness.
            library: |c, _| c,
            env: vec![("CI", "true")],
            exit: 1,
            written: None,
            target: None,
        },
        Row {
            name: "pins: an open choice answered against its pin fails",
            cli: vec!["--pins".into(), "contrary.json".into()],
            gate: vec![("GATE_PINS", "contrary.json".into())],
            library: |c, d| c.pins(d.join("contrary.json").display().to_string()),
            env: vec![],
            exit: 1,
            written: None,
            target: Some("correct"),
        },
        Row {
            name: "no require-data: a target that cannot be seeded skips the data cases",
            cli: vec![],
            gate: vec![],
            library: |c, _| c,
            env: vec![],
            exit: 0,
            written: None,
            target: Some("no-fixture-protocol"),
        },
        Row {
            name: "require-data: what was not judged on data fails",
            cli: vec!["--require-data".into()],
            gate: vec![("GATE_REQUIRE_DATA", "1".into())],
            library: |c, _| c.require_data(),
            env: vec![],
            exit: 1,
            written: None,
            target: Some("no-fixture-protocol"),
        },
    ];
    std::fs::write(
        dir.join("contrary.json"),
        r#"{"name": "contrary", "recorded": "by hand", "choices": {"order": "oldest-first"}}"#,
    )
    .unwrap();
    let bare = bare_emulator();
    let correct = serve_variant(common::NONE);
    let mut wrong = Vec::new();
    for row in &rows {
        let endpoint = match row.target {
            Some("correct") => correct.url.clone(),
            Some(_) => bare.1.clone(),
            None => served.url.clone(),
        };
        let _ = std::fs::remove_file(dir.join("page.html"));
        let no_properties = row.exit != 2;
        // The CLI.
        let mut cli = common::cli::command(Path::new(BIN), dir);
        cli.args(["run", "--endpoint", &endpoint])
            .args(&row.cli)
            .envs(row.env.iter().copied());
        if no_properties {
            cli.arg("--no-properties");
        }
        let out = cli.output().unwrap();
        let check = |who: &str, code: Option<i32>, said: &str, wrong: &mut Vec<String>| {
            if code != Some(row.exit) {
                wrong.push(format!("{}: {who} exited {code:?}, not {}\n{said}", row.name, row.exit));
            }
            if let Some(file) = row.written
                && !dir.join(file).is_file()
            {
                wrong.push(format!("{}: {who} did not write {file}", row.name));
            }
        };
        check(
            "the CLI",
            out.status.code(),
            &String::from_utf8_lossy(&out.stdout),
            &mut wrong,
        );
        let _ = std::fs::remove_file(dir.join("page.html"));
        // The harness.
        let mut harness = common::cli::command(&gate(), dir);
        harness
            .env("GATE_ENDPOINT", &endpoint)
            .envs(row.gate.iter().map(|(k, v)| (*k, v.as_str())))
            .envs(row.env.iter().copied());
        if no_properties {
            harness.env("GATE_NO_PROPERTIES", "1");
        }
        let out = harness.output().unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        check("the harness", out.status.code(), &said, &mut wrong);
        let _ = std::fs::remove_file(dir.join("page.html"));
        // The library, in this process (its CI is this process's: the CI row is not its).
        if row.env.is_empty() {
            let mut library = (row.library)(Conformance::endpoint(endpoint.clone()), dir);
            if no_properties {
                library = library.without_properties();
            }
            let code = match library.run(&mut |_| {}) {
                Ok(conclusion) => i32::from(conclusion.verdict.exit_code),
                Err(_) => 2,
            };
            check("the library", Some(code), "", &mut wrong);
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}
