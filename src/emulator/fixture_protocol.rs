//! The fixture protocol (docs/fixture-protocol.md): how a harness seeds executions, which no AWS
//! API can create. v1 seeds executions; v2 also seeds their tasks and the tasks' invocations.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use regex::Regex;
use serde::Deserialize;
use serde_json::json;

use super::Emulator;
use super::store::{Execution, Invocation, STATUSES, Task, Window, WindowSettings};
use crate::model::{
    self, EXECUTION_ID_PATTERN, INVOCATION_ID_PATTERN, MAX_CONCURRENCY_PATTERN, MAX_ERRORS_PATTERN, NAME_PATTERN,
    STATUS_DETAILS_MAX, TASK_EXECUTION_ID_PATTERN, WINDOW_ID_PATTERN,
};

static WINDOW_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(WINDOW_ID_PATTERN).expect("valid"));
static NAME: LazyLock<Regex> = LazyLock::new(|| Regex::new(NAME_PATTERN).expect("valid"));
static EXECUTION_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(EXECUTION_ID_PATTERN).expect("valid"));
static TASK_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(TASK_EXECUTION_ID_PATTERN).expect("valid"));
static INVOCATION_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(INVOCATION_ID_PATTERN).expect("valid"));
static MAX_CONCURRENCY: LazyLock<Regex> = LazyLock::new(|| Regex::new(MAX_CONCURRENCY_PATTERN).expect("valid"));
static MAX_ERRORS: LazyLock<Regex> = LazyLock::new(|| Regex::new(MAX_ERRORS_PATTERN).expect("valid"));

/// The body of `PUT /_conformance/v1/windows/{WindowId}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub(crate) struct SeedRequest {
    /// The window's name when the PUT creates it (the harness's run mark); optional.
    #[serde(default)]
    pub name: Option<String>,
    /// All executions the window is to have.
    pub window_executions: Vec<Execution>,
}

/// The body of `PUT /_conformance/v2/windows/{WindowId}`: v1's, where an execution may carry its
/// tasks.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub(crate) struct SeedRequestV2 {
    /// As in v1.
    #[serde(default)]
    pub name: Option<String>,
    /// All executions the window is to have, each with its tasks.
    pub window_executions: Vec<SeedExecution>,
}

/// An execution of a v2 seed: v1's members and `Tasks` (spelled out: `deny_unknown_fields` does
/// not combine with `flatten`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub(crate) struct SeedExecution {
    /// UUID.
    pub window_execution_id: String,
    /// One of [`STATUSES`].
    pub status: String,
    /// 0–250 characters.
    #[serde(default)]
    pub status_details: Option<String>,
    /// Epoch seconds.
    pub start_time: f64,
    /// Epoch seconds.
    #[serde(default)]
    pub end_time: Option<f64>,
    /// Its tasks, in the order the task operations answer them.
    #[serde(default)]
    pub tasks: Vec<Task>,
}

impl SeedExecution {
    /// The execution as v1 stores it, and its tasks.
    fn into_parts(self) -> (Execution, Vec<Task>) {
        let execution = Execution {
            window_execution_id: self.window_execution_id,
            status: self.status,
            status_details: self.status_details,
            start_time: self.start_time,
            end_time: self.end_time,
        };
        (execution, self.tasks)
    }
}

fn bad_request(message: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "message": message }))).into_response()
}

/// `GET /_conformance/v1`.
pub(super) async fn version(State(emulator): State<Emulator>) -> Json<serde_json::Value> {
    emulator.record("fixture:GET");
    Json(json!({ "protocol": 1 }))
}

/// `GET /_conformance/v2`.
pub(super) async fn version_v2(State(emulator): State<Emulator>) -> Json<serde_json::Value> {
    emulator.record("fixture:GET");
    Json(json!({ "protocol": 2 }))
}

/// The window id of a PUT and the optional name, as both versions check them.
fn check_window(window_id: &str, name: Option<&String>) -> Result<(), String> {
    if !WINDOW_ID.is_match(window_id) {
        return Err(format!("WindowId {window_id:?} does not match {WINDOW_ID_PATTERN}"));
    }
    if let Some(n) = name
        && !NAME.is_match(n)
    {
        return Err(format!("Name {n:?} does not match {NAME_PATTERN}"));
    }
    Ok(())
}

