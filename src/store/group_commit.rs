//! Group commit over one sled database: concurrent writers share flushes, and a writer is told
//! "durable" only by a flush that began after its change.
//!
//! Two ways to wait, one queue:
//! - [`GroupCommit::wait`] (threads: the console, imports, settings): the writer parks. If no
//!   flush is running it leads one itself, inline, so a lone writer pays no thread hop.
//! - [`GroupCommit::then`] (async adapters): the writer leaves a callback and returns at once;
//!   no thread is held while the disk works. A flusher thread, started on first use, leads
//!   flushes while callbacks wait, so 64 concurrent notes cost a few parked threads, not 64.
//!
//! Flushes run one at a time; each covers every writer waiting when it begins. A leader hands
//! the lead on before telling its batch the outcome: to a parked writer if there is one (it
//! would wake anyway), else to the flusher if callbacks wait. A flush error reaches every
//! writer of that flush: nothing is acknowledged unwritten.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::thread::JoinHandle;

/// What a writer learns: durable, or why not (the flush's error, shared by every writer it
/// was for).
pub type Outcome = Result<(), Arc<sled::Error>>;

/// Called once with the outcome of the flush that covers a writer's change.
pub type Callback = Box<dyn FnOnce(Outcome) + Send>;

/// One database's flush queue and, once async writers appear, its flusher thread.
pub struct GroupCommit {
    shared: Arc<Shared>,
    flusher: Mutex<Option<JoinHandle<()>>>,
}

struct Shared {
    db: sled::Db,
    queue: Mutex<Queue>,
    /// The flusher sleeps here until it is handed the lead (or the store closes).
    flusher_wake: Condvar,
}

#[derive(Default)]
struct Queue {
    /// Writers whose changes are made and who wait for the next flush.
    waiting: Vec<Waiter>,
    /// A flush is running (or its leader is being handed on).
    leading: bool,
    /// The lead was handed to the flusher thread.
    flusher_leads: bool,
    /// The store is closing: the flusher finishes what waits, then exits.
    closing: bool,
}

enum Waiter {
    Parked(Arc<Parked>),
    Callback(Callback),
}

/// What a parked writer is told.
enum Signal {
    /// Its flush is finished.
    Done(Outcome),
    /// It leads the next flush.
    Lead,
}

/// A parked writer and, once set, what it was told.
struct Parked {
    thread: std::thread::Thread,
    signal: OnceLock<Signal>,
}

impl Parked {
    fn wait(&self) -> &Signal {
        loop {
            // `park` may return spuriously; the signal is what counts.
            if let Some(signal) = self.signal.get() {
                return signal;
            }
            std::thread::park();
        }
    }

    fn tell(&self, signal: Signal) {
        let _ = self.signal.set(signal);
        self.thread.unpark();
    }
}

impl Waiter {
    fn done(self, outcome: Outcome) {
        match self {
            Waiter::Parked(p) => p.tell(Signal::Done(outcome)),
            Waiter::Callback(f) => {
                // A panicking callback must not take the flusher (and every writer) down.
                let called = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(outcome)));
                if called.is_err() {
                    tracing::error!("a flush callback panicked");
                }
            }
        }
    }
}

impl GroupCommit {
    pub fn new(db: sled::Db) -> GroupCommit {
        GroupCommit {
            shared: Arc::new(Shared {
                db,
                queue: Mutex::default(),
                flusher_wake: Condvar::new(),
            }),
            flusher: Mutex::new(None),
        }
    }

    /// Returns once everything written before this call is durable.
    pub fn wait(&self) -> Outcome {
        let mut q = self.shared.lock();
        if q.leading {
            let me = Arc::new(Parked {
                thread: std::thread::current(),
                signal: OnceLock::new(),
            });
            q.waiting.push(Waiter::Parked(me.clone()));
            drop(q);
            match me.wait() {
                Signal::Done(outcome) => return outcome.clone(),
                Signal::Lead => q = self.shared.lock(),
            }
        }
        q.leading = true;
        let batch = std::mem::take(&mut q.waiting);
        drop(q);
        let outcome = self.shared.flush();
        let mut q = self.shared.lock();
        let parked = q
            .waiting
            .iter()
            .rposition(|w| matches!(w, Waiter::Parked(_)));
        let callbacks_wait = match parked {
            Some(i) => {
                let Waiter::Parked(next) = q.waiting.remove(i) else {
                    unreachable!("found as parked")
                };
                next.tell(Signal::Lead);
                false
            }
            None if !q.waiting.is_empty() => true,
            None => {
                q.leading = false;
                false
            }
        };
        drop(q);
        if callbacks_wait {
            self.hand_to_flusher();
        }
        for w in batch {
            w.done(outcome.clone());
        }
        outcome
    }

