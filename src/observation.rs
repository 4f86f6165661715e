//! What a passing case saw where AWS leaves a choice open: the neutral record the oracle, the
//! verdict and the reports all speak.

/// One open choice and the option a target took (or the error type it answered, where several
/// are accepted).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Observation {
    /// The open choice, if the case names one.
    pub choice: Option<String>,
    /// The option the target took, or the error type it answered.
    pub option: String,
}
