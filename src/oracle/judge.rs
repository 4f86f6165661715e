//! The judge of a paged answer: which executions a correct target returns for a data set and a
//! request, with the choices AWS leaves open (bound inclusiveness, order, default page size) as
//! parameters; it recognises the choices a target made and reports them.

use std::collections::{BTreeMap, HashSet};

use super::data::{Execution, Seeded};
use super::execution::{check_fields, check_shape, item_ids};
use super::query::Query;
use crate::choices;
use crate::failure::{Failure, FailureKind, OrFail};
use crate::observation::Observation;
use crate::walk::Walk;

/// How a target treats an execution whose StartTime is exactly on a bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// `ExecutedAfter T` selects StartTime == T.
    pub after_inclusive: bool,
    /// `ExecutedBefore T` selects StartTime == T.
    pub before_inclusive: bool,
}

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// StartTime descending.
    NewestFirst,
    /// StartTime ascending.
    OldestFirst,
}

/// Whether an execution that starts at `t` (nanoseconds) is selected by `q` under `b`.
fn selects_at(q: &Query, b: Bounds, t: i128) -> bool {
    let after_ok = q.after.is_none_or(|a| t > a || (t == a && b.after_inclusive));
    let before_ok = q.before.is_none_or(|x| t < x || (t == x && b.before_inclusive));
    if q.either {
        after_ok || before_ok
    } else {
        after_ok && before_ok
    }
}

/// The executions a correct target returns, in `order` (ties by WindowExecutionId ascending, the
/// reference emulator's tie-break; the judge accepts any tie order).
pub fn expected<'a>(data: &'a [Execution], q: &Query, b: Bounds, order: Order) -> Vec<&'a Execution> {
    // Each start converted once, not at every comparison.
    let mut out: Vec<(i128, &Execution)> = data
        .iter()
        .map(|e| (e.start(), e))
        .filter(|(t, _)| selects_at(q, b, *t))
        .collect();
    out.sort_by(|(tx, x), (ty, y)| {
        let by_time = tx.cmp(ty);
        let by_time = if order == Order::NewestFirst {
            by_time.reverse()
        } else {
            by_time
        };
        by_time.then_with(|| x.window_execution_id.cmp(&y.window_execution_id))
    });
    out.into_iter().map(|(_, e)| e).collect()
}

fn observe(
    choice: &str,
    option: String,
    pinned: &BTreeMap<String, String>,
    out: &mut Vec<Observation>,
) -> Result<(), Failure> {
    out.push(crate::pins::hold(pinned, choice, &option, None)?);
    Ok(())
}

fn first_ids(ids: &[&str]) -> String {
    let shown: Vec<&str> = ids.iter().take(5).copied().collect();
    if ids.len() > 5 {
        format!("{} … ({} in all)", shown.join(", "), ids.len())
    } else {
        shown.join(", ")
    }
}

