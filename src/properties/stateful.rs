//! The stateful part: random sequences over the window API — `CreateMaintenanceWindow`,
//! `GetMaintenanceWindow`, `UpdateMaintenanceWindow`, `DeleteMaintenanceWindow`,
//! `DescribeMaintenanceWindows`; targets and tasks registered, updated, described, got and
//! deregistered (`Safe` among them); seeding and `DescribeMaintenanceWindowExecutions` — checked
//! against a model of the windows this run made: a created window is found (by Get, and by
//! Describe under its name) with the settings its updates gave it, its targets and tasks are
//! exactly those registered and not deregistered, a target a task names is not deregistered
//! safely, a deleted window or a deregistered item never comes back, and nothing is sent about a
//! window the run did not make. A step whose operation the target does not implement is left
//! out (moto lacks the updates and GetMaintenanceWindowTask). Failing sequences shrink to the
//! fewest steps.

use std::cell::Cell;

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Value, json};

use super::Settings;
use crate::client::{Client, Payload};
use crate::failure::Failure;
use crate::model::{DESCRIBE_EXECUTIONS, Operation};
use crate::oracle::Execution;
use crate::outcome::{FailureKind, Outcome, SkipReason};
use crate::session::Session;

/// One step.
#[derive(Debug, Clone)]
enum Step {
    Create,
    Get(Index),
    Delete(Index),
    DescribeWindows(Option<usize>),
    Seed(Index, usize),
    DescribeExecutions(Index),
    /// A new Duration (1–24).
    UpdateWindow(Index, i64),
    RegisterTarget(Index),
    /// A task, naming one of the window's targets (when it has one and the index is given) or
    /// an instance.
    RegisterTask(Index, Option<Index>, i64),
    /// With `Safe` or without.
    DeregisterTarget(Index, Index, bool),
    DeregisterTask(Index, Index),
    UpdateTarget(Index, Index),
    DescribeTargets(Index),
    DescribeTasks(Index),
    GetTask(Index, Index),
}

impl Step {
    /// The operation the step sends (seeding: none of the API's).
    fn operation(&self) -> Option<Operation> {
        Some(match self {
            Step::Create => Operation::CreateMaintenanceWindow,
            Step::Get(_) => Operation::GetMaintenanceWindow,
            Step::Delete(_) => Operation::DeleteMaintenanceWindow,
            Step::DescribeWindows(_) => Operation::DescribeMaintenanceWindows,
            Step::Seed(..) => return None,
            Step::DescribeExecutions(_) => Operation::DescribeMaintenanceWindowExecutions,
            Step::UpdateWindow(..) => Operation::UpdateMaintenanceWindow,
            Step::RegisterTarget(_) => Operation::RegisterTargetWithMaintenanceWindow,
            Step::RegisterTask(..) => Operation::RegisterTaskWithMaintenanceWindow,
            Step::DeregisterTarget(..) => Operation::DeregisterTargetFromMaintenanceWindow,
            Step::DeregisterTask(..) => Operation::DeregisterTaskFromMaintenanceWindow,
            Step::UpdateTarget(..) => Operation::UpdateMaintenanceWindowTarget,
            Step::DescribeTargets(_) => Operation::DescribeMaintenanceWindowTargets,
            Step::DescribeTasks(_) => Operation::DescribeMaintenanceWindowTasks,
            Step::GetTask(..) => Operation::GetMaintenanceWindowTask,
        })
    }
}

