//! Green means judged: a target that throttles, refuses its seeding, answers the fixture
//! protocol's question with a server error, or was never judged on data cannot get an
//! unqualified pass. Each test puts the reference emulator behind a server bent one way; each
//! fails without the rule it proves (a skip, or a pass, where now there is a failure or an error).

mod common;

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use ssm_conformance::_internals::emulator::{self, Emulator};
use ssm_conformance::_internals::properties::{Part, Settings};
use ssm_conformance::{Conclusion, FailureKind, Outcome, RunError, RunOptions, SkipReason, Suite};

/// What a middleware gives back: the answer, later.
type Answering = std::pin::Pin<Box<dyn std::future::Future<Output = Response> + Send>>;

async fn api(State(emulator): State<Emulator>, headers: HeaderMap, body: Bytes) -> Response {
    let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or("");
    emulator::answer(emulator.handle(Some(target), &body))
}

/// The emulator behind `layer` (a middleware that may answer in its stead), with or without
/// the fixture protocol; its URL, on `runtime`.
fn serve(
    runtime: &tokio::runtime::Runtime,
    emulator: &Emulator,
    fixture_protocol: bool,
    layer: fn(Request, Next) -> Answering,
) -> String {
    let emulator = emulator.clone();
    runtime.block_on(async move {
        let mut app = Router::new().route("/", post(api)).with_state(emulator.clone());
        if fixture_protocol {
            app = app.merge(emulator.fixture_router());
        }
        common::serve_router(app.layer(middleware::from_fn(layer))).await
    })
}

