//! The real-AWS path, with the embedded emulator standing in for AWS and checking every
//! signature: `--target aws --endpoint URL` is read-only (no fixture protocol, no mutating call)
//! unless `--allow-mutations`, and then deletes exactly what it created; the client's SigV4
//! signing holds, session token included, and a wrong secret is refused in one message.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Command, Stdio};
use std::time::Duration;

use ssm_conformance::_internals::client::{Client, ClientConfig, Credentials, Payload};
use ssm_conformance::_internals::emulator::{self, Emulator};
use ssm_conformance::_internals::fixtures::Execution;
use ssm_conformance::_internals::{fixtures, ids};

const KEY: &str = "AKIDSTANDINFORAWS";
const SECRET: &str = "stand-in-secret-key-do-not-print";
const TOKEN: &str = "stand-in-session-token-do-not-print";

fn credentials() -> Credentials {
    Credentials {
        access_key_id: KEY.into(),
        secret_access_key: SECRET.into(),
        session_token: Some(TOKEN.into()),
    }
}

struct StandIn {
    rt: tokio::runtime::Runtime,
    running: emulator::Running,
}

fn stand_in() -> StandIn {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let running = rt
        .block_on(emulator::spawn(
            Emulator::checking_signatures(vec![emulator::Signer {
                access_key_id: KEY.into(),
                secret_access_key: SECRET.into(),
                session_token: Some(TOKEN.into()),
            }])
            .recording_operations(),
            SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        ))
        .unwrap();
    StandIn { rt, running }
}

/// A client of the stand-in with the right credentials.
fn client_of(s: &StandIn) -> Client {
    client_with(s, credentials())
}

fn client_with(s: &StandIn, credentials: Credentials) -> Client {
    Client::new(ClientConfig {
        endpoint: s.running.url(),
        region: "eu-west-1".into(),
        credentials,
        timeout: Duration::from_secs(10),
    })
    .unwrap()
}

/// `ssm-conformance run --target aws --endpoint <stand-in>` with `secret`; (exit code, stdout+stderr).
fn run_as_aws(url: &str, secret: &str, extra: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ssm-conformance"))
        .args(["run", "--target", "aws", "--endpoint", url, "--region", "eu-west-1"])
        .args(extra)
        .env("AWS_ACCESS_KEY_ID", KEY)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_SESSION_TOKEN", TOKEN)
        .env_remove("AWS_ENDPOINT_URL_SSM")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("SSM_CONFORMANCE_ALLOW_MUTATIONS")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !text.contains(SECRET) && !text.contains(TOKEN),
        "a secret was printed:\n{text}"
    );
    (out.status.code().unwrap_or(-1), text)
}

/// What a read-only run may send: the model's reads, and the misspelled operation a case sends
/// on purpose (`--window-id` is checked once before any case, with GetMaintenanceWindow).
fn read_only(operation: &str) -> bool {
    operation == "DescribeMaintenanceWindowExecutionz"
        || ssm_conformance::_internals::model::Operation::from_name(operation).is_some_and(|o| o.is_read_only())
}

#[test]
fn read_only_by_default_sends_no_mutating_call() {
    let s = stand_in();
    let (code, out) = run_as_aws(&s.running.url(), SECRET, &[]);
    let received = s.running.emulator.operations();
    assert!(received.iter().all(|op| read_only(op)), "{received:?}");
    assert!(received.iter().any(|op| op == "DescribeMaintenanceWindowExecutions"));
    // Cases that need a window are skipped, with the reason, not failed.
    assert!(out.contains("SKIPPED") && out.contains("--allow-mutations"), "{out}");
    assert!(out.contains(" 0 failed, 0 unsupported"), "{out}");
    assert_eq!(code, 0, "{out}");
}

#[test]
fn window_id_runs_the_window_cases_read_only_on_an_existing_window() {
    let s = stand_in();
    // The stand-in's own window, with executions, made behind the harness's back.
    let window = ids::window_id();
    let client = client_of(&s);
    let seeded: Vec<Execution> = (0..30)
        .map(|i| Execution {
            window_execution_id: format!("00000000-0000-4000-8000-{i:012}"),
            status: "SUCCESS".into(),
            status_details: None,
            start_time: 1_730_000_000.0 + f64::from(i) * 60.0,
            end_time: None,
            tasks: Vec::new(),
        })
        .collect();
    s.rt.block_on(fixtures::put_window(&client, &window, None, &seeded))
        .unwrap();
    let before = s.running.emulator.operations().len();
    let (code, out) = run_as_aws(&s.running.url(), SECRET, &["--window-id", &window]);
    let received = &s.running.emulator.operations()[before..];
    assert!(received.iter().all(|op| read_only(op)), "{received:?}");
    // Every case that needs an existing window ran against the given one; only the empty-window
    // case (which must not be created here) and the fixture cases are skipped.
    assert!(!out.contains("needs window:existing:"), "{out}");
    assert!(out.contains("needs window:existing-empty:"), "{out}");
    assert!(out.contains(" 0 failed, 0 unsupported"), "{out}");
    assert_eq!(code, 0, "{out}");
    // Fixture cases stay skipped: AWS has no fixture protocol. A fixture with tasks names the
    // version it would need.
    assert!(out.contains("fixture protocol"), "{out}");
    assert!(
        out.contains("needs fixture:task_history: the target does not offer the fixture protocol v2"),
        "{out}"
    );
    assert!(
        out.contains("needs fixture:boundaries: the target does not offer the fixture protocol v1"),
        "{out}"
    );
}

