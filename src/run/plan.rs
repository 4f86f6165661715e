//! What a run runs: [`RunOptions`] (names, operations, the generated phase) made into a plan of
//! cases, parts and checks against the loaded suite. One selection rule for every caller: the
//! CLI's filters and `--operation`, libtest's filter, `--exact` and `--skip`.

use std::collections::{BTreeMap, BTreeSet};

use super::Suite;
use super::checks::{self, CHOICES_AREA};
use crate::properties::{self, Part};
use crate::shard::Shard;
use crate::spec::LoadedCase;

/// What to run of a loaded suite.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Only what is named by one of these (all when empty): substrings of `<area>::<case-id>`,
    /// `properties::<part>`, `choices::<choice>` (which runs the choice's cases).
    pub filters: Vec<String>,
    /// Filters and skips name whole names, not substrings (libtest's `--exact`).
    pub exact: bool,
    /// Leave out what these name (libtest's `--skip`).
    pub skip: Vec<String>,
    /// Only cases of these operations, and the generated parts that exercise them (the others
    /// are reported as not selected).
    pub operations: Vec<String>,
    /// The generated phase's settings; `None`: no generated phase.
    pub properties: Option<properties::Settings>,
    /// Before any case, check that the endpoint answers and takes the credentials, and that
    /// `--window-id` exists (else the run is a set-up error, not hundreds of failures).
    pub preflight: bool,
    /// Ctrl-C stops the run (which then cleans up); off where the caller handles signals itself.
    pub interruptible: bool,
    /// A case or part that leaves data-dependent behaviour unjudged (no fixture protocol,
    /// nothing to relate) fails instead of being skipped: for gates that must judge data.
    pub require_data: bool,
    /// Only this machine's slice of the cases and of the generated cases (`--shard K/N`); the
    /// reports of all N are combined by `ssm-conformance merge`.
    pub shard: Option<crate::shard::Shard>,
    /// Hold the results to these expectations (the verdict passes when every result is as
    /// listed; an unexpected pass fails).
    pub expectations: Option<std::sync::Arc<crate::expectations::Expectations>>,
    /// A passing case without a snapshot fails the run, as `CI=true` asks (a conforming target
    /// still records and commits its snapshots).
    pub snapshots_required: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            filters: Vec::new(),
            exact: false,
            skip: Vec::new(),
            operations: Vec::new(),
            properties: None,
            preflight: true,
            interruptible: true,
            require_data: false,
            shard: None,
            expectations: None,
            snapshots_required: false,
        }
    }
}

impl RunOptions {
    /// Whether `name` is selected by the filters and skips.
    pub fn selects(&self, name: &str) -> bool {
        let hit = |f: &String| {
            if self.exact {
                name == f
            } else {
                name.contains(f.as_str())
            }
        };
        (self.filters.is_empty() || self.filters.iter().any(hit)) && !self.skip.iter().any(hit)
    }

    /// Whether the selection is the whole suite (no filter, skip, `--operation` or `--shard`):
    /// only such a run must have run every case the expectations list.
    pub fn selects_everything(&self) -> bool {
        self.filters.is_empty() && self.skip.is_empty() && self.operations.is_empty() && self.shard.is_none()
    }

    /// The verdict's policy of these options.
    pub(crate) fn policy(&self) -> crate::verdict::Policy {
        crate::verdict::Policy {
            expectations: self.expectations.clone(),
            snapshots_required: self.snapshots_required,
            complete: self.selects_everything(),
        }
    }

    /// Whether `--operation` selects a case sending `operation` (all, where it names none).
    pub fn selects_operation(&self, operation: &str) -> bool {
        self.operations.is_empty() || self.operations.iter().any(|o| o == operation)
    }

