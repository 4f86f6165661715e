//! The libtest-mimic harness: one trial per case (`<area>::<case-id>`), per open choice two or
//! more cases observe (`choices::<choice>`), per generated part (`properties::<part>`) and for
//! the target check. The trials do not run anything themselves: one [`super::run`] on a thread
//! of its own runs what libtest's filter selects, and each trial waits for its result. So the
//! harness is a reporter of the one run, like the CLI.

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::{Arc, Condvar, Mutex};

use libtest_mimic::{Arguments, Completion, Failed, Trial};

use super::{Conclusion, Event, RunOptions, StartEmbedded, Suite};
use crate::expectations::{Expectations, Held};
use crate::outcome::{CaseResult, Outcome};
use crate::properties;
use crate::target::TargetOptions;

/// Results as the run reports them, for the trials that wait on them.
#[derive(Default)]
struct Board {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    results: HashMap<String, CaseResult>,
    /// Set when the run is over.
    ended: Option<Ended>,
}

/// How the one run ended, for the trials still waiting.
#[derive(Debug, Clone)]
enum Ended {
    /// It ran; Ctrl-C stopped it, or not.
    Ran {
        /// Ctrl-C stopped it.
        interrupted: bool,
    },
    /// It could not start: why (the plan, or a target that cannot be judged).
    NotStarted(String),
}

impl Board {
    fn put(&self, result: &CaseResult) {
        let mut s = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        s.results.insert(result.name.clone(), result.clone());
        self.changed.notify_all();
    }

    fn end(&self, how: Ended) {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .ended = Some(how);
        self.changed.notify_all();
    }

    /// The result named `name`, once the run has it; `Err` when the run ended without it.
    fn wait(&self, name: &str) -> Result<CaseResult, Ended> {
        let mut s = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        loop {
            if let Some(r) = s.results.get(name) {
                return Ok(r.clone());
            }
            if let Some(how) = &s.ended {
                return Err(how.clone());
            }
            s = self.changed.wait(s).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }
}

/// The whole `tests/conformance.rs`: target from the environment, libtest-mimic arguments;
/// `embedded` starts the default target (see `crate::embedded::harness_main`).
pub(crate) fn main(embedded: Option<StartEmbedded>) -> ExitCode {
    let args = Arguments::from_args();
    let suite = match Suite::load(&TargetOptions::from_env(), embedded) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ssm-conformance: {e}");
            return ExitCode::from(2);
        }
    };
    let properties = match properties::Settings::from_env() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("ssm-conformance: {e}");
            return ExitCode::from(2);
        }
    };
    let html = crate::settings::REPORT_HTML.raw().map(std::path::PathBuf::from);
    run_trials(&args, &suite, properties, None, html)
}

/// Run `suite` as libtest-mimic trials with `args` (and the generated phase, where given), held
/// to `expectations` where given, the run written as a page to `html` where given. Exit 130
/// when interrupted (after cleanup).
pub(crate) fn run_trials(
    args: &Arguments,
    suite: &Suite,
    properties: Option<properties::Settings>,
    expectations: Option<Arc<Expectations>>,
    html: Option<std::path::PathBuf>,
) -> ExitCode {
    let options = RunOptions {
        filters: args.filter.iter().cloned().collect(),
        exact: args.exact,
        skip: args.skip.clone(),
        properties,
        require_data: crate::settings::REQUIRE_DATA.yes().unwrap_or(false),
        ..RunOptions::default()
    };
    let board = Arc::new(Board::default());
    let trials = trials(suite, options.properties.is_some(), &board, expectations);
    // Listing runs nothing; `--ignored` runs only trials marked ignored, and none is.
    let runs = !args.list && !args.ignored;
    let runner = runs.then(|| {
        let (suite, board) = (suite.clone(), board.clone());
        std::thread::spawn(move || {
            // A panic in the run must not leave the trials waiting for ever.
            let _ends = EndsOnPanic(board.clone());
            let outcome = super::run(&suite, &options, &mut |event| report(&board, &event));
            match outcome {
                Ok(conclusion) => {
                    board.end(Ended::Ran {
                        interrupted: conclusion.interrupted,
                    });
                    Some(conclusion)
                }
                Err(e) => {
                    eprintln!("ssm-conformance: {e}");
                    board.end(Ended::NotStarted(e.to_string()));
                    None
                }
            }
        })
    });
    let verdict = libtest_mimic::run(args, trials);
    // Every selected trial has its result, so the run is over (or ends its cleanup now).
    let conclusion: Option<Conclusion> = runner.and_then(|r| r.join().ok().flatten());
    if let (Some(c), Some(file)) = (&conclusion, &html) {
        let code = if c.interrupted {
            130
        } else {
            u8::from(verdict.has_failed())
        };
        let page = crate::report::run_html(&c.report(suite, "unknown"), code);
        if let Err(e) = std::fs::write(file, page) {
            eprintln!("ssm-conformance: cannot write {}: {e}", file.display());
        }
    }
    if conclusion.as_ref().is_some_and(|c| c.interrupted) {
        return ExitCode::from(130);
    }
    verdict.exit_code()
}

