//! The connection side of [`super::PgStore`]: the pool and how messages name the database
//! (`Db`), migrations, transactions, the URL checks that keep passwords out of errors, and
//! the rows a note becomes. Everything here is async; `PgStore` runs it on its runtime.

use super::super::{clean, decode, encode, event_note_id, StoreError};
use crate::core::NoteRecord;
use chrono::{DateTime, Utc};
use deadpool_postgres::{GenericClient, Pool};
use std::sync::Arc;

/// The schema versions this build knows, in order; each is applied once.
pub(super) const MIGRATIONS: &[(i32, &str)] = &[(1, include_str!("../migrations/0001_init.sql"))];

/// The advisory lock migrations run under (any constant unique to callnudge).
pub(super) const MIGRATION_LOCK: i64 = 0x6361_6c6c_6e75_6467; // "callnudg"

/// The pool and how to name the database in messages: what async work needs.
#[derive(Clone)]
pub(super) struct Db {
    pub(super) pool: Pool,
    /// The URL without its password.
    pub(super) target: Arc<str>,
}

/// Refuses a URL whose user or password holds an unescaped `?`, `#` or `/`: the URL would
/// split there (its database and parameters taken from the password), and errors would
/// quote the pieces. Says how to write it, without quoting it.
pub(super) fn plain_userinfo(url: &str) -> Result<(), StoreError> {
    let Some((_, rest)) = url.split_once("://") else {
        return Ok(());
    };
    let Some((userinfo, _)) = rest.split_once('@') else {
        return Ok(());
    };
    if userinfo.contains(['?', '#', '/']) {
        return Err(StoreError::DatabaseUrl {
            what: "its user or password holds an unescaped ?, # or / (percent-encode them in \
                   the URL: ? is %3F, # is %23, / is %2F, @ is %40)"
                .into(),
        });
    }
    Ok(())
}

/// `postgres://user@host:port/db`: the URL as logs and messages may show it.
pub(super) fn describe(config: &tokio_postgres::Config) -> String {
    use tokio_postgres::config::Host;
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "postgres://{}@{}:{port}/{}",
        config.get_user().unwrap_or(""),
        hosts.join(","),
        config.get_dbname().unwrap_or("")
    )
}

/// A database error, its causes spelt out (the driver's outer error says only "error
/// performing TLS handshake"), with what to check.
pub(super) fn database(
    target: &str,
    e: impl Into<Box<dyn std::error::Error + Send + Sync>>,
) -> StoreError {
    let e: Box<dyn std::error::Error + Send + Sync> = e.into();
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        cause = c.source();
    }
    let hint = if text.contains("certificate") || text.contains("TLS") {
        "with sslmode=verify-ca or verify-full (or require with sslrootcert) the server's \
         certificate must come from a trusted CA: the public roots, or the file given as \
         sslrootcert=CA.pem"
    } else {
        "is PostgreSQL running there, and are the URL's user and password right?"
    };
    StoreError::Database {
        target: target.to_string(),
        source: Arc::from(Box::<dyn std::error::Error + Send + Sync>::from(text)),
        hint,
    }
}

/// A note's columns beside its JSON.
pub(super) fn columns(note: &NoteRecord) -> (i64, bool, Vec<u8>) {
    (
        note.at.timestamp_micros(),
        note.text.is_some(),
        encode(note),
    )
}

pub(super) fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).expect("JSON is UTF-8")
}

pub(super) fn micros(at: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_micros(at)
}

pub(super) const INSERT_NOTE: &str = "INSERT INTO notes (id, team, rep, at_us, has_text, body) \
                           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING";

/// Inserts `note` under its id with `insert` (the prepared [`INSERT_NOTE`]): 1 when it was
/// new, 0 when a note of that id was there.
pub(super) async fn insert_note(
    client: &impl GenericClient,
    insert: &tokio_postgres::Statement,
    note: &NoteRecord,
) -> Result<u64, tokio_postgres::Error> {
    let (at, has_text, body) = columns(note);
    let params: [Param; 6] = [
        &(note.id as i64),
        &note.team,
        &note.rep,
        &at,
        &has_text,
        &text(body),
    ];
    client.execute(insert, &params).await
}

/// Gives `note` the counter's next id and inserts it; an id already taken (a copy stored
/// notes under ids the counter had not reached) is skipped for the next one.
pub(super) async fn next_id_and_insert(
    client: &impl GenericClient,
    insert: &tokio_postgres::Statement,
    note: &mut NoteRecord,
) -> Result<(), Failure> {
    for _ in 0..64 {
        let row = client.query_one("SELECT nextval('note_ids')", &[]).await?;
        note.id = row.get::<_, i64>(0) as u64;
        if insert_note(client, insert, note).await? == 1 {
            return Ok(());
        }
    }
    Err(Failure::Store(StoreError::IdTaken { id: note.id }))
}