/// A status, its details and the times, as every level (execution, task, invocation) has them.
fn check_status_and_times(
    at: &str,
    status: &str,
    details: Option<&String>,
    start: f64,
    end: Option<f64>,
) -> Result<(), String> {
    if !STATUSES.contains(&status) {
        return Err(format!("{at}.Status {status:?} is not one of {STATUSES:?}"));
    }
    if details.is_some_and(|d| d.chars().count() > STATUS_DETAILS_MAX) {
        return Err(format!(
            "{at}.StatusDetails is longer than {STATUS_DETAILS_MAX} characters"
        ));
    }
    if !start.is_finite() || end.is_some_and(|t| !t.is_finite()) {
        return Err(format!("{at}: times must be finite epoch seconds"));
    }
    if end.is_some_and(|t| t < start) {
        return Err(format!("{at}: EndTime is before StartTime"));
    }
    Ok(())
}

/// An execution's id: a UUID, not seen before in the seed (`at` names the execution).
fn check_execution_id<'a>(at: &str, id: &'a str, seen: &mut HashSet<&'a str>) -> Result<(), String> {
    if !EXECUTION_ID.is_match(id) {
        return Err(format!("{at}.WindowExecutionId {id:?} is not a UUID"));
    }
    if !seen.insert(id) {
        return Err(format!("{at}.WindowExecutionId {id:?} appears twice"));
    }
    Ok(())
}

/// Check a seed against the model's shapes, so that seeded data is data AWS could return.
pub(crate) fn check_seed(window_id: &str, seed: &SeedRequest) -> Result<(), String> {
    check_window(window_id, seed.name.as_ref())?;
    let mut seen = HashSet::new();
    for (i, e) in seed.window_executions.iter().enumerate() {
        let at = format!("WindowExecutions[{i}]");
        check_execution_id(&at, &e.window_execution_id, &mut seen)?;
        check_status_and_times(&at, &e.status, e.status_details.as_ref(), e.start_time, e.end_time)?;
    }
    Ok(())
}

/// Whether a string's length in characters lies in `min..=max`.
fn length_in(s: &str, (min, max): (usize, usize)) -> bool {
    (min..=max).contains(&s.chars().count())
}

/// An optional MaxConcurrency or MaxErrors: the model's length and pattern.
fn check_rate(
    at: &str,
    member: &str,
    value: Option<&String>,
    length: (usize, usize),
    re: &Regex,
) -> Result<(), String> {
    match value {
        Some(v) if !length_in(v, length) || !re.is_match(v) => Err(format!(
            "{at}.{member} {v:?} does not match {} ({}–{} characters)",
            re.as_str(),
            length.0,
            length.1
        )),
        _ => Ok(()),
    }
}

/// One task of a v2 seed (`at` names it), its invocations included.
fn check_task(at: &str, t: &Task) -> Result<(), String> {
    if !TASK_ID.is_match(&t.task_execution_id) {
        return Err(format!("{at}.TaskExecutionId {:?} is not a UUID", t.task_execution_id));
    }
    let arn = model::TASK_ARN_LENGTH;
    if !length_in(&t.task_arn, arn) {
        return Err(format!("{at}.TaskArn must have {} to {} characters", arn.0, arn.1));
    }
    if !model::TASK_TYPES.contains(&t.task_type.as_str()) {
        return Err(format!(
            "{at}.TaskType {:?} is not one of {:?}",
            t.task_type,
            model::TASK_TYPES
        ));
    }
    check_status_and_times(at, &t.status, t.status_details.as_ref(), t.start_time, t.end_time)?;
    // The model's integer is 32-bit; its only bound is the least.
    if t.priority
        .is_some_and(|p| p < model::TASK_PRIORITY_MIN || i32::try_from(p).is_err())
    {
        return Err(format!(
            "{at}.Priority must be an integer from {} to {}",
            model::TASK_PRIORITY_MIN,
            i32::MAX
        ));
    }
    check_rate(
        at,
        "MaxConcurrency",
        t.max_concurrency.as_ref(),
        model::MAX_CONCURRENCY_LENGTH,
        &MAX_CONCURRENCY,
    )?;
    check_rate(
        at,
        "MaxErrors",
        t.max_errors.as_ref(),
        model::MAX_ERRORS_LENGTH,
        &MAX_ERRORS,
    )?;
    for (i, map) in t.task_parameters.iter().flatten().enumerate() {
        for (name, value) in map {
            let here = format!("{at}.TaskParameters[{i}].{name}");
            let n = model::TASK_PARAMETER_NAME_LENGTH;
            if !length_in(name, n) {
                return Err(format!(
                    "{at}.TaskParameters[{i}]: parameter name {name:?} must have {} to {} characters",
                    n.0, n.1
                ));
            }
            let v = model::TASK_PARAMETER_VALUE_LENGTH;
            if let Some(j) = value.values.iter().position(|x| !length_in(x, v)) {
                return Err(format!("{here}.Values[{j}] must have {} to {} characters", v.0, v.1));
            }
        }
    }
    check_alarms(at, t)?;
    let mut seen = HashSet::new();
    for (k, inv) in t.invocations.iter().enumerate() {
        let here = format!("{at}.Invocations[{k}]");
        if !INVOCATION_ID.is_match(&inv.invocation_id) {
            return Err(format!("{here}.InvocationId {:?} is not a UUID", inv.invocation_id));
        }
        if !seen.insert(inv.invocation_id.as_str()) {
            return Err(format!("{here}.InvocationId {:?} appears twice", inv.invocation_id));
        }
        check_invocation(&here, inv)?;
    }
    Ok(())
}

