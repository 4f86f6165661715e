//! A server that bends the reference emulator in one way (a fault, or another answer to a choice
//! AWS leaves open), and a runner of the whole suite against it.
//!
//! Hooks act on the request before the emulator sees it, replace its handling, or rewrite its
//! result; the fixture protocol is the emulator's own.

#![allow(dead_code)]

pub mod cli;
pub mod flaky;
pub mod latency;
pub mod raw;

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use serde_json::{Map, Value, json};
use ssm_conformance::_internals::client::{Client, ClientConfig, Credentials};
use ssm_conformance::_internals::emulator::upcoming::ScheduleChoices;
use ssm_conformance::_internals::emulator::{self, ApiError, Emulator, Limits};
use ssm_conformance::_internals::properties::Settings;
use ssm_conformance::{CaseResult, Conclusion, Outcome, RunOptions, Suite, TargetOptions};

/// A client for `url`, signing with `credentials`.
pub fn client_for(url: &str, credentials: Credentials) -> Client {
    Client::new(ClientConfig {
        endpoint: url.to_string(),
        region: "us-east-1".into(),
        credentials,
        timeout: Duration::from_secs(30),
    })
    .unwrap()
}

/// `emulator` served on a free loopback port of `rt`, and a client for it (dummy credentials).
pub fn spawn_with_client(rt: &tokio::runtime::Runtime, emulator: Emulator) -> (emulator::Running, Client) {
    let running = rt
        .block_on(emulator::spawn(emulator, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))))
        .unwrap();
    let client = client_for(&running.url(), Credentials::dummy());
    (running, client)
}

/// The operation a request names, and its body.
pub type Request = Map<String, Value>;
/// An operation's result.
pub type Answer = Result<Value, ApiError>;

/// A legal wire form of an answer: its status, headers and body in, the answer to send out.
pub type WireForm = fn(u16, &HeaderMap, Vec<u8>) -> Response;

/// Another way of answering: `None` leaves the request to the emulator.
pub type Replace = fn(&Emulator, &str, &Request) -> Option<Answer>;

/// One way of bending the emulator.
#[derive(Clone, Copy)]
pub struct Variant {
    /// Its name, for messages.
    pub name: &'static str,
    /// Cases that must fail against it.
    pub fails: &'static [&'static str],
    /// Rewrite the operation and request before the emulator sees them.
    pub request: Option<fn(&mut String, &mut Request)>,
    /// Answer some requests another way (`None`: the emulator answers).
    pub replace: Option<Replace>,
    /// Rewrite the result.
    pub result: Option<fn(&Emulator, &Request, Answer) -> Answer>,
    /// Answer every error with this HTTP response instead.
    pub http: Option<fn() -> Response>,
    /// Send every answer in another legal wire form (its status, headers and body as the
    /// emulator made them, in; the answer to send, out).
    pub wire: Option<WireForm>,
    /// The emulator enforces these bounds instead of the model's (a bound bent in the emulator
    /// itself, as a real implementation gets one wrong).
    pub limits: Option<Limits>,
    /// Its request and replace hooks bend the execution family's operations too (by default
    /// they reach the emulator as sent).
    pub family: bool,
    /// Its request and replace hooks bend the window API too (a window's update, its targets
    /// and tasks, the windows of a target); by default those reach the emulator as sent.
    pub window_api: bool,
    /// The emulator takes the schedule's open choices this way instead of its own.
    pub schedule: Option<ScheduleChoices>,
}

/// The emulator as it is.
pub const NONE: Variant = Variant {
    name: "none",
    fails: &[],
    request: None,
    replace: None,
    result: None,
    http: None,
    wire: None,
    limits: None,
    family: false,
    window_api: false,
    schedule: None,
};

/// The executions a DescribeMaintenanceWindowExecutions answer lists (none in another answer),
/// for variants that bend them one by one.
pub fn listed_executions(answer: &mut Value) -> impl Iterator<Item = &mut Value> {
    answer
        .get_mut("WindowExecutions")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
}

/// A fault a gate lists in its expectations: listed executions' statuses lower-cased (the spec
/// cases that list executions fail, kind `member`).
pub fn statuses_lower_cased() -> Variant {
    Variant {
        name: "statuses-lower-cased",
        result: Some(|_, _, answer| {
            let mut v = answer?;
            for e in listed_executions(&mut v) {
                if let Some(s) = e.get("Status").and_then(Value::as_str) {
                    e["Status"] = Value::String(s.to_lowercase());
                }
            }
            Ok(v)
        }),
        ..NONE
    }
}