    /// Calls `done` once everything written before this call is durable (or with the flush's
    /// error), from the thread that flushed. Never blocks on the disk.
    pub fn then(&self, done: Callback) {
        let mut q = self.shared.lock();
        q.waiting.push(Waiter::Callback(done));
        if !q.leading {
            q.leading = true;
            drop(q);
            self.hand_to_flusher();
        }
    }

    /// Gives the lead (already marked taken) to the flusher thread, starting it if needed.
    fn hand_to_flusher(&self) {
        let mut flusher = self.flusher.lock().unwrap_or_else(|p| p.into_inner());
        let mut q = self.shared.lock();
        q.flusher_leads = true;
        drop(q);
        self.shared.flusher_wake.notify_one();
        if flusher.is_none() {
            let shared = self.shared.clone();
            let started = std::thread::Builder::new()
                .name("callnudge-flush".into())
                .spawn(move || shared.flusher());
            match started {
                Ok(handle) => *flusher = Some(handle),
                Err(e) => {
                    // No thread, no flusher: flush here rather than leave writers waiting.
                    tracing::error!(error = %e, "cannot start the flusher thread");
                    drop(flusher);
                    self.shared.lead_while_waiting();
                }
            }
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn flush(&self) -> Outcome {
        self.db.flush().map(|_| ()).map_err(Arc::new)
    }

    /// The flusher thread: sleeps until handed the lead, then flushes while writers wait.
    fn flusher(&self) {
        loop {
            let mut q = self.lock();
            while !q.flusher_leads && !q.closing {
                q = self.flusher_wake.wait(q).unwrap_or_else(|p| p.into_inner());
            }
            if !q.flusher_leads {
                return; // closing, and nothing handed over
            }
            drop(q);
            self.lead_while_waiting();
        }
    }

    /// Holding the lead: flush for whoever waits, again while more arrive; then let go.
    fn lead_while_waiting(&self) {
        loop {
            let mut q = self.lock();
            let batch = std::mem::take(&mut q.waiting);
            if batch.is_empty() {
                q.leading = false;
                q.flusher_leads = false;
                return;
            }
            drop(q);
            let outcome = self.flush();
            for w in batch {
                w.done(outcome.clone());
            }
        }
    }
}

impl Drop for GroupCommit {
    /// Lets the flusher finish what waits, and joins it, so the database (and its directory
    /// lock) is released when the store is dropped.
    fn drop(&mut self) {
        self.shared.lock().closing = true;
        self.shared.flusher_wake.notify_one();
        let handle = self
            .flusher
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(handle) = handle {
            if handle.thread().id() != std::thread::current().id() {
                let _ = handle.join();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::mpsc;
    use std::time::Duration;

    /// A callback left while a thread leads a flush, with no writer after it: the leader
    /// hands the lead to the flusher, so the callback is still called.
    #[test]
    fn a_callback_left_during_a_threads_flush_is_called_without_another_writer() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path()).unwrap();
        let commit = Arc::new(GroupCommit::new(db.clone()));
        for round in 0..100u32 {
            let started = Arc::new(AtomicBool::new(false));
            let leader = {
                let (commit, started, db) = (commit.clone(), started.clone(), db.clone());
                std::thread::spawn(move || {
                    db.insert(format!("thread {round}"), &[1]).unwrap();
                    started.store(true, Ordering::Release);
                    commit.wait()
                })
            };
            while !started.load(Ordering::Acquire) {
                std::hint::spin_loop();
            }
            db.insert(format!("task {round}"), &[2]).unwrap();
            let (tx, rx) = mpsc::channel();
            commit.then(Box::new(move |outcome| {
                let _ = tx.send(outcome);
            }));
            assert_eq!(leader.join().unwrap(), Ok(()));
            let called = rx.recv_timeout(Duration::from_secs(10));
            assert_eq!(called, Ok(Ok(())), "round {round}: the callback was called");
        }
    }

    /// Dropping the group commit joins its flusher, which releases its handle on the
    /// database: the directory can be opened again.
    #[test]
    fn dropping_it_releases_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path()).unwrap();
        let commit = GroupCommit::new(db.clone());
        db.insert("k", &[1]).unwrap();
        let (tx, rx) = mpsc::channel();
        commit.then(Box::new(move |outcome| {
            let _ = tx.send(outcome);
        }));
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok(Ok(())));
        drop(commit);
        drop(db);
        let again = sled::open(dir.path()).unwrap();
        assert!(again.get("k").unwrap().is_some());
    }
}
