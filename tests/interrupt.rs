//! A run interrupted with Ctrl-C (SIGINT) still deletes what it created, says so, and exits 130.

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