/// A fault the spec cases miss and the model-based part finds: listed executions' StatusDetails
/// trimmed (no spec case lists executions whose details are edged with whitespace; the generated
/// histories have them).
pub fn status_details_trimmed() -> Variant {
    Variant {
        name: "status-details-trimmed",
        fails: &["properties::model-based"],
        result: Some(|_, _, answer| {
            let mut v = answer?;
            for e in listed_executions(&mut v) {
                if let Some(d) = e.get("StatusDetails").and_then(Value::as_str) {
                    e["StatusDetails"] = json!(d.trim());
                }
            }
            Ok(v)
        }),
        ..NONE
    }
}

/// The list DescribeMaintenanceWindowTargets or DescribeMaintenanceWindowTasks answers
/// (`None` for any other operation).
pub fn registrations_list(op: &str) -> Option<&'static str> {
    match op {
        "DescribeMaintenanceWindowTargets" => Some("Targets"),
        "DescribeMaintenanceWindowTasks" => Some("Tasks"),
        _ => None,
    }
}

/// The list DescribeMaintenanceWindows answers (`None` for any other operation).
pub fn windows_list(op: &str) -> Option<&'static str> {
    (op == "DescribeMaintenanceWindows").then_some("WindowIdentities")
}

/// The emulator's answer to `op` with the list `list_of` names for it rewritten (`None` where
/// it names none: the emulator answers).
pub fn list_rewritten(
    emulator: &Emulator,
    op: &str,
    request: &Request,
    list_of: fn(&str) -> Option<&'static str>,
    rewrite: fn(&mut Vec<Value>),
) -> Option<Answer> {
    let list = list_of(op)?;
    let answer = emulator.handle(Some(&format!("AmazonSSM.{op}")), &serde_json::to_vec(request).unwrap());
    Some(answer.map(|mut a| {
        if let Some(items) = a.get_mut(list).and_then(Value::as_array_mut) {
            rewrite(items);
        }
        a
    }))
}

/// The emulator's answer to DescribeMaintenanceWindowTargets or DescribeMaintenanceWindowTasks
/// with its list rewritten (`None` for any other operation: the emulator answers).
pub fn registrations_rewritten(
    emulator: &Emulator,
    op: &str,
    request: &Request,
    rewrite: fn(&mut Vec<Value>),
) -> Option<Answer> {
    list_rewritten(emulator, op, request, registrations_list, rewrite)
}

/// A quota of `quota` tasks a window: a RegisterTaskWithMaintenanceWindow past it answered
/// `refusal`, any other as the emulator answers (`None` for other operations).
pub fn task_quota(
    emulator: &Emulator,
    op: &str,
    request: &Request,
    quota: usize,
    refusal: fn() -> ApiError,
) -> Option<Answer> {
    if op != "RegisterTaskWithMaintenanceWindow" {
        return None;
    }
    let listed = emulator.handle(
        Some("AmazonSSM.DescribeMaintenanceWindowTasks"),
        &serde_json::to_vec(&json!({"WindowId": request.get("WindowId"), "MaxResults": 100})).unwrap(),
    );
    Some(
        if listed.is_ok_and(|a| a["Tasks"].as_array().is_some_and(|t| t.len() >= quota)) {
            Err(refusal())
        } else {
            emulator.handle(Some(&format!("AmazonSSM.{op}")), &serde_json::to_vec(request).unwrap())
        },
    )
}

/// `DescribeMaintenanceWindowExecutions` on `emulator`, paged through to the end (MaxResults 100).
pub fn describe_all(emulator: &Emulator, request: &Request) -> Result<Vec<Value>, ApiError> {
    let mut all = Vec::new();
    let mut params = request.clone();
    params.remove("NextToken");
    params.insert("MaxResults".into(), json!(100));
    loop {
        let body = serde_json::to_vec(&params).unwrap();
        let page = emulator.handle(Some("AmazonSSM.DescribeMaintenanceWindowExecutions"), &body)?;
        all.extend(page["WindowExecutions"].as_array().cloned().unwrap_or_default());
        match page.get("NextToken") {
            Some(t) => {
                params.insert("NextToken".into(), t.clone());
            }
            None => return Ok(all),
        }
    }
}