    /// The generated parts the names select, apart from the generated phase being on: those
    /// that exercise a selected operation, and those `--operation` leaves out, with why.
    pub(crate) fn parts(&self) -> (Vec<Part>, BTreeMap<Part, String>) {
        let mut parts = Vec::new();
        let mut left_out = BTreeMap::new();
        for part in Part::ALL.into_iter().filter(|p| self.selects(&p.result_name())) {
            let exercised = part.operations();
            if exercised.iter().any(|o| self.selects_operation(o.name())) {
                parts.push(part);
            } else {
                left_out.insert(
                    part,
                    format!(
                        "not selected: it exercises {}, and --operation selects {}",
                        exercised.iter().map(|o| o.name()).collect::<Vec<_>>().join(", "),
                        self.operations.join(", ")
                    ),
                );
            }
        }
        (parts, left_out)
    }
}

/// The selection names nothing that exists.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// A filter that matches no case (a typo, not a green run).
    #[error("no case matches {filter:?}; the closest: {}", closest.join(", "))]
    NoMatch {
        /// The filter.
        filter: String,
        /// The names closest to it, at most three.
        closest: Vec<String>,
    },
    /// `--operation` names an operation no case sends.
    #[error("no case sends {name:?}; the operations with cases: {}", known.join(", "))]
    UnknownOperation {
        /// The name given.
        name: String,
        /// The operations the cases send.
        known: Vec<String>,
    },
    /// The filters and operations together select nothing.
    #[error("the filters and --operation together select no case")]
    Empty,
    /// The generated phase is on with 0 cases: its parts would pass having judged nothing.
    #[error(
        "0 generated cases per property: a part that checks none judges nothing (hint: at least 1, or --no-properties)"
    )]
    NoGeneratedCases,
}

/// A run's plan: indices into the suite's cases, the parts to run, the choices to check.
#[derive(Debug, Clone, Default)]
pub(crate) struct Plan {
    /// The cases, in file order.
    pub(crate) cases: Vec<usize>,
    /// Of those, this machine's under `--shard` (all of them otherwise).
    pub(crate) owned: BTreeSet<usize>,
    /// The generated parts to run.
    pub(crate) parts: Vec<Part>,
    /// Parts named by the filters but left out by `--operation`, with why.
    pub(crate) parts_left_out: BTreeMap<Part, String>,
    /// The open choices two or more selected cases may observe (checked even when none did).
    pub(crate) declared_choices: BTreeSet<String>,
}

impl Plan {
    /// The plan of `options` over `suite`.
    pub(crate) fn make(suite: &Suite, options: &RunOptions) -> Result<Self, PlanError> {
        if options.properties.as_ref().is_some_and(|p| p.cases == 0) {
            return Err(PlanError::NoGeneratedCases);
        }
        // The model's operations that cases send (not a name a case sends to see it refused).
        let known: BTreeSet<&str> = suite
            .cases
            .iter()
            .filter_map(|c| c.operation())
            .map(|o| o.name())
            .collect();
        if let Some(unknown) = options.operations.iter().find(|o| !known.contains(o.as_str())) {
            return Err(PlanError::UnknownOperation {
                name: unknown.clone(),
                known: known.iter().map(|s| s.to_string()).collect(),
            });
        }
        let declared = checks::declared_choices(suite.cases.iter());
        // A choice check named by a filter runs the cases that observe it.
        let by_choice: BTreeSet<String> = declared
            .iter()
            .filter(|(c, _)| !options.filters.is_empty() && options.selects(&format!("{CHOICES_AREA}::{c}")))
            .flat_map(|(_, names)| names.iter().cloned())
            .collect();
        let cases: Vec<usize> = (0..suite.cases.len())
            .filter(|i| {
                let c = &suite.cases[*i];
                let name = c.name();
                (options.selects(&name) || by_choice.contains(&name))
                    && options.selects_operation(c.case.request.operation())
            })
            .collect();
        let (parts, parts_left_out) = if options.properties.is_some() {
            options.parts()
        } else {
            Default::default()
        };
        // A filter that matches nothing is a typo, not a green run.
        if !options.filters.is_empty() {
            let mut names: Vec<String> = suite.cases.iter().map(|c| c.name()).collect();
            if options.properties.is_some() {
                names.extend(Part::ALL.iter().map(|p| p.result_name()));
            }
            names.extend(super::extra_names(&suite.cases));
            for f in &options.filters {
                let one = RunOptions {
                    filters: vec![f.clone()],
                    skip: Vec::new(),
                    ..options.clone()
                };
                if !names.iter().any(|n| one.selects(n)) {
                    return Err(PlanError::NoMatch {
                        filter: f.clone(),
                        closest: closest(f, &names),
                    });
                }
            }
        }
        if cases.is_empty() && parts.is_empty() && parts_left_out.is_empty() {
            return Err(PlanError::Empty);
        }
        let owned: BTreeSet<usize> = match options.shard {
            None => cases.iter().copied().collect(),
            Some(shard) => {
                let dealt = dealt(&suite.cases, options, shard);
                cases
                    .iter()
                    .copied()
                    .filter(|i| dealt.contains(&suite.cases[*i].name()))
                    .collect()
            }
        };
        let declared_choices = checks::declared_choices(owned.iter().map(|i| &suite.cases[*i]))
            .into_keys()
            .collect();
        Ok(Plan {
            cases,
            owned,
            parts,
            parts_left_out,
            declared_choices,
        })
    }
}

