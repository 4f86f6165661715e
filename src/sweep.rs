//! Sweeping leftovers: every window a run creates is named `ssm-conformance-<run id>-<suffix>`
//! (run id: 8 lower-case hex digits; suffix: one of [`RUN_SUFFIXES`]), so a later run can find
//! what an interrupted one left (listed with `DescribeMaintenanceWindows`) and delete exactly
//! that, and nothing else whose name merely starts the same way.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Value, json};

use crate::client::{Client, Payload};
use crate::model::Operation;

/// The name prefix of every window a run creates; the run id follows.
pub(crate) const RUN_PREFIX: &str = "ssm-conformance-";

/// What follows `<run prefix>-` in the name of a window a run creates: `empty`, the window
/// `Session::empty_window` creates through `CreateMaintenanceWindow`; `fixture`, every window
/// it seeds through the fixture protocol (which names them so); `stateful`, the windows the
/// generated phase's stateful part creates; `schedule`, its schedule part's; `case`, the windows spec cases create for
/// themselves. A new kind of created window must be added here, or sweeping will not find it.
pub(crate) const RUN_SUFFIXES: [&str; 5] = ["empty", "fixture", "stateful", "schedule", CASE_SUFFIX];

/// The suffix of the windows spec cases create for themselves (`window:own`, and
/// `${run_window_name}` in a case's own CreateMaintenanceWindow).
pub(crate) const CASE_SUFFIX: &str = "case";

static RUN_NAME: LazyLock<Regex> = LazyLock::new(|| {
    let suffixes: Vec<String> = RUN_SUFFIXES.iter().map(|s| regex::escape(s)).collect();
    // A case's windows of a name no other window has: the case suffix and the case's `${unique}`.
    Regex::new(&format!(
        "^{}[0-9a-f]{{8}}-(?:{}|{}-[0-9a-f]{{17}})$",
        regex::escape(RUN_PREFIX),
        suffixes.join("|"),
        regex::escape(CASE_SUFFIX)
    ))
    .expect("valid")
});

/// Whether `name` is the name of a window a run created: `ssm-conformance-`, 8 lower-case hex
/// digits (the run id), `-`, one of [`RUN_SUFFIXES`] (the case suffix may carry `-` and a
/// case's 17 hex digits); nothing more, nothing less.
pub fn is_run_name(name: &str) -> bool {
    RUN_NAME.is_match(name)
}

