//! Every record of a sled store walked, records stored as they are, and a copy of the whole
//! folder: what backups and `callnudge migrate` copy with (see [`crate::store::copy`]).
//!
//! Invariants: the walk reads event ids first and notes last, so an event id in a copy always
//! has its note; storing moves the note counter past every id it brings and changes nothing
//! when the same records come again; a backup is read back before it is called done.

use super::{dispute, note_key, prefix, two_names, write_count, SledStore, NOTE_SEQ};
use crate::core::NoteRecord;
use crate::core::Week;
use crate::store::{clean, decode, encode, EachRecord, Record, StoreError, EVENT_IDS};
use chrono::DateTime;
use std::path::Path;
use std::sync::atomic::Ordering;

impl SledStore {
    /// Every record, kind by kind (see [`crate::store::Store::records`]): event ids first, notes last.
    pub(super) fn walk_records(&self, each: EachRecord<'_>) -> Result<(), StoreError> {
        let io = |e| self.io(e);
        for item in self.events.iter() {
            let (k, v) = item.map_err(io)?;
            let at = <[u8; 8]>::try_from(v.as_ref()).map_or(i64::MIN, i64::from_be_bytes);
            let event = String::from_utf8_lossy(&k).into_owned();
            each(Record::Event { event, at })?;
        }
        for item in self.teams.iter() {
            let (_, v) = item.map_err(io)?;
            each(Record::Team(decode("teams", &v)?))?;
        }
        for item in self.reps.iter() {
            let (k, v) = item.map_err(io)?;
            let (team, rep) = two_names(&k);
            let prefs = decode("reps", &v)?;
            each(Record::Prefs { team, rep, prefs })?;
        }
        for item in self.disputes.iter() {
            let (k, v) = item.map_err(io)?;
            let end = k.iter().position(|&b| b == 0).unwrap_or(k.len());
            let team = String::from_utf8_lossy(&k[..end]).into_owned();
            let dispute = dispute(k.get(end + 1..).unwrap_or_default(), &v)?;
            each(Record::Dispute { team, dispute })?;
        }
        for item in self.digests.iter() {
            let (k, v) = item.map_err(io)?;
            let team = String::from_utf8_lossy(&k).into_owned();
            each(Record::Digest {
                team,
                week: decode("digests", &v)?,
            })?;
        }
        for item in self.meta.iter() {
            let (k, v) = item.map_err(io)?;
            // The schema version is the store's own, not a record.
            if k.as_ref() == b"schema_version" {
                continue;
            }
            if k.as_ref() == NOTE_SEQ.as_bytes() {
                if let Ok(bytes) = <[u8; 8]>::try_from(v.as_ref()) {
                    each(Record::Counter(u64::from_be_bytes(bytes)))?;
                }
                continue;
            }
            let at = <[u8; 8]>::try_from(v.as_ref())
                .ok()
                .and_then(|b| DateTime::from_timestamp_micros(i64::from_be_bytes(b)));
            if let Some(at) = at {
                let key = String::from_utf8_lossy(&k).into_owned();
                each(Record::Meta { key, at })?;
            }
        }
        for item in self.notes.iter() {
            let (_, v) = item.map_err(io)?;
            each(Record::Note(decode("notes", &v)?))?;
        }
        Ok(())
    }

