//! The generated phase proves its worth: each fault below slips past every spec case (their data
//! is tidy) and is caught by `properties::model-based` within its default budget, with a fixed
//! seed; the correct emulator passes; a run reproduces from its seed; a saved counterexample
//! fails the same way as a spec case.

mod common;

use chrono::{DateTime, SecondsFormat, Utc};
use common::{NONE, Request, Served, Variant, describe_all, map_filter_values, refused, serve_variant};
use serde_json::{Value, json};
use ssm_conformance::_internals::properties::{self as generated, Settings};
use ssm_conformance::{CaseResult, Outcome, Suite, TargetOptions};

const SEED: u64 = 20_261_125;

fn describing(op: &str) -> bool {
    op == "DescribeMaintenanceWindowExecutions"
}

/// Validate with the emulator, then answer `all` (already in the faulty order) page by page with
/// offset tokens, or with the tokens `cursor` makes.
fn paged(emulator: &ssm_conformance::_internals::emulator::Emulator, request: &Request, all: Vec<Value>) -> Value {
    let offset: usize = request
        .get("NextToken")
        .and_then(Value::as_str)
        .and_then(|t| t.strip_prefix('p'))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let _ = emulator;
    let size = request.get("MaxResults").and_then(Value::as_u64).unwrap_or(50) as usize;
    let page: Vec<Value> = all.iter().skip(offset).take(size).cloned().collect();
    let mut answer = json!({ "WindowExecutions": page });
    if offset + size < all.len() {
        answer["NextToken"] = json!(format!("p{}", offset + size));
    }
    answer
}

/// For a DescribeMaintenanceWindowExecutions request the emulator accepts: every execution it
/// selects, newest first (`Some(Err)`: the emulator's refusal; `None`: another operation).
fn every_execution(
    emulator: &ssm_conformance::_internals::emulator::Emulator,
    op: &str,
    request: &Request,
) -> Option<Result<Vec<Value>, ssm_conformance::_internals::emulator::ApiError>> {
    if !describing(op) {
        return None;
    }
    if let Some(Err(e)) = refused(emulator, request) {
        return Some(Err(e));
    }
    Some(describe_all(emulator, request))
}

fn start(v: &Value) -> f64 {
    v["StartTime"].as_f64().unwrap()
}

