//! The catalogue of open choices: everything AWS leaves open that the suite observes, in one
//! place, as test262 keeps its `features.txt`. Each [`Choice`] has its name, its options, what
//! observes it, and why it is open in a sentence; the quotable sources are the cites of the
//! cases that observe it (`specs/`). A case that declares a choice not in the catalogue, or
//! other options, fails `tests/spec_format.rs`; the pins (`specs/profiles/`) may pin only what
//! is here.

/// What observes a choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObservedBy {
    /// The open cases that declare it (`"open": {"choice": …}` in `specs/`).
    Cases,
    /// The oracle, on every case that walks a seeded window's executions.
    Oracle,
    /// The oracle's judgement of the execution family (tasks and invocations).
    Family,
    /// The reader of validation messages, on every case that names violations.
    Message,
    /// The cases whose error type is open (`"type": "*"`): one type per kind of error (the
    /// operation and the rule the cases cite).
    ErrorType,
    /// The oracle and the family judge, recording a fact of the answer that is no choice at
    /// all: never held to one option across cases (each case may see another).
    Record,
}

/// One open choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// Its name (`order`, `filters-combine`, …).
    pub name: &'static str,
    /// Its options; none listed: any whole number.
    pub options: &'static [&'static str],
    /// What observes it.
    pub observed_by: ObservedBy,
    /// Why it is open, in a sentence.
    pub summary: &'static str,
}

impl Choice {
    /// The option that explains any mix of the others, where there is one: a list in no
    /// particular order happens, case by case, to look newest-first or oldest-first. A run that
    /// shows several such options has taken this one; one case alone cannot tell.
    pub fn covering(&self) -> Option<&'static str> {
        match self.name {
            ORDER => Some("unordered"),
            ITEM_ORDER => Some("other"),
            REGISTRATION_ORDER => Some("unordered"),
            WINDOW_ORDER => Some("unordered"),
            _ => None,
        }
    }

    /// The option a run took, from what its cases observed (`None`: they disagree, which the
    /// choice cannot explain).
    pub fn decide<'a>(&self, seen: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
        let mut options: Vec<&str> = seen.into_iter().collect();
        options.sort_unstable();
        options.dedup();
        match options.as_slice() {
            [] => None,
            [one] => Some(one),
            _ => self
                .covering()
                .map(|c| options.iter().copied().find(|o| *o == c).unwrap_or(c)),
        }
    }

    /// Whether a case that observed `seen` fits a run (or pin) that took `taken`.
    pub fn admits(&self, taken: &str, seen: &str) -> bool {
        taken == seen || self.covering() == Some(taken)
    }

    /// Whether `option` is one of this choice's.
    pub fn has_option(&self, option: &str) -> bool {
        if matches!(self.observed_by, ObservedBy::ErrorType | ObservedBy::Record) {
            return !option.is_empty();
        }
        if self.options.is_empty() {
            option.parse::<usize>().is_ok()
        } else {
            self.options.contains(&option)
        }
    }
}

