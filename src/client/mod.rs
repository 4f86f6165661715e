//! The awsJson 1.1 transport: `POST /` with `X-Amz-Target`, SigV4-signed, over reqwest.

mod error_type;
pub(crate) mod profile;
mod signing;

use std::time::{Duration, SystemTime};

use serde_json::Value;

pub use error_type::AwsError;
pub(crate) use error_type::parse_error;
pub use profile::ProfileError;
pub(crate) use signing::Signer;
pub use signing::SigningError;
pub use signing::{Credentials, sign_request};

/// The awsJson content type.
pub(crate) const CONTENT_TYPE: &str = "application/x-amz-json-1.1";
/// The service's target prefix (`X-Amz-Target: AmazonSSM.<Operation>`).
pub(crate) const TARGET_PREFIX: &str = "AmazonSSM";
/// How often a throttled request is sent again.
pub const THROTTLE_RETRIES: u32 = 6;
/// The longest single backoff.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Whether an answer says "slow down".
pub(crate) fn is_throttled(r: &Response) -> bool {
    r.status == 429
        || r.error.as_ref().is_some_and(|e| {
            matches!(
                e.error_type.as_str(),
                "ThrottlingException" | "Throttling" | "TooManyRequestsException" | "RequestLimitExceeded"
            )
        })
}

/// The largest response body read; a larger one is an error, not an out-of-memory.
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// What a request carries: typed parameters, or raw bytes sent exactly as given.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    /// A JSON document, serialized compactly.
    Json(Value),
    /// Bytes sent as they are (malformed JSON, wrong types).
    Raw(Vec<u8>),
}

impl Payload {
    /// The bytes that go on the wire.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Payload::Json(v) => serde_json::to_vec(v).expect("a Value always serializes"),
            Payload::Raw(b) => b.clone(),
        }
    }
}

/// Settings of a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Base URL of the endpoint, e.g. `http://127.0.0.1:4566`.
    pub endpoint: String,
    /// Signing region.
    pub region: String,
    /// Signing credentials.
    pub credentials: Credentials,
    /// Limit on connecting, and on each whole request.
    pub timeout: Duration,
}

/// An answer from the endpoint, kept whole for reports.
#[derive(Debug, Clone)]
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    /// Response headers, names lower-cased, in the order received.
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Vec<u8>,
    /// The body parsed as JSON, when it is JSON.
    pub json: Option<Value>,
    /// The AWS error the response names, if any.
    pub error: Option<AwsError>,
    /// How many earlier tries of this request a dropped connection ended (0: the first try
    /// answered). A request that is not idempotent, sent again, may be answered as a repeat.
    pub dropped_tries: u32,
}

impl Response {
    /// The answer in one line: `HTTP 400 ValidationException: …`, or `HTTP 200 (content type)`.
    pub fn summary(&self) -> String {
        match &self.error {
            Some(e) => format!(
                "HTTP {} {}{}",
                self.status,
                e.error_type,
                e.message.as_ref().map(|m| format!(": {m}")).unwrap_or_default()
            ),
            None => format!(
                "HTTP {}{}",
                self.status,
                self.header("content-type")
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default()
            ),
        }
    }

    /// The first header of that (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The body as text, cut to `max` characters, for messages.
    pub fn body_excerpt(&self, max: usize) -> String {
        excerpt(&self.body, max)
    }

