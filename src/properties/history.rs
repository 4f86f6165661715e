//! What the generated phase sends: histories aimed where implementations break, and requests
//! whose filter values are spelled only as the target was seen to accept.

use proptest::prelude::*;
use proptest::sample::Index;

use crate::model::STATUSES;
use crate::oracle::Execution;

/// 1900-01-01T00:00:00Z and 2200-01-01T00:00:00Z, epoch seconds.
const EARLIEST: i64 = -2_208_988_800;
const LATEST: i64 = 7_258_118_400;

/// Every character the JSON wire treats apart: what must be escaped (`"`, `\`, each C0
/// control), what may be (`/`), and what serializers and readers handle each their own way
/// (DEL, U+2028 and U+2029, a byte order mark, a combining sequence, astral characters).
pub(crate) const WIRE_CHARACTERS: &[char] = &[
    '"', '\\', '/', '\u{0}', '\u{1}', '\u{2}', '\u{3}', '\u{4}', '\u{5}', '\u{6}', '\u{7}', '\u{8}', '\t', '\n',
    '\u{b}', '\u{c}', '\r', '\u{e}', '\u{f}', '\u{10}', '\u{11}', '\u{12}', '\u{13}', '\u{14}', '\u{15}', '\u{16}',
    '\u{17}', '\u{18}', '\u{19}', '\u{1a}', '\u{1b}', '\u{1c}', '\u{1d}', '\u{1e}', '\u{1f}', '\u{7f}', '\u{2028}',
    '\u{2029}', '\u{feff}', '\u{301}', '𝄞', '😀',
];

/// A string of the wire's hard characters, all of them in one, or a few drawn among them.
pub(crate) fn wire_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(format!(
            "quote \" backslash \\ slash / e\u{301} {}",
            WIRE_CHARACTERS.iter().collect::<String>()
        )),
        proptest::collection::vec(proptest::sample::select(WIRE_CHARACTERS), 1..12)
            .prop_map(|cs| cs.into_iter().collect::<String>()),
    ]
}

/// StatusDetails as implementations mangle them: absent, empty, whitespace at the edges,
/// non-ASCII, outside the Basic Multilingual Plane, exactly 250 characters, and every character
/// the JSON wire treats apart ([`WIRE_CHARACTERS`]).
fn status_details() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        2 => wire_text().prop_map(Some),
        3 => Just(None),
        1 => Just(Some(String::new())),
        1 => Just(Some("  Step 2 timed out \n".to_string())),
        1 => Just(Some("Ausführung abgebrochen – 重试".to_string())),
        1 => Just(Some("📦 deploy 😀".to_string())),
        1 => Just(Some("x".repeat(crate::model::STATUS_DETAILS_MAX))),
        1 => Just(Some("é".repeat(crate::model::STATUS_DETAILS_MAX))),
        2 => "[a-zA-Z0-9 .:_-]{1,40}".prop_map(Some),
    ]
}

/// One execution before it is placed: a minute slot (few, so StartTimes tie often), a
/// millisecond within it (mostly none), a run time (none: still running), status, details.
#[derive(Debug, Clone)]
struct Draft {
    slot: u32,
    millis: u32,
    runs_for_millis: Option<u32>,
    status: usize,
    details: Option<String>,
}

fn draft() -> impl Strategy<Value = Draft> {
    (
        0u32..48,
        prop_oneof![3 => Just(0u32), 1 => 0u32..1000],
        proptest::option::weighted(0.8, 0u32..7_200_000),
        0usize..STATUSES.len(),
        status_details(),
    )
        .prop_map(|(slot, millis, runs_for_millis, status, details)| Draft {
            slot,
            millis,
            runs_for_millis,
            status,
            details,
        })
}

/// Where a history lies: mostly around now, often before 1970 or after 2038.
fn era() -> impl Strategy<Value = i64> {
    prop_oneof![
        2 => Just(1_730_000_000i64),
        1 => EARLIEST..0,
        1 => 2_147_483_000i64..2_147_490_000,
        1 => 2_147_483_648i64..LATEST - 86_400,
    ]
}

/// A window's history: 0 to `max` executions, with ties in StartTime, overlapping runs whose
/// EndTime order differs from their StartTime order, runs without EndTime, every status.
pub(super) fn history(max: usize) -> impl Strategy<Value = Vec<Execution>> {
    (era(), any::<u32>(), proptest::collection::vec(draft(), 0..=max)).prop_map(|(base, tag, drafts)| {
        drafts
            .into_iter()
            .enumerate()
            .map(|(i, d)| {
                let start_millis = (base + i64::from(d.slot) * 60) * 1000 + i64::from(d.millis);
                Execution {
                    window_execution_id: format!("{tag:08x}-0000-4000-8000-{i:012x}"),
                    status: STATUSES[d.status].to_string(),
                    status_details: d.details,
                    start_time: start_millis as f64 / 1000.0,
                    end_time: d.runs_for_millis.map(|r| (start_millis + i64::from(r)) as f64 / 1000.0),
                    tasks: Vec::new(),
                }
            })
            .collect()
    })
}

