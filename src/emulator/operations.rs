//! The SSM operations the emulator implements: DescribeMaintenanceWindowExecutions and the rest
//! of the execution family (an execution got or cancelled; its tasks and their invocations,
//! described and got), the window life cycle (Create, Get, Delete) and DescribeMaintenanceWindows.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value, json};

use super::error::ApiError;
use super::iso8601::parse_instant;
use super::limits::Limits;
use super::store::{
    Cursor, Execution, Invocation, ListCursor, Store, Task, TimeRange, Window, WindowSettings, list_page,
};
use super::validation::{self as v, Checker};
use super::window_api;

use super::store::Shared;
/// An operation's handler: the store, the decoded body, the time now.
type Handler = fn(&Shared, &Limits, &Map<String, Value>, f64) -> Result<Value, ApiError>;

use crate::model::{self, NAME_PATTERN, TAG_PATTERN, WINDOW_ID_PATTERN};
/// Page size when `MaxResults` is absent (AWS does not document its own).
pub const DEFAULT_PAGE_SIZE: usize = 50;
/// The filter keys this operation supports (the documented ones).
pub(crate) const FILTER_KEYS: [&str; 2] = model::DOCUMENTED_FILTER_KEYS;
/// The filter keys DescribeMaintenanceWindowExecutionTasks and
/// DescribeMaintenanceWindowExecutionTaskInvocations support: the documented one, `STATUS`
/// (spelled exactly so; AWS leaves other spellings open).
pub(crate) const TASK_FILTER_KEYS: [&str; 1] = model::DOCUMENTED_TASK_FILTER_KEYS;

static WINDOW_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(WINDOW_ID_PATTERN).expect("valid"));
static NAME: LazyLock<Regex> = LazyLock::new(|| Regex::new(NAME_PATTERN).expect("valid"));
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(TAG_PATTERN).expect("valid"));

/// Run `operation` on `store` with the request `body`.
pub(super) fn dispatch(
    store: &Shared,
    limits: &Limits,
    choices: &super::upcoming::ScheduleChoices,
    operation: &str,
    body: &[u8],
    now: f64,
) -> Result<Value, ApiError> {
    if operation == "DescribeMaintenanceWindowSchedule" {
        return super::upcoming::describe(store, choices, &v::parse_body(body)?, now);
    }
    let handler: Handler = match operation {
        "DescribeMaintenanceWindowExecutions" => describe_executions,
        "CreateMaintenanceWindow" => create_window,
        "GetMaintenanceWindow" => get_window,
        "DeleteMaintenanceWindow" => delete_window,
        "DescribeMaintenanceWindows" => describe_windows,
        "GetMaintenanceWindowExecution" => get_execution,
        "CancelMaintenanceWindowExecution" => cancel_execution,
        "DescribeMaintenanceWindowExecutionTasks" => describe_tasks,
        "GetMaintenanceWindowExecutionTask" => get_task,
        "DescribeMaintenanceWindowExecutionTaskInvocations" => describe_invocations,
        "GetMaintenanceWindowExecutionTaskInvocation" => get_invocation,
        "UpdateMaintenanceWindow" => window_api::update_window,
        "RegisterTargetWithMaintenanceWindow" => window_api::register_target,
        "DescribeMaintenanceWindowTargets" => window_api::describe_targets,
        "UpdateMaintenanceWindowTarget" => window_api::update_target,
        "DeregisterTargetFromMaintenanceWindow" => window_api::deregister_target,
        "RegisterTaskWithMaintenanceWindow" => window_api::register_task,
        "DescribeMaintenanceWindowTasks" => window_api::describe_tasks,
        "GetMaintenanceWindowTask" => window_api::get_task,
        "UpdateMaintenanceWindowTask" => window_api::update_task,
        "DeregisterTaskFromMaintenanceWindow" => window_api::deregister_task,
        "DescribeMaintenanceWindowsForTarget" => window_api::windows_for_target,
        _ => {
            return Err(ApiError::protocol(
                400,
                "UnknownOperationException",
                format!("The operation {operation:?} is not implemented by this emulator"),
            ));
        }
    };
    let request = v::parse_body(body)?;
    handler(store, limits, &request, now)
}

/// Decode and check a required `WindowId`.
fn window_id(request: &Map<String, Value>, limits: &Limits, checker: &mut Checker) -> Result<Option<String>, ApiError> {
    let id = v::string(request, "WindowId")?;
    checker.required("windowId", &id);
    if let Some(id) = &id {
        let (min, max) = limits.window_id_length;
        checker.length("windowId", id, min, max, false);
        checker.pattern("windowId", id, WINDOW_ID_PATTERN, &WINDOW_ID);
    }
    Ok(id)
}