/// The order of a list of executions.
pub(crate) const ORDER: &str = "order";
/// The order of a list of tasks or invocations (and of TaskIds).
pub(crate) const ITEM_ORDER: &str = "item-order";
/// The order of a window's targets or tasks as listed.
pub(crate) const REGISTRATION_ORDER: &str = "registration-order";
/// The order DescribeMaintenanceWindows lists windows in.
pub(crate) const WINDOW_ORDER: &str = "window-order";
/// Whether ExecutedAfter selects an execution on its instant.
pub(crate) const EXECUTED_AFTER_BOUND: &str = "executed-after-bound";
/// Whether ExecutedBefore selects an execution on its instant.
pub(crate) const EXECUTED_BEFORE_BOUND: &str = "executed-before-bound";
/// How many executions a page holds without MaxResults.
pub(crate) const DEFAULT_PAGE_SIZE: &str = "default-page-size";
/// The first NextToken sent with another window's id.
pub(crate) const TOKEN_OTHER_WINDOW: &str = "token-other-window";
/// The first NextToken sent with other filters.
pub(crate) const TOKEN_OTHER_FILTERS: &str = "token-other-filters";
/// Members the model marks sensitive: returned as seeded, or left out.
pub(crate) const SENSITIVE_MEMBERS: &str = "sensitive-members";
/// A task or invocation list's first NextToken sent with another parent's ids.
pub(crate) const TOKEN_OTHER_PARENT: &str = "token-other-parent";
/// A task or invocation list's first NextToken sent with a STATUS filter no item meets.
pub(crate) const TOKEN_OTHER_STATUS: &str = "token-other-status";
/// How an answer gives a member with nothing to say: left out, or null.
pub(crate) const ABSENT_MEMBERS: &str = "absent-members";
/// Members of an answer that the model's output shape has not (recorded by name).
pub(crate) const EXTRA_ANSWER_MEMBERS: &str = "extra-answer-members";
/// A validation error's message form.
pub(crate) const VALIDATION_MESSAGE_FORM: &str = "validation-message-form";
/// The error type of the cases that leave it open, one per kind of error.
pub(crate) const OPEN_ERROR_TYPE: &str = "open-error-type";