fn faults() -> Vec<Variant> {
    vec![
        Variant {
            name: "cursor-without-a-tie-break",
            fails: &["properties::model-based"],
            // The token carries only the last StartTime: executions tied with it on the next
            // page are skipped.
            replace: Some(|emulator, op, request| {
                let mut all = match every_execution(emulator, op, request)? {
                    Ok(a) => a,
                    Err(e) => return Some(Err(e)),
                };
                if let Some(after) = request
                    .get("NextToken")
                    .and_then(Value::as_str)
                    .and_then(|t| t.strip_prefix('t'))
                {
                    let last: f64 = after.parse().ok()?;
                    all.retain(|e| start(e) < last);
                }
                let size = request.get("MaxResults").and_then(Value::as_u64).unwrap_or(50) as usize;
                let page: Vec<Value> = all.iter().take(size).cloned().collect();
                let mut answer = json!({ "WindowExecutions": page });
                if all.len() > size {
                    answer["NextToken"] = json!(format!("t{}", start(&page[size - 1])));
                }
                Some(Ok(answer))
            }),
            ..NONE
        },
        common::status_details_trimmed(),
        Variant {
            name: "filter-values-rounded-to-the-second",
            fails: &["properties::model-based"],
            request: Some(|_, m| {
                map_filter_values(m, |_, v| match DateTime::parse_from_rfc3339(v) {
                    Ok(t) if t.timestamp_subsec_millis() > 0 => {
                        let secs = t.timestamp() + i64::from(t.timestamp_subsec_millis() >= 500);
                        DateTime::<Utc>::from_timestamp(secs, 0)
                            .unwrap()
                            .to_rfc3339_opts(SecondsFormat::Secs, true)
                    }
                    _ => v.to_string(),
                })
            }),
            ..NONE
        },
        Variant {
            // Deregistering one task removes every task of its window (a delete by window id):
            // the spec cases never hold two tasks in one window; the state machine does.
            name: "deregistering-a-task-removes-all",
            fails: &["properties::stateful"],
            replace: Some(|e, op, request| {
                if op != "DeregisterTaskFromMaintenanceWindow" {
                    return None;
                }
                let answer = e.handle(
                    Some("AmazonSSM.DeregisterTaskFromMaintenanceWindow"),
                    &serde_json::to_vec(request).unwrap(),
                );
                if answer.is_ok() {
                    let listed = e.handle(
                        Some("AmazonSSM.DescribeMaintenanceWindowTasks"),
                        &serde_json::to_vec(&json!({ "WindowId": request["WindowId"], "MaxResults": 100 })).unwrap(),
                    );
                    for task in listed
                        .iter()
                        .flat_map(|l| l["Tasks"].as_array().cloned().unwrap_or_default())
                    {
                        let _ = e.handle(
                            Some("AmazonSSM.DeregisterTaskFromMaintenanceWindow"),
                            &serde_json::to_vec(
                                &json!({ "WindowId": request["WindowId"], "WindowTaskId": task["WindowTaskId"] }),
                            )
                            .unwrap(),
                        );
                    }
                }
                Some(answer)
            }),
            window_api: true,
            ..NONE
        },
        Variant {
            // Numbered weekdays read the POSIX way (0 = Sunday) where AWS counts 1 = Sunday:
            // the spec cases name their weekdays; the schedule part draws numbers.
            name: "weekdays-numbered-from-zero",
            fails: &["properties::schedule"],
            request: Some(|op, m| {
                let Some(fields) = m
                    .get("Schedule")
                    .and_then(Value::as_str)
                    .and_then(|s| s.strip_prefix("cron("))
                    .and_then(|s| s.strip_suffix(')'))
                    .filter(|_| op == "CreateMaintenanceWindow")
                else {
                    return;
                };
                let mut f: Vec<String> = fields.split(' ').map(str::to_string).collect();
                if f.len() == 6 && f[4] != "?" {
                    // AWS's n is POSIX's n - 1: what this emulator reads as n, AWS calls n + 1.
                    let mut after_hash = false;
                    f[4] = f[4]
                        .chars()
                        .map(|c| {
                            after_hash |= c == '#';
                            match c.to_digit(10) {
                                Some(d) if !after_hash && (1..=7).contains(&d) => {
                                    char::from_digit(d % 7 + 1, 10).unwrap()
                                }
                                _ => c,
                            }
                        })
                        .collect();
                    m.insert("Schedule".into(), json!(format!("cron({})", f.join(" "))));
                }
            }),
            ..NONE
        },
        Variant {
            // A serializer that writes a task's Priority only when it is not zero: the spec
            // cases read back a task of priority 3; the state machine draws 0 to 4.
            name: "task-priority-0-dropped",
            fails: &["properties::stateful"],
            result: Some(|_, _, answer| {
                answer.map(|mut a| {
                    let zero = |t: &mut Value| {
                        if t.get("WindowTaskId").is_some() && t["Priority"] == json!(0) {
                            t.as_object_mut().unwrap().remove("Priority");
                        }
                    };
                    zero(&mut a);
                    for t in a["Tasks"].as_array_mut().into_iter().flatten() {
                        zero(t);
                    }
                    a
                })
            }),
            window_api: true,
            ..NONE
        },
        Variant {
            name: "delete-answers-but-keeps-the-window",
            fails: &["properties::stateful"],
            replace: Some(|e, op, request| {
                if op != "DeleteMaintenanceWindow" {
                    return None;
                }
                // A request the model refuses is refused as the emulator refuses it; a valid one
                // is answered and keeps the window.
                let checked = e.handle(
                    Some("AmazonSSM.GetMaintenanceWindow"),
                    &serde_json::to_vec(request).unwrap(),
                );
                match checked {
                    Err(err) if err.error_type != "DoesNotExistException" => None,
                    _ => Some(Ok(json!({ "WindowId": request.get("WindowId") }))),
                }
            }),
            ..NONE
        },
        Variant {
            name: "cancel-cancels-the-whole-window",
            fails: &["properties::family"],
            result: Some(|e, request, answer| {
                let cancelled = request.len() == 1
                    && answer.as_ref().is_ok_and(|a| {
                        a.as_object()
                            .is_some_and(|o| o.len() == 1 && o.contains_key("WindowExecutionId"))
                    });
                if !cancelled {
                    return answer;
                }
                // Every other pending or running execution of the same window goes too.
                let id = &request["WindowExecutionId"];
                for w in e.window_ids() {
                    let all = common::describe_all(e, &serde_json::from_value(json!({ "WindowId": w })).unwrap())
                        .unwrap_or_default();
                    if !all.iter().any(|x| &x["WindowExecutionId"] == id) {
                        continue;
                    }
                    for x in all.iter().filter(|x| &x["WindowExecutionId"] != id) {
                        if matches!(x["Status"].as_str(), Some("PENDING" | "IN_PROGRESS")) {
                            let body =
                                serde_json::to_vec(&json!({ "WindowExecutionId": x["WindowExecutionId"] })).unwrap();
                            let _ = e.handle(Some("AmazonSSM.CancelMaintenanceWindowExecution"), &body);
                        }
                    }
                }
                answer
            }),
            ..NONE
        },
        Variant {
            // DescribeMaintenanceWindowExecutions joins the task table and loses StatusDetails
            // of an execution that has tasks (the spec cases list executions without tasks).
            name: "listed-executions-with-tasks-lose-their-details",
            fails: &["properties::family"],
            result: Some(|e, request, answer| {
                let mut v = answer?;
                if request.contains_key("WindowId") {
                    for x in common::listed_executions(&mut v) {
                        let body = serde_json::to_vec(&json!({ "WindowExecutionId": x["WindowExecutionId"] })).unwrap();
                        let tasks = e
                            .handle(Some("AmazonSSM.GetMaintenanceWindowExecution"), &body)
                            .ok()
                            .and_then(|g| g["TaskIds"].as_array().map(Vec::len))
                            .unwrap_or(0);
                        if tasks > 0
                            && let Some(o) = x.as_object_mut()
                        {
                            o.remove("StatusDetails");
                        }
                    }
                }
                Ok(v)
            }),
            ..NONE
        },
        Variant {
            name: "times-kept-in-32-bits",
            fails: &["properties::model-based"],
            result: Some(|_, _, answer| {
                let mut v = answer?;
                for e in common::listed_executions(&mut v) {
                    for k in ["StartTime", "EndTime"] {
                        if let Some(t) = e.get(k).and_then(Value::as_f64) {
                            e[k] = json!(f64::from(t as i64 as i32) + t.fract());
                        }
                    }
                }
                Ok(v)
            }),
            ..NONE
        },
    ]
}

