//! aws-sdk-ssm against the reference emulator (`Emulator::builder()`, spawned on loopback):
//! all 23 maintenance-window operations through the SDK's fluent client; its paginators over
//! every paged Describe, each item exactly once; modeled errors as their typed variants and
//! validation errors as the SDK surfaces them; timestamps as `DateTime` to the millisecond;
//! sensitive members; an enum value the SDK does not know; the request id; SigV4 checked with
//! the SDK's own signer.

use std::collections::BTreeSet;

use aws_sdk_ssm::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_ssm::error::ProvideErrorMetadata;
use aws_sdk_ssm::operation::RequestId;
use aws_sdk_ssm::types::{
    MaintenanceWindowExecutionStatus, MaintenanceWindowFilter, MaintenanceWindowResourceType,
    MaintenanceWindowTaskType, PatchOrchestratorFilter, Target,
};
use aws_sdk_ssm::{Client, Config};
use chrono::{DateTime, Duration, Utc};
use ssm_conformance::Emulator;
use ssm_conformance::mock::{Execution, Invocation, REGION, Task, Window};

const KEY: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn client_with(url: &str, secret: &str) -> Client {
    let config = Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new(KEY, secret, None, None, "sdk-tests"))
        .endpoint_url(url)
        .build();
    Client::from_conf(config)
}

