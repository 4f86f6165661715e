//! SigV4 signing of awsJson requests with the `aws-sigv4` crate.

use std::sync::Mutex;
use std::time::SystemTime;

use chrono::{Datelike, Timelike};
use http::HeaderName;
use sha2::{Digest, Sha256};

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

const AUTHORIZATION: HeaderName = http::header::AUTHORIZATION;
const X_AMZ_DATE: HeaderName = HeaderName::from_static("x-amz-date");
const X_AMZ_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-amz-security-token");

/// `time` as SigV4's `X-Amz-Date` (`YYYYMMDDTHHMMSSZ`), its digits written directly (chrono's
/// `format` parses its pattern, and `format!` pads, on every call).
fn amz_date(time: SystemTime) -> String {
    let t = chrono::DateTime::<chrono::Utc>::from(time).naive_utc();
    let mut out = String::with_capacity(16);
    let mut digits = |n: u32, width: u32| {
        for i in (0..width).rev() {
            out.push(char::from(b'0' + (n / 10u32.pow(i) % 10) as u8));
        }
    };
    digits(t.year().max(0) as u32, 4);
    digits(t.month(), 2);
    digits(t.day(), 2);
    out.push('T');
    let mut digits = |n: u32| {
        out.push(char::from(b'0' + (n / 10) as u8));
        out.push(char::from(b'0' + (n % 10) as u8));
    };
    digits(t.hour());
    digits(t.minute());
    digits(t.second());
    out.push('Z');
    out
}

/// The SHA-256 of `bytes` in lower-case hex, written into `out`.
fn sha256_hex<'a>(bytes: &[u8], out: &'a mut [u8; 64]) -> &'a str {
    hex::encode_to_slice(Sha256::digest(bytes), out).expect("64 hex digits for 32 bytes");
    std::str::from_utf8(out).expect("hex is ASCII")
}

/// A client's signer: its credentials, region and service, and the day's signing key.
///
/// aws-sigv4's [`sign`] derives the signing key (four HMACs) and builds the canonical request
/// through general machinery on every call; a conformance run signs hundreds of requests a
/// second, all of one form. So the requests the client itself builds — `POST /`, no query, and
/// only its own three headers (`host`, `content-type`, `x-amz-target`), each once, with values
/// of visible ASCII — are put in canonical form here and
/// signed with the crate's own [`v4::calculate_signature`] under the crate's
/// [`v4::generate_signing_key`], derived once a day. Every other request goes through
/// [`sign_request`]. A property test holds the two to the same headers.
#[derive(Debug)]
pub(crate) struct Signer {
    credentials: Credentials,
    region: String,
    service: String,
    /// The signing key of the last day signed for (`YYYYMMDD`), shared by the client's clones.
    day_key: Mutex<Option<(String, Vec<u8>)>>,
}

impl Signer {
    /// A signer for `service` in `region`.
    pub(crate) fn new(credentials: Credentials, region: &str, service: &str) -> Self {
        Self {
            credentials,
            region: region.to_string(),
            service: service.to_string(),
            day_key: Mutex::new(None),
        }
    }

    /// Sign `request` in place at `time`, as [`sign_request`] would.
    pub(crate) fn sign(&self, request: &mut http::Request<Vec<u8>>, time: SystemTime) -> Result<(), SigningError> {
        match self.authorization(request, time) {
            Some(headers) => {
                for (name, value) in headers {
                    let value = http::HeaderValue::from_str(&value).map_err(|e| SigningError(e.to_string()))?;
                    request.headers_mut().insert(name, value);
                }
                Ok(())
            }
            None => sign_request(request, &self.credentials, &self.region, &self.service, time),
        }
    }

