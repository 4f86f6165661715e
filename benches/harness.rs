//! `cargo bench --bench harness` (or `cargo xtask bench`, which also starts moto and fakecloud):
//! the suite's overhead over the wire's floor, the emulator's throughput and latency beside
//! other emulators', the client beside boto3, paging at scale, memory per execution, start-up,
//! the generated phase, and a full run at `--jobs 1` and `--jobs 8` against a far target (a
//! proxy adding 20 ms to each request).
//! Every figure is a median over several runs, and every comparison a ratio of two things
//! measured in the same run on the same machine. It prints ratios, not verdicts.

use std::alloc::{GlobalAlloc, Layout, System};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use ssm_conformance::_internals::client::{Client, ClientConfig, Credentials, Payload};
use ssm_conformance::_internals::emulator::store::{Window, WindowSettings};
use ssm_conformance::_internals::emulator::{self, Emulator};
use ssm_conformance::_internals::fixtures::Execution;
use ssm_conformance::_internals::properties::{self as generated, Part};
use ssm_conformance::_internals::run::session_of;
use ssm_conformance::_internals::{fixtures, ids};
use ssm_conformance::{EventKind, Outcome, RunOptions, Suite, TargetOptions};

/// The latency proxy of the tests (one copy of the code): see [`far_target`].
#[path = "../tests/common/latency.rs"]
mod latency;

/// Counts live heap bytes, for memory per execution.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const DESCRIBE: &str = "DescribeMaintenanceWindowExecutions";

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn client(url: &str) -> Client {
    Client::new(ClientConfig {
        endpoint: url.into(),
        region: "us-east-1".into(),
        credentials: Credentials::dummy(),
        timeout: Duration::from_secs(60),
    })
    .unwrap()
}

fn executions(n: usize, prefix: u32) -> Vec<Execution> {
    (0..n)
        .map(|i| Execution {
            window_execution_id: format!("{prefix:08x}-0000-4000-8000-{i:012x}"),
            status: "SUCCESS".into(),
            status_details: None,
            start_time: 1_700_000_000.0 + i as f64,
            end_time: Some(1_700_000_060.0 + i as f64),
            tasks: Vec::new(),
        })
        .collect()
}

/// A `ssm-conformance serve` process (release build), stopped on drop.
struct Served(Child, String);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve_process() -> Served {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_ssm-conformance"))
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_string();
    Served(child, url)
}

