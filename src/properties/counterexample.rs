//! A shrunk failure of the model-based property: printed as the request, the expected and the
//! actual executions, and saved as a ready spec case plus fixture that fail the same way.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::oracle::{Combine, Execution, Semantics};

/// A minimal history and request on which the target and the oracle disagree.
#[derive(Debug, Clone, Default)]
pub(crate) struct Counterexample {
    /// What the oracle found wrong.
    pub why: String,
    /// The history.
    pub data: Vec<Execution>,
    /// The request, its window written `${window}`.
    pub params: Value,
    /// The meaning the request was judged under.
    pub semantics: Semantics,
    /// The executions a correct target returns (under the target's own open choices).
    pub expected: Vec<String>,
    /// What the target returned.
    pub actual: Vec<String>,
    /// What shrinking cost (`shrunk in 14 steps (2.3 s)`), once shrunk.
    pub shrinking: String,
}

fn combine_name(c: Combine) -> Option<&'static str> {
    match c {
        Combine::All => None,
        Combine::Any => Some("any"),
        Combine::First => Some("first"),
        Combine::Last => Some("last"),
    }
}

impl Counterexample {
    /// The failure as a person reads it.
    pub(crate) fn describe(&self, seed: u64) -> String {
        let show = |ids: &[String]| {
            if ids.len() > 12 {
                format!("{} … ({} in all)", ids[..12].join(", "), ids.len())
            } else {
                format!("[{}]", ids.join(", "))
            }
        };
        format!(
            "properties::model-based (seed {seed}; reproduce with --seed {seed}), {} to {} execution(s): {}\n  request:  {}\n  expected: {}\n  actual:   {}\n  history:  {}",
            if self.shrinking.is_empty() {
                "shrunk"
            } else {
                &self.shrinking
            },
            self.data.len(),
            self.why,
            self.params,
            show(&self.expected),
            show(&self.actual),
            serde_json::to_string(&self.data).unwrap_or_default(),
        )
    }

    /// Write `specs/counterexample_<seed>.json` and `fixtures/cx-<seed>.json` under `dir`: once
    /// copied into the project's specs/ and fixtures/, the case fails the same way.
    pub(crate) fn save(&self, dir: &Path, seed: u64) -> Result<Vec<String>, SaveError> {
        let name = format!("cx-{seed:016x}");
        let fixture = json!({
            "description": format!("Shrunk by the generated phase (seed {seed}): {}", self.why),
            "executions": self.data,
        });
        let mut params = self.params.clone();
        params["WindowId"] = json!(format!("${{fixture:{name}}}"));
        let mut executions = json!({ "fixture": name });
        // Every reading the target took that is not the oracle's default.
        for (member, combine) in [
            ("values", self.semantics.values),
            ("duplicate_keys", self.semantics.duplicate_keys),
            ("keys", self.semantics.keys),
        ] {
            if let Some(v) = combine_name(combine) {
                executions[member] = json!(v);
            }
        }
        let spec = json!({
            "area": format!("counterexample_{seed:016x}"),
            "description": "A counterexample the generated phase found and shrank; kept as a regression case.",
            "cases": [{
                "id": "model-based",
                "description": format!("Found by properties::model-based with seed {seed}: {}", self.why),
                "source": format!("observed:seed-{seed}"),
                "note": "Generated and shrunk by ssm-conformance; the expectation is the oracle's, under the choices the target made.",
                "tags": ["counterexample"],
                "request": { "params": params },
                "expect": { "executions": executions },
            }],
        });
        let write = |path: PathBuf, v: &Value| -> Result<String, SaveError> {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|source| SaveError {
                    path: parent.to_path_buf(),
                    source,
                })?;
            }
            let text = serde_json::to_string_pretty(v).expect("serializes") + "\n";
            std::fs::write(&path, text).map_err(|source| SaveError {
                path: path.clone(),
                source,
            })?;
            Ok(path.display().to_string())
        };
        Ok(vec![
            write(
                dir.join("specs").join(format!("counterexample_{seed:016x}.json")),
                &spec,
            )?,
            write(dir.join("fixtures").join(format!("{name}.json")), &fixture)?,
        ])
    }
}

/// A counterexample could not be written where `--save-counterexamples` asked.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub(crate) struct SaveError {
    /// The file or folder.
    path: PathBuf,
    /// Why.
    source: std::io::Error,
}
