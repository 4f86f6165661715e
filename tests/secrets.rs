//! No secret key, session token or signature ever appears in what the harness produces: its
//! output, JSON and JUnit reports, recorded profiles, expectations and snapshots — passing
//! runs, failing runs and refused ones alike.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::raw::{Reply, http, serve, serve_lines};

const KEY: &str = "AKIDSECRETSTEST";
const SECRET: &str = "sEcReT-kEy-that-must-never-be-printed";
const TOKEN: &str = "sEsSiOn-tOkEn-that-must-never-be-printed";

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Run with every output switched on, into `dir`; returns all the text produced.
fn produce(dir: &Path, args: &[&str]) -> String {
    std::fs::create_dir_all(dir).unwrap();
    let path = |f: &str| dir.join(f).to_str().unwrap().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_ssm-conformance"))
        .arg("run")
        .args(args)
        .args(["--target-name", "secrets", "--snapshots", &path("snapshots")])
        .args(["--report-json", &path("report.json"), "--junit", &path("report.xml")])
        .args([
            "--record-profile",
            &path("profile.json"),
            "--write-expectations",
            &path("expectations.json"),
        ])
        .env("AWS_ACCESS_KEY_ID", KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_SESSION_TOKEN", TOKEN)
        .env("INSTA_UPDATE", "always")
        .env_remove("CI")
        .env_remove("AWS_ENDPOINT_URL_SSM")
        .env_remove("AWS_ENDPOINT_URL")
        .output()
        .unwrap();
    let mut text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut files = Vec::new();
    files_under(dir, &mut files);
    assert!(files.len() >= 4, "outputs missing: {files:?}\n{text}");
    for f in files {
        text.push_str(&String::from_utf8_lossy(&std::fs::read(f).unwrap()));
    }
    text
}

#[test]
fn secrets_never_appear_in_anything_produced() {
    // Removed on drop, once every child has exited and its output was read.
    let tmp = tempfile::Builder::new()
        .prefix("ssm-conformance-secrets-")
        .tempdir()
        .unwrap();
    let root = tmp.path();
    // Every API call a 500 (no fixture protocol: 404 there), so every case fails with what came back.
    let (broken, _) = serve_lines(|_, line| {
        if line.starts_with("GET ") {
            return Reply::Bytes(http("404 Not Found", "text/plain", b"no"));
        }
        Reply::Bytes(http(
            "500 Internal Server Error",
            "application/x-amz-json-1.1",
            br#"{"__type":"InternalServerError"}"#,
        ))
    });
    let (html, _) = serve(|_| Reply::Bytes(http("500 Internal Server Error", "text/html", b"<html></html>")));
    let runs = [
        ("embedded", produce(&root.join("embedded"), &[])),
        ("failing", produce(&root.join("failing"), &["--endpoint", &broken])),
        (
            "unsupported",
            produce(&root.join("unsupported"), &["--endpoint", &html]),
        ),
    ];
    for (name, text) in &runs {
        for secret in [SECRET, TOKEN, "Signature=", "x-amz-security-token"] {
            assert!(
                !text.contains(secret),
                "{name}: {secret:?} appears in what was produced"
            );
        }
        assert!(text.len() > 1000, "{name}: suspiciously little output");
    }
    // An endpoint nothing listens on is a set-up error: one line, exit 2, nothing written, and
    // nothing secret in the line either.
    let out = Command::new(env!("CARGO_BIN_EXE_ssm-conformance"))
        .args(["run", "--endpoint", "http://127.0.0.1:1"])
        .env("AWS_ACCESS_KEY_ID", KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_SESSION_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("cannot reach"), "{text}");
    for secret in [SECRET, TOKEN, "Signature=", "x-amz-security-token"] {
        assert!(!text.contains(secret), "refused: {secret:?} appears in {text}");
    }
    // The failing run did write failure messages (with requests and answers) — and still nothing secret.
    assert!(runs[1].1.contains("request:  POST / AmazonSSM."));
}
