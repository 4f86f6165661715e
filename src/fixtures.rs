//! The harness side of the fixture protocol v1 (docs/fixture-protocol.md): seeding executions
//! into any target that offers it.

use serde_json::json;

use crate::client::{Client, ClientError};
use crate::emulator::Execution;

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

/// The protocol's base path.
pub const BASE: &str = "/_conformance/v1";

/// Whether the target speaks the fixture protocol v1: `GET /_conformance/v1` → 200 `{"protocol":1}`.
pub async fn supported(client: &Client) -> Result<bool, ClientError> {
    let r = client.plain(http::Method::GET, BASE, Vec::new()).await?;
    Ok(r.status == 200
        && r.json
            .as_ref()
            .and_then(|j| j.get("protocol"))
            .and_then(|p| p.as_i64())
            == Some(1))
}

fn refused(what: String, r: &crate::client::Response) -> FixtureError {
    FixtureError::Refused {
        what,
        status: r.status,
        body: r.body_excerpt(300),
    }
}

/// Create `window_id` if needed and make `executions` all of its executions.
pub async fn put_window(
    client: &Client,
    window_id: &str,
    executions: &[Execution],
) -> Result<(), FixtureError> {
    let path = format!("{BASE}/windows/{window_id}");
    let body = serde_json::to_vec(&json!({ "WindowExecutions": executions }))
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
    let r = client
        .plain(http::Method::DELETE, &path, Vec::new())
        .await?;
    if (200..300).contains(&r.status) {
        Ok(())
    } else {
        Err(refused(format!("DELETE {path}"), &r))
    }
}
