//! Decoding awsJson request members with their types (wrong type: `SerializationException`) and
//! checking the model's constraints (violations: `ValidationException`, all reported at once).

use regex::Regex;
use serde_json::{Map, Value};

use super::error::{ApiError, Violation};

/// Parse a request body: empty means `{}`; anything but a JSON object is a serialization error.
pub(super) fn parse_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(ApiError::serialization(format!(
            "{} can not be converted to a structure",
            json_kind(&other)
        ))),
        Err(e) => Err(ApiError::serialization(format!("malformed JSON: {e}"))),
    }
}

/// The Jackson-style token name AWS uses in serialization messages.
pub(super) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "NULL_VALUE",
        Value::Bool(_) => "BOOLEAN_VALUE",
        Value::Number(_) => "NUMBER_VALUE",
        Value::String(_) => "STRING_VALUE",
        Value::Array(_) => "START_ARRAY",
        Value::Object(_) => "START_OBJECT",
    }
}

fn wrong_type(v: &Value, want: &str) -> ApiError {
    ApiError::serialization(format!("{} can not be converted to {want}", json_kind(v)))
}

/// A string member; JSON `null` counts as absent, as in AWS's awsJson services.
pub(super) fn string(obj: &Map<String, Value>, member: &str) -> Result<Option<String>, ApiError> {
    match obj.get(member) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(wrong_type(other, "a String")),
    }
}

/// An integer member (32-bit); a fraction or an out-of-range number is a serialization error.
pub(super) fn integer(obj: &Map<String, Value>, member: &str) -> Result<Option<i64>, ApiError> {
    match obj.get(member) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(i) if i32::try_from(i).is_ok() => Ok(Some(i)),
            _ => Err(ApiError::serialization(format!(
                "NUMBER_VALUE {n} can not be converted to an Integer"
            ))),
        },
        Some(other) => Err(wrong_type(other, "an Integer")),
    }
}

/// A boolean member.
pub(super) fn boolean(obj: &Map<String, Value>, member: &str) -> Result<Option<bool>, ApiError> {
    match obj.get(member) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(wrong_type(other, "a Boolean")),
    }
}

/// A list member.
pub(super) fn list<'a>(obj: &'a Map<String, Value>, member: &str) -> Result<Option<&'a Vec<Value>>, ApiError> {
    match obj.get(member) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) => Ok(Some(a)),
        Some(other) => Err(wrong_type(other, "a List")),
    }
}

/// A structure (a list element or a member).
pub(super) fn structure(v: &Value) -> Result<&Map<String, Value>, ApiError> {
    match v {
        Value::Object(m) => Ok(m),
        other => Err(wrong_type(other, "a Structure")),
    }
}

/// A string that stands as a list element (nulls are not allowed there).
pub(super) fn element_string(v: &Value) -> Result<&str, ApiError> {
    match v {
        Value::String(s) => Ok(s),
        other => Err(wrong_type(other, "a String")),
    }
}

/// Collects violations of the model's constraints for one request.
#[derive(Debug, Default)]
pub(super) struct Checker {
    /// What has been found so far, in the order checked.
    pub violations: Vec<Violation>,
}

impl Checker {
    fn push(&mut self, value: Option<String>, sensitive: bool, path: &str, constraint: String) {
        self.violations.push(Violation {
            value,
            sensitive,
            path: path.to_string(),
            constraint,
        });
    }

    /// A required member is present.
    pub(super) fn required<T>(&mut self, path: &str, value: &Option<T>) {
        if value.is_none() {
            self.push(None, false, path, "Member must not be null".into());
        }
    }

    /// A string's length, in characters, lies in `min..=max`.
    pub(super) fn length(&mut self, path: &str, value: &str, min: usize, max: usize, sensitive: bool) {
        let n = value.chars().count();
        if n < min {
            self.push(
                Some(value.into()),
                sensitive,
                path,
                format!("Member must have length greater than or equal to {min}"),
            );
        } else if n > max {
            self.push(
                Some(value.into()),
                sensitive,
                path,
                format!("Member must have length less than or equal to {max}"),
            );
        }
    }

