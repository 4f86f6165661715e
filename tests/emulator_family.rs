//! The reference emulator's execution family beyond the executions: tasks and invocations seeded
//! through the fixture protocol v2 and read back through the four task operations (and the
//! TaskIds of GetMaintenanceWindowExecution); v1 as it was.

mod common;

use serde_json::{Value, json};
use ssm_conformance::_internals::emulator::{self, ApiError, Emulator};
use ssm_conformance::_internals::ids;

struct Setup {
    rt: tokio::runtime::Runtime,
    running: emulator::Running,
    http: reqwest::Client,
}

fn setup() -> Setup {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (running, _) = common::spawn_with_client(&rt, Emulator::new());
    Setup {
        rt,
        running,
        http: reqwest::Client::new(),
    }
}

impl Setup {
    /// A fixture protocol call: the status and the JSON body (`Null` when there is none).
    fn fixture(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        self.rt.block_on(async {
            let mut r = self.http.request(method, format!("{}{path}", self.running.url()));
            if let Some(b) = body {
                r = r.json(&b);
            }
            let response = r.send().await.unwrap();
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            (status, serde_json::from_str(&text).unwrap_or(Value::Null))
        })
    }

    fn put(&self, version: u8, window: &str, body: Value) -> (u16, Value) {
        let path = format!("/_conformance/v{version}/windows/{window}");
        self.fixture(reqwest::Method::PUT, &path, Some(body))
    }

    /// An API operation, handled by the emulator directly.
    fn call(&self, op: &str, params: Value) -> Result<Value, ApiError> {
        let body = serde_json::to_vec(&params).unwrap();
        self.running.emulator.handle(Some(&format!("AmazonSSM.{op}")), &body)
    }
}

fn uuid(kind: u32, i: usize) -> String {
    format!("{kind:08x}-0000-4000-8000-{i:012}")
}

const EXECUTION: u32 = 1;
const TASK: u32 = 2;
const INVOCATION: u32 = 3;
const STATUSES: [&str; 3] = ["SUCCESS", "FAILED", "IN_PROGRESS"];

/// Task `i` of a seed: statuses cycle through [`STATUSES`], every task has `invocations`
/// invocations, cycling the same way.
fn task(i: usize, invocations: usize) -> Value {
    let invocations: Vec<Value> = (0..invocations)
        .map(|k| {
            json!({
                "InvocationId": uuid(INVOCATION, i * 1000 + k),
                "ExecutionId": format!("command-{k}"),
                "Parameters": "{\"commands\":[\"true\"]}",
                "Status": STATUSES[k % 3],
                "StartTime": 1_730_000_000.0 + k as f64,
                "EndTime": 1_730_000_010.0 + k as f64,
                "OwnerInformation": "owner",
                "WindowTargetId": uuid(9, k),
            })
        })
        .collect();
    json!({
        "TaskExecutionId": uuid(TASK, i),
        "TaskArn": "AWS-RunShellScript",
        "TaskType": "RUN_COMMAND",
        "Status": STATUSES[i % 3],
        "StatusDetails": format!("task {i}"),
        // Seeded newest first: the answers keep seeded order, not time order.
        "StartTime": 1_730_000_000.0 - i as f64,
        "ServiceRole": "arn:aws:iam::111122223333:role/mw",
        "Priority": 1,
        "MaxConcurrency": "10%",
        "MaxErrors": "0",
        "TaskParameters": [{"commands": {"Values": ["true", "echo hi"]}}],
        "Invocations": invocations,
    })
}

/// A v2 body: one execution with `tasks` tasks of 3 invocations each, and one without tasks.
fn seed(tasks: usize) -> Value {
    json!({
        "Name": "family-test",
        "WindowExecutions": [
            {
                "WindowExecutionId": uuid(EXECUTION, 0),
                "Status": "IN_PROGRESS",
                "StartTime": 1_730_000_000.0,
                "Tasks": (0..tasks).map(|i| task(i, 3)).collect::<Vec<_>>(),
            },
            {"WindowExecutionId": uuid(EXECUTION, 1), "Status": "SUCCESS", "StartTime": 1_720_000_000.0, "EndTime": 1_720_000_100.0},
        ]
    })
}

fn seeded(tasks: usize) -> Setup {
    let s = setup();
    let (status, body) = s.put(2, &ids::window_id(), seed(tasks));
    assert_eq!(status, 200, "{body}");
    s
}