struct Filter {
    key: String,
    values: Vec<String>,
}

fn describe_executions(
    store: &Shared,
    limits: &Limits,
    request: &Map<String, Value>,
    _now: f64,
) -> Result<Value, ApiError> {
    let mut checker = Checker::default();
    let window_id = window_id(request, limits, &mut checker)?;
    let filters = decode_filters(request, limits, &mut checker)?;
    let (max_results, next_token) = decode_paging(request, limits, &mut checker)?;
    checker.finish()?;
    let window_id = window_id.expect("checked as required");

    let range = time_range(&filters)?;
    let cursor = match next_token.as_deref() {
        None | Some("") => None,
        Some(token) => Some(
            Cursor::decode(token)
                .filter(|c| c.window_id == window_id)
                .ok_or_else(|| ApiError::modeled(400, "InvalidNextToken", "The specified token isn't valid.".into()))?,
        ),
    };
    let limit = max_results.map_or(DEFAULT_PAGE_SIZE, |m| m as usize);
    let store = store.read().expect("store lock");
    let Some(window) = store.windows.get(&window_id) else {
        // The model names no not-found error for this operation: an unknown window has no executions.
        return Ok(json!({ "WindowExecutions": [] }));
    };
    let page = window.page(&window_id, range, cursor.as_ref(), limit);
    let executions: Vec<Value> = page
        .executions
        .into_iter()
        .map(|e| {
            let mut out = Map::new();
            out.insert("WindowId".into(), json!(window_id));
            out.insert("WindowExecutionId".into(), json!(e.window_execution_id));
            out.insert("Status".into(), json!(e.status));
            if let Some(d) = e.status_details {
                out.insert("StatusDetails".into(), json!(d));
            }
            out.insert("StartTime".into(), json!(e.start_time));
            if let Some(t) = e.end_time {
                out.insert("EndTime".into(), json!(t));
            }
            Value::Object(out)
        })
        .collect();
    let mut answer = json!({ "WindowExecutions": executions });
    if let Some(next) = page.next {
        answer["NextToken"] = json!(next.encode());
    }
    Ok(answer)
}

/// The `Filters` member (MaintenanceWindowFilterList): at most 5 entries, each Key 1–128 and
/// each value 1–256 characters.
fn decode_filters(
    request: &Map<String, Value>,
    limits: &Limits,
    checker: &mut Checker,
) -> Result<Vec<Filter>, ApiError> {
    let mut filters = Vec::new();
    let Some(list) = v::list(request, "Filters")? else {
        return Ok(filters);
    };
    for (i, item) in list.iter().enumerate() {
        let path = format!("filters.{}.member", i + 1);
        let f = v::structure(item)?;
        let key = v::string(f, "Key")?;
        if let Some(k) = &key {
            let (min, max) = limits.filter_key;
            checker.length(&format!("{path}.key"), k, min, max, false);
        }
        let mut values = Vec::new();
        for val in v::list(f, "Values")?.into_iter().flatten() {
            values.push(v::element_string(val)?.to_string());
        }
        // AWS reports a bad element on the list, naming every constraint of the element shape.
        let (min, max) = limits.filter_value;
        checker.element_lengths(&format!("{path}.values"), &values, min, max);
        filters.push(Filter {
            key: key.unwrap_or_default(),
            values,
        });
    }
    checker.list_max("filters", list.len(), limits.filters_max, show_filters(&filters));
    Ok(filters)
}

/// `MaxResults` (10–100) and `NextToken`.
fn decode_paging(
    request: &Map<String, Value>,
    limits: &Limits,
    checker: &mut Checker,
) -> Result<(Option<i64>, Option<String>), ApiError> {
    let max_results = v::integer(request, "MaxResults")?;
    if let Some(m) = max_results {
        let (min, max) = limits.max_results;
        checker.range("maxResults", m, min, max);
    }
    Ok((max_results, v::string(request, "NextToken")?))
}

