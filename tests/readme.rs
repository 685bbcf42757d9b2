//! Every command README's console section shows runs as written (in a fresh folder, on the
//! default data directory), and says what it did: a README that drifts from the binary fails.

#[path = "support/bin.rs"]
mod bin;

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The `callnudge …` lines of README's first `sh` block after "## The console", continuation
/// lines joined and comments dropped.
fn readme_commands() -> Vec<String> {
    let readme = include_str!("../README.md");
    let section = &readme[readme.find("## The console").expect("a console section")..];
    let block = section.split("```sh").nth(1).expect("a sh block");
    let block = block.split("```").next().unwrap();
    let mut commands: Vec<String> = Vec::new();
    let mut continued = false;
    for line in block.lines() {
        let code = line.split("  #").next().unwrap().trim();
        if continued {
            let last = commands.last_mut().unwrap();
            last.push(' ');
            last.push_str(code.trim_end_matches('\\').trim());
        } else if code.starts_with("callnudge ") {
            commands.push(code.trim_end_matches('\\').trim().to_string());
        }
        continued = code.ends_with('\\');
    }
    commands
}

/// A README line as a shell would run it: `[optional]` parts in, `a|b` alternatives the first.
fn words(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = command.trim_start_matches("callnudge ").trim();
    while !rest.is_empty() {
        let (word, tail) = if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted.find('"').expect("a closing quote");
            (quoted[..end].to_string(), &quoted[end + 1..])
        } else {
            let end = rest.find(' ').unwrap_or(rest.len());
            let word = rest[..end].trim_matches(['[', ']']);
            (word.split('|').next().unwrap().to_string(), &rest[end..])
        };
        out.push(word);
        rest = tail.trim_start();
    }
    out
}

fn run(dir: &Path, args: &[String], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_callnudge"))
        .args(args)
        .current_dir(dir)
        .env_remove("CALLNUDGE_DATA_DIR")
        .env_remove("CALLNUDGE_RULES")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

#[test]
fn every_console_command_in_readme_runs_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let commands = readme_commands();
    assert!(commands.len() >= 13, "{commands:#?}");
    // What the README's lines refer to: notes.csv and notes.txt to read, and a note 12 of
    // ana's with a checking-in finding (ids count 1, 2, 3 …).
    std::fs::write(
        dir.path().join("notes.csv"),
        "team,rep,time,text\nacme,ben,2026-11-20T10:00:00Z,They asked for a quote.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("notes.txt"),
        "Just checking in.\nSent the quote.\n",
    )
    .unwrap();
    for i in 1..=12 {
        let text = if i == 12 {
            "Just checking in on the quote."
        } else {
            "Sent the deck."
        };
        let args: Vec<String> = ["note", "--team", "acme", "--rep", "ana", text]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(run(dir.path(), &args, "").status.success());
    }
    for command in &commands {
        let args = words(command);
        let out = run(dir.path(), &args, ":quit\n");
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert!(out.status.success(), "`{command}` failed:\n{stderr}");
        assert!(!stdout.trim().is_empty(), "`{command}` printed nothing");
    }
    assert!(
        dir.path().join("chart.png").exists(),
        "digest --png wrote the chart"
    );
    assert!(
        dir.path().join("restored-data").join("db").exists(),
        "restore made a store"
    );
}
