//! The reference emulator over HTTP, through the harness's own client: the four operations, the
//! fixture protocol, paging and filters.

mod common;

use serde_json::{Value, json};
use ssm_conformance::_internals::client::{Client, Payload};
use ssm_conformance::_internals::emulator::{self, Emulator};
use ssm_conformance::_internals::fixtures::Execution;
use ssm_conformance::_internals::{fixtures, ids};

struct Setup {
    rt: tokio::runtime::Runtime,
    client: Client,
    _running: emulator::Running,
}

fn setup() -> Setup {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (running, client) = common::spawn_with_client(&rt, Emulator::new());
    Setup {
        rt,
        client,
        _running: running,
    }
}

impl Setup {
    fn call(&self, op: &str, params: Value) -> (u16, Value, Option<String>) {
        let r = self.rt.block_on(self.client.call(op, &Payload::Json(params))).unwrap();
        (r.status, r.json.unwrap_or(Value::Null), r.error.map(|e| e.error_type))
    }
}

fn execution(i: usize, start: f64) -> Execution {
    Execution {
        window_execution_id: format!("00000000-0000-4000-8000-{i:012}"),
        status: "SUCCESS".into(),
        status_details: None,
        start_time: start,
        end_time: Some(start + 60.0),
        tasks: Vec::new(),
    }
}

#[test]
fn create_get_delete() {
    let s = setup();
    let (status, body, _) = s.call(
        "CreateMaintenanceWindow",
        json!({"Name": "nightly", "Schedule": "cron(0 2 ? * * *)", "Duration": 3, "Cutoff": 1, "AllowUnassociatedTargets": false}),
    );
    assert_eq!(status, 200, "{body}");
    let id = body["WindowId"].as_str().unwrap().to_string();
    let (status, got, _) = s.call("GetMaintenanceWindow", json!({"WindowId": id}));
    assert_eq!(
        (status, got["Name"].as_str(), got["Duration"].as_i64()),
        (200, Some("nightly"), Some(3))
    );
    assert_eq!(s.call("DeleteMaintenanceWindow", json!({"WindowId": id})).0, 200);
    let (status, body, error) = s.call("GetMaintenanceWindow", json!({"WindowId": id}));
    assert_eq!((status, error.as_deref()), (400, Some("DoesNotExistException")));
    assert!(body["Message"].as_str().unwrap().contains(&id), "{body}");

    let (status, body, error) = s.call(
        "CreateMaintenanceWindow",
        json!({"Name": "x", "Schedule": "rate(1 day)", "Duration": 25, "Cutoff": 0, "AllowUnassociatedTargets": true, "Description": "hidden"}),
    );
    assert_eq!((status, error.as_deref()), (400, Some("ValidationException")));
    let message = body["message"].as_str().unwrap();
    // A name of 1 character breaks both its length and its pattern, as AWS reports.
    assert!(message.starts_with("3 validation errors detected: "), "{message}");
    assert!(
        message.contains("Value 'x' at 'name'") && message.contains("Value '25' at 'duration'"),
        "{message}"
    );
}

#[test]
fn unknown_and_missing_operations() {
    let s = setup();
    let (status, _, error) = s.call("RebootEverything", json!({}));
    assert_eq!((status, error.as_deref()), (400, Some("UnknownOperationException")));
}

