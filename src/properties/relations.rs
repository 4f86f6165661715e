//! Metamorphic relations: they hold on any data and need no seeding, so they run read-only
//! against any existing window of any target, real AWS included. Each returns why it fails, as
//! a failure of the check it makes.

use std::collections::HashSet;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::client::{Client, Payload};
use crate::failure::{Failure, FailureKind};
use crate::oracle::{Returned, check_shape};
use crate::paging;
use crate::spec::DEFAULT_OPERATION;

/// A window to ask about, and how far to follow its pages.
#[derive(Debug, Clone, Copy)]
pub struct Window<'a> {
    /// The client.
    pub client: &'a Client,
    /// The window.
    pub window_id: &'a str,
    /// The most executions the window may hold (bounds every walk).
    pub max_executions: usize,
}

/// An instant as the documented form, `2024-11-04T05:00:00Z` (fractions where there are any).
pub fn format_instant(nanos: i128) -> String {
    let secs = nanos.div_euclid(1_000_000_000) as i64;
    let sub = nanos.rem_euclid(1_000_000_000) as u32;
    let t = DateTime::<Utc>::from_timestamp(secs, sub).unwrap_or_default();
    let format = if sub == 0 {
        SecondsFormat::Secs
    } else {
        SecondsFormat::AutoSi
    };
    t.to_rfc3339_opts(format, true)
}

impl Window<'_> {
    /// Every execution the request selects, pages followed to the end, each checked for shape
    /// and returned once.
    pub async fn list(&self, filters: &[(&str, i128)], max_results: Option<usize>) -> Result<Vec<Returned>, Failure> {
        let mut params = json!({ "WindowId": self.window_id });
        if !filters.is_empty() {
            let f: Vec<Value> = filters
                .iter()
                .map(|(k, t)| json!({"Key": k, "Values": [format_instant(*t)]}))
                .collect();
            params["Filters"] = Value::Array(f);
        }
        if let Some(m) = max_results {
            params["MaxResults"] = json!(m);
        }
        let first = self
            .client
            .call(DEFAULT_OPERATION, &Payload::Json(params.clone()))
            .await
            .map_err(|e| Failure::new(FailureKind::NoAnswer, e.to_string()))?;
        let mut requests = 1;
        let limits = paging::Limits::for_window(self.max_executions, max_results);
        let walk = paging::walk(self.client, DEFAULT_OPERATION, &params, &first, limits, &mut requests).await;
        let described = format!("request {params}");
        if let Some(p) = walk.problem {
            return Err(Failure::new(FailureKind::Paging, format!("{described}: {p}")));
        }
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for page in &walk.pages {
            for v in &page.executions {
                let r = check_shape(v, self.window_id).map_err(|f| f.map(|e| format!("{described}: {e}")))?;
                if !seen.insert(r.id.clone()) {
                    return Err(Failure::new(
                        FailureKind::Paging,
                        format!("{described}: execution {} is returned twice", r.id),
                    ));
                }
                out.push(r);
            }
        }
        Ok(out)
    }
}

fn ids(list: &[Returned]) -> Vec<&str> {
    list.iter().map(|r| r.id.as_str()).collect()
}

/// Pages concatenate to the same sequence whatever the page size.
pub async fn pages_concatenate(w: Window<'_>, a: Option<usize>, b: Option<usize>) -> Result<(), Failure> {
    let x = w.list(&[], a).await?;
    let y = w.list(&[], b).await?;
    if ids(&x) != ids(&y) {
        return Err(Failure::new(
            FailureKind::Paging,
            format!(
                "MaxResults {a:?} and {b:?} give different sequences: {} and {} executions, first difference at {}",
                x.len(),
                y.len(),
                ids(&x)
                    .iter()
                    .zip(ids(&y))
                    .position(|(p, q)| *p != q)
                    .unwrap_or(x.len().min(y.len()))
            ),
        ));
    }
    Ok(())
}

/// A filter never adds an execution.
pub async fn filter_only_narrows(w: Window<'_>, key: &str, instant: i128) -> Result<(), Failure> {
    let all = w.list(&[], Some(100)).await?;
    let some = w.list(&[(key, instant)], Some(100)).await?;
    let everything: HashSet<&str> = ids(&all).into_iter().collect();
    match some.iter().find(|r| !everything.contains(r.id.as_str())) {
        Some(extra) => Err(Failure::new(
            FailureKind::Selection,
            format!(
                "{key} {} returns {}, which the unfiltered answer does not hold",
                format_instant(instant),
                extra.id
            ),
        )),
        None => Ok(()),
    }
}

/// `ExecutedAfter T` and `ExecutedBefore T` together cover every execution not exactly at T.
pub async fn after_and_before_cover(w: Window<'_>, instant: i128) -> Result<(), Failure> {
    let all = w.list(&[], Some(100)).await?;
    let after = w.list(&[("ExecutedAfter", instant)], Some(100)).await?;
    let before = w.list(&[("ExecutedBefore", instant)], Some(100)).await?;
    let covered: HashSet<&str> = ids(&after).into_iter().chain(ids(&before)).collect();
    match all
        .iter()
        .find(|r| r.start != instant && !covered.contains(r.id.as_str()))
    {
        Some(lost) => Err(Failure::new(
            FailureKind::Selection,
            format!(
                "execution {} (StartTime {}) is in neither ExecutedAfter nor ExecutedBefore {}",
                lost.id,
                format_instant(lost.start),
                format_instant(instant)
            ),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_use_the_documented_form() {
        assert_eq!(format_instant(1_730_696_400 * 1_000_000_000), "2024-11-04T05:00:00Z");
        assert_eq!(
            format_instant(1_730_696_400 * 1_000_000_000 + 500_000_000),
            "2024-11-04T05:00:00.500Z"
        );
    }
}
