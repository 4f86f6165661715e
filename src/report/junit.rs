//! JUnit XML (`--junit FILE`) with quick-junit: one test case per case, failures with their
//! message, unsupported cases as errors, skipped cases as skipped.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::RunReport;

/// The report as JUnit XML.
pub fn junit_xml(report: &RunReport) -> Result<String, quick_junit::SerializeError> {
    let mut suite = TestSuite::new(format!("ssm-conformance ({})", report.target));
    for case in &report.cases {
        let mut status = match case.outcome.as_str() {
            "passed" => TestCaseStatus::success(),
            "skipped" => TestCaseStatus::skipped(),
            "unsupported" => TestCaseStatus::non_success(NonSuccessKind::Error),
            _ => TestCaseStatus::non_success(NonSuccessKind::Failure),
        };
        if let Some(reason) = &case.reason {
            status.set_message(reason.lines().next().unwrap_or_default());
            status.set_description(reason.as_str());
            status.set_type(case.outcome.as_str());
        }
        let (area, _) = case.name.split_once("::").unwrap_or(("", &case.name));
        let mut test = TestCase::new(case.name.as_str(), status);
        test.set_classname(area);
        test.set_time(std::time::Duration::from_secs_f64(case.duration_ms / 1e3));
        suite.add_test_case(test);
    }
    for choice in &report.choices {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        status.set_message(choice.reason.as_str());
        let mut test = TestCase::new(choice.name.as_str(), status);
        test.set_classname("choices");
        suite.add_test_case(test);
    }
    let mut junit = Report::new("ssm-conformance");
    junit.add_test_suite(suite);
    junit.to_string()
}