fn error(r: Result<Value, ApiError>) -> ApiError {
    r.expect_err("an error")
}

fn column<'a>(items: &'a Value, list: &str, member: &str) -> Vec<&'a str> {
    items[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x[member].as_str().unwrap())
        .collect()
}

#[test]
fn v2_is_announced_and_v1_still_is() {
    let s = setup();
    assert_eq!(
        s.fixture(reqwest::Method::GET, "/_conformance/v2", None),
        (200, json!({"protocol": 2}))
    );
    assert_eq!(
        s.fixture(reqwest::Method::GET, "/_conformance/v1", None),
        (200, json!({"protocol": 1}))
    );
}

#[test]
fn v1_still_seeds_and_refuses_tasks() {
    let s = setup();
    let window = ids::window_id();
    let execution = json!({"WindowExecutionId": uuid(EXECUTION, 0), "Status": "SUCCESS", "StartTime": 1.0});
    let (status, body) = s.put(1, &window, json!({"WindowExecutions": [execution]}));
    assert_eq!(status, 200, "{body}");
    let got = s
        .call(
            "GetMaintenanceWindowExecution",
            json!({"WindowExecutionId": uuid(EXECUTION, 0)}),
        )
        .unwrap();
    assert_eq!(got["TaskIds"], json!([]));
    let mut with_tasks = execution.clone();
    with_tasks["Tasks"] = json!([task(0, 0)]);
    let (status, body) = s.put(1, &window, json!({"WindowExecutions": [with_tasks]}));
    assert_eq!(status, 400);
    assert!(body["message"].as_str().unwrap().contains("Tasks"), "{body}");
    // The refused PUT changed nothing.
    assert!(
        s.call(
            "GetMaintenanceWindowExecution",
            json!({"WindowExecutionId": uuid(EXECUTION, 0)})
        )
        .is_ok()
    );
    // v2 DELETE removes what v1 seeded, tasks and all.
    let path = format!("/_conformance/v2/windows/{window}");
    assert_eq!(s.fixture(reqwest::Method::DELETE, &path, None).0, 204);
    let e = error(s.call(
        "GetMaintenanceWindowExecution",
        json!({"WindowExecutionId": uuid(EXECUTION, 0)}),
    ));
    assert_eq!(e.error_type, "DoesNotExistException");
}

