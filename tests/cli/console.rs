//! `callnudge note` and the console: notes from stdin and pastes, the demo, plain output when
//! piped, note ids typed back to `dispute`.

use crate::bin::{callnudge, stderr, stdout};
use crate::fresh_data_dir;

/// A line that is not UTF-8 on the console's input is reported and skipped; the session and
/// the note around it go on.
#[test]
fn the_console_skips_a_line_that_is_not_utf8() {
    let (_dir, data) = fresh_data_dir();
    let data = data.as_str();
    let input = b"They asked for a quote\n\xff\xfe garbled\nand I'll send it tonight.\n\n:quit\n";
    let out = callnudge(
        &["console", "--team", "t", "--rep", "r", "--data-dir", data],
        input,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Line 2 is not UTF-8"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("Peer score"), "{}", stdout(&out));
    let export = callnudge(
        &[
            "export",
            "--team",
            "t",
            "--format",
            "json",
            "--data-dir",
            data,
        ],
        b"",
    );
    let notes: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
    let text = notes[0]["text"].as_str().unwrap();
    assert!(text.contains("quote") && text.contains("send it"), "{text}");
}

/// A note piped to `note` is stored without the newline that ended the input.
#[test]
fn a_note_from_standard_input_is_stored_without_its_final_newline() {
    let (_dir, data) = fresh_data_dir();
    let out = callnudge(
        &["note", "--team", "t", "--rep", "r", "--data-dir", &data],
        b"Sent the quote.\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let export = callnudge(
        &[
            "export",
            "--team",
            "t",
            "--format",
            "json",
            "--data-dir",
            &data,
        ],
        b"",
    );
    let notes: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
    assert_eq!(notes[0]["text"], "Sent the quote.");
}

/// A note pasted with paragraphs (the terminal marks the paste) stays one note: the client's
/// step in the last paragraph counts for the whole note. Typed, an empty line still ends a note.
#[test]
fn a_pasted_note_with_blank_lines_stays_one_note() {
    let (_dir, data) = fresh_data_dir();
    let input = "\x1b[200~Call with Dana.\n\nI'll send the revised quote Friday.\n\n\
                 She will pull the usage data by Monday.\x1b[201~\n\nShort typed note.\n\n:quit\n";
    let out = callnudge(
        &["console", "--team", "t", "--rep", "r", "--data-dir", &data],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let export = callnudge(
        &[
            "export",
            "--team",
            "t",
            "--format",
            "json",
            "--data-dir",
            &data,
        ],
        b"",
    );
    let notes: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
    let notes = notes.as_array().unwrap();
    assert_eq!(notes.len(), 2, "{notes:?}");
    let pasted = notes[0]["text"].as_str().unwrap();
    assert!(
        pasted.contains("Call with Dana.\n\nI'll send") && pasted.contains("usage data"),
        "{pasted:?}"
    );
    assert!(!pasted.contains('\x1b'), "{pasted:?}");
}

/// Running the demo twice into one folder does not replay the month again beside the first.
#[test]
fn a_second_demo_into_the_same_folder_is_refused_and_adds_nothing() {
    let (_dir, data) = fresh_data_dir();
    let first = callnudge(&["demo", "--data-dir", &data], b"");
    assert!(first.status.success(), "{}", stderr(&first));
    let count = || {
        let export = callnudge(
            &[
                "export",
                "--team",
                "demo-team",
                "--format",
                "json",
                "--data-dir",
                &data,
            ],
            b"",
        );
        serde_json::from_slice::<serde_json::Value>(&export.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .len()
    };
    let stored = count();
    let second = callnudge(&["demo", "--data-dir", &data], b"");
    assert!(!second.status.success());
    assert!(
        stderr(&second).contains("already has"),
        "{}",
        stderr(&second)
    );
    assert_eq!(count(), stored);
}

/// Piped (not a terminal), the nudge, trend and digest are plain text: no Markdown markers.
#[test]
fn piped_output_is_plain_text_without_markdown_markers() {
    let (_dir, data) = fresh_data_dir();
    let note = callnudge(
        &["note", "--team", "t", "--rep", "r", "--data-dir", &data],
        b"They asked for the price sheet, sent it. Just checking in on the PO.",
    );
    assert!(note.status.success(), "{}", stderr(&note));
    let trend = callnudge(
        &["trend", "--team", "t", "--rep", "r", "--data-dir", &data],
        b"",
    );
    let digest = callnudge(&["digest", "--team", "t", "--data-dir", &data], b"");
    for out in [&note, &trend, &digest] {
        let text = stdout(out);
        assert!(!text.is_empty());
        assert!(!text.contains("**") && !text.contains('`'), "{text}");
        assert!(!text.contains("*Order-taking*"), "{text}");
    }
    assert!(stdout(&note).starts_with("Peer score"), "{}", stdout(&note));
    assert!(stdout(&note).contains("Order-taking"), "{}", stdout(&note));
}

/// The value after `flag` in the first dispute command `note` printed.
fn dispute_arg(text: &str, flag: &str) -> String {
    text.split(&format!("{flag} "))
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no {flag} in a dispute command in {text}"))
        .to_string()
}

/// Note ids are small and count up across processes: what `note` prints is typed back.
#[test]
fn note_ids_count_up_across_processes_and_are_typed_back() {
    let (_dir, data) = fresh_data_dir();
    let mut printed = Vec::new();
    let mut rules = Vec::new();
    for _ in 0..3 {
        let out = callnudge(
            &["note", "--team", "t", "--rep", "r", "--data-dir", &data],
            b"They asked for a quote, I'll send it EOD.",
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let text = stdout(&out);
        printed.push(dispute_arg(&text, "--note"));
        // The rule, as the printed command names it: whichever rule reads the note.
        let rule = dispute_arg(&text, "--rule");
        rules.push(rule);
    }
    assert_eq!(printed, ["1", "2", "3"]);
    let dispute = callnudge(
        &[
            "dispute",
            "--team",
            "t",
            "--rep",
            "r",
            "--note",
            "2",
            "--rule",
            &rules[1],
            "--data-dir",
            &data,
        ],
        b"",
    );
    assert!(dispute.status.success(), "{}", stderr(&dispute));
}

/// A note typed without quotes is taken whole; a rules folder with no rule files says what
/// it should hold.
#[test]
fn unquoted_note_words_are_one_note_and_an_empty_rules_folder_says_what_it_needs() {
    let (dir, data) = fresh_data_dir();
    let words = "They asked for a quote , sent it".split(' ');
    let args: Vec<&str> = ["note", "--team", "t", "--rep", "r", "--data-dir", &data]
        .into_iter()
        .chain(words)
        .collect();
    let out = callnudge(&args, b"");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("asked for a quote"),
        "{}",
        stdout(&out)
    );
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = callnudge(&["--rules", empty.to_str().unwrap(), "analyze", "-"], b"hi");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("holds no rule files"), "{err}");
    assert!(err.contains("order-taking.toml"), "{err}");
}