/// What AWS leaves open, taken otherwise than the reference emulator takes it: each must pass the
/// spec and the generated phase without pins.
fn legal() -> Vec<Variant> {
    vec![
        // A consistent order that is not by StartTime, paging whole: the spec phase's fixtures
        // cannot tell it from newest-first (the same durations), the generated histories can.
        Variant {
            name: "ordered-by-end-time",
            fails: &["properties::model-based"],
            // (fails only where a pin says newest-first)
            replace: Some(|emulator, op, request| {
                let mut all = match every_execution(emulator, op, request)? {
                    Ok(a) => a,
                    Err(e) => return Some(Err(e)),
                };
                let key = |e: &Value| e["EndTime"].as_f64().unwrap_or_else(|| start(e));
                all.sort_by(|a, b| key(b).total_cmp(&key(a)));
                Some(Ok(paged(emulator, request, all)))
            }),
            ..NONE
        },
        Variant {
            name: "ordered-by-execution-id",
            fails: &[],
            replace: Some(|emulator, op, request| {
                let mut all = match every_execution(emulator, op, request)? {
                    Ok(a) => a,
                    Err(e) => return Some(Err(e)),
                };
                all.sort_by(|a, b| a["WindowExecutionId"].as_str().cmp(&b["WindowExecutionId"].as_str()));
                Some(Ok(paged(emulator, request, all)))
            }),
            ..NONE
        },
        Variant {
            // Fractions of a second in a filter value refused (`fraction-spelling` = rejected):
            // the relations must spell the seeded StartTimes (milliseconds) as whole seconds.
            name: "fractions-rejected",
            fails: &[],
            replace: Some(|emulator, op, request| {
                // What the emulator refuses anyway, it refuses in its own words.
                if let Some(refused) = common::refused(emulator, request) {
                    return describing(op).then_some(refused);
                }
                let fraction = common::filter_values(request)
                    .iter()
                    .any(|v| v.len() > 19 && v.as_bytes().get(19) == Some(&b'.'));
                (describing(op) && fraction).then(|| {
                    Err(ssm_conformance::_internals::emulator::ApiError::modeled(
                        400,
                        "ValidationException",
                        "fractions of a second are not supported".into(),
                    ))
                })
            }),
            ..NONE
        },
    ]
}

