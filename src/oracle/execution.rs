//! Executions as the harness knows them: seeded (from a fixture) and returned (from a target),
//! each checked against the model's shapes with the oracle's own code.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use super::data::{Execution, is_execution_id};
use super::instant::{from_epoch_seconds, same_time, show_seconds};
use crate::failure::{Failure, FailureKind};
use crate::model;

/// One returned execution, checked against the model's shapes.
#[derive(Debug, Clone, PartialEq)]
pub struct Returned {
    /// WindowExecutionId.
    pub id: String,
    /// Status: one of the model's.
    pub status: &'static str,
    /// StatusDetails.
    pub status_details: Option<String>,
    /// StartTime, nanoseconds.
    pub start: i128,
    /// EndTime, nanoseconds.
    pub end: Option<i128>,
    /// How its members with nothing to say were given (`omitted` or `null`), if it had any.
    pub absent: Option<&'static str>,
    /// Members the model's `MaintenanceWindowExecution` has not, by name.
    pub extra: Vec<String>,
}

/// One returned execution's members, each absent (`None`), null (`Some(None)`) or of the model's
/// type. Read straight from the item's text when every member has its type (no JSON tree), and
/// from a tree otherwise, which is where the messages about types come from.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct Members<'a> {
    #[serde(default, borrow, deserialize_with = "text")]
    window_execution_id: Option<Option<Cow<'a, str>>>,
    #[serde(default, borrow, deserialize_with = "text")]
    window_id: Option<Option<Cow<'a, str>>>,
    #[serde(default, borrow, deserialize_with = "text")]
    status: Option<Option<Cow<'a, str>>>,
    #[serde(default, borrow, deserialize_with = "text")]
    status_details: Option<Option<Cow<'a, str>>>,
    #[serde(default, deserialize_with = "number")]
    start_time: Option<Option<f64>>,
    #[serde(default, deserialize_with = "number")]
    end_time: Option<Option<f64>>,
    /// Members the model has not (read from the tree only: the direct reading refuses them).
    #[serde(skip)]
    extra: Vec<String>,
}

/// A present member: null or a string without escapes (borrowed; one with escapes is read from
/// the tree instead).
fn text<'de: 'a, 'a, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<Cow<'a, str>>>, D::Error> {
    Option::<&'a str>::deserialize(d).map(|s| Some(s.map(Cow::Borrowed)))
}

/// A present member: null or a JSON number.
fn number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<f64>>, D::Error> {
    Option::<f64>::deserialize(d).map(Some)
}

impl<'a> Members<'a> {
    /// From a tree: the members' types checked, with the message a wrong one gets. `item` is
    /// the execution's text, for a message.
    fn of_tree(v: &'a Value, item: &str, window_id: &str) -> Result<Self, Failure> {
        let obj = v
            .as_object()
            .ok_or_else(|| member(format!("an execution is not an object: {item}")))?;
        let id = match obj.get("WindowExecutionId") {
            Some(Value::String(id)) => id.as_str(),
            _ => return Err(member(format!("no WindowExecutionId string in {item}"))),
        };
        let text = |k: &str, wrong: &dyn Fn(&Value) -> String| -> Result<Option<Option<Cow<'a, str>>>, Failure> {
            match obj.get(k) {
                None => Ok(None),
                Some(Value::Null) => Ok(Some(None)),
                Some(Value::String(s)) => Ok(Some(Some(Cow::Borrowed(s.as_str())))),
                Some(other) => Err(member(wrong(other))),
            }
        };
        let number = |k: &str| -> Result<Option<Option<f64>>, Failure> {
            match obj.get(k) {
                None => Ok(None),
                Some(Value::Null) => Ok(Some(None)),
                Some(Value::Number(n)) => Ok(Some(n.as_f64())),
                Some(other) => Err(member(format!(
                    "execution {id} has {k} {other}: the wire form is a JSON number of epoch seconds"
                ))),
            }
        };
        Ok(Self {
            window_execution_id: Some(Some(Cow::Borrowed(id))),
            window_id: text("WindowId", &|other| {
                format!("execution {id} has WindowId {other}, not the {window_id} asked for")
            })?,
            status: text("Status", &|_| format!("execution {id} has no Status string"))?,
            status_details: text("StatusDetails", &|other| {
                format!(
                    "execution {id} has StatusDetails {other}: a string of at most {} characters",
                    model::STATUS_DETAILS_MAX
                )
            })?,
            start_time: number("StartTime")?,
            end_time: number("EndTime")?,
            extra: obj
                .keys()
                .filter(|k| !super::family::shapes::EXECUTION.contains(&k.as_str()))
                .cloned()
                .collect(),
        })
    }

    /// The model's rules over members of the right types. `item` is the execution's text, for
    /// a message.
    fn check(self, item: &str, window_id: &str) -> Result<Returned, Failure> {
        let Some(Some(id)) = self.window_execution_id else {
            return Err(member(format!("no WindowExecutionId string in {item}")));
        };
        if !is_execution_id(&id) {
            return Err(member(format!(
                "WindowExecutionId {id:?} does not match {}",
                model::EXECUTION_ID_PATTERN
            )));
        }
        match self.window_id {
            // Every listed execution carries its window (clients read `e["WindowId"]`).
            None => {
                return Err(member(format!(
                    "execution {id} has no WindowId: every execution listed carries the window asked about ({window_id})"
                )));
            }
            Some(Some(w)) if w == window_id => {}
            Some(other) => {
                return Err(member(format!(
                    "execution {id} has WindowId {}, not the {window_id} asked for",
                    Value::from(other.map(Cow::into_owned))
                )));
            }
        }
        let Some(Some(status)) = self.status else {
            return Err(member(format!("execution {id} has no Status string")));
        };
        let Some(status) = model::STATUSES.iter().copied().find(|s| *s == status) else {
            return Err(member(format!(
                "execution {id} has Status {status:?}, which is not one of {:?}",
                model::STATUSES
            )));
        };
        let time = |k: &str, t: Option<Option<f64>>| -> Result<Option<i128>, Failure> {
            match t.flatten() {
                None => Ok(None),
                Some(n) => from_epoch_seconds(n).map(Some).ok_or_else(|| {
                    member(format!(
                        "execution {id} has {k} {}, which is no instant",
                        Value::from(n)
                    ))
                }),
            }
        };
        let start =
            time("StartTime", self.start_time)?.ok_or_else(|| member(format!("execution {id} has no StartTime")))?;
        let end = time("EndTime", self.end_time)?;
        if let Some(e) = end
            && e < start
        {
            return Err(member(format!("execution {id} ends before it starts")));
        }
        // The members that may have nothing to say: left out, or null; one way in one item.
        let absent = super::family::one_way(
            "members with nothing to say",
            how_absent(&self.status_details),
            how_absent(&self.end_time),
            &format!("execution {id}"),
        )?;
        let status_details = match self.status_details.flatten() {
            None => None,
            Some(s) if s.chars().count() <= model::STATUS_DETAILS_MAX => Some(s.into_owned()),
            Some(s) => {
                return Err(member(format!(
                    "execution {id} has StatusDetails {}: a string of at most {} characters",
                    Value::from(s.into_owned()),
                    model::STATUS_DETAILS_MAX
                )));
            }
        };
        Ok(Returned {
            id: id.into_owned(),
            status,
            status_details,
            start,
            end,
            absent,
            extra: self.extra,
        })
    }
}