/// The steps, weighted so that a sequence of up to 20 often reaches the rules a model catches
/// an emulator out on: a target deregistered twice, or safely while a task names it (most
/// tasks name a window target, most deregistrations are `Safe`).
fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        1 => Just(Step::Create),
        3 => any::<Index>().prop_map(Step::Get),
        1 => any::<Index>().prop_map(Step::Delete),
        1 => proptest::option::of(10usize..=100).prop_map(Step::DescribeWindows),
        1 => (any::<Index>(), 0usize..12).prop_map(|(i, n)| Step::Seed(i, n)),
        1 => any::<Index>().prop_map(Step::DescribeExecutions),
        1 => (any::<Index>(), 1i64..=24).prop_map(|(i, d)| Step::UpdateWindow(i, d)),
        3 => any::<Index>().prop_map(Step::RegisterTarget),
        3 => (any::<Index>(), proptest::option::weighted(0.75, any::<Index>()), 0i64..5)
            .prop_map(|(i, t, p)| Step::RegisterTask(i, t, p)),
        3 => (any::<Index>(), any::<Index>(), proptest::bool::weighted(0.75))
            .prop_map(|(i, t, safe)| Step::DeregisterTarget(i, t, safe)),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(i, t)| Step::DeregisterTask(i, t)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(i, t)| Step::UpdateTarget(i, t)),
        2 => any::<Index>().prop_map(Step::DescribeTargets),
        2 => any::<Index>().prop_map(Step::DescribeTasks),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(i, t)| Step::GetTask(i, t)),
    ]
}

/// A target or task as the model knows it.
#[derive(Debug, Clone)]
struct Registered {
    id: String,
    /// A target's name; a task's priority, as text.
    detail: String,
    /// A task's window target, when it names one.
    target: Option<String>,
    /// Deregistered.
    gone: bool,
}

/// A window as the model knows it.
#[derive(Debug, Clone)]
struct Known {
    id: String,
    deleted: bool,
    /// Seeded executions, when seeded.
    executions: Option<Vec<String>>,
    /// Its Duration (the run creates windows of one hour).
    duration: i64,
    targets: Vec<Registered>,
    tasks: Vec<Registered>,
}

fn executions(n: usize) -> Vec<Execution> {
    let tag = crate::ids::random_u64() as u32;
    (0..n)
        .map(|i| Execution {
            window_execution_id: format!("{tag:08x}-0000-4000-8000-{i:012x}"),
            status: "SUCCESS".into(),
            status_details: None,
            start_time: 1_730_000_000.0 + i as f64 * 60.0,
            end_time: None,
            tasks: Vec::new(),
        })
        .collect()
}

async fn call(
    client: &Client,
    requests: &Cell<usize>,
    op: &str,
    params: Value,
) -> Result<crate::client::Response, Failure> {
    send(client, requests, op, params, false).await
}

/// [`call`] for a deregistration: sent again after a dropped connection (its effect is the
/// same twice); the answer says how many tries were dropped, so that a repeat answered as one
/// (DoesNotExistException for what the first try removed) is read as the success it was.
async fn call_repeatable(
    client: &Client,
    requests: &Cell<usize>,
    op: &str,
    params: Value,
) -> Result<crate::client::Response, Failure> {
    send(client, requests, op, params, true).await
}

async fn send(
    client: &Client,
    requests: &Cell<usize>,
    op: &str,
    params: Value,
    repeatable: bool,
) -> Result<crate::client::Response, Failure> {
    requests.set(requests.get() + 1);
    let payload = Payload::Json(params.clone());
    let answered = if repeatable {
        client.call_repeatable(op, &payload).await
    } else {
        client.call(op, &payload).await
    };
    answered.map_err(|e| Failure::new(FailureKind::NoAnswer, format!("{op} {params}: {e}")))
}

/// Every id of the items listed in the answer to `op` with `params`, NextToken
/// followed to the last page: a short or empty page with a token is legal, and only the whole
/// walk says what is listed. `Ok(Err(answer))` where the first answer is not a 200, for the
/// caller to judge.
async fn listed(
    client: &Client,
    requests: &Cell<usize>,
    op: &str,
    params: Value,
) -> Result<Result<Vec<String>, crate::client::Response>, Failure> {
    let id = crate::paging::id_member(op);
    Ok(listed_items(client, requests, op, params).await?.map(|items| {
        items
            .iter()
            .map(|i| i[id].as_str().unwrap_or("?").to_string())
            .collect()
    }))
}