    /// Stores records as they are (see [`crate::store::Store::put_records`]); returns how many notes are new.
    pub(super) fn store_records(&self, records: Vec<Record>) -> Result<u64, StoreError> {
        let io = |e| self.io(e);
        let (mut new, mut highest) = (0, 0);
        for record in records {
            match record {
                Record::Note(mut note) => {
                    note.team = clean(&note.team);
                    note.rep = clean(&note.rep);
                    if note.id < EVENT_IDS {
                        highest = highest.max(note.id);
                    }
                    let before = self.notes.insert(note_key(&note), encode(&note));
                    new += u64::from(before.map_err(io)?.is_none());
                }
                Record::Team(settings) => {
                    let team = clean(&settings.team);
                    self.teams.insert(team, encode(&settings)).map_err(io)?;
                }
                Record::Prefs { team, rep, prefs } => {
                    let key = prefix(&[&clean(&team), &clean(&rep)]);
                    self.reps.insert(key, encode(&prefs)).map_err(io)?;
                }
                Record::Dispute { team, dispute } => {
                    let mut key = prefix(&[&clean(&team), &dispute.rule, &clean(&dispute.rep)]);
                    key.extend_from_slice(&dispute.note.to_be_bytes());
                    let value = dispute.at.map(|at| at.timestamp_micros().to_be_bytes());
                    let value = value.as_ref().map_or(&[][..], |v| &v[..]);
                    self.disputes.insert(key, value).map_err(io)?;
                }
                Record::Digest { team, week } => {
                    // A claim only moves forward (as `mark_digest_sent`'s).
                    let later = |old: Option<&[u8]>| {
                        let old = old.and_then(|v| serde_json::from_slice::<Week>(v).ok());
                        Some(encode(&old.map_or(week, |old| old.max(week))))
                    };
                    self.digests
                        .fetch_and_update(clean(&team), later)
                        .map_err(io)?;
                }
                Record::Event { event, at } => {
                    let stamp = at.to_be_bytes();
                    let none: Option<&[u8]> = None;
                    let swapped = self.events.compare_and_swap(event, none, Some(&stamp[..]));
                    let _already_there = swapped.map_err(io)?;
                }
                Record::Meta { key, at } => {
                    let value = at.timestamp_micros().to_be_bytes();
                    self.meta.insert(key, &value).map_err(io)?;
                }
                Record::Counter(last) => highest = highest.max(last),
            }
        }
        self.count.fetch_add(new, Ordering::SeqCst);
        self.counter_past(highest)?;
        self.durable()?;
        Ok(new)
    }

    /// A copy of every tree in a new sled folder `to`, read back (see [`crate::store::Store::backup`]).
    pub(super) fn copy_to(&self, to: &Path) -> Result<u64, StoreError> {
        let target_error = |what: String| StoreError::BackupTarget {
            dir: to.to_path_buf(),
            what,
        };
        crate::store::new_or_empty(to)?;
        let copy_error = |e: sled::Error| target_error(e.to_string());
        let target = sled::Config::new().path(to).open().map_err(copy_error)?;
        // Trees are copied one after another while notes may still arrive. Event ids go
        // first and notes last: an event id in the copy always has its note there too (a
        // note is written before its event id), so a retried event is never taken for one
        // already stored.
        let mut names = self.db.tree_names();
        names.sort_by_key(|n| match n.as_ref() {
            b"events" => 0,
            b"notes" => 2,
            _ => 1,
        });
        let mut notes = 0;
        for name in names {
            let (from, into) = (
                self.db.open_tree(&name).map_err(|e| self.io(e))?,
                target.open_tree(&name).map_err(copy_error)?,
            );
            let mut batch = sled::Batch::default();
            let mut in_batch = 0;
            for item in from.iter() {
                let (k, v) = item.map_err(|e| self.io(e))?;
                batch.insert(k, v);
                in_batch += 1;
                if name.as_ref() == b"notes" {
                    notes += 1;
                }
                if in_batch == 1000 {
                    into.apply_batch(std::mem::take(&mut batch))
                        .map_err(copy_error)?;
                    in_batch = 0;
                }
            }
            into.apply_batch(batch).map_err(copy_error)?;
        }
        target.flush().map_err(copy_error)?;
        // Read back: the copy holds every note copied, each readable. (Not by opening it
        // anew: sled releases its lock only once its threads let go of the copy.)
        let copied = target.open_tree("notes").map_err(copy_error)?;
        let mut readable = 0;
        for item in copied.iter() {
            let (_, v) = item.map_err(copy_error)?;
            decode::<NoteRecord>("notes", &v)?;
            readable += 1;
        }
        if readable != notes {
            return Err(target_error(format!(
                "the copy holds {readable} notes, {notes} were copied"
            )));
        }
        drop((copied, target));
        write_count(to, notes).map_err(|e| target_error(e.to_string()))?;
        Ok(notes)
    }
}
