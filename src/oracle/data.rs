//! The data a target is seeded with, in the wire's member names (what the fixture protocol
//! sends): executions, their tasks and invocations. The one home of the data's shape, read by
//! the fixture files' loader (`crate::fixtures`), the generated histories and the judges; and the
//! check that a data set is data AWS could return.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::instant::from_epoch_seconds;
use crate::model;

static EXECUTION_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(model::EXECUTION_ID_PATTERN).expect("valid"));

/// Whether `id` is a `MaintenanceWindowExecutionId` as the model's pattern has it.
pub(crate) fn is_execution_id(id: &str) -> bool {
    EXECUTION_ID.is_match(id)
}

/// One execution of a data set, in the wire's member names (what the fixture protocol sends).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Execution {
    /// `WindowExecutionId`, a UUID.
    pub window_execution_id: String,
    /// One of the model's statuses.
    pub status: String,
    /// 0 to 250 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_details: Option<String>,
    /// Epoch seconds.
    pub start_time: f64,
    /// Epoch seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<f64>,
    /// Its tasks (fixture protocol v2); none in a v1 data set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<Task>,
}

impl Execution {
    /// StartTime in nanoseconds.
    pub fn start(&self) -> i128 {
        from_epoch_seconds(self.start_time).expect("checked finite at load")
    }
}

/// A data set as the judge reads it, computed once (a fixture is judged by many cases): each
/// execution's StartTime in nanoseconds, in order, and where each id is.
#[derive(Debug, Clone, Default)]
pub struct Seeded {
    starts: Vec<i128>,
    by_id: std::collections::HashMap<String, usize>,
}

impl Seeded {
    /// The index of `data`.
    pub fn new(data: &[Execution]) -> Self {
        Self {
            starts: data.iter().map(Execution::start).collect(),
            by_id: data
                .iter()
                .enumerate()
                .map(|(i, e)| (e.window_execution_id.clone(), i))
                .collect(),
        }
    }

    /// Each execution's StartTime in nanoseconds, in order.
    pub fn starts(&self) -> &[i128] {
        &self.starts
    }

    /// Where the execution of that id (exactly) is.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }
}

/// Why data is not data AWS could return: the path of what is wrong in it, and how.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct DataError(String);

/// Check a data set against the model's shapes, so that seeded data is data AWS could return.
pub(crate) fn check_data_set(executions: &[Execution]) -> Result<(), DataError> {
    let mut seen = std::collections::HashSet::new();
    for (i, e) in executions.iter().enumerate() {
        let at = format!("executions[{i}]");
        if !is_execution_id(&e.window_execution_id) {
            return Err(DataError(format!(
                "{at}.WindowExecutionId {:?} does not match {}",
                e.window_execution_id,
                model::EXECUTION_ID_PATTERN
            )));
        }
        if !seen.insert(e.window_execution_id.to_ascii_lowercase()) {
            return Err(DataError(format!(
                "{at}.WindowExecutionId {:?} appears twice",
                e.window_execution_id
            )));
        }
        if !model::STATUSES.contains(&e.status.as_str()) {
            return Err(DataError(format!(
                "{at}.Status {:?} is not one of {:?}",
                e.status,
                model::STATUSES
            )));
        }
        if e.status_details
            .as_ref()
            .is_some_and(|d| d.chars().count() > model::STATUS_DETAILS_MAX)
        {
            return Err(DataError(format!(
                "{at}.StatusDetails is longer than {} characters",
                model::STATUS_DETAILS_MAX
            )));
        }
        check_tasks(&at, &e.tasks)?;
        let start =
            from_epoch_seconds(e.start_time).ok_or_else(|| DataError(format!("{at}.StartTime is not finite")))?;
        if let Some(end) = e.end_time {
            let end = from_epoch_seconds(end).ok_or_else(|| DataError(format!("{at}.EndTime is not finite")))?;
            if end < start {
                return Err(DataError(format!("{at}: EndTime is before StartTime")));
            }
        }
    }
    Ok(())
}

/// One task of a seeded execution, in the wire's member names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Task {
    /// `TaskExecutionId`, a UUID.
    pub task_execution_id: String,
    /// 1 to 1600 characters.
    pub task_arn: String,
    /// One of the model's task types.
    pub task_type: String,
    /// One of the model's statuses.
    pub status: String,
    /// 0 to 250 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_details: Option<String>,
    /// Epoch seconds.
    pub start_time: f64,
    /// Epoch seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<f64>,
    /// The role the task ran as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_role: Option<String>,
    /// 0 or more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// The model's MaxConcurrency pattern.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_concurrency: Option<String>,
    /// The model's MaxErrors pattern.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_errors: Option<String>,
    /// A list of maps, name → `{"Values": [..]}` (sensitive in the model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_parameters: Option<Value>,
    /// `AlarmConfiguration`: the alarm the task ran under (checked by the model's shape).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alarm_configuration: Option<Value>,
    /// `TriggeredAlarms`: the alarms that went off (checked by the model's shape).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub triggered_alarms: Option<Value>,
    /// The task's invocations, one per target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invocations: Vec<Invocation>,
}

/// One invocation of a seeded task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Invocation {
    /// `InvocationId`, a UUID.
    pub invocation_id: String,
    /// The Run Command or Automation execution id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_id: Option<String>,
    /// The parameters it ran with (sensitive in the model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<String>,
    /// One of the model's statuses.
    pub status: String,
    /// 0 to 250 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_details: Option<String>,
    /// Epoch seconds.
    pub start_time: f64,
    /// Epoch seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<f64>,
    /// 1 to 128 characters (sensitive in the model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_information: Option<String>,
    /// At most 36 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_target_id: Option<String>,
}

