//! A window's settings, targets and tasks: `UpdateMaintenanceWindow`, the registration, update,
//! description and deregistration of targets and tasks, `GetMaintenanceWindowTask` and
//! `DescribeMaintenanceWindowsForTarget`. Each request is checked against its input shape in the
//! model ([`shapes`]), then against the rules the API reference states:
//! - a `ClientToken` repeated with the same request answers the first registration's id, with
//!   another request `IdempotentParameterMismatch`;
//! - `Safe` deregistration of a target that a task of the window names is refused
//!   (`TargetInUseException`);
//! - `Replace` on an update demands what the registration (or creation) demands, and clears the
//!   optional members left out; without it, members left out keep their values;
//! - a task's `WindowTargetIds` name targets of the same window.
//!
//! Where the API leaves a choice open, the emulator takes one: an unknown window, target or task
//! is `DoesNotExistException` (the model names it for each of these operations), lists keep the
//! order of registration, a page holds 50 unless `MaxResults` says otherwise.

use serde_json::{Map, Value, json};

use super::error::ApiError;
use super::limits::Limits;
use super::shapes;
use super::store::{Registration, Shared, Store, Window};
use super::validation::Checker;

/// Page size when `MaxResults` is absent.
const DEFAULT_PAGE_SIZE: usize = 50;

/// The members of `CreateMaintenanceWindow` that `Replace` demands of `UpdateMaintenanceWindow`.
const WINDOW_REQUIRED: [&str; 5] = ["Name", "Schedule", "Duration", "Cutoff", "AllowUnassociatedTargets"];
/// The members of `RegisterTargetWithMaintenanceWindow` that `UpdateMaintenanceWindowTarget`
/// can set: `Replace` demands `Targets` (the registration requires it) and clears the rest.
const TARGET_MEMBERS: [&str; 4] = ["Targets", "OwnerInformation", "Name", "Description"];
/// The members of `RegisterTaskWithMaintenanceWindow` that `UpdateMaintenanceWindowTask` can
/// set: `Replace` demands `TaskArn` (the registration requires it) and clears the rest.
const TASK_MEMBERS: [&str; 13] = [
    "Targets",
    "TaskArn",
    "ServiceRoleArn",
    "TaskParameters",
    "TaskInvocationParameters",
    "Priority",
    "MaxConcurrency",
    "MaxErrors",
    "LoggingInfo",
    "Name",
    "Description",
    "CutoffBehavior",
    "AlarmConfiguration",
];

/// Check `request` against `operation`'s input shape.
pub(super) fn checked(operation: &str, request: &Map<String, Value>) -> Result<(), ApiError> {
    let mut c = Checker::default();
    shapes::check(shapes::input_shape(operation), request, &mut c)?;
    c.finish()
}

fn text<'a>(request: &'a Map<String, Value>, member: &str) -> &'a str {
    request.get(member).and_then(Value::as_str).unwrap_or_default()
}

fn not_found(what: String) -> ApiError {
    ApiError::modeled(400, "DoesNotExistException", format!("{what} does not exist"))
}

/// `DoesNotExistException` for `what` (a window, a target, a task).
pub(super) fn missing(what: &str) -> ApiError {
    not_found(what.to_string())
}

fn window<'a>(store: &'a Store, id: &str) -> Result<&'a Window, ApiError> {
    store
        .windows
        .get(id)
        .ok_or_else(|| not_found(format!("Maintenance window {id}")))
}

fn window_mut<'a>(store: &'a mut Store, id: &str) -> Result<&'a mut Window, ApiError> {
    store
        .windows
        .get_mut(id)
        .ok_or_else(|| not_found(format!("Maintenance window {id}")))
}

/// The members of `request` named in `names` that are set (not absent, not null).
fn members_of(request: &Map<String, Value>, names: &[&str]) -> Map<String, Value> {
    names
        .iter()
        .filter_map(|n| {
            request
                .get(*n)
                .filter(|v| !v.is_null())
                .map(|v| ((*n).to_string(), v.clone()))
        })
        .collect()
}

