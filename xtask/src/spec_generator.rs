//! `cargo xtask specs`: constraint cases generated from the vendored AWS model, one spec file per
//! operation around an execution (`specs/generated/<operation>.json`).
//!
//! The generator walks the operation's input shape: each required member left out (and all of
//! them at once), each string member one character short of its least length and one past its
//! most, at its bounds, with a multibyte character, in and off its pattern, each integer one
//! past its range, each list one entry past its most, and one wrong JSON type per member; into
//! lists, their elements' members likewise. Every value is judged against the model's
//! constraints here (lengths counted in characters, patterns matched by `regex`), so a case names
//! exactly the violations its request makes. A request within every constraint names an
//! execution that does not exist: DoesNotExistException.
//!
//! It reads nothing but the model (`ssm_conformance::model::VENDORED_MODEL`) and, for the one thing the
//! model leaves free, the filter a valid request carries, the documented filter key and status
//! (`ssm_conformance::model::DOCUMENTED_TASK_FILTER_KEYS`). The output is stable: the same model gives the
//! same bytes.

use std::path::{Path, PathBuf};

use regex::Regex;
use serde_json::{Map, Value, json};

use ssm_conformance::_internals::model;

/// The vendored model the cases are generated from, as the description of each file names it.
pub const MODEL_FILE: &str = model::VENDORED_MODEL_FILE;
/// The folder under `specs/` that holds the generated files.
pub const SUBDIR: &str = "generated";
/// The operations cases are generated for: the six around an execution, then the window's own
/// (read, delete, update, create), its targets and tasks, and the windows of a target. A window
/// a case creates (a target that validates nothing creates one for each) is the run's to
/// delete: the run records every window a case's `CreateMaintenanceWindow` answers. Then the
/// window's schedule.
pub const OPERATIONS: [&str; 22] = [
    "GetMaintenanceWindowExecution",
    "DescribeMaintenanceWindowExecutionTasks",
    "GetMaintenanceWindowExecutionTask",
    "DescribeMaintenanceWindowExecutionTaskInvocations",
    "GetMaintenanceWindowExecutionTaskInvocation",
    "CancelMaintenanceWindowExecution",
    "GetMaintenanceWindow",
    "DeleteMaintenanceWindow",
    "DescribeMaintenanceWindows",
    "UpdateMaintenanceWindow",
    "RegisterTargetWithMaintenanceWindow",
    "DescribeMaintenanceWindowTargets",
    "UpdateMaintenanceWindowTarget",
    "DeregisterTargetFromMaintenanceWindow",
    "RegisterTaskWithMaintenanceWindow",
    "DescribeMaintenanceWindowTasks",
    "GetMaintenanceWindowTask",
    "UpdateMaintenanceWindowTask",
    "DeregisterTaskFromMaintenanceWindow",
    "DescribeMaintenanceWindowsForTarget",
    "CreateMaintenanceWindow",
    "DescribeMaintenanceWindowSchedule",
];

/// Whether `operation` is one of the execution family, whose valid requests name an execution
/// that does not exist (the rest are answered as [`Accepted::Answered`]).
fn is_family(operation: &str) -> bool {
    OPERATIONS[..6].contains(&operation)
}

/// How the description of every generated file starts.
pub fn marker() -> String {
    format!(
        "{}{MODEL_FILE}: do not edit.",
        ssm_conformance::_internals::spec::GENERATED_MARK
    )
}

/// One generated spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// The operation.
    pub operation: String,
    /// Its path under `specs/` (`generated/get_execution.json`).
    pub path: PathBuf,
    /// The file's text: JSON, 2-space indent, a trailing newline.
    pub text: String,
    /// How many cases it holds.
    pub cases: usize,
}

/// The files the vendored model gives, in [`OPERATIONS`] order.
pub fn generate() -> Result<Vec<GeneratedFile>, String> {
    let model: Value =
        serde_json::from_str(model::VENDORED_MODEL).map_err(|e| format!("{MODEL_FILE}: not JSON: {e}"))?;
    generate_from(&model)
}

/// The files `model` gives.
pub fn generate_from(model: &Value) -> Result<Vec<GeneratedFile>, String> {
    OPERATIONS.iter().map(|op| operation_file(model, op)).collect()
}

/// `GetMaintenanceWindowExecutionTask` → `get_execution_task`: snake case without the family's
/// `MaintenanceWindow`;
/// and `RegisterTargetWithMaintenanceWindow` → `register_target_with_window` beyond the family.
pub fn file_stem(operation: &str) -> String {
    if is_family(operation) {
        snake(&operation.replacen("MaintenanceWindow", "", 1))
    } else {
        snake(&operation.replacen("MaintenanceWindow", "Window", 1))
    }
}

