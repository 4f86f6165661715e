//! Properties, with proptest (case counts from PROPTEST_CASES; failures shrink to a minimal
//! request and data set, kept under proptest-regressions/; the worth-keeping ones become specs).
//!
//! - model-based: random data sets seeded into the embedded emulator, random filters (in `Z`
//!   and offset spellings) and page sizes; the pages must be exactly what the oracle computes.
//! - metamorphic: no oracle, no seeding; they hold on any window. Against the embedded emulator
//!   by default; against any endpoint and existing window with `AWS_ENDPOINT_URL_SSM` (or
//!   `SSM_CONFORMANCE_TARGET=aws`) and `SSM_CONFORMANCE_WINDOW_ID=mw-…`, read-only.

mod common;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use proptest::prelude::*;
use serde_json::{Value, json};
use ssm_conformance::_internals::client::{Client, ClientConfig, Payload};
use ssm_conformance::_internals::emulator::{self, Emulator};
use ssm_conformance::_internals::fixtures::Execution;
use ssm_conformance::_internals::model::STATUSES;
use ssm_conformance::_internals::oracle::{self, Bounds, Order, Query};
use ssm_conformance::_internals::properties::relations::{self, Window};
use ssm_conformance::_internals::target::TargetOptions;
use ssm_conformance::_internals::{fixtures, ids, paging};

const BASE: i64 = 1_730_000_000;

static RT: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| tokio::runtime::Runtime::new().unwrap());

/// The embedded emulator, started once for this test binary.
static EMBEDDED: LazyLock<(emulator::Running, Client)> =
    LazyLock::new(|| common::spawn_with_client(&RT, Emulator::new()));

/// One generated execution: seconds after BASE (coarse, so ties happen), status, length, details.
#[derive(Debug, Clone)]
struct Seed {
    start: i64,
    status: usize,
    runs_for: Option<u16>,
    details: Option<String>,
}

fn seeds(max: usize) -> impl Strategy<Value = Vec<Seed>> {
    let seed = (
        0i64..400,
        0usize..8,
        proptest::option::of(0u16..3600),
        proptest::option::of("[a-z é]{0,20}"),
    )
        .prop_map(|(slot, status, runs_for, details)| Seed {
            start: slot * 60,
            status,
            runs_for,
            details,
        });
    prop::collection::vec(seed, 0..=max)
}

fn executions(seeds: &[Seed]) -> Vec<Execution> {
    seeds
        .iter()
        .enumerate()
        .map(|(i, s)| Execution {
            window_execution_id: format!("0000{:04x}-0000-4000-8000-{i:012x}", s.start % 0xffff),
            status: STATUSES[s.status].to_string(),
            status_details: s.details.clone(),
            start_time: (BASE + s.start) as f64,
            end_time: s.runs_for.map(|r| (BASE + s.start) as f64 + f64::from(r)),
            tasks: Vec::new(),
        })
        .collect()
}

/// An instant spelled with `Z` or with a `+02:00` offset.
fn spell(seconds: i64, with_offset: bool) -> String {
    let t = DateTime::from_timestamp(seconds, 0).unwrap();
    if with_offset {
        t.with_timezone(&FixedOffset::east_opt(7200).unwrap())
            .to_rfc3339_opts(SecondsFormat::Secs, false)
    } else {
        t.to_rfc3339_opts(SecondsFormat::Secs, true)
    }
}

/// A filter bound: (minutes after BASE, spelled with an offset).
fn bound() -> impl Strategy<Value = Option<(i64, bool)>> {
    proptest::option::of((-10i64..410, any::<bool>()))
}

fn page_size() -> impl Strategy<Value = Option<usize>> {
    proptest::option::of(10usize..=100)
}

/// Regressions are kept in proptest-regressions/ and replayed first on every run. Against a
/// remote window (real AWS, say) the case count stays small unless PROPTEST_CASES says otherwise.
fn config(file: &'static str) -> ProptestConfig {
    let remote = std::env::var_os("SSM_CONFORMANCE_WINDOW_ID").is_some();
    let mut config = ProptestConfig {
        failure_persistence: Some(Box::new(prop::test_runner::FileFailurePersistence::Direct(file))),
        ..ProptestConfig::default()
    };
    if remote && std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 16;
    }
    config
}

