//! Executions as the harness knows them: seeded (from a fixture) and returned (from a target),
//! each checked against the model's shapes with the oracle's own code.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::instant::from_epoch_seconds;
use crate::model;

static EXECUTION_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(model::EXECUTION_ID_PATTERN).expect("valid"));

/// Whether `id` is a `MaintenanceWindowExecutionId` as the model's pattern has it.
pub fn is_execution_id(id: &str) -> bool {
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
    pub tasks: Vec<super::family::Task>,
}

impl Execution {
    /// StartTime in nanoseconds.
    pub fn start(&self) -> i128 {
        from_epoch_seconds(self.start_time).expect("checked finite at load")
    }
}

/// Each execution's StartTime in nanoseconds, in order: what [`crate::oracle::judge`] reads.
pub fn starts(data: &[Execution]) -> Vec<i128> {
    data.iter().map(Execution::start).collect()
}

/// Check a data set against the model's shapes, so that seeded data is data AWS could return.
pub fn check_data_set(executions: &[Execution]) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for (i, e) in executions.iter().enumerate() {
        let at = format!("executions[{i}]");
        if !is_execution_id(&e.window_execution_id) {
            return Err(format!(
                "{at}.WindowExecutionId {:?} does not match {}",
                e.window_execution_id,
                model::EXECUTION_ID_PATTERN
            ));
        }
        if !seen.insert(e.window_execution_id.to_ascii_lowercase()) {
            return Err(format!(
                "{at}.WindowExecutionId {:?} appears twice",
                e.window_execution_id
            ));
        }
        if !model::STATUSES.contains(&e.status.as_str()) {
            return Err(format!(
                "{at}.Status {:?} is not one of {:?}",
                e.status,
                model::STATUSES
            ));
        }
        if e.status_details
            .as_ref()
            .is_some_and(|d| d.chars().count() > model::STATUS_DETAILS_MAX)
        {
            return Err(format!(
                "{at}.StatusDetails is longer than {} characters",
                model::STATUS_DETAILS_MAX
            ));
        }
        super::family::check_tasks(&at, &e.tasks)?;
        let start = from_epoch_seconds(e.start_time).ok_or_else(|| format!("{at}.StartTime is not finite"))?;
        if let Some(end) = e.end_time {
            let end = from_epoch_seconds(end).ok_or_else(|| format!("{at}.EndTime is not finite"))?;
            if end < start {
                return Err(format!("{at}: EndTime is before StartTime"));
            }
        }
    }
    Ok(())
}

/// One returned execution, checked against the model's shapes.
#[derive(Debug, Clone, PartialEq)]
pub struct Returned {
    /// WindowExecutionId.
    pub id: String,
    /// Status.
    pub status: String,
    /// StatusDetails.
    pub status_details: Option<String>,
    /// StartTime, nanoseconds.
    pub start: i128,
    /// EndTime, nanoseconds.
    pub end: Option<i128>,
}

/// Check one returned execution's shape: members, types, the status enum, lengths, the id.
pub fn check_shape(v: &Value, window_id: &str) -> Result<Returned, String> {
    let obj = v
        .as_object()
        .ok_or_else(|| format!("an execution is not an object: {v}"))?;
    let id = obj
        .get("WindowExecutionId")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("no WindowExecutionId string in {v}"))?;
    if !is_execution_id(id) {
        return Err(format!(
            "WindowExecutionId {id:?} does not match {}",
            model::EXECUTION_ID_PATTERN
        ));
    }
    match obj.get("WindowId") {
        Some(Value::String(w)) if w == window_id => {}
        None => {}
        Some(other) => {
            return Err(format!(
                "execution {id} has WindowId {other}, not the {window_id} asked for"
            ));
        }
    }
    let status = obj
        .get("Status")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("execution {id} has no Status string"))?;
    if !model::STATUSES.contains(&status) {
        return Err(format!(
            "execution {id} has Status {status:?}, which is not one of {:?}",
            model::STATUSES
        ));
    }
    let time = |k: &str| -> Result<Option<i128>, String> {
        match obj.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_f64()
                .and_then(from_epoch_seconds)
                .map(Some)
                .ok_or_else(|| format!("execution {id} has {k} {n}, which is no instant")),
            Some(other) => Err(format!(
                "execution {id} has {k} {other}: the wire form is a JSON number of epoch seconds"
            )),
        }
    };
    let start = time("StartTime")?.ok_or_else(|| format!("execution {id} has no StartTime"))?;
    let end = time("EndTime")?;
    if let Some(e) = end
        && e < start
    {
        return Err(format!("execution {id} ends before it starts"));
    }
    let status_details = match obj.get("StatusDetails") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.chars().count() <= model::STATUS_DETAILS_MAX => Some(s.clone()),
        Some(other) => {
            return Err(format!(
                "execution {id} has StatusDetails {other}: a string of at most {} characters",
                model::STATUS_DETAILS_MAX
            ));
        }
    };
    Ok(Returned {
        id: id.to_string(),
        status: status.to_string(),
        status_details,
        start,
        end,
    })
}

/// AWS keeps times to the millisecond: a returned time within a millisecond of the seeded one is
/// the same time.
pub(super) fn same_time(a: i128, b: i128) -> bool {
    (a - b).abs() < 1_000_000
}

pub(super) fn show_seconds(n: i128) -> String {
    format!("{}.{:09}", n.div_euclid(1_000_000_000), n.rem_euclid(1_000_000_000))
}

/// Compare a returned execution with the seeded one: every member as seeded, byte for byte
/// (StatusDetails absent and empty are the same).
pub fn check_fields(r: &Returned, seeded: &Execution) -> Result<(), String> {
    let id = &r.id;
    if r.status != seeded.status {
        return Err(format!(
            "execution {id}: Status {:?}, seeded {:?}",
            r.status, seeded.status
        ));
    }
    fn details(d: &Option<String>) -> Option<&str> {
        d.as_deref().filter(|s| !s.is_empty())
    }
    if details(&r.status_details) != details(&seeded.status_details) {
        return Err(format!(
            "execution {id}: StatusDetails {:?}, seeded {:?}",
            r.status_details, seeded.status_details
        ));
    }
    if !same_time(r.start, seeded.start()) {
        return Err(format!(
            "execution {id}: StartTime {}, seeded {}",
            show_seconds(r.start),
            show_seconds(seeded.start())
        ));
    }
    let seeded_end = seeded.end_time.and_then(from_epoch_seconds);
    match (r.end, seeded_end) {
        (None, None) => Ok(()),
        (Some(a), Some(b)) if same_time(a, b) => Ok(()),
        (a, b) => Err(format!(
            "execution {id}: EndTime {:?}, seeded {:?}",
            a.map(show_seconds),
            b.map(show_seconds)
        )),
    }
}
