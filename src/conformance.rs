//! The suite as a library, for an emulator's own `cargo test`: [`Conformance`] names an endpoint
//! (the emulator the test harness started) and the settings, and runs every case as a
//! libtest-mimic trial, so `--list`, name filters and nextest work as in any test binary.
//!
//! ```no_run
//! // tests/conformance.rs of an emulator crate, with `harness = false` in its Cargo.toml.
//! fn main() -> std::process::ExitCode {
//!     let url = "http://127.0.0.1:4566"; // start your emulator first, on loopback
//!     ssm_conformance::Conformance::endpoint(url)
//!         .target_name("my-emulator")
//!         .expectations("expectations/my-emulator.json")
//!         .main()
//! }
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use libtest_mimic::Arguments;

use crate::expectations::Expectations;
use crate::properties::Settings;
use crate::run::{Conclusion, Event, RunError, RunOptions, Suite, SuiteError};
use crate::target::TargetOptions;

/// A conformance run against one endpoint, configured step by step.
#[derive(Debug, Clone)]
pub struct Conformance {
    options: TargetOptions,
    expectations: Option<PathBuf>,
    seed: Option<u64>,
    cases: Option<u32>,
    duration: Option<std::time::Duration>,
    properties: bool,
    report_html: Option<PathBuf>,
    require_data: bool,
}

impl Conformance {
    /// Judge the emulator at `url` (`http://127.0.0.1:PORT`).
    pub fn endpoint(url: impl Into<String>) -> Self {
        Self {
            options: TargetOptions {
                endpoint: Some(url.into()),
                ..TargetOptions::default()
            },
            expectations: None,
            seed: None,
            cases: None,
            duration: None,
            properties: true,
            report_html: None,
            require_data: false,
        }
    }

    /// Compare snapshots under `snapshots/<name>/` (relative to the current directory, which
    /// `cargo test` sets to the crate's root) and name the target in messages.
    pub fn target_name(mut self, name: impl Into<String>) -> Self {
        self.options.target_name = Some(name.into());
        self
    }

    /// Where snapshots live, instead of `./snapshots`.
    pub fn snapshots(mut self, dir: impl Into<PathBuf>) -> Self {
        self.options.snapshots = Some(dir.into());
        self
    }

    /// Hold the results to an expectations file: a case listed with its outcome passes when it
    /// ends that way; an unexpected pass fails.
    pub fn expectations(mut self, file: impl Into<PathBuf>) -> Self {
        self.expectations = Some(file.into());
        self
    }

    /// Pin open choices: the pins, a name under specs/profiles/ or a file.
    pub fn pins(mut self, name_or_file: impl Into<String>) -> Self {
        self.options.pins = Some(name_or_file.into());
        self
    }

    /// Cases sent at once by `ssm-conformance run`; the trials themselves follow libtest's
    /// `--test-threads`.
    pub fn jobs(mut self, n: usize) -> Self {
        self.options.jobs = Some(n);
        self
    }

    /// The generated phase's seed (else a fresh one, printed).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Generated cases per property.
    pub fn cases(mut self, n: u32) -> Self {
        self.cases = Some(n);
        self
    }

    /// A campaign: the generated phase draws and checks cases until `time` is up (each part its
    /// share), at most [`Conformance::cases`] per part where given. To spread one over machines
    /// as trials, `cargo nextest run --partition count:K/N` deals them as `run --shard K/N` does.
    pub fn duration(mut self, time: std::time::Duration) -> Self {
        self.duration = Some(time);
        self
    }

    /// Write the run as one HTML page to `file` at the end (else where
    /// `SSM_CONFORMANCE_REPORT_HTML` says), also when it fails or is interrupted.
    pub fn report_html(mut self, file: impl Into<PathBuf>) -> Self {
        self.report_html = Some(file.into());
        self
    }

    /// No generated phase.
    pub fn without_properties(mut self) -> Self {
        self.properties = false;
        self
    }

    /// Fail where data-dependent behaviour was not judged (no fixture protocol, nothing to
    /// relate), as `--require-data` does (also where `SSM_CONFORMANCE_REQUIRE_DATA` says so).
    pub fn require_data(mut self) -> Self {
        self.require_data = true;
        self
    }

    /// The run's options from the builder and the environment: one place for [`Conformance::run`]
    /// and [`Conformance::main`].
    fn options(&self, expectations: Option<Arc<Expectations>>) -> RunOptions {
        RunOptions {
            properties: self.properties(),
            expectations,
            require_data: self.require_data || crate::settings::REQUIRE_DATA.yes().unwrap_or(false),
            snapshots_required: crate::settings::ci(),
            ..RunOptions::default()
        }
    }

    /// Load specs, fixtures, pins and expectations; nothing is sent yet.
    fn load(&self) -> Result<(Suite, Option<Arc<Expectations>>), SuiteError> {
        let suite = Suite::load(&self.options, None)?;
        let expectations = match &self.expectations {
            Some(file) => Some(Arc::new(
                Expectations::load(file).map_err(|e| SuiteError::Expectations(Box::new(e)))?,
            )),
            None => None,
        };
        Ok((suite, expectations))
    }

    fn properties(&self) -> Option<Settings> {
        self.properties.then(|| {
            let settings = Settings::new(self.seed, self.cases);
            match self.duration {
                Some(d) => settings.for_duration(d, self.cases.is_some()),
                None => settings,
            }
        })
    }

    /// Run the suite once, every event told to `reporter` (the CLI's and the harness's own
    /// entry point, [`crate::run::run`]); the conclusion has every result and the verdict, held
    /// to [`Conformance::expectations`] and to `CI=true`'s snapshots, and the page is written
    /// where [`Conformance::report_html`] (or `SSM_CONFORMANCE_REPORT_HTML`) says.
    pub fn run(&self, reporter: &mut dyn FnMut(Event<'_>)) -> Result<Conclusion, ConformanceError> {
        let (suite, expectations) = self.load()?;
        let conclusion = crate::run::run(&suite, &self.options(expectations), reporter)?;
        if let Some(file) = self.html_file() {
            let page = crate::report::run_html(&conclusion.report(&suite, "unknown"));
            std::fs::write(&file, page).map_err(|source| ConformanceError::Write { file, source })?;
        }
        Ok(conclusion)
    }

    /// Where the page goes: the builder's file, else `SSM_CONFORMANCE_REPORT_HTML`'s.
    fn html_file(&self) -> Option<PathBuf> {
        self.report_html
            .clone()
            .or_else(|| crate::settings::REPORT_HTML.raw().map(PathBuf::from))
    }

    /// Run as the whole test binary: libtest-mimic's arguments from the command line, what was
    /// created deleted at the end; exit 2 when the suite cannot be set up.
    pub fn main(self) -> ExitCode {
        let args = Arguments::from_args();
        match self.load() {
            Ok((suite, expectations)) => {
                crate::run::harness::run_trials(&args, &suite, self.options(expectations), self.html_file())
            }
            Err(e) => {
                eprintln!("ssm-conformance: {e}");
                ExitCode::from(2)
            }
        }
    }
}

/// Why [`Conformance::run`] could not run the suite.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConformanceError {
    /// The suite could not be loaded (options, specs, fixtures, expectations).
    #[error(transparent)]
    Suite(#[from] SuiteError),
    /// The run could not start (its selection, or a target that cannot be judged).
    #[error(transparent)]
    Run(#[from] RunError),
    /// The run's page could not be written.
    #[error("cannot write {}: {source}", file.display())]
    Write {
        /// The page's file.
        file: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}
