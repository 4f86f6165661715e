//! AWS's validation message, read back: `N validation error(s) detected: Value '…' at
//! 'filters.1.member.key' failed to satisfy constraint: Member must have length less than or
//! equal to 128; …`. Which members and constraints a target names is how the suite tells a
//! missing or wrong bound from one that a later check happened to cover.
//!
//! Whether a target writes this form at all is open (choice `validation-message-form`: `aws` or
//! `other`); where it does, a case's expected violations must be named exactly.

use crate::failure::{Failure, FailureKind};
use crate::spec::ExpectedViolation;
use serde_json::Value;

/// What opens AWS's form: `N validation error(s) detected: `.
const DETECTED: [&str; 2] = [" validation errors detected: ", " validation error detected: "];
/// What opens a violation's member path, and what follows it.
const AT_OPEN: &str = " at '";
const AT_CLOSE: &str = "' failed to satisfy constraint: ";

/// One violation's anchor, ` at 'PATH' failed to satisfy constraint: `: where it starts and
/// ends in the message, and its path (lower-camel names, list positions and `member`).
struct Anchor<'a> {
    start: usize,
    end: usize,
    member: &'a str,
}

/// The count that opens the message (`^\d+ validation errors? detected: `), or `None`.
fn header(message: &str) -> Option<usize> {
    let digits = message.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &message[digits..];
    if digits == 0 || !DETECTED.iter().any(|d| rest.starts_with(d)) {
        return None;
    }
    message[..digits].parse().ok()
}

/// Every anchor, leftmost first and not overlapping (as a regex's matches would be): searched
/// by hand, since this runs on every error message of a run.
fn anchors(message: &str) -> Vec<Anchor<'_>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = message[from..].find(AT_OPEN) {
        let start = from + i;
        let path_start = start + AT_OPEN.len();
        let path_len = message[path_start..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'.')
            .count();
        let path_end = path_start + path_len;
        if path_len > 0 && message[path_end..].starts_with(AT_CLOSE) {
            let end = path_end + AT_CLOSE.len();
            out.push(Anchor {
                start,
                end,
                member: &message[path_start..path_end],
            });
            from = end;
        } else {
            from = start + 1;
        }
    }
    out
}

/// A violation a target reported: a member and the constraints it names (several for a list's
/// elements: `Member must satisfy constraint: [A, B]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reported {
    /// The member path.
    pub member: String,
    /// The constraints named.
    pub constraints: Vec<String>,
    /// Named as a list's element constraints (`Member must satisfy constraint: [A, B]`), which
    /// are all of the element shape's, exactly, whether the path is the list's or an element's.
    pub bracketed: bool,
}

/// Read a message. `None`: not AWS's form. `Some(Err)`: it starts as AWS's form but does not
/// hold to it (the count disagrees with the violations listed).
pub(crate) fn parse(message: &str) -> Option<Result<Vec<Reported>, Failure>> {
    let count = header(message)?;
    let anchors = anchors(message);
    let mut out = Vec::new();
    for (i, a) in anchors.iter().enumerate() {
        // The constraint runs to the `; Value` that opens the next violation.
        // Constraint texts never hold `; Value`, so its first occurrence ends this one.
        let end = match anchors.get(i + 1) {
            Some(next) => message[a.end..next.start]
                .find("; Value")
                .map_or(next.start, |e| a.end + e),
            None => message.len(),
        };
        let text = message[a.end..end].trim_end_matches(['.', ' ']);
        let bracketed = text
            .strip_prefix("Member must satisfy constraint: [")
            .and_then(|r| r.strip_suffix(']'));
        let constraints = match bracketed {
            Some(list) => list.split(", ").map(str::to_string).collect(),
            None => vec![text.to_string()],
        };
        out.push(Reported {
            member: a.member.to_string(),
            constraints,
            bracketed: bracketed.is_some(),
        });
    }
    if out.len() != count {
        return Some(Err(Failure::new(
            FailureKind::ValidationMessage,
            format!(
                "the message says {count} validation error(s) but lists {}: {message:?}",
                out.len()
            ),
        )));
    }
    Some(Ok(out))
}

/// Whether a constraint is one the model defines (lengths, ranges, patterns, required members,
/// and a list's element constraints): those a target must never report where a case expects
/// none. Other texts (an enum of filter keys, free words) are a target's own and not judged.
fn is_model_kind(constraint: &str) -> bool {
    [
        "Member must have length ",
        "Member must have value ",
        "Member must satisfy regular expression pattern",
        "Member must not be null",
    ]
    .iter()
    .any(|p| constraint.starts_with(p))
}

/// `reported` names `expected`'s member: the same path, or one of its list's elements
/// (`filters.1.member.values.2.member` for `filters.1.member.values`). An element must be one
/// the request sent that breaks the element's bounds, where the request is known: AWS counts
/// from 1, and a target that names another element (counting from 0, say) names the wrong one.
fn same_member(expected: &str, reported: &str, request: Option<&Value>) -> bool {
    if reported == expected {
        return true;
    }
    let Some(n) = reported
        .strip_prefix(expected)
        .and_then(|r| r.strip_prefix('.'))
        .and_then(|r| r.strip_suffix(".member"))
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    else {
        return false;
    };
    request.is_none_or(|r| element_breaks_bounds(r, expected, n))
}

