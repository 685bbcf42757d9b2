//! Per-category fixtures (`prompts/rules/fixtures/<category>.toml`, as in Vale's style tests):
//! every `fire` note must produce the category and no `quiet` note may, checked through the
//! library, through `callnudge rules test` and through `callnudge analyze`'s JSON. A snapshot
//! (`tests/snapshots/fixtures.txt`) holds what each fixture finds — every finding's rule and
//! span, and the score — so a fixture that fires for the wrong rule or span fails too; after a
//! deliberate rule change, `UPDATE_EXPECT=1 cargo test --test rule_fixtures` rewrites it and
//! the diff is reviewed with the change.

use callnudge::core::fixtures::{self, Fixtures};
use callnudge::core::Category;
use callnudge::prompts::{self, Prompts};
use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};

fn fixtures() -> Vec<(Category, Fixtures)> {
    let files = prompts::load_fixtures(None).unwrap();
    let all: Vec<(Category, Fixtures)> = files
        .iter()
        .map(|(file, text)| fixtures::parse(file, text).unwrap())
        .collect();
    for c in Category::ALL {
        let f = all.iter().find(|(k, _)| *k == c);
        let f = f.unwrap_or_else(|| panic!("every category needs fixtures/{}.toml", c.id()));
        assert!(
            f.1.fire.len() >= 3 && f.1.quiet.len() >= 3,
            "{c}: 3+ of each"
        );
    }
    all
}

#[test]
fn fixtures_through_the_library() {
    let prompts = Prompts::embedded().unwrap();
    let failures: Vec<String> = fixtures()
        .iter()
        .flat_map(|(c, f)| fixtures::check(&prompts.rules, *c, f))
        .map(|f| f.to_string())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn rules_test_runs_the_fixtures_and_says_what_fails() {
    let out = Command::new(env!("CARGO_BIN_EXE_callnudge"))
        .args(["rules", "test"])
        .env_remove("CALLNUDGE_RULES")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let total: usize = fixtures()
        .iter()
        .map(|(_, f)| f.fire.len() + f.quiet.len())
        .sum();
    assert!(
        stdout.contains(&format!("{total} fixtures, {total} passed, 0 failed")),
        "{stdout}"
    );

    // A rules folder of one's own, with a fixture the rules do not meet.
    let dir = tempfile::tempdir().unwrap();
    let rules = concat!(env!("CARGO_MANIFEST_DIR"), "/prompts/rules");
    for entry in std::fs::read_dir(rules).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::create_dir(dir.path().join("fixtures")).unwrap();
    std::fs::write(
        dir.path().join("fixtures/chasing.toml"),
        "fire = [\"Circling back on pricing.\", \"We had a great call.\"]\nquiet = [\"She replied.\"]\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_callnudge"))
        .args(["rules", "test"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("FAIL chasing: should fire on \"We had a great call.\"; found"),
        "{stdout}"
    );
    assert!(
        stdout.contains("3 fixtures, 2 passed, 1 failed"),
        "{stdout}"
    );
}

#[test]
fn rules_explain_shows_tokens_matches_and_drops() {
    let out = Command::new(env!("CARGO_BIN_EXE_callnudge"))
        .args([
            "rules",
            "explain",
            "Circling back tmrw. They'll circle back internally.",
        ])
        .env_remove("CALLNUDGE_RULES")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("read as \"tomorrow\""), "{stdout}");
    assert!(stdout.contains("chasing.toml:"), "{stdout}");
    assert!(stdout.contains("FOUND"), "{stdout}");
    // A dropped candidate names the exception that dropped it, where it is written.
    let dropped = stdout
        .split("dropped: an exception of the rule matches near it\n")
        .nth(1)
        .unwrap_or_else(|| panic!("{stdout}"));
    let exception = dropped.lines().next().unwrap_or_default().trim_start();
    assert!(
        exception.starts_with("prompts/rules/chasing.toml:"),
        "{stdout}"
    );
    assert!(exception.contains("circle back"), "{stdout}");
}

#[test]
fn fixtures_through_the_binary() {
    let all = fixtures();
    let mut lines = Vec::new();
    for (category, f) in &all {
        // One note a line: notes of several lines are checked by `rules test` above.
        let single = |n: &&String| !n.contains('\n');
        lines.extend(
            f.fire
                .iter()
                .filter(single)
                .map(|n| (*category, true, n.clone())),
        );
        lines.extend(
            f.quiet
                .iter()
                .filter(single)
                .map(|n| (*category, false, n.clone())),
        );
    }
    let input: String = lines.iter().map(|(_, _, n)| format!("{n}\n")).collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_callnudge"))
        .args(["analyze", "--lines", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "some fixtures are reactive warnings"
    );
    let reports: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reports.len(), lines.len(), "one JSON line per note");
    for ((category, fire, note), report) in lines.iter().zip(&reports) {
        let found: BTreeSet<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["category"].as_str().unwrap())
            .collect();
        assert_eq!(
            found.contains(category.id()),
            *fire,
            "{category} on {note:?}"
        );
    }
}

#[test]
fn rule_files_are_lines_a_person_can_read() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/prompts/rules");
    let mut long = Vec::new();
    for sub in ["", "/fixtures"] {
        for entry in std::fs::read_dir(format!("{dir}{sub}")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (i, line) in text.lines().enumerate() {
                if line.chars().count() > 160 {
                    long.push(format!("{}:{}", path.display(), i + 1));
                }
            }
        }
    }
    assert!(long.is_empty(), "lines over 160 characters: {long:?}");
}

#[test]
fn every_fixture_finds_what_its_snapshot_says() {
    let prompts = Prompts::embedded().unwrap();
    let mut snapshot = String::new();
    for (category, f) in fixtures() {
        let cases = f
            .fire
            .iter()
            .map(|n| (n, "fire"))
            .chain(f.quiet.iter().map(|n| (n, "quiet")));
        for (note, kind) in cases {
            let report = callnudge::core::analyze(&prompts.rules, note);
            let found: Vec<String> = report
                .findings
                .iter()
                .map(|x| format!("{}@{}..{}", x.rule, x.start, x.end))
                .collect();
            snapshot.push_str(&format!(
                "{category} {kind} {note:?}\n  score {} {}\n",
                report.score,
                found.join(" ")
            ));
        }
    }
    expect_test::expect_file!["snapshots/fixtures.txt"].assert_eq(&snapshot);
}