/// `Replace`'s demands: each of `required` set, in AWS's validation form.
fn replace_demands(request: &Map<String, Value>, required: &[&str]) -> Result<(), ApiError> {
    let mut c = Checker::default();
    for r in required {
        let present = request.get(*r).filter(|v| !v.is_null());
        let mut name = r.to_string();
        name[..1].make_ascii_lowercase();
        c.required(&name, &present);
    }
    c.finish()
}

fn replacing(request: &Map<String, Value>) -> bool {
    request.get("Replace").and_then(Value::as_bool).unwrap_or(false)
}

/// A creation or registration under a `ClientToken`: the first answer again for the same request, an error
/// for another; `None` when the token is new (or absent).
pub(super) fn repeated(
    store: &Store,
    operation: &str,
    request: &Map<String, Value>,
) -> Result<Option<Value>, ApiError> {
    let Some(token) = request.get("ClientToken").and_then(Value::as_str) else {
        return Ok(None);
    };
    match store.client_tokens.get(&(operation.to_string(), token.to_string())) {
        None => Ok(None),
        Some((sent, answer)) if *sent == without_token(request) => Ok(Some(answer.clone())),
        Some(_) => Err(ApiError::modeled(
            400,
            "IdempotentParameterMismatch",
            format!("The client token {token} was used before with another request"),
        )),
    }
}

fn without_token(request: &Map<String, Value>) -> Value {
    let mut r = request.clone();
    r.remove("ClientToken");
    r.retain(|_, v| !v.is_null());
    Value::Object(r)
}

pub(super) fn remember(store: &mut Store, operation: &str, request: &Map<String, Value>, answer: &Value) {
    if let Some(token) = request.get("ClientToken").and_then(Value::as_str) {
        store.client_tokens.insert(
            (operation.to_string(), token.to_string()),
            (without_token(request), answer.clone()),
        );
    }
}

/// A page of `items` from the one after the id a token names: `(page, next token)`.
fn page(items: Vec<(String, Value)>, request: &Map<String, Value>, min_page: usize) -> Result<Value, ApiError> {
    let limit = request
        .get("MaxResults")
        .and_then(Value::as_u64)
        .map_or(DEFAULT_PAGE_SIZE, |n| (n as usize).max(min_page));
    let start = match request.get("NextToken").and_then(Value::as_str) {
        None | Some("") => 0,
        Some(token) => {
            let after = token
                .strip_prefix("r1.")
                .and_then(|id| items.iter().position(|(i, _)| i == id))
                .ok_or_else(|| ApiError::modeled(400, "InvalidNextToken", "The specified token isn't valid.".into()))?;
            after + 1
        }
    };
    let rest = &items[start.min(items.len())..];
    let shown: Vec<Value> = rest.iter().take(limit).map(|(_, v)| v.clone()).collect();
    let next = (rest.len() > limit).then(|| format!("r1.{}", rest[limit - 1].0));
    Ok(json!({ "items": shown, "next": next }))
}

fn paged(list: &str, page: Value) -> Value {
    let mut answer = json!({ list: page["items"] });
    if let Some(t) = page["next"].as_str() {
        answer["NextToken"] = json!(t);
    }
    answer
}

