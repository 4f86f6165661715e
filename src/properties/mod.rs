//! The generated phase: after the spec cases, generated histories and requests against the
//! same target, judged by the oracle under the choices the target made in the spec phase, so no
//! legal behaviour fails. The run ([`crate::run::run`]) calls [`run_part`] for each [`Part`] it
//! selects; each part becomes one result named `properties::<part>` beside the spec cases, in
//! every report. The metamorphic relations themselves are [`relations`].
//!
//! - `properties::model-based`, where the target speaks the fixture protocol: random histories
//!   in fresh windows, random requests, every page walked; a failure is shrunk by proptest and
//!   can be saved as a spec case and fixture ([`Counterexample::save`]).
//! - `properties::metamorphic`, read-only, on any window (`--window-id` on AWS): pages
//!   concatenate whatever the page size, a filter only narrows, After and Before cover.
//! - `properties::stateful`, loopback or `--allow-mutations`: sequences over the window API
//!   (create, get, update, delete and describe windows; register, update, describe, get and
//!   deregister targets and tasks; seeding and Describe) against a model of the run's windows.
//! - `properties::family`, where the target speaks the fixture protocol v2: histories with tasks
//!   and invocations, read back through the six operations around an execution (cross-operation
//!   invariants; cancelling moves one execution only).
//! - `properties::schedule`, loopback or `--allow-mutations`: generated windows' schedules (cron
//!   fields, `at(...)`, `rate(...)`, zones, offsets, dates) read between generated instants,
//!   judged by the oracle's own schedule.
//!
//! Every run is reproducible from its seed ([`Settings::seed`]).

mod counterexample;
mod family;
mod history;
mod metamorphic;
mod model_based;
pub mod relations;
mod schedule;
mod search;
mod stateful;

use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use proptest::test_runner::{Config, RngAlgorithm, TestRng};

pub(crate) use counterexample::Counterexample;

use crate::model::Operation;
use crate::outcome::{CaseResult, FailureKind, Outcome, SkipReason};
use crate::session::Session;
use crate::settings::SettingError;
use crate::spec::Pins;

/// The area every generated result is named under.
pub const AREA: &str = "properties";
/// Generated cases per part unless `--cases` says otherwise.
pub(crate) const DEFAULT_CASES: u32 = 32;
/// Most executions in a generated history.
pub(crate) const DEFAULT_MAX_EXECUTIONS: usize = 120;

/// How the phase runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Reproduces a run exactly (printed by every run).
    pub seed: u64,
    /// Generated cases per part.
    pub cases: u32,
    /// Most executions per history.
    pub max_executions: usize,
    /// Where shrunk counterexamples are written (`specs/` and `fixtures/` inside).
    pub save_counterexamples: Option<PathBuf>,
    /// How far the part under way is, for a progress line (shared: the run reads it while the
    /// part's thread counts).
    pub(crate) progress: std::sync::Arc<Progress>,
    /// A campaign's time (`--duration`): the parts draw and check cases until it is up (each
    /// its share of what is left), at most `cases` each where `--cases` is given too.
    pub duration: Option<std::time::Duration>,
    /// This machine's slice of the generated cases, by place in draw order: the run sets it
    /// from [`crate::RunOptions::shard`], the one public home of the shard.
    pub(crate) shard: Option<crate::shard::Shard>,
    /// When the part under way must stop drawing (set by the run from `duration`).
    pub(crate) deadline: Option<Instant>,
}

/// How far a part is: cases checked of those drawn, then shrinking steps taken.
#[derive(Debug, Default)]
pub(crate) struct Progress {
    /// Cases drawn for the part under way.
    pub of: std::sync::atomic::AtomicUsize,
    /// Of those, checked.
    pub checked: std::sync::atomic::AtomicUsize,
    /// Shrinking steps taken (0 while no case has failed).
    pub shrinking: std::sync::atomic::AtomicUsize,
    /// The place in draw order (from 1; 0: none) of the first case that failed.
    pub failed_at: std::sync::atomic::AtomicU64,
}

impl Progress {
    /// A new part begins with `of` cases.
    pub(crate) fn begin(&self, of: usize) {
        use std::sync::atomic::Ordering::Relaxed;
        self.of.store(of, Relaxed);
        self.checked.store(0, Relaxed);
        self.shrinking.store(0, Relaxed);
        self.failed_at.store(0, Relaxed);
    }

