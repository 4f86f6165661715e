//! The emulator's data: maintenance windows and their executions, ordered newest first so that
//! a page is a range scan (O(log n + page)); and the tasks and invocations of executions, in the
//! order they were seeded.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use serde::{Deserialize, Serialize};

/// The eight execution statuses of the model.
pub use crate::model::STATUSES;

/// A window's settings, as `CreateMaintenanceWindow` takes them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WindowSettings {
    /// Name (3–128, `^[a-zA-Z0-9_\-.]{3,128}$`).
    pub name: String,
    /// Cron or rate expression.
    pub schedule: String,
    /// Hours, 1–24.
    pub duration: i64,
    /// Hours, 0–23.
    pub cutoff: i64,
    /// Whether tasks may target unregistered nodes.
    pub allow_unassociated_targets: bool,
    /// Optional description (sensitive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Optional start date (ISO 8601 string).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// Optional end date (ISO 8601 string).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// Optional IANA time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_timezone: Option<String>,
    /// Optional offset in days, 1–6.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_offset: Option<i64>,
}

impl WindowSettings {
    /// The least a window needs: a name, a daily schedule, one hour, no cutoff.
    pub fn minimal(name: &str) -> Self {
        Self {
            name: name.to_string(),
            schedule: "rate(1 day)".into(),
            duration: 1,
            cutoff: 0,
            allow_unassociated_targets: false,
            description: None,
            start_date: None,
            end_date: None,
            schedule_timezone: None,
            schedule_offset: None,
        }
    }
}

/// One execution, as stored and as answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Execution {
    /// UUID.
    pub window_execution_id: String,
    /// One of [`STATUSES`].
    pub status: String,
    /// 0–250 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_details: Option<String>,
    /// Epoch seconds.
    pub start_time: f64,
    /// Epoch seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<f64>,
}

/// One task of an execution, as the fixture protocol v2 seeds it (and the task operations answer
/// it). Kept beside the executions rather than in [`Execution`], so that an execution without
/// tasks costs no more than it did before tasks existed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Task {
    /// UUID.
    pub task_execution_id: String,
    /// 1–1600 characters.
    pub task_arn: String,
    /// One of [`crate::model::TASK_TYPES`].
    pub task_type: String,
    /// One of [`STATUSES`].
    pub status: String,
    /// 0–250 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_details: Option<String>,
    /// Epoch seconds.
    pub start_time: f64,
    /// Epoch seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<f64>,
    /// Any string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_role: Option<String>,
    /// 0 or more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// The model's MaxConcurrency pattern, 1–7 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_concurrency: Option<String>,
    /// The model's MaxErrors pattern, 1–7 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_errors: Option<String>,
    /// A list of maps, parameter name → its values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_parameters: Option<Vec<BTreeMap<String, TaskParameterValue>>>,
    /// The CloudWatch alarm the task was configured with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alarm_configuration: Option<AlarmConfiguration>,
    /// The alarms that went off while it ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub triggered_alarms: Option<Vec<AlarmState>>,
    /// The task's invocations, in seeded order.
    #[serde(default)]
    pub invocations: Vec<Invocation>,
}

/// `MaintenanceWindowTaskParameterValueExpression`: a parameter's values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct TaskParameterValue {
    /// Each 1–255 characters.
    pub values: Vec<String>,
}

/// `AlarmConfiguration`: the alarm a task runs under (exactly one, in the model).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AlarmConfiguration {
    /// Whether the task goes on when CloudWatch cannot be asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore_poll_alarm_failure: Option<bool>,
    /// One alarm.
    pub alarms: Vec<Alarm>,
}

/// `Alarm`: a CloudWatch alarm by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Alarm {
    /// 1–255 characters, not blank.
    pub name: String,
}

/// `AlarmStateInformation`: an alarm and the state it was in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AlarmState {
    /// 1–255 characters, not blank.
    pub name: String,
    /// `UNKNOWN` or `ALARM`.
    pub state: String,
}

/// One invocation of a task (its type is the task's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Invocation {
    /// UUID.
    pub invocation_id: String,
    /// The id of what ran (a command id, an automation execution id …), any string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_id: Option<String>,
    /// The parameters it ran with, any string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<String>,
    /// One of [`STATUSES`].
    pub status: String,
    /// 0–250 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_details: Option<String>,
    /// Epoch seconds.
    pub start_time: f64,
    /// Epoch seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<f64>,
    /// 1–128 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_information: Option<String>,
    /// At most 36 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_target_id: Option<String>,
}

/// Ordering key: newest first, then by execution id.
type Key = (Reverse<i128>, String);

