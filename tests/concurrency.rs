//! `--jobs`: cases sent at once give the same results, in the same order, as one at a time —
//! through a proxy that makes the target far away, and against a faulty target too; a target
//! that throttles slows every job together and fails no case.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{NONE, Variant, latency, serve_variant};
use ssm_conformance::_internals::emulator::ApiError;
use ssm_conformance::{CaseResult, Outcome, Suite, TargetOptions};

/// What must not depend on the number of jobs: each case's name, outcome kind and observations.
fn digest(results: &[CaseResult]) -> Vec<String> {
    results
        .iter()
        .map(|r| format!("{} {} {:?}", r.name, r.outcome.label(), r.observations))
        .collect()
}

fn run(url: &str, jobs: usize) -> (Vec<CaseResult>, Vec<(String, String)>) {
    let suite = Suite::load(
        &TargetOptions {
            endpoint: Some(url.to_string()),
            jobs: Some(jobs),
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let conclusion = common::run_suite(&suite, None);
    assert!(conclusion.left.is_empty());
    let failed = conclusion.failed_checks();
    (conclusion.results, failed)
}

#[test]
fn results_are_the_same_at_every_number_of_jobs_through_a_far_proxy() {
    let served = serve_variant(NONE);
    let far = latency::proxy(
        &served.runtime,
        served.url.trim_start_matches("http://").to_string(),
        Duration::from_millis(5),
    );
    let (one, one_choices) = run(&far, 1);
    for jobs in [3, 8, 32] {
        let (many, many_choices) = run(&far, jobs);
        assert_eq!(digest(&one), digest(&many), "jobs {jobs}");
        assert_eq!(one_choices, many_choices, "jobs {jobs}");
    }
    assert!(one.iter().all(|r| r.outcome == Outcome::Passed), "{:?}", digest(&one));
    assert!(served.emulator.window_ids().is_empty());
}

#[test]
fn a_faulty_target_fails_the_same_cases_at_every_number_of_jobs() {
    let fault = Variant {
        name: "max-results-ignored",
        request: Some(|_, m| {
            m.remove("MaxResults");
        }),
        ..NONE
    };
    let served = serve_variant(fault);
    let (one, _) = run(&served.url, 1);
    let (many, _) = run(&served.url, 8);
    assert_eq!(digest(&one), digest(&many));
    assert!(one.iter().any(|r| matches!(r.outcome, Outcome::Failed(_))));
}

static SENT: AtomicUsize = AtomicUsize::new(0);

#[test]
fn throttling_slows_every_job_and_fails_no_case() {
    // Every fifth request is throttled (retried after a shared backoff).
    let busy = Variant {
        name: "busy",
        replace: Some(|_, _, _| {
            if SENT.fetch_add(1, Ordering::SeqCst) % 5 == 4 {
                Some(Err(ApiError::protocol(
                    400,
                    "ThrottlingException",
                    "Rate exceeded".into(),
                )))
            } else {
                None
            }
        }),
        ..NONE
    };
    let served = serve_variant(busy);
    let (results, choices) = run(&served.url, 8);
    let failed: Vec<&str> = results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Failed(_)))
        .map(|r| r.name.as_str())
        .collect();
    let messages: Vec<String> = results
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Failed(f) => Some(f.message.clone()),
            _ => None,
        })
        .collect();
    assert!(failed.is_empty(), "{failed:?}\n{}", messages.join("\n"));
    assert!(choices.is_empty(), "{choices:?}");
    assert!(SENT.load(Ordering::SeqCst) > 100);
}