/// The spec phase, then the generated phase, against `served` (8 jobs at a time).
fn run(served: &Served, settings: &Settings) -> (Vec<CaseResult>, Vec<(String, String)>, Vec<CaseResult>) {
    run_with(served, settings, 8)
}

fn run_with(
    served: &Served,
    settings: &Settings,
    jobs: usize,
) -> (Vec<CaseResult>, Vec<(String, String)>, Vec<CaseResult>) {
    run_pinned(served, settings, jobs, None)
}

fn run_pinned(
    served: &Served,
    settings: &Settings,
    jobs: usize,
    pins: Option<&str>,
) -> (Vec<CaseResult>, Vec<(String, String)>, Vec<CaseResult>) {
    let suite = Suite::load(
        &TargetOptions {
            endpoint: Some(served.url.clone()),
            jobs: Some(jobs),
            pins: pins.map(str::to_string),
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let conclusion = common::run_suite(&suite, Some(settings.clone()));
    let choice_failures = conclusion.failed_checks();
    let (results, phase): (Vec<CaseResult>, Vec<CaseResult>) = conclusion
        .results
        .into_iter()
        .partition(|r| !r.name.starts_with("properties::"));
    (results, choice_failures, phase)
}

fn failed(results: &[CaseResult]) -> Vec<&str> {
    results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Failed(_)))
        .map(|r| r.name.as_str())
        .collect()
}

#[test]
fn the_correct_emulator_passes_the_generated_phase() {
    let served = serve_variant(NONE);
    let (_, _, phase) = run(&served, &Settings::new(Some(SEED), None));
    assert_eq!(phase.len(), generated::Part::ALL.len());
    for r in &phase {
        assert_eq!(r.outcome, Outcome::Passed, "{}", r.name);
        assert!(r.requests > 0, "{} sent nothing", r.name);
    }
    assert!(served.emulator.window_ids().is_empty(), "the phase leaves no window");
}