/// A suite against a fresh reference emulator at an explicit URL, served on the session's own
/// current-thread runtime: where `ssm-conformance run` serves its embedded emulator, and where
/// [`replay`] serves the floor's. With a `target_name` the run compares that target's snapshots,
/// without one (an unnamed endpoint) it compares none; `jobs` is `--jobs` (`None`: the
/// default). The emulator stops when the returned [`emulator::Running`] is dropped (drop it
/// first).
fn served_suite(target_name: Option<&str>, jobs: Option<usize>) -> (emulator::Running, Suite) {
    // The port is chosen before the session exists (its URL is part of the configuration); the
    // emulator is then spawned on it inside the session's runtime.
    let port = free_port();
    let suite = Suite::load_sequential(
        &TargetOptions {
            endpoint: Some(format!("http://127.0.0.1:{port}")),
            target_name: target_name.map(str::to_string),
            pins: Some("reference".into()),
            jobs,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let running = session_of(&suite)
        .block_on(emulator::spawn(
            Emulator::new(),
            SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        ))
        .unwrap();
    (running, suite)
}

/// The generated parts' names, in the order a run runs them.
fn part_names() -> Vec<&'static str> {
    Part::ALL.iter().map(|p| p.name()).collect()
}

/// The run's options for a benchmark: the whole selection, no preflight, no Ctrl-C.
fn bench_options(properties: Option<generated::Settings>, filters: &[&str]) -> RunOptions {
    RunOptions {
        filters: filters.iter().map(|f| f.to_string()).collect(),
        properties,
        preflight: false,
        interruptible: false,
        ..RunOptions::default()
    }
}

/// The floor of a recorded run: exactly its requests (same bodies, same order, so the same
/// server work and the same answers) replayed by a bare reqwest loop, one at a time, against a
/// fresh emulator served the way [`served_suite`] serves it: on the loop's own current-thread
/// runtime. Milliseconds.
fn replay(sent: &[ssm_conformance::_internals::client::Recorded]) -> f64 {
    let single = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let running = single
        .block_on(emulator::spawn(
            Emulator::new(),
            SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        ))
        .unwrap();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let start = Instant::now();
    single.block_on(send_all(&http, &running.url(), sent, 1));
    start.elapsed().as_secs_f64() * 1e3
}

/// One recorded request sent bare to `url`, its answer read to the end.
async fn send(http: &reqwest::Client, url: &str, r: &ssm_conformance::_internals::client::Recorded) {
    let mut b = http
        .request(r.method.parse().unwrap(), format!("{url}{}", r.path))
        .body(r.body.clone());
    if let Some(t) = &r.target {
        b = b
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", t);
    } else if !r.body.is_empty() {
        b = b.header("content-type", "application/json");
    }
    b.send().await.unwrap().bytes().await.unwrap();
}

/// `sent` sent bare to `url` in recorded order, `in_flight` at a time: at 1, one after another;
/// above, a new one starts as soon as any finishes (so the pipe is never less full than
/// `in_flight` allows while requests remain: the least time that many connections can take).
async fn send_all(
    http: &reqwest::Client,
    url: &str,
    sent: &[ssm_conformance::_internals::client::Recorded],
    in_flight: usize,
) {
    use futures_util::stream::{self, StreamExt};
    if in_flight <= 1 {
        for r in sent {
            send(http, url, r).await;
        }
    } else {
        stream::iter(sent)
            .map(|r| send(http, url, r))
            .buffer_unordered(in_flight)
            .collect::<Vec<()>>()
            .await;
    }
}

/// The whole spec phase, timed, on a fresh [`served_suite`] (recording, so that the floor can
/// replay it): milliseconds, the requests sent, and whether every case passed.
fn timed_suite(
    target_name: Option<&str>,
    jobs: Option<usize>,
) -> (f64, Vec<ssm_conformance::_internals::client::Recorded>, bool) {
    let (running, suite) = served_suite(target_name, jobs);
    let session = session_of(&suite);
    let client = session.block_on(session.client()).unwrap().clone();
    client.start_recording();
    let start = Instant::now();
    // The spec phase ends where its checks begin (they send nothing): timed and recorded there,
    // before cleanup.
    let mut spec_phase = None;
    let conclusion = ssm_conformance::run(&suite, &bench_options(None, &[]), &mut |event| {
        if matches!(event.kind, EventKind::CheckFinished(_)) && spec_phase.is_none() {
            spec_phase = Some((start.elapsed().as_secs_f64() * 1e3, client.recorded()));
        }
    })
    .unwrap();
    let (ms, sent) = spec_phase.expect("the run checks its choices");
    let passed = conclusion.results.iter().all(|r| r.outcome == Outcome::Passed);
    drop(running);
    (ms, sent, passed)
}

/// Suite overhead: the whole default suite in-process against the reference emulator, with and
/// without snapshot comparison, and the floor ([`replay`]) of the requests it sent.
///
/// The ratio to the floor is taken at `--jobs 1`: the runner then sends one request at a time,
/// as the floor does. The two runs at `--jobs 1` are like for like: each gets a fresh emulator
/// served by [`served_suite`] (same runtime, same server, same profile, both recording for the
/// floor) and only the target name differs, so the difference between them is the snapshots
/// alone; which of the two goes first alternates from run to run, so that neither always pays
/// for a cold start. The suite at the default `--jobs` is timed beside them, as users run it.
fn suite_overhead(runs: usize) -> String {
    let mut suite_ms = Vec::new();
    let mut bare_ms = Vec::new();
    let mut default_jobs_ms = Vec::new();
    let mut floor_ms = Vec::new();
    let mut requests = 0;
    for run in 0..runs {
        for snapshots in [run % 2 == 0, run % 2 != 0] {
            let (ms, sent, passed) = timed_suite(snapshots.then_some("reference"), Some(1));
            if snapshots {
                // The suite as a user runs it: reference snapshots compared, profile pinned.
                assert!(passed, "the suite failed against the reference emulator");
                suite_ms.push(ms);
                requests = sent.len();
                floor_ms.push(replay(&sent));
            } else {
                // The same without snapshot comparison (an unnamed endpoint): what insta costs.
                bare_ms.push(ms);
            }
        }
        let (ms, _, passed) = timed_suite(Some("reference"), None);
        assert!(
            passed,
            "the suite failed against the reference emulator at the default --jobs"
        );
        default_jobs_ms.push(ms);
    }
    // Paired run by run (the two runs of a pair are milliseconds apart), so that drift in the
    // machine's load between pairs does not land on one side only.
    let share = median(suite_ms.iter().zip(&bare_ms).map(|(s, b)| s - b).collect());
    // The ratio of each suite run to the floor replayed right after it, then their median: a
    // stretch of load on this shared machine lands on both sides of a pair, not on one median.
    let ratio = median(suite_ms.iter().zip(&floor_ms).map(|(s, f)| s / f).collect());
    let (s, b, d, f) = (
        median(suite_ms),
        median(bare_ms),
        median(default_jobs_ms),
        median(floor_ms),
    );
    let jobs = ssm_conformance::_internals::target::DEFAULT_JOBS;
    format!(
        "| suite at `--jobs 1`, {} cases, {requests} requests (in-process, reference emulator, snapshots compared) | {s:.1} ms |\n\
         | the same without snapshot comparison (like for like: only the target name differs) | {b:.1} ms |\n\
         | snapshots' share: suite − the same without (median of the {runs} paired differences) | {share:.1} ms |\n\
         | floor: the same {requests} requests replayed by a bare reqwest loop, one at a time | {f:.1} ms |\n\
         | **suite / floor** (both one request at a time; median of the {runs} runs' ratios, each to the floor replayed right after it) | **{ratio:.2}×** (goal ≤ 1.5×) |\n\
         | the suite at the default `--jobs {jobs}`, snapshots compared | {d:.1} ms ({:.2}× the floor) |\n",
        suite_cases(),
        d / f
    )
}

/// The seed of the generated phase's figures: every run generates the same histories and
/// requests, so runs (and benchmark runs on other days) time the same work.
const GENERATED_SEED: u64 = 20_261_125;

/// The generated phase's model-based part (random histories seeded through the fixture protocol,
/// random requests, every page walked and judged) against the reference emulator served as for
/// the suite, under the choices the spec phase observed; and its floor, the same requests
/// replayed bare ([`replay`]). Like the suite, its ratio to the floor is taken at `--jobs 1`,
/// and it is timed at the default `--jobs` beside.
fn generated_phase(runs: usize) -> String {
    let settings = generated::Settings::new(Some(GENERATED_SEED), None);
    // The part alone (`run properties::model-based`), judged under the reference profile's
    // pins; a fresh suite per run (a suite runs once), set up untimed.
    let mut phase_ms = [Vec::new(), Vec::new()];
    let mut floor_ms = Vec::new();
    let mut requests = [0, 0];
    let mut sent_len = 0;
    for _ in 0..runs {
        for (i, jobs) in [Some(1), None].into_iter().enumerate() {
            let (running, suite) = served_suite(Some("reference"), jobs);
            let session = session_of(&suite);
            let client = session.block_on(session.client()).unwrap().clone();
            client.start_recording();
            let mut sent = None;
            let conclusion = ssm_conformance::run(
                &suite,
                &bench_options(Some(settings.clone()), &["properties::model-based"]),
                &mut |event| {
                    if let EventKind::PartFinished(_) = event.kind {
                        sent = Some(client.recorded());
                    }
                },
            )
            .unwrap();
            let result = &conclusion.results[0];
            phase_ms[i].push(result.duration.as_secs_f64() * 1e3);
            assert!(
                result.outcome == Outcome::Passed,
                "the model-based part failed against the reference emulator: {:?}",
                result.outcome
            );
            requests[i] = result.requests;
            if i == 0 {
                let sent = sent.expect("the part finished");
                sent_len = sent.len();
                floor_ms.push(replay(&sent));
            }
            drop(running);
        }
    }
    let cases = f64::from(settings.cases);
    let [one, default] = phase_ms;
    let (p, d, f) = (median(one), median(default), median(floor_ms));
    let [requests, requests_default] = requests;
    // The part counts the requests of each case (seed, pages, delete); the recording is what was
    // replayed. They agree unless the part sent something it does not count.
    let replayed = if sent_len == requests {
        String::new()
    } else {
        format!(" ({sent_len} recorded and replayed)")
    };
    let jobs = ssm_conformance::_internals::target::DEFAULT_JOBS;
    format!(
        "| model-based part at `--jobs 1`, seed {GENERATED_SEED}, {cases} cases (the default), {requests} requests{replayed} (in-process, reference emulator, profile reference) | {p:.1} ms |\n\
         | generated cases per second | {:.0} cases/s |\n\
         | requests per second | {:.0} req/s |\n\
         | floor: the same {sent_len} requests replayed by a bare reqwest loop, one at a time | {f:.1} ms |\n\
         | **phase / floor** (both one request at a time) | **{:.2}×** |\n\
         | the part at the default `--jobs {jobs}` | {d:.1} ms: {:.0} cases/s, {:.0} req/s ({:.2}× the floor) |\n",
        cases / (p / 1e3),
        requests as f64 / (p / 1e3),
        p / f,
        cases / (d / 1e3),
        requests_default as f64 / (d / 1e3),
        d / f
    )
}

/// The delay the far-target section's proxy adds to each request (each chunk the client writes).
const FAR_DELAY: Duration = Duration::from_millis(20);
/// The concurrency the far-target section compares with one job (the default `--jobs`).
const FAR_JOBS: usize = 8;

/// A free port on 127.0.0.1 (bound, then let go).
fn free_port() -> u16 {
    std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A suite against a fresh reference emulator reached through the [`FAR_DELAY`] proxy
/// ([`latency::proxy`], the test helper): the emulator is served on the session's own
/// current-thread runtime, as [`served_suite`] serves it, and the proxy on `rt` (the bench's
/// multi-thread runtime); the session knows only the proxy's URL. An unnamed endpoint (no
/// snapshots compared), profile reference, `--jobs jobs`.
fn far_suite(rt: &tokio::runtime::Runtime, jobs: usize) -> (emulator::Running, Suite) {
    let port = free_port();
    // The proxy connects upstream per accepted connection: the emulator may start after it.
    let url = latency::proxy(rt, format!("127.0.0.1:{port}"), FAR_DELAY);
    let suite = Suite::load_sequential(
        &TargetOptions {
            endpoint: Some(url),
            jobs: Some(jobs),
            pins: Some("reference".into()),
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let running = session_of(&suite)
        .block_on(emulator::spawn(
            Emulator::new(),
            SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        ))
        .unwrap();
    (running, suite)
}

/// One full run through the proxy, timed, and where its time went.
struct FarRun {
    /// Spec phase and generated phase, milliseconds.
    total: f64,
    /// The spec phase (up to its checks), then each part of the generated phase ([`Part::ALL`]):
    /// milliseconds and the requests it sent (recorded).
    parts: Vec<(f64, usize)>,
    /// The spec cases that run alone (after the others, one by one at any `--jobs`), and the
    /// sum of their durations: their wall time.
    alone_cases: usize,
    alone: f64,
    /// Every request sent, for the floor.
    sent: Vec<ssm_conformance::_internals::client::Recorded>,
}

/// A full run as `ssm-conformance run --endpoint <proxy> --jobs <jobs> --seed <seed>` makes
/// it: the spec phase, then the generated phase under the choices it observed (its parts in
/// [`generated::run_phase`]'s order, called one by one as `ssm-conformance run` calls them, so
/// that each part's requests are counted from the recording); every result must pass, and no
/// open choice may be answered two ways.
fn far_run(rt: &tokio::runtime::Runtime, jobs: usize, settings: &generated::Settings) -> FarRun {
    let (running, suite) = far_suite(rt, jobs);
    let session = session_of(&suite);
    let client = session.block_on(session.client()).unwrap().clone();
    client.start_recording();
    let start = Instant::now();
    // Where the time went, from the run's events: the spec phase ends where its checks begin;
    // each part's requests are the recording's growth while it ran.
    let mut parts: Vec<(f64, usize)> = Vec::new();
    let mut before = 0;
    let mut total = 0.0;
    let mut sent = Vec::new();
    let conclusion = ssm_conformance::run(&suite, &bench_options(Some(settings.clone()), &[]), &mut |event| {
        match event.kind {
            EventKind::CheckFinished(_) if parts.is_empty() => {
                before = client.recorded().len();
                parts.push((start.elapsed().as_secs_f64() * 1e3, before));
            }
            EventKind::PartFinished(result) => {
                let now = client.recorded().len();
                parts.push((result.duration.as_secs_f64() * 1e3, now - before));
                before = now;
                // Up to the last part: cleanup is not part of the run's time, nor of the floor's
                // requests.
                total = start.elapsed().as_secs_f64() * 1e3;
                sent = client.recorded();
            }
            _ => {}
        }
    })
    .unwrap();
    let cases: Vec<_> = suite.cases().iter().collect();
    let results = &conclusion.results;
    let choice_failures = conclusion.failed_checks();
    let spec_results = cases.len();
    drop(running);
    let failed: Vec<String> = results
        .iter()
        .filter(|r| !matches!(r.outcome, Outcome::Passed))
        .map(|r| format!("{}: {:?}", r.name, r.outcome))
        .collect();
    assert!(
        failed.is_empty() && choice_failures.is_empty(),
        "the run at --jobs {jobs} through the proxy did not pass: {failed:#?} {choice_failures:#?}"
    );
    // The runner's own rule: only plain reads of one window run together.
    let (mut alone_cases, mut alone) = (0, 0.0);
    for (case, result) in cases.iter().zip(&results[..spec_results]) {
        if case.operation().is_some_and(|o| o.runs_alone()) {
            alone_cases += 1;
            alone += result.duration.as_secs_f64() * 1e3;
        }
    }
    FarRun {
        total,
        parts,
        alone_cases,
        alone,
        sent,
    }
}

/// The floor of a far run: its recorded requests replayed bare ([`send_all`]) through a fresh
/// [`FAR_DELAY`] proxy (on `rt`, as for the run) to a fresh emulator served on the loop's own
/// current-thread runtime (as the run's is served on the session's), `in_flight` at a time.
/// Milliseconds.
fn far_floor(
    rt: &tokio::runtime::Runtime,
    sent: &[ssm_conformance::_internals::client::Recorded],
    in_flight: usize,
) -> f64 {
    let single = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let running = single
        .block_on(emulator::spawn(
            Emulator::new(),
            SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        ))
        .unwrap();
    let url = latency::proxy(rt, running.addr.to_string(), FAR_DELAY);
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let start = Instant::now();
    single.block_on(send_all(&http, &url, sent, in_flight));
    start.elapsed().as_secs_f64() * 1e3
}

/// The generated parts that send their cases one after another whatever `--jobs` (as of this
/// writing; the per-part rows show it): the section also gives the run without them.
const ONE_AT_A_TIME_PARTS: [&str; 2] = ["metamorphic", "stateful"];

/// A far target: the reference emulator behind a proxy that adds [`FAR_DELAY`] to each request,
/// a full run (spec phase and generated phase, seed [`GENERATED_SEED`]) at `--jobs 1` and at
/// `--jobs 8`, both passing, `runs` times each (which goes first alternates); and the floor at
/// each concurrency, the last run's recorded requests replayed bare through the same kind of
/// proxy at the same concurrency (1, or 8 in flight). The floor is replayed once per
/// concurrency: at 20 ms a request it is the delay times the requests, and a replay at 1 takes
/// as long as a run, so replaying it every run would double the section's time.
fn far_target(rt: &tokio::runtime::Runtime, runs: usize) -> String {
    let settings = generated::Settings::new(Some(GENERATED_SEED), None);
    let concurrency = [1, FAR_JOBS];
    let mut measured: [Vec<FarRun>; 2] = [Vec::new(), Vec::new()];
    for run in 0..runs {
        let order = if run % 2 == 0 { [0, 1] } else { [1, 0] };
        for i in order {
            measured[i].push(far_run(rt, concurrency[i], &settings));
        }
    }
    let last = |i: usize| measured[i].last().expect("one run at least");
    let (one, eight) = (last(0), last(1));
    let [f1, f8] = [0, 1].map(|i| far_floor(rt, &last(i).sent, concurrency[i]));
    let med = |i: usize, f: &dyn Fn(&FarRun) -> f64| median(measured[i].iter().map(f).collect());
    let secs = |ms: f64| format!("{:.2} s", ms / 1e3);
    // The median, and the range when there are several runs.
    let spread = |i: usize, f: &dyn Fn(&FarRun) -> f64| {
        let v: Vec<f64> = measured[i].iter().map(f).collect();
        let (lo, hi) = v.iter().fold((f64::MAX, f64::MIN), |(l, h), x| (l.min(*x), h.max(*x)));
        if v.len() > 1 {
            format!("{} ({:.2}–{:.2})", secs(median(v)), lo / 1e3, hi / 1e3)
        } else {
            secs(median(v))
        }
    };
    let total = |r: &FarRun| r.total;
    let (t1, t8) = (med(0, &total), med(1, &total));
    let mut rows = format!(
        "| full run: spec phase ({} cases) + generated phase (seed {GENERATED_SEED}, `--cases {}`; parts {}), every result passed | {} | {} | **{:.2}×** (goal ≥ 4×) |\n\
         | requests sent (recorded) | {} | {} | |\n\
         | floor: the run's requests replayed bare through the same proxy, 1 / {FAR_JOBS} in flight | {} ({:.1} ms a request) | {} | {:.2}× |\n\
         | **run / floor** (same requests, same concurrency) | **{:.2}×** | **{:.2}×** | |\n",
        suite_cases(),
        settings.cases,
        part_names().join(", "),
        spread(0, &total),
        spread(1, &total),
        t1 / t8,
        one.sent.len(),
        eight.sent.len(),
        secs(f1),
        f1 / one.sent.len() as f64,
        secs(f8),
        f1 / f8,
        t1 / f1,
        t8 / f8,
    );
    let mut row = |what: String, f: &dyn Fn(&FarRun) -> f64| {
        let (a, b) = (med(0, f), med(1, f));
        rows.push_str(&format!(
            "| {what} | {} | {} | {:.2}× |\n",
            spread(0, f),
            spread(1, f),
            a / b
        ));
    };
    let names: Vec<String> = std::iter::once("spec phase".to_string())
        .chain(part_names().iter().map(|p| format!("`{}::{p}`", generated::AREA)))
        .collect();
    for (k, name) in names.iter().enumerate() {
        let alone = if k > 0 {
            String::new()
        } else if one.alone_cases == 0 {
            ", every case a plain read of one window: none runs alone".to_string()
        } else {
            format!("; {} cases run alone", one.alone_cases)
        };
        let what = format!(
            "{}{name} ({} / {} requests{alone})",
            if k == 0 { "where the time goes: " } else { "" },
            one.parts[k].1,
            eight.parts[k].1
        );
        row(what, &|r| r.parts[k].0);
        if k == 0 && one.alone_cases > 0 {
            row(
                format!(
                    "of which the {} cases that run alone, one by one at any `--jobs`",
                    one.alone_cases
                ),
                &|r| r.alone,
            );
        }
    }
    let one_at_a_time: Vec<usize> = part_names()
        .iter()
        .enumerate()
        .filter(|(_, p)| ONE_AT_A_TIME_PARTS.contains(p))
        .map(|(k, _)| k + 1)
        .collect();
    if !one_at_a_time.is_empty() {
        let names: Vec<String> = one_at_a_time.iter().map(|k| part_names()[k - 1].to_string()).collect();
        row(
            format!(
                "the run without {} (total − those parts, run by run)",
                names.join(" and ")
            ),
            &|r| r.total - one_at_a_time.iter().map(|k| r.parts[*k].0).sum::<f64>(),
        );
    }
    rows
}

/// The number of spec cases in the default suite.
fn suite_cases() -> usize {
    ssm_conformance::_internals::spec::load_dir(&ssm_conformance::_internals::target::project_root().join("specs"))
        .unwrap()
        .len()
}

/// One request, signed once: the servers measured do not check signatures, and a load
/// generator should spend its time sending, not signing.
fn presigned(url: &str, operation: &str, params: &Value) -> http::Request<Vec<u8>> {
    let mut req = http::Request::builder()
        .method("POST")
        .uri(url)
        .header("host", url.trim_start_matches("http://"))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", format!("AmazonSSM.{operation}"))
        .body(serde_json::to_vec(params).unwrap())
        .unwrap();
    let now = std::time::SystemTime::now();
    ssm_conformance::_internals::client::sign_request(&mut req, &Credentials::dummy(), "us-east-1", "ssm", now)
        .unwrap();
    req
}

/// Requests/s, p50 and p99 from wrk (one thread, `concurrency` connections, `secs`), sending one
/// pre-signed request over and over. wrk is written in C and leaves the server most of the
/// machine; the reqwest generator below is the fallback without it.
fn wrk_load(wrk: &str, url: &str, operation: &str, params: &Value, concurrency: usize, secs: f64) -> (f64, f64, f64) {
    let req = presigned(url, operation, params);
    let lua_string = |s: &str| format!("{s:?}");
    let mut script = String::from("wrk.method = \"POST\"\n");
    script.push_str(&format!(
        "wrk.body = {}\n",
        lua_string(std::str::from_utf8(req.body()).unwrap())
    ));
    for (k, v) in req.headers() {
        if k != "host" {
            script.push_str(&format!(
                "wrk.headers[{}] = {}\n",
                lua_string(k.as_str()),
                lua_string(v.to_str().unwrap())
            ));
        }
    }
    // Removed on drop, which is after wrk has exited (it reads the script for the whole run).
    let file = tempfile::Builder::new()
        .prefix("ssm-conformance-wrk-")
        .suffix(".lua")
        .tempfile()
        .unwrap();
    std::fs::write(file.path(), script).unwrap();
    let out = Command::new(wrk)
        .args([
            "-t1",
            &format!("-c{concurrency}"),
            &format!("-d{}s", secs.ceil() as u64),
            "--latency",
            "-s",
        ])
        .arg(file.path())
        .arg(url)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!text.contains("Non-2xx"), "wrk saw errors:\n{text}");
    let field = |prefix: &str| -> f64 {
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in:\n{text}"));
        let v = line[prefix.len()..].split_whitespace().next().unwrap();
        let (num, unit) = v.split_at(v.find(|c: char| c.is_alphabetic()).unwrap_or(v.len()));
        let n: f64 = num.parse().unwrap();
        match unit {
            "us" => n / 1e3,
            "s" => n * 1e3,
            "k" => n * 1e3,
            _ => n,
        }
    };
    (field("Requests/sec:"), field("50%"), field("99%"))
}

/// Requests/s, p50 and p99 of one pre-built request at `concurrency` for `secs`.
fn load(
    rt: &tokio::runtime::Runtime,
    url: &str,
    operation: &str,
    params: &Value,
    concurrency: usize,
    secs: f64,
) -> (f64, f64, f64) {
    let http = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(concurrency)
        .build()
        .unwrap();
    // Signed once: the servers measured here do not check signatures, and the generator should
    // spend its time sending, not signing.
    let signed = { Arc::new(presigned(url, operation, params)) };
    let count = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let latencies = rt.block_on(async {
        let tasks: Vec<_> = (0..concurrency)
            .map(|_| {
                let (http, signed, count) = (http.clone(), signed.clone(), count.clone());
                tokio::spawn(async move {
                    let mut lat = Vec::new();
                    while Instant::now() < deadline {
                        let mut b = http.post(signed.uri().to_string()).body(signed.body().clone());
                        for (k, v) in signed.headers() {
                            b = b.header(k, v);
                        }
                        let t = Instant::now();
                        let r = b.send().await.unwrap();
                        assert!(r.status().is_success(), "{}", r.status());
                        r.bytes().await.unwrap();
                        lat.push(t.elapsed().as_secs_f64() * 1e3);
                        count.fetch_add(1, Ordering::Relaxed);
                    }
                    lat
                })
            })
            .collect();
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        all
    });
    let mut sorted = latencies;
    sorted.sort_by(f64::total_cmp);
    (
        count.load(Ordering::Relaxed) as f64 / secs,
        percentile(&sorted, 0.5),
        percentile(&sorted, 0.99),
    )
}

fn create_window(rt: &tokio::runtime::Runtime, url: &str) -> String {
    let r = rt
        .block_on(client(url).call(
            "CreateMaintenanceWindow",
            &Payload::Json(json!({"Name": "bench", "Schedule": "rate(1 day)", "Duration": 1, "Cutoff": 0, "AllowUnassociatedTargets": false})),
        ))
        .unwrap();
    r.json.unwrap()["WindowId"].as_str().unwrap().to_string()
}

/// A window at `url` with `n` targets of instances registered (the window API's list).
fn window_with_targets(rt: &tokio::runtime::Runtime, url: &str, n: usize) -> String {
    let window = create_window(rt, url);
    let c = client(url);
    rt.block_on(async {
        for i in 0..n {
            let r = c
                .call(
                    "RegisterTargetWithMaintenanceWindow",
                    &Payload::Json(
                        json!({"WindowId": window, "ResourceType": "INSTANCE", "Name": format!("target-{i}"),
                                          "Targets": [{"Key": "InstanceIds", "Values": [format!("i-{i:017x}")]}]}),
                    ),
                )
                .await
                .unwrap();
            assert_eq!(r.status, 200, "{}", r.summary());
        }
    });
    window
}

/// Throughput and latency at 1, 8 and 64 connections.
fn throughput(
    rt: &tokio::runtime::Runtime,
    fakecloud: Option<&str>,
    moto: Option<&str>,
    secs: f64,
    wrk: Option<&str>,
) -> String {
    let load = |url: &str, op: &str, params: &Value, c: usize| match wrk {
        Some(w) => wrk_load(w, url, op, params, c, secs),
        None => load(rt, url, op, params, c, secs),
    };
    let ours = serve_process();
    let seeded = ids::window_id();
    rt.block_on(fixtures::put_window(
        &client(&ours.1),
        &seeded,
        None,
        &executions(200, 7),
    ))
    .unwrap();
    let ours_empty = create_window(rt, &ours.1);
    let mut rows = String::new();
    let mut line = |what: &str, url: &str, op: &str, params: Value, against: Option<(&str, &str, Value)>| {
        for c in [1, 8, 64] {
            let (rps, p50, p99) = load(url, op, &params, c);
            let mut row = format!("| {what} | {c} | {rps:.0} | {p50:.2} | {p99:.2} |");
            if let Some((name, other, oparams)) = &against {
                let (orps, op50, op99) = load(other, op, oparams, c);
                row.push_str(&format!(
                    " {name}: {orps:.0} req/s, p50 {op50:.2} ms, p99 {op99:.2} ms | **{:.1}×** |",
                    rps / orps
                ));
            } else {
                row.push_str(" — | — |");
            }
            rows.push_str(&row);
            rows.push('\n');
        }
    };
    line(
        "Describe, seeded window (200), MaxResults 50",
        &ours.1,
        DESCRIBE,
        json!({"WindowId": seeded, "MaxResults": 50}),
        None,
    );
    let fc = fakecloud.map(|u| (u, create_window(rt, u)));
    line(
        "Describe, existing window without executions",
        &ours.1,
        DESCRIBE,
        json!({"WindowId": ours_empty, "MaxResults": 50}),
        fc.as_ref()
            .map(|(u, w)| ("fakecloud", *u, json!({"WindowId": w, "MaxResults": 50}))),
    );
    let ours_get = create_window(rt, &ours.1);
    let mo = moto.map(|u| (u, create_window(rt, u)));
    line(
        "GetMaintenanceWindow",
        &ours.1,
        "GetMaintenanceWindow",
        json!({"WindowId": ours_get}),
        mo.as_ref().map(|(u, w)| ("moto", *u, json!({"WindowId": w}))),
    );
    // The window API, which moto implements too: a list of ten targets in one page.
    let ours_targets = window_with_targets(rt, &ours.1, 10);
    let mo_targets = moto.map(|u| (u, window_with_targets(rt, u, 10)));
    line(
        "DescribeMaintenanceWindowTargets, 10 targets, MaxResults 10",
        &ours.1,
        "DescribeMaintenanceWindowTargets",
        json!({"WindowId": ours_targets, "MaxResults": 10}),
        mo_targets
            .as_ref()
            .map(|(u, w)| ("moto", *u, json!({"WindowId": w, "MaxResults": 10}))),
    );
    rows
}

/// Sequential calls/s of the harness's client and of boto3 against the same server.
fn client_vs_boto3(rt: &tokio::runtime::Runtime, python: Option<&str>, runs: usize) -> String {
    let ours = serve_process();
    let window = create_window(rt, &ours.1);
    let c = client(&ours.1);
    let n = 2000;
    let mut rates = Vec::new();
    // Sequential calls, as boto3 makes them: one thread, no hand-offs between workers.
    let single = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for _ in 0..runs {
        let start = Instant::now();
        single.block_on(async {
            for _ in 0..n {
                c.call(DESCRIBE, &Payload::Json(json!({"WindowId": window})))
                    .await
                    .unwrap();
            }
        });
        rates.push(n as f64 / start.elapsed().as_secs_f64());
    }
    let ours_rate = median(rates);
    let Some(python) = python else {
        return format!(
            "| ssm-conformance client | {ours_rate:.0} calls/s |\n| boto3 | not measured (no --python) |\n"
        );
    };
    let script = format!(
        "import boto3,time\nc=boto3.client('ssm',endpoint_url='{}',region_name='us-east-1',aws_access_key_id='a',aws_secret_access_key='b')\n\
         c.describe_maintenance_window_executions(WindowId='{window}')\nr=[]\n\
         for _ in range({runs}):\n  t=time.perf_counter()\n  for _ in range(500): c.describe_maintenance_window_executions(WindowId='{window}')\n  r.append(500/(time.perf_counter()-t))\n\
         r.sort();print(r[len(r)//2])\n",
        ours.1
    );
    let out = Command::new(python).args(["-c", &script]).output().unwrap();
    let boto: f64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or_else(|_| {
        panic!("boto3 run failed: {}", String::from_utf8_lossy(&out.stderr));
    });
    format!(
        "| ssm-conformance client | {ours_rate:.0} calls/s |\n| boto3 | {boto:.0} calls/s |\n| **client / boto3** | **{:.1}×** (goal ≥ 5×) |\n",
        ours_rate / boto
    )
}

/// Scale: paging through n executions at MaxResults 100, the first and the last ten pages; and
/// the memory of the store per execution (live heap bytes).
fn scale(rt: &tokio::runtime::Runtime) -> String {
    let mut rows = String::new();
    let ours = serve_process();
    let c = client(&ours.1);
    for n in [1_000usize, 10_000, 100_000, 1_000_000] {
        let window = ids::window_id();
        rt.block_on(fixtures::put_window(&c, &window, None, &executions(n, 9)))
            .unwrap();
        let mut times = Vec::new();
        let mut token: Option<String> = None;
        rt.block_on(async {
            loop {
                let mut p = json!({"WindowId": window, "MaxResults": 100});
                if let Some(t) = &token {
                    p["NextToken"] = json!(t);
                }
                let start = Instant::now();
                let r = c.call(DESCRIBE, &Payload::Json(p)).await.unwrap();
                times.push(start.elapsed().as_secs_f64() * 1e3);
                match r.json.unwrap()["NextToken"].as_str() {
                    Some(t) => token = Some(t.to_string()),
                    None => break,
                }
            }
        });
        rt.block_on(fixtures::delete_window(&c, &window)).unwrap();
        let k = 10.min(times.len());
        let first = median(times[..k].to_vec());
        let last = median(times[times.len() - k..].to_vec());
        rows.push_str(&format!(
            "| {n} | {} | {first:.3} ms | {last:.3} ms | **{:.2}×** (goal ≤ 1.5×) |\n",
            times.len(),
            last / first
        ));
    }
    let settings = WindowSettings::minimal("bench");
    let n = 1_000_000;
    // Counted from before the data exists: everything the window keeps is in the difference.
    let before = LIVE.load(Ordering::Relaxed);
    let data: Vec<emulator::Execution> = executions(n, 3)
        .into_iter()
        .map(|e| emulator::Execution {
            window_execution_id: e.window_execution_id,
            status: e.status,
            status_details: e.status_details,
            start_time: e.start_time,
            end_time: e.end_time,
        })
        .collect();
    let mut w = Window::new(settings, 0.0);
    w.replace_executions(data);
    let bytes = (LIVE.load(Ordering::Relaxed) - before) as f64 / n as f64;
    assert_eq!(w.len(), n);
    rows.push_str(&format!("\nMemory of the emulator's store: **{bytes:.0} bytes per seeded execution** (1,000,000 executions with EndTime, no StatusDetails; live heap bytes; goal ≤ 256).\n"));
    rows
}

/// Start-up: `ssm-conformance run` from process start to exit, default suite, embedded emulator.
fn startup(runs: usize) -> String {
    let mut ms = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_ssm-conformance"))
            .arg("run")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
        ms.push(start.elapsed().as_secs_f64() * 1e3);
    }
    format!(
        "| `ssm-conformance run`, default suite, embedded emulator, process start to exit | {:.0} ms (goal ≤ 2000 ms) |\n",
        median(ms)
    )
}

/// One campaign of the four parts alone (no spec cases: the reference pins stand for the
/// choices) for `seconds`: generated cases checked, per second of the parts' time.
fn campaign_rate(suite: &Suite, seconds: f64) -> (u64, f64) {
    let settings =
        generated::Settings::new(Some(20_261_125), None).for_duration(Duration::from_secs_f64(seconds), false);
    let conclusion = ssm_conformance::run(suite, &bench_options(Some(settings), &["properties::"]), &mut |_| {})
        .expect("the campaign runs");
    let failed: Vec<&str> = conclusion
        .results
        .iter()
        .filter(|r| !matches!(r.outcome, Outcome::Passed))
        .map(|r| r.name.as_str())
        .collect();
    assert!(failed.is_empty(), "the campaign did not pass: {failed:?}");
    let checked: u64 = conclusion
        .results
        .iter()
        .filter_map(|r| r.drawn.map(|d| d.checked))
        .sum();
    let took: f64 = conclusion.results.iter().map(|r| r.duration.as_secs_f64()).sum();
    (checked, checked as f64 / took)
}

/// The peak resident memory of `ssm-conformance run properties::model-based --cases N` (the
/// release binary, its embedded emulator), read from /proc while it runs: KiB, and seconds.
fn campaign_memory(cases: u32) -> (u64, f64) {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ssm-conformance"))
        .args([
            "run",
            "properties::model-based",
            "--quiet",
            "--seed",
            "20261125",
            "--cases",
        ])
        .arg(cases.to_string())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        // VmHWM is the peak so far: the last reading before exit is the run's.
        if let Some(kib) = std::fs::read_to_string(&status).ok().and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        }) {
            peak = peak.max(kib);
        }
        if let Some(exit) = child.try_wait().unwrap() {
            assert!(exit.success(), "the campaign of {cases} cases did not pass");
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    (peak, start.elapsed().as_secs_f64())
}

/// Section 8: a long campaign's rate (near and far, one job and eight) and its memory as the
/// number of cases grows.
fn campaign(rt: &tokio::runtime::Runtime, seconds: f64) -> String {
    let mut out = String::new();
    let mut rates = Vec::new();
    for jobs in [1, FAR_JOBS] {
        let (near_running, near) = served_suite(None, Some(jobs));
        let near_rate = campaign_rate(&near, seconds);
        drop(near_running);
        let (far_running, far) = far_suite(rt, jobs);
        let far_rate = campaign_rate(&far, seconds);
        drop(far_running);
        rates.push((jobs, near_rate, far_rate));
    }
    for (jobs, (near_n, near), (far_n, far)) in &rates {
        out.push_str(&format!(
            "| generated cases per second at `--jobs {jobs}` | {near:.0} /s ({near_n} cases) | {far:.1} /s ({far_n} cases) |\n"
        ));
    }
    let (_, (_, near1), (_, far1)) = rates[0];
    let (_, (_, near8), (_, far8)) = rates[1];
    out.push_str(&format!(
        "| jobs {FAR_JOBS} / jobs 1 | {:.2}× | **{:.2}×** |\n",
        near8 / near1,
        far8 / far1
    ));
    out.push_str("\n| `run properties::model-based --cases N` (release, embedded emulator) | peak resident memory | time | cases/s |\n|---|---|---|---|\n");
    let mut peaks = Vec::new();
    for cases in [1_000, 10_000, 100_000] {
        let (kib, secs) = campaign_memory(cases);
        peaks.push(kib);
        out.push_str(&format!(
            "| {cases} cases | {:.1} MiB | {secs:.1} s | {:.0} |\n",
            kib as f64 / 1024.0,
            f64::from(cases) / secs
        ));
    }
    out.push_str(&format!(
        "| **10⁵ / 10⁴ cases, peak memory** | **{:.2}×** (flat is 1.00×) | | |\n",
        peaks[2] as f64 / peaks[1] as f64
    ));
    out
}

fn main() {
    let only = arg("--only").unwrap_or_else(|| "suite,throughput,client,scale,startup,generated,far,campaign".into());
    let on = |section: &str| only.split(',').any(|s| s == section);
    let runs: usize = arg("--runs").and_then(|r| r.parse().ok()).unwrap_or(5);
    // A far run at --jobs 1 takes seconds: the far-target section has its own, smaller count.
    let far_runs: usize = arg("--far-runs").and_then(|r| r.parse().ok()).unwrap_or(3);
    let secs: f64 = arg("--seconds").and_then(|r| r.parse().ok()).unwrap_or(3.0);
    let fakecloud = arg("--fakecloud");
    let moto = arg("--moto");
    let python = arg("--python");
    let wrk = arg("--wrk");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    if on("suite") {
        println!(
            "### 1. Suite overhead (median of {runs})\n\n| what | time |\n|---|---|\n{}",
            suite_overhead(runs)
        );
    }
    if on("throughput") {
        println!(
            "### 2. Emulator throughput and latency ({secs} s per point, {} on the same 2 cores)\n\n\
             | request | connections | req/s | p50 ms | p99 ms | other emulator | ours / other |\n|---|---|---|---|---|---|---|\n{}",
            wrk.as_deref()
                .map_or("a reqwest load generator", |_| "wrk, one thread,"),
            throughput(&rt, fakecloud.as_deref(), moto.as_deref(), secs, wrk.as_deref())
        );
    }
    if on("client") {
        println!(
            "### 3. Client vs boto3 (sequential, median of {runs})\n\n| client | rate |\n|---|---|\n{}",
            client_vs_boto3(&rt, python.as_deref(), runs)
        );
    }
    if on("scale") {
        println!(
            "### 4. Scale: paging at MaxResults 100 (median of the first and of the last 10 pages)\n\n\
             | executions | pages | first pages | last pages | last / first |\n|---|---|---|---|---|\n{}",
            scale(&rt)
        );
    }
    if on("startup") {
        println!(
            "### 5. Start-up (median of {runs})\n\n| what | time |\n|---|---|\n{}",
            startup(runs)
        );
    }
    if on("generated") {
        println!(
            "### 6. Generated phase: the model-based part (median of {runs})\n\n| what | figure |\n|---|---|\n{}",
            generated_phase(runs)
        );
    }
    if on("far") {
        println!(
            "### 7. A far target: {} ms added to each request (median of {far_runs})\n\n\
             | what | `--jobs 1` | `--jobs {FAR_JOBS}` | jobs 1 / jobs {FAR_JOBS} |\n|---|---|---|---|\n{}",
            FAR_DELAY.as_millis(),
            far_target(&rt, far_runs)
        );
    }
    if on("campaign") {
        let seconds: f64 = arg("--campaign-seconds").and_then(|r| r.parse().ok()).unwrap_or(8.0);
        println!(
            "### 8. Campaigns: `--duration {seconds}s` of the four parts, seed 20261125 (near: the reference \
             emulator; far: through the {} ms proxy)\n\n| what | near | far |\n|---|---|---|\n{}",
            FAR_DELAY.as_millis(),
            campaign(&rt, seconds)
        );
    }
}
