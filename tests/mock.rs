//! The typed seeding API (`Emulator::builder()`, `ssm_conformance::mock`): what is seeded is
//! what the operations answer; the suite's fixture files seed too; a bad seed is refused with the
//! member at fault; `spawn` serves it.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use ssm_conformance::Emulator;
use ssm_conformance::mock::{Execution, Invocation, REGION, RegisteredTask, SeedError, Target, Task, Window};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn call(e: &Emulator, op: &str, body: Value) -> Value {
    e.handle(Some(&format!("AmazonSSM.{op}")), body.to_string().as_bytes())
        .unwrap_or_else(|err| panic!("{op}: {err:?}"))
}

#[test]
fn a_seeded_window_answers_what_was_seeded() {
    let target = Target::instances(["i-0123456789abcdef0"]).name("web");
    let target_id = target.id().to_string();
    let task = Task::new("FAILED", at("2026-11-04T05:00:01.250Z"))
        .details("exit code 1")
        .ended(at("2026-11-04T05:01:00Z"))
        .invocation(
            Invocation::new("FAILED", at("2026-11-04T05:00:02Z"))
                .parameters("{\"commands\":[\"false\"]}")
                .on(&target_id, Some("team-a")),
        );
    let task_id = task.id().to_string();
    let execution = Execution::new("FAILED", at("2026-11-04T05:00:00.500Z"))
        .details("1 of 1 tasks failed")
        .ended(at("2026-11-04T05:02:00Z"))
        .task(task);
    let execution_id = execution.id().to_string();
    let window = Window::new()
        .name("nightly")
        .schedule("cron(0 5 ? * * *)", Some("Europe/London"))
        .execution(execution)
        .execution(Execution::new("SUCCESS", at("2026-11-03T05:00:00Z")))
        .target(target)
        .task(RegisteredTask::run_command("AWS-RunShellScript", [target_id.clone()]).name("patch"));
    let id = window.id().to_string();
    let seeded = Emulator::builder().window(window).build().unwrap();
    let e = &seeded.emulator;

    let listed = call(
        e,
        "DescribeMaintenanceWindowExecutions",
        json!({"WindowId": id, "Filters": [{"Key": "ExecutedBefore", "Values": ["2026-11-04T00:00:00Z"]}]}),
    );
    assert_eq!(listed["WindowExecutions"].as_array().unwrap().len(), 1);
    let got = call(
        e,
        "GetMaintenanceWindowExecution",
        json!({"WindowExecutionId": execution_id}),
    );
    assert_eq!(got["Status"], "FAILED");
    assert_eq!(got["StatusDetails"], "1 of 1 tasks failed");
    assert_eq!(got["StartTime"], 1_793_768_400.5);
    assert_eq!(got["TaskIds"], json!([task_id]));
    let invocations = call(
        e,
        "DescribeMaintenanceWindowExecutionTaskInvocations",
        json!({"WindowExecutionId": execution_id, "TaskId": task_id}),
    );
    let invocation = &invocations["WindowExecutionTaskInvocationIdentities"][0];
    assert_eq!(invocation["WindowTargetId"], target_id.as_str());
    assert_eq!(invocation["OwnerInformation"], "team-a");
    let window = call(e, "GetMaintenanceWindow", json!({"WindowId": id}));
    assert_eq!(window["Name"], "nightly");
    assert_eq!(window["ScheduleTimezone"], "Europe/London");
    let targets = call(e, "DescribeMaintenanceWindowTargets", json!({"WindowId": id}));
    assert_eq!(targets["Targets"][0]["WindowTargetId"], target_id.as_str());
    let tasks = call(e, "DescribeMaintenanceWindowTasks", json!({"WindowId": id}));
    assert_eq!(tasks["Tasks"][0]["Name"], "patch");
    let for_target = call(
        e,
        "DescribeMaintenanceWindowsForTarget",
        json!({"ResourceType": "INSTANCE", "Targets": [{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}]}),
    );
    assert_eq!(for_target["WindowIdentities"][0]["WindowId"], id.as_str());
}

