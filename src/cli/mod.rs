//! The `ssm-conformance` command: run the suite against an endpoint (a reporter of the one
//! run, [`crate::run::run`]), sweep what earlier runs left, write the parity report, or serve
//! the reference emulator as a standalone mock. It sits on top of the crate, beside `embedded`.

mod merge;
mod progress;

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::emulator::Emulator;
use crate::expectations::Expectations;
use crate::outcome::CaseResult;
use crate::properties;
use crate::report::{self, RunReport};
use crate::run::{Conclusion, Event, EventKind, RunOptions, Suite};
use crate::settings;
use crate::spec::Pins;
use crate::target::TargetOptions;

#[derive(Parser)]
#[command(version, about = "Conformance suite for AWS SSM DescribeMaintenanceWindowExecutions")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the suite and print a summary.
    ///
    /// Exit codes: 0 every applicable case passed (or the results match --expectations; skips
    /// of data-dependent cases are said in the last line, and fail with --require-data); 1 a
    /// case failed (throttled throughout and refused seeding included), the target does not
    /// implement the operation, or (CI=true) snapshots are missing; 2 a set-up error: bad flags
    /// or environment, bad specs, a filter that matches no case, an endpoint that cannot be
    /// reached, refuses the credentials or throttles every request, a fixture protocol that
    /// answers a server error, a --window-id that does not exist, or a run most of whose cases
    /// were throttled throughout; 130 interrupted (Ctrl-C), after deleting what the run created.
    Run {
        #[command(flatten)]
        target: Box<TargetOptions>,
        /// Only cases whose name (`<area>::<case-id>`) contains one of these.
        #[arg(value_name = "FILTER")]
        filters: Vec<String>,
        /// List the cases (with the operation each sends) instead of running them.
        #[arg(long)]
        list: bool,
        /// Only cases of this operation (repeatable), e.g. GetMaintenanceWindowExecution.
        #[arg(long = "operation", value_name = "NAME")]
        operations: Vec<String>,
        /// Only this machine's K-th of N slices of the spec cases and of the generated cases
        /// (a campaign over N machines; combine their --report-json with `merge`).
        #[arg(long, value_name = "K/N")]
        shard: Option<crate::shard::Shard>,
        #[command(flatten)]
        outputs: Outputs,
        #[command(flatten)]
        generated: Box<GeneratedOptions>,
    },
    /// Find the windows earlier runs left behind (created or seeded, named
    /// ssm-conformance-<run id>-empty or -fixture) and delete exactly those.
    Sweep {
        #[command(flatten)]
        target: SweepTarget,
        /// Only list them.
        #[arg(long)]
        dry_run: bool,
    },
    /// Combine the JSON reports of a campaign's shards (`run --shard K/N --report-json`) into the
    /// report of one machine running it all, print its summary, and exit as that run would.
    Merge {
        /// Write the merged report as JSON.
        #[arg(long, value_name = "FILE")]
        report_json: Option<PathBuf>,
        /// Write the merged report as one HTML page.
        #[arg(long, value_name = "FILE")]
        report_html: Option<PathBuf>,
        /// Write the merged report as JUnit XML.
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Pass when the merged results match these expectations, as `run --expectations` does.
        #[arg(long, value_name = "FILE")]
        expectations: Option<PathBuf>,
        /// The shards' reports, one each, in any order.
        #[arg(required = true)]
        reports: Vec<PathBuf>,
    },
    /// Write the parity report (Markdown) from JSON reports of runs (`run --report-json`).
    Parity {
        /// Where to write it.
        #[arg(long, default_value = "PARITY.md")]
        out: PathBuf,
        /// Also write the parity page (HTML: the matrix of cases × targets) to FILE.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// Link a target's column in the page to that run's page (`run --report-html`), as
        /// TARGET=URL; repeat for each.
        #[arg(long, value_name = "TARGET=URL")]
        link: Vec<String>,
        /// The reports, one per target, in column order.
        #[arg(required = true)]
        reports: Vec<PathBuf>,
    },
    /// Serve the reference emulator (awsJson at POST /, fixture protocol at /_conformance/v1 and
    /// /_conformance/v2).
    Serve {
        /// Port; 0 picks a free one.
        #[arg(long, default_value_t = 4566)]
        port: u16,
        /// Address to bind (loopback by default).
        #[arg(long, default_value = "127.0.0.1")]
        host: IpAddr,
        /// Refuse API requests not SigV4-signed with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
        /// (and AWS_SESSION_TOKEN, when set), as AWS does.
        #[arg(long)]
        check_signatures: bool,
        /// Seed a window with a fixture's executions at start (repeatable): a fixture file, or
        /// the name of one the suite ships (`task_history`, `statuses`, …); each window's id is
        /// printed, one line each.
        #[arg(long = "fixture", value_name = "FILE|NAME")]
        fixtures: Vec<String>,
    },
}

