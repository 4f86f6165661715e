//! What a request asks, as the oracle understands it: StartTime bounds and a page size, read
//! from the request's parameters under the semantics AWS leaves open.

use serde_json::Value;

use super::instant::{Reading, parse_iso8601};
use crate::model;

/// How several instants that bound the same side combine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Combine {
    /// Every one must hold: the tightest bound counts.
    #[default]
    All,
    /// Any one is enough: the loosest bound counts.
    Any,
    /// Only the first one counts.
    First,
    /// Only the last one counts.
    Last,
}

impl Combine {
    /// Parse a spec spelling (`all`, `any`, `first`, `last`).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "all" => Some(Self::All),
            "any" => Some(Self::Any),
            "first" => Some(Self::First),
            "last" => Some(Self::Last),
            _ => None,
        }
    }

    /// Combine lower bounds (`ExecutedAfter`).
    fn lower(self, bounds: &[i128]) -> Option<i128> {
        match self {
            Self::All => bounds.iter().max().copied(),
            Self::Any => bounds.iter().min().copied(),
            Self::First => bounds.first().copied(),
            Self::Last => bounds.last().copied(),
        }
    }

    /// Combine upper bounds (`ExecutedBefore`).
    fn upper(self, bounds: &[i128]) -> Option<i128> {
        match self {
            Self::All => bounds.iter().min().copied(),
            Self::Any => bounds.iter().max().copied(),
            Self::First => bounds.first().copied(),
            Self::Last => bounds.last().copied(),
        }
    }
}

/// The meaning of a request where AWS leaves it open: how values are read, how several values
/// of one filter combine, and how filters with the same key combine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Semantics {
    /// How filter values are read.
    pub reading: Reading,
    /// Several `Values` in one filter.
    pub values: Combine,
    /// Several filters with the same `Key`.
    pub duplicate_keys: Combine,
    /// `ExecutedAfter` and `ExecutedBefore` together: both must hold (`All`) or either (`Any`).
    pub keys: Combine,
}

/// StartTime bounds and page size.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Query {
    /// The `ExecutedAfter` instant, in nanoseconds.
    pub after: Option<i128>,
    /// The `ExecutedBefore` instant, in nanoseconds.
    pub before: Option<i128>,
    /// `MaxResults`, if given.
    pub max_results: Option<usize>,
    /// With both bounds: an execution is selected when either holds (else both must).
    pub either: bool,
}

impl Query {
    /// Read a request's parameters. Only what the oracle can judge exactly is accepted: filters
    /// `ExecutedAfter`/`ExecutedBefore` with ISO 8601 values, and a valid `MaxResults`.
    pub fn from_params(params: Option<&Value>, semantics: &Semantics) -> Result<Self, String> {
        let mut q = Query::default();
        let Some(params) = params else {
            return Err("the request has no parameters".into());
        };
        if let Some(m) = params.get(model::members::MAX_RESULTS) {
            match m.as_i64() {
                Some(n) if (model::MAX_RESULTS_MIN..=model::MAX_RESULTS_MAX).contains(&n) => {
                    q.max_results = usize::try_from(n).ok();
                }
                _ => {
                    return Err(format!(
                        "MaxResults {m} is not an integer from {} to {}",
                        model::MAX_RESULTS_MIN,
                        model::MAX_RESULTS_MAX
                    ));
                }
            }
        }
        let filters = match params.get(model::members::FILTERS) {
            None | Some(Value::Null) => return Ok(q),
            Some(Value::Array(f)) => f,
            Some(other) => return Err(format!("Filters {other} is not a list")),
        };
        let (mut afters, mut befores) = (Vec::new(), Vec::new());
        let max_results = q.max_results;
        for f in filters {
            let key = f.get(model::members::KEY).and_then(Value::as_str).unwrap_or("");
            let values = match f.get(model::members::VALUES).and_then(Value::as_array) {
                Some(v) if !v.is_empty() => v,
                _ => return Err(format!("filter {f} has no values")),
            };
            let mut instants = Vec::new();
            for v in values {
                let text = v.as_str().ok_or_else(|| format!("filter value {v} is not a string"))?;
                instants.push(
                    parse_iso8601(text, semantics.reading)
                        .ok_or_else(|| format!("{text:?} is not an ISO 8601 date-time the oracle reads"))?,
                );
            }
            match key {
                "ExecutedAfter" => afters.push(instants),
                "ExecutedBefore" => befores.push(instants),
                other => return Err(format!("filter key {other:?} is not ExecutedAfter or ExecutedBefore")),
            }
        }
        Ok(Self::from_instants(&afters, &befores, max_results, semantics))
    }

