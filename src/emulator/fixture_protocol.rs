//! The fixture protocol v1 (docs/fixture-protocol.md): how a harness seeds executions, which no
//! AWS API can create.

use std::sync::LazyLock;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use regex::Regex;
use serde::Deserialize;
use serde_json::json;

use super::Emulator;
use super::store::{Execution, STATUSES, Window, WindowSettings};
use crate::model::{EXECUTION_ID_PATTERN, NAME_PATTERN, STATUS_DETAILS_MAX, WINDOW_ID_PATTERN};

static WINDOW_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(WINDOW_ID_PATTERN).expect("valid"));
static NAME: LazyLock<Regex> = LazyLock::new(|| Regex::new(NAME_PATTERN).expect("valid"));
static EXECUTION_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(EXECUTION_ID_PATTERN).expect("valid"));

/// The body of `PUT /_conformance/v1/windows/{WindowId}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SeedRequest {
    /// The window's name when the PUT creates it (the harness's run mark); optional.
    #[serde(default)]
    pub name: Option<String>,
    /// All executions the window is to have.
    pub window_executions: Vec<Execution>,
}

fn bad_request(message: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "message": message }))).into_response()
}

/// `GET /_conformance/v1`.
pub async fn version(State(emulator): State<Emulator>) -> Json<serde_json::Value> {
    emulator.record("fixture:GET");
    Json(json!({ "protocol": 1 }))
}

/// Check a seed against the model's shapes, so that seeded data is data AWS could return.
pub fn check_seed(window_id: &str, seed: &SeedRequest) -> Result<(), String> {
    if !WINDOW_ID.is_match(window_id) {
        return Err(format!("WindowId {window_id:?} does not match {WINDOW_ID_PATTERN}"));
    }
    if let Some(n) = &seed.name
        && !NAME.is_match(n)
    {
        return Err(format!("Name {n:?} does not match {NAME_PATTERN}"));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, e) in seed.window_executions.iter().enumerate() {
        let at = format!("WindowExecutions[{i}]");
        if !EXECUTION_ID.is_match(&e.window_execution_id) {
            return Err(format!(
                "{at}.WindowExecutionId {:?} is not a UUID",
                e.window_execution_id
            ));
        }
        if !seen.insert(e.window_execution_id.as_str()) {
            return Err(format!(
                "{at}.WindowExecutionId {:?} appears twice",
                e.window_execution_id
            ));
        }
        if !STATUSES.contains(&e.status.as_str()) {
            return Err(format!("{at}.Status {:?} is not one of {STATUSES:?}", e.status));
        }
        if e.status_details
            .as_ref()
            .is_some_and(|d| d.chars().count() > STATUS_DETAILS_MAX)
        {
            return Err(format!(
                "{at}.StatusDetails is longer than {STATUS_DETAILS_MAX} characters"
            ));
        }
        if !e.start_time.is_finite() || e.end_time.is_some_and(|t| !t.is_finite()) {
            return Err(format!("{at}: times must be finite epoch seconds"));
        }
        if e.end_time.is_some_and(|t| t < e.start_time) {
            return Err(format!("{at}: EndTime is before StartTime"));
        }
    }
    Ok(())
}

/// `PUT /_conformance/v1/windows/{WindowId}`: create the window if needed, replace its executions.
pub async fn put_window(
    State(emulator): State<Emulator>,
    Path(window_id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    emulator.record("fixture:PUT");
    let seed: SeedRequest = match serde_json::from_slice(&body) {
        Ok(s) => s,
        Err(e) => return bad_request(format!("invalid fixture body: {e}")),
    };
    if let Err(message) = check_seed(&window_id, &seed) {
        return bad_request(message);
    }
    let count = seed.window_executions.len();
    let now = emulator.now();
    let mut store = emulator.store.write().expect("store lock");
    let name = seed.name.clone().unwrap_or_else(|| "conformance-fixture".into());
    let window = store
        .windows
        .entry(window_id.clone())
        .or_insert_with(|| Window::new(WindowSettings::minimal(&name), now));
    window.replace_executions(seed.window_executions);
    Json(json!({ "WindowId": window_id, "WindowExecutions": count })).into_response()
}

/// `DELETE /_conformance/v1/windows/{WindowId}`: the window and its executions are gone.
pub async fn delete_window(State(emulator): State<Emulator>, Path(window_id): Path<String>) -> StatusCode {
    emulator.record("fixture:DELETE");
    emulator.store.write().expect("store lock").windows.remove(&window_id);
    StatusCode::NO_CONTENT
}
