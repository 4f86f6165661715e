//! The reference emulator as a mock, seeded in Rust: windows with their execution history
//! (executions, tasks, invocations), registered targets and tasks, with the defaults a test need
//! not spell ([`Emulator::builder`]), or a fixture file the suite ships; then served on a
//! loopback port for an SDK to call.
//!
//! ```text
//! let window = mock::Window::new().name("nightly").execution(
//!     mock::Execution::new("FAILED", at).details("1 of 2 tasks failed")
//!         .task(mock::Task::new("FAILED", at).invocation(mock::Invocation::new("FAILED", at))),
//! );
//! let id = window.id().to_string();
//! let running = Emulator::builder().window(window).spawn().await?;
//! // running.url() and mock::REGION go into the SDK's config.
//! ```
//!
//! A seed goes in through the fixture protocol v2's own checks (`docs/fixture-protocol.md`): a
//! status of the model's eight, details of at most 250 characters, no end before its start, ids
//! unique where the model needs them; a bad one is a [`SeedError`] naming the member.

use std::net::{Ipv4Addr, SocketAddr};

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

pub use crate::emulator::Signer;
use crate::emulator::{Emulator, Running, Seed};

/// The region a spawned emulator answers for (it answers any; an SDK's config needs one).
pub const REGION: &str = "us-east-1";

/// Why a seed was refused.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// A window's data breaks a rule of the model or the fixture protocol.
    #[error("window {window}: {why}")]
    Invalid {
        /// The window.
        window: String,
        /// What is wrong, with the member's path.
        why: String,
    },
    /// A fixture file could not be read.
    #[error("fixture {name}: {why}")]
    Fixture {
        /// The name or path given.
        name: String,
        /// Why.
        why: String,
    },
    /// No loopback port could be bound.
    #[error("cannot listen on loopback: {0}")]
    Listen(#[from] std::io::Error),
}

/// Epoch seconds, as the wire and the fixture protocol carry them.
fn epoch(t: DateTime<Utc>) -> f64 {
    t.timestamp() as f64 + f64::from(t.timestamp_subsec_nanos()) / 1e9
}

/// A maintenance window to seed.
#[derive(Debug, Clone)]
pub struct Window {
    id: String,
    name: String,
    schedule: String,
    timezone: Option<String>,
    enabled: bool,
    executions: Vec<Value>,
    targets: Vec<(String, Map<String, Value>)>,
    tasks: Vec<(String, Map<String, Value>)>,
}

impl Default for Window {
    fn default() -> Self {
        Self::new()
    }
}

impl Window {
    /// A window with a fresh id, named `seeded-window`, on `rate(7 days)`, enabled, empty.
    pub fn new() -> Self {
        Self {
            id: crate::ids::window_id(),
            name: "seeded-window".into(),
            schedule: "rate(7 days)".into(),
            timezone: None,
            enabled: true,
            executions: Vec::new(),
            targets: Vec::new(),
            tasks: Vec::new(),
        }
    }

    /// Its id (`mw-` and 17 hex digits), to hand to the code under test.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Another id.
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// Its Name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Its Schedule (`cron(...)`, `rate(...)`, `at(...)`) and IANA zone (`None`: UTC).
    pub fn schedule(mut self, schedule: impl Into<String>, timezone: Option<&str>) -> Self {
        self.schedule = schedule.into();
        self.timezone = timezone.map(str::to_string);
        self
    }

    /// Disabled.
    pub fn disabled(mut self) -> Self {
        self.enabled = false;
        self
    }

    /// An execution of its history.
    pub fn execution(mut self, e: Execution) -> Self {
        self.executions.push(Value::Object(e.0));
        self
    }

    /// A registered target.
    pub fn target(mut self, t: Target) -> Self {
        self.targets.push((t.id, t.members));
        self
    }

    /// A registered task.
    pub fn task(mut self, t: RegisteredTask) -> Self {
        self.tasks.push((t.id, t.members));
        self
    }
}

/// Set or remove a member.
fn put(m: &mut Map<String, Value>, key: &str, value: impl Into<Value>) {
    m.insert(key.into(), value.into());
}