/// The items listed in the answer to `op` with `params`, pages followed (as [`listed`]).
async fn listed_items(
    client: &Client,
    requests: &Cell<usize>,
    op: &str,
    params: Value,
) -> Result<Result<Vec<Value>, crate::client::Response>, Failure> {
    let list = crate::paging::list_member(op);
    let mut ids = Vec::new();
    let mut token: Option<String> = None;
    for page in 0..1000 {
        let mut p = params.clone();
        if let Some(t) = &token {
            p["NextToken"] = json!(t);
        }
        let r = call(client, requests, op, p).await?;
        if r.status != 200 && page == 0 {
            return Ok(Err(r));
        }
        let body = r
            .json
            .as_ref()
            .filter(|_| r.status == 200)
            .ok_or_else(|| Failure::new(FailureKind::Paging, format!("{op} page {}: {}", page + 1, r.summary())))?;
        ids.extend(body[list].as_array().into_iter().flatten().cloned());
        match body.get("NextToken").and_then(Value::as_str) {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(Ok(ids)),
        }
    }
    Err(Failure::new(
        FailureKind::Paging,
        format!("{op}: no end after 1000 pages"),
    ))
}

/// Every window named `name`, pages followed.
async fn described(
    client: &Client,
    requests: &Cell<usize>,
    name: &str,
    max: Option<usize>,
) -> Result<Vec<String>, Failure> {
    let mut p = json!({ "Filters": [{ "Key": "Name", "Values": [name] }] });
    if let Some(m) = max {
        p["MaxResults"] = json!(m);
    }
    let op = "DescribeMaintenanceWindows";
    listed(client, requests, op, p)
        .await?
        .map_err(|r| Failure::new(FailureKind::Status, format!("{op}: {}", r.summary())))
}

