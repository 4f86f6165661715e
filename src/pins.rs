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
        let pin = BrokenPin {
            choice: choice.to_string(),
            pinned: p.clone(),
            taken: Some(option.to_string()),
        };
        let said = format!("the pins hold {choice}={p}; the target took {choice}={option}");
        let message = match what {
            Some(w) => format!("{w}, but {said}"),
            None => said,
        };
        return Err(Failure::new(FailureKind::Choice, message).with_pin(pin));
    }
    Ok(Observation {
        choice: Some(choice.to_string()),
        option: option.to_string(),
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
