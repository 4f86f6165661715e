//! The family part: random histories with tasks and invocations (fixture protocol v2), read back
//! through every operation around an execution and held to the cross-operation invariants:
//!
//! - DescribeMaintenanceWindowExecutions lists the history's executions, member by member (the
//!   oracle's judgement, under the run's choices), and each is gettable with the same members;
//! - an execution's TaskIds are exactly the tasks DescribeMaintenanceWindowExecutionTasks lists,
//!   each as seeded, and each gettable with GetMaintenanceWindowExecutionTask;
//! - a task's invocations are exactly its own, each gettable;
//! - a documented STATUS filter narrows the tasks to those of that status;
//! - cancelling an execution moves it, and no other, towards CANCELLING or CANCELLED.

use std::cell::Cell;
use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::{Value, json};

use super::Settings;
use crate::choices::SENSITIVE_MEMBERS;
use crate::client::{Client, Payload};
use crate::failure::Failure;
use crate::model::Operation;
use crate::model::{self, DESCRIBE_EXECUTIONS};
use crate::oracle::Execution;
use crate::oracle::family::{self, Seen};
use crate::oracle::{Invocation, Task};
use crate::outcome::{FailureKind, Outcome, SkipReason};
use crate::paging;
use crate::session::Session;

fn status() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(&model::STATUSES[..])
}

/// An execution's status, pending or running often enough that a history has two to cancel
/// one of (a cancel must move that one and no other).
fn execution_status() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        2 => proptest::sample::select(&["PENDING", "IN_PROGRESS"][..]),
        3 => status(),
    ]
}

/// StatusDetails as a target must give them back exactly: none, a few words, 250 characters
/// beyond ASCII (astral, accented, edged with whitespace), where a column, a byte count or a
/// trim would cut them, or the characters the JSON wire treats apart.
fn details() -> impl Strategy<Value = Option<String>> {
    let max = model::STATUS_DETAILS_MAX;
    prop_oneof![
        3 => Just(None),
        1 => Just(Some("failed".to_string())),
        1 => Just(Some("😀".repeat(max))),
        1 => Just(Some(format!(" {} ", "é".repeat(max - 2)))),
        1 => Just(Some(format!("\t{}ß", "à😀 ".repeat((max - 2) / 3)))),
        1 => super::history::wire_text().prop_map(Some),
    ]
}

/// OwnerInformation (1 to 128 characters): a few plain ones, or the characters the JSON wire
/// treats apart (a sensitive member, returned or left out, but never other text).
fn owner_information() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z0-9-]{1,20}",
        1 => super::history::wire_text(),
    ]
}

