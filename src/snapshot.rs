//! Normalized responses and their insta snapshots, one folder per target under snapshots/.
//!
//! Values the harness chose (window ids) are written as their placeholder names; ids and times the
//! target chose become numbered references (`<uuid:1>`, `<window:1>` for a window a case created,
//! `<time:1>`), so "the same id twice" survives; tokens become `<token>`.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use crate::client::Response;

static UUID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}").expect("valid")
});

/// Members whose values are times the target chose.
const TARGET_TIMES: [&str; 2] = ["CreatedDate", "ModifiedDate"];
/// Members whose values are opaque tokens.
const TOKENS: [&str; 1] = ["NextToken"];
/// Members whose values are ids the target chose, in a form the model leaves open (AWS answers
/// UUIDs; fakecloud, say, does not).
const TARGET_IDS: [&str; 2] = ["WindowTargetId", "WindowTaskId"];

static WINDOW_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"mw-[0-9a-f]{17}").expect("valid"));

#[derive(Default)]
struct Numbering {
    uuids: HashMap<String, usize>,
    times: HashMap<String, usize>,
    windows: HashMap<String, usize>,
    ids: HashMap<String, usize>,
}

impl Numbering {
    fn reference(map: &mut HashMap<String, usize>, kind: &str, value: Cow<'_, str>) -> String {
        // Looked up before it is owned: most values were numbered before.
        let n = match map.get(&*value) {
            Some(n) => *n,
            None => {
                let n = map.len() + 1;
                map.insert(value.into_owned(), n);
                n
            }
        };
        format!("<{kind}:{n}>")
    }
}

/// A UUID in lower case (copied only when it has upper case).
fn lower(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// An answer as its snapshot shows it. Serializing the view normalizes on the way (the same
/// numbering, in the same order, as [`normalize`]), so the snapshot text of the common case is
/// written without building a normalized copy of the answer first.
pub(crate) struct Normalized<'a> {
    response: &'a Response,
    known: &'a [(&'a str, String)],
    body: bool,
}

impl<'a> Normalized<'a> {
    /// The view of `r`: `known` maps values the harness chose to their names (`window` → id).
    pub(crate) fn new(r: &'a Response, known: &'a [(&'a str, String)]) -> Self {
        Self {
            response: r,
            known,
            body: true,
        }
    }

    /// The view without the body: for a case that judges only that the request was accepted,
    /// whose answer (a list of the whole account's windows, say) depends on what else the run
    /// holds at that moment.
    pub(crate) fn without_body(self) -> Self {
        Self { body: false, ..self }
    }

    /// The normalized answer as a JSON value (what insta is given).
    pub(crate) fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("a JSON value serializes")
    }
}

impl Serialize for Normalized<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let numbering = RefCell::new(Numbering::default());
        let r = self.response;
        let mut map = s.serialize_map(Some(if self.body { 3 } else { 2 }))?;
        map.serialize_entry("status", &r.status)?;
        map.serialize_entry("error_type", &r.error.as_ref().map(|e| &e.error_type))?;
        if !self.body {
            return map.end();
        }
        match &r.json {
            Some(j) => map.serialize_entry(
                "body",
                &View {
                    v: j,
                    key: None,
                    known: self.known,
                    numbering: &numbering,
                },
            )?,
            None => map.serialize_entry(
                "body",
                &*replace_known(
                    &String::from_utf8_lossy(&r.body),
                    self.known,
                    &mut numbering.borrow_mut(),
                ),
            )?,
        }
        map.end()
    }
}

/// One value of an answer, normalized as it is serialized.
struct View<'a> {
    v: &'a Value,
    key: Option<&'a str>,
    known: &'a [(&'a str, String)],
    numbering: &'a RefCell<Numbering>,
}

