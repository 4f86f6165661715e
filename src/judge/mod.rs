//! The judges, with one dispatcher: [`check`] judges one answer against its case's expectation,
//! handing each kind of expectation to its judge — the checks of a success's body, the error's
//! status and type, the validation message's violations ([`validation_message`]), the oracle's
//! judgement of a seeded window's executions (`crate::oracle::judge`) and of the execution
//! family (`crate::oracle::family`) — and holding what it observed of open choices to the pins.
//! The checks across cases (each choice answered one way, [`consistency`]) are judges too.

pub(crate) mod consistency;
pub(crate) mod schedule;
pub(crate) mod validation_message;

use serde_json::Value;

use std::collections::BTreeMap;

use crate::client::Response;
use crate::failure::{Failure, FailureKind, OrFail};
use crate::fixtures::Fixture;
pub(crate) use crate::observation::Observation;
use crate::oracle::{self, Query};
use crate::paging::Walk;
use crate::spec::{
    Check, ErrorExpectation, ExecutionsExpectation, Expectation, OneOrMany, Pins, SeededExpectation, StatusExpectation,
};

/// What judging executions needs beyond the first answer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context<'a> {
    /// The data sets, by name.
    pub fixtures: &'a BTreeMap<String, Fixture>,
    /// Fixture name → the window it was seeded into.
    pub windows: &'a BTreeMap<String, String>,
    /// The request's parameters, placeholders replaced.
    pub params: Option<&'a Value>,
    /// The pages, followed from the first answer.
    pub walk: Option<&'a Walk>,
    /// The operation the answer is to (what a seeded expectation judges depends on it).
    pub operation: &'a str,
}

#[cfg(test)]
static NO_FIXTURES: BTreeMap<String, Fixture> = BTreeMap::new();
#[cfg(test)]
static NO_WINDOWS: BTreeMap<String, String> = BTreeMap::new();

#[cfg(test)]
impl Context<'static> {
    /// A context for expectations that judge a single answer.
    pub(crate) fn single() -> Self {
        Context {
            fixtures: &NO_FIXTURES,
            windows: &NO_WINDOWS,
            params: None,
            walk: None,
            operation: crate::spec::DEFAULT_OPERATION,
        }
    }
}

/// Judge `r`: `Ok` with what was observed, or `Err` with why it fails.
pub(crate) fn check(
    expect: &Expectation,
    r: &Response,
    ctx: &Context<'_>,
    pins: Option<&Pins>,
) -> Result<Vec<Observation>, Failure> {
    match expect {
        Expectation::Open(open) => {
            // The option the pins fix, where it is one of the case's.
            let pinned = pins
                .and_then(|p| p.choices.get(&open.choice))
                .filter(|option| open.options.contains_key(*option));
            // The options that explain the answer, in the catalogue's order; else why not each.
            let mut why = Vec::new();
            let mut kind = None;
            let mut explains = Vec::new();
            for (name, option) in &open.options {
                match check_plain(option, r, ctx, pins) {
                    Ok(seen) => explains.push((name, seen)),
                    Err(f) => {
                        kind.get_or_insert(f.kind);
                        why.push(format!("not {name}: {}", f.message));
                    }
                }
            }
            // The pinned option where it explains the answer, else the first that does.
            let took = explains
                .iter()
                .position(|(name, _)| Some(*name) == pinned)
                .or((!explains.is_empty()).then_some(0));
            match (pinned, took) {
                // Legal but for the pin: the target took another option, and broke the pin.
                (Some(pin), Some(i)) if explains[i].0 != pin => {
                    Err(crate::pins::broken(&open.choice, pin, explains[i].0, None))
                }
                (_, Some(i)) => {
                    let (name, seen) = explains.swap_remove(i);
                    Ok(observed_first(&open.choice, name, seen))
                }
                // No option explains the answer: the failure is of the first option's kind,
                // pinned or not (so expectations written before the pins still hold).
                (_, None) => Err(Failure::new(kind.unwrap_or(FailureKind::Status), why.join("; "))),
            }
        }
        plain => check_plain(plain, r, ctx, pins),
    }
}

/// The open choice's option, then what judging that option observed.
fn observed_first(choice: &str, option: &str, mut seen: Vec<Observation>) -> Vec<Observation> {
    let own = Observation {
        choice: Some(choice.to_string()),
        option: option.to_string(),
    };
    seen.insert(0, own);
    seen
}