    /// The query of filters given as instants (one list of values per filter, in request
    /// order), combined under `semantics`: what generated requests use, so that they never read
    /// back the strings they sent.
    pub fn from_instants(
        afters: &[Vec<i128>],
        befores: &[Vec<i128>],
        max_results: Option<usize>,
        semantics: &Semantics,
    ) -> Self {
        let afters: Vec<i128> = afters.iter().filter_map(|v| semantics.values.lower(v)).collect();
        let befores: Vec<i128> = befores.iter().filter_map(|v| semantics.values.upper(v)).collect();
        let after = semantics.duplicate_keys.lower(&afters);
        let before = semantics.duplicate_keys.upper(&befores);
        Query {
            after,
            before,
            max_results,
            either: semantics.keys == Combine::Any && after.is_some() && before.is_some(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const W: &str = "mw-00000000000000000";
    const NOV_3_5AM: i128 = 1_730_610_000 * 1_000_000_000;
    const NOV_4_5AM: i128 = 1_730_696_400 * 1_000_000_000;

    #[test]
    fn filters_read_and_combine_under_each_semantics() {
        let two_afters = json!({"WindowId": W, "MaxResults": 10, "Filters": [
            {"Key": "ExecutedAfter", "Values": ["2024-11-04T07:00:00+02:00"]},
            {"Key": "ExecutedAfter", "Values": ["2024-11-03T05:00:00Z"]}]});
        let all = Query::from_params(Some(&two_afters), &Semantics::default()).unwrap();
        assert_eq!(all.after, Some(NOV_4_5AM));
        assert_eq!(all.max_results, Some(10));
        let pick = |c: Combine| {
            let s = Semantics {
                duplicate_keys: c,
                ..Semantics::default()
            };
            Query::from_params(Some(&two_afters), &s).unwrap().after
        };
        assert_eq!(pick(Combine::Any), Some(NOV_3_5AM));
        assert_eq!(pick(Combine::First), Some(NOV_4_5AM));
        assert_eq!(pick(Combine::Last), Some(NOV_3_5AM));
        let two_values = json!({"WindowId": W, "Filters": [
            {"Key": "ExecutedBefore", "Values": ["2024-11-04T05:00:00Z", "2024-11-03T05:00:00Z"]}]});
        let any = Semantics {
            values: Combine::Any,
            ..Semantics::default()
        };
        assert_eq!(
            Query::from_params(Some(&two_values), &Semantics::default())
                .unwrap()
                .before,
            Some(NOV_3_5AM)
        );
        assert_eq!(
            Query::from_params(Some(&two_values), &any).unwrap().before,
            Some(NOV_4_5AM)
        );
    }

    #[test]
    fn refuses_what_it_cannot_judge() {
        let s = Semantics::default();
        for bad in [
            json!({"Filters": [{"Key": "Foo", "Values": ["2024-11-04T05:00:00Z"]}]}),
            json!({"Filters": [{"Key": "ExecutedAfter", "Values": ["a"]}]}),
            json!({"Filters": [{"Key": "ExecutedAfter", "Values": []}]}),
            json!({"Filters": [{"Key": "ExecutedAfter"}]}),
            json!({"MaxResults": 5}),
            json!({"MaxResults": 101}),
        ] {
            assert!(Query::from_params(Some(&bad), &s).is_err(), "{bad}");
        }
    }
}
