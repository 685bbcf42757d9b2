//! The PostgreSQL implementation of [`Store`]: one database that any number of `serve`
//! processes and console commands share (`CALLNUDGE_DATABASE_URL`).
//!
//! Tables mirror sled's trees (see `migrations/0001_init.sql`); values are the same JSON.
//! Migrations are versioned in `callnudge_migrations` and run on open, under an advisory
//! lock so that two processes starting together apply each once.
//!
//! The contract, across processes: a note is acknowledged only after its commit (PostgreSQL
//! commits are durable); `add_notes`, `put_records` and `forget_rep` are one transaction
//! each; `update_team` reads the row `FOR UPDATE`, so no change made meanwhile is lost; a
//! digest is claimed by an upsert that only moves the week forward, so one process wins;
//! a chat event's id and its note go in one transaction, and the event id's primary key
//! makes a second delivery, on any process, store nothing.
//!
//! The driver is async (`tokio-postgres`, pooled by deadpool) and runs on a small runtime of
//! the store's own, so the blocking [`Store`] methods work from console commands and from
//! `spawn_blocking` alike (on an async worker thread they block it, handing its other tasks
//! over first).
//! `add_note_then` and `add_event_note_then` run on that runtime and call back once
//! committed, so no thread waits per note in flight. The pool, migrations, transactions and
//! rows are in `db.rs`; the whole-store walk in `records.rs`; TLS in `tls.rs`.

use super::{
    clean, decode, encode, EachRecord, EventNoteDone, NoteDone, Record, Store, StoreError,
    TeamChange,
};
use crate::core::snooze::RepPrefs;
use crate::core::{Dispute, NoteRecord, TeamSettings, Week};
use chrono::{DateTime, Utc};
use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod};
use std::collections::BTreeMap;
use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

mod db;
mod records;
mod tls;

use db::{
    database, describe, insert_note, micros, next_id_and_insert, note_of, plain_userinfo, text, Db,
    Failure, Param, INSERT_NOTE,
};

/// Connections per process: enough for a burst of notes, small beside PostgreSQL's default
/// of 100 connections shared by every process.
const POOL_SIZE: usize = 16;

/// How long opening a connection or waiting for a free one may take before the operation
/// fails with a clear error (a database that is down must not hang a command).
const WAIT: Duration = Duration::from_secs(15);

/// Notes per page when every record is read (`records`).
const PAGE: i64 = 2000;

/// A PostgreSQL database.
pub struct PgStore {
    /// The store's own runtime (taken on drop, to stop it without blocking).
    runtime: Option<tokio::runtime::Runtime>,
    db: Db,
    /// Notes handed to `add_note_then` / `add_event_note_then` whose callback has not run
    /// yet: `flush` waits for them (a shutdown does not drop a note in flight).
    in_flight: Arc<std::sync::atomic::AtomicUsize>,
}

/// Counts a note in flight until it is dropped (after its callback ran).
struct InFlight(Arc<std::sync::atomic::AtomicUsize>);

