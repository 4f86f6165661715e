//! ssm-conformance: a conformance and property-test harness for the AWS Systems Manager
//! maintenance-window API (DescribeMaintenanceWindowExecutions and the operations around an
//! execution; the window's life cycle, targets and tasks), with a reference emulator that gets
//! it right.
//!
//! # Usage
//!
//! An emulator written in Rust runs the suite in its own `cargo test`, as a `harness = false`
//! test (one trial per case; `--list`, filters and nextest work):
//!
//! ```no_run
//! fn main() -> std::process::ExitCode {
//!     let url = "http://127.0.0.1:4566"; // start your emulator first, on loopback
//!     ssm_conformance::Conformance::endpoint(url)
//!         .target_name("my-emulator")
//!         .expectations("expectations/my-emulator.json")
//!         .main()
//! }
//! ```
//!
//! or runs it once and reads the events and the conclusion itself:
//!
//! ```no_run
//! use ssm_conformance::{Conformance, EventKind};
//!
//! let conclusion = Conformance::endpoint("http://127.0.0.1:4566")
//!     .run(&mut |event| {
//!         if let EventKind::CaseFinished(r) = event.kind {
//!             println!("{:>6.2?} {}: {}", event.elapsed, r.name, r.outcome.label());
//!         }
//!     })
//!     .expect("the suite runs");
//! std::process::exit(conclusion.verdict.exit_code.into());
//! ```
//!
//! # How a case flows
//!
//! spec (`specs/*.json`, loaded and checked by `spec`) → **run** ([`run()`]: the plan, the
//! preflight, the cases `jobs` at a time, the checks, the generated phase, cleanup) → **client**
//! (awsJson 1.1, SigV4, timeouts, throttling retried) → **judge** (`judge::check` dispatches to the
//! oracle, the validation-message reader and the snapshot; pins applied in one place) →
//! [`Outcome`] → **verdict** ([`Verdict`]: the exit code and its reasons, decided once, with the
//! expectations and `CI=true`) → **report** (the summary, JSON, JUnit, HTML, PARITY.md, each
//! showing the verdict), each step told as an [`Event`] with its time.
//!
//! Layers, enforced by `tests/layers.rs`: the model (facts of the AWS model), the failure
//! kinds, the choices and the settings at the bottom; the client, the emulator and the pins
//! above them, the emulator apart from all that judges it; outcomes, the target and the oracle;
//! the specs, data sets, paging, snapshots and expectations; the verdict; the reports and the
//! judges; the session; the generated phase; the run and merge; the API and `embedded`; the CLI
//! on top.
//!
//! # Glossary
//!
//! | word | meaning |
//! |---|---|
//! | case | one JSON entry in `specs/`: a request, what AWS answers, and its source |
//! | choice | something AWS leaves open (bound inclusiveness, order, default page size, …); all are in one catalogue, `src/choices.rs` |
//! | option | one legal answer to a choice (`inclusive`, `newest-first`, …) |
//! | pin | a choice fixed to one option by the pins (`--pins NAME`, a file in `specs/profiles/`; not an AWS profile) |
//! | observation | the option a target was seen to take, recorded by a case |
//! | verdict | the run's judgement ([`Verdict`]): its exit code and typed reasons, and how each result stands (passed, expected, not judged, failed) |
//! | outcome | how a case ended: passed, failed (a [`FailureKind`]), unsupported, or skipped (a [`SkipReason`]); only a pass passes |
//! | oracle | the code that computes the right answer for any data, sharing nothing with the emulator |
//! | property | a relation checked on generated data (`proptest`) |
//! | part | one of the generated phase's five: model-based, metamorphic, stateful (a state machine over the window API), family, schedule (generated windows' runs) |
//! | accepted | what a request within every constraint of the model must get: a success, or an error the operation may answer that names no model constraint |
//! | window API | the operations of a window's settings, targets and tasks, which need no fixture protocol: cases create what they read through the API itself (`window:own`, `${saved:NAME}`) |
//! | schedule | a window's upcoming runs (`DescribeMaintenanceWindowSchedule`), from its cron, rate or `at(...)` expression, zone, offset and dates; judged by the oracle's own reading (`{"schedule": {"window": …}}`) |
//!
//! # Known limitations
//!
//! Only loopback targets may be changed without `--allow-mutations`; real AWS is read-only by
//! default, and executions cannot be created there, so the data-dependent cases need a target
//! that speaks the fixture protocol (`docs/fixture-protocol.md`) or an existing window.

#![warn(missing_docs, unreachable_pub, unnameable_types)]

