//! The stateful part: random sequences of `CreateMaintenanceWindow`, `GetMaintenanceWindow`,
//! `DeleteMaintenanceWindow`, `DescribeMaintenanceWindows`, seeding and
//! `DescribeMaintenanceWindowExecutions`, checked against a model of the windows this run made:
//! a created window is found (by Get, and by Describe under its name), a deleted one never comes
//! back with data, and nothing is sent about a window the run did not make. Failing sequences
//! shrink to the fewest steps.

use std::cell::Cell;

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Value, json};

use super::Settings;
use crate::client::{Client, Payload};
use crate::failure::Failure;
use crate::model::DESCRIBE_EXECUTIONS;
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
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => Just(Step::Create),
        3 => any::<Index>().prop_map(Step::Get),
        2 => any::<Index>().prop_map(Step::Delete),
        1 => proptest::option::of(10usize..=100).prop_map(Step::DescribeWindows),
        2 => (any::<Index>(), 0usize..12).prop_map(|(i, n)| Step::Seed(i, n)),
        2 => any::<Index>().prop_map(Step::DescribeExecutions),
    ]
}

/// A window as the model knows it.
#[derive(Debug, Clone)]
struct Known {
    id: String,
    deleted: bool,
    /// Seeded executions, when seeded.
    executions: Option<Vec<String>>,
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
    requests.set(requests.get() + 1);
    client
        .call(op, &Payload::Json(params.clone()))
        .await
        .map_err(|e| Failure::new(FailureKind::NoAnswer, format!("{op} {params}: {e}")))
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
    let (list, id) = (crate::paging::list_member(op), crate::paging::id_member(op));
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
        for item in body[list].as_array().into_iter().flatten() {
            ids.push(item[id].as_str().unwrap_or("?").to_string());
        }
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
    let mut known: Vec<Known> = Vec::new();
    let outcome = async {
        for (n, s) in steps.iter().enumerate() {
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
                    });
                }
                Step::Get(i) => {
                    let Some(i) = pick(i) else { continue };
                    let k = &known[i];
                    let r = call(client, requests, "GetMaintenanceWindow", json!({ "WindowId": k.id })).await?;
                    match (k.deleted, r.status, r.error.as_ref().map(|e| e.error_type.as_str())) {
                        (false, 200, _) if r.json.as_ref().and_then(|j| j["WindowId"].as_str()) == Some(&k.id) => {}
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
        &proptest::collection::vec(step(), 1..=12),
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
