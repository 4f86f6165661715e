//! Snapshot files read ahead: a run knows which snapshot each of its cases will compare, so one
//! thread of its own reads them in case order while the cases' requests are on the wire, and a
//! case's comparison finds its file already read (at `--jobs 1`, reading ~400 small files one by
//! one on the runner's thread was most of what comparing snapshots cost).

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, channel};

/// Files being read on a thread of their own, each to be taken once.
#[derive(Debug, Default)]
pub(crate) struct SnapshotReader {
    pending: Mutex<HashMap<PathBuf, Receiver<io::Result<String>>>>,
}

impl SnapshotReader {
    /// Start reading `files`, in order, on a new thread.
    pub(crate) fn start(files: Vec<PathBuf>) -> Self {
        let mut pending = HashMap::with_capacity(files.len());
        let mut senders = Vec::with_capacity(files.len());
        for file in files {
            // A file named twice is read once.
            if let std::collections::hash_map::Entry::Vacant(slot) = pending.entry(file.clone()) {
                let (tx, rx) = channel();
                slot.insert(rx);
                senders.push((file, tx));
            }
        }
        std::thread::Builder::new()
            .name("snapshot-reader".into())
            .spawn(move || {
                for (file, tx) in senders {
                    // The case may be gone (the run stopped): nobody waits, nothing to do.
                    let _ = tx.send(std::fs::read_to_string(&file));
                }
            })
            .map_or_else(
                |_| Self::default(),
                |_| Self {
                    pending: Mutex::new(pending),
                },
            )
    }

    /// The contents of `file` if it was given to [`SnapshotReader::start`] and not taken yet
    /// (waiting for the reading thread if it is not there yet); `None` otherwise, and the
    /// caller reads it.
    pub(crate) fn take(&self, file: &Path) -> Option<io::Result<String>> {
        let rx = self.pending.lock().expect("lock").remove(file)?;
        rx.recv().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_file_is_read_ahead_once_and_others_are_left_to_the_caller() {
        // Removed on drop, even when an assertion fails.
        let tmp = tempfile::Builder::new()
            .prefix("ssm-conformance-reader-")
            .tempdir()
            .unwrap();
        let dir = tmp.path();
        let (a, b, gone) = (dir.join("a.snap"), dir.join("b.snap"), dir.join("gone.snap"));
        std::fs::write(&a, "A").unwrap();
        std::fs::write(&b, "B").unwrap();
        let reader = SnapshotReader::start(vec![a.clone(), b.clone(), gone.clone(), a.clone()]);
        assert_eq!(reader.take(&b).unwrap().unwrap(), "B");
        assert_eq!(reader.take(&a).unwrap().unwrap(), "A");
        assert_eq!(reader.take(&gone).unwrap().unwrap_err().kind(), io::ErrorKind::NotFound);
        // Taken already, or never asked for: the caller reads it.
        assert!(reader.take(&a).is_none());
        assert!(reader.take(&dir.join("other.snap")).is_none());
    }
}