fn client(url: &str) -> Client {
    client_with(url, SECRET)
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn instance(id: &str) -> Target {
    Target::builder().key("InstanceIds").values(id).build()
}

/// A window of 25 executions, the newest with a task of 12 invocations (seeded to the
/// millisecond), and one execution in progress.
fn history() -> (Window, Vec<String>, String, String, Vec<String>) {
    let start = at("2026-11-04T05:00:00.125Z");
    let mut window = Window::new().name("sdk-history");
    let mut executions = Vec::new();
    let mut task = Task::new("FAILED", start + Duration::seconds(1)).details("1 of 12 failed");
    let mut invocations = Vec::new();
    for i in 0..12 {
        let inv = Invocation::new(
            if i == 0 { "FAILED" } else { "SUCCESS" },
            start + Duration::seconds(2 + i),
        )
        .parameters("{\"commands\":[\"patch\"]}")
        .on("e32eecb2-646c-4f4b-8ed1-205fbEXAMPLE", Some("secret-owner"));
        invocations.push(inv.id().to_string());
        task = task.invocation(inv);
    }
    let task_id = task.id().to_string();
    let newest = Execution::new("FAILED", start)
        .ended(start + Duration::minutes(5))
        .task(task);
    let newest_id = newest.id().to_string();
    executions.push(newest_id.clone());
    window = window.execution(newest);
    for i in 1..24 {
        let e = Execution::new("SUCCESS", start - Duration::days(i))
            .ended(start - Duration::days(i) + Duration::minutes(3));
        executions.push(e.id().to_string());
        window = window.execution(e);
    }
    let running = Execution::new("IN_PROGRESS", start - Duration::days(30));
    executions.push(running.id().to_string());
    window = window.execution(running);
    (window, executions, newest_id, task_id, invocations)
}

#[tokio::test]
async fn the_execution_history_through_the_sdk() {
    let (window, executions, newest, task_id, invocations) = history();
    let window_id = window.id().to_string();
    let in_progress = executions.last().unwrap().clone();
    let running = Emulator::builder().window(window).spawn().await.unwrap();
    let ssm = client(&running.url());

    // DescribeMaintenanceWindowExecutions, paged by 10: each execution exactly once.
    let listed: Vec<_> = ssm
        .describe_maintenance_window_executions()
        .window_id(&window_id)
        .max_results(10)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    let ids: Vec<&str> = listed.iter().filter_map(|e| e.window_execution_id()).collect();
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), ids.len(), "each once");
    assert_eq!(
        ids.iter().copied().collect::<BTreeSet<_>>(),
        executions.iter().map(String::as_str).collect()
    );
    let first = &listed[0];
    assert_eq!(first.window_execution_id(), Some(newest.as_str()));
    assert_eq!(first.status(), Some(&MaintenanceWindowExecutionStatus::Failed));
    // The seeded StartTime, to the millisecond, as the SDK's DateTime.
    assert_eq!(
        first.start_time().unwrap().to_millis().unwrap(),
        at("2026-11-04T05:00:00.125Z").timestamp_millis()
    );

    let got = ssm
        .get_maintenance_window_execution()
        .window_execution_id(&newest)
        .send()
        .await
        .unwrap();
    assert_eq!(got.task_ids(), std::slice::from_ref(&task_id));
    assert!(
        got.request_id().is_some_and(|id| id.len() == 36),
        "{:?}",
        got.request_id()
    );

    let tasks: Vec<_> = ssm
        .describe_maintenance_window_execution_tasks()
        .window_execution_id(&newest)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    assert_eq!(tasks.len(), 1);
    let task = ssm
        .get_maintenance_window_execution_task()
        .window_execution_id(&newest)
        .task_id(&task_id)
        .send()
        .await
        .unwrap();
    assert_eq!(task.status_details(), Some("1 of 12 failed"));
    assert_eq!(task.task_arn(), Some("AWS-RunShellScript"));

    let listed_invocations: Vec<_> = ssm
        .describe_maintenance_window_execution_task_invocations()
        .window_execution_id(&newest)
        .task_id(&task_id)
        .max_results(10)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    let got_ids: BTreeSet<&str> = listed_invocations.iter().filter_map(|i| i.invocation_id()).collect();
    assert_eq!(got_ids, invocations.iter().map(String::as_str).collect());
    // Sensitive members: read as seeded, and kept out of the SDK's Debug output.
    let one = &listed_invocations[0];
    assert_eq!(one.owner_information(), Some("secret-owner"));
    assert_eq!(one.parameters(), Some("{\"commands\":[\"patch\"]}"));
    assert!(
        !format!("{one:?}").contains("secret-owner"),
        "the SDK redacts sensitive members"
    );

    let invocation = ssm
        .get_maintenance_window_execution_task_invocation()
        .window_execution_id(&newest)
        .task_id(&task_id)
        .invocation_id(&invocations[0])
        .send()
        .await
        .unwrap();
    assert_eq!(invocation.status(), Some(&MaintenanceWindowExecutionStatus::Failed));

    let cancelled = ssm
        .cancel_maintenance_window_execution()
        .window_execution_id(&in_progress)
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.window_execution_id(), Some(in_progress.as_str()));
    let after = ssm
        .get_maintenance_window_execution()
        .window_execution_id(&in_progress)
        .send()
        .await
        .unwrap();
    assert!(matches!(
        after.status(),
        Some(MaintenanceWindowExecutionStatus::Cancelling | MaintenanceWindowExecutionStatus::Cancelled)
    ));
}

