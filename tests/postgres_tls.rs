//! TLS to PostgreSQL where the URL asks for it: with `sslmode=require` and the server's CA
//! (`sslrootcert=`), the store's connections are encrypted, as the server itself reports;
//! a server whose certificate cannot be verified is refused with a clear error, and so is a
//! CA file that is not one. Needs a server that speaks TLS (`.ci/postgres.sh` starts one).

#[path = "support/postgres.rs"]
mod pg;

use callnudge::core::NoteRecord;
use callnudge::store::{PgStore, Store};

fn note() -> NoteRecord {
    NoteRecord {
        id: 0,
        team: "t".into(),
        rep: "ana".into(),
        at: chrono::Utc::now(),
        score: 50,
        findings: Vec::new(),
        text: Some("Sent the deck.".into()),
    }
}

/// How many of the store's connections to the test's database the server sees encrypted,
/// and how many in plain text.
fn seen(db: &pg::TestDb) -> (i64, i64) {
    let count = |ssl: &str| {
        pg::count(
            db.admin(),
            &format!(
                "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
                 WHERE a.datname = '{}' AND a.application_name = 'callnudge' AND {ssl}s.ssl",
                db.name()
            ),
        )
    };
    (count(""), count("NOT "))
}

/// Waits until the server has closed the store's connections (a dropped store's pool).
fn wait_closed(db: &pg::TestDb) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while seen(db) != (0, 0) {
        assert!(
            std::time::Instant::now() < deadline,
            "connections never closed"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn each_sslmode_means_what_it_means_to_libpq() {
    let Some(db) = pg::fresh("tls") else { return };
    let Some(ca) = pg::ca("tls") else { return };
    let sep = if db.url.contains('?') { '&' } else { '?' };
    let open = |params: &str| PgStore::open(&format!("{}{sep}{params}", db.url));

    // verify-full with the server's CA: encrypted and checked.
    let store = open(&format!("sslmode=verify-full&sslrootcert={ca}")).expect("verified TLS");
    store.add_note(note()).unwrap();
    let (encrypted, plain) = seen(&db);
    assert!(
        encrypted >= 1 && plain == 0,
        "{encrypted} encrypted, {plain} plain"
    );
    assert_eq!(store.notes("t", None).unwrap().len(), 1);
    drop(store);
    wait_closed(&db);

    // No sslmode (libpq's prefer), prefer and require: encrypted, the certificate not checked
    // (accepted as libpq accepts it); verify-ca and require with sslrootcert: checked.
    for params in [
        "application_name=callnudge",
        "sslmode=prefer",
        "sslmode=require",
        &format!("sslmode=verify-ca&sslrootcert={ca}"),
        &format!("sslmode=require&sslrootcert={ca}"),
    ] {
        let store = open(params).unwrap_or_else(|e| panic!("{params}: {e}"));
        assert_eq!(store.notes("t", None).unwrap().len(), 1);
        let (encrypted, plain) = seen(&db);
        assert!(
            encrypted >= 1 && plain == 0,
            "{params}: {encrypted} encrypted, {plain} plain"
        );
        drop(store);
        wait_closed(&db);
    }
    // Other parameters reach the server exactly as written.
    let store = open("options=-c%20statement_timeout%3D5000").expect("options with a space");
    assert_eq!(store.notes("t", None).unwrap().len(), 1);
    drop(store);
    wait_closed(&db);
    // disable: plain text.
    let store = open("sslmode=disable").unwrap();
    assert_eq!(store.notes("t", None).unwrap().len(), 1);
    let (_, plain) = seen(&db);
    assert!(plain >= 1, "sslmode=disable connects in plain text");
    drop(store);

    // verify-full against a certificate from a CA it does not know: refused, saying why.
    let err = open("sslmode=verify-full")
        .err()
        .expect("refused")
        .to_string();
    assert!(
        err.contains("UnknownIssuer") && err.contains("sslrootcert"),
        "{err}"
    );
    // A CA file that cannot be read, or an sslmode that does not exist: a clear error.
    let err = open("sslmode=verify-ca&sslrootcert=/nonexistent.pem")
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("sslrootcert=/nonexistent.pem: cannot read it"),
        "{err}"
    );
    let err = open("sslmode=always").err().unwrap().to_string();
    assert!(err.contains("sslmode=always is not one of"), "{err}");
}
