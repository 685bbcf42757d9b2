//! Storage behind a small trait, so that a server database can take over where a team
//! outgrows one process. [`SledStore`] (one directory, no server) is the default;
//! [`PgStore`] keeps the same contract in a PostgreSQL database that several `serve`
//! processes share ([`Location`] says which, [`open`] opens it).
//!
//! Contract every implementation keeps: `add_note` returns only once the note is durable
//! (`add_note_then` calls back only then);
//! `forget_rep` removes every record of the rep, durably; `update_team` changes a team's
//! settings atomically (no change made at the same time is lost); `mark_digest_sent` is a
//! compare-and-swap, so a digest is claimed once per team and week; `add_event_note_then`
//! stores a chat event's note once, however often the event is delivered; `records` and
//! `put_records` copy every record between stores (backups, `callnudge migrate`).

pub mod copy;
mod group_commit;
mod postgres;
mod sled_store;

pub use postgres::PgStore;
pub use sled_store::SledStore;

use crate::core::snooze::RepPrefs;
use crate::core::{Dispute, NoteRecord, TeamSettings, Week};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The schema version this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// What can go wrong with the store. Every message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the data directory {dir} is in use by another callnudge process; stop it, or pass another --data-dir")]
    Locked { dir: PathBuf },
    #[error("cannot use the data directory {dir}: {source} (is the disk full or the directory read-only?)")]
    Io {
        dir: PathBuf,
        #[source]
        source: Cause,
    },
    #[error("the data directory {dir} has schema version {found}, this build reads {expected}; use a matching callnudge build")]
    Schema {
        dir: PathBuf,
        found: u32,
        expected: u32,
    },
    #[error("the data directory {dir} is a file, not a folder: pass a folder to --data-dir (it is created if missing)")]
    NotAFolder { dir: PathBuf },
    #[error("the store in {dir} is damaged: {what}. Nothing was changed; restore the folder from a backup, or move it away to start an empty store")]
    Damaged { dir: PathBuf, what: String },
    #[error("cannot back up into {dir}: {what}; give a new folder (it is created)")]
    BackupTarget { dir: PathBuf, what: String },
    #[error("corrupt record in tree {tree}: {reason}")]
    Corrupt { tree: String, reason: String },
    #[error("the database URL is not valid: {what}; it looks like postgres://USER:PASSWORD@HOST:5432/DBNAME")]
    DatabaseUrl { what: String },
    #[error("cannot use the database {target}: {source} ({hint})")]
    Database {
        /// The URL without its password.
        target: String,
        /// What went wrong, with its causes.
        #[source]
        source: Cause,
        /// What to check.
        hint: &'static str,
    },
    #[error("the database already holds another note under id {id}: copy into a new, empty database (this batch was not stored)")]
    IdTaken { id: u64 },
    #[error("the database {target} has schema version {found}, this build knows up to {expected}; use a matching callnudge build")]
    DatabaseSchema {
        target: String,
        found: i32,
        expected: i32,
    },
}

/// Where a store lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A sled folder (created if missing): one process at a time.
    Dir(PathBuf),
    /// A PostgreSQL database, `postgres://…`: any number of processes.
    Postgres(String),
}

impl Location {
    /// The database when a URL is given, else the folder.
    pub fn new(dir: &Path, database_url: Option<&str>) -> Location {
        match database_url.map(str::trim).filter(|u| !u.is_empty()) {
            Some(url) => Location::Postgres(url.to_string()),
            None => Location::Dir(dir.to_path_buf()),
        }
    }
}

/// Opens the store at `location`.
pub fn open(location: &Location) -> Result<Arc<dyn Store>, StoreError> {
    Ok(match location {
        Location::Dir(dir) => Arc::new(SledStore::open(dir)?),
        Location::Postgres(url) => Arc::new(PgStore::open(url)?),
    })
}

/// One stored record of any kind, as backups and `callnudge migrate` copy them.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Note(NoteRecord),
    Team(TeamSettings),
    Prefs {
        team: String,
        rep: String,
        prefs: RepPrefs,
    },
    Dispute {
        team: String,
        dispute: Dispute,
    },
    /// The latest week whose digest was sent.
    Digest {
        team: String,
        week: Week,
    },
    /// A chat event id and the time (seconds) of its note.
    Event {
        event: String,
        at: i64,
    },
    /// A housekeeping time.
    Meta {
        key: String,
        at: DateTime<Utc>,
    },
    /// The last note id the store's counter gave: ids typed in go on from past it, so a
    /// forgotten note's id is never given again.
    Counter(u64),
}