#[test]
fn the_suites_fixtures_seed_by_name() {
    let seeded = Emulator::builder().fixture("task_history").build().unwrap();
    let (name, id) = &seeded.fixture_windows[0];
    assert_eq!(name, "task_history");
    let listed = call(
        &seeded.emulator,
        "DescribeMaintenanceWindowExecutions",
        json!({"WindowId": id}),
    );
    assert!(!listed["WindowExecutions"].as_array().unwrap().is_empty());
    let missing = Emulator::builder().fixture("no-such-fixture").build().unwrap_err();
    assert!(matches!(missing, SeedError::Fixture { .. }), "{missing}");
}

#[test]
fn a_bad_seed_is_refused_with_the_member_at_fault() {
    let bad_status = Window::new().execution(Execution::new("DONE", at("2026-11-04T05:00:00Z")));
    let e = Emulator::builder().window(bad_status).build().unwrap_err();
    assert!(e.to_string().contains("Status"), "{e}");
    let ends_first = Window::new()
        .execution(Execution::new("SUCCESS", at("2026-11-04T05:00:00Z")).ended(at("2026-11-04T04:00:00Z")));
    let e = Emulator::builder().window(ends_first).build().unwrap_err();
    assert!(e.to_string().contains("EndTime"), "{e}");
    let long = Window::new().execution(Execution::new("FAILED", at("2026-11-04T05:00:00Z")).details("x".repeat(251)));
    assert!(Emulator::builder().window(long).build().is_err());
    let twice = Window::new();
    let again = twice.clone();
    assert!(Emulator::builder().window(twice).window(again).build().is_err());
    let zone = Window::new().schedule("rate(1 day)", Some("Mars/Olympus"));
    assert!(Emulator::builder().window(zone).build().is_err());
}

#[tokio::test]
async fn spawn_serves_the_seed_on_loopback() {
    let window = Window::new().execution(Execution::new("SUCCESS", at("2026-11-04T05:00:00Z")));
    let id = window.id().to_string();
    let running = Emulator::builder().window(window).spawn().await.unwrap();
    assert!(running.url().starts_with("http://127.0.0.1:"));
    assert_eq!(REGION, "us-east-1");
    let client = reqwest::Client::new();
    let r = client
        .post(running.url())
        .header("x-amz-target", "AmazonSSM.DescribeMaintenanceWindowExecutions")
        .header("content-type", "application/x-amz-json-1.1")
        .body(json!({"WindowId": id}).to_string())
        .send()
        .await
        .unwrap();
    assert!(r.headers().contains_key("x-amzn-requestid"));
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["WindowExecutions"].as_array().unwrap().len(), 1);
}

/// What an SDK reads off every answer: `x-amzn-RequestId` (success or error), AWS's content type,
/// and on an error `X-Amzn-ErrorType` equal to the body's `__type`.
#[tokio::test]
async fn every_answer_carries_what_sdks_read() {
    let running = Emulator::builder().spawn().await.unwrap();
    let client = reqwest::Client::new();
    let cases: [(&str, &str, Option<&str>); 5] = [
        ("AmazonSSM.DescribeMaintenanceWindows", "{}", None),
        (
            "AmazonSSM.GetMaintenanceWindow",
            r#"{"WindowId":"mw-0123456789abcdef0"}"#,
            Some("DoesNotExistException"),
        ),
        (
            "AmazonSSM.GetMaintenanceWindow",
            r#"{"WindowId":"mw-1"}"#,
            Some("ValidationException"),
        ),
        (
            "AmazonSSM.GetMaintenanceWindow",
            "{not json",
            Some("SerializationException"),
        ),
        ("AmazonSSM.NoSuchOperation", "{}", Some("UnknownOperationException")),
    ];
    for (target, body, error) in cases {
        let r = client
            .post(running.url())
            .header("x-amz-target", target)
            .header("content-type", "application/x-amz-json-1.1")
            .body(body)
            .send()
            .await
            .unwrap();
        let headers = r.headers().clone();
        let id = headers["x-amzn-requestid"].to_str().unwrap().to_string();
        assert_eq!(id.len(), 36, "{target} {body}: {id}");
        assert_eq!(headers["content-type"], "application/x-amz-json-1.1", "{target} {body}");
        let json: Value = r.json().await.unwrap();
        match error {
            None => assert!(headers.get("x-amzn-errortype").is_none()),
            Some(e) => {
                assert_eq!(headers["x-amzn-errortype"], e, "{target} {body}");
                assert_eq!(json["__type"], e, "{target} {body}");
            }
        }
    }
}
