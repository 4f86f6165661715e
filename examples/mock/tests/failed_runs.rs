//! The tool's code against the reference emulator as a mock: a window seeded in Rust, served on
//! loopback, and the SDK pointed at it.

use aws_sdk_ssm::config::{BehaviorVersion, Credentials, Region};
use mock_example::failed_runs;
use ssm_conformance::Emulator;
use ssm_conformance::mock::{Execution, REGION, Task, Window};

#[tokio::test]
async fn lists_the_failed_runs_and_what_their_tasks_said() {
    let at = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    let failed = Execution::new("FAILED", at("2026-11-04T05:00:00Z"))
        .task(Task::new("FAILED", at("2026-11-04T05:00:01Z")).details("exit code 1"))
        .task(Task::new("SUCCESS", at("2026-11-04T05:00:02Z")));
    let failed_id = failed.id().to_string();
    let window = Window::new()
        .execution(failed)
        .execution(Execution::new("SUCCESS", at("2026-11-03T05:00:00Z")));
    let window_id = window.id().to_string();
    let running = Emulator::builder().window(window).spawn().await.unwrap();

    let config = aws_sdk_ssm::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new("test", "test", None, None, "test"))
        .endpoint_url(running.url())
        .build();
    let ssm = aws_sdk_ssm::Client::from_conf(config);

    let runs = failed_runs(&ssm, &window_id).await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].execution_id, failed_id);
    assert_eq!(runs[0].started_ms, at("2026-11-04T05:00:00Z").timestamp_millis());
    assert_eq!(
        runs[0].tasks,
        [
            ("AWS-RunShellScript".into(), "FAILED".into(), Some("exit code 1".into())),
            ("AWS-RunShellScript".into(), "SUCCESS".into(), None),
        ]
    );
}
