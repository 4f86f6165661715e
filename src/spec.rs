//! The case format (`specs/*.json`, described by `specs/schema.json`) and its loading.
//!
//! A case is data: description, source, needs, the request, and what is expected. Where AWS
//! leaves a behaviour open, a case names the *choice* and its acceptable *options*; the runner
//! records which one a target took, and only a profile may pin one.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The operation a case calls unless it names another.
pub(crate) const DEFAULT_OPERATION: &str = "DescribeMaintenanceWindowExecutions";

/// One spec file: an area and its cases.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SpecFile {
    /// Editors' schema link; ignored.
    #[serde(rename = "$schema", default, skip_serializing)]
    pub _schema: Option<String>,
    /// The area: the first part of every trial name (`<area>::<case-id>`).
    pub area: String,
    /// What the area covers.
    pub description: String,
    /// Written by `cargo xtask specs` from the vendored model (under `specs/generated/`): not to
    /// be edited by hand; `cargo xtask specs --check` and `tests/generated_specs.rs` hold it to
    /// what the model gives.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub generated: bool,
    /// The cases.
    pub cases: Vec<Case>,
}

/// One case.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Unique within the area: `[a-z0-9][a-z0-9-]*`.
    pub id: String,
    /// What is tested, in a sentence.
    pub description: String,
    /// Where the expectation comes from: `model`, `docs`, or `observed:<profile>`.
    pub source: String,
    /// Why, in more words; required for `observed:` sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// What a `model` or `docs` source rests on, in the vendored references (`reference/`): for
    /// `model`, a shape path of the model (`Shape` or `Shape$member`); for `docs`, a sentence of a
    /// docs page quoted word for word. Required for those sources; an `observed:` case quotes its
    /// source in its `note` instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cite: Option<String>,
    /// Free tags for filtering (`validation`, `window-id`, ...).
    #[serde(default)]
    pub tags: Vec<String>,
    /// What the target must provide beyond what the placeholders imply.
    #[serde(default)]
    pub needs: Vec<String>,
    /// What is sent.
    pub request: Request,
    /// What must come back.
    pub expect: Expectation,
    /// Requests sent after the case's own, in order, each judged on its own: how the target's
    /// state reads after it (a cancelled execution read back, a cancel sent twice). Sent only
    /// when the case's own answer passed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub then: Vec<Step>,
    /// Values of the case's own answer its steps send (`${saved:NAME}`): name → JSON pointer to
    /// a string of the answer (`{"target": "/WindowTargetId"}`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub save: BTreeMap<String, String>,
    /// Runs with the other cases, though its operation alone would have it run alone
    /// ([`crate::model::Operation::runs_alone`]): every window it makes bears a name of its own
    /// (holding `${unique}`), and it lists windows only by that name (checked at load).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub together: bool,
}

/// A request a case sends after its own, with what must come back.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// What it reads or does, in a few words.
    pub description: String,
    /// What is sent (`params` only: placeholders as in the case's own request).
    pub request: Request,
    /// What must come back (a success's checks, an error, or an open choice of those).
    pub expect: Expectation,
    /// Values of this step's answer the later steps send, as the case's own `save`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub save: BTreeMap<String, String>,
    /// `CHOICE=OPTION`: sent only where the case's own answer took that option of its open
    /// choice (a text read back only where the target accepted it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
}

impl Step {
    /// The choice and option of `when`, split.
    pub fn when(&self) -> Option<(&str, &str)> {
        self.when.as_deref().and_then(|w| w.split_once('='))
    }
}

/// What a case sends.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// The operation; `DescribeMaintenanceWindowExecutions` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Parameters as JSON; string values may hold placeholders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Value>,
    /// A body sent byte for byte (after placeholders), for malformed JSON and wrong types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
}

impl Request {
    /// The operation this request calls.
    pub fn operation(&self) -> &str {
        self.operation.as_deref().unwrap_or(DEFAULT_OPERATION)
    }
}

/// What a case expects.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Expectation {
    /// A 2xx answer whose body passes every check.
    Success(SuccessExpectation),
    /// An error answer.
    Error(ErrorExpectation),
    /// AWS leaves this open: any named option is accepted and recorded as an observation.
    Open(OpenExpectation),
    /// A success whose pages, followed to the end, hold exactly the executions of a fixture that
    /// the request's filters select (judged by the oracle in `oracle`).
    Executions(ExecutionsExpectation),
    /// A success that answers what a fixture seeded (fixture protocol v2), judged by the oracle:
    /// the execution, task or invocation the ids name (the Get operations), or every task of the
    /// execution or invocation of the task that the request's STATUS filters select, pages
    /// followed (the Describe operations).
    Seeded(SeededExpectation),
    /// A request within every constraint of the model whose answer the model does not fix (AWS
    /// may make checks of its own beyond it): a success, or an error the operation may answer
    /// (its model's, AWS's common ones, the protocol's) that names no violation of the model's
    /// constraints where it is written in AWS's validation form.
    Accepted(AcceptedExpectation),
    /// A success listing a window's runs (`DescribeMaintenanceWindowSchedule`): every run of
    /// its schedule that the request's filters and the window's dates admit, in order, pages
    /// followed where the range has an end (else the first page, as the start of the series),
    /// computed by the oracle (`oracle::schedule`).
    Schedule(ScheduleExpectation),
}

/// The window whose runs a schedule case lists, and how a skipped or repeated wall-clock time
/// is read (the options of `schedule-dst-gap` and `schedule-dst-overlap`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleExpectation {
    /// The window's `CreateMaintenanceWindow` members that make its schedule: `Name`,
    /// `Schedule`, and any of `ScheduleTimezone`, `ScheduleOffset`, `StartDate`, `EndDate`.
    pub window: serde_json::Map<String, Value>,
    /// A wall-clock time a spring-forward change skips: `skipped`, `gap-end` (default) or
    /// `shifted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap: Option<String>,
    /// A wall-clock time a fall-back change repeats: `first` (default), `second` or `both`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overlap: Option<String>,
}

impl ScheduleExpectation {
    /// The readings of the daylight-saving options, or why one is not an option.
    pub(crate) fn readings(
        &self,
    ) -> Result<
        (
            crate::oracle::schedule::GapReading,
            crate::oracle::schedule::OverlapReading,
        ),
        String,
    > {
        use crate::oracle::schedule::{GapReading, OverlapReading};
        let gap = match self.gap.as_deref() {
            None | Some("gap-end") => GapReading::GapEnd,
            Some("skipped") => GapReading::Skipped,
            Some("shifted") => GapReading::Shifted,
            Some(other) => return Err(format!("gap {other:?} is not skipped, gap-end or shifted")),
        };
        let overlap = match self.overlap.as_deref() {
            None | Some("first") => OverlapReading::First,
            Some("second") => OverlapReading::Second,
            Some("both") => OverlapReading::Both,
            Some(other) => return Err(format!("overlap {other:?} is not first, second or both")),
        };
        Ok((gap, overlap))
    }
}