/// Where `sweep` looks: only the settings it uses (an endpoint is required: the embedded
/// emulator starts empty, so sweeping it would be a false all-clear).
#[derive(clap::Args)]
struct SweepTarget {
    /// Endpoint URL; else AWS_ENDPOINT_URL_SSM, AWS_ENDPOINT_URL.
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
    /// `aws` for real AWS.
    #[arg(long, value_name = "aws", env = settings::TARGET.variable)]
    target: Option<String>,
    /// Signing region; else AWS_REGION, AWS_DEFAULT_REGION, else us-east-1.
    #[arg(long)]
    region: Option<String>,
    /// Limit on connecting and on each request, in seconds.
    #[arg(long, value_name = "SECONDS", env = settings::TIMEOUT.variable, allow_negative_numbers = true)]
    timeout: Option<f64>,
    /// Allow deleting on AWS or a non-loopback endpoint (environment: 1/0, true/false, yes/no).
    #[arg(long, env = settings::ALLOW_MUTATIONS.variable, value_parser = settings::flag_parser(), action = clap::ArgAction::SetTrue)]
    allow_mutations: bool,
}

/// The generated phase: histories and requests made at random, after the spec cases.
#[derive(clap::Args, Default)]
struct GeneratedOptions {
    /// Reproduce a generated phase exactly (every run prints its seed).
    #[arg(long, value_name = "SEED", env = settings::SEED.variable)]
    seed: Option<u64>,
    /// Generated cases per property, at least 1 (each part draws its share: the header says how
    /// many).
    #[arg(long, value_name = "N", env = settings::CASES.variable, value_parser = clap::value_parser!(u32).range(1..))]
    cases: Option<u32>,
    /// A campaign: draw and check generated cases until this time is up (`90s`, `10m`, `2h`;
    /// each part its share), at most --cases per property where given; then shrink what failed.
    #[arg(long, value_name = "TIME", value_parser = humantime::parse_duration)]
    duration: Option<std::time::Duration>,
    /// Skip the generated phase (environment: 1/0, true/false, yes/no).
    #[arg(long, env = settings::NO_PROPERTIES.variable, value_parser = settings::flag_parser(), action = clap::ArgAction::SetTrue)]
    no_properties: bool,
    /// No progress line on stderr (drawn only where stderr is a terminal).
    #[arg(long, short, env = settings::QUIET.variable, value_parser = settings::flag_parser(), action = clap::ArgAction::SetTrue)]
    quiet: bool,
    /// Write each shrunk counterexample as a spec case and fixture under DIR/specs, DIR/fixtures.
    #[arg(long, value_name = "DIR")]
    save_counterexamples: Option<PathBuf>,
    /// Fail the run where data-dependent behaviour (filters, ordering, paging, the generated
    /// phase) was not judged: no fixture protocol, or nothing to relate (environment: 1/0,
    /// true/false, yes/no).
    #[arg(long, env = settings::REQUIRE_DATA.variable, value_parser = settings::flag_parser(), action = clap::ArgAction::SetTrue)]
    require_data: bool,
}

/// What a run writes besides its summary, and what it is held to.
#[derive(clap::Args, Default)]
struct Outputs {
    /// Pass when the results match expectations/<target-name>.json (or FILE), not only when all pass.
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "-")]
    expectations: Option<PathBuf>,
    /// Write the expectations this run would match to expectations/<target-name>.json (or FILE).
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "-")]
    write_expectations: Option<PathBuf>,
    /// Write the snapshots of this run (new and changed) under snapshots/<target-name>/: how a new
    /// target records its first ones.
    #[arg(long)]
    update_snapshots: bool,
    /// The target's name and version, for written expectations.
    #[arg(long, value_name = "TEXT", default_value = "unknown")]
    target_version: String,
    /// Write the run as JSON.
    #[arg(long, value_name = "FILE")]
    report_json: Option<PathBuf>,
    /// Write the run as one HTML page (self-contained; also when the run fails or is interrupted).
    #[arg(long, value_name = "FILE", env = settings::REPORT_HTML.variable)]
    report_html: Option<PathBuf>,
    /// Write the run as JUnit XML.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Write the choices the target made where AWS leaves them open, as a profile cases can pin.
    #[arg(long, value_name = "FILE")]
    record_profile: Option<PathBuf>,
}

