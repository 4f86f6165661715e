//! `ssm-conformance` as a user runs it: exit codes, one message for a dead or hanging endpoint,
//! one line for an endpoint that does not implement the operation, and `serve`.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::raw::{Reply, http, serve};

const BIN: &str = env!("CARGO_BIN_EXE_ssm-conformance");

/// Wait for a child; a hang guard (not a timing assertion): kill it after `limit` and fail. Its
/// piped output is read as it comes, so that a long one cannot fill the pipe and stall it.
fn wait(mut child: Child, limit: Duration) -> Output {
    fn drain(from: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut out = Vec::new();
            if let Some(mut from) = from {
                let _ = from.read_to_end(&mut out);
            }
            out
        })
    }
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Output {
                status,
                stdout: stdout.join().unwrap(),
                stderr: stderr.join().unwrap(),
            };
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("ssm-conformance did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn run(args: &[&str]) -> (i32, String, String) {
    let child = Command::new(BIN)
        .args(args)
        .env_remove("AWS_ENDPOINT_URL_SSM")
        .env_remove("AWS_ENDPOINT_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = wait(child, Duration::from_secs(120));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_embedded_emulator_passes_everything() {
    let (code, out, err) = run(&["run"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let last = out.lines().last().unwrap();
    assert!(
        last.starts_with("reference (http://127.0.0.1:")
            && last.ends_with(" passed, 0 failed, 0 unsupported, 0 skipped"),
        "{last}"
    );
    assert!(out.contains("unknown-window = empty-list"), "{out}");
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["run", "--timeout", "0"][..],
        &["run", "--target", "moto"],
        &["run", "--no-such-flag"],
        &["run", "--endpoint", "ftp://x"],
    ] {
        let (code, out, err) = run(args);
        assert_eq!(code, 2, "{args:?}: {out}\n{err}");
    }
    // Empty, and removed on drop once the child has exited.
    let specs = tempfile::Builder::new()
        .prefix("ssm-conformance-empty-specs-")
        .tempdir()
        .unwrap();
    let (code, _, err) = run(&["run", "--specs", specs.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("no spec files"), "{err}");
}

#[test]
fn a_refused_connection_is_one_message() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (code, out, err) = run(&["run", "--endpoint", &format!("http://127.0.0.1:{port}")]);
    assert_eq!(code, 2, "a set-up error, not a verdict: {out}{err}");
    assert_eq!(err.matches("cannot reach").count(), 1, "{err}");
    assert!(
        err.contains("Connection refused") && err.contains("hint: nothing listens there"),
        "{err}"
    );
}

#[test]
fn a_hanging_endpoint_costs_one_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accept and never answer.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming() {
            held.push(s);
        }
    });
    let (code, out, err) = run(&[
        "run",
        "--endpoint",
        &format!("http://127.0.0.1:{port}"),
        "--timeout",
        "1",
    ]);
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(err.matches("no answer within 1s").count(), 1, "{err}");
}

/// A server that answers every request as moto 5.2.5 answers this operation: 500, HTML.
fn moto_like() -> u16 {
    let page = b"<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n";
    let (url, _) = serve(|_| Reply::Bytes(http("500 INTERNAL SERVER ERROR", "text/html; charset=utf-8", page)));
    url.rsplit(':').next().unwrap().parse().unwrap()
}

#[test]
fn an_endpoint_without_the_operation_is_unsupported_in_one_line() {
    let port = moto_like();
    let (code, out, err) = run(&["run", "--endpoint", &format!("http://127.0.0.1:{port}")]);
    assert_eq!(code, 1, "{out}\n{err}");
    // One line per operation the endpoint lacks: every one that has cases.
    let unsupported: Vec<&str> = out.lines().filter(|l| l.contains("UNSUPPORTED")).collect();
    assert_eq!(unsupported.len(), common::operations_with_cases(), "{out}");
    for line in &unsupported {
        assert!(line.contains("HTTP 500 with a non-JSON body (text/html"), "{out}");
    }
    for op in [
        "DescribeMaintenanceWindowExecutions:",
        "GetMaintenanceWindowExecution:",
        "CancelMaintenanceWindowExecution:",
        "DescribeMaintenanceWindowExecutionTasks:",
        "GetMaintenanceWindowExecutionTask:",
        "DescribeMaintenanceWindowExecutionTaskInvocations:",
        "GetMaintenanceWindowExecutionTaskInvocation:",
    ] {
        assert_eq!(unsupported.iter().filter(|l| l.contains(op)).count(), 1, "{op}: {out}");
    }
    assert!(!out.contains("FAIL"), "{out}");
    let last = out.lines().last().unwrap();
    assert!(
        last.contains(": 0 passed, 0 failed, ") && last.ends_with(" unsupported, 0 skipped"),
        "{last}"
    );
    assert!(!last.contains(" 0 unsupported"), "{last}");
}