/// The `accepted` expectation: it takes no members (`{}`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptedExpectation {}

/// The seeded item (or list) a case asks about: a fixture and the ids within it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SeededExpectation {
    /// The fixture (it must be among the case's needs: `fixture:<name>`).
    pub fixture: String,
    /// The WindowExecutionId, as seeded.
    pub execution: String,
    /// The TaskExecutionId, for a task, its invocations, or one invocation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// The InvocationId, for one invocation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invocation: Option<String>,
}

/// The executions a correct target returns, computed by the oracle from a fixture and the
/// request. The optional members give the request the meaning one option of an open choice
/// gives it; without them, the plain reading: every value and every filter must hold.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExecutionsExpectation {
    /// The fixture whose window the request names (`${fixture:<name>}`).
    pub fixture: String,
    /// Several values in one filter: `all` (default), `any`, `first` or `last` counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<String>,
    /// Several filters with one key: `all` (default), `any`, `first` or `last` counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_keys: Option<String>,
    /// ExecutedAfter with ExecutedBefore: `all` (default: both hold) or `any` (either holds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<String>,
    /// Second 60: `rolls-over` (the next minute's first second) or `clamped` (second 59).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_60: Option<String>,
    /// Hour 24: `next-day` (`T24:00:00` is the next day's midnight).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hour_24: Option<String>,
}

impl ExecutionsExpectation {
    /// The meaning this expectation gives the request.
    pub fn semantics(&self) -> Result<crate::oracle::Semantics, String> {
        use crate::oracle::{Combine, Second60};
        let combine = |name: &str, v: &Option<String>| match v.as_deref() {
            None => Ok(Combine::All),
            Some(s) => Combine::parse(s).ok_or_else(|| format!("{name} {s:?} is not all, any, first or last")),
        };
        let mut semantics = crate::oracle::Semantics {
            values: combine("values", &self.values)?,
            duplicate_keys: combine("duplicate_keys", &self.duplicate_keys)?,
            keys: match self.keys.as_deref() {
                None | Some("all") => Combine::All,
                Some("any") => Combine::Any,
                Some(other) => return Err(format!("keys {other:?} is not all or any")),
            },
            ..Default::default()
        };
        semantics.reading.second_60 = match self.second_60.as_deref() {
            None => Second60::Refused,
            Some("rolls-over") => Second60::RollsOver,
            Some("clamped") => Second60::Clamped,
            Some(other) => return Err(format!("second_60 {other:?} is not rolls-over or clamped")),
        };
        semantics.reading.hour_24_is_next_day = match self.hour_24.as_deref() {
            None => false,
            Some("next-day") => true,
            Some(other) => return Err(format!("hour_24 {other:?} is not next-day")),
        };
        Ok(semantics)
    }
}

/// A success, with checks on the body.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SuccessExpectation {
    /// Checks on the JSON body.
    #[serde(default)]
    pub checks: Vec<Check>,
}

/// An error answer.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorExpectation {
    /// `"4xx"`, `"5xx"` or an exact code.
    pub status: StatusExpectation,
    /// The error type, or a list of acceptable ones, or `*` for any (the one seen is recorded).
    #[serde(rename = "type")]
    pub error_type: OneOrMany,
    /// A fragment the message must contain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_contains: Option<String>,
    /// The model constraints the request violates, exactly (none: `[]`). Judged where the target
    /// writes AWS's validation message form; recorded as the choice `validation-message-form`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violations: Option<Vec<ExpectedViolation>>,
}

impl Expectation {
    /// What the case expects, in one line a person reads in a failure block.
    pub fn summary(&self) -> String {
        match self {
            Expectation::Success(s) if s.checks.is_empty() => "a success".into(),
            Expectation::Success(s) => format!("a success ({} checks on the body)", s.checks.len()),
            Expectation::Error(e) => {
                let types = e.error_type.as_slice();
                let what = if types.iter().any(|t| t == "*") {
                    "an error of any type".to_string()
                } else {
                    types.join(" or ")
                };
                let mut out = format!("HTTP {} {what}", e.status);
                match e.violations.as_deref() {
                    Some([]) => out.push_str(", naming no model constraint"),
                    Some(v) => {
                        let named: Vec<String> =
                            v.iter().map(|v| format!("'{}': {}", v.member, v.constraint)).collect();
                        out.push_str(&format!(", naming {}", named.join("; ")));
                    }
                    None => {}
                }
                out
            }
            Expectation::Executions(x) => format!(
                "a success listing exactly the executions of fixture {:?} the request selects",
                x.fixture
            ),
            Expectation::Seeded(x) => {
                let what = match (&x.task, &x.invocation) {
                    (_, Some(i)) => format!("invocation {i}"),
                    (Some(t), None) => format!("task {t} (or its invocations the request selects)"),
                    (None, None) => format!("execution {} (or its tasks the request selects)", x.execution),
                };
                format!("a success answering {what} as fixture {:?} seeded it", x.fixture)
            }
            Expectation::Accepted(_) => {
                "a success, or an error the operation may answer that names no model constraint".into()
            }
            Expectation::Schedule(x) => format!(
                "a success listing the runs of schedule {} the request admits, in order",
                x.window.get("Schedule").unwrap_or(&Value::Null)
            ),
            Expectation::Open(o) => {
                let options: Vec<String> = o.options.iter().map(|(n, e)| format!("{n}: {}", e.summary())).collect();
                format!("where AWS leaves {:?} open, one of — {}", o.choice, options.join(" | "))
            }
        }
    }
}

/// Whether a target that meets the expectation changes nothing: an error (every option an
/// error), or `accepted` (whose cases name windows, targets and tasks that do not exist, or
/// read; but for CreateMaintenanceWindow's, which the caller tells apart). Such a request may
/// be sent again after a dropped connection.
pub(crate) fn changes_nothing(e: &Expectation) -> bool {
    match e {
        Expectation::Error(_) | Expectation::Accepted(_) => true,
        Expectation::Open(o) => o.options.values().all(changes_nothing),
        _ => false,
    }
}

/// Whether an expectation (or one of its options) names violations its request makes.
pub(crate) fn names_violations(e: &Expectation) -> bool {
    match e {
        Expectation::Error(err) => err.violations.as_ref().is_some_and(|v| !v.is_empty()),
        Expectation::Open(o) => o.options.values().any(names_violations),
        _ => false,
    }
}

/// An HTTP status class or exact code.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum StatusExpectation {
    /// An exact code.
    Code(u16),
    /// `"2xx"`, `"4xx"` or `"5xx"`.
    Class(String),
}

