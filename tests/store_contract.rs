//! The store contract (see `src/store/mod.rs`), one suite run against every implementation:
//! sled in a temporary folder, and PostgreSQL in a fresh database on the server
//! `CALLNUDGE_TEST_DATABASE_URL` names (skipped, and said so, when none is set; `.ci/run`
//! starts one and makes a skip fail). Two handles on one database stand in for two processes.

#[path = "support/postgres.rs"]
mod pg;

use callnudge::core::snooze::RepPrefs;
use callnudge::core::{Dispute, NoteRecord, TeamSettings, Week};
use callnudge::store::{copy, PgStore, SledStore, Store};
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::collections::BTreeSet;
use std::sync::{Arc, Barrier};

/// A place a store lives, opened as often as a test needs.
enum Backend {
    Sled(tempfile::TempDir),
    Postgres(pg::TestDb),
}

impl Backend {
    fn open(&self) -> Arc<dyn Store> {
        match self {
            Backend::Sled(dir) => Arc::new(SledStore::open(dir.path()).unwrap()),
            Backend::Postgres(db) => Arc::new(PgStore::open(&db.url).unwrap()),
        }
    }

    /// Another handle on the same data while the first is open, as a second process has
    /// one (PostgreSQL only: sled allows one process per folder).
    fn another(&self) -> Option<Arc<dyn Store>> {
        match self {
            Backend::Sled(_) => None,
            Backend::Postgres(db) => Some(Arc::new(PgStore::open(&db.url).unwrap())),
        }
    }
}

fn at(d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap()
}

fn note(team: &str, rep: &str, at: DateTime<Utc>, text: &str) -> NoteRecord {
    NoteRecord {
        id: 0,
        team: team.into(),
        rep: rep.into(),
        at,
        score: 50,
        findings: Vec::new(),
        text: Some(text.into()),
    }
}

fn texts(notes: &[NoteRecord]) -> Vec<&str> {
    notes
        .iter()
        .map(|n| n.text.as_deref().unwrap_or("-"))
        .collect()
}

/// Every record of a store, as a sorted list of their debug forms (comparable across
/// implementations, whose walks may order records differently within a kind).
fn all_records(store: &dyn Store) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    store
        .records(&mut |r| {
            out.insert(format!("{r:?}"));
            Ok(())
        })
        .unwrap();
    out
}

fn notes_come_back_in_time_order_with_fresh_ids(b: &Backend) {
    let s = b.open();
    let late = s.add_note(note("t", "ana", at(10, 9), "late")).unwrap();
    let early = s.add_note(note("t", "ana", at(3, 9), "early")).unwrap();
    let imported = s
        .add_notes(vec![
            note("t", "bo", at(5, 9), "bo one"),
            note("u", "cy", at(6, 9), "other team"),
        ])
        .unwrap();
    let mut ids: Vec<u64> = [&late, &early].iter().map(|n| n.id).collect();
    ids.extend(imported.iter().map(|n| n.id));
    assert_eq!(
        ids.iter().collect::<BTreeSet<_>>().len(),
        4,
        "ids are unique: {ids:?}"
    );
    assert!(
        ids.iter().all(|&id| id > 0 && id < 1 << 52),
        "counted ids: {ids:?}"
    );
    assert!(
        late.id < early.id,
        "ids count up in the order notes were stored"
    );
    assert_eq!(
        texts(&s.notes("t", None).unwrap()),
        ["early", "bo one", "late"]
    );
    assert_eq!(
        texts(&s.notes("t", Some("ana")).unwrap()),
        ["early", "late"]
    );
    assert_eq!(
        texts(&s.notes_since("t", at(5, 9)).unwrap()),
        ["bo one", "late"]
    );
    assert_eq!(s.teams_with_notes().unwrap(), ["t", "u"]);
    // What was stored is what comes back, id included.
    assert_eq!(s.notes("u", None).unwrap(), vec![imported[1].clone()]);
}

fn notes_survive_a_restart_and_ids_go_on_counting(b: &Backend) {
    let first = {
        let s = b.open();
        s.add_note(note("t", "ana", at(3, 9), "before")).unwrap()
    };
    let s = b.open();
    assert_eq!(s.notes("t", None).unwrap(), vec![first.clone()]);
    let second = s.add_note(note("t", "ana", at(4, 9), "after")).unwrap();
    assert!(second.id > first.id, "{} after {}", second.id, first.id);
}

