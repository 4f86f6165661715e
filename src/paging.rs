//! Following NextToken: a paged answer walked to its end, bounded so that a token loop or an
//! endless series of tokens is a finding, never a hang.

use std::collections::{BTreeMap, HashSet};

use serde_json::Value;
use serde_json::value::RawValue;

use crate::client::{Client, Payload, Response};
use crate::model::Operation;
pub(crate) use crate::walk::Item;
pub use crate::walk::{Foreign, Replay, Walk, WalkPage};

/// The member a paged operation's list is under.
pub(crate) fn list_member(operation: &str) -> &'static str {
    Operation::from_name(operation)
        .and_then(Operation::list)
        .map_or("WindowExecutions", |(list, _)| list)
}

/// The member that names an item of a paged operation's list.
pub(crate) fn id_member(operation: &str) -> &'static str {
    Operation::from_name(operation)
        .and_then(Operation::list)
        .map_or(crate::model::members::WINDOW_EXECUTION_ID, |(_, id)| id)
}

/// One page of an answer to `operation`, or why it is not one. Read from the body's bytes: the
/// list's members are kept as their JSON text, and the answer's JSON tree, when it has one, is
/// neither needed nor copied.
pub(crate) fn parse_page(operation: &str, r: &Response) -> Result<WalkPage, String> {
    let member = list_member(operation);
    if !(200..300).contains(&r.status) {
        return Err(r.summary());
    }
    // The body's members as their text: only the list and the token are read further.
    let body: BTreeMap<String, &RawValue> = serde_json::from_slice(&r.body)
        .map_err(|_| format!("the body is not a JSON object: {:?}", r.body_excerpt(120)))?;
    let executions = match body.get(member) {
        None => Vec::new(),
        Some(list) => match serde_json::from_str::<Option<Vec<Item>>>(list.get()) {
            Ok(list) => list.unwrap_or_default(),
            Err(_) => return Err(format!("{member} is not a list: {}", tree(list))),
        },
    };
    let next_token = match body.get("NextToken").map(|t| tree(t)) {
        None | Some(Value::Null) => None,
        Some(Value::String(t)) if t.is_empty() => None,
        Some(Value::String(t)) => Some(t),
        Some(other) => return Err(format!("NextToken is not a string: {other}")),
    };
    Ok(WalkPage { executions, next_token })
}

/// A member of a parsed body as a tree (for a message, or a token); text too deeply nested for
/// one is shown as it came.
fn tree(raw: &RawValue) -> Value {
    serde_json::from_str(raw.get()).unwrap_or_else(|_| Value::String(raw.get().to_string()))
}

/// How far a walk may go before what it sees is a finding in itself: it keeps the pages, so
/// a target that sends too much must not make it hold more than this.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most pages.
    pub pages: usize,
    /// Most executions over all pages.
    pub executions: usize,
    /// Most executions on one page: MaxResults when given; without it, the default page size is
    /// the target's open choice, so only the window's size (and room for duplicates) bounds it.
    pub page_size: usize,
}

impl Limits {
    /// Limits for a window of at most `n` executions and a request with `max_results`: every
    /// page must make progress, with some room for empty pages that carry a token.
    pub fn for_window(n: usize, max_results: Option<usize>) -> Self {
        // Room for a few duplicates, so the judge can name them.
        let executions = n + 100;
        Self {
            pages: n + 10,
            executions,
            page_size: max_results.unwrap_or(executions),
        }
    }
}