/// AWS renders a list of structures in messages the way Java's `toString` does.
fn show_filters(filters: &[Filter]) -> String {
    let items: Vec<String> = filters
        .iter()
        .map(|f| {
            format!(
                "MaintenanceWindowFilter(key={}, values=[{}])",
                f.key,
                f.values.join(", ")
            )
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// A filter key outside `keys`, at filter `index` (from 0), in AWS's enum-constraint form.
fn unknown_filter_key(key: &str, index: usize, keys: &[&str]) -> ApiError {
    ApiError::invalid(format!(
        "1 validation error detected: Value '{key}' at 'filters.{}.member.key' failed to satisfy constraint: \
         Member must satisfy enum value set: [{}]",
        index + 1,
        keys.join(", ")
    ))
}

/// The StartTime range the filters select. Several filters, and several values, all must hold.
fn time_range(filters: &[Filter]) -> Result<TimeRange, ApiError> {
    let mut range = TimeRange::default();
    for (i, f) in filters.iter().enumerate() {
        if !FILTER_KEYS.contains(&f.key.as_str()) {
            return Err(unknown_filter_key(&f.key, i, &FILTER_KEYS));
        }
        if f.values.is_empty() {
            return Err(ApiError::invalid(format!("Filter {} needs a date/time value", f.key)));
        }
        for value in &f.values {
            let t = parse_instant(value).ok_or_else(|| {
                ApiError::invalid(format!(
                    "Invalid value '{value}' for filter {}: expected an ISO 8601 date/time such as 2024-11-04T05:00:00Z",
                    f.key
                ))
            })?;
            if f.key == "ExecutedAfter" {
                range.after = Some(range.after.map_or(t, |a| a.max(t)));
            } else {
                range.before = Some(range.before.map_or(t, |b| b.min(t)));
            }
        }
    }
    Ok(range)
}

fn create_window(store: &Shared, _limits: &Limits, request: &Map<String, Value>, now: f64) -> Result<Value, ApiError> {
    let mut c = Checker::default();
    let name = v::string(request, "Name")?;
    let schedule = v::string(request, "Schedule")?;
    let duration = v::integer(request, "Duration")?;
    let cutoff = v::integer(request, "Cutoff")?;
    let allow = v::boolean(request, "AllowUnassociatedTargets")?;
    let description = v::string(request, "Description")?;
    let client_token = v::string(request, "ClientToken")?;
    let offset = v::integer(request, "ScheduleOffset")?;
    let start_date = v::string(request, "StartDate")?;
    let end_date = v::string(request, "EndDate")?;
    let timezone = v::string(request, "ScheduleTimezone")?;
    c.required("name", &name);
    if let Some(n) = &name {
        c.length("name", n, model::NAME_MIN, model::NAME_MAX, false);
        c.pattern("name", n, NAME_PATTERN, &NAME);
    }
    c.required("schedule", &schedule);
    if let Some(s) = &schedule {
        c.length("schedule", s, model::SCHEDULE_LENGTH.0, model::SCHEDULE_LENGTH.1, false);
    }
    c.required("duration", &duration);
    if let Some(d) = duration {
        c.range("duration", d, model::DURATION_HOURS.0, model::DURATION_HOURS.1);
    }
    c.required("cutoff", &cutoff);
    if let Some(x) = cutoff {
        c.range("cutoff", x, model::CUTOFF_HOURS.0, model::CUTOFF_HOURS.1);
    }
    c.required("allowUnassociatedTargets", &allow);
    if let Some(d) = &description {
        c.length(
            "description",
            d,
            model::DESCRIPTION_LENGTH.0,
            model::DESCRIPTION_LENGTH.1,
            true,
        );
    }
    if let Some(t) = &client_token {
        c.length(
            "clientToken",
            t,
            model::CLIENT_TOKEN_LENGTH.0,
            model::CLIENT_TOKEN_LENGTH.1,
            false,
        );
    }
    if let Some(o) = offset {
        c.range(
            "scheduleOffset",
            o,
            model::SCHEDULE_OFFSET_DAYS.0,
            model::SCHEDULE_OFFSET_DAYS.1,
        );
    }
    if let Some(tags) = v::list(request, "Tags")? {
        for (i, tag) in tags.iter().enumerate() {
            let tag = v::structure(tag)?;
            let path = format!("tags.{}.member", i + 1);
            let key = v::string(tag, "Key")?;
            let value = v::string(tag, "Value")?;
            c.required(&format!("{path}.key"), &key);
            c.required(&format!("{path}.value"), &value);
            if let Some(k) = &key {
                c.length(
                    &format!("{path}.key"),
                    k,
                    model::TAG_KEY_LENGTH.0,
                    model::TAG_KEY_LENGTH.1,
                    false,
                );
                c.pattern(&format!("{path}.key"), k, TAG_PATTERN, &TAG);
            }
            if let Some(x) = &value {
                c.length(
                    &format!("{path}.value"),
                    x,
                    model::TAG_VALUE_LENGTH.0,
                    model::TAG_VALUE_LENGTH.1,
                    false,
                );
                c.pattern(&format!("{path}.value"), x, TAG_PATTERN, &TAG);
            }
        }
        c.list_max("tags", tags.len(), model::TAGS_MAX, format!("[{} tags]", tags.len()));
    }
    c.finish()?;
    let schedule_form = schedule.as_deref().is_some_and(super::schedule::well_formed);
    if !schedule_form {
        return Err(super::schedule::not_a_schedule(schedule.as_deref().unwrap_or_default()));
    }
    let settings = WindowSettings {
        name: name.expect("required"),
        schedule: schedule.expect("required"),
        duration: duration.expect("required"),
        cutoff: cutoff.expect("required"),
        allow_unassociated_targets: allow.expect("required"),
        description,
        start_date,
        end_date,
        schedule_timezone: timezone,
        schedule_offset: offset,
    };
    let mut store = store.write().expect("store lock");
    // The same ClientToken and request: the first window's id again (the model documents the
    // token as an idempotency token); another request with it: IdempotentParameterMismatch.
    if let Some(answer) = window_api::repeated(&store, "CreateMaintenanceWindow", request)? {
        return Ok(answer);
    }
    let id = loop {
        let id = crate::ids::window_id();
        if !store.windows.contains_key(&id) {
            break id;
        }
    };
    // Each window made after the last (a microsecond on, in the same tick): DescribeMaintenanceWindows
    // lists them as made.
    let latest = store.windows.values().map(|w| w.created).fold(f64::MIN, f64::max);
    let created = if now > latest { now } else { latest + 1e-6 };
    store.windows.insert(id.clone(), Window::new(settings, created));
    let answer = json!({ "WindowId": id });
    window_api::remember(&mut store, "CreateMaintenanceWindow", request, &answer);
    Ok(answer)
}

/// `DescribeMaintenanceWindows`: all windows as created, paged; filters `Name` (exactly) and
/// `Enabled` (its value in either case).
/// The last window a page of DescribeMaintenanceWindows listed, from its token: its creation
/// time and its id.
fn window_cursor(token: &str) -> Option<(f64, String)> {
    let (bits, id) = token.strip_prefix("w2.")?.split_once('.')?;
    let bits = u64::from_str_radix(bits, 16).ok().filter(|_| bits.len() == 16)?;
    Some((f64::from_bits(bits), id.to_string()))
}

fn describe_windows(
    store: &Shared,
    limits: &Limits,
    request: &Map<String, Value>,
    _now: f64,
) -> Result<Value, ApiError> {
    let mut c = Checker::default();
    let filters = decode_filters(request, limits, &mut c)?;
    let (max_results, next_token) = decode_paging(request, limits, &mut c)?;
    c.finish()?;
    // Windows are listed as created: by creation time, then id (the token names the last one
    // listed by both, the time as its exact bits).
    let start = match next_token.as_deref() {
        None | Some("") => None,
        Some(t) => Some(
            window_cursor(t)
                .ok_or_else(|| ApiError::modeled(400, "InvalidNextToken", "The specified token isn't valid.".into()))?,
        ),
    };
    for f in &filters {
        if !matches!(f.key.as_str(), "Name" | "Enabled") {
            return Err(ApiError::invalid(format!(
                "Filter key {} is not supported (Name, Enabled)",
                f.key
            )));
        }
    }
    let limit = max_results.map_or(DEFAULT_PAGE_SIZE, |m| m as usize);
    let store = store.read().expect("store lock");
    let mut ids: Vec<(f64, &String)> = store
        .windows
        .iter()
        .map(|(id, w)| (w.created, id))
        .filter(|(created, id)| {
            start
                .as_ref()
                .is_none_or(|(t, s)| created.total_cmp(t).then_with(|| id.as_str().cmp(s)).is_gt())
        })
        .collect();
    ids.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    let selected = ids.into_iter().map(|(_, id)| id).filter(|id| {
        let w = &store.windows[*id];
        filters.iter().all(|f| match f.key.as_str() {
            "Name" => f.values.contains(&w.settings.name),
            // The model's example spells it "Enabled=True", the CLI's "Values=true".
            _ => f
                .values
                .iter()
                .any(|v| v.eq_ignore_ascii_case(if w.enabled { "true" } else { "false" })),
        })
    });
    let mut identities = Vec::new();
    let mut next = None;
    for id in selected {
        if identities.len() == limit {
            next = identities
                .last()
                .and_then(|v: &Value| v["WindowId"].as_str())
                .map(|last| format!("w2.{:016x}.{last}", store.windows[last].created.to_bits()));
            break;
        }
        let w = &store.windows[id];
        identities.push(json!({
            "WindowId": id,
            "Name": w.settings.name,
            "Enabled": w.enabled,
            "Duration": w.settings.duration,
            "Cutoff": w.settings.cutoff,
            "Schedule": w.settings.schedule,
        }));
    }
    let mut answer = json!({ "WindowIdentities": identities });
    if let Some(t) = next {
        answer["NextToken"] = json!(t);
    }
    Ok(answer)
}

static EXECUTION_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(model::EXECUTION_ID_PATTERN).expect("valid"));

/// Decode and check a required `WindowExecutionId`.
fn execution_id(request: &Map<String, Value>, checker: &mut Checker) -> Result<Option<String>, ApiError> {
    let id = v::string(request, "WindowExecutionId")?;
    checker.required("windowExecutionId", &id);
    if let Some(id) = &id {
        let n = model::EXECUTION_ID_LENGTH;
        checker.length("windowExecutionId", id, n, n, false);
        checker.pattern("windowExecutionId", id, model::EXECUTION_ID_PATTERN, &EXECUTION_ID);
    }
    Ok(id)
}

/// The execution with this id (an exact match of the seeded id), and its window.
fn find_execution<'a>(store: &'a Store, id: &str) -> Result<(&'a Window, &'a Execution), ApiError> {
    store
        .windows
        .values()
        .find_map(|w| w.execution(id).map(|e| (w, e)))
        .ok_or_else(|| no_execution(id))
}

fn no_execution(id: &str) -> ApiError {
    ApiError::modeled(
        400,
        "DoesNotExistException",
        format!("Maintenance window execution {id} does not exist"),
    )
}

/// `GetMaintenanceWindowExecution`: one execution, found in whichever window holds it.
fn get_execution(store: &Shared, _limits: &Limits, request: &Map<String, Value>, _now: f64) -> Result<Value, ApiError> {
    let mut c = Checker::default();
    let id = execution_id(request, &mut c)?;
    c.finish()?;
    let id = id.expect("required");
    let store = store.read().expect("store lock");
    let (w, e) = find_execution(&store, &id)?;
    let mut out = Map::new();
    out.insert("WindowExecutionId".into(), json!(e.window_execution_id));
    // The seeded tasks, in seeded order (none when seeded through the fixture protocol v1).
    let task_ids: Vec<&str> = w.tasks(&id).iter().map(|t| t.task_execution_id.as_str()).collect();
    out.insert("TaskIds".into(), json!(task_ids));
    out.insert("Status".into(), json!(e.status));
    if let Some(d) = &e.status_details {
        out.insert("StatusDetails".into(), json!(d));
    }
    out.insert("StartTime".into(), json!(e.start_time));
    if let Some(t) = e.end_time {
        out.insert("EndTime".into(), json!(t));
    }
    Ok(Value::Object(out))
}

/// `CancelMaintenanceWindowExecution`: a pending or running execution moves to CANCELLING; one
/// that has ended is left as it is. Its tasks and their invocations are left as seeded: nothing
/// runs here to be cancelled, and the emulator does not invent the cascade AWS leaves unsaid.
fn cancel_execution(
    store: &Shared,
    _limits: &Limits,
    request: &Map<String, Value>,
    _now: f64,
) -> Result<Value, ApiError> {
    let mut c = Checker::default();
    let id = execution_id(request, &mut c)?;
    c.finish()?;
    let id = id.expect("required");
    let mut store = store.write().expect("store lock");
    let e = store
        .windows
        .values_mut()
        .find_map(|w| w.execution_mut(&id))
        .ok_or_else(|| no_execution(&id))?;
    if matches!(e.status.as_str(), "PENDING" | "IN_PROGRESS") {
        e.status = "CANCELLING".into();
    }
    Ok(json!({ "WindowExecutionId": id }))
}

fn get_window(store: &Shared, limits: &Limits, request: &Map<String, Value>, _now: f64) -> Result<Value, ApiError> {
    let mut c = Checker::default();
    let id = window_id(request, limits, &mut c)?;
    c.finish()?;
    let id = id.expect("required");
    let store = store.read().expect("store lock");
    let w = store.windows.get(&id).ok_or_else(|| {
        ApiError::modeled(
            400,
            "DoesNotExistException",
            format!("Maintenance window {id} does not exist"),
        )
    })?;
    let mut answer = serde_json::to_value(&w.settings).expect("settings serialize");
    answer["WindowId"] = json!(id);
    answer["Enabled"] = json!(w.enabled);
    answer["CreatedDate"] = json!(w.created);
    answer["ModifiedDate"] = json!(w.modified);
    Ok(answer)
}

fn delete_window(store: &Shared, limits: &Limits, request: &Map<String, Value>, _now: f64) -> Result<Value, ApiError> {
    let mut c = Checker::default();
    let id = window_id(request, limits, &mut c)?;
    c.finish()?;
    let id = id.expect("required");
    let mut store = store.write().expect("store lock");
    store.windows.remove(&id);
    // The tokens of its creation go with it (a long campaign creates windows without end).
    store
        .client_tokens
        .retain(|_, (_, answer)| answer["WindowId"] != id.as_str());
    Ok(json!({ "WindowId": id }))
}

static TASK_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(model::TASK_EXECUTION_ID_PATTERN).expect("valid"));
static INVOCATION_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(model::INVOCATION_ID_PATTERN).expect("valid"));