    /// Build a response from its parts, parsing the JSON body and the error type.
    pub fn from_parts(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Self {
        Self::parsed(status, headers, body, Parse::Always)
    }

    fn parsed(status: u16, headers: Vec<(String, String)>, body: Vec<u8>, parse: Parse) -> Self {
        let success = (200..300).contains(&status);
        let json = match parse {
            Parse::ErrorsOnly if success => None,
            _ => serde_json::from_slice::<Value>(&body).ok(),
        };
        let header = headers
            .iter()
            .find(|(k, _)| k == "x-amzn-errortype")
            .map(|(_, v)| v.as_str());
        // A success can carry neither: only look for an error type outside 2xx.
        let error = if success {
            None
        } else {
            parse_error(header, json.as_ref())
        };
        Self {
            status,
            headers,
            body,
            json,
            error,
            dropped_tries: 0,
        }
    }
}

/// Which answers get their body parsed into [`Response::json`].
#[derive(Debug, Clone, Copy)]
enum Parse {
    /// Every answer.
    Always,
    /// Answers outside 2xx only: a success's body is read by its caller's own decoder.
    ErrorsOnly,
}

/// A request that got no HTTP answer.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The endpoint URL cannot be used.
    #[error("invalid endpoint {endpoint:?}: {reason}")]
    InvalidEndpoint {
        /// The URL as given.
        endpoint: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// Signing failed.
    #[error(transparent)]
    Signing(#[from] SigningError),
    /// No answer within the timeout.
    #[error("{operation} to {endpoint}: no answer within {timeout:?}")]
    Timeout {
        /// The operation sent.
        operation: String,
        /// The endpoint.
        endpoint: String,
        /// The limit that ran out.
        timeout: Duration,
    },
    /// The connection failed (refused, reset, TLS).
    #[error("{operation} to {endpoint}: {reason}")]
    Transport {
        /// The operation sent.
        operation: String,
        /// The endpoint.
        endpoint: String,
        /// What went wrong, with its causes.
        reason: String,
    },
    /// The connection was dropped before an answer to a request that is not safe to repeat (a
    /// mutation without a `ClientToken`): it was not sent again.
    #[error(
        "{operation} to {endpoint}: {reason} (not retried: {operation} changes the target and carries no ClientToken, so sending it again could apply it twice)"
    )]
    NotRetried {
        /// The operation sent.
        operation: String,
        /// The endpoint.
        endpoint: String,
        /// What went wrong, with its causes.
        reason: String,
    },
    /// The response body is larger than [`MAX_RESPONSE_BYTES`].
    #[error("{operation} to {endpoint}: response body larger than {limit} bytes")]
    TooLarge {
        /// The operation sent.
        operation: String,
        /// The endpoint.
        endpoint: String,
        /// The limit.
        limit: usize,
    },
}

impl ClientError {
    /// A transport error of a request that was not sent again, saying why.
    fn not_retried(self, operation: &str) -> Self {
        match self {
            Self::Transport { endpoint, reason, .. } => Self::NotRetried {
                operation: operation.to_string(),
                endpoint,
                reason,
            },
            other => other,
        }
    }
}

/// An awsJson 1.1 client for SSM.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    config: ClientConfig,
    url: reqwest::Url,
    recorded: std::sync::Arc<std::sync::Mutex<Option<Vec<Recorded>>>>,
    /// The signer, shared by the clones (with its day's key).
    signer: std::sync::Arc<Signer>,
    /// What every API request is sent to, parsed once.
    api: ApiAddress,
    /// One backoff for this client and all its clones: when the target says "slow down", every
    /// concurrent job waits, not only the one that was told.
    paused_until: std::sync::Arc<std::sync::Mutex<Option<tokio::time::Instant>>>,
    /// How much the target throttled, and the budget of waiting (shared by the clones).
    throttle: std::sync::Arc<std::sync::Mutex<ThrottleLedger>>,
}

/// How much a target throttled a client (and its clones), and how often a dropped connection
/// was tried again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Throttling {
    /// Answers that said "slow down".
    pub throttled: u64,
    /// Wall time the client held every job back for them, and for dropped connections
    /// (overlapping waits counted once).
    pub waited: Duration,
    /// Requests sent again after a transport error (a connection closed, reset or refused
    /// before an answer): only those that are safe to repeat.
    pub transport_retries: u64,
}

#[derive(Debug, Default)]
struct ThrottleLedger {
    seen: Throttling,
    /// The requests sent again after transport errors, by what they were (operation, or the
    /// fixture protocol's method and path), for the reports to name.
    retried: std::collections::BTreeMap<String, u64>,
    /// Once `seen.waited` reaches it, a throttled answer is returned at once, not retried: a
    /// target that never stops throttling costs a bounded time, not a hang.
    budget: Option<Duration>,
}

/// The URI and `Host` of API requests (`POST /`), parsed once per client.
#[derive(Debug, Clone)]
struct ApiAddress {
    uri: http::Uri,
    host: http::HeaderValue,
}

const X_AMZ_TARGET: http::HeaderName = http::HeaderName::from_static("x-amz-target");

