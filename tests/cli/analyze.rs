//! `callnudge analyze` and `calibrate` as a user runs them: files and stdin, human and JSON
//! output, the linters' exit codes, bad input, long notes.

use crate::bin::{callnudge, stderr, stdout};

#[test]
fn exit_codes_follow_the_linters_convention() {
    let clean = callnudge(&["analyze"], b"Dana will pull the churn numbers.");
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
    let reactive = callnudge(&["analyze"], b"They asked for a quote, I'll send it EOD.");
    assert_eq!(reactive.status.code(), Some(1));
    let error = callnudge(&["analyze", "/nonexistent/notes.txt"], b"");
    assert_eq!(error.status.code(), Some(2));
    assert!(stderr(&error).contains("/nonexistent/notes.txt"));
}

#[test]
fn human_output_marks_the_matched_text() {
    let o = callnudge(&["analyze"], b"Call went fine. They asked for a quote.");
    let out = stdout(&o);
    assert!(out.contains("order-taking"), "{out}");
    let text_line = out
        .lines()
        .find(|l| l.contains("They asked for a quote"))
        .unwrap();
    let marks = out.lines().skip_while(|l| *l != text_line).nth(1).unwrap();
    let col = text_line.find("asked").unwrap();
    assert_eq!(marks.find('^'), Some(col), "{out}");
}

#[test]
fn json_lines_follow_the_documented_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "Gave them 10% off.\n\nDana will pull the numbers.\n").unwrap();
    let o = callnudge(
        &[
            "analyze",
            "--lines",
            "--format",
            "json",
            path.to_str().unwrap(),
        ],
        b"",
    );
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["line"], 3);
    let note = "Gave them 10% off.";
    let f = &lines[0]["findings"][0];
    for key in [
        "rule", "category", "polarity", "level", "start", "end", "text", "message",
    ] {
        assert!(!f[key].is_null(), "finding lacks {key}: {f}");
    }
    let (s, e) = (
        f["start"].as_u64().unwrap() as usize,
        f["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&note[s..e], f["text"].as_str().unwrap());
    assert_eq!(f["category"], "unearned-concession");
    assert!(lines[0]["score"].as_u64().unwrap() < 50);
}

#[test]
fn bad_input_gets_a_clear_error() {
    let empty = callnudge(&["analyze"], b"  \n ");
    assert_eq!(empty.status.code(), Some(2));
    assert!(stderr(&empty).contains("empty"), "{}", stderr(&empty));

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("latin1.txt");
    std::fs::write(&bad, b"caf\xe9 call, sent quote").unwrap();
    let o = callnudge(&["analyze", bad.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not valid UTF-8"), "{}", stderr(&o));

    let odd = callnudge(
        &["analyze", "--format", "json"],
        "שלום 😀 مرحبا — they asked for a quote 👍".as_bytes(),
    );
    assert_eq!(odd.status.code(), Some(1));
}

#[test]
fn a_one_megabyte_note_is_analysed() {
    let note = "They asked for a quote. Dana will pull the numbers. ".repeat(20_000);
    let o = callnudge(&["analyze", "--format", "json"], note.as_bytes());
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o).lines().count(), 1);
}

#[test]
fn human_output_shows_a_window_of_a_long_line_so_it_stays_linear() {
    // One line of 100 KB with a finding every sentence: each finding shows its neighbourhood,
    // not the whole line again.
    let note = "They asked for a quote and I said yes to every change. ".repeat(1_900);
    let out = callnudge(&["analyze", "--format", "human", "-"], note.as_bytes());
    let text = stdout(&out);
    let findings = text.matches("= why:").count();
    assert!(findings > 1_000, "{findings} findings");
    assert!(
        text.len() < 40 * note.len(),
        "{} bytes of output for a {} byte note",
        text.len(),
        note.len()
    );
    let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(widest < 300, "a line of {widest} characters");
    assert!(text.contains("     | …"), "the cut is marked");
    // A short note is shown whole, as before.
    let out = callnudge(
        &["analyze", "--format", "human", "-"],
        b"Gave them 10% off.",
    );
    assert!(
        stdout(&out).contains("     | Gave them 10% off."),
        "{}",
        stdout(&out)
    );
}

#[test]
fn calibrate_counts_rule_hits_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "team,rep,time,text\n\
               t,ana,2026-11-27T10:00:00Z,\"They asked for a quote, I'll send it EOD.\"\n\
               t,ben,2026-11-27T11:00:00Z,Dana will pull the churn numbers before the review.\n\
               t,ana,2026-11-27T12:00:00Z,\"Just checking in, I'll send the deck again.\"\n";
    let out = callnudge(&["calibrate", "-"], csv.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("3 notes analysed"), "{text}");
    let row = text
        .lines()
        .find(|l| l.starts_with("rep-owns-next-step"))
        .unwrap_or_else(|| panic!("{text}"));
    let cols: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cols[2], "2", "fires on two of three notes: {row}");
    assert!(text.contains("never fired:"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
