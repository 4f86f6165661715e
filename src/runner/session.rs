//! A run's hold on its target: the client, the embedded emulator if any, what the target
//! supports, what this run created (and must delete).

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::json;
use tokio::sync::OnceCell;

use crate::client::{Client, ClientConfig, Payload, Response, url_is_loopback};
use crate::fixtures::{self, Fixture};
use crate::snapshot_reader::SnapshotReader;
use crate::spec::DEFAULT_OPERATION;
use crate::spec::LoadedCase;
use crate::target::{Endpoint, TargetConfig};

use super::CaseResult;

/// Whether the target implements the operation, as found by one probe request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Support {
    /// It answers like an implementation (a success or a modeled error).
    Implemented,
    /// It says, one way or another, that it does not implement it.
    NotImplemented(String),
    /// No usable HTTP answer at all (refused, reset, timed out, truncated, too large).
    Unreachable(String),
    /// It refuses the signature or the credentials (HTTP 401 or 403).
    Refused(String),
}

/// The embedded target once started: its URL, and what keeps it serving (dropped at the end).
pub struct EmbeddedServer {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Keeps the server alive while the session holds it.
    pub guard: Box<dyn std::any::Any + Send + Sync>,
}

/// How a session starts its embedded target. Handed down from the top of the crate
/// (`crate::embedded`), so the harness never depends on the emulator it may be judging.
pub type StartEmbedded =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<EmbeddedServer, String>> + Send>> + Send + Sync>;

/// A window seeded once per session: its id, or why it could not be seeded.
type SeededWindow = OnceCell<Result<String, String>>;

/// Something this run created on the target.
#[derive(Debug, Clone)]
enum Created {
    /// Through the fixture protocol.
    FixtureWindow(String),
    /// Through `CreateMaintenanceWindow`.
    Window(String),
}

/// The state of one run against one target. Everything is started lazily, on first use, so that
/// listing trials costs nothing and each nextest process starts only what it needs.
pub struct Session {
    /// The resolved target.
    pub config: TargetConfig,
    runtime: tokio::runtime::Runtime,
    start_embedded: Option<StartEmbedded>,
    embedded: OnceLock<EmbeddedServer>,
    client: OnceCell<Result<Client, String>>,
    support: OnceCell<Support>,
    /// Per operation of the family beyond the default one: probed on first use.
    family_support: Mutex<HashMap<String, Arc<OnceCell<Support>>>>,
    fixture_protocol: OnceCell<bool>,
    fixture_protocol_v2: OnceCell<bool>,
    empty_window: OnceCell<Result<String, String>>,
    fixtures: BTreeMap<String, Fixture>,
    fixture_windows: Mutex<HashMap<String, Arc<SeededWindow>>>,
    results: Mutex<HashMap<String, CaseResult>>,
    /// The snapshot files of the cases being run, read ahead ([`Session::read_snapshots_ahead`]).
    snapshots_ahead: OnceLock<SnapshotReader>,
    created: Mutex<Vec<Created>>,
    /// Set when cleanup begins: nothing new may be created after.
    closing: AtomicBool,
    /// Held (shared) by every creation under way; cleanup takes it whole, so it waits for them.
    creating: Arc<tokio::sync::RwLock<()>>,
    /// Set before a CreateMaintenanceWindow is sent: its answer may be lost (Ctrl-C), so cleanup
    /// also sweeps this run's prefix.
    create_sent: AtomicBool,
    /// A well-formed window id that names no window (`${unknown_window}`).
    pub unknown_window: String,
    /// A prefix naming everything this run creates, so leftovers can be recognised.
    pub run_prefix: String,
}