/// Judge a walk over `data` (the seeded window `window_id`, indexed as `seeded`, which
/// [`Seeded::new`] makes of `data`) for query `q`. Returns what the
/// target chose where AWS leaves it open, or why the answer is wrong. `pinned` (from a profile)
/// turns a choice into a requirement.
pub fn judge(
    data: &[Execution],
    seeded: &Seeded,
    window_id: &str,
    q: &Query,
    walk: &Walk,
    pinned: &BTreeMap<String, String>,
) -> Result<Vec<Observation>, Failure> {
    use FailureKind::{Paging, Selection};
    if let Some(p) = &walk.problem {
        return Err(Failure::new(Paging, p.clone()));
    }
    let mut observations = Vec::new();
    // A page over MaxResults is the walk's problem (`paging::walk`, bounded by the request's
    // MaxResults): one check, for every list.
    // The default page size shows only where nothing is filtered: a target may page first and
    // filter each page, and then a filtered walk's pages are short (legally).
    if q.max_results.is_none() && q.after.is_none() && q.before.is_none() && walk.pages.len() > 1 {
        let size = walk.pages[0].executions.len();
        observe(choices::DEFAULT_PAGE_SIZE, size.to_string(), pinned, &mut observations)?;
    }
    // Shapes, fields, duplicates, leaks.
    let starts = seeded.starts();
    assert_eq!(starts.len(), data.len(), "one start per execution");
    // Each returned execution with where it was seeded.
    let mut returned = Vec::new();
    let mut seen = HashSet::new();
    let mut absent: Option<&'static str> = None;
    let mut extra = std::collections::BTreeSet::new();
    for page in &walk.pages {
        for v in &page.executions {
            let r = check_shape(v, window_id)?;
            // Members with nothing to say: one way for every execution of the answer.
            absent = super::family::one_way(
                "members with nothing to say",
                absent,
                r.absent,
                &format!("the executions of {window_id} (at {})", r.id),
            )?;
            extra.extend(r.extra.iter().cloned());
            let at = seeded
                .position(&r.id)
                .ok_or_else(|| {
                    format!(
                        "execution {} was never seeded into {window_id}: it belongs to another window or was made up",
                        r.id
                    )
                })
                .or_fail(Selection)?;
            check_fields(&r, &data[at])?;
            if !seen.insert(at) {
                return Err(Failure::new(Paging, format!("execution {} is returned twice", r.id)));
            }
            returned.push((r, at));
        }
    }
    // Selection: everything strictly inside, nothing outside; on a bound, all or nothing.
    let strict = Bounds {
        after_inclusive: false,
        before_inclusive: false,
    };
    let loose = Bounds {
        after_inclusive: true,
        before_inclusive: true,
    };
    let missing: Vec<&str> = data
        .iter()
        .zip(starts)
        .enumerate()
        .filter(|(i, (_, t))| selects_at(q, strict, **t) && !seen.contains(i))
        .map(|(_, (e, _))| e.window_execution_id.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(Failure::new(
            Selection,
            format!("missing executions the request selects: {}", first_ids(&missing)),
        ));
    }
    let outside: Vec<&str> = returned
        .iter()
        .filter(|(_, at)| !selects_at(q, loose, starts[*at]))
        .map(|(r, _)| r.id.as_str())
        .collect();
    if !outside.is_empty() {
        return Err(Failure::new(
            Selection,
            format!("returned executions the filters exclude: {}", first_ids(&outside)),
        ));
    }
    // ExecutedAfter = ExecutedBefore: an execution on that instant is on both bounds, selected
    // only where both are inclusive; all of them, or none.
    if !q.either
        && let (Some(a), Some(b)) = (q.after, q.before)
        && a == b
    {
        let on: Vec<usize> = (0..data.len()).filter(|i| starts[*i] == a).collect();
        let included = on.iter().filter(|i| seen.contains(*i)).count();
        if included == on.len() && !on.is_empty() {
            observe(
                choices::EXECUTED_AFTER_BOUND,
                "inclusive".into(),
                pinned,
                &mut observations,
            )?;
            observe(
                choices::EXECUTED_BEFORE_BOUND,
                "inclusive".into(),
                pinned,
                &mut observations,
            )?;
        } else if included > 0 {
            return Err(Failure::new(
                Selection,
                format!(
                    "of the {} executions exactly on both bounds (ExecutedAfter = ExecutedBefore), only {included} \
                     are returned: all of them (both bounds inclusive) or none",
                    on.len()
                ),
            ));
        }
    }
    for (choice, bound, other) in [
        (choices::EXECUTED_AFTER_BOUND, q.after, q.before),
        (choices::EXECUTED_BEFORE_BOUND, q.before, q.after),
    ] {
        let Some(t) = bound else { continue };
        // Where either bound selects, one execution on a bound may be in for the other's sake.
        if q.either {
            continue;
        }
        // Executions on this bound only (one also on the other bound tells nothing alone).
        let on: Vec<usize> = (0..data.len())
            .filter(|i| starts[*i] == t && other != Some(t) && selects_at(q, loose, starts[*i]))
            .collect();
        if on.is_empty() {
            continue;
        }
        let included = on.iter().filter(|i| seen.contains(*i)).count();
        let option = match included {
            0 => "exclusive",
            n if n == on.len() => "inclusive",
            _ => {
                return Err(Failure::new(
                    Selection,
                    format!(
                        "of the {} executions exactly on the {choice}, only {included} are returned",
                        on.len()
                    ),
                ));
            }
        };
        observe(choice, option.into(), pinned, &mut observations)?;
    }
    // Order: by StartTime, ties in any order; the same whatever the page size (cases agree).
    let times: Vec<i128> = returned.iter().map(|(r, _)| r.start).collect();
    if times.windows(2).any(|w| w[0] != w[1]) {
        let option = if times.windows(2).all(|w| w[0] >= w[1]) {
            "newest-first"
        } else if times.windows(2).all(|w| w[0] <= w[1]) {
            "oldest-first"
        } else {
            "unordered"
        };
        observe(choices::ORDER, option.into(), pinned, &mut observations)?;
    }
    // A token sent with another (empty) window: refused, or that window's answer (nothing);
    // never the first window's executions.
    for (choice, replay, accepted, other) in [
        (
            choices::TOKEN_OTHER_WINDOW,
            &walk.foreign_replay,
            "ignored",
            "another window's id",
        ),
        (
            choices::TOKEN_OTHER_FILTERS,
            &walk.refiltered_replay,
            "applied",
            "filters no execution meets",
        ),
    ] {
        let Some(replay) = replay else { continue };
        let option = foreign_option(replay, accepted, other, &format!("executions of {window_id}"))?;
        observe(choice, option.into(), pinned, &mut observations)?;
    }
    if let Some(option) = absent {
        observe(choices::ABSENT_MEMBERS, option.into(), pinned, &mut observations)?;
    }
    observations.extend(extra.into_iter().map(|m| Observation {
        choice: Some(choices::EXTRA_ANSWER_MEMBERS.to_string()),
        option: m,
    }));
    check_replay(walk, "WindowExecutionId")?;
    Ok(observations)
}

