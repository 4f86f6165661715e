//! The generated phase: after the spec cases, generated histories and requests against the
//! same target, judged by the oracle under the choices the target made in the spec phase, so no
//! legal behaviour fails. Its main entry is [`run_phase`]; each part becomes one result named
//! `properties::<part>` beside the spec cases, in every report.
//!
//! - `properties::model-based`, where the target speaks the fixture protocol: random histories
//!   in fresh windows, random requests, every page walked; a failure is shrunk by proptest and
//!   can be saved as a spec case and fixture ([`Counterexample::save`]).
//! - `properties::metamorphic`, read-only, on any window (`--window-id` on AWS): pages
//!   concatenate whatever the page size, a filter only narrows, After and Before cover.
//! - `properties::stateful`, loopback or `--allow-mutations`: sequences of Create, Get, Delete,
//!   DescribeMaintenanceWindows, seeding and Describe against a model of the run's windows.
//! - `properties::family`, where the target speaks the fixture protocol v2: histories with tasks
//!   and invocations, read back through the six operations around an execution (cross-operation
//!   invariants; cancelling moves one execution only).
//!
//! Every run is reproducible from its seed ([`Settings::seed`]).

mod counterexample;
mod family;
mod history;
mod metamorphic;
mod model_based;
mod search;
mod stateful;

use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use proptest::test_runner::{Config, RngAlgorithm, TestRng};

pub use counterexample::Counterexample;
pub use history::Spellings;
pub use model_based::semantics_of;

use crate::runner::{CaseResult, Outcome, Session};
use crate::spec::Profile;

/// The area every generated result is named under.
pub const AREA: &str = "properties";
/// Generated cases per part unless `--cases` says otherwise.
pub const DEFAULT_CASES: u32 = 32;
/// Most executions in a generated history.
pub const DEFAULT_MAX_EXECUTIONS: usize = 120;

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
}

impl Settings {
    /// `seed` (or a fresh one) and `cases` (or [`DEFAULT_CASES`]).
    pub fn new(seed: Option<u64>, cases: Option<u32>) -> Self {
        Self {
            seed: seed.unwrap_or_else(crate::ids::random_u64),
            cases: cases.unwrap_or(DEFAULT_CASES),
            max_executions: DEFAULT_MAX_EXECUTIONS,
            save_counterexamples: None,
        }
    }

    /// Settings from the environment (the `cargo test` way in): `SSM_CONFORMANCE_SEED`,
    /// `SSM_CONFORMANCE_CASES`, `SSM_CONFORMANCE_NO_PROPERTIES` (`1`: off). `None` when off; an
    /// error names the variable whose value is bad.
    pub fn from_env() -> Result<Option<Self>, String> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        if var("SSM_CONFORMANCE_NO_PROPERTIES").is_some_and(|v| !matches!(v.as_str(), "0" | "false" | "no")) {
            return Ok(None);
        }
        let parse = |k: &str| -> Result<Option<u64>, String> {
            var(k)
                .map(|v| {
                    v.trim()
                        .parse::<u64>()
                        .map_err(|_| format!("{k}={v:?} is not a whole number"))
                })
                .transpose()
        };
        let seed = parse("SSM_CONFORMANCE_SEED")?;
        let cases = parse("SSM_CONFORMANCE_CASES")?
            .map(|c| u32::try_from(c).map_err(|_| format!("SSM_CONFORMANCE_CASES={c} is too large")))
            .transpose()?;
        Ok(Some(Self::new(seed, cases)))
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
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&self.seed.to_le_bytes());
        for (i, b) in part.bytes().enumerate() {
            bytes[8 + i % 24] ^= b;
        }
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
    }
}

/// The choices the target made in the spec phase (one option each), with the profile's pins.
pub fn observed_choices(results: &[CaseResult], profile: Option<&Profile>) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = profile.map(|p| p.choices.clone()).unwrap_or_default();
    for o in results.iter().flat_map(|r| &r.observations) {
        if let Some(c) = &o.choice {
            out.entry(c.clone()).or_insert_with(|| o.option.clone());
        }
    }
    out
}

fn result(part: &str, outcome: Outcome, requests: usize, started: Instant) -> CaseResult {
    CaseResult {
        name: format!("{AREA}::{part}"),
        outcome,
        observations: Vec::new(),
        exchange: None,
        requests,
        duration: started.elapsed(),
        missing_snapshot: None,
    }
}

