//! No library: the tests under `tests/` drive the reference emulator through `aws-sdk-ssm`, the
//! client a Rust user's own `cargo test` would use against it as a mock.
