//! The binary as a person runs it: in a fresh folder of its own, with the suite's and CI's
//! variables cleared, so what the machine running the tests has set changes nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// The variables a run reads that a test must set itself, or not at all.
pub const CLEARED: [&str; 13] = [
    "AWS_ENDPOINT_URL_SSM",
    "AWS_ENDPOINT_URL",
    "AWS_PROFILE",
    "CI",
    "INSTA_UPDATE",
    "SSM_CONFORMANCE_CASES",
    "SSM_CONFORMANCE_NO_PROPERTIES",
    "SSM_CONFORMANCE_REPORT_HTML",
    "SSM_CONFORMANCE_PINS",
    "SSM_CONFORMANCE_PROFILE",
    "SSM_CONFORMANCE_SEED",
    "SSM_CONFORMANCE_DATA",
    "SSM_CONFORMANCE_QUIET",
];

/// A fresh, empty folder named for `name`; it is removed when the returned guard drops, so keep
/// the guard until the last child run in it has exited.
pub fn scratch(name: &str) -> (TempDir, PathBuf) {
    let tmp = tempfile::Builder::new()
        .prefix(&format!("ssm-conformance-{name}-"))
        .tempdir()
        .unwrap();
    let dir = tmp.path().to_path_buf();
    (tmp, dir)
}

/// `program` in `dir`, the [`CLEARED`] variables cleared.
pub fn command(program: &Path, dir: &Path) -> Command {
    let mut c = Command::new(program);
    c.current_dir(dir);
    for k in CLEARED {
        c.env_remove(k);
    }
    c
}

/// Run `program` in `cwd` with `args` and `env`: (exit, stdout, stderr).
pub fn run_in(program: &str, cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let out = command(Path::new(program), cwd)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