#[test]
fn mutations_only_when_allowed_and_only_what_the_run_created_is_deleted() {
    let s = stand_in();
    let client = client_of(&s);
    // A window of the account's own, which the run must leave alone.
    let theirs = s
        .rt
        .block_on(client.call(
            "CreateMaintenanceWindow",
            &Payload::Json(serde_json::json!({"Name": "production", "Schedule": "rate(1 day)", "Duration": 2, "Cutoff": 1, "AllowUnassociatedTargets": false})),
        ))
        .unwrap();
    let theirs = theirs.json.unwrap()["WindowId"].as_str().unwrap().to_string();
    // The spec phase alone: its one created window is counted below (the generated phase's
    // stateful part creates and deletes its own, proven in tests/generated.rs).
    let (code, out) = run_as_aws(&s.running.url(), SECRET, &["--allow-mutations", "--no-properties"]);
    assert_eq!(code, 0, "{out}");
    let received = s.running.emulator.operations();
    // What the specs create and delete: the account's window and the run's empty one; a window
    // of its own per case that needs one; what cases and their steps send themselves.
    let cases = ssm_conformance::_internals::spec::load_dir(std::path::Path::new("specs")).unwrap();
    let own = cases
        .iter()
        .filter(|c| c.needs().contains(&ssm_conformance::_internals::spec::Need::OwnWindow))
        .count();
    let sent = |op: &str| {
        cases
            .iter()
            .map(|c| {
                usize::from(c.operation_name() == op)
                    + c.case().then.iter().filter(|s| s.request.operation() == op).count()
            })
            .sum::<usize>()
    };
    let creating_cases = cases
        .iter()
        .filter(|c| c.operation_name() == "CreateMaintenanceWindow")
        .count();
    assert_eq!(
        received.iter().filter(|o| *o == "CreateMaintenanceWindow").count(),
        2 + own + sent("CreateMaintenanceWindow"),
        "{received:?}"
    );
    // The cleanup's (the empty window, each case's own, each window a case created: as many as
    // the target accepted of the cases that create), the probe's, and what cases send (the
    // generated ones name windows that do not exist).
    let deletes = received.iter().filter(|o| *o == "DeleteMaintenanceWindow").count();
    let least = 2 + own + sent("DeleteMaintenanceWindow");
    assert!(
        (least..=least + creating_cases).contains(&deletes),
        "{deletes} deletes, not within {least}..={}: {received:?}",
        least + creating_cases
    );
    assert!(!received.iter().any(|o| o.starts_with("fixture:")), "{received:?}");
    assert_eq!(s.running.emulator.window_ids(), vec![theirs]);
}

