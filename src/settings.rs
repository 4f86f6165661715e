//! Every setting of a run in one table ([`ALL`]): its flag, its environment variable, its
//! default and how its value is read. clap's `env =` attributes, the environment reader of the
//! `cargo test` way in (`TargetOptions::from_env`, the harness, the generated phase) and the
//! check of the environment before anything reads it ([`check_environment`]) all take their
//! names and parsers from here; `tests/settings.rs` holds the README's settings table to it.
//!
//! Yes/no values have one parser ([`parse_flag`]), for flags, variables and `CI` alike.
//! `SSM_CONFORMANCE_DATA` is not here: it says where the shipped data is read from
//! (`bundle.rs`), not how a run goes.

/// How a setting's value is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Yes or no: `1`/`0`, `true`/`false`, `yes`/`no`, `on`/`off` (any case).
    YesNo,
    /// A number of seconds.
    Seconds,
    /// A whole number.
    Whole,
    /// Any text (a name, a URL, an id).
    Text,
    /// A path.
    Path,
}

/// One setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    /// Its flag (`--timeout`), or `—` where it has none.
    pub flag: &'static str,
    /// Its environment variable.
    pub variable: &'static str,
    /// How its value is spelled.
    pub kind: Kind,
    /// Its default, in words (the README's table says the same).
    pub default: &'static str,
    /// An older name of its variable, still read where the variable is unset.
    pub alias: Option<&'static str>,
}

/// `--target aws|embedded`.
pub(crate) const TARGET: Setting = Setting {
    flag: "--target",
    variable: "SSM_CONFORMANCE_TARGET",
    kind: Kind::Text,
    default: "an endpoint's URL, else the embedded emulator",
    alias: None,
};
/// `--target-name NAME`: the snapshot folder.
pub(crate) const TARGET_NAME: Setting = Setting {
    flag: "--target-name",
    variable: "SSM_CONFORMANCE_TARGET_NAME",
    kind: Kind::Text,
    default: "`reference` for the embedded emulator; none otherwise",
    alias: None,
};
/// `--timeout SECONDS`.
pub(crate) const TIMEOUT: Setting = Setting {
    flag: "--timeout",
    variable: "SSM_CONFORMANCE_TIMEOUT",
    kind: Kind::Seconds,
    default: "10",
    alias: None,
};
/// `--pins NAME|FILE` (also `--profile`): the pins, a profile of pinned open choices.
pub(crate) const PINS: Setting = Setting {
    flag: "--pins",
    variable: "SSM_CONFORMANCE_PINS",
    kind: Kind::Text,
    default: "`reference` for the embedded emulator; none otherwise",
    alias: Some("SSM_CONFORMANCE_PROFILE"),
};
/// `--specs DIR`.
pub(crate) const SPECS: Setting = Setting {
    flag: "--specs",
    variable: "SSM_CONFORMANCE_SPECS",
    kind: Kind::Path,
    default: "the specs shipped with the suite",
    alias: None,
};
/// `--fixtures DIR`.
pub(crate) const FIXTURES: Setting = Setting {
    flag: "--fixtures",
    variable: "SSM_CONFORMANCE_FIXTURES",
    kind: Kind::Path,
    default: "the fixtures shipped with the suite",
    alias: None,
};
/// `--snapshots DIR`.
pub(crate) const SNAPSHOTS: Setting = Setting {
    flag: "--snapshots",
    variable: "SSM_CONFORMANCE_SNAPSHOTS",
    kind: Kind::Path,
    default: "`snapshots/` here",
    alias: None,
};
/// `--window-id mw-…`.
pub(crate) const WINDOW_ID: Setting = Setting {
    flag: "--window-id",
    variable: "SSM_CONFORMANCE_WINDOW_ID",
    kind: Kind::Text,
    default: "a window the run creates (loopback)",
    alias: None,
};
/// `--jobs N`.
pub(crate) const JOBS: Setting = Setting {
    flag: "--jobs",
    variable: "SSM_CONFORMANCE_JOBS",
    kind: Kind::Whole,
    default: "8",
    alias: None,
};
/// `--allow-mutations`.
pub(crate) const ALLOW_MUTATIONS: Setting = Setting {
    flag: "--allow-mutations",
    variable: "SSM_CONFORMANCE_ALLOW_MUTATIONS",
    kind: Kind::YesNo,
    default: "off",
    alias: None,
};
/// `--seed S`.
pub(crate) const SEED: Setting = Setting {
    flag: "--seed",
    variable: "SSM_CONFORMANCE_SEED",
    kind: Kind::Whole,
    default: "a fresh one, printed",
    alias: None,
};
/// `--cases N`.
pub(crate) const CASES: Setting = Setting {
    flag: "--cases",
    variable: "SSM_CONFORMANCE_CASES",
    kind: Kind::Whole,
    default: "32",
    alias: None,
};
/// `--no-properties`.
pub(crate) const NO_PROPERTIES: Setting = Setting {
    flag: "--no-properties",
    variable: "SSM_CONFORMANCE_NO_PROPERTIES",
    kind: Kind::YesNo,
    default: "off",
    alias: None,
};
/// `--require-data`.
pub(crate) const REQUIRE_DATA: Setting = Setting {
    flag: "--require-data",
    variable: "SSM_CONFORMANCE_REQUIRE_DATA",
    kind: Kind::YesNo,
    default: "off",
    alias: None,
};
/// `--quiet`, `-q`: no progress line.
pub(crate) const QUIET: Setting = Setting {
    flag: "--quiet",
    variable: "SSM_CONFORMANCE_QUIET",
    kind: Kind::YesNo,
    default: "off (drawn only where stderr is a terminal)",
    alias: None,
};
/// `--report-html FILE`: the run as one HTML page.
pub(crate) const REPORT_HTML: Setting = Setting {
    flag: "--report-html",
    variable: "SSM_CONFORMANCE_REPORT_HTML",
    kind: Kind::Path,
    default: "none",
    alias: None,
};
/// `CI`: insta writes no snapshot, and a missing one fails.
pub(crate) const CI: Setting = Setting {
    flag: "—",
    variable: "CI",
    kind: Kind::YesNo,
    default: "off",
    alias: None,
};

