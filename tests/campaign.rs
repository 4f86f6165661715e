//! Campaigns over several machines: the reports of `--shard K/N` runs, merged, are the report of
//! one machine running it all for the same seed — the correct emulator and a faulty one (whose
//! spec cases and generated phase both fail) alike; a `--duration` campaign draws until its time
//! is up; the CLI merges shards and refuses reports that are not one campaign's.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use common::{NONE, Variant, serve_variant, status_details_trimmed};
use ssm_conformance::_internals::properties::Settings;
use ssm_conformance::{RunOptions, RunReport, Shard, ShardReport};

const SEED: u64 = 20_261_203;

/// One run of the suite against `url`, as a report.
fn report(url: &str, shard: Option<Shard>, settings: Settings) -> RunReport {
    let suite = common::suite_at(url);
    let options = RunOptions {
        properties: Some(settings),
        shard,
        preflight: false,
        interruptible: false,
        ..RunOptions::default()
    };
    let conclusion = ssm_conformance::run(&suite, &options, &mut |_| {}).expect("the suite runs");
    assert!(conclusion.left.is_empty(), "cleanup failed");
    conclusion.report(&suite, "test")
}

/// What must be equal between the merged report and one machine's: every case's outcome, kind,
/// words (times aside) and counterexample; the draw where a part failed, or how many it
/// checked; the failed checks; the totals.
fn verdict(r: &RunReport) -> (BTreeMap<String, String>, Vec<(String, String)>, String) {
    let times = regex::Regex::new(r"\(\d+(\.\d+)? s\)").unwrap();
    let cases = r
        .cases
        .iter()
        .map(|c| {
            let drawn = c.drawn.map(|d| match d.failed_at {
                Some(at) => format!("failed at draw {at}"),
                None => format!("{} checked", d.checked),
            });
            let words = c.reason.as_deref().map(|w| times.replace_all(w, "(_ s)").into_owned());
            let line = format!(
                "{} {:?} {:?} {:?} {drawn:?} {:?}",
                c.outcome,
                c.kind,
                words,
                c.counterexample
                    .as_ref()
                    .map(|x| (&x.history, &x.request, &x.expected, &x.actual)),
                c.observations
            );
            (c.name.clone(), line)
        })
        .collect();
    let checks = r.choices.iter().map(|c| (c.name.clone(), c.reason.clone())).collect();
    (cases, checks, format!("{:?}", r.totals))
}

fn merged_equals_one_machine(variant: Variant, shards: u32) -> RunReport {
    let name = variant.name;
    let served = serve_variant(variant);
    let settings = || Settings::new(Some(SEED), Some(24));
    let whole = report(&served.url, None, settings());
    let parts: Vec<ShardReport> = (1..=shards)
        .map(|k| ShardReport {
            file: format!("shard-{k}.json").into(),
            report: report(
                &served.url,
                Some(Shard {
                    index: k,
                    count: shards,
                }),
                settings(),
            ),
        })
        .collect();
    // Each shard reports only its own slice of the spec cases.
    let spec = |r: &RunReport| r.cases.iter().filter(|c| !c.name.starts_with("properties::")).count();
    assert_eq!(
        parts.iter().map(|p| spec(&p.report)).sum::<usize>(),
        spec(&whole),
        "{name}"
    );
    let merged = ssm_conformance::merge(&parts).unwrap();
    let (a, b) = (verdict(&whole), verdict(&merged));
    for (case, line) in &a.0 {
        assert_eq!(Some(line), b.0.get(case), "{name}: {case}");
    }
    assert_eq!(a, b, "{name}");
    merged
}

#[test]
fn the_merged_shards_of_the_correct_emulator_are_one_machine_run() {
    let merged = merged_equals_one_machine(
        Variant {
            name: "reference",
            ..NONE
        },
        3,
    );
    assert_eq!(
        (merged.totals.failed, merged.totals.skipped),
        (0, 0),
        "{:?}",
        merged.totals
    );
}

/// StatusDetails trimmed in every answer: in the listed executions (which only the generated
/// histories edge with whitespace) and in GetMaintenanceWindowExecution's (which spec cases read).
fn details_trimmed_everywhere() -> Variant {
    Variant {
        name: "status-details-trimmed-everywhere",
        result: Some(|e, request, answer| {
            let mut v = (status_details_trimmed().result.unwrap())(e, request, answer)?;
            if let Some(d) = v.get("StatusDetails").and_then(serde_json::Value::as_str) {
                v["StatusDetails"] = serde_json::json!(d.trim());
            }
            Ok(v)
        }),
        ..NONE
    }
}

#[test]
fn the_merged_shards_of_a_faulty_emulator_are_one_machine_run() {
    let merged = merged_equals_one_machine(details_trimmed_everywhere(), 3);
    let part = merged
        .cases
        .iter()
        .find(|c| c.name == "properties::model-based")
        .unwrap();
    assert_eq!(part.outcome, "failed", "{part:?}");
    assert!(part.drawn.and_then(|d| d.failed_at).is_some() && part.counterexample.is_some());
    assert!(
        merged
            .cases
            .iter()
            .any(|c| !c.name.starts_with("properties::") && c.outcome == "failed"),
        "spec cases fail too"
    );
}