/// Check seeded tasks and invocations against the model's shapes (a fixture typo is an error).
fn check_tasks(at: &str, tasks: &[Task]) -> Result<(), DataError> {
    let mut ids = HashSet::new();
    for (i, t) in tasks.iter().enumerate() {
        let at = format!("{at}.Tasks[{i}]");
        if !is_execution_id(&t.task_execution_id) || !ids.insert(t.task_execution_id.to_ascii_lowercase()) {
            return Err(DataError(format!(
                "{at}.TaskExecutionId {:?}: not a UUID, or twice",
                t.task_execution_id
            )));
        }
        let (lo, hi) = model::TASK_ARN_LENGTH;
        if !(lo..=hi).contains(&t.task_arn.chars().count()) {
            return Err(DataError(format!("{at}.TaskArn must have {lo} to {hi} characters")));
        }
        if !model::TASK_TYPES.contains(&t.task_type.as_str()) {
            return Err(DataError(format!(
                "{at}.TaskType {:?} is not one of {:?}",
                t.task_type,
                model::TASK_TYPES
            )));
        }
        check_common(&at, &t.status, &t.status_details, t.start_time, t.end_time)?;
        if let Some(a) = &t.alarm_configuration {
            alarm_configuration(a).map_err(|why| DataError(format!("{at}.AlarmConfiguration: {why}")))?;
        }
        if let Some(a) = &t.triggered_alarms {
            triggered_alarms(a).map_err(|why| DataError(format!("{at}.TriggeredAlarms: {why}")))?;
        }
        let mut invocation_ids = HashSet::new();
        for (j, inv) in t.invocations.iter().enumerate() {
            let at = format!("{at}.Invocations[{j}]");
            if !is_execution_id(&inv.invocation_id) || !invocation_ids.insert(inv.invocation_id.to_ascii_lowercase()) {
                return Err(DataError(format!(
                    "{at}.InvocationId {:?}: not a UUID, or twice",
                    inv.invocation_id
                )));
            }
            check_common(&at, &inv.status, &inv.status_details, inv.start_time, inv.end_time)?;
        }
    }
    Ok(())
}

/// An `AlarmName`: 1–255 characters, not blank.
fn alarm_name(v: Option<&Value>) -> Result<(), DataError> {
    let (lo, hi) = model::ALARM_NAME_LENGTH;
    match v {
        Some(Value::String(n)) if (lo..=hi).contains(&n.chars().count()) && !n.trim().is_empty() => Ok(()),
        other => Err(DataError(format!(
            "Name {} is not a string of {lo} to {hi} characters, not blank",
            other.map_or("absent".into(), Value::to_string)
        ))),
    }
}

/// A list of the model's `AlarmList` length, each item checked by `item`.
fn alarm_list(
    v: Option<&Value>,
    item: impl Fn(&serde_json::Map<String, Value>) -> Result<(), DataError>,
) -> Result<(), DataError> {
    let (lo, hi) = model::ALARMS_PER_LIST;
    let Some(Value::Array(list)) = v else {
        return Err(DataError(format!("not a list of {lo} to {hi} alarms")));
    };
    if !(lo..=hi).contains(&list.len()) {
        return Err(DataError(format!("{} alarms, not {lo} to {hi}", list.len())));
    }
    for a in list {
        item(
            a.as_object()
                .ok_or_else(|| DataError(format!("an alarm {a} is not a structure")))?,
        )?;
    }
    Ok(())
}

/// `AlarmConfiguration`: `Alarms` (required) and `IgnorePollAlarmFailure`, a boolean.
pub(super) fn alarm_configuration(v: &Value) -> Result<(), DataError> {
    let obj = v.as_object().ok_or_else(|| DataError("not a structure".into()))?;
    if obj
        .get("IgnorePollAlarmFailure")
        .is_some_and(|b| !b.is_boolean() && !b.is_null())
    {
        return Err(DataError("IgnorePollAlarmFailure is not a boolean".into()));
    }
    alarm_list(obj.get("Alarms"), |a| alarm_name(a.get("Name")))
}

/// `AlarmStateInformationList`: alarms with a `Name` and a `State` of the model's enum.
pub(super) fn triggered_alarms(v: &Value) -> Result<(), DataError> {
    alarm_list(Some(v), |a| {
        alarm_name(a.get("Name"))?;
        match a.get("State").and_then(Value::as_str) {
            Some(s) if model::ALARM_STATES.contains(&s) => Ok(()),
            other => Err(DataError(format!(
                "State {other:?} is not one of {:?}",
                model::ALARM_STATES
            ))),
        }
    })
}

fn check_common(
    at: &str,
    status: &str,
    details: &Option<String>,
    start: f64,
    end: Option<f64>,
) -> Result<(), DataError> {
    if !model::STATUSES.contains(&status) {
        return Err(DataError(format!(
            "{at}.Status {status:?} is not one of {:?}",
            model::STATUSES
        )));
    }
    if details
        .as_ref()
        .is_some_and(|d| d.chars().count() > model::STATUS_DETAILS_MAX)
    {
        return Err(DataError(format!(
            "{at}.StatusDetails is longer than {} characters",
            model::STATUS_DETAILS_MAX
        )));
    }
    let start = from_epoch_seconds(start).ok_or_else(|| DataError(format!("{at}.StartTime is not finite")))?;
    if let Some(end) = end {
        let end = from_epoch_seconds(end).ok_or_else(|| DataError(format!("{at}.EndTime is not finite")))?;
        if end < start {
            return Err(DataError(format!("{at}: EndTime is before StartTime")));
        }
    }
    Ok(())
}