/// Decode and check a required id of 36 characters and a UUID pattern (`TaskId`, `InvocationId`).
fn uuid_member(
    request: &Map<String, Value>,
    member: &str,
    path: &str,
    (length, pattern, re): (usize, &str, &Regex),
    checker: &mut Checker,
) -> Result<Option<String>, ApiError> {
    let id = v::string(request, member)?;
    checker.required(path, &id);
    if let Some(id) = &id {
        checker.length(path, id, length, length, false);
        checker.pattern(path, id, pattern, re);
    }
    Ok(id)
}

/// Decode and check a required `TaskId` (a task's TaskExecutionId).
fn task_id(request: &Map<String, Value>, checker: &mut Checker) -> Result<Option<String>, ApiError> {
    let shape = (
        model::TASK_EXECUTION_ID_LENGTH,
        model::TASK_EXECUTION_ID_PATTERN,
        &*TASK_ID,
    );
    uuid_member(request, "TaskId", "taskId", shape, checker)
}

/// Decode and check a required `InvocationId`.
fn invocation_id(request: &Map<String, Value>, checker: &mut Checker) -> Result<Option<String>, ApiError> {
    let shape = (
        model::INVOCATION_ID_LENGTH,
        model::INVOCATION_ID_PATTERN,
        &*INVOCATION_ID,
    );
    uuid_member(request, "InvocationId", "invocationId", shape, checker)
}

