//! A request checked against its input shape, read from the vendored model itself: for the
//! operations of a window's targets, tasks and settings, whose inputs are too rich to spell member
//! by member (a task's invocation parameters alone hold some thirty members). JSON types first (a
//! wrong one: `SerializationException`, as the awsJson decoders say it), then every constraint
//! of the model at once (required members, lengths in characters, patterns, ranges, enums, list
//! lengths), in AWS's validation message form.
//!
//! The older operations keep their hand-written checks (`operations.rs`); this walker is the
//! emulator's own reading of the model, apart from the spec generator's (`xtask`), so that a
//! misreading of the model is not shared by the cases and the emulator.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use regex::Regex;
use serde_json::{Map, Value};

use super::error::ApiError;
use super::validation::{Checker, json_kind};
use crate::model::VENDORED_MODEL;

static SHAPES: LazyLock<Map<String, Value>> = LazyLock::new(|| {
    let model: Value = serde_json::from_str(VENDORED_MODEL).expect("the vendored model is JSON");
    model["shapes"].as_object().cloned().expect("the model has shapes")
});

/// Compiled patterns by their text; `None` for one the `regex` crate cannot compile (the model's
/// look-ahead in `AlarmName`), which [`matches`] reads by hand.
static PATTERNS: LazyLock<Mutex<HashMap<String, Option<Regex>>>> = LazyLock::new(Mutex::default);

/// The input shape of `operation`, by name.
pub(super) fn input_shape(operation: &str) -> &'static str {
    match operation {
        "UpdateMaintenanceWindow" => "UpdateMaintenanceWindowRequest",
        "RegisterTargetWithMaintenanceWindow" => "RegisterTargetWithMaintenanceWindowRequest",
        "DescribeMaintenanceWindowTargets" => "DescribeMaintenanceWindowTargetsRequest",
        "UpdateMaintenanceWindowTarget" => "UpdateMaintenanceWindowTargetRequest",
        "DeregisterTargetFromMaintenanceWindow" => "DeregisterTargetFromMaintenanceWindowRequest",
        "RegisterTaskWithMaintenanceWindow" => "RegisterTaskWithMaintenanceWindowRequest",
        "DescribeMaintenanceWindowTasks" => "DescribeMaintenanceWindowTasksRequest",
        "GetMaintenanceWindowTask" => "GetMaintenanceWindowTaskRequest",
        "UpdateMaintenanceWindowTask" => "UpdateMaintenanceWindowTaskRequest",
        "DeregisterTaskFromMaintenanceWindow" => "DeregisterTaskFromMaintenanceWindowRequest",
        "DescribeMaintenanceWindowsForTarget" => "DescribeMaintenanceWindowsForTargetRequest",
        "DescribeMaintenanceWindowSchedule" => "DescribeMaintenanceWindowScheduleRequest",
        other => panic!("no input shape is read from the model for {other}"),
    }
}

/// Check `request` against the input shape `shape`: `Err` for a JSON type the shape cannot
/// take; violations of the model's constraints are added to `checker`.
pub(super) fn check(shape: &str, request: &Map<String, Value>, checker: &mut Checker) -> Result<(), ApiError> {
    structure(shape, request, "", checker)
}

fn shape(name: &str) -> &'static Map<String, Value> {
    SHAPES
        .get(name)
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("no shape {name} in the vendored model"))
}

fn wrong(v: &Value, want: &str) -> ApiError {
    ApiError::serialization(format!("{} can not be converted to {want}", json_kind(v)))
}

/// AWS's name of a member in a message: lower camel case, from the first letter.
fn aws_name(member: &str) -> String {
    let mut c = member.chars();
    c.next()
        .map(|f| f.to_ascii_lowercase().to_string() + c.as_str())
        .unwrap_or_default()
}

fn join(path: &str, member: &str) -> String {
    if path.is_empty() {
        aws_name(member)
    } else {
        format!("{path}.{}", aws_name(member))
    }
}

fn structure(name: &str, value: &Map<String, Value>, path: &str, c: &mut Checker) -> Result<(), ApiError> {
    let s = shape(name);
    let required: Vec<&str> = s
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(members) = s.get("members").and_then(Value::as_object) else {
        return Ok(());
    };
    for (member, spec) in members {
        let at = join(path, member);
        let member_shape = spec["shape"].as_str().expect("a member names its shape");
        match value.get(member) {
            // JSON null counts as absent, as in AWS's awsJson services.
            None | Some(Value::Null) => {
                if required.contains(&member.as_str()) {
                    c.required::<()>(&at, &None);
                }
            }
            Some(v) => any(member_shape, v, &at, c)?,
        }
    }
    // Members outside the shape are ignored, as AWS's awsJson decoders do.
    Ok(())
}