impl Session {
    /// A session for `config` with the data sets `fixtures`; nothing is started yet. Trials on
    /// several threads share a multi-thread runtime; one caller at a time (`ssm-conformance
    /// run`) is fastest on a current-thread one, without hand-offs between workers.
    pub fn new(
        config: TargetConfig,
        fixtures: BTreeMap<String, Fixture>,
        sequential: bool,
        start_embedded: Option<StartEmbedded>,
    ) -> std::io::Result<Self> {
        let runtime = if sequential {
            tokio::runtime::Builder::new_current_thread().enable_all().build()?
        } else {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()?
        };
        Ok(Self {
            config,
            runtime,
            start_embedded,
            embedded: OnceLock::new(),
            client: OnceCell::new(),
            support: OnceCell::new(),
            family_support: Default::default(),
            fixture_protocol: OnceCell::new(),
            fixture_protocol_v2: OnceCell::new(),
            empty_window: OnceCell::new(),
            fixtures,
            fixture_windows: Mutex::new(HashMap::new()),
            results: Mutex::new(HashMap::new()),
            snapshots_ahead: OnceLock::new(),
            created: Mutex::new(Vec::new()),
            closing: AtomicBool::new(false),
            creating: Arc::new(tokio::sync::RwLock::new(())),
            create_sent: AtomicBool::new(false),
            unknown_window: crate::ids::window_id(),
            run_prefix: format!("{}{:08x}", crate::sweep::RUN_PREFIX, crate::ids::random_u64() as u32),
        })
    }

    /// The name of every window this run seeds: the run's mark, which `sweep` recognises.
    pub fn fixture_window_name(&self) -> String {
        format!("{}-fixture", self.run_prefix)
    }

