//! The judgement of what the operations around an execution answer about the tasks and
//! invocations seeded (fixture protocol v2, shapes in `oracle/data.rs`): every member as seeded, nothing
//! outside the model's output shape, lists that hold exactly what the documented STATUS filter
//! selects. Like the rest of the oracle, its own code: it shares nothing with the emulator.

use std::collections::{BTreeMap, HashSet};

use serde_json::Value;

use super::data::{Execution, Invocation, Task, alarm_configuration, is_execution_id, triggered_alarms};
use super::instant::{from_epoch_seconds, same_time, show_seconds};
use crate::failure::{Failure, FailureKind};
use crate::model;

/// The members of each output shape, from the model (`tests/model.rs` checks them against it).
pub mod shapes {
    /// `MaintenanceWindowExecution` (an item of DescribeMaintenanceWindowExecutions).
    pub const EXECUTION: [&str; 6] = [
        "WindowId",
        "WindowExecutionId",
        "Status",
        "StatusDetails",
        "StartTime",
        "EndTime",
    ];
    /// `GetMaintenanceWindowExecutionResult`.
    pub const GET_EXECUTION: [&str; 6] = [
        "WindowExecutionId",
        "TaskIds",
        "Status",
        "StatusDetails",
        "StartTime",
        "EndTime",
    ];
    /// `MaintenanceWindowExecutionTaskIdentity`.
    pub const TASK_IDENTITY: [&str; 10] = [
        "WindowExecutionId",
        "TaskExecutionId",
        "Status",
        "StatusDetails",
        "StartTime",
        "EndTime",
        "TaskArn",
        "TaskType",
        "AlarmConfiguration",
        "TriggeredAlarms",
    ];
    /// `GetMaintenanceWindowExecutionTaskResult`.
    pub const GET_TASK: [&str; 15] = [
        "WindowExecutionId",
        "TaskExecutionId",
        "TaskArn",
        "ServiceRole",
        "Type",
        "TaskParameters",
        "Priority",
        "MaxConcurrency",
        "MaxErrors",
        "Status",
        "StatusDetails",
        "StartTime",
        "EndTime",
        "AlarmConfiguration",
        "TriggeredAlarms",
    ];
    /// `MaintenanceWindowExecutionTaskInvocationIdentity`, and
    /// `GetMaintenanceWindowExecutionTaskInvocationResult` (the same members).
    pub const INVOCATION: [&str; 12] = [
        "WindowExecutionId",
        "TaskExecutionId",
        "InvocationId",
        "ExecutionId",
        "TaskType",
        "Parameters",
        "Status",
        "StatusDetails",
        "StartTime",
        "EndTime",
        "OwnerInformation",
        "WindowTargetId",
    ];
}

/// What a seeded member should come back as.
enum Want<'a> {
    /// Exactly this string (absent when `None`; for StatusDetails, absent and empty agree).
    Text(Option<&'a str>),
    /// This instant, epoch seconds on the wire (absent when `None`).
    Time(Option<f64>),
    /// This integer (absent when `None`).
    Integer(Option<i64>),
    /// A sensitive member: as seeded, or left out (recorded as `sensitive-members`).
    Sensitive(Option<Value>),
    /// These ids, in any order (TaskIds).
    Ids(Vec<&'a str>),
    /// A structure or list as seeded (absent when `None`), which `shape` holds to the model's
    /// shape first, so that a wrong type is named as one.
    Shaped(Option<&'a Value>, fn(&Value) -> Result<(), super::data::DataError>),
}

/// What the judgement of one item (or a list of them) observed where AWS leaves the answer open.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Seen {
    /// `Some("returned")` or `Some("omitted")` when a seeded sensitive member was asked about.
    pub sensitive: Option<&'static str>,
    /// `Some("omitted")` or `Some("null")` when a member had nothing to say (`absent-members`).
    pub absent: Option<&'static str>,
    /// Members the model's output shape has not, by name (tolerated: AWS adds members).
    pub extra: std::collections::BTreeSet<String>,
    /// The order of a list of two or more items (`item-order`): `as-seeded`, `newest-first`,
    /// `oldest-first` or `other`.
    pub order: Option<&'static str>,
}

impl Seen {
    /// Take in what `other` (another item, or another part of one) saw: each choice one way for
    /// all of them. `what` names them for the message.
    pub fn merge(&mut self, other: Seen, what: &str) -> Result<(), Failure> {
        self.sensitive = one_way("the sensitive members", self.sensitive, other.sensitive, what)?;
        self.absent = one_way("members with nothing to say", self.absent, other.absent, what)?;
        self.extra.extend(other.extra);
        Ok(())
    }
}

/// One option of a choice from two observations of it, or the failure of two: the one rule for
/// members answered one way, within an item, across a list's items and across an answer's.
pub(super) fn one_way(
    members: &str,
    a: Option<&'static str>,
    b: Option<&'static str>,
    what: &str,
) -> Result<Option<&'static str>, Failure> {
    match (a, b) {
        (Some(a), Some(b)) if a != b => Err(Failure::new(
            FailureKind::Choice,
            format!("{what}: {members} are {a} in one place and {b} in another: a target answers them one way"),
        )),
        (a, b) => Ok(a.or(b)),
    }
}

