//! A thread of the run's own that does work handed to it in batches, scoped to a phase of the run
//! (so the work may borrow what the phase borrows). The spec phase gives it what follows a case's
//! last request (judging the answer, comparing its snapshot) while the next cases' requests are on
//! the wire, and settles each case when its work is back ([`Pending`]).

use std::sync::Mutex;
use std::sync::mpsc::{Sender, channel};
use std::time::{Duration, Instant};

/// One piece of work; it sends its own result.
type Work<'scope> = Box<dyn FnOnce() + Send + 'scope>;

/// Work handed to the thread in one wake-up. Waking a sleeping thread costs the caller a system
/// call and, on a virtual machine, an interrupt between processors: once per case, that cost
/// more than the work it moved.
const BATCH: usize = 128;

/// How long work may wait for its batch to fill before it is handed over anyway (a slow target's
/// cases are settled this late at most).
const MAX_WAIT: Duration = Duration::from_millis(100);

/// The thread, and the work not handed to it yet.
pub(crate) struct Worker<'scope> {
    state: Mutex<State<'scope>>,
}

struct State<'scope> {
    /// The thread's queue (`None` if no thread could be started: the work is then done by the
    /// caller, when it is handed over).
    queue: Option<Sender<Vec<Work<'scope>>>>,
    /// Not handed over yet.
    batch: Vec<Work<'scope>>,
    /// When the oldest of `batch` was given.
    oldest: Option<Instant>,
}

impl<'scope> Worker<'scope> {
    /// A worker on a thread of `scope`: the scope ends once the worker is dropped and the work
    /// handed to it is done.
    pub(crate) fn start<'env>(scope: &'scope std::thread::Scope<'scope, 'env>) -> Self {
        let (queue, batches) = channel::<Vec<Work<'scope>>>();
        let started = std::thread::Builder::new()
            .name("ssm-conformance worker".into())
            .spawn_scoped(scope, move || {
                for work in batches.into_iter().flatten() {
                    work();
                }
            });
        Self::with_queue(started.ok().map(|_| queue))
    }

    fn with_queue(queue: Option<Sender<Vec<Work<'scope>>>>) -> Self {
        Self {
            state: Mutex::new(State {
                queue,
                batch: Vec::new(),
                oldest: None,
            }),
        }
    }

    /// Do `work` on the thread. It is handed over with its batch: when [`BATCH`] are waiting, one
    /// waited [`MAX_WAIT`], or at [`Worker::flush`]. A panic in it ends that work, not the
    /// thread: it is raised again where the result is taken ([`Pending::ready`]), as a bug on
    /// the caller's own thread would be.
    pub(crate) fn submit<T: Send + 'scope>(&self, work: impl FnOnce() -> T + Send + 'scope) -> Pending<T> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let work: Work<'scope> = Box::new(move || {
            let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)));
        });
        let mut state = self.state.lock().expect("lock");
        state.batch.push(work);
        let oldest = *state.oldest.get_or_insert_with(Instant::now);
        if state.batch.len() >= BATCH || oldest.elapsed() >= MAX_WAIT {
            state.hand_over();
        }
        Pending { rx, arrived: None }
    }

    /// Hand over what is waiting, however little.
    pub(crate) fn flush(&self) {
        self.state.lock().expect("lock").hand_over();
    }
}

impl State<'_> {
    fn hand_over(&mut self) {
        self.oldest = None;
        if self.batch.is_empty() {
            return;
        }
        let batch = std::mem::take(&mut self.batch);
        let batch = match &self.queue {
            Some(queue) => match queue.send(batch) {
                Ok(()) => return,
                Err(std::sync::mpsc::SendError(back)) => back,
            },
            None => batch,
        };
        batch.into_iter().for_each(|work| work());
    }
}

/// Work under way.
#[derive(Debug)]
pub(crate) struct Pending<T> {
    rx: tokio::sync::oneshot::Receiver<std::thread::Result<T>>,
    /// The result, once [`Pending::arrived`] saw it.
    arrived: Option<std::thread::Result<T>>,
}

impl<T> Pending<T> {
    /// The result if it is back; `None` while the work is under way. Work that panicked panics
    /// here, with its own payload.
    pub(crate) fn ready(&mut self) -> Option<T> {
        use tokio::sync::oneshot::error::TryRecvError;
        let done = match self.arrived.take() {
            Some(done) => done,
            None => match self.rx.try_recv() {
                Ok(done) => done,
                Err(TryRecvError::Empty) => return None,
                Err(TryRecvError::Closed) => panic!("the worker went away before its work was done"),
            },
        };
        Some(done.unwrap_or_else(|payload| std::panic::resume_unwind(payload)))
    }

    /// Wait until the result is back ([`Pending::ready`] then gives it).
    pub(crate) async fn arrived(&mut self) {
        if self.arrived.is_none() {
            let done = (&mut self.rx).await;
            self.arrived = Some(done.unwrap_or_else(|_| panic!("the worker went away before its work was done")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn wait<T>(mut p: Pending<T>) -> T {
        p.arrived().await;
        p.ready().expect("arrived")
    }

    /// Each piece of work comes back as its own, borrowing from outside the scope, in batches
    /// handed over when full or flushed; a panic is raised where its result is taken, and the
    /// rest go on.
    #[test]
    fn work_comes_back_as_its_own() {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let words: Vec<String> = (0..300).map(|i| format!("w{i}")).collect();
        std::thread::scope(|scope| {
            let worker = Worker::start(scope);
            let pending: Vec<Pending<usize>> = words.iter().map(|w| worker.submit(move || w.len())).collect();
            // Two full batches were handed over; the rest wait for the flush.
            let mut bug = worker.submit(|| -> usize { std::panic::panic_any("a bug") });
            assert_eq!(bug.ready(), None, "not handed over yet");
            worker.flush();
            let after = worker.submit(|| 7);
            worker.flush();
            rt.block_on(bug.arrived());
            let raised = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| bug.ready())).unwrap_err();
            assert_eq!(raised.downcast_ref::<&str>(), Some(&"a bug"));
            assert_eq!(rt.block_on(wait(after)), 7);
            for (w, p) in words.iter().zip(pending) {
                assert_eq!(rt.block_on(wait(p)), w.len());
            }
        });
    }

    /// Without a thread, work is done when it is handed over.
    #[test]
    fn inline_work_is_done_on_hand_over() {
        let worker = Worker::with_queue(None);
        let mut p = worker.submit(|| 1);
        assert_eq!(p.ready(), None);
        worker.flush();
        assert_eq!(p.ready(), Some(1));
    }
}