impl InFlight {
    fn new(count: &Arc<std::sync::atomic::AtomicUsize>) -> InFlight {
        count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        InFlight(count.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://USER:PASSWORD@HOST:PORT/DB`; `sslmode`
    /// and `sslrootcert` as libpq reads them), and brings its schema up to date.
    pub fn open(url: &str) -> Result<PgStore, StoreError> {
        // `sslmode` and `sslrootcert` as libpq reads them (see `tls.rs`).
        plain_userinfo(url)?;
        let (url, tls) = tls::from_url(url)?;
        let mut config: tokio_postgres::Config =
            url.parse()
                .map_err(|e: tokio_postgres::Error| StoreError::DatabaseUrl {
                    what: e.to_string(),
                })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(WAIT);
        }
        config.application_name("callnudge");
        let target: Arc<str> = describe(&config).into();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("callnudge-db")
            .enable_all()
            .build()
            .map_err(|e| database(&target, e))?;
        let manager = Manager::from_config(
            config,
            tls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(WAIT))
            .create_timeout(Some(WAIT))
            .build()
            .map_err(|e| database(&target, e))?;
        let store = PgStore {
            runtime: Some(runtime),
            db: Db { pool, target },
            in_flight: Default::default(),
        };
        store.block(store.db.migrate())?;
        Ok(store)
    }

    /// The database, as messages name it (no password).
    pub fn target(&self) -> &str {
        &self.db.target
    }

    fn runtime(&self) -> &tokio::runtime::Runtime {
        self.runtime
            .as_ref()
            .expect("the runtime lives as long as the store")
    }

    /// Runs `work` on the store's runtime and waits for it, from any thread:
    /// - on a worker of a multi-threaded runtime (an adapter reading settings in an async
    ///   handler), the worker hands its other tasks over while it waits (`block_in_place`);
    /// - inside a current-thread runtime (`#[tokio::main(flavor = "current_thread")]`, a
    ///   `#[tokio::test]`), where a runtime may not be entered and no task can be handed
    ///   over, a short-lived thread outside it waits instead;
    /// - anywhere else, the caller waits.
    fn block<T: Send>(&self, work: impl Future<Output = T> + Send) -> T {
        use tokio::runtime::{Handle, RuntimeFlavor};
        match Handle::try_current().map(|h| h.runtime_flavor()) {
            Ok(RuntimeFlavor::MultiThread) => {
                tokio::task::block_in_place(|| self.runtime().block_on(work))
            }
            Ok(_) => std::thread::scope(|scope| {
                scope
                    .spawn(|| self.runtime().block_on(work))
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            }),
            Err(_) => self.runtime().block_on(work),
        }
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        // Dropping a runtime blocks, which async code may not do: let it stop on its own.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl Store for PgStore {
    fn add_note(&self, note: NoteRecord) -> Result<NoteRecord, StoreError> {
        self.block(self.db.add_note(note))
    }

    fn add_note_then(&self, note: NoteRecord, done: NoteDone) {
        let (db, flight) = (self.db.clone(), InFlight::new(&self.in_flight));
        self.runtime().spawn(async move {
            done(db.add_note(note).await);
            drop(flight);
        });
    }

    fn add_event_note_then(&self, event: &str, note: NoteRecord, done: EventNoteDone) {
        let (db, event) = (self.db.clone(), event.to_string());
        let flight = InFlight::new(&self.in_flight);
        self.runtime().spawn(async move {
            done(db.add_event_note(event, note).await);
            drop(flight);
        });
    }

    fn add_notes(&self, notes: Vec<NoteRecord>) -> Result<Vec<NoteRecord>, StoreError> {
        self.block(self.db.transaction(async |tx| {
            let insert = tx.prepare_cached(INSERT_NOTE).await?;
            let mut out = Vec::with_capacity(notes.len());
            for mut note in notes {
                note.team = clean(&note.team);
                note.rep = clean(&note.rep);
                next_id_and_insert(tx, &insert, &mut note).await?;
                out.push(note);
            }
            Ok(out)
        }))
    }

    fn add_notes_once(&self, notes: Vec<NoteRecord>) -> Result<u64, StoreError> {
        self.block(self.db.transaction(async |tx| {
            let insert = tx.prepare_cached(INSERT_NOTE).await?;
            let mut new = 0;
            for mut note in notes {
                note.team = clean(&note.team);
                note.rep = clean(&note.rep);
                new += insert_note(tx, &insert, &note).await?;
            }
            Ok(new)
        }))
    }

    fn notes(&self, team: &str, rep: Option<&str>) -> Result<Vec<NoteRecord>, StoreError> {
        self.block(async {
            match rep {
                Some(rep) => {
                    self.db
                        .notes(
                            "SELECT id, body FROM notes WHERE team = $1 AND rep = $2 \
                             ORDER BY at_us, id",
                            &[&team, &rep],
                        )
                        .await
                }
                None => {
                    self.db
                        .notes(
                            "SELECT id, body FROM notes WHERE team = $1 ORDER BY at_us, id",
                            &[&team],
                        )
                        .await
                }
            }
        })
    }

    fn notes_since(&self, team: &str, since: DateTime<Utc>) -> Result<Vec<NoteRecord>, StoreError> {
        let since = since.timestamp_micros();
        self.block(self.db.notes(
            "SELECT id, body FROM notes WHERE team = $1 AND at_us >= $2 ORDER BY at_us, id",
            &[&team, &since],
        ))
    }

    fn teams_with_notes(&self) -> Result<Vec<String>, StoreError> {
        self.block(async {
            let client = self.db.client().await?;
            // A skip-scan: one index probe per team, however many notes each has.
            let rows = client
                .query(
                    "WITH RECURSIVE t(team) AS (\
                       (SELECT team FROM notes ORDER BY team LIMIT 1) \
                       UNION ALL \
                       SELECT (SELECT n.team FROM notes n WHERE n.team > t.team \
                               ORDER BY n.team LIMIT 1) FROM t WHERE t.team IS NOT NULL) \
                     SELECT team FROM t WHERE team IS NOT NULL",
                    &[],
                )
                .await
                .map_err(|e| self.db.err(e))?;
            Ok(rows.iter().map(|r| r.get(0)).collect())
        })
    }

    fn team(&self, team: &str) -> Result<Option<TeamSettings>, StoreError> {
        self.block(async {
            let client = self.db.client().await?;
            let row = client
                .query_opt("SELECT settings FROM teams WHERE team = $1", &[&team])
                .await
                .map_err(|e| self.db.err(e))?;
            row.map(|r| decode("teams", r.get::<_, &str>(0).as_bytes()))
                .transpose()
        })
    }

    fn update_team(&self, team: &str, change: TeamChange<'_>) -> Result<TeamSettings, StoreError> {
        let team = clean(team);
        loop {
            // The row is locked from the read to the commit: a change by another process
            // waits, then starts from what this one wrote.
            let outcome = self.block(self.db.transaction(async |tx| {
                let row = tx
                    .query_opt(
                        "SELECT settings FROM teams WHERE team = $1 FOR UPDATE",
                        &[&team],
                    )
                    .await?;
                let stored = match &row {
                    Some(r) => decode::<TeamSettings>("teams", r.get::<_, &str>(0).as_bytes())?,
                    None => TeamSettings::new(&team),
                };
                let mut settings = stored.clone();
                if !change(&mut settings) {
                    return Ok(Some(stored));
                }
                settings.team = team.clone();
                let value = text(encode(&settings));
                if row.is_some() {
                    tx.execute(
                        "UPDATE teams SET settings = $2 WHERE team = $1",
                        &[&team, &value],
                    )
                    .await?;
                } else {
                    let inserted = tx
                        .execute(
                            "INSERT INTO teams (team, settings) VALUES ($1, $2) \
                             ON CONFLICT DO NOTHING",
                            &[&team, &value],
                        )
                        .await?;
                    if inserted == 0 {
                        // Another process created the team meanwhile: read it and go again.
                        return Ok(None);
                    }
                }
                Ok(Some(settings))
            }))?;
            if let Some(settings) = outcome {
                return Ok(settings);
            }
        }
    }

    fn teams(&self) -> Result<Vec<TeamSettings>, StoreError> {
        self.block(async {
            let client = self.db.client().await?;
            let rows = client
                .query("SELECT settings FROM teams ORDER BY team", &[])
                .await
                .map_err(|e| self.db.err(e))?;
            rows.iter()
                .map(|r| decode("teams", r.get::<_, &str>(0).as_bytes()))
                .collect()
        })
    }

    fn rep_prefs(&self, team: &str, rep: &str) -> Result<RepPrefs, StoreError> {
        self.block(async {
            let client = self.db.client().await?;
            let row = client
                .query_opt(
                    "SELECT prefs FROM reps WHERE team = $1 AND rep = $2",
                    &[&team, &rep],
                )
                .await
                .map_err(|e| self.db.err(e))?;
            match row {
                None => Ok(RepPrefs::default()),
                Some(r) => decode("reps", r.get::<_, &str>(0).as_bytes()),
            }
        })
    }

    fn put_rep_prefs(&self, team: &str, rep: &str, prefs: &RepPrefs) -> Result<(), StoreError> {
        let (team, rep, value) = (clean(team), clean(rep), text(encode(prefs)));
        self.block(async {
            let client = self.db.client().await?;
            client
                .execute(
                    "INSERT INTO reps (team, rep, prefs) VALUES ($1, $2, $3) \
                     ON CONFLICT (team, rep) DO UPDATE SET prefs = excluded.prefs",
                    &[&team, &rep, &value],
                )
                .await
                .map_err(|e| self.db.err(e))?;
            Ok(())
        })
    }

    fn add_dispute(
        &self,
        team: &str,
        rep: &str,
        rule: &str,
        note: u64,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let dispute = Dispute {
            rule: rule.to_string(),
            rep: rep.to_string(),
            note,
            at: Some(at),
        };
        self.put_records(vec![Record::Dispute {
            team: team.to_string(),
            dispute,
        }])
        .map(|_| ())
    }

    fn dispute_log(&self, team: &str) -> Result<Vec<Dispute>, StoreError> {
        self.block(async {
            let client = self.db.client().await?;
            let rows = client
                .query(
                    "SELECT rule, rep, note, at_us FROM disputes WHERE team = $1 \
                     ORDER BY rule, rep, note",
                    &[&team],
                )
                .await
                .map_err(|e| self.db.err(e))?;
            Ok(rows
                .iter()
                .map(|r| Dispute {
                    rule: r.get(0),
                    rep: r.get(1),
                    note: r.get::<_, i64>(2) as u64,
                    at: r.get::<_, Option<i64>>(3).and_then(micros),
                })
                .collect())
        })
    }

    fn disputes(&self, team: &str) -> Result<BTreeMap<String, u32>, StoreError> {
        self.block(async {
            let client = self.db.client().await?;
            let rows = client
                .query(
                    "SELECT rule, count(*) FROM disputes WHERE team = $1 GROUP BY rule",
                    &[&team],
                )
                .await
                .map_err(|e| self.db.err(e))?;
            Ok(rows
                .iter()
                .map(|r| (r.get(0), r.get::<_, i64>(1) as u32))
                .collect())
        })
    }

    fn rule_disputes(&self, team: &str, rule: &str) -> Result<Vec<(String, u64)>, StoreError> {
        self.block(async {
            let client = self.db.client().await?;
            let rows = client
                .query(
                    "SELECT rep, note FROM disputes WHERE team = $1 AND rule = $2 \
                     ORDER BY rep, note",
                    &[&team, &rule],
                )
                .await
                .map_err(|e| self.db.err(e))?;
            Ok(rows
                .iter()
                .map(|r| (r.get(0), r.get::<_, i64>(1) as u64))
                .collect())
        })
    }

    fn last_digest(&self, team: &str) -> Result<Option<Week>, StoreError> {
        self.block(async {
            let client = self.db.client().await?;
            let row = client
                .query_opt("SELECT year, week FROM digests WHERE team = $1", &[&team])
                .await
                .map_err(|e| self.db.err(e))?;
            Ok(row.map(|r| Week {
                year: r.get(0),
                week: r.get::<_, i32>(1) as u32,
            }))
        })
    }

    fn mark_digest_sent(&self, team: &str, week: Week) -> Result<bool, StoreError> {
        let team = clean(team);
        self.block(async {
            let client = self.db.client().await?;
            // One statement: of processes claiming the same week at once, one moves the row.
            let claimed = client
                .execute(
                    "INSERT INTO digests (team, year, week) VALUES ($1, $2, $3) \
                     ON CONFLICT (team) DO UPDATE SET year = excluded.year, week = excluded.week \
                     WHERE (digests.year, digests.week) < (excluded.year, excluded.week)",
                    &[&team, &week.year, &(week.week as i32)],
                )
                .await
                .map_err(|e| self.db.err(e))?;
            Ok(claimed == 1)
        })
    }

    fn seen_event(&self, event: &str) -> Result<bool, StoreError> {
        self.block(async {
            let client = self.db.client().await?;
            let row = client
                .query_opt("SELECT 1 FROM events WHERE event = $1", &[&clean(event)])
                .await
                .map_err(|e| self.db.err(e))?;
            Ok(row.is_some())
        })
    }

    fn prune_events(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        self.block(async {
            let client = self.db.client().await?;
            client
                .execute("DELETE FROM events WHERE at_s < $1", &[&before.timestamp()])
                .await
                .map_err(|e| self.db.err(e))
        })
    }

    fn forget_rep(&self, team: &str, rep: &str) -> Result<u64, StoreError> {
        self.block(self.db.transaction(async |tx| {
            // Rows are locked in id order, as `purge_text` locks them: two transactions that
            // lock the same notes in the same order wait for each other, never deadlock.
            let notes = tx
                .execute(
                    "DELETE FROM notes WHERE id IN (SELECT id FROM notes \
                     WHERE team = $1 AND rep = $2 ORDER BY id FOR UPDATE)",
                    &[&team, &rep],
                )
                .await?;
            tx.execute(
                "DELETE FROM disputes WHERE team = $1 AND rep = $2",
                &[&team, &rep],
            )
            .await?;
            tx.execute(
                "DELETE FROM reps WHERE team = $1 AND rep = $2",
                &[&team, &rep],
            )
            .await?;
            let row = tx
                .query_opt(
                    "SELECT settings FROM teams WHERE team = $1 FOR UPDATE",
                    &[&team],
                )
                .await?;
            if let Some(row) = row {
                let mut s: TeamSettings = decode("teams", row.get::<_, &str>(0).as_bytes())?;
                if s.is_manager(rep) || s.names.contains_key(rep) {
                    s.managers.retain(|m| m != rep);
                    s.names.remove(rep);
                    tx.execute(
                        "UPDATE teams SET settings = $2 WHERE team = $1",
                        &[&team, &text(encode(&s))],
                    )
                    .await?;
                }
            }
            Ok(notes)
        }))
    }

    fn purge_text(&self, team: &str, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let cutoff = before.timestamp_micros();
        self.block(self.db.transaction(async |tx| {
            // Locked as read, in id order (as `forget_rep` locks them): a forget meanwhile
            // waits, and deletes what is purged here.
            let rows = tx
                .query(
                    "SELECT id, body FROM notes WHERE team = $1 AND at_us < $2 AND has_text \
                     ORDER BY id FOR UPDATE",
                    &[&team, &cutoff],
                )
                .await?;
            let update = tx
                .prepare_cached("UPDATE notes SET body = $2, has_text = false WHERE id = $1")
                .await?;
            let mut purged = 0;
            for row in &rows {
                let mut note = note_of(row)?;
                note.text = None;
                tx.execute(&update, &[&(note.id as i64), &text(encode(&note))])
                    .await?;
                purged += 1;
            }
            Ok(purged)
        }))
    }

    fn meta_time(&self, key: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.block(async {
            let client = self.db.client().await?;
            let row = client
                .query_opt("SELECT at_us FROM meta WHERE key = $1", &[&key])
                .await
                .map_err(|e| self.db.err(e))?;
            Ok(row.and_then(|r| micros(r.get(0))))
        })
    }

    fn set_meta_time(&self, key: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.put_records(vec![Record::Meta {
            key: key.to_string(),
            at,
        }])
        .map(|_| ())
    }

    fn check(&self) -> Result<u64, StoreError> {
        let mut count = 0;
        self.records(&mut |record| {
            count += u64::from(matches!(record, Record::Note(_)));
            Ok(())
        })?;
        Ok(count)
    }

    fn flush(&self) -> Result<(), StoreError> {
        // Notes in flight finish first (at most WAIT): a shutdown flushes, then drops the
        // store, whose runtime would drop them.
        let deadline = std::time::Instant::now() + WAIT;
        while self.in_flight.load(std::sync::atomic::Ordering::SeqCst) > 0
            && std::time::Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(5));
        }
        // Every write is committed before it returns; this proves the database answers.
        self.block(async {
            let client = self.db.client().await?;
            client
                .query_one("SELECT 1", &[])
                .await
                .map_err(|e| self.db.err(e))?;
            Ok(())
        })
    }