/// Write the generated files under `specs_dir/generated/`, removing any other `*.json` there.
/// Returns the files written.
pub fn write(specs_dir: &Path) -> Result<Vec<GeneratedFile>, String> {
    let files = generate()?;
    let dir = specs_dir.join(SUBDIR);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for stale in stale_files(&dir, &files)? {
        std::fs::remove_file(&stale).map_err(|e| format!("{}: {e}", stale.display()))?;
    }
    for f in &files {
        let path = specs_dir.join(&f.path);
        std::fs::write(&path, &f.text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(files)
}

/// Compare the files under `specs_dir/generated/` with what the model gives. `Err` names each
/// file that differs (or is missing, or is not generated) and its first difference.
pub fn check(specs_dir: &Path) -> Result<Vec<GeneratedFile>, String> {
    let files = generate()?;
    let mut problems = Vec::new();
    let dir = specs_dir.join(SUBDIR);
    for f in &files {
        let path = specs_dir.join(&f.path);
        match std::fs::read_to_string(&path) {
            Err(e) => problems.push(format!("{}: cannot be read ({e})", path.display())),
            Ok(committed) => {
                if let Some(d) = first_difference(&committed, &f.text) {
                    problems.push(format!("{}: {d}", path.display()));
                }
            }
        }
    }
    if dir.is_dir() {
        for stale in stale_files(&dir, &files)? {
            problems.push(format!("{}: not generated from the model", stale.display()));
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(format!(
            "the generated specs differ from what {MODEL_FILE} gives (`cargo xtask specs` rewrites them):\n{}",
            problems.join("\n")
        ))
    }
}

fn stale_files(dir: &Path, files: &[GeneratedFile]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let ours = files
            .iter()
            .any(|f| f.path.file_name().map(|n| n.to_string_lossy().into_owned()) == name);
        if path.extension().is_some_and(|e| e == "json") && !ours {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// The first line where `committed` and `generated` differ, said in one line.
pub fn first_difference(committed: &str, generated: &str) -> Option<String> {
    if committed == generated {
        return None;
    }
    let (a, b): (Vec<&str>, Vec<&str>) = (committed.split('\n').collect(), generated.split('\n').collect());
    let line = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i)).unwrap_or(0);
    let show = |l: Option<&&str>| match l {
        Some(l) => format!("`{}`", l.trim()),
        None => "the end of the file".to_string(),
    };
    Some(format!(
        "line {} differs: committed {}, the model gives {}",
        line + 1,
        show(a.get(line)),
        show(b.get(line))
    ))
}

fn snake(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn kebab(camel: &str) -> String {
    snake(camel).replace('_', "-")
}

/// AWS's name of a member in a validation message: lower camel case.
fn lower_camel(member: &str) -> String {
    let mut c = member.chars();
    c.next()
        .map(|f| f.to_ascii_lowercase().to_string() + c.as_str())
        .unwrap_or_default()
}

// ---- the model's shapes -------------------------------------------------------------------

/// What the generator knows of a shape.
enum Kind {
    String {
        min: Option<usize>,
        max: Option<usize>,
        pattern: Option<String>,
    },
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    List {
        member: String,
        min: Option<usize>,
        max: Option<usize>,
    },
    Structure {
        members: Vec<(String, String)>,
        required: Vec<String>,
    },
    Enum(Vec<String>),
    Boolean,
    Map,
    /// Timestamps and blobs: only a wrong JSON type is generated.
    Other,
}

fn shape_kind(model: &Value, name: &str) -> Result<Kind, String> {
    let shape = model["shapes"]
        .get(name)
        .and_then(Value::as_object)
        .ok_or_else(|| format!("{MODEL_FILE}: no shape {name:?}"))?;
    let usize_of = |k: &str| shape.get(k).and_then(Value::as_u64).map(|n| n as usize);
    let i64_of = |k: &str| shape.get(k).and_then(Value::as_i64);
    Ok(match shape.get("type").and_then(Value::as_str) {
        Some("string") if shape.contains_key("enum") => Kind::Enum(
            shape["enum"]
                .as_array()
                .map(|e| e.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default(),
        ),
        Some("boolean") => Kind::Boolean,
        Some("map") => Kind::Map,
        Some("timestamp" | "blob") => Kind::Other,
        Some("string") => Kind::String {
            min: usize_of("min"),
            max: usize_of("max"),
            pattern: shape.get("pattern").and_then(Value::as_str).map(str::to_string),
        },
        Some("integer" | "long") => Kind::Integer {
            min: i64_of("min"),
            max: i64_of("max"),
        },
        Some("list") => Kind::List {
            member: shape["member"]["shape"]
                .as_str()
                .ok_or_else(|| format!("list {name} has no member shape"))?
                .to_string(),
            min: usize_of("min"),
            max: usize_of("max"),
        },
        Some("structure") => Kind::Structure {
            members: shape
                .get("members")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), v["shape"].as_str().unwrap_or_default().to_string()))
                        .collect()
                })
                .unwrap_or_default(),
            required: shape
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default(),
        },
        other => return Err(format!("shape {name}: type {other:?} is not generated")),
    })
}

// ---- patterns -----------------------------------------------------------------------------

/// How the generator reads a model pattern: with `regex`, or, for the one look-ahead of the
/// model (`AlarmName`: `^(?!\s*$).+`), by its meaning: not blank.
enum Matcher {
    Regex(Regex),
    NotBlank,
}

impl Matcher {
    fn new(pattern: &str) -> Result<Self, String> {
        match Regex::new(pattern) {
            Ok(re) => Ok(Matcher::Regex(re)),
            Err(_) if pattern == r"^(?!\s*$).+" => Ok(Matcher::NotBlank),
            Err(e) => Err(format!("pattern {pattern:?}: {e}")),
        }
    }

    fn is_match(&self, v: &str) -> bool {
        match self {
            Matcher::Regex(re) => re.is_match(v),
            Matcher::NotBlank => !v.trim().is_empty() && !v.starts_with(['\n', '\r']),
        }
    }
}

/// One character position of a simple pattern.
#[derive(Debug, Clone)]
enum Atom {
    Literal(char),
    Class(Vec<(char, char)>),
}

