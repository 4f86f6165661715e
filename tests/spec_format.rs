//! The spec format: every spec file conforms to specs/schema.json, and broken files are refused,
//! by the schema and by the loader alike, with the file, case and place named.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use ssm_conformance::spec::{self, Profile};

fn specs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("specs")
}

fn schema() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(specs().join("schema.json")).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

#[test]
fn every_spec_file_conforms_to_the_schema_and_loads() {
    let validator = schema();
    let mut files = 0;
    for entry in std::fs::read_dir(specs()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") || path.ends_with("schema.json") {
            continue;
        }
        files += 1;
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        spec::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
    }
    assert!(files >= 4, "found only {files} spec files");
    let cases = spec::load_dir(&specs()).unwrap();
    Profile::load(&specs().join("profiles").join("reference.json"), &cases).unwrap();
}

fn temp_file(name: &str, doc: &Value) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ssm-conformance-spec-{}-{}", std::process::id(), name));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_string_pretty(doc).unwrap()).unwrap();
    path
}

fn good_case() -> Value {
    json!({
        "id": "ok",
        "description": "d",
        "source": "model",
        "request": {"params": {"WindowId": "${window}"}},
        "expect": {"success": {"checks": [{"length": {"pointer": "/WindowExecutions", "value": 0}}]}}
    })
}

fn file_with(case: Value) -> Value {
    json!({"area": "area", "description": "d", "cases": [good_case(), case]})
}

#[test]
fn broken_cases_are_refused_by_schema_and_loader_with_their_place() {
    let validator = schema();
    let bad = |name: &str, patch: &dyn Fn(&mut Value), expect_in_message: &str| {
        let mut case = good_case();
        case["id"] = json!("broken");
        patch(&mut case);
        let doc = file_with(case);
        assert!(!validator.is_valid(&doc), "{name}: the schema accepts it");
        let path = temp_file(name, &doc);
        let err = spec::load_file(&path).expect_err(name).to_string();
        assert!(err.contains(&path.display().to_string()), "{name}: {err}");
        assert!(
            err.contains(expect_in_message),
            "{name}: {err:?} lacks {expect_in_message:?}"
        );
    };
    bad("unknown-field", &|c| c["bogus"] = json!(1), "unknown field `bogus`");
    bad("bad-source", &|c| c["source"] = json!("folklore"), "cases[1].source");
    bad(
        "observed-without-note",
        &|c| c["source"] = json!("observed:aws"),
        "needs a `note`",
    );
    bad(
        "both-params-and-raw",
        &|c| c["request"]["raw"] = json!("{}"),
        "exactly one of",
    );
    bad(
        "unknown-need",
        &|c| c["needs"] = json!(["fixture-of-dreams"]),
        "unknown need",
    );
    bad(
        "bad-status",
        &|c| c["expect"] = json!({"error": {"status": "6xx", "type": "X"}}),
        "6xx",
    );
    bad(
        "one-option",
        &|c| c["expect"] = json!({"open": {"choice": "x", "options": {"a": {"success": {}}}}}),
        "at least two options",
    );
    bad("bad-id", &|c| c["id"] = json!("Not Valid"), "must match");
    bad(
        "params-not-an-object",
        &|c| c["request"]["params"] = json!(["${window}"]),
        "parameters are a JSON object",
    );
    bad(
        "error-with-2xx",
        &|c| c["expect"] = json!({"error": {"status": "2xx", "type": "X"}}),
        "2xx is not 4xx",
    );
    bad(
        "unknown-check",
        &|c| c["expect"] = json!({"success": {"checks": [{"sorted": "/X"}]}}),
        "cases[1].expect",
    );
}

#[test]
fn loader_only_errors_name_the_case() {
    // Duplicate ids and unknown placeholders are beyond what a JSON Schema can say.
    let dup = temp_file(
        "duplicate",
        &json!({"area": "area", "description": "d", "cases": [good_case(), good_case()]}),
    );
    let err = spec::load_file(&dup).unwrap_err().to_string();
    assert!(err.contains("case \"ok\"") && err.contains("duplicate id"), "{err}");

    let mut case = good_case();
    case["id"] = json!("placeholder");
    case["request"]["params"]["WindowId"] = json!("${no_such_thing}");
    let f = temp_file("placeholder", &file_with(case));
    let err = spec::load_file(&f).unwrap_err().to_string();
    assert!(
        err.contains("case \"placeholder\"") && err.contains("unknown placeholder ${no_such_thing}"),
        "{err}"
    );

    let not_json = std::env::temp_dir().join(format!("ssm-conformance-notjson-{}.json", std::process::id()));
    std::fs::write(&not_json, "{ nope").unwrap();
    let err = spec::load_file(&not_json).unwrap_err().to_string();
    assert!(err.contains("not JSON"), "{err}");
}

#[test]
fn profiles_must_name_existing_choices() {
    let cases = spec::load_dir(&specs()).unwrap();
    let p = temp_file(
        "profile",
        &json!({"name": "x", "recorded": "now", "choices": {"unknown-window": "maybe"}}),
    );
    let err = Profile::load(&p, &cases).unwrap_err().to_string();
    assert!(
        err.contains("no case has choice \"unknown-window\" with option \"maybe\""),
        "{err}"
    );
}

#[test]
fn a_fixture_that_does_not_exist_is_refused_before_anything_is_sent() {
    let dir = std::env::temp_dir().join(format!("ssm-conformance-nofixture-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut case = good_case();
    case["id"] = json!("seeded");
    case["request"]["params"]["WindowId"] = json!("${fixture:nowhere}");
    case["expect"] = json!({"executions": {"fixture": "nowhere"}});
    std::fs::write(dir.join("area.json"), serde_json::to_string(&file_with(case)).unwrap()).unwrap();
    let options = ssm_conformance::target::TargetOptions {
        specs: Some(dir.clone()),
        // An endpoint nothing listens on: loading must fail before any request.
        endpoint: Some("http://127.0.0.1:1".into()),
        ..Default::default()
    };
    let err = ssm_conformance::runner::harness::Suite::load(&options)
        .err()
        .expect("refused")
        .to_string();
    assert!(
        err.contains("area.json") && err.contains("case \"seeded\"") && err.contains("no fixture \"nowhere\""),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