/// A middleware's work: the request's body read, `refuse` asked whether to answer in the
/// emulator's stead (by the path and the body).
async fn unless(request: Request, next: Next, refuse: fn(&str, &[u8]) -> Option<Response>) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    if let Some(answer) = refuse(parts.uri.path(), &bytes) {
        return answer;
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

fn run(suite: &Suite, options: RunOptions) -> Result<Conclusion, RunError> {
    ssm_conformance::run(
        suite,
        &RunOptions {
            interruptible: false,
            ..options
        },
        &mut |_| {},
    )
}

fn throttled() -> Response {
    (
        StatusCode::BAD_REQUEST,
        [("content-type", "application/x-amz-json-1.1")],
        json!({"__type": "ThrottlingException", "message": "Rate exceeded"}).to_string(),
    )
        .into_response()
}

#[test]
fn a_target_that_throttles_everything_is_a_set_up_error_found_at_once() {
    fn always(_: Request, _: Next) -> Answering {
        Box::pin(async { throttled() })
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let url = serve(&runtime, &Emulator::new(), false, always);
    let started = Instant::now();
    let err = run(&common::suite_at(&url), RunOptions::default()).expect_err("no case can be judged");
    let why = err.to_string();
    assert!(
        why.contains("throttles every request") && why.contains("--jobs 1"),
        "{why}"
    );
    // One probe's retries, not a suite's: the run never starts.
    assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());
}

#[test]
fn a_case_throttled_on_every_try_fails_and_says_so() {
    // Only DescribeMaintenanceWindowExecutions with an out-of-range MaxResults is throttled,
    // for ever: those cases fail ("throttled throughout"), never skip; the rest pass.
    fn bounds(request: Request, next: Next) -> Answering {
        Box::pin(unless(request, next, |path, body| {
            let out_of_range = serde_json::from_slice::<Value>(body)
                .ok()
                .and_then(|v| v.get("MaxResults").and_then(Value::as_i64))
                .is_some_and(|m| !(10..=100).contains(&m));
            (out_of_range && path == "/").then(throttled)
        }))
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let url = serve(&runtime, &Emulator::new(), true, bounds);
    let conclusion = run(
        &common::suite_at(&url),
        RunOptions {
            filters: vec!["max_results::".into()],
            ..RunOptions::default()
        },
    )
    .unwrap();
    let throttled: Vec<&str> = conclusion
        .results
        .iter()
        .filter(|r| r.outcome.failure_kind() == Some(FailureKind::Throttled))
        .map(|r| r.name.as_str())
        .collect();
    for name in [
        "max_results::9",
        "max_results::101",
        "max_results::0",
        "max_results::negative",
    ] {
        assert!(
            throttled.contains(&name),
            "{name} not failed as throttled: {throttled:?}"
        );
    }
    let message = conclusion.results.iter().find(|r| r.name == "max_results::9").unwrap();
    let message = message.outcome.message().unwrap();
    assert!(
        message.contains("throttled throughout") && message.contains("response:"),
        "{message}"
    );
    assert!(
        conclusion
            .results
            .iter()
            .all(|r| !matches!(r.outcome, Outcome::Skipped(_)))
    );
    assert!(conclusion.results.iter().any(|r| r.outcome == Outcome::Passed));
    assert!(conclusion.throttling.throttled >= 4 * 7, "{:?}", conclusion.throttling);
}

#[test]
fn a_data_set_the_target_will_not_hold_fails_the_cases_that_need_it() {
    // At most 200 executions a window: the 250-execution data set is refused.
    fn at_most_200(request: Request, next: Next) -> Answering {
        Box::pin(unless(request, next, |path, body| {
            let many = path.starts_with("/_conformance/")
                && serde_json::from_slice::<Value>(body)
                    .ok()
                    .and_then(|v| v.get("WindowExecutions").and_then(Value::as_array).map(Vec::len))
                    .is_some_and(|n| n > 200);
            many.then(|| (StatusCode::INSUFFICIENT_STORAGE, "at most 200 executions a window").into_response())
        }))
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let emulator = Emulator::new();
    let url = serve(&runtime, &emulator, true, at_most_200);
    let conclusion = run(
        &common::suite_at(&url),
        RunOptions {
            filters: vec!["pagination::".into()],
            ..RunOptions::default()
        },
    )
    .unwrap();
    let big: Vec<_> = conclusion
        .results
        .iter()
        .filter(|r| r.outcome.message().is_some_and(|m| m.contains("fixture \"n250\"")))
        .collect();
    assert!(!big.is_empty(), "no case needs n250: {:#?}", conclusion.results);
    for r in &big {
        assert_eq!(
            r.outcome.failure_kind(),
            Some(FailureKind::Seeding),
            "{}: {:?}",
            r.name,
            r.outcome
        );
        assert!(r.outcome.message().unwrap().contains("507"), "{:?}", r.outcome);
    }
    assert!(conclusion.left.is_empty() && emulator.window_ids().is_empty());
}

#[test]
fn a_fixture_protocol_that_answers_a_server_error_is_a_set_up_error() {
    fn broken(request: Request, next: Next) -> Answering {
        Box::pin(async move {
            if request.uri().path() == "/_conformance/v1" {
                return (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response();
            }
            next.run(request).await
        })
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let url = serve(&runtime, &Emulator::new(), true, broken);
    let why = run(&common::suite_at(&url), RunOptions::default())
        .expect_err("a set-up error")
        .to_string();
    assert!(why.contains("GET /_conformance/v1 answered HTTP 500"), "{why}");
}

fn plain(request: Request, next: Next) -> Answering {
    Box::pin(next.run(request))
}

#[test]
fn without_data_nothing_data_dependent_passes_and_require_data_fails_it() {
    // No fixture protocol and no --window-id: the run's own window is empty.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let url = serve(&runtime, &Emulator::new(), false, plain);
    let options = RunOptions {
        filters: vec!["properties::metamorphic".into(), "pagination::11-max-10".into()],
        properties: Some(Settings::new(Some(7), Some(8))),
        ..RunOptions::default()
    };
    let conclusion = run(&common::suite_at(&url), options.clone()).unwrap();
    let outcome = |name: &str| {
        conclusion
            .results
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("{name}"))
            .outcome
            .clone()
    };
    match outcome("properties::metamorphic") {
        Outcome::Skipped(s) => {
            assert_eq!(s.reason, SkipReason::NoData);
            assert!(
                s.message.contains("nothing to relate") && s.message.contains("--window-id"),
                "{}",
                s.message
            );
        }
        other => panic!("related nothing, yet {other:?}"),
    }
    assert!(
        matches!(outcome("pagination::11-max-10"), Outcome::Skipped(s) if s.reason == SkipReason::NoFixtureProtocol)
    );
    let mut summary = Vec::new();
    ssm_conformance::_internals::report::write_summary(&mut summary, "t", &conclusion.results, &[]).unwrap();
    let summary = String::from_utf8(summary).unwrap();
    let n = conclusion.results.len();
    assert!(
        summary
            .trim_end()
            .lines()
            .last()
            .unwrap()
            .starts_with(&format!("{n} of {n} cases skipped: the data-dependent behaviour")),
        "{summary}"
    );
    // The gate that must judge data fails them.
    let required = run(
        &common::suite_at(&url),
        RunOptions {
            require_data: true,
            ..options
        },
    )
    .unwrap();
    assert!(
        required
            .results
            .iter()
            .all(|r| r.outcome.failure_kind() == Some(FailureKind::Unjudged)),
        "{:#?}",
        required.results
    );
}

#[test]
fn an_operation_selects_the_generated_parts_that_exercise_it() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let url = serve(&runtime, &Emulator::new(), true, plain);
    let conclusion = run(
        &common::suite_at(&url),
        RunOptions {
            operations: vec!["GetMaintenanceWindowExecution".into()],
            properties: Some(Settings::new(Some(7), Some(8))),
            ..RunOptions::default()
        },
    )
    .unwrap();
    let part = |p: Part| conclusion.results.iter().find(|r| r.name == p.result_name()).unwrap();
    assert_eq!(
        part(Part::Family).outcome,
        Outcome::Passed,
        "{:?}",
        part(Part::Family).outcome
    );
    for p in [Part::ModelBased, Part::Metamorphic, Part::Stateful] {
        match &part(p).outcome {
            Outcome::Skipped(s) => assert!(s.reason == SkipReason::NotSelected && s.message.contains("--operation")),
            other => panic!("{p:?}: {other:?}"),
        }
    }
    assert!(
        conclusion
            .results
            .iter()
            .filter(|r| !r.name.starts_with("properties::"))
            .all(|r| r.name.starts_with("get_execution::") || r.name.starts_with("generated_get_execution::")),
        "only the operation's cases"
    );
}
