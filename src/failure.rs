//! A failed check, typed: [`Failure`] names the check ([`FailureKind`]) and says why. It sits at
//! the bottom of the crate, beside the model, so that every judge (the oracle, the verdict, the
//! validation-message reader, the generated phase) returns the same type without reaching up.

/// Which check a failure comes from. Expectations can pin it (a case expected to fail one way
/// that fails another is a mismatch), so it is part of the JSON report and expectations files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum FailureKind {
    /// No usable answer: a transport error, a timeout, an endpoint that cannot be reached or
    /// refuses the credentials.
    NoAnswer,
    /// The target throttled the request on every try within the budget.
    Throttled,
    /// A success where an error is due or the reverse, the wrong HTTP status, content type, or a
    /// body that is not JSON.
    Status,
    /// The error type is not one the case allows.
    ErrorType,
    /// The validation message names other members or constraints than the request violates.
    ValidationMessage,
    /// A member is missing, of the wrong type, or has the wrong value.
    Member,
    /// The selection: an item the request selects is missing, or one it excludes (or that was
    /// never seeded) is returned.
    Selection,
    /// Paging: a page over MaxResults, an item repeated, a walk that does not end, a token that
    /// replays another page or carries one request's answer into another.
    Paging,
    /// An open choice answered against the profile's pin, or two ways in one run.
    Choice,
    /// The answer conforms but differs from the recorded snapshot.
    Snapshot,
    /// The target offers the fixture protocol but refused or failed to store a data set.
    Seeding,
    /// A generated part found a counterexample.
    Property,
    /// A check of the target beyond the cases (the form of a window id it created).
    Target,
    /// Data-dependent behaviour was not judged (no fixture protocol, nothing to relate), and
    /// the run requires it (`--require-data`).
    Unjudged,
    /// The target answered an operation with a redirect (3xx), which the suite never follows:
    /// the endpoint is not where the API is, a set-up error.
    Redirect,
}

impl FailureKind {
    /// Its name in reports and expectations (`member`, `paging`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::NoAnswer => "no-answer",
            Self::Throttled => "throttled",
            Self::Status => "status",
            Self::ErrorType => "error-type",
            Self::ValidationMessage => "validation-message",
            Self::Member => "member",
            Self::Selection => "selection",
            Self::Paging => "paging",
            Self::Choice => "choice",
            Self::Snapshot => "snapshot",
            Self::Seeding => "seeding",
            Self::Property => "property",
            Self::Target => "target",
            Self::Unjudged => "unjudged",
            Self::Redirect => "redirect",
        }
    }
}

impl std::fmt::Display for FailureKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A failed check: which one, and what a person needs to see (the case, the request, the answer).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    /// Which check failed.
    pub kind: FailureKind,
    /// Why, with the context the case gives (file, case, request sent, answer).
    pub message: String,
    /// The pin the answer broke, where a pin is why it fails: the target took another option
    /// than the pins fix (a legal one without them).
    pub pin: Option<BrokenPin>,
}

/// A pin an answer broke: the choice, the option the pins fix, and the one the target took
/// (where one option explains the answer).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BrokenPin {
    /// The open choice.
    pub choice: String,
    /// The option the pins fix.
    pub pinned: String,
    /// The option the target took, where one explains its answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken: Option<String>,
}

impl std::fmt::Display for BrokenPin {
    /// `choice=pinned`, as the pins write it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.choice, self.pinned)
    }
}

impl Failure {
    /// A failure of `kind`.
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            pin: None,
        }
    }

    /// The same failure, caused by breaking `pin`.
    pub fn with_pin(self, pin: BrokenPin) -> Self {
        Self { pin: Some(pin), ..self }
    }

    /// The same failure with its message rewritten (context added around it).
    pub fn map(self, f: impl FnOnce(String) -> String) -> Self {
        Self {
            message: f(self.message),
            ..self
        }
    }
}

/// Give an untyped error the kind of the check it comes from, where a judge's helpers still
/// speak in words.
pub(crate) trait OrFail<T> {
    /// `Err(words)` as a failure of `kind`.
    fn or_fail(self, kind: FailureKind) -> Result<T, Failure>;
}

impl<T, E: Into<String>> OrFail<T> for Result<T, E> {
    fn or_fail(self, kind: FailureKind) -> Result<T, Failure> {
        self.map_err(|e| Failure::new(kind, e))
    }
}
