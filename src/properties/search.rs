//! How every part looks for a failure: cases drawn from the seed as they are checked, `--jobs`
//! at a time (a far target's latency overlaps), each from a random source of its own (so a shard
//! draws only its own), and the first failing one in draw order shrunk. The same seed gives the
//! same counterexample whatever the number of jobs or shards.
//!
//! Two ways to shrink. A sequence of steps shrinks as proptest's runner shrinks it, one
//! simplification at a time ([`first_failure`]). A history does not: proptest removes one
//! element per step, and against a slow target the budget runs out with 120 executions left. A
//! history ([`Reducible`]) is cut by delta debugging instead (Zeller's ddmin: halves, then
//! quarters, …, then single items), then made simpler member by member ([`first_failure_cut`]):
//! a fault one execution shows ends at that execution in a few dozen steps.

use std::future::Future;
use std::ops::Range;
use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, TestRunner};

use super::{Draws, Progress, Settings};
use crate::session::Session;

/// The last failure shrinking reached, and what shrinking cost.
#[derive(Debug)]
pub(super) struct Shrunk<F> {
    /// The failure of the smallest failing case.
    pub failure: F,
    /// How many cases shrinking checked.
    pub steps: u32,
    /// How long it took.
    pub took: Duration,
}

impl<F> Shrunk<F> {
    /// `shrunk in 14 steps (2.3 s)`, for the message.
    pub(super) fn note(&self) -> String {
        format!(
            "shrunk in {} step{} ({:.1} s)",
            self.steps,
            if self.steps == 1 { "" } else { "s" },
            self.took.as_secs_f64()
        )
    }
}

/// A case that delta debugging can cut: a list of items (a history's executions) and simpler
/// forms of it, one change each.
pub(super) trait Reducible: Clone {
    /// How many items it holds.
    fn items(&self) -> usize;
    /// It without the items in `range`.
    fn without(&self, range: Range<usize>) -> Self;
    /// Simpler forms, each one change (an item's member dropped, a filter dropped), tried after
    /// the cuts.
    fn simpler(&self) -> Vec<Self>;
}

/// What searching found: every case passed (how many were checked), or the first failing one
/// in draw order (its place in the draw order, from 0).
enum Found<T, F> {
    Passed(u64),
    Failed { draw: u64, tree: T, failure: F },
}

/// No case could be drawn: the strategy refused, with proptest's reason. Not the target's
/// failure; the part fails with it all the same, having judged nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the generated phase could not draw a case: {0}")]
pub(crate) struct DrawError(String);

/// Draw cases as they are checked, `--jobs` at a time, counting them on the settings' progress:
/// at most `config.cases`, none drawn after the part's deadline (a `--duration` campaign), and
/// under `--shard` only the shard's places in draw order (each place has its own random source,
/// so a machine draws none of the other machines' cases). Only the cases under way are held, so
/// memory does not grow with the number of cases; checking stops at the first failure in draw
/// order, which is the same whatever the number of jobs or shards.
fn find<S, F, Fut, C>(
    session: &Session,
    strategy: &S,
    config: &Config,
    draws: Draws,
    check: &C,
    settings: &Settings,
) -> Result<Found<S::Tree, F>, DrawError>
where
    S: Strategy,
    C: Fn(S::Value) -> Fut,
    Fut: Future<Output = Result<(), F>>,
{
    use std::sync::atomic::Ordering::Relaxed;
    let progress = &settings.progress;
    let shard = settings.shard;
    let owned = |draw: u64| shard.is_none_or(|s| s.owns(draw));
    // Known only without a deadline: how many of the draws are this machine's.
    let of = match (settings.deadline, shard) {
        (Some(_), _) => 0,
        (None, None) => config.cases as usize,
        // Places k-1, k-1+n, … below the count.
        (None, Some(s)) => (config.cases as usize + (s.count - s.index) as usize) / s.count as usize,
    };
    progress.begin(of);
    let drawing_failed = std::cell::RefCell::new(None);
    let mut drawn = 0u64;
    let cases = (0..u64::from(config.cases))
        .filter(|draw| owned(*draw))
        .map_while(|draw| {
            // At least one case, even when the part's share of the time is gone: a part that
            // checked nothing would pass without judging anything.
            if drawn > 0 && settings.deadline.is_some_and(|d| Instant::now() >= d) {
                return None;
            }
            drawn += 1;
            let mut runner = TestRunner::new_with_rng(config.clone(), draws.rng(Some(draw)));
            match strategy.new_tree(&mut runner) {
                Ok(tree) => Some((draw, tree)),
                Err(e) => {
                    *drawing_failed.borrow_mut() = Some(DrawError(e.to_string()));
                    None
                }
            }
        });
    let jobs = session.config.jobs.max(1);
    let found = session.block_on(async {
        let mut checked = stream::iter(cases)
            .map(|(draw, tree)| {
                let outcome = check(tree.current());
                async move { (draw, tree, outcome.await) }
            })
            .buffered(jobs);
        let mut passed = 0;
        while let Some((draw, tree, outcome)) = checked.next().await {
            progress.checked.fetch_add(1, Relaxed);
            match outcome {
                Ok(()) => passed += 1,
                Err(failure) => return Found::Failed { draw, tree, failure },
            }
        }
        Found::Passed(passed)
    });
    if let Found::Failed { draw, .. } = &found {
        progress.failed_at.store(draw + 1, Relaxed);
    }
    match drawing_failed.into_inner() {
        Some(why) if matches!(found, Found::Passed(_)) => Err(why),
        _ => Ok(found),
    }
}