/// The spec cases `shard` deals to this machine, by name: dealt as nextest's `--partition
/// count:K/N` deals the harness's trials, round-robin over the names it lists that the filters
/// select, sorted as listed. A case run only for a choice's check is not listed: the first shard's.
pub(crate) fn dealt(cases: &[LoadedCase], options: &RunOptions, shard: Shard) -> BTreeSet<String> {
    // Sorted as listed (`[kind] name`, libtest-mimic's form), as nextest sorts them.
    let listed: BTreeSet<(String, String)> = super::listed_names(cases, options.properties.is_some())
        .into_iter()
        .filter(|(name, _)| options.selects(name))
        .map(|(name, kind)| (format!("[{kind}] {name}"), name))
        .collect();
    let place: BTreeMap<&str, u64> = listed.iter().zip(0..).map(|((_, n), p)| (n.as_str(), p)).collect();
    cases
        .iter()
        .map(LoadedCase::name)
        .filter(|name| place.get(name.as_str()).map_or(shard.index == 1, |p| shard.owns(*p)))
        .collect()
}

/// The names closest to `typed` (edit distance), at most three.
fn closest(typed: &str, names: &[String]) -> Vec<String> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut prev = row[0];
            row[0] = i + 1;
            for (j, cb) in b.iter().enumerate() {
                let cur = row[j + 1];
                row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
                prev = cur;
            }
        }
        row[b.len()]
    }
    let mut scored: Vec<(usize, &String)> = names
        .iter()
        .map(|n| {
            // A filter is a substring: score against the best-fitting part of the name too.
            let parts = n.split("::").map(|p| distance(typed, p));
            (parts.chain([distance(typed, n)]).min().unwrap_or(usize::MAX), n)
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, n)| n.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_select_by_substring_or_whole_name_and_skips_leave_out() {
        let mut o = RunOptions {
            filters: vec!["window_id::".into()],
            ..RunOptions::default()
        };
        assert!(o.selects("window_id::upper-case-hex") && !o.selects("paging::x"));
        o.skip = vec!["upper".into()];
        assert!(!o.selects("window_id::upper-case-hex") && o.selects("window_id::short"));
        let exact = RunOptions {
            filters: vec!["window_id::short".into()],
            exact: true,
            ..RunOptions::default()
        };
        assert!(exact.selects("window_id::short") && !exact.selects("window_id::shorter"));
    }

    #[test]
    fn the_closest_names_come_first() {
        let names = vec![
            "window_id::upper-case-hex".to_string(),
            "paging::max-results".to_string(),
        ];
        assert_eq!(closest("uper-case-hex", &names)[0], "window_id::upper-case-hex");
    }
}
