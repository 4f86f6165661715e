//! ssm-conformance: a conformance and property-test harness for the AWS Systems Manager operation
//! `DescribeMaintenanceWindowExecutions`, with a reference emulator.

pub mod client;
pub mod emulator;
pub mod ids;
pub mod spec;
pub mod target;
pub mod fixtures;
pub mod verdict;
pub mod snapshot;
pub mod runner;
pub mod report;