#[test]
fn legal_choices_pass_the_generated_phase_and_pins_hold_them() {
    let mut wrong = Vec::new();
    for v in legal() {
        let served = serve_variant(v);
        let (results, choice_failures, phase) = run(&served, &Settings::new(Some(SEED), None));
        let failed_all: Vec<&str> = failed(&results).into_iter().chain(failed(&phase)).collect();
        if !failed_all.is_empty() || !choice_failures.is_empty() {
            wrong.push(format!(
                "{}: a legal choice fails {failed_all:?} {choice_failures:?}",
                v.name
            ));
        }
        if !v.fails.is_empty() {
            let (_, _, phase) = run_pinned(&served, &Settings::new(Some(SEED), None), 8, Some("reference"));
            for must in v.fails {
                if !failed(&phase).contains(must) {
                    wrong.push(format!("{}: {must} passes under the reference pins", v.name));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The cases a long campaign found (`filter_semantics::*-on-a-far-millisecond`, instants of 2111
/// with milliseconds): they catch two of the faults below as well (values rounded to the second,
/// times kept in 32 bits), so they are set aside where the generated phase's own catch is the
/// point.
const FOUND_BY_A_CAMPAIGN: &str = "-on-a-far-millisecond";

#[test]
fn faults_the_spec_cases_miss_are_caught_by_the_generated_phase() {
    let mut wrong = Vec::new();
    for v in faults() {
        let (results, choice_failures, phase) = run(&serve_variant(v), &Settings::new(Some(SEED), None));
        let mut spec_failed = failed(&results);
        spec_failed.retain(|name| !name.ends_with(FOUND_BY_A_CAMPAIGN));
        if !spec_failed.is_empty() || !choice_failures.is_empty() {
            wrong.push(format!(
                "{}: the spec cases catch it already ({spec_failed:?} {choice_failures:?}): pick a subtler fault",
                v.name
            ));
        }
        let caught = failed(&phase);
        for must in v.fails {
            if !caught.contains(must) {
                wrong.push(format!("{}: {must} passed", v.name));
            }
        }
        for r in &phase {
            if let Outcome::Failed(f) = &r.outcome {
                let m = &f.message;
                assert!(m.contains(&format!("--seed {SEED}")), "{}: {m}", v.name);
                if r.name == "properties::model-based" {
                    assert!(m.contains("request:") && m.contains("expected:"), "{}: {m}", v.name);
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_seed_reproduces_the_run_and_a_saved_counterexample_fails_as_a_spec_case() {
    let fault = faults()
        .into_iter()
        .find(|v| v.name == "status-details-trimmed")
        .unwrap();
    let served = serve_variant(fault);
    // Fresh and empty, removed on drop at the end of the test.
    let tmp = tempfile::Builder::new()
        .prefix("ssm-conformance-cx-")
        .tempdir()
        .unwrap();
    let dir = tmp.path().to_path_buf();
    let mut settings = Settings::new(Some(SEED), None);
    settings.save_counterexamples = Some(dir.clone());
    let message = |phase: &[CaseResult]| match &phase[0].outcome {
        Outcome::Failed(f) => f.message.clone(),
        other => panic!("{other:?}"),
    };
    let first = message(&run(&served, &settings).2);
    let again = message(&run(&serve_variant(fault), &settings).2);
    // What shrinking cost in time differs from run to run; the rest is the counterexample.
    let took = regex::Regex::new(r" \(\d+\.\d s\)").unwrap();
    let strip = |m: &str| {
        let kept = m
            .lines()
            .filter(|l| !l.contains("saved:"))
            .collect::<Vec<_>>()
            .join("\n");
        took.replace_all(&kept, "").into_owned()
    };
    assert_eq!(
        strip(&first),
        strip(&again),
        "the same seed gives the same counterexample"
    );
    assert!(first.contains("saved:"), "{first}");

    // The saved case, run as a spec with its fixture: it fails against the fault, passes against
    // the correct emulator.
    let fixtures = dir.join("fixtures");
    for entry in std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, fixtures.join(p.file_name().unwrap())).unwrap();
    }
    let spec_run = |served: &Served| {
        let suite = Suite::load(
            &TargetOptions {
                endpoint: Some(served.url.clone()),
                specs: Some(dir.join("specs")),
                fixtures: Some(fixtures.clone()),
                ..Default::default()
            },
            None,
        )
        .unwrap();
        common::run_suite(&suite, None).results
    };
    let bad = spec_run(&serve_variant(fault));
    assert_eq!(bad.len(), 1);
    assert!(matches!(bad[0].outcome, Outcome::Failed(_)), "{:?}", bad[0].outcome);
    let good = spec_run(&serve_variant(NONE));
    assert_eq!(good[0].outcome, Outcome::Passed);
}

/// A fault one execution shows (its details trimmed) shrinks by halves and chunks to at most
/// three executions within the default budget, through a proxy that makes every request slow;
/// the message says how many steps and how long shrinking took.
#[test]
fn a_one_execution_fault_shrinks_to_a_few_executions_against_a_slow_target() {
    let v = faults()
        .into_iter()
        .find(|v| v.name == "status-details-trimmed")
        .unwrap();
    let served = serve_variant(v);
    let far = common::latency::proxy(
        &served.runtime,
        served.url.trim_start_matches("http://").to_string(),
        std::time::Duration::from_millis(5),
    );
    let suite = Suite::load(
        &TargetOptions {
            endpoint: Some(far),
            jobs: Some(8),
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let conclusion = common::run_suite(&suite, Some(Settings::new(Some(SEED), None)));
    let model_based = conclusion
        .results
        .iter()
        .find(|r| r.name == "properties::model-based")
        .unwrap();
    let Outcome::Failed(f) = &model_based.outcome else {
        panic!("{:?}", model_based.outcome)
    };
    let m = &f.message;
    let shrunk_to: usize = m
        .split(" execution(s)")
        .next()
        .and_then(|head| head.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{m}"));
    assert!(shrunk_to <= 3, "shrunk to {shrunk_to}: {m}");
    assert!(m.contains("shrunk in ") && m.contains(" s) to "), "{m}");
}

/// Pages as short as a target may make them: the first page empty with a NextToken, then one
/// execution a page, the last one with an empty NextToken (legal: a NextToken says only that
/// more may follow). `Some(Err)` for a token it did not give.
fn short_pages(
    emulator: &ssm_conformance::_internals::emulator::Emulator,
    op: &str,
    request: &Request,
) -> Option<common::Answer> {
    let all = match every_execution(emulator, op, request)? {
        Ok(a) => a,
        Err(e) => return Some(Err(e)),
    };
    let offset = match request.get("NextToken").and_then(Value::as_str) {
        None => return Some(Ok(json!({ "WindowExecutions": [], "NextToken": "s0" }))),
        Some(t) => match t.strip_prefix('s').and_then(|n| n.parse::<usize>().ok()) {
            Some(n) => n,
            None => {
                return Some(Err(ssm_conformance::_internals::emulator::ApiError::modeled(
                    400,
                    "InvalidNextToken",
                    "The specified token isn't valid.".into(),
                )));
            }
        },
    };
    let page: Vec<Value> = all.iter().skip(offset).take(1).cloned().collect();
    let next = if offset + 1 < all.len() {
        format!("s{}", offset + 1)
    } else {
        String::new()
    };
    Some(Ok(json!({ "WindowExecutions": page, "NextToken": next })))
}

/// Issue 28: every part reads every list to its last page, so a target that answers short and
/// empty pages with a NextToken (and an empty NextToken on the last) passes the whole generated
/// phase, on many seeds. The stateful part read one page and failed it ("window … lists [],
/// seeded […]") on the seeds that draw a read after a seed.
#[test]
fn short_and_empty_pages_pass_every_part_on_many_seeds() {
    let served = serve_variant(Variant {
        name: "short-and-empty-pages",
        replace: Some(short_pages),
        ..NONE
    });
    let mut wrong = Vec::new();
    for seed in [SEED, 1, 2, 3, 4, 5] {
        let (_, _, phase) = run(&served, &Settings::new(Some(seed), Some(16)));
        for r in &phase {
            if r.outcome != Outcome::Passed {
                wrong.push(format!("seed {seed}: {}: {:?}", r.name, r.outcome));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
