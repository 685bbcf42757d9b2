//! Commands on a data directory: teams, retention, import, forget, and the folders that are
//! not a store (missing, a file, a store that lost its data file, an unknown team).

use crate::bin::{callnudge, stderr, stdout};
use crate::fresh_data_dir;
use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn the_team_command_in_readme_runs_also_with_a_rules_directory_set() {
    let (_dir, data) = fresh_data_dir();
    let data = data.as_str();
    let readme_command = [
        "team",
        "--team",
        "acme",
        "--tz",
        "America/Los_Angeles",
        "--weekday",
        "fri",
        "--hour",
        "16",
        "--manager",
        "maria",
        "--retention-days",
        "90",
        "--rule",
        "checking-in=suggestion",
        "--data-dir",
        data,
    ];
    let out = callnudge(&readme_command, b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("checking-in"), "{text}");
    // With a rules directory in the environment too (the global --rules), as an operator may.
    let rules = concat!(env!("CARGO_MANIFEST_DIR"), "/prompts/rules");
    let out = Command::new(env!("CARGO_BIN_EXE_callnudge"))
        .args(["team", "--team", "acme", "--rule", "checking-in=warning"])
        .args(["--data-dir", data])
        .env("CALLNUDGE_RULES", rules)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("checking-in"), "{}", stdout(&out));
}

/// `--retention-days 0` is refused (people read it as "keep nothing" and as "keep forever"),
/// the stored text untouched; `none` says "keep no note text" explicitly.
#[test]
fn a_retention_of_zero_is_refused_and_none_is_explicit() {
    let (_dir, data) = fresh_data_dir();
    let data = data.as_str();
    let note = callnudge(
        &[
            "note",
            "--team",
            "acme",
            "--rep",
            "sam",
            "--data-dir",
            data,
            "-",
        ],
        b"They asked for a quote; I'll send it.",
    );
    assert_eq!(note.status.code(), Some(0), "{}", stderr(&note));
    let out = callnudge(
        &[
            "team",
            "--team",
            "acme",
            "--retention-days",
            "0",
            "--data-dir",
            data,
        ],
        b"",
    );
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("`none`"), "{}", stderr(&out));
    let export = callnudge(
        &[
            "export",
            "--team",
            "acme",
            "--format",
            "json",
            "--data-dir",
            data,
        ],
        b"",
    );
    assert!(
        stdout(&export).contains("send it"),
        "the note text is still there: {}",
        stdout(&export)
    );
    let out = callnudge(
        &[
            "team",
            "--team",
            "acme",
            "--retention-days",
            "none",
            "--data-dir",
            data,
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("retention_days = 0"),
        "{}",
        stdout(&out)
    );
}

/// `import -` reads standard input, and importing the same rows again stores nothing twice.
#[test]
fn import_reads_standard_input_and_a_second_import_adds_nothing() {
    let (_dir, data) = fresh_data_dir();
    let data = data.as_str();
    let csv = b"team,rep,time,text\nacme,sam,2026-11-02T10:00:00Z,They asked for a quote; I'll send it.\n";
    let out = callnudge(&["import", "-", "--data-dir", data], csv);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("stored 1 note, 0 already"),
        "{}",
        stdout(&out)
    );
    let out = callnudge(&["import", "-", "--data-dir", data], csv);
    assert!(
        stdout(&out).contains("stored 0 notes, 1 already"),
        "{}",
        stdout(&out)
    );
}

/// Read-only commands in the wrong folder say so, and do not create an empty store there (a
/// typo must not look like an empty team).
#[test]
fn read_commands_on_a_folder_without_data_say_so_and_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("typo");
    let missing = missing.to_str().unwrap();
    for args in [
        vec!["trend", "--team", "t", "--rep", "r", "--data-dir", missing],
        vec!["digest", "--team", "t", "--data-dir", missing],
        vec!["export", "--team", "t", "--data-dir", missing],
    ] {
        let out = callnudge(&args, b"");
        assert!(!out.status.success(), "{args:?}");
        assert!(
            stderr(&out).contains("no callnudge data in"),
            "{}",
            stderr(&out)
        );
        assert!(
            !std::path::Path::new(missing).exists(),
            "{args:?} created the folder"
        );
    }
}

