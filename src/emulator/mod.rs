//! The reference emulator: a correct implementation of `DescribeMaintenanceWindowExecutions`
//! and the rest of the execution family (Get/Cancel of an execution; its tasks and their
//! invocations, described and got), the window life cycle (Create/Get/Delete/Describe), with the
//! fixture protocol v1 and v2, served by axum.

mod error;
mod fixture_protocol;
pub mod iso8601;
mod limits;
mod operations;
mod schedule;
mod shapes;
mod signature;
pub mod store;
pub mod upcoming;
mod validation;
mod window_api;

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};

pub use error::{ApiError, Violation};
pub(crate) use fixture_protocol::Seed;
pub use limits::Limits;
pub use operations::DEFAULT_PAGE_SIZE;
pub use signature::Signer;
pub use store::Execution;
pub(crate) use store::Store;

/// The awsJson content type of every answer.
pub(crate) const CONTENT_TYPE: &str = "application/x-amz-json-1.1";
/// Largest SSM request body accepted (a valid DescribeMaintenanceWindowExecutions request is
/// under 2 KiB).
pub const API_BODY_LIMIT: usize = 1024 * 1024;
/// Largest fixture body accepted (a million executions fit).
const FIXTURE_BODY_LIMIT: usize = 512 * 1024 * 1024;

/// The emulator's shared state; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Emulator {
    store: Arc<RwLock<Store>>,
    /// When set, API requests must be SigV4-signed with one of these credentials.
    signers: Option<Arc<Vec<Signer>>>,
    /// The bounds it enforces: the model's, unless a test bends one.
    limits: Arc<Limits>,
    /// How it takes the schedule's open choices.
    schedule: upcoming::ScheduleChoices,
    /// Every API operation received, in order (what a run sent, for tests); only where asked
    /// ([`Emulator::recording_operations`]): a served mock takes requests for days.
    operations: Option<Arc<std::sync::Mutex<Vec<String>>>>,
}

impl Emulator {
    /// An empty emulator.
    pub fn new() -> Self {
        Self::default()
    }

    fn now(&self) -> f64 {
        chrono::Utc::now().timestamp_micros() as f64 / 1e6
    }

    /// The axum router: `POST /` for the API, `/_conformance/v1` and `/_conformance/v2` for
    /// fixtures.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/", post(api))
            .layer(DefaultBodyLimit::max(API_BODY_LIMIT))
            .with_state(self.clone())
            .merge(self.fixture_router())
    }

    /// The fixture protocol's routes alone (for servers that answer `POST /` their own way).
    pub fn fixture_router(&self) -> Router {
        Router::new()
            .route("/_conformance/v1", get(fixture_protocol::version))
            .route(
                "/_conformance/v1/windows/{window_id}",
                put(fixture_protocol::put_window).delete(fixture_protocol::delete_window),
            )
            .route("/_conformance/v2", get(fixture_protocol::version_v2))
            .route(
                "/_conformance/v2/windows/{window_id}",
                put(fixture_protocol::put_window_v2).delete(fixture_protocol::delete_window),
            )
            .layer(DefaultBodyLimit::max(FIXTURE_BODY_LIMIT))
            .with_state(self.clone())
    }

    /// An emulator that refuses API requests not signed with one of `credentials`.
    pub fn checking_signatures(credentials: Vec<Signer>) -> Self {
        Self {
            signers: Some(Arc::new(credentials)),
            ..Self::default()
        }
    }

    /// An emulator that enforces `limits` instead of the model's: a realistic bug (a bound off by
    /// one, a check left out) for tests that prove the suite detects it.
    pub fn with_limits(limits: Limits) -> Self {
        Self {
            limits: Arc::new(limits),
            ..Self::default()
        }
    }

    /// The same emulator, taking the schedule's open choices as `choices` say (for tests that
    /// prove the suite tolerates every option).
    pub fn with_schedule_choices(mut self, choices: upcoming::ScheduleChoices) -> Self {
        self.schedule = choices;
        self
    }

    fn record(&self, what: &str) {
        if let Some(ops) = &self.operations {
            ops.lock().expect("lock").push(what.to_string());
        }
    }

    /// The same emulator, recording every request it receives from now on (for tests: what a
    /// run sent). Off by default, so that a long campaign against `serve` holds nothing per
    /// request.
    pub fn recording_operations(mut self) -> Self {
        self.operations = Some(Arc::default());
        self
    }

    /// What was received so far, in order: API operations (`X-Amz-Target` without the prefix)
    /// and fixture protocol calls (`fixture:GET`, `fixture:PUT`, `fixture:DELETE`).
    ///
    /// # Panics
    /// Unless made with [`Emulator::recording_operations`] (an empty list would say nothing was
    /// sent).
    pub fn operations(&self) -> Vec<String> {
        self.operations
            .as_ref()
            .expect("operations are recorded only by an emulator made with recording_operations()")
            .lock()
            .expect("lock")
            .clone()
    }

    /// The ids of all windows, in no particular order (for inspection and tests).
    pub fn window_ids(&self) -> Vec<String> {
        self.store.read().expect("store lock").windows.keys().cloned().collect()
    }

    /// Handle one API request (no HTTP involved): the operation from `X-Amz-Target`, the body.
    pub fn handle(&self, target: Option<&str>, body: &[u8]) -> Result<serde_json::Value, ApiError> {
        let operation = target.and_then(|t| t.strip_prefix("AmazonSSM.")).ok_or_else(|| {
            ApiError::protocol(
                400,
                "UnknownOperationException",
                format!("X-Amz-Target {target:?} names no AmazonSSM operation"),
            )
        })?;
        operations::dispatch(&self.store, &self.limits, &self.schedule, operation, body, self.now())
    }
}

async fn api(State(emulator): State<Emulator>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok());
    // Over the limit (or unreadable): a well-formed error, not axum's plain-text one.
    let body = match body {
        Ok(b) => b,
        Err(e) => {
            return answer(Err(ApiError::protocol(
                e.status().as_u16(),
                "SerializationException",
                format!("the request body cannot be read: {}", e.body_text()),
            )));
        }
    };
    emulator.record(target.unwrap_or("").trim_start_matches("AmazonSSM."));
    if let Some(signers) = &emulator.signers
        && let Err(e) = signature::verify("/", &headers, &body, signers, std::time::SystemTime::now())
    {
        return answer(Err(e));
    }
    answer(emulator.handle(target, &body))
}

/// The HTTP answer for an operation's result, with `x-amzn-RequestId`.
pub fn answer(result: Result<serde_json::Value, ApiError>) -> Response {
    let mut response = match result {
        Ok(answer) => {
            let mut r = error::json_response_body(&answer).into_response();
            r.headers_mut()
                .insert("content-type", HeaderValue::from_static(CONTENT_TYPE));
            r
        }
        Err(e) => e.into_response(),
    };
    if let Ok(v) = HeaderValue::from_str(&crate::ids::uuid_v4()) {
        response.headers_mut().insert("x-amzn-requestid", v);
    }
    response
}

/// A running emulator: its address, and the task serving it.
#[derive(Debug)]
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The state, for inspection.
    pub emulator: Emulator,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// The base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Start an emulator on `addr` (port 0: a free one) on the current tokio runtime.
pub async fn spawn(emulator: Emulator, addr: SocketAddr) -> std::io::Result<Running> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let router = emulator.router();
    let task = tokio::spawn(async move {
        // Serving ends only with an accept error the OS will not recover from.
        let _ = axum::serve(listener, router).await;
    });
    Ok(Running { addr, emulator, task })
}
