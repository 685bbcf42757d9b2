//! The store and the use cases on a real sled database in a temporary directory: forget,
//! digests exactly once across restarts, time zones, export → import, a second process.

#[path = "support/bin.rs"]
mod bin;

use bin::{callnudge, stderr};
use callnudge::console::transfer;
use callnudge::core::digest::Digest;
use callnudge::core::{TeamSettings, Week};
use callnudge::digest_task::{send_due, DigestSink};
use callnudge::prompts::Prompts;
use callnudge::service::Service;
use callnudge::store::SledStore;
use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Tz;
use std::sync::Arc;

fn service(dir: &std::path::Path) -> Service {
    let store = SledStore::open(dir).expect("open store");
    Service::new(Arc::new(store), Arc::new(Prompts::embedded().unwrap()))
}

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

#[derive(Default)]
struct Collect(Vec<(String, Week, String)>);
impl DigestSink for Collect {
    fn send(&mut self, team: &TeamSettings, d: &Digest, parts: &[String]) -> anyhow::Result<()> {
        self.0.push((team.team.clone(), d.week, parts.join("\n")));
        Ok(())
    }
}

#[test]
fn forget_leaves_no_record_of_the_rep() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path());
    let now = at(2026, 11, 27, 12);
    let mut settings = s.settings("t").unwrap();
    settings.managers.push("ana".into());
    s.save_settings(&settings).unwrap();
    let n = s
        .submit_note("t", "ana", "Just checking in on the quote.", now)
        .unwrap();
    s.submit_note("t", "ben", "Dana will pull the numbers.", now)
        .unwrap();
    s.dispute("t", "ana", "checking-in", n.note.id, now)
        .unwrap();
    assert_eq!(s.forget("t", "ana").unwrap(), 1);
    drop(s);
    let s = service(dir.path());
    assert!(s.store().notes("t", Some("ana")).unwrap().is_empty());
    assert_eq!(
        s.store().notes("t", None).unwrap().len(),
        1,
        "ben's note stays"
    );
    assert!(s.store().disputes("t").unwrap().is_empty());
    assert!(!s.settings("t").unwrap().is_manager("ana"));
    let (_, parts) = s.digest("t", None, now).unwrap();
    assert!(!parts.join("\n").contains("ana"));
}

#[test]
fn digest_goes_out_once_across_restarts_and_once_after_a_gap() {
    let dir = tempfile::tempdir().unwrap();
    let friday = at(2026, 11, 27, 16); // default schedule: Friday 16:00 UTC
    {
        let s = service(dir.path());
        s.save_settings(&s.settings("t").unwrap()).unwrap();
        s.submit_note("t", "ana", "Gave them 10% off.", friday - Duration::days(2))
            .unwrap();
        let mut sink = Collect::default();
        let sent = send_due(&s, friday + Duration::minutes(1), &mut sink).unwrap();
        assert_eq!(sent.len(), 1);
        assert_eq!(sink.0[0].1.to_string(), "2026-W48");
        assert!(sink.0[0].2.contains("ana"));
        assert!(send_due(&s, friday + Duration::hours(2), &mut sink)
            .unwrap()
            .is_empty());
    }
    // Restart on the same directory: nothing more this week.
    let s = service(dir.path());
    let mut sink = Collect::default();
    assert!(send_due(&s, friday + Duration::hours(3), &mut sink)
        .unwrap()
        .is_empty());
    // Four weeks of downtime: one digest, for the latest week.
    let later = friday + Duration::weeks(4) + Duration::hours(1);
    let sent = send_due(&s, later, &mut sink).unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].1, Week::of(later, Tz::UTC));
    assert!(send_due(&s, later + Duration::minutes(5), &mut sink)
        .unwrap()
        .is_empty());
}

#[test]
fn a_sunday_night_note_counts_in_the_teams_week() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path());
    let mut settings = s.settings("west").unwrap();
    settings.schedule.tz = "America/Los_Angeles".parse().unwrap();
    s.save_settings(&settings).unwrap();
    let la: Tz = "America/Los_Angeles".parse().unwrap();
    let sunday_night = la
        .with_ymd_and_hms(2026, 11, 29, 23, 30, 0)
        .unwrap()
        .with_timezone(&Utc);
    s.submit_note("west", "ana", "Dana will pull the numbers.", sunday_night)
        .unwrap();
    let (weeks, _) = s.trend("west", "ana").unwrap();
    assert_eq!(weeks.len(), 1);
    assert_eq!(weeks[0].week.to_string(), "2026-W48", "not UTC's W49");
}