mod bundle;
mod choices;
mod cli;
mod client;
mod conformance;
mod embedded;
mod emulator;
mod expectations;
mod failure;
mod fixtures;
mod ids;
mod judge;
mod merge;
pub mod mock;
mod model;
mod observation;
mod oracle;
mod outcome;
mod paging;
mod pins;
mod properties;
mod report;
mod run;
mod session;
mod settings;
mod shard;
mod snapshot;
mod spec;
mod sweep;
mod target;
mod verdict;
mod walk;
mod worker;

pub use client::Throttling;
pub use conformance::{Conformance, ConformanceError};
pub use emulator::{Emulator, Running, spawn};
pub use expectations::{Entry as ExpectationEntry, Expectations, ExpectationsError, Expected};
pub use failure::{BrokenPin, Failure, FailureKind};
pub use fixtures::FixtureFileError;
pub use merge::{MergeError, ShardReport, merge};
pub use observation::Observation;
pub use outcome::{CaseResult, Drawn, Exchange, Outcome, ShrunkCase, Skip, SkipReason};
pub use properties::{Part, Settings as GeneratedSettings};
pub use report::{
    CaseReport, ChoiceFailure, ExchangeReport, ObservationReport, RunFacts, RunReport, ShardFacts, Totals,
};
pub use run::{Conclusion, Event, EventKind, PlanError, RunError, RunOptions, Suite, SuiteError, run};
pub use session::TargetError;
pub use shard::{Shard, ShardError};
pub use spec::{LoadedCase, SpecError};
pub use target::{ConfigError, TargetOptions};
pub use verdict::{Reason, ReasonKind, Standing, Verdict};

/// Not part of the public API: the named items the crate's own binary, tests, benchmarks and
/// `xtask` reach inside it (as insta's `_cargo_insta_support`). Nothing here is a promise; it
/// changes without notice.
#[doc(hidden)]
#[allow(missing_docs)]
pub mod _internals {
    pub mod choices {
        pub use crate::choices::{CATALOGUE, Choice, ObservedBy, find, observed_by};
    }
    pub mod cli {
        pub use crate::cli::main;
    }
    pub mod client {
        pub use crate::client::{
            AwsError, Client, ClientConfig, ClientError, Credentials, MAX_RESPONSE_BYTES, Payload, ProfileError,
            Recorded, Response, SigningError, THROTTLE_RETRIES, sign_request,
        };
    }
    pub mod embedded {
        pub use crate::embedded::harness_main;
    }
    pub mod emulator {
        pub use crate::emulator::{
            API_BODY_LIMIT, ApiError, DEFAULT_PAGE_SIZE, Emulator, Execution, Limits, Running, Signer, Violation,
            answer, iso8601, spawn, store, upcoming,
        };
    }
    pub mod fixtures {
        pub use crate::fixtures::{Execution, FixtureError, ProbeError, delete_window, put_window, supported};
    }
    pub mod ids {
        pub use crate::ids::window_id;
    }
    /// The facts of the AWS model (constants and the table of operations), as `tests/model.rs`
    /// holds them to the vendored model.
    pub mod model {
        pub use crate::model::*;
    }
    pub mod oracle {
        pub use crate::oracle::{
            Bounds, Combine, Invocation, Order, Query, Reading, Returned, Second60, Seeded, Semantics, Task, expected,
            family, judge, returned_id,
        };
    }
    pub mod paging {
        pub use crate::paging::{Foreign, Limits, Replay, Walk, WalkPage, walk};
    }
    pub mod properties {
        pub use crate::properties::{AREA, Part, Settings, relations};
    }
    pub mod report {
        pub use crate::report::{CaseFacts, write_summary};
    }
    pub mod run {
        pub use crate::run::{EmbeddedServer, Session, session_of};
    }
    pub mod settings {
        pub use crate::settings::{ALL, Kind, Setting, SettingError};
    }
    pub mod spec {
        pub use crate::spec::{
            AcceptedExpectation, Case, Check, ErrorExpectation, ExecutionsExpectation, Expectation, ExpectedViolation,
            GENERATED_MARK, LoadedCase, Need, OneOrMany, OpenExpectation, Pins, Request, ScheduleExpectation,
            SeededExpectation, StatusExpectation, Step, SuccessExpectation, load_dir, load_file,
        };
    }
    pub mod sweep {
        pub use crate::sweep::is_run_name;
    }
    pub mod target {
        pub use crate::target::{DEFAULT_JOBS, Endpoint, TargetConfig, TargetOptions, project_root};
    }
}
