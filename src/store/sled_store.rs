//! The sled implementation of [`Store`]: one directory, no server.
//!
//! Trees: `meta` (schema version), `notes` (key `team \0 rep \0 time(be) id(be)`), `teams`,
//! `disputes` (key `team \0 rule \0 rep \0 note`), `digests` (key `team`, the last week sent),
//! `reps` (key `team \0 rep \0`, the rep's own preferences), `events` (chat event id → the
//! time of its note, for retry deduplication).
//! Values are JSON. Durability: sled flushes in the background only every 500 ms, so
//! `add_note` flushes before it returns, `add_note_then` and `add_event_note_then` call back
//! once flushed; concurrent writers share one flush ([`GroupCommit`]). A note that came as a
//! chat event gets its id from the event, so every delivery of the event writes the same key.
//! Opening and the note count file are in `sled_store/open.rs`, the key layout in
//! `sled_store/keys.rs`, the record walk, the record copy and `backup` in
//! `sled_store/records.rs`.

use super::group_commit::GroupCommit;
use super::{
    clean, decode, encode, event_note_id, EachRecord, EventNoteDone, NoteDone, Record, Store,
    StoreError, TeamChange,
};
use crate::core::snooze::RepPrefs;
use crate::core::{Dispute, NoteRecord, TeamSettings, Week};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

mod keys;
mod open;
mod records;

use keys::{dispute, key_micros, note_key, prefix, two_names};
use open::write_count;

/// A sled database in one directory.
pub struct SledStore {
    dir: PathBuf,
    db: sled::Db,
    notes: sled::Tree,
    teams: sled::Tree,
    disputes: sled::Tree,
    digests: sled::Tree,
    /// A rep's own preferences (snooze).
    reps: sled::Tree,
    /// Chat event id → its note's time (i64 seconds, big endian), for retry deduplication.
    events: sled::Tree,
    /// Schema version and housekeeping times.
    meta: sled::Tree,
    /// Shared flushes (see [`GroupCommit`]).
    commit: GroupCommit,
    /// How many notes the store holds (counted on open, kept since).
    count: AtomicU64,
    /// Held while the note count file is written, so that a forget and a checkpoint do not
    /// interleave (see [`open::COUNT_FILE`]).
    checkpoint: Mutex<()>,
}

/// sled's page cache (its default is 1 GiB): reading every record on open would otherwise
/// keep the whole store in memory (400 MB for 520,000 notes); recent notes, the ones digests
/// and trends read, stay cached.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// The key in `meta` of the last note id given.
const NOTE_SEQ: &str = "note_seq";

impl SledStore {
    /// The next note id: 1, 2, 3, … across restarts (a person types them in `dispute
    /// --note`). Kept in `meta`; a crash may skip a number, never repeat one.
    fn next_id(&self) -> Result<u64, StoreError> {
        let next = self
            .meta
            .update_and_fetch(NOTE_SEQ, |old| {
                let last = old
                    .and_then(|v| v.try_into().ok().map(u64::from_be_bytes))
                    .unwrap_or(0);
                Some((last + 1).to_be_bytes().to_vec())
            })
            .map_err(|e| self.io(e))?;
        next.and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes))
            .ok_or_else(|| self.io("the note counter cannot be read"))
    }

    /// Puts the note counter past every id the store holds (a store written before the
    /// counter existed, or whose counter a crash lost): ids stay unique.
    fn counter_past(&self, highest: u64) -> Result<(), StoreError> {
        self.meta
            .fetch_and_update(NOTE_SEQ, |old| {
                let last = old
                    .and_then(|v| v.try_into().ok().map(u64::from_be_bytes))
                    .unwrap_or(0);
                Some(last.max(highest).to_be_bytes().to_vec())
            })
            .map_err(|e| self.io(e))?;
        Ok(())
    }

    /// The first note key at or after `cursor` (skip-scans seek with it).
    fn first_note_key_from(&self, cursor: &[u8]) -> Result<Option<sled::IVec>, StoreError> {
        let next = self.notes.range(cursor..).keys().next().transpose();
        next.map_err(|e| self.io(e))
    }

    /// How many notes the store holds.
    pub fn note_count(&self) -> u64 {
        self.count.load(Ordering::SeqCst)
    }

    /// The directory this store lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn io(&self, e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> StoreError {
        io(&self.dir, e)
    }

    /// Writes `entries` (note key, encoded note) durably, sharing a flush with concurrent writers.
    fn write_notes(&self, entries: Vec<(Vec<u8>, Vec<u8>)>) -> Result<(), StoreError> {
        // One note is a plain insert; several (an import) go in atomically, all or none.
        let n = entries.len() as u64;
        let inserted = match <[_; 1]>::try_from(entries) {
            Ok([(k, v)]) => self.notes.insert(k, v).map(|_| ()),
            Err(entries) => {
                let mut batch = sled::Batch::default();
                for (k, v) in entries {
                    batch.insert(k, v);
                }
                self.notes.apply_batch(batch)
            }
        };
        inserted.map_err(|e| self.io(e))?;
        self.count.fetch_add(n, Ordering::SeqCst);
        self.durable()
    }

    /// Returns once everything written before this call is durable: a flush shared with
    /// every writer waiting at the same time (see [`GroupCommit`]).
    fn durable(&self) -> Result<(), StoreError> {
        self.commit.wait().map_err(|r| self.io(r))
    }

    /// A note with clean ids and a fresh id, and its key and value.
    fn entry(&self, mut note: NoteRecord) -> Result<(NoteRecord, Vec<u8>, Vec<u8>), StoreError> {
        note.team = clean(&note.team);
        note.rep = clean(&note.rep);
        note.id = self.next_id()?;
        let (key, value) = (note_key(&note), encode(&note));
        Ok((note, key, value))
    }
}

