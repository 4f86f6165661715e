//! `ssm-conformance`: run the conformance suite against an endpoint, or serve the reference
//! emulator as a standalone mock.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use ssm_conformance::emulator::Emulator;
use ssm_conformance::expectations::Expectations;
use ssm_conformance::report::{self, RunReport};
use ssm_conformance::runner::harness::Suite;
use ssm_conformance::runner::{CaseResult, run_all};
use ssm_conformance::spec::Profile;
use ssm_conformance::target::TargetOptions;

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
    /// Exit codes: 0 every applicable case passed (or the results match --expectations); 1 a
    /// case failed, the target does not implement the operation, or (CI=true) snapshots are
    /// missing; 2 a set-up error: bad flags or environment, bad specs, a filter that matches no
    /// case, an endpoint that cannot be reached or refuses the credentials, a --window-id that
    /// does not exist; 130 interrupted (Ctrl-C), after deleting what the run created.
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
        #[command(flatten)]
        outputs: Outputs,
        #[command(flatten)]
        generated: GeneratedOptions,
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
    /// Write the parity report (Markdown) from JSON reports of runs (`run --report-json`).
    Parity {
        /// Where to write it.
        #[arg(long, default_value = "PARITY.md")]
        out: PathBuf,
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
    #[arg(long, value_name = "aws", env = "SSM_CONFORMANCE_TARGET")]
    target: Option<String>,
    /// Signing region; else AWS_REGION, AWS_DEFAULT_REGION, else us-east-1.
    #[arg(long)]
    region: Option<String>,
    /// Limit on connecting and on each request, in seconds.
    #[arg(long, value_name = "SECONDS", env = "SSM_CONFORMANCE_TIMEOUT")]
    timeout: Option<f64>,
    /// Allow deleting on AWS or a non-loopback endpoint (environment: 1/0, true/false, yes/no).
    #[arg(long, env = "SSM_CONFORMANCE_ALLOW_MUTATIONS", value_parser = clap::builder::BoolishValueParser::new(), action = clap::ArgAction::SetTrue)]
    allow_mutations: bool,
}

/// The generated phase: histories and requests made at random, after the spec cases.
#[derive(clap::Args, Default)]
struct GeneratedOptions {
    /// Reproduce a generated phase exactly (every run prints its seed).
    #[arg(long, value_name = "SEED", env = "SSM_CONFORMANCE_SEED")]
    seed: Option<u64>,
    /// Generated cases per property.
    #[arg(long, value_name = "N", env = "SSM_CONFORMANCE_CASES")]
    cases: Option<u32>,
    /// Skip the generated phase.
    #[arg(long)]
    no_properties: bool,
    /// Write each shrunk counterexample as a spec case and fixture under DIR/specs, DIR/fixtures.
    #[arg(long, value_name = "DIR")]
    save_counterexamples: Option<PathBuf>,
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
    /// Write the run as JUnit XML.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Write the choices the target made where AWS leaves them open, as a profile cases can pin.
    #[arg(long, value_name = "FILE")]
    record_profile: Option<PathBuf>,
}

