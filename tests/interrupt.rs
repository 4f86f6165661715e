//! A run interrupted with Ctrl-C (SIGINT) still deletes what it created, says so, and exits 130;
//! a campaign stopped so keeps its JSON report, marked interrupted.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{NONE, Variant, serve_variant};

/// Ctrl-C to a running `ssm-conformance run`: it exits 130, saying nothing it created is left.
fn interrupt(child: std::process::Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.contains("nothing this run created is left on the target"), "{err}");
}

#[test]
fn ctrl_c_cleans_up() {
    // Slow answers, so the run is still going when it is interrupted.
    let slow = Variant {
        name: "slow",
        replace: Some(|_, op, _| {
            if op == "DescribeMaintenanceWindowExecutions" {
                std::thread::sleep(Duration::from_millis(200));
            }
            None
        }),
        ..NONE
    };
    let served = serve_variant(slow);
    let child = Command::new(env!("CARGO_BIN_EXE_ssm-conformance"))
        .args(["run", "--endpoint", &served.url])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while served.emulator.window_ids().len() < 2 {
        assert!(start.elapsed() < Duration::from_secs(60), "the run created nothing");
        std::thread::sleep(Duration::from_millis(20));
    }
    interrupt(child);
    assert_eq!(served.emulator.window_ids(), Vec::<String>::new());
}

#[test]
fn a_window_seeded_at_the_moment_of_ctrl_c_is_deleted_after_it_lands() {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use ssm_conformance::_internals::emulator::Emulator;

    // Every fixture PUT is held 500 ms by the server: Ctrl-C comes while one is on its way, so
    // a cleanup that deletes without waiting for it deletes a window that is not there yet.
    static HELD: AtomicUsize = AtomicUsize::new(0);
    static LANDED: AtomicUsize = AtomicUsize::new(0);
    let server = tokio::runtime::Runtime::new().unwrap();
    let emulator = Emulator::new();
    let url = server.block_on(async {
        let slow_puts = axum::middleware::from_fn(
            |request: axum::extract::Request, next: axum::middleware::Next| async move {
                if request.method() != axum::http::Method::PUT {
                    return next.run(request).await;
                }
                HELD.fetch_add(1, Ordering::SeqCst);
                // Carried out whether or not the client is still there, as a server does with a
                // request it has read whole.
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    let answer = next.run(request).await;
                    LANDED.fetch_add(1, Ordering::SeqCst);
                    answer
                })
                .await
                .unwrap()
            },
        );
        let app = emulator.router().layer(slow_puts);
        common::serve_router(app).await
    });
    let child = Command::new(env!("CARGO_BIN_EXE_ssm-conformance"))
        .args(["run", "--endpoint", &url])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while HELD.load(Ordering::SeqCst) == 0 {
        assert!(start.elapsed() < Duration::from_secs(60), "the run seeded nothing");
        std::thread::sleep(Duration::from_millis(5));
    }
    interrupt(child);
    // Every PUT that reached the server has landed before the target is looked at.
    while LANDED.load(Ordering::SeqCst) < HELD.load(Ordering::SeqCst) {
        assert!(start.elapsed() < Duration::from_secs(60), "a PUT never landed");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(emulator.window_ids(), Vec::<String>::new());
}

/// A campaign stopped in its generated phase writes what it judged, marked interrupted: its spec
/// cases, and no result for the part under way (which `merge` counts as unjudged).
#[test]
fn a_campaign_stopped_with_ctrl_c_keeps_its_json_report() {
    use std::io::{BufRead, BufReader};
    let served = serve_variant(NONE);
    let dir = std::env::temp_dir().join(format!("ssm-conformance-interrupted-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("shard.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ssm-conformance"))
        .args([
            "run",
            "--endpoint",
            &served.url,
            "--seed",
            "3",
            "--duration",
            "1h",
            "--shard",
            "1/2",
            "--quiet",
        ])
        .arg("--report-json")
        .arg(&json)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The phase has begun once it says its seed; then the first part is under way.
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let started = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|l| l.starts_with("generated phase: seed 3"));
    assert!(started, "the generated phase never began");
    std::thread::sleep(Duration::from_millis(500));
    interrupt(child);
    let report: ssm_conformance::RunReport = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(report.run.interrupted);
    assert_eq!(report.run.shard.map(|s| (s.index, s.count)), Some((1, 2)));
    assert_eq!(report.run.duration.as_deref(), Some("1h"));
    let spec = report
        .cases
        .iter()
        .filter(|c| !c.name.starts_with("properties::"))
        .count();
    assert!(spec > 100, "{spec} spec cases");
    assert!(
        !report.cases.iter().any(|c| c.name == "properties::model-based"),
        "the part under way has no result"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