impl Atom {
    fn allows(&self, c: char) -> bool {
        match self {
            Atom::Literal(l) => *l == c,
            Atom::Class(ranges) => ranges.iter().any(|(a, b)| (*a..=*b).contains(&c)),
        }
    }

    fn first(&self) -> char {
        match self {
            Atom::Literal(l) => *l,
            Atom::Class(ranges) => ranges[0].0,
        }
    }

    fn lower_letter(&self) -> Option<char> {
        match self {
            Atom::Class(_) => ('a'..='z').find(|c| self.allows(*c)),
            Atom::Literal(_) => None,
        }
    }
}

/// The positions of an anchored pattern of literals, escaped punctuation and character classes
/// with fixed counts (`^[0-9a-f]{8}\-…$`); `None` for anything richer.
fn pattern_atoms(pattern: &str) -> Option<Vec<Atom>> {
    let body = pattern.strip_prefix('^')?.strip_suffix('$')?;
    let mut chars = body.chars().peekable();
    let escaped = |c: Option<char>| c.filter(char::is_ascii_punctuation);
    let mut out = Vec::new();
    while let Some(c) = chars.next() {
        let atom = match c {
            '\\' => Atom::Literal(escaped(chars.next())?),
            '[' => {
                let mut ranges = Vec::new();
                loop {
                    let c = match chars.next()? {
                        ']' if !ranges.is_empty() => break,
                        '^' if ranges.is_empty() => return None,
                        '\\' => escaped(chars.next())?,
                        '[' => return None,
                        c => c,
                    };
                    let end = if chars.peek() == Some(&'-') {
                        chars.next();
                        match chars.next()? {
                            ']' => {
                                ranges.push((c, c));
                                ranges.push(('-', '-'));
                                break;
                            }
                            '\\' => escaped(chars.next())?,
                            e => e,
                        }
                    } else {
                        c
                    };
                    ranges.push((c, end));
                }
                Atom::Class(ranges)
            }
            '(' | ')' | '|' | '*' | '+' | '?' | '.' | '{' | '}' | '^' | '$' => return None,
            c => Atom::Literal(c),
        };
        let mut count = 1;
        if chars.peek() == Some(&'{') {
            chars.next();
            let mut digits = String::new();
            for d in chars.by_ref() {
                if d == '}' {
                    break;
                }
                digits.push(d);
            }
            count = digits.parse().ok()?;
        }
        out.extend(std::iter::repeat_n(atom, count));
    }
    Some(out)
}

/// Values of a patterned string, each built position by position.
struct PatternValues {
    /// Each position's first allowed character.
    base: String,
    /// Lower-case letters where a class allows them.
    lower: Option<String>,
    /// Those letters in upper case (whether the class allows them or not).
    upper: Option<String>,
    /// The last class position given a character its class does not allow.
    other_character: Option<(String, char)>,
    /// The first literal given its following class's first character.
    literal_replaced: Option<(String, char, char)>,
}

fn pattern_values(atoms: &[Atom]) -> PatternValues {
    let base: String = atoms.iter().map(Atom::first).collect();
    let has_lower = atoms.iter().any(|a| a.lower_letter().is_some());
    let lower = has_lower.then(|| atoms.iter().map(|a| a.lower_letter().unwrap_or(a.first())).collect());
    let upper = has_lower.then(|| {
        atoms
            .iter()
            .map(|a| a.lower_letter().map_or(a.first(), |c| c.to_ascii_uppercase()))
            .collect()
    });
    let other_character = atoms.iter().rposition(|a| matches!(a, Atom::Class(_))).and_then(|i| {
        let c = ('g'..='z')
            .chain('G'..='Z')
            .chain("_!~".chars())
            .find(|c| !atoms[i].allows(*c))?;
        let mut v: Vec<char> = base.chars().collect();
        v[i] = c;
        Some((v.into_iter().collect(), c))
    });
    let literal_replaced = atoms.iter().position(|a| matches!(a, Atom::Literal(_))).and_then(|i| {
        let by = atoms[i..].iter().find(|a| matches!(a, Atom::Class(_)))?.first();
        let was = atoms[i].first();
        let mut v: Vec<char> = base.chars().collect();
        v[i] = by;
        (!atoms[i].allows(by)).then(|| (v.into_iter().collect(), was, by))
    });
    PatternValues {
        base,
        lower,
        upper,
        other_character,
        literal_replaced,
    }
}

// ---- cases --------------------------------------------------------------------------------

/// One step into the request parameters.
#[derive(Debug, Clone)]
enum Step {
    Member(String),
    Index(usize),
}

/// Where a member sits: in the parameters, in AWS's messages, in case ids and in descriptions.
#[derive(Debug, Clone)]
struct At {
    steps: Vec<Step>,
    /// `windowExecutionId`, `filters.1.member.key`, `filters.1.member.values`.
    aws: String,
    /// `window-execution-id`, `filters-member-key`, `filters-member-values-member`.
    id: String,
    /// `WindowExecutionId`, `Filters[0].Key`, `Filters[0].Values[0]`.
    shown: String,
}

impl At {
    fn top(member: &str) -> Self {
        At {
            steps: vec![Step::Member(member.into())],
            aws: lower_camel(member),
            id: kebab(member),
            shown: member.into(),
        }
    }

    /// A member of this list's first element, a structure.
    fn element_member(&self, member: &str) -> Self {
        let mut steps = self.steps.clone();
        steps.extend([Step::Index(0), Step::Member(member.into())]);
        At {
            steps,
            aws: format!("{}.1.member.{}", self.aws, lower_camel(member)),
            id: format!("{}-member-{}", self.id, kebab(member)),
            shown: format!("{}[0].{member}", self.shown),
        }
    }

