//! `ssm-conformance`: run the conformance suite against an endpoint, or serve the reference
//! emulator as a standalone mock. The command lives in the library, on top of its layers.

fn main() -> std::process::ExitCode {
    ssm_conformance::_internals::cli::main()
}