fn main() -> ExitCode {
    // Before clap reads them: a bad value is named by its variable, not by the flag.
    if let Err(e) = ssm_conformance::target::check_environment() {
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
            outputs,
            generated,
        } => run(&target, &filters, &operations, list, &outputs, &generated),
        Command::Parity { out, reports } => parity(&out, &reports),
        Command::Sweep { target, dry_run } => sweep(&target, dry_run),
        Command::Serve {
            port,
            host,
            check_signatures,
        } => serve(SocketAddr::new(host, port), check_signatures),
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
            let shipped = ssm_conformance::bundle::data_root()
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

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn run(
    options: &TargetOptions,
    filters: &[String],
    operations: &[String],
    list: bool,
    outputs: &Outputs,
    generated: &GeneratedOptions,
) -> ExitCode {
    if list {
        // Listing sends nothing, so it needs no target (nor credentials for one).
        let dir = options.specs_dir();
        return match ssm_conformance::spec::load_dir(&dir) {
            Ok(cases) => {
                let wanted = |name: &str| filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()));
                let of_operation = |op: &str| operations.is_empty() || operations.iter().any(|o| o == op);
                use std::io::Write;
                // A closed pipe (`| head`) ends the listing quietly.
                let mut out = std::io::stdout().lock();
                for c in cases
                    .iter()
                    .filter(|c| wanted(&c.name()) && of_operation(c.case.request.operation()))
                {
                    if writeln!(out, "{}  ({})", c.name(), c.case.request.operation()).is_err() {
                        return ExitCode::SUCCESS;
                    }
                }
                if !generated.no_properties && operations.is_empty() {
                    for p in ssm_conformance::generated::PARTS {
                        let name = format!("{}::{p}", ssm_conformance::generated::AREA);
                        if wanted(&name) && writeln!(out, "{name}").is_err() {
                            return ExitCode::SUCCESS;
                        }
                    }
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        };
    }
    let suite = match Suite::load_sequential(options, Some(ssm_conformance::embedded::start())) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let target_name = suite.session.config.name.clone();
    // Read the expectations before anything is sent: a bad file is a usage error.
    let expectations = match &outputs.expectations {
        None => None,
        Some(given) => match expectations_file(given, target_name.as_deref(), false).map(|f| Expectations::load(&f)) {
            Ok(Ok(e)) => Some(e),
            Ok(Err(e)) => return fail(e),
            Err(e) => return fail(e),
        },
    };
    let known_operations: std::collections::BTreeSet<&str> =
        suite.cases.iter().map(|c| c.case.request.operation()).collect();
    if let Some(unknown) = operations.iter().find(|o| !known_operations.contains(o.as_str())) {
        return fail(format!(
            "no case sends {unknown:?}; the operations with cases: {}",
            known_operations.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    let cases: Vec<_> = suite
        .cases
        .iter()
        .filter(|c| filters.is_empty() || filters.iter().any(|f| c.name().contains(f.as_str())))
        .filter(|c| operations.is_empty() || operations.iter().any(|o| o == c.case.request.operation()))
        .collect();
    // A filter that matches nothing is a typo, not a green run.
    let generated_names: Vec<String> = ssm_conformance::generated::PARTS
        .iter()
        .map(|p| format!("{}::{p}", ssm_conformance::generated::AREA))
        .collect();
    for f in filters {
        let matches = suite.cases.iter().any(|c| c.name().contains(f.as_str()))
            || (!generated.no_properties && generated_names.iter().any(|n| n.contains(f.as_str())));
        if !matches {
            let names: Vec<String> = suite
                .cases
                .iter()
                .map(|c| c.name())
                .chain(generated_names.iter().map(|n| n.to_string()))
                .collect();
            return fail(format!(
                "no case matches {f:?}; the closest: {}",
                closest(f, &names).join(", ")
            ));
        }
    }
    let wanted = |name: &str| filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()));
    // The generated phase is about DescribeMaintenanceWindowExecutions and the window life cycle.
    let parts: Vec<&str> = if generated.no_properties || !operations.is_empty() {
        Vec::new()
    } else {
        ssm_conformance::generated::PARTS
            .into_iter()
            .filter(|p| wanted(&format!("{}::{p}", ssm_conformance::generated::AREA)))
            .collect()
    };

    if cases.is_empty() && parts.is_empty() {
        return fail("the filters and --operation together select no case");
    }
    let session = &suite.session;
    // A target that cannot be reached, or refuses our credentials, is a set-up error (exit 2),
    // not 144 failed cases.
    if let Some(problem) = session.block_on(setup_problem(session)) {
        return fail(problem);
    }
    if let Some(window) = &session.config.window_id
        && let Err(e) = session.block_on(window_exists(session, window))
    {
        return fail(e);
    }
    // Ctrl-C stops the run, but not the cleanup: what this run created is deleted, or named.
    let finished = session.block_on(async {
        tokio::select! {
            done = run_all(session, &cases, suite.profile.as_deref()) => Some(done),
            _ = tokio::signal::ctrl_c() => None,
        }
    });
    let Some((mut results, choice_failures)) = finished else {
        eprintln!("ssm-conformance: interrupted; deleting what this run created");
        let left = session.cleanup();
        if left.is_empty() {
            eprintln!("ssm-conformance: nothing this run created is left on the target");
        }
        for l in &left {
            eprintln!("ssm-conformance: left on the target, delete it by hand: {l}");
        }
        return ExitCode::from(130);
    };
    if !parts.is_empty() {
        // Ctrl-C during the generated phase: clean up and stop, as during the cases.
        let watched = suite.session.clone();
        session.spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("ssm-conformance: interrupted; deleting what this run created");
                for left in watched.cleanup_now().await {
                    eprintln!("ssm-conformance: left on the target, delete it by hand: {left}");
                }
                std::process::exit(130);
            }
        });
        let mut settings = ssm_conformance::generated::Settings::new(generated.seed, generated.cases);
        settings.save_counterexamples = generated.save_counterexamples.clone();
        println!(
            "generated phase: seed {} ({} cases per property; reproduce with --seed {})",
            settings.seed, settings.cases, settings.seed
        );
        let choices = ssm_conformance::generated::observed_choices(&results, suite.profile.as_deref());
        for part in &parts {
            results.push(ssm_conformance::generated::part(part, session, &settings, &choices));
        }
    }
    let left = session.cleanup();
    let endpoint = session.block_on(session.endpoint_url()).unwrap_or_else(|e| e);
    let target = match &target_name {
        Some(n) => format!("{n} ({endpoint})"),
        None => endpoint.clone(),
    };
    let mut out = std::io::stdout().lock();
    let totals = match report::write_summary(&mut out, &target, &results, &choice_failures) {
        Ok(t) => t,
        Err(e) => return fail(format!("cannot write the summary: {e}")),
    };
    for l in &left {
        eprintln!("ssm-conformance: could not delete what this run created: {l}");
    }
    let name = target_name.clone().unwrap_or_else(|| endpoint.clone());
    let facts = |case: &str| {
        suite
            .cases
            .iter()
            .find(|c| c.name() == case)
            .map(|c| report::CaseFacts {
                choice: c.open_choice().map(str::to_string),
                operation: Some(c.case.request.operation().to_string()),
            })
            .unwrap_or_default()
    };
    let run_report = RunReport::new(
        &name,
        &outputs.target_version,
        &endpoint,
        &results,
        &choice_failures,
        &facts,
    );
    let mut written: Vec<Result<(), String>> = Vec::new();
    if let Some(f) = &outputs.report_json {
        written.push(write_file(
            f,
            &(serde_json::to_string_pretty(&run_report).expect("serializes") + "\n"),
        ));
    }
    if let Some(f) = &outputs.junit {
        written.push(
            report::junit_xml(&run_report)
                .map_err(|e| e.to_string())
                .and_then(|x| write_file(f, &x)),
        );
    }
    if let Some(f) = &outputs.record_profile {
        written.push(write_file(
            f,
            &record_profile(f, &endpoint, &session.config.region, &results, &choice_failures),
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
            &results,
            &choice_failures,
            previous.as_ref(),
        );
        written.push(write_file(
            &file,
            &(serde_json::to_string_pretty(&fresh).expect("serializes") + "\n"),
        ));
    }
    if let Some(e) = written.into_iter().find_map(Result::err) {
        return fail(e);
    }
    match expectations {
        Some(e) => {
            let mismatches = e.mismatches(&results, &choice_failures, filters.is_empty());
            if mismatches.is_empty() {
                println!(
                    "{name}: every result as expected ({} cases listed as not passing)",
                    e.cases.len().max(usize::from(e.unsupported.is_some()) * results.len())
                );
                ExitCode::SUCCESS
            } else {
                println!("{name}: {} results differ from the expectations:", mismatches.len());
                for m in &mismatches {
                    println!("  {m}");
                }
                ExitCode::from(1)
            }
        }
        None if totals.exit_code() == 0 && totals.missing_snapshots > 0 && ci() => {
            eprintln!(
                "ssm-conformance: CI=true and {} snapshots are missing: the target conforms, but record and commit its snapshots",
                totals.missing_snapshots
            );
            ExitCode::from(1)
        }
        None => ExitCode::from(totals.exit_code()),
    }
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false" | "no"))
}