    /// A member of this structure.
    fn nested(&self, member: &str) -> Self {
        let mut steps = self.steps.clone();
        steps.push(Step::Member(member.into()));
        At {
            steps,
            aws: format!("{}.{}", self.aws, lower_camel(member)),
            id: format!("{}-{}", self.id, kebab(member)),
            shown: format!("{}.{member}", self.shown),
        }
    }

    /// This list's first element, a string: AWS names the list.
    fn element(&self) -> Self {
        let mut steps = self.steps.clone();
        steps.push(Step::Index(0));
        At {
            steps,
            aws: self.aws.clone(),
            id: format!("{}-member", self.id),
            shown: format!("{}[0]", self.shown),
        }
    }
}

fn put(target: &mut Value, steps: &[Step], value: Option<Value>) {
    match steps {
        [] => {}
        [Step::Member(m)] => {
            let object = target.as_object_mut().expect("a structure");
            match value {
                Some(v) => {
                    object.insert(m.clone(), v);
                }
                None => {
                    object.shift_remove(m);
                }
            }
        }
        [Step::Index(i)] => target[*i] = value.expect("list elements are replaced"),
        [Step::Member(m), rest @ ..] => put(target.get_mut(m.as_str()).expect("the frame holds it"), rest, value),
        [Step::Index(i), rest @ ..] => put(&mut target[*i], rest, value),
    }
}

/// What a value within every constraint is answered with, where the member sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Accepted {
    /// A member of the request: the execution it names does not exist.
    DoesNotExist,
    /// A member of a list's element: an error all the same (the execution is unknown, the filter
    /// may be refused on the documented keys), but none that names a model constraint.
    NoViolation,
    /// A request of an operation beyond the execution family (it names a window, target or task
    /// that does not exist, or reads a list): answered as it may be, a success or an error, but
    /// none that names a model constraint (`accepted`).
    Answered,
    /// An element of a list of strings (a filter's value): not generated. Within the model's
    /// bounds, whether a value is taken rests on the documentation (the statuses a STATUS filter
    /// names), and its refusal, worded in the list's element form, would read as the element
    /// shape's constraints.
    Skipped,
}

/// A constraint a value breaks, in AWS's words.
struct Broken {
    constraint: String,
    said: String,
}

struct Generator<'a> {
    model: &'a Value,
    operation: &'a str,
    input: String,
    cases: Vec<Value>,
}