/// The budget shrinking has: steps and time, since each step asks the target again.
struct Budget<'p> {
    steps: u32,
    most: u32,
    started: Instant,
    deadline: Instant,
    progress: &'p Progress,
}

impl<'p> Budget<'p> {
    fn new(config: &Config, progress: &'p Progress) -> Self {
        let started = Instant::now();
        Budget {
            steps: 0,
            most: config.max_shrink_iters,
            started,
            deadline: started + Duration::from_millis(u64::from(config.max_shrink_time)),
            progress,
        }
    }

    /// Take one step, if any is left.
    fn step(&mut self) -> bool {
        if self.steps >= self.most || Instant::now() >= self.deadline {
            return false;
        }
        self.steps += 1;
        self.progress
            .shrinking
            .store(self.steps as usize, std::sync::atomic::Ordering::Relaxed);
        true
    }

    fn shrunk<F>(self, failure: F) -> Shrunk<F> {
        Shrunk {
            failure,
            steps: self.steps,
            took: self.started.elapsed(),
        }
    }
}

/// `Ok(cases checked)`, or the failure proptest's shrinking reached; `Err` of the outer result
/// when no case could be drawn.
pub(super) fn first_failure<S, F, Fut, C>(
    session: &Session,
    strategy: &S,
    config: &Config,
    draws: Draws,
    settings: &Settings,
    check: C,
) -> Result<Result<u64, Shrunk<F>>, DrawError>
where
    S: Strategy,
    C: Fn(S::Value) -> Fut,
    Fut: Future<Output = Result<(), F>>,
{
    let (mut tree, mut best) = match find(session, strategy, config, draws, &check, settings)? {
        Found::Passed(n) => return Ok(Ok(n)),
        Found::Failed { tree, failure, .. } => (tree, failure),
    };
    // proptest's shrinking: simplify while it still fails, complicate when it passes.
    let mut budget = Budget::new(config, &settings.progress);
    if tree.simplify() {
        while budget.step() {
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
    Ok(Err(budget.shrunk(best)))
}

/// As [`first_failure`], shrinking the failing case by delta debugging over its items, then by
/// its simpler forms, greedily.
pub(super) fn first_failure_cut<S, F, Fut, C>(
    session: &Session,
    strategy: &S,
    config: &Config,
    draws: Draws,
    settings: &Settings,
    check: C,
) -> Result<Result<u64, Shrunk<F>>, DrawError>
where
    S: Strategy,
    S::Value: Reducible,
    C: Fn(S::Value) -> Fut,
    Fut: Future<Output = Result<(), F>>,
{
    let (tree, failure) = match find(session, strategy, config, draws, &check, settings)? {
        Found::Passed(n) => return Ok(Ok(n)),
        Found::Failed { tree, failure, .. } => (tree, failure),
    };
    let mut budget = Budget::new(config, &settings.progress);
    let fails = |v: &S::Value| session.block_on(check(v.clone())).err();
    let (value, failure) = cut(tree.current(), failure, &mut budget, &fails);
    let (_, failure) = simplify(value, failure, &mut budget, &fails);
    Ok(Err(budget.shrunk(failure)))
}

/// ddmin: try the case without each of `n` chunks of its items (n = 2: each half); keep the
/// first cut that still fails (and cut coarser again), else cut finer, down to single items.
fn cut<V: Reducible, F>(mut value: V, mut failure: F, budget: &mut Budget, fails: &dyn Fn(&V) -> Option<F>) -> (V, F) {
    let mut n = 2;
    'cutting: while value.items() >= 1 {
        let len = value.items();
        let chunk = len.div_ceil(n.min(len));
        let mut cut_one = false;
        for start in (0..len).step_by(chunk) {
            if !budget.step() {
                break 'cutting;
            }
            let candidate = value.without(start..(start + chunk).min(len));
            if let Some(f) = fails(&candidate) {
                (value, failure) = (candidate, f);
                n = (n - 1).max(2);
                cut_one = true;
                break;
            }
        }
        if !cut_one {
            if chunk == 1 {
                break;
            }
            n = (n * 2).min(len);
        }
    }
    (value, failure)
}

/// Each simpler form that still fails replaces the case, until none does (or the budget ends).
fn simplify<V: Reducible, F>(
    mut value: V,
    mut failure: F,
    budget: &mut Budget<'_>,
    fails: &dyn Fn(&V) -> Option<F>,
) -> (V, F) {
    'again: loop {
        for candidate in value.simpler() {
            if !budget.step() {
                break 'again;
            }
            if let Some(f) = fails(&candidate) {
                (value, failure) = (candidate, f);
                continue 'again;
            }
        }
        break;
    }
    (value, failure)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list whose failure is one item (`bad`), or two together.
    #[derive(Debug, Clone, PartialEq)]
    struct List(Vec<u32>);

    impl Reducible for List {
        fn items(&self) -> usize {
            self.0.len()
        }
        fn without(&self, range: Range<usize>) -> Self {
            let mut v = self.0.clone();
            v.drain(range);
            List(v)
        }
        fn simpler(&self) -> Vec<Self> {
            // Each item made 0 (simpler), where it is not already.
            (0..self.0.len())
                .filter(|i| self.0[*i] != 0)
                .map(|i| {
                    let mut v = self.0.clone();
                    v[i] = 0;
                    List(v)
                })
                .collect()
        }
    }

    static PROGRESS: std::sync::LazyLock<Progress> = std::sync::LazyLock::new(Progress::default);

    fn budget(most: u32) -> Budget<'static> {
        Budget::new(
            &Config {
                max_shrink_iters: most,
                max_shrink_time: 60_000,
                ..Config::default()
            },
            &PROGRESS,
        )
    }

    #[test]
    fn one_failing_item_of_120_is_found_in_few_steps() {
        let list = List((1..=120).collect());
        let fails = |l: &List| l.0.contains(&77).then_some(());
        let mut b = budget(512);
        let (value, ()) = cut(list, (), &mut b, &fails);
        assert_eq!(value, List(vec![77]));
        assert!(b.steps <= 40, "{} steps", b.steps);
    }

    #[test]
    fn two_items_that_fail_together_are_both_kept() {
        let list = List((1..=120).collect());
        let fails = |l: &List| (l.0.contains(&3) && l.0.contains(&100)).then_some(());
        let mut b = budget(512);
        let (value, ()) = cut(list, (), &mut b, &fails);
        assert_eq!(value, List(vec![3, 100]));
    }

    #[test]
    fn simpler_forms_follow_and_the_budget_holds() {
        // Fails while some item is 5 or more: the cut keeps one such item, simplifying keeps it.
        let fails = |l: &List| l.0.iter().any(|x| *x >= 5).then_some(());
        let mut b = budget(512);
        let (value, ()) = cut(List(vec![1, 9, 2, 7]), (), &mut b, &fails);
        let (value, ()) = simplify(value, (), &mut b, &fails);
        assert_eq!(value.0.len(), 1);
        let mut b = budget(3);
        let _ = cut(List((1..=120).collect()), (), &mut b, &|l: &List| {
            l.0.contains(&77).then_some(())
        });
        assert_eq!(b.steps, 3);
    }
}
