//! Opening a sled store and keeping it honest across restarts: a lock held by another
//! process, a data file lost or emptied, damage sled panics on, every record read once on
//! open, and the note count file that tells a store read short from a whole one.

use super::keys::note_key;
use super::{io, SledStore, CACHE_BYTES};
use crate::core::snooze::RepPrefs;
use crate::core::{NoteRecord, TeamSettings};
use crate::store::group_commit::GroupCommit;
use crate::store::{decode, StoreError, EVENT_IDS, SCHEMA_VERSION};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// A file beside sled's own, with the number of notes the store held at its last checkpoint
/// (every flush, and on close). sled drops what it cannot read when it opens a damaged
/// file; fewer notes than this on open means records were lost, and the store refuses to
/// open rather than go on without them. A forget lowers it before deleting, so a crash in
/// between leaves it low (a weaker check), never high (a false alarm).
pub(super) const COUNT_FILE: &str = "callnudge-notes.count";

impl SledStore {
    /// Opens (or creates) the store in `dir`.
    pub fn open(dir: impl AsRef<Path>) -> Result<SledStore, StoreError> {
        let dir = dir.as_ref().to_path_buf();
        if dir.exists() && !dir.is_dir() {
            return Err(StoreError::NotAFolder { dir });
        }
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
        // A folder that held a store (sled's `conf` is there) but lost or emptied its data
        // file would open as an empty store: a silent loss of every note.
        let was_a_store = dir.join("conf").exists();
        let db_len = std::fs::metadata(dir.join("db")).map_or(0, |m| m.len());
        if was_a_store && db_len == 0 {
            return Err(StoreError::Damaged {
                dir,
                what: "its data file `db` is missing or empty".into(),
            });
        }
        // sled panics on some damage ("tried to serialize Uninitialized") instead of
        // returning an error: caught here, so that damage is always a clear error.
        let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            SledStore::open_checked(dir.clone(), was_a_store)
        }));
        opened.unwrap_or_else(|panic| {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(StoreError::Damaged {
                what: format!("the database engine cannot read it ({why})"),
                dir,
            })
        })
    }

    /// Opens the store and reads every record: damage shows now, not in the middle of a
    /// digest.
    fn open_checked(dir: PathBuf, was_a_store: bool) -> Result<SledStore, StoreError> {
        if held(&dir) {
            return Err(StoreError::Locked { dir });
        }
        let db = sled::Config::new()
            .path(&dir)
            .flush_every_ms(Some(500))
            .cache_capacity(CACHE_BYTES)
            .open()
            .map_err(|e| io(&dir, e))?;
        let tree = |name: &str| db.open_tree(name).map_err(|e| io(&dir, e));
        let meta = tree("meta")?;
        match meta.get("schema_version").map_err(|e| io(&dir, e))? {
            None if was_a_store => {
                return Err(StoreError::Damaged {
                    dir,
                    what: "its records are gone (no schema version in a store that had one)".into(),
                })
            }
            None => {
                meta.insert("schema_version", &SCHEMA_VERSION.to_be_bytes())
                    .map_err(|e| io(&dir, e))?;
                db.flush().map_err(|e| io(&dir, e))?;
            }
            Some(v) => {
                let found = v
                    .as_ref()
                    .try_into()
                    .map(u32::from_be_bytes)
                    .unwrap_or(u32::MAX);
                if found != SCHEMA_VERSION {
                    return Err(StoreError::Schema {
                        dir,
                        found,
                        expected: SCHEMA_VERSION,
                    });
                }
            }
        }
        let store = SledStore {
            notes: tree("notes")?,
            teams: tree("teams")?,
            disputes: tree("disputes")?,
            digests: tree("digests")?,
            reps: tree("reps")?,
            events: tree("events")?,
            meta,
            dir,
            commit: GroupCommit::new(db.clone()),
            db,
            count: AtomicU64::new(0),
            checkpoint: Mutex::new(()),
        };
        let damaged = |what: String| StoreError::Damaged {
            dir: store.dir.clone(),
            what,
        };
        let found = match store.scan() {
            Ok((found, highest)) => {
                store.counter_past(highest)?;
                found
            }
            Err(StoreError::Corrupt { tree, reason }) => {
                return Err(damaged(format!(
                    "a record in `{tree}` cannot be read ({reason})"
                )))
            }
            Err(e) => return Err(e),
        };
        if let Some(recorded) = read_count(&store.dir) {
            if found < recorded {
                return Err(damaged(format!(
                    "it holds {found} notes where {recorded} were stored"
                )));
            }
        }
        store.count.store(found, Ordering::SeqCst);
        Ok(store)
    }

    /// Makes everything written durable, then records the note count (see [`COUNT_FILE`]).
    pub(super) fn checkpoint(&self) -> Result<(), StoreError> {
        let _held = self.checkpoint.lock().unwrap_or_else(|e| e.into_inner());
        let count = self.count.load(Ordering::SeqCst);
        self.db.flush().map_err(|e| self.io(e))?;
        write_count(&self.dir, count).map_err(|e| self.io(e))
    }
}

/// Whether another process (or another handle in this one) holds the store in `dir`: the
/// same advisory lock sled takes on its `db` file, tried and released. sled reports a held
/// lock only as text, so it is asked here first, by its kind.
fn held(dir: &Path) -> bool {
    let Ok(file) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(dir.join("db"))
    else {
        return false; // no data file yet: nothing to hold
    };
    matches!(file.try_lock(), Err(std::fs::TryLockError::WouldBlock))
}

/// The note count of the last checkpoint, if one was written and reads as a number.
fn read_count(dir: &Path) -> Option<u64> {
    std::fs::read_to_string(dir.join(COUNT_FILE))
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Writes the note count file whole or not at all (a temporary file renamed over it).
pub(super) fn write_count(dir: &Path, count: u64) -> std::io::Result<()> {
    let temp = dir.join(format!("{COUNT_FILE}.tmp"));
    std::fs::write(&temp, format!("{count}\n"))?;
    std::fs::rename(temp, dir.join(COUNT_FILE))
}

impl SledStore {
    /// Reads every record: the notes (each under its own key) and how many, the highest id
    /// the counter gave, the teams' settings and the reps' preferences.
    pub(super) fn scan(&self) -> Result<(u64, u64), StoreError> {
        let (mut count, mut highest) = (0, 0);
        for item in self.notes.iter() {
            let (k, v) = item.map_err(|e| self.io(e))?;
            let note: NoteRecord = decode("notes", &v)?;
            if k.as_ref() != note_key(&note).as_slice() {
                return Err(StoreError::Corrupt {
                    tree: "notes".into(),
                    reason: format!("note {} is stored under another key", note.id),
                });
            }
            count += 1;
            if note.id < EVENT_IDS {
                highest = highest.max(note.id);
            }
        }
        for item in self.teams.iter() {
            let (_, v) = item.map_err(|e| self.io(e))?;
            decode::<TeamSettings>("teams", &v)?;
        }
        for item in self.reps.iter() {
            let (_, v) = item.map_err(|e| self.io(e))?;
            decode::<RepPrefs>("reps", &v)?;
        }
        Ok((count, highest))
    }
}

impl Drop for SledStore {
    fn drop(&mut self) {
        if let Err(e) = self.checkpoint() {
            tracing::warn!(error = %e, "note count not recorded on close");
        }
    }
}