fn any(name: &str, v: &Value, path: &str, c: &mut Checker) -> Result<(), ApiError> {
    let s = shape(name);
    let usize_of = |k: &str| s.get(k).and_then(Value::as_u64).map(|n| n as usize);
    match s["type"].as_str().unwrap_or_default() {
        "string" => {
            let text = v.as_str().ok_or_else(|| wrong(v, "a String"))?;
            string(s, text, path, c);
        }
        "integer" | "long" => {
            let n = match v {
                Value::Number(n) => n.as_i64().filter(|i| s["type"] == "long" || i32::try_from(*i).is_ok()),
                other => return Err(wrong(other, "an Integer")),
            }
            .ok_or_else(|| ApiError::serialization(format!("NUMBER_VALUE {v} can not be converted to an Integer")))?;
            let min = s.get("min").and_then(Value::as_i64).unwrap_or(i64::MIN);
            let max = s.get("max").and_then(Value::as_i64).unwrap_or(i64::MAX);
            c.range(path, n, min, max);
        }
        "boolean" => {
            v.as_bool().ok_or_else(|| wrong(v, "a Boolean"))?;
        }
        // awsJson timestamps are epoch seconds.
        "timestamp" => {
            v.as_f64().ok_or_else(|| wrong(v, "a Timestamp"))?;
        }
        "blob" => {
            v.as_str().ok_or_else(|| wrong(v, "a Blob"))?;
        }
        "structure" => {
            let m = v.as_object().ok_or_else(|| wrong(v, "a Structure"))?;
            structure(name, m, path, c)?;
        }
        "list" => {
            let items = v.as_array().ok_or_else(|| wrong(v, "a List"))?;
            let element = s["member"]["shape"].as_str().expect("a list names its member shape");
            list(element, items, path, c)?;
            let n = items.len();
            let shown = format!("[{} entries]", n);
            if let Some(max) = usize_of("max") {
                c.list_max(path, n, max, shown.clone());
            }
            if let Some(min) = usize_of("min").filter(|m| n < *m) {
                c.list_min(path, n, min, shown);
            }
        }
        "map" => {
            let m = v.as_object().ok_or_else(|| wrong(v, "a Map"))?;
            let key = s["key"]["shape"].as_str().expect("a map names its key shape");
            let value = s["value"]["shape"].as_str().expect("a map names its value shape");
            for (k, x) in m {
                string(shape(key), k, path, c);
                if x.is_null() {
                    return Err(wrong(x, "a map's value"));
                }
                any(value, x, &format!("{path}.{k}"), c)?;
            }
        }
        other => panic!("shape {name}: type {other:?} is not read"),
    }
    Ok(())
}

/// A list's elements: structures are checked member by member at `path.N.member`; for strings,
/// AWS reports a bad element once, on the list, naming every constraint of the element shape.
fn list(element: &str, items: &[Value], path: &str, c: &mut Checker) -> Result<(), ApiError> {
    let s = shape(element);
    if s["type"] == "string" {
        let mut texts = Vec::with_capacity(items.len());
        for item in items {
            texts.push(item.as_str().ok_or_else(|| wrong(item, "a String"))?);
        }
        let mut probe = Checker::default();
        for t in &texts {
            string(s, t, path, &mut probe);
        }
        if !probe.violations.is_empty() {
            let mut constraints = Vec::new();
            if let Some(max) = s.get("max") {
                constraints.push(format!("Member must have length less than or equal to {max}"));
            }
            if let Some(min) = s.get("min") {
                constraints.push(format!("Member must have length greater than or equal to {min}"));
            }
            if let Some(p) = s.get("pattern").and_then(Value::as_str) {
                constraints.push(format!("Member must satisfy regular expression pattern: {p}"));
            }
            if let Some(e) = s.get("enum") {
                constraints.push(format!("Member must satisfy enum value set: {}", enum_set(e)));
            }
            c.constraint(
                path,
                format!("[{}]", texts.join(", ")),
                format!("Member must satisfy constraint: [{}]", constraints.join(", ")),
                false,
            );
        }
        return Ok(());
    }
    for (i, item) in items.iter().enumerate() {
        if item.is_null() {
            return Err(wrong(item, "a list element"));
        }
        any(element, item, &format!("{path}.{}.member", i + 1), c)?;
    }
    Ok(())
}

