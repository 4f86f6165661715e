//! Snapshots compared off the runner's thread. A case's answer is judged where it arrives, but
//! its snapshot (the file read, the answer normalized and written against it) is compared on a
//! thread of the run's own while the next cases' requests are on the wire; the run settles each
//! case's result when its comparison is back ([`Pending`]). At `--jobs 1`, comparing on the
//! runner's thread was a sixth of the suite's time over the wire's floor.

use std::path::PathBuf;
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::outcome::Exchange;
use crate::snapshot::{self, Check, Normalized};

/// One comparison: the case's first answer against the snapshot `name` under `dir`.
#[derive(Debug)]
pub(crate) struct Job {
    /// The target's snapshot folder.
    pub dir: PathBuf,
    /// The snapshot's name (`<area>__<case>`).
    pub name: String,
    /// The spec file the case comes from (insta's `input_file`).
    pub source: PathBuf,
    /// The exchange whose answer is compared.
    pub exchange: Arc<Exchange>,
    /// What the harness chose, by name (`window` → id), for redaction.
    pub known: Vec<(String, String)>,
    /// Whether the body is compared (a case that judges only acceptance compares its status).
    pub body: bool,
}

impl Job {
    fn check(&self) -> Check {
        let known: Vec<(&str, String)> = self.known.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        let mut answer = Normalized::new(&self.exchange.response, &known);
        if !self.body {
            answer = answer.without_body();
        }
        snapshot::check(&self.dir, &self.name, &self.source, &answer)
    }
}

/// A comparison under way; its exchange is the one the snapshot was compared with.
#[derive(Debug)]
pub(crate) struct Pending {
    check: tokio::sync::oneshot::Receiver<Check>,
    /// The result, once [`Pending::arrived`] saw it.
    arrived: Option<Check>,
    /// The exchange compared, for a difference's message.
    pub exchange: Arc<Exchange>,
}

impl Pending {
    /// The comparison's result if it is back; `None` while it is under way.
    pub(crate) fn ready(&mut self) -> Option<Check> {
        use tokio::sync::oneshot::error::TryRecvError;
        if let Some(c) = self.arrived.take() {
            return Some(c);
        }
        match self.check.try_recv() {
            Ok(c) => Some(c),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Closed) => Some(stopped()),
        }
    }

    /// Wait until the comparison is back ([`Pending::ready`] then gives it).
    pub(crate) async fn arrived(&mut self) {
        if self.arrived.is_none() {
            self.arrived = Some((&mut self.check).await.unwrap_or_else(|_| stopped()));
        }
    }
}

/// What a comparison whose thread went away says (it never does, short of a bug: insta's
/// panics are caught where they are raised).
fn stopped() -> Check {
    Check::Differs("the snapshot comparison stopped before it finished".to_string())
}

/// A comparison asked for, and where its result goes.
type Asked = (Job, tokio::sync::oneshot::Sender<Check>);

/// Comparisons handed to the thread in one wake-up. Waking a sleeping thread costs the runner a
/// system call and, on a virtual machine, an interrupt between processors: once per case, that
/// cost more than comparing on the runner's thread did.
const BATCH: usize = 128;

/// How long a comparison may wait for its batch to fill before it is handed over anyway (a slow
/// target's cases are told finished this late at most).
const MAX_WAIT: Duration = Duration::from_millis(100);

/// The comparing thread, started on first use, and the comparisons not handed to it yet.
#[derive(Debug, Default)]
pub(crate) struct SnapshotChecker {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// The thread's queue, once started (`None` before, or if no thread could be started).
    queue: Option<Sender<Vec<Asked>>>,
    /// Asked for, not handed over yet.
    batch: Vec<Asked>,
    /// When the oldest of `batch` was asked for.
    oldest: Option<Instant>,
}

impl SnapshotChecker {
    /// Compare `job` on the comparing thread (on this one when no thread can be started). It is
    /// handed over with its batch: when [`BATCH`] are waiting, one waited [`MAX_WAIT`], or at
    /// [`SnapshotChecker::flush`].
    pub(crate) fn check(&self, job: Job) -> Pending {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let exchange = job.exchange.clone();
        let mut state = self.state.lock().expect("lock");
        state.batch.push((job, tx));
        let oldest = *state.oldest.get_or_insert_with(Instant::now);
        if state.batch.len() >= BATCH || oldest.elapsed() >= MAX_WAIT {
            state.hand_over();
        }
        Pending {
            check: rx,
            arrived: None,
            exchange,
        }
    }

