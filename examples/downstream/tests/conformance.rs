//! The emulator's conformance gate, as its own `cargo test --test conformance`: the emulator is
//! started in-process first, then its URL goes to the suite, whose cases run as trials
//! (`--list`, name filters and `cargo nextest` work).

use std::process::ExitCode;

fn main() -> ExitCode {
    // The emulator runs on its own runtime for the whole test binary.
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let running = runtime
        .block_on(downstream_emulator_example::start())
        .expect("the emulator starts");
    // A real emulator names itself and keeps its snapshots in its own repository
    // (`--update-snapshots` once, or `cargo xtask snapshots NAME` here); the stand-in is the
    // reference emulator, so it is held to the reference snapshots.
    ssm_conformance::Conformance::endpoint(running.url())
        .target_name("reference")
        .snapshots(concat!(env!("CARGO_MANIFEST_DIR"), "/../../snapshots"))
        .expectations(concat!(env!("CARGO_MANIFEST_DIR"), "/expectations/downstream.json"))
        .pins("reference")
        .cases(8)
        .main()
}
