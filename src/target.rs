//! Which endpoint a run talks to, and how: endpoint, region, credentials, timeout, name.

use std::path::PathBuf;
use std::time::Duration;

use crate::client::Credentials;
use crate::settings::{self, SettingError};

/// Where requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// The reference emulator, started in-process on 127.0.0.1 at a free port.
    Embedded,
    /// Any URL (an emulator, a proxy).
    Url(String),
    /// Real AWS: `https://ssm.{region}.amazonaws.com`, or `url` where an endpoint is given
    /// (an SDK's endpoint override; read-only rules hold there as on AWS).
    Aws {
        /// The endpoint override.
        url: Option<String>,
    },
}

/// What a user can set, from flags or the environment (flags win).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TargetOptions {
    /// Endpoint URL; else AWS_ENDPOINT_URL_SSM, AWS_ENDPOINT_URL, else the embedded emulator.
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// `aws` for real AWS, `embedded` for the reference emulator.
    #[arg(long, value_name = "aws|embedded", env = settings::TARGET.variable)]
    pub target: Option<String>,
    /// Name of the target: snapshots are compared under `snapshots/<name>/` (embedded: `reference`).
    #[arg(long, value_name = "NAME", env = settings::TARGET_NAME.variable)]
    pub target_name: Option<String>,
    /// Signing region; else AWS_REGION, AWS_DEFAULT_REGION, else us-east-1.
    #[arg(long)]
    pub region: Option<String>,
    /// Limit on connecting and on each request, in seconds.
    #[arg(long, value_name = "SECONDS", env = settings::TIMEOUT.variable, allow_negative_numbers = true)]
    pub timeout: Option<f64>,
    /// The pins: a profile of open choices pinned to one option, a name (looked up in
    /// ./specs/profiles/, then the suite's specs/profiles/) or a file (embedded target:
    /// `reference` unless set). `--profile` is the same flag.
    #[arg(long = "pins", visible_alias = "profile", value_name = "NAME|FILE", env = settings::PINS.variable)]
    pub pins: Option<String>,
    /// Spec directory.
    #[arg(long, value_name = "DIR", env = settings::SPECS.variable)]
    pub specs: Option<PathBuf>,
    /// Fixture directory (execution data sets).
    #[arg(long, value_name = "DIR", env = settings::FIXTURES.variable)]
    pub fixtures: Option<PathBuf>,
    /// Snapshot directory (one folder per target name inside).
    #[arg(long, value_name = "DIR", env = settings::SNAPSHOTS.variable)]
    pub snapshots: Option<PathBuf>,
    /// An existing window for cases that need one (read-only on AWS without --allow-mutations).
    #[arg(long, value_name = "mw-…", env = settings::WINDOW_ID.variable)]
    pub window_id: Option<String>,
    /// Cases sent at once (each awaits its own answers; results, reports and snapshots come out
    /// in the same order whatever the number). `1`: strictly one after another.
    #[arg(short = 'j', long, value_name = "N", env = settings::JOBS.variable)]
    pub jobs: Option<usize>,
    /// Allow creating (and deleting what this run created) on AWS or a non-loopback endpoint
    /// (environment: 1/0, true/false, yes/no).
    #[arg(long, env = settings::ALLOW_MUTATIONS.variable, value_parser = settings::flag_parser(), action = clap::ArgAction::SetTrue)]
    pub allow_mutations: bool,
}

/// A resolved target.
#[derive(Debug, Clone)]
pub struct TargetConfig {
    /// Where.
    pub endpoint: Endpoint,
    /// Snapshot folder name, when snapshots are compared.
    pub name: Option<String>,
    /// Signing region.
    pub region: String,
    /// Signing credentials (dummy ones for local endpoints when none are set).
    pub credentials: Credentials,
    /// Per-request limit.
    pub timeout: Duration,
    /// The pins' file, if any.
    pub pins: Option<PathBuf>,
    /// Spec directory.
    pub specs: PathBuf,
    /// Fixture directory.
    pub fixtures: PathBuf,
    /// Snapshot root.
    pub snapshots: PathBuf,
    /// Whether mutating calls may go to AWS or a non-loopback endpoint.
    pub allow_mutations: bool,
    /// An existing window given by the user.
    pub window_id: Option<String>,
    /// Cases sent at once.
    pub jobs: usize,
}

/// Cases sent at once unless `--jobs` says otherwise: enough to hide a far target's latency.
pub const DEFAULT_JOBS: usize = 8;

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A bad value.
    #[error("{what}: {why}")]
    Invalid {
        /// Which setting.
        what: &'static str,
        /// What is wrong with it.
        why: String,
    },
    /// Real AWS without credentials.
    #[error("--target aws needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with static keys")]
    NoCredentials,
    /// An unusable AWS profile (credentials, not pins).
    #[error(transparent)]
    Profile(#[from] crate::client::profile::ProfileError),
    /// A setting's environment variable with a value that cannot be read.
    #[error(transparent)]
    Setting(#[from] SettingError),
}

/// Whether `id` matches the model's `MaintenanceWindowId` pattern (the harness's own check).
pub(crate) fn is_window_id(id: &str) -> bool {
    static WINDOW_ID: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(crate::model::WINDOW_ID_PATTERN).expect("valid"));
    WINDOW_ID.is_match(id)
}

