//! The operations around an execution against a target that has only part of them: an emulator
//! that speaks the fixture protocol v1 only and implements none of the four task and invocation
//! operations still gets every DescribeMaintenanceWindowExecutions case run (and passing), the
//! cases that need tasks skipped with that reason, and each missing operation reported as
//! unsupported in one line of its own.

mod common;

use std::collections::BTreeSet;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::json;
use ssm_conformance::_internals::emulator::{self, Emulator};
use ssm_conformance::{Outcome, Suite, TargetOptions};

const MISSING: [&str; 4] = [
    "DescribeMaintenanceWindowExecutionTasks",
    "GetMaintenanceWindowExecutionTask",
    "DescribeMaintenanceWindowExecutionTaskInvocations",
    "GetMaintenanceWindowExecutionTaskInvocation",
];

async fn older(State(emulator): State<Emulator>, headers: HeaderMap, body: Bytes) -> Response {
    let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or("");
    let operation = target.strip_prefix("AmazonSSM.").unwrap_or(target);
    if MISSING.contains(&operation) {
        return (
            StatusCode::BAD_REQUEST,
            [("content-type", "application/x-amz-json-1.1")],
            json!({"__type": "UnknownOperationException"}).to_string(),
        )
            .into_response();
    }
    emulator::answer(emulator.handle(Some(target), &body))
}

async fn v1_only(request: Request, next: Next) -> Response {
    if request.uri().path().starts_with("/_conformance/v2") {
        return StatusCode::NOT_FOUND.into_response();
    }
    next.run(request).await
}

#[test]
fn a_v1_only_target_without_the_task_operations() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let emulator = Emulator::new();
    let url = runtime.block_on(async {
        let app = Router::new()
            .route("/", post(older))
            .with_state(emulator.clone())
            .merge(emulator.fixture_router())
            .layer(middleware::from_fn(v1_only));
        common::serve_router(app).await
    });
    let suite = Suite::load(
        &TargetOptions {
            endpoint: Some(url),
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let cases: Vec<_> = suite.cases().iter().collect();
    let conclusion = common::run_suite(&suite, None);
    assert!(conclusion.left.is_empty());
    let (results, choice_failures) = (&conclusion.results, conclusion.failed_checks());
    assert!(choice_failures.is_empty(), "{choice_failures:?}");
    let mut unsupported_lines = BTreeSet::new();
    let mut executions_cases = 0;
    for (case, r) in cases.iter().zip(results) {
        let op = case.operation_name();
        match &r.outcome {
            Outcome::Unsupported(why) => {
                assert!(MISSING.contains(&op), "{}: unsupported: {why}", r.name);
                assert!(why.contains(&format!("does not implement {op}")), "{}: {why}", r.name);
                unsupported_lines.insert(why.clone());
            }
            Outcome::Skipped(skip) => {
                let why = &skip.message;
                assert_eq!(op, "GetMaintenanceWindowExecution", "{}: skipped: {why}", r.name);
                assert!(why.contains("fixture protocol v2"), "{}: {why}", r.name);
            }
            Outcome::Passed => {
                assert!(
                    !MISSING.contains(&op),
                    "{}: passed against a target without {op}",
                    r.name
                );
                executions_cases += usize::from(op == "DescribeMaintenanceWindowExecutions");
            }
            Outcome::Failed(f) => panic!("{}: {}", r.name, f.message),
        }
    }
    // Every DescribeMaintenanceWindowExecutions case ran and passed, as against the emulator.
    let all = cases
        .iter()
        .filter(|c| c.operation_name() == "DescribeMaintenanceWindowExecutions")
        .count();
    assert_eq!(executions_cases, all);
    assert!(all > 100, "{all}");
    // One line per missing operation.
    assert_eq!(unsupported_lines.len(), MISSING.len(), "{unsupported_lines:#?}");
    // The closing line's advice fits the skips: v1 is there, v2 is what is missing (issue 28:
    // it told such a target to implement the fixture protocol or give --window-id).
    let mut summary = Vec::new();
    ssm_conformance::_internals::report::write_summary(&mut summary, "t", results, &[]).unwrap();
    let summary = String::from_utf8(summary).unwrap();
    let last = summary.lines().last().unwrap();
    assert!(last.contains("implement the fixture protocol v2"), "{last}");
    assert!(!last.contains("--window-id"), "{last}");
}
