//! Snoozed nudges on a real sled store: notes are still stored and counted, the nudge comes
//! back when the snooze ends or is turned off, `forget` removes the setting; and the console's
//! `snooze` through the binary.

#[path = "support/bin.rs"]
mod bin;

use bin::{callnudge, stderr, stdout};
use callnudge::prompts::Prompts;
use callnudge::service::{Service, ServiceError};
use callnudge::store::SledStore;
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::sync::Arc;

const NOTE: &str = "They asked for a 15% discount and I said yes.";

fn service(dir: &std::path::Path) -> Service {
    let store = SledStore::open(dir).expect("open store");
    Service::new(Arc::new(store), Arc::new(Prompts::embedded().unwrap()))
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap()
}

#[test]
fn a_snooze_holds_nudges_back_until_it_ends_and_the_notes_still_count() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path());
    s.change_settings(
        "t",
        [callnudge::core::settings::SettingChange::TimeZone(
            "Europe/Berlin".into(),
        )],
    )
    .unwrap();
    let answer = s.snooze("t", "ana", "2d", now()).unwrap();
    assert!(
        answer.contains("snoozed until Fri 27 Nov 13:00 (Europe/Berlin)"),
        "{answer}"
    );
    let quiet = s.submit_note("t", "ana", NOTE, now()).unwrap();
    assert_eq!(quiet.snoozed_until, Some(now() + Duration::days(2)));
    assert!(quiet.nudge.shown.is_empty());
    assert!(
        quiet.nudge.text.contains("snoozed until"),
        "{}",
        quiet.nudge.text
    );
    assert!(!quiet.report.findings.is_empty(), "still analysed");
    let (weeks, _) = s.trend("t", "ana").unwrap();
    assert_eq!(weeks.last().unwrap().notes, 1, "and counted in the trend");

    // Restarted two days later: the snooze has ended on its own.
    drop(s);
    let s = service(dir.path());
    let back = s
        .submit_note("t", "ana", NOTE, now() + Duration::days(2))
        .unwrap();
    assert_eq!(back.snoozed_until, None);
    assert!(!back.nudge.shown.is_empty());

    // Off before the end, and the state asked for.
    s.snooze("t", "ana", "1w", now()).unwrap();
    assert!(s
        .snooze("t", "ana", "", now())
        .unwrap()
        .contains("snoozed until"));
    assert!(s
        .snooze("t", "ana", "off", now())
        .unwrap()
        .contains("Nudges are on"));
    assert!(s
        .submit_note("t", "ana", NOTE, now())
        .unwrap()
        .snoozed_until
        .is_none());
    assert!(matches!(
        s.snooze("t", "ana", "forever", now()),
        Err(ServiceError::Snooze(_))
    ));
}

#[test]
fn forget_removes_the_snooze_too() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path());
    s.snooze("t", "ana", "3d", now()).unwrap();
    s.forget("t", "ana").unwrap();
    drop(s);
    let s = service(dir.path());
    assert_eq!(s.store().rep_prefs("t", "ana").unwrap(), Default::default());
}

#[test]
fn the_console_snoozes_and_a_bad_length_says_what_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let who = ["--team", "t", "--rep", "ana", "--data-dir", d];
    let out = callnudge(&[&["snooze"][..], &who, &["12h"]].concat(), b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("Nudges snoozed until"));
    assert!(
        stdout(&out).contains("callnudge snooze … off brings"),
        "{}",
        stdout(&out)
    );
    let out = callnudge(&[&["note"][..], &who, &[NOTE]].concat(), b"");
    assert!(stdout(&out).contains("snoozed until"), "{}", stdout(&out));
    assert!(!stdout(&out).contains("dispute"), "nothing to dispute");
    let out = callnudge(&[&["snooze"][..], &who, &["someday"]].concat(), b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("4h, 2d or 1w"), "{}", stderr(&out));
    let out = callnudge(
        &["console", "--team", "t", "--rep", "ana", "--data-dir", d],
        b":snooze off\n:snooze 1d\nThey asked for a quote.\n\n:quit\n",
    );
    assert!(stdout(&out).contains("Nudges are on"), "{}", stdout(&out));
    // The console names its own command, in the answer and in a snoozed note's ack.
    assert_eq!(
        stdout(&out).matches(":snooze off brings").count(),
        2,
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains("{snooze_off}"), "{}", stdout(&out));
}