#[test]
fn serve_answers_as_a_mock() {
    let mut child = Command::new(BIN)
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let client = common::client_for(&url, ssm_conformance::_internals::client::Credentials::dummy());
    let r = rt
        .block_on(client.call(
            "DescribeMaintenanceWindowExecutions",
            &ssm_conformance::_internals::client::Payload::Json(
                serde_json::json!({"WindowId": "mw-0123456789abcdef0", "MaxResults": 5}),
            ),
        ))
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(r.status, 400);
    assert_eq!(r.header("x-amzn-errortype"), Some("ValidationException"));
    assert_eq!(
        r.error.unwrap().message.unwrap(),
        "1 validation error detected: Value '5' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 10"
    );
}

/// A test's own folder for the files its runs write; removed when dropped, so keep it until the
/// last run that uses it has exited.
fn temp() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("ssm-conformance-cli-")
        .tempdir()
        .unwrap()
}

#[test]
fn expectations_turn_known_results_into_a_pass_and_unknown_ones_into_a_failure() {
    let port = moto_like();
    let endpoint = format!("http://127.0.0.1:{port}");
    let tmp = temp();
    let file = tmp.path().join("moto-like.json");
    let (code, out, err) = run(&[
        "run",
        "--endpoint",
        &endpoint,
        "--target-name",
        "moto-like",
        "--write-expectations",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{out}\n{err}");
    let written: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert!(
        written["unsupported"].as_str().unwrap().contains("does not implement"),
        "{written}"
    );
    let (code, out, _) = run(&[
        "run",
        "--endpoint",
        &endpoint,
        "--target-name",
        "moto-like",
        "--expectations",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("every result as expected"), "{out}");
    // The embedded emulator held to moto's expectations: every pass is unexpected.
    let (code, out, _) = run(&["run", "--expectations", file.to_str().unwrap(), "window_id::"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("window_id::missing: expected unsupported, got pass"),
        "{out}"
    );
    // A missing expectations file is a usage error, found before anything is sent.
    let nope = tmp.path().join("nope.json");
    let (code, _, err) = run(&["run", "--expectations", nope.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn reports_and_a_recorded_profile() {
    let tmp = temp();
    let (json, xml, profile) = (
        tmp.path().join("report.json"),
        tmp.path().join("report.xml"),
        tmp.path().join("recorded.json"),
    );
    let (code, out, err) = run(&[
        "run",
        "--report-json",
        json.to_str().unwrap(),
        "--junit",
        xml.to_str().unwrap(),
        "--record-profile",
        profile.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}\n{err}");
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let cases = report["cases"].as_array().unwrap();
    assert_eq!(report["totals"]["passed"].as_u64().unwrap() as usize, cases.len());
    let unknown = cases.iter().find(|c| c["name"] == "window_id::unknown").unwrap();
    assert_eq!(unknown["choice"], "unknown-window");
    let xml = std::fs::read_to_string(&xml).unwrap();
    assert!(
        xml.contains(&format!("tests=\"{}\"", cases.len())) && xml.contains("failures=\"0\""),
        "{xml}"
    );
    // What the emulator is observed to choose is exactly what its profile pins.
    let recorded: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&profile).unwrap()).unwrap();
    let pinned: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/profiles/reference.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(recorded["choices"], pinned["choices"]);
}

#[test]
fn parity_is_written_from_reports() {
    let port = moto_like();
    let tmp = temp();
    let (a, b, md) = (
        tmp.path().join("p-ref.json"),
        tmp.path().join("p-moto.json"),
        tmp.path().join("PARITY.md"),
    );
    run(&["run", "--report-json", a.to_str().unwrap()]);
    let endpoint = format!("http://127.0.0.1:{port}");
    run(&[
        "run",
        "--endpoint",
        &endpoint,
        "--target-name",
        "moto-like",
        "--report-json",
        b.to_str().unwrap(),
    ]);
    let (code, out, err) = run(&[
        "parity",
        "--out",
        md.to_str().unwrap(),
        a.to_str().unwrap(),
        b.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}\n{err}");
    let md = std::fs::read_to_string(&md).unwrap();
    assert!(
        md.contains("| `window_id::unknown` | pass (empty-list) | unsupported |"),
        "{md}"
    );
    assert!(md.contains("| unknown-window | empty-list | — |"), "{md}");
    // A choice one of a case's steps observes is shown with the case as its own is.
    assert!(
        md.contains("| `window_api::tasks-past-twenty` | pass (none) | unsupported |"),
        "{md}"
    );
    // Per operation: every case of the reference's run passed; the moto-like target implements
    // none of the execution family.
    assert!(
        md.contains("| GetMaintenanceWindowExecution | 37 / 0 / 0 / 0 | 0 / 0 / 37 / 0 |"),
        "{md}"
    );
    // The first screen says what the target gets wrong before the counts: the reference nothing,
    // the moto-like target the operations it lacks.
    let wrong = md.find("## What each target gets wrong").expect("the section");
    assert!(wrong < md.find("## By operation").unwrap(), "{md}");
    let section = &md[wrong..md.find("## By operation").unwrap()];
    assert!(!section.contains("### reference"), "{section}");
    assert!(section.contains("### moto-like"), "{section}");
    assert!(section.contains("Unsupported ("), "{section}");
    assert!(section.contains("GetMaintenanceWindowExecution (37)"), "{section}");
}

/// A target that lacks only the schedule: the schedule cases start with CreateMaintenanceWindow
/// and send DescribeMaintenanceWindowSchedule in their steps. The report says the step's operation
/// decided them, and PARITY.md counts them there, not under the window's creation.
#[test]
fn a_case_decided_by_a_step_is_counted_under_that_step() {
    let lacking = common::Variant {
        name: "no-schedule",
        replace: Some(|_, op, _| {
            (op == "DescribeMaintenanceWindowSchedule").then(|| {
                Err(ssm_conformance::_internals::emulator::ApiError::protocol(
                    400,
                    "UnknownOperationException",
                    "no such operation".into(),
                ))
            })
        }),
        window_api: true,
        ..common::NONE
    };
    let served = common::serve_variant(lacking);
    let tmp = temp();
    let (json, md) = (tmp.path().join("r.json"), tmp.path().join("PARITY.md"));
    let (code, out, err) = run(&[
        "run",
        "--endpoint",
        &served.url,
        "--target-name",
        "no-schedule",
        "--no-properties",
        "--report-json",
        json.to_str().unwrap(),
        "schedule::",
    ]);
    assert_eq!(code, 1, "{out}\n{err}");
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let cases = report["cases"].as_array().unwrap();
    let stepped = cases
        .iter()
        .find(|c| c["name"] == "schedule::cron-weekly-paged")
        .expect("the case");
    assert_eq!(stepped["outcome"], "unsupported", "{stepped}");
    assert_eq!(stepped["operation"], "CreateMaintenanceWindow", "{stepped}");
    assert_eq!(stepped["decided_by"], "DescribeMaintenanceWindowSchedule", "{stepped}");
    let (code, out, err) = run(&["parity", "--out", md.to_str().unwrap(), json.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}\n{err}");
    let md = std::fs::read_to_string(&md).unwrap();
    let section =
        &md[md.find("## What each target gets wrong").expect("the section")..md.find("## By operation").unwrap()];
    assert!(
        section.contains("by that operation: DescribeMaintenanceWindowSchedule ("),
        "{section}"
    );
    assert!(!section.contains("CreateMaintenanceWindow ("), "{section}");
    assert!(md.contains("| DescribeMaintenanceWindowSchedule | 0 / 0 / "), "{md}");
}

#[test]
fn a_target_wrong_in_one_constraint_exits_1_naming_case_request_and_answer() {
    // Upper-case hex accepted in WindowId, as fakecloud does.
    let bent = common::Variant {
        name: "upper-case-accepted",
        request: Some(|op, m| {
            if op == "DescribeMaintenanceWindowExecutions"
                && let Some(serde_json::Value::String(w)) = m.get_mut("WindowId")
            {
                *w = w.to_lowercase();
            }
        }),
        ..common::NONE
    };
    let served = common::serve_variant(bent);
    let (code, out, _) = run(&["run", "--endpoint", &served.url]);
    assert_eq!(code, 1, "{out}");
    let failure = out.split("FAIL ").nth(1).unwrap_or_default();
    assert!(failure.starts_with("window_id::upper-case-hex"), "{out}");
    assert!(
        failure.contains(
            r#"request:  POST / AmazonSSM.DescribeMaintenanceWindowExecutions {"WindowId":"mw-0123456789ABCDEF0"}"#
        ),
        "{out}"
    );
    assert!(failure.contains("response: HTTP 200"), "{out}");
    assert_eq!(out.matches("FAIL ").count(), 1, "{out}");
}

#[test]
fn a_run_most_of_which_was_throttled_throughout_is_no_verdict() {
    // The probe is answered like an implementation; every later call is throttled for ever.
    let (url, _) = common::raw::serve_lines(|n, line| {
        if line.starts_with("GET ") {
            Reply::Bytes(http("404 Not Found", "text/plain", b"no"))
        } else if n == 0 {
            Reply::Bytes(http(
                "400 Bad Request",
                "application/x-amz-json-1.1",
                br#"{"__type":"DoesNotExistException","Message":"no such window"}"#,
            ))
        } else {
            Reply::Bytes(http(
                "429 Too Many Requests",
                "application/x-amz-json-1.1",
                br#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#,
            ))
        }
    });
    let (code, out, err) = run(&["run", "--endpoint", &url, "--no-properties", "window_id::"]);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(
        out.contains("throttled throughout") && out.contains("[throttled]"),
        "{out}"
    );
    assert!(
        out.contains("the target throttled ") && out.contains(" s spent waiting"),
        "{out}"
    );
    assert!(
        err.contains("were throttled throughout") && err.contains("--jobs 1"),
        "{err}"
    );
}

/// On a terminal a run draws one progress line on stderr (cases done of all, the phase or part
/// running); `--quiet` draws none; piped, as in CI, nothing is added. `script` (util-linux, in
/// every Debian) gives the run a terminal.
#[test]
fn progress_shows_on_a_terminal_only_and_quiet_silences_it() {
    let on_terminal = |extra: &str| -> String {
        let out = Command::new("script")
            .args(["-qec", &format!("{BIN} run --no-properties {extra}"), "/dev/null"])
            .env_remove("CI")
            .output()
            .expect("script(1) from util-linux");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let shown = on_terminal("");
    assert!(shown.contains(" cases · spec cases"), "{shown}");
    // A long generated phase says how far the part under way is.
    let long = Command::new("script")
        .args([
            "-qec",
            &format!("{BIN} run --operation DescribeMaintenanceWindowExecutions --cases 400 --seed 7"),
            "/dev/null",
        ])
        .env_remove("CI")
        .output()
        .expect("script(1) from util-linux");
    let long = String::from_utf8_lossy(&long.stdout);
    assert!(
        long.contains("model-based: ") && long.contains(" of 400 cases ("),
        "{long}"
    );
    let quiet = on_terminal("--quiet");
    assert!(!quiet.contains(" cases · "), "{quiet}");
    let (code, out, err) = run(&["run", "--no-properties"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(!err.contains(" cases · ") && !out.contains(" cases · "), "{err}");
}

/// `serve --fixture NAME` seeds a window with one of the suite's fixtures at start and prints
/// its id (issue 31: a Python test seeds the mock without writing the fixture protocol's JSON).
#[test]
fn serve_seeds_a_fixture_at_start() {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_ssm-conformance"))
        .args(["serve", "--port", "0", "--fixture", "statuses"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let url_line = lines.next().unwrap().unwrap();
    let seeded = lines.next().unwrap().unwrap();
    let url = url_line.rsplit(' ').next().unwrap().to_string();
    let window = seeded
        .strip_prefix("seeded window ")
        .and_then(|r| r.split(' ').next())
        .unwrap_or_else(|| panic!("{seeded}"))
        .to_string();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let client = common::client_for(&url, ssm_conformance::_internals::client::Credentials::dummy());
    let answer = rt
        .block_on(client.call(
            "DescribeMaintenanceWindowExecutions",
            &ssm_conformance::_internals::client::Payload::Json(
                serde_json::json!({ "WindowId": window, "MaxResults": 100 }),
            ),
        ))
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let listed = answer
        .json
        .as_ref()
        .and_then(|j| j["WindowExecutions"].as_array())
        .map_or(0, Vec::len);
    let fixture: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/statuses.json")).unwrap(),
    )
    .unwrap();
    let seeded_count = fixture["executions"].as_array().unwrap().len();
    assert!(seeded.contains(&format!("with {seeded_count} executions")), "{seeded}");
    assert_eq!(listed, seeded_count, "{}", answer.summary());
}
