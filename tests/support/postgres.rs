//! A fresh PostgreSQL database per test, on the server `CALLNUDGE_TEST_DATABASE_URL` names
//! (`.ci/run` starts a throwaway cluster and sets it). Without it the PostgreSQL tests say
//! they were skipped and pass, so `cargo test` needs no server; with
//! `CALLNUDGE_REQUIRE_POSTGRES=1` (as `.ci/run` sets) a skip is a failure instead.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

/// A database made for one test, dropped (with its connections) when the test ends.
pub struct TestDb {
    /// The database's URL, for the store or a `serve` child.
    pub url: String,
    admin: String,
    name: String,
}

/// A new empty database, or `None` (after saying so) when no server is configured.
pub fn fresh(test: &str) -> Option<TestDb> {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let admin = match std::env::var("CALLNUDGE_TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => url,
        _ => {
            assert!(
                std::env::var("CALLNUDGE_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "{test}: CALLNUDGE_REQUIRE_POSTGRES=1 but CALLNUDGE_TEST_DATABASE_URL is not set"
            );
            eprintln!(
                "skipped {test} on PostgreSQL: set CALLNUDGE_TEST_DATABASE_URL=postgres://… \
                 (a server where it may create databases) to run it"
            );
            return None;
        }
    };
    let name = format!(
        "callnudge_test_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    );
    sql(&admin, &format!("CREATE DATABASE {name}"));
    let url = with_database(&admin, &name);
    Some(TestDb { url, admin, name })
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(e) = try_sql(&self.admin, &drop) {
            eprintln!("could not drop test database {}: {e}", self.name);
        }
    }
}

/// `url` with its database name replaced by `name` (the query string kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if !query.is_empty() {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// The server's CA certificate file when it speaks TLS (`CALLNUDGE_TEST_DATABASE_CA`), or
/// `None` after saying so (a failure under `CALLNUDGE_REQUIRE_POSTGRES=1`).
pub fn ca(test: &str) -> Option<String> {
    match std::env::var("CALLNUDGE_TEST_DATABASE_CA") {
        Ok(path) if !path.trim().is_empty() => Some(path),
        _ => {
            assert!(
                std::env::var("CALLNUDGE_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "{test}: CALLNUDGE_REQUIRE_POSTGRES=1 but CALLNUDGE_TEST_DATABASE_CA is not set"
            );
            eprintln!("skipped {test}: set CALLNUDGE_TEST_DATABASE_CA to the server's CA file");
            None
        }
    }
}

/// The first column of the first row of `query`, as an integer.
pub fn count(url: &str, query: &str) -> i64 {
    let first = on_server(url, query).unwrap_or_else(|e| panic!("{query}: {e}"));
    first
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{query}: no number in its first row"))
}

/// The server's administrative URL, for queries about what it sees.
impl TestDb {
    pub fn admin(&self) -> &str {
        &self.admin
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Runs one statement on the server, as an administrator.
pub fn sql(url: &str, statement: &str) {
    try_sql(url, statement).unwrap_or_else(|e| panic!("{statement}: {e}"));
}

fn try_sql(url: &str, statement: &str) -> Result<(), tokio_postgres::Error> {
    on_server(url, statement).map(|_| ())
}

/// Runs `statement` on the server, on a thread and runtime of its own (so that async tests
/// may call it too); the first column of its first row, if it returned one.
fn on_server(url: &str, statement: &str) -> Result<Option<String>, tokio_postgres::Error> {
    let (url, statement) = (url.to_string(), statement.to_string());
    let run = move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await?;
            let connection = tokio::spawn(connection);
            let first = client
                .simple_query(&statement)
                .await?
                .into_iter()
                .find_map(|m| match m {
                    tokio_postgres::SimpleQueryMessage::Row(row) => {
                        Some(row.get(0).map(str::to_string))
                    }
                    _ => None,
                })
                .flatten();
            drop(client);
            let _ = connection.await;
            Ok(first)
        })
    };
    std::thread::spawn(run).join().unwrap()
}
