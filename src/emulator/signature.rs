//! SigV4 signature checking (`serve --check-signatures`): the emulator recomputes each API
//! request's signature with the `aws-sigv4` crate from the credentials it knows and refuses
//! what does not match, as AWS does — so a client's signing is tested for real.

use std::time::{Duration, SystemTime};

use axum::http::HeaderMap;
use chrono::NaiveDateTime;

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;

use super::error::ApiError;

/// Credentials the emulator accepts signatures from. Its own type: the emulator checks what a
/// client signed, so it shares none of the harness client's signing code.
#[derive(Clone, PartialEq, Eq)]
pub struct Signer {
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
    /// The session token of temporary credentials, which a request must then carry.
    pub session_token: Option<String>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("session_token", &self.session_token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// The `Authorization` value AWS would compute for `request` signed by `signer` at `time`.
fn expected_authorization(
    request: &http::Request<Vec<u8>>,
    signer: &Signer,
    region: &str,
    service: &str,
    time: SystemTime,
) -> Option<String> {
    let identity = aws_credential_types::Credentials::new(
        signer.access_key_id.clone(),
        signer.secret_access_key.clone(),
        signer.session_token.clone(),
        None,
        "ssm-conformance-emulator",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .ok()?
        .into();
    let headers: Vec<(&str, &str)> = request
        .headers()
        .iter()
        .map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)))
        .collect::<Option<_>>()?;
    let uri = request.uri().to_string();
    let signable = SignableRequest::new("POST", &uri, headers.into_iter(), SignableBody::Bytes(request.body())).ok()?;
    let (instructions, _) = sign(signable, &params).ok()?.into_parts();
    let mut signed = request.clone();
    instructions.apply_to_request_http1x(&mut signed);
    signed
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// How far a request's `X-Amz-Date` may be from now (AWS allows 15 minutes).
const MAX_SKEW: Duration = Duration::from_secs(15 * 60);

fn refuse(status: u16, error_type: &'static str, message: &str) -> ApiError {
    ApiError::protocol(status, error_type, message.to_string())
}

fn invalid_signature() -> ApiError {
    refuse(
        403,
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided. \
         Check your AWS Secret Access Key and signing method.",
    )
}

fn unrecognized() -> ApiError {
    refuse(
        403,
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )
}

/// The parts of an `Authorization: AWS4-HMAC-SHA256 …` header.
#[derive(Debug, PartialEq, Eq)]
struct Authorization<'a> {
    access_key_id: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Option<Authorization<'_>> {
    let rest = value.strip_prefix("AWS4-HMAC-SHA256 ")?;
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',').map(str::trim) {
        let (k, v) = part.split_once('=')?;
        match k {
            "Credential" => credential = Some(v),
            "SignedHeaders" => signed_headers = Some(v),
            "Signature" => signature = Some(v),
            _ => return None,
        }
    }
    let mut scope = credential?.split('/');
    let a = Authorization {
        access_key_id: scope.next()?,
        date: scope.next()?,
        region: scope.next()?,
        service: scope.next()?,
        signed_headers: signed_headers?,
        signature: signature?,
    };
    (scope.next()? == "aws4_request" && scope.next().is_none()).then_some(a)
}

/// Check the signature of an API request (`POST path`) against `known` credentials.
pub(super) fn verify(
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
    known: &[Signer],
    now: SystemTime,
) -> Result<(), ApiError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let Some(auth) = header("authorization") else {
        return Err(refuse(
            400,
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        ));
    };
    let auth = parse_authorization(auth).ok_or_else(|| {
        refuse(
            400,
            "IncompleteSignatureException",
            "Authorization header requires Credential, SignedHeaders and Signature.",
        )
    })?;
    let creds = known
        .iter()
        .find(|c| c.access_key_id == auth.access_key_id)
        .ok_or_else(unrecognized)?;
    if creds.session_token.as_deref() != header("x-amz-security-token") {
        return Err(unrecognized());
    }
    let amz_date = header("x-amz-date").ok_or_else(invalid_signature)?;
    let time = NaiveDateTime::parse_from_str(amz_date, "%Y%m%dT%H%M%SZ").map_err(|_| invalid_signature())?;
    if !amz_date.starts_with(auth.date) {
        return Err(invalid_signature());
    }
    let time = SystemTime::UNIX_EPOCH
        + Duration::from_secs(u64::try_from(time.and_utc().timestamp()).map_err(|_| invalid_signature())?);
    let skew = now.duration_since(time).unwrap_or_else(|e| e.duration());
    if skew > MAX_SKEW {
        return Err(refuse(
            403,
            "InvalidSignatureException",
            "Signature expired: the request time is too far from the server time.",
        ));
    }
    // Re-sign exactly the signed headers (the signer adds x-amz-date and the token itself).
    let host = header("host").ok_or_else(invalid_signature)?;
    let mut request = http::Request::builder()
        .method("POST")
        .uri(format!("http://{host}{path}"));
    for name in auth.signed_headers.split(';') {
        if name == "x-amz-date" || name == "x-amz-security-token" {
            continue;
        }
        let value = header(name).ok_or_else(invalid_signature)?;
        request = request.header(name, value);
    }
    let request = request.body(body.to_vec()).map_err(|_| invalid_signature())?;
    let expected =
        expected_authorization(&request, creds, auth.region, auth.service, time).ok_or_else(invalid_signature)?;
    let expected = parse_authorization(&expected).ok_or_else(invalid_signature)?;
    if expected.signed_headers != auth.signed_headers || expected.signature != auth.signature {
        return Err(invalid_signature());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_header() {
        let a = parse_authorization(
            "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/ssm/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc",
        )
        .unwrap();
        assert_eq!(
            (a.access_key_id, a.region, a.service, a.signed_headers, a.signature),
            ("AKID", "us-east-1", "ssm", "host;x-amz-date", "abc")
        );
        assert!(parse_authorization("AWS4-HMAC-SHA256 Credential=AKID/x/y, SignedHeaders=h, Signature=s").is_none());
        assert!(parse_authorization("Basic abc").is_none());
    }
}