impl StatusExpectation {
    /// Whether `status` meets it.
    pub fn matches(&self, status: u16) -> bool {
        match self {
            StatusExpectation::Code(c) => *c == status,
            StatusExpectation::Class(c) => c.len() == 3 && c.ends_with("xx") && c[..1] == status.to_string()[..1],
        }
    }
}

impl std::fmt::Display for StatusExpectation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusExpectation::Code(c) => write!(f, "{c}"),
            StatusExpectation::Class(c) => f.write_str(c),
        }
    }
}

/// One string or several.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum OneOrMany {
    /// Exactly this one.
    One(String),
    /// Any of these.
    Many(Vec<String>),
}

impl OneOrMany {
    /// All accepted values.
    pub fn as_slice(&self) -> &[String] {
        match self {
            OneOrMany::One(s) => std::slice::from_ref(s),
            OneOrMany::Many(v) => v,
        }
    }
}

/// An open behaviour: the choice's name and its acceptable options.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OpenExpectation {
    /// The choice, shared by every case that observes it (e.g. `unknown-window`).
    pub choice: String,
    /// Option name → what that option looks like (a success or an error).
    pub options: BTreeMap<String, Expectation>,
}

/// A check on a success body; pointers are RFC 6901 JSON pointers.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// The value at `pointer` equals `value`.
    Equals {
        /// Where.
        pointer: String,
        /// What.
        value: Value,
    },
    /// The array (or string, in characters) at `pointer` has `value` entries.
    Length {
        /// Where.
        pointer: String,
        /// How many.
        value: usize,
    },
    /// The member is absent, null or an empty string (how a paginator sees "no more pages").
    AbsentOrEmpty(String),
    /// The value at `pointer` equals `value`, or is absent: a member the model marks sensitive,
    /// which a target may leave out of its answers but never alter.
    EqualsOrAbsent {
        /// Where.
        pointer: String,
        /// What it is where given.
        value: Value,
    },
    /// The value at `pointer` has this JSON type (`array`, `object`, `string`, `number`, ...).
    Type {
        /// Where.
        pointer: String,
        /// Which type.
        value: String,
    },
    /// The value at `pointer` is one of `values` (a status a state may be in, of several).
    OneOf {
        /// Where.
        pointer: String,
        /// What it may be.
        values: Vec<Value>,
    },
}

/// A need a case has of its target.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Need {
    /// `window:existing`: a window that exists, with any executions (`--window-id`, or created).
    ExistingWindow,
    /// `window:existing-empty`: a window that exists and has no executions.
    ExistingEmptyWindow,
    /// `window:own`: a window created for this case alone (with `CreateMaintenanceWindow`), for
    /// cases that register targets and tasks in it; deleted at cleanup.
    OwnWindow,
    /// `fixture:<name>`: a window seeded with that fixture (needs the fixture protocol).
    Fixture(String),
}

impl Need {
    /// Parse the spec spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "window:existing" => Some(Need::ExistingWindow),
            "window:existing-empty" => Some(Need::ExistingEmptyWindow),
            "window:own" => Some(Need::OwnWindow),
            _ => s
                .strip_prefix("fixture:")
                .filter(|n| FIXTURE_NAME.is_match(n))
                .map(|n| Need::Fixture(n.to_string())),
        }
    }
}

impl std::fmt::Display for Need {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Need::ExistingWindow => f.write_str("window:existing"),
            Need::ExistingEmptyWindow => f.write_str("window:existing-empty"),
            Need::OwnWindow => f.write_str("window:own"),
            Need::Fixture(n) => write!(f, "fixture:{n}"),
        }
    }
}

/// A placeholder inside a request string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Placeholder {
    /// `${window}`: an existing window, with any executions.
    Window,
    /// `${empty_window}`: an existing window without executions.
    EmptyWindow,
    /// `${unknown_window}`: a well-formed id that names no window.
    UnknownWindow,
    /// `${own_window}`: the window created for this case alone.
    OwnWindow,
    /// `${saved:NAME}`: a value an earlier answer of the case gave (its `save`).
    Saved(String),
    /// `${unique}`: 17 lower-case hex digits drawn for this case (a ClientToken, an instance
    /// id no other case names).
    Unique,
    /// `${run_window_name}`: a window name the run's cleanup and `sweep` know as the run's.
    RunWindowName,
    /// `${fixture:NAME}`: the window seeded with fixture NAME.
    Fixture(String),
    /// `${repeat:TEXT:N}`: TEXT repeated N times (long and multibyte values stay readable).
    Repeat(String, usize),
}

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\$\{([^}]*)\}").expect("valid"));
static CASE_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[a-z0-9][a-z0-9-]*$").expect("valid"));
static FIXTURE_NAME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[a-z0-9][a-z0-9_-]*$").expect("valid"));
static AREA: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[a-z0-9][a-z0-9_]*$").expect("valid"));
/// How a generated file's description starts (the rest names the model it was generated from).
pub const GENERATED_MARK: &str = "Generated by `cargo xtask specs` from ";
/// A `cite` of a `model` source: `Shape` or `Shape$member`.
pub(crate) static SHAPE_PATH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z][A-Za-z0-9]*(\$[A-Za-z][A-Za-z0-9]*)?$").expect("valid"));

impl Placeholder {
    /// Parse the text between `${` and `}`.
    pub(crate) fn parse(inner: &str) -> Result<Self, String> {
        match inner {
            "window" => Ok(Placeholder::Window),
            "empty_window" => Ok(Placeholder::EmptyWindow),
            "unknown_window" => Ok(Placeholder::UnknownWindow),
            "own_window" => Ok(Placeholder::OwnWindow),
            "unique" => Ok(Placeholder::Unique),
            "run_window_name" => Ok(Placeholder::RunWindowName),
            _ if inner.starts_with("saved:") && FIXTURE_NAME.is_match(&inner[6..]) => {
                Ok(Placeholder::Saved(inner[6..].to_string()))
            }
            _ if inner.starts_with("fixture:") && FIXTURE_NAME.is_match(&inner[8..]) => {
                Ok(Placeholder::Fixture(inner[8..].to_string()))
            }
            _ => {
                if let Some(rest) = inner.strip_prefix("repeat:")
                    && let Some((text, n)) = rest.rsplit_once(':')
                    && let Ok(n) = n.parse::<usize>()
                    && !text.is_empty()
                    && n <= 1_000_000
                {
                    return Ok(Placeholder::Repeat(text.to_string(), n));
                }
                Err(format!(
                    "unknown placeholder ${{{inner}}} (known: ${{window}}, ${{empty_window}}, ${{unknown_window}}, ${{own_window}}, ${{saved:NAME}}, ${{unique}}, ${{run_window_name}}, ${{fixture:NAME}}, ${{repeat:TEXT:N}})"
                ))
            }
        }
    }