#[test]
fn export_then_import_gives_the_same_trends() {
    let a = tempfile::tempdir().unwrap();
    let s = service(a.path());
    let start = at(2026, 10, 5, 10);
    let notes = [
        "They asked for a quote, I'll send it EOD.",
        "Dana will pull the churn numbers, CFO joins next week.",
        "Just checking in again, still no reply.",
        "Offered 10% off in exchange for a 3-year term.",
    ];
    for (i, text) in notes.iter().cycle().take(24).enumerate() {
        let rep = ["ana", "ben", "chloe"][i % 3];
        s.submit_note("t", rep, text, start + Duration::days(i as i64 * 2))
            .unwrap();
    }
    let mut csv = Vec::new();
    transfer::export(&s, "t", false, &mut csv).unwrap();
    let b = tempfile::tempdir().unwrap();
    let s2 = service(b.path());
    let imported = transfer::import(&s2, csv.as_slice(), |_| {}).unwrap();
    assert_eq!(imported.stored, 24);
    assert!(imported.skipped.is_empty());
    for rep in ["ana", "ben", "chloe"] {
        assert_eq!(s.trend("t", rep).unwrap().0, s2.trend("t", rep).unwrap().0);
    }
}

/// Importing the same file twice stores each row once; a quote left open (which makes the CSV
/// reader take the following rows as that row's text) is reported at its line, not stored as
/// one merged note.
#[test]
fn import_is_idempotent_and_reports_a_quote_left_open() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path());
    let csv = "team,rep,time,text\n\
               t,ana,2026-11-02T10:00:00Z,Gave them 10% off.\n\
               t,ben,2026-11-03T10:00:00Z,Dana will pull the numbers.\n";
    let first = transfer::import(&s, csv.as_bytes(), |_| {}).unwrap();
    assert_eq!((first.stored, first.already), (2, 0));
    let again = transfer::import(&s, csv.as_bytes(), |_| {}).unwrap();
    assert_eq!((again.stored, again.already), (0, 2));
    assert_eq!(s.store().notes("t", None).unwrap().len(), 2);

    let open = "team,rep,time,text\n\
                u,ana,2026-11-02T10:00:00Z,\"They said maybe, and left\n\
                u,ben,2026-11-03T10:00:00Z,Dana will pull the numbers.\n\
                u,cy,2026-11-04T10:00:00Z,I'll send the deck.\n";
    let r = transfer::import(&s, open.as_bytes(), |_| {}).unwrap();
    assert_eq!(r.stored, 0, "{r:?}");
    assert_eq!(r.skipped.len(), 1, "{r:?}");
    assert_eq!(r.skipped[0].0, 2);
    assert!(
        r.skipped[0].1.contains("quote is not closed"),
        "{}",
        r.skipped[0].1
    );
    assert!(s.store().notes("u", None).unwrap().is_empty());
}

#[test]
fn import_reports_bad_rows_and_stores_the_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path());
    let csv = "team,rep,time,text\n\
               t,ana,2026-11-02T10:00:00Z,Gave them 10% off.\n\
               t,ben,yesterday,Dana will pull the numbers.\n\
               t,,2026-11-02T10:00:00Z,no rep\n\
               t,chloe,2026-11-03T10:00:00Z,   \n\
               t,dev,2026-11-04T10:00:00Z,\"They asked for a quote, I'll send it.\"\n\
               t\0ana,x,2026-11-04T10:00:00Z,A NUL would read into team t's keys.\n";
    let r = transfer::import(&s, csv.as_bytes(), |_| {}).unwrap();
    assert_eq!(r.stored, 2);
    let lines: Vec<u64> = r.skipped.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, vec![3, 4, 5, 7]);
    assert!(r.skipped[0].1.contains("RFC 3339"));
    assert!(
        r.skipped[1].1.contains("rep id \"\" is blank"),
        "{}",
        r.skipped[1].1
    );
    assert!(
        r.skipped[3].1.contains("control characters"),
        "{}",
        r.skipped[3].1
    );
    assert_eq!(s.store().notes("t", None).unwrap().len(), 2);
}

#[test]
fn a_second_process_on_the_same_directory_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let _held = SledStore::open(dir.path()).unwrap();
    let d = dir.path().to_str().unwrap();
    let out = callnudge(
        &[
            "note",
            "--team",
            "t",
            "--rep",
            "r",
            "--data-dir",
            d,
            "Gave them 10% off.",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("in use by another callnudge process"), "{err}");
    assert!(err.contains(&dir.path().display().to_string()), "{err}");
}

#[test]
fn a_non_manager_gets_no_digest() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path());
    let now = at(2026, 11, 27, 12);
    s.submit_note("t", "zoltan", "Gave them 10% off.", now)
        .unwrap();
    let err = s.digest_for("t", "ben", false, None, now).unwrap_err();
    assert!(
        !err.to_string().contains("zoltan"),
        "the refusal carries no team data"
    );
    let mut settings = s.settings("t").unwrap();
    settings.managers.push("maria".into());
    s.save_settings(&settings).unwrap();
    assert!(s.digest_for("t", "maria", false, None, now).is_ok());
}