/// Whether element `n` (counted from 1) of the list at `list` (`filters.F.member.values`) in
/// `request` is a value whose length is outside the model's bounds.
fn element_breaks_bounds(request: &Value, list: &str, n: &str) -> bool {
    let index = |s: &str| s.parse::<usize>().ok().and_then(|i| i.checked_sub(1));
    let Some(f) = list
        .strip_prefix("filters.")
        .and_then(|r| r.strip_suffix(".member.values"))
        .and_then(index)
    else {
        return false;
    };
    let value = index(n).and_then(|i| request.get("Filters")?.get(f)?.get("Values")?.get(i));
    value
        .and_then(Value::as_str)
        .map(|v| v.chars().count())
        .is_some_and(|len| !(crate::model::FILTER_VALUE_MIN..=crate::model::FILTER_VALUE_MAX).contains(&len))
}

/// The constraints of a list's element shape, which AWS names all together on the list (or a
/// target on one element, `filters.1.member.values.2.member`): for a filter's `Values`, the
/// model's value length bounds.
fn element_constraints(member: &str) -> Option<Vec<String>> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let rest = member.strip_prefix("filters.")?;
    let list = match rest.strip_suffix(".member") {
        // An element: `F.member.values.N.member`.
        Some(element) => {
            let (list, n) = element.rsplit_once('.')?;
            digits(n).then_some(list)?
        }
        None => rest,
    };
    let f = list.strip_suffix(".member.values")?;
    digits(f).then(|| {
        vec![
            format!(
                "Member must have length less than or equal to {}",
                crate::model::FILTER_VALUE_MAX
            ),
            format!(
                "Member must have length greater than or equal to {}",
                crate::model::FILTER_VALUE_MIN
            ),
        ]
    })
}