    /// The need this placeholder implies.
    pub(crate) fn need(&self) -> Option<Need> {
        match self {
            Placeholder::Window => Some(Need::ExistingWindow),
            Placeholder::EmptyWindow => Some(Need::ExistingEmptyWindow),
            Placeholder::OwnWindow => Some(Need::OwnWindow),
            Placeholder::Fixture(n) => Some(Need::Fixture(n.clone())),
            _ => None,
        }
    }
}

/// Every placeholder in `text`.
pub(crate) fn placeholders_in(text: &str) -> Result<Vec<Placeholder>, String> {
    PLACEHOLDER
        .captures_iter(text)
        .map(|c| Placeholder::parse(&c[1]))
        .collect()
}

/// Replace every placeholder in `text` by what `value` gives for it.
pub(crate) fn substitute(text: &str, value: &dyn Fn(&Placeholder) -> String) -> String {
    // Most strings hold no placeholder: a byte search settles them without the regex.
    if !text.contains("${") {
        return text.to_string();
    }
    PLACEHOLDER
        .replace_all(text, |c: &regex::Captures<'_>| {
            let p = Placeholder::parse(&c[1]).expect("placeholders are checked at load");
            value(&p)
        })
        .into_owned()
}

/// Apply [`substitute`] to every string inside a JSON value. The value is cloned whole (an
/// object's clone copies its index; collecting one anew would hash every key again), then the
/// strings that hold a placeholder are replaced in place.
pub(crate) fn substitute_json(v: &Value, value: &dyn Fn(&Placeholder) -> String) -> Value {
    fn replace(v: &mut Value, value: &dyn Fn(&Placeholder) -> String) {
        match v {
            Value::String(s) if s.contains("${") => *s = substitute(s, value),
            Value::Array(a) => a.iter_mut().for_each(|x| replace(x, value)),
            Value::Object(o) => o.values_mut().for_each(|x| replace(x, value)),
            _ => {}
        }
    }
    let mut out = v.clone();
    replace(&mut out, value);
    out
}

fn strings_in(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings_in(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings_in(x, out)),
        _ => {}
    }
}

/// A case as loaded, with where it came from.
#[derive(Debug, Clone)]
pub struct LoadedCase {
    /// The spec file.
    pub(crate) file: PathBuf,
    /// The file's area.
    pub(crate) area: String,
    /// The case.
    pub(crate) case: Case,
    /// Its needs: the listed ones and those its placeholders imply.
    pub(crate) needs: Vec<Need>,
    /// Whether its expectations hold placeholders (found at load, so that a run replaces them
    /// only where there are some): its own first, then each step's.
    pub(crate) templated: Vec<bool>,
}

impl LoadedCase {
    /// The spec file it was read from.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// Its area (the file's; the first part of its name).
    pub fn area(&self) -> &str {
        &self.area
    }

    /// Its id within the area.
    pub fn id(&self) -> &str {
        &self.case.id
    }

    /// The operation it sends, as the spec names it.
    pub fn operation_name(&self) -> &str {
        self.case.request.operation()
    }

    /// What it tests, in a sentence.
    pub fn description(&self) -> &str {
        &self.case.description
    }

    /// Where its expectation comes from: `model`, `docs` or `observed:<profile>`.
    pub fn source(&self) -> &str {
        &self.case.source
    }

    /// Whether it needs nothing seeded or created (no fixture, window or execution).
    pub fn needs_nothing(&self) -> bool {
        self.needs.is_empty()
    }

    /// What the case needs of its target (its `needs` and what its placeholders imply).
    pub fn needs(&self) -> &[Need] {
        &self.needs
    }

    /// The case as the spec file has it, for the crate's own tests (`_internals::spec`).
    #[doc(hidden)]
    pub fn case(&self) -> &Case {
        &self.case
    }

    /// The trial name, `<area>::<case-id>`.
    pub fn name(&self) -> String {
        format!("{}::{}", self.area, self.case.id)
    }

    /// The operation the case sends, when the suite knows it (a case may send a name no
    /// operation has, to see it refused).
    pub fn operation(&self) -> Option<crate::model::Operation> {
        crate::model::Operation::from_name(self.case.request.operation())
    }

    /// Where the case leaves its error type open (`"type": "*"`, outside an open choice's
    /// options): the kind of error it is, its operation and the rule it cites. The cases of one
    /// kind must be answered with one type (`choices::open-error-type`).
    pub fn open_error_kind(&self) -> Option<String> {
        match &self.case.expect {
            Expectation::Error(e) if e.error_type.as_slice().iter().any(|t| t == "*") => Some(format!(
                "{}: {}",
                self.case.request.operation(),
                self.case.cite.as_deref().unwrap_or(&self.case.source)
            )),
            _ => None,
        }
    }

    /// The open choice the case's own expectation names, if any.
    pub fn open_choice(&self) -> Option<&str> {
        match &self.case.expect {
            Expectation::Open(o) => Some(&o.choice),
            _ => None,
        }
    }

    /// Every open expectation of the case: its own, then its steps'.
    pub fn open_expectations(&self) -> impl Iterator<Item = &OpenExpectation> {
        std::iter::once(&self.case.expect)
            .chain(self.case.then.iter().map(|s| &s.expect))
            .filter_map(|e| match e {
                Expectation::Open(o) => Some(o),
                _ => None,
            })
    }