    /// Run a future on the session's runtime (from any non-runtime thread).
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }

    /// The endpoint's URL (starting the embedded emulator if that is the target).
    pub async fn endpoint_url(&self) -> Result<String, String> {
        match self.config.url() {
            Some(u) => Ok(u),
            None => {
                if let Some(r) = self.embedded.get() {
                    return Ok(r.url.clone());
                }
                let start = self
                    .start_embedded
                    .as_ref()
                    .ok_or("this build has no embedded target: give --endpoint URL")?;
                let running = start()
                    .await
                    .map_err(|e| format!("cannot start the embedded emulator: {e}"))?;
                // A concurrent starter may have won; the loser's server stops on drop.
                let _ = self.embedded.set(running);
                Ok(self.embedded.get().expect("just set").url.clone())
            }
        }
    }

    /// The client (built on first use).
    pub async fn client(&self) -> Result<&Client, String> {
        self.client
            .get_or_init(|| async {
                let endpoint = self.endpoint_url().await?;
                Client::new(ClientConfig {
                    endpoint,
                    region: self.config.region.clone(),
                    credentials: self.config.credentials.clone(),
                    timeout: self.config.timeout,
                })
                .map_err(|e| e.to_string())
            })
            .await
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Whether the target implements the operation (one probe, on first use).
    pub async fn support(&self) -> Support {
        self.support
            .get_or_init(|| async {
                let client = match self.client().await {
                    Ok(c) => c,
                    Err(e) => return Support::Unreachable(e),
                };
                let probe = Payload::Json(json!({ "WindowId": self.unknown_window }));
                match client.call(DEFAULT_OPERATION, &probe).await {
                    Ok(r) => classify_support(&r),
                    Err(e) => Support::Unreachable(e.to_string()),
                }
            })
            .await
            .clone()
    }

    /// Whether the target implements `operation`, one of the operations around an execution
    /// (probed once with well-formed ids that name nothing: an implementation answers
    /// `DoesNotExistException`, or anything but "unknown operation"). Other operations are
    /// [`Session::support`]'s.
    pub async fn support_of(&self, operation: &str) -> Support {
        let Some(probe) = family_probe(operation) else {
            return self.support().await;
        };
        if !is_read_only(operation) && !self.may_mutate() {
            // Not even a probe that changes nothing is sent where mutations are not allowed; the
            // case is skipped for that reason when it runs.
            return Support::Implemented;
        }
        let cell = self
            .family_support
            .lock()
            .expect("lock")
            .entry(operation.to_string())
            .or_default()
            .clone();
        cell.get_or_init(|| async {
            let client = match self.client().await {
                Ok(c) => c,
                Err(e) => return Support::Unreachable(e),
            };
            match client.call(operation, &Payload::Json(probe)).await {
                Ok(r) => classify_support(&r),
                Err(e) => Support::Unreachable(e.to_string()),
            }
        })
        .await
        .clone()
    }

    /// Whether the target speaks the fixture protocol v1 (never asked of AWS).
    pub async fn fixture_protocol(&self) -> bool {
        *self
            .fixture_protocol
            .get_or_init(|| async {
                if matches!(self.config.endpoint, Endpoint::Aws { .. }) {
                    return false;
                }
                match self.client().await {
                    Ok(c) => fixtures::supported(c).await.unwrap_or(false),
                    Err(_) => false,
                }
            })
            .await
    }

    /// Whether the target speaks the fixture protocol v2 (tasks and invocations).
    pub async fn fixture_protocol_v2(&self) -> bool {
        *self
            .fixture_protocol_v2
            .get_or_init(|| async {
                if !self.fixture_protocol().await {
                    return false;
                }
                match self.client().await {
                    Ok(c) => fixtures::supported_v2(c).await.unwrap_or(false),
                    Err(_) => false,
                }
            })
            .await
    }

    /// Whether this run may create things on the target: always on the embedded emulator and
    /// on loopback emulators; on AWS (wherever its endpoint points) and any other address only
    /// with `--allow-mutations`.
    pub fn may_mutate(&self) -> bool {
        match &self.config.endpoint {
            Endpoint::Embedded => true,
            Endpoint::Aws { .. } => self.config.allow_mutations,
            Endpoint::Url(url) => {
                self.config.allow_mutations || reqwest::Url::parse(url).is_ok_and(|u| url_is_loopback(&u))
            }
        }
    }

    /// Whether a creation may go ahead: mutations allowed here, and cleanup not begun (what
    /// is created after cleanup starts would never be deleted).
    fn may_create(&self) -> Result<(), String> {
        if self.closing.load(Ordering::SeqCst) {
            return Err("the run is being cleaned up".into());
        }
        if !self.may_mutate() {
            return Err(
                "creating anything on AWS or a non-loopback endpoint needs --allow-mutations (or give an \
                        existing window with --window-id, for the cases that take any window)"
                    .into(),
            );
        }
        Ok(())
    }

    /// Run a creation on a task of its own, to its end even when the run is interrupted meanwhile:
    /// cleanup waits for every creation under way, so that a window is deleted after it lands,
    /// never before (a request cut off mid-way may still reach the target).
    async fn create<T: Send + 'static>(
        &self,
        creation: impl std::future::Future<Output = Result<T, String>> + Send + 'static,
    ) -> Result<T, String> {
        let under_way = self.creating.clone().read_owned().await;
        // Cleanup may have begun while this waited.
        self.may_create()?;
        self.runtime
            .spawn(async move {
                let out = creation.await;
                drop(under_way);
                out
            })
            .await
            .map_err(|e| format!("the creation did not finish: {e}"))?
    }

    /// An existing window: the one given with `--window-id`, else the empty one.
    pub async fn existing_window(&self) -> Result<String, String> {
        match &self.config.window_id {
            Some(w) => Ok(w.clone()),
            None => self.empty_window().await,
        }
    }

    /// A window that exists and has no executions (created once per session).
    pub async fn empty_window(&self) -> Result<String, String> {
        self.empty_window
            .get_or_init(|| async {
                let client = self.client().await?;
                self.may_create()?;
                if self.fixture_protocol().await {
                    let id = crate::ids::window_id();
                    // Recorded before seeding: a half-done seed is still cleaned up.
                    self.created
                        .lock()
                        .expect("lock")
                        .push(Created::FixtureWindow(id.clone()));
                    let (client, window, name) = (client.clone(), id.clone(), self.fixture_window_name());
                    self.create(async move {
                        fixtures::put_window(&client, &window, Some(&name), &[])
                            .await
                            .map_err(|e| e.to_string())
                    })
                    .await?;
                    return Ok(id);
                }
                self.create_window("empty").await
            })
            .await
            .clone()
    }

    /// Window ids the target gave this run's `CreateMaintenanceWindow` calls.
    pub fn created_window_ids(&self) -> Vec<String> {
        self.created
            .lock()
            .expect("lock")
            .iter()
            .filter_map(|c| match c {
                Created::Window(id) => Some(id.clone()),
                Created::FixtureWindow(_) => None,
            })
            .collect()
    }

    /// The snapshot a case compares with, when this session compares snapshots (a named
    /// target): its folder, its name and its file.
    pub fn snapshot_file(&self, case: &LoadedCase) -> Option<(PathBuf, String, PathBuf)> {
        let name = self.config.name.as_ref()?;
        let dir = self.config.snapshots.join(name);
        let snap = format!("{}__{}", case.area, case.case.id);
        let file = crate::snapshot::file(&dir, &snap);
        Some((dir, snap, file))
    }

    /// Start reading the snapshot files of `cases` on a thread of their own, in order (once a
    /// session; later calls do nothing).
    pub fn read_snapshots_ahead(&self, cases: &[&LoadedCase]) {
        if self.config.name.is_none() || self.snapshots_ahead.get().is_some() {
            return;
        }
        let files = cases
            .iter()
            .filter_map(|c| self.snapshot_file(c))
            .map(|(_, _, f)| f)
            .collect();
        let _ = self.snapshots_ahead.set(SnapshotReader::start(files));
    }

    /// The contents of a snapshot file read ahead, if it was.
    pub fn snapshot_read_ahead(&self, file: &Path) -> Option<std::io::Result<String>> {
        self.snapshots_ahead.get()?.take(file)
    }

    /// The data sets this session can seed.
    pub fn fixtures(&self) -> &BTreeMap<String, Fixture> {
        &self.fixtures
    }

    /// One data set.
    pub fn fixture(&self, name: &str) -> Option<&Fixture> {
        self.fixtures.get(name)
    }

    /// A fresh window seeded with fixture `name` (seeded once per session, deleted at cleanup).
    pub async fn fixture_window(&self, name: &str) -> Result<String, String> {
        let cell = self
            .fixture_windows
            .lock()
            .expect("lock")
            .entry(name.to_string())
            .or_default()
            .clone();
        cell.get_or_init(|| async {
            let fixture = self
                .fixtures
                .get(name)
                .ok_or_else(|| format!("there is no fixture {name:?}"))?;
            self.client().await?;
            if !self.fixture_protocol().await {
                // Name the version the fixture needs: a fixture with tasks needs v2, not only v1.
                let version = if fixtures::needs_v2(&fixture.executions) {
                    "v2, which this fixture's tasks and invocations need"
                } else {
                    "v1"
                };
                return Err(format!(
                    "the target does not offer the fixture protocol {version} (docs/fixture-protocol.md)"
                ));
            }
            if fixtures::needs_v2(&fixture.executions) && !self.fixture_protocol_v2().await {
                return Err(format!(
                    "fixture {name:?} has tasks and invocations, which only the fixture protocol v2 seeds; \
                     the target speaks v1 only (docs/fixture-protocol.md)"
                ));
            }
            self.seed_fresh(&fixture.executions)
                .await
                .map_err(|e| format!("fixture {name:?}: {e}"))
        })
        .await
        .clone()
    }

    /// A window made with `CreateMaintenanceWindow`, named `<run prefix>-<suffix>` (a suffix
    /// `sweep` knows); recorded for cleanup, also when its answer is lost.
    pub async fn create_window(&self, suffix: &str) -> Result<String, String> {
        let client = self.client().await?;
        self.may_create()?;
        let create = Payload::Json(json!({
            "Name": format!("{}-{suffix}", self.run_prefix),
            "Schedule": "rate(7 days)",
            "Duration": 1,
            "Cutoff": 0,
            "AllowUnassociatedTargets": false,
            "ClientToken": crate::ids::uuid_v4(),
        }));
        self.create_sent.store(true, Ordering::SeqCst);
        let client = client.clone();
        let r = self
            .create(async move {
                client
                    .call("CreateMaintenanceWindow", &create)
                    .await
                    .map_err(|e| e.to_string())
            })
            .await?;
        let id = r
            .json
            .as_ref()
            .and_then(|j| j.get("WindowId"))
            .and_then(|w| w.as_str())
            .filter(|_| r.status == 200)
            .ok_or_else(|| format!("CreateMaintenanceWindow failed: {}", crate::verdict::summarize(&r)))?
            .to_string();
        self.created.lock().expect("lock").push(Created::Window(id.clone()));
        Ok(id)
    }

    /// Forget a window this run has deleted itself (so cleanup does not ask again).
    pub fn forget(&self, id: &str) {
        self.created
            .lock()
            .expect("lock")
            .retain(|c| !matches!(c, Created::Window(w) | Created::FixtureWindow(w) if w == id));
    }

    /// A fresh window, marked with the run's name and seeded with `executions`; recorded for
    /// cleanup (before seeding: a half-done seed is still cleaned up) until
    /// [`Session::delete_seeded`] removes it.
    pub async fn seed_fresh(&self, executions: &[fixtures::Execution]) -> Result<String, String> {
        let client = self.client().await?;
        self.may_create()?;
        let id = crate::ids::window_id();
        self.created
            .lock()
            .expect("lock")
            .push(Created::FixtureWindow(id.clone()));
        let (client, window, name) = (client.clone(), id.clone(), self.fixture_window_name());
        let executions = executions.to_vec();
        self.create(async move {
            fixtures::put_window(&client, &window, Some(&name), &executions)
                .await
                .map_err(|e| format!("seeding: {e}"))
        })
        .await?;
        Ok(id)
    }

    /// Delete a window [`Session::seed_fresh`] made (at once: the generated phase makes many).
    pub async fn delete_seeded(&self, id: &str) -> Result<(), String> {
        let client = self.client().await?;
        fixtures::delete_window(client, id).await.map_err(|e| e.to_string())?;
        self.created
            .lock()
            .expect("lock")
            .retain(|c| !matches!(c, Created::FixtureWindow(w) if w == id));
        Ok(())
    }

    /// The result of a case already run in this session.
    pub fn cached(&self, name: &str) -> Option<CaseResult> {
        self.results.lock().expect("lock").get(name).cloned()
    }

    /// Keep a case's result for later calls.
    pub fn remember(&self, result: &CaseResult) {
        self.results
            .lock()
            .expect("lock")
            .insert(result.name.clone(), result.clone());
    }

    /// Delete everything this run created; returns what could not be deleted.
    pub fn cleanup(&self) -> Vec<String> {
        self.block_on(self.cleanup_now())
    }

    /// [`Session::cleanup`], from inside the runtime (a Ctrl-C handler).
    pub async fn cleanup_now(&self) -> Vec<String> {
        self.closing.store(true, Ordering::SeqCst);
        // Every creation under way has landed (or failed) before anything is deleted.
        let _quiet = self.creating.write().await;
        let mut created = std::mem::take(&mut *self.created.lock().expect("lock"));
        let Ok(client) = self.client().await else {
            return created.iter().map(|c| format!("{c:?}")).collect();
        };
        // A window whose CreateMaintenanceWindow answer never arrived is found by its name.
        if self.create_sent.load(Ordering::SeqCst) {
            let mine = format!("{}-", self.run_prefix);
            for (id, name) in crate::sweep::leftovers(client).await.unwrap_or_default() {
                let known = created.iter().any(|c| matches!(c, Created::Window(w) if *w == id));
                if name.starts_with(&mine) && !known {
                    created.push(Created::Window(id));
                }
            }
        }
        let mut left = Vec::new();
        for c in created {
            let result = match &c {
                Created::FixtureWindow(id) => fixtures::delete_window(client, id).await.map_err(|e| e.to_string()),
                Created::Window(id) => crate::sweep::delete(client, id).await,
            };
            if let Err(e) = result {
                left.push(format!("{c:?}: {e}"));
            }
        }
        left
    }

    /// Run a task on the session's runtime.
    pub fn spawn<F>(&self, task: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        self.runtime.spawn(task);
    }
}