async fn bent(State((emulator, variant)): State<(Emulator, Variant)>, headers: HeaderMap, body: Bytes) -> Response {
    let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or("");
    let mut operation = target.strip_prefix("AmazonSSM.").unwrap_or(target).to_string();
    // Request and replace hooks bend DescribeMaintenanceWindowExecutions and the window life
    // cycle; the execution family's own operations reach the emulator as sent, unless the
    // variant is one of the family's (result and HTTP hooks, a target's way of answering, apply
    // to every operation).
    let family = !variant.family
        && matches!(
            operation.as_str(),
            "GetMaintenanceWindowExecution"
                | "CancelMaintenanceWindowExecution"
                | "DescribeMaintenanceWindowExecutionTasks"
                | "GetMaintenanceWindowExecutionTask"
                | "DescribeMaintenanceWindowExecutionTaskInvocations"
                | "GetMaintenanceWindowExecutionTaskInvocation"
        );
    let window_api = !variant.window_api
        && ssm_conformance::_internals::model::Operation::from_name(&operation).is_some_and(|o| o.is_window_api());
    let variant = if family || window_api {
        Variant {
            request: None,
            replace: None,
            ..variant
        }
    } else {
        variant
    };
    let mut body = body.to_vec();
    let mut request = Map::new();
    if let Ok(Value::Object(mut m)) = serde_json::from_slice::<Value>(&body) {
        if let Some(f) = variant.request {
            f(&mut operation, &mut m);
            body = serde_json::to_vec(&m).unwrap();
        }
        request = m;
    }
    let replaced = variant.replace.and_then(|f| f(&emulator, &operation, &request));
    let mut result = replaced.unwrap_or_else(|| emulator.handle(Some(&format!("AmazonSSM.{operation}")), &body));
    if let Some(f) = variant.result {
        result = f(&emulator, &request, result);
    }
    let answer = match (variant.http, &result) {
        (Some(make), Err(_)) => make(),
        _ => emulator::answer(result),
    };
    match variant.wire {
        Some(form) => {
            let (parts, body) = answer.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
            form(parts.status.as_u16(), &parts.headers, bytes.to_vec())
        }
        None => answer,
    }
}

/// The Filters each NextToken was written under (tokens name random windows' items, so no two
/// runs share one): for variants whose tokens keep, or check, their filters.
static TOKEN_FILTERS: std::sync::Mutex<std::collections::BTreeMap<String, Value>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

/// Remember the Filters of `request` (null: none) for the NextToken of its `answer`, if any.
pub fn remember_token_filters(request: &Request, answer: &Answer) {
    if let Ok(a) = answer
        && let Some(t) = a.get("NextToken").and_then(Value::as_str)
    {
        let filters = request.get("Filters").cloned().unwrap_or(Value::Null);
        TOKEN_FILTERS.lock().unwrap().insert(t.to_string(), filters);
    }
}

/// The Filters the request's NextToken was written under (null: none), if it is one remembered.
pub fn token_filters(request: &Request) -> Option<Value> {
    let t = request.get("NextToken")?.as_str()?;
    TOKEN_FILTERS.lock().unwrap().get(t).cloned()
}

/// The results of the whole suite against `variant`.
pub struct Run {
    /// Per case.
    pub results: Vec<CaseResult>,
    /// Failed choice-consistency checks.
    pub choice_failures: Vec<(String, String)>,
}

impl Run {
    /// Names of the failed cases.
    pub fn failed(&self) -> Vec<&str> {
        self.results
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Failed(_)))
            .map(|r| r.name.as_str())
            .collect()
    }

    /// Every failure message, choice checks included.
    pub fn messages(&self) -> Vec<&str> {
        let cases = self.results.iter().filter_map(|r| match &r.outcome {
            Outcome::Failed(f) => Some(f.message.as_str()),
            _ => None,
        });
        cases
            .chain(self.choice_failures.iter().map(|(_, why)| why.as_str()))
            .collect()
    }
}

/// A variant served on 127.0.0.1: its runtime (the server lives as long as it), URL and state.
pub struct Served {
    /// Keeps the server running.
    pub runtime: tokio::runtime::Runtime,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The emulator behind it.
    pub emulator: Emulator,
}

/// Serve `variant` on a free port.
pub fn serve_variant(variant: Variant) -> Served {
    let server_rt = tokio::runtime::Runtime::new().unwrap();
    let emulator = variant.limits.map_or_else(Emulator::new, Emulator::with_limits);
    let emulator = match variant.schedule {
        Some(choices) => emulator.with_schedule_choices(choices),
        None => emulator,
    };
    let addr = server_rt.block_on(async {
        let emulator = emulator.clone();
        let app = Router::new()
            .route("/", post(bent))
            .with_state((emulator.clone(), variant))
            .merge(emulator.fixture_router());
        serve_router(app).await
    });
    Served {
        runtime: server_rt,
        url: addr,
        emulator,
    }
}

