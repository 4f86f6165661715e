//! What the README states in numbers is what the code has (issue 28: it said 400 cases and "58
//! seeded faults" while the run gave 415 and `tests/detection.rs` held 73).

use std::path::Path;

fn text(file: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap()
}

/// The README with its line breaks and runs of spaces as single spaces.
fn readme() -> String {
    text("README.md").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How many variants each fault-making function of a test file names (`name: "…"` in its body).
fn variants(file: &str, function: &str) -> usize {
    let source = text(file);
    let start = source
        .find(&format!("\nfn {function}("))
        .unwrap_or_else(|| panic!("{file} has no fn {function}"));
    let body = &source[start + 1..];
    let end = body.find("\nfn ").unwrap_or(body.len());
    body[..end]
        .lines()
        .filter(|l| l.trim_start().starts_with("name: \""))
        .count()
}

#[test]
fn the_case_count_is_the_runs() {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs");
    let cases = ssm_conformance::_internals::spec::load_dir(&specs).unwrap().len();
    let parts = ssm_conformance::_internals::properties::Part::ALL.len();
    let readme = readme();
    let line = format!(
        "{} passed, 0 failed, 0 unsupported, 0 skipped` ({cases} spec cases and the {parts} generated parts)",
        cases + parts
    );
    assert!(readme.contains(&line), "the README should say: {line}");
}

#[test]
fn the_fault_counts_are_the_detection_tests() {
    let readme = readme();
    let groups = [
        ("bound_faults", "bounds bent in the emulator itself"),
        ("validation_faults", "validation faults"),
        ("data_faults", "data faults"),
        ("family_faults", "faults of the execution family"),
        ("window_api_faults", "faults of the window API"),
        ("schedule_faults", "faults of the schedule"),
    ];
    let mut total = 0;
    for (function, said) in groups {
        let n = variants("tests/detection.rs", function);
        assert!(n > 0, "{function}");
        total += n;
        assert!(
            readme.contains(&format!("{n} {said}")),
            "the README should say: {n} {said}"
        );
    }
    let all = format!("every one of the {total} seeded faults");
    assert!(readme.contains(&all), "the README should say: {all}");
    let flips = variants("tests/open_choices.rs", "flips");
    let flipped = format!("the {flips} flipped open choices");
    assert!(readme.contains(&flipped), "the README should say: {flipped}");
}