impl Generator<'_> {
    fn kind(&self, shape: &str) -> Result<Kind, String> {
        shape_kind(self.model, shape)
    }

    /// A value within every constraint of `shape` (its required and optional members alike).
    fn filler(&self, shape: &str) -> Result<Value, String> {
        Ok(match self.kind(shape)? {
            Kind::String { min, pattern, .. } => json!(match (pattern, documented(self.operation, shape)?) {
                (_, Some(v)) => v.to_string(),
                (Some(p), None) => {
                    pattern_values(&pattern_atoms(&p).ok_or_else(|| unsupported_pattern(shape, &p))?).base
                }
                (None, None) => "x".repeat(min.unwrap_or(1).max(1)),
            }),
            Kind::Integer { min, .. } => json!(min.unwrap_or(0)),
            Kind::List { member, .. } => json!([self.filler(&member)?]),
            Kind::Structure { members, .. } => {
                let mut out = Map::new();
                for (m, s) in members {
                    out.insert(m, self.filler(&s)?);
                }
                Value::Object(out)
            }
            Kind::Enum(values) => json!(values[0]),
            Kind::Boolean => json!(false),
            Kind::Map => json!({}),
            Kind::Other => return Err(format!("{shape}: no value is generated for it")),
        })
    }

    /// A structure with only its required members, each within its constraints: what a nested
    /// structure holds while its members are broken one by one.
    fn required_filler(&self, shape: &str) -> Result<Value, String> {
        let Kind::Structure { members, required } = self.kind(shape)? else {
            return Err(format!("{shape}: not a structure"));
        };
        let mut out = Map::new();
        for (m, s) in members {
            if required.contains(&m) {
                out.insert(m, self.filler(&s)?);
            }
        }
        Ok(Value::Object(out))
    }

    /// A case per required member of structure `shape` (in `frame`), left out; `at` places each.
    fn missing_cases(&mut self, frame: &Value, shape: &str, members: &[String], at: impl Fn(&str) -> At) {
        for r in members {
            let inner = at(r);
            let mut params = frame.clone();
            put(&mut params, &inner.steps, None);
            self.push(
                format!("{}-missing", inner.id),
                format!("No {}: required in {shape}.", inner.shown),
                &format!("{shape}${r}"),
                "validation",
                params,
                json!({"error": {"status": "4xx", "type": "ValidationException", "violations": [
                    {"member": inner.aws, "constraint": "Member must not be null"}
                ]}}),
            );
        }
    }

    fn push(&mut self, id: String, description: String, cite: &str, tag: &str, request: Value, expect: Value) {
        let mut request_json = Map::new();
        request_json.insert("operation".into(), json!(self.operation));
        match request {
            Value::String(raw) => request_json.insert("raw".into(), json!(raw)),
            params => request_json.insert("params".into(), params),
        };
        self.cases.push(json!({
            "id": id,
            "description": description,
            "source": "model",
            "cite": cite,
            "tags": [tag, "generated"],
            "request": request_json,
            "expect": expect,
        }));
    }

    fn violation_case(&mut self, id: String, what: &str, cite: &str, params: Value, at: &At, broken: &[Broken]) {
        let said: Vec<&str> = broken.iter().map(|b| b.said.as_str()).collect();
        let violations: Vec<Value> = broken
            .iter()
            .map(|b| json!({"member": at.aws, "constraint": b.constraint}))
            .collect();
        self.push(
            id,
            format!("{what}: {}.", said.join(" and ")),
            cite,
            "validation",
            params,
            json!({"error": {"status": "4xx", "type": "ValidationException", "violations": violations}}),
        );
    }

    fn accepted_case(&mut self, id: String, what: &str, cite: &str, params: Value, accepted: Accepted) {
        let (why, expect) = match accepted {
            Accepted::DoesNotExist => (
                "within the model's constraints, so no ValidationException; the request names no execution: DoesNotExistException",
                json!({"error": {"status": "4xx", "type": "DoesNotExistException"}}),
            ),
            Accepted::NoViolation => (
                "within the model's constraints: an error all the same (the request names no execution), but none that names a model constraint",
                json!({"error": {"status": "4xx", "type": ["DoesNotExistException", "ValidationException"], "violations": []}}),
            ),
            Accepted::Answered => (
                "within the model's constraints: a success, or an error that names no model constraint",
                json!({"accepted": {}}),
            ),
            Accepted::Skipped => return,
        };
        self.push(id, format!("{what}: {why}."), cite, "validation", params, expect);
    }

    fn type_case(&mut self, id: String, what: &str, cite: &str, params: Value) {
        self.push(
            id,
            format!("{what}: a type error."),
            cite,
            "type",
            params,
            json!({"error": {"status": "4xx", "type": ["SerializationException", "ValidationException"]}}),
        );
    }

    fn operation_cases(&mut self) -> Result<(), String> {
        let Kind::Structure { members, required } = self.kind(&self.input)? else {
            return Err(format!("{}: the input is not a structure", self.input));
        };
        let mut base = Map::new();
        for (m, s) in &members {
            if required.contains(m) {
                base.insert(m.clone(), self.filler(s)?);
            }
        }
        let base = Value::Object(base);
        let input = self.input.clone();
        for r in &required {
            let at = At::top(r);
            let mut params = base.clone();
            put(&mut params, &at.steps, None);
            self.push(
                format!("{}-missing", at.id),
                format!("No {r}: required."),
                &format!("{input}${r}"),
                "validation",
                params,
                json!({"error": {"status": "4xx", "type": "ValidationException", "violations": [
                    {"member": at.aws, "constraint": "Member must not be null"}
                ]}}),
            );
        }
        if required.len() > 1 {
            let violations: Vec<Value> = required
                .iter()
                .map(|r| json!({"member": lower_camel(r), "constraint": "Member must not be null"}))
                .collect();
            self.push(
                "required-missing".into(),
                format!("None of the required members ({}): each is named.", required.join(", ")),
                &input,
                "validation",
                json!({}),
                json!({"error": {"status": "4xx", "type": "ValidationException", "violations": violations}}),
            );
        }
        for (m, shape) in &members {
            let at = At::top(m);
            if required.contains(m) {
                let params = with(&base, &at, Value::Null);
                self.push(
                    format!("{}-null", at.id),
                    format!("{m} null: absent (then required) or a type error."),
                    &format!("{input}${m}"),
                    "type",
                    params,
                    json!({"error": {"status": "4xx", "type": ["SerializationException", "ValidationException"]}}),
                );
            }
            let accepted = if is_family(self.operation) {
                Accepted::DoesNotExist
            } else {
                Accepted::Answered
            };
            self.member(&base, &at, shape, accepted)?;
        }
        self.type_case(
            "body-not-an-object".into(),
            "A JSON array for a body, where the request is a structure",
            &input,
            Value::String("[]".into()),
        );
        Ok(())
    }

    /// The cases of one member at `at`, in a request otherwise `frame`.
    fn member(&mut self, frame: &Value, at: &At, shape: &str, accepted: Accepted) -> Result<(), String> {
        match self.kind(shape)? {
            Kind::String { min, max, pattern } => {
                self.string(frame, at, shape, (min, max, pattern.as_deref()), accepted)?;
                self.type_case(
                    format!("{}-number", at.id),
                    &format!("{} a number, where the model has a string", at.shown),
                    shape,
                    with(frame, at, json!(12345)),
                );
            }
            Kind::Integer { min, max } => {
                let shown = at.shown.clone();
                let below = min.map(|n| Broken {
                    constraint: format!("Member must have value greater than or equal to {n}"),
                    said: format!("below its minimum value ({n})"),
                });
                let above = max.map(|n| Broken {
                    constraint: format!("Member must have value less than or equal to {n}"),
                    said: format!("above its maximum value ({n})"),
                });
                for (value, broken) in [min.map(|n| n - 1).zip(below), max.map(|n| n + 1).zip(above)]
                    .into_iter()
                    .flatten()
                {
                    self.violation_case(
                        format!("{}-{}", at.id, value.to_string().replace('-', "minus-")),
                        &format!("{shown} {value}"),
                        shape,
                        with(frame, at, json!(value)),
                        at,
                        &[broken],
                    );
                }
                let text = min.or(max).unwrap_or(0).to_string();
                self.type_case(
                    format!("{}-string", at.id),
                    &format!("{shown} the string {text:?}, where the model has an integer"),
                    shape,
                    with(frame, at, json!(text)),
                );
            }
            Kind::List { member, min, max } => {
                let element = self.filler(&member)?;
                if let Some(n) = max {
                    self.violation_case(
                        format!("{}-length-{}", at.id, n + 1),
                        &format!("{} with {} entries", at.shown, n + 1),
                        shape,
                        with(frame, at, Value::Array(vec![element.clone(); n + 1])),
                        at,
                        &[Broken {
                            constraint: format!("Member must have length less than or equal to {n}"),
                            said: format!("more than {n} entries"),
                        }],
                    );
                }
                if let Some(n) = min.filter(|n| *n > 0) {
                    self.violation_case(
                        format!("{}-length-{}", at.id, n - 1),
                        &format!("{} with {} entries", at.shown, n - 1),
                        shape,
                        with(frame, at, Value::Array(vec![element.clone(); n - 1])),
                        at,
                        &[Broken {
                            constraint: format!("Member must have length greater than or equal to {n}"),
                            said: format!("fewer than {n} entries"),
                        }],
                    );
                }
                // One entry where a list is expected.
                self.type_case(
                    format!("{}-not-a-list", at.id),
                    &format!("{} one entry itself, where the model has a list", at.shown),
                    shape,
                    with(frame, at, element.clone()),
                );
                let frame = with(frame, at, json!([element]));
                let element_accepted = match accepted {
                    Accepted::DoesNotExist => Accepted::NoViolation,
                    other => other,
                };
                match self.kind(&member)? {
                    Kind::Structure { members, required } => {
                        self.type_case(
                            format!("{}-member-not-an-object", at.id),
                            &format!("{}[0] a string, where the model has a structure", at.shown),
                            &member,
                            with(&frame, &at.element(), json!(shorthand(&element))),
                        );
                        self.missing_cases(&frame, &member, &required, |r| at.element_member(r));
                        for (m, s) in &members {
                            self.member(&frame, &at.element_member(m), s, element_accepted)?;
                        }
                    }
                    Kind::String { .. } => {
                        self.member(&frame, &at.element(), &member, Accepted::Skipped)?;
                    }
                    // A list of enum values: its elements' refusals are worded on the list, in a
                    // form not generated here.
                    Kind::Enum(_) => {}
                    _ => return Err(format!("{shape}: lists of {member} are not generated")),
                }
            }
            Kind::Structure { required, .. } => {
                self.type_case(
                    format!("{}-not-an-object", at.id),
                    &format!("{} a string, where the model has a structure", at.shown),
                    shape,
                    with(frame, at, json!("x")),
                );
                let frame = with(frame, at, self.required_filler(shape)?);
                self.missing_cases(&frame, shape, &required, |r| at.nested(r));
                let Kind::Structure { members, .. } = self.kind(shape)? else {
                    unreachable!("a structure")
                };
                for (m, s) in &members {
                    self.member(&frame, &at.nested(m), s, accepted)?;
                }
            }
            Kind::Enum(values) => {
                if accepted == Accepted::Skipped {
                    return Ok(());
                }
                let set = format!("[{}]", values.join(", "));
                let broken = || Broken {
                    constraint: format!("Member must satisfy enum value set: {set}"),
                    said: "not among the enum's values".into(),
                };
                let lower = values[0].to_lowercase();
                if lower != values[0] {
                    self.violation_case(
                        format!("{}-lower-case", at.id),
                        &format!("{} {lower:?}", at.shown),
                        shape,
                        with(frame, at, json!(lower)),
                        at,
                        &[broken()],
                    );
                }
                self.violation_case(
                    format!("{}-empty", at.id),
                    &format!("{} empty", at.shown),
                    shape,
                    with(frame, at, json!("")),
                    at,
                    &[broken()],
                );
                self.type_case(
                    format!("{}-number", at.id),
                    &format!("{} a number, where the model has a string", at.shown),
                    shape,
                    with(frame, at, json!(1)),
                );
            }
            Kind::Boolean => self.type_case(
                format!("{}-string", at.id),
                &format!("{} the string \"true\", where the model has a boolean", at.shown),
                shape,
                with(frame, at, json!("true")),
            ),
            Kind::Map => self.type_case(
                format!("{}-not-a-map", at.id),
                &format!("{} a list, where the model has a map", at.shown),
                shape,
                with(frame, at, json!([])),
            ),
            Kind::Other => {}
        }
        Ok(())
    }

    fn string(
        &mut self,
        frame: &Value,
        at: &At,
        shape: &str,
        (min, max, pattern): (Option<usize>, Option<usize>, Option<&str>),
        accepted: Accepted,
    ) -> Result<(), String> {
        let compiled = match pattern {
            Some(p) => Some(Matcher::new(p).map_err(|e| format!("{shape}: {e}"))?),
            None => None,
        };
        // A rich pattern (alternatives, look-ahead) gives no values position by position: the
        // documented value stands for it, and only lengths are generated.
        let values = pattern.and_then(|p| pattern_atoms(p).map(|a| pattern_values(&a)));
        let rich_base = match (pattern, &values) {
            (Some(p), None) => Some(documented(self.operation, shape)?.ok_or_else(|| unsupported_pattern(shape, p))?),
            _ => None,
        };
        let judge = |v: &str| -> Vec<Broken> {
            let n = v.chars().count();
            let mut out = Vec::new();
            if let Some(m) = min.filter(|m| n < *m) {
                out.push(Broken {
                    constraint: format!("Member must have length greater than or equal to {m}"),
                    said: format!("shorter than its minimum length ({m})"),
                });
            }
            if let Some(m) = max.filter(|m| n > *m) {
                out.push(Broken {
                    constraint: format!("Member must have length less than or equal to {m}"),
                    said: format!("longer than its maximum length ({m})"),
                });
            }
            if let (Some(p), Some(m)) = (pattern, &compiled)
                && !m.is_match(v)
            {
                out.push(Broken {
                    constraint: format!("Member must satisfy regular expression pattern: {p}"),
                    said: "off the pattern".into(),
                });
            }
            out
        };
        let base = match (&values, rich_base) {
            (Some(v), _) => v.base.clone(),
            (None, Some(b)) => b.to_string(),
            (None, None) => "x".to_string(),
        };
        if !judge(&base).is_empty() && min.is_none_or(|m| base.chars().count() >= m) {
            return Err(format!(
                "{shape}: the value the generator starts from, {base:?}, breaks it"
            ));
        }
        if let Some(v) = &values
            && !judge(&v.base).is_empty()
        {
            return Err(format!(
                "{shape}: the value built from its pattern, {:?}, breaks it",
                v.base
            ));
        }
        // Truncated, or padded with its last character.
        let fit = |n: usize| -> String {
            let chars: Vec<char> = base.chars().collect();
            let pad = *chars.last().unwrap_or(&'x');
            chars.iter().copied().chain(std::iter::repeat(pad)).take(n).collect()
        };
        let mut candidates: Vec<(String, String, String)> = Vec::new();
        // The bounds and either side of them, and the empty string, where the model bounds the
        // length at all.
        let mut lengths: Vec<usize> = Vec::new();
        if min.is_some() || max.is_some() {
            lengths.push(0);
        }
        if let Some(m) = min {
            lengths.extend([m.saturating_sub(1), m]);
        }
        if let Some(m) = max {
            lengths.extend([m, m + 1]);
        }
        lengths.sort_unstable();
        lengths.dedup();
        for n in lengths {
            candidates.push((
                format!("length-{n}"),
                fit(n),
                format!("{} of {}", at.shown, characters(n)),
            ));
        }
        if let Some(m) = max.filter(|m| *m > 0) {
            let mut v: Vec<char> = fit(m).chars().collect();
            v[m - 1] = 'é';
            candidates.push((
                format!("multibyte-{m}"),
                v.into_iter().collect(),
                format!(
                    "{} of {}, the last one é ({} bytes: lengths count characters)",
                    at.shown,
                    characters(m),
                    m + 1
                ),
            ));
        }
        if let Some(v) = &values {
            if let Some(lower) = &v.lower {
                candidates.push(("lower-case".into(), lower.clone(), format!("{} {lower:?}", at.shown)));
            }
            if let Some(upper) = &v.upper {
                candidates.push(("upper-case".into(), upper.clone(), format!("{} {upper:?}", at.shown)));
            }
            if let Some((value, c)) = &v.other_character {
                candidates.push((
                    "other-character".into(),
                    value.clone(),
                    format!(
                        "{} {value:?}, with {c:?} where the pattern has a class without it",
                        at.shown
                    ),
                ));
            }
            if let Some((value, was, by)) = &v.literal_replaced {
                candidates.push((
                    "literal-replaced".into(),
                    value.clone(),
                    format!("{} {value:?}, the pattern's {was:?} replaced by {by:?}", at.shown),
                ));
            }
        }
        // A rich pattern: the starting value with its last character one the pattern refuses.
        if rich_base.is_some()
            && let Some(m) = &compiled
        {
            let mut chars: Vec<char> = base.chars().collect();
            let last = chars.len() - 1;
            if let Some(c) = [' ', '!', '#', '~', '*'].into_iter().find(|c| {
                chars[last] = *c;
                !m.is_match(&chars.iter().collect::<String>())
            }) {
                chars[last] = c;
                let value: String = chars.into_iter().collect();
                candidates.push((
                    "other-character".into(),
                    value.clone(),
                    format!("{} {value:?}, with {c:?}, which the pattern does not allow", at.shown),
                ));
            }
        }
        let mut seen: Vec<String> = Vec::new();
        for (label, value, what) in candidates {
            if seen.contains(&value) {
                continue;
            }
            seen.push(value.clone());
            let id = format!("{}-{label}", at.id);
            let params = with(frame, at, json!(value));
            let broken = judge(&value);
            if broken.is_empty() {
                self.accepted_case(id, &what, shape, params, accepted);
            } else {
                self.violation_case(id, &what, shape, params, at, &broken);
            }
        }
        Ok(())
    }
}

