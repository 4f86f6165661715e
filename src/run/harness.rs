//! The libtest-mimic harness: one trial per case (`<area>::<case-id>`), per open choice two or
//! more cases observe (`choices::<choice>`), per generated part (`properties::<part>`) and for
//! the target check. The trials do not run anything themselves: one [`super::run`] on a thread
//! of its own runs what libtest's filter selects, and each trial waits for its result. So the
//! harness is a reporter of the one run, like the CLI.

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::{Arc, Condvar, Mutex};

use libtest_mimic::{Arguments, Completion, Failed, Trial};

use super::{Conclusion, Event, EventKind, RunOptions, StartEmbedded, Suite};
use crate::outcome::{CaseResult, Outcome};
use crate::properties;
use crate::target::TargetOptions;
use crate::verdict::{Policy, Standing};

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
    let options = RunOptions {
        properties,
        require_data: crate::settings::REQUIRE_DATA.yes().unwrap_or(false),
        snapshots_required: crate::settings::ci(),
        ..RunOptions::default()
    };
    run_trials(&args, &suite, options, html)
}

/// Run `suite` as libtest-mimic trials with `args` (its filters, `--exact` and `--skip` added to
/// `options`, which hold the generated phase, the expectations and the policy), the run written
/// as a page to `html` where given. Each trial
/// ends as its result stands in the verdict ([`crate::verdict::standing`]); the exit code is
/// the run's verdict's (0, 1, 2 for a run that judged too little or could not start, 130 when
/// interrupted, after cleanup).
pub(crate) fn run_trials(
    args: &Arguments,
    suite: &Suite,
    options: RunOptions,
    html: Option<std::path::PathBuf>,
) -> ExitCode {
    let options = RunOptions {
        filters: args.filter.iter().cloned().collect(),
        exact: args.exact,
        skip: args.skip.clone(),
        ..options
    };
    let board = Arc::new(Board::default());
    let trials = trials(suite, options.properties.is_some(), &board, Arc::new(options.policy()));
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
    let tally = libtest_mimic::run(args, trials);
    // Every selected trial has its result, so the run is over (or ends its cleanup now).
    let conclusion: Option<Conclusion> = runner.and_then(|r| r.join().ok().flatten());
    match &conclusion {
        Some(c) => {
            if let Some(file) = &html {
                let page = crate::report::run_html(&c.report(suite, "unknown"));
                if let Err(e) = std::fs::write(file, page) {
                    eprintln!("ssm-conformance: cannot write {}: {e}", file.display());
                }
            }
            for reason in &c.verdict.reasons {
                eprintln!("ssm-conformance: {}", reason.message);
            }
            // The trials stand as the verdict does; the verdict also has what no one trial
            // holds (most cases throttled, listed cases that did not run).
            match c.verdict.exit_code {
                0 if tally.has_failed() => ExitCode::from(1),
                code => ExitCode::from(code),
            }
        }
        // It could not start (its trials failed, saying why): a set-up error.
        None if runs => ExitCode::from(2),
        None => tally.exit_code(),
    }
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
    match &event.kind {
        EventKind::CaseFinished(r) | EventKind::CheckFinished(r) | EventKind::PartFinished(r) => board.put(r),
        EventKind::PhaseStarted { seed, .. } => {
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
fn trials(suite: &Suite, properties: bool, board: &Arc<Board>, policy: Arc<Policy>) -> Vec<Trial> {
    let named = super::listed_names(&suite.cases, properties);
    named
        .into_iter()
        .map(|(name, kind)| {
            let (board, policy) = (board.clone(), policy.clone());
            Trial::ignorable_test(name.clone(), move || match board.wait(&name) {
                Ok(result) => completion(&result, &policy),
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

/// A trial's completion: the result as it stands in the verdict. An expected non-pass is
/// ignored with the expectation's reason, as nextest and WPT show an expected failure.
fn completion(result: &CaseResult, policy: &Policy) -> Result<Completion, Failed> {
    match crate::verdict::standing(result, policy) {
        Standing::Passed => Ok(Completion::Completed),
        Standing::Expected { listed } => Ok(Completion::ignored_with(format!(
            "expected {}: {listed}",
            result.outcome.label()
        ))),
        Standing::NotJudged => Ok(Completion::ignored_with(
            result.outcome.message().unwrap_or("not judged").to_string(),
        )),
        Standing::Failed { why } => Err(match &result.outcome {
            // Not held to expectations, a failure shows its full message (the request and
            // answer included), not only the line the verdict keeps.
            Outcome::Failed(f) if policy.expectations.is_none() => f.message.clone().into(),
            _ => why.into(),
        }),
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
