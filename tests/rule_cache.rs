//! The compiled-rules cache as a user meets it: the second run of a command reads the rules
//! compiled by the first and prints the same; a damaged entry, an edited rules folder or a
//! cache turned off change nothing in what is printed.

use std::path::Path;
use std::process::{Command, Output};

const NOTE: &str = "They asked for a discount and I said I'd send the updated quote by Friday.";

/// `callnudge analyze -` on [`NOTE`] with the cache in `cache` (`None`: turned off).
fn analyze(cache: Option<&Path>, extra: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_callnudge"));
    cmd.args(["analyze", "--format", "json"])
        .args(extra)
        .arg("-")
        .env_remove("CALLNUDGE_RULES")
        .env(
            "CALLNUDGE_CACHE_DIR",
            cache.map(Path::as_os_str).unwrap_or_default(),
        )
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), NOTE.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn entries(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn a_second_run_reads_the_compiled_rules_and_prints_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let first = analyze(Some(&cache), &[]);
    assert!(!first.stdout.is_empty(), "{first:?}");
    let stored = entries(&cache);
    assert_eq!(stored.len(), 1, "one compiled form written: {stored:?}");
    let written = std::fs::metadata(&stored[0]).unwrap().modified().unwrap();

    let second = analyze(Some(&cache), &[]);
    assert_eq!(second.stdout, first.stdout);
    assert_eq!(second.status.code(), first.status.code());
    assert_eq!(entries(&cache), stored, "read, not written again");
    assert_eq!(
        std::fs::metadata(&stored[0]).unwrap().modified().unwrap(),
        written
    );

    // A damaged entry is compiled afresh and replaced, and what is printed is the same.
    std::fs::write(&stored[0], b"not a compiled rule set").unwrap();
    let third = analyze(Some(&cache), &[]);
    assert_eq!(third.stdout, first.stdout);
    assert!(
        std::fs::metadata(&stored[0]).unwrap().len() > 1000,
        "replaced"
    );

    // Off: nothing written, same result.
    let off = analyze(None, &[]);
    assert_eq!(off.stdout, first.stdout);
}

#[test]
fn an_edited_rules_folder_is_compiled_again() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts/rules");
    for e in std::fs::read_dir(&src).unwrap().filter_map(Result::ok) {
        if e.path().extension().is_some_and(|x| x == "toml") {
            std::fs::copy(e.path(), rules.join(e.file_name())).unwrap();
        }
    }
    let folder = rules.to_str().unwrap();
    let before = analyze(Some(&cache), &["--rules", folder]);
    assert!(String::from_utf8_lossy(&before.stdout).contains("sent-collateral"));

    // The rule that finds "send the updated quote" is switched off in the folder.
    let file = rules.join("order-taking.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let edited = text.replacen(
        "id = \"sent-collateral\"",
        "id = \"sent-collateral-renamed\"",
        1,
    );
    assert_ne!(edited, text, "the rule is where the test expects it");
    std::fs::write(&file, edited).unwrap();
    let after = analyze(Some(&cache), &["--rules", folder]);
    let out = String::from_utf8_lossy(&after.stdout);
    assert!(out.contains("sent-collateral-renamed"), "{out}");
    assert_eq!(entries(&cache).len(), 2, "one compiled form per version");
}