/// A request as sent, kept when recording (to replay the same traffic, e.g. as a benchmark floor).
#[derive(Debug, Clone)]
pub struct Recorded {
    /// HTTP method.
    pub method: String,
    /// Path on the endpoint.
    pub path: String,
    /// `X-Amz-Target`, for API calls.
    pub target: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

impl Client {
    /// Build a client; fails on an unusable endpoint URL.
    pub fn new(config: ClientConfig) -> Result<Self, ClientError> {
        let invalid = |reason: String| ClientError::InvalidEndpoint {
            endpoint: shown_endpoint(&config.endpoint),
            reason,
        };
        let mut url = reqwest::Url::parse(&config.endpoint).map_err(|e| invalid(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("the scheme must be http or https".into()));
        }
        url.set_path("/");
        let mut builder = reqwest::Client::builder()
            .connect_timeout(config.timeout)
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none());
        // Loopback traffic never goes through a proxy.
        if url_is_loopback(&url) {
            builder = builder.no_proxy();
        }
        // Plain HTTP never meets TLS (redirects are not followed): skip loading the system's
        // root certificates, which costs a directory scan and ~300 file reads per client.
        if url.scheme() == "http" {
            builder = builder.tls_certs_only([]);
        }
        let http = builder.build().map_err(|e| invalid(error_chain(&e)))?;
        let signer = std::sync::Arc::new(Signer::new(config.credentials.clone(), &config.region, "ssm"));
        let host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            (None, _) => String::new(),
        };
        let api = ApiAddress {
            uri: url
                .as_str()
                .parse()
                .map_err(|e: http::uri::InvalidUri| invalid(e.to_string()))?,
            host: http::HeaderValue::from_str(&host).map_err(|e| invalid(e.to_string()))?,
        };
        Ok(Self {
            http,
            config,
            url,
            signer,
            api,
            recorded: Default::default(),
            paused_until: Default::default(),
            throttle: Default::default(),
        })
    }

    /// Bound the time spent waiting for a throttling target, for this client and its clones:
    /// past it, a throttled answer is given back at once (the case it belongs to then fails,
    /// "throttled throughout").
    pub fn set_throttle_budget(&self, budget: Duration) {
        self.throttle.lock().expect("lock").budget = Some(budget);
    }

    /// How much the target has throttled this client and its clones so far.
    pub fn throttling(&self) -> Throttling {
        self.throttle.lock().expect("lock").seen
    }

    /// The requests sent again after transport errors so far, by operation (or fixture
    /// protocol method and path), with how many times.
    pub fn transport_retries(&self) -> std::collections::BTreeMap<String, u64> {
        self.throttle.lock().expect("lock").retried.clone()
    }

    /// Whether a request that met a transport error may be sent again (its tries and the
    /// budget allow it, and it is safe to repeat); if so, counts it and holds every job back
    /// as a throttled answer does.
    fn retry_after_transport_error(&self, what: &str, attempt: u32) -> bool {
        let mut ledger = self.throttle.lock().expect("lock");
        let spent = ledger.budget.is_some_and(|b| ledger.seen.waited >= b);
        if attempt >= THROTTLE_RETRIES || spent {
            return false;
        }
        ledger.seen.transport_retries += 1;
        *ledger.retried.entry(what.to_string()).or_default() += 1;
        self.pause(&mut ledger, attempt);
        true
    }

    /// Hold every job back for the backoff of `attempt` (doubling from 100 ms, at most 5 s),
    /// counting the wall time it adds.
    fn pause(&self, ledger: &mut ThrottleLedger, attempt: u32) {
        let jitter = crate::ids::random_u64() % 50;
        let delay = Duration::from_millis((100u64 << attempt.min(10)) + jitter).min(MAX_BACKOFF);
        let now = tokio::time::Instant::now();
        let until = now + delay;
        let mut paused = self.paused_until.lock().expect("lock");
        // The wall time this pause adds to those already running.
        let from = paused.map_or(now, |p| p.max(now));
        ledger.seen.waited += until.saturating_duration_since(from);
        *paused = Some(paused.map_or(until, |p| p.max(until)));
    }

    /// The settings this client was built with.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Keep every request sent from now on (this client and its clones).
    pub fn start_recording(&self) {
        *self.recorded.lock().expect("lock") = Some(Vec::new());
    }

    /// The requests kept since [`Client::start_recording`], in order.
    pub fn recorded(&self) -> Vec<Recorded> {
        self.recorded.lock().expect("lock").clone().unwrap_or_default()
    }

    /// Send `AmazonSSM.<operation>` with `payload`, signed; any HTTP answer is `Ok`. A throttled
    /// request (`ThrottlingException`, HTTP 429) is sent again, freshly signed, after a backoff
    /// that doubles from 100 ms (at most 5 s), at most [`THROTTLE_RETRIES`] times and not once
    /// the throttle budget is spent ([`Client::set_throttle_budget`]); the backoff is shared by
    /// every clone of this client, so concurrent jobs slow down together.
    pub async fn call(&self, operation: &str, payload: &Payload) -> Result<Response, ClientError> {
        self.call_parsing(operation, payload, Parse::Always).await
    }

    /// [`Client::call`] for a page: a success's body is left unparsed ([`Response::json`] is
    /// `None`), for [`crate::paging`], which reads pages with its own decoder.
    pub async fn call_page(&self, operation: &str, payload: &Payload) -> Result<Response, ClientError> {
        self.call_parsing(operation, payload, Parse::ErrorsOnly).await
    }

    /// [`Client::call`] for a request the caller knows may be sent again after a dropped
    /// connection, though its operation changes the target: one a correct target refuses (a
    /// broken constraint, an id that names nothing), or one whose effect is the same twice (a
    /// deregistration, a cancel) and whose caller reads [`Response::dropped_tries`].
    pub async fn call_repeatable(&self, operation: &str, payload: &Payload) -> Result<Response, ClientError> {
        self.call_with(operation, payload.to_bytes(), Parse::Always, Some(true))
            .await
    }

    async fn call_parsing(&self, operation: &str, payload: &Payload, parse: Parse) -> Result<Response, ClientError> {
        // Serialized once: what is judged idempotent is what is sent (judged only when a
        // connection drops, which is rare: most mutations' bodies are never read back).
        self.call_with(operation, payload.to_bytes(), parse, None).await
    }

    async fn call_with(
        &self,
        operation: &str,
        body: Vec<u8>,
        parse: Parse,
        repeatable: Option<bool>,
    ) -> Result<Response, ClientError> {
        let mut attempt = 0;
        let mut dropped = 0;
        loop {
            self.wait_for_backoff().await;
            let request = self.signed_request(operation, body.clone())?;
            let mut response = match self.send(operation, self.url.clone(), request, parse).await {
                Ok(r) => r,
                // Dropped before an answer: sent again where that is safe, as AWS's SDKs do.
                Err(e @ ClientError::Transport { .. }) => {
                    let repeatable = repeatable.unwrap_or_else(|| idempotent(operation, &body));
                    if repeatable && self.retry_after_transport_error(operation, attempt) {
                        attempt += 1;
                        dropped += 1;
                        continue;
                    }
                    return Err(if repeatable { e } else { e.not_retried(operation) });
                }
                Err(e) => return Err(e),
            };
            response.dropped_tries = dropped;
            if !is_throttled(&response) {
                return Ok(response);
            }
            let mut ledger = self.throttle.lock().expect("lock");
            ledger.seen.throttled += 1;
            let spent = ledger.budget.is_some_and(|b| ledger.seen.waited >= b);
            if attempt >= THROTTLE_RETRIES || spent {
                return Ok(response);
            }
            self.pause(&mut ledger, attempt);
            drop(ledger);
            attempt += 1;
        }
    }

    async fn wait_for_backoff(&self) {
        let until = *self.paused_until.lock().expect("lock");
        if let Some(t) = until
            && t > tokio::time::Instant::now()
        {
            // Each job resumes a little apart, so they do not all knock again at once.
            let spread = Duration::from_millis(crate::ids::random_u64() % 100);
            tokio::time::sleep_until(t + spread).await;
        }
    }

    /// Send a plain, unsigned request to `path` on the endpoint (the fixture protocol).
    pub async fn plain(&self, method: http::Method, path: &str, body: Vec<u8>) -> Result<Response, ClientError> {
        let what = format!("{method} {path}");
        let mut url = self.url.clone();
        url.set_path(path);
        let mut request = http::Request::builder().method(method).uri(url.as_str());
        if !body.is_empty() {
            request = request.header("content-type", "application/json");
        }
        let request = request.body(body).map_err(|e| ClientError::InvalidEndpoint {
            endpoint: shown_endpoint(&self.config.endpoint),
            reason: e.to_string(),
        })?;
        // The fixture protocol's GET, PUT and DELETE are idempotent: a dropped one is sent again.
        let mut attempt = 0;
        loop {
            self.wait_for_backoff().await;
            match self.send(&what, url.clone(), request.clone(), Parse::Always).await {
                Err(ClientError::Transport { .. }) if self.retry_after_transport_error(&what, attempt) => attempt += 1,
                other => return other,
            }
        }
    }

    /// Send `request` to `url` (its URI, already parsed: reqwest's own conversion from an
    /// `http::Request` would print and parse it again).
    async fn send(
        &self,
        what: &str,
        url: reqwest::Url,
        request: http::Request<Vec<u8>>,
        parse: Parse,
    ) -> Result<Response, ClientError> {
        let transport = |e: reqwest::Error| {
            if e.is_timeout() {
                ClientError::Timeout {
                    operation: what.to_string(),
                    endpoint: shown_endpoint(&self.config.endpoint),
                    timeout: self.config.timeout,
                }
            } else {
                ClientError::Transport {
                    operation: what.to_string(),
                    endpoint: shown_endpoint(&self.config.endpoint),
                    // Without the URL: it may carry credentials, and the endpoint is named.
                    reason: error_chain(&e.without_url()),
                }
            }
        };
        if let Some(log) = self.recorded.lock().expect("lock").as_mut() {
            log.push(Recorded {
                method: request.method().to_string(),
                path: request.uri().path().to_string(),
                target: request
                    .headers()
                    .get("x-amz-target")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string),
                body: request.body().clone(),
            });
        }
        let (parts, body) = request.into_parts();
        let mut request = reqwest::Request::new(parts.method, url);
        *request.headers_mut() = parts.headers;
        *request.body_mut() = Some(body.into());
        let mut response = self.http.execute(request).await.map_err(transport)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(ClientError::TooLarge {
                    operation: what.to_string(),
                    endpoint: shown_endpoint(&self.config.endpoint),
                    limit: MAX_RESPONSE_BYTES,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response::parsed(status, headers, body, parse))
    }

    fn signed_request(&self, operation: &str, body: Vec<u8>) -> Result<http::Request<Vec<u8>>, ClientError> {
        let mut target = String::with_capacity(TARGET_PREFIX.len() + 1 + operation.len());
        target.push_str(TARGET_PREFIX);
        target.push('.');
        target.push_str(operation);
        let mut request = http::Request::builder()
            .method(http::Method::POST)
            .uri(self.api.uri.clone())
            .header(http::header::HOST, self.api.host.clone())
            .header(http::header::CONTENT_TYPE, http::HeaderValue::from_static(CONTENT_TYPE))
            .header(X_AMZ_TARGET, target)
            .body(body)
            .map_err(|e| ClientError::InvalidEndpoint {
                endpoint: shown_endpoint(&self.config.endpoint),
                reason: e.to_string(),
            })?;
        self.signer.sign(&mut request, SystemTime::now())?;
        Ok(request)
    }
}

