//! `callnudge analyze` as a user runs it: files and stdin, human and JSON output, the linters'
//! exit codes, bad input, and broken rule directories.

#[path = "support/bin.rs"]
mod bin;
use bin::{callnudge, stderr, stdout};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

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

fn copy_rules(to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts/rules");
    for entry in std::fs::read_dir(from).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
}

fn broken_rules(edit: impl FnOnce(&Path)) -> Output {
    let dir = tempfile::tempdir().unwrap();
    copy_rules(dir.path());
    edit(dir.path());
    callnudge(
        &[
            "--rules",
            dir.path().to_str().unwrap(),
            "analyze",
            "--format",
            "json",
        ],
        b"They asked for a quote.",
    )
}

fn append(path: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

fn lines_of(path: &Path) -> usize {
    std::fs::read_to_string(path).unwrap().lines().count()
}

#[test]
fn a_rules_directory_replaces_the_built_in_rules() {
    let o = broken_rules(|dir| {
        let p = dir.join("order-taking.toml");
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(
            p,
            text.replace("level = \"warning\"", "level = \"suggestion\""),
        )
        .unwrap();
    });
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("\"level\":\"suggestion\""));
}

/// Breaks a copy of the rules; returns the line the error must name (0: any line).
type Edit = Box<dyn Fn(&Path) -> usize>;

#[test]
fn broken_rule_files_name_file_line_and_reason() {
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "chasing.toml",
            Box::new(|d: &Path| {
                let p = d.join("chasing.toml");
                append(&p, "\n[[rule]]\nid = \"oops\"\nlevel = \"warning\"\nweight = 2\nphrases = [ 'unclosed\n");
                lines_of(&p)
            }),
            "",
        ),
        (
            "chasing.toml",
            Box::new(|d: &Path| {
                let p = d.join("chasing.toml");
                let n = lines_of(&p);
                append(&p, "\n[[rule]]\nid = \"bad-phrase\"\nlevel = \"warning\"\nweight = 2\nphrases = ['(unbalanced']\n");
                n + 6
            }),
            "a `(` is never closed",
        ),
        (
            "chasing.toml",
            Box::new(|d: &Path| {
                let p = d.join("chasing.toml");
                let n = lines_of(&p);
                append(&p, "\n[[rule]]\nid = \"no-class\"\nlevel = \"warning\"\nweight = 2\nphrases = ['{nosuch} quote']\n");
                n + 6
            }),
            "unknown class `{nosuch}`",
        ),
        (
            "chasing.toml",
            Box::new(|d: &Path| {
                let p = d.join("chasing.toml");
                let n = lines_of(&p);
                append(&p, "\n[[rule]]\nid = \"old-style\"\nlevel = \"warning\"\nweight = 2\npatterns = ['\\bquote\\b']\n");
                n + 6
            }),
            "are no longer read; write them as `phrases`",
        ),
        (
            "insight.toml",
            Box::new(|d: &Path| {
                let p = d.join("insight.toml");
                let n = lines_of(&p);
                append(&p, "\n[[rule]]\nid = \"checking-in\"\nlevel = \"warning\"\nweight = 2\nphrases = ['x']\n");
                n + 3
            }),
            "duplicate rule id",
        ),
        (
            "mutual-plan.toml",
            Box::new(|d: &Path| {
                let p = d.join("mutual-plan.toml");
                let text = std::fs::read_to_string(&p).unwrap();
                std::fs::write(
                    &p,
                    text.replace("category = \"mutual-plan\"", "category = \"mutual-plans\""),
                )
                .unwrap();
                1
            }),
            "unknown category",
        ),
    ];
    for (file, edit, reason) in cases {
        let expected_line = std::cell::Cell::new(0);
        let o = broken_rules(|d| expected_line.set(edit(d)));
        let expected_line = expected_line.get();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(stdout(&o).is_empty(), "nothing is analysed: {}", stdout(&o));
        assert!(err.contains(file), "{err}");
        assert!(err.contains(reason), "{err}");
        if expected_line > 0 {
            assert!(
                err.contains(&format!("{file}:{expected_line}")),
                "line {expected_line}: {err}"
            );
        }
    }
}

#[test]
fn serve_without_a_token_exits_2_and_says_how_to_create_the_bot() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_callnudge"))
        .args(["serve", "--data-dir"])
        .arg(dir.path())
        .env_remove("DISCORD_TOKEN")
        .env_remove("SLACK_SIGNING_SECRET")
        .env_remove("SLACK_BOT_TOKEN")
        .env_remove("MATTERMOST_TOKEN")
        .env_remove("CALLNUDGE_HTTP_ADDR")
        .env_remove("CALLNUDGE_CONFIG")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for needed in [
        "DISCORD_TOKEN",
        "developers/applications",
        "bot applications.commands",
        "Message Content",
        "callnudge console",
    ] {
        assert!(err.contains(needed), "missing {needed:?} in:\n{err}");
    }
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

#[cfg(unix)]
#[test]
fn serve_answers_health_checks_and_stops_cleanly_on_sigterm() {
    use std::io::{BufRead, BufReader, Read};
    use std::net::TcpStream;
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let port = bin::free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_callnudge"))
        .args(["serve", "--data-dir"])
        .arg(dir.path())
        .env_remove("DISCORD_TOKEN")
        .env("SLACK_SIGNING_SECRET", "s")
        .env("SLACK_BOT_TOKEN", "xoxb-t")
        .env("SLACK_API_URL", "http://127.0.0.1:9/api")
        .env("CALLNUDGE_HTTP_ADDR", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let body = loop {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut r = String::new();
            s.read_to_string(&mut r).unwrap();
            break r;
        }
        assert!(Instant::now() < deadline, "serve never listened");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        body.starts_with("HTTP/1.1 200") && body.ends_with("ok\n"),
        "{body}"
    );
    // A client that sends half a request and holds the connection must not stall shutdown.
    let mut half = TcpStream::connect(("127.0.0.1", port)).unwrap();
    half.write_all(
        b"POST /slack/commands HTTP/1.1\r\nHost: x\r\nContent-Length: 900\r\n\r\nteam_id=T",
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    // The shutdown deadline is 10 s: a connection still open then is closed.
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .for_each(|l| err.push_str(&l));
    assert_eq!(status.code(), Some(0), "{err}");
    drop(half);
    // The store was released: another process can open it and write.
    let out = callnudge(
        &[
            "team",
            "--team",
            "t",
            "--tz",
            "Europe/Berlin",
            "--data-dir",
            dir.path().to_str().unwrap(),
        ],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn serve_on_a_busy_port_exits_2_and_names_the_address() {
    let dir = tempfile::tempdir().unwrap();
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_callnudge"))
        .args(["serve", "--data-dir"])
        .arg(dir.path())
        .env_remove("DISCORD_TOKEN")
        .env("SLACK_SIGNING_SECRET", "s")
        .env("SLACK_BOT_TOKEN", "xoxb-t")
        .env("CALLNUDGE_HTTP_ADDR", &addr)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&addr) && err.contains("could not listen"),
        "{err}"
    );
}

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

/// A temporary folder and the path of a data directory inside it (not created yet).
fn fresh_data_dir() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data").to_str().unwrap().to_string();
    (dir, data)
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