/// One execution of a window's history.
#[derive(Debug, Clone)]
pub struct Execution(Map<String, Value>);

impl Execution {
    /// An execution with a fresh id, `status` (one of the model's eight: `SUCCESS`, `FAILED`,
    /// `TIMED_OUT`, …), started at `start`, not ended, without details or tasks.
    pub fn new(status: impl Into<String>, start: DateTime<Utc>) -> Self {
        let mut m = Map::new();
        put(&mut m, "WindowExecutionId", crate::ids::uuid_v4());
        put(&mut m, "Status", status.into());
        put(&mut m, "StartTime", epoch(start));
        put(&mut m, "Tasks", Vec::<Value>::new());
        Self(m)
    }

    /// Its `WindowExecutionId`.
    pub fn id(&self) -> &str {
        self.0["WindowExecutionId"].as_str().unwrap_or_default()
    }

    /// Another id.
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        put(&mut self.0, "WindowExecutionId", id.into());
        self
    }

    /// Its StatusDetails.
    pub fn details(mut self, details: impl Into<String>) -> Self {
        put(&mut self.0, "StatusDetails", details.into());
        self
    }

    /// Its EndTime.
    pub fn ended(mut self, end: DateTime<Utc>) -> Self {
        put(&mut self.0, "EndTime", epoch(end));
        self
    }

    /// A task it ran.
    pub fn task(mut self, t: Task) -> Self {
        if let Some(Value::Array(tasks)) = self.0.get_mut("Tasks") {
            tasks.push(Value::Object(t.0));
        }
        self
    }
}

/// One task an execution ran.
#[derive(Debug, Clone)]
pub struct Task(Map<String, Value>);

impl Task {
    /// A `RUN_COMMAND` task of `AWS-RunShellScript` with a fresh id, `status`, started at
    /// `start`, not ended, without invocations.
    pub fn new(status: impl Into<String>, start: DateTime<Utc>) -> Self {
        let mut m = Map::new();
        put(&mut m, "TaskExecutionId", crate::ids::uuid_v4());
        put(&mut m, "TaskArn", "AWS-RunShellScript");
        put(&mut m, "TaskType", "RUN_COMMAND");
        put(&mut m, "Status", status.into());
        put(&mut m, "StartTime", epoch(start));
        put(&mut m, "Invocations", Vec::<Value>::new());
        Self(m)
    }

    /// Its `TaskExecutionId`.
    pub fn id(&self) -> &str {
        self.0["TaskExecutionId"].as_str().unwrap_or_default()
    }

    /// Its ARN (a document name, a Lambda function's ARN, …) and type (`RUN_COMMAND`,
    /// `AUTOMATION`, `STEP_FUNCTIONS`, `LAMBDA`).
    pub fn arn(mut self, arn: impl Into<String>, task_type: impl Into<String>) -> Self {
        put(&mut self.0, "TaskArn", arn.into());
        put(&mut self.0, "TaskType", task_type.into());
        self
    }

    /// Its StatusDetails.
    pub fn details(mut self, details: impl Into<String>) -> Self {
        put(&mut self.0, "StatusDetails", details.into());
        self
    }

    /// Its EndTime.
    pub fn ended(mut self, end: DateTime<Utc>) -> Self {
        put(&mut self.0, "EndTime", epoch(end));
        self
    }

    /// Its Priority, MaxConcurrency and MaxErrors (`"1"`, `"10%"`).
    pub fn limits(mut self, priority: i64, max_concurrency: impl Into<String>, max_errors: impl Into<String>) -> Self {
        put(&mut self.0, "Priority", priority);
        put(&mut self.0, "MaxConcurrency", max_concurrency.into());
        put(&mut self.0, "MaxErrors", max_errors.into());
        self
    }

    /// An invocation of it.
    pub fn invocation(mut self, i: Invocation) -> Self {
        if let Some(Value::Array(list)) = self.0.get_mut("Invocations") {
            list.push(Value::Object(i.0));
        }
        self
    }
}