/// A member's failure: what the model fixes of a returned execution's members.
fn member(why: String) -> Failure {
    Failure::new(FailureKind::Member, why)
}

/// How a member with nothing to say was given: left out, or null (`None`: it has a value).
fn how_absent<T>(member: &Option<Option<T>>) -> Option<&'static str> {
    match member {
        None => Some("omitted"),
        Some(None) => Some("null"),
        Some(Some(_)) => None,
    }
}

/// Check one returned execution's shape: members, types, the status enum, lengths, the id.
/// `item` is the execution as the target sent it.
pub(crate) fn check_shape(item: &RawValue, window_id: &str) -> Result<Returned, Failure> {
    match serde_json::from_str::<Members>(item.get()) {
        Ok(members) => members.check(item.get(), window_id),
        // A member of another type, a string with escapes, or not an object at all.
        Err(_) => {
            let v: Value =
                serde_json::from_str(item.get()).map_err(|e| member(format!("an execution is not JSON: {e}")))?;
            Members::of_tree(&v, item.get(), window_id)?.check(item.get(), window_id)
        }
    }
}

/// The `WindowExecutionId` of a returned execution, when it has one.
pub fn returned_id(item: &RawValue) -> Option<String> {
    item_member(item, "WindowExecutionId")
}

/// The string member `id` of each item of a page, `?` where an item has none (for comparing pages
/// and showing them).
pub(crate) fn item_ids(items: &[crate::walk::Item], id: &str) -> Vec<String> {
    items
        .iter()
        .map(|v| item_member(v, id).unwrap_or_else(|| "?".into()))
        .collect()
}

/// The string member `name` of a returned item (an execution, task or invocation), when it has
/// one; read without a tree (the item's other members are skipped).
pub(super) fn item_member(item: &RawValue, name: &str) -> Option<String> {
    use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};

    /// A key, borrowed from the text unless it has escapes.
    struct Key<'de>(Cow<'de, str>);
    impl<'de> Deserialize<'de> for Key<'de> {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Text;
            impl<'de> Visitor<'de> for Text {
                type Value = Key<'de>;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a member name")
                }
                fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                    Ok(Key(Cow::Borrowed(s)))
                }
                fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                    Ok(Key(Cow::Owned(s.to_string())))
                }
            }
            d.deserialize_str(Text)
        }
    }

    struct Find<'n>(&'n str);
    impl<'de> DeserializeSeed<'de> for Find<'_> {
        type Value = Option<String>;
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Option<String>, D::Error> {
            d.deserialize_map(self)
        }
    }
    impl<'de> Visitor<'de> for Find<'_> {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<String>, A::Error> {
            // The last of a repeated member counts, as in a tree.
            let mut found = None;
            while let Some(Key(k)) = map.next_key::<Key>()? {
                if k == self.0 {
                    found = map.next_value::<Value>()?.as_str().map(str::to_string);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }
    let mut d = serde_json::Deserializer::from_str(item.get());
    Find(name).deserialize(&mut d).ok().flatten()
}