    /// (checked, of, shrinking steps).
    pub(crate) fn read(&self) -> (usize, usize, usize) {
        use std::sync::atomic::Ordering::Relaxed;
        (
            self.checked.load(Relaxed),
            self.of.load(Relaxed),
            self.shrinking.load(Relaxed),
        )
    }
}

impl Settings {
    /// `seed` (or a fresh one) and `cases` (or [`DEFAULT_CASES`]).
    pub fn new(seed: Option<u64>, cases: Option<u32>) -> Self {
        Self {
            seed: seed.unwrap_or_else(crate::ids::random_u64),
            cases: cases.unwrap_or(DEFAULT_CASES),
            max_executions: DEFAULT_MAX_EXECUTIONS,
            save_counterexamples: None,
            progress: std::sync::Arc::default(),
            duration: None,
            shard: None,
            deadline: None,
        }
    }

    /// A campaign of `duration`: unless `cases` was given, as many cases as the time allows.
    pub fn for_duration(mut self, duration: std::time::Duration, cases_given: bool) -> Self {
        self.duration = Some(duration);
        if !cases_given {
            self.cases = u32::MAX;
        }
        self
    }

    /// Settings from the environment (the `cargo test` way in): `SSM_CONFORMANCE_SEED`,
    /// `SSM_CONFORMANCE_CASES`, `SSM_CONFORMANCE_NO_PROPERTIES` (`1`: off). `None` when off; an
    /// error names the variable whose value is bad.
    pub fn from_env() -> Result<Option<Self>, SettingError> {
        use crate::settings::{CASES, NO_PROPERTIES, SEED};
        NO_PROPERTIES.check()?;
        if NO_PROPERTIES.yes() == Some(true) {
            return Ok(None);
        }
        let seed = SEED.whole()?;
        let cases = CASES
            .whole()?
            .map(|c| match u32::try_from(c) {
                Ok(0) => Err(SettingError {
                    variable: CASES.variable,
                    why: "0 draws no case, and a part that checks none judges nothing (at least 1; \
                          SSM_CONFORMANCE_NO_PROPERTIES=1 turns the phase off)"
                        .into(),
                }),
                Ok(c) => Ok(c),
                Err(_) => Err(SettingError {
                    variable: CASES.variable,
                    why: format!("{c} is too large"),
                }),
            })
            .transpose()?;
        Ok(Some(Self::new(seed, cases)))
    }

    /// `--cases` that draws the model-based part's failing case again: the run's, or for a
    /// campaign without `--cases`, up to the failing draw.
    fn cases_to_reproduce(&self) -> u64 {
        let failed_at = self.progress.failed_at.load(std::sync::atomic::Ordering::Relaxed);
        if self.cases == u32::MAX && failed_at > 0 {
            failed_at
        } else {
            u64::from(self.cases)
        }
    }

    fn proptest_config(&self) -> Config {
        Config {
            cases: self.cases,
            // Each shrink step asks the target again: bounded in steps and time.
            max_shrink_iters: 512,
            max_shrink_time: 20_000,
            failure_persistence: None,
            ..Config::default()
        }
    }

    /// The random source of one part: the seed and the part's name, so parts stay independent.
    fn rng(&self, part: &str) -> TestRng {
        self.draws(part).rng(None)
    }

    /// The random sources of one part's cases, one per place in draw order.
    fn draws(&self, part: &str) -> Draws {
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&self.seed.to_le_bytes());
        for (i, b) in part.bytes().enumerate() {
            bytes[8 + i % 24] ^= b;
        }
        Draws(bytes)
    }
}

/// A part's seed, from which each case is drawn on its own: case `k` from a random source of its
/// own, so that a machine of a campaign draws only its own cases, not every case before them.
#[derive(Debug, Clone, Copy)]
struct Draws([u8; 32]);

impl Draws {
    /// The source of the case at `place` in draw order (`None`: the part's own, for what it
    /// draws once).
    fn rng(self, place: Option<u64>) -> TestRng {
        let mut bytes = self.0;
        // One more distinct seed per place (the part's own is place "none").
        let mixed = place.map_or(u64::MAX, |p| p);
        for (i, b) in mixed.to_le_bytes().iter().enumerate() {
            bytes[24 + i] ^= b;
        }
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
    }
}

