//! Before any case: can the target be judged at all? An endpoint that cannot be reached,
//! refuses our credentials or throttles every probe, one whose fixture-protocol address answers
//! a server error, and a `--window-id` it does not have, are set-up errors with a hint (exit 2),
//! not hundreds of failed or skipped cases.

use serde_json::json;

use crate::client::Payload;
use crate::model::Operation;
use crate::session::{Session, Support};

/// Why no case can be judged, with a hint; `None` when the target answers (even if only to say
/// it does not implement the operation: that is a finding, not a set-up error).
pub(super) async fn problem(session: &Session) -> Option<String> {
    let endpoint = session
        .endpoint_url()
        .await
        .map(|u| crate::client::shown_endpoint(&u))
        .unwrap_or_default();
    let support = session.support().await;
    let problem = match support.clone() {
        Support::Implemented | Support::NotImplemented(_) => None,
        Support::Unreachable(why) => {
            let lower = why.to_ascii_lowercase();
            let hint = if endpoint.starts_with("https://")
                && [
                    "tls",
                    "handshake",
                    "corrupt",
                    "wrong version",
                    "invalidcontenttype",
                    "record overflow",
                ]
                .iter()
                .any(|w| lower.contains(w))
            {
                format!(
                    " (hint: the endpoint speaks plain HTTP: use {})",
                    endpoint.replacen("https://", "http://", 1)
                )
            } else if lower.contains("refused") {
                " (hint: nothing listens there: is the server running, on that port?)".to_string()
            } else if lower.contains("no answer within") {
                " (hint: raise --timeout, or check that the server answers)".to_string()
            } else if ["invalid http", "http version", "parse", "malformed", "frame"]
                .iter()
                .any(|w| lower.contains(w))
            {
                // It was reached, and answered something that is not HTTP.
                return Some(format!(
                    "{endpoint} answers, but not in HTTP: {why} (hint: is this the emulator's port? a TLS, gRPC or \
                     database server there answers this way; use https:// for TLS)"
                ));
            } else {
                " (hint: check the URL, and that the server runs and answers HTTP there)".to_string()
            };
            Some(format!("cannot reach {endpoint}: {why}{hint}"))
        }
        Support::Refused(why) => Some(format!(
            "{endpoint} refuses our credentials ({why}) (hint: check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, \
             AWS_SESSION_TOKEN and the region the server expects)"
        )),
        Support::Redirected(why) => Some(format!(
            "{endpoint} {why}: the suite never follows a redirect (hint: give --endpoint the URL the \
             API answers at, without a redirecting proxy in front)"
        )),
        Support::Throttled(why) => Some(format!(
            "{endpoint} throttles every request: {why} (hint: --jobs 1, a larger --timeout, or a target \
             with more capacity)"
        )),
    };
    if problem.is_some() {
        return problem;
    }
    // Whether data can be seeded matters only where the operation is there to judge.
    if support == Support::Implemented
        && let Err(why) = session.fixture_protocol_probe().await
    {
        return Some(format!("{endpoint}: {why}"));
    }
    let window = session.config.window_id.as_ref()?;
    window_missing(session, window).await
}

/// `--window-id` names a window the target has (asked once, before any case: else most cases
/// would skip for a typo).
async fn window_missing(session: &Session, window: &str) -> Option<String> {
    let client = match session.client().await {
        Ok(c) => c,
        Err(e) => return Some(e.to_string()),
    };
    let r = match client
        .call(
            Operation::GetMaintenanceWindow.name(),
            &Payload::Json(json!({ "WindowId": window })),
        )
        .await
    {
        Ok(r) => r,
        Err(e) => return Some(e.to_string()),
    };
    match r.error.as_ref().map(|e| e.error_type.as_str()) {
        Some("DoesNotExistException") => Some(format!(
            "--window-id {window}: the target has no such window (GetMaintenanceWindow answers DoesNotExistException)"
        )),
        _ => None,
    }
}