/// Ends the board when the run's thread unwinds, so that every trial still waiting fails with
/// the reason instead of waiting for ever.
struct EndsOnPanic(Arc<Board>);

impl Drop for EndsOnPanic {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.end(Ended::NotStarted(
                "the run stopped with a panic (its message is above)".into(),
            ));
        }
    }
}

/// The harness's reporter: results to the board, the life cycle to stderr.
fn report(board: &Board, event: &Event<'_>) {
    match event {
        Event::CaseFinished(r) | Event::CheckFinished(r) | Event::PartFinished(r) => board.put(r),
        Event::PhaseStarted { seed, .. } => {
            eprintln!("ssm-conformance: generated phase seed {seed} (reproduce with SSM_CONFORMANCE_SEED={seed})");
        }
        other => {
            if let Some(notice) = other.notice() {
                eprintln!("ssm-conformance: {}", notice.replace('\n', "\nssm-conformance: "));
            }
        }
    }
}

/// One trial per name the run may report, each waiting for its result.
fn trials(suite: &Suite, properties: bool, board: &Arc<Board>, expectations: Option<Arc<Expectations>>) -> Vec<Trial> {
    let named = super::listed_names(&suite.cases, properties);
    named
        .into_iter()
        .map(|(name, kind)| {
            let (board, expectations) = (board.clone(), expectations.clone());
            Trial::ignorable_test(name.clone(), move || match board.wait(&name) {
                Ok(result) => completion(&result, expectations.as_deref()),
                Err(Ended::Ran { interrupted: true }) => Err("interrupted before it ran".into()),
                Err(Ended::Ran { interrupted: false }) => {
                    Ok(Completion::ignored_with("the run reported nothing for it"))
                }
                Err(Ended::NotStarted(why)) => Err(why.into()),
            })
            .with_kind(kind)
        })
        .collect()
}

/// A trial's completion: the outcome, held to the expectations where given. A missing snapshot
/// is not a wrong answer; under CI it must still be recorded.
fn completion(result: &CaseResult, expectations: Option<&Expectations>) -> Result<Completion, Failed> {
    if let (Outcome::Passed, Some(file)) = (&result.outcome, &result.missing_snapshot)
        && crate::settings::ci()
    {
        return Err(format!("the answer conforms, but {}", crate::snapshot::missing_line(file)).into());
    }
    if let Some(e) = expectations {
        match e.hold(&result.name, &result.outcome) {
            Held::AsUsual => {}
            Held::AsExpected(want, why) => {
                return Ok(Completion::ignored_with(format!("expected ({want:?}): {why}")));
            }
            Held::Differs(why) => return Err(why.into()),
        }
    }
    match &result.outcome {
        Outcome::Passed => Ok(Completion::Completed),
        Outcome::Skipped(s) => Ok(Completion::ignored_with(s.message.clone())),
        Outcome::Failed(f) => Err(f.message.clone().into()),
        Outcome::Unsupported(why) => Err(format!("unsupported: {why}").into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run that panics ends the board: the trials waiting on it fail with the reason.
    #[test]
    fn a_panicking_run_releases_the_waiting_trials() {
        let board = Arc::new(Board::default());
        let b = board.clone();
        let runner = std::thread::spawn(move || {
            let _ends = EndsOnPanic(b.clone());
            let _poisoned = b.state.lock().unwrap();
            panic!("a bug in the run");
        });
        assert!(runner.join().is_err());
        match board.wait("area::case") {
            Err(Ended::NotStarted(why)) => assert!(why.contains("panic"), "{why}"),
            other => panic!("{other:?}"),
        }
    }
}
