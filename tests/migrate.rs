//! `callnudge migrate`: a sled folder into a PostgreSQL database, as a user runs it. Every kind
//! of record arrives (the console shows the same trend, export, settings and snooze on both),
//! a second run copies nothing twice, and a folder that is no store is refused. Needs
//! `CALLNUDGE_TEST_DATABASE_URL` (see `support/postgres.rs`).

#[path = "support/bin.rs"]
mod bin;
#[path = "support/postgres.rs"]
mod pg;

use bin::{callnudge, stderr, stdout};

/// `callnudge ARGS` on the folder (`--data-dir DIR`) or the database (`--database-url URL`).
fn run(args: &[&str], on: (&str, &str)) -> String {
    let mut all = args.to_vec();
    all.extend([on.0, on.1]);
    let out = callnudge(&all, b"");
    assert!(out.status.success(), "{all:?}: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn migrate_copies_every_record_once_and_the_database_reads_the_same() {
    let Some(db) = pg::fresh("migrate_copies_every_record") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("data");
    let folder = folder.to_str().unwrap();
    let sled = ("--data-dir", folder);
    let postgres = ("--database-url", db.url.as_str());
    run(
        &[
            "team",
            "--team",
            "t",
            "--manager",
            "mia",
            "--tz",
            "Europe/Berlin",
        ],
        sled,
    );
    for (rep, text) in [
        (
            "ana",
            "Sent the price sheet they asked for. Will follow up Friday.",
        ),
        (
            "ana",
            "Met their CFO; she owns the churn target and will send the cohort data by Tuesday.",
        ),
        ("bo", "They want 10% off, I said yes to keep them happy."),
    ] {
        run(&["note", "--team", "t", "--rep", rep, text], sled);
    }
    run(&["snooze", "--team", "t", "--rep", "bo", "2d"], sled);
    let rule_of_note_1 = {
        let out = run(&["export", "--team", "t", "--format", "json"], sled);
        let notes: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
        notes[0]["findings"][0]["rule"]
            .as_str()
            .unwrap()
            .to_string()
    };
    run(
        &[
            "dispute",
            "--team",
            "t",
            "--rep",
            "ana",
            "--note",
            "1",
            "--rule",
            &rule_of_note_1,
        ],
        sled,
    );

    let first = callnudge(&["migrate", "--from", folder, "--to", &db.url], b"");
    assert!(first.status.success(), "{}", stderr(&first));
    let said = stdout(&first);
    assert!(said.contains("3 notes"), "{said}");
    assert!(said.contains("(3 notes new there)"), "{said}");
    assert!(said.contains("checked"), "{said}");
    let again = callnudge(&["migrate", "--from", folder, "--to", &db.url], b"");
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("(0 notes new there)"),
        "{}",
        stdout(&again)
    );

    // The console reads the same from both: notes with their ids, the trend, the settings,
    // the snooze and the dispute.
    for args in [
        &["export", "--team", "t", "--format", "json"][..],
        &["trend", "--team", "t", "--rep", "ana"],
        &["team", "--team", "t"],
        &["snooze", "--team", "t", "--rep", "bo"],
        &["digest", "--team", "t"],
    ] {
        assert_eq!(run(args, postgres), run(args, sled), "{args:?}");
    }
    // A note typed next into the database gets the next id, not one the folder used.
    let out = run(
        &[
            "note",
            "--team",
            "t",
            "--rep",
            "ana",
            "Sent the brochure they asked for, will follow up Monday.",
        ],
        postgres,
    );
    assert!(out.contains("--note 4"), "{out}");
}

/// Into a database that already holds other notes under the folder's ids: refused, saying
/// why, and nothing of the clashing batch stored.
#[test]
fn migrate_into_a_database_holding_other_notes_under_those_ids_is_refused() {
    let Some(db) = pg::fresh("migrate_into_a_used_database") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("data");
    let folder = folder.to_str().unwrap();
    run(
        &["note", "--team", "t", "--rep", "ana", "Sent the deck."],
        ("--data-dir", folder),
    );
    run(
        &[
            "note",
            "--team",
            "u",
            "--rep",
            "zed",
            "Another team's note.",
        ],
        ("--database-url", &db.url),
    );
    let out = callnudge(&["migrate", "--from", folder, "--to", &db.url], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("already holds another note under id 1"),
        "{err}"
    );
    let export = callnudge(&["export", "--team", "t", "--database-url", &db.url], b"");
    assert!(
        stderr(&export).contains("there is no team `t` here"),
        "nothing of the folder stored: {}",
        stderr(&export)
    );
}

#[test]
fn migrate_refuses_a_folder_that_is_no_store_and_a_bad_url() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().to_str().unwrap();
    let out = callnudge(
        &[
            "migrate",
            "--from",
            folder,
            "--to",
            "postgres://x@127.0.0.1:1/db",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is not a callnudge data directory"),
        "{}",
        stderr(&out)
    );
    let sled = dir.path().join("data");
    let sled = sled.to_str().unwrap();
    run(
        &["note", "--team", "t", "--rep", "ana", "Sent the deck."],
        ("--data-dir", sled),
    );
    let out = callnudge(&["migrate", "--from", sled, "--to", "mysql://nope"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("database URL is not valid"),
        "{}",
        stderr(&out)
    );
    let out = callnudge(
        &[
            "migrate",
            "--from",
            sled,
            "--to",
            "postgres://callnudge:s3cret@127.0.0.1:1/db",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("cannot use the database postgres://callnudge@127.0.0.1:1/db"),
        "{err}"
    );
    assert!(
        !err.contains("s3cret"),
        "the password is never printed: {err}"
    );
}
