//! The crate's layers, enforced for every module: each top-level module has a floor, and code
//! may use only modules on lower floors — so an arrow back up, or a circle, fails here, named
//! with the file and line. Inside a module folder, its files may not use each other in a circle.
//!
//! The floors, bottom up: the facts (model, failure kinds, observations, walks, ids); the
//! client and the emulator, apart; outcomes, the target, the oracle; data sets, specs, paging,
//! snapshots and expectations; the verdict; reports and the judges; the session; the generated
//! phase; the run;
//! the API, `embedded` and `mock`; the CLI. The emulator is reached only from `embedded`, `mock`
//! (the emulator seeded for a test) and the CLI:
//! the harness never touches the implementation it may be judging.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use regex::Regex;

/// Module → its floor.
fn floors() -> BTreeMap<&'static str, u8> {
    let table: &[(u8, &[&str])] = &[
        (
            0,
            &[
                "model",
                "failure",
                "observation",
                "walk",
                "ids",
                "worker",
                "bundle",
                "settings",
                "choices",
                "shard",
            ],
        ),
        (1, &["client", "emulator", "pins"]),
        (2, &["outcome", "target", "oracle"]),
        (3, &["fixtures", "paging", "snapshot", "spec", "expectations"]),
        (4, &["verdict"]),
        (5, &["report", "sweep", "judge"]),
        (6, &["session"]),
        (7, &["properties"]),
        (8, &["run", "merge"]),
        (9, &["conformance", "embedded", "mock"]),
        (10, &["cli"]),
    ];
    table
        .iter()
        .flat_map(|(floor, modules)| modules.iter().map(move |m| (*m, *floor)))
        .collect()
}

/// The only modules that may use the emulator.
const EMULATOR_USERS: [&str; 3] = ["embedded", "mock", "cli"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
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

/// The first path segment after each `prefix::` on a line (`prefix::x`, `prefix::{x, y::z}`).
fn used_after(line: &str, prefix: &str) -> Vec<String> {
    if !line.contains(prefix) {
        return Vec::new();
    }
    // Compiled once per prefix: a debug build's regex compilation would dominate the test.
    static PATTERNS: std::sync::Mutex<BTreeMap<String, (Regex, Regex)>> = std::sync::Mutex::new(BTreeMap::new());
    let mut patterns = PATTERNS.lock().unwrap();
    let (single, group) = patterns.entry(prefix.to_string()).or_insert_with(|| {
        (
            Regex::new(&format!(r"\b{prefix}::(\w+)")).unwrap(),
            Regex::new(&format!(r"\b{prefix}::\{{([^}}]*)\}}")).unwrap(),
        )
    });
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

/// The crate modules a line names.
fn used(line: &str) -> Vec<String> {
    used_after(line, "crate")
}

/// The lines that are code (comments may name any module; code may not).
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .map(|(n, l)| (n + 1, l))
}

#[test]
fn every_module_uses_only_the_floors_below_it() {
    let floors = floors();
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut wrong = Vec::new();
    let mut checked = 0;
    for file in &files {
        let rel = file.strip_prefix(src()).unwrap();
        let module = rel.components().next().unwrap().as_os_str().to_string_lossy();
        let module = module.trim_end_matches(".rs");
        if ["lib", "main"].contains(&module) {
            continue; // The crate root declares and re-exports; the binary calls the CLI.
        }
        let Some(&floor) = floors.get(module) else {
            wrong.push(format!(
                "src/{}: module {module} has no floor in tests/layers.rs",
                rel.display()
            ));
            continue;
        };
        checked += 1;
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in code_lines(&text) {
            for m in used(line) {
                if m == module {
                    continue;
                }
                let at = format!("src/{}:{n}: {module} (floor {floor}) uses {m}", rel.display());
                match floors.get(m.as_str()) {
                    None => wrong.push(format!("{at}, which has no floor")),
                    Some(&f) if f >= floor => wrong.push(format!("{at} (floor {f}): not below it")),
                    Some(_) if m == "emulator" && !EMULATOR_USERS.contains(&module) => {
                        wrong.push(format!("{at}: only {EMULATOR_USERS:?} may use the emulator"))
                    }
                    Some(_) => {}
                }
            }
        }
    }
    assert!(checked > 60, "only {checked} files checked");
    assert!(
        wrong.is_empty(),
        "modules reaching across floors:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_files_of_a_module_use_each_other_without_a_circle() {
    let mut circles = Vec::new();
    for entry in std::fs::read_dir(src()).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let module = dir.file_name().unwrap().to_string_lossy().to_string();
        let siblings: BTreeSet<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .map(|p| p.file_stem().unwrap().to_string_lossy().to_string())
            .filter(|s| s != "mod")
            .collect();
        // File → the sibling files it uses (`super::x`, `crate::<module>::x`).
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for file in &siblings {
            let text = std::fs::read_to_string(dir.join(format!("{file}.rs"))).unwrap();
            let uses = edges.entry(file.clone()).or_default();
            for (_, line) in code_lines(&text) {
                for m in used_after(line, "super")
                    .into_iter()
                    .chain(used_after(line, &format!("crate::{module}")))
                {
                    if siblings.contains(&m) && &m != file {
                        uses.insert(m);
                    }
                }
            }
        }
        if let Some(circle) = find_circle(&edges) {
            circles.push(format!("src/{module}/: {}", circle.join(" → ")));
        }
    }
    assert!(
        circles.is_empty(),
        "files using each other in a circle:\n{}",
        circles.join("\n")
    );
}

/// A circle in `edges`, as the files along it (the first again at the end), if there is one.
fn find_circle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut circle = path[at..].to_vec();
            circle.push(node.to_string());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|start| visit(start, edges, &mut Vec::new(), &mut done))
}

#[test]
fn the_check_sees_every_spelling_and_every_circle() {
    assert_eq!(used("use crate::emulator::Execution;"), ["emulator"]);
    assert_eq!(used("use crate::{client, emulator::store};"), ["client", "emulator"]);
    assert_eq!(used("let x = crate::emulator::is_window_id(id);"), ["emulator"]);
    assert_eq!(
        used_after("use super::{data::Task, instant};", "super"),
        ["data", "instant"]
    );
    let edges: BTreeMap<String, BTreeSet<String>> = [
        ("execution".to_string(), ["family".to_string()].into()),
        ("family".to_string(), ["execution".to_string()].into()),
    ]
    .into_iter()
    .collect();
    assert_eq!(find_circle(&edges).unwrap(), ["execution", "family", "execution"]);
    let one_way: BTreeMap<String, BTreeSet<String>> = [("family".to_string(), ["data".to_string()].into())]
        .into_iter()
        .collect();
    assert!(find_circle(&one_way).is_none());
}

/// Failures are typed where the check is made (issue 28): outside the CLI and the emulator, at
/// most ten `Result<_, String>` remain (parsers of the crate's own inputs), and no conversion
/// turns a `Failure` into words that drop its kind.
#[test]
fn failures_stay_typed() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let untyped = Regex::new(r"Result<[^;{]*, String>").unwrap();
    let mut found = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(src()).unwrap().display().to_string();
        if rel.starts_with("cli") || rel.starts_with("emulator") {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in code_lines(&text) {
            if untyped.is_match(line) {
                found.push(format!("src/{rel}:{n}"));
            }
            assert!(
                !line.contains("impl From<Failure> for String"),
                "src/{rel}:{n}: a conversion that drops a failure's kind"
            );
        }
    }
    assert!(found.len() <= 10, "{} untyped results: {found:#?}", found.len());
}
