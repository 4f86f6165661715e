//! The binary carries its own specs, fixtures, profiles and reference snapshots: run from an
//! unrelated directory with the checkout out of the picture (`SSM_CONFORMANCE_DATA=compiled-in`,
//! as an installed binary whose source is gone), it passes exactly as in the checkout, and
//! writes nothing where it was installed from. `.ci/installed-binary` does the same with a real
//! `cargo install` and the source deleted.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_ssm-conformance");

fn summary(cwd: &Path, env: &[(&str, &str)]) -> (i32, String) {
    let mut c = Command::new(BIN);
    c.args(["run", "--seed", "7", "--cases", "4"]).current_dir(cwd);
    for k in ["AWS_ENDPOINT_URL_SSM", "AWS_ENDPOINT_URL", "CI", "SSM_CONFORMANCE_DATA"] {
        c.env_remove(k);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let last = stdout.lines().last().unwrap_or("").to_string();
    // The URL's port differs between runs; the counts must not.
    let counts = last.rsplit("): ").next().unwrap_or("").to_string();
    (
        out.status.code().unwrap_or(-1),
        format!("{counts}\n{}", String::from_utf8_lossy(&out.stderr)),
    )
}

#[test]
fn the_compiled_in_suite_passes_from_anywhere_as_in_the_checkout() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, in_checkout) = summary(root, &[]);
    assert_eq!(code, 0, "{in_checkout}");
    // Removed on drop, after the child has run; it starts empty, as the assertion below needs.
    let tmp = tempfile::Builder::new()
        .prefix("ssm-conformance-elsewhere-")
        .tempdir()
        .unwrap();
    let elsewhere = tmp.path();
    let cache = elsewhere.join("cache");
    let (code, out) = summary(
        elsewhere,
        &[
            ("SSM_CONFORMANCE_DATA", "compiled-in"),
            ("XDG_CACHE_HOME", cache.to_str().unwrap()),
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.lines().next(), in_checkout.lines().next(), "{out}");
    assert!(out.lines().next().unwrap().contains(" passed, 0 failed"), "{out}");
    // The data was unpacked into the cache, and nothing was written where the run stood.
    let unpacked: Vec<_> = std::fs::read_dir(&cache).unwrap().collect();
    assert_eq!(unpacked.len(), 1);
    let entries: Vec<String> = std::fs::read_dir(elsewhere)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries, ["cache"], "only the cache was written");
}

/// A copy of the binary outside its build (as `cargo install` puts one in `~/.cargo/bin`) reads
/// the data it was built with, never the build folder, even while that folder exists: switching
/// branches in the clone must not change what an installed tool judges (issue 28).
#[test]
fn an_installed_binary_never_reads_its_build_folder() {
    let tmp = tempfile::Builder::new()
        .prefix("ssm-conformance-installed-")
        .tempdir()
        .unwrap();
    let bin = tmp.path().join("ssm-conformance");
    std::fs::copy(BIN, &bin).unwrap();
    let cache = tmp.path().join("cache");
    let mut c = Command::new(&bin);
    c.args(["run", "--list"]).current_dir(tmp.path());
    for k in ["SSM_CONFORMANCE_DATA", "CARGO_MANIFEST_DIR", "CARGO"] {
        c.env_remove(k);
    }
    let out = c.env("XDG_CACHE_HOME", &cache).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("filters::"));
    // It unpacked its own copy: the build folder's specs were not what it listed.
    let unpacked: Vec<_> = std::fs::read_dir(&cache).map(|d| d.collect()).unwrap_or_default();
    assert_eq!(
        unpacked.len(),
        1,
        "the installed copy read the build folder instead of its own data"
    );
}
