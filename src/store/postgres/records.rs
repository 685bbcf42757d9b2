//! Every record of a PostgreSQL store read in one snapshot, and records stored as they
//! are: what backups and `callnudge migrate` copy with (see [`crate::store::copy`]).
//!
//! Invariants: the walk reads one REPEATABLE READ snapshot, event ids first and notes last
//! (a page at a time, by id); storing is one transaction that first moves the note counter
//! past every id it brings, never overwrites another note under a taken id (`IdTaken`, the
//! batch not stored), and changes nothing when the same records come again.

use super::{
    clean, decode, encode, insert_note, micros, note_of, text, Failure, Param, PgStore,
    INSERT_NOTE, PAGE,
};
use crate::core::{Dispute, Week};
use crate::store::{EachRecord, Record, StoreError, EVENT_IDS};

impl PgStore {
    /// Every record, kind by kind, from one snapshot (see [`Store::records`]).
    pub(super) fn walk_records(&self, each: EachRecord<'_>) -> Result<(), StoreError> {
        // One snapshot for the whole walk, so that event ids (read first) all have their
        // notes (read last), whatever arrives meanwhile.
        let mut client = self.block(self.db.client())?;
        let db = &self.db;
        let err = |e| db.err(e);
        let tx = self
            .block(
                client
                    .build_transaction()
                    .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
                    .read_only(true)
                    .start(),
            )
            .map_err(err)?;
        let query = |sql: &str, params: &[Param]| self.block(tx.query(sql, params)).map_err(err);
        for r in query("SELECT event, at_s FROM events ORDER BY event", &[])? {
            each(Record::Event {
                event: r.get(0),
                at: r.get(1),
            })?;
        }
        for r in query("SELECT settings FROM teams ORDER BY team", &[])? {
            each(Record::Team(decode(
                "teams",
                r.get::<_, &str>(0).as_bytes(),
            )?))?;
        }
        for r in query("SELECT team, rep, prefs FROM reps ORDER BY team, rep", &[])? {
            each(Record::Prefs {
                team: r.get(0),
                rep: r.get(1),
                prefs: decode("reps", r.get::<_, &str>(2).as_bytes())?,
            })?;
        }
        let disputes = "SELECT team, rule, rep, note, at_us FROM disputes \
                        ORDER BY team, rule, rep, note";
        for r in query(disputes, &[])? {
            each(Record::Dispute {
                team: r.get(0),
                dispute: Dispute {
                    rule: r.get(1),
                    rep: r.get(2),
                    note: r.get::<_, i64>(3) as u64,
                    at: r.get::<_, Option<i64>>(4).and_then(micros),
                },
            })?;
        }
        for r in query("SELECT team, year, week FROM digests ORDER BY team", &[])? {
            let week = Week {
                year: r.get(1),
                week: r.get::<_, i32>(2) as u32,
            };
            each(Record::Digest {
                team: r.get(0),
                week,
            })?;
        }
        for r in query("SELECT key, at_us FROM meta ORDER BY key", &[])? {
            if let Some(at) = micros(r.get(1)) {
                each(Record::Meta { key: r.get(0), at })?;
            }
        }
        let counter = "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM note_ids";
        if let Some(r) = query(counter, &[])?.first() {
            let last: i64 = r.get(0);
            if last > 0 {
                each(Record::Counter(last as u64))?;
            }
        }
        // Notes a page at a time, by id: a large store is never all in memory.
        let mut after = -1_i64;
        loop {
            let rows = query(
                "SELECT id, body, team, rep, at_us FROM notes WHERE id > $1 ORDER BY id LIMIT $2",
                &[&after, &PAGE],
            )?;
            let Some(last) = rows.last() else { break };
            after = last.get(0);
            for r in &rows {
                let note = note_of(r)?;
                let (team, rep, at): (&str, &str, i64) = (r.get(2), r.get(3), r.get(4));
                if note.team != team || note.rep != rep || note.at.timestamp_micros() != at {
                    return Err(StoreError::Corrupt {
                        tree: "notes".into(),
                        reason: format!("note {} disagrees with its row's columns", note.id),
                    });
                }
                each(Record::Note(note))?;
            }
        }
        self.block(tx.commit()).map_err(err)
    }

