//! The README's settings tables say what `src/settings.rs` holds: every setting's variable and
//! flag is documented, so a setting added to the table and not to the README (or the reverse)
//! fails here.

use ssm_conformance::_internals::settings::ALL;

#[test]
fn every_setting_is_in_the_readme() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let missing: Vec<String> = ALL
        .iter()
        .flat_map(|s| {
            let variable = format!("`{}", s.variable);
            let flag = format!("`{}", s.flag);
            [
                (!readme.contains(&variable)).then(|| format!("{} is not in the README", s.variable)),
                (s.flag != "—" && !readme.contains(&flag)).then(|| format!("{} is not in the README", s.flag)),
            ]
        })
        .flatten()
        .collect();
    assert!(missing.is_empty(), "{missing:#?}");
}

#[test]
fn every_suite_variable_the_readme_names_is_a_setting() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let named: std::collections::BTreeSet<&str> = readme
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("SSM_CONFORMANCE_"))
        .collect();
    // SSM_CONFORMANCE_DATA chooses where the shipped data is read from, not how a run goes.
    let unknown: Vec<&&str> = named
        .iter()
        .filter(|v| **v != "SSM_CONFORMANCE_DATA" && !ALL.iter().any(|s| s.variable == **v || s.alias == Some(**v)))
        .collect();
    assert!(
        unknown.is_empty(),
        "the README names variables no setting has: {unknown:?}"
    );
}