/// Told each record by [`Store::records`]; an error stops the walk.
pub type EachRecord<'a> = &'a mut dyn FnMut(Record) -> Result<(), StoreError>;

/// What lies under a store error: sled's or the file system's own error, shared (one failed
/// flush fails every writer it was for).
pub type Cause = std::sync::Arc<dyn std::error::Error + Send + Sync>;

/// Told the outcome of [`Store::add_note_then`], once.
pub type NoteDone = Box<dyn FnOnce(Result<NoteRecord, StoreError>) + Send>;

/// Told the outcome of [`Store::add_event_note_then`], once: the stored note, or `None` when
/// the event was stored before (a retry).
pub type EventNoteDone = Box<dyn FnOnce(Result<Option<NoteRecord>, StoreError>) + Send>;

/// A change to a team's settings: gets the stored settings (a new team's defaults when there
/// are none) and says whether it changed them. It may be called more than once, each time
/// with fresh settings, when another writer changed them first.
pub type TeamChange<'a> = &'a mut (dyn FnMut(&mut TeamSettings) -> bool + Send);

/// The store's operations.
pub trait Store: Send + Sync + 'static {
    /// Stores a note and returns it with its id, once it is durable.
    fn add_note(&self, note: NoteRecord) -> Result<NoteRecord, StoreError>;
    /// Stores a note like [`Store::add_note`] without waiting for the disk: `done` gets the
    /// stored note (or the error) once it is durable, on whichever thread finished the flush.
    /// Async callers use it so that no thread is held per note in flight. The default stores
    /// in place and calls `done` before returning.
    fn add_note_then(&self, note: NoteRecord, done: NoteDone) {
        done(self.add_note(note))
    }
    /// Stores a note that came as chat event `event` unless that event was stored before (a
    /// retry), and calls `done` once the outcome is durable. Every delivery of one event must
    /// store at most one note, and a retry after a crash or a failed write must store it then:
    /// the note's id comes from the event and its time is the event's own (`note.at`), so a
    /// second write of it lands on the same record.
    fn add_event_note_then(&self, event: &str, note: NoteRecord, done: EventNoteDone);
    /// Stores many notes atomically with one flush (imports); returns them with their ids.
    fn add_notes(&self, notes: Vec<NoteRecord>) -> Result<Vec<NoteRecord>, StoreError>;
    /// Stores many notes with one flush, each under the id it already has (an import derives
    /// it from the row), so storing the same notes again lands on the same records; returns
    /// how many were not stored before.
    fn add_notes_once(&self, notes: Vec<NoteRecord>) -> Result<u64, StoreError>;
    /// A team's notes (or one rep's), oldest first.
    fn notes(&self, team: &str, rep: Option<&str>) -> Result<Vec<NoteRecord>, StoreError>;
    /// A team's notes at or after `since`, oldest first (what a digest window needs).
    fn notes_since(&self, team: &str, since: DateTime<Utc>) -> Result<Vec<NoteRecord>, StoreError>;
    /// The teams that have notes, in key order.
    fn teams_with_notes(&self) -> Result<Vec<String>, StoreError>;
    fn team(&self, team: &str) -> Result<Option<TeamSettings>, StoreError>;
    /// Changes the team's settings atomically (see [`TeamChange`]) and returns them as
    /// stored afterwards; durable when the change wrote anything.
    fn update_team(&self, team: &str, change: TeamChange<'_>) -> Result<TeamSettings, StoreError>;
    fn teams(&self) -> Result<Vec<TeamSettings>, StoreError>;
    /// A rep's own preferences (defaults when none were stored).
    fn rep_prefs(&self, team: &str, rep: &str) -> Result<RepPrefs, StoreError>;
    fn put_rep_prefs(&self, team: &str, rep: &str, prefs: &RepPrefs) -> Result<(), StoreError>;
    /// Records a "not reactive here" dispute of a rule by a rep.
    fn add_dispute(
        &self,
        team: &str,
        rep: &str,
        rule: &str,
        note: u64,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Every dispute of the team, with its note and time.
    fn dispute_log(&self, team: &str) -> Result<Vec<Dispute>, StoreError>;
    /// Disputes per rule id.
    fn disputes(&self, team: &str) -> Result<BTreeMap<String, u32>, StoreError>;
    /// One rule's disputes in a team: `(rep, note id)` each.
    fn rule_disputes(&self, team: &str, rule: &str) -> Result<Vec<(String, u64)>, StoreError>;
    /// The latest week whose digest was sent.
    fn last_digest(&self, team: &str) -> Result<Option<Week>, StoreError>;
    /// Claims the digest of `week`: true if this call claimed it, false if it was already sent.
    fn mark_digest_sent(&self, team: &str, week: Week) -> Result<bool, StoreError>;
    /// Whether chat event `event` was stored (see [`Store::add_event_note_then`]).
    fn seen_event(&self, event: &str) -> Result<bool, StoreError>;
    /// Forgets event ids first seen before `before`; returns how many.
    fn prune_events(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;
    /// Deletes every record of the rep; returns how many notes were deleted.
    fn forget_rep(&self, team: &str, rep: &str) -> Result<u64, StoreError>;
    /// Drops the text of the team's notes older than `before`; returns how many.
    fn purge_text(&self, team: &str, before: DateTime<Utc>) -> Result<u64, StoreError>;
    /// A housekeeping time (e.g. the last retention purge).
    fn meta_time(&self, key: &str) -> Result<Option<DateTime<Utc>>, StoreError>;
    fn set_meta_time(&self, key: &str, at: DateTime<Utc>) -> Result<(), StoreError>;
    /// Reads every record and checks it decodes and matches its key.
    fn check(&self) -> Result<u64, StoreError>;
    fn flush(&self) -> Result<(), StoreError>;
    /// Every record, kind by kind: event ids first and notes last, so that a copy made while
    /// notes arrive never holds an event id without its note.
    fn records(&self, each: EachRecord<'_>) -> Result<(), StoreError>;
    /// Stores records as they are (notes keep their ids), all of them durable once it returns
    /// (one transaction on PostgreSQL, one flush on sled). Storing the same records again
    /// changes nothing; a digest week only moves forward; the note
    /// counter moves past every id stored. Returns how many notes were not stored before.
    fn put_records(&self, records: Vec<Record>) -> Result<u64, StoreError>;
    /// Copies every record into `to` (a new or empty folder) as a store of its own, which
    /// `--data-dir` or `callnudge restore` can open; safe while notes arrive. Returns the
    /// number of notes copied.
    fn backup(&self, to: &Path) -> Result<u64, StoreError>;
}

/// A record from its JSON; `tree` names the table or tree it came from.
fn decode<T: serde::de::DeserializeOwned>(tree: &str, bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt {
        tree: tree.to_string(),
        reason: e.to_string(),
    })
}

/// A record as JSON, as every store keeps its values.
fn encode<T: serde::Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("plain data always serializes")
}

/// Ids from here on come from chat events and imports, not from a store's counter.
const EVENT_IDS: u64 = 1 << 52;

/// The id of the note a chat event carried: the same for every delivery of the event, in
/// `[2^52, 2^53)` (far above the ids the stores count, and exact in a JSON number).
fn event_note_id(event: &str) -> u64 {
    // FNV-1a: stable across builds, unlike std's hasher.
    let hash = event.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    EVENT_IDS | (hash & (EVENT_IDS - 1))
}

/// Team and rep names may not contain NUL (sled's key separator; PostgreSQL's text refuses it).
fn clean(s: &str) -> String {
    s.replace('\0', "")
}

/// A backup's target must be a new or empty folder: nothing there is overwritten.
fn new_or_empty(to: &Path) -> Result<(), StoreError> {
    let error = |what: String| StoreError::BackupTarget {
        dir: to.to_path_buf(),
        what,
    };
    match std::fs::read_dir(to).map(|mut entries| entries.next().is_some()) {
        Ok(true) => Err(error("it is not empty".into())),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(error(e.to_string())),
        _ => Ok(()),
    }
}
