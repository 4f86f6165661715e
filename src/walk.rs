//! A paged answer as it was walked: plain data, shared by the walker (`paging`) and the judge
//! (`oracle`) without either depending on the other.

use serde_json::value::RawValue;

/// One member of a page's list, as the JSON text the target sent: the judge reads it with its
/// own decoder, so that a page of a thousand executions is never built into a tree of maps.
pub(crate) type Item = Box<RawValue>;

/// One page as returned.
#[derive(Debug, Clone, Default)]
pub struct WalkPage {
    /// The operation's list (`WindowExecutions`, or the task or invocation identities).
    pub executions: Vec<Item>,
    /// `NextToken`, when present and not empty.
    pub next_token: Option<String>,
}

/// Replaying the first NextToken: it must give the same page again, the walk's second.
#[derive(Debug, Clone)]
pub struct Replay {
    /// The token.
    pub token: String,
    /// What it gave when sent again (or why that failed).
    pub replayed: Result<Vec<Item>, String>,
}

/// A paged answer, followed to its end (or until something went wrong).
#[derive(Debug, Clone, Default)]
pub struct Walk {
    /// The pages, in order.
    pub pages: Vec<WalkPage>,
    /// What stopped the walk before a proper end (an error page, a token loop, too many pages).
    pub problem: Option<String>,
    /// The replay of the first token, if there was one.
    pub replay: Option<Replay>,
    /// The first NextToken sent with another window's id (one with no executions): what came back.
    pub foreign_replay: Option<Foreign>,
    /// The first NextToken sent again with other filters (ones no execution of the window meets):
    /// what came back.
    pub refiltered_replay: Option<Foreign>,
    /// The walk stopped because the target still said "slow down" after every retry: the
    /// target's right, not a finding.
    pub throttled: bool,
}

/// What a token sent with another window's id gave.
#[derive(Debug, Clone)]
pub enum Foreign {
    /// A success: that window's executions.
    Answered(Vec<Item>),
    /// A client error with an error type: the token refused.
    Refused(String),
    /// Anything else (a server error, no error type, no answer): not a way to refuse a token.
    Broken(String),
}
