//! Detection power: variants of the reference emulator, each wrong in one validated constraint,
//! must fail the suite and be named by it — the request sent and what came back included. The
//! correct emulator behind the same server must pass.
//!
//! A variant is the real emulator behind a server that bends one thing: it rewrites the request
//! before the emulator sees it (so a constraint is effectively loosened), or the result after.

use std::net::{Ipv4Addr, SocketAddr};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Map, Value, json};
use ssm_conformance::emulator::{self, ApiError, Emulator};
use ssm_conformance::runner::harness::Suite;
use ssm_conformance::runner::{Outcome, run_all};
use ssm_conformance::target::TargetOptions;

type RequestFault = fn(&mut String, &mut Map<String, Value>);
type ResultFault = fn(Result<Value, ApiError>) -> Result<Value, ApiError>;

#[derive(Clone, Copy)]
struct Fault {
    name: &'static str,
    /// Cases that must fail against this variant.
    fails: &'static [&'static str],
    request: Option<RequestFault>,
    result: Option<ResultFault>,
    http: Option<fn() -> Response>,
}

const NONE: Fault = Fault {
    name: "none",
    fails: &[],
    request: None,
    result: None,
    http: None,
};

fn str_len(m: &Map<String, Value>, k: &str) -> Option<usize> {
    m.get(k).and_then(Value::as_str).map(|s| s.chars().count())
}

fn filters(m: &mut Map<String, Value>) -> Option<&mut Vec<Value>> {
    m.get_mut("Filters").and_then(Value::as_array_mut)
}

fn key_len(f: &Value) -> usize {
    f["Key"].as_str().map_or(0, |k| k.chars().count())
}

