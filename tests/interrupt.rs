//! A run interrupted with Ctrl-C (SIGINT) still deletes what it created, says so, and exits 130.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{NONE, Variant, serve_variant};

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
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.contains("nothing this run created is left on the target"), "{err}");
    assert_eq!(served.emulator.window_ids(), Vec::<String>::new());
}