    /// Every open choice this case may observe: its own, and the oracle's where it judges
    /// executions.
    pub fn choices(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.open_expectations().map(|o| o.choice.as_str()).collect();
        if !executions_fixtures(&self.case.expect).is_empty() {
            out.extend(crate::choices::observed_by(crate::choices::ObservedBy::Oracle).map(|c| c.name));
        }
        if !seeded_expectations(&self.case.expect).is_empty() {
            out.push(crate::choices::SENSITIVE_MEMBERS);
            out.push(crate::choices::ABSENT_MEMBERS);
            out.push(crate::choices::ITEM_ORDER);
            if self.operation().is_some_and(|o| {
                matches!(
                    o,
                    crate::model::Operation::DescribeMaintenanceWindowExecutionTasks
                        | crate::model::Operation::DescribeMaintenanceWindowExecutionTaskInvocations
                )
            }) {
                out.push(crate::choices::TOKEN_OTHER_PARENT);
                out.push(crate::choices::TOKEN_OTHER_STATUS);
            }
        }
        if names_violations(&self.case.expect) {
            out.push(crate::choices::VALIDATION_MESSAGE_FORM);
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// A violation a case expects: the member path and the constraint, in AWS's words.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedViolation {
    /// `windowId`, `filters.1.member.key`, `filters.1.member.values`, `maxResults`, …
    pub member: String,
    /// `Member must have length less than or equal to 128`, …
    pub constraint: String,
}

/// A spec file or case that cannot be used; names the file, the case and the place.
#[derive(Debug, thiserror::Error)]
#[error("{}{}{}: {message}", file.display(), case.as_ref().map(|c| format!(", case {c:?}")).unwrap_or_default(), if path.is_empty() { String::new() } else { format!(", at {path}") })]
pub struct SpecError {
    /// The file.
    pub file: PathBuf,
    /// The case id, when the error is inside one.
    pub case: Option<String>,
    /// The JSON path of the offending value.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// The error type a case expects when it sends an operation name the model lacks on purpose.
const UNKNOWN_OPERATION: &str = "UnknownOperationException";

/// Why a case marked `together` could see or change another case's windows, if it could: a
/// window it makes without a name of its own, or windows it lists without that name.
fn check_together(case: &Case) -> Result<(), (String, String)> {
    const OWN: &str = "${unique}";
    let requests = std::iter::once((".request".to_string(), &case.request)).chain(
        case.then
            .iter()
            .enumerate()
            .map(|(k, s)| (format!(".then[{k}].request"), &s.request)),
    );
    for (at, request) in requests {
        let params = request.params.as_ref().unwrap_or(&Value::Null);
        let own_name = |v: &Value| v.as_str().is_some_and(|n| n.contains(OWN));
        match request.operation() {
            "CreateMaintenanceWindow" if !own_name(&params["Name"]) => {
                return Err((at, format!("a case run together makes windows named with {OWN}")));
            }
            "DescribeMaintenanceWindows" => {
                let by_own_name = params["Filters"].as_array().is_some_and(|filters| {
                    filters.iter().any(|f| {
                        f["Key"] == "Name"
                            && f["Values"]
                                .as_array()
                                .is_some_and(|v| !v.is_empty() && v.iter().all(own_name))
                    })
                });
                if !by_own_name {
                    return Err((at, format!("a case run together lists windows by a Name holding {OWN}")));
                }
            }
            "CreateMaintenanceWindow" => {}
            op if crate::model::Operation::from_name(op).is_some_and(|o| o.runs_alone()) => {
                return Err((at, format!("a case run together does not send {op}")));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Load and check one spec file.
pub fn load_file(file: &Path) -> Result<Vec<LoadedCase>, SpecError> {
    let err = |case: Option<String>, path: String, message: String| SpecError {
        file: file.to_path_buf(),
        case,
        path,
        message,
    };
    let text = std::fs::read_to_string(file).map_err(|e| err(None, String::new(), e.to_string()))?;
    let raw: Value = serde_json::from_str(&text).map_err(|e| err(None, String::new(), format!("not JSON: {e}")))?;
    let parsed: SpecFile = serde_path_to_error::deserialize(&raw).map_err(|e| {
        let path = e.path().to_string();
        // Name the case by its id when the path runs through one.
        let case = path
            .strip_prefix("cases[")
            .and_then(|r| r.split(']').next())
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| raw["cases"][i]["id"].as_str().map(str::to_string));
        err(case, path, e.into_inner().to_string())
    })?;
    if parsed.generated && !parsed.description.starts_with(GENERATED_MARK) {
        return Err(err(
            None,
            "description".into(),
            format!("a generated file's description starts with {GENERATED_MARK:?}"),
        ));
    }
    if !AREA.is_match(&parsed.area) {
        return Err(err(
            None,
            "area".into(),
            format!("{:?} must match {}", parsed.area, AREA.as_str()),
        ));
    }
    let mut seen = HashMap::new();
    let mut out = Vec::new();
    for (i, case) in parsed.cases.into_iter().enumerate() {
        let at = |p: &str| format!("cases[{i}]{p}");
        let cerr = |p: &str, m: String| err(Some(case.id.clone()), at(p), m);
        if !CASE_ID.is_match(&case.id) {
            return Err(cerr(".id", format!("{:?} must match {}", case.id, CASE_ID.as_str())));
        }
        if let Some(first) = seen.insert(case.id.clone(), i) {
            return Err(cerr(".id", format!("duplicate id (first at cases[{first}])")));
        }
        check_source(&case).map_err(|(p, m)| cerr(p, m))?;
        if case.together {
            check_together(&case).map_err(|(p, m)| cerr(&p, m))?;
        }
        let mut needs = Vec::new();
        for (j, n) in case.needs.iter().enumerate() {
            needs.push(Need::parse(n).ok_or_else(|| cerr(&format!(".needs[{j}]"), format!("unknown need {n:?}")))?);
        }
        let req = &case.request;
        // A name the model lacks is a typo, unless the case sends it to see it refused.
        let refused = matches!(&case.expect, Expectation::Error(e)
            if e.error_type.as_slice().iter().any(|t| t == UNKNOWN_OPERATION));
        if crate::model::Operation::from_name(req.operation()).is_none() && !refused {
            return Err(cerr(
                ".request.operation",
                format!(
                    "the model has no operation {:?} (it has {}); a case that sends an unknown name on purpose \
                     expects {UNKNOWN_OPERATION}",
                    req.operation(),
                    crate::model::Operation::ALL.map(|o| o.name()).join(", ")
                ),
            ));
        }
        let mut strings = Vec::new();
        match (&req.params, &req.raw) {
            (Some(p @ Value::Object(_)), None) => strings_in(p, &mut strings),
            (Some(_), None) => {
                return Err(cerr(
                    ".request.params",
                    "parameters are a JSON object (use `raw` for anything else)".into(),
                ));
            }
            (None, Some(r)) => strings.push(r.clone()),
            _ => {
                return Err(cerr(".request", "exactly one of `params` and `raw` is required".into()));
            }
        }
        for s in &strings {
            for p in placeholders_in(s).map_err(|m| cerr(".request", m))? {
                needs.extend(p.need());
            }
        }
        needs.sort();
        needs.dedup();
        check_expectation(&case.expect, true).map_err(|(p, m)| cerr(&format!(".expect{p}"), m))?;
        for x in seeded_expectations(&case.expect) {
            if !needs.contains(&Need::Fixture(x.fixture.clone())) {
                return Err(cerr(
                    ".expect",
                    format!(
                        "judges fixture {:?}, but `needs` has no \"fixture:{}\"",
                        x.fixture, x.fixture
                    ),
                ));
            }
            if x.invocation.is_some() && x.task.is_none() {
                return Err(cerr(
                    ".expect.seeded",
                    "an invocation is named within its task: `task` is required".into(),
                ));
            }
        }
        for x in executions_expectations(&case.expect) {
            let fixture = &x.fixture;
            if !needs.contains(&Need::Fixture(fixture.to_string())) {
                return Err(cerr(
                    ".expect",
                    format!("judges fixture {fixture:?}, but the request names no ${{fixture:{fixture}}}"),
                ));
            }
            let semantics = x.semantics().map_err(|m| cerr(".expect", m))?;
            crate::oracle::Query::from_params(req.params.as_ref(), &semantics)
                .map_err(|m| cerr(".request.params", format!("the oracle cannot judge this request: {m}")))?;
        }
        // `${saved:NAME}`: saved by the case or an earlier step, never by the request that
        // sends it; every save a JSON pointer.
        let mut saved: Vec<&String> = Vec::new();
        for s in &strings {
            for p in placeholders_in(s).map_err(|m| cerr(".request", m))? {
                if let Placeholder::Saved(name) = p {
                    return Err(cerr(
                        ".request",
                        format!("${{saved:{name}}}: the case's own request sends nothing saved yet"),
                    ));
                }
            }
        }
        for (name, pointer) in case.save.iter().chain(case.then.iter().flat_map(|s| &s.save)) {
            if !pointer.starts_with('/') {
                return Err(cerr(".save", format!("{name}: {pointer:?} is not a JSON pointer")));
            }
        }
        // An expectation's placeholders: known ones, and saved ones only where the request
        // could send them.
        let expectation_placeholders = |e: &Expectation| {
            let mut strings = Vec::new();
            strings_in(
                &serde_json::to_value(e).expect("an expectation serializes"),
                &mut strings,
            );
            strings
                .iter()
                .map(|s| placeholders_in(s))
                .collect::<Result<Vec<_>, _>>()
                .map(|all| all.into_iter().flatten().collect::<Vec<_>>())
        };
        let own = expectation_placeholders(&case.expect).map_err(|m| cerr(".expect", m))?;
        let mut templated = vec![!own.is_empty()];
        for p in own {
            if matches!(p, Placeholder::Saved(_)) || p.need().is_some_and(|n| !needs.contains(&n)) {
                return Err(cerr(
                    ".expect",
                    "an expectation's placeholders are its request's or needs' (nothing is saved yet)".into(),
                ));
            }
        }
        saved.extend(case.save.keys());
        for (k, step) in case.then.iter().enumerate() {
            let at = |p: &str| format!(".then[{k}]{p}");
            if step.description.trim().is_empty() {
                return Err(cerr(&at(".description"), "a step says what it reads or does".into()));
            }
            let Some(p @ Value::Object(_)) = &step.request.params else {
                return Err(cerr(&at(".request"), "a step sends `params`, a JSON object".into()));
            };
            if step.request.raw.is_some() {
                return Err(cerr(&at(".request"), "a step sends `params` only".into()));
            }
            if let Some(w) = &step.when {
                let named = step.when().filter(|(choice, option)| match &case.expect {
                    Expectation::Open(o) => &o.choice == choice && o.options.contains_key(*option),
                    _ => false,
                });
                if named.is_none() {
                    return Err(cerr(
                        &at(".when"),
                        format!("{w:?} is not CHOICE=OPTION of the case's own open expectation"),
                    ));
                }
            }
            if crate::model::Operation::from_name(step.request.operation()).is_none() {
                return Err(cerr(
                    &at(".request.operation"),
                    format!("{:?} is not an operation of the family", step.request.operation()),
                ));
            }
            let mut strings = Vec::new();
            strings_in(p, &mut strings);
            for s in &strings {
                for ph in placeholders_in(s).map_err(|m| cerr(&at(".request"), m))? {
                    if ph.need().is_some_and(|n| !needs.contains(&n)) {
                        return Err(cerr(
                            &at(".request"),
                            "a step's placeholders are the case's own request's or needs'".into(),
                        ));
                    }
                    if let Placeholder::Saved(name) = &ph
                        && !saved.contains(&name)
                    {
                        return Err(cerr(
                            &at(".request"),
                            format!("${{saved:{name}}} is saved by no earlier answer of the case (`save`)"),
                        ));
                    }
                }
            }
            let in_step = expectation_placeholders(&step.expect).map_err(|m| cerr(&at(".expect"), m))?;
            templated.push(!in_step.is_empty());
            for p in in_step {
                let unsaved = matches!(&p, Placeholder::Saved(name) if !saved.contains(&name));
                if unsaved || p.need().is_some_and(|n| !needs.contains(&n)) {
                    return Err(cerr(
                        &at(".expect"),
                        "an expectation's placeholders are the case's needs' or saved by an earlier answer".into(),
                    ));
                }
            }
            saved.extend(step.save.keys());
            check_expectation(&step.expect, true).map_err(|(p, m)| cerr(&at(&format!(".expect{p}")), m))?;
            if !executions_expectations(&step.expect).is_empty() || !seeded_expectations(&step.expect).is_empty() {
                return Err(cerr(
                    &at(".expect"),
                    "a step's answer is judged by its checks, not walked (no `executions` or `seeded`)".into(),
                ));
            }
        }
        out.push(LoadedCase {
            file: file.to_path_buf(),
            area: parsed.area.clone(),
            case,
            needs,
            templated,
        });
    }
    Ok(out)
}

/// The executions expectations inside an expectation (its options', where it is open).
pub(crate) fn executions_expectations(e: &Expectation) -> Vec<&ExecutionsExpectation> {
    match e {
        Expectation::Executions(x) => vec![x],
        Expectation::Open(o) => o.options.values().flat_map(executions_expectations).collect(),
        _ => Vec::new(),
    }
}

/// The seeded expectations inside an expectation (its options', where it is open).
pub(crate) fn seeded_expectations(e: &Expectation) -> Vec<&SeededExpectation> {
    match e {
        Expectation::Seeded(x) => vec![x],
        Expectation::Open(o) => o.options.values().flat_map(seeded_expectations).collect(),
        _ => Vec::new(),
    }
}

/// The window members a schedule expectation takes.
const SCHEDULE_MEMBERS: [&str; 6] = [
    "Name",
    "Schedule",
    "ScheduleTimezone",
    "ScheduleOffset",
    "StartDate",
    "EndDate",
];

/// The schedule expectations of `e` (itself, or its options).
pub(crate) fn schedule_expectations(e: &Expectation) -> Vec<&ScheduleExpectation> {
    match e {
        Expectation::Schedule(x) => vec![x],
        Expectation::Open(o) => o.options.values().flat_map(schedule_expectations).collect(),
        _ => Vec::new(),
    }
}

/// The fixtures an expectation judges against.
pub(crate) fn executions_fixtures(e: &Expectation) -> Vec<&str> {
    executions_expectations(e)
        .into_iter()
        .map(|x| x.fixture.as_str())
        .collect()
}

/// Check the source, with the note or cite it needs; on error, the member at fault and why.
fn check_source(case: &Case) -> Result<(), (&'static str, String)> {
    let cite = case.cite.as_deref().filter(|c| !c.trim().is_empty());
    match case.source.as_str() {
        s @ ("model" | "docs") => match cite {
            None => Err((
                ".cite",
                format!(
                    "a `{s}` source needs a `cite`: {}",
                    if s == "model" {
                        "the shape path it rests on (`Shape` or `Shape$member`)"
                    } else {
                        "the sentence of the docs it rests on, word for word"
                    }
                ),
            )),
            Some(c) if s == "model" && !SHAPE_PATH.is_match(c) => Err((
                ".cite",
                format!("{c:?} is not a shape path (`Shape` or `Shape$member`)"),
            )),
            Some(_) => Ok(()),
        },
        s => match s.strip_prefix("observed:") {
            Some(profile) if !profile.is_empty() => {
                if case.note.as_deref().is_none_or(str::is_empty) {
                    Err((
                        ".note",
                        "an `observed:` source needs a `note` saying what was observed".into(),
                    ))
                } else if case.cite.is_some() {
                    Err((
                        ".cite",
                        "an `observed:` source has no `cite`; its `note` quotes what was observed".into(),
                    ))
                } else {
                    Ok(())
                }
            }
            _ => Err((
                ".source",
                format!("{s:?} is not `model`, `docs` or `observed:<profile>`"),
            )),
        },
    }
}

fn check_expectation(e: &Expectation, top: bool) -> Result<(), (String, String)> {
    match e {
        Expectation::Success(s) => {
            for (i, c) in s.checks.iter().enumerate() {
                let pointer = match c {
                    Check::Equals { pointer, .. }
                    | Check::EqualsOrAbsent { pointer, .. }
                    | Check::Length { pointer, .. }
                    | Check::Type { pointer, .. }
                    | Check::OneOf { pointer, .. } => pointer,
                    Check::AbsentOrEmpty(p) => p,
                };
                if !(pointer.is_empty() || pointer.starts_with('/')) {
                    return Err((
                        format!(".success.checks[{i}]"),
                        format!("{pointer:?} is not a JSON pointer"),
                    ));
                }
                if let Check::Type { value, .. } = c
                    && !["null", "boolean", "number", "string", "array", "object"].contains(&value.as_str())
                {
                    return Err((format!(".success.checks[{i}]"), format!("unknown JSON type {value:?}")));
                }
                if let Check::OneOf { values, .. } = c
                    && values.len() < 2
                {
                    return Err((
                        format!(".success.checks[{i}]"),
                        "one_of names two values or more (one is `equals`)".into(),
                    ));
                }
            }
            Ok(())
        }
        Expectation::Error(err) => {
            let status_ok = match &err.status {
                StatusExpectation::Class(c) => ["4xx", "5xx"].contains(&c.as_str()),
                StatusExpectation::Code(c) => (400..600).contains(c),
            };
            if !status_ok {
                return Err((
                    ".error.status".into(),
                    format!("{} is not 4xx, 5xx or a code from 400 to 599", err.status),
                ));
            }
            if err.error_type.as_slice().is_empty() {
                return Err((".error.type".into(), "at least one error type is required".into()));
            }
            Ok(())
        }
        Expectation::Executions(_) | Expectation::Seeded(_) | Expectation::Accepted(_) => Ok(()),
        Expectation::Schedule(x) => {
            x.readings().map_err(|e| (".schedule".to_string(), e))?;
            for member in x.window.keys() {
                if !SCHEDULE_MEMBERS.contains(&member.as_str()) {
                    return Err((
                        format!(".schedule.window.{member}"),
                        format!("not a member that makes a schedule: {}", SCHEDULE_MEMBERS.join(", ")),
                    ));
                }
            }
            for member in ["Name", "Schedule"] {
                if !x.window.get(member).is_some_and(Value::is_string) {
                    return Err((".schedule.window".into(), format!("{member} (a string) is required")));
                }
            }
            Ok(())
        }
        Expectation::Open(o) => {
            if !top {
                return Err((String::new(), "an option cannot itself be open".into()));
            }
            if o.options.len() < 2 {
                return Err((
                    ".open.options".into(),
                    "an open choice needs at least two options".into(),
                ));
            }
            for (name, option) in &o.options {
                check_expectation(option, false).map_err(|(p, m)| (format!(".open.options.{name}{p}"), m))?;
            }
            Ok(())
        }
    }
}

/// The folders under a specs folder that hold no spec files.
const NOT_SPECS: [&str; 1] = ["profiles"];

/// Load every `*.json` spec file in `dir` (not `schema.json`) and in its subfolders (one level:
/// `generated/`; not `profiles/`), sorted by path. Areas must be unique across files.
pub fn load_dir(dir: &Path) -> Result<Vec<LoadedCase>, SpecError> {
    let read_err = |m: String| SpecError {
        file: dir.to_path_buf(),
        case: None,
        path: String::new(),
        message: m,
    };
    let mut files = spec_files(dir).map_err(|e| read_err(e.to_string()))?;
    let mut subdirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| read_err(e.to_string()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_dir()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| !n.starts_with('.') && !NOT_SPECS.contains(&n))
        })
        .collect();
    subdirs.sort();
    for sub in subdirs {
        files.extend(spec_files(&sub).map_err(|e| read_err(format!("{}: {e}", sub.display())))?);
    }
    if files.is_empty() {
        return Err(read_err("no spec files (*.json) here".into()));
    }
    let mut areas: HashMap<String, PathBuf> = HashMap::new();
    let mut all = Vec::new();
    for f in files {
        let cases = load_file(&f)?;
        if let Some(first) = cases.first()
            && let Some(other) = areas.insert(first.area.clone(), f.clone())
        {
            return Err(SpecError {
                file: f,
                case: None,
                path: "area".into(),
                message: format!("area {:?} is also used by {}", first.area, other.display()),
            });
        }
        all.extend(cases);
    }
    Ok(all)
}

/// The spec files (`*.json` but `schema.json`) directly in `dir`, sorted by name.
fn spec_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.extension().is_some_and(|x| x == "json")
                && p.file_name().is_some_and(|n| n != "schema.json")
        })
        .collect();
    files.sort();
    Ok(files)
}

/// The pins: a named profile of open choices each pinned to one option (e.g. recorded from real
/// AWS), `specs/profiles/<name>.json`: choice → option. ("Pins", not "profile": the AWS
/// profile is the credentials' word.)
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Pins {
    /// Its name (`reference`, `aws`, ...).
    pub name: String,
    /// Where and when it was recorded.
    pub recorded: String,
    /// Choice → the option this profile requires.
    pub choices: BTreeMap<String, String>,
}

impl Pins {
    /// Load a profile file and check that every pinned choice and option exists in `cases`.
    pub fn load(file: &Path, cases: &[LoadedCase]) -> Result<Self, SpecError> {
        let err = |path: String, message: String| SpecError {
            file: file.to_path_buf(),
            case: None,
            path,
            message,
        };
        let text = std::fs::read_to_string(file).map_err(|e| err(String::new(), e.to_string()))?;
        let pins: Pins = serde_json::from_str(&text).map_err(|e| err(String::new(), e.to_string()))?;
        for (choice, option) in &pins.choices {
            let known = crate::choices::find(choice).is_some_and(|c| c.has_option(option))
                || cases.iter().any(|c| {
                    c.open_expectations()
                        .any(|o| &o.choice == choice && o.options.contains_key(option))
                });
            if !known {
                // Say what would have been right: the choice's options, or the choices there are.
                let mut options: BTreeSet<String> = crate::choices::find(choice)
                    .map(|c| c.options.iter().map(|o| o.to_string()).collect())
                    .unwrap_or_default();
                options.extend(cases.iter().flat_map(|c| {
                    c.open_expectations()
                        .filter(|o| &o.choice == choice)
                        .flat_map(|o| o.options.keys().cloned())
                        .collect::<Vec<_>>()
                }));
                let hint = if options.is_empty() {
                    let mut names: BTreeSet<String> =
                        crate::choices::CATALOGUE.iter().map(|c| c.name.to_string()).collect();
                    names.extend(
                        cases
                            .iter()
                            .flat_map(|c| c.open_expectations().map(|o| o.choice.clone()).collect::<Vec<_>>()),
                    );
                    format!(
                        "no choice is named {choice:?}; the choices: {}",
                        names.into_iter().collect::<Vec<_>>().join(", ")
                    )
                } else {
                    format!(
                        "{choice:?} has no option {option:?}; its options: {}",
                        options.into_iter().collect::<Vec<_>>().join(", ")
                    )
                };
                return Err(err(format!("choices.{choice}"), hint));
            }
        }
        Ok(pins)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        assert_eq!(Placeholder::parse("window"), Ok(Placeholder::Window));
        assert_eq!(Placeholder::parse("repeat:é:3"), Ok(Placeholder::Repeat("é".into(), 3)));
        assert_eq!(
            Placeholder::parse("repeat:a:b:2"),
            Ok(Placeholder::Repeat("a:b".into(), 2))
        );
        assert!(Placeholder::parse("nope").is_err());
        assert!(Placeholder::parse("repeat::2").is_err());
        let out = substitute("x${repeat:ab:2}y${window}", &|p| match p {
            Placeholder::Repeat(t, n) => t.repeat(*n),
            _ => "W".into(),
        });
        assert_eq!(out, "xababyW");
    }