/// The names closest to `typed` (edit distance), at most three.
fn closest(typed: &str, names: &[String]) -> Vec<String> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut prev = row[0];
            row[0] = i + 1;
            for (j, cb) in b.iter().enumerate() {
                let cur = row[j + 1];
                row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
                prev = cur;
            }
        }
        row[b.len()]
    }
    let mut scored: Vec<(usize, &String)> = names
        .iter()
        .map(|n| {
            // A filter is a substring: score against the best-fitting part of the name too.
            let parts = n.split("::").map(|p| distance(typed, p));
            (parts.chain([distance(typed, n)]).min().unwrap_or(usize::MAX), n)
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, n)| n.clone()).collect()
}

/// Why no case can be judged at all, with a hint: the endpoint cannot be reached, or it refuses
/// the credentials. `None` when it answers (even if only to say it does not implement the
/// operation: that is a finding, not a set-up error).
async fn setup_problem(session: &ssm_conformance::runner::Session) -> Option<String> {
    use ssm_conformance::runner::Support;
    let endpoint = session.endpoint_url().await.unwrap_or_default();
    match session.support().await {
        Support::Implemented | Support::NotImplemented(_) => None,
        Support::Unreachable(why) => {
            let lower = why.to_ascii_lowercase();
            let hint = if endpoint.starts_with("https://")
                && [
                    "tls",
                    "handshake",
                    "corrupt",
                    "wrong version",
                    "invalidcontenttype",
                    "record overflow",
                ]
                .iter()
                .any(|w| lower.contains(w))
            {
                format!(
                    " (hint: the endpoint speaks plain HTTP: use {})",
                    endpoint.replacen("https://", "http://", 1)
                )
            } else if lower.contains("refused") {
                " (hint: nothing listens there: is the server running, on that port?)".to_string()
            } else if lower.contains("no answer within") {
                " (hint: raise --timeout, or check that the server answers)".to_string()
            } else {
                String::new()
            };
            Some(format!("cannot reach {endpoint}: {why}{hint}"))
        }
        Support::Refused(why) => Some(format!(
            "{endpoint} refuses our credentials ({why}) (hint: check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, \
             AWS_SESSION_TOKEN and the region the server expects)"
        )),
    }
}