/// Serve `app` on a free loopback port, on the current runtime; its URL.
pub async fn serve_router(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

/// Run every case against `variant`, with `profile` pinning choices (or none).
pub fn run_against(variant: Variant, profile: Option<&str>) -> Run {
    let served = serve_variant(variant);
    let emulator = served.emulator.clone();
    let suite = Suite::load(
        &TargetOptions {
            endpoint: Some(served.url.clone()),
            pins: profile.map(str::to_string),
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let conclusion = run_suite(&suite, None);
    assert!(conclusion.left.is_empty(), "{}: cleanup failed", variant.name);
    let choice_failures = conclusion.failed_checks();
    let results = conclusion.results;
    // Everything the run seeded or created is gone, failed cases or not.
    assert_eq!(
        emulator.window_ids(),
        Vec::<String>::new(),
        "{}: windows left behind",
        variant.name
    );
    for r in &results {
        assert!(
            matches!(r.outcome, Outcome::Passed | Outcome::Failed(_)),
            "{}: {}: {:?}",
            variant.name,
            r.name,
            r.outcome
        );
    }
    Run {
        results,
        choice_failures,
    }
}

/// The suite against the target at `url`, loaded with the default settings.
pub fn suite_at(url: &str) -> Suite {
    Suite::load(
        &TargetOptions {
            endpoint: Some(url.to_string()),
            ..Default::default()
        },
        None,
    )
    .unwrap()
}

/// The one run of the suite, as every caller runs it (`ssm_conformance::run`), with the
/// generated phase where `properties` is given; no preflight (every case meets the target as it
/// is) and no Ctrl-C handling.
pub fn run_suite(suite: &Suite, properties: Option<Settings>) -> Conclusion {
    let options = RunOptions {
        properties,
        preflight: false,
        interruptible: false,
        ..RunOptions::default()
    };
    ssm_conformance::run(suite, &options, &mut |_| {}).expect("the suite runs")
}

/// The emulator's own validation of a DescribeMaintenanceWindowExecutions request, all but a
/// string NextToken: a variant that pages in its own way still refuses what the emulator does.
pub fn refused(emulator: &Emulator, request: &Request) -> Option<Answer> {
    let mut check = request.clone();
    if check.get("NextToken").is_some_and(Value::is_string) {
        check.remove("NextToken");
    }
    emulator
        .handle(
            Some("AmazonSSM.DescribeMaintenanceWindowExecutions"),
            &serde_json::to_vec(&check).unwrap(),
        )
        .err()
        .map(Err)
}

/// Filters of a request, mutable.
pub fn filters(m: &mut Request) -> Option<&mut Vec<Value>> {
    m.get_mut("Filters").and_then(Value::as_array_mut)
}

/// Every filter value of a request.
pub fn filter_values(m: &Request) -> Vec<String> {
    m.get("Filters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|f| f["Values"].as_array())
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// Apply `f` to every filter value of a request.
pub fn map_filter_values(m: &mut Request, f: impl Fn(&str, &str) -> String) {
    if let Some(list) = filters(m) {
        for filter in list {
            let key = filter["Key"].as_str().unwrap_or("").to_string();
            if let Some(values) = filter.get_mut("Values").and_then(Value::as_array_mut) {
                for v in values {
                    if let Some(s) = v.as_str() {
                        *v = json!(f(&key, s));
                    }
                }
            }
        }
    }
}

/// A ValidationException, as the emulator words free-form ones.
pub fn invalid(message: &str) -> Answer {
    Err(ApiError::invalid(message.to_string()))
}

/// How many operations decide the support of the shipped specs' cases (a target without any of
/// them reports one UNSUPPORTED line per operation; CreateMaintenanceWindow's cases share
/// GetMaintenanceWindow's, which stands for it).
pub fn operations_with_cases() -> usize {
    use ssm_conformance::_internals::model::Operation;
    let specs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs");
    let cases = ssm_conformance::_internals::spec::load_dir(&specs).unwrap();
    let ops: std::collections::BTreeSet<Operation> = cases
        .iter()
        .filter_map(|c| Operation::from_name(c.operation_name()))
        .map(Operation::probed)
        .collect();
    ops.len()
}
