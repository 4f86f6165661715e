//! Every fact in `src/model.rs` is checked against the vendored AWS model, and the vendored files
//! against the checksums recorded in reference/README.md.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use ssm_conformance::_internals::model;

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shapes() -> Value {
    let m: Value = serde_json::from_str(model::VENDORED_MODEL).expect("the vendored model is JSON");
    m["shapes"].clone()
}

fn shape(name: &str) -> Value {
    let s = shapes()[name].clone();
    assert!(s.is_object(), "no shape {name} in the vendored model");
    s
}

fn num(name: &str, key: &str) -> i64 {
    shape(name)[key]
        .as_i64()
        .unwrap_or_else(|| panic!("{name} has no {key}"))
}

#[test]
fn vendored_files_match_their_recorded_checksums() {
    let readme = std::fs::read_to_string(root().join("reference/README.md")).unwrap();
    let mut checked = 0;
    for line in readme.lines().filter(|l| l.starts_with("| `")) {
        let file = line.split('`').nth(1).unwrap();
        let recorded = line
            .trim_end_matches('|')
            .trim()
            .rsplit('|')
            .next()
            .unwrap()
            .trim()
            .trim_matches('`');
        let bytes = std::fs::read(root().join("reference").join(file)).unwrap();
        let actual: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(actual, recorded, "reference/{file} differs from its recorded checksum");
        checked += 1;
    }
    assert!(checked >= 2, "reference/README.md lists the vendored files");
    assert!(readme.contains(&format!("botocore {}", model::BOTOCORE_VERSION)));
    let m: Value = serde_json::from_str(model::VENDORED_MODEL).unwrap();
    assert!(m["source"].as_str().unwrap().contains(model::BOTOCORE_VERSION));
    assert_eq!(m["metadata"]["targetPrefix"], model::TARGET_PREFIX);
}

#[test]
fn request_facts_match_the_model() {
    let req = shape("DescribeMaintenanceWindowExecutionsRequest");
    assert!(m_has(model::VENDORED_MODEL, model::DESCRIBE_EXECUTIONS));
    assert_eq!(req["required"], serde_json::json!([model::members::WINDOW_ID]));
    for member in [
        model::members::WINDOW_ID,
        model::members::FILTERS,
        model::members::MAX_RESULTS,
        model::members::NEXT_TOKEN,
    ] {
        assert!(req["members"][member].is_object(), "{member}");
    }
    let filter = shape("MaintenanceWindowFilter");
    assert!(filter["members"][model::members::KEY].is_object());
    assert!(filter["members"][model::members::VALUES].is_object());
    assert_eq!(num("MaintenanceWindowId", "min") as usize, model::WINDOW_ID_LENGTH);
    assert_eq!(num("MaintenanceWindowId", "max") as usize, model::WINDOW_ID_LENGTH);
    assert_eq!(shape("MaintenanceWindowId")["pattern"], model::WINDOW_ID_PATTERN);
    assert_eq!(num("MaintenanceWindowFilterList", "max") as usize, model::FILTERS_MAX);
    assert_eq!(num("MaintenanceWindowFilterKey", "min") as usize, model::FILTER_KEY_MIN);
    assert_eq!(num("MaintenanceWindowFilterKey", "max") as usize, model::FILTER_KEY_MAX);
    assert_eq!(
        num("MaintenanceWindowFilterValue", "min") as usize,
        model::FILTER_VALUE_MIN
    );
    assert_eq!(
        num("MaintenanceWindowFilterValue", "max") as usize,
        model::FILTER_VALUE_MAX
    );
    assert_eq!(num("MaintenanceWindowMaxResults", "min"), model::MAX_RESULTS_MIN);
    assert_eq!(num("MaintenanceWindowMaxResults", "max"), model::MAX_RESULTS_MAX);
}

fn m_has(model: &str, operation: &str) -> bool {
    let m: Value = serde_json::from_str(model).unwrap();
    m["operations"][operation].is_object()
}

#[test]
fn response_facts_match_the_model() {
    let statuses: Vec<String> =
        serde_json::from_value(shape("MaintenanceWindowExecutionStatus")["enum"].clone()).unwrap();
    assert_eq!(statuses, model::STATUSES);
    assert_eq!(
        num("MaintenanceWindowExecutionStatusDetails", "max") as usize,
        model::STATUS_DETAILS_MAX
    );
    assert_eq!(
        num("MaintenanceWindowExecutionId", "min") as usize,
        model::EXECUTION_ID_LENGTH
    );
    assert_eq!(
        num("MaintenanceWindowExecutionId", "max") as usize,
        model::EXECUTION_ID_LENGTH
    );
    assert_eq!(
        shape("MaintenanceWindowExecutionId")["pattern"],
        model::EXECUTION_ID_PATTERN
    );
}

