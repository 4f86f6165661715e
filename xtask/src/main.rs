//! `cargo xtask …`: the chores around the suite — real emulators (moto, fakecloud) started on
//! 127.0.0.1 and always stopped, expectations, snapshots, the parity report, the specs generated
//! from the vendored model.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};

mod soak;

/// The seed of the generated phase against moto and fakecloud (expectations, gates, parity).
const GATE_SEED: &str = "2";
/// The moto release the expectations are written for.
const MOTO_VERSION: &str = "5.2.5";
/// The fakecloud release the expectations are written for.
const FAKECLOUD_VERSION: &str = "0.51.0";

#[derive(Parser)]
#[command(about = "Project chores for ssm-conformance")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Target {
    /// The embedded reference emulator.
    Reference,
    /// moto server from PyPI, in .venv.
    Moto,
    /// fakecloud from crates.io, in ~/.cache/ssm-conformance/fakecloud (a build of about 33
    /// minutes on 2 cores).
    Fakecloud,
}

#[derive(Subcommand)]
enum Task {
    /// Install moto server (pinned) into .venv, start it on 127.0.0.1, run the suite against its
    /// expectations (expectations/moto.json), stop it.
    Moto {
        /// Extra arguments for `ssm-conformance run`.
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Install fakecloud (pinned, cached outside the repository), start it on 127.0.0.1, run the suite against
    /// its expectations (expectations/fakecloud.json), stop it.
    Fakecloud {
        /// Extra arguments for `ssm-conformance run`.
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Rewrite expectations/<target>.json from a run against it.
    Expectations {
        /// The target.
        target: Target,
    },
    /// Rewrite the snapshots of a target under snapshots/<target>/: a known one (reference,
    /// moto, fakecloud: started here), or any name with --endpoint of a server already running.
    Snapshots {
        /// The target's name.
        #[arg(default_value = "reference")]
        target: String,
        /// The endpoint of a target of your own (required for names other than the known ones).
        #[arg(long, value_name = "URL")]
        endpoint: Option<String>,
    },
    /// Run the reference emulator, moto and fakecloud, and write PARITY.md.
    Parity,
    /// Run the suite against real AWS (read-only unless --allow-mutations is passed on) and write
    /// the choices it made where AWS leaves them open to specs/profiles/<name>.json.
    Record {
        /// Where to record: real AWS (the only target whose choices are worth pinning).
        #[arg(long, default_value = "aws", value_parser = ["aws"])]
        target: String,
        /// Profile name (file specs/profiles/<name>.json).
        #[arg(long, default_value = "aws")]
        name: String,
        /// Extra arguments for `ssm-conformance run` (--region, --window-id, --allow-mutations).
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Write specs/generated/<operation>.json: the constraint cases of twenty operations (the
    /// execution family, the window's own, its targets and tasks), generated from the vendored
    /// model (reference/botocore-*.json).
    Specs {
        /// Write nothing: fail, naming each file and its first difference, where the committed
        /// files differ from what the model gives.
        #[arg(long)]
        check: bool,
    },
    /// The HTML report of a failing run in a real browser: headless Chromium (Debian's
    /// `chromium`, or $CHROMIUM) driven by playwright-core (npm, into xtask/html-check); a
    /// screenshot is kept in target/html-check/.
    HtmlCheck,
    /// Check that `ssm-conformance run --shard K/N` deals the spec cases exactly as
    /// `cargo nextest run --test conformance --partition count:K/N` deals the harness's trials
    /// (cargo-nextest installed with `cargo install --locked` when missing).
    NextestShards {
        /// N.
        #[arg(long, default_value_t = 3)]
        shards: u32,
    },
    /// The suite at --jobs 8 through a Python server that drops a share of the requests, in
    /// front of the reference emulator: every drop retried, no verdict flipped (issue 30); the
    /// figures go into BENCHMARKS.md.
    Soak {
        /// Fewest requests the run must send.
        #[arg(long, default_value_t = 10_000)]
        min_requests: u64,
        /// Share of the requests the proxy drops.
        #[arg(long, default_value_t = 0.03)]
        drop: f64,
        /// Generated cases per property (`--cases`), enough for the requests (550 gives about
        /// 11,000).
        #[arg(long, default_value_t = 550)]
        cases: u32,
    },
    /// boto3 and the AWS CLI against `ssm-conformance serve` (issue 31): pytest, in a virtualenv
    /// from PyPI (.venv-clients) with pinned boto3, awscli and pytest, runs tests/python/.
    Clients,
    /// Run the benchmarks (starting moto and fakecloud) and write BENCHMARKS.md.
    Bench {
        /// Runs per median.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Seconds per load point.
        #[arg(long, default_value_t = 3.0)]
        seconds: f64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Task::Moto { args } => gate(Target::Moto, &args),
        Task::Fakecloud { args } => gate(Target::Fakecloud, &args),
        Task::Expectations { target } => expectations(target),
        Task::Snapshots { target, endpoint } => snapshots(&target, endpoint.as_deref()),
        Task::Parity => parity(),
        Task::Record { name, args, .. } => record(&name, &args),
        Task::Bench { runs, seconds } => bench(runs, seconds),
        Task::Soak {
            min_requests,
            drop,
            cases,
        } => soak::soak(min_requests, drop, cases),
        Task::HtmlCheck => html_check(),
        Task::Clients => clients(),
        Task::NextestShards { shards } => nextest_shards(shards),
        Task::Specs { check } => specs(check),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

/// A server process, stopped by its process id when dropped: on success, failure or panic.
/// Ctrl-C reaches it directly (same process group), so it never outlives the task.
struct Server {
    child: Child,
    url: String,
    name: &'static str,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        eprintln!("xtask: stopped {} (pid {})", self.name, self.child.id());
    }
}

fn free_port() -> Result<u16> {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("binding a free port")?;
    Ok(l.local_addr()?.port())
}

fn wait_for(addr: SocketAddr, child: &mut Child, limit: Duration) -> Result<()> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(status) = child.try_wait()? {
            bail!("the server exited before it answered ({status})");
        }
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("nothing listened on {addr} within {limit:?}")
}

fn start(name: &'static str, program: &Path, args: &[String], port: u16) -> Result<Server> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    std::fs::create_dir_all(root().join("target"))?;
    let log_path = root().join("target").join(format!("{name}.log"));
    let log = std::fs::File::create(&log_path)?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::from(log.try_clone()?))
        .stderr(Stdio::from(log))
        .spawn()
        .with_context(|| format!("starting {}", program.display()))?;
    if let Err(e) = wait_for(addr, &mut child, Duration::from_secs(60)) {
        let _ = child.kill();
        let _ = child.wait();
        return Err(e.context(format!("{name} did not start (log: {})", log_path.display())));
    }
    eprintln!(
        "xtask: {name} on http://{addr} (pid {}, log: {})",
        child.id(),
        log_path.display()
    );
    Ok(Server {
        child,
        url: format!("http://{addr}"),
        name,
    })
}

/// Run `cmd`; an error says what it was for.
fn step(cmd: &mut Command, what: &str) -> Result<()> {
    let status = cmd.status().with_context(|| format!("running {what}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

/// `bin`, installed by `install` unless a marker of this `version` says it already is.
fn installed(
    bin: PathBuf,
    dir: &Path,
    version: &str,
    note: &str,
    install: impl FnOnce() -> Result<()>,
) -> Result<PathBuf> {
    let marker = dir.join(format!("{version}.installed"));
    if bin.exists() && marker.exists() {
        return Ok(bin);
    }
    eprintln!("xtask: installing {version} into {} ({note})", dir.display());
    install()?;
    std::fs::write(&marker, "")?;
    Ok(bin)
}

/// The project's virtualenv with moto server installed (created on first use).
fn moto_server() -> Result<PathBuf> {
    let venv = root().join(".venv");
    installed(
        venv.join("bin").join("moto_server"),
        &venv,
        &format!("moto-{MOTO_VERSION}"),
        "about 30 s",
        || {
            step(
                Command::new("python3").args(["-m", "venv"]).arg(&venv),
                "python3 -m venv",
            )?;
            step(
                Command::new(venv.join("bin").join("pip"))
                    .args(["install", "--quiet", "--disable-pip-version-check"])
                    .arg(format!("moto[server]=={MOTO_VERSION}")),
                "pip install moto[server]",
            )
        },
    )
}

/// Where fakecloud is installed: outside the repository, so that a fresh clone (and CI's
/// cache) reuses the build: `$XDG_CACHE_HOME/ssm-conformance/fakecloud`, else
/// `~/.cache/ssm-conformance/fakecloud`.
fn fakecloud_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(|c| PathBuf::from(c).join("ssm-conformance"))
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache").join("ssm-conformance")))
        .unwrap_or_else(|| root().join(".tools"));
    base.join("fakecloud")
}

/// fakecloud installed into [`fakecloud_dir`] (built on first use: about 33 minutes on 2 cores).
fn fakecloud() -> Result<PathBuf> {
    let dir = fakecloud_dir();
    let bin = dir.join("bin").join("fakecloud");
    installed(
        bin,
        &dir,
        &format!("fakecloud-{FAKECLOUD_VERSION}"),
        "about 33 minutes on 2 cores",
        || {
            step(
                Command::new(env!("CARGO"))
                    .args([
                        "install",
                        "fakecloud",
                        "--locked",
                        "--version",
                        FAKECLOUD_VERSION,
                        "--root",
                    ])
                    .arg(&dir),
                "cargo install fakecloud",
            )
        },
    )
}

/// Start `target` (nothing to start for the reference emulator).
fn serve(target: Target) -> Result<Option<Server>> {
    let port = free_port()?;
    Ok(match target {
        Target::Reference => None,
        Target::Moto => Some(start(
            "moto",
            &moto_server()?,
            &["-H".into(), "127.0.0.1".into(), "-p".into(), port.to_string()],
            port,
        )?),
        Target::Fakecloud => Some(start(
            "fakecloud",
            &fakecloud()?,
            &["--addr".into(), format!("127.0.0.1:{port}")],
            port,
        )?),
    })
}

fn name(target: Target) -> &'static str {
    match target {
        Target::Reference => "reference",
        Target::Moto => "moto",
        Target::Fakecloud => "fakecloud",
    }
}

fn version(target: Target) -> String {
    match target {
        Target::Reference => format!("ssm-conformance {}", env!("CARGO_PKG_VERSION")),
        Target::Moto => format!("moto {MOTO_VERSION}"),
        Target::Fakecloud => format!("fakecloud {FAKECLOUD_VERSION}"),
    }
}

/// `ssm-conformance <args>`, built from this workspace.
fn ssm_conformance() -> Command {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(root())
        .args(["run", "--quiet", "--package", "ssm-conformance", "--"]);
    cmd
}

/// The Python clients' pins: boto3 on the botocore whose model is vendored, the AWS CLI v1 that
/// installs beside it, pytest.
const CLIENTS: [&str; 3] = ["boto3==1.44.18", "awscli==1.46.3", "pytest==9.2.0"];

/// boto3 and the AWS CLI against `serve`: tests/python/ under pytest, in .venv-clients.
fn clients() -> Result<ExitCode> {
    let venv = root().join(".venv-clients");
    let bin = venv.join("bin");
    let pytest = installed(bin.join("pytest"), &venv, &CLIENTS.join("+"), "about 40 s", || {
        step(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            "python3 -m venv",
        )?;
        step(
            Command::new(bin.join("pip"))
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .args(CLIENTS),
            "pip install boto3 awscli pytest",
        )
    })?;
    build_suite()?;
    let path = std::env::join_paths(
        std::iter::once(bin.clone()).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )?;
    let status = Command::new(pytest)
        .current_dir(root().join("tests").join("python"))
        .args(["-q", "-p", "no:cacheprovider"])
        .env("PATH", path)
        .env(
            "SSM_CONFORMANCE_BIN",
            root().join("target").join("debug").join("ssm-conformance"),
        )
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .status()
        .context("running pytest")?;
    Ok(ExitCode::from(status.code().unwrap_or(2) as u8))
}

/// Build the suite's binary (before a server starts, so that a build neither keeps it waiting
/// nor hides).
fn build_suite() -> Result<()> {
    step(
        Command::new(env!("CARGO"))
            .current_dir(root())
            .args(["build", "--package", "ssm-conformance"]),
        "cargo build",
    )
}

/// `ssm-conformance run` against `target` (started and stopped here) with `args`.
fn run_on(target: Target, args: &[&str]) -> Result<ExitCode> {
    run_on_with_code(target, args).map(|(code, _)| code)
}

/// [`run_on`], with the run's own exit code.
fn run_on_with_code(target: Target, args: &[&str]) -> Result<(ExitCode, i32)> {
    build_suite()?;
    let server = serve(target)?;
    let mut cmd = ssm_conformance();
    // The endpoint is the one started here, or the embedded emulator: never one from the
    // environment, whatever a developer has exported.
    cmd.env_remove("AWS_ENDPOINT_URL_SSM")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("SSM_CONFORMANCE_TARGET");
    cmd.arg("run")
        .args(["--target-name", name(target), "--target-version", &version(target)]);
    // A real emulator's generated phase is the same every run: its expectations (and the gate
    // that holds them) list what this seed's sequences find, not what a lucky draw does.
    if target != Target::Reference {
        cmd.args(["--seed", GATE_SEED]);
    }
    if let Some(s) = &server {
        cmd.args(["--endpoint", &s.url]);
    }
    let status = cmd.args(args).status().context("running ssm-conformance")?;
    drop(server);
    let code = status.code().unwrap_or(2);
    Ok((ExitCode::from(code as u8), code))
}

fn gate(target: Target, extra: &[String]) -> Result<ExitCode> {
    let mut args = vec!["--expectations"];
    args.extend(extra.iter().map(String::as_str));
    run_on(target, &args)
}

/// When `path` (a file, or the newest file of a folder) was last written, if ever.
fn last_written(path: &Path) -> Option<std::time::SystemTime> {
    let modified = |p: &Path| p.metadata().and_then(|m| m.modified()).ok();
    if path.is_dir() {
        std::fs::read_dir(path)
            .ok()?
            .filter_map(|e| e.ok())
            .filter_map(|e| modified(&e.path()))
            .max()
    } else {
        modified(path)
    }
}

/// A rewrite's exit: the run it wraps fails where the target does (`failed`: what the rewritten
/// files record), which is the rewrite's success when `written` shows they were written.
fn rewritten(code: ExitCode, run_code: i32, failed: &[i32], written: bool, what: &str) -> ExitCode {
    if written && (run_code == 0 || failed.contains(&run_code)) {
        if run_code != 0 {
            eprintln!("{what} rewritten; the run it wraps failed cases, which is what it records");
        }
        return ExitCode::SUCCESS;
    }
    code
}

fn expectations(target: Target) -> Result<ExitCode> {
    let file = root().join("expectations").join(format!("{}.json", name(target)));
    let before = last_written(&file);
    let started = std::time::SystemTime::now();
    let (code, run_code) = run_on_with_code(target, &["--write-expectations"])?;
    let written = last_written(&file).is_some_and(|t| t >= started && Some(t) != before);
    Ok(rewritten(
        code,
        run_code,
        &[1],
        written,
        &format!("expectations/{}.json", name(target)),
    ))
}

fn snapshots(target_name: &str, endpoint: Option<&str>) -> Result<ExitCode> {
    let known = Target::from_str(target_name, true).ok();
    if known.is_none() && endpoint.is_none() {
        anyhow::bail!(
            "{target_name:?} is not a target xtask starts (reference, moto, fakecloud): give --endpoint URL of the running server"
        );
    }
    if target_name.is_empty()
        || !target_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        anyhow::bail!("{target_name:?}: a target name is letters, digits, '-' or '_'");
    }
    let dir = root().join("snapshots").join(target_name);
    if dir.exists() {
        for entry in std::fs::read_dir(&dir)? {
            let p = entry?.path();
            if p.extension().is_some_and(|e| e == "snap" || e == "new") {
                std::fs::remove_file(&p)?;
            }
        }
    }
    let server = match (known, endpoint) {
        (_, Some(_)) | (None, None) => None,
        (Some(t), None) => serve(t)?,
    };
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(root())
        .args(["test", "--quiet", "--test", "conformance"])
        .env("INSTA_UPDATE", "always")
        .env("SSM_CONFORMANCE_TARGET_NAME", target_name)
        .env_remove("CI")
        .env_remove("AWS_ENDPOINT_URL_SSM")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("SSM_CONFORMANCE_TARGET");
    match (&server, endpoint) {
        (Some(s), _) => cmd.env("AWS_ENDPOINT_URL_SSM", &s.url),
        (None, Some(url)) => cmd.env("AWS_ENDPOINT_URL_SSM", url),
        (None, None) => cmd.env("SSM_CONFORMANCE_TARGET", "embedded"),
    };
    let started = std::time::SystemTime::now();
    let status = cmd.status().context("running cargo test")?;
    drop(server);
    let run_code = status.code().unwrap_or(2);
    // Cases that fail fail the test binary (cargo passes its exit 1 on; older cargo says 101),
    // and their snapshots are written all the same; a build that fails (101) writes none.
    let written = last_written(&dir).is_some_and(|t| t >= started);
    Ok(rewritten(
        ExitCode::from(run_code as u8),
        run_code,
        &[1, 101],
        written,
        &format!("snapshots/{target_name}/"),
    ))
}

fn parity() -> Result<ExitCode> {
    let dir = root().join("target").join("parity");
    std::fs::create_dir_all(&dir)?;
    let mut reports = Vec::new();
    for target in [Target::Reference, Target::Moto, Target::Fakecloud] {
        let file = dir.join(format!("{}.json", name(target)));
        let _ = std::fs::remove_file(&file);
        // A failing run is what the report is for: only a missing report is an error.
        run_on(target, &["--report-json", file.to_str().context("a UTF-8 path")?])?;
        if !file.exists() {
            bail!("the run against {} wrote no report", name(target));
        }
        reports.push(file);
    }
    let status = ssm_conformance()
        .args(["parity", "--out", "PARITY.md"])
        .args(&reports)
        .status()
        .context("writing PARITY.md")?;
    Ok(ExitCode::from(status.code().unwrap_or(2) as u8))
}

/// `cargo xtask html-check`.
/// `run --list --shard K/N` against nextest's count partition of the harness, for each K.
fn nextest_shards(n: u32) -> Result<ExitCode> {
    let has_nextest = Command::new(env!("CARGO"))
        .args(["nextest", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_nextest {
        eprintln!("xtask: installing cargo-nextest (cargo install --locked)");
        step(
            Command::new(env!("CARGO")).args(["install", "--locked", "cargo-nextest"]),
            "cargo install cargo-nextest",
        )?;
    }
    let lines = |cmd: &mut Command, what: &str| -> Result<Vec<String>> {
        let out = cmd.current_dir(root()).stderr(Stdio::inherit()).output()?;
        if !out.status.success() {
            bail!("{what} failed ({})", out.status);
        }
        Ok(String::from_utf8(out.stdout)?.lines().map(str::to_string).collect())
    };
    let mut dealt_total = 0;
    for k in 1..=n {
        let partition = format!("count:{k}/{n}");
        // `<binary> [kind] name`: spec cases only (the checks and parts are trials too).
        let mut nextest: Vec<String> = lines(
            Command::new(env!("CARGO")).args(["nextest", "list", "--test", "conformance", "--partition", &partition]),
            "cargo nextest list",
        )?
        .iter()
        .filter_map(|l| l.split_once("] ").map(|(_, name)| name.to_string()))
        .filter(|name| {
            !["properties::", "choices::", "target::"]
                .iter()
                .any(|p| name.starts_with(p))
        })
        .collect();
        let shard = format!("{k}/{n}");
        let mut ours: Vec<String> = lines(
            ssm_conformance().args(["run", "--list", "--shard", &shard]),
            "run --list",
        )?
        .iter()
        .filter_map(|l| l.split_once("  (").map(|(name, _)| name.to_string()))
        .collect();
        nextest.sort();
        ours.sort();
        if nextest != ours {
            let only_nextest: Vec<&String> = nextest.iter().filter(|c| !ours.contains(c)).take(5).collect();
            let only_ours: Vec<&String> = ours.iter().filter(|c| !nextest.contains(c)).take(5).collect();
            bail!(
                "shard {shard}: nextest deals {} spec cases, --shard {}; only nextest's: {only_nextest:?}; only ours: {only_ours:?}",
                nextest.len(),
                ours.len()
            );
        }
        println!("shard {shard}: the same {} spec cases", ours.len());
        dealt_total += ours.len();
    }
    println!("{dealt_total} spec cases dealt over {n} shards, as nextest deals them");
    Ok(ExitCode::SUCCESS)
}

fn html_check() -> Result<ExitCode> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        bail!("no Chromium at {chromium}: install Debian's (apt-get install chromium) or set CHROMIUM");
    }
    let scripts = root().join("xtask").join("html-check");
    if !scripts.join("node_modules").join("playwright-core").exists() {
        eprintln!("xtask: installing playwright-core into {} (npm)", scripts.display());
        step(
            Command::new("npm")
                .current_dir(&scripts)
                .args(["ci", "--no-audit", "--no-fund", "--silent"]),
            "npm ci (playwright-core)",
        )?;
    }
    let dir = root().join("target").join("html-check");
    std::fs::create_dir_all(&dir)?;
    // A failing run of the reference emulator: pins that contradict its own choices.
    let pins = dir.join("contrary.json");
    std::fs::write(
        &pins,
        r#"{"name": "contrary", "recorded": "cargo xtask html-check: the opposite of the reference emulator's choices, so that cases fail", "choices": {"order": "oldest-first", "unknown-window": "not-found", "bad-next-token": "ignored"}}"#,
    )?;
    let report = dir.join("report.html");
    let _ = std::fs::remove_file(&report);
    let status = ssm_conformance()
        .args(["run", "--no-properties", "--quiet", "--pins"])
        .arg(&pins)
        .arg("--report-html")
        .arg(&report)
        .stdout(Stdio::null())
        .status()
        .context("running ssm-conformance")?;
    if status.code() != Some(1) || !report.exists() {
        bail!("the contrary run should fail (exit 1) and write its page; it exited {status}");
    }
    let shot = dir.join("report.png");
    let status = Command::new("node")
        .arg(scripts.join("check.mjs"))
        .arg(&report)
        .arg(&shot)
        .env("CHROMIUM", &chromium)
        .status()
        .context("running node")?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse::<u64>().unwrap_or(0) / 1024 / 1024)
        })
        .unwrap_or(0);
    format!("{cores} cores ({cpu}), {mem} GiB")
}