#[test]
fn notes_since_is_the_team_notes_from_that_time_on() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path());
    let start = at(2026, 9, 1, 9);
    // Reps whose ids are prefixes of each other, in two teams whose ids are too.
    for (i, rep) in ["a", "ab", "b", "a\u{e9}"].iter().enumerate() {
        for day in 0..40 {
            let when = start + Duration::days(day) + Duration::hours(i as i64);
            for team in ["t", "t2"] {
                s.submit_note(team, rep, "I'll send the deck.", when)
                    .unwrap();
            }
        }
    }
    for cut in [
        start - Duration::days(1),
        start + Duration::days(13),
        start + Duration::days(50),
    ] {
        let expected: Vec<_> = s
            .store()
            .notes("t", None)
            .unwrap()
            .into_iter()
            .filter(|n| n.at >= cut)
            .collect();
        assert_eq!(
            s.store().notes_since("t", cut).unwrap(),
            expected,
            "since {cut}"
        );
    }
}

/// Team `t` holds exactly the acknowledged notes, each once.
fn assert_stored_once(s: &Service, mut acked: Vec<u64>) {
    let mut stored: Vec<u64> = s
        .store()
        .notes("t", None)
        .unwrap()
        .iter()
        .map(|n| n.id)
        .collect();
    stored.sort_unstable();
    acked.sort_unstable();
    assert_eq!(stored, acked, "every acknowledged note, once");
}

#[test]
fn concurrent_writers_sharing_flushes_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let s = Arc::new(service(dir.path()));
    let now = at(2026, 11, 27, 12);
    let ids: Vec<u64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..32)
            .map(|w| {
                let s = s.clone();
                scope.spawn(move || {
                    (0..25)
                        .map(|i| {
                            s.submit_note(
                                "t",
                                &format!("rep{w}"),
                                &format!("I'll send deck {i}."),
                                now,
                            )
                            .unwrap()
                            .note
                            .id
                        })
                        .collect::<Vec<u64>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    drop(s);
    let s = service(dir.path());
    assert_stored_once(&s, ids);
    assert_eq!(s.store().check().unwrap(), 800);
}

#[test]
fn note_text_past_retention_is_purged_at_most_daily_and_the_analysis_stays() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path());
    let now = at(2026, 11, 27, 12);
    s.change_settings(
        "t",
        [callnudge::core::settings::SettingChange::Retention(
            "30".into(),
        )],
    )
    .unwrap();
    s.submit_note("t", "ana", "I'll send the deck.", now - Duration::days(40))
        .unwrap();
    s.submit_note(
        "t",
        "ana",
        "Dana will pull the numbers.",
        now - Duration::days(10),
    )
    .unwrap();
    assert_eq!(s.purge_if_due(now).unwrap(), Some(1));
    let notes = s.store().notes("t", None).unwrap();
    assert_eq!(notes[0].text, None, "40 days old: text gone");
    assert!(!notes[0].findings.is_empty(), "the analysis stays");
    assert!(notes[1].text.is_some(), "10 days old: kept");
    // Not again within a day, even across a restart.
    drop(s);
    let s = service(dir.path());
    assert_eq!(s.purge_if_due(now + Duration::hours(3)).unwrap(), None);
    // A day later the 10-day-old note is still within 30 days; 21 days later it is not.
    assert_eq!(s.purge_if_due(now + Duration::days(1)).unwrap(), Some(0));
    assert_eq!(s.purge_if_due(now + Duration::days(21)).unwrap(), Some(1));
    assert!(s
        .store()
        .notes("t", None)
        .unwrap()
        .iter()
        .all(|n| n.text.is_none()));
}

#[test]
fn a_blank_or_control_character_id_is_refused_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let out = callnudge(
        &[
            "note",
            "--team",
            " ",
            "--rep",
            "ana",
            "--data-dir",
            d,
            "Gave them 10% off.",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("team id \" \" is blank"), "{err}");
    let s = service(dir.path());
    assert!(s.store().notes(" ", None).unwrap().is_empty());
    let e = s
        .submit_note(
            "t",
            "ana\u{1b}[2J",
            "Gave them 10% off.",
            at(2026, 11, 2, 10),
        )
        .unwrap_err();
    assert!(e.to_string().contains("control characters"), "{e}");
    assert!(s.store().notes("t", None).unwrap().is_empty());
}

/// The chat adapters' path (`submit_note_async`: no thread waits for the disk) and the
/// console's (`submit_note`: the thread waits) write at once into one store: every note either
/// path acknowledged is stored once; dropping the service releases the directory.
#[test]
fn async_and_blocking_writers_share_flushes_and_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let s = Arc::new(service(&path));
        let now = at(2026, 11, 27, 12);
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap();
        let long = "They asked for a discount and I said yes. ".repeat(150); // > 4 KB: analysed off the runtime
        let threads: Vec<_> = (0..6)
            .map(|w| {
                let s = s.clone();
                std::thread::spawn(move || {
                    (0..20)
                        .map(|i| {
                            let text = format!("I'll send deck {i}.");
                            s.submit_note("t", &format!("thread{w}"), &text, now)
                                .unwrap()
                                .note
                                .id
                        })
                        .collect::<Vec<u64>>()
                })
            })
            .collect();
        let mut ids: Vec<u64> = rt.block_on(async {
            let tasks: Vec<_> = (0..48)
                .map(|w| {
                    let (s, long) = (s.clone(), long.clone());
                    tokio::spawn(async move {
                        let mut ids = Vec::new();
                        for i in 0..20 {
                            let text = match i % 5 {
                                0 => long.clone(),
                                _ => format!("Dana will pull the numbers {i}; I'll send the deck."),
                            };
                            let sub = s
                                .submit_note_async("t", &format!("task{w}"), &text, now)
                                .await
                                .unwrap();
                            assert!(sub.nudge.text.contains("Peer score"), "{}", sub.nudge.text);
                            ids.push(sub.note.id);
                        }
                        ids
                    })
                })
                .collect();
            let mut ids = Vec::new();
            for t in tasks {
                ids.extend(t.await.unwrap());
            }
            ids
        });
        for t in threads {
            ids.extend(t.join().unwrap());
        }
        drop(rt);
        drop(s);
        let _ = done.send(ids);
    });
    let acked = finished
        .recv_timeout(std::time::Duration::from_secs(120))
        .expect("the writers finish (no writer is left waiting for a flush)");
    let s = service(dir.path()); // the directory was released
    assert_eq!(acked.len(), 48 * 20 + 6 * 20);
    assert_stored_once(&s, acked);
    assert_eq!(s.store().check().unwrap(), 1080);
}