fn check_plain(
    expect: &Expectation,
    r: &Response,
    ctx: &Context<'_>,
    pins: Option<&Pins>,
) -> Result<Vec<Observation>, Failure> {
    match expect {
        Expectation::Success(s) => {
            if !(200..300).contains(&r.status) {
                return Err(Failure::new(
                    FailureKind::Status,
                    format!("expected a success, got {}", r.summary()),
                ));
            }
            let Some(body @ Value::Object(_)) = &r.json else {
                return Err(Failure::new(
                    FailureKind::Status,
                    format!("expected a JSON object body, got {:?}", r.body_excerpt(120)),
                ));
            };
            check_content_type(r)?;
            for c in &s.checks {
                run_check(c, body)?;
            }
            Ok(Vec::new())
        }
        Expectation::Error(e) => check_error(e, r, ctx.operation, ctx.params, pins),
        Expectation::Executions(x) => check_executions(x, r, ctx, pins),
        Expectation::Seeded(x) => check_seeded(x, r, ctx, pins),
        Expectation::Accepted(_) => check_accepted(r, ctx.operation, ctx.params, pins),
        Expectation::Schedule(x) => schedule::check(x, r, ctx).map(|()| Vec::new()),
        Expectation::Open(_) => unreachable!("options are never open (checked at load)"),
    }
}

/// An awsJson answer is JSON: `application/x-amz-json-1.1` (or plain `application/json`).
fn check_content_type(r: &Response) -> Result<(), Failure> {
    match r.header("content-type") {
        Some(ct) if ct.starts_with("application/x-amz-json-1.1") || ct.starts_with("application/json") => Ok(()),
        other => Err(Failure::new(
            FailureKind::Status,
            format!(
                "the body is JSON, but Content-Type is {}: expected application/x-amz-json-1.1",
                other.map_or("missing".to_string(), |c| format!("{c:?}"))
            ),
        )),
    }
}

/// What every judgement of seeded data starts with: a success, in JSON, about a fixture the
/// run has loaded (which it returns).
fn seeded_success<'c>(r: &Response, ctx: &Context<'c>, fixture: &str) -> Result<&'c Fixture, Failure> {
    if !(200..300).contains(&r.status) {
        return Err(Failure::new(
            FailureKind::Status,
            format!("expected a success, got {}", r.summary()),
        ));
    }
    check_content_type(r)?;
    ctx.fixtures
        .get(fixture)
        .ok_or_else(|| format!("no fixture {fixture:?} is loaded"))
        .or_fail(FailureKind::Seeding)
}

fn check_executions(
    x: &ExecutionsExpectation,
    r: &Response,
    ctx: &Context<'_>,
    pins: Option<&Pins>,
) -> Result<Vec<Observation>, Failure> {
    let fixture = seeded_success(r, ctx, &x.fixture)?;
    let window = ctx
        .windows
        .get(&x.fixture)
        .ok_or_else(|| format!("fixture {:?} was not seeded", x.fixture))
        .or_fail(FailureKind::Seeding)?;
    let walk = ctx
        .walk
        .ok_or("the pages were not followed")
        .or_fail(FailureKind::Paging)?;
    // A request the oracle cannot read is the case's own fault, found at load; here, the answer's.
    let query =
        Query::from_params(ctx.params, &x.semantics().or_fail(FailureKind::Status)?).or_fail(FailureKind::Status)?;
    let none = BTreeMap::new();
    let pinned = pins.map_or(&none, |p| &p.choices);
    oracle::judge(&fixture.executions, &fixture.seeded, window, &query, walk, pinned)
}