const BEGIN: &str = "<!-- figures: written by cargo xtask bench -->";
const END: &str = "<!-- end of figures -->";

/// Whether fakecloud is already built into [`fakecloud_dir`] (the bench never builds it).
fn fakecloud_built() -> bool {
    let dir = fakecloud_dir();
    dir.join("bin").join("fakecloud").exists() && dir.join(format!("fakecloud-{FAKECLOUD_VERSION}.installed")).exists()
}

fn bench(runs: usize, seconds: f64) -> Result<ExitCode> {
    let moto = serve(Target::Moto)?.context("moto starts")?;
    // fakecloud takes about 33 minutes to build on 2 cores: the bench measures it when it is
    // already built (`cargo xtask fakecloud` builds it) and otherwise says it was skipped.
    let fakecloud = if fakecloud_built() {
        Some(serve(Target::Fakecloud)?.context("fakecloud starts")?)
    } else {
        eprintln!(
            "xtask: fakecloud is not built in ~/.cache/ssm-conformance/fakecloud: its comparison is skipped \
             (`cargo xtask fakecloud` builds it, about 33 minutes on 2 cores)"
        );
        None
    };
    let python = root().join(".venv").join("bin").join("python");
    // wrk (Debian's package) drives the throughput figures: a load generator in C leaves the
    // servers most of the machine. A fresh machine may have no package lists yet.
    if Command::new("wrk").arg("--version").output().is_err() {
        let install = || Command::new("apt-get").args(["install", "-y", "wrk"]).status();
        if !install().is_ok_and(|s| s.success()) {
            step(Command::new("apt-get").arg("update"), "apt-get update")?;
            step(
                Command::new("apt-get").args(["install", "-y", "wrk"]),
                "apt-get install wrk",
            )?;
        }
    }
    let command = format!("cargo xtask bench --runs {runs} --seconds {seconds}");
    let out = Command::new(env!("CARGO"))
        .current_dir(root())
        .args([
            "bench",
            "--quiet",
            "--bench",
            "harness",
            "--",
            "--runs",
            &runs.to_string(),
            "--seconds",
            &seconds.to_string(),
        ])
        .args(["--moto", &moto.url])
        .args(fakecloud.iter().flat_map(|f| ["--fakecloud", f.url.as_str()]))
        .arg("--python")
        .arg(&python)
        .args(["--wrk", "wrk"])
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo bench")?;
    drop(moto);
    let fakecloud_measured = fakecloud.is_some();
    drop(fakecloud);
    if !out.status.success() {
        bail!("the benchmark failed ({})", out.status);
    }
    let figures = String::from_utf8_lossy(&out.stdout);
    let date = Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())?;
    let others = if fakecloud_measured {
        format!("moto {MOTO_VERSION}, fakecloud {FAKECLOUD_VERSION}")
    } else {
        format!(
            "moto {MOTO_VERSION}; fakecloud not measured in this run: it was not built in ~/.cache/ssm-conformance/fakecloud, \
             and the bench does not build it (`cargo xtask fakecloud` does, about 33 minutes on 2 cores)"
        )
    };
    let section = format!(
        "{BEGIN}\nWritten by `{command}` on {date}, on {} ({others}; boto3 from moto's virtualenv). \
         Release builds; servers and load generator share the machine.\n\n{figures}{END}",
        machine()
    );
    // Only the figures are rewritten; what is written around them (analysis, limits) stays.
    let file = root().join("BENCHMARKS.md");
    let old = std::fs::read_to_string(&file).unwrap_or_else(|_| format!("# Benchmarks\n\n{BEGIN}\n{END}\n"));
    let text = match (old.find(BEGIN), old.find(END)) {
        (Some(a), Some(b)) if a < b => format!("{}{section}{}", &old[..a], &old[b + END.len()..]),
        _ => format!("{old}\n{section}\n"),
    };
    std::fs::write(&file, text)?;
    println!("{figures}");
    Ok(ExitCode::SUCCESS)
}