#[tokio::test]
async fn a_window_its_targets_tasks_and_schedule_through_the_sdk() {
    let running = Emulator::builder().spawn().await.unwrap();
    let ssm = client(&running.url());
    let name = "sdk-window";
    let created = ssm
        .create_maintenance_window()
        .name(name)
        .schedule("cron(0 16 ? * TUE *)")
        .duration(2)
        .cutoff(1)
        .allow_unassociated_targets(true)
        .client_token("sdk-create-1")
        .send()
        .await
        .unwrap();
    let id = created.window_id().unwrap().to_string();
    let window = ssm.get_maintenance_window().window_id(&id).send().await.unwrap();
    assert_eq!(window.name(), Some(name));
    assert!(window.enabled());
    ssm.update_maintenance_window()
        .window_id(&id)
        .duration(3)
        .send()
        .await
        .unwrap();
    let windows: Vec<_> = ssm
        .describe_maintenance_windows()
        .filters(MaintenanceWindowFilter::builder().key("Name").values(name).build())
        .max_results(10)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    assert_eq!(windows.len(), 1);
    assert_eq!(windows[0].duration(), Some(3));

    // Twelve targets, paged ten at a time (MaxResults' least is 10).
    let mut targets = Vec::new();
    for n in 0..12 {
        let t = ssm
            .register_target_with_maintenance_window()
            .window_id(&id)
            .resource_type(MaintenanceWindowResourceType::Instance)
            .targets(instance(&format!("i-00000000000000{n:02}a")))
            .owner_information("owner")
            .send()
            .await
            .unwrap();
        targets.push(t.window_target_id().unwrap().to_string());
    }
    let listed: Vec<_> = ssm
        .describe_maintenance_window_targets()
        .window_id(&id)
        .max_results(10)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    let listed: BTreeSet<&str> = listed.iter().filter_map(|t| t.window_target_id()).collect();
    assert_eq!(listed, targets.iter().map(String::as_str).collect());
    ssm.update_maintenance_window_target()
        .window_id(&id)
        .window_target_id(&targets[0])
        .name("web")
        .send()
        .await
        .unwrap();

    let task = ssm
        .register_task_with_maintenance_window()
        .window_id(&id)
        .task_arn("AWS-RunShellScript")
        .task_type(MaintenanceWindowTaskType::RunCommand)
        .targets(Target::builder().key("WindowTargetIds").values(&targets[0]).build())
        .priority(1)
        .max_concurrency("1")
        .max_errors("1")
        .send()
        .await
        .unwrap();
    let task_id = task.window_task_id().unwrap().to_string();
    let tasks: Vec<_> = ssm
        .describe_maintenance_window_tasks()
        .window_id(&id)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    assert_eq!(tasks.len(), 1);
    let got = ssm
        .get_maintenance_window_task()
        .window_id(&id)
        .window_task_id(&task_id)
        .send()
        .await
        .unwrap();
    assert_eq!(got.task_type(), Some(&MaintenanceWindowTaskType::RunCommand));
    ssm.update_maintenance_window_task()
        .window_id(&id)
        .window_task_id(&task_id)
        .priority(2)
        .send()
        .await
        .unwrap();

    let for_target: Vec<_> = ssm
        .describe_maintenance_windows_for_target()
        .resource_type(MaintenanceWindowResourceType::Instance)
        .targets(instance("i-0000000000000000a"))
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    assert_eq!(for_target.len(), 1);
    assert_eq!(for_target[0].window_id(), Some(id.as_str()));

    // The Tuesdays of January 2031, three a page.
    let runs: Vec<_> = ssm
        .describe_maintenance_window_schedule()
        .window_id(&id)
        .filters(
            PatchOrchestratorFilter::builder()
                .key("ScheduledAfter")
                .values("2031-01-01T00:00:00Z")
                .build(),
        )
        .filters(
            PatchOrchestratorFilter::builder()
                .key("ScheduledBefore")
                .values("2031-02-01T00:00:00Z")
                .build(),
        )
        .max_results(3)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    let times: Vec<&str> = runs.iter().filter_map(|r| r.execution_time()).collect();
    assert_eq!(
        times,
        [
            "2031-01-07T16:00Z",
            "2031-01-14T16:00Z",
            "2031-01-21T16:00Z",
            "2031-01-28T16:00Z"
        ]
    );

    // Safe deregistration of the target the task names: the typed TargetInUseException.
    let in_use = ssm
        .deregister_target_from_maintenance_window()
        .window_id(&id)
        .window_target_id(&targets[0])
        .safe(true)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(in_use.is_target_in_use_exception(), "{in_use:?}");
    ssm.deregister_task_from_maintenance_window()
        .window_id(&id)
        .window_task_id(&task_id)
        .send()
        .await
        .unwrap();
    ssm.deregister_target_from_maintenance_window()
        .window_id(&id)
        .window_target_id(&targets[0])
        .safe(true)
        .send()
        .await
        .unwrap();
    ssm.delete_maintenance_window().window_id(&id).send().await.unwrap();
    let gone = ssm
        .get_maintenance_window()
        .window_id(&id)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(gone.is_does_not_exist_exception(), "{gone:?}");
}

