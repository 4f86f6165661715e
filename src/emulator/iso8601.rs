//! The ISO 8601 date-times the emulator accepts in `ExecutedBefore` / `ExecutedAfter`.
//!
//! The documented form is `2024-11-04T05:00:00Z`. The emulator accepts that extended form with
//! optional fractional seconds of any length (ISO 8601 sets no limit; digits past nanoseconds are
//! dropped) and a `Z` or `±HH:MM` offset, and rejects date-only and
//! offset-less values (AWS leaves those open; the specs record, not judge, what a target does).

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset};
use regex::Regex;

static FORM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$").expect("valid"));

/// Parse a filter value to epoch nanoseconds; `None` if it is not an accepted, real instant.
pub fn parse_instant(value: &str) -> Option<i128> {
    if !FORM.is_match(value) {
        return None;
    }
    let t: DateTime<FixedOffset> = DateTime::parse_from_rfc3339(value).ok()?;
    Some(i128::from(t.timestamp()) * 1_000_000_000 + i128::from(t.timestamp_subsec_nanos()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_documented_form_and_equivalents() {
        let z = parse_instant("2024-11-04T05:00:00Z").unwrap();
        assert_eq!(z, 1_730_696_400 * 1_000_000_000);
        assert_eq!(parse_instant("2024-11-04T07:00:00+02:00"), Some(z));
        assert_eq!(parse_instant("2024-11-03T23:30:00-05:30"), Some(z));
        assert_eq!(parse_instant("2024-11-04T05:00:00.500Z"), Some(z + 500_000_000));
        assert!(parse_instant("2024-02-29T00:00:00Z").is_some());
        let long = format!("2024-11-04T05:00:00.{}Z", "0".repeat(235));
        assert_eq!(long.chars().count(), 256);
        assert_eq!(parse_instant(&long), Some(z));
    }

    #[test]
    fn rejects_impossible_and_garbage() {
        for bad in [
            "2024-13-01T00:00:00Z",
            "2024-11-31T00:00:00Z",
            "2024-11-04T25:00:00Z",
            "2023-02-29T00:00:00Z",
            "yesterday",
            "",
            " 2024-11-04T05:00:00Z",
            "2024-11-04T05:00:00Z ",
            "2024-11-04",
            "2024-11-04T05:00:00",
            "2024-11-04T05:00:00.Z",
        ] {
            assert_eq!(parse_instant(bad), None, "{bad:?}");
        }
    }
}