    /// The headers to add to a request of the simple form, or `None` for any other request.
    fn authorization(&self, request: &http::Request<Vec<u8>>, time: SystemTime) -> Option<Vec<(HeaderName, String)>> {
        let plain = |v: &[u8]| !v.is_empty() && v.iter().all(u8::is_ascii_graphic);
        if request.method() != http::Method::POST
            || request.uri().path() != "/"
            || request.uri().query().is_some()
            || request.headers().keys_len() != request.headers().len()
            || !request
                .headers()
                .iter()
                .all(|(k, v)| ["host", "content-type", "x-amz-target"].contains(&k.as_str()) && plain(v.as_bytes()))
            || self
                .credentials
                .session_token
                .as_deref()
                .is_some_and(|t| !plain(t.as_bytes()))
        {
            return None;
        }
        let stamp = amz_date(time);
        let day = &stamp[..8];
        let mut headers: Vec<(&str, &str)> = request
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str(), v.to_str().expect("checked: visible ASCII")))
            .collect();
        headers.push(("x-amz-date", &stamp));
        if let Some(token) = &self.credentials.session_token {
            headers.push(("x-amz-security-token", token));
        }
        headers.sort_unstable_by_key(|(k, _)| *k);
        let signed = headers.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(";");
        let mut canonical = String::with_capacity(256 + request.body().len() / 8);
        canonical.push_str("POST\n/\n\n");
        for (k, v) in &headers {
            canonical.push_str(k);
            canonical.push(':');
            canonical.push_str(v);
            canonical.push('\n');
        }
        canonical.push('\n');
        canonical.push_str(&signed);
        canonical.push('\n');
        canonical.push_str(sha256_hex(request.body(), &mut [0; 64]));
        // Written with push_str: `format!` goes through the formatting machinery per piece.
        let mut scope = String::with_capacity(64);
        for part in [day, "/", &self.region, "/", &self.service, "/aws4_request"] {
            scope.push_str(part);
        }
        let mut string_to_sign = String::with_capacity(160);
        for part in [
            "AWS4-HMAC-SHA256\n",
            &stamp,
            "\n",
            &scope,
            "\n",
            sha256_hex(canonical.as_bytes(), &mut [0; 64]),
        ] {
            string_to_sign.push_str(part);
        }
        let signature = v4::calculate_signature(self.key(day, time), string_to_sign.as_bytes());
        let mut authorization = String::with_capacity(256);
        for part in [
            "AWS4-HMAC-SHA256 Credential=",
            &self.credentials.access_key_id,
            "/",
            &scope,
            ", SignedHeaders=",
            &signed,
            ", Signature=",
            &signature,
        ] {
            authorization.push_str(part);
        }
        let mut out = vec![(AUTHORIZATION, authorization), (X_AMZ_DATE, stamp.clone())];
        if let Some(token) = &self.credentials.session_token {
            out.push((X_AMZ_SECURITY_TOKEN, token.clone()));
        }
        Some(out)
    }

    /// The signing key of `day` (derived by the crate, once a day).
    fn key(&self, day: &str, time: SystemTime) -> Vec<u8> {
        let mut cached = self.day_key.lock().expect("lock");
        match &*cached {
            Some((d, key)) if d == day => key.clone(),
            _ => {
                let key =
                    v4::generate_signing_key(&self.credentials.secret_access_key, time, &self.region, &self.service)
                        .as_ref()
                        .to_vec();
                *cached = Some((day.to_string(), key.clone()));
                key
            }
        }
    }
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

    proptest::proptest! {
        /// The signer's own canonical form agrees with aws-sigv4's `sign` on every request the
        /// client builds, across days (the cached key is re-derived when the day changes), with
        /// and without a session token; other requests fall back to the crate.
        #[test]
        fn the_signer_signs_as_aws_sigv4_does(
            operation in "[A-Za-z0-9._-]{1,40}|[ -~]{0,12}",
            body in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
            port in 1u16..,
            token in proptest::option::of("[A-Za-z0-9+/=]{1,60}"),
            secret in "[ -~]{1,40}",
            region in "[a-z]{2}-[a-z]{4,9}-[1-9]",
            times in proptest::collection::vec(0u64..4_102_444_800, 1..4),
        ) {
            let credentials = Credentials {
                access_key_id: "AKIDPROPERTY".into(),
                secret_access_key: secret,
                session_token: token,
            };
            let signer = Signer::new(credentials.clone(), &region, "ssm");
            let request = |operation: &str| {
                http::Request::builder()
                    .method("POST")
                    .uri(format!("http://127.0.0.1:{port}/"))
                    .header("host", format!("127.0.0.1:{port}"))
                    .header("content-type", "application/x-amz-json-1.1")
                    .header("x-amz-target", format!("AmazonSSM.{operation}"))
                    .body(body.clone())
                    .unwrap()
            };
            for secs in times {
                let time = SystemTime::UNIX_EPOCH + Duration::from_secs(secs);
                let mut ours = request(&operation);
                let simple = operation.bytes().all(|b| b.is_ascii_graphic());
                proptest::prop_assert_eq!(signer.authorization(&ours, time).is_some(), simple);
                signer.sign(&mut ours, time).unwrap();
                let mut theirs = request(&operation);
                sign_request(&mut theirs, &credentials, &region, "ssm", time).unwrap();
                proptest::prop_assert_eq!(ours.headers(), theirs.headers());
            }
        }
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