/// The choices the target made in the spec phase (one option each), with what the pins fix.
pub(crate) fn observed_choices(results: &[CaseResult], pins: Option<&Pins>) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = pins.map(|p| p.choices.clone()).unwrap_or_default();
    let mut seen: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for o in results.iter().flat_map(|r| &r.observations) {
        if let Some(c) = &o.choice {
            seen.entry(c.as_str()).or_default().push(o.option.as_str());
        }
    }
    // Decided from the whole run (a list that looked newest-first in one case and oldest-first
    // in another is in no order); where cases disagree, the first (`choices::<choice>` fails).
    // An order is decided from the whole run, the generated cases too: the spec phase's data
    // cannot tell an order by id (or by EndTime) from one by StartTime, so unless pinned the
    // phase takes the covering option (any order, paging still whole and consistent).
    for (choice, options) in seen {
        let catalogued = crate::choices::find(choice);
        let decided = match catalogued.and_then(crate::choices::Choice::covering) {
            Some(any) => any,
            None => catalogued
                .and_then(|c| c.decide(options.iter().copied()))
                .unwrap_or(options[0]),
        };
        out.entry(choice.to_string()).or_insert_with(|| decided.to_string());
    }
    out
}

/// A part of the generated phase, reported as `properties::<part>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    /// Random histories seeded into fresh windows, random requests, judged by the oracle.
    ModelBased,
    /// Relations that hold on any window, read-only.
    Metamorphic,
    /// Sequences over the window API against a model of the run's windows.
    Stateful,
    /// Histories with tasks and invocations, read back through the execution family.
    Family,
    /// Generated windows' schedules, read between generated instants, judged by the oracle.
    Schedule,
}

impl Part {
    /// Every part, in the order a run runs them.
    pub const ALL: [Part; 5] = [
        Part::ModelBased,
        Part::Metamorphic,
        Part::Stateful,
        Part::Family,
        Part::Schedule,
    ];

    /// `model-based`, `metamorphic`, `stateful`, `family` or `schedule`.
    pub const fn name(self) -> &'static str {
        match self {
            Part::ModelBased => "model-based",
            Part::Metamorphic => "metamorphic",
            Part::Stateful => "stateful",
            Part::Family => "family",
            Part::Schedule => "schedule",
        }
    }

    /// Cases the part draws when `asked` are asked per property (`--cases`): the model-based
    /// part and the schedule part (a window made, read and deleted each) all of them; the
    /// metamorphic and family parts, eight requests and a seeding each, a quarter (at least 4);
    /// the stateful part, up to 21 steps each, half (at least 8).
    pub const fn cases(self, asked: u32) -> u32 {
        let share = match self {
            Part::ModelBased | Part::Schedule => return asked,
            Part::Metamorphic | Part::Family => (asked / 4, 4),
            Part::Stateful => (asked / 2, 8),
        };
        if share.0 > share.1 { share.0 } else { share.1 }
    }

    /// `properties::<part>`.
    pub fn result_name(self) -> String {
        format!("{AREA}::{}", self.name())
    }

    /// The operation without which the part cannot run at all: the window's life cycle for the
    /// stateful part (its other steps are left out where the target lacks them), the execution
    /// history for the rest.
    pub const fn needs(self) -> Operation {
        match self {
            Part::Stateful => Operation::CreateMaintenanceWindow.probed(),
            Part::Schedule => Operation::DescribeMaintenanceWindowSchedule,
            _ => Operation::DescribeMaintenanceWindowExecutions,
        }
    }

    /// The operations the part exists to exercise (what `--operation` selects it by).
    pub const fn operations(self) -> &'static [Operation] {
        match self {
            Part::ModelBased | Part::Metamorphic => &[Operation::DescribeMaintenanceWindowExecutions],
            Part::Stateful => &[
                Operation::CreateMaintenanceWindow,
                Operation::GetMaintenanceWindow,
                Operation::UpdateMaintenanceWindow,
                Operation::DeleteMaintenanceWindow,
                Operation::DescribeMaintenanceWindows,
                Operation::RegisterTargetWithMaintenanceWindow,
                Operation::DescribeMaintenanceWindowTargets,
                Operation::UpdateMaintenanceWindowTarget,
                Operation::DeregisterTargetFromMaintenanceWindow,
                Operation::RegisterTaskWithMaintenanceWindow,
                Operation::DescribeMaintenanceWindowTasks,
                Operation::GetMaintenanceWindowTask,
                Operation::DeregisterTaskFromMaintenanceWindow,
            ],
            Part::Family => &[
                Operation::GetMaintenanceWindowExecution,
                Operation::DescribeMaintenanceWindowExecutionTasks,
                Operation::GetMaintenanceWindowExecutionTask,
                Operation::DescribeMaintenanceWindowExecutionTaskInvocations,
                Operation::GetMaintenanceWindowExecutionTaskInvocation,
                Operation::CancelMaintenanceWindowExecution,
            ],
            Part::Schedule => &[Operation::DescribeMaintenanceWindowSchedule],
        }
    }
}

