//! `ssm-conformance sweep` deletes exactly the windows runs created (named
//! `ssm-conformance-<8 lower-case hex>-<suffix>`) and leaves every other window alone, however
//! much its name looks like one; and the names a run gives its windows are ones sweep finds.

mod common;

use std::process::{Command, Stdio};
use std::sync::Mutex;

use serde_json::{Value, json};
use ssm_conformance::_internals::client::{Client, Payload};
use ssm_conformance::_internals::emulator::Emulator;
use ssm_conformance::_internals::sweep::is_run_name;

const BIN: &str = env!("CARGO_BIN_EXE_ssm-conformance");

/// Windows named as runs name theirs.
const RUNS: [&str; 3] = [
    "ssm-conformance-0badf00d-empty",
    "ssm-conformance-00000000-empty",
    "ssm-conformance-ffffffff-empty",
];

/// Windows whose names only look like a run's (all valid names: `^[a-zA-Z0-9_\-.]{3,128}$`).
const LOOK_ALIKES: [&str; 14] = [
    "ssm-conformance-prod",
    "ssm-conformance-",
    "ssm-conformance-1234567-x",
    "ssm-conformance-123456789-x",
    "ssm-conformance-ABCDEF12-x",
    "ssm-conformance-deadbeef",
    "my-ssm-conformance-deadbeef-x",
    "SSM-CONFORMANCE-deadbeef-x",
    "ssm-conformance-deadbeef-x",
    "ssm-conformance-1234567-empty",
    "ssm-conformance-ABCDEF12-empty",
    "ssm-conformance-deadbeef-empty-x",
    "ssm-conformance-deadbeef-empty.bak",
    "production",
];

/// `ssm-conformance <args>` with nothing from the environment choosing another target;
/// (exit code, stdout+stderr).
fn cli(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(BIN)
        .args(args)
        .env_remove("AWS_ENDPOINT_URL_SSM")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("SSM_CONFORMANCE_TARGET")
        .env_remove("SSM_CONFORMANCE_TARGET_NAME")
        .env_remove("SSM_CONFORMANCE_WINDOW_ID")
        .env_remove("SSM_CONFORMANCE_ALLOW_MUTATIONS")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn create(rt: &tokio::runtime::Runtime, client: &Client, name: &str) -> String {
    let r = rt
        .block_on(client.call(
            "CreateMaintenanceWindow",
            &Payload::Json(json!({
                "Name": name,
                "Schedule": "rate(1 day)",
                "Duration": 1,
                "Cutoff": 0,
                "AllowUnassociatedTargets": false,
            })),
        ))
        .unwrap();
    assert_eq!(r.status, 200, "{name}: {}", r.body_excerpt(300));
    r.json.unwrap()["WindowId"].as_str().unwrap().to_string()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn sweep_deletes_the_runs_windows_and_no_look_alike() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (running, client) = common::spawn_with_client(&rt, Emulator::new());
    let url = running.url();
    let runs: Vec<String> = RUNS.iter().map(|n| create(&rt, &client, n)).collect();
    let others: Vec<String> = LOOK_ALIKES.iter().map(|n| create(&rt, &client, n)).collect();
    let all = sorted(runs.iter().chain(&others).cloned().collect());
    assert_eq!(sorted(running.emulator.window_ids()), all);

    // Listed, not deleted.
    let (code, out) = cli(&["sweep", "--endpoint", &url, "--dry-run"]);
    assert_eq!(code, Some(0), "{out}");
    for (id, name) in runs.iter().zip(RUNS) {
        assert!(out.contains(&format!("{id} ({name})")), "{name} not listed:\n{out}");
    }
    for (id, name) in others.iter().zip(LOOK_ALIKES) {
        assert!(!out.contains(id.as_str()), "{name} listed:\n{out}");
    }
    assert_eq!(sorted(running.emulator.window_ids()), all);

    // Deleted: the runs' windows, and only those.
    let (code, out) = cli(&["sweep", "--endpoint", &url]);
    assert_eq!(code, Some(0), "{out}");
    for id in &runs {
        assert!(out.contains(&format!("deleted {id}")), "{out}");
    }
    assert_eq!(out.matches("deleted ").count(), RUNS.len(), "{out}");
    assert_eq!(sorted(running.emulator.window_ids()), sorted(others.clone()));

    // Nothing left to sweep; the look-alikes still stand.
    let (code, out) = cli(&["sweep", "--endpoint", &url]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("no windows left by earlier runs"), "{out}");
    assert_eq!(sorted(running.emulator.window_ids()), sorted(others));
}

/// The `Name` of every `CreateMaintenanceWindow` the served emulator received.
static CREATED_NAMES: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn record_created_name(operation: &mut String, request: &mut common::Request) {
    if operation == "CreateMaintenanceWindow" {
        let name = request.get("Name").and_then(Value::as_str).unwrap_or_default();
        CREATED_NAMES.lock().unwrap().push(name.to_string());
    }
}

#[test]
fn every_window_a_run_creates_is_named_for_sweep() {
    // `--target aws`: no fixture protocol, so the run creates its empty window with
    // CreateMaintenanceWindow, under a name of its own.
    let served = common::serve_variant(common::Variant {
        name: "recording",
        request: Some(record_created_name),
        ..common::NONE
    });
    let out = Command::new(BIN)
        .args([
            "run",
            "--target",
            "aws",
            "--endpoint",
            &served.url,
            "--region",
            "us-east-1",
        ])
        // The second creates windows of a name of its own (the run's, and the case's digits).
        .args([
            "--allow-mutations",
            "window_id::existing-empty",
            "window_api::windows-listed-in-an-order",
        ])
        .env("AWS_ACCESS_KEY_ID", "AKIDSWEEPTEST")
        .env("AWS_SECRET_ACCESS_KEY", "sweep-test-secret")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL_SSM")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("SSM_CONFORMANCE_TARGET")
        .env_remove("SSM_CONFORMANCE_TARGET_NAME")
        .env_remove("SSM_CONFORMANCE_WINDOW_ID")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains(" 2 passed, 0 failed"), "{text}");
    let names = CREATED_NAMES.lock().unwrap().clone();
    assert!(!names.is_empty(), "the run created no window:\n{text}");
    assert!(
        names.iter().any(|n| n.len() > "ssm-conformance-00000000-case".len()),
        "no case named windows of its own: {names:?}"
    );
    for name in &names {
        assert!(is_run_name(name), "sweep would not find the run's window {name:?}");
    }
    // The run deleted what it created.
    assert_eq!(served.emulator.window_ids(), Vec::<String>::new());
}