    /// Every element of a list of strings has a length in `min..=max`. AWS reports a bad element
    /// once, on the list, naming every constraint of the element shape.
    pub(super) fn element_lengths(&mut self, path: &str, values: &[String], min: usize, max: usize) {
        if values.iter().any(|v| !(min..=max).contains(&v.chars().count())) {
            self.push(
                Some(format!("[{}]", values.join(", "))),
                false,
                path,
                format!(
                    "Member must satisfy constraint: [Member must have length less than or equal to {max}, \
                     Member must have length greater than or equal to {min}]"
                ),
            );
        }
    }

    /// A string matches the model's pattern (given here as text and compiled regex).
    pub(super) fn pattern(&mut self, path: &str, value: &str, pattern: &str, re: &Regex) {
        if !re.is_match(value) {
            self.push(
                Some(value.into()),
                false,
                path,
                format!("Member must satisfy regular expression pattern: {pattern}"),
            );
        }
    }

    /// An integer lies in `min..=max`.
    pub(super) fn range(&mut self, path: &str, value: i64, min: i64, max: i64) {
        if value < min {
            self.push(
                Some(value.to_string()),
                false,
                path,
                format!("Member must have value greater than or equal to {min}"),
            );
        } else if value > max {
            self.push(
                Some(value.to_string()),
                false,
                path,
                format!("Member must have value less than or equal to {max}"),
            );
        }
    }

    /// A list has at most `max` entries (`shown` renders it as AWS would).
    pub(super) fn list_max(&mut self, path: &str, len: usize, max: usize, shown: String) {
        if len > max {
            self.push(
                Some(shown),
                false,
                path,
                format!("Member must have length less than or equal to {max}"),
            );
        }
    }

    /// A list has at least `min` entries (`shown` renders it as AWS would).
    pub(super) fn list_min(&mut self, path: &str, len: usize, min: usize, shown: String) {
        if len < min {
            self.push(
                Some(shown),
                false,
                path,
                format!("Member must have length greater than or equal to {min}"),
            );
        }
    }

    /// Any other violated constraint, in AWS's words, of the value `shown` (hidden where the
    /// member is sensitive).
    pub(super) fn constraint(&mut self, path: &str, shown: String, constraint: String, sensitive: bool) {
        self.push(Some(shown), sensitive, path, constraint);
    }

    /// The collected violations as an error, if there are any.
    pub(super) fn finish(self) -> Result<(), ApiError> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(&self.violations))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bodies() {
        assert!(parse_body(b"").unwrap().is_empty());
        assert_eq!(parse_body(b"{").unwrap_err().error_type, "SerializationException");
        assert_eq!(parse_body(b"[]").unwrap_err().error_type, "SerializationException");
    }

    #[test]
    fn types() {
        let obj = json!({"s": 1, "i": "10", "f": 10.5, "big": 2147483648u64, "n": null, "ok": 10});
        let obj = obj.as_object().unwrap();
        assert_eq!(string(obj, "s").unwrap_err().error_type, "SerializationException");
        assert_eq!(integer(obj, "i").unwrap_err().error_type, "SerializationException");
        assert_eq!(integer(obj, "f").unwrap_err().error_type, "SerializationException");
        assert_eq!(integer(obj, "big").unwrap_err().error_type, "SerializationException");
        assert_eq!(integer(obj, "n").unwrap(), None);
        assert_eq!(integer(obj, "ok").unwrap(), Some(10));
    }

    #[test]
    fn lengths_count_characters() {
        let mut c = Checker::default();
        c.length("k", &"é".repeat(128), 1, 128, false);
        assert!(c.violations.is_empty());
        c.length("k", &"é".repeat(129), 1, 128, false);
        c.length("k", "", 1, 128, false);
        assert_eq!(c.violations.len(), 2);
    }
}
