//! ssm-conformance: a conformance and property-test harness for the AWS Systems Manager
//! maintenance-window API (DescribeMaintenanceWindowExecutions and the operations around an
//! execution), with a reference emulator that gets it right.
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
//! | part | one of the generated phase's four: model-based, metamorphic, stateful, family |
//!
//! # Known limitations
//!
//! Only loopback targets may be changed without `--allow-mutations`; real AWS is read-only by
//! default, and executions cannot be created there, so the data-dependent cases need a target
//! that speaks the fixture protocol (`docs/fixture-protocol.md`) or an existing window.

#![warn(missing_docs, unreachable_pub)]

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
mod snapshot_reader;
mod spec;
mod sweep;
mod target;
mod verdict;
mod walk;

pub use client::Throttling;
pub use conformance::{Conformance, ConformanceError};
pub use emulator::{Emulator, Running, spawn};
pub use expectations::{Expectations, ExpectationsError};
pub use failure::{BrokenPin, Failure, FailureKind};
pub use merge::{MergeError, ShardReport, merge};
pub use outcome::{CaseResult, Drawn, Outcome, ShrunkCase, Skip, SkipReason};
pub use report::{CaseReport, RunReport, Totals};
pub use run::{Conclusion, Event, EventKind, PlanError, RunError, RunOptions, Suite, SuiteError, run};
pub use session::TargetError;
pub use shard::{Shard, ShardError};
pub use spec::{LoadedCase, SpecError};
pub use target::TargetOptions;
pub use verdict::{Reason, ReasonKind, Standing, Verdict};

/// Not part of the public API: what the crate's own binary, tests, benchmarks and `xtask` reach
/// inside it. Nothing here is a promise; it changes without notice.
#[doc(hidden)]
#[allow(missing_docs)]
pub mod _internals {
    pub mod bundle {
        pub use crate::bundle::*;
    }
    pub mod choices {
        pub use crate::choices::*;
    }
    pub mod cli {
        pub use crate::cli::*;
    }
    pub mod client {
        pub use crate::client::*;
    }
    pub mod embedded {
        pub use crate::embedded::*;
    }
    pub mod emulator {
        pub use crate::emulator::*;
    }
    pub mod expectations {
        pub use crate::expectations::*;
    }
    pub mod fixtures {
        pub use crate::fixtures::*;
    }
    pub mod ids {
        pub use crate::ids::*;
    }
    pub mod model {
        pub use crate::model::*;
    }
    pub mod oracle {
        pub use crate::oracle::*;
    }
    pub mod outcome {
        pub use crate::outcome::*;
    }
    pub mod paging {
        pub use crate::paging::*;
    }
    pub mod properties {
        pub use crate::properties::*;
    }
    pub mod report {
        pub use crate::report::*;
    }
    pub mod settings {
        pub use crate::settings::*;
    }
    pub mod session {
        pub use crate::session::*;
    }
    pub mod run {
        pub use crate::run::*;
    }
    pub mod spec {
        pub use crate::spec::*;
    }
    pub mod sweep {
        pub use crate::sweep::*;
    }
    pub mod target {
        pub use crate::target::*;
    }
}
