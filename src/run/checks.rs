//! Checks across cases, after the spec cases: each open choice answered one way
//! (`choices::<choice>`), and what the target made for the run (`target::created-window-id`).
//! Each is a [`CaseResult`] like a case's, so expectations and reports treat them alike.

use std::collections::{BTreeMap, BTreeSet};

use crate::judge::consistency::{check_choice, check_error_types, held_choices};
use crate::outcome::{CaseResult, FailureKind, Outcome, SkipReason};
use crate::session::Session;
use crate::spec::LoadedCase;

/// The area of the choice checks.
pub(crate) const CHOICES_AREA: &str = "choices";
/// The one check of the target beyond the cases.
pub(crate) const CREATED_WINDOW_ID: &str = "target::created-window-id";

/// Every check after the spec cases: one per open choice that `declared` (≥ 2 cases name it) or
/// `results` observed, then the target check. A choice no case observed is skipped, not passed:
/// nothing was compared.
pub(crate) fn run_checks(
    session: &Session,
    declared: &BTreeSet<String>,
    cases: &[&LoadedCase],
    results: &[CaseResult],
    created_windows: bool,
) -> Vec<CaseResult> {
    let all: Vec<&CaseResult> = results.iter().collect();
    let observed = held_choices(results);
    let mut names: BTreeSet<&str> = declared.iter().map(String::as_str).collect();
    names.extend(observed.iter().copied());
    let mut out: Vec<CaseResult> = names
        .into_iter()
        .map(|c| {
            let outcome = if !observed.contains(c) {
                Outcome::skipped(SkipReason::Unmet, "no case observed it")
            } else {
                match check_choice(c, &all) {
                    Ok(()) => Outcome::Passed,
                    Err(failure) => Outcome::Failed(failure),
                }
            };
            CaseResult::new(format!("{CHOICES_AREA}::{c}"), outcome)
        })
        .collect();
    if let Some(r) = open_error_type(cases, results) {
        out.push(r);
        out.sort_by(|a, b| a.name.cmp(&b.name));
    }
    let target = match target_check(session) {
        Some(why) => Outcome::failed(FailureKind::Target, why),
        None if created_windows => Outcome::Passed,
        None => Outcome::skipped(SkipReason::Unmet, "this run creates no window"),
    };
    out.push(CaseResult::new(CREATED_WINDOW_ID, target));
    out
}

/// The cases whose error type is open, by kind (operation and cited rule), where a kind has two
/// or more of them.
pub(crate) fn open_error_kinds<'a>(cases: impl IntoIterator<Item = &'a LoadedCase>) -> BTreeMap<String, Vec<String>> {
    let mut kinds: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in cases {
        if let Some(kind) = c.open_error_kind() {
            kinds.entry(kind).or_default().push(c.name());
        }
    }
    kinds.retain(|_, v| v.len() > 1);
    kinds
}

/// `choices::open-error-type`: one error type per kind of error where the type is open; `None`
/// where no kind has two cases here.
fn open_error_type(cases: &[&LoadedCase], results: &[CaseResult]) -> Option<CaseResult> {
    let kinds = open_error_kinds(cases.iter().copied());
    if kinds.is_empty() {
        return None;
    }
    let groups: BTreeMap<String, Vec<&CaseResult>> = kinds
        .into_iter()
        .map(|(kind, names)| {
            let members = results.iter().filter(|r| names.contains(&r.name)).collect();
            (kind, members)
        })
        .collect();
    let observed = groups
        .values()
        .flatten()
        .any(|r| r.observations.iter().any(|o| o.choice.is_none()));
    let outcome = if !observed {
        Outcome::skipped(SkipReason::Unmet, "no case of an open error type was refused")
    } else {
        match check_error_types(&groups) {
            Ok(()) => Outcome::Passed,
            Err(failure) => Outcome::Failed(failure),
        }
    };
    Some(CaseResult::new(
        format!("{CHOICES_AREA}::{}", crate::choices::OPEN_ERROR_TYPE),
        outcome,
    ))
}

/// A window the target created for this run must have an id of the model's shape (the cases
/// would otherwise use a malformed one). The id is shown by its form (what the model allows
/// after `mw-` as `x`), the same in every run where the id itself is random: reports and
/// PARITY.md stay put.
fn target_check(session: &Session) -> Option<String> {
    let forms: BTreeSet<String> = session
        .created_window_ids()
        .into_iter()
        .filter(|id| !crate::target::is_window_id(id))
        .map(|id| match id.strip_prefix("mw-") {
            Some(rest) => format!(
                "mw-{}",
                rest.chars()
                    .map(|c| if matches!(c, '0'..='9' | 'a'..='f') { 'x' } else { c })
                    .collect::<String>()
            ),
            None => id,
        })
        .collect();
    let lines: Vec<String> = forms
        .into_iter()
        .map(|form| {
            format!(
                "CreateMaintenanceWindow answered a WindowId of the form {form:?} (x: a digit or a-f), \
                 which does not match {}",
                crate::model::WINDOW_ID_PATTERN
            )
        })
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// The open choices two or more of `cases` may observe, each with its cases.
pub(crate) fn declared_choices<'a>(cases: impl IntoIterator<Item = &'a LoadedCase>) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in cases {
        for choice in c.choices() {
            map.entry(choice.to_string()).or_default().push(c.name());
        }
    }
    map.retain(|_, v| v.len() > 1);
    map
}