/// Whether an operation only reads (`Describe*`, `Get*`, `List*`): the only kind a run sends
/// where mutations are not allowed.
pub fn is_read_only(operation: &str) -> bool {
    ["Describe", "Get", "List"].iter().any(|p| operation.starts_with(p))
}

/// The operation whose probe decides whether `operation` is supported: itself for an operation
/// around an execution, DescribeMaintenanceWindowExecutions for the rest.
pub fn probed_operation(operation: &str) -> &str {
    if family_probe(operation).is_some() {
        operation
    } else {
        DEFAULT_OPERATION
    }
}

/// The probe of an operation around an execution: its required ids, well formed, naming nothing
/// (Cancel included: an unknown execution changes nothing).
fn family_probe(operation: &str) -> Option<serde_json::Value> {
    const NOBODY: &str = "00000000-0000-4000-8000-00000000dead";
    let ids: &[&str] = match operation {
        "GetMaintenanceWindowExecution"
        | "CancelMaintenanceWindowExecution"
        | "DescribeMaintenanceWindowExecutionTasks" => &["WindowExecutionId"],
        "GetMaintenanceWindowExecutionTask" | "DescribeMaintenanceWindowExecutionTaskInvocations" => {
            &["WindowExecutionId", "TaskId"]
        }
        "GetMaintenanceWindowExecutionTaskInvocation" => &["WindowExecutionId", "TaskId", "InvocationId"],
        _ => return None,
    };
    Some(serde_json::Value::Object(
        ids.iter().map(|k| (k.to_string(), json!(NOBODY))).collect(),
    ))
}