/// Epoch seconds (with fraction) as integer nanoseconds, for exact ordering and comparison,
/// rounded to whole microseconds. The whole seconds and the fraction are taken apart first
/// (`x - trunc(x)` is exact in binary): scaling the whole value rounds twice where the product
/// passes 2^52 (from about the year 2100, `4470669118.081 × 1e6` is `…081000.5`, which rounds
/// to the next microsecond), while the fraction alone scales with an error far below one.
pub fn nanos(seconds: f64) -> i128 {
    let whole = seconds.trunc();
    let micros = ((seconds - whole) * 1e6).round() as i128;
    whole as i128 * 1_000_000_000 + micros * 1_000
}

/// A maintenance window and its executions.
#[derive(Debug, Clone)]
pub struct Window {
    /// Settings.
    pub settings: WindowSettings,
    /// Creation time, epoch seconds.
    pub created: f64,
    executions: BTreeMap<Key, Execution>,
    /// Tasks by execution id; executions without tasks have no entry.
    tasks: HashMap<String, Vec<Task>>,
    /// Whether it is enabled (`UpdateMaintenanceWindow`'s `Enabled`; a new window is).
    pub enabled: bool,
    /// When its settings last changed, epoch seconds.
    pub modified: f64,
    /// Its registered targets, in the order registered.
    pub targets: Vec<Registration>,
    /// Its registered tasks, in the order registered.
    pub registered_tasks: Vec<Registration>,
}

/// A target or a task registered with a window: its id and its members as the request set them
/// (checked against the model), answered back as they are.
#[derive(Debug, Clone, PartialEq)]
pub struct Registration {
    /// `WindowTargetId` or `WindowTaskId` (a UUID).
    pub id: String,
    /// The members set (`Targets`, `Name`, `TaskArn`, …).
    pub members: serde_json::Map<String, serde_json::Value>,
}

/// A position in a window's execution order, as carried by a NextToken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// The window the token belongs to.
    pub window_id: String,
    /// StartTime in nanoseconds of the last execution returned.
    pub start: i128,
    /// Its id.
    pub id: String,
}

/// A token's text as lower-case hex (opaque to clients, and safe in any JSON string).
fn to_hex(plain: &str) -> String {
    plain.bytes().map(|b| format!("{b:02x}")).collect()
}

/// [`to_hex`] undone; `None` for anything that is not such hex of UTF-8 text.
fn from_hex(token: &str) -> Option<String> {
    if !token.len().is_multiple_of(2) || !token.is_ascii() {
        return None;
    }
    let bytes = (0..token.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&token[i..i + 2], 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    String::from_utf8(bytes).ok()
}

impl Cursor {
    /// Encode as an opaque token.
    pub fn encode(&self) -> String {
        to_hex(&format!("1|{}|{}|{}", self.window_id, self.start, self.id))
    }

    /// Decode a token; `None` for anything this emulator did not write.
    pub fn decode(token: &str) -> Option<Self> {
        let plain = from_hex(token)?;
        let mut parts = plain.splitn(4, '|');
        if parts.next()? != "1" {
            return None;
        }
        Some(Self {
            window_id: parts.next()?.to_string(),
            start: parts.next()?.parse().ok()?,
            id: parts.next()?.to_string(),
        })
    }
}

/// A page of executions and the cursor after it, if more may follow.
#[derive(Debug)]
pub struct Page {
    /// The executions, newest first.
    pub executions: Vec<Execution>,
    /// Where the next page starts.
    pub next: Option<Cursor>,
}

/// Which executions a query selects: StartTime within `[after, before]`, both inclusive.
#[derive(Debug, Clone, Copy, Default)]
pub struct TimeRange {
    /// Lower bound, nanoseconds.
    pub after: Option<i128>,
    /// Upper bound, nanoseconds.
    pub before: Option<i128>,
}

impl Window {
    /// A window with no executions.
    pub fn new(settings: WindowSettings, created: f64) -> Self {
        Self {
            settings,
            created,
            executions: BTreeMap::new(),
            tasks: HashMap::new(),
            enabled: true,
            modified: created,
            targets: Vec::new(),
            registered_tasks: Vec::new(),
        }
    }

    /// Replace all executions; none has tasks.
    pub fn replace_executions(&mut self, executions: Vec<Execution>) {
        self.replace(executions, HashMap::new());
    }

    /// Replace all executions and their tasks (by execution id, each list in seeded order).
    pub fn replace(&mut self, executions: Vec<Execution>, mut tasks: HashMap<String, Vec<Task>>) {
        tasks.retain(|_, list| !list.is_empty());
        self.executions = executions
            .into_iter()
            .map(|e| ((Reverse(nanos(e.start_time)), e.window_execution_id.clone()), e))
            .collect();
        self.tasks = tasks;
    }

    /// The tasks of an execution, in seeded order (none for an unknown id).
    pub fn tasks(&self, execution_id: &str) -> &[Task] {
        self.tasks.get(execution_id).map_or(&[], Vec::as_slice)
    }

    /// Number of executions.
    pub fn len(&self) -> usize {
        self.executions.len()
    }

    /// Whether the window has no executions.
    pub fn is_empty(&self) -> bool {
        self.executions.is_empty()
    }

    /// The execution with this id, if the window has it.
    pub fn execution(&self, id: &str) -> Option<&Execution> {
        self.executions.values().find(|e| e.window_execution_id == id)
    }

    /// The execution with this id, to change its status.
    pub fn execution_mut(&mut self, id: &str) -> Option<&mut Execution> {
        self.executions.values_mut().find(|e| e.window_execution_id == id)
    }

    /// Up to `limit` executions within `range`, after `cursor` (exclusive).
    pub fn page(&self, window_id: &str, range: TimeRange, cursor: Option<&Cursor>, limit: usize) -> Page {
        let lower: Bound<Key> = match (cursor, range.before) {
            (Some(c), Some(b)) if b < c.start => Bound::Included((Reverse(b), String::new())),
            (Some(c), _) => Bound::Excluded((Reverse(c.start), c.id.clone())),
            (None, Some(b)) => Bound::Included((Reverse(b), String::new())),
            (None, None) => Bound::Unbounded,
        };
        let in_range = |k: &Key| range.after.is_none_or(|a| k.0.0 >= a);
        let mut iter = self
            .executions
            .range((lower, Bound::Unbounded))
            .take_while(|(k, _)| in_range(k));
        let executions: Vec<Execution> = iter.by_ref().take(limit).map(|(_, e)| e.clone()).collect();
        let next = match (executions.last(), iter.next()) {
            (Some(last), Some(_)) => Some(Cursor {
                window_id: window_id.to_string(),
                start: nanos(last.start_time),
                id: last.window_execution_id.clone(),
            }),
            _ => None,
        };
        Page { executions, next }
    }
}

/// A position in a seeded list (an execution's tasks, a task's invocations), as carried by a
/// NextToken: the list it belongs to and the id of the last item returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCursor {
    /// Which list: e.g. `tasks/<WindowExecutionId>`; a token is only good for its own list.
    pub list: String,
    /// The id of the last item returned.
    pub after: String,
}

