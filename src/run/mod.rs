//! The run: [`run`] is the one entry point. It owns everything a run of the suite does, in this
//! order, and tells it through [`Event`]s to a reporter callback:
//!
//! 1. the plan ([`RunOptions`] → which cases, generated parts and checks run; a filter that
//!    matches nothing is an error, not a green run);
//! 2. the preflight (the endpoint answers and takes our credentials; `--window-id` exists);
//! 3. the spec cases, `jobs` at a time ([`case`]), each judged where it ends;
//! 4. the checks across cases (each open choice answered one way, the target's own ids);
//! 5. the generated phase ([`crate::properties`]), under the choices the spec cases observed;
//! 6. cleanup: what the run created is deleted, and what could not be is one event.
//!
//! Ctrl-C is one event ([`Event::Interrupted`]) at any point of 3–5: the run stops, cleans up
//! and returns a [`Conclusion`] marked interrupted. The CLI, the libtest-mimic harness
//! ([`harness`]), the [`crate::Conformance`] API and the benchmarks all call [`run`]; none
//! assembles a phase or handles Ctrl-C itself.

mod case;
mod checks;
pub(crate) mod harness;
mod plan;
mod preflight;

use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;
use std::time::Instant;

pub(crate) use crate::session::StartEmbedded;
pub use crate::session::{EmbeddedServer, Session};
pub(crate) use case::runs_alone;
pub(crate) use plan::dealt;
pub use plan::{PlanError, RunOptions};

use crate::fixtures::Fixture;
use crate::outcome::{CaseResult, Outcome};
use crate::properties::{self, Part};
use crate::spec::{self, LoadedCase, Need, Pins, SpecError};
use crate::target::{ConfigError, TargetOptions};
use crate::worker::{Pending, Worker};

/// A suite could not be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SuiteError {
    /// Bad flags or environment.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A bad spec or pins file.
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

/// Everything a run needs before it sends anything: the target's session, the cases and the
/// pins. Loading contacts nothing.
#[derive(Clone)]
pub struct Suite {
    pub(crate) session: Arc<Session>,
    pub(crate) cases: Arc<Vec<LoadedCase>>,
    pub(crate) pins: Option<Arc<Pins>>,
}

impl Suite {
    /// Resolve options, load specs, fixtures and pins; nothing is contacted yet. For callers on
    /// several threads (the libtest-mimic harness). `embedded` starts the default target when no
    /// endpoint is given (`crate::embedded::start`).
    pub fn load(options: &TargetOptions, embedded: Option<StartEmbedded>) -> Result<Self, SuiteError> {
        Self::load_with(options, false, embedded)
    }

    /// [`Suite::load`] for one caller at a time (`ssm-conformance run`): a current-thread runtime,
    /// without hand-offs between workers.
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
        let pins = match &config.pins {
            Some(p) => Some(Arc::new(Pins::load(p, &cases)?)),
            None => None,
        };
        Ok(Self {
            session: Arc::new(Session::new(config, fixtures, sequential, embedded)?),
            cases: Arc::new(cases),
            pins,
        })
    }

    /// The spec cases, in file order.
    pub fn cases(&self) -> &[LoadedCase] {
        &self.cases
    }

    /// The target's name (its snapshot folder), if it has one.
    pub fn target_name(&self) -> Option<&str> {
        self.session.config.name.as_deref()
    }

    /// The pins, if any are in force.
    pub fn pins(&self) -> Option<&Pins> {
        self.pins.as_deref()
    }

    /// The region requests are signed for.
    pub fn region(&self) -> &str {
        &self.session.config.region
    }

    /// The endpoint's URL (starting the embedded emulator, if it is the target).
    pub fn endpoint(&self) -> Result<String, crate::session::TargetError> {
        self.session.block_on(self.session.endpoint_url())
    }
}

/// What happened, and when: every event carries the time since the run began (as nextest's
/// `TestEvent` does). A reporter receives them in order; every result also comes back in the
/// [`Conclusion`], in case order.
#[derive(Debug)]
#[non_exhaustive]
pub struct Event<'a> {
    /// Time since the run began.
    pub elapsed: std::time::Duration,
    /// What happened.
    pub kind: EventKind<'a>,
}