/// Follow NextToken from a first answer to the end (bounded: a loop or an endless series of
/// tokens is a finding, never a hang), then replay the first token once. `requests` counts what
/// is sent here.
pub async fn walk(
    client: &Client,
    operation: &str,
    params: &Value,
    first: &Response,
    limits: Limits,
    requests: &mut usize,
) -> Walk {
    let mut walk = Walk::default();
    let fetch = |token: String| {
        let mut p = params.clone();
        p["NextToken"] = Value::String(token);
        async move { client.call_page(operation, &Payload::Json(p)).await }
    };
    let mut seen = HashSet::new();
    let mut held = 0;
    // The answer to the latest page request; the first page is `first`.
    let mut later: Option<Response> = None;
    loop {
        let response = later.as_ref().unwrap_or(first);
        if crate::client::is_throttled(response) {
            walk.throttled = true;
        }
        let page = match parse_page(operation, response) {
            Ok(p) => p,
            Err(e) => {
                walk.problem = Some(format!("page {}: {e}", walk.pages.len() + 1));
                return walk;
            }
        };
        let next = page.next_token.clone();
        let n = walk.pages.len() + 1;
        if page.executions.len() > limits.page_size {
            walk.problem = Some(format!(
                "page {n} holds {} items, more than the {} a page may hold (MaxResults where given)",
                page.executions.len(),
                limits.page_size
            ));
            return walk;
        }
        held += page.executions.len();
        if held > limits.executions {
            walk.problem = Some(format!("{held} executions after {n} pages, more than the window holds"));
            return walk;
        }
        walk.pages.push(page);
        let Some(token) = next else { break };
        if !seen.insert(token.clone()) {
            walk.problem = Some(format!(
                "NextToken {token:?} came back after {} pages: the pages loop",
                walk.pages.len()
            ));
            return walk;
        }
        if walk.pages.len() >= limits.pages {
            walk.problem = Some(format!(
                "still a NextToken after {} pages: paging does not end",
                limits.pages
            ));
            return walk;
        }
        *requests += 1;
        later = match fetch(token.clone()).await {
            Ok(r) => Some(r),
            Err(e) => {
                walk.problem = Some(format!("page {} (NextToken {token:?}): {e}", walk.pages.len() + 1));
                return walk;
            }
        };
    }
    if walk.pages.len() >= 2 {
        let token = walk.pages[0].next_token.clone().expect("a second page follows a token");
        *requests += 1;
        let replayed = match fetch(token.clone()).await {
            Ok(r) => parse_page(operation, &r).map(|p| p.executions),
            Err(e) => Err(e.to_string()),
        };
        walk.replay = Some(Replay { token, replayed });
    }
    walk
}

/// Send the walk's first NextToken with `other_window` (a well-formed id with no executions) in
/// place of the request's window, once, and keep what came back in the walk: a token is the
/// answer to one request, and must never carry one window's executions into another's.
pub(crate) async fn replay_elsewhere(
    client: &Client,
    operation: &str,
    params: &Value,
    walk: &mut Walk,
    other_window: &str,
    requests: &mut usize,
) {
    replay_with(
        client,
        operation,
        params,
        walk,
        &[("WindowId", other_window.to_string())],
        requests,
    )
    .await;
}

/// Send the walk's first NextToken with `members` set to other values (ids of something that
/// exists and has no items), once, and keep what came back in the walk as its foreign replay.
pub(crate) async fn replay_with(
    client: &Client,
    operation: &str,
    params: &Value,
    walk: &mut Walk,
    members: &[(&str, String)],
    requests: &mut usize,
) {
    let Some(mut p) = with_first_token(walk, params) else {
        return;
    };
    for (k, v) in members {
        p[*k] = Value::String(v.clone());
    }
    walk.foreign_replay = send_token(client, operation, p, requests).await;
}

/// `params` with the walk's first NextToken, when the walk ended well and had one.
fn with_first_token(walk: &Walk, params: &Value) -> Option<Value> {
    let token = walk.pages.first().and_then(|p| p.next_token.clone())?;
    if walk.problem.is_some() {
        return None;
    }
    let mut p = params.clone();
    p["NextToken"] = Value::String(token);
    Some(p)
}

/// Send the walk's first NextToken again on the same window with other filters, ones no
/// execution of the fixtures meets (`ExecutedBefore 1970-01-01T00:00:00Z`): refused, or an
/// answer under the new filters (nothing); never the old filters' page.
pub(crate) async fn replay_refiltered(
    client: &Client,
    operation: &str,
    params: &Value,
    walk: &mut Walk,
    requests: &mut usize,
) {
    let filters = serde_json::json!([{ "Key": "ExecutedBefore", "Values": ["1970-01-01T00:00:00Z"] }]);
    replay_filtered(client, operation, params, walk, filters, requests).await;
}

/// Send the walk's first NextToken again with `filters` in place of the request's (ones no
/// item meets), once, and keep what came back in the walk as its refiltered replay.
pub(crate) async fn replay_filtered(
    client: &Client,
    operation: &str,
    params: &Value,
    walk: &mut Walk,
    filters: Value,
    requests: &mut usize,
) {
    let Some(mut p) = with_first_token(walk, params) else {
        return;
    };
    p["Filters"] = filters;
    walk.refiltered_replay = send_token(client, operation, p, requests).await;
}

async fn send_token(client: &Client, operation: &str, p: Value, requests: &mut usize) -> Option<Foreign> {
    *requests += 1;
    match client.call_page(operation, &Payload::Json(p)).await {
        // Slowing down says nothing about the token.
        Ok(r) if crate::client::is_throttled(&r) => None,
        Ok(r) if (400..500).contains(&r.status) && r.error.is_some() => Some(Foreign::Refused(r.summary())),
        Ok(r) => Some(match parse_page(operation, &r) {
            Ok(page) => Foreign::Answered(page.executions),
            Err(e) => Foreign::Broken(e),
        }),
        Err(e) => Some(Foreign::Broken(e.to_string())),
    }
}
