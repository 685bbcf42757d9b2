//! Disputes ("not reactive here") on a real sled store: only a rep's own findings can be
//! disputed, a rule the team keeps disputing is turned down for everyone (one rep alone cannot),
//! managers see it in the digest and can set it back; and the console's dispute flow, through
//! the binary.

#[path = "support/bin.rs"]
mod bin;
use bin::{callnudge, stderr, stdout};
use callnudge::core::demotion::MIN_DISPUTES;
use callnudge::core::settings::SettingChange;
use callnudge::core::{Level, RuleOverride};
use callnudge::prompts::Prompts;
use callnudge::service::{DisputeOutcome, Service, ServiceError};
use callnudge::store::SledStore;
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::sync::Arc;

/// A warning-level rule, and a note that fires it.
const RULE: &str = "checking-in";
const NOTE: &str = "Just checking in on the proposal, no reply yet.";

fn service(dir: &std::path::Path) -> Service {
    let store = SledStore::open(dir).expect("open store");
    Service::new(Arc::new(store), Arc::new(Prompts::embedded().unwrap()))
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap()
}

/// The level of `RULE`'s finding in a fresh note by `rep`, if it fires at all.
fn level_now(s: &Service, rep: &str, at: DateTime<Utc>) -> Option<Level> {
    let n = s.submit_note("t", rep, NOTE, at).unwrap();
    n.report
        .findings
        .iter()
        .find(|f| &*f.rule == RULE)
        .map(|f| f.level)
}

/// Each rep posts a note and disputes its `RULE` finding; returns the last outcome.
fn dispute_each(s: &Service, reps: &[&str], at: DateTime<Utc>) -> DisputeOutcome {
    let mut last = DisputeOutcome::Recorded;
    for rep in reps {
        let n = s.submit_note("t", rep, NOTE, at).unwrap();
        last = s.dispute("t", rep, RULE, n.note.id, at).unwrap();
    }
    last
}

#[test]
fn the_rule_fixture_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        level_now(&service(dir.path()), "ana", now()),
        Some(Level::Warning)
    );
}

#[test]
fn a_rule_the_team_keeps_disputing_is_turned_down_for_everyone_until_a_manager_decides() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path());
    let reps = ["ana", "ben", "cai", "ana", "ben"];
    assert_eq!(reps.len() as u32, MIN_DISPUTES);
    // One dispute short: nothing changes.
    assert_eq!(
        dispute_each(&s, &reps[..4], now()),
        DisputeOutcome::Recorded
    );
    assert_eq!(level_now(&s, "dee", now()), Some(Level::Warning));
    // The fifth (5 of 6 findings, 3 reps): a suggestion now, for a rep who never disputed too.
    let DisputeOutcome::Demoted(d) = dispute_each(&s, &reps[4..], now()) else {
        panic!("the fifth dispute demotes the rule");
    };
    assert_eq!(d.to, RuleOverride::Level(Level::Suggestion));
    assert_eq!((d.tally.disputes, d.tally.reps), (5, 3));
    let answer = s.dispute_answer(RULE, &DisputeOutcome::Demoted(d));
    assert!(answer.contains("now suggestion for everyone"), "{answer}");
    drop(s);
    let s = service(dir.path()); // it is stored, not remembered in memory
    assert_eq!(level_now(&s, "dee", now()), Some(Level::Suggestion));
    let (digest, parts) = s.digest("t", None, now()).unwrap();
    assert_eq!(digest.demoted.len(), 1);
    let text = parts.join("\n");
    assert!(
        text.contains("`checking-in` turned down after disputes: warning → suggestion"),
        "{text}"
    );
    assert!(s
        .rules_overview("t")
        .unwrap()
        .join("\n")
        .contains("checking-in (suggestion, after disputes)"));

    // Disputes from before the demotion do not count twice: the next ones start afresh.
    let later = now() + Duration::hours(1);
    assert_eq!(
        dispute_each(&s, &["ana", "ben"], later),
        DisputeOutcome::Recorded
    );
    assert_eq!(level_now(&s, "dee", later), Some(Level::Suggestion));

    // A manager sets the rule: that wins, and later disputes do not demote it again.
    s.change_settings("t", [SettingChange::Rule(RULE.into(), "warning".into())])
        .unwrap();
    assert!(s.settings("t").unwrap().demoted.is_empty());
    assert_eq!(
        dispute_each(&s, &["ana", "ben", "cai", "dee", "eve", "fay"], later),
        DisputeOutcome::Recorded
    );
    assert_eq!(level_now(&s, "gus", later), Some(Level::Warning));
    assert!(s.digest("t", None, later).unwrap().0.demoted.is_empty());

    // `default` hands the rule back to the rule file and to the team's disputes.
    s.change_settings("t", [SettingChange::Rule(RULE.into(), "default".into())])
        .unwrap();
    assert!(s.settings("t").unwrap().rule_overrides.is_empty());
    let much_later = later + Duration::hours(1);
    // The team's record of the last 8 weeks still says it: the next dispute turns it down.
    assert!(matches!(
        dispute_each(&s, &["ana"], much_later),
        DisputeOutcome::Demoted(_)
    ));
}