impl Event<'_> {
    /// The lines a person must see of the run's life cycle; see [`EventKind::notice`].
    pub fn notice(&self) -> Option<String> {
        self.kind.notice()
    }
}

/// What happened: the run's steps, in order.
#[derive(Debug)]
#[non_exhaustive]
pub enum EventKind<'a> {
    /// The plan is made and the target answers: what will run.
    Started {
        /// Spec cases selected.
        cases: usize,
        /// Generated parts selected.
        parts: &'a [Part],
    },
    /// A spec case is sent (cases start in file order, `jobs` at a time; those that must run
    /// alone, after).
    CaseStarted {
        /// `<area>::<case-id>`.
        name: &'a str,
    },
    /// A spec case's result is settled (cases end in any order when several run at once; what
    /// follows a case's last request is judged while the next cases are sent, so even at
    /// `--jobs 1` a case may be told finished after later ones are told started).
    CaseFinished(&'a CaseResult),
    /// A check across cases ended (`choices::<choice>`, `target::<check>`).
    CheckFinished(&'a CaseResult),
    /// The generated phase begins.
    PhaseStarted {
        /// Reproduces the phase exactly.
        seed: u64,
        /// Generated cases per part (`u32::MAX`: as many as `--duration` allows).
        cases: u32,
    },
    /// How far the generated part under way is (told every quarter second while it runs).
    PartProgress {
        /// The part.
        part: Part,
        /// Cases checked.
        checked: usize,
        /// Cases drawn (this machine's, under `--shard`); 0 when unknown: a `--duration`
        /// campaign draws until its time is up.
        of: usize,
        /// Shrinking steps taken (0 while no case has failed).
        shrinking: usize,
    },
    /// A generated part ended (`properties::<part>`).
    PartFinished(&'a CaseResult),
    /// Ctrl-C: the run stops here; what it created is deleted next.
    Interrupted,
    /// Cleanup is done; `left` is what could not be deleted (by hand, then).
    CleanedUp {
        /// What is left on the target, each with why.
        left: &'a [String],
        /// Whether the run was interrupted.
        interrupted: bool,
    },
    /// The run is over: every result, the counts and the verdict (the last event).
    RunFinished(&'a Conclusion),
}

impl EventKind<'_> {
    /// The lines a person must see of the run's life cycle (interruption, what is left on the
    /// target), worded once for every reporter; `None` for the other events.
    pub fn notice(&self) -> Option<String> {
        match self {
            EventKind::Interrupted => Some("interrupted; deleting what this run created".into()),
            EventKind::CleanedUp { left, interrupted } => {
                if left.is_empty() {
                    interrupted.then(|| "nothing this run created is left on the target".into())
                } else {
                    Some(
                        left.iter()
                            .map(|l| format!("left on the target, delete it by hand: {l}"))
                            .collect::<Vec<_>>()
                            .join("\n"),
                    )
                }
            }
            _ => None,
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, Default)]
pub struct Conclusion {
    /// The spec cases, in file order, then the generated parts.
    pub results: Vec<CaseResult>,
    /// The checks across cases (`choices::<choice>`, `target::<check>`), in name order.
    pub checks: Vec<CaseResult>,
    /// What the run created and could not delete.
    pub left: Vec<String>,
    /// Ctrl-C stopped it.
    pub interrupted: bool,
    /// The target's URL.
    pub endpoint: String,
    /// The generated phase's seed, when it ran.
    pub seed: Option<u64>,
    /// How much the target throttled the run, and how many requests were sent again after a
    /// dropped connection.
    pub throttling: crate::client::Throttling,
    /// The requests sent again after transport errors, by operation (or fixture protocol
    /// method and path), with how many times.
    pub transport_retries: std::collections::BTreeMap<String, u64>,
    /// The generated phase's settings, when it ran.
    pub generated: Option<properties::Settings>,
    /// This machine's share of a campaign, under `--shard`.
    pub shard: Option<crate::report::ShardFacts>,
    /// The verdict: the exit code and its reasons, decided once from the results, the
    /// expectations, the CI policy, throttling and an interruption
    /// (`Verdict::decide`); every front end and report shows it.
    pub verdict: crate::verdict::Verdict,
    /// How long the run took.
    pub elapsed: std::time::Duration,
}

impl Conclusion {
    /// The failed checks as (name, why), as the reports list them.
    pub fn failed_checks(&self) -> Vec<(String, String)> {
        self.checks
            .iter()
            .filter_map(|c| match &c.outcome {
                Outcome::Failed(f) => Some((c.name.clone(), f.message.clone())),
                _ => None,
            })
            .collect()
    }

    /// The run as the reports give it (`--report-json`, `--report-html`): every result with
    /// what the suite knows of its case, and the run's seed, pins and date. `version` is what
    /// the target is (`--target-version`).
    pub fn report(&self, suite: &Suite, version: &str) -> crate::report::RunReport {
        let name = suite
            .target_name()
            .map_or_else(|| self.endpoint.clone(), str::to_string);
        // By name once: a search per result would name every case again for each.
        let by_name: std::collections::HashMap<String, &LoadedCase> =
            suite.cases().iter().map(|c| (c.name(), c)).collect();
        let facts = |case: &str| {
            by_name
                .get(case)
                .map(|c| crate::report::CaseFacts {
                    choice: c.open_expectations().next().map(|o| o.choice.clone()),
                    operation: Some(c.case.request.operation().to_string()),
                    description: Some(c.case.description.clone()),
                    source: Some(c.case.source.clone()),
                    cite: c.case.cite.clone(),
                    expects: Some(c.case.expect.summary()),
                    open_error_kind: c.open_error_kind(),
                })
                .unwrap_or_default()
        };
        let mut report = crate::report::RunReport::new(
            &name,
            version,
            &self.endpoint,
            &self.results,
            &self.failed_checks(),
            &facts,
        );
        report.run = crate::report::RunFacts {
            seed: self.seed,
            pins: suite.pins().map(|p| p.name.clone()),
            date: Some(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            interrupted: self.interrupted,
            generated_cases: self
                .generated
                .as_ref()
                .and_then(|g| (g.cases != u32::MAX).then_some(g.cases)),
            duration: self
                .generated
                .as_ref()
                .and_then(|g| g.duration)
                .map(|d| humantime::format_duration(d).to_string()),
            shard: self.shard,
            transport_retries: self.transport_retries.clone(),
        };
        report.held_to(&self.verdict)
    }

    /// Every result: the cases and parts, then the checks.
    pub fn all(&self) -> impl Iterator<Item = &CaseResult> {
        self.results.iter().chain(&self.checks)
    }
}

/// Why a run could not start: its plan or its target. Nothing was judged (exit 2 for the CLI).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The selection is wrong (a filter matching nothing, an unknown operation).
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The target cannot be judged at all: unreachable, refusing the credentials, throttling
    /// every probe, or a `--window-id` it does not have. The message carries a hint.
    #[error("{0}")]
    Target(String),
}

/// Run the suite: the plan of `options`, the cases, the checks, the generated phase and cleanup,
/// every step told to `reporter` as it happens. The one entry point (see the module doc). A
/// suite runs once: what it created is deleted at the end, and its session takes nothing new.
pub fn run(suite: &Suite, options: &RunOptions, reporter: &mut dyn FnMut(Event<'_>)) -> Result<Conclusion, RunError> {
    let started = Instant::now();
    let reporter = &mut |kind: EventKind<'_>| {
        reporter(Event {
            elapsed: started.elapsed(),
            kind,
        });
    };
    let plan = plan::Plan::make(suite, options)?;
    let session = &suite.session;
    if options.preflight
        && let Some(problem) = session.block_on(preflight::problem(session))
    {
        return Err(RunError::Target(problem));
    }
    let endpoint = session
        .block_on(session.endpoint_url())
        .map_or_else(|e| e.to_string(), |u| crate::client::shown_endpoint(&u));
    // Slowing down is a target's right, within a budget that grows with the run; never
    // answering is not (a case still throttled when it is spent fails, "throttled throughout").
    let client = session.block_on(session.client()).ok().cloned();
    if let Some(c) = &client {
        let campaign = options.properties.as_ref().and_then(|p| p.duration);
        c.set_throttle_budget(throttle_budget(plan.cases.len(), plan.parts.len(), campaign));
    }
    reporter(EventKind::Started {
        cases: plan.owned.len(),
        parts: &plan.parts,
    });
    let mut conclusion = Conclusion {
        endpoint,
        generated: options.properties.clone(),
        shard: options.shard.map(|s| crate::report::ShardFacts {
            index: s.index,
            count: s.count,
            cases: plan.cases.len(),
        }),
        ..Conclusion::default()
    };
    // A shard whose generated phase runs asks every case, to learn the target's choices as one
    // machine would (the phase is judged under them); it reports only its own.
    let learns_from_all = options.shard.is_some() && !plan.parts.is_empty();
    let ran: Vec<usize> = if learns_from_all {
        plan.cases.clone()
    } else {
        plan.owned.iter().copied().collect()
    };
    let cases: Vec<&LoadedCase> = ran.iter().map(|i| &suite.cases[*i]).collect();
    let owned: Vec<bool> = ran.iter().map(|i| plan.owned.contains(i)).collect();
    let interrupt = options.interruptible;
    // The spec cases: Ctrl-C drops what is under way (cleanup waits for creations in flight).
    // What follows a case's last request is left to a worker of the phase's own.
    let finished = std::thread::scope(|scope| {
        let worker = Worker::start(scope);
        session.block_on(async {
            let phase = spec_phase(
                session,
                &worker,
                &cases,
                &owned,
                suite.pins.as_deref(),
                options.require_data,
                reporter,
            );
            if interrupt {
                tokio::select! {
                    done = phase => Some(done),
                    _ = tokio::signal::ctrl_c() => None,
                }
            } else {
                Some(phase.await)
            }
        })
    });
    let Some(all_results) = finished else {
        return Ok(finish(
            interrupted(session, conclusion, reporter),
            options,
            started,
            reporter,
        ));
    };
    let choices = Arc::new(properties::observed_choices(&all_results, suite.pins.as_deref()));
    let (results, cases): (Vec<CaseResult>, Vec<&LoadedCase>) = all_results
        .into_iter()
        .zip(cases)
        .zip(&owned)
        .filter(|(_, owned)| **owned)
        .map(|(pair, _)| pair)
        .unzip();
    conclusion.results = results;
    let created_windows = session.created_any_window();
    conclusion.checks = checks::run_checks(
        session,
        &plan.declared_choices,
        &cases,
        &conclusion.results,
        created_windows,
    );
    for c in &conclusion.checks {
        reporter(EventKind::CheckFinished(c));
    }
    if let Some(settings) = &options.properties {
        conclusion.seed = Some(settings.seed);
        reporter(EventKind::PhaseStarted {
            seed: settings.seed,
            cases: settings.cases,
        });
        let phase_started = Instant::now();
        let mut parts_left = plan.parts.len();
        for part in properties::Part::ALL {
            let result = if plan.parts.contains(&part) {
                // A campaign's time: each part its share of what is left (a part that skips
                // leaves its share to the next).
                let mut settings = settings.clone();
                settings.shard = options.shard;
                settings.deadline = settings.duration.map(|d| {
                    let left = d.saturating_sub(phase_started.elapsed());
                    Instant::now() + left / u32::try_from(parts_left).unwrap_or(1).max(1)
                });
                parts_left -= 1;
                let settings = Arc::new(settings);
                match run_part(suite, part, &settings, &choices, interrupt, reporter) {
                    Some(r) => required(r, options.require_data),
                    None => {
                        return Ok(finish(
                            interrupted(session, conclusion, reporter),
                            options,
                            started,
                            reporter,
                        ));
                    }
                }
            } else if let Some(why) = plan.parts_left_out.get(&part) {
                CaseResult::new(
                    part.result_name(),
                    Outcome::skipped(crate::outcome::SkipReason::NotSelected, why),
                )
            } else {
                continue;
            };
            reporter(EventKind::PartFinished(&result));
            conclusion.results.push(result);
        }
    }
    conclusion.throttling = client.as_ref().map(|c| c.throttling()).unwrap_or_default();
    conclusion.transport_retries = client.map(|c| c.transport_retries()).unwrap_or_default();
    conclusion.left = session.cleanup();
    reporter(EventKind::CleanedUp {
        left: &conclusion.left,
        interrupted: false,
    });
    Ok(finish(conclusion, options, started, reporter))
}

/// The verdict, decided once, and the last event.
fn finish(
    mut conclusion: Conclusion,
    options: &RunOptions,
    started: Instant,
    reporter: &mut dyn FnMut(EventKind<'_>),
) -> Conclusion {
    conclusion.verdict = crate::verdict::Verdict::decide(
        &conclusion.results,
        &conclusion.checks,
        conclusion.interrupted,
        &options.policy(),
    );
    conclusion.elapsed = started.elapsed();
    reporter(EventKind::RunFinished(&conclusion));
    conclusion
}

/// How long a run may wait for a throttling target in all: 30 s, and a quarter second per case
/// and 25 s per generated part (which send hundreds of requests each), and a quarter of a
/// campaign's time (which sends as many as its time allows).
fn throttle_budget(cases: usize, parts: usize, campaign: Option<std::time::Duration>) -> std::time::Duration {
    let cases = u32::try_from(cases).unwrap_or(u32::MAX);
    let parts = u32::try_from(parts).unwrap_or(u32::MAX);
    std::time::Duration::from_secs(30)
        + std::time::Duration::from_millis(250) * cases
        + std::time::Duration::from_secs(25) * parts
        + campaign.map_or(std::time::Duration::ZERO, |d| d / 4)
}

/// Where the run requires data, a skip that left data-dependent behaviour unjudged is a
/// failure: the one place "nothing judged is never a pass" is made strict.
fn required(mut result: CaseResult, require_data: bool) -> CaseResult {
    if let Outcome::Skipped(skip) = &result.outcome
        && require_data
        && skip.reason.leaves_data_unjudged()
    {
        result.outcome = Outcome::failed(
            crate::failure::FailureKind::Unjudged,
            format!("--require-data: not judged on data: {}", skip.message),
        );
    }
    result
}

/// Ctrl-C: say so, delete what the run created, say what is left.
fn interrupted(session: &Session, mut conclusion: Conclusion, reporter: &mut dyn FnMut(EventKind<'_>)) -> Conclusion {
    reporter(EventKind::Interrupted);
    conclusion.interrupted = true;
    conclusion.left = session.cleanup();
    reporter(EventKind::CleanedUp {
        left: &conclusion.left,
        interrupted: true,
    });
    conclusion
}

/// The spec cases, `jobs` at a time (those that must run alone after, one by one); each result
/// told as it ends (where `told` says: a shard tells only its own), all returned in case order
/// whatever the concurrency.
async fn spec_phase<'s>(
    session: &'s Session,
    worker: &Worker<'s>,
    cases: &[&'s LoadedCase],
    told: &[bool],
    pins: Option<&'s Pins>,
    require_data: bool,
    reporter: &mut dyn FnMut(EventKind<'_>),
) -> Vec<CaseResult> {
    use futures_util::stream::{self, StreamExt};
    let jobs = session.config.jobs.max(1);
    let (alone, together): (Vec<usize>, Vec<usize>) = (0..cases.len()).partition(|i| runs_alone(cases[*i]));
    let mut slots: Vec<Option<CaseResult>> = vec![None; cases.len()];
    // A case is told started when the stream takes it up, finished when it is settled: the two
    // never run at once (the stream is polled only between the loop's steps), so one cell
    // serves both.
    let names: Vec<String> = cases.iter().map(|c| c.name()).collect();
    let reporter = std::cell::RefCell::new(reporter);
    let start = |i: usize| {
        if told[i] {
            (reporter.borrow_mut())(EventKind::CaseStarted { name: &names[i] });
        }
    };
    let tell = |i: usize, r: CaseResult, slots: &mut Vec<Option<CaseResult>>| {
        let r = required(r, require_data);
        if told[i] {
            (reporter.borrow_mut())(EventKind::CaseFinished(&r));
        }
        slots[i] = Some(r);
    };
    // Cases in the order they ended, some with their answer still with the worker: from the
    // front, each is settled, told and put in its place once its work is back, while later
    // cases run.
    type Ended = VecDeque<(usize, CaseResult, Option<Pending<case::Later>>)>;
    let mut ended = Ended::new();
    let settle_ready = |ended: &mut Ended, slots: &mut Vec<Option<CaseResult>>| {
        while let Some((_, _, pending)) = ended.front_mut() {
            let later = match pending {
                Some(p) => match p.ready() {
                    Some(later) => Some(later),
                    None => break,
                },
                None => None,
            };
            let (i, r, _) = ended.pop_front().expect("a front");
            let r = match later {
                Some(later) => case::settle(cases[i], r, later),
                None => r,
            };
            tell(i, r, slots);
        }
    };
    // Unordered: a slow case does not hold finished ones back (each result goes to its case's
    // place, so the order out is the cases' order whatever N).
    let mut concurrent = stream::iter(together)
        .map(|i| {
            start(i);
            async move { (i, case::run_case(session, cases[i], pins, worker).await) }
        })
        .buffer_unordered(jobs);
    while let Some((i, (r, pending))) = concurrent.next().await {
        ended.push_back((i, r, pending));
        settle_ready(&mut ended, &mut slots);
    }
    drop(concurrent);
    for i in alone {
        start(i);
        let (r, pending) = case::run_case(session, cases[i], pins, worker).await;
        ended.push_back((i, r, pending));
        settle_ready(&mut ended, &mut slots);
    }
    // The last work handed over, then waited for.
    worker.flush();
    while let Some((_, _, pending)) = ended.front_mut() {
        if let Some(p) = pending {
            p.arrived().await;
        }
        settle_ready(&mut ended, &mut slots);
    }
    slots.into_iter().map(|r| r.expect("every case ran")).collect()
}

/// One generated part, on a thread of its own so that Ctrl-C can stop the run while the part is
/// under way (its requests fail once cleanup has begun; the process exits after). `None` when
/// interrupted.
fn run_part(
    suite: &Suite,
    part: Part,
    settings: &Arc<properties::Settings>,
    choices: &Arc<std::collections::BTreeMap<String, String>>,
    interruptible: bool,
    reporter: &mut dyn FnMut(EventKind<'_>),
) -> Option<CaseResult> {
    let started = Instant::now();
    if !interruptible {
        return Some(properties::run_part(part, &suite.session, settings, choices, started));
    }
    let (tx, mut rx) = tokio::sync::oneshot::channel();
    let progress = settings.progress.clone();
    // The first tick comes at once, maybe before the part's thread resets the counts: not the
    // last part's.
    progress.begin(0);
    let (session, settings, choices) = (suite.session.clone(), settings.clone(), choices.clone());
    std::thread::Builder::new()
        .name(format!("ssm-conformance {}", part.name()))
        .spawn(move || {
            let _ = tx.send(properties::run_part(part, &session, &settings, &choices, started));
        })
        .expect("a thread for the part");
    suite.session.block_on(async {
        let ctrl_c = tokio::signal::ctrl_c();
        tokio::pin!(ctrl_c);
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(250));
        loop {
            tokio::select! {
                r = &mut rx => return Some(r.expect("the part's thread ends with its result")),
                _ = &mut ctrl_c => return None,
                _ = tick.tick() => {
                    let (checked, of, shrinking) = progress.read();
                    reporter(EventKind::PartProgress { part, checked, of, shrinking });
                }
            }
        }
    })
}

/// The session behind `suite`: what the crate's benchmarks reach (through `_internals`) to
/// serve a target on the run's own runtime and record the requests it sends.
pub fn session_of(suite: &Suite) -> &Session {
    &suite.session
}

/// Every name a run of `suite` may report, with its kind (its area): the cases in file order,
/// the generated parts (where the phase is on), the checks. The harness's trials, and what
/// `--shard` deals out, as nextest would deal those trials.
pub(crate) fn listed_names(cases: &[LoadedCase], properties: bool) -> Vec<(String, String)> {
    let mut named: Vec<(String, String)> = cases.iter().map(|c| (c.name(), c.area.clone())).collect();
    if properties {
        named.extend(
            Part::ALL
                .iter()
                .map(|p| (p.result_name(), properties::AREA.to_string())),
        );
    }
    named.extend(extra_names(cases).into_iter().map(|n| {
        let kind = n.split("::").next().unwrap_or_default().to_string();
        (n, kind)
    }));
    named
}

/// The names of the checks and parts a run may report besides its cases, for listings.
pub(crate) fn extra_names(cases: &[LoadedCase]) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = checks::declared_choices(cases.iter())
        .into_keys()
        .map(|c| format!("{}::{c}", checks::CHOICES_AREA))
        .collect();
    if !checks::open_error_kinds(cases.iter()).is_empty() {
        names.insert(format!("{}::{}", checks::CHOICES_AREA, crate::choices::OPEN_ERROR_TYPE));
    }
    names.insert(checks::CREATED_WINDOW_ID.to_string());
    names
}
