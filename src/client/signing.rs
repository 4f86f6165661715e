//! SigV4 signing of awsJson requests with the `aws-sigv4` crate.

use std::time::SystemTime;

use aws_credential_types::Credentials as SdkCredentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;

/// AWS credentials. `Debug` never shows the secret or the session token.
#[derive(Clone)]
pub struct Credentials {
    /// The access key id (not secret, shown in logs as AWS does).
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
    /// The session token of temporary credentials.
    pub session_token: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("session_token", &self.session_token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl Credentials {
    /// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
    pub fn from_env() -> Option<Self> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        Some(Self {
            access_key_id: var("AWS_ACCESS_KEY_ID")?,
            secret_access_key: var("AWS_SECRET_ACCESS_KEY")?,
            session_token: var("AWS_SESSION_TOKEN"),
        })
    }

    /// Dummy credentials for local emulators: they route on the credential scope (moto picks the
    /// service from it) and most do not check the signature.
    pub fn dummy() -> Self {
        Self {
            access_key_id: "AKIDCONFORMANCETEST".into(),
            secret_access_key: "conformance-dummy-secret".into(),
            session_token: None,
        }
    }
}

/// A signing failure (the request could not be put in canonical form).
#[derive(Debug, thiserror::Error)]
#[error("SigV4 signing failed: {0}")]
pub struct SigningError(String);

/// Sign `request` in place for service `ssm` in `region` at `time`: adds `authorization`,
/// `x-amz-date` and, with a session token, `x-amz-security-token`.
pub fn sign_request(
    request: &mut http::Request<Vec<u8>>,
    credentials: &Credentials,
    region: &str,
    service: &str,
    time: SystemTime,
) -> Result<(), SigningError> {
    let identity = SdkCredentials::new(
        credentials.access_key_id.clone(),
        credentials.secret_access_key.clone(),
        credentials.session_token.clone(),
        None,
        "ssm-conformance",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| SigningError(e.to_string()))?
        .into();
    let headers = request
        .headers()
        .iter()
        .map(|(k, v)| Ok((k.as_str(), v.to_str().map_err(|e| SigningError(e.to_string()))?)))
        .collect::<Result<Vec<_>, SigningError>>()?;
    let uri = request.uri().to_string();
    let signable = SignableRequest::new(
        request.method().as_str(),
        &uri,
        headers.into_iter(),
        SignableBody::Bytes(request.body()),
    )
    .map_err(|e| SigningError(e.to_string()))?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| SigningError(e.to_string()))?
        .into_parts();
    instructions.apply_to_request_http1x(request);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// The `post-vanilla` vector of the AWS SigV4 test suite (shipped with aws-sigv4).
    #[test]
    fn reproduces_the_post_vanilla_vector() {
        let mut req = http::Request::builder()
            .method("POST")
            .uri("https://example.amazonaws.com/")
            .header("host", "example.amazonaws.com")
            .body(Vec::new())
            .unwrap();
        let creds = Credentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            session_token: None,
        };
        // 20150830T123600Z
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        sign_request(&mut req, &creds, "us-east-1", "service", time).unwrap();
        assert_eq!(req.headers()["x-amz-date"], "20150830T123600Z");
        assert_eq!(
            req.headers()["authorization"],
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
        );
    }

    #[test]
    fn debug_hides_secrets() {
        let creds = Credentials {
            access_key_id: "AKID".into(),
            secret_access_key: "very-secret".into(),
            session_token: Some("token-secret".into()),
        };
        let shown = format!("{creds:?}");
        assert!(
            !shown.contains("very-secret") && !shown.contains("token-secret"),
            "{shown}"
        );
    }
}
