//! Per-category fixtures (`tests/fixtures/<category>.toml`, as in Vale's style tests): every
//! `fire` note must produce the category and no `quiet` note may, checked through the library
//! and through the `callnudge analyze` binary.

use callnudge::core::{analyze, Category};
use callnudge::prompts::Prompts;
use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};

#[derive(serde::Deserialize)]
struct Fixtures {
    fire: Vec<String>,
    quiet: Vec<String>,
}

fn fixtures() -> Vec<(Category, Fixtures)> {
    Category::ALL
        .iter()
        .map(|c| {
            let path = format!(
                "{}/tests/fixtures/{}.toml",
                env!("CARGO_MANIFEST_DIR"),
                c.id()
            );
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("every category needs {path}: {e}"));
            let f: Fixtures = toml::from_str(&text).expect("valid fixture file");
            assert!(
                f.fire.len() >= 3 && f.quiet.len() >= 3,
                "{path}: 3+ of each"
            );
            (*c, f)
        })
        .collect()
}

#[test]
fn fixtures_through_the_library() {
    let prompts = Prompts::embedded().unwrap();
    let mut failures = Vec::new();
    for (category, f) in fixtures() {
        for note in &f.fire {
            if !analyze(&prompts.rules, note)
                .categories()
                .contains(&category)
            {
                failures.push(format!("{category} should fire on {note:?}"));
            }
        }
        for note in &f.quiet {
            if analyze(&prompts.rules, note)
                .categories()
                .contains(&category)
            {
                failures.push(format!("{category} should stay quiet on {note:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fixtures_through_the_binary() {
    let all = fixtures();
    let mut lines = Vec::new();
    for (category, f) in &all {
        lines.extend(f.fire.iter().map(|n| (*category, true, n.clone())));
        lines.extend(f.quiet.iter().map(|n| (*category, false, n.clone())));
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