/// A seeded item or list, judged by the oracle's family judgement.
fn check_seeded(
    x: &SeededExpectation,
    r: &Response,
    ctx: &Context<'_>,
    pins: Option<&Pins>,
) -> Result<Vec<Observation>, Failure> {
    use oracle::family;
    let fixture = seeded_success(r, ctx, &x.fixture)?;
    let body = r
        .json
        .as_ref()
        .filter(|b| b.is_object())
        .ok_or("the body is not a JSON object")
        .or_fail(FailureKind::Status)?;
    let execution = fixture
        .executions
        .iter()
        .find(|e| e.window_execution_id == x.execution)
        .ok_or_else(|| format!("fixture {:?} seeds no execution {}", x.fixture, x.execution))
        .or_fail(FailureKind::Seeding)?;
    let task = match &x.task {
        None => None,
        Some(t) => Some(
            execution
                .tasks
                .iter()
                .find(|k| &k.task_execution_id == t)
                .ok_or_else(|| format!("execution {} has no task {t} in fixture {:?}", x.execution, x.fixture))
                .or_fail(FailureKind::Seeding)?,
        ),
    };
    let invocation = match (&x.invocation, task) {
        (Some(i), Some(t)) => Some(
            t.invocations
                .iter()
                .find(|k| &k.invocation_id == i)
                .ok_or_else(|| {
                    format!(
                        "task {} has no invocation {i} in fixture {:?}",
                        t.task_execution_id, x.fixture
                    )
                })
                .or_fail(FailureKind::Seeding)?,
        ),
        _ => None,
    };
    let id = execution.window_execution_id.as_str();
    let list = |member: &str| -> Result<Vec<Value>, Failure> {
        let paging = |why: String| Failure::new(FailureKind::Paging, why);
        let walk = ctx.walk.ok_or_else(|| paging("the pages were not followed".into()))?;
        if let Some(p) = &walk.problem {
            return Err(paging(p.clone()));
        }
        // A page over MaxResults is the walk's problem (`paging::walk`): one check, above.
        oracle::check_replay(walk, crate::paging::id_member(ctx.operation))?;
        walk.pages
            .iter()
            .flat_map(|p| &p.executions)
            .map(|item| {
                serde_json::from_str(item.get())
                    .map_err(|e| Failure::new(FailureKind::Status, format!("an item of {member} is not JSON: {e}")))
            })
            .collect()
    };
    let filters = || {
        family::status_filter(ctx.params.unwrap_or(&Value::Null))
            .map_err(|why| format!("{why}: what a target does with it is open, so the case must be an open one"))
            .or_fail(FailureKind::Status)
    };
    use crate::model::Operation as Op;
    let seen = match (Op::from_name(ctx.operation), task, invocation) {
        (Some(Op::GetMaintenanceWindowExecution), None, None) => family::judge_get_execution(body, execution)?,
        (Some(Op::DescribeMaintenanceWindowExecutionTasks), None, None) => {
            family::judge_task_list(&list("WindowExecutionTaskIdentities")?, execution, &filters()?)?
        }
        (Some(Op::GetMaintenanceWindowExecutionTask), Some(t), None) => family::judge_get_task(body, id, t)?,
        (Some(Op::DescribeMaintenanceWindowExecutionTaskInvocations), Some(t), None) => {
            family::judge_invocation_list(&list("WindowExecutionTaskInvocationIdentities")?, id, t, &filters()?)?
        }
        (Some(Op::GetMaintenanceWindowExecutionTaskInvocation), Some(t), Some(i)) => {
            family::judge_invocation(body, id, t, i)?
        }
        _ => {
            return Err(Failure::new(
                FailureKind::Status,
                format!(
                    "a seeded expectation naming {} does not fit {}",
                    match (task, invocation) {
                        (_, Some(_)) => "an invocation",
                        (Some(_), None) => "a task",
                        _ => "an execution",
                    },
                    ctx.operation
                ),
            ));
        }
    };
    let mut out = Vec::new();
    // The list's own items, which its first token sent with another request must not give.
    let whose = || match task {
        None => format!("tasks of {id}"),
        Some(t) => format!("invocations of {}", t.task_execution_id),
    };
    // A list's first token sent with another execution's (task's) id, one with no items.
    if let Some(replay) = ctx.walk.and_then(|w| w.foreign_replay.as_ref()) {
        let other = match task {
            None => "another execution's id",
            Some(_) => "another task's ids",
        };
        let option = oracle::foreign_option(replay, "ignored", other, &whose())?;
        out.push(observed(
            crate::choices::TOKEN_OTHER_PARENT,
            option,
            pins,
            &format!("the first NextToken sent with {other} was {option}"),
        )?);
    }
    // ... and with a STATUS filter no item meets.
    if let Some(replay) = ctx.walk.and_then(|w| w.refiltered_replay.as_ref()) {
        let other = "a STATUS filter no item meets";
        let option = oracle::foreign_option(replay, "applied", other, &whose())?;
        out.push(observed(
            crate::choices::TOKEN_OTHER_STATUS,
            option,
            pins,
            &format!("the first NextToken sent with {other} was {option}"),
        )?);
    }
    if let Some(option) = seen.sensitive {
        out.push(observed(
            crate::choices::SENSITIVE_MEMBERS,
            option,
            pins,
            &format!("sensitive members are {option}"),
        )?);
    }
    if let Some(option) = seen.order {
        out.push(observed(
            crate::choices::ITEM_ORDER,
            option,
            pins,
            &format!("the items are listed {option}"),
        )?);
    }
    out.extend(answer_records(&seen, pins)?);
    Ok(out)
}