/// The model-based part alone.
pub fn model_based(session: &Session, settings: &Settings, choices: &BTreeMap<String, String>) -> CaseResult {
    let started = Instant::now();
    let requests = Cell::new(0);
    let part = "model-based";
    let unusable = session.block_on(crate::runner::unusable(session));
    let fixture_protocol = unusable.is_none() && session.block_on(session.fixture_protocol());
    let outcome = if let Some(outcome) = unusable {
        outcome
    } else if !fixture_protocol {
        Outcome::Skipped("the target does not offer the fixture protocol v1, so no history can be seeded".into())
    } else if !session.may_mutate() {
        Outcome::Skipped("seeding needs --allow-mutations on this target".into())
    } else {
        match model_based::run(session, settings, choices, &requests) {
            Ok(_) => Outcome::Passed,
            Err(cx) => {
                let mut message = cx.describe(settings.seed);
                if let Some(dir) = &settings.save_counterexamples {
                    match cx.save(dir, settings.seed) {
                        Ok(files) => message.push_str(&format!("\n  saved: {}", files.join(", "))),
                        Err(e) => message.push_str(&format!("\n  not saved: {e}")),
                    }
                }
                Outcome::Failed(message)
            }
        }
    };
    result(part, outcome, requests.get(), started)
}

/// The metamorphic part alone: on a generated history where the target takes one, else on the
/// run's existing window (read-only).
pub fn metamorphic(session: &Session, settings: &Settings) -> CaseResult {
    let started = Instant::now();
    let requests = Cell::new(0);
    if let Some(outcome) = session.block_on(crate::runner::unusable(session)) {
        return result("metamorphic", outcome, 0, started);
    }
    let outcome = match metamorphic::run(session, settings, &requests) {
        Ok(()) => Outcome::Passed,
        Err(Ok(skip)) => Outcome::Skipped(skip),
        Err(Err(why)) => Outcome::Failed(format!(
            "properties::metamorphic (seed {}, reproduce with --seed {}): {why}",
            settings.seed, settings.seed
        )),
    };
    result("metamorphic", outcome, requests.get(), started)
}

/// The stateful part alone: sequences of window life-cycle calls against a model of the
/// windows this run made (loopback or `--allow-mutations` only).
pub fn stateful(session: &Session, settings: &Settings) -> CaseResult {
    let started = Instant::now();
    let requests = Cell::new(0);
    if let Some(outcome) = session.block_on(crate::runner::unusable(session)) {
        return result("stateful", outcome, 0, started);
    }
    let outcome = match stateful::run(session, settings, &requests) {
        Ok(()) => Outcome::Passed,
        Err(Ok(skip)) => Outcome::Skipped(skip),
        Err(Err(why)) => Outcome::Failed(format!(
            "properties::stateful (seed {}, reproduce with --seed {}), shrunk: {why}",
            settings.seed, settings.seed
        )),
    };
    result("stateful", outcome, requests.get(), started)
}

/// The family part alone: histories with tasks and invocations (fixture protocol v2), read
/// back through the operations around an execution and held to their cross-operation
/// invariants, cancelling included (loopback or `--allow-mutations` only).
pub fn family(session: &Session, settings: &Settings, choices: &BTreeMap<String, String>) -> CaseResult {
    let started = Instant::now();
    let requests = Cell::new(0);
    if let Some(outcome) = session.block_on(crate::runner::unusable(session)) {
        return result("family", outcome, 0, started);
    }
    let outcome = match family::run(session, settings, choices, &requests) {
        Ok(()) => Outcome::Passed,
        Err(Ok(skip)) => Outcome::Skipped(skip),
        Err(Err(why)) => Outcome::Failed(format!(
            "properties::family (seed {}, reproduce with --seed {}), shrunk: {why}",
            settings.seed, settings.seed
        )),
    };
    result("family", outcome, requests.get(), started)
}

/// The parts, by name (`properties::<part>`).
pub const PARTS: [&str; 4] = ["model-based", "metamorphic", "stateful", "family"];

/// One part by its name (one of [`PARTS`]).
pub fn part(name: &str, session: &Session, settings: &Settings, choices: &BTreeMap<String, String>) -> CaseResult {
    match name {
        "model-based" => model_based(session, settings, choices),
        "metamorphic" => metamorphic(session, settings),
        "family" => family(session, settings, choices),
        _ => stateful(session, settings),
    }
}

/// Run every part against `session`, after the spec phase whose choices are `choices`.
pub fn run_phase(session: &Session, settings: &Settings, choices: &BTreeMap<String, String>) -> Vec<CaseResult> {
    PARTS.iter().map(|p| part(p, session, settings, choices)).collect()
}