/// `--data-dir` naming a file says so, not "is the disk full".
#[test]
fn a_data_dir_that_is_a_file_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "not a store").unwrap();
    let out = callnudge(
        &[
            "note",
            "--team",
            "t",
            "--rep",
            "r",
            "--data-dir",
            file.to_str().unwrap(),
            "Sent the quote.",
        ],
        b"",
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("is a file, not a folder"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("disk full"), "{}", stderr(&out));
}

/// A store whose data file was deleted or emptied is refused with what to do, instead of
/// opening as an empty store (every note silently gone).
#[test]
fn a_store_that_lost_its_data_file_is_refused_not_opened_empty() {
    for damage in ["delete", "truncate"] {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let d = data.to_str().unwrap();
        let out = callnudge(
            &[
                "note",
                "--team",
                "t",
                "--rep",
                "r",
                "--data-dir",
                d,
                "Sent the quote.",
            ],
            b"",
        );
        assert!(out.status.success(), "{}", stderr(&out));
        match damage {
            "delete" => std::fs::remove_file(data.join("db")).unwrap(),
            _ => std::fs::File::create(data.join("db")).map(drop).unwrap(),
        }
        let out = callnudge(&["export", "--team", "t", "--data-dir", d], b"");
        assert!(!out.status.success(), "{damage}: {}", stdout(&out));
        assert!(
            stderr(&out).contains("is damaged"),
            "{damage}: {}",
            stderr(&out)
        );
        assert!(stderr(&out).contains("backup"), "{}", stderr(&out));
    }
}

/// A mistyped team on an existing data directory is named, with the teams that exist,
/// instead of reading as a team with no notes this week.
#[test]
fn read_commands_on_an_unknown_team_name_the_teams_there() {
    let (_dir, data) = fresh_data_dir();
    let stored = callnudge(
        &[
            "note",
            "--team",
            "acme",
            "--rep",
            "ana",
            "--data-dir",
            &data,
            "Sent the quote.",
        ],
        b"",
    );
    assert!(stored.status.success(), "{}", stderr(&stored));
    for command in [
        &["digest", "--team", "acme-typo"][..],
        &["trend", "--team", "acme-typo", "--rep", "ana"],
        &["export", "--team", "acme-typo"],
    ] {
        let out = callnudge(&[command, &["--data-dir", &data]].concat(), b"");
        assert_eq!(out.status.code(), Some(2), "{command:?}");
        let err = stderr(&out);
        assert!(
            err.contains("no team `acme-typo`") && err.contains("teams here: acme"),
            "{err}"
        );
        assert!(stdout(&out).is_empty());
    }
}

/// `forget` on a terminal asks first and deletes only on "yes"; `--yes` (or a script, with no
/// terminal) does not ask. The terminal is `script`'s pseudo-terminal (util-linux).
#[test]
fn forget_asks_on_a_terminal_and_deletes_only_on_yes() {
    let (_dir, data) = fresh_data_dir();
    let stored = callnudge(
        &[
            "note",
            "--team",
            "t",
            "--rep",
            "r",
            "--data-dir",
            &data,
            "Sent the quote.",
        ],
        b"",
    );
    assert!(stored.status.success(), "{}", stderr(&stored));
    let bin = env!("CARGO_BIN_EXE_callnudge");
    let on_terminal = |answer: &str| {
        let command = format!("{bin} forget --team t --rep r --data-dir {data}");
        let mut child = Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("script (util-linux) runs the command on a pseudo-terminal");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(answer.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let refused = on_terminal("no\n");
    assert!(refused.contains("Type yes to go on"), "{refused}");
    assert!(refused.contains("nothing deleted"), "{refused}");
    let export = |data: &str| {
        stdout(&callnudge(
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
        ))
    };
    assert!(export(&data).contains("Sent the quote."), "kept after no");
    let done = on_terminal("yes\n");
    assert!(
        done.contains("Deleted 1 note and every other record"),
        "{done}"
    );
    assert!(!export(&data).contains("Sent the quote."));
    // Without a terminal, or with --yes, no question.
    let out = callnudge(
        &[
            "forget",
            "--team",
            "t",
            "--rep",
            "r",
            "--yes",
            "--data-dir",
            &data,
        ],
        b"",
    );
    assert!(stdout(&out).contains("Deleted 0 notes"), "{}", stdout(&out));
}