#[test]
fn v2_refuses_data_aws_could_not_return_naming_the_path() {
    let s = setup();
    let window = ids::window_id();
    let bent = |f: &dyn Fn(&mut Value)| {
        let mut body = seed(2);
        f(&mut body);
        body
    };
    let cases: Vec<(Value, &str)> = vec![
        (
            bent(&|b| b["WindowExecutions"][0]["Tasks"][1]["Invocations"][0]["InvocationId"] = json!("nope")),
            "WindowExecutions[0].Tasks[1].Invocations[0].InvocationId",
        ),
        (
            bent(&|b| b["WindowExecutions"][0]["Tasks"][1]["TaskExecutionId"] = json!(uuid(TASK, 0))),
            "WindowExecutions[0].Tasks[1].TaskExecutionId",
        ),
        (
            bent(&|b| {
                let first = b["WindowExecutions"][0]["Tasks"][0]["Invocations"][0].clone();
                b["WindowExecutions"][0]["Tasks"][0]["Invocations"][2] = first;
            }),
            "WindowExecutions[0].Tasks[0].Invocations[2].InvocationId",
        ),
        (
            bent(&|b| b["WindowExecutions"][0]["Tasks"][0]["TaskType"] = json!("SHELL")),
            "WindowExecutions[0].Tasks[0].TaskType",
        ),
        (
            bent(&|b| b["WindowExecutions"][0]["Tasks"][0]["TaskArn"] = json!("")),
            "WindowExecutions[0].Tasks[0].TaskArn",
        ),
        (
            bent(&|b| b["WindowExecutions"][0]["Tasks"][0]["TaskArn"] = json!("a".repeat(1601))),
            "WindowExecutions[0].Tasks[0].TaskArn",
        ),
        (
            bent(&|b| b["WindowExecutions"][0]["Tasks"][0]["MaxConcurrency"] = json!("0")),
            "WindowExecutions[0].Tasks[0].MaxConcurrency",
        ),
        (
            bent(&|b| b["WindowExecutions"][0]["Tasks"][0]["MaxErrors"] = json!("101%")),
            "WindowExecutions[0].Tasks[0].MaxErrors",
        ),
        (
            bent(&|b| b["WindowExecutions"][0]["Tasks"][0]["Priority"] = json!(-1)),
            "WindowExecutions[0].Tasks[0].Priority",
        ),
        (
            bent(&|b| b["WindowExecutions"][0]["Tasks"][1]["Status"] = json!("DONE")),
            "WindowExecutions[0].Tasks[1].Status",
        ),
        (
            bent(&|b| b["WindowExecutions"][0]["Tasks"][0]["Invocations"][1]["OwnerInformation"] = json!("")),
            "WindowExecutions[0].Tasks[0].Invocations[1].OwnerInformation",
        ),
        (
            bent(&|b| b["WindowExecutions"][0]["Tasks"][0]["Invocations"][1]["WindowTargetId"] = json!("x".repeat(37))),
            "WindowExecutions[0].Tasks[0].Invocations[1].WindowTargetId",
        ),
        (
            bent(&|b| b["WindowExecutions"][0]["Tasks"][0]["Invocations"][1]["EndTime"] = json!(0.0)),
            "WindowExecutions[0].Tasks[0].Invocations[1]: EndTime",
        ),
        (
            bent(&|b| b["WindowExecutions"][0]["Tasks"][0]["TaskParameters"][0]["commands"]["Values"][1] = json!("")),
            "WindowExecutions[0].Tasks[0].TaskParameters[0].commands.Values[1]",
        ),
        (
            bent(&|b| b["WindowExecutions"][0]["Tasks"][1]["Invocations"][0]["TaskType"] = json!("LAMBDA")),
            "WindowExecutions[0].Tasks[1].Invocations[0].TaskType: unknown field",
        ),
        (
            bent(&|b| b["WindowExecutions"][0]["Tasks"][1]["Priority"] = json!("1")),
            "WindowExecutions[0].Tasks[1].Priority: invalid type",
        ),
        (
            bent(&|b| b["WindowExecutions"][1]["WindowExecutionId"] = json!(uuid(EXECUTION, 0))),
            "WindowExecutions[1].WindowExecutionId",
        ),
    ];
    for (body, path) in cases {
        let (status, answer) = s.put(2, &window, body);
        assert_eq!(status, 400, "{path}: {answer}");
        let message = answer["message"].as_str().unwrap();
        assert!(message.contains(path), "{path} in {message}");
    }
    assert!(s.running.emulator.window_ids().is_empty());
}

#[test]
fn get_execution_lists_the_seeded_task_ids_in_order() {
    let s = seeded(4);
    let got = s
        .call(
            "GetMaintenanceWindowExecution",
            json!({"WindowExecutionId": uuid(EXECUTION, 0)}),
        )
        .unwrap();
    let want: Vec<String> = (0..4).map(|i| uuid(TASK, i)).collect();
    assert_eq!(got["TaskIds"], json!(want));
    let other = s
        .call(
            "GetMaintenanceWindowExecution",
            json!({"WindowExecutionId": uuid(EXECUTION, 1)}),
        )
        .unwrap();
    assert_eq!(other["TaskIds"], json!([]));
}

#[test]
fn describe_tasks_answers_the_seeded_tasks() {
    let s = seeded(3);
    let body = s
        .call(
            "DescribeMaintenanceWindowExecutionTasks",
            json!({"WindowExecutionId": uuid(EXECUTION, 0)}),
        )
        .unwrap();
    assert_eq!(body.get("NextToken"), None);
    let first = &body["WindowExecutionTaskIdentities"][0];
    assert_eq!(
        *first,
        json!({
            "WindowExecutionId": uuid(EXECUTION, 0),
            "TaskExecutionId": uuid(TASK, 0),
            "Status": "SUCCESS",
            "StatusDetails": "task 0",
            "StartTime": 1_730_000_000.0,
            "TaskArn": "AWS-RunShellScript",
            "TaskType": "RUN_COMMAND",
        })
    );
    let ids = column(&body, "WindowExecutionTaskIdentities", "TaskExecutionId");
    assert_eq!(ids, [uuid(TASK, 0), uuid(TASK, 1), uuid(TASK, 2)]);
    // An execution without tasks has none.
    let body = s
        .call(
            "DescribeMaintenanceWindowExecutionTasks",
            json!({"WindowExecutionId": uuid(EXECUTION, 1)}),
        )
        .unwrap();
    assert_eq!(body, json!({"WindowExecutionTaskIdentities": []}));
}