/// The whole binary: parse the command line, run the command, exit with its code.
pub fn main() -> ExitCode {
    // Before clap reads them: a bad value is named by its variable, not by the flag.
    if let Err(e) = crate::settings::check_environment() {
        return fail(e);
    }
    let cli = Cli::parse();
    if let Command::Run { outputs, .. } = &cli.command
        && outputs.update_snapshots
    {
        // SAFETY: set before any thread exists (no runtime, no suite yet); insta reads it when it
        // first compares.
        unsafe { std::env::set_var("INSTA_UPDATE", "always") };
    }
    match cli.command {
        Command::Run {
            target,
            filters,
            list,
            operations,
            shard,
            outputs,
            generated,
        } => {
            let selection = Selection {
                filters,
                operations,
                shard,
            };
            if list {
                list_cases(&target, &selection, &generated)
            } else {
                run(&target, &selection, &outputs, &generated)
            }
        }
        Command::Merge {
            report_json,
            report_html,
            junit,
            expectations,
            reports,
        } => merge::merge(
            &reports,
            report_json.as_deref(),
            report_html.as_deref(),
            junit.as_deref(),
            expectations.as_deref(),
        ),
        Command::Parity {
            out,
            html,
            link,
            reports,
        } => parity(&out, html.as_deref(), &link, &reports),
        Command::Sweep { target, dry_run } => sweep(&target, dry_run),
        Command::Serve {
            port,
            host,
            check_signatures,
            fixtures,
        } => serve(SocketAddr::new(host, port), check_signatures, &fixtures),
    }
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("ssm-conformance: {message}");
    ExitCode::from(2)
}

/// `expectations/<name>.json` unless a file was given (`-`: none was).
fn expectations_file(given: &Path, target_name: Option<&str>, for_writing: bool) -> Result<PathBuf, String> {
    if given.as_os_str() != "-" {
        return Ok(given.to_path_buf());
    }
    target_name
        .map(|n| {
            // The current directory's, else the one shipped with the suite (moto, fakecloud, …).
            let here = PathBuf::from("expectations").join(format!("{n}.json"));
            let shipped = crate::bundle::data_root()
                .join("expectations")
                .join(format!("{n}.json"));
            if for_writing || here.exists() || !shipped.exists() {
                here
            } else {
                shipped
            }
        })
        .ok_or_else(|| "expectations need --target-name (or a FILE)".to_string())
}

