//! A run's hold on its target ([`Session`]): the client and the embedded emulator if any
//! (here), what the target supports ([`support`]), what the run created and its cleanup
//! ([`ledger`]), and the windows and data sets it seeds ([`seeding`]). Below both the run and
//! the generated phase, which share one session.

mod ledger;
mod seeding;
mod support;

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};

use tokio::sync::OnceCell;

use crate::client::{Client, ClientConfig, url_is_loopback};
use crate::failure::Failure;
use crate::fixtures::Fixture;
use crate::model::Operation;
use crate::outcome::{FailureKind, SkipReason};
use crate::spec::LoadedCase;
use crate::target::{Endpoint, TargetConfig};

use ledger::Ledger;
pub(crate) use support::{Support, unusable};

/// Why a case's need (a window, a data set) is not met: the target cannot (the case is
/// skipped), or it offers the means and failed (the case fails: a data set the target offers to
/// seed and then refuses is its failure).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unmet {
    /// Not judged, for this reason.
    Skip(SkipReason, String),
    /// The target's failure, of this kind.
    Fail(FailureKind, String),
}

impl std::fmt::Display for Unmet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Skip(_, why) | Self::Fail(_, why) => f.write_str(why),
        }
    }
}

/// At the edges that speak in words (a counterexample's message), an unmet need is its words.
/// Inside a check, a need the target did not meet fails the check with its kind (a skip, which
/// a check cannot be, is a seeding failure).
impl From<Unmet> for Failure {
    fn from(u: Unmet) -> Self {
        match u {
            Unmet::Fail(kind, why) => Failure::new(kind, why),
            Unmet::Skip(_, why) => Failure::new(FailureKind::Seeding, why),
        }
    }
}

impl Unmet {
    /// A client error: the endpoint could not be asked.
    pub(super) fn no_answer(why: impl std::fmt::Display) -> Self {
        Self::Fail(FailureKind::NoAnswer, why.to_string())
    }
}

/// Why the run has no way to its target (before any request is judged).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    /// No endpoint was given, and this build has no embedded emulator to start.
    #[error("this build has no embedded target: give --endpoint URL")]
    NoEmbedded,
    /// The embedded emulator did not start.
    #[error("cannot start the embedded emulator: {0}")]
    EmbeddedStart(String),
    /// The client could not be built for the endpoint.
    #[error("{0}")]
    Client(String),
}

impl From<TargetError> for String {
    fn from(e: TargetError) -> Self {
        e.to_string()
    }
}