fn specs(check: bool) -> Result<ExitCode> {
    use xtask::spec_generator;
    let dir = root().join("specs");
    if check {
        return match spec_generator::check(&dir) {
            Ok(files) => {
                let cases: usize = files.iter().map(|f| f.cases).sum();
                eprintln!(
                    "xtask: specs/{}/ is what the model gives ({} files, {cases} cases)",
                    spec_generator::SUBDIR,
                    files.len()
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("xtask: {e}");
                Ok(ExitCode::FAILURE)
            }
        };
    }
    for file in spec_generator::write(&dir).map_err(anyhow::Error::msg)? {
        eprintln!("xtask: wrote specs/{} ({} cases)", file.path.display(), file.cases);
    }
    Ok(ExitCode::SUCCESS)
}

fn record(name: &str, args: &[String]) -> Result<ExitCode> {
    let file = root().join("specs").join("profiles").join(format!("{name}.json"));
    // No profile pins anything while recording: every open choice is observed as it is.
    let status = ssm_conformance()
        .args(["run", "--target", "aws", "--record-profile"])
        .arg(&file)
        .args(args)
        .status()
        .context("running ssm-conformance")?;
    if file.exists() {
        eprintln!("xtask: wrote {}", file.display());
    }
    Ok(ExitCode::from(status.code().unwrap_or(2) as u8))
}