    /// Stores records as they are, one transaction (see [`Store::put_records`]).
    pub(super) fn store_records(&self, records: Vec<Record>) -> Result<u64, StoreError> {
        // The counter moves past every counted id first (a sequence is not transactional, so
        // a note typed meanwhile elsewhere gets an id above them), never back.
        let highest = records
            .iter()
            .filter_map(|r| match r {
                Record::Note(note) if note.id < EVENT_IDS => Some(note.id),
                Record::Counter(last) => Some(*last),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        self.block(self.db.transaction(async |tx| {
            if highest > 0 {
                tx.execute(
                    "SELECT setval('note_ids', greatest($1, \
                     (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM note_ids)))",
                    &[&(highest as i64)],
                )
                .await?;
            }
            let insert = tx.prepare_cached(INSERT_NOTE).await?;
            let mut new = 0;
            for record in records {
                match record {
                    Record::Note(mut note) => {
                        note.team = clean(&note.team);
                        note.rep = clean(&note.rep);
                        if insert_note(tx, &insert, &note).await? == 1 {
                            new += 1;
                            continue;
                        }
                        // Stored before: the same note (a second copy), or another under its
                        // id, which would be lost: refused, with nothing of the batch stored.
                        let row = tx
                            .query_one(
                                "SELECT id, body FROM notes WHERE id = $1",
                                &[&(note.id as i64)],
                            )
                            .await?;
                        if note_of(&row)? != note {
                            return Err(Failure::Store(StoreError::IdTaken { id: note.id }));
                        }
                    }
                    Record::Team(settings) => {
                        tx.execute(
                            "INSERT INTO teams (team, settings) VALUES ($1, $2) \
                             ON CONFLICT (team) DO UPDATE SET settings = excluded.settings",
                            &[&clean(&settings.team), &text(encode(&settings))],
                        )
                        .await?;
                    }
                    Record::Prefs { team, rep, prefs } => {
                        tx.execute(
                            "INSERT INTO reps (team, rep, prefs) VALUES ($1, $2, $3) \
                             ON CONFLICT (team, rep) DO UPDATE SET prefs = excluded.prefs",
                            &[&clean(&team), &clean(&rep), &text(encode(&prefs))],
                        )
                        .await?;
                    }
                    Record::Dispute { team, dispute } => {
                        let at = dispute.at.map(|at| at.timestamp_micros());
                        tx.execute(
                            "INSERT INTO disputes (team, rule, rep, note, at_us) \
                             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (team, rule, rep, note) \
                             DO UPDATE SET at_us = excluded.at_us",
                            &[
                                &clean(&team),
                                &clean(&dispute.rule),
                                &clean(&dispute.rep),
                                &(dispute.note as i64),
                                &at,
                            ],
                        )
                        .await?;
                    }
                    Record::Digest { team, week } => {
                        tx.execute(
                            "INSERT INTO digests (team, year, week) VALUES ($1, $2, $3) \
                             ON CONFLICT (team) DO UPDATE SET year = excluded.year, \
                             week = excluded.week \
                             WHERE (digests.year, digests.week) < (excluded.year, excluded.week)",
                            &[&clean(&team), &week.year, &(week.week as i32)],
                        )
                        .await?;
                    }
                    Record::Event { event, at } => {
                        tx.execute(
                            "INSERT INTO events (event, at_s) VALUES ($1, $2) \
                             ON CONFLICT DO NOTHING",
                            &[&clean(&event), &at],
                        )
                        .await?;
                    }
                    Record::Meta { key, at } => {
                        tx.execute(
                            "INSERT INTO meta (key, at_us) VALUES ($1, $2) \
                             ON CONFLICT (key) DO UPDATE SET at_us = excluded.at_us",
                            &[&clean(&key), &at.timestamp_micros()],
                        )
                        .await?;
                    }
                    Record::Counter(_) => {} // set above
                }
            }
            Ok(new)
        }))
    }
}
