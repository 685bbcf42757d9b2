//! `--rules DIR`: a rules directory replaces the built-in rules, and a broken one is reported
//! as `file:line: reason`.

use crate::bin::{callnudge, stderr, stdout};
use std::io::Write;
use std::path::Path;
use std::process::Output;

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

#[test]
fn a_rules_directory_without_names_reads_the_built_in_names() {
    let note = b"talked to the owner greg, he signs off on the budget";
    let run = |dir: &Path| {
        let o = callnudge(
            &[
                "--rules",
                dir.to_str().unwrap(),
                "analyze",
                "--format",
                "json",
            ],
            note,
        );
        stdout(&o)
    };
    let dir = tempfile::tempdir().unwrap();
    copy_rules(dir.path());
    assert!(run(dir.path()).contains("leader-access"));
    std::fs::remove_file(dir.path().join("names.toml")).unwrap();
    assert!(run(dir.path()).contains("leader-access"));
    // A folder's own list replaces the built-in one.
    std::fs::write(dir.path().join("names.toml"), "first_names = [\"zed\"]\n").unwrap();
    assert!(!run(dir.path()).contains("leader-access"));
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
            "names.toml",
            Box::new(|d: &Path| {
                let p = d.join("names.toml");
                let text = std::fs::read_to_string(&p).unwrap();
                let at = text.find("\"anne\"").unwrap();
                std::fs::write(&p, text.replacen("\"anne\"", "\"anne marie\"", 1)).unwrap();
                text[..at].lines().count()
            }),
            "not a first name",
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
