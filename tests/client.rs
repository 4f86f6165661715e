//! The client against small hostile or busy servers: throttling is retried with backoff,
//! bodies over the limit are refused, not read whole.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ssm_conformance::client::{Client, ClientConfig, ClientError, Credentials, MAX_RESPONSE_BYTES, Payload};

/// A server answering the n-th request with `answer(n)` (status line, headers and body).
fn server(answer: impl Fn(usize) -> Vec<u8> + Send + Sync + 'static) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let answer = Arc::new(answer);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let (seen, answer) = (seen.clone(), answer.clone());
            std::thread::spawn(move || {
                let mut reader = BufReader::new(s.try_clone().unwrap());
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    if line == "\r\n" {
                        let mut body = vec![0; length];
                        let _ = reader.read_exact(&mut body);
                        let n = seen.fetch_add(1, Ordering::SeqCst);
                        let _ = s.write_all(&answer(n));
                        length = 0;
                    }
                }
            });
        }
    });
    (url, count)
}

fn http(status: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
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

fn call(c: &Client) -> Result<ssm_conformance::client::Response, ClientError> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(c.call(
        "DescribeMaintenanceWindowExecutions",
        &Payload::Json(serde_json::json!({"WindowId": "mw-0123456789abcdef0"})),
    ))
}

#[test]
fn throttling_is_retried_then_answered() {
    let (url, count) = server(|n| {
        if n < 2 {
            http(
                "400 Bad Request",
                r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#,
            )
        } else {
            http("200 OK", r#"{"WindowExecutions":[]}"#)
        }
    });
    let r = call(&client(&url)).unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(count.load(Ordering::SeqCst), 3);
}

#[test]
fn throttling_that_never_ends_is_given_up_and_reported() {
    let (url, count) = server(|_| http("429 Too Many Requests", r#"{"__type":"ThrottlingException"}"#));
    let r = call(&client(&url)).unwrap();
    assert_eq!(r.status, 429);
    assert_eq!(
        count.load(Ordering::SeqCst),
        1 + ssm_conformance::client::THROTTLE_RETRIES as usize
    );
}

#[test]
fn a_body_over_the_limit_is_refused() {
    let big = MAX_RESPONSE_BYTES + 1;
    let (url, _) = server(move |_| {
        let mut r =
            format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {big}\r\n\r\n").into_bytes();
        r.resize(r.len() + big, b' ');
        r
    });
    match call(&client(&url)) {
        Err(ClientError::TooLarge { limit, .. }) => assert_eq!(limit, MAX_RESPONSE_BYTES),
        other => panic!("{other:?}"),
    }
}
