//! The libtest-mimic harness: one trial per case (`<area>::<case-id>`), plus one per open choice
//! observed by several cases (`choices::<choice>`, which checks they agree).

use std::process::ExitCode;
use std::sync::Arc;

use libtest_mimic::{Arguments, Completion, Failed, Trial};

use super::{Outcome, Session, StartEmbedded, check_choice, choices, run_case};
use crate::fixtures::Fixture;
use crate::spec::{self, LoadedCase, Need, Profile, SpecError};
use crate::target::{ConfigError, TargetOptions};

/// A suite could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SuiteError {
    /// Bad flags or environment.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A bad spec or profile file.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// A bad fixture file.
    #[error(transparent)]
    Fixture(#[from] crate::fixtures::FixtureFileError),
    /// The runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[from] std::io::Error),
    /// A bad expectations file.
    #[error(transparent)]
    Expectations(Box<crate::expectations::ExpectationsError>),
}

/// Everything a run needs: the session, the cases and the profile (and the generated phase's
/// settings, for the libtest-mimic harness).
#[derive(Clone)]
pub struct Suite {
    /// The generated phase, unless it is turned off (`SSM_CONFORMANCE_NO_PROPERTIES`).
    pub generated: Option<Arc<crate::generated::Settings>>,
    /// What the target is known not to pass: a trial whose outcome is the listed one passes
    /// (reported as ignored, with the reason); an unexpected pass fails.
    pub expectations: Option<Arc<crate::expectations::Expectations>>,
    /// The target.
    pub session: Arc<Session>,
    /// All cases, in file order.
    pub cases: Arc<Vec<LoadedCase>>,
    /// The profile pinning open choices, if any.
    pub profile: Option<Arc<Profile>>,
}

impl Suite {
    /// Resolve options, load specs and profile; nothing is contacted yet. For trials run on
    /// several threads (the libtest-mimic harness). `embedded` starts the default target when no
    /// endpoint is given (`crate::embedded::start`).
    pub fn load(options: &TargetOptions, embedded: Option<StartEmbedded>) -> Result<Self, SuiteError> {
        Self::load_with(options, false, embedded)
    }

    /// [`Suite::load`] for one caller at a time (`ssm-conformance run`): a current-thread runtime.
    pub fn load_sequential(options: &TargetOptions, embedded: Option<StartEmbedded>) -> Result<Self, SuiteError> {
        Self::load_with(options, true, embedded)
    }

    fn load_with(
        options: &TargetOptions,
        sequential: bool,
        embedded: Option<StartEmbedded>,
    ) -> Result<Self, SuiteError> {
        let config = options.resolve()?;
        let cases = spec::load_dir(&config.specs)?;
        let fixtures = Fixture::load_dir(&config.fixtures)?;
        for case in &cases {
            for need in &case.needs {
                if let Need::Fixture(name) = need
                    && !fixtures.contains_key(name)
                {
                    return Err(SpecError {
                        file: case.file.clone(),
                        case: Some(case.case.id.clone()),
                        path: "needs".into(),
                        message: format!("there is no fixture {name:?} in {}", config.fixtures.display()),
                    }
                    .into());
                }
            }
        }
        let profile = match &config.profile {
            Some(p) => Some(Arc::new(Profile::load(p, &cases)?)),
            None => None,
        };
        Ok(Self {
            generated: None,
            expectations: None,
            session: Arc::new(Session::new(config, fixtures, sequential, embedded)?),
            cases: Arc::new(cases),
            profile,
        })
    }

    /// The trials.
    pub fn trials(&self) -> Vec<Trial> {
        let mut trials: Vec<Trial> = (0..self.cases.len())
            .map(|i| {
                let suite = self.clone();
                let case = &self.cases[i];
                Trial::ignorable_test(case.name(), move || {
                    let case = &suite.cases[i];
                    let result = suite
                        .session
                        .block_on(run_case(&suite.session, case, suite.profile.as_deref()));
                    // A missing snapshot is not a wrong answer; under CI it must still be recorded.
                    if let (Outcome::Passed, Some(file)) = (&result.outcome, &result.missing_snapshot)
                        && crate::target::env_flag("CI").unwrap_or(false)
                    {
                        return Err(format!("the answer conforms, but {}", crate::snapshot::missing_line(file)).into());
                    }
                    expected_completion(suite.expectations.as_deref(), &result.name, result.outcome)
                })
                .with_kind(case.area.clone())
            })
            .collect();
        for (choice, members) in choices(&self.cases) {
            let suite = self.clone();
            let names: Vec<String> = members.iter().map(|c| c.name()).collect();
            trials.push(
                Trial::ignorable_test(format!("choices::{choice}"), move || {
                    let results: Vec<_> = names
                        .iter()
                        .filter_map(|n| suite.cases.iter().find(|c| &c.name() == n))
                        .map(|c| {
                            suite
                                .session
                                .block_on(run_case(&suite.session, c, suite.profile.as_deref()))
                        })
                        .collect();
                    let name = format!("choices::{choice}");
                    let expectations = suite.expectations.as_deref();
                    if let Some(r) = results.iter().find(|r| matches!(r.outcome, Outcome::Unsupported(_))) {
                        return expected_completion(expectations, &name, r.outcome.clone());
                    }
                    let outcome = match check_choice(&choice, &results.iter().collect::<Vec<_>>()) {
                        Ok(()) => Outcome::Passed,
                        Err(why) => Outcome::Failed(why),
                    };
                    expected_completion(expectations, &name, outcome)
                })
                .with_kind("choices"),
            );
        }
        if let Some(settings) = &self.generated {
            for part in crate::generated::PARTS {
                let suite = self.clone();
                let settings = settings.clone();
                trials.push(
                    Trial::ignorable_test(format!("{}::{part}", crate::generated::AREA), move || {
                        // The spec cases first (each runs once per process): the choices they
                        // saw are what the generated cases are judged under.
                        let results: Vec<_> = suite
                            .cases
                            .iter()
                            .map(|c| {
                                suite
                                    .session
                                    .block_on(run_case(&suite.session, c, suite.profile.as_deref()))
                            })
                            .collect();
                        let choices = crate::generated::observed_choices(&results, suite.profile.as_deref());
                        let result = crate::generated::part(part, &suite.session, &settings, &choices);
                        expected_completion(suite.expectations.as_deref(), &result.name, result.outcome)
                    })
                    .with_kind(crate::generated::AREA),
                );
            }
        }
        let suite = self.clone();
        trials.push(
            Trial::ignorable_test("target::created-window-id", move || {
                let session = &suite.session;
                if session.block_on(session.support()) != super::Support::Implemented
                    || session.config.window_id.is_some()
                    || session.block_on(session.empty_window()).is_err()
                {
                    return Ok(Completion::ignored_with("this run creates no window"));
                }
                match super::target_checks(session).into_iter().next() {
                    Some((_, why)) => Err(why.into()),
                    None => Ok(Completion::Completed),
                }
            })
            .with_kind("target"),
        );
        trials
    }
}

