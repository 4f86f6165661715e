//! The event stream people build on (issue 28): every event carries the time since the run
//! began, in order; a case is told started and finished; the run ends with one event that
//! carries the conclusion and its verdict. One small run's stream is held to a snapshot.

mod common;

use std::time::Duration;

use common::{NONE, serve_variant};
use ssm_conformance::{EventKind, RunOptions, Suite, TargetOptions};

/// An event in a line, without what differs between runs (times, ports, ids).
fn line(kind: &EventKind<'_>) -> String {
    match kind {
        EventKind::Started { cases, parts } => format!("started: {cases} cases, {} parts", parts.len()),
        EventKind::CaseStarted { name } => format!("case started: {name}"),
        EventKind::CaseFinished(r) => format!("case finished: {} {}", r.name, r.outcome.label()),
        EventKind::CheckFinished(r) => format!("check finished: {} {}", r.name, r.outcome.label()),
        EventKind::PhaseStarted { cases, .. } => format!("phase started: {cases} cases"),
        EventKind::PartProgress { part, .. } => format!("part progress: {}", part.name()),
        EventKind::PartFinished(r) => format!("part finished: {} {}", r.name, r.outcome.label()),
        EventKind::Interrupted => "interrupted".into(),
        EventKind::CleanedUp { left, .. } => format!("cleaned up: {} left", left.len()),
        EventKind::RunFinished(c) => format!(
            "run finished: {} results, {} checks, exit {}",
            c.results.len(),
            c.checks.len(),
            c.verdict.exit_code
        ),
        other => format!("{other:?}"),
    }
}

#[test]
fn one_small_run_tells_its_steps_in_order_with_their_times() {
    let served = serve_variant(NONE);
    let suite = Suite::load(
        &TargetOptions {
            endpoint: Some(served.url.clone()),
            jobs: Some(1),
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let options = RunOptions {
        filters: vec!["filters::five".into(), "filters::six".into()],
        exact: true,
        interruptible: false,
        ..RunOptions::default()
    };
    let mut told = Vec::new();
    let mut last = Duration::ZERO;
    let conclusion = ssm_conformance::run(&suite, &options, &mut |event| {
        assert!(event.elapsed >= last, "{:?} after {last:?}", event.elapsed);
        last = event.elapsed;
        told.push(line(&event.kind));
    })
    .unwrap();
    // The last event (run finished) carries the conclusion, whose time is taken just before.
    assert!(conclusion.elapsed <= last && !conclusion.elapsed.is_zero());
    insta::assert_snapshot!(told.join("\n"));
}
