//! The suite's own data, compiled into the binary: specs (with profiles and the schema), fixtures,
//! the reference target's snapshots and the shipped expectations. An installed binary needs no
//! checkout: where the source tree it was built from is gone, the data is written once into a
//! cache folder named for its version and content, and read from there.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use include_dir::{Dir, include_dir};

static SPECS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/specs");
static FIXTURES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/fixtures");
static REFERENCE_SNAPSHOTS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/snapshots/reference");
static EXPECTATIONS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/expectations");

/// The source tree the binary was built from, when this is a build of it run from there
/// (`cargo run`, `cargo test`, `target/…/ssm-conformance`): its files are the ones being
/// edited, so they win over the compiled-in copy. An installed binary (`cargo install`, a
/// wheel, a copy) never reads it, even while it still exists: switching branches in that clone
/// must not change what an installed tool judges. `SSM_CONFORMANCE_DATA=compiled-in` uses the
/// compiled-in copy in a build too.
fn source_tree() -> Option<PathBuf> {
    if std::env::var("SSM_CONFORMANCE_DATA").is_ok_and(|v| v.trim() == "compiled-in") {
        return None;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let under_cargo = std::env::var_os("CARGO_MANIFEST_DIR").is_some_and(|d| Path::new(&d) == root);
    let in_tree = std::env::current_exe()
        .and_then(std::fs::canonicalize)
        .is_ok_and(|exe| root.canonicalize().is_ok_and(|r| exe.starts_with(r)));
    ((under_cargo || in_tree) && root.join("specs").is_dir() && root.join("fixtures").is_dir()).then_some(root)
}

fn fingerprint() -> u64 {
    fn walk(d: &Dir<'_>, h: &mut std::collections::hash_map::DefaultHasher) {
        for f in d.files() {
            f.path().hash(h);
            f.contents().hash(h);
        }
        for sub in d.dirs() {
            walk(sub, h);
        }
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for d in [&SPECS, &FIXTURES, &REFERENCE_SNAPSHOTS, &EXPECTATIONS] {
        walk(d, &mut h);
    }
    h.finish()
}

/// Write the compiled-in data under `root` (`specs/`, `fixtures/`, `snapshots/reference/`,
/// `expectations/`), through a fresh folder renamed into place so readers never see half of it.
pub(crate) fn extract(root: &Path) -> std::io::Result<()> {
    if root.join("specs").is_dir() {
        return Ok(());
    }
    let staging = root.with_extension(format!("partial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    for (dir, at) in [
        (&SPECS, "specs"),
        (&FIXTURES, "fixtures"),
        (&REFERENCE_SNAPSHOTS, "snapshots/reference"),
        (&EXPECTATIONS, "expectations"),
    ] {
        let target = staging.join(at);
        std::fs::create_dir_all(&target)?;
        dir.extract(&target)?;
    }
    match std::fs::rename(&staging, root) {
        Ok(()) => Ok(()),
        // Another process put it there first: theirs is the same data.
        Err(_) if root.join("specs").is_dir() => {
            let _ = std::fs::remove_dir_all(&staging);
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// Where the suite's data is read from: the source tree if present, else the compiled-in copy,
/// written once into the user's cache folder.
pub(crate) fn data_root() -> PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        if let Some(src) = source_tree() {
            return src;
        }
        let base = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .unwrap_or_else(std::env::temp_dir);
        let root = base.join(format!(
            "ssm-conformance-{}-{:016x}",
            env!("CARGO_PKG_VERSION"),
            fingerprint()
        ));
        if let Err(e) = std::fs::create_dir_all(&base).and_then(|()| extract(&root)) {
            // Nowhere to write: the temporary folder is the last resort.
            let tmp = std::env::temp_dir().join(root.file_name().expect("named"));
            if extract(&tmp).is_ok() {
                return tmp;
            }
            eprintln!(
                "ssm-conformance: cannot unpack the compiled-in specs into {}: {e}",
                root.display()
            );
        }
        root
    })
    .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_data_unpacks_whole() {
        // `extract` stages beside `root` (`root.partial-<pid>`), so `root` is a not-yet-existing
        // folder inside the guard: the staging folder is inside it too, and both go on drop.
        let tmp = tempfile::Builder::new()
            .prefix("ssm-conformance-bundle-test-")
            .tempdir()
            .unwrap();
        let root = tmp.path().join("data");
        extract(&root).unwrap();
        for must in [
            "specs/filters.json",
            "specs/schema.json",
            "specs/generated/get_execution.json",
            "specs/profiles/reference.json",
            "fixtures/boundaries.json",
            "snapshots/reference/filters__six.snap",
            "snapshots/reference/generated_get_execution__window-execution-id-missing.snap",
            "expectations/moto.json",
        ] {
            assert!(root.join(must).is_file(), "{must}");
        }
        extract(&root).unwrap();
    }
}