/// A task's invocations as drawn: status, OwnerInformation, start offset (quarter seconds),
/// StatusDetails.
type DrawnInvocation = (&'static str, Option<String>, u32, Option<String>);

fn invocations() -> impl Strategy<Value = Vec<DrawnInvocation>> {
    proptest::collection::vec(
        (
            status(),
            proptest::option::of(owner_information()),
            0u32..600,
            details(),
        ),
        0..4,
    )
}

/// The tasks of execution `e`; with `shared` ids, task (and invocation) ids are the same in every
/// execution of the history (the protocol allows it: AWS ids are per execution), so a target
/// that keeps tasks by task id alone answers another execution's.
fn tasks(tag: u32, e: usize, shared: bool) -> impl Strategy<Value = Vec<Task>> {
    proptest::collection::vec(
        (
            status(),
            proptest::sample::select(&model::TASK_TYPES[..]),
            proptest::option::of(0i64..10),
            invocations(),
            details(),
        ),
        0..4,
    )
    .prop_map(move |list| {
        let owner = if shared { 0 } else { e };
        list.into_iter()
            .enumerate()
            .map(|(k, (status, task_type, priority, invocations, status_details))| {
                // Ids unique across the history unless shared: the execution is in the id.
                let invocations = invocations
                    .into_iter()
                    .enumerate()
                    .map(|(i, (status, owner_information, offset, status_details))| Invocation {
                        invocation_id: format!("{tag:08x}-{owner:04x}-4{k:03x}-8000-{i:012x}"),
                        execution_id: Some(format!("cmd-{tag:08x}-{e}-{k}-{i}")),
                        parameters: None,
                        status: status.to_string(),
                        status_details,
                        start_time: 1_730_000_000.0 + f64::from(offset) / 4.0,
                        end_time: None,
                        owner_information,
                        window_target_id: None,
                    })
                    .collect();
                Task {
                    task_execution_id: format!("{tag:08x}-{owner:04x}-4000-9{k:03x}-000000000000"),
                    // Members differ from execution to execution, so a task answered from
                    // another execution shows.
                    task_arn: format!("AWS-Task-{e}-{k}"),
                    task_type: task_type.to_string(),
                    status: status.to_string(),
                    status_details,
                    start_time: 1_730_000_000.0 + k as f64,
                    end_time: None,
                    service_role: None,
                    priority,
                    max_concurrency: None,
                    max_errors: None,
                    task_parameters: None,
                    alarm_configuration: None,
                    triggered_alarms: None,
                    invocations,
                }
            })
            .collect()
    })
}

/// A history: up to four executions, each with up to three tasks of up to three invocations;
/// a random STATUS to filter the tasks by.
fn case() -> impl Strategy<Value = (Vec<Execution>, &'static str)> {
    let tag = any::<u32>();
    (tag, 1usize..5, status(), any::<bool>()).prop_flat_map(|(tag, n, filter, shared)| {
        let executions: Vec<_> = (0..n)
            .map(|e| {
                (execution_status(), tasks(tag, e, shared), details()).prop_map(
                    move |(status, tasks, status_details)| Execution {
                        window_execution_id: format!("{tag:08x}-{e:04x}-4000-a000-000000000000"),
                        status: status.to_string(),
                        status_details,
                        start_time: 1_730_000_000.0 + e as f64 * 60.0,
                        end_time: None,
                        tasks,
                    },
                )
            })
            .collect();
        (executions, Just(filter))
    })
}

/// Run the part: `Ok`, or `Err` with the part's outcome (skipped, or failed with the shrunk
/// history).
pub(crate) fn run(
    session: &Session,
    settings: &Settings,
    choices: &BTreeMap<String, String>,
    requests: &Cell<usize>,
) -> Result<(), Outcome> {
    if !session.block_on(session.fixture_protocol_v2()) {
        return Err(Outcome::skipped(
            SkipReason::NoFixtureProtocol,
            "the target does not offer the fixture protocol v2, so no task can be seeded",
        ));
    }
    if !session.may_mutate() {
        return Err(Outcome::skipped(
            SkipReason::ReadOnly,
            "seeding and cancelling need --allow-mutations on this target",
        ));
    }
    let mut config = settings.proptest_config();
    config.cases = super::Part::Family.cases(settings.cases);
    let sensitive = choices.get(SENSITIVE_MEMBERS).cloned();
    let sensitive = &sensitive;
    // Only what the executions' judge holds to (a pin, or what the spec phase saw).
    let choices = &choices.clone();
    let outcome = super::search::first_failure_cut(
        session,
        &case(),
        &config,
        settings.draws("family"),
        settings,
        |(data, filter): (Vec<Execution>, &'static str)| async move {
            check(session, &data, filter, sensitive, choices, requests)
                .await
                .map_err(|f| {
                    f.map(|why| format!("{why}\n  history: {}", serde_json::to_string(&data).unwrap_or_default()))
                })
        },
    );
    match outcome {
        Err(why) => Err(Outcome::failed(FailureKind::Property, why.to_string())),
        Ok(Err(shrunk)) => Err(Outcome::failed(
            FailureKind::Property,
            format!("{} ({})", shrunk.failure, shrunk.note()),
        )),
        Ok(Ok(_)) => Ok(()),
    }
}

/// A history with tasks, cut by its executions; simpler by a task, an invocation or
/// StatusDetails left out.
impl super::search::Reducible for (Vec<Execution>, &'static str) {
    fn items(&self) -> usize {
        self.0.len()
    }

    fn without(&self, range: std::ops::Range<usize>) -> Self {
        let mut data = self.0.clone();
        data.drain(range);
        (data, self.1)
    }

    fn simpler(&self) -> Vec<Self> {
        let mut out = Vec::new();
        for (e, x) in self.0.iter().enumerate() {
            let with = |f: &dyn Fn(&mut Execution)| {
                let mut data = self.0.clone();
                f(&mut data[e]);
                (data, self.1)
            };
            if x.status_details.is_some() {
                out.push(with(&|x| x.status_details = None));
            }
            for (t, task) in x.tasks.iter().enumerate() {
                out.push(with(&|x| {
                    x.tasks.remove(t);
                }));
                for i in 0..task.invocations.len() {
                    out.push(with(&|x| {
                        x.tasks[t].invocations.remove(i);
                    }));
                }
                if task.status_details.is_some() {
                    out.push(with(&|x| x.tasks[t].status_details = None));
                }
            }
        }
        out
    }
}

async fn call(client: &Client, requests: &Cell<usize>, op: &str, params: Value) -> Result<Value, Failure> {
    requests.set(requests.get() + 1);
    let r = client
        .call(op, &Payload::Json(params.clone()))
        .await
        .map_err(|e| Failure::new(FailureKind::NoAnswer, format!("{op} {params}: {e}")))?;
    match (&r.json, r.status) {
        (Some(body), 200..=299) => Ok(body.clone()),
        _ => Err(Failure::new(
            FailureKind::Status,
            format!("{op} {params}: {}", r.summary()),
        )),
    }
}

/// Every item of a paged list, pages followed (MaxResults 10: paging is exercised).
async fn list(
    client: &Client,
    requests: &Cell<usize>,
    op: &str,
    mut params: Value,
    n: usize,
) -> Result<Vec<Value>, Failure> {
    params["MaxResults"] = json!(10);
    let first = client
        .call(op, &Payload::Json(params.clone()))
        .await
        .map_err(|e| Failure::new(FailureKind::NoAnswer, format!("{op} {params}: {e}")))?;
    let mut sent = 1;
    let walk = paging::walk(
        client,
        op,
        &params,
        &first,
        paging::Limits::for_window(n, Some(10)),
        &mut sent,
    )
    .await;
    requests.set(requests.get() + sent);
    if let Some(p) = &walk.problem {
        return Err(Failure::new(FailureKind::Paging, format!("{op} {params}: {p}")));
    }
    crate::oracle::check_replay(&walk, paging::id_member(op)).map_err(|f| f.map(|e| format!("{op} {params}: {e}")))?;
    walk.pages
        .iter()
        .flat_map(|p| &p.executions)
        .map(|item| {
            serde_json::from_str(item.get())
                .map_err(|e| Failure::new(FailureKind::Member, format!("{op} {params}: an item is not JSON: {e}")))
        })
        .collect()
}

/// The window's executions, listed by DescribeMaintenanceWindowExecutions (MaxResults 10, pages
/// followed, a token replayed), judged by the oracle member by member against the history, under
/// the choices the run took.
async fn judge_executions(
    client: &Client,
    requests: &Cell<usize>,
    window: &str,
    data: &[Execution],
    choices: &BTreeMap<String, String>,
) -> Result<(), Failure> {
    let params = json!({ "WindowId": window, "MaxResults": 10 });
    let first = client
        .call(DESCRIBE_EXECUTIONS, &Payload::Json(params.clone()))
        .await
        .map_err(|e| Failure::new(FailureKind::NoAnswer, format!("{DESCRIBE_EXECUTIONS} {params}: {e}")))?;
    let mut sent = 1;
    let limits = paging::Limits::for_window(data.len(), Some(10));
    let walk = paging::walk(client, DESCRIBE_EXECUTIONS, &params, &first, limits, &mut sent).await;
    requests.set(requests.get() + sent);
    let query = crate::oracle::Query {
        max_results: Some(10),
        ..crate::oracle::Query::default()
    };
    crate::oracle::judge(data, &crate::oracle::Seeded::new(data), window, &query, &walk, choices)
        .map(|_| ())
        .map_err(|f| f.map(|why| format!("{DESCRIBE_EXECUTIONS} {params}: {why}")))
}

/// One sensitive observation, held to the target's one choice.
fn agree(seen: Seen, sensitive: &Option<String>) -> Result<(), Failure> {
    match (seen.sensitive, sensitive) {
        (Some(s), Some(chosen)) if s != chosen => Err(Failure::new(
            FailureKind::Choice,
            format!("sensitive members are {s} here, {chosen} in the spec phase: a target takes one way"),
        )),
        _ => Ok(()),
    }
}

/// One history: seed, read back through every operation, cancel one, check, delete.
async fn check(
    session: &Session,
    data: &[Execution],
    filter: &str,
    sensitive: &Option<String>,
    choices: &BTreeMap<String, String>,
    requests: &Cell<usize>,
) -> Result<(), Failure> {
    let window = session.seed_fresh(data).await?;
    requests.set(requests.get() + 1);
    let outcome = read_back(session, &window, data, filter, sensitive, choices, requests).await;
    let deleted = session.delete_seeded(&window).await;
    requests.set(requests.get() + 1);
    // The window's id is the target's, new each time: written as the model-based part writes
    // it, so that the same seed gives the same words on every run and every shard.
    outcome.map_err(|f| f.map(|why| why.replace(&window, "${window}")))?;
    Ok(deleted?)
}

async fn read_back(
    session: &Session,
    window: &str,
    data: &[Execution],
    filter: &str,
    sensitive: &Option<String>,
    choices: &BTreeMap<String, String>,
    requests: &Cell<usize>,
) -> Result<(), Failure> {
    let client = session.client().await?;
    judge_executions(client, requests, window, data, choices).await?;
    for e in data {
        let id = e.window_execution_id.as_str();
        let got = call(
            client,
            requests,
            Operation::GetMaintenanceWindowExecution.name(),
            json!({ "WindowExecutionId": id }),
        )
        .await?;
        agree(family::judge_get_execution(&got, e)?, sensitive)?;
        let tasks = list(
            client,
            requests,
            Operation::DescribeMaintenanceWindowExecutionTasks.name(),
            json!({ "WindowExecutionId": id }),
            e.tasks.len(),
        )
        .await?;
        let judged = family::judge_task_list(&tasks, e, &None)?;
        agree(judged, sensitive)?;
        // TaskIds are exactly the tasks listed (both checked against the seed above; here
        // against each other, as a client walks from one to the other).
        let mut task_ids: Vec<&str> = got["TaskIds"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut listed_ids: Vec<&str> = tasks.iter().filter_map(|t| t["TaskExecutionId"].as_str()).collect();
        task_ids.sort_unstable();
        listed_ids.sort_unstable();
        if task_ids != listed_ids {
            return Err(Failure::new(
                FailureKind::Member,
                format!("execution {id}: TaskIds {task_ids:?}, but its tasks list {listed_ids:?}"),
            ));
        }
        if model::DOCUMENTED_TASK_FILTER_STATUSES.contains(&filter) {
            let filters = Some(vec![vec![filter.to_string()]]);
            let narrowed = list(
                client,
                requests,
                Operation::DescribeMaintenanceWindowExecutionTasks.name(),
                json!({ "WindowExecutionId": id, "Filters": [{ "Key": "STATUS", "Values": [filter] }] }),
                e.tasks.len(),
            )
            .await?;
            family::judge_task_list(&narrowed, e, &filters)?;
        }
        for t in &e.tasks {
            let tid = t.task_execution_id.as_str();
            let got = call(
                client,
                requests,
                Operation::GetMaintenanceWindowExecutionTask.name(),
                json!({ "WindowExecutionId": id, "TaskId": tid }),
            )
            .await?;
            agree(family::judge_get_task(&got, id, t)?, sensitive)?;
            let invocations = list(
                client,
                requests,
                Operation::DescribeMaintenanceWindowExecutionTaskInvocations.name(),
                json!({ "WindowExecutionId": id, "TaskId": tid }),
                t.invocations.len(),
            )
            .await?;
            let judged = family::judge_invocation_list(&invocations, id, t, &None)?;
            agree(judged, sensitive)?;
            for i in &t.invocations {
                let got = call(
                    client,
                    requests,
                    Operation::GetMaintenanceWindowExecutionTaskInvocation.name(),
                    json!({ "WindowExecutionId": id, "TaskId": tid, "InvocationId": i.invocation_id }),
                )
                .await?;
                agree(family::judge_invocation(&got, id, t, i)?, sensitive)?;
            }
        }
    }
    cancel_one(client, requests, window, data).await
}

/// Cancel the first pending or running execution: it, and no other, moves towards CANCELLING or
/// CANCELLED (or stays, where the target has already ended it: never anywhere else).
async fn cancel_one(client: &Client, requests: &Cell<usize>, window: &str, data: &[Execution]) -> Result<(), Failure> {
    let Some(target) = data
        .iter()
        .find(|e| matches!(e.status.as_str(), "PENDING" | "IN_PROGRESS"))
    else {
        return Ok(());
    };
    let id = target.window_execution_id.as_str();
    let op = Operation::CancelMaintenanceWindowExecution.name();
    // Sent again after a dropped connection: cancelling twice leaves what cancelling once does,
    // and the repeat's answer (a second cancel: a no-op or a client error, open) is not judged;
    // what the executions read afterwards is.
    requests.set(requests.get() + 1);
    let r = client
        .call_repeatable(op, &Payload::Json(json!({ "WindowExecutionId": id })))
        .await
        .map_err(|e| Failure::new(FailureKind::NoAnswer, format!("{op} {id}: {e}")))?;
    let answer = match (&r.json, r.status) {
        (Some(body), 200..=299) => body.clone(),
        _ if r.dropped_tries > 0 && (400..500).contains(&r.status) => Value::Null,
        _ => return Err(Failure::new(FailureKind::Status, format!("{op} {id}: {}", r.summary()))),
    };
    if answer
        .get("WindowExecutionId")
        .and_then(Value::as_str)
        .is_some_and(|a| a != id)
    {
        return Err(Failure::new(
            FailureKind::Member,
            format!("CancelMaintenanceWindowExecution {id} answered {answer}"),
        ));
    }
    let after = list(
        client,
        requests,
        DESCRIBE_EXECUTIONS,
        json!({ "WindowId": window }),
        data.len(),
    )
    .await?;
    for e in data {
        let status = after
            .iter()
            .find(|v| v["WindowExecutionId"].as_str() == Some(&e.window_execution_id))
            .and_then(|v| v["Status"].as_str())
            .ok_or_else(|| {
                Failure::new(
                    FailureKind::Selection,
                    format!(
                        "after cancelling {id}, execution {} is no longer listed",
                        e.window_execution_id
                    ),
                )
            })?;
        let fine = if e.window_execution_id == id {
            matches!(status, "CANCELLING" | "CANCELLED")
        } else {
            status == e.status
        };
        if !fine {
            return Err(Failure::new(
                FailureKind::Member,
                format!(
                    "after cancelling {id} (seeded {}), execution {} is {status} (seeded {})",
                    target.status, e.window_execution_id, e.status
                ),
            ));
        }
    }
    Ok(())
}