/// `Filters` as key → values; each key the operation supports (`keys`), else a validation error.
fn filters(request: &Map<String, Value>, keys: &[&str]) -> Result<Vec<(String, Vec<String>)>, ApiError> {
    let mut out = Vec::new();
    for f in request.get("Filters").and_then(Value::as_array).into_iter().flatten() {
        let key = f["Key"].as_str().unwrap_or_default().to_string();
        if !keys.contains(&key.as_str()) {
            return Err(ApiError::invalid(format!(
                "Filter key {key} is not supported (supported: {})",
                keys.join(", ")
            )));
        }
        let values = f["Values"]
            .as_array()
            .map(|v| v.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default();
        out.push((key, values));
    }
    Ok(out)
}

/// Whether `value` (a string or a number) is among `values`.
fn among(value: Option<&Value>, values: &[String]) -> bool {
    match value {
        Some(Value::String(s)) => values.contains(s),
        Some(Value::Number(n)) => values.contains(&n.to_string()),
        _ => false,
    }
}

/// `UpdateMaintenanceWindow`.
pub(super) fn update_window(
    store: &Shared,
    _: &Limits,
    request: &Map<String, Value>,
    now: f64,
) -> Result<Value, ApiError> {
    checked("UpdateMaintenanceWindow", request)?;
    let replace = replacing(request);
    if replace {
        replace_demands(request, &WINDOW_REQUIRED)?;
    }
    if let Some(schedule) = request.get("Schedule").and_then(Value::as_str)
        && !super::schedule::well_formed(schedule)
    {
        return Err(super::schedule::not_a_schedule(schedule));
    }
    let id = text(request, "WindowId").to_string();
    let mut store = store.write().expect("store lock");
    let w = window_mut(&mut store, &id)?;
    let s = &mut w.settings;
    let string = |m: &str| request.get(m).and_then(Value::as_str).map(str::to_string);
    let integer = |m: &str| request.get(m).and_then(Value::as_i64);
    if let Some(v) = string("Name") {
        s.name = v;
    }
    if let Some(v) = string("Schedule") {
        s.schedule = v;
    }
    if let Some(v) = integer("Duration") {
        s.duration = v;
    }
    if let Some(v) = integer("Cutoff") {
        s.cutoff = v;
    }
    if let Some(v) = request.get("AllowUnassociatedTargets").and_then(Value::as_bool) {
        s.allow_unassociated_targets = v;
    }
    // Optional members: set when given; cleared by Replace when not.
    for (member, slot) in [
        ("Description", &mut s.description),
        ("StartDate", &mut s.start_date),
        ("EndDate", &mut s.end_date),
        ("ScheduleTimezone", &mut s.schedule_timezone),
    ] {
        match string(member) {
            Some(v) => *slot = Some(v),
            None if replace => *slot = None,
            None => {}
        }
    }
    match integer("ScheduleOffset") {
        Some(v) => s.schedule_offset = Some(v),
        None if replace => s.schedule_offset = None,
        None => {}
    }
    if let Some(v) = request.get("Enabled").and_then(Value::as_bool) {
        w.enabled = v;
    } else if replace {
        w.enabled = true;
    }
    w.modified = now;
    let mut answer = serde_json::to_value(&w.settings).expect("settings serialize");
    answer["WindowId"] = json!(id);
    answer["Enabled"] = json!(w.enabled);
    Ok(answer)
}

/// `RegisterTargetWithMaintenanceWindow`.
pub(super) fn register_target(
    store: &Shared,
    _: &Limits,
    request: &Map<String, Value>,
    _now: f64,
) -> Result<Value, ApiError> {
    const OP: &str = "RegisterTargetWithMaintenanceWindow";
    checked(OP, request)?;
    let mut store = store.write().expect("store lock");
    let mut members = members_of(request, &TARGET_MEMBERS);
    members.insert("ResourceType".into(), request["ResourceType"].clone());
    register(&mut store, OP, request, members, |w| &mut w.targets, "WindowTargetId")
}

/// A registration in the window `request` names (known to exist), under its `ClientToken`
/// where it has one: the new item's id as `id_member`, or the first answer again for a repeat.
fn register(
    store: &mut Store,
    operation: &str,
    request: &Map<String, Value>,
    members: Map<String, Value>,
    list: fn(&mut Window) -> &mut Vec<Registration>,
    id_member: &str,
) -> Result<Value, ApiError> {
    let window_id = text(request, "WindowId");
    window(store, window_id)?;
    if let Some(answer) = repeated(store, operation, request)? {
        return Ok(answer);
    }
    let id = crate::ids::uuid_v4();
    list(window_mut(store, window_id)?).push(Registration {
        id: id.clone(),
        members,
    });
    let answer = json!({ id_member: id });
    remember(store, operation, request, &answer);
    Ok(answer)
}

fn target_answer(window_id: &str, t: &Registration) -> Value {
    let mut out = t.members.clone();
    out.insert("WindowId".into(), json!(window_id));
    out.insert("WindowTargetId".into(), json!(t.id));
    Value::Object(out)
}

/// `DescribeMaintenanceWindowTargets`: filters `Type`, `WindowTargetId` and `OwnerInformation`
/// (the keys the API reference names), values of one filter any-of, filters all-of.
pub(super) fn describe_targets(
    store: &Shared,
    _: &Limits,
    request: &Map<String, Value>,
    _now: f64,
) -> Result<Value, ApiError> {
    checked("DescribeMaintenanceWindowTargets", request)?;
    let filters = filters(request, &["Type", "WindowTargetId", "OwnerInformation"])?;
    let id = text(request, "WindowId");
    let store = store.read().expect("store lock");
    let w = window(&store, id)?;
    let items = w
        .targets
        .iter()
        .filter(|t| {
            filters.iter().all(|(key, values)| match key.as_str() {
                "Type" => among(t.members.get("ResourceType"), values),
                "WindowTargetId" => values.contains(&t.id),
                _ => among(t.members.get("OwnerInformation"), values),
            })
        })
        .map(|t| (t.id.clone(), target_answer(id, t)))
        .collect();
    Ok(paged("Targets", page(items, request, 1)?))
}

fn find<'a>(list: &'a mut [Registration], id: &str, what: &str) -> Result<&'a mut Registration, ApiError> {
    list.iter_mut()
        .find(|r| r.id == id)
        .ok_or_else(|| not_found(format!("{what} {id}")))
}

