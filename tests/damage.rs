//! A damaged store is refused with an error that says what to do, never read in part and
//! never a panic; `backup` and `restore` give back every note, also while notes arrive.

#[path = "support/bin.rs"]
mod bin;

use bin::{callnudge, stderr, stdout};
use callnudge::core::analyze::Report;
use callnudge::core::NoteRecord;
use callnudge::store::{SledStore, Store, StoreError};
use chrono::{Duration, TimeZone, Utc};
use std::path::Path;

/// Opens the store in `dir`, waiting while this process's last handle on it is let go (sled
/// releases its lock once its background threads do).
fn reopen(dir: &Path) -> SledStore {
    for _ in 0..100 {
        match SledStore::open(dir) {
            Err(StoreError::Locked { .. }) => {
                std::thread::sleep(std::time::Duration::from_millis(50))
            }
            opened => return opened.unwrap(),
        }
    }
    panic!("the store in {} stayed locked", dir.display());
}

/// A store of `n` notes from a few reps, closed cleanly.
fn store_of(dir: &Path, n: usize) {
    let store = SledStore::open(dir).unwrap();
    let start = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    let empty = Report {
        score: 50,
        findings: Vec::new(),
    };
    let notes = (0..n)
        .map(|i| {
            let text = format!("Call {i}: they will send the usage data by Friday.");
            let at = start + Duration::minutes(i as i64);
            NoteRecord::new("t", &format!("rep{}", i % 7), at, &text, &empty)
        })
        .collect();
    store.add_notes(notes).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

/// A small deterministic generator (the test must fail the same way twice).
struct XorShift(u64);
impl XorShift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn a_garbled_store_is_refused_or_read_whole_never_in_part_and_never_a_panic() {
    let base = tempfile::tempdir().unwrap();
    let original = base.path().join("original");
    store_of(&original, 2000);
    let size = std::fs::metadata(original.join("db")).unwrap().len();
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let (mut refused, mut whole) = (0, 0);
    for trial in 0..30 {
        let copy = base.path().join(format!("copy{trial}"));
        copy_dir(&original, &copy);
        let mut bytes = std::fs::read(copy.join("db")).unwrap();
        for _ in 0..=rng.below(512) {
            let at = rng.below(size) as usize;
            bytes[at] ^= 1 + rng.below(255) as u8;
        }
        std::fs::write(copy.join("db"), bytes).unwrap();
        // A fresh copy no handle has held: opened at once.
        match SledStore::open(&copy) {
            Err(StoreError::Damaged { .. }) => refused += 1,
            Err(e) => panic!("trial {trial}: damage reported as {e}"),
            Ok(store) => {
                assert_eq!(store.note_count(), 2000, "trial {trial}: opened in part");
                assert_eq!(store.notes("t", None).unwrap().len(), 2000, "trial {trial}");
                whole += 1;
            }
        }
    }
    eprintln!("{refused} refused, {whole} read whole");
    assert_eq!(refused + whole, 30);
    assert!(
        refused > 0,
        "no trial damaged the store: the test garbles nothing"
    );
}

#[test]
fn a_truncated_or_emptied_data_file_is_refused_and_the_cli_says_what_to_do() {
    let base = tempfile::tempdir().unwrap();
    let original = base.path().join("original");
    store_of(&original, 2000);
    let len = std::fs::metadata(original.join("db")).unwrap().len();
    for (name, keep) in [("half", len / 2), ("empty", 0)] {
        let copy = base.path().join(name);
        copy_dir(&original, &copy);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(copy.join("db"))
            .unwrap();
        file.set_len(keep).unwrap();
        drop(file);
        let out = callnudge(
            &[
                "export",
                "--team",
                "t",
                "--data-dir",
                copy.to_str().unwrap(),
            ],
            b"",
        );
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        assert!(
            stdout(&out).is_empty(),
            "{name}: nothing exported from a damaged store"
        );
        let err = stderr(&out);
        assert!(err.contains("is damaged"), "{name}: {err}");
        assert!(
            err.contains("restore the folder from a backup"),
            "{name}: {err}"
        );
    }
}

#[test]
fn backup_while_notes_arrive_then_restore_gives_every_note_back() {
    let base = tempfile::tempdir().unwrap();
    let data = base.path().join("data");
    store_of(&data, 500);
    let backup = base.path().join("backup");
    let store = std::sync::Arc::new(reopen(&data));
    // Notes keep arriving while the copy is made.
    let writer = {
        let store = store.clone();
        std::thread::spawn(move || {
            let at = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
            let empty = Report {
                score: 50,
                findings: Vec::new(),
            };
            for i in 0..200 {
                let note = NoteRecord::new("t", "late", at, &format!("late note {i}"), &empty);
                store.add_note(note).unwrap();
            }
        })
    };
    let copied = store.backup(&backup).unwrap();
    writer.join().unwrap();
    assert!((500..=700).contains(&copied), "copied {copied}");
    let originals = store.notes("t", None).unwrap();
    assert_eq!(originals.len(), 700);
    drop(store);

    // A backup never lands on top of something.
    let again = callnudge(
        &[
            "backup",
            backup.to_str().unwrap(),
            "--data-dir",
            data.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("not empty"), "{}", stderr(&again));

    // Restore into a new folder: every note of the backup, as it was.
    let restored = base.path().join("restored");
    let out = callnudge(
        &[
            "restore",
            backup.to_str().unwrap(),
            "--data-dir",
            restored.to_str().unwrap(),
        ],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!("restored {copied} notes")),
        "{}",
        stdout(&out)
    );
    let back = SledStore::open(&restored)
        .unwrap()
        .notes("t", None)
        .unwrap();
    assert_eq!(back.len() as u64, copied);
    for note in &back {
        assert!(
            originals.contains(note),
            "note {} differs after restore",
            note.id
        );
    }
    // The first 500 were there before the backup began: all of them came back.
    assert_eq!(back.iter().filter(|n| n.rep != "late").count(), 500);

    // Restoring over a data directory that holds a store is refused, and changes nothing.
    let over = callnudge(
        &[
            "restore",
            backup.to_str().unwrap(),
            "--data-dir",
            data.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(over.status.code(), Some(2));
    assert!(stderr(&over).contains("move it away"), "{}", stderr(&over));
    assert_eq!(
        SledStore::open(&data)
            .unwrap()
            .notes("t", None)
            .unwrap()
            .len(),
        700
    );
}

#[test]
fn a_forgotten_rep_does_not_make_the_store_look_damaged() {
    let dir = tempfile::tempdir().unwrap();
    store_of(dir.path(), 70);
    let store = reopen(dir.path());
    assert_eq!(store.forget_rep("t", "rep3").unwrap(), 10);
    drop(store);
    let store = reopen(dir.path());
    assert_eq!(store.note_count(), 60);
}