impl Serialize for View<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let inner = |v, key| View {
            v,
            key,
            known: self.known,
            numbering: self.numbering,
        };
        match (self.v, self.key) {
            (Value::String(_), Some(k)) if TOKENS.contains(&k) => s.serialize_str("<token>"),
            // A window id off the model's pattern (fakecloud's, say) is still a window the target made.
            (Value::String(x), Some("WindowId"))
                if !WINDOW_ID.is_match(x) && !self.known.iter().any(|(_, v)| v == x) =>
            {
                s.serialize_str(&Numbering::reference(
                    &mut self.numbering.borrow_mut().windows,
                    "window",
                    Cow::Borrowed(x),
                ))
            }
            (Value::String(x), Some(k)) if TARGET_IDS.contains(&k) && !crate::ids::is_uuid(x) => s.serialize_str(
                &Numbering::reference(&mut self.numbering.borrow_mut().ids, "id", Cow::Borrowed(x)),
            ),
            (Value::Number(n), Some(k)) if TARGET_TIMES.contains(&k) => s.serialize_str(&Numbering::reference(
                &mut self.numbering.borrow_mut().times,
                "time",
                Cow::Owned(n.to_string()),
            )),
            (Value::String(x), _) => s.serialize_str(&replace_known(x, self.known, &mut self.numbering.borrow_mut())),
            (Value::Array(a), _) => s.collect_seq(a.iter().map(|x| inner(x, None))),
            (Value::Object(o), _) => s.collect_map(o.iter().map(|(k, x)| (k, inner(x, Some(k))))),
            (other, _) => other.serialize(s),
        }
    }
}

/// Normalize an answer: `known` maps values the harness chose to their names (`window` → id).
#[cfg(test)]
pub(crate) fn normalize(r: &Response, known: &[(&str, String)]) -> Value {
    Normalized::new(r, known).to_value()
}

fn replace_known<'s>(s: &'s str, known: &[(&str, String)], numbering: &mut Numbering) -> Cow<'s, str> {
    // Fast paths for what most strings are: short (a status), exactly a chosen value (a window
    // id), exactly a UUID (an execution id). Only the rest (messages) are searched.
    let shortest = known
        .iter()
        .map(|(_, v)| v.len())
        .filter(|n| *n > 0)
        .min()
        .unwrap_or(usize::MAX);
    if let Some((name, _)) = known.iter().find(|(_, v)| v == s) {
        return Cow::Owned(format!("<{name}>"));
    }
    // An id numbered where its member named it, met again (in a task's WindowTargetIds).
    if let Some(n) = numbering.ids.get(s) {
        return Cow::Owned(format!("<id:{n}>"));
    }
    // A window the target made for a case (CreateMaintenanceWindow's answer).
    if s.len() == 20 && WINDOW_ID.is_match(s) {
        return Cow::Owned(Numbering::reference(&mut numbering.windows, "window", Cow::Borrowed(s)));
    }
    if s.len() < shortest.min(36) {
        return Cow::Borrowed(s);
    }
    if crate::ids::is_uuid(s) {
        return Cow::Owned(Numbering::reference(&mut numbering.uuids, "uuid", lower(s)));
    }
    let mut out = Cow::Borrowed(s);
    for (name, value) in known {
        if !value.is_empty() && out.contains(value.as_str()) {
            out = Cow::Owned(out.replace(value.as_str(), &format!("<{name}>")));
        }
    }
    if !UUID.is_match(&out) {
        return out;
    }
    Cow::Owned(
        UUID.replace_all(&out, |c: &regex::Captures<'_>| {
            Numbering::reference(&mut numbering.uuids, "uuid", lower(&c[0]))
        })
        .into_owned(),
    )
}

/// How a case's snapshot stands, apart from whether the target conforms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Check {
    /// The snapshot exists and matches (or was just written, when asked to update).
    Matched,
    /// There is no snapshot yet: nothing compared, nothing written.
    Missing(std::path::PathBuf),
    /// The answer differs from the snapshot (the message says how).
    Differs(String),
}

/// The file of snapshot `name` under `dir` (insta's name for it, with
/// `set_prepend_module_to_snapshot(false)`).
pub(crate) fn file(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{}.snap", name.replace(['/', '\\'], "__")))
}