#[tokio::test]
async fn errors_as_the_sdk_types_them() {
    let running = Emulator::builder().spawn().await.unwrap();
    let ssm = client(&running.url());
    let id = ssm
        .create_maintenance_window()
        .name("sdk-errors")
        .schedule("rate(1 day)")
        .duration(1)
        .cutoff(0)
        .allow_unassociated_targets(true)
        .send()
        .await
        .unwrap()
        .window_id()
        .unwrap()
        .to_string();
    // The same ClientToken with another request: the typed IdempotentParameterMismatch.
    let register = |instance_id: &str| {
        ssm.register_target_with_maintenance_window()
            .window_id(&id)
            .resource_type(MaintenanceWindowResourceType::Instance)
            .targets(instance(instance_id))
            .client_token("sdk-token-1")
            .send()
    };
    let first = register("i-0000000000000000a").await.unwrap();
    let again = register("i-0000000000000000a").await.unwrap();
    assert_eq!(first.window_target_id(), again.window_target_id());
    let other = register("i-0000000000000000b").await.unwrap_err().into_service_error();
    assert!(other.is_idempotent_parameter_mismatch(), "{other:?}");

    // Unknown ids: DoesNotExistException, typed, with AWS's message.
    let missing = ssm
        .get_maintenance_window_execution()
        .window_execution_id("00000000-0000-4000-8000-00000000dead")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(missing.is_does_not_exist_exception(), "{missing:?}");
    assert!(missing.message().is_some());

    // Server-side validation (the SDK checks only required members): ValidationException, an
    // error the model does not declare, surfaced with its code and AWS's message form.
    let invalid = ssm
        .describe_maintenance_window_executions()
        .window_id(&id)
        .max_results(5)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(invalid.code(), Some("ValidationException"));
    assert!(
        invalid
            .message()
            .is_some_and(|m| m.contains("Member must have value greater than or equal to 10")),
        "{invalid:?}"
    );
    let bad_id = ssm
        .get_maintenance_window()
        .window_id("mw-TOO-SHORT")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(bad_id.code(), Some("ValidationException"));
}

/// An answer with a status the SDK's model does not know: the SDK keeps it as an unknown
/// variant with its text, and reads the rest.
#[tokio::test]
async fn an_unknown_enum_value_is_kept() {
    use axum::routing::post;
    let body = r#"{"WindowExecutions":[{"WindowId":"mw-0123456789abcdef0","WindowExecutionId":"aaaaaaaa-0000-4000-8000-000000000001","Status":"PAUSED","StartTime":1793768400.5}]}"#;
    let app = axum::Router::new().route(
        "/",
        post(move || async move { ([("content-type", "application/x-amz-json-1.1")], body) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let out = client(&url)
        .describe_maintenance_window_executions()
        .window_id("mw-0123456789abcdef0")
        .send()
        .await
        .unwrap();
    let status = out.window_executions()[0].status().unwrap();
    // Not one of the variants the SDK knows, and its text kept.
    assert!(
        !MaintenanceWindowExecutionStatus::values().contains(&status.as_str()),
        "{status:?}"
    );
    assert_eq!(status.as_str(), "PAUSED");
    assert_eq!(status, &MaintenanceWindowExecutionStatus::from("PAUSED"));
}

/// With signatures checked, the SDK's own SigV4 signer is accepted, and a client signing with
/// another secret is refused as awsJson services refuse it (`InvalidSignatureException`).
#[tokio::test]
async fn signatures_checked_with_the_sdks_signer() {
    let running = Emulator::builder()
        .check_signatures(vec![ssm_conformance::mock::Signer {
            access_key_id: KEY.into(),
            secret_access_key: SECRET.into(),
            session_token: None,
        }])
        .spawn()
        .await
        .unwrap();
    let good = client(&running.url())
        .describe_maintenance_windows()
        .send()
        .await
        .unwrap();
    assert!(good.window_identities().is_empty());
    let refused = client_with(&running.url(), "not-the-secret")
        .describe_maintenance_windows()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(refused.code(), Some("InvalidSignatureException"), "{refused:?}");
}
