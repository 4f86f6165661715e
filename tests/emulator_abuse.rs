//! The reference emulator under abuse: arbitrary bodies, members and operation names never make
//! it panic and always get a well-formed error; bodies over the limit get one too; concurrent
//! clients seeding and paging their own windows lose and duplicate nothing.
//!
//! The fuzz properties run with proptest's case count (PROPTEST_CASES; 256 by default, seconds
//! in CI); longer runs by hand are recorded in BENCHMARKS.md.

mod common;

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use ssm_conformance::_internals::client::{Client, Payload};
use ssm_conformance::_internals::emulator::{self, API_BODY_LIMIT, Emulator};
use ssm_conformance::_internals::fixtures::Execution;
use ssm_conformance::_internals::{fixtures, ids};

/// Every answer is a success object or an error with a 4xx status, a type and a message.
fn well_formed(answer: Result<Value, emulator::ApiError>) -> Result<(), TestCaseError> {
    match answer {
        Ok(v) => prop_assert!(v.is_object(), "a success that is not an object: {v}"),
        Err(e) => {
            prop_assert!((400..500).contains(&e.status), "status {} for {e:?}", e.status);
            prop_assert!(!e.error_type.is_empty() && !e.message.is_empty(), "{e:?}");
        }
    }
    Ok(())
}

const MEMBERS: &[&str] = &[
    "WindowId",
    "Filters",
    "Key",
    "Values",
    "MaxResults",
    "NextToken",
    "Name",
    "Schedule",
    "Duration",
    "Cutoff",
    "AllowUnassociatedTargets",
    "Tags",
    "Description",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        "\\PC{0,40}".prop_map(Value::from),
        "mw-[0-9a-fA-F]{15,19}".prop_map(Value::from),
        "20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9](\\.[0-9]{1,12})?(Z|[+-][01][0-9]:[0-5][0-9])?".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop::sample::select(MEMBERS)
                        .prop_map(str::to_string)
                        .boxed()
                        .prop_union("\\PC{0,12}".boxed()),
                    inner
                ),
                0..8
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn operation() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(Some("AmazonSSM.DescribeMaintenanceWindowExecutions".to_string())),
        Just(Some("AmazonSSM.CreateMaintenanceWindow".to_string())),
        Just(Some("AmazonSSM.GetMaintenanceWindow".to_string())),
        Just(Some("AmazonSSM.DeleteMaintenanceWindow".to_string())),
        "\\PC{0,40}".prop_map(Some),
        Just(None),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(prop::test_runner::FileFailurePersistence::Direct("proptest-regressions/emulator_abuse.txt"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_get_a_well_formed_answer(target in operation(), body in prop::collection::vec(any::<u8>(), 0..512)) {
        well_formed(Emulator::new().handle(target.as_deref(), &body))?;
    }

    #[test]
    fn arbitrary_json_gets_a_well_formed_answer(target in operation(), body in json_value()) {
        well_formed(Emulator::new().handle(target.as_deref(), &serde_json::to_vec(&body).unwrap()))?;
    }

    #[test]
    fn arbitrary_describe_requests_get_a_well_formed_answer(
        window in prop_oneof!["mw-[0-9a-f]{17}", "\\PC{0,25}"],
        filters in prop::collection::vec((prop_oneof![Just("ExecutedAfter".to_string()), Just("ExecutedBefore".to_string()), "\\PC{0,130}"], prop::collection::vec(json_value(), 0..3)), 0..7),
        max_results in json_value(),
        token in json_value(),
    ) {
        let filters: Vec<Value> = filters.into_iter().map(|(k, v)| json!({"Key": k, "Values": v})).collect();
        let body = json!({"WindowId": window, "Filters": filters, "MaxResults": max_results, "NextToken": token});
        well_formed(Emulator::new().handle(Some("AmazonSSM.DescribeMaintenanceWindowExecutions"), &serde_json::to_vec(&body).unwrap()))?;
    }
}

fn running() -> (tokio::runtime::Runtime, emulator::Running, Client) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (running, client) = common::spawn_with_client(&rt, Emulator::new());
    (rt, running, client)
}

#[test]
fn a_body_over_the_limit_gets_a_well_formed_error() {
    let (rt, _running, client) = running();
    let huge = format!(
        r#"{{"WindowId":"mw-0123456789abcdef0","NextToken":"{}"}}"#,
        "x".repeat(API_BODY_LIMIT)
    );
    let r = rt
        .block_on(client.call("DescribeMaintenanceWindowExecutions", &Payload::Raw(huge.into_bytes())))
        .unwrap();
    assert_eq!(r.status, 413);
    assert_eq!(r.error.map(|e| e.error_type).as_deref(), Some("SerializationException"));
}

#[test]
fn concurrent_clients_lose_and_duplicate_nothing() {
    let (rt, _running, client) = running();
    let tasks: Vec<_> = (0..16u32)
        .map(|t| {
            let client = client.clone();
            rt.spawn(async move {
                let window = ids::window_id();
                let n = 50 + 13 * t as usize;
                let seed: Vec<Execution> = (0..n)
                    .map(|i| Execution {
                        window_execution_id: format!("{t:08x}-0000-4000-8000-{i:012x}"),
                        status: "SUCCESS".into(),
                        status_details: None,
                        start_time: 1_730_000_000.0 + (i / 3) as f64,
                        end_time: None,
                        tasks: Vec::new(),
                    })
                    .collect();
                fixtures::put_window(&client, &window, None, &seed).await.unwrap();
                let mut seen = Vec::new();
                let mut token: Option<String> = None;
                loop {
                    let mut p = json!({"WindowId": window, "MaxResults": 10 + t as usize});
                    if let Some(tk) = &token {
                        p["NextToken"] = json!(tk);
                    }
                    let r = client
                        .call("DescribeMaintenanceWindowExecutions", &Payload::Json(p))
                        .await
                        .unwrap();
                    let body = r.json.unwrap();
                    for e in body["WindowExecutions"].as_array().unwrap() {
                        assert_eq!(e["WindowId"], json!(window));
                        seen.push(e["WindowExecutionId"].as_str().unwrap().to_string());
                    }
                    match body["NextToken"].as_str() {
                        Some(tk) => token = Some(tk.to_string()),
                        None => break,
                    }
                }
                fixtures::delete_window(&client, &window).await.unwrap();
                let mut expected: Vec<String> = seed.into_iter().map(|e| e.window_execution_id).collect();
                let mut got = seen.clone();
                expected.sort();
                got.sort();
                assert_eq!(got, expected, "task {t}");
            })
        })
        .collect();
    for t in tasks {
        rt.block_on(t).unwrap();
    }
}
