//! What the target supports, found by one probe request per operation (and the fixture
//! protocol's versions): an answer like an implementation's, "not implemented", no usable
//! answer, refused credentials, or throttled throughout.

use serde_json::json;

use super::Session;
use crate::client::{Payload, Response, is_throttled};
use crate::fixtures;
use crate::model::Operation;
use crate::outcome::{FailureKind, Outcome};
use crate::target::Endpoint;

/// Whether the target implements the operation, as found by one probe request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Support {
    /// It answers like an implementation (a success or a modeled error).
    Implemented,
    /// It says, one way or another, that it does not implement it.
    NotImplemented(String),
    /// No usable HTTP answer at all (refused, reset, timed out, truncated, too large).
    Unreachable(String),
    /// It refuses the signature or the credentials (HTTP 401 or 403).
    Refused(String),
    /// It throttled the probe on every try: nothing is known of the operation yet, and it is
    /// not taken as implemented.
    Throttled(String),
    /// It answered a redirect (3xx): the API is elsewhere (the suite never follows one).
    Redirected(String),
}

impl Session {
    /// Whether the target implements DescribeMaintenanceWindowExecutions (one probe, on first
    /// use).
    pub(crate) async fn support(&self) -> Support {
        self.support_of(Operation::DescribeMaintenanceWindowExecutions).await
    }

    /// Whether the target implements `operation` (probed once, with well-formed ids that name
    /// nothing: an implementation answers `DoesNotExistException`, or anything but "unknown
    /// operation"). Each operation is probed on its own, but CreateMaintenanceWindow
    /// ([`Operation::probed`]).
    pub(crate) async fn support_of(&self, operation: Operation) -> Support {
        let operation = operation.probed();
        if !operation.is_read_only() && !self.may_mutate() {
            // Not even a probe that changes nothing is sent where mutations are not allowed; the
            // case is skipped for that reason when it runs.
            return Support::Implemented;
        }
        let cell = self.support.lock().expect("lock").entry(operation).or_default().clone();
        cell.get_or_init(|| async {
            let client = match self.client().await {
                Ok(c) => c,
                Err(e) => return Support::Unreachable(e.to_string()),
            };
            let probe = probe(operation, &self.unknown_window);
            // A probe names nothing, so it changes nothing: sent again after a dropped connection
            // whatever its operation (one lost probe would otherwise cost every case of it).
            match client.call_repeatable(operation.name(), &Payload::Json(probe)).await {
                Ok(r) => classify_support(&r),
                Err(e) => Support::Unreachable(e.to_string()),
            }
        })
        .await
        .clone()
    }

    /// Whether the target speaks the fixture protocol v1 (never asked of AWS); `Err` when it
    /// answers the question with a server error or not at all (a set-up problem the preflight
    /// reports).
    pub(crate) async fn fixture_protocol_probe(&self) -> Result<bool, fixtures::ProbeError> {
        self.fixture_protocol
            .get_or_init(|| async {
                if matches!(self.config.endpoint, Endpoint::Aws { .. }) {
                    return Ok(false);
                }
                let client = self.client().await.map_err(|e| fixtures::ProbeError::NoAnswer {
                    path: fixtures::BASE,
                    why: e.to_string(),
                })?;
                fixtures::supported(client).await
            })
            .await
            .clone()
    }

    /// Whether the target speaks the fixture protocol v1 (a probe that failed says no).
    pub(crate) async fn fixture_protocol(&self) -> bool {
        self.fixture_protocol_probe().await.unwrap_or(false)
    }

    /// Whether the target speaks the fixture protocol v2 (tasks and invocations).
    pub(crate) async fn fixture_protocol_v2(&self) -> bool {
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
}

/// The outcome of every case of `operation` when the target cannot serve it (the same words
/// for every case of an operation: a report writes them once); `None` when it can.
pub(crate) async fn unusable(session: &Session, operation: Operation) -> Option<Outcome> {
    let support = session.support_of(operation).await;
    if support == Support::Implemented {
        return None;
    }
    let endpoint = session
        .endpoint_url()
        .await
        .map(|u| crate::client::shown_endpoint(&u))
        .unwrap_or_default();
    match support {
        Support::Implemented => None,
        Support::NotImplemented(why) => Some(Outcome::Unsupported(format!(
            "{endpoint} does not implement {operation}: it {why}"
        ))),
        Support::Unreachable(why) => Some(Outcome::failed(
            FailureKind::NoAnswer,
            format!("no usable answer from the endpoint: {why}"),
        )),
        Support::Refused(why) => Some(Outcome::failed(
            FailureKind::NoAnswer,
            format!("the endpoint refuses the credentials: {why}"),
        )),
        Support::Throttled(why) => Some(Outcome::failed(
            FailureKind::Throttled,
            format!("throttled throughout: {why}"),
        )),
        Support::Redirected(why) => Some(Outcome::failed(
            FailureKind::Redirect,
            format!("{endpoint} {why}: the suite does not follow redirects"),
        )),
    }
}

/// The probe of `operation`: its required members, well formed, naming nothing, so that it
/// changes nothing (Cancel, Update, Register and Deregister included: an unknown window or
/// execution is all they name); for the operations without an id, the least request that reads.
fn probe(operation: Operation, unknown_window: &str) -> serde_json::Value {
    use crate::model::members::WINDOW_ID;
    const NOBODY: &str = "00000000-0000-4000-8000-00000000dead";
    // An instance id that no account's window targets.
    let instances = json!([{ "Key": "InstanceIds", "Values": ["i-00000000000000dead"] }]);
    let mut body = serde_json::Map::new();
    for id in operation.id_members() {
        let value = if *id == WINDOW_ID { unknown_window } else { NOBODY };
        body.insert((*id).to_string(), json!(value));
    }
    match operation {
        Operation::DescribeMaintenanceWindowExecutions | Operation::DescribeMaintenanceWindowSchedule => {
            body.insert(WINDOW_ID.into(), json!(unknown_window));
        }
        Operation::RegisterTargetWithMaintenanceWindow => {
            body.insert("ResourceType".into(), json!("INSTANCE"));
            body.insert("Targets".into(), instances);
        }
        Operation::DescribeMaintenanceWindowsForTarget => {
            body.insert("ResourceType".into(), json!("INSTANCE"));
            body.insert("Targets".into(), instances);
        }
        Operation::RegisterTaskWithMaintenanceWindow => {
            body.insert("TaskArn".into(), json!("AWS-RunShellScript"));
            body.insert("TaskType".into(), json!("RUN_COMMAND"));
        }
        _ => {}
    }
    serde_json::Value::Object(body)
}

/// Classify a probe answer: does the target implement the operation?
pub(crate) fn classify_support(r: &Response) -> Support {
    if (300..400).contains(&r.status) {
        return Support::Redirected(format!(
            "answers HTTP {} with Location {}",
            r.status,
            r.header("location").unwrap_or("(none)")
        ));
    }
    if is_throttled(r) {
        return Support::Throttled(format!(
            "{} on every one of {} tries",
            r.summary(),
            crate::client::THROTTLE_RETRIES + 1
        ));
    }
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
        return Support::Refused(r.summary());
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