/// A task's alarms: the model's one alarm per list, names 1–255 characters and not blank, states
/// of its enum.
fn check_alarms(at: &str, t: &Task) -> Result<(), String> {
    let (lo, hi) = model::ALARMS_PER_LIST;
    let name_ok = |n: &str| length_in(n, model::ALARM_NAME_LENGTH) && !n.trim().is_empty();
    let (nlo, nhi) = model::ALARM_NAME_LENGTH;
    if let Some(c) = &t.alarm_configuration {
        if !(lo..=hi).contains(&c.alarms.len()) {
            return Err(format!("{at}.AlarmConfiguration.Alarms must hold {lo} to {hi} alarms"));
        }
        if c.alarms.iter().any(|a| !name_ok(&a.name)) {
            return Err(format!(
                "{at}.AlarmConfiguration.Alarms: a Name must have {nlo} to {nhi} characters, not all blank"
            ));
        }
    }
    if let Some(list) = &t.triggered_alarms {
        if !(lo..=hi).contains(&list.len()) {
            return Err(format!("{at}.TriggeredAlarms must hold {lo} to {hi} alarms"));
        }
        for a in list {
            if !name_ok(&a.name) {
                return Err(format!(
                    "{at}.TriggeredAlarms: a Name must have {nlo} to {nhi} characters, not all blank"
                ));
            }
            if !model::ALARM_STATES.contains(&a.state.as_str()) {
                return Err(format!(
                    "{at}.TriggeredAlarms: State {:?} is not one of {:?}",
                    a.state,
                    model::ALARM_STATES
                ));
            }
        }
    }
    Ok(())
}

/// One invocation's members beside its id.
fn check_invocation(at: &str, inv: &Invocation) -> Result<(), String> {
    check_status_and_times(
        at,
        &inv.status,
        inv.status_details.as_ref(),
        inv.start_time,
        inv.end_time,
    )?;
    let owner = model::OWNER_INFORMATION_LENGTH;
    if inv.owner_information.as_ref().is_some_and(|o| !length_in(o, owner)) {
        return Err(format!(
            "{at}.OwnerInformation must have {} to {} characters",
            owner.0, owner.1
        ));
    }
    if inv
        .window_target_id
        .as_ref()
        .is_some_and(|w| w.chars().count() > model::WINDOW_TARGET_ID_MAX)
    {
        return Err(format!(
            "{at}.WindowTargetId is longer than {} characters",
            model::WINDOW_TARGET_ID_MAX
        ));
    }
    Ok(())
}

/// Check a v2 seed: all of v1's checks, and every task and invocation against the model's shapes;
/// task ids are unique within their execution, invocation ids within their task.
pub(crate) fn check_seed_v2(window_id: &str, seed: &SeedRequestV2) -> Result<(), String> {
    check_window(window_id, seed.name.as_ref())?;
    let mut seen = HashSet::new();
    for (i, e) in seed.window_executions.iter().enumerate() {
        let at = format!("WindowExecutions[{i}]");
        check_execution_id(&at, &e.window_execution_id, &mut seen)?;
        check_status_and_times(&at, &e.status, e.status_details.as_ref(), e.start_time, e.end_time)?;
        let mut tasks = HashSet::new();
        for (j, t) in e.tasks.iter().enumerate() {
            let at = format!("{at}.Tasks[{j}]");
            check_task(&at, t)?;
            if !tasks.insert(t.task_execution_id.as_str()) {
                return Err(format!("{at}.TaskExecutionId {:?} appears twice", t.task_execution_id));
            }
        }
    }
    Ok(())
}

