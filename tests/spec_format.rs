//! The spec format: every spec file conforms to specs/schema.json, and broken files are refused,
//! by the schema and by the loader alike, with the file, case and place named. Every source is
//! honest: each `cite` and each quote of the AWS CLI example is found in the vendored references.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use ssm_conformance::_internals::spec::{self, LoadedCase, Pins};
use tempfile::TempDir;

fn specs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("specs")
}

fn schema() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(specs().join("schema.json")).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

/// The spec files: `specs/*.json` but the schema, and those of its subfolders but `profiles/`.
fn spec_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(specs()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if !path.ends_with("profiles") {
                for sub in std::fs::read_dir(&path).unwrap() {
                    out.push(sub.unwrap().path());
                }
            }
        } else {
            out.push(path);
        }
    }
    out.retain(|p| p.extension().is_some_and(|e| e == "json") && !p.ends_with("schema.json"));
    out.sort();
    out
}

#[test]
fn every_spec_file_conforms_to_the_schema_and_loads() {
    let validator = schema();
    let mut files = 0;
    let mut generated = 0;
    for path in spec_files() {
        files += 1;
        generated += usize::from(path.parent().is_some_and(|d| d.ends_with("generated")));
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        spec::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
    }
    assert!(files >= 4, "found only {files} spec files");
    assert!(generated >= 6, "found only {generated} generated spec files");
    let cases = spec::load_dir(&specs()).unwrap();
    assert_eq!(
        cases
            .iter()
            .map(|c| c.file())
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        files,
        "the loader reads every spec file, generated ones too"
    );
    Pins::load(&specs().join("profiles").join("reference.json"), &cases).unwrap();
}

/// `doc` written as `{name}.json` in a folder of its own, removed when the returned guard drops.
fn temp_file(name: &str, doc: &Value) -> (TempDir, PathBuf) {
    let dir = tempfile::Builder::new()
        .prefix(&format!("ssm-conformance-spec-{name}-"))
        .tempdir()
        .unwrap();
    let path = dir.path().join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_string_pretty(doc).unwrap()).unwrap();
    (dir, path)
}

