//! The metamorphic part: relations that hold on any window whatever its data, so they need no
//! oracle and no seeding and run read-only anywhere (real AWS included, on `--window-id`).

use std::cell::Cell;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::ValueTree;
use proptest::test_runner::{TestCaseError, TestError, TestRunner};

use super::Settings;
use crate::properties::{self, Window};
use crate::runner::Session;

/// `Ok`, or `Err(Ok(why skipped))`, or `Err(Err(why failed))`.
pub fn run(session: &Session, settings: &Settings, requests: &Cell<usize>) -> Result<(), Result<String, String>> {
    let seeded = session.block_on(session.fixture_protocol()) && session.may_mutate();
    let mut rng_runner = TestRunner::new_with_rng(settings.proptest_config(), settings.rng("metamorphic-data"));
    let (window_id, size) = if seeded {
        let data = super::history::history(settings.max_executions)
            .new_tree(&mut rng_runner)
            .map_err(|e| Err(e.to_string()))?
            .current();
        let id = session.block_on(session.seed_fresh(&data)).map_err(Err)?;
        requests.set(requests.get() + 1);
        (id, data.len())
    } else {
        let id = session
            .block_on(session.existing_window())
            .map_err(|e| Ok(format!("no window to read: {e}")))?;
        (id, 10_000)
    };
    let client = session.block_on(session.client()).map_err(Err)?;
    let window = Window {
        client,
        window_id: &window_id,
        max_executions: size,
    };
    // The window's own start times: bounds exactly on its executions, and between them.
    let listed = session.block_on(window.list(&[], Some(100))).map_err(Err)?;
    let starts: Vec<i128> = listed.iter().map(|r| r.start).collect();
    let fallback = starts.first().copied().unwrap_or(1_730_000_000_000_000_000);
    let instant = (any::<Index>(), any::<bool>(), -3_600i64..3_600).prop_map(move |(i, exact, seconds)| {
        if exact && !starts.is_empty() {
            starts[i.index(starts.len())]
        } else {
            // Whole seconds: the one spelling every target takes.
            (fallback / 1_000_000_000 + i128::from(seconds)) * 1_000_000_000
        }
    });
    let page = proptest::option::of(10usize..=100);
    let strategy = (page.clone(), page, any::<bool>(), instant);
    let mut config = settings.proptest_config();
    config.cases = (settings.cases / 4).max(4);
    let mut runner = TestRunner::new_with_rng(config, settings.rng("metamorphic"));
    let result = runner.run(&strategy, |(a, b, after, t)| {
        let key = if after { "ExecutedAfter" } else { "ExecutedBefore" };
        requests.set(requests.get() + 8);
        session
            .block_on(async {
                properties::pages_concatenate(window, a, b).await?;
                properties::filter_only_narrows(window, key, t).await?;
                properties::after_and_before_cover(window, t).await
            })
            .map_err(TestCaseError::fail)
    });
    if seeded {
        let _ = session.block_on(session.delete_seeded(&window_id));
    }
    match result {
        Ok(()) => Ok(()),
        Err(TestError::Fail(why, (a, b, after, t))) => Err(Err(format!(
            "{why} (MaxResults {a:?} and {b:?}, {} {})",
            if after { "ExecutedAfter" } else { "ExecutedBefore" },
            properties::format_instant(t)
        ))),
        Err(TestError::Abort(why)) => Err(Err(why.to_string())),
    }
}