/// Inside a check, a target that cannot be asked is no answer.
impl From<TargetError> for Failure {
    fn from(e: TargetError) -> Self {
        Failure::new(FailureKind::NoAnswer, e.to_string())
    }
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
pub(crate) type StartEmbedded =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<EmbeddedServer, String>> + Send>> + Send + Sync>;

/// A window seeded once per session: its id, or why it could not be seeded.
type SeededWindow = OnceCell<Result<String, Unmet>>;

/// The state of one run against one target. Everything is started lazily, on first use, so that
/// listing trials costs nothing and each nextest process starts only what it needs.
pub struct Session {
    /// The resolved target.
    pub config: TargetConfig,
    pub(super) runtime: tokio::runtime::Runtime,
    pub(super) start_embedded: Option<StartEmbedded>,
    pub(super) embedded: OnceLock<EmbeddedServer>,
    pub(super) client: OnceCell<Result<Client, TargetError>>,
    /// Per operation probed (DescribeMaintenanceWindowExecutions, and each of the family):
    /// probed on first use.
    pub(super) support: Mutex<HashMap<Operation, Arc<OnceCell<Support>>>>,
    pub(super) fixture_protocol: OnceCell<Result<bool, crate::fixtures::ProbeError>>,
    pub(super) fixture_protocol_v2: OnceCell<bool>,
    pub(super) empty_window: OnceCell<Result<String, Unmet>>,
    pub(super) fixtures: BTreeMap<String, Fixture>,
    pub(super) fixture_windows: Mutex<HashMap<String, Arc<SeededWindow>>>,
    /// Whether this run may create things on the target ([`Session::may_mutate`]).
    pub(super) may_mutate: OnceLock<bool>,
    /// What the run created, and its cleanup.
    pub(super) ledger: Ledger,
    /// A well-formed window id that names no window (`${unknown_window}`).
    pub unknown_window: String,
    /// A prefix naming everything this run creates, so leftovers can be recognised.
    pub run_prefix: String,
}

impl Session {
    /// A session for `config` with the data sets `fixtures`; nothing is started yet. Trials on
    /// several threads share a multi-thread runtime; one caller at a time (`ssm-conformance
    /// run`) is fastest on a current-thread one, without hand-offs between workers.
    pub(crate) fn new(
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
            support: Default::default(),
            fixture_protocol: OnceCell::new(),
            fixture_protocol_v2: OnceCell::new(),
            empty_window: OnceCell::new(),
            fixtures,
            fixture_windows: Mutex::new(HashMap::new()),
            may_mutate: OnceLock::new(),
            ledger: Ledger::default(),
            unknown_window: crate::ids::window_id(),
            run_prefix: format!("{}{:08x}", crate::sweep::RUN_PREFIX, crate::ids::random_u64() as u32),
        })
    }

    /// Run a future on the session's runtime (from any non-runtime thread).
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }

    /// The endpoint's URL (starting the embedded emulator if that is the target).
    pub(crate) async fn endpoint_url(&self) -> Result<String, TargetError> {
        match self.config.url() {
            Some(u) => Ok(u),
            None => {
                if let Some(r) = self.embedded.get() {
                    return Ok(r.url.clone());
                }
                let start = self.start_embedded.as_ref().ok_or(TargetError::NoEmbedded)?;
                let running = start().await.map_err(TargetError::EmbeddedStart)?;
                // A concurrent starter may have won; the loser's server stops on drop.
                let _ = self.embedded.set(running);
                Ok(self.embedded.get().expect("just set").url.clone())
            }
        }
    }

    /// The client (built on first use).
    pub async fn client(&self) -> Result<&Client, TargetError> {
        self.client
            .get_or_init(|| async {
                let endpoint = self.endpoint_url().await?;
                Client::new(ClientConfig {
                    endpoint,
                    region: self.config.region.clone(),
                    credentials: self.config.credentials.clone(),
                    timeout: self.config.timeout,
                })
                .map_err(|e| TargetError::Client(e.to_string()))
            })
            .await
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Whether this run may create things on the target: always on the embedded emulator and
    /// on loopback emulators; on AWS (wherever its endpoint points) and any other address only
    /// with `--allow-mutations`.
    pub(crate) fn may_mutate(&self) -> bool {
        // Asked before every case: the URL is parsed once.
        *self.may_mutate.get_or_init(|| match &self.config.endpoint {
            Endpoint::Embedded => true,
            Endpoint::Aws { .. } => self.config.allow_mutations,
            Endpoint::Url(url) => {
                self.config.allow_mutations || reqwest::Url::parse(url).is_ok_and(|u| url_is_loopback(&u))
            }
        })
    }

    /// A case is about to send its own `CreateMaintenanceWindow`.
    pub(crate) fn window_create_sent(&self) {
        self.ledger.create_sent();
    }

    /// A window a case's own `CreateMaintenanceWindow` made: the run deletes it at cleanup.
    pub(crate) fn record_created_window(&self, id: &str) {
        self.ledger.record(ledger::Created::Window(id.to_string()));
    }

    /// Whether this run made a window with `CreateMaintenanceWindow` (whose id the target check
    /// judges).
    pub(crate) fn created_any_window(&self) -> bool {
        !self.created_window_ids().is_empty()
    }

    /// Window ids the target gave this run's `CreateMaintenanceWindow` calls.
    pub(crate) fn created_window_ids(&self) -> Vec<String> {
        self.ledger.window_ids()
    }

    /// Forget a window this run has deleted itself (so cleanup does not ask again).
    pub(crate) fn forget(&self, id: &str) {
        self.ledger.forget(id);
    }

    /// Delete everything this run created; returns what could not be deleted.
    pub(crate) fn cleanup(&self) -> Vec<String> {
        self.block_on(async { self.ledger.cleanup(self.client().await, &self.run_prefix).await })
    }

    /// The snapshot `case` is compared with, when this session compares snapshots (a named
    /// target): its folder and its name.
    pub(crate) fn snapshot_of(&self, case: &LoadedCase) -> Option<(std::path::PathBuf, String)> {
        let name = self.config.name.as_ref()?;
        Some((
            self.config.snapshots.join(name),
            format!("{}__{}", case.area, case.case.id),
        ))
    }

    /// The data sets this session can seed.
    pub(crate) fn fixtures(&self) -> &BTreeMap<String, Fixture> {
        &self.fixtures
    }

    /// One data set.
    pub(crate) fn fixture(&self, name: &str) -> Option<&Fixture> {
        self.fixtures.get(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn session(endpoint: &str, allow_mutations: bool) -> Session {
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
        assert!(Operation::GetMaintenanceWindow.is_read_only() && !Operation::DeleteMaintenanceWindow.is_read_only());
    }
}
