//! The metamorphic part: relations that hold on any window whatever its data, so they need no
//! oracle and no seeding and run read-only anywhere (real AWS included, on `--window-id`).

use std::cell::Cell;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

use super::Settings;
use crate::outcome::{FailureKind, Outcome, SkipReason};
use crate::properties::relations::{self, Window};
use crate::session::{Session, Unmet};

/// `Ok`, or `Err` with the part's outcome: skipped (no window, or one with nothing to relate),
/// or failed with the relation that does not hold.
pub(crate) fn run(
    session: &Session,
    settings: &Settings,
    choices: &std::collections::BTreeMap<String, String>,
    requests: &Cell<usize>,
) -> Result<(), Outcome> {
    // Instants spelled only as the target was seen to take them: fractions of a second where
    // `fraction-spelling` was accepted (more than three digits where `long-fraction` was too),
    // else whole seconds — also where the spec phase did not ask (read-only against AWS).
    let (_, spellings) = super::model_based::semantics_of(choices);
    let spellable = move |t: i128| -> i128 {
        let unit: i128 = if spellings.long_fractions {
            1
        } else if spellings.fractions {
            1_000_000
        } else {
            1_000_000_000
        };
        t.div_euclid(unit) * unit
    };
    let fail = |why: String| Outcome::failed(FailureKind::Property, why);
    let seeded = session.block_on(session.fixture_protocol()) && session.may_mutate();
    let mut rng_runner = TestRunner::new_with_rng(settings.proptest_config(), settings.rng("metamorphic-data"));
    let (window_id, size) = if seeded {
        // A history with executions: an empty one relates nothing (drawn again, from the same
        // random source, so a seed still gives one history).
        let data = loop {
            let data = super::history::history(settings.max_executions)
                .new_tree(&mut rng_runner)
                .map_err(|e| fail(e.to_string()))?
                .current();
            if !data.is_empty() {
                break data;
            }
        };
        let id = session.block_on(session.seed_fresh(&data)).map_err(|e| match e {
            Unmet::Skip(reason, why) => Outcome::skipped(reason, why),
            Unmet::Fail(kind, why) => Outcome::failed(kind, why),
        })?;
        requests.set(requests.get() + 1);
        (id, data.len())
    } else {
        let id = session.block_on(session.existing_window()).map_err(|e| match e {
            Unmet::Fail(kind, why) => Outcome::failed(kind, format!("no window to read: {why}")),
            Unmet::Skip(reason, why) => Outcome::skipped(reason, format!("no window to read: {why}")),
        })?;
        (id, 10_000)
    };
    let client = session
        .block_on(session.client())
        .map_err(|e| Outcome::failed(FailureKind::NoAnswer, e))?;
    let window = Window {
        client,
        window_id: &window_id,
        max_executions: size,
    };
    // The window's own start times: bounds exactly on its executions, and between them.
    let listed = session
        .block_on(window.list(&[], Some(100)))
        .map_err(|f| fail(f.message))?;
    if listed.is_empty() {
        // An empty window satisfies every relation: nothing was related, so nothing passed.
        if seeded {
            let _ = session.block_on(session.delete_seeded(&window_id));
        }
        return Err(Outcome::skipped(
            SkipReason::NoData,
            format!(
                "window {window_id} has no executions, so there was nothing to relate: give --window-id of a \
                 window with executions, or implement the fixture protocol (docs/fixture-protocol.md)"
            ),
        ));
    }
    let starts: Vec<i128> = listed.iter().map(|r| r.start).collect();
    let fallback = starts.first().copied().unwrap_or(1_730_000_000_000_000_000);
    let instant = (any::<Index>(), any::<bool>(), -3_600i64..3_600).prop_map(move |(i, exact, seconds)| {
        if exact && !starts.is_empty() {
            // On an execution's StartTime, as near as the target's spellings reach.
            spellable(starts[i.index(starts.len())])
        } else {
            // Whole seconds: the one spelling every target takes.
            (fallback / 1_000_000_000 + i128::from(seconds)) * 1_000_000_000
        }
    });
    let page = proptest::option::of(10usize..=100);
    let strategy = (page.clone(), page, any::<bool>(), instant);
    let mut config = settings.proptest_config();
    config.cases = super::Part::Metamorphic.cases(settings.cases);
    let check = |(a, b, after, t): (Option<usize>, Option<usize>, bool, i128)| async move {
        let key = if after { "ExecutedAfter" } else { "ExecutedBefore" };
        requests.set(requests.get() + 8);
        let outcome = async {
            // The three relations of one input at once too.
            let (x, y, z) = tokio::join!(
                relations::pages_concatenate(window, a, b),
                relations::filter_only_narrows(window, key, t),
                relations::after_and_before_cover(window, t)
            );
            x.and(y).and(z)
        }
        .await;
        outcome.map_err(|f| {
            f.map(|why| {
                format!(
                    "{why} (MaxResults {a:?} and {b:?}, {key} {})",
                    relations::format_instant(t)
                )
            })
        })
    };
    let result = match super::search::first_failure(
        session,
        &strategy,
        &config,
        settings.draws("metamorphic"),
        settings,
        check,
    ) {
        Err(why) => Some(why.to_string()),
        Ok(Ok(_)) => None,
        Ok(Err(shrunk)) => Some(shrunk.failure.message),
    };
    if seeded {
        let _ = session.block_on(session.delete_seeded(&window_id));
    }
    match result {
        None => Ok(()),
        Some(why) => Err(fail(why)),
    }
}