/// The task with this TaskExecutionId (an exact match of the seeded id) of a found execution.
fn find_task<'a>(window: &'a Window, execution_id: &str, task_id: &str) -> Result<&'a Task, ApiError> {
    window
        .tasks(execution_id)
        .iter()
        .find(|t| t.task_execution_id == task_id)
        .ok_or_else(|| {
            ApiError::modeled(
                400,
                "DoesNotExistException",
                format!("Task {task_id} of maintenance window execution {execution_id} does not exist"),
            )
        })
}

/// The `STATUS` filters of the task and invocation operations, as sets of statuses: an item is
/// selected when its status is in every set (several values of one filter: any of them; several
/// filters: all of them).
///
/// The emulator's choices where AWS leaves them open: the key is `STATUS` exactly, any other key
/// is a ValidationException naming it; each value is one of the model's eight statuses (the seven
/// documented, and SKIPPED_OVERLAPPING), any other is a ValidationException naming the values; a
/// STATUS filter without values is a ValidationException.
fn status_filters(filters: &[Filter]) -> Result<Vec<Vec<String>>, ApiError> {
    let mut sets = Vec::new();
    for (i, f) in filters.iter().enumerate() {
        if !TASK_FILTER_KEYS.contains(&f.key.as_str()) {
            return Err(unknown_filter_key(&f.key, i, &TASK_FILTER_KEYS));
        }
        if f.values.is_empty() {
            return Err(ApiError::invalid(format!("Filter {} needs a status value", f.key)));
        }
        // In the list-element form AWS uses for constraints on the values of a filter.
        if f.values.iter().any(|v| !model::STATUSES.contains(&v.as_str())) {
            return Err(ApiError::invalid(format!(
                "1 validation error detected: Value '[{}]' at 'filters.{}.member.values' failed to satisfy constraint: \
                 Member must satisfy constraint: [Member must satisfy enum value set: [{}]]",
                f.values.join(", "),
                i + 1,
                model::STATUSES.join(", ")
            )));
        }
        sets.push(f.values.clone());
    }
    Ok(sets)
}