/// How a filter value may be spelled: what the target accepted in the spec phase.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Spellings {
    /// `+02:00`, `-05:30`: `offset-spelling` was `accepted`.
    pub offsets: bool,
    /// `.500`: `fraction-spelling` was `accepted` (the spec phase sent three digits).
    pub fractions: bool,
    /// Any number of fraction digits (1 to 9): `long-fraction` was `accepted` too.
    pub long_fractions: bool,
    /// Several values in one filter: `filter-values-combine` was not `rejected`.
    pub several_values: bool,
    /// Several filters with one key: `duplicate-filter-keys` was taken (not `rejected`).
    pub repeated_keys: bool,
}

/// One filter value before it meets the data: exactly on an execution's StartTime (or a
/// millisecond either side), or anywhere in the history's span.
#[derive(Debug, Clone)]
pub(super) struct Instant {
    /// The execution it is anchored to (`None`: a free instant).
    pub anchor: Option<Index>,
    /// Milliseconds off the anchor: -1, 0 or 1 (or anywhere, for a free one).
    pub offset_millis: i64,
    /// Offset of the spelling, minutes east of UTC.
    pub zone_minutes: i32,
    /// Fraction digits of the spelling (0: none).
    pub fraction_digits: usize,
}

/// One generated filter.
#[derive(Debug, Clone)]
pub(super) struct Filter {
    /// `ExecutedAfter` (else `ExecutedBefore`).
    pub after: bool,
    /// Its values.
    pub values: Vec<Instant>,
}

/// A generated request: filters (at most one per key) and MaxResults.
#[derive(Debug, Clone)]
pub(super) struct Request {
    /// The filters.
    pub filters: Vec<Filter>,
    /// MaxResults, or none (the target's default page size).
    pub max_results: Option<usize>,
}

fn instant(spellings: Spellings) -> impl Strategy<Value = Instant> {
    let zone = if spellings.offsets {
        prop_oneof![2 => Just(0i32), 1 => -720i32..=840].boxed()
    } else {
        Just(0i32).boxed()
    };
    let digits = if spellings.long_fractions {
        // Milliseconds are what AWS keeps: three digits often, any from 1 to 9 too.
        prop_oneof![2 => Just(0usize), 1 => Just(3usize), 1 => 1usize..=9].boxed()
    } else if spellings.fractions {
        // Only the spelling the spec phase saw accepted.
        prop_oneof![1 => Just(0usize), 1 => Just(3usize)].boxed()
    } else {
        Just(0usize).boxed()
    };
    let anchored = (any::<Index>(), prop_oneof![Just(0i64), Just(-1i64), Just(1i64)]);
    (
        prop_oneof![3 => anchored.prop_map(|(i, d)| (Some(i), d)), 1 => (-3_000_000i64..3_000_000).prop_map(|d| (None, d))],
        zone,
        digits,
    )
        .prop_map(|((anchor, offset_millis), zone_minutes, fraction_digits)| Instant {
            anchor,
            offset_millis,
            zone_minutes,
            fraction_digits,
        })
}

/// Requests with 0 to 2 filters per key (several of one key only where the target took a
/// meaning for them), 1 value each (up to 3 where the target takes several), at most the
/// model's 5 filters, in any order, and MaxResults over its range or absent — often its least,
/// so that filters meet page edges and the token replays.
pub(super) fn request(spellings: Spellings) -> impl Strategy<Value = Request> {
    let most_values = if spellings.several_values { 3 } else { 1 };
    let per_key = if spellings.repeated_keys { 2 } else { 1 };
    // As often absent as present (where everything is selected, paging breaks most), and a
    // repeated key now and then.
    let filters = move |after: bool| {
        prop_oneof![4 => Just(0usize), 6 => Just(1usize), 1 => Just(per_key)].prop_flat_map(move |n| {
            proptest::collection::vec(proptest::collection::vec(instant(spellings), 1..=most_values), n).prop_map(
                move |list| {
                    list.into_iter()
                        .map(|values| Filter { after, values })
                        .collect::<Vec<_>>()
                },
            )
        })
    };
    (
        filters(true),
        filters(false),
        any::<bool>(),
        proptest::option::weighted(0.7, prop_oneof![1 => Just(10usize), 2 => 10usize..=100]),
    )
        .prop_map(|(a, b, interleave, max_results)| {
            // Keys interleaved (ExecutedBefore first) or one after the other: what a repeated
            // key means may depend on the order the filters come in.
            let mut filters: Vec<Filter> = Vec::new();
            if interleave {
                let (mut a, mut b) = (a.into_iter(), b.into_iter());
                while let Some(pair) = match (b.next(), a.next()) {
                    (None, None) => None,
                    pair => Some(pair),
                } {
                    filters.extend(pair.0);
                    filters.extend(pair.1);
                }
            } else {
                filters.extend(a);
                filters.extend(b);
            }
            filters.truncate(crate::model::FILTERS_MAX);
            Request { filters, max_results }
        })
}