/// Why finding or deleting what earlier runs left did not work.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum SweepError {
    /// No answer at all.
    #[error(transparent)]
    Client(#[from] crate::client::ClientError),
    /// The fixture protocol refused the deletion.
    #[error(transparent)]
    Fixture(#[from] crate::fixtures::FixtureError),
    /// An answer that is not a success: the operation and the answer in one line.
    #[error("{operation}: {answer}")]
    Refused {
        /// The operation.
        operation: &'static str,
        /// What came back (`HTTP 400 ValidationException: …`).
        answer: String,
    },
    /// DescribeMaintenanceWindows never ended.
    #[error("DescribeMaintenanceWindows: no end after {0} pages")]
    Endless(usize),
}

/// Windows a run created (named as [`is_run_name`] says): (WindowId, Name).
pub(crate) async fn leftovers(client: &Client) -> Result<Vec<(String, String)>, SweepError> {
    let mut found = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..10_000 {
        let mut params = json!({ "MaxResults": 100 });
        if let Some(t) = &token {
            params["NextToken"] = json!(t);
        }
        let r = client
            .call(Operation::DescribeMaintenanceWindows.name(), &Payload::Json(params))
            .await?;
        let body = match (&r.json, r.status) {
            (Some(b), 200) => b,
            _ => {
                return Err(SweepError::Refused {
                    operation: Operation::DescribeMaintenanceWindows.name(),
                    answer: r.summary(),
                });
            }
        };
        for w in body["WindowIdentities"].as_array().into_iter().flatten() {
            if let (Some(id), Some(name)) = (w["WindowId"].as_str(), w["Name"].as_str())
                && is_run_name(name)
            {
                found.push((id.to_string(), name.to_string()));
            }
        }
        match body.get("NextToken").and_then(Value::as_str) {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(found),
        }
    }
    Err(SweepError::Endless(10_000))
}

/// Delete one window a run left: a seeded one (`…-fixture`) through the fixture protocol, which
/// made it, the others with `DeleteMaintenanceWindow`.
pub(crate) async fn delete_left(client: &Client, window_id: &str, name: &str) -> Result<(), SweepError> {
    if name.ends_with("-fixture") {
        Ok(crate::fixtures::delete_window(client, window_id).await?)
    } else {
        delete(client, window_id).await
    }
}

/// Delete one window.
pub(crate) async fn delete(client: &Client, window_id: &str) -> Result<(), SweepError> {
    let r = client
        .call(
            Operation::DeleteMaintenanceWindow.name(),
            &Payload::Json(json!({ "WindowId": window_id })),
        )
        .await?;
    if r.status == 200 {
        Ok(())
    } else {
        Err(SweepError::Refused {
            operation: Operation::DeleteMaintenanceWindow.name(),
            answer: r.summary(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_names_match() {
        for name in [
            "ssm-conformance-deadbeef-empty",
            "ssm-conformance-00000000-empty",
            "ssm-conformance-0badf00d-empty",
            "ssm-conformance-ffffffff-empty",
            "ssm-conformance-deadbeef-case-0123456789abcdef0",
        ] {
            assert!(is_run_name(name), "{name}");
        }
    }

    #[test]
    fn names_a_run_would_give_match() {
        // As `Session` builds them: the prefix, `{:08x}` of a u32, `-`, a suffix.
        for id in [0u32, 1, 0xdead_beef, u32::MAX] {
            for suffix in RUN_SUFFIXES {
                let name = format!("{RUN_PREFIX}{id:08x}-{suffix}");
                assert!(is_run_name(&name), "{name}");
            }
        }
    }

    #[test]
    fn look_alikes_do_not_match() {
        for name in [
            "ssm-conformance-prod",
            "ssm-conformance-",
            "ssm-conformance-1234567-x",
            "ssm-conformance-123456789-x",
            "ssm-conformance-ABCDEF12-x",
            "ssm-conformance-deadbeef",
            "my-ssm-conformance-deadbeef-x",
            "SSM-CONFORMANCE-deadbeef-x",
            // A run id, but not a suffix a run uses.
            "ssm-conformance-deadbeef-x",
            "ssm-conformance-deadbeef-",
            "ssm-conformance-deadbeef-prod",
            // The right suffix, wrong around it.
            "ssm-conformance-1234567-empty",
            "ssm-conformance-123456789-empty",
            "ssm-conformance-ABCDEF12-empty",
            "ssm-conformance-deadbeeg-empty",
            "ssm-conformance-deadbeef-Empty",
            "ssm-conformance-deadbeef-emptyx",
            "ssm-conformance-deadbeef-empty-x",
            "ssm-conformance-deadbeef-empty\n",
            "xssm-conformance-deadbeef-empty",
            "SSM-CONFORMANCE-deadbeef-empty",
            "ssm-conformance--deadbeef-empty",
            "ssm-conformance-deadbeef--empty",
            // A case's own name, wrong around it.
            "ssm-conformance-deadbeef-empty-0123456789abcdef0",
            "ssm-conformance-deadbeef-case-0123456789abcdef",
            "ssm-conformance-deadbeef-case-0123456789abcdef01",
            "ssm-conformance-deadbeef-case-0123456789ABCDEF0",
            "ssm-conformance-deadbeef-case0123456789abcdef0",
            "",
        ] {
            assert!(!is_run_name(name), "{name:?}");
        }
    }
}