#[test]
fn get_task_answers_every_seeded_member() {
    let s = seeded(2);
    let got = s
        .call(
            "GetMaintenanceWindowExecutionTask",
            json!({"WindowExecutionId": uuid(EXECUTION, 0), "TaskId": uuid(TASK, 1)}),
        )
        .unwrap();
    assert_eq!(
        got,
        json!({
            "WindowExecutionId": uuid(EXECUTION, 0),
            "TaskExecutionId": uuid(TASK, 1),
            "TaskArn": "AWS-RunShellScript",
            "ServiceRole": "arn:aws:iam::111122223333:role/mw",
            "Type": "RUN_COMMAND",
            "TaskParameters": [{"commands": {"Values": ["true", "echo hi"]}}],
            "Priority": 1,
            "MaxConcurrency": "10%",
            "MaxErrors": "0",
            "Status": "FAILED",
            "StatusDetails": "task 1",
            "StartTime": 1_729_999_999.0,
        })
    );
}

#[test]
fn invocations_are_described_and_got() {
    let s = seeded(2);
    let body = s
        .call(
            "DescribeMaintenanceWindowExecutionTaskInvocations",
            json!({"WindowExecutionId": uuid(EXECUTION, 0), "TaskId": uuid(TASK, 1)}),
        )
        .unwrap();
    let list = "WindowExecutionTaskInvocationIdentities";
    assert_eq!(
        column(&body, list, "InvocationId"),
        [uuid(INVOCATION, 1000), uuid(INVOCATION, 1001), uuid(INVOCATION, 1002)]
    );
    let want = json!({
        "WindowExecutionId": uuid(EXECUTION, 0),
        "TaskExecutionId": uuid(TASK, 1),
        "InvocationId": uuid(INVOCATION, 1001),
        "ExecutionId": "command-1",
        "TaskType": "RUN_COMMAND",
        "Parameters": "{\"commands\":[\"true\"]}",
        "Status": "FAILED",
        "StartTime": 1_730_000_001.0,
        "EndTime": 1_730_000_011.0,
        "OwnerInformation": "owner",
        "WindowTargetId": uuid(9, 1),
    });
    assert_eq!(body[list][1], want);
    let got = s
        .call(
            "GetMaintenanceWindowExecutionTaskInvocation",
            json!({"WindowExecutionId": uuid(EXECUTION, 0), "TaskId": uuid(TASK, 1), "InvocationId": uuid(INVOCATION, 1001)}),
        )
        .unwrap();
    assert_eq!(got, want);
}

#[test]
fn required_members_are_named_all_at_once() {
    let s = seeded(1);
    let cases = [
        ("DescribeMaintenanceWindowExecutionTasks", vec!["windowExecutionId"]),
        ("GetMaintenanceWindowExecutionTask", vec!["windowExecutionId", "taskId"]),
        (
            "DescribeMaintenanceWindowExecutionTaskInvocations",
            vec!["windowExecutionId", "taskId"],
        ),
        (
            "GetMaintenanceWindowExecutionTaskInvocation",
            vec!["windowExecutionId", "taskId", "invocationId"],
        ),
    ];
    for (op, members) in cases {
        let e = error(s.call(op, json!({})));
        assert_eq!(e.error_type, "ValidationException", "{op}");
        let noun = if members.len() == 1 { "error" } else { "errors" };
        let want: Vec<String> = members
            .iter()
            .map(|m| format!("Value null at '{m}' failed to satisfy constraint: Member must not be null"))
            .collect();
        assert_eq!(
            e.message,
            format!("{} validation {noun} detected: {}", members.len(), want.join("; ")),
            "{op}"
        );
    }
    // One member missing at a time: only that one is named.
    let all =
        json!({"WindowExecutionId": uuid(EXECUTION, 0), "TaskId": uuid(TASK, 0), "InvocationId": uuid(INVOCATION, 0)});
    for (member, path) in [
        ("WindowExecutionId", "windowExecutionId"),
        ("TaskId", "taskId"),
        ("InvocationId", "invocationId"),
    ] {
        let mut request = all.clone();
        request.as_object_mut().unwrap().remove(member);
        let e = error(s.call("GetMaintenanceWindowExecutionTaskInvocation", request));
        assert_eq!(
            e.message,
            format!(
                "1 validation error detected: Value null at '{path}' failed to satisfy constraint: Member must not be null"
            )
        );
    }
}