/// Run one part against `session`, after the spec phase whose choices (with the pins) are
/// `choices`; `started` is when the run handed it over.
pub(crate) fn run_part(
    part: Part,
    session: &Session,
    settings: &Settings,
    choices: &BTreeMap<String, String>,
    started: Instant,
) -> CaseResult {
    let requests = Cell::new(0);
    let mut counterexample = None;
    // Nothing drawn yet for this part: the last part's counts are not this one's.
    settings.progress.begin(0);
    let outcome = match session.block_on(crate::session::unusable(session, part.needs())) {
        Some(outcome) => outcome,
        None => {
            let ended = match part {
                Part::ModelBased => model_based(session, settings, choices, &requests, &mut counterexample),
                Part::Metamorphic => metamorphic::run(session, settings, choices, &requests),
                Part::Stateful => stateful::run(session, settings, &requests),
                Part::Family => family::run(session, settings, choices, &requests),
                Part::Schedule => schedule::run(session, settings, choices, &requests),
            };
            match ended {
                Ok(()) => Outcome::Passed,
                Err(Outcome::Failed(f)) if part != Part::ModelBased && f.kind == FailureKind::Property => {
                    let seed = settings.seed;
                    let shrunk = if part == Part::Metamorphic { "" } else { ", shrunk" };
                    Outcome::Failed(f.map(|why| {
                        format!(
                            "{AREA}::{} (seed {seed}, reproduce with --seed {seed}){shrunk}: {why}",
                            part.name()
                        )
                    }))
                }
                Err(other) => other,
            }
        }
    };
    let mut result = CaseResult::new(part.result_name(), outcome);
    result.requests = requests.get();
    result.duration = started.elapsed();
    result.counterexample = counterexample.map(std::sync::Arc::new);
    if !matches!(result.outcome, Outcome::Skipped(_)) {
        use std::sync::atomic::Ordering::Relaxed;
        let failed_at = settings.progress.failed_at.load(Relaxed);
        result.drawn = Some(crate::outcome::Drawn {
            checked: settings.progress.checked.load(Relaxed) as u64,
            failed_at: failed_at.checked_sub(1),
        });
    }
    result
}

/// The model-based part: a failure is a shrunk counterexample, saved where asked.
fn model_based(
    session: &Session,
    settings: &Settings,
    choices: &BTreeMap<String, String>,
    requests: &Cell<usize>,
    shrunk: &mut Option<crate::outcome::ShrunkCase>,
) -> Result<(), Outcome> {
    if !session.block_on(session.fixture_protocol()) {
        return Err(Outcome::skipped(
            SkipReason::NoFixtureProtocol,
            "the target does not offer the fixture protocol v1, so no history can be seeded",
        ));
    }
    if !session.may_mutate() {
        return Err(Outcome::skipped(
            SkipReason::ReadOnly,
            "seeding needs --allow-mutations on this target",
        ));
    }
    model_based::run(session, settings, choices, requests)
        .map(drop)
        .map_err(|cx| {
            *shrunk = Some(crate::outcome::ShrunkCase {
                history: serde_json::to_value(&cx.data).unwrap_or_default(),
                request: cx.params.clone(),
                expected: cx.expected.clone(),
                actual: cx.actual.clone(),
                reproduce: format!(
                    "ssm-conformance run --seed {} --cases {} (against the same target)",
                    settings.seed,
                    settings.cases_to_reproduce()
                ),
            });
            let mut message = cx.describe(settings.seed);
            if let Some(dir) = &settings.save_counterexamples {
                match cx.save(dir, settings.seed) {
                    Ok(files) => message.push_str(&format!("\n  saved: {}", files.join(", "))),
                    Err(e) => message.push_str(&format!("\n  not saved: {e}")),
                }
            }
            Outcome::failed(FailureKind::Property, message)
        })
}
