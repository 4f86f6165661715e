//! JUnit XML (`--junit FILE`) with quick-junit: one test case per case, as the run's verdict
//! stands it: failures with their message, unsupported cases as errors, skipped cases as
//! skipped, and a case that does not pass as the expectations list it as skipped, "expected"
//! (as nextest and WPT report an expected failure): a gate that passes writes no failure.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::RunReport;
use crate::verdict::Standing;

/// The report as JUnit XML.
pub(crate) fn junit_xml(report: &RunReport) -> Result<String, quick_junit::SerializeError> {
    let mut suite = TestSuite::new(format!("ssm-conformance ({})", report.target));
    for case in &report.cases {
        let mut status = match (&case.verdict, case.outcome.as_str()) {
            (Some(Standing::Expected { .. }), _) => TestCaseStatus::skipped(),
            (Some(Standing::Failed { .. }), "passed") => TestCaseStatus::non_success(NonSuccessKind::Failure),
            (_, "passed") => TestCaseStatus::success(),
            (_, "skipped") => TestCaseStatus::skipped(),
            (_, "unsupported") => TestCaseStatus::non_success(NonSuccessKind::Error),
            _ => TestCaseStatus::non_success(NonSuccessKind::Failure),
        };
        match (&case.verdict, &case.reason) {
            (Some(Standing::Expected { listed }), reason) => {
                status.set_message(format!("expected {} (listed: {listed})", case.outcome));
                if let Some(reason) = reason {
                    status.set_description(reason.as_str());
                }
                status.set_type("expected");
            }
            (Some(Standing::Failed { why }), None) => {
                status.set_message(why.as_str());
                status.set_type("verdict");
            }
            (_, Some(reason)) => {
                status.set_message(reason.lines().next().unwrap_or_default());
                status.set_description(reason.as_str());
                status.set_type(case.outcome.as_str());
            }
            (_, None) => {}
        }
        let (area, _) = case.name.split_once("::").unwrap_or(("", &case.name));
        let mut test = TestCase::new(case.name.as_str(), status);
        test.set_classname(area);
        test.set_time(std::time::Duration::from_secs_f64(case.duration_ms / 1e3));
        suite.add_test_case(test);
    }
    for choice in &report.choices {
        let mut status = match &choice.verdict {
            Some(Standing::Expected { .. }) => TestCaseStatus::skipped(),
            _ => TestCaseStatus::non_success(NonSuccessKind::Failure),
        };
        status.set_message(choice.reason.as_str());
        let mut test = TestCase::new(choice.name.as_str(), status);
        test.set_classname("choices");
        suite.add_test_case(test);
    }
    // A run that could not be set up judged no case: one test case says why, as an error.
    for reason in report
        .verdict
        .iter()
        .flat_map(|v| &v.reasons)
        .filter(|r| r.kind == crate::verdict::ReasonKind::SetUp)
    {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
        status.set_message(reason.message.as_str());
        status.set_type("set-up");
        let mut test = TestCase::new("ssm-conformance::set-up", status);
        test.set_classname("ssm-conformance");
        suite.add_test_case(test);
    }
    let mut junit = Report::new("ssm-conformance");
    junit.add_test_suite(suite);
    junit.to_string()
}