/// One invocation of a task.
#[derive(Debug, Clone)]
pub struct Invocation(Map<String, Value>);

impl Invocation {
    /// An invocation with a fresh id, `status`, started at `start`, not ended.
    pub fn new(status: impl Into<String>, start: DateTime<Utc>) -> Self {
        let mut m = Map::new();
        put(&mut m, "InvocationId", crate::ids::uuid_v4());
        put(&mut m, "Status", status.into());
        put(&mut m, "StartTime", epoch(start));
        Self(m)
    }

    /// Its `InvocationId`.
    pub fn id(&self) -> &str {
        self.0["InvocationId"].as_str().unwrap_or_default()
    }

    /// The id of what ran (a Run Command's command id, …).
    pub fn execution_id(mut self, id: impl Into<String>) -> Self {
        put(&mut self.0, "ExecutionId", id.into());
        self
    }

    /// The parameters it ran with (sensitive: a target may leave them out of its answers).
    pub fn parameters(mut self, parameters: impl Into<String>) -> Self {
        put(&mut self.0, "Parameters", parameters.into());
        self
    }

    /// Its StatusDetails.
    pub fn details(mut self, details: impl Into<String>) -> Self {
        put(&mut self.0, "StatusDetails", details.into());
        self
    }

    /// Its EndTime.
    pub fn ended(mut self, end: DateTime<Utc>) -> Self {
        put(&mut self.0, "EndTime", epoch(end));
        self
    }

    /// The window target it ran on, and its OwnerInformation (sensitive).
    pub fn on(mut self, window_target_id: impl Into<String>, owner_information: Option<&str>) -> Self {
        put(&mut self.0, "WindowTargetId", window_target_id.into());
        if let Some(o) = owner_information {
            put(&mut self.0, "OwnerInformation", o);
        }
        self
    }
}

/// A target registered with a window.
#[derive(Debug, Clone)]
pub struct Target {
    id: String,
    members: Map<String, Value>,
}

impl Target {
    /// Managed nodes by id (`ResourceType` `INSTANCE`, `Targets` of key `InstanceIds`), with a
    /// fresh `WindowTargetId`.
    pub fn instances<I: Into<String>>(ids: impl IntoIterator<Item = I>) -> Self {
        let ids: Vec<String> = ids.into_iter().map(Into::into).collect();
        let mut members = Map::new();
        put(&mut members, "ResourceType", "INSTANCE");
        put(
            &mut members,
            "Targets",
            json!([{ "Key": "InstanceIds", "Values": ids }]),
        );
        Self {
            id: crate::ids::uuid_v4(),
            members,
        }
    }

    /// Its `WindowTargetId`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Its Name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        put(&mut self.members, "Name", name.into());
        self
    }

    /// Its OwnerInformation (sensitive).
    pub fn owner_information(mut self, info: impl Into<String>) -> Self {
        put(&mut self.members, "OwnerInformation", info.into());
        self
    }
}

/// A task registered with a window.
#[derive(Debug, Clone)]
pub struct RegisteredTask {
    id: String,
    members: Map<String, Value>,
}

impl RegisteredTask {
    /// A `RUN_COMMAND` task of `document` (`AWS-RunShellScript`, …) on the window targets
    /// `window_target_ids`, priority 1, with a fresh `WindowTaskId`.
    pub fn run_command<I: Into<String>>(
        document: impl Into<String>,
        window_target_ids: impl IntoIterator<Item = I>,
    ) -> Self {
        let ids: Vec<String> = window_target_ids.into_iter().map(Into::into).collect();
        let mut members = Map::new();
        put(&mut members, "TaskArn", document.into());
        put(&mut members, "TaskType", "RUN_COMMAND");
        put(
            &mut members,
            "Targets",
            json!([{ "Key": "WindowTargetIds", "Values": ids }]),
        );
        put(&mut members, "Priority", 1);
        Self {
            id: crate::ids::uuid_v4(),
            members,
        }
    }