#[test]
fn ids_must_have_the_model_shape() {
    let s = seeded(1);
    let pattern = ssm_conformance::_internals::model::TASK_EXECUTION_ID_PATTERN;
    let e = error(s.call(
        "GetMaintenanceWindowExecutionTask",
        json!({"WindowExecutionId": uuid(EXECUTION, 0), "TaskId": "not-a-task"}),
    ));
    assert_eq!(
        e.message,
        format!(
            "2 validation errors detected: Value 'not-a-task' at 'taskId' failed to satisfy constraint: Member must have \
             length greater than or equal to 36; Value 'not-a-task' at 'taskId' failed to satisfy constraint: Member \
             must satisfy regular expression pattern: {pattern}"
        )
    );
    // 36 characters, not a UUID: the pattern alone.
    let bad = "z".repeat(36);
    let e = error(s.call(
        "GetMaintenanceWindowExecutionTaskInvocation",
        json!({"WindowExecutionId": uuid(EXECUTION, 0), "TaskId": uuid(TASK, 0), "InvocationId": bad}),
    ));
    assert!(
        e.message.starts_with("1 validation error detected: Value 'zzz"),
        "{}",
        e.message
    );
    assert!(e.message.contains("at 'invocationId'"), "{}", e.message);
    let e = error(s.call(
        "DescribeMaintenanceWindowExecutionTasks",
        json!({"WindowExecutionId": 5}),
    ));
    assert_eq!(e.error_type, "SerializationException");
}

#[test]
fn unknown_ids_do_not_exist() {
    let s = seeded(1);
    let (x, t, i) = (uuid(EXECUTION, 0), uuid(TASK, 0), uuid(INVOCATION, 0));
    let (nx, nt, ni) = (uuid(EXECUTION, 7), uuid(TASK, 7), uuid(INVOCATION, 7));
    let cases = [
        (
            "DescribeMaintenanceWindowExecutionTasks",
            json!({"WindowExecutionId": nx}),
        ),
        (
            "GetMaintenanceWindowExecutionTask",
            json!({"WindowExecutionId": nx, "TaskId": t}),
        ),
        (
            "GetMaintenanceWindowExecutionTask",
            json!({"WindowExecutionId": x, "TaskId": nt}),
        ),
        (
            "DescribeMaintenanceWindowExecutionTaskInvocations",
            json!({"WindowExecutionId": nx, "TaskId": t}),
        ),
        (
            "DescribeMaintenanceWindowExecutionTaskInvocations",
            json!({"WindowExecutionId": x, "TaskId": nt}),
        ),
        (
            "GetMaintenanceWindowExecutionTaskInvocation",
            json!({"WindowExecutionId": nx, "TaskId": t, "InvocationId": i}),
        ),
        (
            "GetMaintenanceWindowExecutionTaskInvocation",
            json!({"WindowExecutionId": x, "TaskId": nt, "InvocationId": i}),
        ),
        (
            "GetMaintenanceWindowExecutionTaskInvocation",
            json!({"WindowExecutionId": x, "TaskId": t, "InvocationId": ni}),
        ),
        // A task of another execution is not this execution's.
        (
            "GetMaintenanceWindowExecutionTask",
            json!({"WindowExecutionId": uuid(EXECUTION, 1), "TaskId": t}),
        ),
    ];
    for (op, request) in cases {
        let e = error(s.call(op, request.clone()));
        assert_eq!(
            (e.status, e.error_type),
            (400, "DoesNotExistException"),
            "{op} {request}"
        );
        assert!(e.capitalized_message, "{op}: a modeled exception carries Message");
    }
}