/// Run one sequence; every window it made is deleted at the end, whatever happened.
async fn sequence(session: &Session, steps: &[Step], requests: &Cell<usize>) -> Result<(), Failure> {
    let client = session.client().await?;
    let name = format!("{}-stateful", session.run_prefix);
    let fixture_protocol = session.fixture_protocol().await;
    // The operations the target implements (each probed once per run): a step of another is
    // left out.
    let mut lacking = std::collections::BTreeSet::new();
    for op in steps.iter().filter_map(Step::operation) {
        if crate::session::unusable(session, op).await.is_some() {
            lacking.insert(op);
        }
    }
    let mut known: Vec<Known> = Vec::new();
    let outcome = async {
        for (n, s) in steps.iter().enumerate() {
            if s.operation().is_some_and(|op| lacking.contains(&op)) {
                continue;
            }
            // Each failure names its step and the sequence, with its kind.
            let at = |kind: FailureKind, why: String| Failure::new(kind, format!("step {} of {:?}: {why}", n + 1, steps));
            let within = |f: Failure| f.map(|why| format!("step {} of {:?}: {why}", n + 1, steps));
            let pick = |i: &Index| (!known.is_empty()).then(|| i.index(known.len()));
            match s {
                Step::Create => {
                    requests.set(requests.get() + 1);
                    let id = session.create_window("stateful").await.map_err(|e| within(e.into()))?;
                    if known.iter().any(|k| k.id == id) {
                        return Err(at(
                            FailureKind::Member,
                            format!("CreateMaintenanceWindow answered {id} a second time"),
                        ));
                    }
                    known.push(Known {
                        id,
                        deleted: false,
                        executions: None,
                        duration: 1,
                        targets: Vec::new(),
                        tasks: Vec::new(),
                    });
                }
                Step::Get(i) => {
                    let Some(i) = pick(i) else { continue };
                    let k = &known[i];
                    let r = call(client, requests, "GetMaintenanceWindow", json!({ "WindowId": k.id })).await?;
                    match (k.deleted, r.status, r.error.as_ref().map(|e| e.error_type.as_str())) {
                        (false, 200, _) if r.json.as_ref().and_then(|j| j["WindowId"].as_str()) == Some(&k.id) => {
                            let duration = r.json.as_ref().and_then(|j| j["Duration"].as_i64());
                            if duration != Some(k.duration) {
                                return Err(at(
                                    FailureKind::Member,
                                    format!(
                                        "GetMaintenanceWindow {} answered Duration {duration:?}; its last update set {}",
                                        k.id, k.duration
                                    ),
                                ));
                            }
                        }
                        (true, 400..=499, Some("DoesNotExistException")) => {}
                        (deleted, ..) => {
                            return Err(at(
                                FailureKind::Status,
                                format!(
                                "GetMaintenanceWindow {} ({}) answered {}",
                                k.id,
                                if deleted {
                                    "deleted: DoesNotExistException expected"
                                } else {
                                    "created: found expected"
                                },
                                r.summary()
                            ),
                            ));
                        }
                    }
                }
                Step::Delete(i) => {
                    let Some(i) = pick(i) else { continue };
                    let id = known[i].id.clone();
                    let r = call(client, requests, "DeleteMaintenanceWindow", json!({ "WindowId": id })).await?;
                    // Deleting twice: success or DoesNotExistException (the model names no error).
                    let twice_ok = known[i].deleted
                        && r.error
                            .as_ref()
                            .is_some_and(|e| e.error_type == "DoesNotExistException");
                    if r.status != 200 && !twice_ok {
                        return Err(at(FailureKind::Status, format!("DeleteMaintenanceWindow {id}: {}", r.summary())));
                    }
                    known[i].deleted = true;
                    session.forget(&id);
                }
                Step::DescribeWindows(max) => {
                    // Only this sequence's windows: others of the run (an earlier sequence's that
                    // a faulty Delete kept) are another step's finding.
                    let mut got = described(client, requests, &name, *max).await.map_err(within)?;
                    got.retain(|id| known.iter().any(|k| &k.id == id));
                    let mut want: Vec<String> = known.iter().filter(|k| !k.deleted).map(|k| k.id.clone()).collect();
                    got.sort();
                    want.sort();
                    if got != want {
                        return Err(at(
                            FailureKind::Selection,
                            format!(
                                "DescribeMaintenanceWindows with Name {name} lists {got:?}, the live windows are {want:?}"
                            ),
                        ));
                    }
                }
                Step::Seed(i, n) => {
                    let Some(i) = pick(i) else { continue };
                    if !fixture_protocol || known[i].deleted {
                        continue;
                    }
                    let data = executions(*n);
                    requests.set(requests.get() + 1);
                    crate::fixtures::put_window(client, &known[i].id, Some(&name), &data)
                        .await
                        .map_err(|e| at(FailureKind::Seeding, e.to_string()))?;
                    known[i].executions = Some(data.into_iter().map(|e| e.window_execution_id).collect());
                }
                Step::DescribeExecutions(i) => {
                    let Some(i) = pick(i) else { continue };
                    let k = &known[i];
                    let answer = listed(
                        client,
                        requests,
                        DESCRIBE_EXECUTIONS,
                        json!({ "WindowId": k.id, "MaxResults": 100 }),
                    )
                    .await
                    .map_err(within)?;
                    let listed = match answer {
                        Ok(ids) => ids,
                        // A deleted window: an error, or an empty list (the model names no error).
                        Err(_) if k.deleted => Vec::new(),
                        Err(r) => {
                            return Err(at(
                                FailureKind::Status,
                                format!("{DESCRIBE_EXECUTIONS} on {}: {}", k.id, r.summary()),
                            ));
                        }
                    };
                    if k.deleted && !listed.is_empty() {
                        return Err(at(
                            FailureKind::Selection,
                            format!("deleted window {} still lists executions {listed:?}", k.id),
                        ));
                    }
                    if !k.deleted {
                        let mut want = k.executions.clone().unwrap_or_default();
                        let mut got = listed;
                        want.sort();
                        got.sort();
                        if got != want {
                            return Err(at(FailureKind::Selection, format!("window {} lists {got:?}, seeded {want:?}", k.id)));
                        }
                    }
                }
                window_api_step => {
                    let Some(i) = window_api_step.window().and_then(pick) else {
                        continue;
                    };
                    registrations(client, requests, window_api_step, &mut known[i])
                        .await
                        .map_err(within)?;
                }
            }
        }
        // At the end, every live window's targets and tasks are read once more: a step that
        // broke them is found even when no later step looked.
        for k in known.iter().filter(|k| !k.deleted) {
            for op in [Operation::DescribeMaintenanceWindowTargets, Operation::DescribeMaintenanceWindowTasks] {
                if !lacking.contains(&op) && (!k.targets.is_empty() || !k.tasks.is_empty()) {
                    listing(client, requests, op.name(), k)
                        .await
                        .map_err(|f| f.map(|why| format!("after the last step of {steps:?}: {why}")))?;
                }
            }
        }
        Ok(())
    }
    .await;
    for k in known.iter().filter(|k| !k.deleted) {
        if call(client, requests, "DeleteMaintenanceWindow", json!({ "WindowId": k.id }))
            .await
            .is_ok_and(|r| r.status == 200)
        {
            session.forget(&k.id);
        }
    }
    outcome
}

