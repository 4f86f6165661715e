//! The oracle: what a correct target returns for any data set and request. Its main entry is
//! [`judge`], which takes the seeded executions, the request as a [`Query`] and the pages a
//! target answered, and says what the target chose where AWS leaves a choice open, or why the
//! answer is wrong.
//!
//! It shares no code with the emulator: it reads instants with its own code ([`instant`]),
//! checks shapes against the model's facts (`crate::model`) itself, and keeps its own execution
//! type. A bug in one is then a disagreement the suite reports.

mod data;
mod execution;
pub mod family;
pub mod instant;
mod judge;
mod query;

pub use data::{Execution, Invocation, Seeded, Task, check_data_set, is_execution_id};
pub use execution::{Returned, check_fields, check_shape, item_ids, returned_id};
pub use instant::{Reading, Second60};
pub use judge::{Bounds, Order, check_replay, expected, foreign_option, judge, selects};
pub use query::{Combine, Query, Semantics};

/// The open choices the oracle recognises, with their options (none listed: any whole number).
pub const ORACLE_CHOICES: &[(&str, &[&str])] = &[
    ("order", &["newest-first", "oldest-first", "unordered"]),
    ("executed-after-bound", &["inclusive", "exclusive"]),
    ("executed-before-bound", &["inclusive", "exclusive"]),
    ("default-page-size", &[]),
    ("token-other-window", &["rejected", "ignored"]),
    ("token-other-filters", &["rejected", "applied"]),
];

/// The open choice of members the model marks sensitive (TaskParameters, Parameters,
/// OwnerInformation): a target returns them as seeded, or leaves them out.
pub const SENSITIVE_MEMBERS_CHOICE: &str = "sensitive-members";

/// The open choice of a task or invocation list's NextToken sent with another execution's (or
/// task's) id, one that exists and has no items: refused, or that one's (empty) list; never the
/// first list's items.
pub const TOKEN_OTHER_PARENT_CHOICE: &str = "token-other-parent";

/// The open choice of a task or invocation list's NextToken sent with a STATUS filter no item of
/// the list meets: refused, or the answer under that filter (nothing); never the first list's
/// items.
pub const TOKEN_OTHER_STATUS_CHOICE: &str = "token-other-status";

/// Whether `option` is a valid option of the oracle choice `choice`.
pub fn oracle_option_is_known(choice: &str, option: &str) -> bool {
    if choice == SENSITIVE_MEMBERS_CHOICE {
        return matches!(option, "returned" | "omitted");
    }
    if choice == TOKEN_OTHER_PARENT_CHOICE {
        return matches!(option, "rejected" | "ignored");
    }
    if choice == TOKEN_OTHER_STATUS_CHOICE {
        return matches!(option, "rejected" | "applied");
    }
    ORACLE_CHOICES.iter().any(|(c, options)| {
        *c == choice
            && if options.is_empty() {
                option.parse::<usize>().is_ok()
            } else {
                options.contains(&option)
            }
    })
}
