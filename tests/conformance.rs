//! The conformance suite as a libtest-mimic harness: `cargo test --test conformance`.
//! The target comes from the environment (AWS_ENDPOINT_URL_SSM, ...; the embedded emulator when unset).

fn main() -> std::process::ExitCode {
    ssm_conformance::_internals::embedded::harness_main()
}