fn a_chat_event_delivered_many_times_at_once_is_stored_once(b: &Backend) {
    let stores: Vec<Arc<dyn Store>> = match b.another() {
        Some(other) => vec![b.open(), other],
        None => vec![b.open()],
    };
    let deliveries = 8;
    let barrier = Arc::new(Barrier::new(deliveries));
    let (tx, rx) = std::sync::mpsc::channel();
    let threads: Vec<_> = (0..deliveries)
        .map(|i| {
            let (s, barrier, tx) = (
                stores[i % stores.len()].clone(),
                barrier.clone(),
                tx.clone(),
            );
            std::thread::spawn(move || {
                barrier.wait();
                let n = note("t", "ana", at(3, 9), "the same event");
                s.add_event_note_then("evt-1", n, Box::new(move |r| tx.send(r).unwrap()));
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let outcomes: Vec<_> = (0..deliveries)
        .map(|_| {
            rx.recv_timeout(std::time::Duration::from_secs(30))
                .unwrap()
                .unwrap()
        })
        .collect();
    let stored: Vec<_> = outcomes.iter().flatten().collect();
    assert_eq!(
        stored.len(),
        1,
        "one delivery stores it, the others are retries"
    );
    assert!(stored[0].id >= 1 << 52, "the id comes from the event");
    assert_eq!(stores[0].notes("t", None).unwrap(), vec![stored[0].clone()]);
    assert!(stores[0].seen_event("evt-1").unwrap());
    assert!(!stores[0].seen_event("evt-2").unwrap());
}

fn concurrent_changes_to_a_teams_settings_are_all_kept(b: &Backend) {
    let stores: Vec<Arc<dyn Store>> = match b.another() {
        Some(other) => vec![b.open(), other],
        None => vec![b.open()],
    };
    let writers = 8;
    let barrier = Arc::new(Barrier::new(writers));
    let threads: Vec<_> = (0..writers)
        .map(|i| {
            let (s, barrier) = (stores[i % stores.len()].clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                s.update_team("t", &mut |t| {
                    t.managers.push(format!("m{i}"));
                    true
                })
                .unwrap();
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let mut managers = stores[0].team("t").unwrap().unwrap().managers;
    managers.sort();
    let expected: Vec<String> = (0..writers).map(|i| format!("m{i}")).collect();
    assert_eq!(managers, expected, "no change lost");
    // A change that changes nothing writes nothing.
    let unchanged = stores[0].update_team("new", &mut |_| false).unwrap();
    assert_eq!(unchanged, TeamSettings::new("new"));
    assert_eq!(stores[0].team("new").unwrap(), None);
    assert_eq!(stores[0].teams().unwrap().len(), 1);
}

fn a_digest_is_claimed_once_per_team_and_week(b: &Backend) {
    let stores: Vec<Arc<dyn Store>> = match b.another() {
        Some(other) => vec![b.open(), other],
        None => vec![b.open()],
    };
    let week = Week {
        year: 2026,
        week: 48,
    };
    let claimers = 8;
    let barrier = Arc::new(Barrier::new(claimers));
    let threads: Vec<_> = (0..claimers)
        .map(|i| {
            let (s, barrier) = (stores[i % stores.len()].clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                s.mark_digest_sent("t", week).unwrap()
            })
        })
        .collect();
    let claimed = threads
        .into_iter()
        .map(|t| t.join().unwrap())
        .filter(|&c| c)
        .count();
    assert_eq!(claimed, 1);
    let s = &stores[0];
    assert_eq!(s.last_digest("t").unwrap(), Some(week));
    assert!(
        !s.mark_digest_sent(
            "t",
            Week {
                year: 2026,
                week: 47
            }
        )
        .unwrap(),
        "never back"
    );
    assert!(s
        .mark_digest_sent(
            "t",
            Week {
                year: 2027,
                week: 1
            }
        )
        .unwrap());
    assert_eq!(s.last_digest("other").unwrap(), None);
}

fn forget_removes_every_record_of_the_rep_and_nothing_else(b: &Backend) {
    let s = b.open();
    let ana = s.add_note(note("t", "ana", at(3, 9), "ana's")).unwrap();
    let bo = s.add_note(note("t", "bo", at(3, 10), "bo's")).unwrap();
    s.add_note(note("u", "ana", at(3, 11), "ana in another team"))
        .unwrap();
    s.add_dispute("t", "ana", "rule-a", ana.id, at(4, 9))
        .unwrap();
    s.add_dispute("t", "bo", "rule-a", bo.id, at(4, 9)).unwrap();
    let snoozed = RepPrefs {
        snoozed_until: Some(at(20, 0)),
    };
    s.put_rep_prefs("t", "ana", &snoozed).unwrap();
    s.update_team("t", &mut |t| {
        t.managers = vec!["ana".into(), "cy".into()];
        t.names.insert("ana".into(), "Ana".into());
        true
    })
    .unwrap();
    assert_eq!(s.forget_rep("t", "ana").unwrap(), 1);
    assert_eq!(texts(&s.notes("t", None).unwrap()), ["bo's"]);
    assert_eq!(texts(&s.notes("u", None).unwrap()), ["ana in another team"]);
    let log = s.dispute_log("t").unwrap();
    assert_eq!(
        log.iter().map(|d| d.rep.as_str()).collect::<Vec<_>>(),
        ["bo"]
    );
    assert_eq!(s.rep_prefs("t", "ana").unwrap(), RepPrefs::default());
    let team = s.team("t").unwrap().unwrap();
    assert_eq!(team.managers, ["cy"]);
    assert!(team.names.is_empty());
    // And it stays forgotten after a restart.
    drop(s);
    let s = b.open();
    assert_eq!(s.notes("t", Some("ana")).unwrap(), []);
}

fn disputes_prefs_events_and_times_read_back(b: &Backend) {
    let s = b.open();
    s.add_dispute("t", "bo", "rule-b", 7, at(4, 9)).unwrap();
    s.add_dispute("t", "ana", "rule-b", 9, at(4, 10)).unwrap();
    s.add_dispute("t", "ana", "rule-a", 8, at(4, 11)).unwrap();
    s.add_dispute("t", "ana", "rule-a", 8, at(4, 12)).unwrap(); // the same dispute again
    assert_eq!(
        s.dispute_log("t").unwrap(),
        vec![
            Dispute {
                rule: "rule-a".into(),
                rep: "ana".into(),
                note: 8,
                at: Some(at(4, 12))
            },
            Dispute {
                rule: "rule-b".into(),
                rep: "ana".into(),
                note: 9,
                at: Some(at(4, 10))
            },
            Dispute {
                rule: "rule-b".into(),
                rep: "bo".into(),
                note: 7,
                at: Some(at(4, 9))
            },
        ]
    );
    let per_rule = s.disputes("t").unwrap();
    assert_eq!(per_rule.get("rule-a"), Some(&1));
    assert_eq!(per_rule.get("rule-b"), Some(&2));
    assert_eq!(
        s.rule_disputes("t", "rule-b").unwrap(),
        [("ana".to_string(), 9), ("bo".to_string(), 7)]
    );
    let prefs = RepPrefs {
        snoozed_until: Some(at(9, 0)),
    };
    s.put_rep_prefs("t", "ana", &prefs).unwrap();
    assert_eq!(s.rep_prefs("t", "ana").unwrap(), prefs);
    assert_eq!(s.rep_prefs("t", "bo").unwrap(), RepPrefs::default());

    s.add_event_note_then("old", note("t", "ana", at(1, 9), "x"), Box::new(|_| {}));
    s.add_event_note_then("new", note("t", "ana", at(9, 9), "y"), Box::new(|_| {}));
    s.flush().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !(s.seen_event("old").unwrap() && s.seen_event("new").unwrap()) {
        assert!(
            std::time::Instant::now() < deadline,
            "event notes never stored"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(s.prune_events(at(5, 0)).unwrap(), 1);
    assert!(!s.seen_event("old").unwrap() && s.seen_event("new").unwrap());

    assert_eq!(s.meta_time("last_purge").unwrap(), None);
    s.set_meta_time("last_purge", at(5, 6)).unwrap();
    assert_eq!(s.meta_time("last_purge").unwrap(), Some(at(5, 6)));
}

fn retention_drops_old_text_and_keeps_the_analysis(b: &Backend) {
    let s = b.open();
    let old = s.add_note(note("t", "ana", at(1, 9), "old text")).unwrap();
    s.add_note(note("t", "ana", at(9, 9), "new text")).unwrap();
    s.add_note(note("u", "bo", at(1, 9), "other team")).unwrap();
    assert_eq!(s.purge_text("t", at(5, 0)).unwrap(), 1);
    assert_eq!(
        s.purge_text("t", at(5, 0)).unwrap(),
        0,
        "nothing left to purge"
    );
    let notes = s.notes("t", None).unwrap();
    assert_eq!(texts(&notes), ["-", "new text"]);
    assert_eq!((notes[0].id, notes[0].score), (old.id, old.score));
    assert_eq!(texts(&s.notes("u", None).unwrap()), ["other team"]);
    assert_eq!(s.check().unwrap(), 3);
}

fn imported_notes_keep_their_ids_and_land_once(b: &Backend) {
    let s = b.open();
    let mut a = note("t", "ana", at(3, 9), "row 1");
    a.id = (1 << 52) + 11;
    let mut c = note("t", "ana", at(4, 9), "row 2");
    c.id = (1 << 52) + 12;
    assert_eq!(s.add_notes_once(vec![a.clone(), c.clone()]).unwrap(), 2);
    assert_eq!(s.add_notes_once(vec![a.clone(), c.clone()]).unwrap(), 0);
    assert_eq!(s.notes("t", None).unwrap(), vec![a, c]);
}

/// Every record copied into a store of the other kind and back reads the same, and a
/// second copy adds nothing: what `migrate` and a database's backup rely on.
fn every_record_copies_across_implementations_and_again_adds_nothing(b: &Backend) {
    let s = b.open();
    let typed = s.add_note(note("t", "ana", at(3, 9), "typed")).unwrap();
    s.add_event_note_then(
        "evt",
        note("t", "bo", at(3, 10), "from chat"),
        Box::new(|_| {}),
    );
    s.add_dispute("t", "ana", "rule-a", typed.id, at(4, 9))
        .unwrap();
    s.put_rep_prefs(
        "t",
        "ana",
        &RepPrefs {
            snoozed_until: Some(at(9, 0)),
        },
    )
    .unwrap();
    s.update_team("t", &mut |t| {
        t.managers.push("cy".into());
        true
    })
    .unwrap();
    s.mark_digest_sent(
        "t",
        Week {
            year: 2026,
            week: 45,
        },
    )
    .unwrap();
    s.set_meta_time("last_purge", at(2, 0)).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !s.seen_event("evt").unwrap() {
        assert!(
            std::time::Instant::now() < deadline,
            "event note never stored"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let before = all_records(s.as_ref());
    // Every kind once: a typed note, a chat note, a dispute, preferences, settings, a digest
    // claim, a housekeeping time, the chat event id and the note counter.
    assert_eq!(before.len(), 9, "{before:#?}");

    // Into a sled folder (a database's backup is one), and back into a new store of this kind.
    let folder = tempfile::tempdir().unwrap();
    let copy = SledStore::open(folder.path().join("copy")).unwrap();
    let copied = copy::copy(s.as_ref(), &copy, &mut |_| {}).unwrap();
    assert_eq!((copied.total(), copied.new_notes), (9, 2));
    copy::verify(&copy, &copied).unwrap();
    assert_eq!(all_records(&copy), before);
    let again = copy::copy(s.as_ref(), &copy, &mut |_| {}).unwrap();
    assert_eq!(again.new_notes, 0);
    assert_eq!(all_records(&copy), before, "a second copy changes nothing");

    let fresh = match b {
        Backend::Sled(_) => Backend::Sled(tempfile::tempdir().unwrap()),
        Backend::Postgres(_) => Backend::Postgres(pg::fresh("copy back").unwrap()),
    };
    let back = fresh.open();
    copy::copy(&copy, back.as_ref(), &mut |_| {}).unwrap();
    assert_eq!(all_records(back.as_ref()), before);
    // The counter moved past the copied ids: a note typed next gets a new one.
    let next = back.add_note(note("t", "ana", at(5, 9), "next")).unwrap();
    assert!(next.id > typed.id, "{} after {}", next.id, typed.id);
}

fn the_notes_since_a_week_ago_are_what_a_digest_reads(b: &Backend) {
    let s = b.open();
    let now = at(20, 12);
    for (i, days) in [10, 8, 6, 1, 0].iter().enumerate() {
        let rep = if i % 2 == 0 { "ana" } else { "bo" };
        s.add_note(note(
            "t",
            rep,
            now - Duration::days(*days),
            &format!("{days}d ago"),
        ))
        .unwrap();
    }
    let week = s.notes_since("t", now - Duration::days(7)).unwrap();
    assert_eq!(texts(&week), ["6d ago", "1d ago", "0d ago"]);
}

/// A backup taken while notes keep arriving holds every note it read, and opens as a store.
fn a_backup_while_notes_arrive_is_whole(b: &Backend) {
    let s = b.open();
    for i in 0..50 {
        s.add_note(note("t", "ana", at(1, 9) + Duration::minutes(i), "before"))
            .unwrap();
    }
    let writer = {
        let s = s.clone();
        std::thread::spawn(move || {
            for i in 0..200 {
                s.add_note(note("t", "bo", at(2, 9) + Duration::minutes(i), "during"))
                    .unwrap();
            }
        })
    };
    let folder = tempfile::tempdir().unwrap();
    let to = folder.path().join("backup");
    let copied = s.backup(&to).expect("a backup while notes arrive");
    writer.join().unwrap();
    assert!(copied >= 50, "{copied} notes copied");
    let copy = SledStore::open(&to).unwrap();
    assert_eq!(copy.notes("t", None).unwrap().len() as u64, copied);
    assert_eq!(s.notes("t", None).unwrap().len(), 250);
}

/// A store is used from async code: a handler on a multi-threaded runtime, a tool or test on
/// a current-thread one (`#[tokio::test]`, `flavor = "current_thread"`). Opening it, writing
/// and reading there neither panics nor hangs.
fn works_inside_either_kind_of_async_runtime(b: &Backend) {
    let current = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let multi = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    for (i, runtime) in [current, multi].iter().enumerate() {
        let texts_read = runtime.block_on(async {
            let s = b.open();
            let stored = s
                .add_note(note("t", "ana", at(1, i as u32), "inside a runtime"))
                .unwrap();
            s.update_team("t", &mut |t| {
                t.managers.push(format!("m{i}"));
                true
            })
            .unwrap();
            assert_eq!(s.team("t").unwrap().unwrap().managers.len(), i + 1);
            let notes = s.notes("t", None).unwrap();
            assert!(notes.iter().any(|n| n.id == stored.id));
            notes.len()
        });
        assert_eq!(texts_read, i + 1, "runtime {i}");
    }
}

/// Each contract check, once per implementation.
macro_rules! contract {
    ($($check:ident),* $(,)?) => {
        mod sled {
            $(#[test]
            fn $check() {
                super::$check(&super::Backend::Sled(tempfile::tempdir().unwrap()));
            })*
        }
        mod postgres {
            $(#[test]
            fn $check() {
                if let Some(db) = super::pg::fresh(stringify!($check)) {
                    super::$check(&super::Backend::Postgres(db));
                }
            })*
        }
    };
}

contract!(
    notes_come_back_in_time_order_with_fresh_ids,
    notes_survive_a_restart_and_ids_go_on_counting,
    a_chat_event_delivered_many_times_at_once_is_stored_once,
    concurrent_changes_to_a_teams_settings_are_all_kept,
    a_digest_is_claimed_once_per_team_and_week,
    forget_removes_every_record_of_the_rep_and_nothing_else,
    disputes_prefs_events_and_times_read_back,
    retention_drops_old_text_and_keeps_the_analysis,
    imported_notes_keep_their_ids_and_land_once,
    every_record_copies_across_implementations_and_again_adds_nothing,
    the_notes_since_a_week_ago_are_what_a_digest_reads,
    a_backup_while_notes_arrive_is_whole,
    works_inside_either_kind_of_async_runtime,
);

/// PostgreSQL only: a copy stored notes under ids the counter had not reached, and notes are
/// typed meanwhile: each typed note gets a free id, and a copy that would put another note
/// under a taken id is refused, storing nothing of that batch.
#[test]
fn typed_notes_step_over_copied_ids_and_a_copy_never_overwrites_another_note() {
    use callnudge::store::{Record, StoreError};
    let Some(db) = pg::fresh("ids_and_copies") else {
        return;
    };
    let s = PgStore::open(&db.url).unwrap();
    // A note at id 3 that the counter (still at 0) knows nothing of.
    pg::sql(
        &db.url,
        "INSERT INTO notes (id, team, rep, at_us, has_text, body) VALUES (3, 't', 'cy', 0, true, \
         '{\"id\":3,\"team\":\"t\",\"rep\":\"cy\",\"at\":\"1970-01-01T00:00:00Z\",\"score\":50,\"findings\":[],\"text\":\"old\"}')",
    );
    let ids: Vec<u64> = (0..4)
        .map(|i| s.add_note(note("t", "ana", at(3, i), "typed")).unwrap().id)
        .collect();
    assert_eq!(ids, [1, 2, 4, 5], "id 3 is taken, so it is stepped over");
    // The same note again is no change; another note under a taken id is refused.
    let mut same = note("t", "ana", at(3, 0), "typed");
    same.id = 1;
    assert_eq!(s.put_records(vec![Record::Note(same)]).unwrap(), 0);
    let mut other = note("t", "zed", at(9, 9), "another note");
    other.id = 2;
    let mut fresh_one = note("t", "zed", at(9, 10), "a new one");
    fresh_one.id = 90;
    let refused = s.put_records(vec![Record::Note(fresh_one), Record::Note(other)]);
    assert!(
        matches!(refused, Err(StoreError::IdTaken { id: 2 })),
        "{refused:?}"
    );
    assert_eq!(
        s.notes("t", Some("zed")).unwrap(),
        [],
        "nothing of the batch stored"
    );
    assert_eq!(
        s.notes("t", Some("ana")).unwrap()[1].text.as_deref(),
        Some("typed")
    );
}