/// A member's failure.
fn wrong_member(why: String) -> Failure {
    Failure::new(FailureKind::Member, why)
}

/// Compare `got` (an object) with `want`, member by member; `allowed` is the output shape's
/// members. A member outside it is recorded, not failed: the vendored model is a snapshot, and
/// AWS adds members over time.
fn compare(what: &str, got: &Value, allowed: &[&str], want: &[(&str, Want<'_>)]) -> Result<Seen, Failure> {
    let obj = got
        .as_object()
        .ok_or_else(|| wrong_member(format!("{what} is not an object: {got}")))?;
    let mut seen = Seen {
        extra: obj.keys().filter(|k| !allowed.contains(&k.as_str())).cloned().collect(),
        ..Seen::default()
    };
    let absent = |so_far, how| one_way("members with nothing to say", so_far, Some(how), what);
    for (member, w) in want {
        let raw = obj.get(*member);
        // Seeded absent: left out, or null (one of the two for the whole answer).
        let seeded_absent = match w {
            Want::Text(e) => e.is_none(),
            Want::Time(e) => e.is_none(),
            Want::Integer(e) => e.is_none(),
            Want::Sensitive(e) => e.is_none(),
            Want::Ids(e) => e.is_empty(),
            Want::Shaped(e, _) => e.is_none(),
        };
        match raw {
            None if seeded_absent => seen.absent = absent(seen.absent, "omitted")?,
            Some(Value::Null) if seeded_absent => seen.absent = absent(seen.absent, "null")?,
            Some(Value::Null) if !matches!(w, Want::Sensitive(_)) => {
                return Err(wrong_member(format!("{what}: {member} is null, but it was seeded")));
            }
            _ => {}
        }
        let v = raw.filter(|v| !v.is_null());
        match w {
            Want::Text(expected) => {
                let got = match v {
                    None => None,
                    Some(Value::String(s)) => Some(s.as_str()),
                    Some(other) => return Err(wrong_member(format!("{what}: {member} is {other}, not a string"))),
                };
                let details = *member == "StatusDetails";
                let blank = |s: Option<&str>| s.filter(|s| !(s.is_empty() && details)).map(str::to_string);
                if blank(got) != blank(*expected) {
                    return Err(wrong_member(format!("{what}: {member} {got:?}, seeded {expected:?}")));
                }
            }
            Want::Time(expected) => {
                let got = match v {
                    None => None,
                    Some(Value::Number(n)) => Some(
                        n.as_f64()
                            .and_then(from_epoch_seconds)
                            .ok_or_else(|| wrong_member(format!("{what}: {member} {n} is no instant")))?,
                    ),
                    Some(other) => {
                        return Err(wrong_member(format!(
                            "{what}: {member} is {other}: the wire form is a JSON number of epoch seconds"
                        )));
                    }
                };
                let expected = expected.and_then(from_epoch_seconds);
                match (got, expected) {
                    (None, None) => {}
                    (Some(a), Some(b)) if same_time(a, b) => {}
                    (a, b) => {
                        return Err(wrong_member(format!(
                            "{what}: {member} {:?}, seeded {:?}",
                            a.map(show_seconds),
                            b.map(show_seconds)
                        )));
                    }
                }
            }
            Want::Integer(expected) => {
                let got = match v {
                    None => None,
                    Some(Value::Number(n)) if n.is_i64() => n.as_i64(),
                    Some(other) => return Err(wrong_member(format!("{what}: {member} is {other}, not an integer"))),
                };
                if got != *expected {
                    return Err(wrong_member(format!("{what}: {member} {got:?}, seeded {expected:?}")));
                }
            }
            Want::Sensitive(expected) => {
                let how = match (v, expected) {
                    (None, None) => None,
                    (None, Some(_)) => Some("omitted"),
                    (Some(a), Some(b)) if a == b => Some("returned"),
                    (a, b) => return Err(wrong_member(format!("{what}: {member} {a:?}, seeded {b:?}"))),
                };
                seen.sensitive = one_way("the sensitive members", seen.sensitive, how, what)?;
            }
            Want::Ids(expected) => {
                let list = match v {
                    None => Vec::new(),
                    Some(Value::Array(a)) => a
                        .iter()
                        .map(|x| {
                            x.as_str()
                                .ok_or_else(|| wrong_member(format!("{what}: {member} holds {x}, not a string")))
                        })
                        .collect::<Result<Vec<_>, _>>()?,
                    Some(other) => return Err(wrong_member(format!("{what}: {member} is {other}, not a list"))),
                };
                let mut a = list.clone();
                let mut b = expected.clone();
                a.sort_unstable();
                b.sort_unstable();
                if a != b {
                    return Err(wrong_member(format!("{what}: {member} {list:?}, seeded {expected:?}")));
                }
            }
            Want::Shaped(expected, shape) => {
                if let Some(v) = v {
                    shape(v).map_err(|why| {
                        wrong_member(format!("{what}: {member} {v} is not of the model's shape: {why}"))
                    })?;
                }
                if v != *expected {
                    return Err(wrong_member(format!(
                        "{what}: {member} {}, seeded {}",
                        v.map_or("absent".into(), Value::to_string),
                        expected.map_or("absent".into(), |e| e.to_string())
                    )));
                }
            }
        }
    }
    Ok(seen)
}

fn text(s: &Option<String>) -> Want<'_> {
    Want::Text(s.as_deref())
}

/// Judge a `GetMaintenanceWindowExecution` answer against the seeded execution: its members,
/// and TaskIds exactly the seeded tasks (in any order).
pub fn judge_get_execution(got: &Value, e: &Execution) -> Result<Seen, Failure> {
    let mut seen = compare_get_execution(got, e)?;
    let ids: Vec<&str> = got
        .get("TaskIds")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let seeded: Vec<(&str, f64)> = e
        .tasks
        .iter()
        .map(|t| (t.task_execution_id.as_str(), t.start_time))
        .collect();
    seen.order = item_order(&ids, &seeded);
    Ok(seen)
}

fn compare_get_execution(got: &Value, e: &Execution) -> Result<Seen, Failure> {
    compare(
        &format!("execution {}", e.window_execution_id),
        got,
        &shapes::GET_EXECUTION,
        &[
            ("WindowExecutionId", Want::Text(Some(&e.window_execution_id))),
            (
                "TaskIds",
                Want::Ids(e.tasks.iter().map(|t| t.task_execution_id.as_str()).collect()),
            ),
            ("Status", Want::Text(Some(&e.status))),
            ("StatusDetails", text(&e.status_details)),
            ("StartTime", Want::Time(Some(e.start_time))),
            ("EndTime", Want::Time(e.end_time)),
        ],
    )
}

/// Judge one `MaintenanceWindowExecutionTaskIdentity` against the seeded task.
pub fn judge_task_identity(got: &Value, execution: &str, t: &Task) -> Result<Seen, Failure> {
    compare(
        &format!("task {}", t.task_execution_id),
        got,
        &shapes::TASK_IDENTITY,
        &[
            ("WindowExecutionId", Want::Text(Some(execution))),
            ("TaskExecutionId", Want::Text(Some(&t.task_execution_id))),
            ("Status", Want::Text(Some(&t.status))),
            ("StatusDetails", text(&t.status_details)),
            ("StartTime", Want::Time(Some(t.start_time))),
            ("EndTime", Want::Time(t.end_time)),
            ("TaskArn", Want::Text(Some(&t.task_arn))),
            ("TaskType", Want::Text(Some(&t.task_type))),
            (
                "AlarmConfiguration",
                Want::Shaped(t.alarm_configuration.as_ref(), alarm_configuration),
            ),
            (
                "TriggeredAlarms",
                Want::Shaped(t.triggered_alarms.as_ref(), triggered_alarms),
            ),
        ],
    )
}

/// Judge a `GetMaintenanceWindowExecutionTask` answer against the seeded task.
pub fn judge_get_task(got: &Value, execution: &str, t: &Task) -> Result<Seen, Failure> {
    compare(
        &format!("task {}", t.task_execution_id),
        got,
        &shapes::GET_TASK,
        &[
            ("WindowExecutionId", Want::Text(Some(execution))),
            ("TaskExecutionId", Want::Text(Some(&t.task_execution_id))),
            ("TaskArn", Want::Text(Some(&t.task_arn))),
            ("ServiceRole", text(&t.service_role)),
            ("Type", Want::Text(Some(&t.task_type))),
            ("TaskParameters", Want::Sensitive(t.task_parameters.clone())),
            ("Priority", Want::Integer(t.priority)),
            ("MaxConcurrency", text(&t.max_concurrency)),
            ("MaxErrors", text(&t.max_errors)),
            ("Status", Want::Text(Some(&t.status))),
            ("StatusDetails", text(&t.status_details)),
            ("StartTime", Want::Time(Some(t.start_time))),
            ("EndTime", Want::Time(t.end_time)),
            (
                "AlarmConfiguration",
                Want::Shaped(t.alarm_configuration.as_ref(), alarm_configuration),
            ),
            (
                "TriggeredAlarms",
                Want::Shaped(t.triggered_alarms.as_ref(), triggered_alarms),
            ),
        ],
    )
}

/// Judge an invocation (an identity in a list, or a `GetMaintenanceWindowExecutionTaskInvocation`
/// answer: the same members) against the seeded one. Its two sensitive members are one choice:
/// both returned, or both left out.
pub fn judge_invocation(got: &Value, execution: &str, t: &Task, i: &Invocation) -> Result<Seen, Failure> {
    compare(
        &format!("invocation {}", i.invocation_id),
        got,
        &shapes::INVOCATION,
        &[
            ("WindowExecutionId", Want::Text(Some(execution))),
            ("TaskExecutionId", Want::Text(Some(&t.task_execution_id))),
            ("InvocationId", Want::Text(Some(&i.invocation_id))),
            ("ExecutionId", text(&i.execution_id)),
            ("TaskType", Want::Text(Some(&t.task_type))),
            ("Parameters", Want::Sensitive(i.parameters.clone().map(Value::String))),
            ("Status", Want::Text(Some(&i.status))),
            ("StatusDetails", text(&i.status_details)),
            ("StartTime", Want::Time(Some(i.start_time))),
            ("EndTime", Want::Time(i.end_time)),
            (
                "OwnerInformation",
                Want::Sensitive(i.owner_information.clone().map(Value::String)),
            ),
            ("WindowTargetId", text(&i.window_target_id)),
        ],
    )
}

/// STATUS filters as the oracle reads them: each filter's values (`None`: no filters).
pub type StatusFilters = Option<Vec<Vec<String>>>;

/// The STATUS filters of a Describe request on tasks or invocations, as the oracle reads them:
/// `Ok(None)` without filters; `Err` for a filter the docs do not describe (another key, a
/// value that is not a documented status), where what a target does is open.
pub fn status_filter(params: &Value) -> Result<StatusFilters, String> {
    let Some(filters) = params.get("Filters").filter(|f| !f.is_null()) else {
        return Ok(None);
    };
    let list = filters.as_array().ok_or("Filters is not a list")?;
    let mut out = Vec::new();
    for f in list {
        let key = f
            .get("Key")
            .and_then(Value::as_str)
            .ok_or("a filter without a string Key")?;
        if !model::DOCUMENTED_TASK_FILTER_KEYS.contains(&key) {
            return Err(format!("the filter key {key:?} is not documented"));
        }
        let values: Vec<String> = f
            .get("Values")
            .and_then(Value::as_array)
            .ok_or("a filter without Values")?
            .iter()
            .map(|v| v.as_str().map(str::to_string).ok_or("a value that is not a string"))
            .collect::<Result<_, _>>()?;
        if let Some(v) = values
            .iter()
            .find(|v| !model::DOCUMENTED_TASK_FILTER_STATUSES.contains(&v.as_str()))
        {
            return Err(format!("the STATUS value {v:?} is not documented"));
        }
        out.push(values);
    }
    Ok(Some(out))
}

/// Whether `status` passes the STATUS filters: one value per filter is documented narrowing;
/// several values in one filter count as any of them (the reading the judge checks only where
/// the case says so).
pub fn status_selects(filters: &StatusFilters, status: &str) -> bool {
    filters
        .as_ref()
        .is_none_or(|fs| fs.iter().all(|values| values.iter().any(|v| v == status)))
}

/// A seeded item of a Describe list: its id (under `ID_MEMBER` on the wire) and status.
trait Listed {
    const ID_MEMBER: &'static str;
    fn id(&self) -> &str;
    fn status(&self) -> &str;
    fn start(&self) -> f64;
}

impl Listed for Task {
    const ID_MEMBER: &'static str = "TaskExecutionId";
    fn id(&self) -> &str {
        &self.task_execution_id
    }
    fn status(&self) -> &str {
        &self.status
    }
    fn start(&self) -> f64 {
        self.start_time
    }
}

impl Listed for Invocation {
    const ID_MEMBER: &'static str = "InvocationId";
    fn id(&self) -> &str {
        &self.invocation_id
    }
    fn status(&self) -> &str {
        &self.status
    }
    fn start(&self) -> f64 {
        self.start_time
    }
}

/// The order of `returned` (ids, two or more) against the same items `seeded` in seeded order
/// with their StartTimes: as seeded where it is that, else by StartTime either way, else other.
fn item_order(returned: &[&str], seeded: &[(&str, f64)]) -> Option<&'static str> {
    if returned.len() < 2 {
        return None;
    }
    if returned.iter().copied().eq(seeded.iter().map(|(id, _)| *id)) {
        return Some("as-seeded");
    }
    let start: BTreeMap<&str, f64> = seeded.iter().copied().collect();
    let times: Vec<f64> = returned.iter().filter_map(|id| start.get(id).copied()).collect();
    Some(if times.windows(2).all(|w| w[0] >= w[1]) {
        "newest-first"
    } else if times.windows(2).all(|w| w[0] <= w[1]) {
        "oldest-first"
    } else {
        "other"
    })
}

