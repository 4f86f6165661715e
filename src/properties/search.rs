//! How every part looks for a failure: cases drawn from the seed first, checked `--jobs` at a
//! time (a far target's latency overlaps), and the first failing one in draw order shrunk one
//! step at a time, as proptest's runner shrinks. The same seed gives the same counterexample
//! whatever the number of jobs.

use std::future::Future;
use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, TestRng, TestRunner};

use crate::session::Session;

/// `Ok(cases checked)`, or the last failure shrinking reached; `Err` of the outer result when no
/// case could be drawn.
pub(super) fn first_failure<S, F, Fut, C>(
    session: &Session,
    strategy: &S,
    config: &Config,
    rng: TestRng,
    check: C,
) -> Result<Result<u32, F>, String>
where
    S: Strategy,
    C: Fn(S::Value) -> Fut,
    Fut: Future<Output = Result<(), F>>,
{
    let mut runner = TestRunner::new_with_rng(config.clone(), rng);
    let mut trees = Vec::with_capacity(config.cases as usize);
    for _ in 0..config.cases {
        trees.push(strategy.new_tree(&mut runner).map_err(|e| e.to_string())?);
    }
    let jobs = session.config.jobs.max(1);
    let outcomes: Vec<Result<(), F>> = session.block_on(
        stream::iter(trees.iter().map(ValueTree::current))
            .map(&check)
            .buffered(jobs)
            .collect(),
    );
    let Some(first) = outcomes.iter().position(Result::is_err) else {
        return Ok(Ok(config.cases));
    };
    let Some(Err(mut best)) = outcomes.into_iter().nth(first) else {
        unreachable!("the position of an error")
    };
    let mut tree = trees.swap_remove(first);
    // proptest's shrinking: simplify while it still fails, complicate when it passes; bounded in
    // steps and time, since each step asks the target again.
    let deadline = Instant::now() + Duration::from_millis(u64::from(config.max_shrink_time));
    let mut steps = 0;
    if tree.simplify() {
        while steps < config.max_shrink_iters && Instant::now() < deadline {
            steps += 1;
            match session.block_on(check(tree.current())) {
                Err(failure) => {
                    best = failure;
                    if !tree.simplify() {
                        break;
                    }
                }
                Ok(()) => {
                    if !tree.complicate() {
                        break;
                    }
                }
            }
        }
    }
    Ok(Err(best))
}
