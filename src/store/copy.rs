//! Copying every record from one store into another (`callnudge migrate`, `restore` into a
//! database, a database's backup into a folder), then checking the copy.
//!
//! Invariant: a copy is idempotent (records keep their ids and keys, so copying again, or
//! after an interruption, changes nothing already there) and is only reported done once
//! the target holds every note that was read, the same note under the same id, and at least
//! as many records of each kind. The check reads the target only: a source that takes new
//! notes meanwhile (a backup while the bot runs) is checked against what was copied.

use super::{Record, Store, StoreError};
use crate::core::NoteRecord;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

/// Records written per transaction (one flush on sled).
const BATCH: usize = 1000;

/// What a copy found and wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Copied {
    /// Records read from the source, per kind ("notes", "teams", …).
    pub read: BTreeMap<&'static str, u64>,
    /// Notes the target did not hold before.
    pub new_notes: u64,
    /// Every note read: its id and a fingerprint of the whole note.
    notes: HashMap<u64, u64>,
}

/// A fingerprint of a note (its JSON, hashed): the same note gives the same number.
fn fingerprint(note: &NoteRecord) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    super::encode(note).hash(&mut h);
    h.finish()
}

impl Copied {
    /// Every record read, of any kind.
    pub fn total(&self) -> u64 {
        self.read.values().sum()
    }
}

/// A record kind's name, as reports print it.
pub fn kind(record: &Record) -> &'static str {
    match record {
        Record::Note(_) => "notes",
        Record::Team(_) => "teams",
        Record::Prefs { .. } => "rep preferences",
        Record::Dispute { .. } => "disputes",
        Record::Digest { .. } => "digest claims",
        Record::Event { .. } => "chat event ids",
        Record::Meta { .. } => "housekeeping times",
        Record::Counter(_) => "note counters",
    }
}

/// How many records of each kind `store` holds.
pub fn count(store: &dyn Store) -> Result<BTreeMap<&'static str, u64>, StoreError> {
    let mut counts = BTreeMap::new();
    store.records(&mut |record| {
        *counts.entry(kind(&record)).or_default() += 1;
        Ok(())
    })?;
    Ok(counts)
}

/// Copies every record of `from` into `to`, a batch per transaction; `progress` is told
/// how many records were copied so far after each batch.
pub fn copy(
    from: &dyn Store,
    to: &dyn Store,
    progress: &mut dyn FnMut(u64),
) -> Result<Copied, StoreError> {
    let mut copied = Copied::default();
    let mut batch = Vec::with_capacity(BATCH);
    let mut done = 0;
    from.records(&mut |record| {
        *copied.read.entry(kind(&record)).or_default() += 1;
        if let Record::Note(note) = &record {
            copied.notes.insert(note.id, fingerprint(note));
        }
        batch.push(record);
        if batch.len() == BATCH {
            done += batch.len() as u64;
            copied.new_notes += to.put_records(std::mem::take(&mut batch))?;
            progress(done);
        }
        Ok(())
    })?;
    done += batch.len() as u64;
    copied.new_notes += to.put_records(batch)?;
    progress(done);
    Ok(copied)
}

/// Checks that `to` holds every note that was copied, the same note under the same id, and
/// at least as many records of each kind as were read; the error says what is missing.
pub fn verify(to: &dyn Store, copied: &Copied) -> Result<(), String> {
    let mut held: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut same = 0_u64;
    to.records(&mut |record| {
        if let Record::Note(note) = &record {
            same += u64::from(copied.notes.get(&note.id) == Some(&fingerprint(note)));
        }
        *held.entry(kind(&record)).or_default() += 1;
        Ok(())
    })
    .map_err(|e| format!("the copy cannot be read back: {e}"))?;
    for (kind, read) in &copied.read {
        let there = held.get(kind).copied().unwrap_or(0);
        if there < *read {
            return Err(format!("the copy holds {there} {kind}, {read} were read"));
        }
    }
    let missing = copied.notes.len() as u64 - same.min(copied.notes.len() as u64);
    if missing > 0 {
        return Err(format!(
            "{missing} notes that were read are not in the copy as they were read"
        ));
    }
    Ok(())
}