/// Compare `answer` with the snapshot `name` under `dir`.
///
/// A missing snapshot is [`Check::Missing`] and nothing is written, unless `INSTA_UPDATE` asks
/// for writing (`always`, `unseen`, `new`, `force`: what `cargo xtask snapshots`,
/// `--update-snapshots` and `cargo insta test` set); then insta's own rules apply. For an
/// existing snapshot they always do: with `CI=true` nothing is written; elsewhere a changed
/// snapshot is written as `.snap.new` for `cargo insta review`.
pub(crate) fn check(dir: &Path, name: &str, source: &Path, answer: &Normalized<'_>) -> Check {
    check_with(dir, name, source, answer, std::env::var("INSTA_UPDATE").ok().as_deref())
}

/// [`check`], with the value of `INSTA_UPDATE` given.
fn check_with(dir: &Path, name: &str, source: &Path, answer: &Normalized<'_>, update: Option<&str>) -> Check {
    let file = file(dir, name);
    let writes_new = matches!(update, Some("always" | "1" | "unseen" | "new" | "force"));
    if !writes_new {
        match std::fs::read_to_string(&file) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Check::Missing(file),
            // The common case, decided without insta's machinery (settings, a YAML header parser,
            // a panic to catch): the file's contents are exactly what insta would write.
            Ok(text) if written_as(&text, answer) => return Check::Matched,
            _ => {}
        }
    }
    let value = answer.to_value();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_input_file(source);
    settings.set_omit_expression(true);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_json_snapshot!(name.to_string(), &value));
    }));
    match outcome {
        Ok(()) => Check::Matched,
        Err(panic) => {
            let text = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Check::Differs(format!("snapshot {name} in {} does not match: {text}", dir.display()))
        }
    }
}

/// Whether the snapshot file `text` holds `value` exactly as insta writes it: its header, then
/// the value as pretty JSON (insta's JSON form). Anything else, a `\r` included, is left to insta.
fn written_as(text: &str, value: &impl Serialize) -> bool {
    let Some(rest) = text.strip_prefix("---\n") else {
        return false;
    };
    let Some(end) = rest.find("\n---\n") else {
        return false;
    };
    let body = &rest[end + 5..];
    if body.contains('\r') {
        return false;
    }
    let body = body.trim_end();
    // Written straight against the file's bytes: no string of the answer is built, and a
    // difference stops the writing at its first byte.
    let mut against = SameBytes(body.as_bytes());
    serde_json::to_writer_pretty(&mut against, value).is_ok() && against.0.is_empty()
}

/// A writer that takes exactly the bytes it holds, in order, and refuses any other.
struct SameBytes<'a>(&'a [u8]);