/// What an answer's members showed beyond their values: how a member with nothing to say was
/// given (`absent-members`, held to a pin) and the members the model has not (recorded by name).
pub(crate) fn answer_records(seen: &oracle::family::Seen, pins: Option<&Pins>) -> Result<Vec<Observation>, Failure> {
    let mut out = Vec::new();
    if let Some(option) = seen.absent {
        out.push(observed(
            crate::choices::ABSENT_MEMBERS,
            option,
            pins,
            &format!("members with nothing to say are {option}"),
        )?);
    }
    out.extend(seen.extra.iter().map(|m| Observation {
        choice: Some(crate::choices::EXTRA_ANSWER_MEMBERS.to_string()),
        option: m.clone(),
    }));
    Ok(out)
}

/// The target's `option` for `choice`, unless the pins fix another (`what`: what it did).
/// (The oracle's own choices are held to the pins by the oracle.)
fn observed(choice: &str, option: &str, pins: Option<&Pins>, what: &str) -> Result<Observation, Failure> {
    let none = BTreeMap::new();
    crate::pins::hold(pins.map_or(&none, |p| &p.choices), choice, option, Some(what))
}

/// `request`: the request's parameters, where it was JSON (a validation message's elements are
/// checked against it).
fn check_error(
    e: &ErrorExpectation,
    r: &Response,
    operation: &str,
    request: Option<&Value>,
    pins: Option<&Pins>,
) -> Result<Vec<Observation>, Failure> {
    if !e.status.matches(r.status) {
        return Err(Failure::new(
            FailureKind::Status,
            format!("expected HTTP {}, got {}", e.status, r.summary()),
        ));
    }
    let types = e.error_type.as_slice();
    let error_type = |why: String| Failure::new(FailureKind::ErrorType, why);
    let Some(err) = &r.error else {
        return Err(error_type(format!(
            "expected error type {}, got no error type (HTTP {}, body {:?})",
            types.join(" or "),
            r.status,
            r.body_excerpt(120)
        )));
    };
    // `*`: the type is open, within what the operation may answer at all: an error its model
    // declares, one AWS documents as common to every service, or one of the protocol's own.
    if types.iter().any(|t| t == "*") && !types.contains(&err.error_type) {
        let declared = crate::model::Operation::from_name(operation).map_or(&[][..], |o| o.errors());
        let known = declared
            .iter()
            .chain(&crate::model::COMMON_ERRORS)
            .chain(&crate::model::PROTOCOL_ERRORS)
            .any(|t| *t == err.error_type);
        if !known {
            return Err(error_type(format!(
                "the error type is open, but {} is none {operation} may answer: not among its model's errors \
                 ({}), AWS's common errors or the protocol's ({})",
                err.error_type,
                declared.join(", "),
                crate::model::PROTOCOL_ERRORS.join(", ")
            )));
        }
    }
    if !types.iter().any(|t| t == "*" || *t == err.error_type) {
        return Err(error_type(format!(
            "expected error type {}, got {}",
            types.join(" or "),
            r.summary()
        )));
    }
    if let Some(fragment) = &e.message_contains
        && !err.message.as_deref().unwrap_or("").contains(fragment.as_str())
    {
        return Err(Failure::new(
            FailureKind::ValidationMessage,
            format!("expected the message to contain {fragment:?}, got {}", r.summary()),
        ));
    }
    let mut seen: Vec<Observation> = (types.len() > 1 || types[0] == "*")
        .then(|| Observation {
            choice: None,
            option: err.error_type.clone(),
        })
        .into_iter()
        .collect();
    if let Some(expected) = &e.violations {
        seen.extend(check_violations(
            expected,
            request,
            err.message.as_deref().unwrap_or(""),
            pins,
        )?);
    }
    Ok(seen)
}