impl Step {
    /// The window a step of the window API picks.
    fn window(&self) -> Option<&Index> {
        match self {
            Step::UpdateWindow(w, _)
            | Step::RegisterTarget(w)
            | Step::RegisterTask(w, ..)
            | Step::DeregisterTarget(w, ..)
            | Step::DeregisterTask(w, _)
            | Step::UpdateTarget(w, _)
            | Step::DescribeTargets(w)
            | Step::DescribeTasks(w)
            | Step::GetTask(w, _) => Some(w),
            _ => None,
        }
    }
}

/// Whether an answer is `DoesNotExistException` (a client error).
fn not_found(r: &crate::client::Response) -> bool {
    (400..500).contains(&r.status)
        && r.error
            .as_ref()
            .is_some_and(|e| e.error_type == "DoesNotExistException")
}

/// A random instance id no other sequence names.
fn instance() -> String {
    format!("i-{:016x}{:x}", crate::ids::random_u64(), crate::ids::random_u64() % 16)
}

/// `op` (DescribeMaintenanceWindowTargets or DescribeMaintenanceWindowTasks) of live window `k`,
/// pages followed: exactly its targets (tasks) registered and not deregistered, each with its
/// name (priority).
async fn listing(client: &Client, requests: &Cell<usize>, op: &str, k: &Known) -> Result<(), Failure> {
    let (items, detail) = match op {
        "DescribeMaintenanceWindowTargets" => (&k.targets, "Name"),
        _ => (&k.tasks, "Priority"),
    };
    let w = &k.id;
    let id_member = crate::paging::id_member(op);
    let listed = listed_items(client, requests, op, json!({ "WindowId": w, "MaxResults": 10 }))
        .await?
        .map_err(|r| Failure::new(FailureKind::Status, format!("{op} {w}: {}", r.summary())))?;
    let shown = |v: &Value| match &v[detail] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut got: Vec<(String, String)> = listed
        .iter()
        .map(|i| (i[id_member].as_str().unwrap_or("?").to_string(), shown(i)))
        .collect();
    let mut want: Vec<(String, String)> = items
        .iter()
        .filter(|i| !i.gone)
        .map(|i| (i.id.clone(), i.detail.clone()))
        .collect();
    got.sort();
    want.sort();
    if got != want {
        return Err(Failure::new(
            FailureKind::Selection,
            format!("{op} {w} lists (id, {detail}) {got:?}; registered and not deregistered: {want:?}"),
        ));
    }
    // A target's free text, registered with the characters the JSON wire treats apart, reads
    // back exactly: the same characters, or left out (both members are sensitive).
    if op == "DescribeMaintenanceWindowTargets" {
        let text = wire_text();
        for item in &listed {
            for member in ["Description", "OwnerInformation"] {
                match &item[member] {
                    Value::Null => {}
                    Value::String(s) if *s == text => {}
                    other => {
                        return Err(Failure::new(
                            FailureKind::Member,
                            format!(
                                "{op} {w}: target {} has {member} {other}; it was registered as {:?}",
                                item[id_member], text
                            ),
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// The free text a target is registered with: every character of the wire's hard ones that is
/// not a control character (whether AWS takes those in a description is not known), within the
/// 128 characters of a description.
fn wire_text() -> String {
    let text: String = super::history::WIRE_CHARACTERS
        .iter()
        .filter(|c| !c.is_control() && **c != '\u{feff}')
        .collect();
    format!("target {text}")
}

/// One step of the window API on window `k`, judged against the model and applied to it.
async fn registrations(client: &Client, requests: &Cell<usize>, step: &Step, k: &mut Known) -> Result<(), Failure> {
    let status = |why: String| Failure::new(FailureKind::Status, why);
    let w = k.id.clone();
    // Anything about a deleted window is DoesNotExistException (the model declares it for each
    // of these operations), but a list of it, which may also be empty.
    if k.deleted {
        let op = step.operation().expect("an operation");
        let params = match step {
            Step::DescribeTargets(_) | Step::DescribeTasks(_) | Step::UpdateWindow(..) => json!({ "WindowId": w }),
            Step::RegisterTarget(_) => {
                json!({ "WindowId": w, "ResourceType": "INSTANCE", "Targets": [{"Key": "InstanceIds", "Values": [instance()]}] })
            }
            Step::RegisterTask(..) => {
                json!({ "WindowId": w, "TaskArn": "AWS-RunShellScript", "TaskType": "RUN_COMMAND",
                        "Targets": [{"Key": "InstanceIds", "Values": [instance()]}], "MaxConcurrency": "1", "MaxErrors": "0" })
            }
            // The items of a deleted window are not picked: there are none to name.
            _ => return Ok(()),
        };
        // Nothing is changed on a deleted window: sent again after a dropped connection.
        let r = call_repeatable(client, requests, op.name(), params).await?;
        let empty_list = matches!(step, Step::DescribeTargets(_) | Step::DescribeTasks(_))
            && r.status == 200
            && op.list().is_some_and(|(list, _)| {
                r.json
                    .as_ref()
                    .and_then(|j| j[list].as_array())
                    .is_some_and(Vec::is_empty)
            });
        if !(not_found(&r) || empty_list) {
            return Err(status(format!(
                "{op} on deleted window {w}: DoesNotExistException expected, got {}",
                r.summary()
            )));
        }
        return Ok(());
    }
    match step {
        Step::UpdateWindow(_, duration) => {
            let r = call(
                client,
                requests,
                "UpdateMaintenanceWindow",
                json!({ "WindowId": w, "Duration": duration }),
            )
            .await?;
            let answered = r.json.as_ref().and_then(|j| j["Duration"].as_i64());
            if r.status != 200 || answered != Some(*duration) {
                return Err(status(format!(
                    "UpdateMaintenanceWindow {w} Duration {duration}: {}",
                    r.summary()
                )));
            }
            k.duration = *duration;
        }
        Step::RegisterTarget(_) => {
            let name = format!("target-{}", k.targets.len() + 1);
            let r = call(
                client,
                requests,
                "RegisterTargetWithMaintenanceWindow",
                json!({ "WindowId": w, "ResourceType": "INSTANCE", "Name": name,
                        "Targets": [{"Key": "InstanceIds", "Values": [instance()]}],
                        "Description": wire_text(), "OwnerInformation": wire_text(),
                        "ClientToken": crate::ids::uuid_v4() }),
            )
            .await?;
            let id = r
                .json
                .as_ref()
                .and_then(|j| j["WindowTargetId"].as_str())
                .filter(|_| r.status == 200);
            let Some(id) = id else {
                return Err(status(format!(
                    "RegisterTargetWithMaintenanceWindow {w}: {}",
                    r.summary()
                )));
            };
            if k.targets.iter().any(|t| t.id == id) {
                return Err(Failure::new(
                    FailureKind::Member,
                    format!("RegisterTargetWithMaintenanceWindow answered {id} a second time"),
                ));
            }
            k.targets.push(Registered {
                id: id.to_string(),
                detail: name,
                target: None,
                gone: false,
            });
        }
        Step::RegisterTask(_, target, priority) => {
            let live: Vec<&Registered> = k.targets.iter().filter(|t| !t.gone).collect();
            let names = target
                .as_ref()
                .filter(|_| !live.is_empty())
                .map(|t| live[t.index(live.len())].id.clone());
            let targets = match &names {
                Some(t) => json!([{"Key": "WindowTargetIds", "Values": [t]}]),
                None => json!([{"Key": "InstanceIds", "Values": [instance()]}]),
            };
            let r = call(
                client,
                requests,
                "RegisterTaskWithMaintenanceWindow",
                json!({ "WindowId": w, "TaskArn": "AWS-RunShellScript", "TaskType": "RUN_COMMAND", "Targets": targets,
                        "MaxConcurrency": "1", "MaxErrors": "0", "Priority": priority,
                        "ClientToken": crate::ids::uuid_v4() }),
            )
            .await?;
            let Some(id) = r
                .json
                .as_ref()
                .and_then(|j| j["WindowTaskId"].as_str())
                .filter(|_| r.status == 200)
            else {
                return Err(status(format!(
                    "RegisterTaskWithMaintenanceWindow {w}: {}",
                    r.summary()
                )));
            };
            k.tasks.push(Registered {
                id: id.to_string(),
                detail: priority.to_string(),
                target: names,
                gone: false,
            });
        }
        Step::DeregisterTarget(_, t, safe) => {
            if k.targets.is_empty() {
                return Ok(());
            }
            let i = t.index(k.targets.len());
            let (id, gone) = (k.targets[i].id.clone(), k.targets[i].gone);
            let in_use = k
                .tasks
                .iter()
                .any(|task| !task.gone && task.target.as_deref() == Some(id.as_str()));
            let r = call_repeatable(
                client,
                requests,
                "DeregisterTargetFromMaintenanceWindow",
                json!({ "WindowId": w, "WindowTargetId": id, "Safe": safe }),
            )
            .await?;
            let refused_in_use = (400..500).contains(&r.status)
                && r.error.as_ref().is_some_and(|e| e.error_type == "TargetInUseException");
            // A try dropped after the target removed it: the repeat finds nothing to remove.
            let removed_by_a_dropped_try = r.dropped_tries > 0 && not_found(&r);
            match (gone, *safe && in_use) {
                (true, _) if not_found(&r) => {}
                (false, true) if refused_in_use => {}
                (false, false) if r.status == 200 || removed_by_a_dropped_try => k.targets[i].gone = true,
                (gone, refuse) => {
                    let want = if gone {
                        "deregistered before: DoesNotExistException expected"
                    } else if refuse {
                        "Safe, and a task names it: TargetInUseException expected"
                    } else {
                        "a success expected"
                    };
                    return Err(status(format!(
                        "DeregisterTargetFromMaintenanceWindow {id} of {w} ({want}): {}",
                        r.summary()
                    )));
                }
            }
        }
        Step::DeregisterTask(_, t) => {
            if k.tasks.is_empty() {
                return Ok(());
            }
            let i = t.index(k.tasks.len());
            let (id, gone) = (k.tasks[i].id.clone(), k.tasks[i].gone);
            let r = call_repeatable(
                client,
                requests,
                "DeregisterTaskFromMaintenanceWindow",
                json!({ "WindowId": w, "WindowTaskId": id }),
            )
            .await?;
            let removed_by_a_dropped_try = r.dropped_tries > 0 && not_found(&r);
            match gone {
                true if not_found(&r) => {}
                false if r.status == 200 || removed_by_a_dropped_try => k.tasks[i].gone = true,
                _ => {
                    return Err(status(format!(
                        "DeregisterTaskFromMaintenanceWindow {id} of {w} ({}): {}",
                        if gone {
                            "deregistered before: DoesNotExistException expected"
                        } else {
                            "a success expected"
                        },
                        r.summary()
                    )));
                }
            }
        }
        Step::UpdateTarget(_, t) => {
            if k.targets.is_empty() {
                return Ok(());
            }
            let i = t.index(k.targets.len());
            let (id, gone) = (k.targets[i].id.clone(), k.targets[i].gone);
            let name = format!("{}-renamed", k.targets[i].detail);
            let r = call(
                client,
                requests,
                "UpdateMaintenanceWindowTarget",
                json!({ "WindowId": w, "WindowTargetId": id, "Name": name }),
            )
            .await?;
            let renamed = r.status == 200 && r.json.as_ref().and_then(|j| j["Name"].as_str()) == Some(name.as_str());
            match gone {
                true if not_found(&r) => {}
                false if renamed => k.targets[i].detail = name,
                _ => {
                    return Err(status(format!(
                        "UpdateMaintenanceWindowTarget {id} of {w} Name {name} ({}): {}",
                        if gone {
                            "deregistered: DoesNotExistException expected"
                        } else {
                            "the new name expected"
                        },
                        r.summary()
                    )));
                }
            }
        }
        Step::DescribeTargets(_) => listing(client, requests, "DescribeMaintenanceWindowTargets", k).await?,
        Step::DescribeTasks(_) => listing(client, requests, "DescribeMaintenanceWindowTasks", k).await?,
        Step::GetTask(_, t) => {
            if k.tasks.is_empty() {
                return Ok(());
            }
            let task = &k.tasks[t.index(k.tasks.len())];
            let r = call(
                client,
                requests,
                "GetMaintenanceWindowTask",
                json!({ "WindowId": w, "WindowTaskId": task.id }),
            )
            .await?;
            let body = r.json.as_ref().filter(|_| r.status == 200);
            let same = body.is_some_and(|b| {
                b["WindowTaskId"] == task.id.as_str()
                    && b["TaskArn"] == "AWS-RunShellScript"
                    && b["Priority"].as_i64().map(|p| p.to_string()).as_deref() == Some(task.detail.as_str())
            });
            match task.gone {
                true if not_found(&r) => {}
                false if same => {}
                gone => {
                    return Err(status(format!(
                        "GetMaintenanceWindowTask {} of {w} ({}): {}",
                        task.id,
                        if gone {
                            "deregistered: DoesNotExistException expected"
                        } else {
                            "the task as registered expected"
                        },
                        r.summary()
                    )));
                }
            }
        }
        _ => unreachable!("only the window API's steps come here"),
    }
    Ok(())
}

/// `Ok`, or `Err` with the part's outcome (skipped, or failed with the shrunk sequence).
pub(crate) fn run(session: &Session, settings: &Settings, requests: &Cell<usize>) -> Result<(), Outcome> {
    if !session.may_mutate() {
        return Err(Outcome::skipped(
            SkipReason::ReadOnly,
            "creates and deletes windows: needs a loopback endpoint or --allow-mutations",
        ));
    }
    let mut config = settings.proptest_config();
    config.cases = super::Part::Stateful.cases(settings.cases);
    // Sequences are independent (each lists only the windows it made), so they run --jobs at a
    // time like the other parts.
    match super::search::first_failure(
        session,
        // Each sequence starts with a window, so that its other steps have one to name.
        &(Just(Step::Create), proptest::collection::vec(step(), 1..=20)).prop_map(|(first, mut rest)| {
            rest.insert(0, first);
            rest
        }),
        &config,
        settings.draws("stateful"),
        settings,
        |steps: Vec<Step>| async move { sequence(session, &steps, requests).await },
    ) {
        Err(why) => Err(Outcome::failed(FailureKind::Property, why.to_string())),
        Ok(Err(shrunk)) => Err(Outcome::failed(
            FailureKind::Property,
            format!("{} ({})", shrunk.failure, shrunk.note()),
        )),
        Ok(Ok(_)) => Ok(()),
    }
}