#[test]
fn signing_holds_with_a_session_token_and_a_wrong_secret_is_refused_once() {
    let s = stand_in();
    let ok = client_of(&s);
    let params = Payload::Json(serde_json::json!({"WindowId": ids::window_id()}));
    let r =
        s.rt.block_on(ok.call("DescribeMaintenanceWindowExecutions", &params))
            .unwrap();
    assert_eq!(r.status, 200, "{}", r.body_excerpt(300));
    for (wrong, expected) in [
        (
            Credentials {
                secret_access_key: "wrong".into(),
                ..credentials()
            },
            "InvalidSignatureException",
        ),
        (
            Credentials {
                session_token: None,
                ..credentials()
            },
            "UnrecognizedClientException",
        ),
        (
            Credentials {
                access_key_id: "AKIDNOBODY".into(),
                ..credentials()
            },
            "UnrecognizedClientException",
        ),
    ] {
        let client = client_with(&s, wrong);
        let r =
            s.rt.block_on(client.call("DescribeMaintenanceWindowExecutions", &params))
                .unwrap();
        assert_eq!(
            (r.status, r.error.map(|e| e.error_type)),
            (403, Some(expected.to_string()))
        );
    }
    // Refused credentials are a set-up error (exit 2), said once, not a failure of every case.
    let (code, out) = run_as_aws(&s.running.url(), "wrong", &[]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(out.matches("refuses our credentials").count(), 1, "{out}");
    assert!(out.contains("InvalidSignatureException"), "{out}");
}

/// `run --target aws` with only `AWS_PROFILE` and the shared files under a temporary HOME.
fn run_with_profile(url: &str, profile: &str, credentials_file: &str, config_file: &str) -> (i32, String) {
    // Removed on drop, after the child has exited.
    let tmp = tempfile::Builder::new()
        .prefix(&format!("ssm-conformance-home-{profile}-"))
        .tempdir()
        .unwrap();
    let home = tmp.path();
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    std::fs::write(home.join(".aws").join("credentials"), credentials_file).unwrap();
    std::fs::write(home.join(".aws").join("config"), config_file).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ssm-conformance"))
        .args(["run", "--target", "aws", "--endpoint", url, "window_id::"])
        .env("HOME", home)
        .env("AWS_PROFILE", profile)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("AWS_SHARED_CREDENTIALS_FILE")
        .env_remove("AWS_CONFIG_FILE")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn aws_profile_reads_the_shared_files() {
    let s = stand_in();
    let creds = format!(
        "[conformance]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\naws_session_token = {TOKEN}\n"
    );
    let config = "[profile conformance]\nregion = ap-southeast-2\n\n[profile assumed]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = conformance\n";
    let (code, out) = run_with_profile(&s.running.url(), "conformance", &creds, config);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains(SECRET) && !out.contains(TOKEN), "{out}");
    let (code, out) = run_with_profile(&s.running.url(), "assumed", &creds, config);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("AWS profile \"assumed\": it gets credentials through role_arn"),
        "{out}"
    );
    let (code, out) = run_with_profile(&s.running.url(), "nobody", &creds, config);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("not found"), "{out}");
}

#[test]
fn sweep_deletes_only_what_earlier_runs_left() {
    let s = stand_in();
    let client = client_of(&s);
    let create = |name: &str| {
        let r = s
            .rt
            .block_on(client.call(
                "CreateMaintenanceWindow",
                &Payload::Json(serde_json::json!({"Name": name, "Schedule": "rate(1 day)", "Duration": 1, "Cutoff": 0, "AllowUnassociatedTargets": false})),
            ))
            .unwrap();
        r.json.unwrap()["WindowId"].as_str().unwrap().to_string()
    };
    let leftover = create("ssm-conformance-0badf00d-empty");
    let theirs = create("production");
    let sweep = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_ssm-conformance"))
            .args(["sweep", "--target", "aws", "--endpoint", &s.running.url()])
            .args(extra)
            .env("AWS_ACCESS_KEY_ID", KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .env("AWS_SESSION_TOKEN", TOKEN)
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
    };
    let (code, out) = sweep(&[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&leftover) && !out.contains(&theirs) && out.contains("nothing was deleted"),
        "{out}"
    );
    let (code, out) = sweep(&["--allow-mutations", "--dry-run"]);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(s.running.emulator.window_ids().len(), 2);
    let (code, out) = sweep(&["--allow-mutations"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(&format!("deleted {leftover}")), "{out}");
    assert_eq!(s.running.emulator.window_ids(), vec![theirs]);
}

#[test]
fn a_spec_that_would_mutate_is_skipped_without_permission() {
    let s = stand_in();
    // Removed on drop, at the end of the test.
    let tmp = tempfile::Builder::new()
        .prefix("ssm-conformance-mutating-specs-")
        .tempdir()
        .unwrap();
    let specs = tmp.path();
    std::fs::write(
        specs.join("danger.json"),
        r#"{"area": "danger", "description": "a case that deletes", "cases": [{
            "id": "delete", "description": "deletes the given window", "source": "model",
            "cite": "DeleteMaintenanceWindowRequest$WindowId",
            "request": {"operation": "DeleteMaintenanceWindow", "params": {"WindowId": "${window}"}},
            "expect": {"success": {}}}]}"#,
    )
    .unwrap();
    // Someone's window (it must exist: --window-id is checked before any case).
    let theirs = ids::window_id();
    s.rt.block_on(fixtures::put_window(&client_of(&s), &theirs, None, &[]))
        .unwrap();
    let (code, out) = run_as_aws(
        &s.running.url(),
        SECRET,
        &["--specs", specs.to_str().unwrap(), "--window-id", &theirs],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("sends DeleteMaintenanceWindow, which changes the target: needs --allow-mutations"),
        "{out}"
    );
    assert!(
        !s.running
            .emulator
            .operations()
            .iter()
            .any(|o| o == "DeleteMaintenanceWindow")
    );
}