/// A request within the model's constraints: a success (a JSON object), or an error the
/// operation may answer at all that names no violation of them. Which error it is, is the
/// target's own affair here: nothing is recorded.
fn check_accepted(
    r: &Response,
    operation: &str,
    request: Option<&Value>,
    pins: Option<&Pins>,
) -> Result<Vec<Observation>, Failure> {
    if (200..300).contains(&r.status) {
        if !matches!(&r.json, Some(Value::Object(_))) {
            return Err(Failure::new(
                FailureKind::Status,
                format!("expected a JSON object body, got {:?}", r.body_excerpt(120)),
            ));
        }
        check_content_type(r)?;
        return Ok(Vec::new());
    }
    let declared = crate::model::Operation::from_name(operation).map_or(&[][..], |o| o.errors());
    let types = declared
        .iter()
        .chain(&crate::model::COMMON_ERRORS)
        .chain(&crate::model::PROTOCOL_ERRORS)
        .map(|t| t.to_string())
        .collect();
    let refused = ErrorExpectation {
        status: StatusExpectation::Class("4xx".into()),
        error_type: OneOrMany::Many(types),
        message_contains: None,
        violations: Some(Vec::new()),
    };
    check_error(&refused, r, operation, request, pins).map_err(|f| {
        Failure::new(
            f.kind,
            format!("a request within the model's constraints: {}", f.message),
        )
    })?;
    Ok(Vec::new())
}