/// Whether sending `operation` with `body` twice does what sending it once does: the reads, a
/// delete, and a mutation that carries a `ClientToken` (AWS answers its repeat as the first).
fn idempotent(operation: &str, body: &[u8]) -> bool {
    use crate::model::Operation;
    match Operation::from_name(operation) {
        Some(o) if o.is_idempotent() => true,
        Some(_) => serde_json::from_slice::<serde_json::Map<String, Value>>(body)
            .is_ok_and(|m| m.get("ClientToken").is_some_and(Value::is_string)),
        None => false,
    }
}

/// Bytes as text, cut to `max` characters (with the full size when cut), for messages.
pub(crate) fn excerpt(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    if text.chars().count() > max {
        format!(
            "{} … ({} bytes)",
            text.chars().take(max).collect::<String>(),
            bytes.len()
        )
    } else {
        text.into_owned()
    }
}

/// Whether a URL names a loopback host (127.0.0.0/8, ::1, localhost).
pub(crate) fn url_is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => bare.eq_ignore_ascii_case("localhost"),
    }
}

/// `endpoint` as it may be shown: without the user and password a URL can carry
/// (`http://user:secret@host`), which no output or report may hold.
pub(crate) fn shown_endpoint(endpoint: &str) -> String {
    match endpoint.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            format!("{scheme}://{host}{path}")
        }
        None => endpoint.rsplit_once('@').map_or(endpoint, |(_, h)| h).to_string(),
    }
}

/// An error with all its sources, as one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

#[cfg(test)]
mod endpoint_tests {
    use super::shown_endpoint;

    #[test]
    fn credentials_in_an_endpoint_are_not_shown() {
        for (given, shown) in [
            ("http://user:s3cret@127.0.0.1:4566/x", "http://127.0.0.1:4566/x"),
            ("http://user:s3cret@127.0.0.1:4566", "http://127.0.0.1:4566"),
            ("http://user@127.0.0.1:4566?a=b@c", "http://127.0.0.1:4566?a=b@c"),
            (
                "https://ssm.us-east-1.amazonaws.com",
                "https://ssm.us-east-1.amazonaws.com",
            ),
        ] {
            assert_eq!(shown_endpoint(given), shown);
        }
    }
}