impl std::io::Write for SameBytes<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.0.strip_prefix(buf) {
            Some(rest) => {
                self.0 = rest;
                Ok(buf.len())
            }
            None => Err(std::io::Error::other("differs")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A missing snapshot, in one line that says how to create it.
pub(crate) fn missing_line(file: &Path) -> String {
    let shown = file.strip_prefix(crate::target::project_root()).unwrap_or(file);
    let target = file
        .parent()
        .and_then(Path::file_name)
        .map(|t| t.to_string_lossy())
        .unwrap_or_default();
    format!(
        "snapshot {} does not exist yet; create it with `cargo xtask snapshots {target}`, or run \
         with INSTA_UPDATE=always (or INSTA_UPDATE=new, then `cargo insta review`)",
        shown.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn redacts_by_numbered_reference() {
        let body = r#"{"WindowExecutions":[
            {"WindowId":"mw-0123456789abcdef0","WindowExecutionId":"AAAAAAAA-0000-4000-8000-000000000001"},
            {"WindowId":"mw-0123456789abcdef0","WindowExecutionId":"aaaaaaaa-0000-4000-8000-000000000002"},
            {"WindowId":"mw-0123456789abcdef0","WindowExecutionId":"aaaaaaaa-0000-4000-8000-000000000001"}],
            "NextToken":"abc","CreatedDate":1.5}"#;
        let r = Response::from_parts(200, vec![], body.as_bytes().to_vec());
        let n = normalize(&r, &[("window", "mw-0123456789abcdef0".into())]);
        let ex = &n["body"]["WindowExecutions"];
        assert_eq!(ex[0]["WindowId"], "<window>");
        assert_eq!(ex[0]["WindowExecutionId"], "<uuid:1>");
        assert_eq!(ex[1]["WindowExecutionId"], "<uuid:2>");
        assert_eq!(ex[2]["WindowExecutionId"], "<uuid:1>");
        assert_eq!(n["body"]["NextToken"], "<token>");
        assert_eq!(n["body"]["CreatedDate"], "<time:1>");
        assert_eq!(n["status"], 200);
    }

    /// A target id in a form of the target's own (not a UUID) is numbered by its member, and
    /// the same id met again in a list is the same reference.
    #[test]
    fn numbers_target_ids_of_any_form() {
        let body = r#"{"Tasks":[{"WindowTaskId":"mw-0123456789abcdef0-00ff",
            "Targets":[{"Key":"WindowTargetIds","Values":["mw-0123456789abcdef0-77aa"]}]}],
            "WindowTargetId":"mw-0123456789abcdef0-77aa"}"#;
        let r = Response::from_parts(200, vec![], body.as_bytes().to_vec());
        let n = normalize(&r, &[("window", "mw-0123456789abcdef0".into())]);
        assert_eq!(n["body"]["Tasks"][0]["WindowTaskId"], "<id:1>");
        assert_eq!(n["body"]["WindowTargetId"], "<id:2>");
        // Met again after the member that named it: the same reference.
        let twice = r#"{"WindowTargetId":"x-77aa","Values":["x-77aa"]}"#;
        let n = normalize(&Response::from_parts(200, vec![], twice.as_bytes().to_vec()), &[]);
        assert_eq!(n["body"]["Values"][0], "<id:1>");
        let off = r#"{"WindowId":"mw-dae6ccd8-cb29-49c"}"#;
        let n = normalize(&Response::from_parts(200, vec![], off.as_bytes().to_vec()), &[]);
        assert_eq!(n["body"]["WindowId"], "<window:1>");
    }

    /// The view written straight to text and the normalized value written by insta agree, a
    /// message with ids in it and a body that is not JSON included.
    #[test]
    fn the_view_writes_what_the_value_holds() {
        let known = [("window", "mw-0123456789abcdef0".to_string())];
        for body in [
            r#"{"__type":"ValidationException","message":"mw-0123456789abcdef0 has no aaaaaaaa-0000-4000-8000-000000000001, AAAAAAAA-0000-4000-8000-000000000001"}"#,
            r#"{"WindowExecutions":[{"WindowExecutionId":"aaaaaaaa-0000-4000-8000-000000000001","StartTime":1.5,"Status":"SUCCESS"}],"NextToken":"t","ModifiedDate":2}"#,
            "<html>mw-0123456789abcdef0 aaaaaaaa-0000-4000-8000-000000000001</html>",
        ] {
            let r = Response::from_parts(400, vec![], body.as_bytes().to_vec());
            let view = Normalized::new(&r, &known);
            let value = view.to_value();
            let text = serde_json::to_string_pretty(&view).unwrap();
            assert_eq!(text, serde_json::to_string_pretty(&value).unwrap());
            assert!(
                !text.contains("mw-0123456789abcdef0") && !text.contains("aaaaaaaa"),
                "{text}"
            );
            assert!(written_as(&format!("---\nsource: x\n---\n{text}\n"), &view));
        }
    }

    #[test]
    fn insta_writes_what_the_fast_comparison_expects() {
        use insta::_macro_support::{SerializationFormat, serialize_value};
        let value = json!({
            "status": 400,
            "error_type": null,
            "body": {"a": [], "b": {}, "c": [1, 2.5, -0.125, 1730700000.123, -0.0],
                     "d": "quote \" backslash \\ tab \t nul \u{0} é 𝄞 <uuid:1>", "e": [{"x": true}, null]}
        });
        assert_eq!(
            serialize_value(&value, SerializationFormat::Json),
            serde_json::to_string_pretty(&value).unwrap()
        );
        let text = format!(
            "---\nsource: src/snapshot.rs\ninput_file: specs/a.json\n---\n{}\n",
            serialize_value(&value, SerializationFormat::Json)
        );
        assert!(written_as(&text, &value));
        assert!(!written_as(&text, &json!({"status": 200})));
        assert!(!written_as(&text.replace('\n', "\r\n"), &value));
        assert!(!written_as(&format!("{}\r\n", text.trim_end()), &value));
        // The file's body cut short, or longer than the answer: no match.
        let json = serialize_value(&value, SerializationFormat::Json);
        let cut = format!("---\nsource: x\n---\n{}\n", &json[..json.len() - 1]);
        assert!(!written_as(&cut, &value));
        assert!(!written_as(&format!("{}\n{{}}\n", text.trim_end()), &value));
        // Where the two spellings differ (huge floats), the fast comparison says no, and insta
        // judges: it never calls "matched" what insta would not.
        let huge = json!({"c": 1e300});
        let text = format!(
            "---\nsource: x\n---\n{}\n",
            serialize_value(&huge, SerializationFormat::Json)
        );
        assert!(!written_as(&text, &huge));
    }

    /// Every shipped snapshot, written by insta, is recognized without it.
    #[test]
    fn the_shipped_snapshots_match_without_insta() {
        let dir = crate::target::project_root().join("snapshots").join("reference");
        let mut n = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "snap") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let body = &text[text[4..].find("\n---\n").unwrap() + 9..];
            let value: Value = serde_json::from_str(body).unwrap();
            assert!(written_as(&text, &value), "{}", path.display());
            n += 1;
        }
        assert!(n > 100, "{n} snapshots");
    }

    #[test]
    fn a_missing_snapshot_is_one_line_and_writes_nothing() {
        // Removed on drop, even when an assertion fails.
        let root = tempfile::Builder::new()
            .prefix("ssm-conformance-snapshot-")
            .tempdir()
            .unwrap();
        let dir = root.path().join("snapshots").join("some-target");
        std::fs::create_dir_all(&dir).unwrap();
        let r = Response::from_parts(200, vec![], b"{}".to_vec());
        let answer = Normalized::new(&r, &[]);
        for update in [None, Some(""), Some("auto"), Some("no")] {
            let Check::Missing(missing) = check_with(&dir, "area__case", Path::new("specs/area.json"), &answer, update)
            else {
                panic!("{update:?}: not reported missing");
            };
            let e = missing_line(&missing);
            assert!(!e.contains('\n'), "{e}");
            let file = dir.join("area__case.snap");
            assert!(
                e.starts_with(&format!("snapshot {} does not exist yet", file.display())),
                "{e}"
            );
            assert!(e.contains("`cargo xtask snapshots some-target`"), "{e}");
            assert!(
                e.contains("INSTA_UPDATE=always") && e.contains("cargo insta review"),
                "{e}"
            );
            assert_eq!(
                std::fs::read_dir(&dir).unwrap().count(),
                0,
                "{update:?}: something was written"
            );
        }
    }

    #[test]
    fn a_missing_snapshot_under_the_project_is_named_from_the_root() {
        let dir = crate::target::project_root().join("snapshots").join("no-such-target");
        let r = Response::from_parts(200, vec![], Vec::new());
        let Check::Missing(missing) = check_with(
            &dir,
            "area__case",
            Path::new("specs/area.json"),
            &Normalized::new(&r, &[]),
            None,
        ) else {
            panic!("not reported missing");
        };
        let e = missing_line(&missing);
        assert!(
            e.starts_with("snapshot snapshots/no-such-target/area__case.snap does not exist yet;"),
            "{e}"
        );
        assert!(!dir.exists());
    }
}
