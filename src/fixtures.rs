//! Execution data sets (`fixtures/*.json`) and the harness side of the fixture protocol
//! (docs/fixture-protocol.md), which seeds them into any target that offers it: v1 for
//! executions alone, v2 for executions with their tasks and invocations.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::client::{Client, ClientError};
use crate::model::STATUSES;
pub use crate::oracle::Execution;

/// Seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    /// No HTTP answer.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The target refused.
    #[error("{what}: HTTP {status}: {body}")]
    Refused {
        /// The request.
        what: String,
        /// Its status.
        status: u16,
        /// An excerpt of the body.
        body: String,
    },
}

/// A fixture file: a description and the executions of one window, listed or generated.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureFile {
    #[serde(rename = "$schema", default)]
    _schema: Option<String>,
    /// What it is for (read by people and the schema, not the suite).
    #[serde(rename = "description")]
    _description: String,
    #[serde(default)]
    executions: Option<Vec<Execution>>,
    #[serde(default)]
    generate: Option<Generate>,
}

/// A generated series: `count` executions, `step_seconds` apart, newest last, cycling through
/// the statuses; ids are `<id_prefix>-0000-4000-8000-<index, 12 hex digits>`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Generate {
    count: usize,
    first_start: f64,
    step_seconds: f64,
    duration_seconds: f64,
    id_prefix: String,
}

/// A loaded fixture.
#[derive(Debug, Clone)]
pub(crate) struct Fixture {
    /// The file's stem: what `fixture:<name>` and `${fixture:<name>}` refer to.
    pub name: String,
    /// The executions, in file order.
    pub executions: Vec<Execution>,
    /// The executions as the oracle reads them (indexed once, not at every judgement).
    pub seeded: crate::oracle::Seeded,
}

/// A fixture file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", file.display())]
pub struct FixtureFileError {
    /// The file.
    pub file: PathBuf,
    /// What is wrong.
    pub message: String,
}

fn generate(g: &Generate) -> Result<Vec<Execution>, String> {
    if g.id_prefix.len() != 8 || !g.id_prefix.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!("generate.id_prefix {:?} must be 8 hex digits", g.id_prefix));
    }
    if g.count > 2_000_000 {
        return Err("generate.count is limited to 2,000,000".into());
    }
    Ok((0..g.count)
        .map(|i| {
            let status = STATUSES[i % STATUSES.len()];
            let start = g.first_start + g.step_seconds * i as f64;
            let open = matches!(status, "PENDING" | "IN_PROGRESS");
            Execution {
                window_execution_id: format!("{}-0000-4000-8000-{i:012x}", g.id_prefix.to_ascii_lowercase()),
                status: status.to_string(),
                status_details: None,
                start_time: start,
                end_time: (!open).then_some(start + g.duration_seconds),
                tasks: Vec::new(),
            }
        })
        .collect())
}

impl Fixture {
    /// Load one fixture file and check its executions against the model's shapes.
    pub(crate) fn load(file: &Path) -> Result<Self, FixtureFileError> {
        let err = |message: String| FixtureFileError {
            file: file.to_path_buf(),
            message,
        };
        let name = file
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or_else(|| err("no usable file name".into()))?
            .to_string();
        let text = std::fs::read_to_string(file).map_err(|e| err(e.to_string()))?;
        let raw: FixtureFile = serde_json::from_str(&text).map_err(|e| err(e.to_string()))?;
        let executions = match (raw.executions, raw.generate) {
            (Some(list), None) => list,
            (None, Some(g)) => generate(&g).map_err(err)?,
            _ => return Err(err("exactly one of `executions` and `generate` is required".into())),
        };
        crate::oracle::check_data_set(&executions).map_err(|e| err(e.to_string()))?;
        Ok(Self {
            name,
            seeded: crate::oracle::Seeded::new(&executions),
            executions,
        })
    }

    /// Load every `*.json` in `dir`, by name.
    pub(crate) fn load_dir(dir: &Path) -> Result<BTreeMap<String, Fixture>, FixtureFileError> {
        let err = |message: String| FixtureFileError {
            file: dir.to_path_buf(),
            message,
        };
        let mut out = BTreeMap::new();
        let entries = std::fs::read_dir(dir).map_err(|e| err(e.to_string()))?;
        for entry in entries {
            let path = entry.map_err(|e| err(e.to_string()))?.path();
            if path.extension().is_some_and(|e| e == "json") {
                let f = Fixture::load(&path)?;
                out.insert(f.name.clone(), f);
            }
        }
        Ok(out)
    }
}

