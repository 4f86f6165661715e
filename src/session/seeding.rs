//! The windows a run seeds or creates: an empty one, one per data set (through the fixture
//! protocol), fresh ones for the generated phase, and windows made with
//! `CreateMaintenanceWindow`; each recorded in the ledger before it is made.

use serde_json::json;

use super::ledger::Created;
use super::{Session, Unmet};
use crate::client::Payload;
use crate::fixtures;
use crate::model::Operation;
use crate::outcome::{FailureKind, SkipReason};

impl Session {
    /// The name of every window this run seeds: the run's mark, which `sweep` recognises.
    pub(crate) fn fixture_window_name(&self) -> String {
        format!("{}-fixture", self.run_prefix)
    }

    /// Whether a creation may go ahead: mutations allowed here, and cleanup not begun (what
    /// is created after cleanup starts would never be deleted).
    fn may_create(&self) -> Result<(), Unmet> {
        self.ledger.open()?;
        if !self.may_mutate() {
            return Err(Unmet::Skip(
                SkipReason::ReadOnly,
                "creating anything on AWS or a non-loopback endpoint needs --allow-mutations (or give an \
                 existing window with --window-id, for the cases that take any window)"
                    .into(),
            ));
        }
        Ok(())
    }

    /// An existing window: the one given with `--window-id`, else the empty one.
    pub(crate) async fn existing_window(&self) -> Result<String, Unmet> {
        match &self.config.window_id {
            Some(w) => Ok(w.clone()),
            None => self.empty_window().await,
        }
    }

    /// A window that exists and has no executions (created once per session).
    pub(crate) async fn empty_window(&self) -> Result<String, Unmet> {
        self.empty_window
            .get_or_init(|| async {
                let client = self.client().await.map_err(Unmet::no_answer)?;
                self.may_create()?;
                if self.fixture_protocol().await {
                    let id = crate::ids::window_id();
                    // Recorded before seeding: a half-done seed is still cleaned up.
                    self.ledger.record(Created::FixtureWindow(id.clone()));
                    let (client, window, name) = (client.clone(), id.clone(), self.fixture_window_name());
                    self.ledger
                        .create(async move {
                            fixtures::put_window(&client, &window, Some(&name), &[])
                                .await
                                .map_err(|e| Unmet::Fail(FailureKind::Seeding, e.to_string()))
                        })
                        .await?;
                    return Ok(id);
                }
                self.create_window("empty").await
            })
            .await
            .clone()
    }

    /// A fresh window seeded with fixture `name` (seeded once per session, deleted at cleanup).
    pub(crate) async fn fixture_window(&self, name: &str) -> Result<String, Unmet> {
        let cell = self
            .fixture_windows
            .lock()
            .expect("lock")
            .entry(name.to_string())
            .or_default()
            .clone();
        cell.get_or_init(|| async {
            let fixture = self
                .fixtures
                .get(name)
                .ok_or_else(|| Unmet::Skip(SkipReason::Unmet, format!("there is no fixture {name:?}")))?;
            self.client().await.map_err(Unmet::no_answer)?;
            if !self.fixture_protocol().await {
                // Name the version the fixture needs: a fixture with tasks needs v2, not only v1.
                let version = if fixtures::needs_v2(&fixture.executions) {
                    "v2, which this fixture's tasks and invocations need"
                } else {
                    "v1"
                };
                return Err(Unmet::Skip(
                    SkipReason::NoFixtureProtocol,
                    format!("the target does not offer the fixture protocol {version} (docs/fixture-protocol.md)"),
                ));
            }
            if fixtures::needs_v2(&fixture.executions) && !self.fixture_protocol_v2().await {
                return Err(Unmet::Skip(
                    SkipReason::NoFixtureProtocol,
                    format!(
                        "fixture {name:?} has tasks and invocations, which only the fixture protocol v2 seeds; \
                         the target speaks v1 only (docs/fixture-protocol.md)"
                    ),
                ));
            }
            self.seed_fresh(&fixture.executions).await.map_err(|e| match e {
                Unmet::Fail(kind, why) => Unmet::Fail(kind, format!("fixture {name:?}: {why}")),
                skip => skip,
            })
        })
        .await
        .clone()
    }

    /// A window made with `CreateMaintenanceWindow`, named `<run prefix>-<suffix>` (a suffix
    /// `sweep` knows); recorded for cleanup, also when its answer is lost.
    pub(crate) async fn create_window(&self, suffix: &str) -> Result<String, Unmet> {
        self.create_window_with(suffix, serde_json::Map::new()).await
    }

    /// As [`Session::create_window`], with `settings` (a `Schedule`, its zone, offset and
    /// dates) over the defaults.
    pub(crate) async fn create_window_with(
        &self,
        suffix: &str,
        settings: serde_json::Map<String, serde_json::Value>,
    ) -> Result<String, Unmet> {
        let client = self.client().await.map_err(Unmet::no_answer)?;
        self.may_create()?;
        let mut body = json!({
            "Name": format!("{}-{suffix}", self.run_prefix),
            "Schedule": "rate(7 days)",
            "Duration": 1,
            "Cutoff": 0,
            "AllowUnassociatedTargets": false,
            "ClientToken": crate::ids::uuid_v4(),
        });
        body.as_object_mut().expect("an object").extend(settings);
        let create = Payload::Json(body);
        self.ledger.create_sent();
        let client = client.clone();
        let r = self
            .ledger
            .create(async move {
                client
                    .call(Operation::CreateMaintenanceWindow.name(), &create)
                    .await
                    .map_err(Unmet::no_answer)
            })
            .await?;
        let id = r
            .json
            .as_ref()
            .and_then(|j| j.get("WindowId"))
            .and_then(|w| w.as_str())
            .filter(|_| r.status == 200)
            .ok_or_else(|| {
                Unmet::Skip(
                    SkipReason::Unmet,
                    format!("CreateMaintenanceWindow failed: {}", r.summary()),
                )
            })?
            .to_string();
        self.ledger.record(Created::Window(id.clone()));
        Ok(id)
    }

    /// A fresh window, marked with the run's name and seeded with `executions`; recorded for
    /// cleanup (before seeding: a half-done seed is still cleaned up) until
    /// [`Session::delete_seeded`] removes it.
    pub(crate) async fn seed_fresh(&self, executions: &[fixtures::Execution]) -> Result<String, Unmet> {
        let client = self.client().await.map_err(Unmet::no_answer)?;
        self.may_create()?;
        let id = crate::ids::window_id();
        self.ledger.record(Created::FixtureWindow(id.clone()));
        let (client, window, name) = (client.clone(), id.clone(), self.fixture_window_name());
        let executions = executions.to_vec();
        self.ledger
            .create(async move {
                fixtures::put_window(&client, &window, Some(&name), &executions)
                    .await
                    .map_err(|e| Unmet::Fail(FailureKind::Seeding, format!("seeding: {e}")))
            })
            .await?;
        Ok(id)
    }

    /// Delete a window [`Session::seed_fresh`] made (at once: the generated phase makes many).
    pub(crate) async fn delete_seeded(&self, id: &str) -> Result<(), Unmet> {
        let client = self.client().await.map_err(Unmet::no_answer)?;
        fixtures::delete_window(client, id)
            .await
            .map_err(|e| Unmet::Fail(FailureKind::Seeding, format!("deleting {id}: {e}")))?;
        self.ledger.forget(id);
        Ok(())
    }
}