fn good_case() -> Value {
    json!({
        "id": "ok",
        "description": "d",
        "source": "model",
        "cite": "DescribeMaintenanceWindowExecutionsRequest$WindowId",
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
        let (_tmp, path) = temp_file(name, &doc);
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
        "model-without-cite",
        &|c| {
            c.as_object_mut().unwrap().remove("cite");
        },
        "cases[1].cite: a `model` source needs a `cite`",
    );
    bad(
        "docs-without-cite",
        &|c| {
            c["source"] = json!("docs");
            c.as_object_mut().unwrap().remove("cite");
        },
        "cases[1].cite: a `docs` source needs a `cite`",
    );
    bad(
        "model-cite-not-a-shape-path",
        &|c| c["cite"] = json!("the request"),
        "is not a shape path",
    );
    bad(
        "observed-with-cite",
        &|c| {
            c["source"] = json!("observed:aws");
            c["note"] = json!("seen");
        },
        "has no `cite`",
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
        "step-without-description",
        &|c| c["then"] = json!([{"request": {"params": {}}, "expect": {"success": {}}}]),
        "missing field `description`",
    );
    bad(
        "one-of-one-value",
        &|c| c["expect"] = json!({"success": {"checks": [{"one_of": {"pointer": "/Status", "values": ["SUCCESS"]}}]}}),
        "one_of names two values or more",
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
    let (_dup_tmp, dup) = temp_file(
        "duplicate",
        &json!({"area": "area", "description": "d", "cases": [good_case(), good_case()]}),
    );
    let err = spec::load_file(&dup).unwrap_err().to_string();
    assert!(err.contains("case \"ok\"") && err.contains("duplicate id"), "{err}");

    let mut case = good_case();
    case["id"] = json!("placeholder");
    case["request"]["params"]["WindowId"] = json!("${no_such_thing}");
    let (_f_tmp, f) = temp_file("placeholder", &file_with(case));
    let err = spec::load_file(&f).unwrap_err().to_string();
    assert!(
        err.contains("case \"placeholder\"") && err.contains("unknown placeholder ${no_such_thing}"),
        "{err}"
    );

    // A step sends parameters of an operation of the family, and is judged by its checks.
    for (name, step, why) in [
        (
            "step-raw",
            json!({"description": "d", "request": {"raw": "{}"}, "expect": {"success": {}}}),
            "a step sends `params`",
        ),
        (
            "step-operation",
            json!({"description": "d", "request": {"operation": "DeleteEverything", "params": {}}, "expect": {"success": {}}}),
            "is not an operation of the family",
        ),
        (
            "step-walks",
            json!({"description": "d", "request": {"params": {}}, "expect": {"seeded": {"fixture": "task_history", "execution": "x"}}}),
            "not walked",
        ),
    ] {
        let mut case = good_case();
        case["id"] = json!(name);
        case["then"] = json!([step]);
        let (_tmp, f) = temp_file(name, &file_with(case));
        let err = spec::load_file(&f).unwrap_err().to_string();
        assert!(
            err.contains(&format!("case \"{name}\"")) && err.contains(why),
            "{name}: {err}"
        );
    }

    // Removed on drop, at the end of the test.
    let not_json = tempfile::Builder::new()
        .prefix("ssm-conformance-notjson-")
        .suffix(".json")
        .tempfile()
        .unwrap();
    std::fs::write(not_json.path(), "{ nope").unwrap();
    let err = spec::load_file(not_json.path()).unwrap_err().to_string();
    assert!(err.contains("not JSON"), "{err}");
}

#[test]
fn a_generated_file_says_so_in_its_description() {
    let validator = schema();
    let mut doc = json!({"area": "area", "description": "d", "generated": true, "cases": [good_case()]});
    assert!(!validator.is_valid(&doc), "the schema accepts it");
    let (_unmarked_tmp, unmarked) = temp_file("generated-unmarked", &doc);
    let err = spec::load_file(&unmarked).unwrap_err().to_string();
    assert!(
        err.contains("at description") && err.contains("Generated by `cargo xtask specs`"),
        "{err}"
    );
    // As `cargo xtask specs` marks its files.
    doc["description"] = json!(format!(
        "{}{}: do not edit.",
        spec::GENERATED_MARK,
        ssm_conformance::_internals::model::VENDORED_MODEL_FILE
    ));
    assert!(validator.is_valid(&doc));
    let (_marked_tmp, marked) = temp_file("generated-marked", &doc);
    spec::load_file(&marked).unwrap();
}

#[test]
fn profiles_must_name_existing_choices() {
    let cases = spec::load_dir(&specs()).unwrap();
    let (_tmp, p) = temp_file(
        "profile",
        &json!({"name": "x", "recorded": "now", "choices": {"unknown-window": "maybe"}}),
    );
    let err = Pins::load(&p, &cases).unwrap_err().to_string();
    assert!(
        err.contains("\"unknown-window\" has no option \"maybe\"; its options: empty-list, not-found"),
        "{err}"
    );
}

#[test]
fn a_fixture_that_does_not_exist_is_refused_before_anything_is_sent() {
    // Removed on drop, at the end of the test.
    let tmp = tempfile::Builder::new()
        .prefix("ssm-conformance-nofixture-")
        .tempdir()
        .unwrap();
    let dir = tmp.path();
    let mut case = good_case();
    case["id"] = json!("seeded");
    case["request"]["params"]["WindowId"] = json!("${fixture:nowhere}");
    case["expect"] = json!({"executions": {"fixture": "nowhere"}});
    std::fs::write(dir.join("area.json"), serde_json::to_string(&file_with(case)).unwrap()).unwrap();
    let options = ssm_conformance::_internals::target::TargetOptions {
        specs: Some(dir.to_path_buf()),
        // An endpoint nothing listens on: loading must fail before any request.
        endpoint: Some("http://127.0.0.1:1".into()),
        ..Default::default()
    };
    let err = ssm_conformance::Suite::load(&options, None)
        .err()
        .expect("refused")
        .to_string();
    assert!(
        err.contains("area.json") && err.contains("case \"seeded\"") && err.contains("no fixture \"nowhere\""),
        "{err}"
    );
}

fn reference() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("reference")
}

/// Text as a `docs` cite is compared: rst double backquotes dropped, whitespace collapsed.
fn normalized(text: &str) -> String {
    text.replace("``", "").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The vendored references a source may rest on.
struct References {
    /// The model's shapes.
    shapes: serde_json::Map<String, Value>,
    /// Docs pages (`reference/*.rst` but the examples), normalized.
    docs: Vec<(String, String)>,
    /// The AWS CLI example pages (`reference/awscli-example-*.rst`), normalized.
    cli_examples: Vec<(String, String)>,
}

impl References {
    fn load() -> Self {
        let mut models = Vec::new();
        let mut docs = Vec::new();
        let mut cli_examples = Vec::new();
        for entry in std::fs::read_dir(reference()).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("botocore-") && name.ends_with(".json") {
                models.push(path);
            } else if name.ends_with(".rst") {
                let text = normalized(&std::fs::read_to_string(&path).unwrap());
                if name.starts_with("awscli-example-") {
                    cli_examples.push((name, text));
                } else {
                    docs.push((name, text));
                }
            }
        }
        assert_eq!(models.len(), 1, "one vendored model in reference/: {models:?}");
        assert!(
            !docs.is_empty() && !cli_examples.is_empty(),
            "docs pages and CLI examples in reference/"
        );
        let model: Value = serde_json::from_str(&std::fs::read_to_string(&models[0]).unwrap()).unwrap();
        let shapes = model["shapes"].as_object().expect("the model has shapes").clone();
        References {
            shapes,
            docs,
            cli_examples,
        }
    }

    /// Why `cite` does not resolve as a shape path, if it does not.
    fn model_problem(&self, cite: &str) -> Option<String> {
        let (shape, member) = match cite.split_once('$') {
            Some((s, m)) => (s, Some(m)),
            None => (cite, None),
        };
        let Some(found) = self.shapes.get(shape) else {
            return Some(format!("no shape {shape:?} in the vendored model"));
        };
        match member {
            Some(m) if found["members"].get(m).is_none() => Some(format!("shape {shape:?} has no member {m:?}")),
            _ => None,
        }
    }

    /// Why `cite` is not a sentence of a docs page, if it is not.
    fn docs_problem(&self, cite: &str) -> Option<String> {
        let cite = normalized(cite);
        if self.docs.iter().any(|(_, text)| text.contains(&cite)) {
            None
        } else {
            let pages: Vec<&str> = self.docs.iter().map(|(n, _)| n.as_str()).collect();
            Some(format!("not found word for word in the docs pages {pages:?}"))
        }
    }

    /// Why the note of an `observed:aws-cli-example` case does not quote the example, if it does not:
    /// it must quote at least one fragment in backquotes, and every such fragment must be found.
    fn cli_example_problem(&self, note: &str) -> Option<String> {
        let quotes: Vec<&str> = note.split('`').skip(1).step_by(2).collect();
        if quotes.is_empty() {
            return Some("the note quotes nothing of the AWS CLI example (quote it in backquotes)".into());
        }
        let missing: Vec<&str> = quotes
            .into_iter()
            .filter(|q| !self.cli_examples.iter().any(|(_, text)| text.contains(&normalized(q))))
            .collect();
        (!missing.is_empty()).then(|| format!("quotes not found in the AWS CLI example: {missing:?}"))
    }
}

/// Every source in `cases` that the references do not bear out: file, case, cite and why.
fn unsupported_sources(cases: &[LoadedCase], refs: &References) -> Vec<String> {
    let mut out = Vec::new();
    for c in cases {
        let cite = c.case().cite.as_deref().unwrap_or("");
        let problem = match c.case().source.as_str() {
            "model" => refs.model_problem(cite),
            "docs" => refs.docs_problem(cite),
            "observed:aws-cli-example" => refs.cli_example_problem(c.case().note.as_deref().unwrap_or("")),
            _ => None,
        };
        if let Some(why) = problem {
            out.push(format!(
                "{}, case {:?}, source {}, cite {cite:?}: {why}",
                c.file().display(),
                c.case().id,
                c.case().source
            ));
        }
    }
    out
}

#[test]
fn every_cite_resolves_in_the_vendored_references() {
    let cases = spec::load_dir(&specs()).unwrap();
    let refs = References::load();
    let problems = unsupported_sources(&cases, &refs);
    assert!(
        problems.is_empty(),
        "sources the references do not bear out:\n{}",
        problems.join("\n")
    );
    let count = |s: &str| cases.iter().filter(|c| c.case().source == s).count();
    assert!(
        count("model") > 0 && count("docs") > 0,
        "model and docs cases are checked"
    );
}

#[test]
fn a_cite_the_references_do_not_hold_is_named_with_its_file_and_case() {
    let case = |id: &str, source: &str, cite: Option<&str>, note: Option<&str>| {
        let mut c = good_case();
        c["id"] = json!(id);
        c["source"] = json!(source);
        match cite {
            Some(cite) => c["cite"] = json!(cite),
            None => {
                c.as_object_mut().unwrap().remove("cite");
            }
        }
        if let Some(note) = note {
            c["note"] = json!(note);
        }
        c
    };
    let doc = json!({"area": "area", "description": "d", "cases": [
        good_case(),
        case("no-shape", "model", Some("NoSuchShape"), None),
        case("no-member", "model", Some("DescribeMaintenanceWindowExecutionsRequest$Bogus"), None),
        case("docs-ok", "docs", Some("Lists the  executions of a\nmaintenance window."), None),
        case("docs-markup", "docs", Some("Supported keys include ExecutedBefore and ExecutedAfter."), None),
        case("docs-invented", "docs", Some("Filters compare StartTime."), None),
        case("cli-ok", "observed:aws-cli-example", None, Some("`\"Key=ExecutedAfter,Values=2021-08-04T00:00:00Z\"`")),
        case("cli-unquoted", "observed:aws-cli-example", None, Some("the example shows it")),
        case("cli-invented", "observed:aws-cli-example", None, Some("`Key=ExecutedAfter,Values=2030-01-01T00:00:00Z`")),
    ]});
    let (_tmp, path) = temp_file("cites", &doc);
    let cases = spec::load_file(&path).unwrap();
    let problems = unsupported_sources(&cases, &References::load());
    let named = |id: &str, what: &str| {
        problems
            .iter()
            .any(|p| p.contains(&path.display().to_string()) && p.contains(&format!("case {id:?}")) && p.contains(what))
    };
    assert!(named("no-shape", "cite \"NoSuchShape\": no shape"), "{problems:#?}");
    assert!(named("no-member", "has no member \"Bogus\""), "{problems:#?}");
    assert!(
        named("docs-invented", "cite \"Filters compare StartTime.\": not found"),
        "{problems:#?}"
    );
    assert!(named("cli-unquoted", "quotes nothing"), "{problems:#?}");
    assert!(named("cli-invented", "2030-01-01"), "{problems:#?}");
    assert_eq!(problems.len(), 5, "only the five bad ones: {problems:#?}");
}

#[test]
fn every_open_choice_is_in_the_catalogue_with_its_options() {
    use ssm_conformance::_internals::choices::{self, ObservedBy};
    use std::collections::{BTreeMap, BTreeSet};
    let cases = spec::load_dir(&specs()).unwrap();
    let mut declared: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for c in &cases {
        for o in c.open_expectations() {
            declared
                .entry(o.choice.clone())
                .or_default()
                .extend(o.options.keys().cloned());
        }
    }
    let mut wrong = Vec::new();
    for (name, options) in &declared {
        match choices::find(name) {
            None => wrong.push(format!("{name}: declared by a case, not in src/choices.rs")),
            Some(c) => {
                let listed: BTreeSet<String> = c.options.iter().map(|o| o.to_string()).collect();
                if &listed != options || c.observed_by != ObservedBy::Cases {
                    wrong.push(format!(
                        "{name}: the cases declare {options:?}, the catalogue {listed:?}"
                    ));
                }
            }
        }
    }
    for c in choices::observed_by(ObservedBy::Cases) {
        if !declared.contains_key(c.name) {
            wrong.push(format!("{}: in the catalogue, but no case declares it", c.name));
        }
    }
    // What the pins pin is in the catalogue.
    let pins = Pins::load(&specs().join("profiles").join("reference.json"), &cases).unwrap();
    for (choice, option) in &pins.choices {
        if !choices::find(choice).is_some_and(|c| c.has_option(option)) {
            wrong.push(format!(
                "the reference pins {choice}={option}, which the catalogue does not have"
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