/// [`completion`], held to `expectations` where given.
fn expected_completion(
    expectations: Option<&crate::expectations::Expectations>,
    name: &str,
    outcome: Outcome,
) -> Result<Completion, Failed> {
    use crate::expectations::Expected;
    let Some(e) = expectations else {
        return completion(outcome);
    };
    let expected = match (&e.unsupported, e.cases.get(name)) {
        (Some(why), _) => Some((Expected::Unsupported, why.clone())),
        (None, Some(entry)) => Some((entry.outcome, entry.reason.clone())),
        (None, None) => None,
    };
    let actual = match &outcome {
        Outcome::Passed => None,
        Outcome::Failed(_) => Some(Expected::Fail),
        Outcome::Unsupported(_) => Some(Expected::Unsupported),
        Outcome::Skipped(_) => Some(Expected::Skipped),
    };
    match (expected, actual) {
        (None, _) => completion(outcome),
        (Some((want, why)), Some(got)) if want == got => {
            Ok(Completion::ignored_with(format!("expected ({want:?}): {why}")))
        }
        (Some((want, why)), None) => {
            Err(format!("passed, but the expectations list it as {want:?} ({why}): remove the entry").into())
        }
        (Some((want, why)), Some(_)) => Err(format!("expected {want:?} ({why}), got: {}", describe(&outcome)).into()),
    }
}

fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Passed => "passed".into(),
        Outcome::Failed(m) => format!("failed: {m}"),
        Outcome::Unsupported(m) => format!("unsupported: {m}"),
        Outcome::Skipped(m) => format!("skipped: {m}"),
    }
}

fn completion(outcome: Outcome) -> Result<Completion, Failed> {
    match outcome {
        Outcome::Passed => Ok(Completion::Completed),
        Outcome::Skipped(why) => Ok(Completion::ignored_with(why)),
        Outcome::Failed(why) => Err(why.into()),
        Outcome::Unsupported(why) => Err(format!("unsupported: {why}").into()),
    }
}

/// The whole `tests/conformance.rs`: target from the environment, libtest-mimic arguments;
/// `embedded` starts the default target (see `crate::embedded::harness_main`).
pub fn main(embedded: Option<StartEmbedded>) -> ExitCode {
    let args = Arguments::from_args();
    let mut suite = match Suite::load(&TargetOptions::from_env(), embedded) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ssm-conformance: {e}");
            return ExitCode::from(2);
        }
    };
    match crate::generated::Settings::from_env() {
        Ok(settings) => suite.generated = settings.map(Arc::new),
        Err(e) => {
            eprintln!("ssm-conformance: {e}");
            return ExitCode::from(2);
        }
    }
    run_trials(&args, &suite)
}

/// Run `suite` as libtest-mimic trials with `args`; what the run created is deleted at the end,
/// and on Ctrl-C (exit 130).
pub fn run_trials(args: &Arguments, suite: &Suite) -> ExitCode {
    if let Some(settings) = &suite.generated
        && !args.list
    {
        eprintln!(
            "ssm-conformance: generated phase seed {} (reproduce with SSM_CONFORMANCE_SEED={})",
            settings.seed, settings.seed
        );
    }
    // Ctrl-C: what this process created is deleted (or named) before it exits.
    let session = suite.session.clone();
    suite.session.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("ssm-conformance: interrupted; deleting what this run created");
            for left in session.cleanup_now().await {
                eprintln!("ssm-conformance: left on the target, delete it by hand: {left}");
            }
            std::process::exit(130);
        }
    });
    let conclusion = libtest_mimic::run(args, suite.trials());
    for left in suite.session.cleanup() {
        eprintln!("ssm-conformance: could not delete what this run created: {left}");
    }
    conclusion.exit_code()
}