    /// Hand over what is waiting, however few.
    pub(crate) fn flush(&self) {
        self.state.lock().expect("lock").hand_over();
    }
}

impl State {
    fn hand_over(&mut self) {
        self.oldest = None;
        if self.batch.is_empty() {
            return;
        }
        let batch = std::mem::take(&mut self.batch);
        if self.queue.is_none() {
            self.queue = start();
        }
        let batch = match &self.queue {
            Some(queue) => match queue.send(batch) {
                Ok(()) => return,
                Err(std::sync::mpsc::SendError(back)) => back,
            },
            None => batch,
        };
        // No thread to compare on: compared here.
        for (job, reply) in batch {
            let _ = reply.send(job.check());
        }
    }
}

/// The comparing thread: it ends when the checker (its queue's sender) is dropped.
fn start() -> Option<Sender<Vec<Asked>>> {
    let (queue, batches) = channel::<Vec<Asked>>();
    std::thread::Builder::new()
        .name("snapshot-checker".into())
        .spawn(move || {
            for (job, reply) in batches.into_iter().flatten() {
                // The run may have stopped (Ctrl-C): nobody waits, nothing to do.
                let _ = reply.send(job.check());
            }
        })
        .ok()
        .map(|_| queue)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Response;

    fn job(dir: &std::path::Path, name: &str, body: &str) -> Job {
        Job {
            dir: dir.to_path_buf(),
            name: name.to_string(),
            source: PathBuf::from("specs/area.json"),
            exchange: Arc::new(Exchange {
                operation: "GetMaintenanceWindow".into(),
                request: b"{}".to_vec(),
                response: Response::from_parts(200, vec![], body.as_bytes().to_vec()),
            }),
            known: vec![("window".into(), "mw-0123456789abcdef0".into())],
            body: true,
        }
    }

    /// Each comparison comes back as its own: matched, differing or missing, in any order of
    /// waiting, and the exchange compared rides along.
    #[tokio::test]
    async fn each_comparison_comes_back_as_its_own() {
        // Removed on drop, even when an assertion fails.
        let tmp = tempfile::Builder::new()
            .prefix("ssm-conformance-checker-")
            .tempdir()
            .unwrap();
        let dir = tmp.path();
        let body = r#"{"WindowId":"mw-0123456789abcdef0"}"#;
        let r = Response::from_parts(200, vec![], body.as_bytes().to_vec());
        let known = [("window", "mw-0123456789abcdef0".to_string())];
        let text = serde_json::to_string_pretty(&Normalized::new(&r, &known)).unwrap();
        std::fs::write(dir.join("a__same.snap"), format!("---\nsource: x\n---\n{text}\n")).unwrap();
        std::fs::write(dir.join("a__other.snap"), format!("---\nsource: x\n---\n{text}\n")).unwrap();
        let checker = SnapshotChecker::default();
        let same = checker.check(job(dir, "a__same", body));
        let other = checker.check(job(dir, "a__other", r#"{"WindowId":"mw-fffffffffffffffff"}"#));
        let missing = checker.check(job(dir, "a__missing", body));
        checker.flush();
        let wait = |mut p: Pending| async move {
            p.arrived().await;
            p.ready().expect("arrived")
        };
        assert_eq!(same.exchange.operation, "GetMaintenanceWindow");
        assert_eq!(wait(missing).await, Check::Missing(dir.join("a__missing.snap")));
        assert!(matches!(wait(other).await, Check::Differs(_)));
        assert_eq!(wait(same).await, Check::Matched);
        assert!(
            !dir.join("a__missing.snap").exists(),
            "a missing snapshot is not written"
        );
    }

    /// A result not back yet is `None`; a comparison whose thread went away is a difference.
    #[test]
    fn ready_says_whether_it_is_back() {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let mut pending = Pending {
            check: rx,
            arrived: None,
            exchange: job(std::path::Path::new("."), "x", "{}").exchange,
        };
        assert_eq!(pending.ready(), None);
        tx.send(Check::Matched).unwrap();
        assert_eq!(pending.ready(), Some(Check::Matched));
        let (tx, rx) = tokio::sync::oneshot::channel::<Check>();
        drop(tx);
        let mut gone = Pending {
            check: rx,
            arrived: None,
            exchange: pending.exchange.clone(),
        };
        assert_eq!(gone.ready(), Some(stopped()));
    }
}
