//! What an infrastructure tool does with SSM maintenance windows: list a window's failed
//! executions and, for each, what its tasks said. Plain aws-sdk-ssm code, nothing test-specific:
//! its tests (`tests/failed_runs.rs`) hand it a client pointed at the reference emulator.

use aws_sdk_ssm::Client;
use aws_sdk_ssm::types::MaintenanceWindowExecutionStatus;

/// A failed execution and its tasks' outcomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedRun {
    /// `WindowExecutionId`.
    pub execution_id: String,
    /// Epoch milliseconds of its start.
    pub started_ms: i64,
    /// Each task: its ARN, its status, its details.
    pub tasks: Vec<(String, String, Option<String>)>,
}

/// Why the report could not be made.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// The failed executions of `window_id`, newest first as SSM lists them, with their tasks.
pub async fn failed_runs(ssm: &Client, window_id: &str) -> Result<Vec<FailedRun>, Error> {
    let executions = ssm
        .describe_maintenance_window_executions()
        .window_id(window_id)
        // No Status filter: this operation takes only ExecutedAfter and ExecutedBefore (the
        // mock refused this function's first draft, which asked for one, as AWS would).
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await?;
    let mut out = Vec::new();
    for e in executions {
        if e.status() != Some(&MaintenanceWindowExecutionStatus::Failed) {
            continue;
        }
        let id = e.window_execution_id().unwrap_or_default().to_string();
        let tasks = ssm
            .describe_maintenance_window_execution_tasks()
            .window_execution_id(&id)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await?;
        let mut outcomes = Vec::new();
        for t in tasks {
            let task = ssm
                .get_maintenance_window_execution_task()
                .window_execution_id(&id)
                .task_id(t.task_execution_id().unwrap_or_default())
                .send()
                .await?;
            outcomes.push((
                task.task_arn().unwrap_or_default().to_string(),
                task.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
                task.status_details().map(str::to_string),
            ));
        }
        out.push(FailedRun {
            execution_id: id,
            started_ms: e.start_time().and_then(|t| t.to_millis().ok()).unwrap_or_default(),
            tasks: outcomes,
        });
    }
    Ok(out)
}