#[test]
fn status_filters_narrow() {
    let s = seeded(9);
    let x = uuid(EXECUTION, 0);
    let statuses = |filters: Value| -> Vec<String> {
        let body = s
            .call(
                "DescribeMaintenanceWindowExecutionTasks",
                json!({"WindowExecutionId": x, "Filters": filters}),
            )
            .unwrap();
        body["WindowExecutionTaskIdentities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["Status"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        statuses(json!([{"Key": "STATUS", "Values": ["FAILED"]}])),
        ["FAILED"; 3]
    );
    // Several values: any of them, in seeded order.
    assert_eq!(
        statuses(json!([{"Key": "STATUS", "Values": ["IN_PROGRESS", "SUCCESS"]}])),
        [
            "SUCCESS",
            "IN_PROGRESS",
            "SUCCESS",
            "IN_PROGRESS",
            "SUCCESS",
            "IN_PROGRESS"
        ]
    );
    // Several filters: all of them.
    assert_eq!(
        statuses(json!([{"Key": "STATUS", "Values": ["SUCCESS", "FAILED"]}, {"Key": "STATUS", "Values": ["FAILED"]}])),
        ["FAILED"; 3]
    );
    assert!(statuses(json!([{"Key": "STATUS", "Values": ["CANCELLED"]}])).is_empty());
    assert!(statuses(json!([{"Key": "STATUS", "Values": ["SKIPPED_OVERLAPPING"]}])).is_empty());

    let invocations = s
        .call(
            "DescribeMaintenanceWindowExecutionTaskInvocations",
            json!({"WindowExecutionId": x, "TaskId": uuid(TASK, 0), "Filters": [{"Key": "STATUS", "Values": ["IN_PROGRESS"]}]}),
        )
        .unwrap();
    assert_eq!(
        column(&invocations, "WindowExecutionTaskInvocationIdentities", "InvocationId"),
        [uuid(INVOCATION, 2)]
    );
}

#[test]
fn bad_filters_are_refused() {
    let s = seeded(1);
    let x = uuid(EXECUTION, 0);
    for op in [
        "DescribeMaintenanceWindowExecutionTasks",
        "DescribeMaintenanceWindowExecutionTaskInvocations",
    ] {
        let call = |filters: Value| {
            error(s.call(
                op,
                json!({"WindowExecutionId": x, "TaskId": uuid(TASK, 0), "Filters": filters}),
            ))
        };
        let e = call(json!([{"Key": "ExecutedAfter", "Values": ["2024-01-01T00:00:00Z"]}]));
        assert_eq!(e.error_type, "ValidationException");
        assert_eq!(
            e.message,
            "1 validation error detected: Value 'ExecutedAfter' at 'filters.1.member.key' failed to satisfy \
             constraint: Member must satisfy enum value set: [STATUS]"
        );
        let e =
            call(json!([{"Key": "STATUS", "Values": ["SUCCESS"]}, {"Key": "STATUS", "Values": ["SUCCESS", "DONE"]}]));
        assert_eq!(e.error_type, "ValidationException");
        assert!(
            e.message
                .contains("Value '[SUCCESS, DONE]' at 'filters.2.member.values'"),
            "{}",
            e.message
        );
        // The model's constraints, in the same form as for the executions.
        let e = call(json!([{"Key": "", "Values": ["x".repeat(257)]}]));
        assert_eq!(
            e.message,
            format!(
                "2 validation errors detected: Value '' at 'filters.1.member.key' failed to satisfy constraint: Member \
                 must have length greater than or equal to 1; Value '[{}]' at 'filters.1.member.values' failed to \
                 satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to \
                 256, Member must have length greater than or equal to 1]",
                "x".repeat(257)
            )
        );
        let six = vec![json!({"Key": "STATUS", "Values": ["SUCCESS"]}); 6];
        let e = call(json!(six));
        assert!(
            e.message
                .starts_with("1 validation error detected: Value '[MaintenanceWindowFilter(key=STATUS"),
            "{}",
            e.message
        );
        assert!(e.message.contains("at 'filters'"), "{}", e.message);
        for max in [9, 101] {
            let e = error(s.call(
                op,
                json!({"WindowExecutionId": x, "TaskId": uuid(TASK, 0), "MaxResults": max}),
            ));
            assert!(
                e.message.contains(&format!("Value '{max}' at 'maxResults'")),
                "{}",
                e.message
            );
        }
    }
}

#[test]
fn tasks_page_ten_at_a_time_in_seeded_order() {
    let s = seeded(25);
    let x = uuid(EXECUTION, 0);
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = Vec::new();
    loop {
        let mut request = json!({"WindowExecutionId": x, "MaxResults": 10});
        if let Some(t) = &token {
            request["NextToken"] = json!(t);
        }
        let body = s.call("DescribeMaintenanceWindowExecutionTasks", request).unwrap();
        let page = column(&body, "WindowExecutionTaskIdentities", "TaskExecutionId");
        pages.push(page.len());
        seen.extend(page.into_iter().map(str::to_string));
        match body["NextToken"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, [10, 10, 5]);
    let want: Vec<String> = (0..25).map(|i| uuid(TASK, i)).collect();
    assert_eq!(seen, want);
    // Without MaxResults: the executions operation's default page size.
    let body = s
        .call(
            "DescribeMaintenanceWindowExecutionTasks",
            json!({"WindowExecutionId": x}),
        )
        .unwrap();
    assert_eq!(
        body["WindowExecutionTaskIdentities"].as_array().unwrap().len(),
        25.min(emulator::DEFAULT_PAGE_SIZE)
    );
}

#[test]
fn tokens_are_bound_to_their_list() {
    let s = seeded(25);
    let window = ids::window_id();
    let mut other = seed(25);
    other["WindowExecutions"][0]["WindowExecutionId"] = json!(uuid(EXECUTION, 5));
    other["WindowExecutions"][1]["WindowExecutionId"] = json!(uuid(EXECUTION, 6));
    assert_eq!(s.put(2, &window, other).0, 200);
    let x = uuid(EXECUTION, 0);
    let first = s
        .call(
            "DescribeMaintenanceWindowExecutionTasks",
            json!({"WindowExecutionId": x, "MaxResults": 10}),
        )
        .unwrap();
    let token = first["NextToken"].clone();
    assert!(token.is_string());
    let invalid = |op: &str, request: Value| {
        let e = error(s.call(op, request.clone()));
        assert_eq!(
            (e.error_type, e.message.as_str()),
            ("InvalidNextToken", "The specified token isn't valid."),
            "{op} {request}"
        );
    };
    // Another execution, another operation, garbage, and an executions token.
    invalid(
        "DescribeMaintenanceWindowExecutionTasks",
        json!({"WindowExecutionId": uuid(EXECUTION, 5), "NextToken": token}),
    );
    invalid(
        "DescribeMaintenanceWindowExecutionTaskInvocations",
        json!({"WindowExecutionId": x, "TaskId": uuid(TASK, 0), "NextToken": token}),
    );
    invalid(
        "DescribeMaintenanceWindowExecutionTasks",
        json!({"WindowExecutionId": x, "NextToken": "garbage"}),
    );
    let executions_token = ssm_conformance::_internals::emulator::store::Cursor {
        window_id: window.clone(),
        start: 0,
        id: x.clone(),
    }
    .encode();
    invalid(
        "DescribeMaintenanceWindowExecutionTasks",
        json!({"WindowExecutionId": x, "NextToken": executions_token}),
    );
    // A task token is not an executions token either.
    let e = error(s.call(
        "DescribeMaintenanceWindowExecutions",
        json!({"WindowId": window, "NextToken": token}),
    ));
    assert_eq!(e.error_type, "InvalidNextToken");
    // The same execution: the token continues, whatever the filters.
    let next = s
        .call(
            "DescribeMaintenanceWindowExecutionTasks",
            json!({"WindowExecutionId": x, "NextToken": token, "MaxResults": 10}),
        )
        .unwrap();
    assert_eq!(
        column(&next, "WindowExecutionTaskIdentities", "TaskExecutionId")[0],
        uuid(TASK, 10)
    );
}

#[test]
fn cancel_leaves_tasks_as_seeded() {
    let s = seeded(2);
    let x = uuid(EXECUTION, 0);
    let before = s
        .call(
            "DescribeMaintenanceWindowExecutionTasks",
            json!({"WindowExecutionId": x}),
        )
        .unwrap();
    s.call("CancelMaintenanceWindowExecution", json!({"WindowExecutionId": x}))
        .unwrap();
    let got = s
        .call("GetMaintenanceWindowExecution", json!({"WindowExecutionId": x}))
        .unwrap();
    assert_eq!(got["Status"], "CANCELLING");
    let after = s
        .call(
            "DescribeMaintenanceWindowExecutionTasks",
            json!({"WindowExecutionId": x}),
        )
        .unwrap();
    assert_eq!(before, after);
}

#[test]
fn the_new_operations_answer_over_http() {
    let s = seeded(1);
    let client = common::client_for(
        &s.running.url(),
        ssm_conformance::_internals::client::Credentials::dummy(),
    );
    let payload = ssm_conformance::_internals::client::Payload::Json(
        json!({"WindowExecutionId": uuid(EXECUTION, 0), "TaskId": uuid(TASK, 0)}),
    );
    let r =
        s.rt.block_on(client.call("GetMaintenanceWindowExecutionTask", &payload))
            .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.json.unwrap()["TaskExecutionId"], json!(uuid(TASK, 0)));
}