/// `--window-id` names a window the target has (asked once, before any case: else most cases
/// would skip for a typo).
async fn window_exists(session: &ssm_conformance::runner::Session, window: &str) -> Result<(), String> {
    let client = session.client().await?;
    let r = client
        .call(
            "GetMaintenanceWindow",
            &ssm_conformance::client::Payload::Json(serde_json::json!({ "WindowId": window })),
        )
        .await
        .map_err(|e| e.to_string())?;
    match r.error.as_ref().map(|e| e.error_type.as_str()) {
        Some("DoesNotExistException") => Err(format!(
            "--window-id {window}: the target has no such window (GetMaintenanceWindow answers DoesNotExistException)"
        )),
        _ => Ok(()),
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
    let profile = Profile {
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
    serde_json::to_string_pretty(&profile).expect("serializes") + "\n"
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
    let found = match session.block_on(ssm_conformance::sweep::leftovers(client)) {
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
        match session.block_on(ssm_conformance::sweep::delete_left(client, id, name)) {
            Ok(()) => println!("deleted {id}"),
            Err(e) => {
                failed = true;
                eprintln!("ssm-conformance: could not delete {id}: {e}");
            }
        }
    }
    ExitCode::from(u8::from(failed))
}

fn parity(out: &Path, files: &[PathBuf]) -> ExitCode {
    let mut reports = Vec::new();
    for f in files {
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => return fail(format!("{}: {e}", f.display())),
        };
        match serde_json::from_str::<RunReport>(&text) {
            Ok(r) => reports.push(r),
            Err(e) => return fail(format!("{}: not a report of `run --report-json`: {e}", f.display())),
        }
    }
    let date = chrono::Utc::now().format("%Y-%m-%d").to_string();
    match write_file(out, &report::parity_markdown(&reports, &date)) {
        Ok(()) => {
            println!("wrote {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

fn serve(addr: SocketAddr, check_signatures: bool) -> ExitCode {
    let emulator = if check_signatures {
        match ssm_conformance::client::Credentials::from_env() {
            Some(c) => Emulator::checking_signatures(vec![ssm_conformance::emulator::Signer {
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
        let running = match ssm_conformance::emulator::spawn(emulator, addr).await {
            Ok(r) => r,
            Err(e) => {
                eprintln!("ssm-conformance: cannot listen on {addr}: {e}");
                return ExitCode::from(2);
            }
        };
        println!("ssm-conformance emulator listening on {}", running.url());
        let _ = tokio::signal::ctrl_c().await;
        ExitCode::SUCCESS
    })
}