fn values(f: &Value) -> Vec<&str> {
    f["Values"]
        .as_array()
        .map(|v| v.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn faults() -> Vec<Fault> {
    vec![
        Fault {
            name: "window-id-case-insensitive",
            fails: &["window_id::upper-case-hex"],
            request: Some(|_, m| {
                if let Some(Value::String(w)) = m.get_mut("WindowId") {
                    *w = w.to_lowercase();
                }
            }),
            ..NONE
        },
        Fault {
            name: "window-id-accepts-21",
            fails: &["window_id::length-21"],
            request: Some(|_, m| {
                if str_len(m, "WindowId") == Some(21) {
                    let w = m["WindowId"].as_str().unwrap()[..20].to_string();
                    m.insert("WindowId".into(), json!(w));
                }
            }),
            ..NONE
        },
        Fault {
            name: "window-id-accepts-19",
            fails: &["window_id::length-19"],
            request: Some(|_, m| {
                if str_len(m, "WindowId") == Some(19) {
                    let w = format!("{}0", m["WindowId"].as_str().unwrap());
                    m.insert("WindowId".into(), json!(w));
                }
            }),
            ..NONE
        },
        Fault {
            name: "window-id-optional",
            fails: &["window_id::missing", "window_id::null"],
            request: Some(|_, m| {
                if m.get("WindowId").is_none_or(Value::is_null) {
                    m.insert("WindowId".into(), json!("mw-00000000000000000"));
                }
            }),
            ..NONE
        },
        Fault {
            name: "window-id-any-prefix",
            fails: &["window_id::wrong-prefix"],
            request: Some(|_, m| {
                if let Some(Value::String(w)) = m.get_mut("WindowId") {
                    *w = w.replacen("mx-", "mw-", 1);
                }
            }),
            ..NONE
        },
        Fault {
            name: "filters-accepts-6",
            fails: &["filters::six"],
            request: Some(|_, m| {
                if let Some(f) = filters(m) {
                    f.truncate(5);
                }
            }),
            ..NONE
        },
        Fault {
            name: "filter-key-empty-ignored",
            fails: &["filters::key-empty"],
            request: Some(|_, m| {
                if let Some(f) = filters(m) {
                    f.retain(|f| key_len(f) > 0);
                }
            }),
            ..NONE
        },
        Fault {
            name: "filter-key-129-ignored",
            fails: &["filters::key-129", "filters::key-129-multibyte"],
            request: Some(|_, m| {
                if let Some(f) = filters(m) {
                    f.retain(|f| key_len(f) <= 128);
                }
            }),
            ..NONE
        },
        Fault {
            name: "filter-value-empty-ignored",
            fails: &["filters::value-empty"],
            request: Some(|_, m| {
                if let Some(f) = filters(m) {
                    f.retain(|f| values(f).iter().all(|v| !v.is_empty()));
                }
            }),
            ..NONE
        },
        Fault {
            name: "filter-value-257-ignored",
            fails: &["filters::value-257", "filters::value-257-multibyte"],
            request: Some(|_, m| {
                if let Some(f) = filters(m) {
                    f.retain(|f| values(f).iter().all(|v| v.chars().count() <= 256));
                }
            }),
            ..NONE
        },
        Fault {
            name: "max-results-accepts-101",
            fails: &["max_results::101"],
            request: Some(|_, m| {
                if m.get("MaxResults") == Some(&json!(101)) {
                    m.insert("MaxResults".into(), json!(100));
                }
            }),
            ..NONE
        },
        Fault {
            name: "max-results-accepts-9",
            fails: &["max_results::9"],
            request: Some(|_, m| {
                if m.get("MaxResults") == Some(&json!(9)) {
                    m.insert("MaxResults".into(), json!(10));
                }
            }),
            ..NONE
        },
        Fault {
            name: "max-results-clamped",
            fails: &["max_results::0", "max_results::negative", "max_results::int-max"],
            request: Some(|_, m| {
                if let Some(n) = m.get("MaxResults").and_then(Value::as_i64) {
                    m.insert("MaxResults".into(), json!(n.clamp(10, 100)));
                }
            }),
            ..NONE
        },
        Fault {
            name: "max-results-string-accepted",
            fails: &["max_results::string"],
            request: Some(|_, m| {
                if let Some(n) = m
                    .get("MaxResults")
                    .and_then(Value::as_str)
                    .and_then(|s| s.parse::<i64>().ok())
                {
                    m.insert("MaxResults".into(), json!(n));
                }
            }),
            ..NONE
        },
        Fault {
            name: "unknown-operation-served",
            fails: &["request::unknown-operation"],
            request: Some(|op, _| *op = "DescribeMaintenanceWindowExecutions".into()),
            ..NONE
        },
        Fault {
            name: "validation-error-renamed",
            fails: &["window_id::missing", "filters::six", "max_results::101"],
            result: Some(|r| {
                r.map_err(|mut e| {
                    if e.error_type == "ValidationException" {
                        e.error_type = "InvalidParameterValueException";
                    }
                    e
                })
            }),
            ..NONE
        },
        Fault {
            name: "validation-as-500",
            fails: &["window_id::empty", "max_results::9"],
            result: Some(|r| {
                r.map_err(|mut e| {
                    if e.error_type == "ValidationException" {
                        e.status = 500;
                        e.error_type = "InternalServerError";
                    }
                    e
                })
            }),
            ..NONE
        },
        Fault {
            name: "serialization-as-500",
            fails: &["request::malformed-json", "max_results::string"],
            result: Some(|r| {
                r.map_err(|mut e| {
                    if e.error_type == "SerializationException" {
                        e.status = 500;
                    }
                    e
                })
            }),
            ..NONE
        },
        Fault {
            name: "success-with-a-next-token",
            fails: &["window_id::existing-empty", "filters::none"],
            result: Some(|r| {
                r.map(|mut v| {
                    if v.get("WindowExecutions").is_some() {
                        v["NextToken"] = json!("more");
                    }
                    v
                })
            }),
            ..NONE
        },
        Fault {
            name: "errors-without-a-type",
            fails: &["window_id::missing", "request::malformed-json"],
            http: Some(|| (axum::http::StatusCode::BAD_REQUEST, r#"{"message":"bad request"}"#).into_response()),
            ..NONE
        },
    ]
}

async fn faulty(State((emulator, fault)): State<(Emulator, Fault)>, headers: HeaderMap, body: Bytes) -> Response {
    let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or("");
    let mut operation = target.strip_prefix("AmazonSSM.").unwrap_or(target).to_string();
    let mut body = body.to_vec();
    if let (Some(f), Ok(Value::Object(mut m))) = (fault.request, serde_json::from_slice::<Value>(&body)) {
        f(&mut operation, &mut m);
        body = serde_json::to_vec(&m).unwrap();
    }
    let mut result = emulator.handle(Some(&format!("AmazonSSM.{operation}")), &body);
    if let Some(f) = fault.result {
        result = f(result);
    }
    match (fault.http, &result) {
        (Some(make), Err(_)) => make(),
        _ => emulator::answer(result),
    }
}

/// Run the whole suite against `fault`; returns (failed case names, all failure messages, totals).
fn run_against(fault: Fault, profile: Option<&str>) -> (Vec<String>, Vec<String>, usize) {
    let server_rt = tokio::runtime::Runtime::new().unwrap();
    let addr = server_rt.block_on(async {
        let emulator = Emulator::new();
        let app = Router::new()
            .route("/", post(faulty))
            .with_state((emulator.clone(), fault))
            .merge(emulator.fixture_router());
        let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        addr
    });
    let suite = Suite::load(&TargetOptions {
        endpoint: Some(format!("http://{addr}")),
        profile: profile.map(str::to_string),
        ..Default::default()
    })
    .unwrap();
    let cases: Vec<_> = suite.cases.iter().collect();
    let (results, choice_failures) = suite
        .session
        .block_on(run_all(&suite.session, &cases, suite.profile.as_deref()));
    assert!(suite.session.cleanup().is_empty());
    let mut failed = Vec::new();
    let mut messages = choice_failures.clone();
    for r in &results {
        match &r.outcome {
            Outcome::Passed => {}
            Outcome::Failed(m) => {
                failed.push(r.name.clone());
                messages.push(m.clone());
            }
            other => panic!(
                "{}: {} against fault {}: {other:?}",
                r.name, "unexpected outcome", fault.name
            ),
        }
    }
    (failed, messages, results.len())
}

#[test]
fn the_correct_emulator_passes_with_and_without_its_profile() {
    for profile in [None, Some("reference")] {
        let (failed, messages, total) = run_against(NONE, profile);
        assert!(total >= 40, "only {total} cases");
        assert!(failed.is_empty() && messages.is_empty(), "{profile:?}: {messages:#?}");
    }
}

#[test]
fn every_seeded_fault_is_detected_and_named() {
    let faults = faults();
    let mut undetected = Vec::new();
    for fault in &faults {
        let (failed, messages, _) = run_against(*fault, None);
        for must in fault.fails {
            if !failed.iter().any(|f| f == must) {
                undetected.push(format!("{}: {must} passed (failed: {failed:?})", fault.name));
            }
        }
        for m in &messages {
            if !m.contains("choices") && !m.contains("inconsistently") {
                assert!(
                    m.contains("specs/") && m.contains("request:") && m.contains("response:"),
                    "{}: {m}",
                    fault.name
                );
            }
        }
    }
    assert!(undetected.is_empty(), "undetected faults:\n{}", undetected.join("\n"));
    eprintln!("the suite detects {} of {} seeded faults", faults.len(), faults.len());
}