/// Every setting of the suite's own.
pub const ALL: [Setting; 17] = [
    TARGET,
    TARGET_NAME,
    TIMEOUT,
    PINS,
    SPECS,
    FIXTURES,
    SNAPSHOTS,
    WINDOW_ID,
    JOBS,
    ALLOW_MUTATIONS,
    SEED,
    CASES,
    NO_PROPERTIES,
    REQUIRE_DATA,
    REPORT_HTML,
    QUIET,
    CI,
];

/// A setting's value that cannot be used, named by its variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {why}")]
pub struct SettingError {
    /// The variable.
    pub variable: &'static str,
    /// What is wrong with its value.
    pub why: String,
}

/// A yes/no value: `1`/`0`, `true`/`false`, `yes`/`no`, `on`/`off`, `y`/`n` (any case); `None`
/// for anything else. The one parser of yes/no, for flags and variables.
pub(crate) fn parse_flag(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" | "y" => Some(true),
        "0" | "false" | "no" | "off" | "n" | "" => Some(false),
        _ => None,
    }
}

/// clap's parser of a yes/no value (an environment variable behind a `SetTrue` flag).
pub(crate) fn flag_parser() -> clap::builder::ValueParser {
    clap::builder::ValueParser::new(|s: &str| {
        parse_flag(s).ok_or_else(|| format!("{s:?} is not 1/0, true/false, yes/no or on/off"))
    })
}

impl Setting {
    /// The variable's value (else its older name's), where set and not blank.
    pub fn raw(&self) -> Option<String> {
        let read = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        read(self.variable).or_else(|| self.alias.and_then(read))
    }

    /// A yes/no setting from the environment: `None` when unset or unreadable (which
    /// [`check_environment`] reports first).
    pub fn yes(&self) -> Option<bool> {
        self.raw().and_then(|v| parse_flag(&v))
    }

    /// A whole-number setting from the environment.
    pub fn whole(&self) -> Result<Option<u64>, SettingError> {
        self.raw()
            .map(|v| {
                v.trim().parse::<u64>().map_err(|_| SettingError {
                    variable: self.variable,
                    why: format!("{v:?} is not a whole number"),
                })
            })
            .transpose()
    }

    /// A number of seconds from the environment.
    pub fn seconds(&self) -> Result<Option<f64>, SettingError> {
        self.raw()
            .map(|v| {
                v.trim().parse::<f64>().map_err(|_| SettingError {
                    variable: self.variable,
                    why: format!("{v:?} is not a number of seconds"),
                })
            })
            .transpose()
    }

    /// Whether the variable's value is spelled as its kind wants (unset is fine).
    pub fn check(&self) -> Result<(), SettingError> {
        match self.kind {
            Kind::YesNo => match std::env::var(self.variable) {
                // CI systems set CI to words of their own ("true", a build number…): any value
                // but a no is a yes there, so it is never refused.
                Ok(v) if self.variable != CI.variable && parse_flag(&v).is_none() => Err(SettingError {
                    variable: self.variable,
                    why: format!("{v:?} is not 1/0, true/false, yes/no or on/off"),
                }),
                _ => Ok(()),
            },
            Kind::Seconds => self.seconds().map(drop),
            Kind::Whole => self.whole().map(drop),
            Kind::Text | Kind::Path => Ok(()),
        }
    }
}

/// Whether `CI` says this is a CI run (any value but a no).
pub(crate) fn ci() -> bool {
    CI.raw().is_some_and(|v| parse_flag(&v) != Some(false))
}

/// Check every setting's variable before anything reads it: a bad value is named by its
/// variable (not by the flag it stands for).
pub(crate) fn check_environment() -> Result<(), SettingError> {
    ALL.iter().try_for_each(Setting::check)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_and_no_have_one_spelling_everywhere() {
        for yes in ["1", "true", "YES", " on ", "y"] {
            assert_eq!(parse_flag(yes), Some(true), "{yes}");
        }
        for no in ["0", "false", "No", "off", "n", ""] {
            assert_eq!(parse_flag(no), Some(false), "{no}");
        }
        assert_eq!(parse_flag("maybe"), None);
        let cmd = clap::Command::new("t").arg(clap::Arg::new("x").long("x").value_parser(flag_parser()));
        assert!(cmd.clone().try_get_matches_from(["t", "--x", "on"]).is_ok());
        assert!(cmd.try_get_matches_from(["t", "--x", "maybe"]).is_err());
    }

    #[test]
    fn every_setting_has_its_own_variable_and_flag() {
        let variables: std::collections::BTreeSet<_> = ALL.iter().map(|s| s.variable).collect();
        assert_eq!(variables.len(), ALL.len());
        assert!(ALL.iter().all(|s| s.flag.starts_with("--") || s.flag == "—"));
    }
}