    /// Its `WindowTaskId`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Its Name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        put(&mut self.members, "Name", name.into());
        self
    }

    /// Its MaxConcurrency and MaxErrors (`"1"`, `"10%"`).
    pub fn limits(mut self, max_concurrency: impl Into<String>, max_errors: impl Into<String>) -> Self {
        put(&mut self.members, "MaxConcurrency", max_concurrency.into());
        put(&mut self.members, "MaxErrors", max_errors.into());
        self
    }
}

/// Builds an [`Emulator`] with seeded windows: [`Emulator::builder`].
#[derive(Debug, Default)]
#[must_use]
pub struct Builder {
    windows: Vec<Window>,
    fixtures: Vec<String>,
    signers: Option<Vec<Signer>>,
}

impl Emulator {
    /// A builder of a seeded emulator (`Emulator::builder().window(w).spawn().await`).
    pub fn builder() -> Builder {
        Builder::default()
    }
}

impl Builder {
    /// A seeded window.
    pub fn window(mut self, w: Window) -> Self {
        self.windows.push(w);
        self
    }

    /// A window holding a fixture file's executions (with their tasks and invocations): the
    /// name of one the suite ships (`task_history`, `statuses`, …: `fixtures/`), or a path. The
    /// window's id is in [`Seeded::fixture_windows`].
    pub fn fixture(mut self, name_or_path: impl Into<String>) -> Self {
        self.fixtures.push(name_or_path.into());
        self
    }

    /// Answer only requests signed (SigV4) with one of these credentials; a request signed
    /// otherwise is refused as AWS refuses it (`SignatureDoesNotMatch`, `InvalidClientTokenId`,
    /// …), so a test catches a client that signs wrongly. Off by default.
    pub fn check_signatures(mut self, credentials: Vec<Signer>) -> Self {
        self.signers = Some(credentials);
        self
    }

    /// The emulator, seeded, and the windows the fixtures went into.
    pub fn build(self) -> Result<Seeded, SeedError> {
        let emulator = match self.signers {
            Some(s) => Emulator::checking_signatures(s),
            None => Emulator::new(),
        };
        let mut fixture_windows = Vec::new();
        for name in &self.fixtures {
            let file = if name.ends_with(".json") || name.contains('/') {
                std::path::PathBuf::from(name)
            } else {
                crate::bundle::data_root().join("fixtures").join(format!("{name}.json"))
            };
            let fixture = crate::fixtures::Fixture::load(&file).map_err(|e| SeedError::Fixture {
                name: name.clone(),
                why: e.to_string(),
            })?;
            let id = crate::ids::window_id();
            let executions = serde_json::to_vec(&fixture.executions).expect("executions serialize");
            let seed = Seed {
                name: fixture.name.clone(),
                executions,
                ..Seed::default()
            };
            emulator.seed(&id, seed).map_err(|why| SeedError::Invalid {
                window: id.clone(),
                why,
            })?;
            fixture_windows.push((name.clone(), id));
        }
        for w in self.windows {
            let seed = Seed {
                name: w.name,
                schedule: w.schedule,
                timezone: w.timezone,
                enabled: w.enabled,
                executions: serde_json::to_vec(&w.executions).expect("JSON serializes"),
                targets: w.targets,
                tasks: w.tasks,
            };
            emulator.seed(&w.id, seed).map_err(|why| SeedError::Invalid {
                window: w.id.clone(),
                why,
            })?;
        }
        Ok(Seeded {
            emulator,
            fixture_windows,
        })
    }

    /// [`Builder::build`], then served on a free loopback port of the current tokio runtime:
    /// hand [`Running::url`] and [`REGION`] to an SDK's config.
    pub async fn spawn(self) -> Result<Running, SeedError> {
        let seeded = self.build()?;
        Ok(crate::emulator::spawn(seeded.emulator, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?)
    }
}

/// A seeded emulator, and which window each fixture went into.
#[derive(Debug, Clone)]
pub struct Seeded {
    /// The emulator (serve it with [`crate::spawn`]).
    pub emulator: Emulator,
    /// Each fixture given, with the id of the window that holds it.
    pub fixture_windows: Vec<(String, String)>,
}