#[test]
fn a_suggestion_the_team_keeps_disputing_goes_off() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path());
    dispute_each(&s, &["ana", "ben", "cai", "ana", "ben"], now());
    let later = now() + Duration::days(1);
    let DisputeOutcome::Demoted(d) = dispute_each(&s, &["ana", "ben", "cai", "ana", "ben"], later)
    else {
        panic!("five more disputes after the first demotion turn it down again");
    };
    assert_eq!(d.to, RuleOverride::Off);
    assert_eq!(
        level_now(&s, "dee", later),
        None,
        "the rule no longer fires"
    );
}

#[test]
fn one_rep_alone_cannot_turn_a_rule_down() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path());
    let outcome = dispute_each(&s, &["ana"; 8], now());
    assert_eq!(outcome, DisputeOutcome::Recorded);
    assert_eq!(level_now(&s, "ben", now()), Some(Level::Warning));
}

#[test]
fn only_a_reps_own_findings_can_be_disputed() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(dir.path());
    let ana = s.submit_note("t", "ana", NOTE, now()).unwrap();
    // Ben presses a button forwarded from Ana's nudge; Ana disputes a rule her note lacks.
    for (rep, rule, says) in [
        ("ben", RULE, "you have no note"),
        ("ana", "gave-discount", "has no `gave-discount` finding"),
    ] {
        let e = s.dispute("t", rep, rule, ana.note.id, now()).unwrap_err();
        assert!(matches!(e, ServiceError::NoSuchFinding { .. }), "{e}");
        assert!(e.to_string().contains("your own nudges"), "{e}");
        assert!(e.to_string().contains(says), "{e}");
    }
    assert!(
        s.store().disputes("t").unwrap().is_empty(),
        "nothing stored"
    );
    assert!(matches!(
        s.dispute("t", "ana", "no-such-rule", ana.note.id, now()),
        Err(ServiceError::UnknownRule(_))
    ));
}

/// Runs the binary on `dir`: exit code, standard output, standard error.
fn run(dir: &std::path::Path, args: &[&str], stdin: &str) -> (Option<i32>, String, String) {
    let dir = dir.to_str().unwrap();
    let out = callnudge(&[args, &["--data-dir", dir]].concat(), stdin.as_bytes());
    (out.status.code(), stdout(&out), stderr(&out))
}

#[test]
fn the_console_prints_the_dispute_command_and_runs_it() {
    let dir = tempfile::tempdir().unwrap();
    let who = ["--team", "t", "--rep", "ana"];
    let (code, out, _) = run(dir.path(), &[&["note"][..], &who, &[NOTE]].concat(), "");
    assert_eq!(code, Some(0), "{out}");
    let line = out
        .lines()
        .find(|l| l.contains("--rule checking-in"))
        .unwrap_or_else(|| panic!("a dispute command for the finding: {out}"));
    let command = line.split("callnudge ").nth(1).unwrap();
    let args: Vec<&str> = command.split_whitespace().collect();
    let (code, out, err) = run(dir.path(), &args, "");
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("was not reactive here"), "{out}");
    let s = service(dir.path());
    assert_eq!(s.store().disputes("t").unwrap().get(RULE), Some(&1));
    drop(s);

    // Someone else's note: exit 2, a clear reason, nothing stored.
    let ben: Vec<&str> = args
        .iter()
        .map(|a| if *a == "ana" { "ben" } else { a })
        .collect();
    let (code, _, err) = run(dir.path(), &ben, "");
    assert_eq!(code, Some(2));
    assert!(err.contains("you have no note"), "{err}");
    assert_eq!(
        service(dir.path()).store().disputes("t").unwrap().get(RULE),
        Some(&1)
    );
}

#[test]
fn the_interactive_console_disputes_a_shown_finding_by_number() {
    let dir = tempfile::tempdir().unwrap();
    let input = format!(":dispute 1\n{NOTE}\n\n:dispute 3\n:dispute 1\n:trend\n:quit\n");
    let (code, out, err) = run(
        dir.path(),
        &["console", "--team", "t", "--rep", "ana"],
        &input,
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("Nothing to dispute"), "{out}");
    assert!(out.contains("(Not reactive here? :dispute 1"), "{out}");
    assert!(out.contains("Which finding? :dispute 1"), "{out}");
    assert!(out.contains("was not reactive here"), "{out}");
    assert!(out.contains("Trend for ana"), "{out}");
    let s = service(dir.path());
    assert_eq!(s.store().disputes("t").unwrap().values().sum::<u32>(), 1);
}

#[test]
fn the_printed_dispute_command_runs_in_a_shell_with_spaces_and_quotes_in_ids() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let who = ["--team", "acme corp", "--rep", "o'neil", "--data-dir", d];
    let out = callnudge(&[&["note"][..], &who, &[NOTE]].concat(), b"");
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.contains("--rule checking-in"))
        .unwrap_or_else(|| panic!("a dispute command: {text}"));
    let command = line.split("callnudge ").nth(1).unwrap();
    let run = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("\"$CALLNUDGE\" {command} --data-dir \"$DIR\""))
        .env("CALLNUDGE", env!("CARGO_BIN_EXE_callnudge"))
        .env("DIR", d)
        .env_remove("CALLNUDGE_RULES")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(stdout(&run).contains("was not reactive here"));
    let s = service(dir.path());
    assert_eq!(s.store().disputes("acme corp").unwrap().get(RULE), Some(&1));
}