proptest! {
    #![proptest_config(config("proptest-regressions/model_based.txt"))]
    #[test]
    fn model_based_pages_are_what_the_oracle_computes(
        data in seeds(300),
        after in bound(),
        before in bound(),
        max_results in page_size(),
    ) {
        let (_, client) = &*EMBEDDED;
        let data = executions(&data);
        let window = ids::window_id();
        RT.block_on(fixtures::put_window(client, &window, None, &data)).unwrap();
        let mut params = json!({"WindowId": window});
        let mut filters = Vec::new();
        for (key, b) in [("ExecutedAfter", after), ("ExecutedBefore", before)] {
            if let Some((minutes, offset)) = b {
                filters.push(json!({"Key": key, "Values": [spell(BASE + minutes * 60, offset)]}));
            }
        }
        if !filters.is_empty() {
            params["Filters"] = Value::Array(filters);
        }
        if let Some(m) = max_results {
            params["MaxResults"] = json!(m);
        }
        let outcome = RT.block_on(async {
            let first = client.call("DescribeMaintenanceWindowExecutions", &Payload::Json(params.clone())).await.unwrap();
            let mut requests = 1;
            paging::walk(client, "DescribeMaintenanceWindowExecutions", &params, &first, paging::Limits::for_window(data.len(), max_results), &mut requests).await
        });
        RT.block_on(fixtures::delete_window(client, &window)).unwrap();

        // The query from the instants generated, never from reading back the strings sent.
        let instant = |b: Option<(i64, bool)>| b.map(|(minutes, _)| i128::from(BASE + minutes * 60) * 1_000_000_000);
        let query = Query { after: instant(after), before: instant(before), max_results, either: false };
        let reference: BTreeMap<String, String> = [
            ("order", "newest-first"), ("executed-after-bound", "inclusive"),
            ("executed-before-bound", "inclusive"), ("default-page-size", "50"),
        ].into_iter().map(|(c, o)| (c.to_string(), o.to_string())).collect();
        if let Err(e) = oracle::judge(&data, &oracle::Seeded::new(&data), &window, &query, &outcome, &reference) {
            return Err(TestCaseError::fail(format!("{e}\nrequest: {params}")));
        }
        let bounds = Bounds { after_inclusive: true, before_inclusive: true };
        let expected: Vec<&str> = oracle::expected(&data, &query, bounds, Order::NewestFirst)
            .iter().map(|e| e.window_execution_id.as_str()).collect();
        let got: Vec<String> = outcome.pages.iter().flat_map(|p| &p.executions)
            .map(|e| oracle::returned_id(e).unwrap()).collect();
        prop_assert_eq!(got, expected, "request: {}", params);
    }
}

/// The window the metamorphic properties read: an existing one of the configured endpoint, or
/// one seeded once in the embedded emulator.
struct Subject {
    client: Client,
    window_id: String,
    max_executions: usize,
    /// Start times to try as exact bounds (the seeded ones, where known).
    instants: Vec<i128>,
}

static SUBJECT: LazyLock<Subject> = LazyLock::new(|| {
    let window_id = std::env::var("SSM_CONFORMANCE_WINDOW_ID")
        .ok()
        .filter(|w| !w.is_empty());
    let config = TargetOptions::from_env().resolve().expect("target configuration");
    match (window_id, config.url()) {
        (Some(window_id), Some(endpoint)) => {
            let client = Client::new(ClientConfig {
                endpoint,
                region: config.region.clone(),
                credentials: config.credentials.clone(),
                timeout: config.timeout,
            })
            .unwrap();
            // The window's own start times: bounds on and around its executions, wherever they lie.
            let window = Window {
                client: &client,
                window_id: &window_id,
                max_executions: 10_000,
            };
            let listed = RT.block_on(window.list(&[], Some(100))).expect("listing the window");
            let instants = listed.iter().map(|r| r.start).collect();
            Subject {
                client,
                window_id,
                max_executions: 10_000,
                instants,
            }
        }
        _ => {
            let (_, client) = &*EMBEDDED;
            let data = executions(
                &(0..180)
                    .map(|i| Seed {
                        start: (i * 7919 % 400) * 60,
                        status: i as usize % 8,
                        runs_for: (i % 3 != 0).then_some(600),
                        details: None,
                    })
                    .collect::<Vec<_>>(),
            );
            let window_id = ids::window_id();
            RT.block_on(fixtures::put_window(client, &window_id, None, &data))
                .unwrap();
            Subject {
                client: client.clone(),
                window_id,
                max_executions: data.len(),
                instants: data
                    .iter()
                    .map(|e| i128::from(e.start_time as i64) * 1_000_000_000)
                    .collect(),
            }
        }
    }
});

fn subject() -> Window<'static> {
    Window {
        client: &SUBJECT.client,
        window_id: &SUBJECT.window_id,
        max_executions: SUBJECT.max_executions,
    }
}

/// An instant: one of the known start times (exactly on an execution) or any in the data's span.
fn instant() -> impl Strategy<Value = i128> {
    (any::<prop::sample::Index>(), -100i64..30_000, any::<bool>()).prop_map(|(pick, minutes, exact)| {
        if exact && !SUBJECT.instants.is_empty() {
            SUBJECT.instants[pick.index(SUBJECT.instants.len())]
        } else {
            i128::from(BASE + minutes * 60) * 1_000_000_000
        }
    })
}

proptest! {
    #![proptest_config(config("proptest-regressions/metamorphic.txt"))]
    #[test]
    fn pages_concatenate_to_the_same_sequence(a in page_size(), b in page_size()) {
        RT.block_on(relations::pages_concatenate(subject(), a, b)).map_err(|f| TestCaseError::fail(f.message))?;
    }

    #[test]
    fn a_filter_only_narrows(after in any::<bool>(), t in instant()) {
        let key = if after { "ExecutedAfter" } else { "ExecutedBefore" };
        RT.block_on(relations::filter_only_narrows(subject(), key, t)).map_err(|f| TestCaseError::fail(f.message))?;
    }

    #[test]
    fn after_and_before_cover_all_but_the_instant(t in instant()) {
        RT.block_on(relations::after_and_before_cover(subject(), t)).map_err(|f| TestCaseError::fail(f.message))?;
    }
}