/// Judge a whole DescribeMaintenanceWindowExecutionTasks list (every page's items, in order)
/// against the seeded `execution`'s tasks the STATUS `filters` select.
pub fn judge_task_list(returned: &[Value], execution: &Execution, filters: &StatusFilters) -> Result<Seen, Failure> {
    let id = execution.window_execution_id.as_str();
    judge_list(
        &format!("the tasks of execution {id}"),
        returned,
        &execution.tasks,
        filters,
        |v, t| judge_task_identity(v, id, t),
    )
}

/// Judge a whole DescribeMaintenanceWindowExecutionTaskInvocations list against the seeded
/// `task`'s invocations (of execution `execution`) the STATUS `filters` select.
pub fn judge_invocation_list(
    returned: &[Value],
    execution: &str,
    task: &Task,
    filters: &StatusFilters,
) -> Result<Seen, Failure> {
    judge_list(
        &format!("the invocations of task {}", task.task_execution_id),
        returned,
        &task.invocations,
        filters,
        |v, i| judge_invocation(v, execution, task, i),
    )
}

/// Judge a whole list against the seeded `items` the filters select: each returned once, each
/// as seeded (`judge_item`), none missing, none outside. Returns what was seen of sensitive
/// members.
fn judge_list<T: Listed>(
    what: &str,
    returned: &[Value],
    items: &[T],
    filters: &StatusFilters,
    judge_item: impl Fn(&Value, &T) -> Result<Seen, Failure>,
) -> Result<Seen, Failure> {
    use FailureKind::{Member, Paging, Selection};
    let id_member = T::ID_MEMBER;
    let by_id: BTreeMap<&str, &T> = items.iter().map(|t| (t.id(), t)).collect();
    let mut seen_ids = HashSet::new();
    // The ids as returned, in order, for the list's order.
    let mut in_order = Vec::with_capacity(returned.len());
    let mut seen = Seen::default();
    for v in returned {
        let id = v
            .get(id_member)
            .and_then(Value::as_str)
            .ok_or_else(|| Failure::new(Member, format!("{what}: an item without a {id_member} string: {v}")))?;
        if !is_execution_id(id) {
            return Err(Failure::new(
                Member,
                format!("{what}: {id_member} {id:?} is not of the model's id shape"),
            ));
        }
        let item = by_id.get(id).ok_or_else(|| {
            Failure::new(
                Selection,
                format!("{what}: {id} was never seeded here: it belongs elsewhere or was made up"),
            )
        })?;
        if !status_selects(filters, item.status()) {
            return Err(Failure::new(
                Selection,
                format!(
                    "{what}: {id} (status {}) is returned, but the STATUS filters exclude it",
                    item.status()
                ),
            ));
        }
        if !seen_ids.insert(id.to_string()) {
            return Err(Failure::new(Paging, format!("{what}: {id} is returned twice")));
        }
        in_order.push(id);
        // Each open way of answering is one for every item alike.
        seen.merge(judge_item(v, item)?, &format!("{what} (at {id})"))?;
    }
    let missing: Vec<&str> = items
        .iter()
        .filter(|t| status_selects(filters, t.status()) && !seen_ids.contains(t.id()))
        .map(Listed::id)
        .collect();
    let selected: Vec<(&str, f64)> = items
        .iter()
        .filter(|t| status_selects(filters, t.status()))
        .map(|t| (t.id(), t.start()))
        .collect();
    seen.order = item_order(&in_order, &selected);
    if !missing.is_empty() {
        return Err(Failure::new(
            Selection,
            format!("{what}: missing what the request selects: {missing:?}"),
        ));
    }
    Ok(seen)
}