impl ListCursor {
    /// Encode as an opaque token (version 2, so that it never decodes as a [`Cursor`] and the
    /// other way round).
    pub fn encode(&self) -> String {
        to_hex(&format!("2|{}|{}", self.list, self.after))
    }

    /// Decode a token; `None` for anything this emulator did not write as a list token.
    pub fn decode(token: &str) -> Option<Self> {
        let plain = from_hex(token)?;
        let mut parts = plain.splitn(3, '|');
        if parts.next()? != "2" {
            return None;
        }
        Some(Self {
            list: parts.next()?.to_string(),
            after: parts.next()?.to_string(),
        })
    }
}

/// A page of a seeded list: up to `limit` of the `items` that `keep` selects, in their order,
/// starting after the item whose id is `after`; and the id of the last one returned when more
/// selected items follow. `None` when `after` names no item of the list.
pub fn list_page<'a, T>(
    items: &'a [T],
    id: impl Fn(&T) -> &str,
    after: Option<&str>,
    keep: impl Fn(&T) -> bool,
    limit: usize,
) -> Option<(Vec<&'a T>, Option<String>)> {
    let start = match after {
        None => 0,
        Some(a) => items.iter().position(|x| id(x) == a)? + 1,
    };
    let mut selected = items[start..].iter().filter(|x| keep(x));
    let page: Vec<&T> = selected.by_ref().take(limit).collect();
    let next = match (page.last(), selected.next()) {
        (Some(last), Some(_)) => Some(id(last).to_string()),
        _ => None,
    };
    Some((page, next))
}

/// A store behind its lock, as the operations share it.
pub(super) type Shared = std::sync::RwLock<Store>;

/// All windows, by id.
#[derive(Debug, Default)]
pub struct Store {
    /// The windows.
    pub windows: HashMap<String, Window>,
    /// The registrations made with a `ClientToken`, by operation and token: the request as sent
    /// (its token aside) and the answer, for a repeat to get the same answer.
    pub client_tokens: HashMap<(String, String), (serde_json::Value, serde_json::Value)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exec(id: &str, start: f64) -> Execution {
        Execution {
            window_execution_id: id.into(),
            status: "SUCCESS".into(),
            status_details: None,
            start_time: start,
            end_time: None,
        }
    }

    fn window(n: usize) -> Window {
        let mut w = Window::new(WindowSettings::minimal("w"), 0.0);
        // Two executions per second: ties in StartTime are ordered by id.
        w.replace_executions((0..n).map(|i| exec(&format!("{i:04}"), (i / 2) as f64)).collect());
        w
    }

