//! A real sled store that fails its next note write on demand, as a full disk or an I/O error
//! would: for adapter tests of what happens when a note cannot be stored.

use callnudge::store::SledStore;

/// A real sled store whose next note write fails once `fail_next` is set, as a full disk or
/// an I/O error would make it fail.
pub struct FailingNotes {
    pub inner: SledStore,
    pub fail_next: std::sync::atomic::AtomicBool,
}

impl FailingNotes {
    fn failing(&self) -> bool {
        self.fail_next
            .swap(false, std::sync::atomic::Ordering::SeqCst)
    }
    fn error(&self) -> callnudge::store::StoreError {
        callnudge::store::StoreError::Io {
            dir: self.inner.dir().to_path_buf(),
            source: std::sync::Arc::new(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "No space left on device",
            )),
        }
    }
}

mod store_impl {
    use super::FailingNotes;
    use callnudge::core::snooze::RepPrefs;
    use callnudge::core::{NoteRecord, TeamSettings, Week};
    use callnudge::store::{EventNoteDone, NoteDone, Store, StoreError, TeamChange};
    use chrono::{DateTime, Utc};
    use std::collections::BTreeMap;

    type R<T> = Result<T, StoreError>;

    impl Store for FailingNotes {
        fn add_note(&self, note: NoteRecord) -> R<NoteRecord> {
            if self.failing() {
                return Err(self.error());
            }
            self.inner.add_note(note)
        }
        fn add_note_then(&self, note: NoteRecord, done: NoteDone) {
            if self.failing() {
                return done(Err(self.error()));
            }
            self.inner.add_note_then(note, done)
        }
        fn add_event_note_then(&self, e: &str, n: NoteRecord, d: EventNoteDone) {
            if self.failing() {
                return d(Err(self.error()));
            }
            self.inner.add_event_note_then(e, n, d)
        }
        fn add_notes(&self, notes: Vec<NoteRecord>) -> R<Vec<NoteRecord>> {
            self.inner.add_notes(notes)
        }
        fn add_notes_once(&self, notes: Vec<NoteRecord>) -> R<u64> {
            self.inner.add_notes_once(notes)
        }
        fn notes(&self, team: &str, rep: Option<&str>) -> R<Vec<NoteRecord>> {
            self.inner.notes(team, rep)
        }
        fn notes_since(&self, team: &str, since: DateTime<Utc>) -> R<Vec<NoteRecord>> {
            self.inner.notes_since(team, since)
        }
        fn team(&self, team: &str) -> R<Option<TeamSettings>> {
            self.inner.team(team)
        }
        fn update_team(&self, team: &str, change: TeamChange<'_>) -> R<TeamSettings> {
            self.inner.update_team(team, change)
        }
        fn teams(&self) -> R<Vec<TeamSettings>> {
            self.inner.teams()
        }
        fn rep_prefs(&self, team: &str, rep: &str) -> R<RepPrefs> {
            self.inner.rep_prefs(team, rep)
        }
        fn put_rep_prefs(&self, team: &str, rep: &str, prefs: &RepPrefs) -> R<()> {
            self.inner.put_rep_prefs(team, rep, prefs)
        }
        fn add_dispute(
            &self,
            team: &str,
            rep: &str,
            rule: &str,
            note: u64,
            at: DateTime<Utc>,
        ) -> R<()> {
            self.inner.add_dispute(team, rep, rule, note, at)
        }
        fn dispute_log(&self, team: &str) -> R<Vec<callnudge::core::Dispute>> {
            self.inner.dispute_log(team)
        }
        fn disputes(&self, team: &str) -> R<BTreeMap<String, u32>> {
            self.inner.disputes(team)
        }
        fn rule_disputes(&self, team: &str, rule: &str) -> R<Vec<(String, u64)>> {
            self.inner.rule_disputes(team, rule)
        }
        fn last_digest(&self, team: &str) -> R<Option<Week>> {
            self.inner.last_digest(team)
        }
        fn mark_digest_sent(&self, team: &str, week: Week) -> R<bool> {
            self.inner.mark_digest_sent(team, week)
        }
        fn seen_event(&self, event: &str) -> R<bool> {
            self.inner.seen_event(event)
        }
        fn prune_events(&self, before: DateTime<Utc>) -> R<u64> {
            self.inner.prune_events(before)
        }
        fn forget_rep(&self, team: &str, rep: &str) -> R<u64> {
            self.inner.forget_rep(team, rep)
        }
        fn purge_text(&self, team: &str, before: DateTime<Utc>) -> R<u64> {
            self.inner.purge_text(team, before)
        }
        fn meta_time(&self, key: &str) -> R<Option<DateTime<Utc>>> {
            self.inner.meta_time(key)
        }
        fn set_meta_time(&self, key: &str, at: DateTime<Utc>) -> R<()> {
            self.inner.set_meta_time(key, at)
        }
        fn check(&self) -> R<u64> {
            self.inner.check()
        }
        fn teams_with_notes(&self) -> R<Vec<String>> {
            self.inner.teams_with_notes()
        }
        fn flush(&self) -> R<()> {
            self.inner.flush()
        }
        fn backup(&self, to: &std::path::Path) -> R<u64> {
            self.inner.backup(to)
        }
        fn records(&self, each: callnudge::store::EachRecord<'_>) -> R<()> {
            self.inner.records(each)
        }
        fn put_records(&self, records: Vec<callnudge::store::Record>) -> R<u64> {
            self.inner.put_records(records)
        }
    }
}