fn with(frame: &Value, at: &At, value: Value) -> Value {
    let mut out = frame.clone();
    put(&mut out, &at.steps, Some(value));
    out
}

/// A structure written as the AWS CLI's shorthand (`Key=STATUS,Values=PENDING`): the string a
/// caller sends where a structure belongs.
fn shorthand(v: &Value) -> String {
    match v {
        Value::Object(o) => o
            .iter()
            .map(|(k, v)| format!("{k}={}", shorthand(v)))
            .collect::<Vec<_>>()
            .join(","),
        Value::Array(a) => a.iter().map(shorthand).collect::<Vec<_>>().join(","),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn characters(n: usize) -> String {
    if n == 1 {
        "1 character".into()
    } else {
        format!("{n} characters")
    }
}

fn unsupported_pattern(shape: &str, pattern: &str) -> String {
    format!("{shape}: the generator cannot build values for the pattern {pattern:?}")
}

/// What a valid request needs that the model leaves free: a filter the operation supports (a
/// key the documentation names and a value it takes), and a value for the patterns too rich to
/// build values from (a target's key, an alarm's name, a document version).
fn documented(operation: &str, shape: &str) -> Result<Option<&'static str>, String> {
    let filter = match operation {
        "DescribeMaintenanceWindowExecutionTasks" | "DescribeMaintenanceWindowExecutionTaskInvocations" => Some((
            model::DOCUMENTED_TASK_FILTER_KEYS[0],
            model::DOCUMENTED_TASK_FILTER_STATUSES[0],
        )),
        "DescribeMaintenanceWindowTargets" => Some((model::DOCUMENTED_TARGET_FILTER_KEYS[0], "INSTANCE")),
        "DescribeMaintenanceWindowTasks" => Some((model::DOCUMENTED_WINDOW_TASK_FILTER_KEYS[3], "RUN_COMMAND")),
        "DescribeMaintenanceWindows" => Some((model::DOCUMENTED_WINDOWS_FILTER_KEYS[0], "no-such-window")),
        _ => None,
    };
    Ok(match shape {
        "MaintenanceWindowFilterKey" | "MaintenanceWindowFilterValue" if filter.is_none() => {
            return Err(format!(
                "{operation}: no documented filter to build a valid request with"
            ));
        }
        "MaintenanceWindowFilterKey" => filter.map(|f| f.0),
        "MaintenanceWindowFilterValue" => filter.map(|f| f.1),
        "TargetKey" => Some("InstanceIds"),
        "TargetValue" => Some("i-0123456789abcdef0"),
        "AlarmName" => Some("alarm-1"),
        "MaintenanceWindowName" => Some("name-1"),
        // "in the form of a cron or rate expression" (CreateMaintenanceWindowRequest$Schedule).
        "MaintenanceWindowSchedule" => Some("rate(7 days)"),
        "MaxConcurrency" | "MaxErrors" => Some("1"),
        "TagKey" | "TagValue" => Some("tag"),
        "DocumentVersion" => Some("$LATEST"),
        _ => None,
    })
}

fn operation_file(model: &Value, operation: &str) -> Result<GeneratedFile, String> {
    let input = model["operations"][operation]["input"]["shape"]
        .as_str()
        .ok_or_else(|| format!("{MODEL_FILE}: no operation {operation} with an input shape"))?;
    let mut g = Generator {
        model,
        operation,
        input: input.to_string(),
        cases: Vec::new(),
    };
    g.operation_cases()?;
    let stem = file_stem(operation);
    let cases = g.cases.len();
    let doc = json!({
        "$schema": "../schema.json",
        "area": format!("generated_{stem}"),
        "description": format!(
            "{} {operation}: the constraints of {input}, each broken alone (required members, lengths in characters, patterns, ranges, enums, list lengths, JSON types); {}",
            marker(),
            if is_family(operation) {
                "a request within them names no execution: DoesNotExistException."
            } else {
                "a request within them (naming a window, target or task that does not exist, or reading a list) is answered with a success or an error that names no model constraint."
            }
        ),
        "generated": true,
        "cases": g.cases,
    });
    let mut text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    text.push('\n');
    Ok(GeneratedFile {
        operation: operation.to_string(),
        path: Path::new(SUBDIR).join(format!("{stem}.json")),
        text,
        cases,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            file_stem("DescribeMaintenanceWindowExecutionTasks"),
            "describe_execution_tasks"
        );
        assert_eq!(file_stem("CancelMaintenanceWindowExecution"), "cancel_execution");
        assert_eq!(lower_camel("WindowExecutionId"), "windowExecutionId");
        assert_eq!(kebab("MaxResults"), "max-results");
    }

    #[test]
    fn simple_patterns_give_values_on_and_off_them() {
        let atoms = pattern_atoms(model::EXECUTION_ID_PATTERN).unwrap();
        assert_eq!(atoms.len(), 36);
        let v = pattern_values(&atoms);
        assert_eq!(v.base, "00000000-0000-0000-0000-000000000000");
        assert_eq!(v.lower.as_deref(), Some("aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"));
        assert_eq!(v.upper.as_deref(), Some("AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAAA"));
        assert_eq!(v.other_character.unwrap().0, "00000000-0000-0000-0000-00000000000g");
        assert_eq!(v.literal_replaced.unwrap().0, "0000000000000-0000-0000-000000000000");
        let w = pattern_values(&pattern_atoms(model::WINDOW_ID_PATTERN).unwrap());
        assert_eq!(w.base, "mw-00000000000000000");
        assert_eq!(w.upper.as_deref(), Some("mw-AAAAAAAAAAAAAAAAA"));
        assert_eq!(w.literal_replaced.unwrap().0, "0w-00000000000000000");
        for rich in [model::MAX_ERRORS_PATTERN, model::TAG_PATTERN, "[a-z]{3}", "^[^a]$"] {
            assert!(pattern_atoms(rich).is_none(), "{rich}");
        }
    }

    #[test]
    fn differences_are_named_by_line() {
        assert_eq!(first_difference("a\nb\n", "a\nb\n"), None);
        assert_eq!(
            first_difference("a\nb\n", "a\nc\n").unwrap(),
            "line 2 differs: committed `b`, the model gives `c`"
        );
        assert!(first_difference("a\n", "a\nb\n").unwrap().starts_with("line 2"));
    }
}