    fn records(&self, each: EachRecord<'_>) -> Result<(), StoreError> {
        self.walk_records(each)
    }

    fn put_records(&self, records: Vec<Record>) -> Result<u64, StoreError> {
        self.store_records(records)
    }

    fn backup(&self, to: &Path) -> Result<u64, StoreError> {
        let target_error = |what: String| StoreError::BackupTarget {
            dir: to.to_path_buf(),
            what,
        };
        super::new_or_empty(to)?;
        // The copy is a sled folder: `--data-dir` opens it without a server.
        let copy = super::SledStore::open(to)?;
        let copied = super::copy::copy(self, &copy, &mut |_| {})?;
        super::copy::verify(&copy, &copied).map_err(target_error)?;
        let notes = copied.read.get("notes").copied().unwrap_or(0);
        Ok(notes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_that_would_split_the_url_is_refused_without_quoting_it() {
        // Port 1 on loopback: nothing listens, so no error can come from a server either.
        for (url, secrets) in [
            (
                "postgres://app:zq7?xk9p@127.0.0.1:1/app",
                &["zq7", "xk9p"][..],
            ),
            (
                "postgres://app:mm2/jj8?ww4=y@127.0.0.1:1/app",
                &["mm2", "jj8", "ww4"],
            ),
            ("postgres://app:hh3#kk5@127.0.0.1:1/app", &["hh3", "kk5"]),
        ] {
            let Err(e) = PgStore::open(url) else {
                panic!("{url} opened")
            };
            let text = e.to_string();
            assert!(text.contains("percent-encode"), "{url}: {text}");
            for secret in secrets {
                assert!(!text.contains(secret), "{url}: {text}");
            }
        }
        // Percent-encoded, the same password is fine as far as the URL goes.
        let err = PgStore::open("postgres://app:zq7%3Fxk9p@127.0.0.1:1/app")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("postgres://app@127.0.0.1:1/app:"), "{err}");
        assert!(
            !err.contains("zq7") && !err.contains("percent-encode"),
            "{err}"
        );
    }
}
