//! A judge across cases: every case that observes one open choice must observe the same option
//! (a target answers one open question one way).

use std::collections::{BTreeMap, BTreeSet};

use crate::failure::{Failure, FailureKind};
use crate::outcome::CaseResult;

/// The open choices `results` observed that are held to one option across cases: all but
/// records, which are facts of each answer, not choices.
pub(crate) fn held_choices<'a>(results: impl IntoIterator<Item = &'a CaseResult>) -> BTreeSet<&'a str> {
    let recorded =
        |c: &str| crate::choices::find(c).is_some_and(|c| c.observed_by == crate::choices::ObservedBy::Record);
    results
        .into_iter()
        .flat_map(|r| r.observations.iter().filter_map(|o| o.choice.as_deref()))
        .filter(|c| !recorded(c))
        .collect()
}

/// Every group of cases of one kind whose error type is open must have been answered with one
/// error type (recorded as an observation without a choice). `Err` names the kind and the cases
/// that disagree.
pub(crate) fn check_error_types(groups: &BTreeMap<String, Vec<&CaseResult>>) -> Result<(), Failure> {
    let mut disagree = Vec::new();
    for (kind, results) in groups {
        let mut by_type: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for r in results {
            for o in r.observations.iter().filter(|o| o.choice.is_none()) {
                by_type.entry(o.option.as_str()).or_default().push(r.name.as_str());
            }
        }
        if by_type.len() > 1 {
            // By name, so that the words do not depend on the order cases ran in (or on shards).
            by_type.values_mut().for_each(|names| names.sort_unstable());
            let parts: Vec<String> = by_type
                .iter()
                .map(|(t, names)| format!("{t} in {}", names.join(", ")))
                .collect();
            disagree.push(format!("{kind:?}: {}", parts.join("; ")));
        }
    }
    if disagree.is_empty() {
        Ok(())
    } else {
        Err(Failure::new(
            FailureKind::Choice,
            format!(
                "the target answers one kind of error with several types where the type is open: {}",
                disagree.join(" | ")
            ),
        ))
    }
}

/// Every case of one choice must observe the same option: a target answers one open question one
/// way. `Err` names the cases that disagree.
pub(crate) fn check_choice(choice: &str, results: &[&CaseResult]) -> Result<(), Failure> {
    let mut by_option: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in results {
        for o in &r.observations {
            if o.choice.as_deref() == Some(choice) {
                by_option.entry(o.option.as_str()).or_default().push(r.name.as_str());
            }
        }
    }
    // One option, or a mix the choice's covering option explains (a list in no order).
    if by_option.len() <= 1
        || crate::choices::find(choice).is_some_and(|c| c.decide(by_option.keys().copied()).is_some())
    {
        return Ok(());
    }
    // By name, so that the words do not depend on the order cases ran in (or on shards).
    by_option.values_mut().for_each(|names| names.sort_unstable());
    let parts: Vec<String> = by_option
        .iter()
        .map(|(o, names)| {
            let shown: Vec<&str> = names.iter().take(4).copied().collect();
            let more = if names.len() > 4 {
                format!(" and {} more", names.len() - 4)
            } else {
                String::new()
            };
            format!("{o} in {}{more}", shown.join(", "))
        })
        .collect();
    Err(Failure::new(
        FailureKind::Choice,
        format!(
            "the target answers the open choice {choice:?} inconsistently: {}",
            parts.join("; ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observation::Observation;
    use crate::outcome::Outcome;

    fn seen(name: &str, option: &str) -> CaseResult {
        seen_as(name, "order", option)
    }

    fn seen_as(name: &str, choice: &str, option: &str) -> CaseResult {
        let mut r = CaseResult::new(name, Outcome::Passed);
        r.observations.push(Observation {
            choice: Some(choice.into()),
            option: option.into(),
        });
        r
    }

    #[test]
    fn a_choice_answered_two_ways_fails_and_names_the_cases() {
        let (a, b, c) = (
            seen("x::a", "newest-first"),
            seen("x::b", "newest-first"),
            seen("x::c", "oldest-first"),
        );
        assert!(check_choice("order", &[&a, &b]).is_ok());
        // A list in no order looks newest-first in one case and oldest-first in another.
        assert!(check_choice("order", &[&a, &b, &c]).is_ok());
        let (a, b, c) = (
            seen_as("x::a", "default-page-size", "50"),
            seen_as("x::b", "default-page-size", "50"),
            seen_as("x::c", "default-page-size", "25"),
        );
        assert!(check_choice("default-page-size", &[&a, &b]).is_ok());
        let why = check_choice("default-page-size", &[&a, &b, &c]).unwrap_err();
        assert!(
            why.kind == crate::failure::FailureKind::Choice
                && why.message.contains("50 in x::a, x::b")
                && why.message.contains("25 in x::c"),
            "{why}"
        );
    }
}