/// Compare a returned execution with the seeded one: every member as seeded, byte for byte
/// (StatusDetails absent and empty are the same).
pub(crate) fn check_fields(r: &Returned, seeded: &Execution) -> Result<(), Failure> {
    let id = &r.id;
    if r.status != seeded.status {
        return Err(member(format!(
            "execution {id}: Status {:?}, seeded {:?}",
            r.status, seeded.status
        )));
    }
    fn details(d: &Option<String>) -> Option<&str> {
        d.as_deref().filter(|s| !s.is_empty())
    }
    if details(&r.status_details) != details(&seeded.status_details) {
        return Err(member(format!(
            "execution {id}: StatusDetails {:?}, seeded {:?}",
            r.status_details, seeded.status_details
        )));
    }
    if !same_time(r.start, seeded.start()) {
        return Err(member(format!(
            "execution {id}: StartTime {}, seeded {}",
            show_seconds(r.start),
            show_seconds(seeded.start())
        )));
    }
    let seeded_end = seeded.end_time.and_then(from_epoch_seconds);
    match (r.end, seeded_end) {
        (None, None) => Ok(()),
        (Some(a), Some(b)) if same_time(a, b) => Ok(()),
        (a, b) => Err(member(format!(
            "execution {id}: EndTime {:?}, seeded {:?}",
            a.map(show_seconds),
            b.map(show_seconds)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::{Map, Value, json};

    use super::*;

    const W: &str = "mw-0123456789abcdef0";

    /// What the tree alone says of `item`: the reading every item had before the direct one.
    fn by_tree(item: &RawValue) -> Result<Returned, Failure> {
        let v: Value = serde_json::from_str(item.get()).unwrap();
        Members::of_tree(&v, item.get(), W).and_then(|m| m.check(item.get(), W))
    }

    /// A member as a target might send it: of the model's type or not, with escapes or not.
    fn member(of_type: BoxedStrategy<Value>) -> impl Strategy<Value = Option<Value>> {
        prop_oneof![
            4 => of_type.prop_map(Some),
            1 => Just(None),
            1 => Just(Some(Value::Null)),
            1 => prop_oneof![Just(json!(true)), Just(json!(7)), Just(json!("7")), Just(json!([])), Just(json!({}))].prop_map(Some),
        ]
    }

    fn text(options: &'static [&'static str]) -> BoxedStrategy<Value> {
        prop_oneof![
            proptest::sample::select(options).prop_map(Value::from),
            // Escapes and characters beyond ASCII, around the length limit.
            (
                0usize..260,
                proptest::sample::select(&["a", "é", "\"", "\\n", "😀"][..])
            )
                .prop_map(|(n, c)| Value::from(c.repeat(n))),
        ]
        .boxed()
    }

    fn seconds() -> BoxedStrategy<Value> {
        prop_oneof![
            (0u32..2_000_000_000).prop_map(Value::from),
            (-1e12f64..1e12).prop_map(Value::from),
            Just(json!(1e300)),
            Just(json!(-1e300)),
        ]
        .boxed()
    }

    proptest! {
        /// The direct reading (straight from the text, when every member has its type) and the
        /// tree's give the same execution or the same message, for any item.
        #[test]
        fn an_item_reads_the_same_directly_and_as_a_tree(
            id in member(text(&["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-00000000000G"])),
            window in member(text(&[W, "mw-0123456789abcdef1"])),
            status in member(text(&["SUCCESS", "FAILED", "success"])),
            details in member(text(&["", "done"])),
            start in member(seconds()),
            end in member(seconds()),
            spaced in any::<bool>(),
        ) {
            let mut m = Map::new();
            for (k, v) in [("WindowExecutionId", id), ("WindowId", window), ("Status", status),
                           ("StatusDetails", details), ("StartTime", start), ("EndTime", end)] {
                if let Some(v) = v { m.insert(k.into(), v); }
            }
            let v = Value::Object(m);
            let text = if spaced { serde_json::to_string_pretty(&v).unwrap() } else { v.to_string() };
            let item = RawValue::from_string(text).unwrap();
            prop_assert_eq!(check_shape(&item, W), by_tree(&item));
        }
    }

    #[test]
    fn a_wrong_type_gets_the_trees_message() {
        let item = RawValue::from_string(
            r#"{"WindowExecutionId":"00000000-0000-4000-8000-000000000001","Status":"SUCCESS","StartTime":"2.0"}"#
                .into(),
        )
        .unwrap();
        let e = check_shape(&item, W).unwrap_err();
        assert!(
            e.kind == FailureKind::Member
                && e.message
                    .contains("has StartTime \"2.0\": the wire form is a JSON number"),
            "{e}"
        );
        let item = RawValue::from_string("[1]".into()).unwrap();
        assert!(
            check_shape(&item, W)
                .unwrap_err()
                .message
                .starts_with("an execution is not an object")
        );
    }
}