    /// A spec file of one case (its `then` and `save` as given), loaded from a scratch file.
    fn load_one(case: serde_json::Value) -> Result<Vec<LoadedCase>, SpecError> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.json");
        let doc = serde_json::json!({"area": "a", "description": "d", "cases": [case]});
        std::fs::write(&file, doc.to_string()).unwrap();
        load_file(&file)
    }

    #[test]
    fn saved_values_are_sent_only_after_an_answer_saved_them() {
        let step = |params: serde_json::Value, expect: serde_json::Value| serde_json::json!({"description": "s", "request": {"operation": "GetMaintenanceWindow", "params": params}, "expect": expect});
        let ok = serde_json::json!({"success": {"checks": []}});
        let case = |then: Vec<serde_json::Value>, save: serde_json::Value, params: serde_json::Value| {
            serde_json::json!({
                "id": "c", "description": "d", "source": "model", "cite": "GetMaintenanceWindowRequest",
                "request": {"operation": "GetMaintenanceWindow", "params": params},
                "expect": {"success": {"checks": []}}, "then": then, "save": save,
            })
        };
        let w = serde_json::json!({"WindowId": "${own_window}"});
        let saved = serde_json::json!({"WindowId": "${saved:w}"});
        // Saved by the case, sent and checked by a step: loads, and needs its own window.
        let eq =
            serde_json::json!({"success": {"checks": [{"equals": {"pointer": "/WindowId", "value": "${saved:w}"}}]}});
        let loaded = load_one(case(
            vec![step(saved.clone(), eq.clone())],
            serde_json::json!({"w": "/WindowId"}),
            w.clone(),
        ))
        .unwrap();
        assert_eq!(loaded[0].needs, vec![Need::OwnWindow]);
        // Saved by nobody, sent by the case itself, or checked before it is saved: refused.
        for (then, save, params) in [
            (vec![step(saved.clone(), ok.clone())], serde_json::json!({}), w.clone()),
            (vec![], serde_json::json!({"w": "/WindowId"}), saved.clone()),
            (
                vec![
                    serde_json::json!({"description": "s", "request": {"operation": "GetMaintenanceWindow", "params": w}, "expect": eq, "save": {"w": "/WindowId"}}),
                ],
                serde_json::json!({}),
                w.clone(),
            ),
        ] {
            let e = load_one(case(then, save, params)).unwrap_err().to_string();
            assert!(e.contains("saved"), "{e}");
        }
        // A save is a JSON pointer.
        let e = load_one(case(vec![], serde_json::json!({"w": "WindowId"}), w))
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a JSON pointer"), "{e}");
    }