/// Classify a probe answer: does the target implement the operation?
pub fn classify_support(r: &Response) -> Support {
    let content_type = r.header("content-type").unwrap_or("no content type");
    let not_implemented_types = [
        "UnknownOperationException",
        "NotImplemented",
        "NotImplementedException",
        "InvalidAction",
    ];
    if let Some(e) = &r.error {
        let msg = e.message.as_deref().unwrap_or("");
        if not_implemented_types.contains(&e.error_type.as_str())
            || r.status == 501
            || msg.contains("not been implemented")
            || msg.contains("not implemented")
        {
            return Support::NotImplemented(format!(
                "answers HTTP {} {}{}",
                r.status,
                e.error_type,
                if msg.is_empty() {
                    String::new()
                } else {
                    format!(": {msg}")
                }
            ));
        }
    }
    if r.status == 501 || (r.status >= 500 && r.json.is_none()) {
        return Support::NotImplemented(format!(
            "answers HTTP {} with a non-JSON body ({content_type}): {:?}",
            r.status,
            r.body_excerpt(80)
        ));
    }
    if matches!(r.status, 401 | 403) {
        return Support::Refused(crate::verdict::summarize(r));
    }
    if r.status == 404 && r.error.is_none() {
        return Support::NotImplemented(format!("answers HTTP 404 ({content_type})"));
    }
    Support::Implemented
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(status: u16, ct: &str, body: &str) -> Response {
        Response::from_parts(
            status,
            vec![("content-type".into(), ct.into())],
            body.as_bytes().to_vec(),
        )
    }

    fn session(endpoint: &str, allow_mutations: bool) -> Session {
        let config = crate::target::TargetOptions {
            endpoint: Some(endpoint.into()),
            allow_mutations,
            ..Default::default()
        }
        .resolve()
        .unwrap();
        Session::new(config, BTreeMap::new(), true, None).unwrap()
    }

    #[test]
    fn mutations_only_on_loopback_or_with_permission() {
        // Nothing is sent: the decision comes from the configuration alone.
        assert!(session("http://127.0.0.1:4566", false).may_mutate());
        assert!(session("http://localhost:4566", false).may_mutate());
        assert!(!session("http://10.1.2.3:4566", false).may_mutate());
        assert!(!session("https://ssm.example.com", false).may_mutate());
        assert!(session("http://10.1.2.3:4566", true).may_mutate());
        assert!(is_read_only("DescribeMaintenanceWindowExecutions") && is_read_only("GetMaintenanceWindow"));
        assert!(!is_read_only("DeleteMaintenanceWindow") && !is_read_only("CreateMaintenanceWindow"));
    }

    #[test]
    fn recognises_targets_that_do_not_implement_it() {
        // moto 5.2.5: Werkzeug's HTML error page.
        let moto = r(
            500,
            "text/html",
            "<!doctype html><title>500 Internal Server Error</title>",
        );
        assert!(matches!(classify_support(&moto), Support::NotImplemented(_)));
        // LocalStack: 501 InternalFailure.
        let ls = r(
            501,
            "application/json",
            r#"{"__type":"InternalFailure","message":"The describe_maintenance_window_executions action has not been implemented"}"#,
        );
        assert!(matches!(classify_support(&ls), Support::NotImplemented(_)));
        let unknown = r(400, "application/json", r#"{"__type":"UnknownOperationException"}"#);
        assert!(matches!(classify_support(&unknown), Support::NotImplemented(_)));
        // Answers of an implementation.
        assert_eq!(
            classify_support(&r(200, "application/json", r#"{"WindowExecutions":[]}"#)),
            Support::Implemented
        );
        let nf = r(
            400,
            "application/json",
            r#"{"__type":"DoesNotExistException","Message":"no"}"#,
        );
        assert_eq!(classify_support(&nf), Support::Implemented);
        // A 500 with a JSON error is a (faulty) implementation, judged case by case.
        let isr = r(
            500,
            "application/json",
            r#"{"__type":"InternalServerError","Message":"boom"}"#,
        );
        assert_eq!(classify_support(&isr), Support::Implemented);
    }
}
