//! `ssm-conformance`: run the conformance suite against an endpoint, or serve the reference
//! emulator as a standalone mock.

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use ssm_conformance::runner::harness::Suite;
use ssm_conformance::runner::run_all;
use ssm_conformance::target::TargetOptions;

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
    },
    /// Serve the reference emulator (awsJson at POST /, fixture protocol at /_conformance/v1).
    Serve {
        /// Port; 0 picks a free one.
        #[arg(long, default_value_t = 4566)]
        port: u16,
        /// Address to bind (loopback by default).
        #[arg(long, default_value = "127.0.0.1")]
        host: IpAddr,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run { target, filters, list } => run(&target, &filters, list),
        Command::Serve { port, host } => serve(SocketAddr::new(host, port)),
    }
}

fn run(options: &TargetOptions, filters: &[String], list: bool) -> ExitCode {
    let suite = match Suite::load(options) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ssm-conformance: {e}");
            return ExitCode::from(2);
        }
    };
    let cases: Vec<_> = suite
        .cases
        .iter()
        .filter(|c| filters.is_empty() || filters.iter().any(|f| c.name().contains(f.as_str())))
        .collect();
    if list {
        for c in &cases {
            println!("{}", c.name());
        }
        return ExitCode::SUCCESS;
    }
    let session = &suite.session;
    let (results, choice_failures) = session.block_on(run_all(session, &cases, suite.profile.as_deref()));
    let left = session.cleanup();
    let target = session
        .block_on(session.endpoint_url())
        .map(|u| match &session.config.name {
            Some(n) => format!("{n} ({u})"),
            None => u,
        })
        .unwrap_or_else(|e| e);
    let mut out = std::io::stdout().lock();
    let totals = match ssm_conformance::report::write_summary(&mut out, &target, &results, &choice_failures) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("ssm-conformance: cannot write the summary: {e}");
            return ExitCode::from(2);
        }
    };
    for l in &left {
        eprintln!("ssm-conformance: could not delete what this run created: {l}");
    }
    ExitCode::from(totals.exit_code())
}

fn serve(addr: SocketAddr) -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("ssm-conformance: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(async {
        let running = match ssm_conformance::emulator::spawn(ssm_conformance::emulator::Emulator::new(), addr).await {
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
