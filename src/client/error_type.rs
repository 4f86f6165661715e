//! Error parsing per the Smithy awsJson 1.1 rules.
//!
//! The error type comes from the `X-Amzn-ErrorType` header first, then the body's `code`, then the
//! body's `__type`. Whatever the source, everything from the first `:` on is dropped (it carries a
//! URL on some services), then everything up to and including the first `#` (a namespace).

use serde_json::Value;

/// An AWS error as parsed from a response.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AwsError {
    /// The bare error type, e.g. `ValidationException`.
    pub error_type: String,
    /// The message from the body's `message` or `Message`, if any.
    pub message: Option<String>,
}

/// Sanitize a raw error type value: drop the `:…` suffix, then the `…#` namespace.
pub(crate) fn sanitize_error_type(raw: &str) -> String {
    let before_colon = raw.split(':').next().unwrap_or("");
    let after_hash = match before_colon.split_once('#') {
        Some((_, rest)) => rest,
        None => before_colon,
    };
    after_hash.trim().to_string()
}

/// Parse the error type and message of a response, if it names one.
///
/// `header` is the value of `X-Amzn-ErrorType`; `body` is the parsed JSON body, if it was JSON.
pub(crate) fn parse_error(header: Option<&str>, body: Option<&Value>) -> Option<AwsError> {
    let from_body = |key: &str| body.and_then(|b| b.get(key)).and_then(Value::as_str);
    let raw = header
        .filter(|h| !h.trim().is_empty())
        .or_else(|| from_body("code"))
        .or_else(|| from_body("__type"))?;
    let error_type = sanitize_error_type(raw);
    if error_type.is_empty() {
        return None;
    }
    let message = from_body("message")
        .or_else(|| from_body("Message"))
        .map(str::to_string);
    Some(AwsError { error_type, message })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sanitizes_the_smithy_examples() {
        // The examples of the Smithy awsJson 1.1 specification.
        for raw in [
            "FooError",
            "FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/",
            "aws.protocoltests.restjson#FooError",
            "aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/",
        ] {
            assert_eq!(sanitize_error_type(raw), "FooError", "{raw}");
        }
    }

    #[test]
    fn header_wins_over_code_and_type() {
        let body = json!({"code": "FromCode", "__type": "FromType", "Message": "m"});
        let e = parse_error(Some("com.amazon#FromHeader"), Some(&body)).unwrap();
        assert_eq!(e.error_type, "FromHeader");
        assert_eq!(e.message.as_deref(), Some("m"));
        assert_eq!(parse_error(None, Some(&body)).unwrap().error_type, "FromCode");
        let body = json!({"__type": "x#FromType", "message": "lower"});
        let e = parse_error(None, Some(&body)).unwrap();
        assert_eq!(
            (e.error_type.as_str(), e.message.as_deref()),
            ("FromType", Some("lower"))
        );
    }

    #[test]
    fn no_type_means_no_error() {
        assert_eq!(parse_error(None, Some(&json!({"WindowExecutions": []}))), None);
        assert_eq!(parse_error(None, None), None);
        assert_eq!(parse_error(Some(""), None), None);
    }
}