/// Set the members an update gives; with `Replace`, clear the ones it leaves out.
fn update_members(r: &mut Registration, request: &Map<String, Value>, names: &[&str]) {
    let replace = replacing(request);
    for name in names {
        match request.get(*name).filter(|v| !v.is_null()) {
            Some(v) => {
                r.members.insert((*name).to_string(), v.clone());
            }
            None if replace => {
                r.members.remove(*name);
            }
            None => {}
        }
    }
}

/// `UpdateMaintenanceWindowTarget`.
pub(super) fn update_target(
    store: &Shared,
    _: &Limits,
    request: &Map<String, Value>,
    _now: f64,
) -> Result<Value, ApiError> {
    checked("UpdateMaintenanceWindowTarget", request)?;
    if replacing(request) {
        replace_demands(request, &["Targets"])?;
    }
    let (id, target_id) = (text(request, "WindowId"), text(request, "WindowTargetId"));
    let mut store = store.write().expect("store lock");
    let w = window_mut(&mut store, id)?;
    let t = find(&mut w.targets, target_id, "Maintenance window target")?;
    update_members(t, request, &TARGET_MEMBERS);
    let mut answer = target_answer(id, t);
    answer.as_object_mut().expect("an object").remove("ResourceType");
    Ok(answer)
}

