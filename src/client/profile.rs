//! Credentials and region from the AWS shared config and credentials files (`AWS_PROFILE`),
//! for static keys. Profiles that need another service to get credentials (role_arn, SSO,
//! credential_process) are refused with a clear message: export the keys instead.

use std::path::PathBuf;

use ini::Ini;

use super::Credentials;

/// A profile that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("AWS profile {profile:?}: {message}")]
pub struct ProfileError {
    /// The profile name.
    pub profile: String,
    /// What is wrong.
    pub message: String,
}

/// What a profile provides.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProfileSettings {
    /// Static credentials, if the profile has them.
    pub credentials: Option<Credentials>,
    /// The region, if set.
    pub region: Option<String>,
}

fn home_file(env: &str, default: &str) -> Option<PathBuf> {
    match std::env::var_os(env) {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".aws").join(default)),
    }
}

const UNSUPPORTED: [&str; 5] = [
    "role_arn",
    "sso_session",
    "sso_start_url",
    "credential_process",
    "web_identity_token_file",
];

/// Read `profile` from the credentials file (`[name]`) and the config file (`[profile name]`,
/// or `[default]`); the credentials file wins where both set a key. Missing files are fine.
pub(crate) fn load(profile: &str) -> Result<ProfileSettings, ProfileError> {
    let err = |message: String| ProfileError {
        profile: profile.to_string(),
        message,
    };
    let read = |path: Option<PathBuf>| -> Result<Option<Ini>, ProfileError> {
        match path {
            Some(p) if p.exists() => Ini::load_from_file(&p)
                .map(Some)
                .map_err(|e| err(format!("{}: {e}", p.display()))),
            _ => Ok(None),
        }
    };
    let credentials = read(home_file("AWS_SHARED_CREDENTIALS_FILE", "credentials"))?;
    let config = read(home_file("AWS_CONFIG_FILE", "config"))?;
    let config_section = if profile == "default" {
        "default".to_string()
    } else {
        format!("profile {profile}")
    };
    let get = |key: &str| -> Option<String> {
        credentials
            .as_ref()
            .and_then(|c| c.section(Some(profile)))
            .and_then(|s| s.get(key))
            .or_else(|| {
                config
                    .as_ref()
                    .and_then(|c| c.section(Some(config_section.as_str())))
                    .and_then(|s| s.get(key))
            })
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let known = credentials.as_ref().is_some_and(|c| c.section(Some(profile)).is_some())
        || config
            .as_ref()
            .is_some_and(|c| c.section(Some(config_section.as_str())).is_some());
    if !known {
        return if profile == "default" {
            Ok(ProfileSettings::default())
        } else {
            Err(err("not found in the shared config or credentials file".into()))
        };
    }
    let region = get("region");
    let credentials = match (get("aws_access_key_id"), get("aws_secret_access_key")) {
        (Some(access_key_id), Some(secret_access_key)) => Some(Credentials {
            access_key_id,
            secret_access_key,
            session_token: get("aws_session_token"),
        }),
        _ => match UNSUPPORTED.iter().find(|k| get(k).is_some()) {
            Some(k) => {
                return Err(err(format!(
                    "it gets credentials through {k}, which this harness does not do; export static credentials \
                     (aws configure export-credentials --profile {profile} --format env)"
                )));
            }
            None => None,
        },
    };
    Ok(ProfileSettings { credentials, region })
}