/// `PUT /_conformance/v1/windows/{WindowId}`: create the window if needed, replace its executions.
pub(super) async fn put_window(
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

/// `PUT /_conformance/v2/windows/{WindowId}`: as v1, and the executions' tasks (with their
/// invocations) replace the window's.
pub(super) async fn put_window_v2(
    State(emulator): State<Emulator>,
    Path(window_id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    emulator.record("fixture:PUT");
    // The path of a bad member (`WindowExecutions[0].Tasks[1].Foo`), not only its line.
    let seed: SeedRequestV2 = match serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(&body)) {
        Ok(s) => s,
        Err(e) => return bad_request(format!("invalid fixture body at {}: {}", e.path(), e.inner())),
    };
    if let Err(message) = check_seed_v2(&window_id, &seed) {
        return bad_request(message);
    }
    let count = seed.window_executions.len();
    let (executions, tasks): (Vec<Execution>, HashMap<String, Vec<Task>>) = seed
        .window_executions
        .into_iter()
        .map(|e| {
            let (execution, tasks) = e.into_parts();
            let id = execution.window_execution_id.clone();
            (execution, (id, tasks))
        })
        .unzip();
    let now = emulator.now();
    let mut store = emulator.store.write().expect("store lock");
    let name = seed.name.unwrap_or_else(|| "conformance-fixture".into());
    let window = store
        .windows
        .entry(window_id.clone())
        .or_insert_with(|| Window::new(WindowSettings::minimal(&name), now));
    window.replace(executions, tasks);
    Json(json!({ "WindowId": window_id, "WindowExecutions": count })).into_response()
}

/// What [`Emulator::seed`] puts in a window: its settings, its executions as the fixture
/// protocol v2 spells them (JSON), its registered targets and tasks (id, members).
#[derive(Debug, Clone)]
pub(crate) struct Seed {
    pub name: String,
    pub schedule: String,
    pub timezone: Option<String>,
    pub enabled: bool,
    /// A JSON list of v2 executions (`WindowExecutionId`, `Status`, …, `Tasks`).
    pub executions: Vec<u8>,
    pub targets: Vec<(String, serde_json::Map<String, serde_json::Value>)>,
    pub tasks: Vec<(String, serde_json::Map<String, serde_json::Value>)>,
}

impl Default for Seed {
    fn default() -> Self {
        Self {
            name: "seeded-window".into(),
            schedule: "rate(7 days)".into(),
            timezone: None,
            enabled: true,
            executions: b"[]".to_vec(),
            targets: Vec::new(),
            tasks: Vec::new(),
        }
    }
}

impl Emulator {
    /// Put a new window `window_id` in the store, checked as the fixture protocol v2 checks a
    /// seed (and its schedule as `CreateMaintenanceWindow` checks one); `Err` says what is wrong.
    pub(crate) fn seed(&self, window_id: &str, seed: Seed) -> Result<(), String> {
        let executions: Vec<SeedExecution> =
            serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(&seed.executions))
                .map_err(|e| format!("invalid execution at WindowExecutions{}: {}", e.path(), e.inner()))?;
        let request = SeedRequestV2 {
            name: Some(seed.name.clone()),
            window_executions: executions,
        };
        check_seed_v2(window_id, &request)?;
        if !super::schedule::well_formed(&seed.schedule) {
            return Err(format!(
                "Schedule {:?} is not a cron(...), rate(...) or at(...) expression",
                seed.schedule
            ));
        }
        if let Some(z) = &seed.timezone
            && z.parse::<chrono_tz::Tz>().is_err()
        {
            return Err(format!("ScheduleTimezone {z:?} is not an IANA zone"));
        }
        let (executions, tasks): (Vec<Execution>, HashMap<String, Vec<Task>>) = request
            .window_executions
            .into_iter()
            .map(|e| {
                let (execution, tasks) = e.into_parts();
                let id = execution.window_execution_id.clone();
                (execution, (id, tasks))
            })
            .unzip();
        let mut settings = WindowSettings::minimal(&seed.name);
        settings.schedule = seed.schedule;
        settings.schedule_timezone = seed.timezone;
        let mut window = Window::new(settings, self.now());
        window.enabled = seed.enabled;
        window.replace(executions, tasks);
        let registrations = |list: Vec<(String, serde_json::Map<String, serde_json::Value>)>| {
            list.into_iter()
                .map(|(id, members)| super::store::Registration { id, members })
                .collect()
        };
        window.targets = registrations(seed.targets);
        window.registered_tasks = registrations(seed.tasks);
        let mut store = self.store.write().expect("store lock");
        if store.windows.contains_key(window_id) {
            return Err("a window with this id is seeded already".into());
        }
        store.windows.insert(window_id.to_string(), window);
        Ok(())
    }
}

/// `DELETE /_conformance/v1/windows/{WindowId}` (and v2): the window, its executions and their
/// tasks are gone.
pub(super) async fn delete_window(State(emulator): State<Emulator>, Path(window_id): Path<String>) -> StatusCode {
    emulator.record("fixture:DELETE");
    emulator.store.write().expect("store lock").windows.remove(&window_id);
    StatusCode::NO_CONTENT
}
