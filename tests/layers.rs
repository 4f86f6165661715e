//! The crate's layers, enforced: the model at the bottom; the client and the emulator above it,
//! apart; the harness (spec, oracle, verdict, paging, properties, fixtures, runner, report, …)
//! above the client, never touching the emulator it may be judging; `embedded` and the CLI on
//! top. A module that reaches across is named with the file and line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use regex::Regex;

/// Module → the crate modules it may use.
fn allowed() -> BTreeMap<&'static str, &'static [&'static str]> {
    const HARNESS: &[&str] = &[
        "bundle",
        "model",
        "ids",
        "client",
        "observation",
        "oracle",
        "spec",
        "verdict",
        "paging",
        "properties",
        "fixtures",
        "generated",
        "runner",
        "report",
        "snapshot",
        "snapshot_reader",
        "expectations",
        "sweep",
        "target",
        "validation_message",
        "walk",
    ];
    let mut m: BTreeMap<&str, &[&str]> = BTreeMap::new();
    m.insert("model", &[]);
    m.insert("ids", &["model"]);
    m.insert("observation", &[]);
    m.insert("walk", &[]);
    m.insert("client", &["model", "ids"]);
    m.insert("emulator", &["model", "ids"]);
    for h in HARNESS
        .iter()
        .filter(|h| !["model", "ids", "client", "observation"].contains(h))
    {
        m.insert(h, HARNESS);
    }
    m
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The crate modules a line names (`crate::x`, `crate::{x, y::z}`).
fn used(line: &str) -> Vec<String> {
    let single = Regex::new(r"crate::(\w+)").unwrap();
    let group = Regex::new(r"crate::\{([^}]*)\}").unwrap();
    let mut out: Vec<String> = single.captures_iter(line).map(|c| c[1].to_string()).collect();
    for g in group.captures_iter(line) {
        out.extend(
            g[1].split(',')
                .filter_map(|p| p.trim().split("::").next())
                .map(str::to_string),
        );
    }
    out.retain(|m| !m.is_empty() && m != "self");
    out
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let allowed = allowed();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let module = rel.components().next().unwrap().as_os_str().to_string_lossy();
        let module = module.trim_end_matches(".rs");
        let Some(may) = allowed.get(module) else {
            continue; // lib.rs, main.rs, embedded.rs: the top.
        };
        checked += 1;
        let text = std::fs::read_to_string(file).unwrap();
        // Comments may name any module; code may not.
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim_start().starts_with("//"))
        {
            for m in used(line) {
                if m != module && !may.contains(&m.as_str()) {
                    wrong.push(format!("src/{}:{}: {module} uses {m}", rel.display(), n + 1));
                }
            }
        }
    }
    assert!(checked > 20, "only {checked} files checked");
    assert!(
        wrong.is_empty(),
        "modules reaching across layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_check_sees_every_spelling() {
    assert_eq!(used("use crate::emulator::Execution;"), ["emulator"]);
    assert_eq!(used("use crate::{client, emulator::store};"), ["client", "emulator"]);
    assert_eq!(used("let x = crate::emulator::is_window_id(id);"), ["emulator"]);
}