/// Every expected violation is reported, and every reported model constraint is expected; a
/// list's bracketed constraints must be exactly its element shape's (a bound off by one shows
/// there even when the violated one is right).
/// `request` is the request's parameters, where known (elements are checked against it).
pub(crate) fn judge(
    expected: &[ExpectedViolation],
    reported: &[Reported],
    request: Option<&Value>,
) -> Result<(), Failure> {
    let wrong = |why: String| Failure::new(FailureKind::ValidationMessage, why);
    for r in reported.iter().filter(|r| r.bracketed) {
        if let Some(mut want) = element_constraints(&r.member) {
            let mut got = r.constraints.clone();
            want.sort();
            got.sort();
            if got != want {
                return Err(wrong(format!(
                    "the validation message names {:?} for '{}', whose element constraints are {want:?}",
                    r.constraints, r.member
                )));
            }
        }
    }
    let missing: Vec<String> = expected
        .iter()
        .filter(|e| {
            !reported
                .iter()
                .any(|r| same_member(&e.member, &r.member, request) && r.constraints.contains(&e.constraint))
        })
        .map(|e| format!("'{}': {}", e.member, e.constraint))
        .collect();
    let extra: Vec<String> = reported
        .iter()
        .flat_map(|r| r.constraints.iter().map(move |c| (r, c)))
        .filter(|(_, c)| is_model_kind(c))
        .filter(|(r, _)| {
            // A list's bracketed constraints count as one report: fine if any of them is expected.
            !expected
                .iter()
                .any(|e| same_member(&e.member, &r.member, request) && r.constraints.contains(&e.constraint))
        })
        .map(|(r, c)| format!("'{}': {c}", r.member))
        .collect();
    let mut why = Vec::new();
    if !missing.is_empty() {
        why.push(format!("does not name {}", missing.join("; ")));
    }
    if !extra.is_empty() {
        why.push(format!(
            "names violations the request does not make: {}",
            extra.join("; ")
        ));
    }
    if why.is_empty() {
        Ok(())
    } else {
        Err(wrong(format!("the validation message {}", why.join(", and "))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(member: &str, constraint: &str) -> ExpectedViolation {
        ExpectedViolation {
            member: member.into(),
            constraint: constraint.into(),
        }
    }

    const KEY_MAX: &str = "Member must have length less than or equal to 128";

    #[test]
    fn reads_one_and_several_violations() {
        let one = "1 validation error detected: Value '5' at 'maxResults' failed to satisfy constraint: \
                   Member must have value greater than or equal to 10";
        assert_eq!(
            parse(one).unwrap().unwrap(),
            [Reported {
                member: "maxResults".into(),
                constraints: vec!["Member must have value greater than or equal to 10".into()],
                bracketed: false,
            }]
        );
        let two = "2 validation errors detected: Value null at 'windowId' failed to satisfy constraint: \
                   Member must not be null; Value '[a; Value x, ]' at 'filters.1.member.values' failed to \
                   satisfy constraint: Member must satisfy constraint: [Member must have length less than or \
                   equal to 256, Member must have length greater than or equal to 1]";
        let r = parse(two).unwrap().unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].constraints, ["Member must not be null"]);
        assert_eq!(r[1].member, "filters.1.member.values");
        assert_eq!(r[1].constraints.len(), 2);
        assert!(parse("Invalid value for filter").is_none());
        assert!(
            parse("2 validation errors detected: Value '' at 'windowId' failed to satisfy constraint: x")
                .unwrap()
                .is_err()
        );
    }

    #[test]
    fn anchors_are_found_as_the_form_spells_them_and_nothing_else() {
        // A value that itself holds " at '" (not followed by a path and the constraint) is no
        // anchor; the search goes on from the next character.
        let m = "1 validation error detected: Value 'x at 'y z' at 'name' failed to satisfy constraint: \
                 Member must have length greater than or equal to 3";
        let r = parse(m).unwrap().unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].member, "name");
        // The header: digits, then the singular or plural form, exactly.
        assert!(parse("validation error detected: Value 'x' at 'name' failed to satisfy constraint: c").is_none());
        assert!(parse("1 validation errors  detected: Value 'x' at 'name' failed to satisfy constraint: c").is_none());
        assert!(parse(" 1 validation error detected: Value 'x' at 'name' failed to satisfy constraint: c").is_none());
        assert_eq!(
            parse("12 validation errors detected: x").unwrap().unwrap_err().kind,
            FailureKind::ValidationMessage
        );
        // A path holds letters, digits and dots only.
        assert!(
            parse("1 validation error detected: Value 'x' at 'a-b' failed to satisfy constraint: c")
                .unwrap()
                .is_err()
        );
    }

    #[test]
    fn judges_exactly_what_is_named() {
        let key = |c: &str| Reported {
            member: "filters.1.member.key".into(),
            constraints: vec![c.into()],
            bracketed: false,
        };
        let want = [v("filters.1.member.key", KEY_MAX)];
        assert!(judge(&want, &[key(KEY_MAX)], None).is_ok());
        // A bound off by one, and a check left out (another one refused the value).
        assert!(judge(&want, &[key("Member must have length less than or equal to 127")], None).is_err());
        assert!(
            judge(
                &want,
                &[key(
                    "Member must satisfy enum value set: [ExecutedAfter, ExecutedBefore]"
                )],
                None
            )
            .is_err()
        );
        // The accepted side of a bound: no length violation, other refusals are the target's own.
        assert!(judge(&[], &[key("Member must satisfy enum value set: [ExecutedAfter]")], None).is_ok());
        assert!(judge(&[], &[key("Member must have length less than or equal to 127")], None).is_err());
        // One more than asked.
        let window = Reported {
            member: "windowId".into(),
            constraints: vec!["Member must have length greater than or equal to 20".into()],
            bracketed: false,
        };
        assert!(judge(&want, &[key(KEY_MAX), window], None).is_err());
        // A list's element, named either way, with all its constraints.
        let values = v(
            "filters.1.member.values",
            "Member must have length greater than or equal to 1",
        );
        let both = vec![
            "Member must have length less than or equal to 256".to_string(),
            "Member must have length greater than or equal to 1".to_string(),
        ];
        for member in ["filters.1.member.values", "filters.1.member.values.1.member"] {
            let r = Reported {
                member: member.into(),
                constraints: both.clone(),
                bracketed: true,
            };
            assert!(judge(std::slice::from_ref(&values), &[r], None).is_ok(), "{member}");
            // Exact on the list and on an element alike: a bound off, or one left out.
            for constraints in [
                vec![
                    both[0].clone(),
                    "Member must have length greater than or equal to 2".to_string(),
                ],
                vec![both[1].clone()],
                vec![both[0].clone(), both[1].clone(), "Member must not be null".to_string()],
            ] {
                let r = Reported {
                    member: member.into(),
                    constraints: constraints.clone(),
                    bracketed: true,
                };
                assert!(
                    judge(std::slice::from_ref(&values), &[r], None).is_err(),
                    "{member}: {constraints:?}"
                );
            }
        }
    }

    #[test]
    fn an_element_named_must_be_the_one_the_request_sent_out_of_bounds() {
        let values = v(
            "filters.1.member.values",
            "Member must have length greater than or equal to 1",
        );
        let request = serde_json::json!({"Filters": [{"Key": "ExecutedBefore", "Values": ["2026-01-01", ""]}]});
        let element = |n: &str| Reported {
            member: format!("filters.1.member.values.{n}.member"),
            constraints: vec![
                "Member must have length less than or equal to 256".into(),
                "Member must have length greater than or equal to 1".into(),
            ],
            bracketed: true,
        };
        let judged = |n| judge(std::slice::from_ref(&values), &[element(n)], Some(&request));
        assert!(judged("2").is_ok());
        // The valid first value, counted from 0, past the end.
        for wrong in ["1", "0", "3"] {
            assert!(judged(wrong).is_err(), "{wrong}");
        }
    }
}