fn io(dir: &Path, e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> StoreError {
    StoreError::Io {
        dir: dir.to_path_buf(),
        source: std::sync::Arc::from(e.into()),
    }
}

impl Store for SledStore {
    fn add_note(&self, note: NoteRecord) -> Result<NoteRecord, StoreError> {
        let (note, key, value) = self.entry(note)?;
        self.write_notes(vec![(key, value)])?;
        tracing::debug!(note = note.id, team = %note.team, "note stored");
        Ok(note)
    }

    fn add_note_then(&self, note: NoteRecord, done: NoteDone) {
        let inserted =
            self.entry(note)
                .and_then(|(note, key, value)| match self.notes.insert(key, value) {
                    Ok(_) => {
                        self.count.fetch_add(1, Ordering::SeqCst);
                        Ok(note)
                    }
                    Err(e) => Err(self.io(e)),
                });
        let note = match inserted {
            Ok(note) => note,
            Err(e) => return done(Err(e)),
        };
        let dir = self.dir.clone();
        self.commit.then(Box::new(move |outcome| {
            tracing::debug!(note = note.id, team = %note.team, "note stored");
            done(outcome.map(|()| note).map_err(|r| io(&dir, r)))
        }));
    }

    fn add_event_note_then(&self, event: &str, mut note: NoteRecord, done: EventNoteDone) {
        note.team = clean(&note.team);
        note.rep = clean(&note.rep);
        note.id = event_note_id(event);
        let (key, value) = (note_key(&note), encode(&note));
        let stamp = note.at.timestamp().to_be_bytes();
        // No transaction (sled's take a process-wide lock that waits for a running flush):
        // the note goes in first, at a key the event decides, then the event id. A crash in
        // between makes the retry write the same key again, so the note is stored once.
        let first = (|| -> Result<bool, sled::Error> {
            if self.events.contains_key(event.as_bytes())? {
                return Ok(false);
            }
            if self.notes.insert(key, value)?.is_none() {
                self.count.fetch_add(1, Ordering::SeqCst);
            }
            let recorded = self.events.compare_and_swap(
                event.as_bytes(),
                None as Option<&[u8]>,
                Some(&stamp[..]),
            )?;
            // A delivery of the same event at the same moment wrote the same note: one of
            // the two answers with it.
            Ok(recorded.is_ok())
        })();
        let first = match first {
            Ok(first) => first,
            Err(e) => return done(Err(self.io(e))),
        };
        let dir = self.dir.clone();
        // A retry waits for the flush too: its first copy may still be on its way to disk.
        self.commit.then(Box::new(move |outcome| {
            let stored = outcome.map_err(|r| io(&dir, r));
            done(stored.map(|()| first.then_some(note)))
        }));
    }

    fn add_notes(&self, notes: Vec<NoteRecord>) -> Result<Vec<NoteRecord>, StoreError> {
        let mut entries = Vec::with_capacity(notes.len());
        let mut out = Vec::with_capacity(notes.len());
        for note in notes {
            let (note, key, value) = self.entry(note)?;
            entries.push((key, value));
            out.push(note);
        }
        self.write_notes(entries)?;
        Ok(out)
    }

    fn add_notes_once(&self, notes: Vec<NoteRecord>) -> Result<u64, StoreError> {
        let mut new = 0;
        for mut note in notes {
            note.team = clean(&note.team);
            note.rep = clean(&note.rep);
            let (key, value) = (note_key(&note), encode(&note));
            let before = self.notes.insert(key, value).map_err(|e| self.io(e))?;
            new += u64::from(before.is_none());
        }
        self.count.fetch_add(new, Ordering::SeqCst);
        self.durable()?;
        Ok(new)
    }

    fn notes(&self, team: &str, rep: Option<&str>) -> Result<Vec<NoteRecord>, StoreError> {
        let key = match rep {
            Some(rep) => prefix(&[team, rep]),
            None => prefix(&[team]),
        };
        let mut out = Vec::new();
        for item in self.notes.scan_prefix(key) {
            let (_, v) = item.map_err(|e| self.io(e))?;
            out.push(decode::<NoteRecord>("notes", &v)?);
        }
        out.sort_by_key(|n| (n.at, n.id));
        Ok(out)
    }

    fn notes_since(&self, team: &str, since: DateTime<Utc>) -> Result<Vec<NoteRecord>, StoreError> {
        // Skip-scan: keys are team\0rep\0time(8)id(8), so each rep's notes since `since` are
        // one range; the next rep starts after the current rep's prefix ends (\0 → \x01).
        let team_prefix = prefix(&[team]);
        let since = since.timestamp_micros().to_be_bytes();
        let mut out = Vec::new();
        let mut cursor = team_prefix.clone();
        loop {
            let Some(key) = self.first_note_key_from(&cursor)? else {
                break;
            };
            if !key.starts_with(&team_prefix) || key.len() < team_prefix.len() + 17 {
                break;
            }
            let rep_prefix = &key[..key.len() - 16];
            let mut start = rep_prefix.to_vec();
            start.extend_from_slice(&since);
            let mut end = rep_prefix.to_vec();
            if let Some(last) = end.last_mut() {
                *last = 1; // the \0 ending the rep id becomes \x01: just past every key of the rep
            }
            for item in self.notes.range(start..end.clone()) {
                let (_, v) = item.map_err(|e| self.io(e))?;
                out.push(decode::<NoteRecord>("notes", &v)?);
            }
            cursor = end;
        }
        out.sort_by_key(|n| (n.at, n.id));
        Ok(out)
    }

    fn teams_with_notes(&self) -> Result<Vec<String>, StoreError> {
        // Skip-scan: one seek per team (keys start `team \0`).
        let mut out = Vec::new();
        let mut cursor: Vec<u8> = Vec::new();
        loop {
            let Some(key) = self.first_note_key_from(&cursor)? else {
                break;
            };
            let Some(end) = key.iter().position(|&b| b == 0) else {
                break;
            };
            out.push(String::from_utf8_lossy(&key[..end]).into_owned());
            cursor = key[..=end].to_vec();
            if let Some(last) = cursor.last_mut() {
                *last = 1; // just past every key of this team
            }
        }
        Ok(out)
    }

    fn team(&self, team: &str) -> Result<Option<TeamSettings>, StoreError> {
        match self.teams.get(team.as_bytes()).map_err(|e| self.io(e))? {
            None => Ok(None),
            Some(v) => decode("teams", &v).map(Some),
        }
    }

    fn update_team(&self, team: &str, change: TeamChange<'_>) -> Result<TeamSettings, StoreError> {
        // Compare-and-swap: a change made by another writer between the read and the write
        // makes this one start again from the settings as they are now.
        loop {
            let current = self.teams.get(team.as_bytes()).map_err(|e| self.io(e))?;
            let stored = match &current {
                Some(v) => decode::<TeamSettings>("teams", v)?,
                None => TeamSettings::new(team),
            };
            let mut settings = stored.clone();
            if !change(&mut settings) {
                return Ok(stored);
            }
            settings.team = team.to_string();
            let swapped = self
                .teams
                .compare_and_swap(team.as_bytes(), current, Some(encode(&settings)))
                .map_err(|e| self.io(e))?;
            if swapped.is_ok() {
                self.durable()?;
                return Ok(settings);
            }
        }
    }

    fn teams(&self) -> Result<Vec<TeamSettings>, StoreError> {
        self.teams
            .iter()
            .map(|item| {
                let (_, v) = item.map_err(|e| self.io(e))?;
                decode("teams", &v)
            })
            .collect()
    }

    fn rep_prefs(&self, team: &str, rep: &str) -> Result<RepPrefs, StoreError> {
        match self
            .reps
            .get(prefix(&[team, rep]))
            .map_err(|e| self.io(e))?
        {
            None => Ok(RepPrefs::default()),
            Some(v) => decode("reps", &v),
        }
    }

    fn put_rep_prefs(&self, team: &str, rep: &str, prefs: &RepPrefs) -> Result<(), StoreError> {
        self.reps
            .insert(prefix(&[team, rep]), encode(prefs))
            .map_err(|e| self.io(e))?;
        self.durable()
    }

    fn add_dispute(
        &self,
        team: &str,
        rep: &str,
        rule: &str,
        note: u64,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut key = prefix(&[team, rule, rep]);
        key.extend_from_slice(&note.to_be_bytes());
        // The value is the time (µs, big endian); disputes stored before it was kept have none.
        let value = at.timestamp_micros().to_be_bytes();
        self.disputes.insert(key, &value).map_err(|e| self.io(e))?;
        self.durable()
    }

    fn dispute_log(&self, team: &str) -> Result<Vec<Dispute>, StoreError> {
        let start = prefix(&[team]);
        let mut out = Vec::new();
        for item in self.disputes.scan_prefix(&start) {
            let (k, v) = item.map_err(|e| self.io(e))?;
            out.push(dispute(&k[start.len()..], &v)?);
        }
        Ok(out)
    }

    fn disputes(&self, team: &str) -> Result<BTreeMap<String, u32>, StoreError> {
        let mut out = BTreeMap::new();
        for item in self.disputes.scan_prefix(prefix(&[team])) {
            let (k, _) = item.map_err(|e| self.io(e))?;
            let rule = k.split(|&b| b == 0).nth(1).unwrap_or_default();
            *out.entry(String::from_utf8_lossy(rule).into_owned())
                .or_default() += 1;
        }
        Ok(out)
    }

    fn rule_disputes(&self, team: &str, rule: &str) -> Result<Vec<(String, u64)>, StoreError> {
        let start = prefix(&[team, rule]);
        let mut out = Vec::new();
        for item in self.disputes.scan_prefix(&start) {
            let (k, _) = item.map_err(|e| self.io(e))?;
            // `team \0 rule \0 rep \0 note(be)`: the rep, then eight bytes of note id.
            let rest = &k[start.len()..];
            let corrupt = || StoreError::Corrupt {
                tree: "disputes".into(),
                reason: "a key without a rep and a note id".into(),
            };
            let split = rest.len().checked_sub(9).ok_or_else(corrupt)?;
            let note = <[u8; 8]>::try_from(&rest[split + 1..]).map_err(|_| corrupt())?;
            let rep = String::from_utf8_lossy(&rest[..split]).into_owned();
            out.push((rep, u64::from_be_bytes(note)));
        }
        Ok(out)
    }

    fn last_digest(&self, team: &str) -> Result<Option<Week>, StoreError> {
        match self.digests.get(team.as_bytes()).map_err(|e| self.io(e))? {
            None => Ok(None),
            Some(v) => decode("digests", &v).map(Some),
        }
    }

    fn mark_digest_sent(&self, team: &str, week: Week) -> Result<bool, StoreError> {
        loop {
            let current = self.digests.get(team.as_bytes()).map_err(|e| self.io(e))?;
            if let Some(v) = &current {
                if decode::<Week>("digests", v)? >= week {
                    return Ok(false);
                }
            }
            let swapped = self
                .digests
                .compare_and_swap(team.as_bytes(), current, Some(encode(&week)))
                .map_err(|e| self.io(e))?;
            if swapped.is_ok() {
                self.durable()?;
                return Ok(true);
            }
        }
    }

    fn seen_event(&self, event: &str) -> Result<bool, StoreError> {
        self.events
            .contains_key(event.as_bytes())
            .map_err(|e| self.io(e))
    }

    fn prune_events(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let mut n = 0;
        for item in self.events.iter() {
            let (k, v) = item.map_err(|e| self.io(e))?;
            let at = v
                .as_ref()
                .try_into()
                .map(i64::from_be_bytes)
                .unwrap_or(i64::MIN);
            if at < before.timestamp() {
                self.events.remove(k).map_err(|e| self.io(e))?;
                n += 1;
            }
        }
        Ok(n)
    }

    fn forget_rep(&self, team: &str, rep: &str) -> Result<u64, StoreError> {
        use sled::transaction::ConflictableTransactionError::Abort;
        use sled::transaction::{ConflictableTransactionResult, TransactionError};
        use sled::Transactional;
        let notes: Vec<sled::IVec> = self
            .notes
            .scan_prefix(prefix(&[team, rep]))
            .keys()
            .collect::<Result<_, _>>()
            .map_err(|e| self.io(e))?;
        let mut disputes = Vec::new();
        for k in self.disputes.scan_prefix(prefix(&[team])).keys() {
            let k = k.map_err(|e| self.io(e))?;
            if k.split(|&b| b == 0).nth(2) == Some(rep.as_bytes()) {
                disputes.push(k);
            }
        }
        let prefs = prefix(&[team, rep]);
        // The count file goes down first: a crash before the delete leaves it low, not high.
        let _held = self.checkpoint.lock().unwrap_or_else(|e| e.into_inner());
        let remaining = self.count.load(Ordering::SeqCst) - notes.len() as u64;
        write_count(&self.dir, remaining).map_err(|e| self.io(e))?;
        // One transaction over the four trees: a crash leaves all of the rep or none. The
        // team's settings are read inside it, so a change made meanwhile is not overwritten.
        (&self.notes, &self.disputes, &self.teams, &self.reps)
            .transaction(
                |(n, d, t, r)| -> ConflictableTransactionResult<(), StoreError> {
                    r.remove(prefs.as_slice())?;
                    for k in &notes {
                        n.remove(k)?;
                    }
                    for k in &disputes {
                        d.remove(k)?;
                    }
                    let settings = t.get(team.as_bytes())?;
                    let settings = settings.map(|v| decode::<TeamSettings>("teams", &v));
                    if let Some(mut s) = settings.transpose().map_err(Abort)? {
                        if s.is_manager(rep) || s.names.contains_key(rep) {
                            s.managers.retain(|m| m != rep);
                            s.names.remove(rep);
                            t.insert(team.as_bytes(), encode(&s))?;
                        }
                    }
                    Ok(())
                },
            )
            .map_err(|e| match e {
                TransactionError::Abort(e) => e,
                TransactionError::Storage(e) => self.io(e),
            })?;
        self.count.fetch_sub(notes.len() as u64, Ordering::SeqCst);
        self.durable()?;
        Ok(notes.len() as u64)
    }

    fn purge_text(&self, team: &str, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let mut purged = 0;
        let cutoff = before.timestamp_micros();
        for item in self.notes.scan_prefix(prefix(&[team])) {
            let (k, v) = item.map_err(|e| self.io(e))?;
            // The key carries the note's time: newer notes are skipped without decoding.
            if key_micros(&k).is_some_and(|t| t >= cutoff) {
                continue;
            }
            let mut note: NoteRecord = decode("notes", &v)?;
            if note.at < before && note.text.is_some() {
                note.text = None;
                // Only if the note is still as read: a forget meanwhile must not bring it back.
                let swapped = self
                    .notes
                    .compare_and_swap(&k, Some(&v), Some(encode(&note)))
                    .map_err(|e| self.io(e))?;
                purged += u64::from(swapped.is_ok());
            }
        }
        if purged > 0 {
            self.durable()?;
        }
        Ok(purged)
    }

    fn meta_time(&self, key: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        let v = self.meta.get(key.as_bytes()).map_err(|e| self.io(e))?;
        Ok(
            v.and_then(|v| v.as_ref().try_into().ok().map(i64::from_be_bytes))
                .and_then(DateTime::from_timestamp_micros),
        )
    }

    fn set_meta_time(&self, key: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.meta
            .insert(key.as_bytes(), &at.timestamp_micros().to_be_bytes())
            .map_err(|e| self.io(e))?;
        self.durable()
    }

    fn check(&self) -> Result<u64, StoreError> {
        self.scan().map(|(count, _)| count)
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.checkpoint()
    }

    fn records(&self, each: EachRecord<'_>) -> Result<(), StoreError> {
        self.walk_records(each)
    }

    fn put_records(&self, records: Vec<Record>) -> Result<u64, StoreError> {
        self.store_records(records)
    }

    fn backup(&self, to: &Path) -> Result<u64, StoreError> {
        self.copy_to(to)
    }
}
