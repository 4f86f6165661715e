//! The forms of a window's schedule the documentation names: "The schedule of the maintenance
//! window in the form of a cron or rate expression" (the model, `CreateMaintenanceWindowRequest`),
//! and the user guide's one-time `at(...)`. Only the form is checked here: six cron fields of
//! the characters cron uses, a rate of whole minutes, hours or days, an instant without zone.

use super::error::ApiError;

/// A schedule in none of the documented forms (not a model constraint: the emulator's own
/// words).
pub(super) fn not_a_schedule(schedule: &str) -> ApiError {
    ApiError::invalid(format!(
        "Schedule {schedule:?} is not a cron(...), rate(...) or at(...) expression"
    ))
}

/// Whether `schedule` has one of the documented forms.
pub(super) fn well_formed(schedule: &str) -> bool {
    let inner = |prefix: &str| schedule.strip_prefix(prefix).and_then(|s| s.strip_suffix(')'));
    if let Some(fields) = inner("cron(") {
        let fields: Vec<&str> = fields.split_whitespace().collect();
        return fields.len() == 6
            && fields.iter().all(|f| {
                f.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '*' | '?' | ',' | '-' | '/' | '#'))
            });
    }
    if let Some(rate) = inner("rate(") {
        let mut parts = rate.split(' ');
        let (Some(n), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
            return false;
        };
        let n_ok = n.parse::<u32>().is_ok_and(|n| n >= 1) && !n.starts_with('0');
        return n_ok && matches!(unit, "minute" | "minutes" | "hour" | "hours" | "day" | "days");
    }
    if let Some(at) = inner("at(") {
        let b = at.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        return b.len() == 19
            && digits(0..4)
            && b[4] == b'-'
            && digits(5..7)
            && b[7] == b'-'
            && digits(8..10)
            && b[10] == b'T'
            && digits(11..13)
            && b[13] == b':'
            && digits(14..16)
            && b[16] == b':'
            && digits(17..19);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_forms() {
        for ok in [
            "cron(0 16 ? * TUE *)",
            "cron(30 23 ? * TUE#3 *)",
            "cron(0/15 * * * ? *)",
            "cron(0 2 L * ? *)",
            "rate(2 days)",
            "rate(1 day)",
            "rate(12 hours)",
            "at(2019-07-07T13:15:30)",
        ] {
            assert!(well_formed(ok), "{ok}");
        }
        for bad in [
            "every tuesday",
            "cron(0 16 ? * TUE)",
            "rate(0 days)",
            "rate(2 weeks)",
            "rate(days)",
            "at(2019-07-07)",
            "x",
            "",
        ] {
            assert!(!well_formed(bad), "{bad}");
        }
    }
}