/// The protocol's base path (v1).
pub(crate) const BASE: &str = "/_conformance/v1";
/// The base path of v2, which also seeds tasks and invocations.
pub(crate) const BASE_V2: &str = "/_conformance/v2";

/// Whether the target speaks the fixture protocol v1: `GET /_conformance/v1` → 200
/// `{"protocol":1}`. Any other client answer (404, say) is "not offered"; a server error or no
/// answer at all is `Err`: a target that cannot say whether it offers the protocol cannot be
/// judged on data, and that is a set-up problem, not a skip.
pub async fn supported(client: &Client) -> Result<bool, ProbeError> {
    answers_version(client, BASE, 1).await
}

/// Whether the target speaks v2: `GET /_conformance/v2` → 200 `{"protocol":2}` (as
/// [`supported`]).
pub(crate) async fn supported_v2(client: &Client) -> Result<bool, ProbeError> {
    answers_version(client, BASE_V2, 2).await
}

/// The fixture protocol's version could not be asked: whether data can be seeded is unknown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProbeError {
    /// No answer at all.
    #[error("GET {path}: no answer: {why}")]
    NoAnswer {
        /// The protocol's path.
        path: &'static str,
        /// What the client said.
        why: String,
    },
    /// A server error.
    #[error(
        "GET {path} answered HTTP {status} {body:?}: a target answers the fixture protocol's version, or a \
         client error where it does not offer it (docs/fixture-protocol.md)"
    )]
    ServerError {
        /// The protocol's path.
        path: &'static str,
        /// The HTTP status.
        status: u16,
        /// The start of the body.
        body: String,
    },
}

async fn answers_version(client: &Client, path: &'static str, version: i64) -> Result<bool, ProbeError> {
    let r = client
        .plain(http::Method::GET, path, Vec::new())
        .await
        .map_err(|e| ProbeError::NoAnswer {
            path,
            why: e.to_string(),
        })?;
    if r.status >= 500 {
        return Err(ProbeError::ServerError {
            path,
            status: r.status,
            body: r.body_excerpt(120),
        });
    }
    Ok(r.status == 200 && r.json.as_ref().and_then(|j| j.get("protocol")).and_then(|p| p.as_i64()) == Some(version))
}

/// Whether seeding `executions` needs v2 (some execution has tasks).
pub(crate) fn needs_v2(executions: &[Execution]) -> bool {
    executions.iter().any(|e| !e.tasks.is_empty())
}

fn refused(what: String, r: &crate::client::Response) -> FixtureError {
    FixtureError::Refused {
        what,
        status: r.status,
        body: r.body_excerpt(300),
    }
}

/// Create `window_id` if needed (named `name`, where given: the run's mark, so that `sweep` finds
/// it after a run is killed) and make `executions` all of its executions: through v1, or through
/// v2 when they have tasks (the caller has checked [`supported_v2`]).
pub async fn put_window(
    client: &Client,
    window_id: &str,
    name: Option<&str>,
    executions: &[Execution],
) -> Result<(), FixtureError> {
    let base = if needs_v2(executions) { BASE_V2 } else { BASE };
    let path = format!("{base}/windows/{window_id}");
    // Written straight to bytes, not through a JSON tree: a fixture can hold a million executions.
    #[derive(serde::Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Put<'a> {
        window_executions: &'a [Execution],
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<&'a str>,
    }
    let body = serde_json::to_vec(&Put {
        window_executions: executions,
        name,
    })
    .expect("executions serialize");
    let r = client.plain(http::Method::PUT, &path, body).await?;
    if (200..300).contains(&r.status) {
        Ok(())
    } else {
        Err(refused(format!("PUT {path}"), &r))
    }
}

/// Remove `window_id` and its executions.
pub async fn delete_window(client: &Client, window_id: &str) -> Result<(), FixtureError> {
    let path = format!("{BASE}/windows/{window_id}");
    let r = client.plain(http::Method::DELETE, &path, Vec::new()).await?;
    if (200..300).contains(&r.status) {
        Ok(())
    } else {
        Err(refused(format!("DELETE {path}"), &r))
    }
}