/// What the first NextToken sent with another request (`other`: what was changed) gave: refused
/// (`rejected`), or an empty answer (`accepted`: the other request's own answer); never items of
/// the first request (`whose`), and never a failure that is not a client error.
pub(crate) fn foreign_option(
    replay: &crate::walk::Foreign,
    accepted: &'static str,
    other: &str,
    whose: &str,
) -> Result<&'static str, Failure> {
    use crate::walk::Foreign;
    let paging = |why: String| Failure::new(FailureKind::Paging, why);
    match replay {
        Foreign::Refused(_) => Ok("rejected"),
        Foreign::Answered(list) if list.is_empty() => Ok(accepted),
        Foreign::Answered(list) => Err(paging(format!(
            "the first NextToken sent with {other} returned {} {whose}: a token must not carry one \
             request's answer into another's",
            list.len()
        ))),
        Foreign::Broken(why) => Err(paging(format!(
            "the first NextToken sent with {other}: {why} (a bad token is refused with a client error)"
        ))),
    }
}

/// A token replayed gives the same page: the walk's second page again, the same items (by their
/// `id` member) in the same order.
pub(crate) fn check_replay(walk: &Walk, id: &str) -> Result<(), Failure> {
    let paging = |why: String| Failure::new(FailureKind::Paging, why);
    let (Some(replay), Some(second)) = (&walk.replay, walk.pages.get(1)) else {
        return Ok(());
    };
    let ids = |page: &[crate::walk::Item]| item_ids(page, id);
    // Member by member: a replayed page with the same ids and other values is another page.
    let items = |page: &[crate::walk::Item]| -> Vec<Option<serde_json::Value>> {
        page.iter().map(|i| serde_json::from_str(i.get()).ok()).collect()
    };
    match &replay.replayed {
        Ok(again) if ids(again) != ids(&second.executions) => Err(paging(format!(
            "NextToken {:?} sent again gave another page: first {:?}, then {:?}",
            replay.token,
            ids(&second.executions),
            ids(again)
        ))),
        Ok(again) if items(again) != items(&second.executions) => {
            let (first, then) = second
                .executions
                .iter()
                .zip(again)
                .find(|(a, b)| {
                    serde_json::from_str::<serde_json::Value>(a.get()).ok() != serde_json::from_str(b.get()).ok()
                })
                .map(|(a, b)| (a.get().to_string(), b.get().to_string()))
                .unwrap_or_default();
            Err(paging(format!(
                "NextToken {:?} sent again gave the same items with other members: first {first}, then {then}",
                replay.token
            )))
        }
        Ok(_) => Ok(()),
        Err(e) => Err(paging(format!("NextToken {:?} sent again failed: {e}", replay.token))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::walk::{Item, WalkPage};
    use serde_json::{Value, json};

    fn ex(i: u32, start: f64) -> Execution {
        Execution {
            window_execution_id: format!("00000000-0000-4000-8000-{i:012}"),
            status: "SUCCESS".into(),
            status_details: None,
            start_time: start,
            end_time: None,
            tasks: Vec::new(),
        }
    }

    fn wire(e: &Execution) -> Item {
        let v = json!({"WindowId": "mw-00000000000000000", "WindowExecutionId": e.window_execution_id, "Status": e.status, "StartTime": e.start_time});
        serde_json::value::to_raw_value(&v).unwrap()
    }

    /// The first execution of the first page with `key` set to `v`.
    fn edit(w: &mut Walk, key: &str, v: Value) {
        let mut e: Value = serde_json::from_str(w.pages[0].executions[0].get()).unwrap();
        e[key] = v;
        w.pages[0].executions[0] = serde_json::value::to_raw_value(&e).unwrap();
    }

    fn walk(pages: &[&[&Execution]]) -> Walk {
        Walk {
            pages: pages
                .iter()
                .enumerate()
                .map(|(i, p)| WalkPage {
                    executions: p.iter().map(|e| wire(e)).collect(),
                    next_token: (i + 1 < pages.len()).then(|| format!("t{i}")),
                })
                .collect(),
            ..Walk::default()
        }
    }

    const W: &str = "mw-00000000000000000";

    #[test]
    fn recognises_bounds_and_order() {
        let data = [ex(1, 1.0), ex(2, 2.0), ex(3, 3.0), ex(4, 4.0)];
        let q = Query {
            after: Some(2_000_000_000),
            before: Some(4_000_000_000),
            max_results: None,
            either: false,
        };
        let none = BTreeMap::new();
        let obs = judge(
            &data,
            &crate::oracle::Seeded::new(&data),
            W,
            &q,
            &walk(&[&[&data[3], &data[2], &data[1]]]),
            &none,
        )
        .unwrap();
        let got: Vec<String> = obs
            .iter()
            .map(|o| format!("{}={}", o.choice.as_deref().unwrap(), o.option))
            .collect();
        assert_eq!(
            got,
            [
                "executed-after-bound=inclusive",
                "executed-before-bound=inclusive",
                "order=newest-first",
                "absent-members=omitted"
            ]
        );
        let obs = judge(
            &data,
            &crate::oracle::Seeded::new(&data),
            W,
            &q,
            &walk(&[&[&data[2]]]),
            &none,
        )
        .unwrap();
        assert!(
            !obs.iter().any(|o| o.choice.as_deref() == Some("order")),
            "one execution tells no order: {obs:?}"
        );
        // Mixed: one bound inclusive and... the missing strict one fails.
        assert!(
            judge(
                &data,
                &crate::oracle::Seeded::new(&data),
                W,
                &q,
                &walk(&[&[&data[3], &data[1]]]),
                &none
            )
            .is_err_and(|f| f.kind == FailureKind::Selection && f.message.contains("missing"))
        );
        assert!(
            judge(
                &data,
                &crate::oracle::Seeded::new(&data),
                W,
                &q,
                &walk(&[&[&data[3], &data[2], &data[1], &data[0]]]),
                &none
            )
            .is_err_and(|f| f.kind == FailureKind::Selection && f.message.contains("exclude"))
        );
        let pinned = [("order".to_string(), "newest-first".to_string())]
            .into_iter()
            .collect();
        let oldest = walk(&[&[&data[1], &data[2]]]);
        assert!(
            judge(&data, &crate::oracle::Seeded::new(&data), W, &q, &oldest, &pinned)
                .is_err_and(|f| f.kind == FailureKind::Choice
                    && f.message.contains("the pins hold order=newest-first")
                    && f.pin.is_some_and(|p| p.to_string() == "order=newest-first"))
        );
    }

    #[test]
    fn refuses_duplicates_leaks_and_bad_shapes() {
        let data = [ex(1, 1.0), ex(2, 2.0)];
        let q = Query::default();
        let none = BTreeMap::new();
        assert!(
            judge(
                &data,
                &crate::oracle::Seeded::new(&data),
                W,
                &q,
                &walk(&[&[&data[1]], &[&data[1], &data[0]]]),
                &none
            )
            .is_err_and(|f| f.kind == FailureKind::Paging && f.message.contains("twice"))
        );
        let stranger = ex(9, 1.5);
        assert!(
            judge(
                &data,
                &crate::oracle::Seeded::new(&data),
                W,
                &q,
                &walk(&[&[&data[1], &stranger, &data[0]]]),
                &none
            )
            .is_err_and(|f| f.kind == FailureKind::Selection && f.message.contains("never seeded"))
        );
        let mut w = walk(&[&[&data[1], &data[0]]]);
        edit(&mut w, "StartTime", json!("2.0"));
        assert!(
            judge(&data, &crate::oracle::Seeded::new(&data), W, &q, &w, &none)
                .is_err_and(|f| f.kind == FailureKind::Member && f.message.contains("JSON number"))
        );
        let mut w = walk(&[&[&data[1], &data[0]]]);
        edit(&mut w, "Status", json!("success"));
        assert!(
            judge(&data, &crate::oracle::Seeded::new(&data), W, &q, &w, &none)
                .is_err_and(|f| f.kind == FailureKind::Member && f.message.contains("not one of"))
        );
        let mut w = walk(&[&[&data[1], &data[0]]]);
        edit(&mut w, "StartTime", json!(2e0));
        assert!(
            judge(&data, &crate::oracle::Seeded::new(&data), W, &q, &w, &none).is_ok(),
            "exponent notation is a number"
        );
    }

    /// ExecutedAfter = ExecutedBefore: the executions on that instant are all returned (both
    /// bounds inclusive) or none; a part of them is wrong.
    #[test]
    fn executions_on_both_bounds_are_all_or_nothing() {
        let data = [ex(1, 2.0), ex(2, 2.0), ex(3, 3.0)];
        let q = Query {
            after: Some(2_000_000_000),
            before: Some(2_000_000_000),
            max_results: None,
            either: false,
        };
        let none = BTreeMap::new();
        let seeded = crate::oracle::Seeded::new(&data);
        let run = |pages: &[&[&Execution]]| judge(&data, &seeded, W, &q, &walk(pages), &none);
        let all = run(&[&[&data[0], &data[1]]]).unwrap();
        assert!(
            all.iter()
                .any(|o| o.choice.as_deref() == Some("executed-after-bound") && o.option == "inclusive")
        );
        assert!(run(&[&[]]).is_ok());
        let part = run(&[&[&data[0]]]).unwrap_err();
        assert!(
            part.kind == FailureKind::Selection && part.message.contains("on both bounds"),
            "{part}"
        );
    }

    /// A member with nothing to say is left out or null, one way for the whole answer; a member
    /// the model has not is recorded by name, not failed.
    #[test]
    fn absent_members_are_one_way_and_extra_members_are_recorded() {
        let data = [ex(1, 1.0), ex(2, 2.0)];
        let q = Query {
            after: None,
            before: None,
            max_results: None,
            either: false,
        };
        let none = BTreeMap::new();
        let seeded = crate::oracle::Seeded::new(&data);
        let item = |e: &Execution, extra: serde_json::Value| {
            let mut v = json!({"WindowId": W, "WindowExecutionId": e.window_execution_id, "Status": e.status, "StartTime": e.start_time});
            v.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            serde_json::value::to_raw_value(&v).unwrap()
        };
        let page = |a: Item, b: Item| Walk {
            pages: vec![WalkPage {
                executions: vec![a, b],
                next_token: None,
            }],
            ..Walk::default()
        };
        let nulls = page(
            item(&data[1], json!({"EndTime": null, "StatusDetails": null})),
            item(&data[0], json!({"EndTime": null, "StatusDetails": null, "Future": 1})),
        );
        let obs = judge(&data, &seeded, W, &q, &nulls, &none).unwrap();
        let got: Vec<String> = obs
            .iter()
            .map(|o| format!("{}={}", o.choice.as_deref().unwrap(), o.option))
            .collect();
        assert_eq!(
            got,
            [
                "order=newest-first",
                "absent-members=null",
                "extra-answer-members=Future"
            ]
        );
        let mixed = page(
            item(&data[1], json!({"EndTime": null, "StatusDetails": null})),
            item(&data[0], json!({})),
        );
        let why = judge(&data, &seeded, W, &q, &mixed, &none).unwrap_err();
        assert!(
            why.kind == FailureKind::Choice && why.message.contains("one way"),
            "{why}"
        );
        let pinned = [("absent-members".to_string(), "omitted".to_string())].into();
        assert!(judge(&data, &seeded, W, &q, &nulls, &pinned).is_err());
    }
}