/// Where the target writes AWS's validation message form, it must name exactly the violations
/// the request makes; a form of its own is recorded, not failed (unless the pins fix `aws`).
/// A request that violates no model constraint is refused for reasons of the target's own
/// wording: only an AWS-form message is judged there (it must name no model constraint), and
/// nothing is recorded.
fn check_violations(
    expected: &[crate::spec::ExpectedViolation],
    request: Option<&Value>,
    message: &str,
    pins: Option<&Pins>,
) -> Result<Option<Observation>, Failure> {
    use validation_message::{judge, parse};
    let form = match parse(message) {
        None if expected.is_empty() => return Ok(None),
        None => "other",
        Some(reported) => {
            judge(expected, &reported?, request)?;
            if expected.is_empty() {
                return Ok(None);
            }
            "aws"
        }
    };
    observed(
        crate::choices::VALIDATION_MESSAGE_FORM,
        form,
        pins,
        &format!("the target wrote {form}: {message:?}"),
    )
    .map(Some)
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// One check of a success's body: a member's value, length, absence or type.
fn run_check(c: &Check, body: &Value) -> Result<(), Failure> {
    let member = |why: String| Failure::new(FailureKind::Member, why);
    match c {
        Check::Equals { pointer, value } => match body.pointer(pointer) {
            Some(v) if v == value => Ok(()),
            // A number is its value: 1730696400 and 1730696400.0 are the same instant on the wire.
            Some(Value::Number(a)) if value.as_f64().is_some() && a.as_f64() == value.as_f64() => Ok(()),
            got => Err(member(format!("expected {pointer} = {value}, got {}", show(got)))),
        },
        Check::EqualsOrAbsent { pointer, value } => match body.pointer(pointer) {
            None | Some(Value::Null) => Ok(()),
            Some(v) if v == value => Ok(()),
            got => Err(member(format!(
                "expected {pointer} = {value} or left out (it is sensitive), got {}",
                show(got)
            ))),
        },
        Check::Length { pointer, value } => {
            let got = body.pointer(pointer);
            let n = match got {
                Some(Value::Array(a)) => Some(a.len()),
                Some(Value::String(s)) => Some(s.chars().count()),
                _ => None,
            };
            if n == Some(*value) {
                Ok(())
            } else {
                Err(member(format!(
                    "expected {pointer} to have length {value}, got {}",
                    show(got)
                )))
            }
        }
        Check::AbsentOrEmpty(pointer) => match body.pointer(pointer) {
            None | Some(Value::Null) => Ok(()),
            Some(Value::String(s)) if s.is_empty() => Ok(()),
            got => Err(member(format!("expected {pointer} absent or empty, got {}", show(got)))),
        },
        Check::OneOf { pointer, values } => match body.pointer(pointer) {
            Some(v) if values.contains(v) => Ok(()),
            got => Err(member(format!(
                "expected {pointer} to be one of {}, got {}",
                values.iter().map(Value::to_string).collect::<Vec<_>>().join(", "),
                show(got)
            ))),
        },
        Check::Type { pointer, value } => match body.pointer(pointer) {
            Some(v) if json_type(v) == value => Ok(()),
            got => Err(member(format!(
                "expected {pointer} to be of type {value}, got {}",
                show(got)
            ))),
        },
    }
}

fn show(v: Option<&Value>) -> String {
    match v {
        None => "nothing (absent)".into(),
        Some(v) => {
            let s = v.to_string();
            if s.chars().count() > 120 {
                format!("{} …", s.chars().take(120).collect::<String>())
            } else {
                s
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{OneOrMany, OpenExpectation, StatusExpectation, SuccessExpectation};

    fn resp(status: u16, body: &str) -> Response {
        let ct = vec![("content-type".to_string(), "application/x-amz-json-1.1".to_string())];
        Response::from_parts(status, ct, body.as_bytes().to_vec())
    }

    fn error(types: &[&str]) -> Expectation {
        Expectation::Error(ErrorExpectation {
            status: StatusExpectation::Class("4xx".into()),
            error_type: OneOrMany::Many(types.iter().map(|s| s.to_string()).collect()),
            message_contains: None,
            violations: None,
        })
    }

    fn empty_list() -> Expectation {
        Expectation::Success(SuccessExpectation {
            checks: vec![Check::Length {
                pointer: "/WindowExecutions".into(),
                value: 0,
            }],
        })
    }

    #[test]
    fn errors_and_successes() {
        let bad = resp(400, r#"{"__type":"ValidationException","message":"m"}"#);
        let ok = resp(200, r#"{"WindowExecutions":[]}"#);
        assert!(
            check(&error(&["ValidationException"]), &bad, &Context::single(), None)
                .unwrap()
                .is_empty()
        );
        assert!(check(&error(&["ValidationException"]), &ok, &Context::single(), None).is_err());
        assert!(check(&error(&["SerializationException"]), &bad, &Context::single(), None).is_err());
        let seen = check(
            &error(&["SerializationException", "ValidationException"]),
            &bad,
            &Context::single(),
            None,
        )
        .unwrap();
        assert_eq!(seen[0].option, "ValidationException");
        assert!(check(&empty_list(), &ok, &Context::single(), None).unwrap().is_empty());
        assert!(check(&empty_list(), &bad, &Context::single(), None).is_err());
        assert!(
            check(
                &empty_list(),
                &resp(200, r#"{"WindowExecutions":[1]}"#),
                &Context::single(),
                None
            )
            .is_err()
        );
        assert!(check(&empty_list(), &resp(200, "<html>"), &Context::single(), None).is_err());
        let plain = Response::from_parts(200, vec![("content-type".into(), "text/plain".into())], ok.body.clone());
        let why = check(&empty_list(), &plain, &Context::single(), None).unwrap_err();
        assert!(
            why.kind == FailureKind::Status && why.message.contains("Content-Type is \"text/plain\""),
            "{why}"
        );
    }

    #[test]
    fn open_choices_record_and_profiles_pin() {
        let open = Expectation::Open(OpenExpectation {
            choice: "unknown-window".into(),
            options: [
                ("empty-list".to_string(), empty_list()),
                ("not-found".to_string(), error(&["DoesNotExistException"])),
            ]
            .into_iter()
            .collect(),
        });
        let ok = resp(200, r#"{"WindowExecutions":[]}"#);
        let nf = resp(400, r#"{"__type":"DoesNotExistException"}"#);
        assert_eq!(
            check(&open, &ok, &Context::single(), None).unwrap()[0].option,
            "empty-list"
        );
        assert_eq!(
            check(&open, &nf, &Context::single(), None).unwrap()[0].option,
            "not-found"
        );
        assert!(check(&open, &resp(500, "x"), &Context::single(), None).is_err());
        let pins = Pins {
            name: "aws".into(),
            recorded: "test".into(),
            choices: [("unknown-window".to_string(), "not-found".to_string())]
                .into_iter()
                .collect(),
        };
        assert!(check(&open, &ok, &Context::single(), Some(&pins)).is_err_and(|f| {
            f.kind == FailureKind::Choice
                && f.message
                    .contains("hold unknown-window=not-found; the target took unknown-window=empty-list")
                && f.pin.is_some_and(|p| p.taken.as_deref() == Some("empty-list"))
        }));
        assert!(check(&open, &nf, &Context::single(), Some(&pins)).is_ok());
    }
}