/// Write `report` as JSON, one HTML page and JUnit where asked: what each write came to.
fn write_reports(
    report: &RunReport,
    json: Option<&Path>,
    html: Option<&Path>,
    junit: Option<&Path>,
) -> Vec<Result<(), String>> {
    let mut written = Vec::new();
    if let Some(f) = json {
        written.push(write_file(f, &json_text(report)));
    }
    if let Some(f) = html {
        written.push(write_file(f, &report::run_html(report)));
    }
    if let Some(f) = junit {
        written.push(
            report::junit_xml(report)
                .map_err(|e| e.to_string())
                .and_then(|x| write_file(f, &x)),
        );
    }
    written
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// What of the suite a run runs (or lists).
struct Selection {
    filters: Vec<String>,
    operations: Vec<String>,
    shard: Option<crate::shard::Shard>,
}

impl Selection {
    fn options(&self, generated: &GeneratedOptions) -> RunOptions {
        RunOptions {
            filters: self.filters.clone(),
            operations: self.operations.clone(),
            shard: self.shard,
            properties: (!generated.no_properties).then(|| {
                let mut settings = properties::Settings::new(generated.seed, generated.cases);
                settings.save_counterexamples = generated.save_counterexamples.clone();
                match generated.duration {
                    Some(d) => settings.for_duration(d, generated.cases.is_some()),
                    None => settings,
                }
            }),
            require_data: generated.require_data,
            ..RunOptions::default()
        }
    }
}

fn run(options: &TargetOptions, selection: &Selection, outputs: &Outputs, generated: &GeneratedOptions) -> ExitCode {
    if let Some(shard) = selection.shard
        && !generated.no_properties
        && generated.seed.is_none()
    {
        // Else each machine draws its own cases, and `merge` refuses them after the work.
        return fail(format!(
            "--shard {shard} needs --seed S, the same on every shard: each draws the campaign's cases from it"
        ));
    }
    // A set-up error is written into the reports asked for, too: a CI step that uploads them
    // `if: always()` finds why nothing was judged.
    let fail = |e: &dyn std::fmt::Display| set_up_failed(options, outputs, &e.to_string());
    let suite = match Suite::load_sequential(options, Some(crate::embedded::start())) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let target_name = suite.target_name().map(str::to_string);
    // Read the expectations before anything is sent: a bad file is a usage error.
    let expectations = match &outputs.expectations {
        None => None,
        Some(given) => match expectations_file(given, target_name.as_deref(), false).map(|f| Expectations::load(&f)) {
            Ok(Ok(e)) => Some(std::sync::Arc::new(e)),
            Ok(Err(e)) if !e.file.exists() => {
                return fail(&format!(
                    "{e} (hint: write it first with --write-expectations, from a run against the target)"
                ));
            }
            Ok(Err(e)) => return fail(&e),
            Err(e) => return fail(&e),
        },
    };
    let run_options = RunOptions {
        expectations,
        snapshots_required: settings::ci(),
        ..selection.options(generated)
    };
    let mut progress = progress::Progress::new(generated.quiet);
    let mut parts: Vec<crate::properties::Part> = Vec::new();
    let mut reporter = |event: Event<'_>| {
        progress.event(&event);
        match event.kind {
            EventKind::Started { parts: p, .. } => parts = p.to_vec(),
            EventKind::PhaseStarted { seed, cases } if !parts.is_empty() => progress.print(|| {
                // Each part draws its own share of --cases: say what each draws.
                let each = parts
                    .iter()
                    .map(|p| format!("{} {}", p.name(), p.cases(cases)))
                    .collect::<Vec<_>>()
                    .join(", ");
                let per = match (generated.duration, cases) {
                    (Some(d), u32::MAX) => format!("for {}", humantime::format_duration(d)),
                    (Some(d), _) => format!("for {}, at most {each} cases", humantime::format_duration(d)),
                    (None, _) => format!("{each} cases"),
                };
                let shard = selection.shard.map(|s| format!(", shard {s}")).unwrap_or_default();
                println!("generated phase: seed {seed} ({per}{shard}; reproduce with --seed {seed})");
            }),
            other => {
                if let Some(notice) = other.notice() {
                    progress.print(|| {
                        for line in notice.lines() {
                            eprintln!("ssm-conformance: {line}");
                        }
                    });
                }
            }
        }
    };
    let run = crate::run::run(&suite, &run_options, &mut reporter);
    progress.finish();
    let conclusion = match run {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    if conclusion.interrupted {
        // What ran is still worth a page, and its JSON (marked interrupted: a stopped campaign
        // keeps what it found, and `merge` counts what it did not reach as unjudged); the other
        // reports wait for a whole run.
        let report = conclusion.report(&suite, &outputs.target_version);
        if let Some(f) = &outputs.report_html
            && let Err(e) = write_file(f, &report::run_html(&report))
        {
            eprintln!("ssm-conformance: {e}");
        }
        if let Some(f) = &outputs.report_json
            && let Err(e) = write_file(f, &json_text(&report))
        {
            eprintln!("ssm-conformance: {e}");
        }
        return ExitCode::from(conclusion.verdict.exit_code);
    }
    conclude(&suite, &conclusion, outputs)
}

/// A run that could not be set up: the line on stderr, exit 2, and the reports asked for
/// written with that verdict and no case (the endpoint as it may be shown).
fn set_up_failed(options: &TargetOptions, outputs: &Outputs, message: &str) -> ExitCode {
    let endpoint = options
        .endpoint
        .as_deref()
        .map_or_else(|| "the embedded emulator".to_string(), crate::client::shown_endpoint);
    let target = options.target_name.clone().unwrap_or_else(|| endpoint.clone());
    let verdict = crate::verdict::Verdict::set_up_error(message);
    let mut report = RunReport::new(&target, &outputs.target_version, &endpoint, &[], &[], &|_| {
        report::CaseFacts::default()
    });
    report.run.date = Some(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    let report = report.held_to(&verdict);
    let written = write_reports(
        &report,
        outputs.report_json.as_deref(),
        outputs.report_html.as_deref(),
        outputs.junit.as_deref(),
    );
    eprintln!("ssm-conformance: {message}");
    for e in written.into_iter().filter_map(Result::err) {
        eprintln!("ssm-conformance: {e}");
    }
    ExitCode::from(2)
}

/// The cases (with the operation each sends) and parts a run would run; sends nothing, so it
/// needs no target (nor credentials for one).
fn list_cases(options: &TargetOptions, selection: &Selection, generated: &GeneratedOptions) -> ExitCode {
    use std::io::Write;
    let cases = match crate::spec::load_dir(&options.specs_dir()) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let selection = selection.options(generated);
    let dealt = selection
        .shard
        .map(|shard| crate::run::dealt(&cases, &selection, shard));
    // A closed pipe (`| head`) ends the listing quietly.
    let mut out = std::io::stdout().lock();
    for c in cases
        .iter()
        .filter(|c| selection.selects(&c.name()) && selection.selects_operation(c.case.request.operation()))
        .filter(|c| dealt.as_ref().is_none_or(|d| d.contains(&c.name())))
    {
        if writeln!(out, "{}  ({})", c.name(), c.case.request.operation()).is_err() {
            return ExitCode::SUCCESS;
        }
    }
    if !generated.no_properties {
        for part in selection.parts().0 {
            if writeln!(out, "{}", part.result_name()).is_err() {
                return ExitCode::SUCCESS;
            }
        }
    }
    ExitCode::SUCCESS
}

/// After the run: the summary, the files asked for, and the verdict's exit code (the verdict is
/// the run's own, [`Conclusion::verdict`]: this only shows it).
fn conclude(suite: &Suite, conclusion: &Conclusion, outputs: &Outputs) -> ExitCode {
    let target_name = suite.target_name().map(str::to_string);
    let endpoint = conclusion.endpoint.clone();
    let target = match &target_name {
        Some(n) => format!("{n} ({endpoint})"),
        None => endpoint.clone(),
    };
    let results = &conclusion.results;
    let choice_failures = conclusion.failed_checks();
    let mut out = std::io::stdout().lock();
    if let Err(e) = report::write_summary(&mut out, &target, results, &choice_failures) {
        return fail(format!("cannot write the summary: {e}"));
    }
    let throttling = conclusion.throttling;
    if throttling.throttled > 0 {
        println!(
            "the target throttled {} requests; {:.1} s spent waiting",
            throttling.throttled,
            throttling.waited.as_secs_f64()
        );
    }
    if throttling.transport_retries > 0 {
        println!(
            "{} requests retried after transport errors (a connection dropped before an answer): {}",
            throttling.transport_retries,
            conclusion
                .transport_retries
                .iter()
                .map(|(what, n)| format!("{what} ×{n}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let name = target_name.clone().unwrap_or_else(|| endpoint.clone());
    let run_report = conclusion.report(suite, &outputs.target_version);
    let mut written = write_reports(
        &run_report,
        outputs.report_json.as_deref(),
        outputs.report_html.as_deref(),
        outputs.junit.as_deref(),
    );
    if let Some(f) = &outputs.record_profile {
        written.push(write_file(
            f,
            &record_profile(f, &endpoint, suite.region(), results, &choice_failures),
        ));
    }
    if let Some(given) = &outputs.write_expectations {
        let file = match expectations_file(given, target_name.as_deref(), true) {
            Ok(f) => f,
            Err(e) => return fail(e),
        };
        let previous = Expectations::load(&file).ok();
        let fresh = Expectations::from_results(
            &name,
            &outputs.target_version,
            results,
            &conclusion.checks,
            previous.as_ref(),
        );
        written.push(write_file(&file, &json_text(&fresh)).map(|()| {
            println!(
                "wrote {} ({} cases listed as not passing{})",
                file.display(),
                fresh.cases.len(),
                if fresh.unsupported.is_some() {
                    "; the operation is unsupported"
                } else {
                    ""
                }
            );
        }));
    }
    if let Some(e) = written.into_iter().find_map(Result::err) {
        return fail(e);
    }
    print_verdict(&name, &conclusion.verdict);
    ExitCode::from(conclusion.verdict.exit_code)
}

/// The verdict's closing lines: as expected, or each reason (a set-up error on stderr, as every
/// exit 2 is), with each result that differs from the expectations.
pub(crate) fn print_verdict(name: &str, verdict: &crate::verdict::Verdict) {
    use crate::verdict::{ReasonKind, Standing};
    if verdict.passed() {
        if verdict.held_to_expectations {
            println!("{name}: {}", verdict.meaning());
        }
        return;
    }
    for reason in &verdict.reasons {
        match reason.kind {
            k if k.is_set_up() || k == ReasonKind::SnapshotsMissing => {
                eprintln!("ssm-conformance: {}", reason.message);
            }
            // Only a run held to expectations differs from them: each result that does, why.
            ReasonKind::Differs => {
                println!("{name}: {}:", reason.message);
                for (case, standing) in &verdict.standings {
                    if let Standing::Failed { why } = standing {
                        println!("  {case}: {why}");
                    }
                }
            }
            // Without expectations, the failure blocks above the totals have said it.
            _ if verdict.held_to_expectations => println!("{name}: {}", reason.message),
            _ => {}
        }
    }
}

/// A profile pinning every choice the run observed one way.
fn record_profile(
    file: &Path,
    endpoint: &str,
    region: &str,
    results: &[CaseResult],
    choice_failures: &[(String, String)],
) -> String {
    let mut choices: BTreeMap<String, String> = BTreeMap::new();
    for o in results.iter().flat_map(|r| &r.observations) {
        if let Some(c) = &o.choice {
            choices.insert(c.clone(), o.option.clone());
        }
    }
    for (name, _) in choice_failures {
        choices.remove(name.trim_start_matches("choices::"));
    }
    let pins = Pins {
        name: file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("recorded")
            .to_string(),
        recorded: format!(
            "{} against {endpoint} (region {region}) by ssm-conformance {}",
            chrono::Utc::now().format("%Y-%m-%d"),
            env!("CARGO_PKG_VERSION")
        ),
        choices,
    };
    json_text(&pins)
}

fn sweep(target: &SweepTarget, dry_run: bool) -> ExitCode {
    let options = TargetOptions {
        endpoint: target.endpoint.clone(),
        target: target.target.clone(),
        region: target.region.clone(),
        timeout: target.timeout,
        allow_mutations: target.allow_mutations,
        ..TargetOptions::default()
    };
    let has_endpoint = options.endpoint.is_some()
        || options.target.as_deref() == Some("aws")
        || ["AWS_ENDPOINT_URL_SSM", "AWS_ENDPOINT_URL"]
            .iter()
            .any(|k| std::env::var(k).is_ok_and(|v| !v.trim().is_empty()));
    if !has_endpoint {
        return fail(
            "sweep needs --endpoint URL (or --target aws): the embedded emulator starts empty, so there is nothing to sweep",
        );
    }
    let suite = match Suite::load(&options, None) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let session = &suite.session;
    let client = match session.block_on(session.client()) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let found = match session.block_on(crate::sweep::leftovers(client)) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("ssm-conformance: {e}");
            return ExitCode::from(1);
        }
    };
    if found.is_empty() {
        println!("no windows left by earlier runs");
        return ExitCode::SUCCESS;
    }
    for (id, name) in &found {
        println!("left by an earlier run: {id} ({name})");
    }
    if dry_run {
        return ExitCode::SUCCESS;
    }
    if !session.may_mutate() {
        eprintln!("ssm-conformance: deleting needs --allow-mutations on this target; nothing was deleted");
        return ExitCode::from(1);
    }
    let mut failed = false;
    for (id, name) in &found {
        match session.block_on(crate::sweep::delete_left(client, id, name)) {
            Ok(()) => println!("deleted {id}"),
            Err(e) => {
                failed = true;
                eprintln!("ssm-conformance: could not delete {id}: {e}");
            }
        }
    }
    ExitCode::from(u8::from(failed))
}

/// `value` as the files the command writes hold JSON: pretty, with a final newline.
fn json_text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("serializes") + "\n"
}

/// The reports of `run --report-json` in `files`, or what is wrong with one (named).
fn read_reports(files: &[PathBuf]) -> Result<Vec<RunReport>, String> {
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
            serde_json::from_str::<RunReport>(&text)
                .map_err(|e| format!("{}: not a report of `run --report-json`: {e}", f.display()))
        })
        .collect()
}

fn parity(out: &Path, html: Option<&Path>, links: &[String], files: &[PathBuf]) -> ExitCode {
    let reports = match read_reports(files) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let mut by_target: BTreeMap<&str, String> = BTreeMap::new();
    for l in links {
        match l.split_once('=') {
            Some((t, url)) if reports.iter().any(|r| r.target == t) => {
                by_target.insert(t, url.to_string());
            }
            _ => return fail(format!("--link {l:?}: TARGET=URL, TARGET one of the reports' targets")),
        }
    }
    let date = chrono::Utc::now().format("%Y-%m-%d").to_string();
    if let Err(e) = write_file(out, &report::parity_markdown(&reports, &date)) {
        return fail(e);
    }
    println!("wrote {}", out.display());
    if let Some(page) = html {
        let links: Vec<Option<String>> = reports
            .iter()
            .map(|r| by_target.get(r.target.as_str()).cloned())
            .collect();
        if let Err(e) = write_file(page, &report::parity_html(&reports, &date, &links)) {
            return fail(e);
        }
        println!("wrote {}", page.display());
    }
    ExitCode::SUCCESS
}

/// The fixtures `given` (files, or names of the suite's own), loaded before anything listens: a
/// bad one is a set-up error.
fn serve_fixtures(given: &[String]) -> Result<Vec<(String, crate::fixtures::Fixture)>, String> {
    given
        .iter()
        .map(|g| {
            let file = if g.ends_with(".json") || g.contains('/') {
                PathBuf::from(g)
            } else {
                crate::bundle::data_root().join("fixtures").join(format!("{g}.json"))
            };
            crate::fixtures::Fixture::load(&file)
                .map(|f| (file.display().to_string(), f))
                .map_err(|e| format!("--fixture {g}: {e}"))
        })
        .collect()
}

fn serve(addr: SocketAddr, check_signatures: bool, fixtures: &[String]) -> ExitCode {
    let fixtures = match serve_fixtures(fixtures) {
        Ok(f) => f,
        Err(e) => return fail(e),
    };
    let emulator = if check_signatures {
        match crate::client::Credentials::from_env() {
            Some(c) => Emulator::checking_signatures(vec![crate::emulator::Signer {
                access_key_id: c.access_key_id,
                secret_access_key: c.secret_access_key,
                session_token: c.session_token,
            }]),
            None => return fail("--check-signatures needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"),
        }
    } else {
        Emulator::new()
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("ssm-conformance: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(async {
        let running = match crate::emulator::spawn(emulator, addr).await {
            Ok(r) => r,
            Err(e) => {
                eprintln!("ssm-conformance: cannot listen on {addr}: {e}");
                return ExitCode::from(2);
            }
        };
        println!("ssm-conformance emulator listening on {}", running.url());
        if !fixtures.is_empty() {
            // Seeded through the fixture protocol, as the suite seeds (signed as a client would,
            // where signatures are checked).
            let client = crate::client::Client::new(crate::client::ClientConfig {
                endpoint: running.url(),
                region: "us-east-1".into(),
                credentials: crate::client::Credentials::from_env().unwrap_or_else(crate::client::Credentials::dummy),
                timeout: std::time::Duration::from_secs(30),
            });
            let client = match client {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("ssm-conformance: {e}");
                    return ExitCode::from(2);
                }
            };
            for (file, fixture) in &fixtures {
                let id = crate::ids::window_id();
                if let Err(e) =
                    crate::fixtures::put_window(&client, &id, Some(&fixture.name), &fixture.executions).await
                {
                    eprintln!("ssm-conformance: cannot seed {file}: {e}");
                    return ExitCode::from(2);
                }
                println!(
                    "seeded window {id} with {} executions from {file}",
                    fixture.executions.len()
                );
            }
        }
        let _ = tokio::signal::ctrl_c().await;
        ExitCode::SUCCESS
    })
}