#[test]
fn concurrent_changes_to_team_settings_are_all_kept() {
    use callnudge::core::settings::SettingChange;
    const REPS: usize = 20;
    const NAMES_EACH: usize = 15;
    const CHANGES: usize = 30;
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path());
    let now = at(2026, 11, 27, 12);
    // Managers to be removed, and reps to be forgotten, while everything else goes on.
    let old: Vec<String> = (0..CHANGES).map(|i| format!("old{i}")).collect();
    s.change_settings("t", old.iter().cloned().map(SettingChange::AddManager))
        .unwrap();
    for i in 0..10 {
        let rep = format!("gone{i}");
        s.remember_names("t", None, &rep, "Leaving Rep").unwrap();
        s.submit_note("t", &rep, "Just checking in on the quote.", now)
            .unwrap();
    }
    std::thread::scope(|scope| {
        for r in 0..REPS {
            let s = &s;
            scope.spawn(move || {
                for i in 0..NAMES_EACH {
                    let rep = format!("rep{r}-{i}");
                    s.remember_names("t", Some("Acme sales"), &rep, &format!("Rep {r}.{i}"))
                        .unwrap();
                }
            });
        }
        scope.spawn(|| {
            for i in 0..CHANGES {
                s.change_settings("t", [SettingChange::AddManager(format!("new{i}"))])
                    .unwrap();
            }
        });
        scope.spawn(|| {
            for m in &old {
                s.change_settings("t", [SettingChange::RemoveManager(m.clone())])
                    .unwrap();
            }
        });
        scope.spawn(|| {
            for i in 0..10 {
                s.forget("t", &format!("gone{i}")).unwrap();
            }
        });
    });
    let settings = s.settings("t").unwrap();
    let lost_names = (0..REPS)
        .flat_map(|r| (0..NAMES_EACH).map(move |i| format!("rep{r}-{i}")))
        .filter(|rep| !settings.names.contains_key(rep))
        .count();
    assert_eq!(lost_names, 0, "display names lost");
    let lost_managers = (0..CHANGES)
        .filter(|i| !settings.is_manager(&format!("new{i}")))
        .count();
    assert_eq!(lost_managers, 0, "added managers lost");
    let kept_rights: Vec<&String> = old.iter().filter(|m| settings.is_manager(m)).collect();
    assert!(
        kept_rights.is_empty(),
        "removed managers kept: {kept_rights:?}"
    );
    let resurrected: Vec<&String> = settings
        .names
        .keys()
        .filter(|k| k.starts_with("gone"))
        .collect();
    assert!(
        resurrected.is_empty(),
        "forgotten reps came back: {resurrected:?}"
    );
    assert_eq!(settings.title.as_deref(), Some("Acme sales"));
}
