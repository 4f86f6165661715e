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
use ssm_conformance::target::{TargetOptions, project_root};

#[derive(Parser)]
#[command(version, about = "Conformance suite for AWS SSM DescribeMaintenanceWindowExecutions")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the suite and print a summary; exit 0 if every applicable case passes, 1 if not.
    Run {
        #[command(flatten)]
        target: Box<TargetOptions>,
        /// Only cases whose name (`<area>::<case-id>`) contains one of these.
        #[arg(value_name = "FILTER")]
        filters: Vec<String>,
        /// List the cases instead of running them.
        #[arg(long)]
        list: bool,
        #[command(flatten)]
        outputs: Outputs,
        #[command(flatten)]
        generated: GeneratedOptions,
    },
    /// Find the windows earlier runs left behind (named ssm-conformance-…) and delete them.
    Sweep {
        #[command(flatten)]
        target: Box<TargetOptions>,
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
    /// Serve the reference emulator (awsJson at POST /, fixture protocol at /_conformance/v1).
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
    let cli = Cli::parse();
    match cli.command {
        Command::Run {
            target,
            filters,
            list,
            outputs,
            generated,
        } => run(&target, &filters, list, &outputs, &generated),
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
fn expectations_file(given: &Path, target_name: Option<&str>) -> Result<PathBuf, String> {
    if given.as_os_str() != "-" {
        return Ok(given.to_path_buf());
    }
    target_name
        .map(|n| project_root().join("expectations").join(format!("{n}.json")))
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
    list: bool,
    outputs: &Outputs,
    generated: &GeneratedOptions,
) -> ExitCode {
    let suite = match Suite::load_sequential(options, Some(ssm_conformance::embedded::start())) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let target_name = suite.session.config.name.clone();
    // Read the expectations before anything is sent: a bad file is a usage error.
    let expectations = match &outputs.expectations {
        None => None,
        Some(given) => match expectations_file(given, target_name.as_deref()).map(|f| Expectations::load(&f)) {
            Ok(Ok(e)) => Some(e),
            Ok(Err(e)) => return fail(e),
            Err(e) => return fail(e),
        },
    };
    let cases: Vec<_> = suite
        .cases
        .iter()
        .filter(|c| filters.is_empty() || filters.iter().any(|f| c.name().contains(f.as_str())))
        .collect();
    let wanted = |name: &str| filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()));
    let parts: Vec<&str> = if generated.no_properties {
        Vec::new()
    } else {
        ["properties::model-based", "properties::metamorphic"]
            .into_iter()
            .filter(|p| wanted(p))
            .collect()
    };
    if list {
        for c in &cases {
            println!("{}", c.name());
        }
        for p in &parts {
            println!("{p}");
        }
        return ExitCode::SUCCESS;
    }
    let session = &suite.session;
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
        let mut settings = ssm_conformance::generated::Settings::new(generated.seed, generated.cases);
        settings.save_counterexamples = generated.save_counterexamples.clone();
        println!(
            "generated phase: seed {} ({} cases per property; reproduce with --seed {})",
            settings.seed, settings.cases, settings.seed
        );
        let choices = ssm_conformance::generated::observed_choices(&results, suite.profile.as_deref());
        for part in &parts {
            results.push(match *part {
                "properties::model-based" => ssm_conformance::generated::model_based(session, &settings, &choices),
                _ => ssm_conformance::generated::metamorphic(session, &settings),
            });
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
    let choice_of = |case: &str| {
        let case = suite.cases.iter().find(|c| c.name() == case)?;
        case.open_choice().map(str::to_string)
    };
    let run_report = RunReport::new(
        &name,
        &outputs.target_version,
        &endpoint,
        &results,
        &choice_failures,
        &choice_of,
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
        let file = match expectations_file(given, target_name.as_deref()) {
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
        None => ExitCode::from(totals.exit_code()),
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

fn sweep(options: &TargetOptions, dry_run: bool) -> ExitCode {
    let suite = match Suite::load(options, Some(ssm_conformance::embedded::start())) {
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
    for (id, _) in &found {
        match session.block_on(ssm_conformance::sweep::delete(client, id)) {
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
