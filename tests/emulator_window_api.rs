//! The reference emulator's window API: a window's settings, targets and tasks, through
//! `Emulator::handle`, against the rules the API reference states (ClientToken, Safe, Replace,
//! a task's window targets) and the model's constraints.

use serde_json::{Value, json};
use ssm_conformance::_internals::emulator::{ApiError, Emulator};

fn call(e: &Emulator, op: &str, body: Value) -> Result<Value, ApiError> {
    e.handle(Some(&format!("AmazonSSM.{op}")), body.to_string().as_bytes())
}

fn ok(e: &Emulator, op: &str, body: Value) -> Value {
    call(e, op, body.clone()).unwrap_or_else(|err| panic!("{op} {body}: {err:?}"))
}

fn error(e: &Emulator, op: &str, body: Value) -> ApiError {
    call(e, op, body.clone()).expect_err(&format!("{op} {body} must fail"))
}

fn window(e: &Emulator) -> String {
    let w = ok(
        e,
        "CreateMaintenanceWindow",
        json!({"Name": "w-1", "Schedule": "rate(1 day)", "Duration": 2, "Cutoff": 1, "AllowUnassociatedTargets": false}),
    );
    w["WindowId"].as_str().unwrap().to_string()
}

fn instances() -> Value {
    json!([{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0"]}])
}

#[test]
fn a_client_token_repeats_the_first_registration_and_refuses_another_request() {
    let e = Emulator::new();
    let w = window(&e);
    let register = json!({"WindowId": w, "ResourceType": "INSTANCE", "Targets": instances(), "ClientToken": "t-1"});
    let first = ok(&e, "RegisterTargetWithMaintenanceWindow", register.clone());
    let again = ok(&e, "RegisterTargetWithMaintenanceWindow", register);
    assert_eq!(first, again);
    let other = json!({"WindowId": w, "ResourceType": "INSTANCE", "Targets": instances(), "ClientToken": "t-1", "Name": "other"});
    assert_eq!(
        error(&e, "RegisterTargetWithMaintenanceWindow", other).error_type,
        "IdempotentParameterMismatch"
    );
    let listed = ok(&e, "DescribeMaintenanceWindowTargets", json!({"WindowId": w}));
    assert_eq!(listed["Targets"].as_array().unwrap().len(), 1);
}

#[test]
fn safe_deregistration_of_a_target_in_use_is_refused() {
    let e = Emulator::new();
    let w = window(&e);
    let t = ok(
        &e,
        "RegisterTargetWithMaintenanceWindow",
        json!({"WindowId": w, "ResourceType": "INSTANCE", "Targets": instances()}),
    )["WindowTargetId"]
        .as_str()
        .unwrap()
        .to_string();
    let task = ok(
        &e,
        "RegisterTaskWithMaintenanceWindow",
        json!({"WindowId": w, "TaskArn": "AWS-RunShellScript", "TaskType": "RUN_COMMAND",
               "Targets": [{"Key": "WindowTargetIds", "Values": [t]}], "MaxConcurrency": "1", "MaxErrors": "0"}),
    );
    let safe = json!({"WindowId": w, "WindowTargetId": t, "Safe": true});
    assert_eq!(
        error(&e, "DeregisterTargetFromMaintenanceWindow", safe.clone()).error_type,
        "TargetInUseException"
    );
    ok(
        &e,
        "DeregisterTaskFromMaintenanceWindow",
        json!({"WindowId": w, "WindowTaskId": task["WindowTaskId"]}),
    );
    ok(&e, "DeregisterTargetFromMaintenanceWindow", safe.clone());
    assert_eq!(
        error(&e, "DeregisterTargetFromMaintenanceWindow", safe).error_type,
        "DoesNotExistException"
    );
}

#[test]
fn a_task_names_targets_of_its_own_window() {
    let e = Emulator::new();
    let (w1, w2) = (window(&e), window(&e));
    let t = ok(
        &e,
        "RegisterTargetWithMaintenanceWindow",
        json!({"WindowId": w1, "ResourceType": "INSTANCE", "Targets": instances()}),
    )["WindowTargetId"]
        .clone();
    let err = error(
        &e,
        "RegisterTaskWithMaintenanceWindow",
        json!({"WindowId": w2, "TaskArn": "AWS-RunShellScript", "TaskType": "RUN_COMMAND",
               "Targets": [{"Key": "WindowTargetIds", "Values": [t]}]}),
    );
    assert_eq!(err.error_type, "DoesNotExistException");
}

#[test]
fn replace_demands_the_required_members_and_clears_the_rest() {
    let e = Emulator::new();
    let w = window(&e);
    let t = ok(
        &e,
        "RegisterTargetWithMaintenanceWindow",
        json!({"WindowId": w, "ResourceType": "INSTANCE", "Targets": instances(), "Name": "web", "Description": "d"}),
    )["WindowTargetId"]
        .clone();
    // Without Replace, what is left out keeps its value.
    let kept = ok(
        &e,
        "UpdateMaintenanceWindowTarget",
        json!({"WindowId": w, "WindowTargetId": t, "Name": "web-2"}),
    );
    assert_eq!(
        (kept["Name"].as_str(), kept["Description"].as_str()),
        (Some("web-2"), Some("d"))
    );
    let err = error(
        &e,
        "UpdateMaintenanceWindowTarget",
        json!({"WindowId": w, "WindowTargetId": t, "Replace": true, "Name": "web-3"}),
    );
    assert_eq!(err.error_type, "ValidationException");
    assert!(
        err.message
            .contains("'targets' failed to satisfy constraint: Member must not be null"),
        "{}",
        err.message
    );
    let replaced = ok(
        &e,
        "UpdateMaintenanceWindowTarget",
        json!({"WindowId": w, "WindowTargetId": t, "Replace": true, "Targets": instances()}),
    );
    assert!(
        replaced.get("Name").is_none() && replaced.get("Description").is_none(),
        "{replaced}"
    );
    // The window itself: Replace demands what CreateMaintenanceWindow does.
    let err = error(&e, "UpdateMaintenanceWindow", json!({"WindowId": w, "Replace": true}));
    assert_eq!(err.error_type, "ValidationException");
    let updated = ok(
        &e,
        "UpdateMaintenanceWindow",
        json!({"WindowId": w, "Enabled": false, "Duration": 3}),
    );
    assert_eq!(
        (updated["Enabled"].as_bool(), updated["Duration"].as_i64()),
        (Some(false), Some(3))
    );
    let got = ok(&e, "GetMaintenanceWindow", json!({"WindowId": w}));
    assert_eq!(got["Enabled"], json!(false));
}

#[test]
fn the_models_constraints_hold_on_every_member() {
    let e = Emulator::new();
    let w = window(&e);
    let err = error(
        &e,
        "RegisterTargetWithMaintenanceWindow",
        json!({"WindowId": w, "ResourceType": "BANANA", "Targets": instances()}),
    );
    assert!(
        err.message
            .contains("Value 'BANANA' at 'resourceType' failed to satisfy constraint: Member must satisfy enum value set: [INSTANCE, RESOURCE_GROUP]"),
        "{}",
        err.message
    );
    let err = error(
        &e,
        "RegisterTaskWithMaintenanceWindow",
        json!({"WindowId": w, "TaskArn": "x", "TaskType": "RUN_COMMAND", "MaxErrors": "abc"}),
    );
    assert!(err.message.contains("at 'maxErrors'"), "{}", err.message);
    // A sensitive member's value is not repeated.
    let err = error(
        &e,
        "RegisterTargetWithMaintenanceWindow",
        json!({"WindowId": w, "ResourceType": "INSTANCE", "Targets": instances(), "OwnerInformation": "s".repeat(129)}),
    );
    assert!(!err.message.contains(&"s".repeat(129)), "{}", err.message);
}

#[test]
fn lists_page_and_windows_are_found_by_their_targets() {
    let e = Emulator::new();
    let w = window(&e);
    for i in 0..12 {
        ok(
            &e,
            "RegisterTaskWithMaintenanceWindow",
            json!({"WindowId": w, "TaskArn": format!("doc-{i}"), "TaskType": "RUN_COMMAND", "Priority": i % 3}),
        );
    }
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut req = json!({"WindowId": w, "MaxResults": 10});
        if let Some(t) = &token {
            req["NextToken"] = json!(t);
        }
        let page = ok(&e, "DescribeMaintenanceWindowTasks", req);
        let tasks = page["Tasks"].as_array().unwrap();
        assert!(tasks.len() <= 10);
        seen.extend(tasks.iter().map(|t| t["WindowTaskId"].as_str().unwrap().to_string()));
        match page["NextToken"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 12);
    let filtered = ok(
        &e,
        "DescribeMaintenanceWindowTasks",
        json!({"WindowId": w, "Filters": [{"Key": "Priority", "Values": ["0"]}]}),
    );
    assert_eq!(filtered["Tasks"].as_array().unwrap().len(), 4);
    let task = &seen[0];
    let got = ok(
        &e,
        "GetMaintenanceWindowTask",
        json!({"WindowId": w, "WindowTaskId": task}),
    );
    assert_eq!(
        (got["TaskType"].as_str(), got["TaskArn"].as_str()),
        (Some("RUN_COMMAND"), Some("doc-0"))
    );

    ok(
        &e,
        "RegisterTargetWithMaintenanceWindow",
        json!({"WindowId": w, "ResourceType": "INSTANCE", "Targets": instances()}),
    );
    let found = ok(
        &e,
        "DescribeMaintenanceWindowsForTarget",
        json!({"ResourceType": "INSTANCE", "Targets": instances()}),
    );
    assert_eq!(found["WindowIdentities"], json!([{"WindowId": w, "Name": "w-1"}]));
    let none = ok(
        &e,
        "DescribeMaintenanceWindowsForTarget",
        json!({"ResourceType": "RESOURCE_GROUP", "Targets": instances()}),
    );
    assert_eq!(none["WindowIdentities"], json!([]));
}
