//! ssm-conformance: a conformance and property-test harness for the AWS Systems Manager operation
//! `DescribeMaintenanceWindowExecutions`, with a reference emulator.

pub mod bundle;
pub mod client;
mod conformance;
pub mod embedded;
pub mod emulator;
pub mod expectations;
pub mod fixtures;
pub mod generated;
pub mod ids;
pub mod model;
pub mod observation;
pub mod oracle;
pub mod paging;
pub mod properties;
pub mod report;
pub mod runner;
pub mod snapshot;
pub mod snapshot_reader;
pub mod spec;
pub mod spec_generator;
pub mod sweep;
pub mod target;
pub mod validation_message;
pub mod verdict;
pub mod walk;

pub use conformance::Conformance;
