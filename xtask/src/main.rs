//! `cargo xtask …`: the chores around the suite (real emulators, snapshots).

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

/// The moto release the expectations are written for.
const MOTO_VERSION: &str = "5.2.5";

#[derive(Parser)]
#[command(about = "Project chores for ssm-conformance")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Install moto server (pinned) into .venv, start it on 127.0.0.1, run the suite against it.
    Moto {
        /// Extra arguments for `ssm-conformance run`.
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Rewrite the reference emulator's snapshots under snapshots/reference/.
    Snapshots,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Task::Moto { args } => moto(&args),
        Task::Snapshots => snapshots(),
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

/// A child process that is killed when dropped (also when the task fails or panics).
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
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

/// The project's virtualenv with moto server installed (created on first use).
fn moto_venv() -> Result<PathBuf> {
    let venv = root().join(".venv");
    let server = venv.join("bin").join("moto_server");
    let marker = venv.join(format!("moto-{MOTO_VERSION}.installed"));
    if server.exists() && marker.exists() {
        return Ok(server);
    }
    eprintln!(
        "xtask: installing moto[server]=={MOTO_VERSION} into {} (about 30 s)",
        venv.display()
    );
    let ok = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .context("running python3 -m venv")?;
    if !ok.success() {
        bail!("python3 -m venv failed ({ok})");
    }
    let ok = Command::new(venv.join("bin").join("pip"))
        .args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &format!("moto[server]=={MOTO_VERSION}"),
        ])
        .status()
        .context("running pip")?;
    if !ok.success() {
        bail!("pip install moto[server]=={MOTO_VERSION} failed ({ok})");
    }
    std::fs::write(&marker, "")?;
    Ok(server)
}

fn moto(args: &[String]) -> Result<ExitCode> {
    let server = moto_venv()?;
    let port = free_port()?;
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let log = std::fs::File::create(root().join("target").join("moto_server.log"))?;
    let mut child = Command::new(&server)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::from(log.try_clone()?))
        .stderr(Stdio::from(log))
        .spawn()
        .with_context(|| format!("starting {}", server.display()))?;
    wait_for(addr, &mut child, Duration::from_secs(30))?;
    let guard = Guard(child);
    eprintln!("xtask: moto {MOTO_VERSION} on http://{addr} (log: target/moto_server.log)");
    let status = Command::new(env!("CARGO"))
        .current_dir(root())
        .args([
            "run",
            "--quiet",
            "--package",
            "ssm-conformance",
            "--",
            "run",
            "--endpoint",
        ])
        .arg(format!("http://{addr}"))
        .args(["--target-name", "moto"])
        .args(args)
        .status()
        .context("running ssm-conformance")?;
    drop(guard);
    Ok(ExitCode::from(status.code().unwrap_or(2) as u8))
}

fn snapshots() -> Result<ExitCode> {
    let dir = root().join("snapshots").join("reference");
    for entry in std::fs::read_dir(&dir)? {
        let p = entry?.path();
        if p.extension().is_some_and(|e| e == "snap" || e == "new") {
            std::fs::remove_file(&p)?;
        }
    }
    let status = Command::new(env!("CARGO"))
        .current_dir(root())
        .args(["test", "--quiet", "--test", "conformance"])
        .env("INSTA_UPDATE", "always")
        .env_remove("CI")
        .status()
        .context("running cargo test")?;
    Ok(ExitCode::from(status.code().unwrap_or(2) as u8))
}
