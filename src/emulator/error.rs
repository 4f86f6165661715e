//! The errors the emulator answers with, in AWS's awsJson 1.1 form.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// One violated constraint of the model, rendered as AWS renders it:
/// `Value '5' at 'maxResults' failed to satisfy constraint: Member must have value …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The offending value as AWS shows it; `None` renders as `null`.
    pub value: Option<String>,
    /// Whether the member is `sensitive` in the model: its value is not shown.
    pub sensitive: bool,
    /// The member path, e.g. `filters.1.member.key`.
    pub path: String,
    /// The constraint text after `Member must …`.
    pub constraint: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.value, self.sensitive) {
            (_, true) => write!(f, "Value at '{}'", self.path)?,
            (None, false) => write!(f, "Value null at '{}'", self.path)?,
            (Some(v), false) => write!(f, "Value '{v}' at '{}'", self.path)?,
        }
        write!(f, " failed to satisfy constraint: {}", self.constraint)
    }
}

/// An error answer: status, error type and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// The bare error type, sent in `X-Amzn-ErrorType` and `__type`.
    pub error_type: &'static str,
    /// The message.
    pub message: String,
    /// Modeled exceptions carry `Message`; protocol errors carry `message`.
    pub capitalized_message: bool,
}

impl ApiError {
    /// 400 `ValidationException` for one or more violations, joined as AWS joins them.
    pub fn validation(violations: &[Violation]) -> Self {
        let n = violations.len();
        let list = violations
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        let noun = if n == 1 { "error" } else { "errors" };
        Self::protocol(
            400,
            "ValidationException",
            format!("{n} validation {noun} detected: {list}"),
        )
    }

    /// 400 `ValidationException` with a free-form message (semantic checks beyond the model).
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::protocol(400, "ValidationException", message.into())
    }

    /// 400 `SerializationException`: the body is not JSON or a member has the wrong type.
    pub fn serialization(message: impl Into<String>) -> Self {
        Self::protocol(400, "SerializationException", message.into())
    }

    /// An error with a lower-case `message` member (protocol-level errors).
    pub fn protocol(status: u16, error_type: &'static str, message: String) -> Self {
        Self {
            status,
            error_type,
            message,
            capitalized_message: false,
        }
    }

    /// A modeled exception, whose member is `Message`.
    pub fn modeled(status: u16, error_type: &'static str, message: String) -> Self {
        Self {
            status,
            error_type,
            message,
            capitalized_message: true,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let key = if self.capitalized_message { "Message" } else { "message" };
        let body = serde_json::json!({ "__type": self.error_type, key: self.message });
        let mut response = (
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST),
            json_response_body(&body),
        )
            .into_response();
        let headers = response.headers_mut();
        headers.insert("content-type", HeaderValue::from_static(super::CONTENT_TYPE));
        headers.insert("x-amzn-errortype", HeaderValue::from_static(self.error_type));
        response
    }
}

/// An answer's JSON body as bytes.
pub(super) fn json_response_body(v: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(v).expect("a Value always serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(value: Option<&str>, path: &str, constraint: &str) -> Violation {
        Violation {
            value: value.map(str::to_string),
            sensitive: false,
            path: path.into(),
            constraint: constraint.into(),
        }
    }

    #[test]
    fn renders_aws_message_form() {
        let one = ApiError::validation(&[v(
            Some("5"),
            "maxResults",
            "Member must have value greater than or equal to 10",
        )]);
        assert_eq!(
            one.message,
            "1 validation error detected: Value '5' at 'maxResults' failed to satisfy constraint: \
             Member must have value greater than or equal to 10"
        );
        let two = ApiError::validation(&[
            v(None, "windowId", "Member must not be null"),
            v(
                Some(""),
                "filters.1.member.key",
                "Member must have length greater than or equal to 1",
            ),
        ]);
        assert_eq!(
            two.message,
            "2 validation errors detected: Value null at 'windowId' failed to satisfy constraint: \
             Member must not be null; Value '' at 'filters.1.member.key' failed to satisfy \
             constraint: Member must have length greater than or equal to 1"
        );
    }

    #[test]
    fn sensitive_values_are_not_shown() {
        let mut x = v(
            Some("secret"),
            "description",
            "Member must have length less than or equal to 128",
        );
        x.sensitive = true;
        assert_eq!(
            x.to_string(),
            "Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 128"
        );
    }
}
