//! What a run created on its target, and its cleanup: every window is recorded before it is
//! made (a half-done creation is still cleaned up), creations under way finish before cleanup
//! deletes (a request cut off by Ctrl-C may still land), and nothing new is made once cleanup
//! has begun.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::client::Client;
use crate::fixtures;
use crate::outcome::SkipReason;

use super::{TargetError, Unmet};

/// Something this run created on the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Created {
    /// Through the fixture protocol.
    FixtureWindow(String),
    /// Through `CreateMaintenanceWindow`.
    Window(String),
}

/// The ledger of one run.
#[derive(Default)]
pub(crate) struct Ledger {
    created: Mutex<Vec<Created>>,
    /// Set when cleanup begins: nothing new may be created after.
    closing: AtomicBool,
    /// Held (shared) by every creation under way; cleanup takes it whole, so it waits for them.
    creating: std::sync::Arc<tokio::sync::RwLock<()>>,
    /// Set before a CreateMaintenanceWindow is sent: its answer may be lost (Ctrl-C), so cleanup
    /// also sweeps the run's prefix.
    create_sent: AtomicBool,
}

impl Ledger {
    /// Record `c` (before it is made; once, however often it is answered: a ClientToken
    /// repeated gives the same window again).
    pub(crate) fn record(&self, c: Created) {
        let mut created = self.created.lock().expect("lock");
        if !created.contains(&c) {
            created.push(c);
        }
    }

    /// A CreateMaintenanceWindow is about to be sent.
    pub(crate) fn create_sent(&self) {
        self.create_sent.store(true, Ordering::SeqCst);
    }

    /// Forget a window the run has deleted itself (so cleanup does not ask again).
    pub(crate) fn forget(&self, id: &str) {
        self.created
            .lock()
            .expect("lock")
            .retain(|c| !matches!(c, Created::Window(w) | Created::FixtureWindow(w) if w == id));
    }

    /// Window ids the target gave this run's `CreateMaintenanceWindow` calls.
    pub(crate) fn window_ids(&self) -> Vec<String> {
        self.created
            .lock()
            .expect("lock")
            .iter()
            .filter_map(|c| match c {
                Created::Window(id) => Some(id.clone()),
                Created::FixtureWindow(_) => None,
            })
            .collect()
    }

    /// `Err` once cleanup has begun (what is created after would never be deleted).
    pub(crate) fn open(&self) -> Result<(), Unmet> {
        if self.closing.load(Ordering::SeqCst) {
            return Err(Unmet::Skip(SkipReason::Unmet, "the run is being cleaned up".into()));
        }
        Ok(())
    }

    /// Run a creation on a task of its own, to its end even when the run is interrupted meanwhile:
    /// cleanup waits for every creation under way, so that a window is deleted after it lands,
    /// never before (a request cut off mid-way may still reach the target).
    pub(crate) async fn create<T: Send + 'static>(
        &self,
        creation: impl std::future::Future<Output = Result<T, Unmet>> + Send + 'static,
    ) -> Result<T, Unmet> {
        let under_way = self.creating.clone().read_owned().await;
        // Cleanup may have begun while this waited.
        self.open()?;
        tokio::spawn(async move {
            let out = creation.await;
            drop(under_way);
            out
        })
        .await
        .map_err(|e| Unmet::Skip(SkipReason::Unmet, format!("the creation did not finish: {e}")))?
    }

    /// Delete everything recorded (and, where a CreateMaintenanceWindow answer may have been
    /// lost, every window named with `run_prefix`); what could not be deleted, with why.
    pub(crate) async fn cleanup(&self, client: Result<&Client, TargetError>, run_prefix: &str) -> Vec<String> {
        self.closing.store(true, Ordering::SeqCst);
        // Every creation under way has landed (or failed) before anything is deleted.
        let _quiet = self.creating.write().await;
        let mut created = std::mem::take(&mut *self.created.lock().expect("lock"));
        let Ok(client) = client else {
            return created.iter().map(|c| format!("{c:?}")).collect();
        };
        // A window whose CreateMaintenanceWindow answer never arrived is found by its name.
        if self.create_sent.load(Ordering::SeqCst) {
            let mine = format!("{run_prefix}-");
            for (id, name) in crate::sweep::leftovers(client).await.unwrap_or_default() {
                let known = created.iter().any(|c| matches!(c, Created::Window(w) if *w == id));
                if name.starts_with(&mine) && !known {
                    created.push(Created::Window(id));
                }
            }
        }
        let mut left = Vec::new();
        for c in created {
            let result = match &c {
                Created::FixtureWindow(id) => fixtures::delete_window(client, id).await.map_err(|e| e.to_string()),
                Created::Window(id) => crate::sweep::delete(client, id).await.map_err(|e| e.to_string()),
            };
            if let Err(e) = result {
                left.push(format!("{c:?}: {e}"));
            }
        }
        left
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_deleted_by_the_run_is_forgotten_and_only_created_windows_are_listed() {
        let l = Ledger::default();
        l.record(Created::FixtureWindow("mw-0000000000000000a".into()));
        l.record(Created::Window("mw-0000000000000000b".into()));
        assert_eq!(l.window_ids(), ["mw-0000000000000000b"]);
        l.forget("mw-0000000000000000b");
        assert!(l.window_ids().is_empty());
        assert!(l.open().is_ok());
    }
}