/// Whether a task's `Targets` name the window target `id` (`Key: WindowTargetIds`).
fn names_target(task: &Registration, id: &str) -> bool {
    task.members
        .get("Targets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| t["Key"] == "WindowTargetIds")
        .any(|t| t["Values"].as_array().is_some_and(|v| v.iter().any(|x| x == id)))
}

/// `DeregisterTargetFromMaintenanceWindow`.
pub(super) fn deregister_target(
    store: &Shared,
    _: &Limits,
    request: &Map<String, Value>,
    _now: f64,
) -> Result<Value, ApiError> {
    checked("DeregisterTargetFromMaintenanceWindow", request)?;
    let (id, target_id) = (text(request, "WindowId"), text(request, "WindowTargetId"));
    let mut store = store.write().expect("store lock");
    let w = window_mut(&mut store, id)?;
    find(&mut w.targets, target_id, "Maintenance window target")?;
    let safe = request.get("Safe").and_then(Value::as_bool).unwrap_or(false);
    if safe && let Some(task) = w.registered_tasks.iter().find(|t| names_target(t, target_id)) {
        return Err(ApiError::modeled(
            400,
            "TargetInUseException",
            format!(
                "Maintenance window target {target_id} is used by task {} and can't be deregistered safely",
                task.id
            ),
        ));
    }
    w.targets.retain(|t| t.id != target_id);
    Ok(json!({ "WindowId": id, "WindowTargetId": target_id }))
}

/// The window target ids a task's `Targets` name that the window does not hold.
fn unknown_window_targets(w: &Window, request: &Map<String, Value>) -> Option<String> {
    request
        .get("Targets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| t["Key"] == "WindowTargetIds")
        .flat_map(|t| t["Values"].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_str().map(str::to_string))
        .find(|v| !w.targets.iter().any(|t| t.id == *v))
}

/// `RegisterTaskWithMaintenanceWindow`.
pub(super) fn register_task(
    store: &Shared,
    _: &Limits,
    request: &Map<String, Value>,
    _now: f64,
) -> Result<Value, ApiError> {
    const OP: &str = "RegisterTaskWithMaintenanceWindow";
    checked(OP, request)?;
    let mut store = store.write().expect("store lock");
    let w = window(&store, text(request, "WindowId"))?;
    if let Some(unknown) = unknown_window_targets(w, request) {
        return Err(not_found(format!("Maintenance window target {unknown}")));
    }
    let mut members = members_of(request, &TASK_MEMBERS);
    members.insert("Type".into(), request["TaskType"].clone());
    register(
        &mut store,
        OP,
        request,
        members,
        |w| &mut w.registered_tasks,
        "WindowTaskId",
    )
}

fn task_answer(window_id: &str, t: &Registration) -> Value {
    let mut out = t.members.clone();
    out.insert("WindowId".into(), json!(window_id));
    out.insert("WindowTaskId".into(), json!(t.id));
    Value::Object(out)
}

/// `DescribeMaintenanceWindowTasks`: filters `WindowTaskId`, `TaskArn`, `Priority` and
/// `TaskType` (the keys the API reference names).
pub(super) fn describe_tasks(
    store: &Shared,
    _: &Limits,
    request: &Map<String, Value>,
    _now: f64,
) -> Result<Value, ApiError> {
    checked("DescribeMaintenanceWindowTasks", request)?;
    let filters = filters(request, &["WindowTaskId", "TaskArn", "Priority", "TaskType"])?;
    let id = text(request, "WindowId");
    let store = store.read().expect("store lock");
    let w = window(&store, id)?;
    let items = w
        .registered_tasks
        .iter()
        .filter(|t| {
            filters.iter().all(|(key, values)| match key.as_str() {
                "WindowTaskId" => values.contains(&t.id),
                "TaskType" => among(t.members.get("Type"), values),
                other => among(t.members.get(other), values),
            })
        })
        .map(|t| {
            let mut a = task_answer(id, t);
            // The list's items (MaintenanceWindowTask) carry no invocation parameters.
            a.as_object_mut().expect("an object").remove("TaskInvocationParameters");
            (t.id.clone(), a)
        })
        .collect();
    Ok(paged("Tasks", page(items, request, 1)?))
}

/// `GetMaintenanceWindowTask`.
pub(super) fn get_task(store: &Shared, _: &Limits, request: &Map<String, Value>, _now: f64) -> Result<Value, ApiError> {
    checked("GetMaintenanceWindowTask", request)?;
    let (id, task_id) = (text(request, "WindowId"), text(request, "WindowTaskId"));
    let mut store = store.write().expect("store lock");
    let w = window_mut(&mut store, id)?;
    let t = find(&mut w.registered_tasks, task_id, "Maintenance window task")?;
    let mut answer = task_answer(id, t);
    let a = answer.as_object_mut().expect("an object");
    if let Some(kind) = a.remove("Type") {
        a.insert("TaskType".into(), kind);
    }
    Ok(answer)
}

/// `UpdateMaintenanceWindowTask`.
pub(super) fn update_task(
    store: &Shared,
    _: &Limits,
    request: &Map<String, Value>,
    _now: f64,
) -> Result<Value, ApiError> {
    checked("UpdateMaintenanceWindowTask", request)?;
    if replacing(request) {
        replace_demands(request, &["TaskArn"])?;
    }
    let (id, task_id) = (text(request, "WindowId"), text(request, "WindowTaskId"));
    let mut store = store.write().expect("store lock");
    let w = window_mut(&mut store, id)?;
    if let Some(unknown) = unknown_window_targets(w, request) {
        return Err(not_found(format!("Maintenance window target {unknown}")));
    }
    let t = find(&mut w.registered_tasks, task_id, "Maintenance window task")?;
    update_members(t, request, &TASK_MEMBERS);
    let mut answer = task_answer(id, t);
    answer.as_object_mut().expect("an object").remove("Type");
    Ok(answer)
}

/// `DeregisterTaskFromMaintenanceWindow`.
pub(super) fn deregister_task(
    store: &Shared,
    _: &Limits,
    request: &Map<String, Value>,
    _now: f64,
) -> Result<Value, ApiError> {
    checked("DeregisterTaskFromMaintenanceWindow", request)?;
    let (id, task_id) = (text(request, "WindowId"), text(request, "WindowTaskId"));
    let mut store = store.write().expect("store lock");
    let w = window_mut(&mut store, id)?;
    find(&mut w.registered_tasks, task_id, "Maintenance window task")?;
    w.registered_tasks.retain(|t| t.id != task_id);
    Ok(json!({ "WindowId": id, "WindowTaskId": task_id }))
}

/// `DescribeMaintenanceWindowsForTarget`: the windows with a target of the same resource type
/// whose `Targets` share a key and a value with the request's, by window id.
pub(super) fn windows_for_target(
    store: &Shared,
    _: &Limits,
    request: &Map<String, Value>,
    _now: f64,
) -> Result<Value, ApiError> {
    checked("DescribeMaintenanceWindowsForTarget", request)?;
    let store = store.read().expect("store lock");
    let mut items: Vec<(String, Value)> = store
        .windows
        .iter()
        .filter(|(_, w)| targeted(w, request))
        .map(|(id, w)| (id.clone(), json!({ "WindowId": id, "Name": w.settings.name })))
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(paged("WindowIdentities", page(items, request, 1)?))
}

/// Whether `w` has a target that the request's `Targets` (a key and a value in common) and
/// `ResourceType` (where given) name.
pub(super) fn targeted(w: &Window, request: &Map<String, Value>) -> bool {
    let wanted: Vec<(&Value, &Value)> = request
        .get("Targets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|t| {
            t["Values"]
                .as_array()
                .into_iter()
                .flatten()
                .map(move |v| (&t["Key"], v))
        })
        .collect();
    let resource_type = request.get("ResourceType");
    w.targets.iter().any(|t| {
        resource_type.is_none_or(|r| t.members.get("ResourceType") == Some(r))
            && t.members
                .get("Targets")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|x| {
                    x["Values"]
                        .as_array()
                        .is_some_and(|vs| vs.iter().any(|v| wanted.contains(&(&x["Key"], v))))
                })
    })
}
