//! The client against small hostile or busy servers: throttling is retried with backoff,
//! bodies over the limit are refused, not read whole.

mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use common::raw::{self, Reply, serve};
use ssm_conformance::_internals::client::{
    Client, ClientConfig, ClientError, Credentials, MAX_RESPONSE_BYTES, Payload,
};

fn http(status: &str, body: &str) -> Vec<u8> {
    raw::http(status, "application/x-amz-json-1.1", body.as_bytes())
}

fn client(url: &str) -> Client {
    Client::new(ClientConfig {
        endpoint: url.into(),
        region: "us-east-1".into(),
        credentials: Credentials::dummy(),
        timeout: Duration::from_secs(10),
    })
    .unwrap()
}

fn call(c: &Client) -> Result<ssm_conformance::_internals::client::Response, ClientError> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(c.call(
        "DescribeMaintenanceWindowExecutions",
        &Payload::Json(serde_json::json!({"WindowId": "mw-0123456789abcdef0"})),
    ))
}

#[test]
fn throttling_is_retried_then_answered() {
    let (url, count) = serve(|n| {
        Reply::Bytes(if n < 2 {
            http(
                "400 Bad Request",
                r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#,
            )
        } else {
            http("200 OK", r#"{"WindowExecutions":[]}"#)
        })
    });
    let r = call(&client(&url)).unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(count.load(Ordering::SeqCst), 3);
}

#[test]
fn throttling_that_never_ends_is_given_up_and_reported() {
    let (url, count) = serve(|_| Reply::Bytes(http("429 Too Many Requests", r#"{"__type":"ThrottlingException"}"#)));
    let r = call(&client(&url)).unwrap();
    assert_eq!(r.status, 429);
    assert_eq!(
        count.load(Ordering::SeqCst),
        1 + ssm_conformance::_internals::client::THROTTLE_RETRIES as usize
    );
}

#[test]
fn a_body_over_the_limit_is_refused() {
    let big = MAX_RESPONSE_BYTES + 1;
    let (url, _) = serve(move |_| Reply::Bytes(raw::http("200 OK", "application/json", &vec![b' '; big])));
    match call(&client(&url)) {
        Err(ClientError::TooLarge { limit, .. }) => assert_eq!(limit, MAX_RESPONSE_BYTES),
        other => panic!("{other:?}"),
    }
}