fn string(s: &Map<String, Value>, text: &str, path: &str, c: &mut Checker) {
    let sensitive = s.get("sensitive").and_then(Value::as_bool).unwrap_or(false);
    let min = s.get("min").and_then(Value::as_u64).map_or(0, |n| n as usize);
    let max = s.get("max").and_then(Value::as_u64).map_or(usize::MAX, |n| n as usize);
    c.length(path, text, min, max, sensitive);
    if let Some(p) = s.get("pattern").and_then(Value::as_str)
        && !matches(p, text)
    {
        c.constraint(
            path,
            text.to_string(),
            format!("Member must satisfy regular expression pattern: {p}"),
            sensitive,
        );
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array)
        && !e.iter().any(|x| x.as_str() == Some(text))
    {
        c.constraint(
            path,
            text.to_string(),
            format!(
                "Member must satisfy enum value set: {}",
                enum_set(&Value::Array(e.clone()))
            ),
            sensitive,
        );
    }
}

fn enum_set(e: &Value) -> String {
    let names: Vec<&str> = e
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    format!("[{}]", names.join(", "))
}

/// Whether `text` matches the model's `pattern` (Java's reading: found anywhere unless
/// anchored, as the patterns write their own anchors).
fn matches(pattern: &str, text: &str) -> bool {
    let mut cache = PATTERNS.lock().expect("pattern cache");
    let compiled = cache
        .entry(pattern.to_string())
        .or_insert_with(|| Regex::new(pattern).ok());
    match compiled {
        Some(re) => re.is_match(text),
        // `^(?!\s*$).+`: not blank, and a first character that is not a line end.
        None if pattern == r"^(?!\s*$).+" => !text.trim().is_empty() && !text.starts_with(['\n', '\r']),
        None => panic!("the model's pattern {pattern:?} is not read"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn violations(shape: &str, request: Value) -> Vec<String> {
        let mut c = Checker::default();
        check(shape, request.as_object().unwrap(), &mut c).unwrap();
        let mut out: Vec<String> = c
            .violations
            .iter()
            .map(|v| format!("{}: {}", v.path, v.constraint))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn every_input_shape_is_in_the_model() {
        for op in crate::model::Operation::ALL.iter().filter(|o| o.is_window_api()) {
            assert!(SHAPES.contains_key(input_shape(op.name())), "{op}");
        }
    }

    #[test]
    fn nested_members_lists_and_enums() {
        let v = violations(
            "RegisterTaskWithMaintenanceWindowRequest",
            json!({
                "WindowId": "mw-0123456789abcdef0",
                "TaskArn": "AWS-RunShellScript",
                "TaskType": "BANANA",
                "Targets": [{"Key": "InstanceIds", "Values": ["i-1"]}, {"Key": "", "Values": []}],
                "LoggingInfo": {"S3BucketName": "b"},
                "AlarmConfiguration": {"Alarms": [{"Name": "  "}]},
                "MaxErrors": "abc",
            }),
        );
        assert_eq!(
            v,
            [
                "alarmConfiguration.alarms.1.member.name: Member must satisfy regular expression pattern: ^(?!\\s*$).+",
                "loggingInfo.s3BucketName: Member must have length greater than or equal to 3",
                "loggingInfo.s3Region: Member must not be null",
                "maxErrors: Member must satisfy regular expression pattern: ^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$",
                "targets.2.member.key: Member must have length greater than or equal to 1",
                "taskType: Member must satisfy enum value set: [RUN_COMMAND, AUTOMATION, STEP_FUNCTIONS, LAMBDA]",
            ]
        );
    }

    #[test]
    fn types_are_serialization_errors() {
        let mut c = Checker::default();
        let bad = json!({"WindowId": "mw-0123456789abcdef0", "Safe": "yes", "WindowTargetId": "x"});
        let e = check(
            "DeregisterTargetFromMaintenanceWindowRequest",
            bad.as_object().unwrap(),
            &mut c,
        )
        .unwrap_err();
        assert_eq!(e.error_type, "SerializationException");
    }
}