impl Db {
    pub(super) fn err(&self, e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> StoreError {
        database(&self.target, e)
    }

    pub(super) fn fail(&self, failure: Failure) -> StoreError {
        match failure {
            Failure::Db(e) => self.err(e),
            Failure::Store(e) => e,
        }
    }

    pub(super) async fn client(&self) -> Result<deadpool_postgres::Client, StoreError> {
        self.pool.get().await.map_err(|e| self.err(e))
    }

    /// Applies the migrations this database has not had, each once, in order.
    pub(super) async fn migrate(&self) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(|e| self.err(e))?;
        let run = async {
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
                .await?;
            // Created only when missing: a role that may read and write but not create can
            // open a database someone else set up.
            let exists = tx
                .query_one(
                    "SELECT to_regclass('callnudge_migrations') IS NOT NULL",
                    &[],
                )
                .await?;
            if !exists.get::<_, bool>(0) {
                tx.batch_execute(
                    "CREATE TABLE callnudge_migrations (\
                     version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                )
                .await?;
            }
            let row = tx
                .query_one(
                    "SELECT coalesce(max(version), 0) FROM callnudge_migrations",
                    &[],
                )
                .await?;
            Ok::<i32, tokio_postgres::Error>(row.get(0))
        };
        let found = run.await.map_err(|e| self.err(e))?;
        let latest = MIGRATIONS.last().map_or(0, |m| m.0);
        if found > latest {
            return Err(StoreError::DatabaseSchema {
                target: self.target.to_string(),
                found,
                expected: latest,
            });
        }
        for (version, sql) in MIGRATIONS.iter().filter(|m| m.0 > found) {
            tx.batch_execute(sql).await.map_err(|e| self.err(e))?;
            tx.execute(
                "INSERT INTO callnudge_migrations (version) VALUES ($1)",
                &[version],
            )
            .await
            .map_err(|e| self.err(e))?;
            tracing::info!(version, "database schema migrated");
        }
        tx.commit().await.map_err(|e| self.err(e))
    }

    pub(super) async fn add_note(&self, mut note: NoteRecord) -> Result<NoteRecord, StoreError> {
        note.team = clean(&note.team);
        note.rep = clean(&note.rep);
        let client = self.client().await?;
        let run = async {
            let insert = client.prepare_cached(INSERT_NOTE).await?;
            next_id_and_insert(&client, &insert, &mut note).await
        };
        run.await.map_err(|f| self.fail(f))?;
        tracing::debug!(note = note.id, team = %note.team, "note stored");
        Ok(note)
    }

    pub(super) async fn add_event_note(
        &self,
        event: String,
        mut note: NoteRecord,
    ) -> Result<Option<NoteRecord>, StoreError> {
        note.team = clean(&note.team);
        note.rep = clean(&note.rep);
        note.id = event_note_id(&event);
        let event = clean(&event);
        let mut client = self.client().await?;
        let run = async {
            let tx = client.transaction().await?;
            // The event id first: a second delivery, on any process, waits here for the
            // first one's commit and then inserts nothing.
            let first = tx
                .execute(
                    "INSERT INTO events (event, at_s) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    &[&event, &note.at.timestamp()],
                )
                .await?;
            if first == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            let insert = tx.prepare_cached(INSERT_NOTE).await?;
            // The note's id comes from the event: there already, it is this event's note,
            // stored by a delivery whose event id was since pruned.
            let inserted = insert_note(&tx, &insert, &note).await? == 1;
            tx.commit().await?;
            Ok::<bool, tokio_postgres::Error>(inserted)
        };
        let first = run.await.map_err(|e| self.err(e))?;
        Ok(first.then_some(note))
    }

    pub(super) async fn notes(
        &self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Vec<NoteRecord>, StoreError> {
        let client = self.client().await?;
        let rows = client.query(sql, params).await.map_err(|e| self.err(e))?;
        rows.iter().map(note_of).collect()
    }

    /// Runs `work` in one transaction on a pooled connection.
    pub(super) async fn transaction<T>(
        &self,
        work: impl AsyncFnOnce(&deadpool_postgres::Transaction<'_>) -> Result<T, Failure>,
    ) -> Result<T, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(|e| self.err(e))?;
        match work(&tx).await {
            Ok(value) => {
                tx.commit().await.map_err(|e| self.err(e))?;
                Ok(value)
            }
            Err(failure) => Err(self.fail(failure)),
        }
    }
}

/// What stops a transaction: the database, or a record that does not decode.
pub(super) enum Failure {
    Db(tokio_postgres::Error),
    Store(StoreError),
}

impl From<tokio_postgres::Error> for Failure {
    fn from(e: tokio_postgres::Error) -> Failure {
        Failure::Db(e)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        Failure::Store(e)
    }
}

/// A note from its row (`id, body`): the id column is the note's id.
pub(super) fn note_of(row: &tokio_postgres::Row) -> Result<NoteRecord, StoreError> {
    let id: i64 = row.get(0);
    let body: &str = row.get(1);
    let mut note: NoteRecord = decode("notes", body.as_bytes())?;
    note.id = id as u64;
    Ok(note)
}

pub(super) type Param<'a> = &'a (dyn tokio_postgres::types::ToSql + Sync);
