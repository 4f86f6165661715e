//! Sweeping leftovers: every window a run creates is named `ssm-conformance-<run id>-…`, so a
//! later run can find what an interrupted one left (listed with `DescribeMaintenanceWindows`)
//! and delete exactly that.

use serde_json::{Value, json};

use crate::client::{Client, Payload};
use crate::verdict::summarize;

/// The name prefix of every window a run creates.
pub const RUN_PREFIX: &str = "ssm-conformance-";

/// Windows named with [`RUN_PREFIX`]: (WindowId, Name).
pub async fn leftovers(client: &Client) -> Result<Vec<(String, String)>, String> {
    let mut found = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..10_000 {
        let mut params = json!({ "MaxResults": 100 });
        if let Some(t) = &token {
            params["NextToken"] = json!(t);
        }
        let r = client
            .call("DescribeMaintenanceWindows", &Payload::Json(params))
            .await
            .map_err(|e| e.to_string())?;
        let body = match (&r.json, r.status) {
            (Some(b), 200) => b,
            _ => return Err(format!("DescribeMaintenanceWindows: {}", summarize(&r))),
        };
        for w in body["WindowIdentities"].as_array().into_iter().flatten() {
            if let (Some(id), Some(name)) = (w["WindowId"].as_str(), w["Name"].as_str())
                && name.starts_with(RUN_PREFIX)
            {
                found.push((id.to_string(), name.to_string()));
            }
        }
        match body.get("NextToken").and_then(Value::as_str) {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(found),
        }
    }
    Err("DescribeMaintenanceWindows: no end after 10,000 pages".into())
}

/// Delete one window.
pub async fn delete(client: &Client, window_id: &str) -> Result<(), String> {
    let r = client
        .call(
            "DeleteMaintenanceWindow",
            &Payload::Json(json!({ "WindowId": window_id })),
        )
        .await
        .map_err(|e| e.to_string())?;
    if r.status == 200 { Ok(()) } else { Err(summarize(&r)) }
}