#[test]
fn window_life_cycle_facts_match_the_model() {
    let pair = |name: &str| (num(name, "min"), num(name, "max"));
    let upair = |name: &str| (num(name, "min") as usize, num(name, "max") as usize);
    assert_eq!(upair("MaintenanceWindowName"), (model::NAME_MIN, model::NAME_MAX));
    assert_eq!(shape("MaintenanceWindowName")["pattern"], model::NAME_PATTERN);
    assert_eq!(upair("MaintenanceWindowSchedule"), model::SCHEDULE_LENGTH);
    assert_eq!(pair("MaintenanceWindowDurationHours"), model::DURATION_HOURS);
    assert_eq!(pair("MaintenanceWindowCutoff"), model::CUTOFF_HOURS);
    assert_eq!(upair("MaintenanceWindowDescription"), model::DESCRIPTION_LENGTH);
    assert_eq!(upair("ClientToken"), model::CLIENT_TOKEN_LENGTH);
    assert_eq!(pair("MaintenanceWindowOffset"), model::SCHEDULE_OFFSET_DAYS);
    assert_eq!(num("TagList", "max") as usize, model::TAGS_MAX);
    assert_eq!(upair("TagKey"), model::TAG_KEY_LENGTH);
    assert_eq!(upair("TagValue"), model::TAG_VALUE_LENGTH);
    assert_eq!(shape("TagKey")["pattern"], model::TAG_PATTERN);
    assert_eq!(shape("TagValue")["pattern"], model::TAG_PATTERN);
}

#[test]
fn documented_filter_keys_are_in_the_model_documentation() {
    let doc = shape("DescribeMaintenanceWindowExecutionsRequest")["members"]["Filters"]["documentation"]
        .as_str()
        .unwrap()
        .to_string();
    for key in model::DOCUMENTED_FILTER_KEYS {
        assert!(doc.contains(&format!("<code>{key}</code>")), "{key} in {doc}");
    }
}

#[test]
fn task_and_invocation_facts_match_the_model() {
    let upair = |name: &str| (num(name, "min") as usize, num(name, "max") as usize);
    assert_eq!(
        upair("MaintenanceWindowExecutionTaskId"),
        (model::TASK_EXECUTION_ID_LENGTH, model::TASK_EXECUTION_ID_LENGTH)
    );
    assert_eq!(
        shape("MaintenanceWindowExecutionTaskId")["pattern"],
        model::TASK_EXECUTION_ID_PATTERN
    );
    assert_eq!(
        upair("MaintenanceWindowExecutionTaskInvocationId"),
        (model::INVOCATION_ID_LENGTH, model::INVOCATION_ID_LENGTH)
    );
    assert_eq!(
        shape("MaintenanceWindowExecutionTaskInvocationId")["pattern"],
        model::INVOCATION_ID_PATTERN
    );
    assert_eq!(upair("MaintenanceWindowTaskArn"), model::TASK_ARN_LENGTH);
    let types: Vec<String> = serde_json::from_value(shape("MaintenanceWindowTaskType")["enum"].clone()).unwrap();
    assert_eq!(types, model::TASK_TYPES);
    assert_eq!(num("MaintenanceWindowTaskPriority", "min"), model::TASK_PRIORITY_MIN);
    assert!(shape("MaintenanceWindowTaskPriority")["max"].is_null());
    assert_eq!(upair("MaxConcurrency"), model::MAX_CONCURRENCY_LENGTH);
    assert_eq!(shape("MaxConcurrency")["pattern"], model::MAX_CONCURRENCY_PATTERN);
    assert_eq!(upair("MaxErrors"), model::MAX_ERRORS_LENGTH);
    assert_eq!(shape("MaxErrors")["pattern"], model::MAX_ERRORS_PATTERN);
    assert_eq!(
        upair("MaintenanceWindowTaskParameterName"),
        model::TASK_PARAMETER_NAME_LENGTH
    );
    assert_eq!(
        upair("MaintenanceWindowTaskParameterValue"),
        model::TASK_PARAMETER_VALUE_LENGTH
    );
    assert_eq!(upair("OwnerInformation"), model::OWNER_INFORMATION_LENGTH);
    assert_eq!(upair("AlarmName"), model::ALARM_NAME_LENGTH);
    assert_eq!(shape("AlarmName")["pattern"], model::ALARM_NAME_PATTERN);
    assert_eq!(upair("AlarmList"), model::ALARMS_PER_LIST);
    assert_eq!(upair("AlarmStateInformationList"), model::ALARMS_PER_LIST);
    let states: Vec<String> = serde_json::from_value(shape("ExternalAlarmState")["enum"].clone()).unwrap();
    assert_eq!(states, model::ALARM_STATES);
    assert_eq!(shape("AlarmConfiguration")["required"], json!(["Alarms"]));
    assert_eq!(shape("AlarmStateInformation")["required"], json!(["Name", "State"]));
    assert_eq!(
        num("MaintenanceWindowTaskTargetId", "max") as usize,
        model::WINDOW_TARGET_ID_MAX
    );
    assert!(shape("MaintenanceWindowTaskTargetId")["min"].is_null());
    // The new requests reuse the filter list, MaxResults and the execution id of the first one.
    for (request, required) in [
        (
            "DescribeMaintenanceWindowExecutionTasksRequest",
            vec!["WindowExecutionId"],
        ),
        (
            "DescribeMaintenanceWindowExecutionTaskInvocationsRequest",
            vec!["WindowExecutionId", "TaskId"],
        ),
        (
            "GetMaintenanceWindowExecutionTaskRequest",
            vec!["WindowExecutionId", "TaskId"],
        ),
        (
            "GetMaintenanceWindowExecutionTaskInvocationRequest",
            vec!["WindowExecutionId", "TaskId", "InvocationId"],
        ),
    ] {
        let req = shape(request);
        assert_eq!(req["required"], serde_json::json!(required), "{request}");
        assert_eq!(
            req["members"]["WindowExecutionId"]["shape"],
            "MaintenanceWindowExecutionId"
        );
        if req["members"]["Filters"].is_object() {
            assert_eq!(req["members"]["Filters"]["shape"], "MaintenanceWindowFilterList");
            assert_eq!(req["members"]["MaxResults"]["shape"], "MaintenanceWindowMaxResults");
        }
    }
}