#[test]
fn fixture_protocol_seeds_pages_and_filters() {
    let s = setup();
    let window = ids::window_id();
    assert!(s.rt.block_on(fixtures::supported(&s.client)).unwrap());
    // 25 executions an hour apart; two share a StartTime.
    let mut seed: Vec<Execution> = (0..25)
        .map(|i| execution(i, 1_730_000_000.0 + 3600.0 * i as f64))
        .collect();
    seed[24].start_time = seed[23].start_time;
    s.rt.block_on(fixtures::put_window(&s.client, &window, None, &seed))
        .unwrap();

    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut params = json!({"WindowId": window, "MaxResults": 10});
        if let Some(t) = &token {
            params["NextToken"] = json!(t);
        }
        let (status, body, _) = s.call("DescribeMaintenanceWindowExecutions", params);
        assert_eq!(status, 200, "{body}");
        pages += 1;
        for e in body["WindowExecutions"].as_array().unwrap() {
            assert_eq!(e["WindowId"], json!(window));
            seen.push((
                e["StartTime"].as_f64().unwrap(),
                e["WindowExecutionId"].as_str().unwrap().to_string(),
            ));
        }
        match body["NextToken"].as_str() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 25);
    // Newest first, ties by id.
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    assert_eq!(seen, sorted);

    // Inclusive bounds, given with an offset: executions 5..=7.
    let t = |i: i64| {
        chrono::DateTime::from_timestamp(1_730_000_000 + 3600 * i, 0)
            .unwrap()
            .to_rfc3339()
    };
    let (_, body, _) = s.call(
        "DescribeMaintenanceWindowExecutions",
        json!({"WindowId": window, "Filters": [{"Key": "ExecutedAfter", "Values": [t(5)]}, {"Key": "ExecutedBefore", "Values": [t(7)]}]}),
    );
    let ids: Vec<&str> = body["WindowExecutions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["WindowExecutionId"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            seed[7].window_execution_id.as_str(),
            &seed[6].window_execution_id,
            &seed[5].window_execution_id
        ]
    );

    // A token is bound to its window.
    let other = ids::window_id();
    s.rt.block_on(fixtures::put_window(&s.client, &other, None, &seed[..1]))
        .unwrap();
    let (_, first, _) = s.call(
        "DescribeMaintenanceWindowExecutions",
        json!({"WindowId": window, "MaxResults": 10}),
    );
    let (status, _, error) = s.call(
        "DescribeMaintenanceWindowExecutions",
        json!({"WindowId": other, "NextToken": first["NextToken"]}),
    );
    assert_eq!((status, error.as_deref()), (400, Some("InvalidNextToken")));

    // PUT replaces; DELETE removes.
    s.rt.block_on(fixtures::put_window(&s.client, &window, None, &seed[..2]))
        .unwrap();
    let (_, body, _) = s.call("DescribeMaintenanceWindowExecutions", json!({"WindowId": window}));
    assert_eq!(body["WindowExecutions"].as_array().unwrap().len(), 2);
    s.rt.block_on(fixtures::delete_window(&s.client, &window)).unwrap();
    let (_, body, _) = s.call("DescribeMaintenanceWindowExecutions", json!({"WindowId": window}));
    assert_eq!(body, json!({"WindowExecutions": []}));
    let (status, _, _) = s.call("GetMaintenanceWindow", json!({"WindowId": window}));
    assert_eq!(status, 400);
}

#[test]
fn fixture_protocol_refuses_data_aws_could_not_return() {
    let s = setup();
    let window = ids::window_id();
    let mut bad = execution(1, 1.0);
    bad.status = "DONE".into();
    let err =
        s.rt.block_on(fixtures::put_window(&s.client, &window, None, &[bad]))
            .unwrap_err()
            .to_string();
    assert!(err.contains("400") && err.contains("Status"), "{err}");
    let dup = [execution(1, 1.0), execution(1, 2.0)];
    let err =
        s.rt.block_on(fixtures::put_window(&s.client, &window, None, &dup))
            .unwrap_err()
            .to_string();
    assert!(err.contains("appears twice"), "{err}");
    let err =
        s.rt.block_on(fixtures::put_window(&s.client, "mw-BAD", None, &[]))
            .unwrap_err()
            .to_string();
    assert!(err.contains("does not match"), "{err}");
}

#[test]
fn describe_windows_pages_and_filters_by_name() {
    let s = setup();
    let mut made = Vec::new();
    for i in 0..25 {
        let name = if i % 5 == 0 {
            "marked".to_string()
        } else {
            format!("w-{i}")
        };
        let (status, body, _) = s.call(
            "CreateMaintenanceWindow",
            json!({"Name": name, "Schedule": "rate(1 day)", "Duration": 1, "Cutoff": 0, "AllowUnassociatedTargets": false}),
        );
        assert_eq!(status, 200);
        made.push(body["WindowId"].as_str().unwrap().to_string());
    }
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let mut p = json!({"MaxResults": 10});
        if let Some(t) = &token {
            p["NextToken"] = json!(t);
        }
        let (status, body, _) = s.call("DescribeMaintenanceWindows", p);
        assert_eq!(status, 200, "{body}");
        seen.extend(
            body["WindowIdentities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w["WindowId"].as_str().unwrap().to_string()),
        );
        match body["NextToken"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    // As created, page after page.
    assert_eq!(seen, made);
    let (_, body, _) = s.call(
        "DescribeMaintenanceWindows",
        json!({"Filters": [{"Key": "Name", "Values": ["marked"]}]}),
    );
    assert_eq!(body["WindowIdentities"].as_array().unwrap().len(), 5);
    // A token not of the form the emulator writes is refused.
    for bad in [
        "w1.mw-0123456789abcdef0",
        "w2.zz.mw-0123456789abcdef0",
        "w2.0000000000000000",
    ] {
        let (status, body, _) = s.call("DescribeMaintenanceWindows", json!({"NextToken": bad}));
        assert_eq!(status, 400, "{bad}: {body}");
    }
}