/// A campaign with a duration and no --cases draws until its time is up, many more than the
/// default 32 cases per part, and reports what it checked.
#[test]
fn a_campaign_draws_until_its_time_is_up() {
    let served = serve_variant(Variant {
        name: "reference",
        ..NONE
    });
    let started = std::time::Instant::now();
    let settings = Settings::new(Some(SEED), None).for_duration(std::time::Duration::from_secs(8), false);
    let r = report(&served.url, None, settings);
    let took = started.elapsed();
    let checked: Vec<u64> = r.cases.iter().filter_map(|c| c.drawn.map(|d| d.checked)).collect();
    assert_eq!(
        checked.len(),
        ssm_conformance::Part::ALL.len(),
        "{:?}",
        r.cases.iter().rev().take(4).collect::<Vec<_>>()
    );
    assert!(checked.iter().sum::<u64>() > 4 * 32, "{checked:?}");
    // Its time, plus the spec cases and the end of the cases under way (not a stopwatch test:
    // without the deadline it would never end).
    assert!(took < std::time::Duration::from_secs(120), "{took:?}");
    assert_eq!(r.run.duration.as_deref(), Some("8s"));
    assert_eq!(r.run.generated_cases, None);
}

#[test]
fn the_cli_merges_a_campaign_and_refuses_what_is_not_one() {
    let dir = std::env::temp_dir().join(format!("ssm-conformance-merge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bin = env!("CARGO_BIN_EXE_ssm-conformance");
    for k in 1..=2 {
        let out = Command::new(bin)
            .args([
                "run",
                "--quiet",
                "--seed",
                "7",
                "--cases",
                "8",
                "--shard",
                &format!("{k}/2"),
            ])
            .arg("--report-json")
            .arg(dir.join(format!("{k}.json")))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let merged = dir.join("merged.json");
    let out = Command::new(bin)
        .arg("merge")
        .arg(dir.join("2.json"))
        .arg(dir.join("1.json"))
        .arg("--report-json")
        .arg(&merged)
        .arg("--report-html")
        .arg(dir.join("merged.html"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("observed where AWS leaves the choice open:"),
        "merge prints what a run prints: {stdout}"
    );
    // The cases in one machine's order: file order (as `run --list` gives it), then the parts.
    let listed = Command::new(bin).args(["run", "--list"]).output().unwrap();
    let listed: Vec<String> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .map(|l| l.split_whitespace().next().unwrap_or_default().to_string())
        .collect();
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&merged).unwrap()).unwrap();
    let order: Vec<String> = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(order, listed, "the merged run's cases in one machine's order");
    let page = std::fs::read_to_string(dir.join("merged.html")).unwrap();
    assert!(
        page.contains("properties::model-based") && page.contains("window_id::"),
        "the page lists the merged run"
    );
    // Every spec case and the parts, as one machine's run.
    let all = ssm_conformance::_internals::spec::load_dir(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/specs"
    )))
    .unwrap()
    .len()
        + ssm_conformance::Part::ALL.len();
    assert!(
        stdout.contains(&format!("(2 shards merged): {all} passed, 0 failed")),
        "{stdout}"
    );
    // A shard's report and the merged one hold to the documented form.
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/report-schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for file in [dir.join("1.json"), merged.clone()] {
        let value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let errors: Vec<String> = validator.iter_errors(&value).take(3).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", file.display());
    }
    let report: RunReport = serde_json::from_str(&std::fs::read_to_string(&merged).unwrap()).unwrap();
    assert_eq!(report.run.seed, Some(7));
    assert!(report.run.shard.is_none());
    // A shard without a seed would draw cases of its own.
    let out = Command::new(bin).args(["run", "--shard", "1/2"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--shard 1/2 needs --seed"), "{stderr}");
    // One shard's report alone is not the campaign.
    let out = Command::new(bin).arg("merge").arg(dir.join("1.json")).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("shard 2/2 is missing"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The library's builder runs a campaign too: every part draws until its share of the time is
/// up, with no count to stop at.
#[test]
fn the_library_runs_a_campaign() {
    let served = serve_variant(Variant {
        name: "reference",
        ..NONE
    });
    let conclusion = ssm_conformance::Conformance::endpoint(&served.url)
        .seed(SEED)
        .duration(std::time::Duration::from_secs(2))
        .run(&mut |_| {})
        .unwrap();
    let parts: Vec<_> = conclusion
        .results
        .iter()
        .filter(|r| r.name.starts_with("properties::"))
        .collect();
    assert_eq!(parts.len(), ssm_conformance::Part::ALL.len());
    for p in parts {
        assert!(
            matches!(p.outcome, ssm_conformance::Outcome::Passed),
            "{}: {:?}",
            p.name,
            p.outcome
        );
        assert!(p.drawn.is_some_and(|d| d.checked >= 4), "{}: {:?}", p.name, p.drawn);
    }
    assert_eq!(conclusion.generated.map(|g| g.cases), Some(u32::MAX));
}

/// A part whose share of a campaign's time is gone before it begins (a part before it shrank a
/// failure for long) still checks a case: a part that checked none would pass having judged
/// nothing.
#[test]
fn a_part_whose_time_is_gone_still_judges_a_case() {
    let served = serve_variant(Variant {
        name: "reference",
        ..NONE
    });
    let settings = Settings::new(Some(SEED), None).for_duration(std::time::Duration::ZERO, false);
    let r = report(&served.url, None, settings);
    let parts: Vec<_> = r.cases.iter().filter(|c| c.name.starts_with("properties::")).collect();
    assert_eq!(parts.len(), ssm_conformance::Part::ALL.len());
    for p in parts {
        assert_eq!(p.outcome, "passed", "{p:?}");
        assert!(p.drawn.is_some_and(|d| d.checked >= 1), "{}: {:?}", p.name, p.drawn);
    }
}