#[test]
fn documented_task_filters_are_in_the_model_documentation() {
    for request in [
        "DescribeMaintenanceWindowExecutionTasksRequest",
        "DescribeMaintenanceWindowExecutionTaskInvocationsRequest",
    ] {
        let doc = shape(request)["members"]["Filters"]["documentation"]
            .as_str()
            .unwrap()
            .to_string();
        for word in model::DOCUMENTED_TASK_FILTER_KEYS
            .iter()
            .chain(&model::DOCUMENTED_TASK_FILTER_STATUSES)
        {
            assert!(doc.contains(&format!("<code>{word}</code>")), "{word} in {doc}");
        }
        for status in model::DOCUMENTED_TASK_FILTER_STATUSES {
            assert!(model::STATUSES.contains(&status));
        }
    }
}

#[test]
fn every_operation_and_its_declared_errors_are_the_models() {
    let m: Value = serde_json::from_str(model::VENDORED_MODEL).unwrap();
    let operations = m["operations"].as_object().unwrap();
    assert_eq!(operations.len(), model::Operation::ALL.len(), "the family's operations");
    for op in model::Operation::ALL {
        let declared: Vec<&str> = operations[op.name()]["errors"]
            .as_array()
            .map(|e| e.iter().filter_map(|x| x["shape"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(op.errors(), declared.as_slice(), "{op}");
        assert_eq!(model::Operation::from_name(op.name()), Some(op));
        // Only reads are sent where mutations are not allowed.
        assert_eq!(
            op.is_read_only(),
            ["Describe", "Get"].iter().any(|p| op.name().starts_with(p)),
            "{op}"
        );
        if let Some((list, _)) = op.list() {
            let output = operations[op.name()]["output"]["shape"].as_str().unwrap();
            assert!(shape(output)["members"].get(list).is_some(), "{op}: {list}");
        }
    }
    // The protocol's errors are the service's own shapes (ValidationException) or the protocol's.
    assert!(model::PROTOCOL_ERRORS.contains(&"ValidationException"));
}

/// The output shapes the oracle holds answers to are the model's, member for member.
#[test]
fn the_oracles_output_shapes_are_the_models() {
    use ssm_conformance::_internals::oracle::family::shapes;
    let members = |name: &str| -> Vec<String> {
        let mut m: Vec<String> = shape(name)["members"].as_object().unwrap().keys().cloned().collect();
        m.sort();
        m
    };
    let sorted = |list: &[&str]| -> Vec<String> {
        let mut m: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        m.sort();
        m
    };
    assert_eq!(members("MaintenanceWindowExecution"), sorted(&shapes::EXECUTION));
    assert_eq!(
        members("GetMaintenanceWindowExecutionResult"),
        sorted(&shapes::GET_EXECUTION)
    );
    assert_eq!(
        members("MaintenanceWindowExecutionTaskIdentity"),
        sorted(&shapes::TASK_IDENTITY)
    );
    assert_eq!(
        members("GetMaintenanceWindowExecutionTaskResult"),
        sorted(&shapes::GET_TASK)
    );
    assert_eq!(
        members("MaintenanceWindowExecutionTaskInvocationIdentity"),
        sorted(&shapes::INVOCATION)
    );
    assert_eq!(
        members("GetMaintenanceWindowExecutionTaskInvocationResult"),
        sorted(&shapes::INVOCATION)
    );
}

/// The filter keys of the window API's lists are the ones the model's documentation names.
#[test]
fn documented_window_api_filter_keys_are_in_the_model_documentation() {
    for (request, keys) in [
        (
            "DescribeMaintenanceWindowTargetsRequest",
            &model::DOCUMENTED_TARGET_FILTER_KEYS[..],
        ),
        (
            "DescribeMaintenanceWindowTasksRequest",
            &model::DOCUMENTED_WINDOW_TASK_FILTER_KEYS[..],
        ),
        (
            "DescribeMaintenanceWindowsRequest",
            &model::DOCUMENTED_WINDOWS_FILTER_KEYS[..],
        ),
    ] {
        let doc = shape(request)["members"]["Filters"]["documentation"]
            .as_str()
            .unwrap()
            .to_string();
        for key in keys {
            assert!(
                doc.contains(&format!("<code>{key}</code>")),
                "{request}: {key} in {doc}"
            );
        }
    }
}