/// Every open choice, by name.
pub const CATALOGUE: &[Choice] = &[
    Choice {
        name: "absent-members",
        options: &["omitted", "null"],
        observed_by: ObservedBy::Oracle,
        summary: "A member an answer has nothing for (no EndTime yet, no StatusDetails, an optional member not seeded): \
                  left out, or sent as null. botocore reads both as absent; one way for every answer of the run.",
    },
    Choice {
        name: "bad-next-token",
        options: &["ignored", "rejected"],
        observed_by: ObservedBy::Cases,
        summary: "A NextToken the target never issued: ignored (the first page) or refused; the model and docs say neither.",
    },
    Choice {
        name: "cancel-ended",
        options: &["no-op", "rejected"],
        observed_by: ObservedBy::Cases,
        summary: "Cancelling an execution that has already ended: a no-op, or refused.",
    },
    Choice {
        name: "cancel-twice",
        options: &["no-op", "rejected"],
        observed_by: ObservedBy::Cases,
        summary: "Cancelling an execution a second time, while it is cancelling: a no-op, or refused as a client's mistake (never a server error).",
    },
    Choice {
        name: "control-characters-in-text",
        options: &["accepted", "refused"],
        observed_by: ObservedBy::Cases,
        summary: "Control characters (C0, NUL included, and DEL) in the window API's free text (descriptions, owner information, a task's comment and parameters): accepted, or refused; the model sets no pattern, and no public source says.",
    },
    Choice {
        name: "cutoff-at-duration",
        options: &["accepted", "refused"],
        observed_by: ObservedBy::Cases,
        summary: "A window whose Cutoff equals its Duration (no hour left to start a task): accepted, or refused; the API reference states no rule.",
    },
    Choice {
        name: "date-only",
        options: &["accepted", "rejected"],
        observed_by: ObservedBy::Cases,
        summary: "A filter value that is a date without a time: read, or refused.",
    },
    Choice {
        name: "default-page-size",
        options: &[],
        observed_by: ObservedBy::Oracle,
        summary: "How many executions a page holds without MaxResults (any whole number; read from unfiltered walks).",
    },
    Choice {
        name: "duplicate-filter-keys",
        options: &["all", "any", "first", "last", "rejected"],
        observed_by: ObservedBy::Cases,
        summary: "Several filters with one key: every one must hold, any one, the first, the last, or refused.",
    },
    Choice {
        name: "empty-next-token",
        options: &["first-page", "rejected"],
        observed_by: ObservedBy::Cases,
        summary: "NextToken \"\" (the model sets no minimum length): the first page, or refused.",
    },
    Choice {
        name: "executed-after-bound",
        options: &["inclusive", "exclusive"],
        observed_by: ObservedBy::Oracle,
        summary: "Whether ExecutedAfter selects an execution exactly on its instant.",
    },
    Choice {
        name: "executed-before-bound",
        options: &["inclusive", "exclusive"],
        observed_by: ObservedBy::Oracle,
        summary: "Whether ExecutedBefore selects an execution exactly on its instant.",
    },
    Choice {
        name: "execution-id-case",
        options: &["case-insensitive", "case-sensitive"],
        observed_by: ObservedBy::Cases,
        summary: "An execution id in upper-case hex (the pattern allows either case): the same execution, or another.",
    },
    Choice {
        name: "extra-answer-members",
        options: &[],
        observed_by: ObservedBy::Record,
        summary: "Members an answer has that the vendored model's output shape has not: AWS adds members over time \
                  and the model is a snapshot, so each is recorded by name, never failed nor held to one option.",
    },
    Choice {
        name: "filter-values-combine",
        options: &["all", "any", "first", "last", "rejected"],
        observed_by: ObservedBy::Cases,
        summary: "Several values in one filter: all must hold, any one, the first, the last, or refused.",
    },
    Choice {
        name: "filter-without-key",
        options: &["ignored", "rejected"],
        observed_by: ObservedBy::Cases,
        summary: "A filter without Key: ignored, or refused.",
    },
    Choice {
        name: "filter-without-values",
        options: &["ignored", "rejected"],
        observed_by: ObservedBy::Cases,
        summary: "A filter without Values (or an empty list): ignored, or refused.",
    },
    Choice {
        name: "filters-combine",
        options: &["all", "any"],
        observed_by: ObservedBy::Cases,
        summary: "ExecutedAfter with ExecutedBefore: both hold, or either; no public source says.",
    },
    Choice {
        name: "fraction-spelling",
        options: &["accepted", "rejected"],
        observed_by: ObservedBy::Cases,
        summary: "Fractions of a second in a filter value: read, or refused.",
    },
    Choice {
        name: "hour-24",
        options: &["rejected", "next-day"],
        observed_by: ObservedBy::Cases,
        summary: "Hour 24 in a filter value: the next day, or refused.",
    },
    Choice {
        name: "item-order",
        options: &["as-seeded", "newest-first", "oldest-first", "other"],
        observed_by: ObservedBy::Family,
        summary: "The order of a list of tasks or invocations, and of an execution's TaskIds: as seeded (the order they ran \
                  in), by StartTime either way, or another; a run that shows several has taken another.",
    },
    Choice {
        name: "length-unit",
        options: &["code-points", "utf-16-units"],
        observed_by: ObservedBy::Cases,
        summary: "What a length bound counts: code points, or UTF-16 units.",
    },
    Choice {
        name: "long-fraction",
        options: &["accepted", "rejected"],
        observed_by: ObservedBy::Cases,
        summary: "More than nine digits of a fraction of a second: read, or refused.",
    },
    Choice {
        name: "max-results-fraction",
        options: &["accepted", "rejected"],
        observed_by: ObservedBy::Cases,
        summary: "A MaxResults with a fraction: read, or refused.",
    },
    Choice {
        name: "null-member",
        options: &["treated-as-absent", "rejected"],
        observed_by: ObservedBy::Cases,
        summary: "A member sent as null: as if absent, or refused.",
    },
    Choice {
        name: "offset-less",
        options: &["accepted", "rejected"],
        observed_by: ObservedBy::Cases,
        summary: "A filter value without a UTC offset: read, or refused.",
    },
    Choice {
        name: "offset-spelling",
        options: &["accepted", "rejected"],
        observed_by: ObservedBy::Cases,
        summary: "UTC offsets other than Z: read, or refused.",
    },
    Choice {
        name: "open-error-type",
        options: &[],
        observed_by: ObservedBy::ErrorType,
        summary: "The error type where a case leaves it open (any the operation may answer: its model's errors, AWS's common errors, the protocol's): one type for every case of one kind.",
    },
    Choice {
        name: "order",
        options: &["newest-first", "oldest-first", "unordered"],
        observed_by: ObservedBy::Oracle,
        summary: "The order of a list of executions (ties at one StartTime in any order).",
    },
    Choice {
        name: "registration-order",
        options: &["as-registered", "reverse-registered", "unordered"],
        observed_by: ObservedBy::Cases,
        summary: "The order DescribeMaintenanceWindowTargets and DescribeMaintenanceWindowTasks list a window's registrations in: as registered, the reverse, or another (the model names none).",
    },
    Choice {
        name: "registration-page",
        options: &["one-page", "paged"],
        observed_by: ObservedBy::Cases,
        summary: "DescribeMaintenanceWindowTargets and DescribeMaintenanceWindowTasks without MaxResults, for eleven registrations: one page of all, or a page and a NextToken (the model states no default).",
    },
    Choice {
        name: "schedule-dst-gap",
        options: &["skipped", "gap-end", "shifted"],
        observed_by: ObservedBy::Cases,
        summary: "A run whose wall-clock time a spring-forward change skips in the window's zone: no run, a run at the change, or the time read with the offset before it; the docs say none.",
    },
    Choice {
        name: "schedule-dst-overlap",
        options: &["first", "second", "both"],
        observed_by: ObservedBy::Cases,
        summary: "A run whose wall-clock time a fall-back change repeats in the window's zone: its first time, its second, or both; the docs say none.",
    },
    Choice {
        name: "schedule-of-disabled-window",
        options: &["none", "listed"],
        observed_by: ObservedBy::Cases,
        summary: "The upcoming runs of a disabled window: none (it will not run), or its schedule listed as if enabled; the docs say neither.",
    },
    Choice {
        name: "second-60",
        options: &["rejected", "rolls-over", "clamped"],
        observed_by: ObservedBy::Cases,
        summary: "Second 60 in a filter value: rolls over, clamped, or refused.",
    },
    Choice {
        name: "second-60-end-of-day",
        options: &["rejected", "rolls-over", "clamped"],
        observed_by: ObservedBy::Cases,
        summary: "Second 60 at the end of a day: rolls over, clamped, or refused.",
    },
    Choice {
        name: "sensitive-members",
        options: &["returned", "omitted"],
        observed_by: ObservedBy::Family,
        summary: "Members the model marks sensitive (TaskParameters, Parameters, OwnerInformation): as seeded, or left out.",
    },
    Choice {
        name: "task-filter-key-case",
        options: &["rejected", "accepted"],
        observed_by: ObservedBy::Cases,
        summary: "The STATUS key of a task filter in another case: read, or refused.",
    },
    Choice {
        name: "task-id-case",
        options: &["case-insensitive", "case-sensitive"],
        observed_by: ObservedBy::Cases,
        summary: "A task id in upper-case hex: the same task, or another.",
    },
    Choice {
        name: "task-quota",
        options: &["enforced", "none"],
        observed_by: ObservedBy::Cases,
        summary: "A window's twenty-first task: refused with ResourceLimitExceededException, or registered (the model declares the error, links AWS's quotas and states no number).",
    },
    Choice {
        name: "task-status-skipped-overlapping",
        options: &["accepted", "rejected"],
        observed_by: ObservedBy::Cases,
        summary: "SKIPPED_OVERLAPPING (a model status the docs do not list for the STATUS filter): read, or refused.",
    },
    Choice {
        name: "task-status-unknown-value",
        options: &["rejected", "nothing"],
        observed_by: ObservedBy::Cases,
        summary: "A STATUS filter value no status has: nothing, or refused.",
    },
    Choice {
        name: "task-status-values",
        options: &["any", "rejected"],
        observed_by: ObservedBy::Cases,
        summary: "Several values in one STATUS filter: any, or refused.",
    },
    Choice {
        name: "tasks-execution-id-case",
        options: &["case-insensitive", "case-sensitive"],
        observed_by: ObservedBy::Cases,
        summary: "An execution id in upper-case hex, in a task list request: the same execution, or another.",
    },
    Choice {
        name: "token-other-filters",
        options: &["rejected", "applied"],
        observed_by: ObservedBy::Oracle,
        summary: "The first NextToken sent with other filters: refused, or the answer under them.",
    },
    Choice {
        name: "token-other-parent",
        options: &["rejected", "ignored"],
        observed_by: ObservedBy::Family,
        summary: "A task or invocation list's first NextToken sent with another execution's (task's) ids: refused, or that one's (empty) list.",
    },
    Choice {
        name: "token-other-status",
        options: &["rejected", "applied"],
        observed_by: ObservedBy::Family,
        summary: "A task or invocation list's first NextToken sent with a STATUS filter no item meets: refused, or nothing.",
    },
    Choice {
        name: "token-other-window",
        options: &["rejected", "ignored"],
        observed_by: ObservedBy::Oracle,
        summary: "The first NextToken sent with another window's id: refused, or that window's (empty) answer.",
    },
    Choice {
        name: "unknown-filter-key",
        options: &["ignored", "rejected"],
        observed_by: ObservedBy::Cases,
        summary: "A filter key the docs do not name: ignored, or refused.",
    },
    Choice {
        name: "unknown-member",
        options: &["ignored", "rejected"],
        observed_by: ObservedBy::Cases,
        summary: "A request member outside the input shape: ignored, or refused.",
    },
    Choice {
        name: "unknown-window",
        options: &["empty-list", "not-found"],
        observed_by: ObservedBy::Cases,
        summary: "A well-formed window id that names no window: an empty list, or DoesNotExistException.",
    },
    Choice {
        name: "unknown-window-registrations",
        options: &["empty-list", "not-found"],
        observed_by: ObservedBy::Cases,
        summary: "The targets or tasks of a well-formed window id that names no window: an empty list, or DoesNotExistException (which the model declares, without saying it is due).",
    },
    Choice {
        name: "validation-message-form",
        options: &["aws", "other"],
        observed_by: ObservedBy::Message,
        summary: "A validation error's message: AWS's \"1 validation error detected\" form, or the target's own words.",
    },
    Choice {
        name: "window-order",
        options: &["as-created", "reverse-created", "unordered"],
        observed_by: ObservedBy::Cases,
        summary: "The order DescribeMaintenanceWindows lists windows in: as created, the reverse, or another (the model names none).",
    },
    Choice {
        name: "window-page",
        options: &["one-page", "paged"],
        observed_by: ObservedBy::Cases,
        summary: "DescribeMaintenanceWindows without MaxResults, for eleven windows of a name: one page of all, or a page and a NextToken (the model states no default).",
    },
];

/// The choice named `name`.
pub fn find(name: &str) -> Option<&'static Choice> {
    CATALOGUE.iter().find(|c| c.name == name)
}

/// The choices one observer observes.
pub fn observed_by(by: ObservedBy) -> impl Iterator<Item = &'static Choice> {
    CATALOGUE.iter().filter(move |c| c.observed_by == by)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_is_sorted_and_names_each_choice_once() {
        let names: Vec<&str> = CATALOGUE.iter().map(|c| c.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
        for name in [
            ORDER,
            EXECUTED_AFTER_BOUND,
            EXECUTED_BEFORE_BOUND,
            DEFAULT_PAGE_SIZE,
            TOKEN_OTHER_WINDOW,
            TOKEN_OTHER_FILTERS,
            SENSITIVE_MEMBERS,
            TOKEN_OTHER_PARENT,
            TOKEN_OTHER_STATUS,
            VALIDATION_MESSAGE_FORM,
        ] {
            assert!(find(name).is_some(), "{name}");
        }
        assert!(find(DEFAULT_PAGE_SIZE).unwrap().has_option("50"));
        assert!(!find(ORDER).unwrap().has_option("50"));
    }
}