/// Where snapshots are read and written unless `--snapshots` says: the current directory's
/// `snapshots/`; for the reference target without its own there, the compiled-in set (so an
/// installed binary passes from any directory as it does in the checkout).
fn default_snapshots(name: Option<&str>) -> PathBuf {
    let here = absolute(std::path::Path::new("snapshots"));
    match name {
        Some("reference") if !here.join("reference").is_dir() => crate::bundle::data_root().join("snapshots"),
        _ => here,
    }
}

/// The project root, where specs/, snapshots/ and fixtures/ live by default.
pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn env(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.trim().is_empty())
}

/// A path setting, resolved against the current directory now (never against wherever a
/// library later happens to resolve relative paths).
fn absolute(p: &std::path::Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Check an endpoint as written: a scheme, http or https, and no path (AWS endpoints have none;
/// one would otherwise be dropped silently).
pub(crate) fn check_endpoint(url: &str) -> Result<(), ConfigError> {
    let invalid = |why: String| ConfigError::Invalid { what: "endpoint", why };
    if !url.contains("://") {
        return Err(invalid(format!("{url:?} has no scheme: did you mean http://{url}?")));
    }
    let parsed = reqwest::Url::parse(url).map_err(|e| invalid(format!("{url:?}: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid(format!("{url:?}: the scheme must be http or https")));
    }
    if parsed.path() != "/" || parsed.query().is_some() {
        return Err(invalid(format!(
            "{url:?} has a path or query ({}); the API is served at the root: give {}",
            parsed.path(),
            parsed.origin().ascii_serialization()
        )));
    }
    Ok(())
}

impl TargetOptions {
    /// The spec directory these options name (resolved against the current directory), without
    /// resolving anything else: listing cases needs no target.
    pub fn specs_dir(&self) -> PathBuf {
        self.specs
            .as_deref()
            .map_or_else(|| crate::bundle::data_root().join("specs"), absolute)
    }

    /// Options from the environment alone (the `cargo test` way in).
    pub fn from_env() -> Self {
        Self {
            target: settings::TARGET.raw(),
            target_name: settings::TARGET_NAME.raw(),
            timeout: settings::TIMEOUT.seconds().ok().flatten(),
            pins: settings::PINS.raw(),
            specs: settings::SPECS.raw().map(PathBuf::from),
            fixtures: settings::FIXTURES.raw().map(PathBuf::from),
            snapshots: settings::SNAPSHOTS.raw().map(PathBuf::from),
            window_id: settings::WINDOW_ID.raw(),
            jobs: settings::JOBS
                .whole()
                .ok()
                .flatten()
                .and_then(|j| usize::try_from(j).ok()),
            allow_mutations: settings::ALLOW_MUTATIONS.yes().unwrap_or(false),
            ..Self::default()
        }
    }

    /// Resolve flags and environment into a target.
    pub fn resolve(&self) -> Result<TargetConfig, ConfigError> {
        settings::check_environment()?;
        // The shared files are read only where they are needed: for AWS without keys in the
        // environment. A local run never depends on a developer's ~/.aws (an SSO or role
        // profile in AWS_PROFILE must not break it).
        let wants_profile = self.target.as_deref() == Some("aws") && Credentials::from_env().is_none();
        let profile = if wants_profile {
            crate::client::profile::load(&env("AWS_PROFILE").unwrap_or_else(|| "default".into()))?
        } else {
            Default::default()
        };
        let region = self
            .region
            .clone()
            .or_else(|| env("AWS_REGION"))
            .or_else(|| env("AWS_DEFAULT_REGION"))
            .or(profile.region)
            .unwrap_or_else(|| "us-east-1".into());
        let env_endpoint = || env("AWS_ENDPOINT_URL_SSM").or_else(|| env("AWS_ENDPOINT_URL"));
        let endpoint = match (self.target.as_deref(), &self.endpoint) {
            (Some("aws"), url) => Endpoint::Aws {
                url: url.clone().or_else(env_endpoint),
            },
            (Some("embedded"), None) => Endpoint::Embedded,
            (Some("embedded"), Some(_)) => {
                return Err(ConfigError::Invalid {
                    what: "--target",
                    why: "--target embedded and --endpoint exclude each other".into(),
                });
            }
            (Some(other), _) => {
                return Err(ConfigError::Invalid {
                    what: "--target",
                    why: format!("{other:?} is not `aws` or `embedded` (use --endpoint URL for others)"),
                });
            }
            (None, Some(url)) => Endpoint::Url(url.clone()),
            (None, None) => match env_endpoint() {
                Some(url) => Endpoint::Url(url),
                None => Endpoint::Embedded,
            },
        };
        if let Endpoint::Url(url) | Endpoint::Aws { url: Some(url) } = &endpoint {
            check_endpoint(url)?;
        }
        let credentials = match (Credentials::from_env().or(profile.credentials), &endpoint) {
            (Some(c), _) => c,
            (None, Endpoint::Aws { .. }) => return Err(ConfigError::NoCredentials),
            (None, _) => Credentials::dummy(),
        };
        let timeout = match self.timeout {
            None => Duration::from_secs(10),
            Some(t) if t > 0.0 && t.is_finite() && t <= 3600.0 => Duration::from_secs_f64(t),
            Some(t) => {
                return Err(ConfigError::Invalid {
                    what: "--timeout",
                    why: format!("{t} is not a number of seconds in (0, 3600] (hint: --timeout 30)"),
                });
            }
        };
        let name = match (&self.target_name, &endpoint) {
            (Some(n), _) => Some(n.clone()),
            (None, Endpoint::Embedded) => Some("reference".into()),
            (None, _) => None,
        };
        if let Some(n) = &name
            && (n.is_empty() || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        {
            return Err(ConfigError::Invalid {
                what: "--target-name",
                why: format!("{n:?} must be letters, digits, '-' or '_'"),
            });
        }
        let specs = self.specs_dir();
        // The flag, else the variable (clap reads only its new name; `raw` the old one too).
        let given_pins = self.pins.clone().or_else(|| settings::PINS.raw());
        let pins = match (&given_pins, &endpoint) {
            (Some(p), _) if p.ends_with(".json") || p.contains('/') => Some(absolute(std::path::Path::new(p))),
            // A name: the current directory's `specs/profiles/` first (where `--record-profile
            // specs/profiles/NAME.json` writes), then the suite's own.
            (Some(p), _) => {
                let here = std::path::Path::new("specs").join("profiles").join(format!("{p}.json"));
                Some(if here.is_file() {
                    absolute(&here)
                } else {
                    specs.join("profiles").join(format!("{p}.json"))
                })
            }
            (None, Endpoint::Embedded) => Some(specs.join("profiles").join("reference.json")),
            (None, _) => None,
        };
        let snapshots = self
            .snapshots
            .as_deref()
            .map_or_else(|| default_snapshots(name.as_deref()), absolute);
        Ok(TargetConfig {
            endpoint,
            name,
            region,
            credentials,
            timeout,
            pins,
            specs,
            fixtures: self
                .fixtures
                .as_deref()
                .map_or_else(|| crate::bundle::data_root().join("fixtures"), absolute),
            snapshots,
            allow_mutations: self.allow_mutations,
            jobs: match self.jobs {
                None => DEFAULT_JOBS,
                Some(0) => {
                    return Err(ConfigError::Invalid {
                        what: "--jobs",
                        why: "0 cases at once would send nothing: give 1 or more".into(),
                    });
                }
                Some(n) => n,
            },
            window_id: match &self.window_id {
                Some(w) if !is_window_id(w) => {
                    return Err(ConfigError::Invalid {
                        what: "--window-id",
                        why: format!("{w:?} is not a maintenance window id (mw- and 17 hex digits)"),
                    });
                }
                other => other.clone(),
            },
        })
    }
}

impl TargetConfig {
    /// The endpoint URL for a non-embedded target.
    pub fn url(&self) -> Option<String> {
        match &self.endpoint {
            Endpoint::Embedded => None,
            Endpoint::Url(u) => Some(u.clone()),
            Endpoint::Aws { url: Some(u) } => Some(u.clone()),
            Endpoint::Aws { url: None } => Some(format!("https://ssm.{}.amazonaws.com", self.region)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_resolve() {
        let o = TargetOptions {
            endpoint: Some("http://127.0.0.1:4566".into()),
            timeout: Some(2.5),
            ..Default::default()
        };
        let c = o.resolve().unwrap();
        assert_eq!(c.endpoint, Endpoint::Url("http://127.0.0.1:4566".into()));
        assert_eq!(c.name, None);
        assert_eq!(c.timeout, Duration::from_millis(2500));
        assert!(c.pins.is_none());

        let aws = TargetOptions {
            target: Some("aws".into()),
            region: Some("eu-west-1".into()),
            ..Default::default()
        };
        // Without credentials in the environment this is a configuration error; with them, the URL.
        match aws.resolve() {
            Ok(c) => assert_eq!(c.url().unwrap(), "https://ssm.eu-west-1.amazonaws.com"),
            Err(e) => assert!(matches!(e, ConfigError::NoCredentials)),
        }
        for bad in [
            TargetOptions {
                endpoint: Some("ftp://x".into()),
                ..Default::default()
            },
            TargetOptions {
                timeout: Some(0.0),
                ..Default::default()
            },
            TargetOptions {
                target: Some("moto".into()),
                ..Default::default()
            },
            TargetOptions {
                target_name: Some("a/b".into()),
                endpoint: Some("http://127.0.0.1:1".into()),
                ..Default::default()
            },
        ] {
            assert!(bad.resolve().is_err(), "{bad:?}");
        }
    }
}
