//! A gate as a downstream crate writes it, `Conformance::…::main()` in a `harness = false`
//! test, its builder settings taken from `GATE_*` variables so that `tests/entry_points.rs` can
//! hold the harness to the same verdict as the CLI and the library, setting by setting.
//!
//! `GATE_ENDPOINT` (required), `GATE_TARGET_NAME`, `GATE_SNAPSHOTS`, `GATE_EXPECTATIONS`,
//! `GATE_REPORT_HTML`, `GATE_CASES`, `GATE_SEED`, `GATE_PINS`, `GATE_NO_PROPERTIES=1`,
//! `GATE_REQUIRE_DATA=1`; libtest-mimic's
//! arguments (filters, `--list`, …) as usual.

use std::process::ExitCode;

fn main() -> ExitCode {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let Some(endpoint) = var("GATE_ENDPOINT") else {
        eprintln!("gate: GATE_ENDPOINT is required");
        return ExitCode::from(2);
    };
    let mut gate = ssm_conformance::Conformance::endpoint(endpoint);
    if let Some(name) = var("GATE_TARGET_NAME") {
        gate = gate.target_name(name);
    }
    if let Some(dir) = var("GATE_SNAPSHOTS") {
        gate = gate.snapshots(dir);
    }
    if let Some(file) = var("GATE_EXPECTATIONS") {
        gate = gate.expectations(file);
    }
    if let Some(file) = var("GATE_REPORT_HTML") {
        gate = gate.report_html(file);
    }
    if let Some(n) = var("GATE_CASES").and_then(|n| n.parse().ok()) {
        gate = gate.cases(n);
    }
    if let Some(seed) = var("GATE_SEED").and_then(|s| s.parse().ok()) {
        gate = gate.seed(seed);
    }
    if let Some(pins) = var("GATE_PINS") {
        gate = gate.pins(pins);
    }
    if var("GATE_NO_PROPERTIES").is_some() {
        gate = gate.without_properties();
    }
    if var("GATE_REQUIRE_DATA").is_some() {
        gate = gate.require_data();
    }
    gate.main()
}