/// Whether `status` is in every set of [`status_filters`].
fn selected(sets: &[Vec<String>], status: &str) -> bool {
    sets.iter().all(|set| set.iter().any(|s| s == status))
}

fn invalid_token() -> ApiError {
    ApiError::modeled(400, "InvalidNextToken", "The specified token isn't valid.".into())
}

/// The item a NextToken continues after, when the token was written for `list` (a token of
/// another list, another operation or another execution is refused as the executions
/// operation refuses a token of another window).
fn token_position(next_token: Option<&str>, list: &str) -> Result<Option<String>, ApiError> {
    match next_token {
        None | Some("") => Ok(None),
        Some(token) => ListCursor::decode(token)
            .filter(|c| c.list == list)
            .map(|c| Some(c.after))
            .ok_or_else(invalid_token),
    }
}

/// What a task or invocation listing asks, decoded: the STATUS sets it keeps, the list its
/// token must belong to, where that token continues, and the page size.
struct ListQuery {
    sets: Vec<Vec<String>>,
    list: String,
    after: Option<String>,
    limit: usize,
}

impl ListQuery {
    /// Checked in this order: the filters ([`status_filters`]), then the token ([`token_position`]).
    fn decode(
        filters: &[Filter],
        max_results: Option<i64>,
        next_token: Option<&str>,
        list: String,
    ) -> Result<Self, ApiError> {
        let sets = status_filters(filters)?;
        let after = token_position(next_token, &list)?;
        let limit = max_results.map_or(DEFAULT_PAGE_SIZE, |m| m as usize);
        Ok(Self {
            sets,
            list,
            after,
            limit,
        })
    }

