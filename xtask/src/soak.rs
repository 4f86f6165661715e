//! `cargo xtask soak` (issue 30): the suite at `--jobs 8` through a real Python server that
//! drops a share of the requests (`tests/servers/dropping_proxy.py`, the standard library's
//! ThreadingHTTPServer, as Python emulators are built) in front of the reference emulator. At
//! least `min_requests` requests must be sent, every dropped one retried, and the verdict must
//! be the reference's own: exit 0, no case failed. The figures go into BENCHMARKS.md between
//! their own markers.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::{GATE_SEED, free_port, root, start};

const BEGIN: &str = "<!-- soak: written by cargo xtask soak -->";
const END: &str = "<!-- end of soak -->";

/// What one soak measured.
struct Figures {
    requests: u64,
    retried: u64,
    dropped: u64,
    forwarded: u64,
    seconds: f64,
    exit: i32,
    /// Failed cases but those a dropped request they could not safely send again failed, each
    /// saying so ("not retried: …"): these are the false verdicts.
    falsely_failed: usize,
    /// Failed cases each of whose requests could not be sent again safely, and said so.
    told: usize,
}

pub(super) fn soak(min_requests: u64, share: f64, cases: u32) -> Result<ExitCode> {
    super::build_suite()?;
    let bin = root().join("target").join("debug").join("ssm-conformance");
    let port = free_port()?;
    let emulator = start(
        "soak-reference",
        &bin,
        &["serve".into(), "--port".into(), port.to_string()],
        port,
    )?;
    let proxy_port = free_port()?;
    let script = root().join("tests").join("servers").join("dropping_proxy.py");
    let mut proxy = Some(start(
        "dropping-proxy",
        Path::new("python3"),
        &[
            script.display().to_string(),
            proxy_port.to_string(),
            emulator.url.clone(),
            share.to_string(),
            "7".into(),
        ],
        proxy_port,
    )?);
    let dir = root().join("target").join("soak");
    std::fs::create_dir_all(&dir)?;
    let report = dir.join("report.json");
    let _ = std::fs::remove_file(&report);
    let url = proxy.as_ref().map(|p| p.url.clone()).unwrap_or_default();
    let started = Instant::now();
    let status = Command::new(&bin)
        .current_dir(root())
        .args(["run", "--endpoint", &url, "--jobs", "8", "--seed", GATE_SEED])
        .args(["--cases", &cases.to_string(), "--report-json"])
        .arg(&report)
        .env_remove("AWS_ENDPOINT_URL_SSM")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("SSM_CONFORMANCE_TARGET")
        .status()
        .context("running ssm-conformance")?;
    let seconds = started.elapsed().as_secs_f64();
    // The proxy prints what it forwarded and dropped when asked to stop (SIGTERM).
    let counts = stop_proxy(proxy.take())?;
    drop(emulator);
    let text = std::fs::read_to_string(&report).with_context(|| format!("{}: no report", report.display()))?;
    let r: Value = serde_json::from_str(&text)?;
    let cases_json = r["cases"].as_array().cloned().unwrap_or_default();
    let figures = Figures {
        requests: cases_json.iter().filter_map(|c| c["requests"].as_u64()).sum(),
        retried: r["transport_retries"]
            .as_object()
            .map(|m| m.values().filter_map(Value::as_u64).sum())
            .unwrap_or(0),
        dropped: counts["dropped"].as_u64().unwrap_or(0),
        forwarded: counts["forwarded"].as_u64().unwrap_or(0),
        seconds,
        exit: status.code().unwrap_or(-1),
        falsely_failed: failed(&cases_json, false),
        told: failed(&cases_json, true),
    };
    let mut wrong = Vec::new();
    if figures.falsely_failed > 0 || !(figures.exit == 0 || figures.exit == 1 && figures.told > 0) {
        wrong.push(format!(
            "the verdict flipped: exit {}, {} cases failed for another reason than a request not sent again              (report: {})",
            figures.exit,
            figures.falsely_failed,
            report.display()
        ));
    }
    if figures.requests < min_requests {
        wrong.push(format!(
            "only {} requests were sent (at least {min_requests}: raise --cases)",
            figures.requests
        ));
    }
    if figures.dropped > 0 && figures.retried == 0 {
        wrong.push(format!("{} requests were dropped, none retried", figures.dropped));
    }
    write(&figures, share, cases)?;
    if wrong.is_empty() {
        eprintln!(
            "xtask: soak passed: {} requests in {:.1} s, {} dropped by the proxy, {} retried, exit {} ({} told \
             no-answer, no false verdict)",
            figures.requests, figures.seconds, figures.dropped, figures.retried, figures.exit, figures.told
        );
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("xtask: soak failed:\n{}", wrong.join("\n"));
        Ok(ExitCode::FAILURE)
    }
}

/// The failed cases whose failure was told as a dropped request not sent again (`told`), or
/// the others.
fn failed(cases: &[Value], told: bool) -> usize {
    cases
        .iter()
        .filter(|c| c["outcome"] == "failed")
        .filter(|c| c["verdict"]["why"].as_str().unwrap_or("").contains("(not retried:") == told)
        .count()
}

/// Stop the proxy with SIGTERM and read the counts it prints (its log's last line).
fn stop_proxy(proxy: Option<super::Server>) -> Result<Value> {
    let Some(mut proxy) = proxy else {
        return Ok(Value::Null);
    };
    let pid = proxy.child.id().to_string();
    let _ = Command::new("kill").args(["-TERM", &pid]).status();
    let _ = proxy.child.wait();
    let log = std::fs::read_to_string(root().join("target").join("dropping-proxy.log")).unwrap_or_default();
    let last = log.lines().rev().find(|l| l.starts_with('{')).unwrap_or("{}");
    Ok(serde_json::from_str(last).unwrap_or(Value::Null))
}

fn write(f: &Figures, share: f64, cases: u32) -> Result<()> {
    let date = Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())?;
    let section = format!(
        "{BEGIN}\n### Soak: the suite through a Python server that drops requests\n\n\
         Written by `cargo xtask soak` on {date}, on {}: the reference emulator (`serve`) behind \
         `tests/servers/dropping_proxy.py` (ThreadingHTTPServer, {:.0}% of requests read and \
         dropped without an answer), `ssm-conformance run --jobs 8 --cases {cases} --seed {GATE_SEED}`. \
         Debug build.\n\n\
         A case whose dropped request could not be sent again safely (a deregistration or a \
         cancel that expects a success: sending it twice may read as a failure) fails as \
         `no-answer`, saying so; any other failure is a false verdict.\n\n\
         | requests sent | dropped by the proxy | retried by the client | forwarded | wall time | exit | told no-answer | false verdicts |\n\
         |---|---|---|---|---|---|---|---|\n\
         | {} | {} | {} | {} | {:.1} s | {} | {} | {} |\n{END}",
        super::machine(),
        share * 100.0,
        f.requests,
        f.dropped,
        f.retried,
        f.forwarded,
        f.seconds,
        f.exit,
        f.told,
        f.falsely_failed
    );
    let file = root().join("BENCHMARKS.md");
    let old = std::fs::read_to_string(&file)?;
    let text = match (old.find(BEGIN), old.find(END)) {
        (Some(a), Some(b)) if a < b => format!("{}{section}{}", &old[..a], &old[b + END.len()..]),
        _ => format!("{}\n\n{section}\n", old.trim_end()),
    };
    if text.is_empty() {
        bail!("BENCHMARKS.md would be empty");
    }
    std::fs::write(&file, text)?;
    Ok(())
}