    /// A case runs together only where its windows are its own: made with `${unique}` in their
    /// name, listed by that name alone, nothing else that would have it run alone.
    #[test]
    fn a_case_runs_together_only_with_windows_of_its_own() {
        let made = serde_json::json!({"success": {"checks": []}});
        let create = |name: &str| serde_json::json!({"operation": "CreateMaintenanceWindow", "params": {"Name": name, "Schedule": "rate(7 days)", "Duration": 1, "Cutoff": 0, "AllowUnassociatedTargets": true}});
        let list = |filters: serde_json::Value| serde_json::json!({"description": "s", "request": {"operation": "DescribeMaintenanceWindows", "params": {"Filters": filters}}, "expect": made});
        let case = |request: serde_json::Value, then: Vec<serde_json::Value>| {
            serde_json::json!({
                "id": "c", "description": "d", "source": "model", "cite": "CreateMaintenanceWindowRequest",
                "request": request, "expect": made, "then": then, "together": true,
            })
        };
        let own = "${run_window_name}-${unique}";
        let by_own = serde_json::json!([{"Key": "Name", "Values": [own]}]);
        let loaded = load_one(case(create(own), vec![list(by_own.clone())])).unwrap();
        assert!(loaded[0].case.together);
        for (request, then, said) in [
            (create("${run_window_name}"), vec![list(by_own.clone())], ".request"),
            (create(own), vec![list(serde_json::json!([]))], ".then[0].request"),
            (
                create(own),
                vec![list(serde_json::json!([{"Key": "Name", "Values": [own, "other"]}]))],
                ".then[0].request",
            ),
            (
                create(own),
                vec![
                    serde_json::json!({"description": "s", "request": {"operation": "DeleteMaintenanceWindow", "params": {"WindowId": "${unknown_window}"}}, "expect": made}),
                ],
                ".then[0].request",
            ),
        ] {
            let e = load_one(case(request, then)).unwrap_err();
            assert!(e.path.ends_with(said), "{e}");
        }
    }

    #[test]
    fn status_classes() {
        assert!(StatusExpectation::Class("4xx".into()).matches(400));
        assert!(!StatusExpectation::Class("4xx".into()).matches(500));
        assert!(StatusExpectation::Code(501).matches(501));
    }
}
