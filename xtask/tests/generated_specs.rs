//! The generated specs (`specs/generated/`) are exactly what the vendored model gives:
//! `cargo xtask specs` rewrites them, `cargo xtask specs --check` and this test fail, naming the
//! file and its first difference, where a committed file was edited by hand or the model or the
//! generator changed.

use std::path::{Path, PathBuf};

use ssm_conformance::_internals::spec::{self, Expectation};
use xtask::spec_generator::{self, OPERATIONS};

/// The workspace root (xtask sits in it).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

fn specs() -> PathBuf {
    root().join("specs")
}

#[test]
fn the_committed_files_are_what_the_model_gives() {
    if let Err(e) = spec_generator::check(&specs()) {
        panic!("{e}");
    }
}

#[test]
fn the_generator_reads_the_vendored_model() {
    let file = root().join(spec_generator::MODEL_FILE);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        ssm_conformance::_internals::model::VENDORED_MODEL,
        "{}",
        file.display()
    );
}

#[test]
fn the_output_is_stable() {
    let a = spec_generator::generate().unwrap();
    let b = spec_generator::generate().unwrap();
    assert_eq!(a, b);
    for f in &a {
        assert!(
            f.text.ends_with("}\n") && !f.text.ends_with("\n\n"),
            "{}",
            f.path.display()
        );
        assert!(
            f.text.contains("\n  \"area\": "),
            "2-space indent: {}",
            f.path.display()
        );
    }
}

#[test]
fn a_difference_is_named_with_its_file_and_line() {
    // Fresh and empty, removed on drop at the end of the test.
    let tmp = tempfile::Builder::new()
        .prefix("ssm-conformance-generated-")
        .tempdir()
        .unwrap();
    let dir = tmp.path();
    let written = spec_generator::write(dir).unwrap();
    assert!(spec_generator::check(dir).is_ok());

    let edited = dir.join(&written[1].path);
    let text = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(&edited, text.replacen("\"4xx\"", "\"5xx\"", 1)).unwrap();
    let stray = dir.join(spec_generator::SUBDIR).join("by_hand.json");
    std::fs::write(&stray, "{}").unwrap();
    let err = spec_generator::check(dir).unwrap_err();
    let line = text.lines().position(|l| l.contains("\"4xx\"")).unwrap() + 1;
    assert!(
        err.contains(&format!("{}: line {line} differs", edited.display())) && err.contains("\"status\": \"5xx\""),
        "{err}"
    );
    assert!(err.contains(&format!("{}: not generated", stray.display())), "{err}");

    std::fs::remove_file(dir.join(&written[0].path)).unwrap();
    let err = spec_generator::check(dir).unwrap_err();
    assert!(
        err.contains(&written[0].path.display().to_string()) && err.contains("cannot be read"),
        "{err}"
    );

    // Writing again puts every file back and removes the stray one.
    spec_generator::write(dir).unwrap();
    assert!(spec_generator::check(dir).is_ok());
    assert!(!stray.exists());
}

#[test]
fn every_operation_has_its_file_of_model_cases() {
    let cases = spec::load_dir(&specs()).unwrap();
    for op in OPERATIONS {
        let stem = spec_generator::file_stem(op);
        let area = format!("generated_{stem}");
        let mine: Vec<_> = cases.iter().filter(|c| c.area() == area).collect();
        assert!(mine.len() >= 12, "{area}: {} cases", mine.len());
        for c in &mine {
            assert!(
                c.file().ends_with(format!("generated/{stem}.json")),
                "{}",
                c.file().display()
            );
            assert_eq!(c.operation_name(), op, "{}", c.name());
            assert_eq!(c.source(), "model", "{}", c.name());
            assert!(c.case().tags.iter().any(|t| t == "generated"), "{}", c.name());
            assert!(c.needs_nothing(), "{}: needs nothing seeded", c.name());
            assert!(
                matches!(c.case().expect, Expectation::Error(_) | Expectation::Accepted(_)),
                "{}: every generated case expects an error, or a request within the model answered",
                c.name()
            );
        }
        // Each required member of the request, missing; the execution family's valid requests
        // name no execution (an error), the rest are answered as `accepted`.
        let family = OPERATIONS[..6].contains(&op);
        let input = format!("{op}Request");
        let model: serde_json::Value =
            serde_json::from_str(ssm_conformance::_internals::model::VENDORED_MODEL).unwrap();
        for required in model["shapes"][&input]["required"].as_array().into_iter().flatten() {
            let member = required.as_str().unwrap();
            let id = format!("{}-missing", kebab(member));
            assert!(mine.iter().any(|c| c.case().id == id), "{area}: {id}");
        }
        let accepted = mine
            .iter()
            .filter(|c| matches!(c.case().expect, Expectation::Accepted(_)))
            .count();
        assert_eq!(accepted == 0, family, "{area}: {accepted} accepted cases");
    }
}

fn kebab(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}