    fn ids(w: &Window, range: TimeRange, limit: usize) -> Vec<String> {
        let mut out = Vec::new();
        let mut cursor = None;
        loop {
            let page = w.page("mw", range, cursor.as_ref(), limit);
            assert!(page.executions.len() <= limit);
            out.extend(page.executions.into_iter().map(|e| e.window_execution_id));
            match page.next {
                Some(c) => cursor = Some(Cursor::decode(&c.encode()).unwrap()),
                None => return out,
            }
        }
    }

    #[test]
    fn pages_concatenate_newest_first() {
        let w = window(25);
        let all = ids(&w, TimeRange::default(), 100);
        assert_eq!(all.len(), 25);
        assert_eq!(all[0], "0024");
        assert_eq!(&all[1..3], ["0022", "0023"]);
        for limit in [1, 2, 3, 10, 24, 25] {
            assert_eq!(ids(&w, TimeRange::default(), limit), all, "limit {limit}");
        }
    }

    #[test]
    fn ranges_are_inclusive_and_narrow() {
        let w = window(20); // starts 0..=9, two each
        let r = TimeRange {
            after: Some(nanos(3.0)),
            before: Some(nanos(5.0)),
        };
        for limit in [1, 2, 4, 100] {
            assert_eq!(ids(&w, r, limit), ["0010", "0011", "0008", "0009", "0006", "0007"]);
        }
        let empty = TimeRange {
            after: Some(nanos(6.0)),
            before: Some(nanos(5.0)),
        };
        assert!(ids(&w, empty, 10).is_empty());
    }

    #[test]
    fn fractional_seconds_meet_parsed_instants_exactly() {
        let parsed = crate::emulator::iso8601::parse_instant("2024-11-04T04:56:39.75Z").unwrap();
        assert_eq!(nanos(1_730_696_199.75), parsed);
        let parsed = crate::emulator::iso8601::parse_instant("2024-11-04T04:56:39.123456Z").unwrap();
        assert_eq!(nanos(1_730_696_199.123456), parsed);
        // Found by a campaign of 10⁵ generated cases: far from 1970 the product of the whole value
        // rounds twice, and an execution on the instant fell a microsecond after it.
        let parsed = crate::emulator::iso8601::parse_instant("2111-09-02T20:31:58.081Z").unwrap();
        assert_eq!(nanos(4_470_669_118.081), parsed);
        assert_eq!(nanos(-1.25), -1_250_000_000);
    }

    #[test]
    fn list_pages_follow_seeded_order_and_skip_what_is_not_kept() {
        let items: Vec<String> = (0..25).map(|i| format!("{i:02}")).collect();
        let all_of = |limit: usize, keep: &dyn Fn(&String) -> bool| {
            let mut out = Vec::new();
            let mut after: Option<String> = None;
            loop {
                let (page, next) = list_page(&items, String::as_str, after.as_deref(), keep, limit).unwrap();
                assert!(page.len() <= limit);
                out.extend(page.into_iter().cloned());
                match next {
                    Some(n) => after = Some(n),
                    None => return out,
                }
            }
        };
        for limit in [1, 10, 24, 25, 100] {
            assert_eq!(all_of(limit, &|_| true), items, "limit {limit}");
        }
        let even: Vec<String> = items.iter().step_by(2).cloned().collect();
        assert_eq!(all_of(3, &|s: &String| s.ends_with(['0', '2', '4', '6', '8'])), even);
        // Exactly a page of what is kept, then nothing kept: no token.
        let (page, next) = list_page(&items, String::as_str, None, |s| s.as_str() < "10", 10).unwrap();
        assert_eq!((page.len(), next), (10, None));
        assert!(list_page(&items, String::as_str, Some("99"), |_| true, 10).is_none());
    }

    #[test]
    fn list_tokens_round_trip_and_never_pass_for_execution_tokens() {
        let c = ListCursor {
            list: "tasks/x".into(),
            after: "a|b".into(),
        };
        assert_eq!(ListCursor::decode(&c.encode()), Some(c.clone()));
        assert_eq!(Cursor::decode(&c.encode()), None);
        let e = Cursor {
            window_id: "mw-0123456789abcdef0".into(),
            start: 1,
            id: "i".into(),
        };
        assert_eq!(ListCursor::decode(&e.encode()), None);
        for bad in ["", "zz", "abc", "garbage", "32"] {
            assert_eq!(ListCursor::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn tokens_round_trip_and_reject_garbage() {
        let c = Cursor {
            window_id: "mw-0123456789abcdef0".into(),
            start: -5,
            id: "a|b".into(),
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        for bad in ["", "zz", "abc", "garbage", "31"] {
            assert_eq!(Cursor::decode(bad), None, "{bad}");
        }
    }
}