    /// The answer: a page of `items` (seeded order, kept by status) under `member`, each as
    /// `render` writes it, and the NextToken after it; a token whose item is no longer in the
    /// list (the fixture was replaced) is refused.
    fn answer<T>(
        &self,
        member: &str,
        items: &[T],
        id: impl Fn(&T) -> &str,
        status: impl Fn(&T) -> &str,
        render: impl Fn(&T) -> Value,
    ) -> Result<Value, ApiError> {
        let (page, next) = list_page(
            items,
            id,
            self.after.as_deref(),
            |t| selected(&self.sets, status(t)),
            self.limit,
        )
        .ok_or_else(invalid_token)?;
        let mut answer = Map::new();
        answer.insert(member.into(), page.into_iter().map(render).collect());
        if let Some(after) = next {
            let token = ListCursor {
                list: self.list.clone(),
                after,
            };
            answer.insert("NextToken".into(), json!(token.encode()));
        }
        Ok(Value::Object(answer))
    }
}

/// A member that is there only when it is set.
fn put_some<T: serde::Serialize>(out: &mut Map<String, Value>, key: &str, value: Option<T>) {
    if let Some(v) = value {
        out.insert(key.into(), json!(v));
    }
}

/// Status, details and times, as every level answers them.
fn put_status_and_times(
    out: &mut Map<String, Value>,
    status: &str,
    details: Option<&String>,
    start: f64,
    end: Option<f64>,
) {
    out.insert("Status".into(), json!(status));
    put_some(out, "StatusDetails", details);
    out.insert("StartTime".into(), json!(start));
    put_some(out, "EndTime", end);
}

/// `DescribeMaintenanceWindowExecutionTasks`: an execution's tasks in seeded order, filtered by
/// [`status_filters`] and paged like the executions (MaxResults 10–100, [`DEFAULT_PAGE_SIZE`]
/// without it). A NextToken is good for the execution it was written for only. An unknown
/// execution is a DoesNotExistException.
fn describe_tasks(store: &Shared, limits: &Limits, request: &Map<String, Value>, _now: f64) -> Result<Value, ApiError> {
    let mut c = Checker::default();
    let id = execution_id(request, &mut c)?;
    let filters = decode_filters(request, limits, &mut c)?;
    let (max_results, next_token) = decode_paging(request, limits, &mut c)?;
    c.finish()?;
    let id = id.expect("required");
    let query = ListQuery::decode(&filters, max_results, next_token.as_deref(), format!("tasks/{id}"))?;
    let store = store.read().expect("store lock");
    let (w, _) = find_execution(&store, &id)?;
    query.answer(
        "WindowExecutionTaskIdentities",
        w.tasks(&id),
        |t| t.task_execution_id.as_str(),
        |t| t.status.as_str(),
        |t| {
            let mut out = Map::new();
            out.insert("WindowExecutionId".into(), json!(id));
            out.insert("TaskExecutionId".into(), json!(t.task_execution_id));
            put_status_and_times(&mut out, &t.status, t.status_details.as_ref(), t.start_time, t.end_time);
            out.insert("TaskArn".into(), json!(t.task_arn));
            out.insert("TaskType".into(), json!(t.task_type));
            put_some(&mut out, "AlarmConfiguration", t.alarm_configuration.as_ref());
            put_some(&mut out, "TriggeredAlarms", t.triggered_alarms.as_ref());
            Value::Object(out)
        },
    )
}

