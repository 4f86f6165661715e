//! The one place pins are applied: an option a target took is held to the option its pins fix
//! for that choice ([`hold`]). The oracle and the judges both call it, so a broken pin reads the
//! same wherever it is found, and the failure carries the pin it broke ([`Failure::pin`]), for
//! the reports to name.

use std::collections::BTreeMap;

use crate::failure::{BrokenPin, Failure, FailureKind};
use crate::observation::Observation;

/// The observation of `option` taken for `choice`, or a [`FailureKind::Choice`] failure where
/// `pinned` fixes the choice to an option that does not admit it. `what` says where it was seen
/// (the message begins with it, when given).
pub(crate) fn hold(
    pinned: &BTreeMap<String, String>,
    choice: &str,
    option: &str,
    what: Option<&str>,
) -> Result<Observation, Failure> {
    if let Some(p) = pinned.get(choice)
        && !crate::choices::find(choice).map_or(p == option, |c| c.admits(p, option))
    {
        return Err(broken(choice, p, option, what));
    }
    Ok(Observation {
        choice: Some(choice.to_string()),
        option: option.to_string(),
    })
}

/// The failure of an answer that took `taken` for `choice` where the pins fix `pinned`: one
/// message and the pin, wherever the break is found (`what`: where it was seen, when given).
pub(crate) fn broken(choice: &str, pinned: &str, taken: &str, what: Option<&str>) -> Failure {
    let said = format!("the pins hold {choice}={pinned}; the target took {choice}={taken}");
    let message = match what {
        Some(w) => format!("{w}, but {said}"),
        None => said,
    };
    Failure::new(FailureKind::Choice, message).with_pin(BrokenPin {
        choice: choice.to_string(),
        pinned: pinned.to_string(),
        taken: Some(taken.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_broken_says_which_and_carries_it() {
        let pinned: BTreeMap<String, String> = [("order".to_string(), "newest-first".to_string())].into();
        let f = hold(&pinned, "order", "oldest-first", Some("listed oldest first")).unwrap_err();
        assert_eq!(f.kind, FailureKind::Choice);
        assert_eq!(
            f.message,
            "listed oldest first, but the pins hold order=newest-first; the target took order=oldest-first"
        );
        assert_eq!(
            f.pin.as_ref().map(|p| p.to_string()).as_deref(),
            Some("order=newest-first")
        );
        assert!(hold(&pinned, "order", "newest-first", None).is_ok());
        assert!(hold(&BTreeMap::new(), "order", "oldest-first", None).is_ok());
    }
}
