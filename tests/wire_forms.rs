//! The legal wire forms pass (issue 30): an answer sent chunked, with `Connection: close`, with
//! every character of every string as a `\u` escape (surrogate pairs for astral ones), pretty
//! or compact with its members in another order, or as `application/json`, gives the same
//! verdicts as the plain form, for every spec case and the generated phase.

mod common;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Response};
use common::{NONE, Variant, serve_variant};
use serde_json::{Map, Value};
use ssm_conformance::_internals::properties::Settings;

/// `body` as JSON written by `write`, or as it came where it is not JSON.
fn rewritten(body: &[u8], write: fn(&Value) -> String) -> Vec<u8> {
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => write(&v).into_bytes(),
        Err(_) => body.to_vec(),
    }
}

/// An answer with `headers` (but its length) and `body`.
fn answer(status: u16, headers: &HeaderMap, body: Body, content_length: Option<usize>) -> Response<Body> {
    let mut r = Response::builder().status(status);
    for (k, v) in headers {
        if k != "content-length" {
            r = r.header(k, v);
        }
    }
    if let Some(n) = content_length {
        r = r.header("content-length", n);
    }
    r.body(body).unwrap()
}

/// Every character of a string as `\uXXXX` (astral ones as a surrogate pair).
fn escaped(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        let mut units = [0u16; 2];
        for u in c.encode_utf16(&mut units) {
            out.push_str(&format!("\\u{u:04x}"));
        }
    }
    out.push('"');
    out
}

/// JSON with every string (keys too) written as `\u` escapes.
fn all_escaped(v: &Value) -> String {
    match v {
        Value::String(s) => escaped(s),
        Value::Array(a) => format!("[{}]", a.iter().map(all_escaped).collect::<Vec<_>>().join(",")),
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}:{}", escaped(k), all_escaped(v)))
                .collect::<Vec<_>>()
                .join(",")
        ),
        other => other.to_string(),
    }
}

/// The same value with every object's members in reverse order.
fn reversed(v: &Value) -> Value {
    match v {
        Value::Array(a) => Value::Array(a.iter().map(reversed).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .rev()
                .map(|(k, v)| (k.clone(), reversed(v)))
                .collect::<Map<_, _>>(),
        ),
        other => other.clone(),
    }
}

fn forms() -> Vec<Variant> {
    vec![
        Variant {
            name: "chunked",
            wire: Some(|status, headers, body| {
                let chunks: Vec<Result<Vec<u8>, std::io::Error>> = body.chunks(7).map(|c| Ok(c.to_vec())).collect();
                answer(
                    status,
                    headers,
                    Body::from_stream(futures_util::stream::iter(chunks)),
                    None,
                )
            }),
            ..NONE
        },
        Variant {
            name: "connection-close",
            wire: Some(|status, headers, body| {
                let mut r = answer(status, headers, Body::from(body.clone()), Some(body.len()));
                r.headers_mut().insert("connection", HeaderValue::from_static("close"));
                r
            }),
            ..NONE
        },
        Variant {
            name: "every-character-escaped",
            wire: Some(|status, headers, body| {
                let body = rewritten(&body, all_escaped);
                answer(status, headers, Body::from(body.clone()), Some(body.len()))
            }),
            ..NONE
        },
        Variant {
            name: "pretty-members-reversed",
            wire: Some(|status, headers, body| {
                let body = rewritten(&body, |v| serde_json::to_string_pretty(&reversed(v)).unwrap());
                answer(status, headers, Body::from(body.clone()), Some(body.len()))
            }),
            ..NONE
        },
        Variant {
            name: "application-json",
            wire: Some(|status, headers, body| {
                let mut r = answer(status, headers, Body::from(body.clone()), Some(body.len()));
                if r.headers().contains_key("content-type") {
                    r.headers_mut()
                        .insert("content-type", HeaderValue::from_static("application/json"));
                }
                r
            }),
            ..NONE
        },
    ]
}

/// Each result's name and outcome label, in order.
fn verdicts(variant: Variant) -> Vec<(String, &'static str)> {
    let served = serve_variant(variant);
    verdicts_at(&served.url)
}

/// [`verdicts`] of the target at `url`.
fn verdicts_at(url: &str) -> Vec<(String, &'static str)> {
    let conclusion = common::run_suite(&common::suite_at(url), Some(Settings::new(Some(20_261_207), Some(8))));
    conclusion
        .results
        .iter()
        .chain(&conclusion.checks)
        .map(|r| (r.name.clone(), r.outcome.label()))
        .collect()
}

#[test]
fn every_legal_wire_form_gives_the_plain_forms_verdicts() {
    let plain = verdicts(NONE);
    assert!(plain.iter().all(|(_, o)| *o != "failed"), "{plain:?}");
    // The forms are sent: a form that is not legal (a content type AWS never sends) differs.
    let illegal = verdicts(Variant {
        name: "text-html",
        wire: Some(|status, headers, body| {
            let mut r = answer(status, headers, Body::from(body.clone()), Some(body.len()));
            r.headers_mut()
                .insert("content-type", HeaderValue::from_static("text/html"));
            r
        }),
        ..NONE
    });
    assert_ne!(illegal, plain, "the wire hook changes what is sent");
    let mut wrong = Vec::new();
    for form in forms() {
        let got = verdicts(form);
        let differ: Vec<String> = plain
            .iter()
            .zip(&got)
            .filter(|(a, b)| a != b)
            .map(|(a, b)| format!("{}: {} plain, {} here", a.0, a.1, b.1))
            .collect();
        if got.len() != plain.len() || !differ.is_empty() {
            wrong.push(format!("{}: {differ:#?}", form.name));
        }
    }
    // Keep-alive connections dropped while idle (by a proxy in front of the plain form).
    let rt = tokio::runtime::Runtime::new().unwrap();
    let served = serve_variant(NONE);
    let upstream = served.url.trim_start_matches("http://").to_string();
    let (url, closed) = common::flaky::idle_closing(&rt, upstream, std::time::Duration::from_millis(50));
    let got = verdicts_at(&url);
    assert!(
        closed.load(std::sync::atomic::Ordering::Relaxed) > 0,
        "no idle connection was dropped"
    );
    if got != plain {
        wrong.push(format!(
            "idle-connections-dropped: {:?}",
            got.iter().zip(&plain).filter(|(a, b)| a != b).collect::<Vec<_>>()
        ));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