/// `GetMaintenanceWindowExecutionTask`: one task of an execution. An unknown execution or task
/// is a DoesNotExistException.
fn get_task(store: &Shared, _limits: &Limits, request: &Map<String, Value>, _now: f64) -> Result<Value, ApiError> {
    let mut c = Checker::default();
    let id = execution_id(request, &mut c)?;
    let task = task_id(request, &mut c)?;
    c.finish()?;
    let (id, task) = (id.expect("required"), task.expect("required"));
    let store = store.read().expect("store lock");
    let (w, _) = find_execution(&store, &id)?;
    let t = find_task(w, &id, &task)?;
    let mut out = Map::new();
    out.insert("WindowExecutionId".into(), json!(id));
    out.insert("TaskExecutionId".into(), json!(t.task_execution_id));
    out.insert("TaskArn".into(), json!(t.task_arn));
    put_some(&mut out, "ServiceRole", t.service_role.as_ref());
    out.insert("Type".into(), json!(t.task_type));
    put_some(&mut out, "TaskParameters", t.task_parameters.as_ref());
    put_some(&mut out, "Priority", t.priority);
    put_some(&mut out, "MaxConcurrency", t.max_concurrency.as_ref());
    put_some(&mut out, "MaxErrors", t.max_errors.as_ref());
    put_status_and_times(&mut out, &t.status, t.status_details.as_ref(), t.start_time, t.end_time);
    put_some(&mut out, "AlarmConfiguration", t.alarm_configuration.as_ref());
    put_some(&mut out, "TriggeredAlarms", t.triggered_alarms.as_ref());
    Ok(Value::Object(out))
}

/// An invocation as both invocation operations answer it.
fn invocation_json(execution_id: &str, task: &Task, inv: &Invocation) -> Value {
    let mut out = Map::new();
    out.insert("WindowExecutionId".into(), json!(execution_id));
    out.insert("TaskExecutionId".into(), json!(task.task_execution_id));
    out.insert("InvocationId".into(), json!(inv.invocation_id));
    put_some(&mut out, "ExecutionId", inv.execution_id.as_ref());
    // An invocation runs its task: the type is the task's.
    out.insert("TaskType".into(), json!(task.task_type));
    put_some(&mut out, "Parameters", inv.parameters.as_ref());
    put_status_and_times(
        &mut out,
        &inv.status,
        inv.status_details.as_ref(),
        inv.start_time,
        inv.end_time,
    );
    put_some(&mut out, "OwnerInformation", inv.owner_information.as_ref());
    put_some(&mut out, "WindowTargetId", inv.window_target_id.as_ref());
    Value::Object(out)
}

/// `DescribeMaintenanceWindowExecutionTaskInvocations`: a task's invocations in seeded order,
/// filtered and paged as [`describe_tasks`] does; a NextToken is good for its own task of its own
/// execution only. An unknown execution or task is a DoesNotExistException.
fn describe_invocations(
    store: &Shared,
    limits: &Limits,
    request: &Map<String, Value>,
    _now: f64,
) -> Result<Value, ApiError> {
    let mut c = Checker::default();
    let id = execution_id(request, &mut c)?;
    let task = task_id(request, &mut c)?;
    let filters = decode_filters(request, limits, &mut c)?;
    let (max_results, next_token) = decode_paging(request, limits, &mut c)?;
    c.finish()?;
    let (id, task) = (id.expect("required"), task.expect("required"));
    let query = ListQuery::decode(
        &filters,
        max_results,
        next_token.as_deref(),
        format!("invocations/{id}/{task}"),
    )?;
    let store = store.read().expect("store lock");
    let (w, _) = find_execution(&store, &id)?;
    let t = find_task(w, &id, &task)?;
    query.answer(
        "WindowExecutionTaskInvocationIdentities",
        &t.invocations,
        |i| i.invocation_id.as_str(),
        |i| i.status.as_str(),
        |i| invocation_json(&id, t, i),
    )
}

/// `GetMaintenanceWindowExecutionTaskInvocation`: one invocation of a task. An unknown
/// execution, task or invocation is a DoesNotExistException.
fn get_invocation(
    store: &Shared,
    _limits: &Limits,
    request: &Map<String, Value>,
    _now: f64,
) -> Result<Value, ApiError> {
    let mut c = Checker::default();
    let id = execution_id(request, &mut c)?;
    let task = task_id(request, &mut c)?;
    let invocation = invocation_id(request, &mut c)?;
    c.finish()?;
    let (id, task, invocation) = (
        id.expect("required"),
        task.expect("required"),
        invocation.expect("required"),
    );
    let store = store.read().expect("store lock");
    let (w, _) = find_execution(&store, &id)?;
    let t = find_task(w, &id, &task)?;
    let inv = t
        .invocations
        .iter()
        .find(|i| i.invocation_id == invocation)
        .ok_or_else(|| {
            ApiError::modeled(
                400,
                "DoesNotExistException",
                format!("Invocation {invocation} of task {task} of maintenance window execution {id} does not exist"),
            )
        })?;
    Ok(invocation_json(&id, t, inv))
}
